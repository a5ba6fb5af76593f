//! The inner loops of Adaptation Lab's training step: a small layer matrix times a batch of
//! inputs (one input per column), the outer-product sums of its weight gradients, ReLU and Adam.
//!
//! Matrices are column-major slices (nalgebra's layout). Every product is a sequence of column
//! AXPYs, `out_j += W[:, k] · x_kj`, over contiguous columns, register-blocked as eight rows by
//! two columns in 2-lane f64 SIMD (SSE2 natively, simd128 in WebAssembly). Each entry's sum runs
//! over `k` in textbook order, so results are identical on every platform.
//!
//! Shapes are the caller's contract; a mismatch never panics: it computes from the common part.

use wide::f64x2;

/// Rows per register block: eight f64 accumulators per column, four 2-lane SIMD registers.
const BLOCK: usize = 8;

/// The eight-row block `block` of a column.
fn rows_of(column: &[f64], block: usize) -> &[f64; BLOCK] {
    column.get(block * BLOCK..(block + 1) * BLOCK).and_then(|s| s.try_into().ok()).unwrap_or(&[0.0; BLOCK])
}

/// Writes an eight-row block into a column.
fn store(column: &mut [f64], block: usize, values: &[f64; BLOCK]) {
    if let Some(target) = column.get_mut(block * BLOCK..(block + 1) * BLOCK) {
        target.copy_from_slice(values);
    }
}

/// `start + Σ_t p_t · (q_t, r_t)` for two output columns at once: eight accumulators per column
/// stay in 2-lane SIMD registers (`wide::f64x2`: SSE2 natively, simd128 in wasm) while the
/// columns p_t of the left factor stream past. Explicit vectors, because the page's size-tuned
/// link-time optimisation would not vectorise a scalar loop. Each lane multiplies, then adds, in
/// the same order as a scalar loop would, so results do not depend on the platform.
fn block_pair<'a>(
    start: (&[f64; BLOCK], &[f64; BLOCK]),
    terms: impl Iterator<Item = (&'a [f64; BLOCK], (f64, f64))>,
) -> ([f64; BLOCK], [f64; BLOCK]) {
    let lanes = |s: &[f64; BLOCK]| {
        [f64x2::new([s[0], s[1]]), f64x2::new([s[2], s[3]]), f64x2::new([s[4], s[5]]), f64x2::new([s[6], s[7]])]
    };
    let [mut f0, mut f1, mut f2, mut f3] = lanes(start.0);
    let [mut s0, mut s1, mut s2, mut s3] = lanes(start.1);
    for (p, (q, r)) in terms {
        let [p0, p1, p2, p3] = lanes(p);
        let (q, r) = (f64x2::splat(q), f64x2::splat(r));
        f0 += p0 * q;
        f1 += p1 * q;
        f2 += p2 * q;
        f3 += p3 * q;
        s0 += p0 * r;
        s1 += p1 * r;
        s2 += p2 * r;
        s3 += p3 * r;
    }
    let unpack = |v: [f64x2; 4]| {
        let mut out = [0.0; BLOCK];
        for (pair, v) in out.chunks_exact_mut(2).zip(v) {
            pair.copy_from_slice(&v.to_array());
        }
        out
    };
    (unpack([f0, f1, f2, f3]), unpack([s0, s1, s2, s3]))
}

/// `out ← W X + b 1ᵀ`: W is `rows`×d, X is d×n with `x_rows` = d, `out` is `rows`×n, and the bias
/// (when given, of length `rows`) starts every column.
pub fn affine(w: &[f64], rows: usize, bias: Option<&[f64]>, x: &[f64], x_rows: usize, out: &mut [f64]) {
    if rows == 0 {
        return;
    }
    let start = |column: &mut [f64]| match bias {
        Some(b) if b.len() == rows => column.copy_from_slice(b),
        _ => column.fill(0.0),
    };
    let input = |j: usize| x.get(j * x_rows..(j + 1) * x_rows).unwrap_or_default();
    let blocked = rows.is_multiple_of(BLOCK);
    let mut columns = out.chunks_exact_mut(rows).enumerate();
    while let Some((j, column)) = columns.next() {
        start(column);
        let x0 = input(j);
        let Some((_, next)) = (if blocked { columns.next() } else { None }) else {
            // A last odd column, or rows not a multiple of the block: plain column AXPYs.
            for (w_k, &x_k) in w.chunks_exact(rows).zip(x0) {
                for (o, &w_ik) in column.iter_mut().zip(w_k) {
                    *o += w_ik * x_k;
                }
            }
            continue;
        };
        start(next);
        let x1 = input(j + 1);
        for block in 0..rows / BLOCK {
            let terms =
                w.chunks_exact(rows).zip(x0.iter().zip(x1)).map(|(w_k, (&a, &b))| (rows_of(w_k, block), (a, b)));
            let (first, second) = block_pair((rows_of(column, block), rows_of(next, block)), terms);
            store(column, block, &first);
            store(next, block, &second);
        }
    }
}

/// `out ← A Bᵀ = Σ_j A[:, j] B[:, j]ᵀ`, the sum over the batch of outer products (a weight
/// gradient: A the back-propagated errors, `rows`×n; B the layer's inputs, `cols`×n).
pub fn mul_transpose(a: &[f64], rows: usize, b: &[f64], cols: usize, out: &mut [f64]) {
    out.fill(0.0);
    if rows == 0 || cols == 0 {
        return;
    }
    let pairs = || a.chunks_exact(rows).zip(b.chunks_exact(cols));
    let mut c = 0;
    while c < cols {
        if rows.is_multiple_of(BLOCK) && c + 1 < cols {
            let (head, tail) = out.split_at_mut(((c + 1) * rows).min(out.len()));
            let (column, next) =
                (head.get_mut(c * rows..).unwrap_or_default(), tail.get_mut(..rows).unwrap_or_default());
            for block in 0..rows / BLOCK {
                let terms = pairs().map(|(a_j, b_j)| (rows_of(a_j, block), (b_j[c], b_j[c + 1])));
                let (first, second) = block_pair((&[0.0; BLOCK], &[0.0; BLOCK]), terms);
                store(column, block, &first);
                store(next, block, &second);
            }
            c += 2;
        } else {
            let column = out.get_mut(c * rows..(c + 1) * rows).unwrap_or_default();
            for (a_j, b_j) in pairs() {
                for (o, &a_ij) in column.iter_mut().zip(a_j) {
                    *o += a_ij * b_j[c];
                }
            }
            c += 1;
        }
    }
}

/// ReLU in place: `v ← max(v, 0)`.
pub fn relu(values: &mut [f64]) {
    for v in values {
        *v = v.max(0.0);
    }
}

/// ReLU's backward pass: the error is zero wherever the pre-activation was not positive.
pub fn relu_backward(delta: &mut [f64], pre_activation: &[f64]) {
    for (d, &z) in delta.iter_mut().zip(pre_activation) {
        if z <= 0.0 {
            *d = 0.0;
        }
    }
}

/// Adam's settings (PyTorch's `torch.optim.Adam`: L2 weight decay added to the gradient), with the
/// bias corrections of the current step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdamStep {
    /// Learning rate.
    pub learning_rate: f64,
    /// L2 penalty coefficient added to the gradient.
    pub weight_decay: f64,
    /// β₁.
    pub beta1: f64,
    /// β₂.
    pub beta2: f64,
    /// ε.
    pub epsilon: f64,
    /// 1 − β₁ᵗ at step t.
    pub correction1: f64,
    /// 1 − β₂ᵗ at step t.
    pub correction2: f64,
}

/// One Adam update of `param` from gradient `grad`, with first and second moment estimates.
pub fn adam(param: &mut [f64], grad: &[f64], first: &mut [f64], second: &mut [f64], s: &AdamStep) {
    for (((p, &g), m), v) in param.iter_mut().zip(grad).zip(first).zip(second) {
        let g = g + s.weight_decay * *p;
        *m = s.beta1 * *m + (1.0 - s.beta1) * g;
        *v = s.beta2 * *v + (1.0 - s.beta2) * g * g;
        *p -= s.learning_rate * (*m / s.correction1) / ((*v / s.correction2).sqrt() + s.epsilon);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Column-major r×c test matrix.
    fn example(rows: usize, cols: usize, salt: f64) -> Vec<f64> {
        (0..rows * cols).map(|i| ((i % rows * 7 + i / rows * 3) as f64 * 0.37 + salt).sin()).collect()
    }

    /// Textbook triple loop: out[i, j] = Σ_k a[i, k] b[k, j] (column-major).
    fn textbook(a: &[f64], rows: usize, inner: usize, b: &[f64], cols: usize) -> Vec<f64> {
        let mut out = vec![0.0; rows * cols];
        for j in 0..cols {
            for i in 0..rows {
                out[j * rows + i] = (0..inner).map(|k| a[k * rows + i] * b[j * inner + k]).sum();
            }
        }
        out
    }

    fn transpose(a: &[f64], rows: usize, cols: usize) -> Vec<f64> {
        (0..rows * cols).map(|i| a[(i % cols) * rows + i / cols]).collect()
    }

    fn close(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= 1e-12 * (1.0 + y.abs()))
    }

    #[test]
    fn products_match_the_textbook_triple_loop() {
        for (r, d, n) in [(16, 16, 256), (8, 3, 5), (3, 5, 7), (1, 4, 1), (5, 1, 3), (24, 16, 9)] {
            let (w, x) = (example(r, d, 0.1), example(d, n, 0.2));
            let bias: Vec<f64> = (0..r).map(|i| i as f64 - 1.5).collect();
            let mut out = vec![f64::NAN; r * n];
            affine(&w, r, Some(&bias), &x, d, &mut out);
            let mut expected = textbook(&w, r, d, &x, n);
            expected.iter_mut().enumerate().for_each(|(i, v)| *v += bias[i % r]);
            assert!(close(&out, &expected), "W X + b at {r}×{d}×{n}");

            let a = example(r, n, 0.3);
            let mut out = vec![f64::NAN; r * d];
            mul_transpose(&a, r, &x, d, &mut out);
            assert!(close(&out, &textbook(&a, r, n, &transpose(&x, d, n), d)), "A Bᵀ at {r}×{d}×{n}");
        }
    }

    #[test]
    fn mismatched_shapes_do_not_panic() {
        let mut out = vec![1.0; 6];
        affine(&[1.0; 4], 2, Some(&[1.0]), &[1.0; 5], 2, &mut out);
        mul_transpose(&[1.0; 3], 2, &[1.0; 7], 3, &mut out);
        affine(&[], 0, None, &[], 0, &mut out);
        mul_transpose(&[1.0; 4], 8, &[1.0; 4], 2, &mut out[..3]);
    }

    #[test]
    fn relu_and_its_backward_pass() {
        let mut v = vec![-1.0, 0.0, 2.0];
        relu(&mut v);
        assert_eq!(v, [0.0, 0.0, 2.0]);
        let mut delta = vec![5.0, 5.0, 5.0];
        relu_backward(&mut delta, &[-1.0, 0.0, 0.5]);
        assert_eq!(delta, [0.0, 0.0, 5.0]);
    }

    #[test]
    fn adam_first_step_moves_each_parameter_by_the_learning_rate() {
        // At t = 1 the bias-corrected step is lr · g / (|g| + ε) ≈ lr · sign(g).
        let s = AdamStep {
            learning_rate: 0.1,
            weight_decay: 0.0,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
            correction1: 0.1,
            correction2: 0.001,
        };
        let mut p = vec![1.0, 1.0];
        adam(&mut p, &[3.0, -0.5], &mut [0.0; 2], &mut [0.0; 2], &s);
        assert!((p[0] - 0.9).abs() < 1e-8 && (p[1] - 1.1).abs() < 1e-8, "{p:?}");
    }
}
