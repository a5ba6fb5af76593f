//! Monte Carlo risk curves (`icl.md` §2.4): for an in-context task (μ*, w*) and each k on a grid,
//! the risk E[(F* − ⟨x_q, w*⟩)²] over fresh contexts and queries, with standard errors, the
//! retrieval-target risk E[(F* − ⟨x_q, w_α⟩)²], the Figure 6 upper bound and the mean posterior
//! weights. Trials come in blocks of `BLOCK_TRIALS` at every k; block b at the i-th k draws from
//! its own seeded stream and blocks are merged in order, so the numbers depend neither on the
//! chunking nor on which thread computed a block (the page spreads blocks over Web Workers).

use super::fixed;
use super::posterior::{self, Factor, Stats};
pub use super::risk_point::{Mean, RiskPoint, RiskSetup};
use super::sampler::ContextSource;
use crate::linalg::Vector;
use crate::rng;

/// Trials per block: the unit of Monte Carlo work (at every k of a curve).
pub const BLOCK_TRIALS: usize = 50;

/// The estimates of one block of trials, one point per k.
pub type Block = Vec<RiskPoint>;

/// A risk curve being computed.
pub struct RiskRun {
    setup: RiskSetup,
    source: ContextSource,
    alpha: usize,
    /// Blocks merged so far.
    blocks: usize,
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
        let points = setup.ks.iter().map(|&k| RiskPoint::empty(k, m)).collect();
        RiskRun { alpha: setup.retrieved_skill(), setup, source, blocks: 0, points }
    }

    /// The setup.
    pub fn setup(&self) -> &RiskSetup {
        &self.setup
    }

    /// α, the retrieved skill.
    pub fn retrieved_skill(&self) -> usize {
        self.alpha
    }

    /// Trials done at every k (those that failed included: see `RiskPoint::failed`).
    pub fn trials(&self) -> u64 {
        self.points.iter().map(|p| p.attempted).min().unwrap_or(0)
    }

    /// Whether no k can give an estimate any more: a block has been merged and every k had a
    /// trial whose result was not finite. More trials cannot help, so a sweep stops such a run.
    pub fn exhausted(&self) -> bool {
        self.blocks > 0 && self.points.iter().all(|p| p.failed > 0)
    }

    /// The k at which some trial gave no finite result (those points have no estimate).
    pub fn failed_ks(&self) -> Vec<usize> {
        self.points.iter().filter(|p| p.failed > 0).map(|p| p.k).collect()
    }

    /// Blocks merged so far (the next block to merge is this one).
    pub fn blocks(&self) -> usize {
        self.blocks
    }

    /// Computes block `index` of `trials` trials at every k, without merging it: a pure
    /// function of the setup and the index, so any thread can compute any block.
    pub fn block(&self, index: usize, trials: usize) -> Block {
        let prior = &self.setup.prior;
        let w_alpha = &prior.w[self.alpha];
        self.points
            .iter()
            .enumerate()
            .map(|(i, point)| {
                // Stream of block `index` at the i-th k; apart from every other stream of the lab.
                let mut rng = rng::stream(self.setup.seed, (1 << 40) | ((i as u64) << 24) | index as u64);
                let mut out = RiskPoint::empty(point.k, prior.skills());
                // d ≤ 8: the same trials on fixed-size arrays, without allocation.
                if fixed::point(&self.setup, self.alpha, point.k, trials, &mut rng, &mut out) {
                    return out;
                }
                for _ in 0..trials {
                    let stats = self.source.stats(point.k, &mut rng);
                    let query = self.source.input(&mut rng);
                    out.attempted += 1;
                    match self.trial(&stats, &query, w_alpha) {
                        Some((risk, retrieval, bound, weights)) if out.failed == 0 => {
                            out.risk.push(risk);
                            out.retrieval_risk.push(retrieval);
                            if let Some(bound) = bound {
                                out.bound.push(bound);
                            }
                            for (mean, p) in out.weights.iter_mut().zip(&weights) {
                                mean.push(*p);
                            }
                        }
                        Some(_) => {}
                        None => {
                            out.failed += 1;
                            out.clear_estimates();
                        }
                    }
                }
                out
            })
            .collect()
    }

    /// One trial's squared errors against w* and w_α, the bound (when asked for) and the weights;
    /// `None` when the posterior fails or a result is not a finite number in double precision.
    fn trial(&self, stats: &Stats, query: &Vector, w_alpha: &Vector) -> Option<(f64, f64, Option<f64>, Vec<f64>)> {
        let prior = &self.setup.prior;
        let factor = Factor::new(prior, stats).ok()?;
        let (weights, prediction) = posterior::predict_with(prior, stats, query, &factor).ok()?;
        let risk = (prediction - query.dot(&self.setup.task_w)).powi(2);
        let retrieval = (prediction - query.dot(w_alpha)).powi(2);
        let bound =
            self.setup.with_bound.then(|| posterior::upper_bound(prior, stats, query, &weights, &self.setup.task_w));
        let finite = risk.is_finite() && retrieval.is_finite() && bound.is_none_or(f64::is_finite);
        finite.then_some((risk, retrieval, bound, weights))
    }

    /// Merges the next block (the caller merges blocks in index order).
    pub fn merge(&mut self, block: &Block) {
        for (point, theirs) in self.points.iter_mut().zip(block) {
            point.merge(theirs);
        }
        self.blocks += 1;
    }

    /// Adds `trials` more trials at every k, in blocks of `BLOCK_TRIALS` (and one smaller block
    /// for a remainder): chunks that are multiples of `BLOCK_TRIALS` give identical results.
    pub fn advance(&mut self, trials: usize) {
        let mut left = trials;
        while left > 0 {
            let size = left.min(BLOCK_TRIALS);
            let block = self.block(self.blocks, size);
            self.merge(&block);
            left -= size;
        }
    }
}

/// The k grid 0, 1, 2, 4, …, 2^max_power (Figures 5 and 6, the risk lesson).
pub fn power_grid(max_power: u32) -> Vec<usize> {
    std::iter::once(0).chain((0..=max_power).map(|p| 1usize << p)).collect()
}

/// The k grid 2^j − 1 for j = 0…max_power: 0, 1, 3, 7, …, 2^max_power − 1. Figure 4 evaluates
/// these prefix lengths of 2^max_power-point sequences (`icl.md` §4.1: 0, 1, 3, …, 127).
pub fn prefix_grid(max_power: u32) -> Vec<usize> {
    (0..=max_power).map(|j| (1usize << j) - 1).collect()
}
