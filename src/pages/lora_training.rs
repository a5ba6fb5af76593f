//! The training lesson's page: one run per setting, advanced in chunks between frames. A
//! pretrained frozen model is made first, a few Adam steps per unit of background work, so a
//! change of setting never blocks the page; the run then starts on exactly the model the
//! one-call `Run::new` would have made.

use crate::lessons::format::number;
use crate::lessons::lora_training::{self, recent_mean, Comparison, Pace, Params, Run, STEPS_PER_UNIT};
use crate::lessons::training_probes::{self, PROBES};
use crate::lora::fnn::Fnn;
use crate::lora::train::Pretraining;
use crate::plots::{lora_training as figures, FigureSet};

use super::cached::{cached, Keyed};
use super::report::{report, Number, Progress, Report, Status};

/// Adam steps of pretraining per unit of background work (a unit is about a millisecond).
const PRETRAINING_STEPS_PER_UNIT: usize = 2;

/// Where a setting's run is: its frozen model still being pretrained, or training.
pub enum Stage {
    /// Pretraining the frozen model towards the target (the target, the pretraining in
    /// progress; taken out when it is done).
    Pretraining(Option<(Fnn, Box<Pretraining>)>),
    /// The training run.
    Running(Box<Run>),
}

/// The run for one setting.
pub type Cache = Keyed<Params, Stage>;

/// The stage for `params`, restarted when any setting changes.
fn cache_for<'a>(cache: &'a mut Option<Cache>, params: &Params) -> &'a mut Stage {
    cached(cache, params.clone(), || {
        let (target, frozen) = lora_training::drawn_models(params);
        match lora_training::pretraining(params, &target, &frozen) {
            Some(pretraining) => Stage::Pretraining(Some((target, Box::new(pretraining)))),
            None => Stage::Running(Box::new(Run::with_models(params, target, frozen, 0))),
        }
    })
}

pub fn compute(cache: &mut Option<Cache>, params: &Params) -> (Report, FigureSet) {
    let run = match &*cache_for(cache, params) {
        Stage::Running(run) => run,
        Stage::Pretraining(work) => return pending(work.as_ref().map_or(0, |(_, p)| p.steps())),
    };
    // A run that diverged (stopped, or ended above where it started) failed; any other run is an
    // approximation, to be compared with the construction.
    let status = if run.diverged() || run.comparison() == Some(Comparison::Diverged) {
        Status::Failed
    } else {
        Status::Approximate
    };
    let summary = format!(
        "Training loss of LoRA (R = {}) over {} of {} Adam steps{}; the frozen model starts at a test MSE of {}{}{}.{}",
        params.rank,
        run.steps(),
        run.planned(),
        recent_mean(run.losses()).map_or_else(String::new, |m| format!(", recently averaging {}", number(m))),
        number(run.references.start),
        run.references.construction.map_or_else(
            || ", the construction cannot be used at this rank".to_owned(),
            |c| format!(", the construction reaches {}", number(c))
        ),
        run.references
            .closed_form
            .map_or_else(String::new, |c| format!(" and the closed-form reference is {}", number(c))),
        match run.pretrain_steps {
            0 => String::new(),
            n if n < Pretraining::MAX_STEPS => format!(
                " The frozen model was pretrained for {n} steps, until its batch loss fell below a third of the first."
            ),
            n => format!(" The frozen model was pretrained for {n} steps, the limit."),
        }
    );
    let report = report(
        run.live_check(),
        status,
        vec![("loss", summary), ("outputs", outputs_summary(run, params))],
        vec![
            Number::of("train-steps-taken", Some(run.steps() as f64)),
            Number::of("train-loss", recent_mean(run.losses())),
            Number::of("train-test", run.final_test_mse),
            Number::of("train-start", Some(run.references.start)),
            Number::of("train-construction", run.references.construction),
            Number::of("train-closed-form", run.references.closed_form),
        ],
    );
    (report, figures::training_figures(run, params))
}

/// The outputs figure's summary: how far each adapted model's outputs on the probe inputs lie
/// from the target's, as a mean squared difference (the test MSE's measure, on the probes).
fn outputs_summary(run: &Run, params: &Params) -> String {
    let (trained, construction) = figures::adapted_outputs(run);
    let target = &run.probes.target;
    let gap = |m: &crate::linalg::Matrix| {
        training_probes::mean_squared_difference(&training_probes::pairs(target, m))
            .map_or_else(|| "—".to_owned(), number)
    };
    let trained = match &trained {
        Some(m) => format!("{} for the trained adapters after {} steps", gap(m), run.steps()),
        None => "the run diverged, so its outputs are not drawn".to_owned(),
    };
    let construction = match construction {
        Some(m) => format!("{} for the construction", gap(m)),
        None => "the construction cannot be used at this rank".to_owned(),
    };
    format!(
        "Outputs on {} probe inputs, D = {} coordinates each; mean squared difference from the target's: {trained}; {construction}.",
        PROBES.min(target.ncols()),
        params.width
    )
}

/// The most units of background work a second that `pace` allows now (`None`: no limit). Only
/// the training run is paced: a frozen model's pretraining, which precedes it, runs at full speed.
pub fn pace(cache: &Option<Cache>, params: &Params, pace: Pace) -> Option<f64> {
    let pretraining = match cache {
        Some(c) if c.key == *params => matches!(c.value, Stage::Pretraining(_)),
        _ => params.pretrained,
    };
    let steps = pace.steps_per_second().filter(|_| !pretraining)?;
    Some(steps as f64 / STEPS_PER_UNIT as f64)
}

/// What the page shows while the frozen model is pretrained (`steps` Adam steps taken).
fn pending(steps: usize) -> (Report, FigureSet) {
    let check = format!(
        "Pretraining the frozen model towards the target (Adam step {steps} of at most {}): Adam on every weight until the training MSE falls below a third of its first value, as in the paper. LoRA training starts next.",
        Pretraining::MAX_STEPS
    );
    let report = report(
        check,
        Status::Approximate,
        vec![
            ("loss", "The frozen model is being pretrained; the training curve follows.".to_owned()),
            ("outputs", "The frozen model is being pretrained; the adapted model's outputs follow.".to_owned()),
        ],
        ["train-steps-taken", "train-loss", "train-test", "train-start", "train-construction", "train-closed-form"]
            .into_iter()
            .map(|id| Number::of(id, None))
            .collect(),
    );
    (report, FigureSet::default())
}

/// Pretrains by up to `units` · `PRETRAINING_STEPS_PER_UNIT` steps, then runs up to `units`
/// chunks of training steps.
pub fn advance(cache: &mut Option<Cache>, params: &Params, units: usize) -> Progress {
    let stage = cache_for(cache, params);
    if let Stage::Pretraining(work) = stage {
        if let Some((_, pretraining)) = work.as_mut() {
            if !pretraining.run(units.saturating_mul(PRETRAINING_STEPS_PER_UNIT)) {
                return Progress { done: pretraining.steps(), total: Pretraining::MAX_STEPS, workers_only: false };
            }
        }
        if let Some((target, pretraining)) = work.take() {
            let (frozen, steps) = pretraining.into_model();
            *stage = Stage::Running(Box::new(Run::with_models(params, target, frozen, steps)));
        }
    }
    let Stage::Running(run) = stage else { return Progress { done: 0, total: 1, workers_only: false } };
    run.advance(units);
    let total = run.planned();
    Progress { done: if run.finished() { total } else { run.steps() }, total, workers_only: false }
}

/// The training lesson's page: its background work is the run itself, which the reader can
/// pause, step and start again.
#[derive(Default)]
pub struct Page(Option<Cache>);

impl super::lesson::Lesson for Page {
    fn capabilities(&self) -> super::report::Capabilities {
        super::report::Capabilities { play: super::report::Play::Work, ..Default::default() }
    }

    fn compute(&mut self, state: &crate::state::State) -> Result<(Report, FigureSet), String> {
        Ok(compute(&mut self.0, &state.lora_training))
    }

    fn advance(&mut self, state: &crate::state::State, units: usize) -> Progress {
        advance(&mut self.0, &state.lora_training, units)
    }

    fn pace(&self, state: &crate::state::State) -> Option<f64> {
        pace(&self.0, &state.lora_training, state.training_pace)
    }

    fn progress_text(&self, progress: Progress) -> String {
        format!("training: step {} of {}", progress.done, progress.total)
    }

    fn reset(&mut self) {
        self.0 = None;
    }
}
