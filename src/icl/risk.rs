//! Monte Carlo risk curves (`icl.md` §2.4): for an in-context task (μ*, w*) and each k on a grid,
//! the risk E[(F* − ⟨x_q, w*⟩)²] over fresh contexts and queries, with standard errors, the
//! retrieval-target risk E[(F* − ⟨x_q, w_α⟩)²], the Figure 6 upper bound and the mean posterior
//! weights. Trials are added in chunks; every k has its own seeded stream, so the numbers do not
//! depend on the chunking.

use super::posterior::{self, Factor};
use super::prior::Prior;
use super::sampler::ContextSource;
use crate::linalg::Vector;
use crate::rng::{self, LabRng};

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
}

/// A risk curve being computed.
pub struct RiskRun {
    setup: RiskSetup,
    source: ContextSource,
    alpha: usize,
    streams: Vec<LabRng>,
    /// One point per k.
    pub points: Vec<RiskPoint>,
}

impl RiskRun {
    /// Starts a run with no trials.
    pub fn new(setup: RiskSetup) -> Self {
        let source = ContextSource {
            mu: setup.task_mu.clone(),
            sigma_x: setup.prior.sigma_x,
            w: setup.label_w.clone(),
            noise: setup.label_noise,
        };
        let m = setup.prior.skills();
        let points = setup
            .ks
            .iter()
            .map(|&k| RiskPoint {
                k,
                risk: Mean::default(),
                retrieval_risk: Mean::default(),
                bound: Mean::default(),
                weights: vec![Mean::default(); m],
            })
            .collect();
        let streams = (0..setup.ks.len()).map(|i| rng::stream(setup.seed, 100 + i as u64)).collect();
        RiskRun { alpha: setup.retrieved_skill(), setup, source, streams, points }
    }

    /// The setup.
    pub fn setup(&self) -> &RiskSetup {
        &self.setup
    }

    /// α, the retrieved skill.
    pub fn retrieved_skill(&self) -> usize {
        self.alpha
    }

    /// Trials done at every k.
    pub fn trials(&self) -> u64 {
        self.points.iter().map(|p| p.risk.count()).min().unwrap_or(0)
    }

    /// Adds `trials` more trials at every k.
    pub fn advance(&mut self, trials: usize) {
        let prior = &self.setup.prior;
        let w_alpha = &prior.w[self.alpha];
        for (point, rng) in self.points.iter_mut().zip(&mut self.streams) {
            for _ in 0..trials {
                let stats = self.source.stats(point.k, rng);
                let query = self.source.input(rng);
                let Ok(factor) = Factor::new(prior, &stats) else { continue };
                let (weights, prediction) = posterior::predict_with(prior, &stats, &query, &factor);
                point.risk.push((prediction - query.dot(&self.setup.task_w)).powi(2));
                point.retrieval_risk.push((prediction - query.dot(w_alpha)).powi(2));
                if self.setup.with_bound {
                    point.bound.push(posterior::upper_bound(prior, &stats, &query, &weights, &self.setup.task_w));
                }
                for (mean, p) in point.weights.iter_mut().zip(&weights) {
                    mean.push(*p);
                }
            }
        }
    }
}

/// The k grid 0, 1, 2, 4, …, 2^max_power.
pub fn power_grid(max_power: u32) -> Vec<usize> {
    std::iter::once(0).chain((0..=max_power).map(|p| 1usize << p)).collect()
}
