//! Lesson: LoRA on deep linear models (Lemma 1 of Zeng & Lee; `lora.md` §2.1, §3.1).
//!
//! Raw parameters (from the URL state or controls) or raw matrices (from JSON) → a checked
//! `Problem` → an `Analysis` that depends only on the models → an `Outcome` for the chosen ranks.

use crate::lessons::format::{number, sigma_squared_sum};
use crate::lessons::input::{self, InputError};
use crate::linalg::Matrix;
use crate::lora::fnn::Fnn;
use crate::lora::linear::{self, AnalysisError, Construction, ConstructionError, Discrepancy, OptimalErrors};
use crate::lora::models::{self, LinearModels, TargetKind};
use crate::lora::train;
use crate::rng;

/// Width D the page offers: 2..=64.
pub const WIDTH_RANGE: (i64, i64) = (2, 64);
/// Depth L the page offers: 1..=8.
pub const DEPTH_RANGE: (i64, i64) = (1, 8);
/// Largest number of layers accepted from JSON.
pub const MAX_INPUT_DEPTH: usize = 64;
/// The lesson's numerical domain: ‖W̄‖_F + ‖W_L‖_F⋯‖W_1‖_F at most 10^150. By the triangle
/// inequality and submultiplicativity this bounds ‖ΠW_l‖_F and ‖E‖_F, so σ₁(E)² ≤ ‖E‖_F² ≤ 10^300
/// and every optimum, spectrum bar and live-check number (sums of σ_i²) is finite in f64.
pub const MAX_LOG10_SCALE: f64 = 150.0;

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

/// A linear-LoRA problem as raw nested numbers (from JSON or an imported file).
#[derive(Clone, Debug, Default)]
pub struct RawProblem {
    /// W̄ as rows.
    pub target: Vec<Vec<f64>>,
    /// W_1..W_L as rows each, `frozen[0]` applied first.
    pub frozen: Vec<Vec<Vec<f64>>>,
    /// One rank per layer.
    pub ranks: Vec<i64>,
}

/// A checked problem: square matrices of one width D, at least one layer, one rank per layer.
#[derive(Clone, Debug)]
pub struct Problem {
    /// W̄ (D×D).
    pub target: Matrix,
    /// W_1..W_L (each D×D).
    pub frozen: Vec<Matrix>,
    /// R_1..R_L.
    pub ranks: Vec<usize>,
}

impl Problem {
    /// Width D.
    pub fn width(&self) -> usize {
        self.target.nrows()
    }
    /// Depth L.
    pub fn depth(&self) -> usize {
        self.frozen.len()
    }
}

/// The validation gate for raw matrices: square, same width, finite, 1..=64 layers, one
/// non-negative rank per layer (ranks above D are allowed and act as D).
pub fn check_problem(raw: &RawProblem) -> Result<Problem, InputError> {
    let target = input::square_matrix("target", &raw.target)?;
    let width = target.nrows();
    if raw.frozen.is_empty() || raw.frozen.len() > MAX_INPUT_DEPTH {
        return Err(InputError::OutOfRange {
            field: "frozen".into(),
            value: raw.frozen.len() as i64,
            min: 1,
            max: MAX_INPUT_DEPTH as i64,
        });
    }
    let frozen = raw
        .frozen
        .iter()
        .enumerate()
        .map(|(l, rows)| {
            let field = format!("frozen[{l}]");
            let w = input::square_matrix(&field, rows)?;
            if w.nrows() == width {
                Ok(w)
            } else {
                Err(InputError::SizeMismatch { field, found: w.nrows(), expected: width })
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    if raw.ranks.len() != frozen.len() {
        return Err(InputError::SizeMismatch { field: "ranks".into(), found: raw.ranks.len(), expected: frozen.len() });
    }
    let ranks = raw
        .ranks
        .iter()
        .enumerate()
        .map(|(l, &r)| input::integer_in_range(&format!("ranks[{l}]"), r, 0, i64::from(u32::MAX)))
        .collect::<Result<Vec<_>, _>>()?;
    check_scale(&target, &frozen)?;
    Ok(Problem { target, frozen, ranks })
}

/// The domain check shared by every input of the lesson (JSON, a link's `cm`, an imported file):
/// ‖W̄‖_F + ‖W_L‖_F⋯‖W_1‖_F ≤ 10^`MAX_LOG10_SCALE`, computed in log₁₀ so that it cannot overflow.
/// The error names the larger of the two terms (`target` or `frozen`).
pub fn check_scale(target: &Matrix, frozen: &[Matrix]) -> Result<(), InputError> {
    let target_log = input::log10_frobenius(target.iter().copied());
    let frozen_log: f64 = frozen.iter().map(|w| input::log10_frobenius(w.iter().copied())).sum();
    if input::log10_sum(target_log, frozen_log) <= MAX_LOG10_SCALE {
        return Ok(());
    }
    let limit = format!("10^{MAX_LOG10_SCALE}, beyond which σ₁(E)² may overflow; scale the matrices down");
    Err(if frozen_log >= target_log {
        InputError::TooLarge {
            field: "frozen".into(),
            detail: format!(
                "‖W_1‖_F ⋯ ‖W_L‖_F = {}, a bound on the frozen product ΠW_l, exceeds {limit}",
                input::power_of_ten(frozen_log)
            ),
        }
    } else {
        InputError::TooLarge {
            field: "target".into(),
            detail: format!("‖W̄‖_F = {} exceeds {limit}", input::power_of_ten(target_log)),
        }
    })
}

/// One point of the error-versus-rank curve (uniform rank R on every layer).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CurvePoint {
    /// The uniform LoRA rank R.
    pub rank: usize,
    /// Eckart–Young optimum ‖E − LR_{RL}(E)‖_F² = Σ_{i>RL} σ_i².
    pub optimal_frobenius_sq: f64,
    /// The same divided by D: the MSE for Gaussian inputs.
    pub optimal_gaussian_mse: f64,
    /// ‖W̄ − Π(W_l+ΔW_l)‖_F² actually reached by the construction, or `None` where its assumption fails.
    pub construction_frobenius_sq: Option<f64>,
}

/// Everything that depends on the models but not on the chosen ranks.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// E, its SVD and rank.
    pub discrepancy: Discrepancy,
    /// Error against uniform rank R = 0..=D.
    pub curve: Vec<CurvePoint>,
}

/// Analyses the models of `problem`: the discrepancy and the whole error-versus-rank curve.
pub fn analyse(problem: &Problem) -> Result<Analysis, AnalysisError> {
    Ok(AnalysisInProgress::start(problem)?.finish(problem))
}

/// An analysis made a rank at a time, so that the page can spread the curve's constructions
/// (each a few milliseconds at D = 64, L = 8) over short tasks; every point is computed exactly
/// as `analyse` computes it, whatever the grouping.
#[derive(Clone, Debug)]
pub struct AnalysisInProgress {
    discrepancy: Discrepancy,
    curve: Vec<CurvePoint>,
    /// The construction's error at the saturation rank ⌈D/L⌉, once computed.
    saturated: Option<Option<f64>>,
}

impl AnalysisInProgress {
    /// Computes E and its SVD; no point of the curve yet.
    pub fn start(problem: &Problem) -> Result<Self, AnalysisError> {
        let discrepancy = Discrepancy::new(&problem.target, &problem.frozen)?;
        Ok(AnalysisInProgress { discrepancy, curve: Vec::new(), saturated: None })
    }

    /// Points of the curve computed so far, of D + 1 (R = 0..=D).
    pub fn ranks_done(&self) -> usize {
        self.curve.len()
    }

    /// The analysis so far: E and the points of the curve computed yet (a copy).
    pub fn so_far(&self) -> Analysis {
        Analysis { discrepancy: self.discrepancy.clone(), curve: self.curve.clone() }
    }

    /// Computes the next rank's point; returns whether the curve is complete.
    pub fn step(&mut self, problem: &Problem) -> bool {
        let (width, depth) = (problem.width(), problem.depth());
        let rank = self.curve.len();
        if rank > width {
            return true;
        }
        let optimal = self.discrepancy.optimal_errors(linear::rank_budget(&vec![rank; depth], width));
        // Ranks beyond ⌈D/L⌉ give the same construction as ⌈D/L⌉ (blocks past D are empty).
        let saturation = width.div_ceil(depth);
        let construction_frobenius_sq = match self.saturated {
            Some(value) if rank > saturation => value,
            _ => {
                let value = linear::construct(&problem.target, &problem.frozen, &self.discrepancy, &vec![rank; depth])
                    .ok()
                    .map(|c| c.error_frobenius.powi(2));
                if rank == saturation {
                    self.saturated = Some(value);
                }
                value
            }
        };
        self.curve.push(CurvePoint {
            rank,
            optimal_frobenius_sq: optimal.frobenius.powi(2),
            optimal_gaussian_mse: optimal.gaussian_mse,
            construction_frobenius_sq,
        });
        rank == width
    }

    /// Computes the remaining points and returns the analysis.
    pub fn finish(mut self, problem: &Problem) -> Analysis {
        while !self.step(problem) {}
        Analysis { discrepancy: self.discrepancy, curve: self.curve }
    }
}

/// The lesson's result for one choice of ranks.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Width D.
    pub width: usize,
    /// R_1..R_L.
    pub ranks: Vec<usize>,
    /// k = min(Σ R_l, D).
    pub budget: usize,
    /// σ_i(E), descending.
    pub singular_values: Vec<f64>,
    /// rank(E).
    pub discrepancy_rank: usize,
    /// ⌈rank(E)/L⌉.
    pub min_exact_rank: usize,
    /// Best errors for the budget.
    pub optimal: OptimalErrors,
    /// The explicit construction, or why its assumption fails.
    pub construction: Result<Construction, ConstructionError>,
}

impl Outcome {
    /// Depth L.
    pub fn depth(&self) -> usize {
        self.ranks.len()
    }

    /// True when every layer has the same rank.
    pub fn uniform_rank(&self) -> Option<usize> {
        let first = *self.ranks.first()?;
        self.ranks.iter().all(|&r| r == first).then_some(first)
    }

    /// The rank axis position of these ranks on the error-versus-rank curve: Σ R_l / L.
    pub fn mean_rank(&self) -> f64 {
        self.ranks.iter().sum::<usize>() as f64 / self.depth().max(1) as f64
    }

    /// The live check, in words, tying the theorem to the numbers on screen.
    pub fn live_check(&self) -> String {
        let budget_words = match self.uniform_rank() {
            Some(r) => format!("R·L = {r}·{} = {}", self.depth(), r * self.depth()),
            None => format!("R₁ + ⋯ + R_L = {}", self.ranks.iter().sum::<usize>()),
        };
        let total = self.ranks.iter().sum::<usize>();
        let best = self.optimal.frobenius.powi(2);
        let claim = if total >= self.discrepancy_rank {
            format!(
                "{budget_words} ≥ rank(E) = {}, so LoRA can represent the target exactly (best possible error 0)",
                self.discrepancy_rank
            )
        } else {
            format!(
                "{budget_words} < rank(E) = {}, so the best possible error is ‖E − LR_{{{}}}(E)‖_F² = {} = {}",
                self.discrepancy_rank,
                self.budget,
                sigma_squared_sum(self.budget + 1, self.discrepancy_rank),
                number(best)
            )
        };
        let reached = match &self.construction {
            Ok(c) => {
                let err = c.error_frobenius.powi(2);
                let tolerance = 1e-9 * self.singular_values.first().map_or(1.0, |s| s * s).max(f64::MIN_POSITIVE);
                let verdict = if (err - best).abs() <= tolerance.max(1e-9 * best) {
                    "✔"
                } else {
                    "✘ (differs from the optimum)"
                };
                if total >= self.discrepancy_rank {
                    format!("the construction reaches {} (zero up to rounding) {verdict}", number(err))
                } else {
                    format!("the construction reaches {} {verdict}", number(err))
                }
            }
            Err(e) => format!("but the explicit construction cannot be used here: {e}"),
        };
        format!("{claim}; {reached}.")
    }

    /// One-sentence text summary of the spectrum figure.
    pub fn spectrum_summary(&self) -> String {
        let absorbed: f64 = self.singular_values.iter().take(self.budget).map(|s| s * s).sum();
        let remaining = linear::tail_sum_of_squares(&self.singular_values, self.budget);
        format!(
            "Squared singular values of E (D = {}, rank(E) = {}): the {} largest, summing to {}, are absorbed by the adapters; the remaining {} sum to {}, the error left.",
            self.width,
            self.discrepancy_rank,
            self.budget,
            number(absorbed),
            self.width - self.budget,
            number(remaining)
        )
    }

    /// Text summary of the error-versus-rank figure.
    pub fn curve_summary(&self, curve: &[CurvePoint]) -> String {
        let start = curve.first().map_or(0.0, |p| p.optimal_frobenius_sq);
        let worst_gap = curve
            .iter()
            .filter_map(|p| p.construction_frobenius_sq.map(|c| (c - p.optimal_frobenius_sq).abs()))
            .fold(0.0, f64::max);
        let built = curve.iter().filter(|p| p.construction_frobenius_sq.is_some()).count();
        format!(
            "Squared Frobenius error against LoRA rank R = 0…{} at depth L = {}: the optimum falls from {} at R = 0 to zero at R = ⌈rank(E)/L⌉ = {}; the construction could be built reliably at {} of {} ranks and there differs from the optimum by at most {}.",
            self.width,
            self.depth(),
            number(start),
            self.min_exact_rank,
            built,
            curve.len(),
            number(worst_gap)
        )
    }

    /// Text summary of the heatmaps.
    pub fn heatmap_summary(&self) -> String {
        let ranks: Vec<String> = match &self.construction {
            Ok(c) => c.adapters.iter().map(|a| a.rank.to_string()).collect(),
            Err(_) => vec!["not built".into()],
        };
        format!(
            "Heatmaps of the target W̄, the frozen product ΠW_l, the adapted product Π(W_l+ΔW_l) and the adapters ΔW_1…ΔW_{{{}}} (ranks {}); orange is positive, blue negative.",
            self.depth(),
            ranks.join(", ")
        )
    }
}

/// Solves the lesson for `problem` given its discrepancy (from `analyse` or `Discrepancy::new`).
pub fn solve(problem: &Problem, discrepancy: &Discrepancy) -> Outcome {
    let budget = linear::rank_budget(&problem.ranks, problem.width());
    Outcome {
        width: problem.width(),
        ranks: problem.ranks.clone(),
        budget,
        singular_values: discrepancy.singular_values().to_vec(),
        discrepancy_rank: discrepancy.rank,
        min_exact_rank: discrepancy.min_exact_rank(problem.depth()),
        optimal: discrepancy.optimal_errors(budget),
        construction: linear::construct(&problem.target, &problem.frozen, discrepancy, &problem.ranks),
    }
}
