//! `adaptlab figure … --full-grid`: the paper's full sweep of Adam settings for the gradient
//! curves of the FNN presets (`lora.md` §4.2): every training run of the preset is repeated for
//! learning rate ∈ {1e-2, 1e-3, 1e-4} × weight decay ∈ {0, 1e-4, 1e-3, 1e-2} (12 runs per rank,
//! series and seed), and, as in the paper, the run with the lowest validation MSE (256 fresh
//! inputs, measured after the last step) gives the point its test MSE. A diverged run is not a
//! candidate; a point none of whose runs is finite is left out, as on the page. The constructions
//! are the preset's own jobs. Costs 12 times the preset's training.
//!
//! The preset's job model has one Adam setting, so the grid's runs are built here with the
//! training API, mirroring `lessons::paper_figures` (job order, models, pretraining, streams);
//! a test checks that the grid's (1e-3, 0) run of a job is the page's run of it, to the bit.

use std::collections::HashMap;

use adaptlab::lessons::paper_figures::{Preset, SEEDS, STEPS, TEST_SIZE, WIDTH};
use adaptlab::lora::fnn::Fnn;
use adaptlab::lora::models;
use adaptlab::lora::train::{pretrain, Activation, AdamConfig, TrainConfig, Trainable, Trainer};
use adaptlab::pages::Lab;
use adaptlab::pages::{wire, Job};
use adaptlab::rng;
use adaptlab::state::View;

/// The paper's learning rates (`lora.md` §4.2).
pub const LEARNING_RATES: [f64; 3] = [1e-2, 1e-3, 1e-4];
/// The paper's weight decays.
pub const WEIGHT_DECAYS: [f64; 4] = [0.0, 1e-4, 1e-3, 1e-2];
/// Fresh validation inputs per seed (the paper's 256).
pub const VALIDATION_SIZE: usize = 256;
/// The validation inputs' stream: distinct from the lab's named streams (0–4) and from the
/// training runs' (1,000 and above).
const VALIDATION_STREAM: u64 = 5;

/// One job of the preset: a training run (with what it trains) or a construction.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Spec {
    Training { panel: usize, series: usize, x: f64, seed: u64, trainable: Trainable },
    Construction,
}

/// One unit of the grid: job `job` (its position in the preset's job list) with Adam setting
/// `setting` (an index into the 12), or the job itself for a construction.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Unit {
    job: usize,
    setting: Option<usize>,
}

/// The full grid of a preset.
pub struct Grid {
    preset: Preset,
    specs: Vec<Spec>,
    units: Vec<Unit>,
}

/// The models of each (panel, seed) a thread has made, kept between its units.
#[derive(Default)]
pub struct Models(HashMap<(usize, u64), (Fnn, Fnn)>);

impl Grid {
    /// The grid of the paper preset `lab` shows, whose job list is `jobs`.
    pub fn new(lab: &Lab, jobs: &[Job]) -> Result<Grid, String> {
        let state = lab.state();
        if state.view != View::Paper {
            return Err("--full-grid applies to the LoRA paper presets (view=lora-paper)".to_owned());
        }
        let preset = state.paper;
        if preset == Preset::Transformer {
            return Err("--full-grid is implemented for the FNN presets (1, 2, flt, bias), not the transformer figure (its 12-setting grid would take about 18 hours on 2 cores)".to_owned());
        }
        let specs = specs(preset);
        if specs.len() != jobs.len() {
            return Err(format!(
                "--full-grid: the preset has {} jobs, the grid expected {}: its job list changed",
                jobs.len(),
                specs.len()
            ));
        }
        let settings = LEARNING_RATES.len() * WEIGHT_DECAYS.len();
        let units = specs
            .iter()
            .enumerate()
            .flat_map(|(job, spec)| match spec {
                Spec::Training { .. } => (0..settings).map(|s| Unit { job, setting: Some(s) }).collect(),
                Spec::Construction => vec![Unit { job, setting: None }],
            })
            .collect();
        Ok(Grid { preset, specs, units })
    }

    /// Units in all.
    pub fn len(&self) -> usize {
        self.units.len()
    }

    /// Computes unit `unit`: a construction's numbers (by the lab), or a grid run's
    /// [validation MSE, test MSE] (NaN for a diverged run). `None` for no such unit.
    pub fn run(&self, unit: usize, lab: &mut Lab, jobs: &[Job], models: &mut Models) -> Option<Vec<f64>> {
        let Unit { job, setting } = *self.units.get(unit)?;
        let (Some(setting), Spec::Training { panel, series, x, seed, trainable }) = (setting, self.specs[job]) else {
            return lab.run_job(*jobs.get(job)?).map(|r| wire::result_to_numbers(&r));
        };
        let adam = AdamConfig::new(
            LEARNING_RATES[setting / WEIGHT_DECAYS.len()],
            WEIGHT_DECAYS[setting % WEIGHT_DECAYS.len()],
        );
        let (target, frozen) = models.0.entry((panel, seed)).or_insert_with(|| panel_models(self.preset, panel, seed));
        let config =
            TrainConfig { trainable, activation: activation(self.preset), adam, batch_size: 256, lora_init_std: 0.25 };
        // The page's stream for this run: one per (series, point) and seed.
        let stream = rng::stream(seed, 1_000 + 100_000 * series as u64 + x as u64);
        let mut trainer = Trainer::new(target.clone(), frozen.clone(), config, stream);
        if !trainer.run(STEPS) {
            return Some(vec![f64::NAN, f64::NAN]);
        }
        let validation = models::gaussian_inputs(&mut rng::stream(seed, VALIDATION_STREAM), WIDTH, VALIDATION_SIZE);
        let test = models::gaussian_inputs(&mut rng::stream(seed, rng::streams::TEST), WIDTH, TEST_SIZE);
        Some(vec![trainer.mse_on(&validation), trainer.mse_on(&test)])
    }

    /// Each job's numbers for the lab from every unit's (`results`: (unit, numbers) in unit
    /// order): a construction's own; for a training job, the test MSE of its run with the lowest
    /// finite validation MSE (NaN when none is finite; the page leaves such a run out).
    pub fn best(&self, results: &[(usize, Vec<f64>)]) -> Result<Vec<Vec<f64>>, String> {
        let mut out: Vec<Option<Vec<f64>>> = vec![None; self.specs.len()];
        for (unit, numbers) in results {
            let Some(Unit { job, setting }) = self.units.get(*unit).copied() else {
                return Err(format!("grid unit {unit} does not exist"));
            };
            let candidate = match (setting, numbers.as_slice()) {
                (None, _) => Some(numbers.clone()),
                (Some(_), [validation, test]) if validation.is_finite() && test.is_finite() => {
                    Some(vec![*validation, *test])
                }
                (Some(_), [_, _]) => None,
                (Some(_), _) => return Err(format!("grid unit {unit}: expected [validation, test]")),
            };
            // The lowest validation MSE wins; ties keep the earlier setting.
            match (&out[job], candidate) {
                (Some(best), Some(c)) if setting.is_some() && c[0] < best[0] => out[job] = Some(c),
                (None, Some(c)) => out[job] = Some(c),
                _ => {}
            }
        }
        Ok(out
            .into_iter()
            .zip(&self.specs)
            .map(|(best, spec)| match (best, spec) {
                (Some(b), Spec::Training { .. }) => vec![b[1]],
                (Some(b), Spec::Construction) => b,
                (None, _) => vec![f64::NAN],
            })
            .collect())
    }
}

fn activation(preset: Preset) -> Activation {
    match preset {
        Preset::Figure1 | Preset::Transformer => Activation::Linear,
        _ => Activation::Relu { relu_on_output: true },
    }
}

/// A panel's seeded target and frozen model, as the preset makes them: (target depth, frozen
/// depth) per preset, no biases for linear models, the paper's pretraining for panel 1 of
/// Figures 1, 2 and the final-layers preset.
fn panel_models(preset: Preset, panel: usize, seed: u64) -> (Fnn, Fnn) {
    let (target_depth, depth) = match preset {
        Preset::Figure1 | Preset::Biases => (1, 2),
        Preset::Figure2 => (2, 4),
        Preset::FinalLayers => (1, 8),
        Preset::Transformer => (1, 1),
    };
    let (mut target, mut frozen) =
        models::fnn_pair(&mut rng::stream(seed, rng::streams::MODELS), WIDTH, target_depth, depth);
    let activation = activation(preset);
    if activation == Activation::Linear {
        for b in target.biases.iter_mut().chain(frozen.biases.iter_mut()) {
            b.fill(0.0);
        }
    }
    let pretrained = matches!(preset, Preset::Figure1 | Preset::Figure2 | Preset::FinalLayers) && panel == 1;
    if pretrained {
        frozen = pretrain(&target, &frozen, activation, rng::stream(seed, rng::streams::PRETRAINING)).0;
    }
    (target, frozen)
}

/// The preset's jobs in the lab's order: constructions first, then training runs seed by seed.
fn specs(preset: Preset) -> Vec<Spec> {
    let (mut fast, mut slow) = (Vec::new(), Vec::new());
    let lora = |rank: usize, tune_biases: bool| Trainable::Lora { rank, tune_biases };
    for seed in 0..SEEDS {
        for panel in 0..preset.panels().len() {
            for rank in 1..=WIDTH {
                let x = rank as f64;
                let run =
                    |series: usize, x: f64, trainable: Trainable| Spec::Training { panel, series, x, seed, trainable };
                match preset {
                    Preset::Figure1 | Preset::Transformer => {
                        slow.push(run(0, x, lora(rank, false)));
                        fast.push(Spec::Construction);
                    }
                    Preset::Figure2 => {
                        slow.push(run(0, x, lora(rank, true)));
                        fast.push(Spec::Construction);
                    }
                    Preset::FinalLayers => {
                        slow.push(run(0, 256.0 * x, lora(rank, true)));
                        if rank <= 7 {
                            slow.push(run(1, 256.0 * x, Trainable::FinalLayers { count: rank }));
                        }
                    }
                    Preset::Biases => {
                        slow.push(run(0, 64.0 * x, lora(rank, false)));
                        slow.push(run(1, 64.0 * x + 32.0, lora(rank, true)));
                    }
                }
            }
        }
    }
    fast.extend(slow);
    fast
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_lowest_validation_error_gives_the_point_its_test_error() {
        let mut lab = Lab::new();
        lab.load("view=lora-paper&fig=bias");
        let jobs = adaptlab::precomputed::all_jobs(&mut lab);
        let grid = Grid::new(&lab, &jobs).unwrap();
        assert_eq!(grid.len(), 160 * 12, "every biases job is a training run");
        // Job 0: setting 7 has the lowest validation MSE though setting 2 has a lower test MSE;
        // setting 5 diverged. Job 1: every run diverged. Every other job: setting 0.
        let result = |unit: usize| match unit {
            2 => vec![0.5, 0.001],
            5 => vec![f64::NAN, f64::NAN],
            7 => vec![0.25, 0.3],
            12..=23 => vec![f64::NAN, f64::NAN],
            u if u % 12 == 0 => vec![1.0, 0.75],
            _ => vec![2.0, 0.0],
        };
        let results: Vec<(usize, Vec<f64>)> = (0..grid.len()).map(|u| (u, result(u))).collect();
        let best = grid.best(&results).unwrap();
        assert_eq!(best[0], vec![0.3]);
        assert!(best[1][0].is_nan());
        assert_eq!(best[2], vec![0.75]);
        assert!(grid.best(&[(0, vec![1.0])]).is_err(), "a grid run has two numbers");
    }
}
