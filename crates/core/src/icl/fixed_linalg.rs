//! The fixed-size trials' arithmetic on W-wide arrays (`fixed`): dot products in nalgebra's order,
//! Cholesky factor and forward solves as nalgebra computes them, a softmax in place, so the
//! fixed-size trials give the general path's numbers.

#![allow(clippy::needless_range_loop)] // indices into matrices, as in the formulas

use rand_distr::{Distribution, StandardNormal};

use crate::rng::LabRng;

/// A d-vector and a d × d matrix as the leading part of W-wide arrays, the rest zeros. Natively
/// each d ≤ 8 has its own instance, W = d (loops of constant length); the wasm builds have one,
/// W = 8 with d stored (eight instances cost the page's first load 20 KB gzipped). The operations
/// are the same, in the same order, so both give the same bits.
pub(super) type Vect<const W: usize> = [f64; W];
pub(super) type Mat<const W: usize> = [[f64; W]; W];

/// `v` padded with zeros, if it has d entries.
pub(super) fn array<const W: usize>(v: &[f64], d: usize) -> Option<Vect<W>> {
    let mut a = [0.0; W];
    (v.len() == d).then(|| {
        a[..d].copy_from_slice(v);
        a
    })
}

/// ⟨a, b⟩ summed in nalgebra's order for vectors of dynamic length: eight products in pairs
/// (0 + 4, 1 + 5, 2 + 6, 3 + 7) when there are eight or more, then one by one.
pub(super) fn dot<const W: usize>(a: &Vect<W>, b: &Vect<W>, d: usize) -> f64 {
    let mut sum = 0.0;
    let mut start = 0;
    if d >= 8 {
        let p = |i: usize| a[i] * b[i];
        sum += p(0) + p(4);
        sum += p(1) + p(5);
        sum += p(2) + p(6);
        sum += p(3) + p(7);
        start = 8;
    }
    for i in start..d {
        sum += a[i] * b[i];
    }
    sum
}

pub(super) fn finite<const W: usize>(v: &Vect<W>) -> bool {
    v.iter().all(|x| x.is_finite())
}

pub(super) fn normal(rng: &mut LabRng) -> f64 {
    StandardNormal.sample(rng)
}

/// L with L Lᵀ = A from A's lower triangle, in place (nalgebra's `Cholesky::new`, left-looking
/// by columns, with each column scaled by the pivot's reciprocal), and the reciprocals of L's
/// diagonal; `None` where a pivot is zero, negative or NaN.
pub(super) fn cholesky<const W: usize>(a: &mut Mat<W>, d: usize) -> Option<Vect<W>> {
    let mut inv = [0.0; W];
    for j in 0..d {
        for k in 0..j {
            let factor = a[j][k];
            for i in j..d {
                a[i][j] -= factor * a[i][k];
            }
        }
        let diag = a[j][j];
        if diag.is_nan() || diag <= 0.0 {
            return None;
        }
        let denom = diag.sqrt();
        a[j][j] = denom;
        inv[j] = 1.0 / denom;
        for row in a.iter_mut().take(d).skip(j + 1) {
            row[j] *= inv[j];
        }
    }
    Some(inv)
}

/// x = L⁻¹b in place (forward substitution; `inv` holds 1/L_ii).
pub(super) fn forward<const W: usize>(l: &Mat<W>, inv: &Vect<W>, b: &mut Vect<W>, d: usize) {
    for i in 0..d {
        let coeff = b[i] * inv[i];
        b[i] = coeff;
        for r in i + 1..d {
            b[r] -= coeff * l[r][i];
        }
    }
}

/// `posterior::softmax` in place: exp(ℓ_β − max ℓ)/Σ, weights of −∞ scores exactly 0.
pub(super) fn softmax_in_place(scores: &mut [f64]) {
    let max = scores.iter().copied().filter(|v| v.is_finite()).fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        let uniform = 1.0 / scores.len().max(1) as f64;
        scores.iter_mut().for_each(|s| *s = uniform);
        return;
    }
    let mut total = 0.0;
    for s in scores.iter_mut() {
        *s = if s.is_finite() { (*s - max).exp() } else { 0.0 };
        total += *s;
    }
    scores.iter_mut().for_each(|s| *s /= total);
}
