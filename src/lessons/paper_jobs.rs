//! The LoRA paper presets' jobs: what each point of each series computes for one seed (a
//! construction or a training run), in the order the sweep works through them, and the presets'
//! shared sizes.

use super::paper_presets::Preset;
use crate::lora::fnn::Fnn;
use crate::lora::train::{Activation, Trainable};

/// Width of every preset.
pub const WIDTH: usize = 16;
/// Seeds 0..SEEDS.
pub const SEEDS: u64 = 5;
/// Adam steps per training run (the paper's 5,000).
pub const STEPS: usize = 5_000;
/// Steps per unit of `advance`: two Adam steps cost about as much as one construction (about a
/// millisecond), so that the page's frame budget, which adapts the units per call to their
/// measured cost, does not overshoot when the sweep moves from constructions to training.
pub const STEPS_PER_UNIT: usize = 2;
/// Fresh test inputs per measurement.
pub const TEST_SIZE: usize = 2_000;

/// What one job computes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Work {
    /// The linear construction's exact Gaussian MSE at a rank.
    LinearConstruction { rank: usize },
    /// The FNN construction's test MSE at a rank.
    FnnConstruction { rank: usize },
    /// The transformer construction's MSE at a rank with `depth` blocks.
    TransformerConstruction { depth: usize, rank: usize },
    /// A training run.
    Training { trainable: Trainable },
    /// A LoRA training run on the transformer of `depth` blocks.
    TransformerTraining { depth: usize, rank: usize },
}

/// One point of one series for one seed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Job {
    pub(super) panel: usize,
    pub(super) series: usize,
    pub(super) x: f64,
    pub(super) seed: u64,
    pub(super) work: Work,
}

/// The models of a panel for one seed.
#[derive(Clone, Debug)]
pub(super) struct Models {
    pub(super) target: Fnn,
    pub(super) frozen: Fnn,
}

impl Preset {
    pub(super) fn shape(self) -> (usize, usize, Activation) {
        match self {
            Preset::Figure1 => (1, 2, Activation::Linear),
            Preset::Figure2 => (2, 4, Activation::Relu { relu_on_output: true }),
            Preset::FinalLayers => (1, 8, Activation::Relu { relu_on_output: true }),
            Preset::Biases => (1, 2, Activation::Relu { relu_on_output: true }),
            Preset::Transformer => (1, 1, Activation::Linear),
        }
    }

    pub(super) fn pretrained(self, panel: usize) -> bool {
        matches!(self, Preset::Figure1 | Preset::Figure2 | Preset::FinalLayers) && panel == 1
    }

    /// The jobs: fast constructions first, then training runs seed by seed, so a whole curve
    /// (the median of one seed) appears early and sharpens as seeds arrive.
    pub(super) fn jobs(self) -> Vec<Job> {
        let mut fast = Vec::new();
        let mut slow = Vec::new();
        let lora = |rank: usize, tune_biases: bool| Work::Training { trainable: Trainable::Lora { rank, tune_biases } };
        for seed in 0..SEEDS {
            for panel in 0..self.panels().len() {
                for rank in 1..=WIDTH {
                    let x = rank as f64;
                    match self {
                        Preset::Figure1 => {
                            slow.push(Job { panel, series: 0, x, seed, work: lora(rank, false) });
                            fast.push(Job { panel, series: 1, x, seed, work: Work::LinearConstruction { rank } });
                        }
                        Preset::Figure2 => {
                            slow.push(Job { panel, series: 0, x, seed, work: lora(rank, true) });
                            fast.push(Job { panel, series: 1, x, seed, work: Work::FnnConstruction { rank } });
                        }
                        Preset::Transformer => {
                            let depth = panel + 1;
                            slow.push(Job {
                                panel,
                                series: 0,
                                x,
                                seed,
                                work: Work::TransformerTraining { depth, rank },
                            });
                            fast.push(Job {
                                panel,
                                series: 1,
                                x,
                                seed,
                                work: Work::TransformerConstruction { depth, rank },
                            });
                        }
                        Preset::FinalLayers => {
                            slow.push(Job { panel, series: 0, x: 256.0 * x, seed, work: lora(rank, true) });
                            if rank <= 7 {
                                let work = Work::Training { trainable: Trainable::FinalLayers { count: rank } };
                                slow.push(Job { panel, series: 1, x: 256.0 * x, seed, work });
                            }
                        }
                        Preset::Biases => {
                            slow.push(Job { panel, series: 0, x: 64.0 * x, seed, work: lora(rank, false) });
                            slow.push(Job { panel, series: 1, x: 64.0 * x + 32.0, seed, work: lora(rank, true) });
                        }
                    }
                }
            }
        }
        fast.extend(slow);
        fast
    }
}
