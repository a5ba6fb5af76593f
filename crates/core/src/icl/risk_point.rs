//! What a risk curve is computed from (`RiskSetup`: prior, task, labels, grid of k) and what the
//! trials at one k accumulate (`RiskPoint`: running means of the risks, the bound and the weights,
//! with the trials attempted and failed). Shared by the general and the fixed-size trials.

use super::prior::Prior;
use crate::linalg::Vector;

/// A running mean and variance (Welford).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Mean {
    count: u64,
    mean: f64,
    m2: f64,
}

impl Mean {
    /// Adds one observation.
    pub fn push(&mut self, x: f64) {
        self.count += 1;
        let delta = x - self.mean;
        self.mean += delta / self.count as f64;
        self.m2 += delta * (x - self.mean);
    }
    /// The mean (0 before any observation).
    pub fn mean(&self) -> f64 {
        self.mean
    }
    /// The standard error of the mean (0 with fewer than two observations).
    pub fn standard_error(&self) -> f64 {
        if self.count < 2 {
            0.0
        } else {
            (self.m2 / (self.count - 1) as f64 / self.count as f64).sqrt()
        }
    }
    /// Observations so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Adds the observations summarised by `other` (Chan et al.'s pairwise update), as if they had
    /// been pushed one by one (up to rounding).
    pub fn merge(&mut self, other: &Mean) {
        if other.count == 0 {
            return;
        }
        let count = self.count + other.count;
        let delta = other.mean - self.mean;
        self.mean += delta * other.count as f64 / count as f64;
        self.m2 += other.m2 + delta * delta * self.count as f64 * other.count as f64 / count as f64;
        self.count = count;
    }

    /// (count, mean, m2): the running state, for passing between threads.
    pub fn parts(&self) -> [f64; 3] {
        [self.count as f64, self.mean, self.m2]
    }

    /// The mean whose running state is `parts` (from `parts`); `None` if it is not one.
    pub fn from_parts(parts: [f64; 3]) -> Option<Mean> {
        let [count, mean, m2] = parts;
        let valid = count >= 0.0 && count.fract() == 0.0 && count < 1e15 && mean.is_finite() && m2 >= 0.0;
        valid.then_some(Mean { count: count as u64, mean, m2 })
    }
}

/// What a risk curve measures.
#[derive(Clone, Debug, PartialEq)]
pub struct RiskSetup {
    /// The pretraining prior.
    pub prior: Prior,
    /// μ*: the in-context inputs' mean.
    pub task_mu: Vector,
    /// w*: the function the risk is measured against.
    pub task_w: Vector,
    /// The function that labels the in-context examples (w* for correct labels).
    pub label_w: Vector,
    /// Label noise of the in-context examples.
    pub label_noise: f64,
    /// The context sizes k.
    pub ks: Vec<usize>,
    /// Seed.
    pub seed: u64,
    /// Also compute the Figure 6 upper bound (one eigenvalue problem per trial).
    pub with_bound: bool,
}

impl RiskSetup {
    /// α: the skill whose input mean is closest to μ* (the one the inputs retrieve).
    pub fn retrieved_skill(&self) -> usize {
        let d = |b: usize| (&self.prior.mu[b] - &self.task_mu).norm_squared();
        (0..self.prior.skills()).min_by(|&a, &b| d(a).total_cmp(&d(b))).unwrap_or(0)
    }
}

/// The estimates at one k.
#[derive(Clone, Debug, PartialEq)]
pub struct RiskPoint {
    /// k.
    pub k: usize,
    /// E[(F* − ⟨x_q, w*⟩)²].
    pub risk: Mean,
    /// E[(F* − ⟨x_q, w_α⟩)²].
    pub retrieval_risk: Mean,
    /// E[B], the Figure 6 upper bound (when asked for).
    pub bound: Mean,
    /// E[π̃_β] for each skill.
    pub weights: Vec<Mean>,
    /// Trials run at this k, whether they gave a finite result or not.
    pub attempted: u64,
    /// Trials whose posterior or squared error was not a finite number in double precision. A
    /// mean without them would be biased (they are the extreme contexts), so once any trial fails
    /// the point keeps no estimate (every mean above is empty) and is left out of figures and words.
    pub failed: u64,
}

impl RiskPoint {
    pub(super) fn empty(k: usize, skills: usize) -> Self {
        RiskPoint {
            k,
            risk: Mean::default(),
            retrieval_risk: Mean::default(),
            bound: Mean::default(),
            weights: vec![Mean::default(); skills],
            attempted: 0,
            failed: 0,
        }
    }

    /// Adds the trials of `other` (the same k); once any trial has failed, no estimate is kept.
    pub(super) fn merge(&mut self, other: &RiskPoint) {
        self.attempted += other.attempted;
        self.failed += other.failed;
        if self.failed > 0 {
            self.clear_estimates();
            return;
        }
        self.risk.merge(&other.risk);
        self.retrieval_risk.merge(&other.retrieval_risk);
        self.bound.merge(&other.bound);
        for (mine, theirs) in self.weights.iter_mut().zip(&other.weights) {
            mine.merge(theirs);
        }
    }

    pub(super) fn clear_estimates(&mut self) {
        let skills = self.weights.len();
        *self = RiskPoint { attempted: self.attempted, failed: self.failed, ..RiskPoint::empty(self.k, skills) };
    }
}
