//! Products of a small layer matrix with a batch of inputs (one input per column), the work of
//! every training step (`train.rs`), on nalgebra's matrices.
//!
//! nalgebra hands such products to `matrixmultiply`, whose packing and blocking pay off for large
//! matrices but which has no SIMD kernel in WebAssembly. These wrappers give the matrices' shapes
//! and column-major storage to the register-blocked kernels of the `adaptlab-batch` crate
//! (`crates/batch`), built for speed while the rest of the lab is built for size, with
//! simd128 in wasm. Results are identical natively and in the browser.

use crate::linalg::{Matrix, Vector};

/// Gives `out` the shape rows × cols (reusing its buffer when the shape already matches).
pub fn shape(out: &mut Matrix, rows: usize, cols: usize) {
    if out.shape() != (rows, cols) {
        *out = Matrix::zeros(rows, cols);
    }
}

/// Copies `source` into `buffer`, reusing the buffer when the shapes match.
pub fn copy_into(source: &Matrix, buffer: &mut Matrix) {
    if buffer.shape() == source.shape() {
        buffer.copy_from(source);
    } else {
        *buffer = source.clone();
    }
}

/// out ← W X + b 1ᵀ (the bias added to every column; no bias when `bias` is `None`).
pub fn affine_into(w: &Matrix, bias: Option<&Vector>, x: &Matrix, out: &mut Matrix) {
    shape(out, w.nrows(), x.ncols());
    let bias = bias.map(|b| b.as_slice());
    adaptlab_batch::affine(w.as_slice(), w.nrows(), bias, x.as_slice(), x.nrows(), out.as_mut_slice());
}

/// out ← A Bᵀ = Σ_j A[:, j] B[:, j]ᵀ, the sum over the batch of outer products (a weight gradient:
/// A the back-propagated errors, B the layer's inputs).
pub fn mul_transpose_into(a: &Matrix, b: &Matrix, out: &mut Matrix) {
    shape(out, a.nrows(), b.nrows());
    adaptlab_batch::mul_transpose(a.as_slice(), a.nrows(), b.as_slice(), b.nrows(), out.as_mut_slice());
}

/// out ← X 1, the sum of the batch's columns (a bias gradient), into a reused vector.
pub fn row_sums_into(x: &Matrix, out: &mut Vector) {
    if out.len() != x.nrows() {
        *out = Vector::zeros(x.nrows());
    }
    out.fill(0.0);
    for column in x.as_slice().chunks_exact(x.nrows().max(1)) {
        for (o, &v) in out.iter_mut().zip(column) {
            *o += v;
        }
    }
}

/// out ← Wᵀ X (the error passed back through a layer), as W's transpose times X.
pub fn transpose_mul_into(w: &Matrix, x: &Matrix, out: &mut Matrix) {
    affine_into(&w.transpose(), None, x, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(rows: usize, cols: usize, salt: f64) -> Matrix {
        Matrix::from_fn(rows, cols, |i, j| ((i * 7 + j * 3) as f64 * 0.37 + salt).sin())
    }

    #[test]
    fn products_match_nalgebra() {
        for (r, d, n) in [(16, 16, 256), (3, 5, 7), (1, 4, 1), (5, 1, 3)] {
            let w = example(r, d, 0.1);
            let x = example(d, n, 0.2);
            let b = Vector::from_fn(r, |i, _| i as f64 - 1.5);
            let mut out = Matrix::zeros(0, 0);
            affine_into(&w, Some(&b), &x, &mut out);
            let mut expected = &w * &x;
            for mut column in expected.column_iter_mut() {
                column += &b;
            }
            assert!((&out - &expected).norm() <= 1e-12 * expected.norm().max(1.0), "affine {r}×{d}×{n}");

            let a = example(r, n, 0.3);
            mul_transpose_into(&a, &x, &mut out);
            let expected = &a * x.transpose();
            assert!((&out - &expected).norm() <= 1e-12 * expected.norm().max(1.0), "A Bᵀ {r}×{d}×{n}");

            let e = example(r, n, 0.4);
            transpose_mul_into(&w, &e, &mut out);
            let expected = w.transpose() * &e;
            assert!((&out - &expected).norm() <= 1e-12 * expected.norm().max(1.0), "Wᵀ X {r}×{d}×{n}");
        }
    }

    #[test]
    fn empty_shapes_give_zero_results() {
        let mut out = Matrix::zeros(0, 0);
        affine_into(&Matrix::zeros(3, 0), None, &Matrix::zeros(0, 4), &mut out);
        assert_eq!(out, Matrix::zeros(3, 4));
        mul_transpose_into(&Matrix::zeros(2, 0), &Matrix::zeros(3, 0), &mut out);
        assert_eq!(out, Matrix::zeros(2, 3));
    }
}
