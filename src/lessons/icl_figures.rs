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
            IclFigure::Six => "Figure 6: early ascent with correct labels, d ∈ {1, 2, 3, 5, 8}; σ_x = 1, σ_y = 2, σ_μ = σ_w = 0.05; the inputs look like skill 1 (“misleading”) while the function is skill 2's; risk, its upper bound, and the weight of the misleading skill; 10,000 trials per point, k up to 2^{16}.",
            IclFigure::Nine => "The Bayes-optimal curves of Figure 9: Regular4 with δ ∈ {1, 1/4, 1/16, 1/64, 1/256}, k = 0…31; risk against the in-context task (learning) and against the retrieved skill (retrieval); 2,000 trials per point.",
            IclFigure::Ten => "The Bayes-optimal curves of Figure 10: M skills at the vertices of a regular solid in d = 3 (μ_β = w_β) for M = 20 (dodecahedron), 12 (cuboctahedron), 8 (cube), 6 (octahedron) and 4 (tetrahedron), δ = 1/16, task unit(3c₁ + c₂) (unit(2c₁ + c₂) for M = 4), k = 0…31; 2,000 trials per point.",
            IclFigure::Eleven => "The Bayes-optimal curves of Figure 11: d skills at the unit vectors e_β (μ_β = w_β = e_β) for d ∈ {2, 4, 8, 16, 32}, δ = 1/16, task unit(3e₁ + e₂), k = 0…31; 1,000 trials per point.",
        }
    }

    /// What to look for in this figure: its own message, one to three sentences, each of which
    /// the claims suite re-derives from the plotted series of the finished figure.
    pub fn look_for(self) -> Vec<&'static str> {
        match self {
            IclFigure::Four => vec![
                "Small δ retrieves, large δ learns: at k = 127 the risk is still above 0.01 with δ = 1/81, but below 10⁻⁶ with δ = 81.",
                "Without examples a large δ costs more: at k = 0 the risk with δ = 81 is above the risk with δ = 1/81 (the prior's mean function is then near zero).",
                "The nearest skill's weight goes to 1 for δ = 1/81 (the posterior retrieves skill 1) and stays near the uniform ¼ for δ = 81.",
            ],
            IclFigure::Five => vec![
                "The closer the task is to a skill, the lower the few-shot risk: at δ = 1/81 and k = 4 the closest task's risk is below the medium one's, which is below the farthest one's.",
                "With δ = 1 closeness hardly matters: all three tasks' risks are below 0.05 from k = 8 on.",
            ],
            IclFigure::Six => vec![
                "Early ascent, in every dimension: the risk first rises above its zero-shot value, peaking between k = 4 and k = 32, then falls towards zero.",
                "The misleading skill is retrieved first: its weight rises above 0.99, and the risk is still above half its zero-shot value at k = 256; only learning the task (k ≳ 2⁹) brings it down.",
                "The upper bound (dashed) lies above the risk at every k.",
            ],
            IclFigure::Nine => vec![
                "Small δ retrieves: with δ = 1/256 the risk against the retrieved skill is below 0.01 at k = 31, while the risk against the task stays above 0.1.",
                "Large δ learns: with δ = 1 the risk against the task is below 0.01 at k = 31, while the risk against the retrieved skill stays above 0.1.",
            ],
            IclFigure::Ten => vec![
                "Learning: the risk against the task falls for every M, and at k = 31 it is lower the more skills the prior has (M = 20 lowest, M = 4 highest).",
                "Retrieval, then learning: for M = 4 to 12 the risk against the retrieved skill falls to its lowest between k = 7 and k = 21, then rises again as the prediction leaves the skill for the task.",
            ],
            IclFigure::Eleven => vec![
                "More skills, a worse start: at k = 0 the risk against the task rises with d.",
                "Retrieval, then learning: for every d the risk against the retrieved skill falls to its lowest between k = 7 and k = 21, then rises again as the prediction leaves the skill for the task.",
                "The risk against the task keeps falling: at k = 31 it is below 0.05 for every d.",
            ],
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
            panels.push("Risk against k, one curve per δ (Regular4)".to_owned());
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
                panels.push(format!("Risk against k at δ = {d}, three tasks"));
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
                panels.push(format!("Risk and its upper bound against k, d = {d}"));
                let (mu, w) = prior::early_ascent_task(d);
                // k = 0, 1, 2, 4, …, 2^16 (`icl.md` §4.3).
                let s = setup(prior::early_ascent(d), mu, w, risk::power_grid(16), true);
                curves.push(Curve { panel, label: format!("d = {d}"), run: RiskRun::new(s) });
            }
            (10_000, KAxis::PowersOfTwo)
        }
        IclFigure::Nine => {
            panels.push("Learning: risk against the task, δ = 1 … 1/256".to_owned());
            panels.push("Retrieval: risk against skill 1, δ = 1 … 1/256".to_owned());
            for a in 0..5 {
                let delta = 0.25f64.powi(a);
                let task = prior::regular4_task(2.0);
                let s = setup(prior::regular4(delta.sqrt()), task.clone(), task, linear.clone(), false);
                let label = if a == 0 { "δ = 1".to_owned() } else { format!("δ = 1/{}", 4u32.pow(a as u32)) };
                curves.push(Curve { panel: 0, label, run: RiskRun::new(s) });
            }
            (2_000, KAxis::Linear)
        }
        IclFigure::Ten => {
            panels.push("Learning: risk against the task, M = 20 … 4".to_owned());
            panels.push("Retrieval: risk against skill 1, M = 20 … 4".to_owned());
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
            panels.push("Learning: risk against the task, d = 2 … 32".to_owned());
            panels.push("Retrieval: risk against skill 1, d = 2 … 32".to_owned());
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
