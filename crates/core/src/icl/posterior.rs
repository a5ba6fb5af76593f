//! The closed-form posterior and the Bayes-optimal in-context predictor (`icl.md` §2.1–2.2).
//!
//! Given k labelled examples and the query x_{k+1} (n = k + 1 inputs; the query enters the
//! μ-part), the posterior over (μ, w) is again a mixture over the same skills: re-weighted
//! (π̃_β: task retrieval) and shifted towards the data (μ̃_β, w̃_β: task learning). The prediction
//! is F* = Σ_β π̃_β ⟨x_{k+1}, w̃_β⟩. Computed in the stable form: one Cholesky factor of
//! A = I + δ_w S, M + 1 solves, log-sum-exp weights.

use nalgebra::Cholesky;

use super::prior::Prior;
use crate::linalg::{Matrix, Vector};

/// Sufficient statistics of the k context examples (the query excluded).
#[derive(Clone, Debug, PartialEq)]
pub struct Stats {
    /// Number of examples k.
    pub k: usize,
    /// Σ_i x_i.
    pub sum_x: Vector,
    /// S = Σ_i x_i x_iᵀ.
    pub sum_xxt: Matrix,
    /// b = Σ_i y_i x_i.
    pub sum_xy: Vector,
}

impl Stats {
    /// No examples yet, in dimension `dim`.
    pub fn empty(dim: usize) -> Self {
        Stats { k: 0, sum_x: Vector::zeros(dim), sum_xxt: Matrix::zeros(dim, dim), sum_xy: Vector::zeros(dim) }
    }

    /// Adds one example (x, y).
    pub fn push(&mut self, x: &Vector, y: f64) {
        self.k += 1;
        self.sum_x += x;
        self.sum_xxt += x * x.transpose();
        self.sum_xy += x * y;
    }

    /// The statistics of a list of examples in dimension `dim` (each x of length `dim`). An empty
    /// list gives k = 0 with zero sums of that dimension: the prior predictive (`icl.md` §2.3).
    pub fn of(dim: usize, xs: &[Vector], ys: &[f64]) -> Self {
        let mut stats = Stats::empty(dim);
        for (x, &y) in xs.iter().zip(ys) {
            stats.push(x, y);
        }
        stats
    }
}

/// The posterior after some examples, at a query.
#[derive(Clone, Debug, PartialEq)]
pub struct Posterior {
    /// π̃_β, summing to 1.
    pub weights: Vec<f64>,
    /// μ̃_β = (μ_β + δ_μ(Σx + x_q))/(1 + nδ_μ).
    pub mu_tilde: Vec<Vector>,
    /// w̃_β = A⁻¹ w_β + δ_w A⁻¹ b.
    pub w_tilde: Vec<Vector>,
    /// F* = Σ_β π̃_β ⟨x_q, w̃_β⟩.
    pub prediction: f64,
}

impl Posterior {
    /// w̃ = Σ_β π̃_β w̃_β.
    pub fn w_mean(&self) -> Vector {
        let dim = self.w_tilde.first().map_or(0, Vector::len);
        self.weights.iter().zip(&self.w_tilde).fold(Vector::zeros(dim), |acc, (p, w)| acc + w * *p)
    }
}

/// Why a posterior could not be computed (non-finite or mis-shaped input; for finite statistics of
/// real examples A = I + δ_w S is SPD).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum PosteriorError {
    /// A = I + δ_w S is not positive definite in floating point (non-finite statistics, or an S
    /// that no examples could give).
    #[error("I + δ_w S is not positive definite (the statistics are not finite or S is not a sum of x xᵀ)")]
    NotPositiveDefinite,
    /// A quantity of the posterior is not a finite number in double precision: the statistics, the
    /// query or the prior's scales are so far apart that a product, a square or a log-weight
    /// overflows (or every skill's log-weight underflows to −∞).
    #[error("the numbers are too large for double precision: {what} is not a finite number")]
    Overflow {
        /// Which quantity ("the statistics", "I + δ_w S", "a skill's log-weight", "the prediction").
        what: &'static str,
    },
    /// The statistics or the query do not have the prior's dimension d.
    #[error("{what} has dimension {found}, but the prior has d = {expected}")]
    DimensionMismatch {
        /// Which input ("the statistics", "the query").
        what: &'static str,
        /// Its dimension.
        found: usize,
        /// The prior's d.
        expected: usize,
    },
}

/// The factorisation A = I + δ_w S shared by every query with the same context.
pub struct Factor {
    cholesky: Cholesky<f64, nalgebra::Dyn>,
}

impl Factor {
    /// Factors A = I + δ_w S; `Overflow` when A is not finite (nalgebra's Cholesky would accept
    /// NaN pivots and return a NaN factor).
    pub fn new(prior: &Prior, stats: &Stats) -> Result<Self, PosteriorError> {
        let dim = stats.sum_xxt.nrows();
        let a = Matrix::identity(dim, dim) + &stats.sum_xxt * prior.delta_w();
        if !a.iter().all(|x| x.is_finite()) {
            return Err(PosteriorError::Overflow { what: "I + δ_w S" });
        }
        Cholesky::new(a).map(|cholesky| Factor { cholesky }).ok_or(PosteriorError::NotPositiveDefinite)
    }

    /// λ_min(A) = 1 + δ_w λ_min(S), the smallest eigenvalue of I + δ_w S (eigenvalues only).
    pub fn lambda_min(prior: &Prior, stats: &Stats) -> f64 {
        let smallest = match stats.sum_xxt.nrows() {
            1 => stats.sum_xxt[(0, 0)],
            _ => stats.sum_xxt.symmetric_eigenvalues().iter().copied().fold(f64::INFINITY, f64::min),
        };
        1.0 + prior.delta_w() * smallest.max(0.0)
    }
}

/// The posterior for `stats` (k context examples, k = 0 allowed) at the query `query`. The
/// statistics and the query must have the prior's dimension d (else `DimensionMismatch`).
pub fn posterior(prior: &Prior, stats: &Stats, query: &Vector) -> Result<Posterior, PosteriorError> {
    let d = prior.dim();
    let stats_dims = [stats.sum_x.len(), stats.sum_xxt.nrows(), stats.sum_xxt.ncols(), stats.sum_xy.len()];
    if let Some(&found) = stats_dims.iter().find(|&&n| n != d) {
        return Err(PosteriorError::DimensionMismatch { what: "the statistics", found, expected: d });
    }
    if query.len() != d {
        return Err(PosteriorError::DimensionMismatch { what: "the query", found: query.len(), expected: d });
    }
    let factor = Factor::new(prior, stats)?;
    let post = posterior_with(prior, stats, query, &factor)?;
    let finite = |v: &Vector| v.iter().all(|x| x.is_finite());
    if !(post.mu_tilde.iter().all(finite) && post.w_tilde.iter().all(finite)) {
        return Err(PosteriorError::Overflow { what: "a posterior mean μ̃_β or w̃_β" });
    }
    Ok(post)
}

/// The posterior with a precomputed factor of A (reuse it across queries with the same context);
/// `Overflow` when the weights or the prediction are not finite.
pub fn posterior_with(
    prior: &Prior,
    stats: &Stats,
    query: &Vector,
    factor: &Factor,
) -> Result<Posterior, PosteriorError> {
    let (weights, solved) = weights_and_solves(prior, stats, query, factor)?;
    let n = (stats.k + 1) as f64;
    let (delta_mu, delta_w) = (prior.delta_mu(), prior.delta_w());
    let r = solved.column(0);
    // Learning: shift each skill's means towards the data.
    let w_tilde: Vec<Vector> = (0..prior.skills()).map(|beta| solved.column(beta + 1) + r * delta_w).collect();
    let total_x = &stats.sum_x + query;
    let mu_tilde: Vec<Vector> = prior.mu.iter().map(|mu| (mu + &total_x * delta_mu) / (1.0 + n * delta_mu)).collect();
    let prediction: f64 = weights.iter().zip(&w_tilde).map(|(p, w)| p * w.dot(query)).sum();
    if !prediction.is_finite() {
        return Err(PosteriorError::Overflow { what: "the prediction F*" });
    }
    Ok(Posterior { weights, mu_tilde, w_tilde, prediction })
}

/// Only the posterior weights and the prediction F* (what a risk curve needs), without building
/// the shifted means: F* = Σ_β π̃_β (⟨A⁻¹w_β, x_q⟩ + δ_w ⟨A⁻¹b, x_q⟩). `Overflow` when the
/// weights or F* are not finite.
pub fn predict_with(
    prior: &Prior,
    stats: &Stats,
    query: &Vector,
    factor: &Factor,
) -> Result<(Vec<f64>, f64), PosteriorError> {
    let (weights, solved) = weights_and_solves(prior, stats, query, factor)?;
    let shift = prior.delta_w() * solved.column(0).dot(query);
    let prediction: f64 =
        weights.iter().enumerate().map(|(beta, p)| p * (solved.column(beta + 1).dot(query) + shift)).sum();
    if !prediction.is_finite() {
        return Err(PosteriorError::Overflow { what: "the prediction F*" });
    }
    Ok((weights, prediction))
}

/// π̃ and the solves [A⁻¹b | A⁻¹w_1 … A⁻¹w_M] (one factorisation, M + 1 right-hand sides).
/// `Overflow` when the statistics, the query or the solves are not finite, when a skill with
/// π_β > 0 gets a NaN or +∞ log-weight, or when every such skill's log-weight is −∞ (softmax
/// would then return equal weights that the numbers do not support).
fn weights_and_solves(
    prior: &Prior,
    stats: &Stats,
    query: &Vector,
    factor: &Factor,
) -> Result<(Vec<f64>, Matrix), PosteriorError> {
    let finite = |mut values: std::slice::Iter<'_, f64>| values.all(|x| x.is_finite());
    if !(finite(stats.sum_x.as_slice().iter())
        && finite(stats.sum_xxt.as_slice().iter())
        && finite(stats.sum_xy.as_slice().iter()))
    {
        return Err(PosteriorError::Overflow { what: "the statistics" });
    }
    if !finite(query.as_slice().iter()) {
        return Err(PosteriorError::Overflow { what: "the query" });
    }
    let m = prior.skills();
    let dim = prior.dim();
    let n = (stats.k + 1) as f64;
    let delta_w = prior.delta_w();
    let (var_x, var_mu, var_w) = (prior.sigma_x.powi(2), prior.sigma_mu.powi(2), prior.sigma_w.powi(2));
    let mut rhs = Matrix::zeros(dim, m + 1);
    rhs.set_column(0, &stats.sum_xy);
    for (beta, w) in prior.w.iter().enumerate() {
        rhs.set_column(beta + 1, w);
    }
    factor.cholesky.solve_mut(&mut rhs);
    let solved = rhs;
    if !finite(solved.as_slice().iter()) {
        return Err(PosteriorError::Overflow { what: "A⁻¹b or A⁻¹w_β" });
    }
    let r = solved.column(0);
    let x_bar = (&stats.sum_x + query) / n;
    // Retrieval: score each skill by the distance of its centres to the data estimates.
    let log_scores: Vec<f64> = (0..m)
        .map(|beta| {
            let w = &prior.w[beta];
            let a_inv_w = solved.column(beta + 1);
            // ℓ^μ_β = −n‖x̄ − μ_β‖² / (2(σ_x² + nσ_μ²))
            let l_mu = -n * (&x_bar - &prior.mu[beta]).norm_squared() / (2.0 * (var_x + n * var_mu));
            // ℓ^w_β = −(w_βᵀw_β − w_βᵀA⁻¹w_β − 2δ_w w_βᵀr) / (2σ_w²), the expanded (stable) form.
            let l_w = -(w.dot(w) - w.dot(&a_inv_w) - 2.0 * delta_w * w.dot(&r)) / (2.0 * var_w);
            prior.weights[beta].ln() + l_mu + l_w
        })
        .collect();
    // Skills with π_β = 0 have log-weight −∞ and weight exactly 0; every other one must be finite
    // or −∞ (an underflowed likelihood), and not all of them −∞.
    let live: Vec<f64> = log_scores.iter().zip(&prior.weights).filter(|(_, &p)| p > 0.0).map(|(l, _)| *l).collect();
    if live.iter().any(|l| l.is_nan() || *l == f64::INFINITY) || live.iter().all(|l| !l.is_finite()) {
        return Err(PosteriorError::Overflow { what: "a skill's log-weight" });
    }
    Ok((softmax(&log_scores), solved))
}

/// exp(ℓ_β − logsumexp(ℓ)): weights of −∞ scores (π_β = 0) are exactly 0.
pub fn softmax(log_scores: &[f64]) -> Vec<f64> {
    let max = log_scores.iter().copied().filter(|v| v.is_finite()).fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        return vec![1.0 / log_scores.len().max(1) as f64; log_scores.len()];
    }
    let exps: Vec<f64> = log_scores.iter().map(|l| if l.is_finite() { (l - max).exp() } else { 0.0 }).collect();
    let total: f64 = exps.iter().sum();
    exps.into_iter().map(|e| e / total).collect()
}

/// The Figure 6 upper bound for noiseless labels (`icl.md` §2.4):
/// B = ‖x_q‖² Σ_β π̃_β ‖w_β − w*‖² / λ_min(I + δ_w S)².
pub fn upper_bound(prior: &Prior, stats: &Stats, query: &Vector, weights: &[f64], w_star: &Vector) -> f64 {
    let lambda = Factor::lambda_min(prior, stats);
    let spread: f64 = weights.iter().zip(&prior.w).map(|(p, w)| p * (w - w_star).norm_squared()).sum();
    query.norm_squared() * spread / (lambda * lambda)
}
