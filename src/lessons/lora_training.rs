//! Lesson: training LoRA by gradient descent (the paper's "Gradient Update" baseline, `lora.md`
//! §4.2) next to the construction and the closed-form optimum. The run advances in small chunks
//! so the page stays responsive; the same seed gives the same loss curve however it is chunked.

use crate::lessons::format::number;
use crate::lessons::training_probes::Probes;
use crate::linalg::{Matrix, Vector};
use crate::lora::fnn::{self, Fnn};
use crate::lora::linear::Discrepancy;
use crate::lora::models;
use crate::lora::train::{self, Activation, AdamConfig, TrainConfig, Trainable, Trainer};
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
/// Steps per unit of `advance`.
pub const STEPS_PER_UNIT: usize = 10;
/// Fresh inputs on which the final model and the construction are measured.
pub const TEST_SIZE: usize = 2_000;

/// How fast the page runs the training: a teaching choice, not a setting of the run. The steps
/// and every number they give are the same at every pace (the run is the same sequence of
/// steps, only spread over more or less time); the link carries the pace so that a shared view
/// plays the same way for everyone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Pace {
    /// Slow enough to watch the loss fall: `Pace::WATCH_STEPS_PER_SECOND` steps a second.
    #[default]
    Watch,
    /// `Pace::FAST_STEPS_PER_SECOND` steps a second.
    Fast,
    /// As fast as the machine computes.
    Fastest,
}

impl Pace {
    /// The link's values (`pace=…`), in the order of the page's control.
    pub const KEYS: [&'static str; 3] = ["watch", "fast", "max"];
    /// Steps a second at the watching pace: the default run of 5,000 steps takes 25 s.
    pub const WATCH_STEPS_PER_SECOND: usize = 200;
    /// Steps a second at the fast pace: the default run takes 5 s.
    pub const FAST_STEPS_PER_SECOND: usize = 1_000;

    /// The pace's link value.
    pub fn key(self) -> &'static str {
        match self {
            Pace::Watch => Self::KEYS[0],
            Pace::Fast => Self::KEYS[1],
            Pace::Fastest => Self::KEYS[2],
        }
    }

    /// The pace of a link value (the watching pace for anything else).
    pub fn from_key(key: &str) -> Pace {
        match key {
            "fast" => Pace::Fast,
            "max" => Pace::Fastest,
            _ => Pace::Watch,
        }
    }

    /// The most training steps a second (`None`: no limit).
    pub fn steps_per_second(self) -> Option<usize> {
        match self {
            Pace::Watch => Some(Self::WATCH_STEPS_PER_SECOND),
            Pace::Fast => Some(Self::FAST_STEPS_PER_SECOND),
            Pace::Fastest => None,
        }
    }
}

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
    fn activation(&self) -> Activation {
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

/// The reference errors the training curve is compared with.
#[derive(Clone, Debug, PartialEq)]
pub struct References {
    /// The construction's MSE on the test inputs at rank R (None if it cannot be used).
    pub construction: Option<f64>,
    /// Why the construction cannot be used at rank R, when it cannot.
    pub construction_failure: Option<String>,
    /// Closed form: the optimum (linear) or the L̄ = 1 bound (ReLU, L̄ = 1).
    pub closed_form: Option<f64>,
    /// The frozen model's MSE on the test inputs, where training starts (the adapters start at
    /// ΔW = A Bᵀ = 0).
    pub start: f64,
}

/// Gradient descent "comes within a factor" of the construction when their test MSEs differ by
/// at most this factor either way.
pub const COMPARISON_FACTOR: f64 = 2.0;

/// How the trained adapters' test MSE compares with the construction's at the same rank.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Comparison {
    /// The run's test MSE ends above the frozen model's before training (`References::start`):
    /// training moved away from the target.
    Diverged,
    /// Trained < construction / `COMPARISON_FACTOR`.
    Better,
    /// Within a factor `COMPARISON_FACTOR` either way.
    Close,
    /// Trained > `COMPARISON_FACTOR` × construction.
    Worse,
    /// The construction cannot be used at this rank: nothing to compare with.
    NoConstruction,
}

/// The rule behind the finished run's verdict: diverged if the trained test MSE ends above the
/// frozen model's (`start`); otherwise its ratio to the construction's test MSE against
/// `COMPARISON_FACTOR`.
pub fn compare(trained: f64, start: f64, construction: Option<f64>) -> Comparison {
    // A NaN counts as diverged too.
    if trained.is_nan() || trained > start {
        return Comparison::Diverged;
    }
    match construction {
        None => Comparison::NoConstruction,
        Some(c) if trained * COMPARISON_FACTOR < c => Comparison::Better,
        Some(c) if trained <= COMPARISON_FACTOR * c => Comparison::Close,
        Some(_) => Comparison::Worse,
    }
}

/// A training run in progress, with its references.
pub struct Run {
    params: Params,
    trainer: Trainer,
    test: Matrix,
    /// Reference errors.
    pub references: References,
    /// The probe inputs of the outputs figure, with the target's and the construction's outputs.
    pub probes: Probes,
    /// Steps the pretraining took (0 for a random frozen model).
    pub pretrain_steps: usize,
    /// MSE of the trained model on the test inputs, once the run has finished or diverged.
    pub final_test_mse: Option<f64>,
}

impl Run {
    /// Sets up the run: models, references, and an untrained LoRA.
    pub fn new(params: &Params) -> Self {
        let (target, frozen, pretrain_steps) = models(params);
        Run::with_models(params, target, frozen, pretrain_steps)
    }

    /// Sets up the run on given models (the frozen one pretrained for `pretrain_steps` steps).
    pub fn with_models(params: &Params, target: Fnn, frozen: Fnn, pretrain_steps: usize) -> Self {
        let activation = params.activation();
        let test = models::gaussian_inputs(&mut rng::stream(params.seed, rng::streams::TEST), params.width, TEST_SIZE);
        let inputs = Probes::inputs_from(&test);
        let (references, construction_outputs) = references(params, &target, &frozen, &test, &inputs);
        let probes =
            Probes { target: train::forward(&target, &inputs, activation), inputs, construction: construction_outputs };
        let config = TrainConfig {
            trainable: Trainable::Lora {
                rank: params.rank,
                tune_biases: params.tune_biases && params.model == ModelKind::Relu,
            },
            activation,
            adam: AdamConfig::new(params.learning_rate_value(), params.weight_decay_value()),
            batch_size: 256,
            lora_init_std: 0.25,
        };
        let trainer = Trainer::new(target, frozen, config, rng::stream(params.seed, rng::streams::TRAINING));
        Run { params: params.clone(), trainer, test, references, probes, pretrain_steps, final_test_mse: None }
    }

    /// Whether the run has taken all its steps or diverged.
    pub fn finished(&self) -> bool {
        self.trainer.steps() >= self.params.steps || self.trainer.diverged()
    }

    /// Runs up to `units` × `STEPS_PER_UNIT` more steps; measures the test MSE when done.
    pub fn advance(&mut self, units: usize) {
        let remaining = self.params.steps.saturating_sub(self.trainer.steps());
        self.trainer.run(remaining.min(units.saturating_mul(STEPS_PER_UNIT)));
        if self.finished() && self.final_test_mse.is_none() && !self.trainer.diverged() {
            self.final_test_mse = Some(self.trainer.mse_on(&self.test));
        }
    }

    /// Steps taken.
    pub fn steps(&self) -> usize {
        self.trainer.steps()
    }

    /// Steps planned.
    pub fn planned(&self) -> usize {
        self.params.steps
    }

    /// The per-step training losses so far.
    pub fn losses(&self) -> &[f64] {
        self.trainer.losses()
    }

    /// Whether the run diverged.
    pub fn diverged(&self) -> bool {
        self.trainer.diverged()
    }

    /// The adapted model's outputs on the probe inputs as it computes now (frozen weights plus
    /// A_l B_lᵀ and the trained biases; before the first step A = 0, so the frozen model's).
    pub fn trained_outputs(&self) -> Matrix {
        train::forward(&self.trainer.effective(), &self.probes.inputs, self.params.activation())
    }

    /// The finished run's verdict (`None` while it runs or once it has stopped on divergence).
    pub fn comparison(&self) -> Option<Comparison> {
        self.final_test_mse.map(|t| compare(t, self.references.start, self.references.construction))
    }

    /// The live check in words.
    pub fn live_check(&self) -> String {
        let p = &self.params;
        let rate = LEARNING_RATES.get(p.learning_rate).unwrap_or(&"?");
        let construction = match (self.references.construction, &self.references.construction_failure) {
            (Some(c), _) => format!("the construction reaches {}", number(c)),
            (None, Some(why)) => format!("the construction cannot be used at this rank ({why})"),
            (None, None) => "the construction cannot be used at this rank".to_owned(),
        };
        if self.diverged() {
            return format!(
                "Training diverged at step {} (learning rate {rate}): the loss exploded (it became non-finite or a million times its first value), so the run stopped. Try a smaller learning rate.",
                self.steps()
            );
        }
        let recent = recent_mean(self.losses());
        let (Some(trained), Some(comparison)) = (self.final_test_mse, self.comparison()) else {
            return format!(
                "Step {} of {}{}; at R = {} {construction}.",
                self.steps(),
                p.steps,
                recent.map_or_else(String::new, |m| format!(
                    ": the training loss averages {} over the last steps",
                    number(m)
                )),
                p.rank
            );
        };
        let head = format!(
            "After {} Adam steps at R = {}, the trained adapters reach a test MSE of {}",
            self.steps(),
            p.rank,
            number(trained)
        );
        let ratio = |a: f64, b: f64| number(a / b.max(f64::MIN_POSITIVE));
        let c = self.references.construction.unwrap_or(f64::NAN);
        match comparison {
            Comparison::Diverged => format!(
                "{head}, above the frozen model's {} before training: the run diverged (learning rate {rate}). Try a smaller learning rate.",
                number(self.references.start)
            ),
            Comparison::NoConstruction => format!("{head}; {construction}, so there is nothing to compare with."),
            Comparison::Better => format!(
                "{head}; {construction}: gradient descent does better than the construction, by a factor {} (more than {COMPARISON_FACTOR}).",
                ratio(c, trained)
            ),
            Comparison::Close => format!(
                "{head}; {construction}: gradient descent comes within a factor {COMPARISON_FACTOR} of the construction (ratio {}).",
                ratio(trained, c)
            ),
            Comparison::Worse => format!(
                "{head}; {construction}: gradient descent falls short of the construction by a factor {} (more than {COMPARISON_FACTOR}).",
                ratio(trained, c)
            ),
        }
    }
}

/// Mean of the last 50 losses.
pub fn recent_mean(losses: &[f64]) -> Option<f64> {
    let tail = &losses[losses.len().saturating_sub(50)..];
    (!tail.is_empty()).then(|| tail.iter().sum::<f64>() / tail.len() as f64)
}

/// The reference errors, and the construction's outputs on the probe inputs when it can be used.
fn references(
    params: &Params,
    target: &Fnn,
    frozen: &Fnn,
    test: &Matrix,
    probes: &Matrix,
) -> (References, Option<Matrix>) {
    let activation = params.activation();
    let start = fnn::mse(&train::forward(frozen, test, activation), &train::forward(target, test, activation));
    match params.model {
        ModelKind::Linear => {
            // For x ~ N(0, I) the optimum is exact: (1/D) Σ_{i>RL} σ_i(E)², and the construction attains it.
            let discrepancy = Discrepancy::new(&target.weights[0], &frozen.weights).ok();
            let optimum = discrepancy
                .as_ref()
                .map(|d| d.optimal_errors((params.rank * params.depth).min(params.width)).gaussian_mse);
            let built = discrepancy.as_ref().map(|d| {
                crate::lora::linear::construct(&target.weights[0], &frozen.weights, d, &vec![params.rank; params.depth])
            });
            let (construction, construction_failure, outputs) = match built {
                Some(Ok(c)) => (Some(c.gaussian_mse()), None, Some(&c.adapted_product * probes)),
                Some(Err(e)) => (None, Some(e.to_string()), None),
                None => (None, Some("the singular value decomposition of E did not converge".to_owned()), None),
            };
            (References { construction, construction_failure, closed_form: optimum, start }, outputs)
        }
        ModelKind::Relu => {
            // The ReLU lesson's construction on the same models, calibration batch and test inputs.
            let calibration = models::gaussian_inputs(
                &mut rng::stream(params.seed, rng::streams::CALIBRATION),
                params.width,
                crate::lessons::lora_fnn::CALIBRATION_SIZE,
            );
            let (construction, construction_failure, outputs) =
                match fnn::construct(target, frozen, params.rank, &calibration, true) {
                    Ok(c) => (
                        Some(fnn::mse(&c.adapted.forward(test, true), &target.forward(test, true))),
                        None,
                        Some(c.adapted.forward(probes, true)),
                    ),
                    Err(e) => (None, Some(e.to_string()), None),
                };
            let closed_form = (params.target_depth == 1)
                .then(|| Discrepancy::new(&target.weights[0], &frozen.weights).ok())
                .flatten()
                .map(|d| fnn::single_layer_bound(d.singular_values(), params.rank, params.depth));
            (References { construction, construction_failure, closed_form, start }, outputs)
        }
    }
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
