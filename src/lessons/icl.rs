//! Lessons on in-context learning's two modes (`icl.md` §2–§4): risk against the number of
//! in-context examples for a chosen prior, task and labelling, and the paper's figures. Every
//! curve is a Monte Carlo `RiskRun` refined progressively up to a target number of trials.

use crate::icl::prior::{self, Prior};
use crate::icl::risk::{self, RiskSetup};
pub use crate::lessons::icl_input::{
    check_prior, coordinates, sigma, vector, RawPrior, MAX_COORDINATE, MAX_DIM, SIGMA_RANGE,
};
pub use crate::lessons::icl_sweep::{BlockJob, Curve, KAxis, Sweep};
use crate::linalg::Vector;

/// δ = δ_μ = δ_w choices for the Regular4 prior (Figure 4's columns).
pub const DELTAS: [&str; 5] = ["1/81", "1/9", "1", "9", "81"];
/// Task closeness r for Regular4 tasks unit(r·μ₁ + μ₂ + 0.2·μ₃) (Figure 5 uses 1, 5/3, 3; Figure 4 uses 2).
pub const CLOSENESS: [&str; 4] = ["1", "5/3", "2", "3"];
/// Dimensions of Figure 6.
pub const DIMENSIONS: [usize; 5] = [1, 2, 3, 5, 8];
/// Trials per k (target of the progressive refinement).
pub const TRIALS_RANGE: (i64, i64) = (100, 20_000);
/// The random labels' standard deviation s, in hundredths (s ∈ [0.1, 4], default 1).
pub const LABEL_SPREAD_RANGE: (i64, i64) = (10, 400);

/// Parses "a/b" or "a".
pub fn fraction(text: &str) -> f64 {
    match text.split_once('/') {
        Some((a, b)) => a.parse::<f64>().unwrap_or(1.0) / b.parse::<f64>().unwrap_or(1.0),
        None => text.parse().unwrap_or(1.0),
    }
}

/// Which pretraining prior.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PriorChoice {
    /// Regular4 (d = 3, M = 4), δ from `DELTAS`, task closeness from `CLOSENESS`.
    Regular4,
    /// Figure 6's early-ascent prior in dimension d.
    EarlyAscent,
    /// A one-dimensional prior with a large early ascent (strong input evidence, weak label evidence).
    LargeAscent,
    /// Regular4's centres with the task at skill 1 (μ* = w* = μ₁), σ_x = 1, σ_y = 4,
    /// σ_μ = σ_w = 0.25 (`icl.md` §3.3's example shape): random labels show bounded efficacy.
    Biased,
    /// The student's own prior (imported from a file, carried in the link as `cp`).
    Custom,
}

/// How the in-context examples are labelled (`icl.md` §3.3). The risk is always measured against
/// the intended task's noiseless function ⟨x_q, w*⟩, whatever labels the context carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelChoice {
    /// y = ⟨x, w*⟩ (noiseless, as in the paper's evaluation).
    Correct,
    /// Random labels: y ~ N(0, s²) drawn independently of x (the paper's LLM runs pick labels at
    /// random). Their mean function is w_b = 0 and their variance s² is part of the labels:
    /// w_lab = 0 and σ_ε = s in the sampler.
    Random,
    /// y = ⟨x, w_γ⟩ with w_γ another pretrained skill's function.
    OtherSkill,
    /// Constant labels y ≡ 0: the noise-free function w_b = 0 (not random labels).
    Constant,
}

impl LabelChoice {
    /// The label model's name as the page writes it.
    pub fn name(self, spread: f64) -> String {
        match self {
            LabelChoice::Correct => "correct labels y = ⟨x, w*⟩".to_owned(),
            LabelChoice::Random => {
                format!("random labels y ~ N(0, s²) independent of x (s = {})", crate::lessons::format::number(spread))
            }
            LabelChoice::OtherSkill => "labels from another skill's function".to_owned(),
            LabelChoice::Constant => "constant labels (y = 0)".to_owned(),
        }
    }
}

/// The risk lesson's parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Params {
    /// Prior.
    pub prior: PriorChoice,
    /// Index into `DELTAS` (Regular4).
    pub delta: usize,
    /// Index into `CLOSENESS` (Regular4).
    pub closeness: usize,
    /// Index into `DIMENSIONS` (early ascent).
    pub dimension: usize,
    /// Labelling.
    pub labels: LabelChoice,
    /// The random labels' standard deviation s, in hundredths (`LABEL_SPREAD_RANGE`).
    pub label_spread: i64,
    /// Largest k = 2^max_power.
    pub max_power: u32,
    /// Trials per k to reach.
    pub trials: usize,
    /// Seed.
    pub seed: u64,
    /// The custom prior's canonical link text (`prior_text`); empty when none was imported.
    pub custom: String,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            prior: PriorChoice::EarlyAscent,
            delta: 0,
            closeness: 2,
            dimension: 0,
            labels: LabelChoice::Correct,
            label_spread: 100,
            max_power: 16,
            trials: 10_000,
            seed: 0,
            custom: String::new(),
        }
    }
}

/// The large-ascent prior: Figure 6's d = 1 skills (μ = (+1, −1), w = (−1, +1), σ_x = 1, σ_y = 2,
/// σ_μ = 0.05) but π = (0.01, 0.99) and σ_w = 0.1: the prior is nearly sure of the right skill 2,
/// so the zero-shot risk is low, until a few examples whose inputs look like the rare skill 1
/// retrieve it (the risk more than triples) — then task learning (δ_w = 0.0025) brings it down.
pub fn large_ascent() -> Prior {
    let mut p = prior::early_ascent(1);
    p.weights = vec![0.01, 0.99];
    p.sigma_w = 0.1;
    p
}

/// The biased-labels prior (`icl.md` §3.3, "Example shape"): Regular4's centres, σ_x = 1, the
/// model's σ_y = 4, σ_μ = σ_w = 0.25 (δ_μ = 1/16, δ_w = 1/256), with the task at skill 1
/// (μ* = w* = μ₁). With random labels y ~ N(0, 1) the risk falls to a minimum near k ≈ 16 while the
/// inputs retrieve skill 1, then rises towards E⟨x, w_b − w₁⟩² = 2 as the labels teach w_b = 0.
pub fn biased_prior() -> (Prior, Vector) {
    let mut p = prior::regular4(0.25);
    p.sigma_y = 4.0;
    let task = p.mu[0].clone();
    (p, task)
}

impl Params {
    /// The risk lesson's sweep: its single curve, up to `trials` trials per k.
    pub fn sweep(&self) -> Sweep {
        let curve = Curve { panel: 0, label: String::new(), run: crate::icl::risk::RiskRun::new(self.setup()) };
        Sweep::new(vec![String::new()], vec![curve], self.trials, KAxis::PowersOfTwo)
    }

    /// The random labels' standard deviation s.
    pub fn spread(&self) -> f64 {
        self.label_spread as f64 / 100.0
    }

    /// The prior, the in-context task (μ*, w*) and the labelling function.
    pub fn setup(&self) -> RiskSetup {
        let (prior, task_mu, task_w) = match self.prior {
            PriorChoice::Regular4 => {
                let sigma = fraction(DELTAS[self.delta.min(4)]).sqrt();
                let task = prior::regular4_task(fraction(CLOSENESS[self.closeness.min(3)]));
                (prior::regular4(sigma), task.clone(), task)
            }
            PriorChoice::EarlyAscent => {
                let d = DIMENSIONS[self.dimension.min(4)];
                let (mu, w) = prior::early_ascent_task(d);
                (prior::early_ascent(d), mu, w)
            }
            PriorChoice::LargeAscent => {
                let (mu, w) = prior::early_ascent_task(1);
                (large_ascent(), mu, w)
            }
            PriorChoice::Biased => {
                let (p, task) = biased_prior();
                (p, task.clone(), task)
            }
            // The link's text was checked when it was set; should it fail now, Figure 6's d = 1.
            PriorChoice::Custom => match super::prior_text::parse(&self.custom) {
                Ok(c) => (c.prior, c.task_mu, c.task_w),
                Err(_) => {
                    let (mu, w) = prior::early_ascent_task(1);
                    (prior::early_ascent(1), mu, w)
                }
            },
        };
        // b = S·w_lab + σ_ε·chol(S)·g (`icl.md` §5): random labels are w_lab = 0 and σ_ε = s.
        let (label_w, label_noise) = match self.labels {
            LabelChoice::Correct => (task_w.clone(), 0.0),
            LabelChoice::Random => (Vector::zeros(task_w.len()), self.spread()),
            LabelChoice::OtherSkill => (other_skill(&prior, &task_w), 0.0),
            LabelChoice::Constant => (Vector::zeros(task_w.len()), 0.0),
        };
        RiskSetup {
            // The Figure 6 bound holds for noiseless correct labels only.
            with_bound: self.labels == LabelChoice::Correct,
            prior,
            task_mu,
            task_w,
            label_w,
            label_noise,
            ks: risk::power_grid(self.max_power),
            seed: self.seed,
        }
    }
}

/// The pretrained function farthest from w* (the most biased labelling among the skills).
pub fn other_skill(prior: &Prior, w_star: &Vector) -> Vector {
    prior
        .w
        .iter()
        .max_by(|a, b| (*a - w_star).norm().total_cmp(&(*b - w_star).norm()))
        .cloned()
        .unwrap_or_else(|| w_star.clone())
}
