//! Exact sampling of the sufficient statistics of k in-context examples (`icl.md` §5) in O(d²),
//! whatever k is: with z_i = x_i − μ* ~ N(0, σ_x²I),
//! Σz ~ N(0, kσ_x²I) and Σ z_i z_iᵀ = (Σz)(Σz)ᵀ/k + W with W ~ Wishart_d(k − 1, σ_x²I) independent
//! (Bartlett decomposition, χ² diagonals); then s = kμ* + Σz, S = kμ*μ*ᵀ + μ*Σzᵀ + Σzμ*ᵀ + Σzzᵀ,
//! and b = S w + σ_ε · chol(S) g for labels y = ⟨x, w⟩ + N(0, σ_ε²). For k ≤ d + 1 the examples are
//! drawn one by one instead.

use rand_distr::{ChiSquared, Distribution, StandardNormal};

use super::posterior::Stats;
use crate::linalg::{Matrix, Vector};
use crate::rng::LabRng;

/// How the in-context inputs and labels are generated.
#[derive(Clone, Debug, PartialEq)]
pub struct ContextSource {
    /// μ*: the inputs' mean.
    pub mu: Vector,
    /// σ_x: the inputs' spread.
    pub sigma_x: f64,
    /// The labelling function w (w* for correct labels, another skill's w or 0 for biased ones).
    pub w: Vector,
    /// σ_ε: label noise (0 for the paper's noiseless labels).
    pub noise: f64,
}

fn gaussian_vector(rng: &mut LabRng, dim: usize, scale: f64) -> Vector {
    Vector::from_fn(dim, |_, _| {
        let z: f64 = StandardNormal.sample(rng);
        scale * z
    })
}

impl ContextSource {
    /// One input x ~ N(μ*, σ_x²I) (used for the query).
    pub fn input(&self, rng: &mut LabRng) -> Vector {
        &self.mu + gaussian_vector(rng, self.mu.len(), self.sigma_x)
    }

    /// The statistics of k fresh examples, drawn exactly.
    pub fn stats(&self, k: usize, rng: &mut LabRng) -> Stats {
        let dim = self.mu.len();
        if k <= dim + 1 {
            let mut stats = Stats::empty(dim);
            for _ in 0..k {
                let x = self.input(rng);
                let noise: f64 = StandardNormal.sample(rng);
                let y = x.dot(&self.w) + self.noise * noise;
                stats.push(&x, y);
            }
            return stats;
        }
        let kf = k as f64;
        let sum_z = gaussian_vector(rng, dim, self.sigma_x * kf.sqrt());
        // Bartlett: W = σ_x² A Aᵀ, A lower triangular, A_ii² ~ χ²(ν − i) (0-based i), A_ij ~ N(0, 1).
        let dof = (k - 1) as f64;
        let mut a = Matrix::zeros(dim, dim);
        for i in 0..dim {
            let chi = ChiSquared::new(dof - i as f64).map_or(dof - i as f64, |c| c.sample(rng));
            a[(i, i)] = chi.sqrt();
            for j in 0..i {
                a[(i, j)] = StandardNormal.sample(rng);
            }
        }
        let scatter = &a * a.transpose() * self.sigma_x.powi(2);
        let zz = &sum_z * sum_z.transpose() / kf + scatter;
        let cross = &self.mu * sum_z.transpose();
        let sum_xxt = &self.mu * self.mu.transpose() * kf + &cross + cross.transpose() + zz;
        let mut sum_xy = &sum_xxt * &self.w;
        if self.noise > 0.0 {
            // Σ ε_i x_i given the inputs is N(0, σ_ε² S).
            let g = gaussian_vector(rng, dim, self.noise);
            // Any B with B Bᵀ = S gives the right law: the Cholesky factor, or, where rounding
            // leaves S numerically semi-definite, Q √max(Λ, 0) from its eigendecomposition.
            sum_xy += match nalgebra::Cholesky::new(sum_xxt.clone()) {
                Some(chol) => chol.l() * g,
                None => {
                    let eigen = nalgebra::SymmetricEigen::new(sum_xxt.clone());
                    let roots = eigen.eigenvalues.map(|l| l.max(0.0).sqrt());
                    &eigen.eigenvectors * Matrix::from_diagonal(&roots) * g
                }
            };
        }
        Stats { k, sum_x: &self.mu * kf + sum_z, sum_xxt, sum_xy }
    }
}
