//! The paper's figures as presets (`lora.md` §4.1–4.3): D = 16, R = 1..16, seeds 0–4, the median
//! over seeds. Each preset is a list of jobs (one construction or one 5,000-step training run per
//! point and seed) worked through in small chunks, so the figure fills in while the page stays
//! responsive. The presets themselves (what they show, their departures from the paper) are in
//! `paper_presets`.

use super::paper_jobs::{Job, Models, Work};
pub use super::paper_jobs::{SEEDS, STEPS, STEPS_PER_UNIT, TEST_SIZE, WIDTH};
#[cfg(feature = "transformer-training")]
use super::paper_runs::transformer_run;
pub use super::paper_runs::{can_train_transformers, median};
use super::paper_runs::{computable_here, construction, Run};
use crate::lora::fnn::Fnn;
use crate::lora::models;
use crate::lora::train::{Activation, AdamConfig, Pretraining, TrainConfig, Trainable, Trainer};
use crate::rng;

pub use super::paper_presets::Preset;

/// A preset being computed.
pub struct Sweep {
    preset: Preset,
    jobs: Vec<Job>,
    /// Each job's value once done (`None` inside: it failed or diverged, and is left out).
    results: Vec<Option<Option<f64>>>,
    /// Jobs handed out so far, in order (to this thread or to Web Workers).
    handed: usize,
    /// The job this thread is working on, a chunk at a time, and its training run.
    current: Option<usize>,
    /// The job in hand when it was last handed to the Web Workers too.
    shared: Option<usize>,
    running: Option<Run>,
    models: Vec<Option<Models>>,
    /// A pretrained frozen model being made, a chunk at a time: (models index, target, pretraining).
    pretraining: Option<(usize, Fnn, Pretraining)>,
}

impl Sweep {
    /// A sweep of `preset` with nothing computed yet.
    pub fn new(preset: Preset) -> Self {
        let jobs = preset.jobs();
        let panels = preset.panels().len();
        Sweep {
            preset,
            results: vec![None; jobs.len()],
            jobs,
            handed: 0,
            current: None,
            shared: None,
            running: None,
            models: vec![None; panels * SEEDS as usize],
            pretraining: None,
        }
    }

    /// The preset.
    pub fn preset(&self) -> Preset {
        self.preset
    }

    /// (jobs done, jobs in all).
    pub fn progress(&self) -> (usize, usize) {
        (self.results.iter().filter(|r| r.is_some()).count(), self.jobs.len())
    }

    /// Hands out up to `n` jobs (their indices) for this thread or for Web Workers, in order;
    /// once all are handed out, the ones still not done are handed out again (a worker may have
    /// failed), so the sweep always completes.
    ///
    /// The page's thread stops its own work once the workers deliver, so the job it holds
    /// unfinished goes to them first (once), not after every other job (a pretrained panel's
    /// first construction would otherwise be missing from its curve until the last training run
    /// is handed out); should the thread still finish it, the later result is refused.
    pub fn next_jobs(&mut self, n: usize) -> Vec<usize> {
        let first = self.current.filter(|&i| n > 0 && self.results[i].is_none() && self.shared != Some(i));
        if first.is_some() {
            self.shared = first;
        }
        let mut out: Vec<usize> = first.into_iter().collect();
        let more = self.hand_out(n - out.len(), |_| true);
        out.extend(more.into_iter().filter(|&i| Some(i) != first));
        out
    }

    /// `next_jobs` restricted to the jobs `can` accepts: the next ones in order while it accepts
    /// them, then any handed out before and still not done.
    fn hand_out(&mut self, n: usize, can: impl Fn(&Job) -> bool) -> Vec<usize> {
        let fresh = self.jobs[self.handed..].iter().take(n).take_while(|job| can(job)).count();
        let mut out: Vec<usize> = (self.handed..self.handed + fresh).collect();
        self.handed += fresh;
        if out.len() < n {
            // Including this thread's own job in hand: the page stops working on it once the
            // workers deliver, and the sweep must still complete.
            let missing = (0..self.handed).filter(|&i| self.results[i].is_none() && can(&self.jobs[i]));
            out.extend(missing.take(n - out.len()));
        }
        out
    }

    /// Computes job `index` whole (on a Web Worker, whose sweep is its own copy of this one), by
    /// the very code `advance` runs a chunk at a time. `None` for no such job.
    pub fn compute(&mut self, index: usize) -> Option<Option<f64>> {
        self.jobs.get(index)?;
        if self.current != Some(index) {
            (self.current, self.running) = (Some(index), None);
        }
        if self.results[index].is_none() {
            // An unlimited budget makes the job's models and does its work in one call.
            let mut unlimited = usize::MAX;
            self.work_on(index, &mut unlimited);
        }
        self.results[index]
    }

    /// Takes the value of job `index` computed elsewhere; false (and nothing changes) for a job
    /// not handed out or already done.
    pub fn accept(&mut self, index: usize, value: Option<f64>) -> bool {
        if index >= self.handed || self.results.get(index).is_none_or(Option::is_some) {
            return false;
        }
        self.finish(index, value);
        true
    }

    /// Takes every job's value at once, by job index (the finished results that ship with the
    /// lab); false, and nothing changes, unless there is one value per job and none is done yet.
    pub fn fill(&mut self, values: Vec<Option<f64>>) -> bool {
        if values.len() != self.jobs.len() || self.results.iter().any(Option::is_some) {
            return false;
        }
        self.handed = self.jobs.len();
        for (index, value) in values.into_iter().enumerate() {
            self.finish(index, value);
        }
        true
    }

    /// The models of a panel and seed, once made: a pretrained frozen model is trained a chunk
    /// of `budget` units at a time, so `None` (with the budget spent) means "not yet".
    fn models(&mut self, panel: usize, seed: u64, budget: &mut usize) -> Option<Models> {
        let index = panel * SEEDS as usize + seed as usize;
        if let Some(Some(m)) = self.models.get(index) {
            return Some(m.clone());
        }
        let (target_depth, depth, activation) = self.preset.shape();
        if self.pretraining.as_ref().is_none_or(|(i, _, _)| *i != index) {
            let (mut target, mut frozen) =
                models::fnn_pair(&mut rng::stream(seed, rng::streams::MODELS), WIDTH, target_depth, depth);
            if activation == Activation::Linear {
                for b in target.biases.iter_mut().chain(frozen.biases.iter_mut()) {
                    b.fill(0.0);
                }
            }
            if !self.preset.pretrained(panel) {
                let m = Models { target, frozen };
                if let Some(slot) = self.models.get_mut(index) {
                    *slot = Some(m.clone());
                }
                return Some(m);
            }
            let pretraining =
                Pretraining::new(&target, &frozen, activation, rng::stream(seed, rng::streams::PRETRAINING));
            self.pretraining = Some((index, target, pretraining));
        }
        let (_, _, pretraining) = self.pretraining.as_mut()?;
        let before = pretraining.steps();
        let done = pretraining.run(budget.saturating_mul(STEPS_PER_UNIT));
        *budget = budget.saturating_sub((pretraining.steps() - before).div_ceil(STEPS_PER_UNIT));
        if !done {
            return None;
        }
        let (_, target, pretraining) = self.pretraining.take()?;
        let m = Models { target, frozen: pretraining.into_model().0 };
        if let Some(slot) = self.models.get_mut(index) {
            *slot = Some(m.clone());
        }
        Some(m)
    }

    /// Works for about `units` chunks (a construction, or `STEPS_PER_UNIT` training steps, each)
    /// on this thread; no work for 0 units.
    pub fn advance(&mut self, units: usize) {
        let mut budget = units;
        while budget > 0 {
            // The job in hand, unless a worker has finished it meanwhile; else the next one.
            let index = match self.current.filter(|&i| self.results[i].is_none()) {
                Some(index) => index,
                None => {
                    self.running = None;
                    let Some(index) = self.hand_out(1, computable_here).pop() else { break };
                    self.current = Some(index);
                    index
                }
            };
            self.work_on(index, &mut budget);
        }
    }

    /// Whether this thread has work it can do: false when only jobs for the Web Workers are left.
    pub fn has_work_here(&self) -> bool {
        self.jobs.iter().zip(&self.results).any(|(job, result)| result.is_none() && computable_here(job))
    }

    /// Works on job `index` (the current one) for up to `budget` units, spending them; finishes
    /// it when its work is done.
    fn work_on(&mut self, index: usize, budget: &mut usize) {
        let job = self.jobs[index];
        match job.work {
            Work::Training { .. } | Work::TransformerTraining { .. } => {
                if self.running.is_none() {
                    self.running = match job.work {
                        Work::Training { trainable } => {
                            let Some(m) = self.models(job.panel, job.seed, budget) else { return };
                            Some(Run::Fnn(Box::new(self.trainer(job, trainable, m))))
                        }
                        #[cfg(feature = "transformer-training")]
                        Work::TransformerTraining { depth, rank } => Some(transformer_run(job, depth, rank)),
                        _ => None,
                    };
                }
                let Some(run) = self.running.as_mut() else {
                    *budget = 0; // a run this build cannot make (never handed to it)
                    return;
                };
                // A transformer step costs about as much as a construction: one step per unit.
                let per_unit = if matches!(run, Run::Fnn(..)) { STEPS_PER_UNIT } else { 1 };
                let left = STEPS.saturating_sub(run.steps());
                let chunk = left.min(budget.saturating_mul(per_unit));
                run.run(chunk);
                *budget = budget.saturating_sub(chunk.div_ceil(per_unit).max(1));
                if run.steps() >= STEPS || run.diverged() {
                    let value = run.tested(job);
                    self.finish(index, value);
                }
            }
            work => {
                let models = match work {
                    Work::LinearConstruction { .. } | Work::FnnConstruction { .. } => {
                        let Some(m) = self.models(job.panel, job.seed, budget) else { return };
                        Some(m)
                    }
                    _ => None,
                };
                let value = construction(job, work, models.as_ref());
                self.finish(index, value);
                *budget = budget.saturating_sub(1);
            }
        }
    }

    /// A training job's run, from its seed's models, with one independent stream per (series,
    /// point) and seed.
    fn trainer(&self, job: Job, trainable: Trainable, m: Models) -> Trainer {
        let (_, _, activation) = self.preset.shape();
        let config = TrainConfig {
            trainable,
            activation,
            adam: AdamConfig::new(1e-3, 0.0),
            batch_size: 256,
            lora_init_std: 0.25,
        };
        let stream = rng::stream(job.seed, 1_000 + 100_000 * job.series as u64 + job.x as u64);
        Trainer::new(m.target, m.frozen, config, stream)
    }

    fn finish(&mut self, index: usize, value: Option<f64>) {
        if let Some(slot) = self.results.get_mut(index) {
            *slot = Some(value.filter(|v| v.is_finite()));
        }
        if self.current == Some(index) {
            self.current = None;
            self.running = None;
        }
    }

    /// The median over the seeds computed so far, per panel and series: points (x, median, seeds used).
    pub fn medians(&self) -> Vec<Vec<Vec<(f64, f64, usize)>>> {
        let (panels, series) = (self.preset.panels().len(), self.preset.series().len());
        let mut out = vec![vec![Vec::new(); series]; panels];
        let mut xs: Vec<f64> = self.jobs.iter().map(|j| j.x).collect();
        xs.sort_by(f64::total_cmp);
        xs.dedup();
        for (panel, per_panel) in out.iter_mut().enumerate() {
            for (s, points) in per_panel.iter_mut().enumerate() {
                for &x in &xs {
                    let mut values: Vec<f64> = self
                        .jobs
                        .iter()
                        .zip(&self.results)
                        .filter(|(j, _)| j.panel == panel && j.series == s && j.x == x)
                        .filter_map(|(_, r)| r.flatten())
                        .collect();
                    if let Some(m) = median(&mut values) {
                        points.push((x, m, values.len()));
                    }
                }
            }
        }
        out
    }
}
