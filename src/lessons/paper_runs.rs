//! The LoRA paper presets' runs: a training run in progress (an FNN's or a transformer's), the
//! error a construction job reaches, and the median over seeds.

use super::paper_jobs::{Job, Models, Work, TEST_SIZE, WIDTH};
#[cfg(feature = "transformer-training")]
use crate::linalg::Matrix;
use crate::lora::fnn;
use crate::lora::linear::Discrepancy;
use crate::lora::models;
#[cfg(feature = "transformer-training")]
use crate::lora::train::AdamConfig;
use crate::lora::train::Trainer;
#[cfg(feature = "transformer-training")]
use crate::lora::transformer_train::{TransformerTrainConfig, TransformerTrainable, TransformerTrainer};
use crate::rng;

/// Whether this build trains transformers (the page's own build leaves it to the Web Workers).
pub fn can_train_transformers() -> bool {
    cfg!(feature = "transformer-training")
}

/// Whether this build can compute a job.
pub(super) fn computable_here(job: &Job) -> bool {
    can_train_transformers() || !matches!(job.work, Work::TransformerTraining { .. })
}

/// A training run in progress: an FNN's, or a transformer's with its seed's test sequences.
pub(super) enum Run {
    Fnn(Box<Trainer>),
    #[cfg(feature = "transformer-training")]
    Transformer(Box<TransformerTrainer>, Vec<Matrix>),
}

impl Run {
    pub(super) fn run(&mut self, steps: usize) {
        match self {
            Run::Fnn(t) => t.run(steps),
            #[cfg(feature = "transformer-training")]
            Run::Transformer(t, _) => t.run(steps),
        };
    }

    pub(super) fn steps(&self) -> usize {
        match self {
            Run::Fnn(t) => t.steps(),
            #[cfg(feature = "transformer-training")]
            Run::Transformer(t, _) => t.steps(),
        }
    }

    pub(super) fn diverged(&self) -> bool {
        match self {
            Run::Fnn(t) => t.diverged(),
            #[cfg(feature = "transformer-training")]
            Run::Transformer(t, _) => t.diverged(),
        }
    }

    /// A finished run's MSE on the seed's test inputs (`None` if it diverged).
    pub(super) fn tested(&self, job: Job) -> Option<f64> {
        match self {
            _ if self.diverged() => None,
            Run::Fnn(t) => {
                let test = models::gaussian_inputs(&mut rng::stream(job.seed, rng::streams::TEST), WIDTH, TEST_SIZE);
                Some(t.mse_on(&test))
            }
            #[cfg(feature = "transformer-training")]
            Run::Transformer(t, test) => Some(t.mse_on(test)),
        }
    }
}

#[cfg(feature = "transformer-training")]
/// A transformer LoRA run for a job: the transformer lesson's seeded models and test sequences
/// (those the construction is measured on), Adam as for the FNN presets, the FFN biases tuned.
pub(super) fn transformer_run(job: Job, depth: usize, rank: usize) -> Run {
    let problem = transformer_params(job.seed, depth, rank).problem();
    let config = TransformerTrainConfig {
        trainable: TransformerTrainable::Lora { rank, tune_biases: true },
        adam: AdamConfig::new(1e-3, 0.0),
        batch_size: 256,
        length: TRANSFORMER_LENGTH,
        lora_init_std: 0.25,
    };
    let stream = rng::stream(job.seed, 1_000 + 100_000 * job.series as u64 + job.x as u64);
    Run::Transformer(Box::new(TransformerTrainer::new(problem.target, problem.frozen, config, stream)), problem.inputs)
}

/// Tokens per sequence in the transformer figure (the paper's N = 10).
pub(super) const TRANSFORMER_LENGTH: usize = 10;

pub(super) fn transformer_params(seed: u64, depth: usize, rank: usize) -> crate::lessons::lora_transformer::Params {
    crate::lessons::lora_transformer::Params {
        width: WIDTH,
        depth,
        heads: 2,
        length: TRANSFORMER_LENGTH,
        rank,
        seed,
        pretrained: false,
    }
}

/// The median of a list (the mean of the two middle values for an even count).
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 { values[mid] } else { (values[mid - 1] + values[mid]) / 2.0 })
}

/// The error a construction job reaches (`models`: the job's models, for the linear and FNN ones).
pub(super) fn construction(job: Job, work: Work, models: Option<&Models>) -> Option<f64> {
    match work {
        Work::LinearConstruction { rank } => {
            let m = models?;
            let d = Discrepancy::new(&m.target.weights[0], &m.frozen.weights).ok()?;
            crate::lora::linear::construct(&m.target.weights[0], &m.frozen.weights, &d, &vec![rank; m.frozen.depth()])
                .ok()
                .map(|c| c.gaussian_mse())
        }
        Work::FnnConstruction { rank } => {
            let m = models?;
            let calibration =
                models::gaussian_inputs(&mut rng::stream(job.seed, rng::streams::CALIBRATION), WIDTH, 256);
            let test = models::gaussian_inputs(&mut rng::stream(job.seed, rng::streams::TEST), WIDTH, TEST_SIZE);
            let built = fnn::construct(&m.target, &m.frozen, rank, &calibration, true).ok()?;
            Some(fnn::mse(&built.adapted.forward(&test, true), &m.target.forward(&test, true)))
        }
        Work::TransformerConstruction { depth, rank } => {
            let problem = transformer_params(job.seed, depth, rank).problem();
            crate::lessons::lora_transformer::evaluate(&problem, rank).ok().map(|(mse, _)| mse)
        }
        Work::Training { .. } | Work::TransformerTraining { .. } => None,
    }
}
