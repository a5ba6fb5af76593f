//! The forward pass of a transformer on a batch of sequences and the backward pass of the MSE
//! loss (the transformer training step's mathematics; `transformer_train.rs` drives it).
//!
//! A batch is one D × (N·B) matrix: sequence s is columns sN..(s+1)N. Every product of a D×D
//! matrix with the batch runs on the batch kernels of `batch.rs`; only the N×N attention scores
//! are formed sequence by sequence. The gradient of every matrix and bias is returned in a
//! `Transformer` of the same shape, so the trainer can map the two onto each other slot by slot.
//! Conventions as in `transformer.rs`: softmax over keys (down each column), no 1/√D, no residual.

use crate::linalg::Matrix;
use crate::lora::batch::{self, copy_into, shape};
use crate::lora::transformer::{softmax_slices, tensors_mut, Block, Head, Transformer};

/// Which gradients a pass computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every matrix and bias.
    Everything,
    /// What LoRA training needs: all but W_1 of every block and W_2 of every block but the last
    /// (those are left zero).
    Lora,
}

/// The values one head keeps from the forward pass.
#[derive(Clone, Debug, Default)]
struct HeadCache {
    keys: Matrix,
    queries: Matrix,
    values: Matrix,
    /// softmax_col(K_sᵀ Q_s) for every sequence, side by side (N × N·B).
    weights: Matrix,
    /// V_s P_s for every sequence (D × N·B), the input of W_O.
    mixed: Matrix,
}

/// The values one block keeps from the forward pass.
#[derive(Clone, Debug, Default)]
struct BlockCache {
    heads: Vec<HeadCache>,
    /// Σ_h W_O U_h, and one head's term W_O U_h.
    attention: Matrix,
    projected: Matrix,
    /// W_1 Attn + b_1 (before the ReLU), and after it.
    pre: Matrix,
    hidden: Matrix,
    /// The block's output.
    output: Matrix,
}

/// The buffers of one forward and backward pass, reused from step to step.
#[derive(Clone, Debug, Default)]
pub struct TransformerBackprop {
    blocks: Vec<BlockCache>,
    output: Matrix,
    /// Errors passed back, and scratch space for the per-sequence products.
    delta: Matrix,
    back: Matrix,
    part: Matrix,
    d_mixed: Matrix,
    d_keys: Matrix,
    d_queries: Matrix,
    d_values: Matrix,
    d_weights: Matrix,
    /// The last pass's gradients (same shapes as the network), reused by the next pass.
    gradients: Option<Transformer>,
}

/// Columns sN..(s+1)N of a batch (sequence s), as a column-major slice.
fn sequence(m: &Matrix, s: usize, length: usize) -> &[f64] {
    let rows = m.nrows();
    &m.as_slice()[s * length * rows..(s + 1) * length * rows]
}

fn sequence_mut(m: &mut Matrix, s: usize, length: usize) -> &mut [f64] {
    let rows = m.nrows();
    &mut m.as_mut_slice()[s * length * rows..(s + 1) * length * rows]
}

/// out ← Aᵀ B for column-major A (`rows`×n) and B (`rows`×m): the dot products of their columns.
fn transpose_mul(a: &[f64], b: &[f64], rows: usize, out: &mut [f64]) {
    let rows = rows.max(1);
    for (out_column, b_column) in out.chunks_exact_mut(a.len() / rows).zip(b.chunks_exact(rows)) {
        for (o, a_column) in out_column.iter_mut().zip(a.chunks_exact(rows)) {
            *o = a_column.iter().zip(b_column).map(|(x, y)| x * y).sum();
        }
    }
}

/// A network of the same shape as `net` with every entry zero (the gradients' container).
fn zeros_like(net: &Transformer) -> Transformer {
    let mut zero = net.clone();
    tensors_mut(&mut zero).into_iter().for_each(|t| t.fill(0.0));
    zero
}

impl TransformerBackprop {
    /// Runs the network forward on a batch of `length`-token sequences, keeping what the
    /// backward pass needs; returns the output W_o Z_L.
    pub fn forward(&mut self, net: &Transformer, x: &Matrix, length: usize) -> &Matrix {
        let sequences = x.ncols() / length.max(1);
        self.blocks.resize_with(net.blocks.len(), BlockCache::default);
        for (l, block) in net.blocks.iter().enumerate() {
            let (done, rest) = self.blocks.split_at_mut(l);
            let input = done.last().map_or(x, |c| &c.output);
            forward_block(block, input, length, sequences, &mut rest[0]);
        }
        let last = self.blocks.last().map_or(x, |c| &c.output);
        batch::affine_into(&net.w_out, None, last, &mut self.output);
        &self.output
    }

    /// The loss (mean of (f(X) − Y)² over every entry) and its gradient with respect to every
    /// matrix and bias of `net` in `scope`, by backpropagation.
    pub fn loss_and_gradients(
        &mut self,
        net: &Transformer,
        x: &Matrix,
        y: &Matrix,
        length: usize,
        scope: Scope,
    ) -> (f64, &Transformer) {
        self.forward(net, x, length);
        let mut grads = self.gradients.take().filter(|g| same_shape(g, net)).unwrap_or_else(|| zeros_like(net));
        // d loss / d output = 2 (f(X) − Y) / (entries).
        let count = self.output.len().max(1) as f64;
        copy_into(&self.output, &mut self.delta);
        let mut loss = 0.0;
        for (d, &target) in self.delta.iter_mut().zip(y.iter()) {
            *d -= target;
            loss += *d * *d;
        }
        let loss = loss / count;
        self.delta.iter_mut().for_each(|d| *d *= 2.0 / count);
        let last = self.blocks.last().map_or(x, |c| &c.output);
        batch::mul_transpose_into(&self.delta, last, &mut grads.w_out);
        batch::transpose_mul_into(&net.w_out, &self.delta, &mut self.back);
        std::mem::swap(&mut self.delta, &mut self.back);
        let caches = std::mem::take(&mut self.blocks);
        let depth = net.blocks.len();
        for l in (0..depth).rev() {
            let input = if l == 0 { x } else { &caches[l - 1].output };
            // LoRA adapts W_2 of the last block only, and no W_1.
            let ffn = (scope == Scope::Everything, scope == Scope::Everything || l + 1 == depth);
            let grad = &mut grads.blocks[l];
            self.backward_block(&net.blocks[l], &caches[l], input, length, grad, ffn, l > 0);
        }
        self.blocks = caches;
        (loss, self.gradients.insert(grads))
    }

    /// Passes `self.delta` (d loss / d block output) back through a block, writing the block's
    /// gradients into `grads` (those of W_1 and W_2 only as `ffn_weights` says; else zero) and, if
    /// `input_gradient`, leaving d loss / d block input in `self.delta` (the first block's is
    /// never needed).
    #[allow(clippy::too_many_arguments)] // one block's pass: its weights, cache, input and what to compute
    fn backward_block(
        &mut self,
        block: &Block,
        cache: &BlockCache,
        input: &Matrix,
        length: usize,
        grads: &mut Block,
        ffn_weights: (bool, bool),
        input_gradient: bool,
    ) {
        // Z' = W_2 R + b_2 1ᵀ, R = ReLU(W_1 A + b_1 1ᵀ).
        if ffn_weights.1 {
            batch::mul_transpose_into(&self.delta, &cache.hidden, &mut grads.w2);
        } else {
            grads.w2.fill(0.0);
        }
        batch::row_sums_into(&self.delta, &mut grads.b2);
        batch::transpose_mul_into(&block.w2, &self.delta, &mut self.back);
        adaptlab_batch::relu_backward(self.back.as_mut_slice(), cache.pre.as_slice());
        if ffn_weights.0 {
            batch::mul_transpose_into(&self.back, &cache.attention, &mut grads.w1);
        } else {
            grads.w1.fill(0.0);
        }
        batch::row_sums_into(&self.back, &mut grads.b1);
        // d loss / d Attn, kept in `part` while the heads pass it back.
        batch::transpose_mul_into(&block.w1, &self.back, &mut self.part);
        shape(&mut self.delta, input.nrows(), input.ncols());
        self.delta.fill(0.0);
        let sequences = input.ncols() / length.max(1);
        for ((head, cache), grad) in block.heads.iter().zip(&cache.heads).zip(&mut grads.heads) {
            // Attn = Σ_h W_O U_h: d W_O = dA Uᵀ, dU = W_Oᵀ dA.
            batch::mul_transpose_into(&self.part, &cache.mixed, &mut grad.output);
            batch::transpose_mul_into(&head.output, &self.part, &mut self.d_mixed);
            shape(&mut self.d_values, input.nrows(), input.ncols());
            shape(&mut self.d_keys, input.nrows(), input.ncols());
            shape(&mut self.d_queries, input.nrows(), input.ncols());
            shape(&mut self.d_weights, length, length);
            let dim = input.nrows();
            for s in 0..sequences {
                let weights = sequence(&cache.weights, s, length);
                let d_mixed = sequence(&self.d_mixed, s, length);
                // U_s = V_s P_s: dV_s = dU_s P_sᵀ, dP_s = V_sᵀ dU_s.
                let d_values = sequence_mut(&mut self.d_values, s, length);
                adaptlab_batch::mul_transpose(d_mixed, dim, weights, length, d_values);
                let d_weights = self.d_weights.as_mut_slice();
                transpose_mul(sequence(&cache.values, s, length), d_mixed, dim, d_weights);
                // P = softmax down each column of S: dS_ij = P_ij (dP_ij − Σ_k P_kj dP_kj).
                for (d_column, p_column) in d_weights.chunks_exact_mut(length).zip(weights.chunks_exact(length)) {
                    let centre: f64 = d_column.iter().zip(p_column).map(|(d, p)| d * p).sum();
                    d_column.iter_mut().zip(p_column).for_each(|(d, p)| *d = p * (*d - centre));
                }
                // S_s = K_sᵀ Q_s: dK_s = Q_s dS_sᵀ, dQ_s = K_s dS_s.
                let d_keys = sequence_mut(&mut self.d_keys, s, length);
                adaptlab_batch::mul_transpose(sequence(&cache.queries, s, length), dim, d_weights, length, d_keys);
                let d_queries = sequence_mut(&mut self.d_queries, s, length);
                adaptlab_batch::affine(sequence(&cache.keys, s, length), dim, None, d_weights, length, d_queries);
            }
            // V = W_V Z, K = W_K Z, Q = W_Q Z: each weight's gradient, and each path into dZ.
            for (d, w, g) in [
                (&self.d_values, &head.value, &mut grad.value),
                (&self.d_keys, &head.key, &mut grad.key),
                (&self.d_queries, &head.query, &mut grad.query),
            ] {
                batch::mul_transpose_into(d, input, g);
                if input_gradient {
                    batch::transpose_mul_into(w, d, &mut self.back);
                    self.delta += &self.back;
                }
            }
        }
    }
}

/// One block's forward pass into its cache.
fn forward_block(block: &Block, z: &Matrix, length: usize, sequences: usize, cache: &mut BlockCache) {
    cache.heads.resize_with(block.heads.len(), HeadCache::default);
    shape(&mut cache.attention, z.nrows(), z.ncols());
    cache.attention.fill(0.0);
    for (head, hc) in block.heads.iter().zip(&mut cache.heads) {
        forward_head(head, z, length, sequences, hc);
        batch::affine_into(&head.output, None, &hc.mixed, &mut cache.projected);
        cache.attention += &cache.projected;
    }
    batch::affine_into(&block.w1, Some(&block.b1), &cache.attention, &mut cache.pre);
    copy_into(&cache.pre, &mut cache.hidden);
    adaptlab_batch::relu(cache.hidden.as_mut_slice());
    batch::affine_into(&block.w2, Some(&block.b2), &cache.hidden, &mut cache.output);
}

/// One head: K, Q, V for the whole batch; per sequence P_s = softmax_col(K_sᵀ Q_s), U_s = V_s P_s.
fn forward_head(head: &Head, z: &Matrix, length: usize, sequences: usize, hc: &mut HeadCache) {
    batch::affine_into(&head.key, None, z, &mut hc.keys);
    batch::affine_into(&head.query, None, z, &mut hc.queries);
    batch::affine_into(&head.value, None, z, &mut hc.values);
    shape(&mut hc.weights, length, z.ncols());
    shape(&mut hc.mixed, z.nrows(), z.ncols());
    let dim = z.nrows();
    for s in 0..sequences {
        let weights = sequence_mut(&mut hc.weights, s, length);
        transpose_mul(sequence(&hc.keys, s, length), sequence(&hc.queries, s, length), dim, weights);
        softmax_slices(weights, length);
        adaptlab_batch::affine(
            sequence(&hc.values, s, length),
            dim,
            None,
            weights,
            length,
            sequence_mut(&mut hc.mixed, s, length),
        );
    }
}

fn same_shape(a: &Transformer, b: &Transformer) -> bool {
    a.blocks.len() == b.blocks.len()
        && a.w_out.shape() == b.w_out.shape()
        && a.blocks.iter().zip(&b.blocks).all(|(x, y)| x.heads.len() == y.heads.len() && x.w1.shape() == y.w1.shape())
}

/// The transformer's outputs on a batch of sequences (columns, `length` tokens each).
pub fn forward(net: &Transformer, x: &Matrix, length: usize) -> Matrix {
    TransformerBackprop::default().forward(net, x, length).clone()
}

/// The loss and its gradients (see `TransformerBackprop::loss_and_gradients`).
pub fn loss_and_gradients(net: &Transformer, x: &Matrix, y: &Matrix, length: usize) -> (f64, Transformer) {
    let mut pass = TransformerBackprop::default();
    let (loss, grads) = pass.loss_and_gradients(net, x, y, length, Scope::Everything);
    (loss, grads.clone())
}
