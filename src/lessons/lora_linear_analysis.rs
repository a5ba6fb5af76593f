//! The linear lesson's results: the `Analysis` of a problem's models over every rank R = 0..=D
//! (computed a rank at a time if need be), the `Outcome` for the chosen ranks, and the live check
//! and figure summaries that put its numbers in words.

use crate::lessons::format::{number, sigma_squared_sum};
use crate::lessons::lora_linear_problem::Problem;
use crate::lora::linear::{self, AnalysisError, Construction, ConstructionError, Discrepancy, OptimalErrors};

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
