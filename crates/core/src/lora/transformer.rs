//! Transformer networks (paper §4, Theorem 7; reference `lora.md` §1.4, §2.6, §3.3).
//!
//! Conventions of the paper's code: input X ∈ ℝ^{D×N} (columns are tokens); every head has full
//! D×D matrices; Attn(Z) = Σ_h W_O^h W_V^h Z · softmax_col((W_K^h Z)ᵀ(W_Q^h Z)) with the softmax over
//! keys (down each column), no 1/√D scaling; block Z_l = W_2 ReLU(W_1 Attn(Z_{l−1}) + b_1 1ᵀ) + b_2 1ᵀ
//! with no residual and no LayerNorm; output f(X) = W_o Z_L.

use crate::linalg::{Matrix, Vector, MAX_CONDITION};
use crate::lora::fnn::{affine, relu_in_place};
use crate::lora::linear::{self, ConstructionError, Discrepancy};

/// One attention head: W_Q, W_K, W_V, W_O (each D×D).
#[derive(Clone, Debug, PartialEq)]
pub struct Head {
    /// W_Q.
    pub query: Matrix,
    /// W_K.
    pub key: Matrix,
    /// W_V.
    pub value: Matrix,
    /// W_O.
    pub output: Matrix,
}

/// One transformer block: heads, then the feed-forward W_2 ReLU(W_1 · + b_1) + b_2.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// The attention heads.
    pub heads: Vec<Head>,
    /// W_1.
    pub w1: Matrix,
    /// b_1.
    pub b1: Vector,
    /// W_2.
    pub w2: Matrix,
    /// b_2.
    pub b2: Vector,
}

/// A transformer network: blocks, then the output matrix W_o (no bias).
#[derive(Clone, Debug, PartialEq)]
pub struct Transformer {
    /// Blocks 1..L.
    pub blocks: Vec<Block>,
    /// W_o.
    pub w_out: Matrix,
}

/// softmax over each column (keys i for query j), stabilised by subtracting the column maximum.
pub fn softmax_columns(scores: &mut Matrix) {
    let rows = scores.nrows();
    softmax_slices(scores.as_mut_slice(), rows);
}

/// `softmax_columns` on a column-major slice with columns of `length` entries.
pub fn softmax_slices(scores: &mut [f64], length: usize) {
    for column in scores.chunks_exact_mut(length.max(1)) {
        let max = column.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        column.iter_mut().for_each(|v| *v = (*v - max).exp());
        let sum: f64 = column.iter().sum();
        column.iter_mut().for_each(|v| *v /= sum);
    }
}

/// Every matrix and bias of `net`, in a fixed order: per block, per head W_Q, W_K, W_V, W_O;
/// then W_1, b_1, W_2, b_2; finally W_o.
pub fn tensors(net: &Transformer) -> Vec<&[f64]> {
    let mut out = Vec::new();
    for block in &net.blocks {
        for head in &block.heads {
            out.extend([head.query.as_slice(), head.key.as_slice(), head.value.as_slice(), head.output.as_slice()]);
        }
        out.extend([block.w1.as_slice(), block.b1.as_slice(), block.w2.as_slice(), block.b2.as_slice()]);
    }
    out.push(net.w_out.as_slice());
    out
}

/// `tensors`, writable.
pub fn tensors_mut(net: &mut Transformer) -> Vec<&mut [f64]> {
    let mut out = Vec::new();
    for block in &mut net.blocks {
        for head in &mut block.heads {
            out.extend([
                head.query.as_mut_slice(),
                head.key.as_mut_slice(),
                head.value.as_mut_slice(),
                head.output.as_mut_slice(),
            ]);
        }
        out.extend([
            block.w1.as_mut_slice(),
            block.b1.as_mut_slice(),
            block.w2.as_mut_slice(),
            block.b2.as_mut_slice(),
        ]);
    }
    out.push(net.w_out.as_mut_slice());
    out
}

impl Block {
    /// Attn(Z) = Σ_h W_O W_V Z softmax_col((W_K Z)ᵀ(W_Q Z)).
    pub fn attention(&self, z: &Matrix) -> Matrix {
        let mut out = Matrix::zeros(z.nrows(), z.ncols());
        for head in &self.heads {
            let keys = &head.key * z;
            let queries = &head.query * z;
            let mut scores = keys.transpose() * queries;
            softmax_columns(&mut scores);
            out += &head.output * (&head.value * z) * scores;
        }
        out
    }

    /// The block's output W_2 ReLU(W_1 Attn(Z) + b_1 1ᵀ) + b_2 1ᵀ.
    pub fn forward(&self, z: &Matrix) -> Matrix {
        let mut hidden = affine(&self.w1, &self.b1, &self.attention(z));
        relu_in_place(&mut hidden);
        affine(&self.w2, &self.b2, &hidden)
    }
}

impl Transformer {
    /// f(X) = W_o Z_L.
    pub fn forward(&self, x: &Matrix) -> Matrix {
        let z = self.blocks.iter().fold(x.clone(), |z, block| block.forward(&z));
        &self.w_out * z
    }

    /// Width D.
    pub fn width(&self) -> usize {
        self.w_out.nrows()
    }
}

/// The adapted transformer and what decides exactness.
#[derive(Clone, Debug)]
pub struct TransformerConstruction {
    /// The frozen transformer with every adapter added and the biases updated.
    pub adapted: Transformer,
    /// The ranks of the two-factor discrepancies matched (2·H per block, plus the output one).
    pub discrepancy_ranks: Vec<usize>,
}

impl TransformerConstruction {
    /// The smallest R that makes every two-factor problem exact: max ⌈G/2⌉ (≤ ⌈D/2⌉).
    pub fn threshold_rank(&self) -> usize {
        self.discrepancy_ranks.iter().map(|g| g.div_ceil(2)).max().unwrap_or(0)
    }
}

/// Solves M X = rhs for a well-conditioned M.
fn solve(m: &Matrix, rhs: &Matrix, what: usize) -> Result<Matrix, ConstructionError> {
    let condition = crate::linalg::condition_number(m);
    if condition > MAX_CONDITION {
        return Err(ConstructionError::SingularFrozenLayers { layer: what, condition });
    }
    m.clone().lu().solve(rhs).ok_or(ConstructionError::SingularFrozenLayers { layer: what, condition })
}

/// Matches the product of two adapted layers (`first` applied first) to `target` with rank-R
/// adapters on each (`lora.md` §3.1 with L = 2). Returns the adapted layers and the discrepancy rank.
fn match_pair(
    target: &Matrix,
    first: &Matrix,
    second: &Matrix,
    rank: usize,
) -> Result<(Matrix, Matrix, usize), ConstructionError> {
    let layers = [first.clone(), second.clone()];
    let discrepancy = Discrepancy::new(target, &layers).map_err(|_| ConstructionError::NonFinite)?;
    let built = linear::construct(target, &layers, &discrepancy, &[rank, rank])?;
    Ok((first + &built.adapters[0].delta, second + &built.adapters[1].delta, discrepancy.rank))
}

/// The construction of `lora.md` §3.3: per block, match every head's key–query product to the
/// target's (seen through the calibration C carried from the previous block) and every head's
/// output–value product to F W̄_O W̄_V C with F = W_1⁻¹ W̄_1, so the FFN's hidden states equal the
/// target's; then carry C = W̄_2 W_2⁻¹ to the next block, and match W_o W_2 at the end.
/// Exact for R ≥ ⌈D/2⌉: every matched quantity is a product of two adapted matrices.
pub fn construct(
    target: &Transformer,
    frozen: &Transformer,
    rank: usize,
) -> Result<TransformerConstruction, ConstructionError> {
    let dim = frozen.width();
    let depth = frozen.blocks.len();
    let mut adapted = frozen.clone();
    let mut calibration = Matrix::identity(dim, dim);
    let mut discrepancy_ranks = Vec::new();
    for (l, (block, goal)) in frozen.blocks.iter().zip(&target.blocks).enumerate() {
        let ffn_in = solve(&block.w1, &goal.w1, l + 1)?;
        for (h, (head, goal_head)) in block.heads.iter().zip(&goal.heads).enumerate() {
            // Scores: (W_K+ΔW_K)ᵀ(W_Q+ΔW_Q) = Cᵀ W̄_Kᵀ W̄_Q C, a two-layer problem with layers W_Q then W_Kᵀ.
            let scores = calibration.transpose() * goal_head.key.transpose() * &goal_head.query * &calibration;
            let (query, key_t, g_scores) = match_pair(&scores, &head.query, &head.key.transpose(), rank)?;
            // Values: (W_O+ΔW_O)(W_V+ΔW_V) = F W̄_O W̄_V C.
            let values = &ffn_in * &goal_head.output * &goal_head.value * &calibration;
            let (value, output, g_values) = match_pair(&values, &head.value, &head.output, rank)?;
            adapted.blocks[l].heads[h] = Head { query, key: key_t.transpose(), value, output };
            discrepancy_ranks.extend([g_scores, g_values]);
        }
        adapted.blocks[l].b1 = goal.b1.clone();
        if l + 1 < depth {
            // Block output: Z̄_l = C' Z_l with C' = W̄_2 W_2⁻¹, when b̂_2 = W_2 W̄_2⁻¹ b̄_2.
            let inverse_target_w2 = solve(&goal.w2, &Matrix::identity(dim, dim), l + 1)?;
            adapted.blocks[l].b2 = &block.w2 * (&inverse_target_w2 * &goal.b2);
            calibration = solve(&block.w2.transpose(), &goal.w2.transpose(), l + 1)?.transpose();
        } else {
            // Output: (W_o+ΔW_o)(W_2+ΔW_2) = W̄_o W̄_2 and (W_o+ΔW_o) b̂_2 = W̄_o b̄_2.
            let product = &target.w_out * &goal.w2;
            let (w2, w_out, g_out) = match_pair(&product, &block.w2, &frozen.w_out, rank)?;
            let b2 = solve(&w_out, &Matrix::from_column_slice(dim, 1, (&target.w_out * &goal.b2).as_slice()), depth)?;
            adapted.blocks[l].w2 = w2;
            adapted.blocks[l].b2 = b2.column(0).into_owned();
            adapted.w_out = w_out;
            discrepancy_ranks.push(g_out);
        }
    }
    Ok(TransformerConstruction { adapted, discrepancy_ranks })
}

/// Mean squared error between two transformers' outputs over a set of input sequences
/// (mean over sequences, tokens and output coordinates).
pub fn mse(a: &Transformer, b: &Transformer, inputs: &[Matrix]) -> f64 {
    let total: f64 = inputs.iter().map(|x| crate::lora::fnn::mse(&a.forward(x), &b.forward(x))).sum();
    total / inputs.len().max(1) as f64
}
