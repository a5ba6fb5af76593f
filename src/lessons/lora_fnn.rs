//! Lesson: LoRA on ReLU networks (`lora.md` §2.2, §2.4, §3.2). A frozen FNN of depth L becomes a
//! target of depth L̄ < L once R ≥ ⌈max_i rank(E_i)/M⌉, M = ⌊L/L̄⌋.
//!
//! This file holds the page's parameters, the seeded problem they describe and the paper's
//! pretraining; the gate for raw networks is in `lora_fnn_problem`, the analysis over all ranks and
//! its live check in `lora_fnn_analysis`, both re-exported here.

pub use crate::lessons::lora_fnn_analysis::{
    analyse, evaluate, exact_tolerance, within_bound, Analysis, RankResult, Verdict, EXACT_RELATIVE_MSE,
};
pub use crate::lessons::lora_fnn_problem::{check_problem, Problem, RawFnn, RawProblem};
use crate::lora::fnn::Fnn;
use crate::lora::{models, train};
use crate::rng;

/// Width D the page offers (the curve recomputes the construction at every rank).
pub const WIDTH_RANGE: (i64, i64) = (2, 32);
/// Target depth L̄.
pub const TARGET_DEPTH_RANGE: (i64, i64) = (1, 4);
/// Frozen depth L (must exceed L̄).
pub const DEPTH_RANGE: (i64, i64) = (2, 8);
/// Calibration inputs that size the biases (the paper's batch size).
pub const CALIBRATION_SIZE: usize = 256;
/// Fresh test inputs on which the page measures the MSE (the paper uses 5,000).
pub const TEST_SIZE: usize = 2_000;

/// The lesson's parameters as the page holds them (range-checked by the state table).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Params {
    /// Width D.
    pub width: usize,
    /// Target depth L̄.
    pub target_depth: usize,
    /// Frozen depth L.
    pub depth: usize,
    /// LoRA rank R on every layer.
    pub rank: usize,
    /// Seed of models and inputs.
    pub seed: u64,
    /// ReLU after the output layer, as in the paper's code.
    pub relu_on_output: bool,
    /// Move the frozen model towards the target first, as the paper's "pretrained" models (§4.1).
    pub pretrained: bool,
}

impl Default for Params {
    fn default() -> Self {
        Self { width: 16, target_depth: 1, depth: 2, rank: 4, seed: 0, relu_on_output: true, pretrained: false }
    }
}

impl Params {
    /// The seeded problem: models on stream 0, calibration inputs on stream 1, test inputs on
    /// stream 2; a pretrained frozen model is moved towards the target on stream 4 (`pretrain`).
    pub fn problem(&self) -> Problem {
        let (target, mut frozen) = models::fnn_pair(
            &mut rng::stream(self.seed, rng::streams::MODELS),
            self.width,
            self.target_depth,
            self.depth,
        );
        if self.pretrained {
            frozen = pretrain(&target, &frozen, self.relu_on_output, self.seed).0;
        }
        let calibration = models::gaussian_inputs(
            &mut rng::stream(self.seed, rng::streams::CALIBRATION),
            self.width,
            CALIBRATION_SIZE,
        );
        let test = models::gaussian_inputs(&mut rng::stream(self.seed, rng::streams::TEST), self.width, TEST_SIZE);
        Problem { target, frozen, rank: self.rank, relu_on_output: self.relu_on_output, calibration, test }
    }
}

/// The paper's pretraining (`lora.md` §4.1, `train::pretrain`): Adam (learning rate 10⁻³, no weight
/// decay) on every weight and bias of the frozen model, towards the target, on fresh batches of
/// 256 inputs from the seed's pretraining stream, until the batch MSE falls below a third of the
/// first or 1,000 steps pass. Returns the moved model and the steps taken.
pub fn pretrain(target: &Fnn, frozen: &Fnn, relu_on_output: bool, seed: u64) -> (Fnn, usize) {
    let mut pretraining = pretraining(target, frozen, relu_on_output, seed);
    while !pretraining.run(usize::MAX) {}
    pretraining.into_model()
}

/// The same pretraining (`pretrain`), to be run a few steps at a time (`train::Pretraining::run`);
/// the moved model does not depend on how the steps are grouped.
pub fn pretraining(target: &Fnn, frozen: &Fnn, relu_on_output: bool, seed: u64) -> train::Pretraining {
    let activation = train::Activation::Relu { relu_on_output };
    train::Pretraining::new(target, frozen, activation, rng::stream(seed, rng::streams::PRETRAINING))
}
