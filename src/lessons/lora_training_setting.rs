//! The training lesson's setting: its parameters (the paper's grid of learning rates and weight
//! decays), the gate that checks a raw setting from JSON, and the seeded target and frozen models
//! it describes, pretrained as in the paper when asked.

use crate::linalg::Vector;
use crate::lora::fnn::Fnn;
use crate::lora::models;
use crate::lora::train::{self, Activation};
use crate::rng;

/// Learning rates: the paper's grid (1e-2, 1e-3, 1e-4), and two too large to converge, so that
/// students can watch a run diverge and stop.
pub const LEARNING_RATES: [&str; 5] = ["1", "1e-1", "1e-2", "1e-3", "1e-4"];
/// The default learning rate (index into `LEARNING_RATES`): 1e-3.
pub const DEFAULT_LEARNING_RATE: usize = 3;
/// Weight decays of the paper's grid.
pub const WEIGHT_DECAYS: [&str; 4] = ["0", "1e-4", "1e-3", "1e-2"];
/// Steps of a run (the paper: 5,000).
pub const STEPS_RANGE: (i64, i64) = (100, 5_000);

/// Linear model or ReLU network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelKind {
    /// Deep linear model: L̄ = 1, no biases, no nonlinearity.
    Linear,
    /// ReLU network (ReLU also on the output layer, as in the paper's code).
    Relu,
}

/// The lesson's parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Params {
    /// Linear or ReLU.
    pub model: ModelKind,
    /// Width D.
    pub width: usize,
    /// Target depth L̄ (1 for linear models).
    pub target_depth: usize,
    /// Frozen depth L.
    pub depth: usize,
    /// LoRA rank R.
    pub rank: usize,
    /// Index into `LEARNING_RATES`.
    pub learning_rate: usize,
    /// Index into `WEIGHT_DECAYS`.
    pub weight_decay: usize,
    /// Train the biases too (ReLU networks).
    pub tune_biases: bool,
    /// Steps to run.
    pub steps: usize,
    /// Start from the paper's "pretrained" frozen model (moved towards the target).
    pub pretrained: bool,
    /// Seed.
    pub seed: u64,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            model: ModelKind::Relu,
            width: 16,
            target_depth: 1,
            depth: 2,
            rank: 4,
            learning_rate: DEFAULT_LEARNING_RATE,
            weight_decay: 0,
            tune_biases: true,
            steps: 5_000,
            pretrained: false,
            seed: 0,
        }
    }
}

impl Params {
    /// The activation of both models: linear, or ReLU on every layer (the output's included).
    pub(super) fn activation(&self) -> Activation {
        match self.model {
            ModelKind::Linear => Activation::Linear,
            ModelKind::Relu => Activation::Relu { relu_on_output: true },
        }
    }

    /// The learning rate as a number.
    pub fn learning_rate_value(&self) -> f64 {
        LEARNING_RATES.get(self.learning_rate).and_then(|s| s.parse().ok()).unwrap_or(1e-3)
    }

    /// The weight decay as a number.
    pub fn weight_decay_value(&self) -> f64 {
        WEIGHT_DECAYS.get(self.weight_decay).and_then(|s| s.parse().ok()).unwrap_or(0.0)
    }
}

/// The seeded target and frozen models of a training setting (linear models get zero biases);
/// with `pretrained`, the frozen model is first moved towards the target as in the paper (§4.1).
/// Returns the models and the pretraining steps taken.
pub fn models(params: &Params) -> (Fnn, Fnn, usize) {
    let (target, frozen) = drawn_models(params);
    match pretraining(params, &target, &frozen) {
        Some(mut pretraining) => {
            while !pretraining.run(usize::MAX) {}
            let (frozen, steps) = pretraining.into_model();
            (target, frozen, steps)
        }
        None => (target, frozen, 0),
    }
}

/// The paper's pretraining of the frozen model towards the target when `pretrained` is set, to
/// be run a few steps at a time (the page spreads it over its background work); `models` runs it
/// whole, so both end on the same model.
pub fn pretraining(params: &Params, target: &Fnn, frozen: &Fnn) -> Option<train::Pretraining> {
    params.pretrained.then(|| {
        let stream = rng::stream(params.seed, rng::streams::PRETRAINING);
        train::Pretraining::new(target, frozen, params.activation(), stream)
    })
}

/// The seeded target and frozen models before any pretraining (linear models get zero biases).
pub fn drawn_models(params: &Params) -> (Fnn, Fnn) {
    let target_depth = if params.model == ModelKind::Linear { 1 } else { params.target_depth };
    let (mut target, mut frozen) =
        models::fnn_pair(&mut rng::stream(params.seed, rng::streams::MODELS), params.width, target_depth, params.depth);
    if params.model == ModelKind::Linear {
        for b in target.biases.iter_mut().chain(frozen.biases.iter_mut()) {
            *b = Vector::zeros(params.width);
        }
    }
    (target, frozen)
}

/// A training setting as raw values (from JSON); `None` means the page's default.
#[derive(Clone, Debug, Default)]
pub struct RawParams {
    /// "relu" or "linear".
    pub model: Option<String>,
    /// Width D.
    pub width: Option<i64>,
    /// Target depth L̄.
    pub target_depth: Option<i64>,
    /// Frozen depth L.
    pub depth: Option<i64>,
    /// LoRA rank R.
    pub rank: Option<i64>,
    /// One of `LEARNING_RATES`.
    pub learning_rate: Option<f64>,
    /// One of `WEIGHT_DECAYS`.
    pub weight_decay: Option<f64>,
    /// Train the biases too.
    pub tune_biases: Option<bool>,
    /// Steps.
    pub steps: Option<i64>,
    /// Pretrained frozen model.
    pub pretrained: Option<bool>,
    /// Seed.
    pub seed: Option<i64>,
}

/// The gate for a training setting: the same ranges as the page's controls, a learning rate and
/// weight decay from the paper's grid, R ≤ D and L > L̄.
pub fn check_params(raw: &RawParams) -> Result<Params, crate::lessons::InputError> {
    use crate::lessons::input::integer_in_range;
    use crate::lessons::lora_fnn::{DEPTH_RANGE, TARGET_DEPTH_RANGE, WIDTH_RANGE};
    use crate::lessons::InputError;
    let defaults = Params::default();
    let model = match raw.model.as_deref() {
        None | Some("relu") => ModelKind::Relu,
        Some("linear") => ModelKind::Linear,
        Some(other) => {
            return Err(InputError::Malformed {
                field: "model".into(),
                message: format!("'{other}' is not relu or linear"),
            })
        }
    };
    let int = |field: &str, value: Option<i64>, default: usize, (min, max): (i64, i64)| {
        value.map_or(Ok(default), |v| integer_in_range(field, v, min, max))
    };
    let width = int("width", raw.width, defaults.width, WIDTH_RANGE)?;
    let target_depth = int("target_depth", raw.target_depth, defaults.target_depth, TARGET_DEPTH_RANGE)?;
    let depth = int("depth", raw.depth, defaults.depth, DEPTH_RANGE)?;
    if depth <= target_depth {
        return Err(InputError::OutOfRange {
            field: "depth".into(),
            value: depth as i64,
            min: target_depth as i64 + 1,
            max: DEPTH_RANGE.1,
        });
    }
    let rank = int("rank", raw.rank, defaults.rank, (0, width as i64))?;
    let grid = |field: &str, value: Option<f64>, options: &[&str], default: usize| match value {
        None => Ok(default),
        Some(v) => options.iter().position(|o| o.parse::<f64>().ok() == Some(v)).ok_or_else(|| InputError::Malformed {
            field: field.into(),
            message: format!("{v} is not one of {}", options.join(", ")),
        }),
    };
    Ok(Params {
        model,
        width,
        target_depth,
        depth,
        rank,
        learning_rate: grid("learning_rate", raw.learning_rate, &LEARNING_RATES, defaults.learning_rate)?,
        weight_decay: grid("weight_decay", raw.weight_decay, &WEIGHT_DECAYS, defaults.weight_decay)?,
        tune_biases: raw.tune_biases.unwrap_or(defaults.tune_biases),
        steps: int("steps", raw.steps, defaults.steps, (1, 100_000))?,
        pretrained: raw.pretrained.unwrap_or(false),
        seed: int("seed", raw.seed, 0, (0, i64::from(u32::MAX)))? as u64,
    })
}
