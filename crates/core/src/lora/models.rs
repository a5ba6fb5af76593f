//! Seeded frozen and target models for the linear lesson (`lora.md` §4.1).
//!
//! Draw order follows the paper's code: the target is drawn first, then the frozen layers
//! W_1..W_L, from one stream; the low-rank perturbation, when asked for, comes after them. So
//! switching the kind of target keeps the frozen layers identical for the same seed.

use rand::RngExt;
use rand_distr::{Distribution, StandardNormal};

use crate::linalg::{self, Matrix};
use crate::rng::LabRng;

/// How the target W̄ relates to the frozen layers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetKind {
    /// W̄ and every W_l have i.i.d. entries U(−1/√D, 1/√D) (PyTorch's `nn.Linear` default, the paper code's init).
    Random,
    /// W̄ = ΠW_l + c·I with c the mean singular value of the random discrepancy: every σ_i(E) = c
    /// (the paper code's `uniform_singular_values` mode).
    UniformSingularValues,
    /// W̄ = ΠW_l + G Hᵀ with G, H ∈ ℝ^{D×q} of i.i.d. N(0, 1/D) entries: rank(E) = q almost surely.
    LowRank {
        /// The rank q of the perturbation.
        rank: usize,
    },
}

/// A frozen deep linear model and its target.
#[derive(Clone, Debug)]
pub struct LinearModels {
    /// W̄ (D×D).
    pub target: Matrix,
    /// W_1..W_L, `frozen[0]` applied first.
    pub frozen: Vec<Matrix>,
}

/// Draws a D×D matrix with i.i.d. entries U(−1/√D, 1/√D), row by row.
fn uniform_layer(rng: &mut LabRng, dim: usize) -> Matrix {
    let bound = 1.0 / (dim as f64).sqrt();
    Matrix::from_fn(dim, dim, |_, _| rng.random_range(-bound..bound))
}

/// Draws a D×q matrix with i.i.d. N(0, 1/D) entries.
fn gaussian_factor(rng: &mut LabRng, dim: usize, cols: usize) -> Matrix {
    let scale = 1.0 / (dim as f64).sqrt();
    Matrix::from_fn(dim, cols, |_, _| {
        let z: f64 = StandardNormal.sample(rng);
        scale * z
    })
}

/// Generates the target and `depth` frozen layers of width `dim` from `rng`.
pub fn generate(rng: &mut LabRng, dim: usize, depth: usize, kind: TargetKind) -> LinearModels {
    let random_target = uniform_layer(rng, dim);
    let frozen: Vec<Matrix> = (0..depth).map(|_| uniform_layer(rng, dim)).collect();
    let product = linalg::layer_product(&frozen, dim);
    let target = match kind {
        TargetKind::Random => random_target,
        TargetKind::UniformSingularValues => {
            let c = linalg::singular_values(&(&random_target - &product))
                .map_or(1.0, |s| s.iter().sum::<f64>() / dim as f64);
            &product + Matrix::identity(dim, dim) * c
        }
        TargetKind::LowRank { rank } => {
            let g = gaussian_factor(rng, dim, rank);
            let h = gaussian_factor(rng, dim, rank);
            &product + g * h.transpose()
        }
    };
    LinearModels { target, frozen }
}

/// A vector with i.i.d. entries U(−1/√D, 1/√D) (the default bias init of PyTorch's `nn.Linear`).
fn uniform_bias(rng: &mut LabRng, dim: usize) -> crate::linalg::Vector {
    let bound = 1.0 / (dim as f64).sqrt();
    crate::linalg::Vector::from_fn(dim, |_, _| rng.random_range(-bound..bound))
}

/// A random FNN of `depth` layers of width `dim`, drawn layer by layer (weight, then bias) as
/// PyTorch's `nn.Linear` does.
pub fn random_fnn(rng: &mut LabRng, dim: usize, depth: usize) -> crate::lora::fnn::Fnn {
    let (mut weights, mut biases) = (Vec::with_capacity(depth), Vec::with_capacity(depth));
    for _ in 0..depth {
        weights.push(uniform_layer(rng, dim));
        biases.push(uniform_bias(rng, dim));
    }
    crate::lora::fnn::Fnn { weights, biases }
}

/// The target (depth L̄, drawn first) and the frozen model (depth L) of the FNN lesson.
pub fn fnn_pair(
    rng: &mut LabRng,
    dim: usize,
    target_depth: usize,
    frozen_depth: usize,
) -> (crate::lora::fnn::Fnn, crate::lora::fnn::Fnn) {
    let target = random_fnn(rng, dim, target_depth);
    let frozen = random_fnn(rng, dim, frozen_depth);
    (target, frozen)
}

/// `count` inputs x ~ N(0, I_D) as the columns of a D×count matrix.
pub fn gaussian_inputs(rng: &mut LabRng, dim: usize, count: usize) -> Matrix {
    let mut x = Matrix::zeros(dim, count);
    gaussian_inputs_into(rng, dim, count, &mut x);
    x
}

/// `gaussian_inputs` into a reused matrix. Entries are drawn in column-major order, one input
/// after another, as `Matrix::from_fn` would.
pub fn gaussian_inputs_into(rng: &mut LabRng, dim: usize, count: usize, x: &mut Matrix) {
    if x.shape() != (dim, count) {
        *x = Matrix::zeros(dim, count);
    }
    x.iter_mut().for_each(|v| *v = StandardNormal.sample(rng));
}

/// A D×D matrix with i.i.d. N(0, 1) entries (the paper code's `torch.randn` for attention weights).
fn standard_normal_layer(rng: &mut LabRng, dim: usize) -> Matrix {
    Matrix::from_fn(dim, dim, |_, _| StandardNormal.sample(rng))
}

/// A random transformer as in the paper's code: per head W_Q, W_K, W_V, W_O ~ N(0, 1) (unscaled);
/// FFN layers and the output layer (no bias) with `nn.Linear`'s U(−1/√D, 1/√D).
pub fn random_transformer(
    rng: &mut LabRng,
    dim: usize,
    depth: usize,
    heads: usize,
) -> crate::lora::transformer::Transformer {
    use crate::lora::transformer::{Block, Head, Transformer};
    let blocks = (0..depth)
        .map(|_| {
            let heads = (0..heads)
                .map(|_| Head {
                    query: standard_normal_layer(rng, dim),
                    key: standard_normal_layer(rng, dim),
                    value: standard_normal_layer(rng, dim),
                    output: standard_normal_layer(rng, dim),
                })
                .collect();
            let w1 = uniform_layer(rng, dim);
            let b1 = uniform_bias(rng, dim);
            let w2 = uniform_layer(rng, dim);
            let b2 = uniform_bias(rng, dim);
            Block { heads, w1, b1, w2, b2 }
        })
        .collect();
    Transformer { blocks, w_out: uniform_layer(rng, dim) }
}

/// `count` input sequences X ∈ ℝ^{D×N} with i.i.d. N(0, 1) entries.
pub fn gaussian_sequences(rng: &mut LabRng, dim: usize, length: usize, count: usize) -> Vec<Matrix> {
    (0..count).map(|_| gaussian_inputs(rng, dim, length)).collect()
}
