//! The ICL paper's numerical figures as sweeps (`icl.md` §4): Figure 4 (δ), Figure 5 (task
//! closeness), Figure 6 (early ascent in five dimensions, with the bound and weights), and the
//! Bayes-optimal curves that Figures 9, 10 and 11 compare trained transformers against.

use super::icl::{fraction, Curve, KAxis, Sweep, CLOSENESS, DELTAS, DIMENSIONS};
use crate::icl::prior::{self, Prior};
use crate::icl::risk::{self, RiskRun, RiskSetup};
use crate::linalg::Vector;

/// One of the paper's figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IclFigure {
    /// Figure 4: Regular4, δ ∈ {1/81, 1/9, 1, 9, 81}.
    Four,
    /// Figure 5: task closeness r ∈ {1, 5/3, 3} at δ ∈ {1/81, 1/9, 1}.
    Five,
    /// Figure 6: early ascent, d ∈ {1, 2, 3, 5, 8}.
    Six,
    /// Figure 9's Bayes-optimal curves: Regular4, δ ∈ {1, 1/4, 1/16, 1/64, 1/256}, k = 0…31.
    Nine,
    /// Figure 10's Bayes-optimal curves: M skills at the vertices of regular solids, M ∈ {20, 12, 8, 6, 4}, δ = 1/16.
    Ten,
    /// Figure 11's Bayes-optimal curves: M = d skills at the unit vectors, d ∈ {2, 4, 8, 16, 32}, δ = 1/16.
    Eleven,
}

impl IclFigure {
    /// Every figure, in menu order.
    pub const ALL: [IclFigure; 6] =
        [IclFigure::Four, IclFigure::Five, IclFigure::Six, IclFigure::Nine, IclFigure::Ten, IclFigure::Eleven];

    /// The name used in links.
    pub fn key(self) -> &'static str {
        match self {
            IclFigure::Four => "4",
            IclFigure::Five => "5",
            IclFigure::Six => "6",
            IclFigure::Nine => "9",
            IclFigure::Ten => "10",
            IclFigure::Eleven => "11",
        }
    }

    /// What it shows and with what configuration.
    pub fn description(self) -> &'static str {
        match self {
            IclFigure::Four => "Figure 4: the Regular4 prior (d = 3, four skills at the vertices of a tetrahedron) with δ_μ = δ_w ∈ {1/81, 1/9, 1, 9, 81}; task μ* = w* = unit(2μ₁ + μ₂ + 0.2μ₃); risk and the weight of the nearest skill against k = 0, 1, 3, 7, …, 127 (the paper's prefix lengths 2^j − 1), 2,000 trials per point.",
            IclFigure::Five => "Figure 5: Regular4 with tasks unit(r·μ₁ + μ₂ + 0.2μ₃) for r = 1 (farthest), 5/3 (medium) and 3 (closest), at δ ∈ {1/81, 1/9, 1}; 2,000 trials per point.",
            IclFigure::Six => "Figure 6: early ascent with correct labels, d ∈ {1, 2, 3, 5, 8}; σ_x = 1, σ_y = 2, σ_μ = σ_w = 0.05; the inputs look like skill 1 (“misleading”) while the function is skill 2's; risk, its upper bound, and the weight of the misleading skill; 10,000 trials per point, k up to 2^16.",
            IclFigure::Nine => "The Bayes-optimal curves of Figure 9: Regular4 with δ ∈ {1, 1/4, 1/16, 1/64, 1/256}, k = 0…31; risk against the in-context task (learning) and against the retrieved skill (retrieval); 2,000 trials per point.",
            IclFigure::Ten => "The Bayes-optimal curves of Figure 10: M skills at the vertices of a regular solid in d = 3 (μ_β = w_β) for M = 20 (dodecahedron), 12 (cuboctahedron), 8 (cube), 6 (octahedron) and 4 (tetrahedron), δ = 1/16, task unit(3c₁ + c₂) (unit(2c₁ + c₂) for M = 4), k = 0…31; 2,000 trials per point.",
            IclFigure::Eleven => "The Bayes-optimal curves of Figure 11: d skills at the unit vectors e_β (μ_β = w_β = e_β) for d ∈ {2, 4, 8, 16, 32}, δ = 1/16, task unit(3e₁ + e₂), k = 0…31; 1,000 trials per point.",
        }
    }

    /// Departures from the paper's runs.
    pub fn departures(self) -> &'static str {
        match self {
            IclFigure::Four => "The paper uses 20,000 sequences of 128 points and evaluates k = 0, 1, 3, …, 127 on prefixes of each; the lab evaluates the same k on fresh contexts (drawn exactly by their sufficient statistics), 2,000 per point. The thin dashed lines around each risk curve are ±2 standard errors of the lab's mean (the lower line is left out where it is not positive, which a log axis cannot show); the paper shades ±1 standard deviation of the squared error.",
            IclFigure::Five => "The paper uses 80,000 sequences and evaluates every k on prefixes of one sequence; the lab draws fresh contexts per k (exactly, by their sufficient statistics), 2,000 per point. The thin dashed lines around each risk curve are ±2 standard errors of the lab's mean (the lower line is left out where it is not positive, which a log axis cannot show); the paper shades ±1 standard deviation of the squared error.",
            IclFigure::Six => "As in the paper's code: fresh sequences per k, noiseless labels and 10,000 trials per point. The thin dashed lines around the risk are ±2 standard errors of the lab's mean (the lower line is left out where it is not positive, which a log axis cannot show); the paper shades ±1 standard deviation of the squared error.",
            IclFigure::Nine | IclFigure::Eleven => "Only the Bayes-optimal predictor F* is computed; the trained transformers of the paper (a GPT-2 of 10 layers trained on a GPU) cannot run in a browser. The paper's `TS_D_d.py` and `TS_D_d_visual.py` disagree on δ for Figure 11 (1/16 and 1/64); the lab uses 1/16.",
            IclFigure::Ten => "Only the Bayes-optimal predictor F* is computed (the paper's transformers cannot run in a browser). The paper's code lists the dodecahedron's input means and functions in different orders, so its 20 skills pair non-matching vertices and the task's μ* and w* point in different directions; the lab pairs each vertex with itself (μ_β = w_β, as the model states) and uses μ* = w* = unit(3c₁ + c₂) from the input-mean list.",
        }
    }
}

fn setup(prior: Prior, task_mu: Vector, task_w: Vector, ks: Vec<usize>, with_bound: bool) -> RiskSetup {
    RiskSetup { prior, task_mu, label_w: task_w.clone(), task_w, label_noise: 0.0, ks, seed: 0, with_bound }
}

/// The sweep that computes a figure.
pub fn sweep(figure: IclFigure) -> Sweep {
    let mut curves = Vec::new();
    let mut panels = Vec::new();
    // Figures 9–11: sequences of 32 points, so k = 0…31 on a linear axis (`icl.md` §4.6).
    let linear: Vec<usize> = (0..32).collect();
    let (trials, k_axis) = match figure {
        IclFigure::Four => {
            panels.push("risk E[(F* − ⟨x, w*⟩)²] against k".to_owned());
            for d in DELTAS {
                let task = prior::regular4_task(2.0);
                // The paper evaluates prefixes of 128-point sequences: k = 0, 1, 3, 7, …, 127.
                let s = setup(prior::regular4(fraction(d).sqrt()), task.clone(), task, risk::prefix_grid(7), false);
                curves.push(Curve { panel: 0, label: format!("δ = {d}"), run: RiskRun::new(s) });
            }
            (2_000, KAxis::PowersOfTwoMinusOne)
        }
        IclFigure::Five => {
            for d in &DELTAS[..3] {
                panels.push(format!("δ = {d}"));
            }
            for (panel, d) in DELTAS[..3].iter().enumerate() {
                for (r, name) in [
                    (CLOSENESS[0], "farthest (r = 1)"),
                    (CLOSENESS[1], "medium (r = 5/3)"),
                    (CLOSENESS[3], "closest (r = 3)"),
                ] {
                    let task = prior::regular4_task(fraction(r));
                    // k = 0, 1, 2, 4, …, 256 (`icl.md` §4.2).
                    let s = setup(prior::regular4(fraction(d).sqrt()), task.clone(), task, risk::power_grid(8), false);
                    curves.push(Curve { panel, label: name.to_owned(), run: RiskRun::new(s) });
                }
            }
            (2_000, KAxis::PowersOfTwo)
        }
        IclFigure::Six => {
            for (panel, &d) in DIMENSIONS.iter().enumerate() {
                panels.push(format!("d = {d}"));
                let (mu, w) = prior::early_ascent_task(d);
                // k = 0, 1, 2, 4, …, 2^16 (`icl.md` §4.3).
                let s = setup(prior::early_ascent(d), mu, w, risk::power_grid(16), true);
                curves.push(Curve { panel, label: format!("d = {d}"), run: RiskRun::new(s) });
            }
            (10_000, KAxis::PowersOfTwo)
        }
        IclFigure::Nine => {
            panels.push("learning: risk against the in-context task".to_owned());
            panels.push("retrieval: risk against the retrieved skill".to_owned());
            for a in 0..5 {
                let delta = 0.25f64.powi(a);
                let task = prior::regular4_task(2.0);
                let s = setup(prior::regular4(delta.sqrt()), task.clone(), task, linear.clone(), false);
                curves.push(Curve { panel: 0, label: format!("δ = 1/{}", 4u32.pow(a as u32)), run: RiskRun::new(s) });
            }
            (2_000, KAxis::Linear)
        }
        IclFigure::Ten => {
            panels.push("learning: risk against the in-context task".to_owned());
            panels.push("retrieval: risk against the retrieved skill".to_owned());
            for m in [20usize, 12, 8, 6, 4] {
                let Some(p) = prior::regular_solid(m, 0.25) else { continue };
                let weight = if m == 4 { 2.0 } else { 3.0 };
                let task = prior::unit((&p.mu[0] * weight + &p.mu[1]).as_slice());
                curves.push(Curve {
                    panel: 0,
                    label: format!("M = {m}"),
                    run: RiskRun::new(setup(p, task.clone(), task, linear.clone(), false)),
                });
            }
            (2_000, KAxis::Linear)
        }
        IclFigure::Eleven => {
            panels.push("learning: risk against the in-context task".to_owned());
            panels.push("retrieval: risk against the retrieved skill".to_owned());
            for d in [2usize, 4, 8, 16, 32] {
                let basis: Vec<Vector> =
                    (0..d).map(|i| Vector::from_fn(d, |j, _| if i == j { 1.0 } else { 0.0 })).collect();
                let sigma = (1.0f64 / 16.0).sqrt();
                let p = Prior {
                    weights: vec![1.0 / d as f64; d],
                    mu: basis.clone(),
                    w: basis,
                    sigma_x: 1.0,
                    sigma_y: 1.0,
                    sigma_mu: sigma,
                    sigma_w: sigma,
                };
                let mut t = vec![0.0; d];
                t[0] = 3.0;
                t[1] = 1.0;
                let task = prior::unit(&t);
                curves.push(Curve {
                    panel: 0,
                    label: format!("d = {d}"),
                    run: RiskRun::new(setup(p, task.clone(), task, linear.clone(), false)),
                });
            }
            (1_000, KAxis::Linear)
        }
    };
    Sweep::new(panels, curves, trials, k_axis)
}
