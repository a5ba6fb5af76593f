//! Small helpers over `nalgebra` shared by the papers' mathematics.
//!
//! Everything here is `f64`, pure and deterministic. Matrices are `nalgebra::DMatrix<f64>`;
//! products of layers follow the papers' convention Π_{l=1}^{L} W_l = W_L ⋯ W_1 (W_1 acts first).

use nalgebra::{DMatrix, DVector};

/// A dense real matrix.
pub type Matrix = DMatrix<f64>;
/// A dense real column vector.
pub type Vector = DVector<f64>;

/// Relative tolerance used for the numerical rank: singular values at or below
/// `RANK_TOLERANCE · σ₁` count as zero.
pub const RANK_TOLERANCE: f64 = 1e-10;

/// Largest condition number κ₂ = σ_max/σ_min of a matrix we are willing to invert.
/// Beyond it a solve loses more than about four of the sixteen significant digits.
pub const MAX_CONDITION: f64 = 1e12;

/// A singular value decomposition M = U diag(σ) Vᵀ with σ sorted in descending order.
#[derive(Clone, Debug)]
pub struct SortedSvd {
    /// Left singular vectors as columns (D×D for a square input).
    pub u: Matrix,
    /// Singular values, non-negative and sorted in descending order.
    pub singular_values: Vector,
    /// Right singular vectors as columns (the transpose of nalgebra's `v_t`).
    pub v: Matrix,
}

/// Iterations allowed to nalgebra's SVD before it reports non-convergence.
const SVD_MAX_ITERATIONS: usize = 10_000;

/// Singular value decomposition with both factors and singular values in descending order.
///
/// Returns `None` if `m` holds a non-finite entry (nalgebra panics sorting NaN singular values)
/// or the iteration does not converge, which does not happen for finite input in practice;
/// callers report it rather than panic.
pub fn sorted_svd(m: &Matrix) -> Option<SortedSvd> {
    if !m.iter().all(|x| x.is_finite()) {
        return None;
    }
    let svd = nalgebra::SVD::try_new(m.clone(), true, true, f64::EPSILON, SVD_MAX_ITERATIONS)?;
    // nalgebra's `try_new` sorts the singular values in descending order (and permutes U, Vᵀ with them).
    let u = svd.u?;
    let v = svd.v_t?.transpose();
    Some(SortedSvd { u, singular_values: svd.singular_values, v })
}

/// Singular values of `m` in descending order, or `None` if `m` holds a non-finite entry or the
/// iteration does not converge.
pub fn singular_values(m: &Matrix) -> Option<Vector> {
    if !m.iter().all(|x| x.is_finite()) {
        return None;
    }
    nalgebra::SVD::try_new(m.clone(), false, false, f64::EPSILON, SVD_MAX_ITERATIONS).map(|svd| svd.singular_values)
}

/// Numerical rank: the number of singular values above `RANK_TOLERANCE · σ₁`
/// (and above the smallest positive normal number, so that the zero matrix has rank 0).
pub fn numerical_rank(singular_values: &Vector) -> usize {
    let largest = singular_values.iter().copied().fold(0.0, f64::max);
    let threshold = (RANK_TOLERANCE * largest).max(f64::MIN_POSITIVE);
    singular_values.iter().filter(|&&s| s > threshold).count()
}

/// Condition number κ₂ = σ_max/σ_min of a square matrix; `f64::INFINITY` when it is singular
/// to working precision or when the SVD does not converge.
pub fn condition_number(m: &Matrix) -> f64 {
    let Some(s) = singular_values(m) else { return f64::INFINITY };
    let largest = s.iter().copied().fold(0.0, f64::max);
    let smallest = s.iter().copied().fold(f64::INFINITY, f64::min);
    if smallest <= 0.0 || !smallest.is_finite() {
        f64::INFINITY
    } else {
        largest / smallest
    }
}

/// Product of layers in application order: `layers[0]` acts first, so the result is
/// `layers[n-1] ⋯ layers[0]`; the identity of size `dim` when `layers` is empty.
pub fn layer_product(layers: &[Matrix], dim: usize) -> Matrix {
    layers.iter().fold(Matrix::identity(dim, dim), |acc, w| w * acc)
}

/// Spectral norm ‖M‖₂ (largest singular value); `f64::INFINITY` if the SVD does not converge.
pub fn spectral_norm(m: &Matrix) -> f64 {
    singular_values(m).map_or(f64::INFINITY, |s| s.iter().copied().fold(0.0, f64::max))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_svd_reconstructs_and_sorts() {
        let m = Matrix::from_row_slice(3, 3, &[1.0, 2.0, 0.0, -1.0, 0.5, 3.0, 2.0, 0.0, 1.0]);
        let svd = sorted_svd(&m).unwrap();
        let rebuilt = &svd.u * Matrix::from_diagonal(&svd.singular_values) * svd.v.transpose();
        assert!((rebuilt - &m).norm() < 1e-12);
        assert!(svd.singular_values.as_slice().windows(2).all(|w| w[0] >= w[1]));
    }

    #[test]
    fn numerical_rank_counts_nonzero_directions() {
        let rank_one = Matrix::from_row_slice(2, 2, &[1.0, 2.0, 2.0, 4.0]);
        assert_eq!(numerical_rank(&singular_values(&rank_one).unwrap()), 1);
        assert_eq!(numerical_rank(&singular_values(&Matrix::zeros(3, 3)).unwrap()), 0);
        assert_eq!(numerical_rank(&singular_values(&Matrix::identity(4, 4)).unwrap()), 4);
    }

    #[test]
    fn layer_product_applies_first_layer_first() {
        let w1 = Matrix::from_row_slice(2, 2, &[1.0, 1.0, 0.0, 1.0]);
        let w2 = Matrix::from_row_slice(2, 2, &[0.0, 1.0, 1.0, 0.0]);
        assert_eq!(layer_product(&[w1.clone(), w2.clone()], 2), &w2 * &w1);
        assert_eq!(layer_product(&[], 2), Matrix::identity(2, 2));
    }

    #[test]
    fn condition_number_of_singular_matrix_is_infinite_or_huge() {
        let singular = Matrix::from_row_slice(2, 2, &[1.0, 2.0, 2.0, 4.0]);
        assert!(condition_number(&singular) > MAX_CONDITION);
        assert!((condition_number(&Matrix::identity(3, 3)) - 1.0).abs() < 1e-12);
    }
}
