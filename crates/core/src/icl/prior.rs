//! The pretraining prior (`icl.md` §1): a mixture of M Gaussian "skills". Skill β has an input
//! mean μ_β and a regression vector w_β; a task draws μ ~ N(μ_β, σ_μ²I), w ~ N(w_β, σ_w²I); inputs
//! x ~ N(μ, σ_x²I); labels y = ⟨x, w⟩ + N(0, σ_y²).

use crate::linalg::Vector;

/// A mixture-of-skills prior.
#[derive(Clone, Debug, PartialEq)]
pub struct Prior {
    /// Mixture weights π_β (non-negative, summing to 1).
    pub weights: Vec<f64>,
    /// Input means μ_β (each of dimension d).
    pub mu: Vec<Vector>,
    /// Regression vectors w_β.
    pub w: Vec<Vector>,
    /// σ_x: input noise around the task mean.
    pub sigma_x: f64,
    /// σ_y: label noise.
    pub sigma_y: f64,
    /// σ_μ: spread of task input means around μ_β.
    pub sigma_mu: f64,
    /// σ_w: spread of task functions around w_β.
    pub sigma_w: f64,
}

impl Prior {
    /// Dimension d.
    pub fn dim(&self) -> usize {
        self.mu.first().map_or(0, Vector::len)
    }

    /// Number of skills M.
    pub fn skills(&self) -> usize {
        self.weights.len()
    }

    /// δ_μ = σ_μ²/σ_x².
    pub fn delta_mu(&self) -> f64 {
        (self.sigma_mu / self.sigma_x).powi(2)
    }

    /// δ_w = σ_w²/σ_y².
    pub fn delta_w(&self) -> f64 {
        (self.sigma_w / self.sigma_y).powi(2)
    }
}

/// The unit vector along `v` (zero stays zero).
pub fn unit(v: &[f64]) -> Vector {
    let v = Vector::from_column_slice(v);
    let norm = v.norm();
    if norm > 0.0 {
        v / norm
    } else {
        v
    }
}

/// The paper's Regular4 prior (`icl.md` §4): d = 3, M = 4, uniform weights, σ_x = σ_y = 1,
/// w_β = μ_β at the vertices of a regular tetrahedron; σ_μ = σ_w = `sigma`.
pub fn regular4(sigma: f64) -> Prior {
    let r = |x: f64| x.sqrt();
    let centres = vec![
        Vector::from_column_slice(&[0.0, -1.0, 0.0]),
        Vector::from_column_slice(&[r(8.0 / 9.0), 1.0 / 3.0, 0.0]),
        Vector::from_column_slice(&[-r(2.0 / 9.0), 1.0 / 3.0, r(2.0 / 3.0)]),
        Vector::from_column_slice(&[-r(2.0 / 9.0), 1.0 / 3.0, -r(2.0 / 3.0)]),
    ];
    Prior {
        weights: vec![0.25; 4],
        mu: centres.clone(),
        w: centres,
        sigma_x: 1.0,
        sigma_y: 1.0,
        sigma_mu: sigma,
        sigma_w: sigma,
    }
}

/// The vertices (unit vectors in d = 3) of the regular solids of Figure 10: M = 20
/// (dodecahedron), 12 (cuboctahedron), 8 (cube), 6 (octahedron) and 4 (tetrahedron, as
/// `regular4`), in the order of the paper's `settingM.py`, which fixes c₁ and c₂ of the task.
pub fn regular_solid_vertices(m: usize) -> Option<Vec<Vector>> {
    let phi = (1.0 + 5.0f64.sqrt()) / 2.0;
    let rows: Vec<[f64; 3]> = match m {
        20 => vec![
            [1.0, 1.0, 1.0],
            [0.0, 1.0 / phi, phi],
            [1.0 / phi, phi, 0.0],
            [phi, 0.0, 1.0 / phi],
            [0.0, 1.0 / phi, -phi],
            [1.0 / phi, -phi, 0.0],
            [phi, 0.0, -1.0 / phi],
            [0.0, -1.0 / phi, phi],
            [-1.0 / phi, phi, 0.0],
            [-phi, 0.0, 1.0 / phi],
            [0.0, -1.0 / phi, -phi],
            [-1.0 / phi, -phi, 0.0],
            [-phi, 0.0, -1.0 / phi],
            [1.0, 1.0, -1.0],
            [1.0, -1.0, 1.0],
            [1.0, -1.0, -1.0],
            [-1.0, 1.0, 1.0],
            [-1.0, 1.0, -1.0],
            [-1.0, -1.0, 1.0],
            [-1.0, -1.0, -1.0],
        ],
        12 => vec![
            [1.0, 1.0, 0.0],
            [1.0, 0.0, 1.0],
            [0.0, 1.0, 1.0],
            [1.0, -1.0, 0.0],
            [1.0, 0.0, -1.0],
            [0.0, 1.0, -1.0],
            [-1.0, 1.0, 0.0],
            [-1.0, 0.0, 1.0],
            [0.0, -1.0, 1.0],
            [-1.0, -1.0, 0.0],
            [-1.0, 0.0, -1.0],
            [0.0, -1.0, -1.0],
        ],
        8 => (0..8)
            .map(|i| {
                let sign = |bit: usize| if i & bit == 0 { 1.0 } else { -1.0 };
                [sign(4), sign(2), sign(1)]
            })
            .collect(),
        6 => vec![
            [1.0, 0.0, 0.0],
            [0.0, 1.0, 0.0],
            [0.0, 0.0, 1.0],
            [-1.0, 0.0, 0.0],
            [0.0, -1.0, 0.0],
            [0.0, 0.0, -1.0],
        ],
        4 => return Some(regular4(1.0).mu),
        _ => return None,
    };
    Some(rows.iter().map(|r| unit(r)).collect())
}

/// Figure 10's prior: M skills at the vertices of a regular solid (μ_β = w_β), σ_x = σ_y = 1,
/// σ_μ = σ_w = `sigma`, equal weights.
pub fn regular_solid(m: usize, sigma: f64) -> Option<Prior> {
    let centres = regular_solid_vertices(m)?;
    Some(Prior {
        weights: vec![1.0 / m as f64; m],
        mu: centres.clone(),
        w: centres,
        sigma_x: 1.0,
        sigma_y: 1.0,
        sigma_mu: sigma,
        sigma_w: sigma,
    })
}

/// The Regular4 in-context task of Figures 4 and 5: μ* = w* = unit(r·μ_1 + μ_2 + 0.2·μ_3)
/// (r = 2 in Figure 4; r ∈ {1, 5/3, 3} in Figure 5).
pub fn regular4_task(r: f64) -> Vector {
    let p = regular4(1.0);
    let v = &p.mu[0] * r + &p.mu[1] + &p.mu[2] * 0.2;
    unit(v.as_slice())
}

/// The early-ascent prior of Figure 6 for dimension `d` (`icl.md` §4.3): σ_x = 1, σ_y = 2,
/// σ_μ = σ_w = 0.05; d = 1: μ = (+1, −1), w = (−1, +1); d ≥ 2: three unit-vector skills.
pub fn early_ascent(d: usize) -> Prior {
    let ones = |sign: &dyn Fn(usize) -> f64| unit(&(0..d).map(sign).collect::<Vec<_>>());
    let (mu, w) = if d <= 1 {
        (
            vec![Vector::from_element(1, 1.0), Vector::from_element(1, -1.0)],
            vec![Vector::from_element(1, -1.0), Vector::from_element(1, 1.0)],
        )
    } else {
        (
            vec![ones(&|_| 1.0), ones(&|_| -1.0), ones(&|i| if i == 0 { 1.0 } else { -1.0 })],
            vec![ones(&|_| -1.0), ones(&|_| 1.0), ones(&|i| if i == 0 { -1.0 } else { 1.0 })],
        )
    };
    let m = mu.len();
    Prior { weights: vec![1.0 / m as f64; m], mu, w, sigma_x: 1.0, sigma_y: 2.0, sigma_mu: 0.05, sigma_w: 0.05 }
}

/// Figure 6's in-context task: μ* = μ_1 (inputs look like the "misleading" skill 1) and
/// w* = w_2 (the function of the "target" skill 2).
pub fn early_ascent_task(d: usize) -> (Vector, Vector) {
    let p = early_ascent(d);
    (p.mu[0].clone(), p.w[1].clone())
}
