//! Lesson: LoRA on deep linear models (Lemma 1 of Zeng & Lee; `lora.md` §2.1, §3.1).
//!
//! Raw parameters (from the URL state or controls) or raw matrices (from JSON) → a checked
//! `Problem` → an `Analysis` that depends only on the models → an `Outcome` for the chosen ranks.
//! This file holds the page's parameters and the models they describe (seeded or the student's
//! own, optionally pretrained); the gate is in `lora_linear_problem`, the analysis and the
//! outcome's sentences in `lora_linear_analysis`, both re-exported here.

pub use crate::lessons::lora_linear_analysis::{analyse, solve, Analysis, AnalysisInProgress, CurvePoint, Outcome};
pub use crate::lessons::lora_linear_problem::{
    check_problem, check_scale, Problem, RawProblem, MAX_INPUT_DEPTH, MAX_LOG10_SCALE,
};
use crate::linalg::Matrix;
use crate::lora::fnn::Fnn;
use crate::lora::linear;
use crate::lora::models::{self, LinearModels, TargetKind};
use crate::lora::train;
use crate::rng;

/// Width D the page offers: 2..=64.
pub const WIDTH_RANGE: (i64, i64) = (2, 64);
/// Depth L the page offers: 1..=8.
pub const DEPTH_RANGE: (i64, i64) = (1, 8);
/// How the page generates the target (the "kind of models" control).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelKind {
    /// Random target and frozen layers.
    Random,
    /// Target chosen so every σ_i(E) is equal.
    Uniform,
    /// Target = frozen product + a rank-q perturbation.
    LowRank,
}

/// The lesson's parameters as the page holds them (already range-checked by the state table).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Params {
    /// Width D.
    pub width: usize,
    /// Depth L of the frozen model.
    pub depth: usize,
    /// One LoRA rank R for all layers (used when `layer_ranks` is `None`).
    pub rank: usize,
    /// Per-layer ranks R_1..R_L, when the student sets them separately (length L).
    pub layer_ranks: Option<Vec<usize>>,
    /// Seed of the model draws.
    pub seed: u64,
    /// Kind of target.
    pub model: ModelKind,
    /// Rank q of the perturbation for `ModelKind::LowRank`.
    pub perturbation_rank: usize,
    /// Move the frozen layers towards the target first, as the paper's "pretrained" models (§4.1).
    pub pretrained: bool,
    /// The student's own matrices (`matrices_text`, canonical); empty: generated from the seed.
    pub custom: String,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            width: 16,
            depth: 2,
            rank: 3,
            layer_ranks: None,
            seed: 7,
            model: ModelKind::Random,
            perturbation_rank: 6,
            pretrained: false,
            custom: String::new(),
        }
    }
}

impl Params {
    /// The rank of each layer's adapter, R_1..R_L.
    pub fn ranks(&self) -> Vec<usize> {
        self.layer_ranks.clone().unwrap_or_else(|| linear::uniform_ranks(self.rank, self.depth))
    }

    /// The models these parameters describe: the student's own, else seeded ones; with
    /// `pretrained`, the frozen layers after the paper's pretraining (`Pretraining`, run to the end).
    pub fn models(&self) -> LinearModels {
        let models = self.drawn_models();
        if self.pretrained {
            Pretraining::new(models, self.seed).finish()
        } else {
            models
        }
    }

    /// The models before any pretraining: the student's own, else seeded ones.
    pub fn drawn_models(&self) -> LinearModels {
        // The link's matrices were checked when they were set; should they fail now, seeded ones.
        if let Ok(custom) = super::matrices_text::parse(&self.custom) {
            return LinearModels { target: custom.target, frozen: custom.frozen };
        }
        let kind = match self.model {
            ModelKind::Random => TargetKind::Random,
            ModelKind::Uniform => TargetKind::UniformSingularValues,
            ModelKind::LowRank => TargetKind::LowRank { rank: self.perturbation_rank },
        };
        models::generate(&mut rng::seeded(self.seed), self.width, self.depth, kind)
    }

    /// The checked problem: the generated models with this parameter set's ranks.
    pub fn problem(&self) -> Problem {
        let LinearModels { target, frozen } = self.models();
        Problem { target, frozen, ranks: self.ranks() }
    }
}

/// The paper's pretraining (§4.1) of a deep linear model, a few Adam steps at a time so that the
/// page can spread it over short tasks: Adam on every frozen layer towards the target, on fresh
/// batches from the seed's pretraining stream, until the loss falls below a third of its start or
/// 1,000 steps pass. Each step depends only on the steps before it, so the moved layers are the
/// same however the steps are grouped into `run` calls.
pub struct Pretraining {
    target: Matrix,
    training: train::Pretraining,
}

impl Pretraining {
    /// Starts pretraining the frozen layers of `models` towards its target.
    pub fn new(models: LinearModels, seed: u64) -> Self {
        let dim = models.target.nrows();
        let zeros = |n: usize| vec![crate::linalg::Vector::zeros(dim); n];
        let target = Fnn { weights: vec![models.target.clone()], biases: zeros(1) };
        let frozen = Fnn { biases: zeros(models.frozen.len()), weights: models.frozen };
        let stream = rng::stream(seed, rng::streams::PRETRAINING);
        let training = train::Pretraining::new(&target, &frozen, train::Activation::Linear, stream);
        Pretraining { target: models.target, training }
    }

    /// Takes up to `steps` more Adam steps; returns whether pretraining has finished.
    pub fn run(&mut self, steps: usize) -> bool {
        self.training.run(steps)
    }

    /// Adam steps taken so far.
    pub fn steps(&self) -> usize {
        self.training.steps()
    }

    /// Runs to the end and returns the target with the moved frozen layers.
    pub fn finish(mut self) -> LinearModels {
        while !self.run(usize::MAX) {}
        let (moved, _) = self.training.into_model();
        LinearModels { target: self.target, frozen: moved.weights }
    }
}
