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

/// Number of skills of the 2-D prior.
pub const PLANE_SKILLS: usize = 3;

impl Scenario {
    /// Whether the scenario uses the 2-D prior (whose centres, weights and σ's are settings).
    pub fn is_plane(self) -> bool {
        matches!(self, Scenario::PlaneMisleading | Scenario::PlaneNear)
    }
}

/// The lesson's parameters. The 2-D prior's settings are held in hundredths, as the link
/// writes them (σ_w = 0.3 is 30), so that a link reproduces them exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Params {
    /// Prior and task.
    pub scenario: Scenario,
    /// Examples shown so far.
    pub k: usize,
    /// Seed of the example sequence and the query.
    pub seed: u64,
    /// The 2-D prior's skill centres μ_β = w_β as x₁, y₁, x₂, y₂, x₃, y₃ in hundredths (the
    /// student drags them); empty: at 120° on the unit circle.
    pub centres: Vec<i64>,
    /// The 2-D prior's mixture weights in percent (normalised to sum to 1); empty: equal.
    pub weights: Vec<i64>,
    /// The 2-D prior's σ_y, σ_w and σ_μ in hundredths.
    pub sigma_y: i64,
    /// σ_w in hundredths.
    pub sigma_w: i64,
    /// σ_μ in hundredths.
    pub sigma_mu: i64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            scenario: Scenario::PlaneMisleading,
            k: 0,
            seed: 0,
            centres: Vec::new(),
            weights: Vec::new(),
            sigma_y: 200,
            sigma_w: 30,
            sigma_mu: 10,
        }
    }
}

/// The default skill centres in hundredths, as a dragged set starts from them.
pub fn default_centres() -> Vec<i64> {
    [90.0f64, 210.0, 330.0]
        .iter()
        .flat_map(|deg| {
            [(deg.to_radians().cos() * 100.0).round() as i64, (deg.to_radians().sin() * 100.0).round() as i64]
        })
        .collect()
}

/// The 2-D prior: three skills (μ_β = w_β), by default at 120° on the unit circle with equal
/// weights, σ_x = 1, σ_y = 2, σ_μ = 0.1, σ_w = 0.3: inputs are informative about the skill,
/// labels are noisy, so a few examples retrieve by their inputs, and learning (δ_w = 0.0225)
/// takes a few dozen. Centres, weights and σ's come from the parameters.
pub fn plane_prior(params: &Params) -> Prior {
    let hundredths = |n: i64| n as f64 / 100.0;
    let centres: Vec<Vector> = if params.centres.len() == 2 * PLANE_SKILLS {
        params.centres.chunks(2).map(|c| Vector::from_column_slice(&[hundredths(c[0]), hundredths(c[1])])).collect()
    } else {
        let at = |deg: f64| Vector::from_column_slice(&[deg.to_radians().cos(), deg.to_radians().sin()]);
        vec![at(90.0), at(210.0), at(330.0)]
    };
    let weights = if params.weights.len() == PLANE_SKILLS && params.weights.iter().all(|&w| w > 0) {
        let total: i64 = params.weights.iter().sum();
        params.weights.iter().map(|&w| w as f64 / total as f64).collect()
    } else {
        vec![1.0 / PLANE_SKILLS as f64; PLANE_SKILLS]
    };
    Prior {
        weights,
        mu: centres.clone(),
        w: centres,
        sigma_x: 1.0,
        sigma_y: hundredths(params.sigma_y),
        sigma_mu: hundredths(params.sigma_mu),
        sigma_w: hundredths(params.sigma_w),
    }
}

impl Params {
    /// The prior and the task (μ*, w*).
    pub fn scenario(&self) -> (Prior, Vector, Vector) {
        match self.scenario {
            Scenario::PlaneMisleading => {
                let p = plane_prior(self);
                let (mu, w) = (p.mu[0].clone(), p.w[1].clone());
                (p, mu, w)
            }
            Scenario::PlaneNear => {
                let p = plane_prior(self);
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
    /// Whether the prior is the 2-D one whose skill centres the student drags.
    pub draggable: bool,
    /// The box (from, to along each of `axes`) holding every skill's mean ± two standard
    /// deviations of its inputs, the query and the examples shown: the prompt's figure keeps its
    /// axes while examples arrive, unless one falls outside the skills' clusters.
    pub input_box: (f64, f64, f64, f64),
    /// The two input coordinates the prompt's figure shows (`view_axes`).
    pub axes: (usize, usize),
}

/// Computes the prompt after `params.k` examples (the first k of one seeded sequence).
pub fn step(params: &Params) -> Option<Step> {
    let (prior, task_mu, task_w) = params.scenario();
    let source = ContextSource { mu: task_mu, sigma_x: prior.sigma_x, w: task_w.clone(), noise: 0.0 };
    let mut sequence = rng::stream(params.seed, rng::streams::TEST);
    let query = source.input(&mut sequence);
    let inputs: Vec<Vector> = (0..params.k.min(MAX_EXAMPLES)).map(|_| source.input(&mut sequence)).collect();
    let axes = view_axes(&prior);
    let input_box = input_box(&prior, axes, inputs.iter().chain(std::iter::once(&query)));
    let examples: Vec<(Vector, f64)> = inputs
        .into_iter()
        .map(|x| {
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
    let draggable = params.scenario.is_plane();
    Some(Step { prior, task_w, examples, query, posterior, truth, draggable, input_box, axes })
}

/// The standard deviation of one coordinate of an input from skill β: x = μ + noise with
/// μ ~ N(μ_β, σ_μ² I) and noise ~ N(0, σ_x² I), so x ~ N(μ_β, (σ_x² + σ_μ²) I).
pub fn input_spread(prior: &Prior) -> f64 {
    (prior.sigma_x * prior.sigma_x + prior.sigma_mu * prior.sigma_mu).sqrt()
}

/// Coordinates `axes` of a vector (0 for a coordinate it does not have).
pub fn plane(v: &Vector, axes: (usize, usize)) -> (f64, f64) {
    (v.get(axes.0).copied().unwrap_or(0.0), v.get(axes.1).copied().unwrap_or(0.0))
}

/// The two input coordinates the prompt's figure shows: the first and the last (1 and 2 when
/// d = 2; 1 and 3 when d = 3, where Regular4's skills 3 and 4 share coordinates 1 and 2 but all
/// four means lie apart in coordinates 1 and 3).
pub fn view_axes(prior: &Prior) -> (usize, usize) {
    (0, prior.dim().max(2) - 1)
}

/// The box around coordinates `axes` of `inputs` and of each skill's mean ± two standard
/// deviations of its inputs.
fn input_box<'a>(
    prior: &Prior,
    axes: (usize, usize),
    inputs: impl Iterator<Item = &'a Vector>,
) -> (f64, f64, f64, f64) {
    let spread = input_spread(prior);
    let corners = prior.mu.iter().flat_map(|m| {
        let (x, y) = plane(m, axes);
        [(x - 2.0 * spread, y - 2.0 * spread), (x + 2.0 * spread, y + 2.0 * spread)]
    });
    inputs
        .map(|v| plane(v, axes))
        .chain(corners)
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY), |(x0, x1, y0, y1), (x, y)| {
            (x0.min(x), x1.max(x), y0.min(y), y1.max(y))
        })
}

impl Step {
    /// The mean x̄ of the k examples' inputs and the query's (the posterior compares it with each
    /// skill's mean μ_β), in the coordinates `axes`.
    pub fn mean_input(&self) -> (f64, f64) {
        let n = self.examples.len() as f64 + 1.0;
        let sum = self.examples.iter().fold(plane(&self.query, self.axes), |(a, b), (x, _)| {
            let (x, y) = plane(x, self.axes);
            (a + x, b + y)
        });
        (sum.0 / n, sum.1 / n)
    }

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

    /// The learned fraction as a whole percentage, never "-0".
    pub fn learned_percent(&self) -> f64 {
        (100.0 * self.learned_fraction()).round() + 0.0
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
            format!("Learning: after {k} examples the skills' estimates w̃_β have moved {} % of the way to the task's function (averaged with the weights π̃).", self.learned_percent())
        } else if pi > 0.8 {
            let wrong = (&self.prior.w[alpha] - &self.task_w).norm() > 0.5;
            format!(
                "Retrieving skill {}: the examples look like it (π̃ = {}){}; the skills' functions have moved only {} % of the way to the data.",
                alpha + 1,
                number(pi),
                if wrong { ", although its function is not the task's" } else { "" },
                self.learned_percent()
            )
        } else {
            format!(
                "Undecided: the posterior spreads over the skills (largest weight {} on skill {}), and the functions have moved {} % of the way to the data.",
                number(pi),
                alpha + 1,
                self.learned_percent()
            )
        };
        mode + &tail
    }
}
