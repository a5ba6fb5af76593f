//! Lesson: training LoRA by gradient descent (the paper's "Gradient Update" baseline, `lora.md`
//! §4.2) next to the construction and the closed-form optimum. The run advances in small chunks
//! so the page stays responsive; the same seed gives the same loss curve however it is chunked.
//!
//! This file holds the `Run` and what it is compared with; the setting (parameters, their gate and
//! the seeded models) is in `lora_training_setting`, the page's `Pace` in `lora_training_pace`,
//! both re-exported here.

use crate::lessons::format::number;
pub use crate::lessons::lora_training_pace::Pace;
pub use crate::lessons::lora_training_setting::{
    check_params, drawn_models, models, pretraining, ModelKind, Params, RawParams, DEFAULT_LEARNING_RATE,
    LEARNING_RATES, STEPS_RANGE, WEIGHT_DECAYS,
};
use crate::lessons::training_probes::Probes;
use crate::linalg::Matrix;
use crate::lora::fnn::{self, Fnn};
use crate::lora::linear::Discrepancy;
use crate::lora::models;
use crate::lora::train::{self, AdamConfig, TrainConfig, Trainable, Trainer};
use crate::rng;

/// Steps per unit of `advance`.
pub const STEPS_PER_UNIT: usize = 10;
/// Fresh inputs on which the final model and the construction are measured.
pub const TEST_SIZE: usize = 2_000;

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
