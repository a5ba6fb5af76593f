//! Lesson: one prompt, step by step (`icl.md` §2.2, §3.3). A fixed sequence of in-context
//! examples from a task; after the first k of them, the posterior weights π̃_β (retrieval), the
//! skills' shifted functions w̃_β (learning), the prediction at a query, and the current mode.

use crate::icl::posterior::{self, Posterior, Stats};
use crate::icl::prior::{self, Prior};
use crate::icl::sampler::ContextSource;
use crate::lessons::format::number;
use crate::linalg::Vector;
use crate::rng;

/// Largest number of examples in a prompt.
pub const MAX_EXAMPLES: usize = 256;

/// Which prior and task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scenario {
    /// A 2-D prior with three skills; the task's inputs look like skill 1, its function is skill 2's.
    PlaneMisleading,
    /// The same prior; the task is close to skill 1 in inputs and function.
    PlaneNear,
    /// Regular4 (d = 3) with δ = 1/9 and Figure 4's task.
    Regular4,
    /// Figure 6's early-ascent prior in d = 2.
    EarlyAscent,
}

/// The lesson's parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Params {
    /// Prior and task.
    pub scenario: Scenario,
    /// Examples shown so far.
    pub k: usize,
    /// Seed of the example sequence and the query.
    pub seed: u64,
}

impl Default for Params {
    fn default() -> Self {
        Params { scenario: Scenario::PlaneMisleading, k: 0, seed: 0 }
    }
}

/// A 2-D prior: three skills at 120° on the unit circle (μ_β = w_β), σ_x = 1, σ_y = 2,
/// σ_μ = 0.1, σ_w = 0.3: inputs are informative about the skill, labels are noisy, so a few
/// examples retrieve by their inputs, and learning (δ_w = 0.0225) takes a few dozen.
pub fn plane_prior() -> Prior {
    let at = |deg: f64| Vector::from_column_slice(&[deg.to_radians().cos(), deg.to_radians().sin()]);
    let centres = vec![at(90.0), at(210.0), at(330.0)];
    Prior {
        weights: vec![1.0 / 3.0; 3],
        mu: centres.clone(),
        w: centres,
        sigma_x: 1.0,
        sigma_y: 2.0,
        sigma_mu: 0.1,
        sigma_w: 0.3,
    }
}

impl Params {
    /// The prior and the task (μ*, w*).
    pub fn scenario(&self) -> (Prior, Vector, Vector) {
        match self.scenario {
            Scenario::PlaneMisleading => {
                let p = plane_prior();
                let (mu, w) = (p.mu[0].clone(), p.w[1].clone());
                (p, mu, w)
            }
            Scenario::PlaneNear => {
                let p = plane_prior();
                let task = prior::unit(&[0.3, 1.0]);
                (p, task.clone(), task)
            }
            Scenario::Regular4 => {
                let task = prior::regular4_task(2.0);
                (prior::regular4(1.0 / 3.0), task.clone(), task)
            }
            Scenario::EarlyAscent => {
                let (mu, w) = prior::early_ascent_task(2);
                (prior::early_ascent(2), mu, w)
            }
        }
    }
}

/// The state of the prompt after k examples.
#[derive(Clone, Debug)]
pub struct Step {
    /// The prior.
    pub prior: Prior,
    /// w*.
    pub task_w: Vector,
    /// The examples shown (x_i, y_i).
    pub examples: Vec<(Vector, f64)>,
    /// The query x_{k+1}.
    pub query: Vector,
    /// The posterior.
    pub posterior: Posterior,
    /// ⟨x_q, w*⟩.
    pub truth: f64,
}

/// Computes the prompt after `params.k` examples (the first k of one seeded sequence).
pub fn step(params: &Params) -> Option<Step> {
    let (prior, task_mu, task_w) = params.scenario();
    let source = ContextSource { mu: task_mu, sigma_x: prior.sigma_x, w: task_w.clone(), noise: 0.0 };
    let mut sequence = rng::stream(params.seed, rng::streams::TEST);
    let query = source.input(&mut sequence);
    let examples: Vec<(Vector, f64)> = (0..params.k.min(MAX_EXAMPLES))
        .map(|_| {
            let x = source.input(&mut sequence);
            let y = x.dot(&task_w);
            (x, y)
        })
        .collect();
    let mut stats = Stats::empty(prior.dim());
    for (x, y) in &examples {
        stats.push(x, *y);
    }
    let posterior = posterior::posterior(&prior, &stats, &query).ok()?;
    let truth = query.dot(&task_w);
    Some(Step { prior, task_w, examples, query, posterior, truth })
}

impl Step {
    /// The skill with the largest posterior weight.
    pub fn leading_skill(&self) -> usize {
        let w = &self.posterior.weights;
        (0..w.len()).max_by(|&a, &b| w[a].total_cmp(&w[b])).unwrap_or(0)
    }

    /// How far, on average, the skills' functions have moved from their centres to w*:
    /// 1 − Σ_β π̃_β ‖w̃_β − w*‖ / ‖w_β − w*‖ (0: not at all, 1: all the way).
    pub fn learned_fraction(&self) -> f64 {
        let p = &self.posterior;
        let mut total = 0.0;
        let mut weight = 0.0;
        for ((pi, w_tilde), w) in p.weights.iter().zip(&p.w_tilde).zip(&self.prior.w) {
            let start = (w - &self.task_w).norm();
            if start > 1e-12 {
                total += pi * (w_tilde - &self.task_w).norm() / start;
                weight += pi;
            }
        }
        if weight > 0.0 {
            1.0 - total / weight
        } else {
            1.0
        }
    }

    /// The sentence naming the current mode.
    pub fn mode(&self) -> String {
        let k = self.examples.len();
        let alpha = self.leading_skill();
        let pi = self.posterior.weights[alpha];
        let learned = self.learned_fraction().max(0.0);
        let error = (self.posterior.prediction - self.truth).abs();
        let tail = format!(
            " Prediction at the query: {} against the truth {} (error {}).",
            number(self.posterior.prediction),
            number(self.truth),
            number(error)
        );
        let mode = if k == 0 {
            format!(
                "No examples yet: only the query's input is seen, and it already points to skill {} (π̃ = {}); the functions are still the pretrained ones.",
                alpha + 1,
                number(pi)
            )
        } else if learned > 0.8 {
            format!("Learning: after {k} examples every skill's estimate w̃_β has moved {:.0} % of the way to the task's function.", 100.0 * learned)
        } else if pi > 0.8 {
            let wrong = (&self.prior.w[alpha] - &self.task_w).norm() > 0.5;
            format!(
                "Retrieving skill {}: the examples look like it (π̃ = {}){}; the skills' functions have moved only {:.0} % of the way to the data.",
                alpha + 1,
                number(pi),
                if wrong { ", although its function is not the task's" } else { "" },
                100.0 * learned
            )
        } else {
            format!(
                "Undecided: the posterior spreads over the skills (largest weight {} on skill {}), and the functions have moved {:.0} % of the way to the data.",
                number(pi),
                alpha + 1,
                100.0 * learned
            )
        };
        mode + &tail
    }
}
