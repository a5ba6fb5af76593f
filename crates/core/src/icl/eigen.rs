//! Eigenvalue helpers for the fixed-size risk trials (`fixed.rs`), d ≤ 8: the smallest
//! eigenvalue of a symmetric matrix (the Figure 6 bound's λ_min(S)), and a square root of a
//! semi-definite S applied to a vector (label noise where S's Cholesky factor fails).
//!
//! λ_min without the whole spectrum: S (scaled by a power of two, which is exact) is reduced to a
//! tridiagonal T by Householder reflections (T = QᵀSQ has S's eigenvalues), then Laguerre's
//! iteration on p(λ) = det(T − λI) starts below every eigenvalue (Gershgorin's bound). For a
//! polynomial with real roots it rises monotonically to the smallest root, cubically near it; p
//! and its derivatives come from the three-term recurrence of T's leading minors, as ratios
//! (which neither overflow nor change sign below λ_min). Where anything is out of the ordinary
//! (no convergence, a number not finite) nalgebra's symmetric eigenvalues decide.

#![allow(clippy::needless_range_loop)] // indices into matrices, as in the formulas

use nalgebra::{DMatrix, DVector};

/// A d × d matrix is the leading block of a W × W `Mat`, the rest zeros: W = d natively, W = 8
/// in the single instance of the wasm builds (`fixed.rs`).
type Mat<const W: usize> = [[f64; W]; W];

/// Laguerre iterations allowed before the general eigenvalue solver takes over.
const MAX_ITERATIONS: usize = 64;

/// λ_min of the symmetric matrix whose lower triangle is `s`'s (`Factor::lambda_min`'s rule:
/// the entry itself for d = 1), for the leading d × d block.
pub fn lambda_min<const W: usize>(s: &Mat<W>, d: usize) -> f64 {
    if d == 1 {
        return s[0][0];
    }
    let largest = (0..d).flat_map(|i| (0..=i).map(move |j| (i, j))).fold(0.0f64, |m, (i, j)| m.max(s[i][j].abs()));
    if largest == 0.0 {
        return 0.0;
    }
    if !(largest.is_finite() && largest >= f64::MIN_POSITIVE) {
        return general(s, d);
    }
    // 2^e ≤ largest < 2^(e+1): dividing by 2^e is exact (for entries that stay normal).
    let scale = f64::from_bits(largest.to_bits() & (0x7ff << 52));
    let mut a: Mat<W> = std::array::from_fn(|i| std::array::from_fn(|j| s[i.max(j)][i.min(j)] / scale));
    let (diag, off) = tridiagonal(&mut a, d);
    smallest_root(&diag, &off, d).map_or_else(|| general(s, d), |l| l * scale)
}

/// nalgebra's symmetric eigenvalues (from the lower triangle), the smallest.
fn general<const W: usize>(s: &Mat<W>, d: usize) -> f64 {
    let m = DMatrix::from_fn(d, d, |i, j| s[i.max(j)][i.min(j)]);
    m.symmetric_eigenvalues().iter().copied().fold(f64::INFINITY, f64::min)
}

/// Householder reduction of the symmetric `a` (both triangles) to tridiagonal form: the diagonal,
/// and the off-diagonal with off[i] coupling i − 1 and i (off[0] = 0).
fn tridiagonal<const W: usize>(a: &mut Mat<W>, d: usize) -> ([f64; W], [f64; W]) {
    let mut off = [0.0; W];
    for k in 0..d.saturating_sub(2) {
        let x0 = a[k + 1][k];
        let tail: f64 = (k + 2..d).map(|i| a[i][k] * a[i][k]).sum();
        if tail == 0.0 {
            off[k + 1] = x0;
            continue;
        }
        // H = I − τ v vᵀ maps a[k+1.., k] to α e₁, α = −sign(x₀)‖x‖.
        let norm = (x0 * x0 + tail).sqrt();
        let alpha = if x0 > 0.0 { -norm } else { norm };
        let mut v = [0.0; W];
        for i in k + 1..d {
            v[i] = a[i][k];
        }
        v[k + 1] -= alpha;
        let tau = 2.0 / (v[k + 1] * v[k + 1] + tail);
        // A₂₂ ← H A₂₂ H = A₂₂ − v wᵀ − w vᵀ with p = τ A₂₂ v, w = p − (τ vᵀp / 2) v.
        let mut p = [0.0; W];
        for i in k + 1..d {
            p[i] = tau * (k + 1..d).map(|j| a[i][j] * v[j]).sum::<f64>();
        }
        let half = 0.5 * tau * (k + 1..d).map(|i| v[i] * p[i]).sum::<f64>();
        let w: [f64; W] = std::array::from_fn(|i| p[i] - half * v[i]);
        for i in k + 1..d {
            for j in k + 1..d {
                a[i][j] -= v[i] * w[j] + w[i] * v[j];
            }
        }
        off[k + 1] = alpha;
    }
    if d >= 2 {
        off[d - 1] = a[d - 1][d - 2];
    }
    (std::array::from_fn(|i| a[i][i]), off)
}

/// The smallest eigenvalue of the tridiagonal (diag, off) by Laguerre's iteration from below;
/// `None` without convergence or with a number that is not finite.
fn smallest_root<const W: usize>(diag: &[f64; W], off: &[f64; W], d: usize) -> Option<f64> {
    let n = d as f64;
    // Gershgorin: every eigenvalue is at least min_i (T_ii − Σ_{j≠i} |T_ij|).
    let mut lambda = (0..d)
        .map(|i| diag[i] - off[i].abs() - if i + 1 < d { off[i + 1].abs() } else { 0.0 })
        .fold(f64::INFINITY, f64::min);
    for _ in 0..MAX_ITERATIONS {
        // Ratios of the leading minors p_i(λ) = det(T_i − λI): q_i = p_i/p_{i−1}, and
        // g_i = p_i'/p_i, h_i = p_i''/p_i, from p_i = c p_{i−1} − β p_{i−2} (c = T_ii − λ, β = T_{i,i−1}²).
        let (mut inv_prev, mut g_prev, mut h_prev) = (1.0, 0.0, 0.0);
        let (mut g, mut h) = (0.0, 0.0);
        for i in 0..d {
            let c = diag[i] - lambda;
            let beta = off[i] * off[i];
            let b = beta * inv_prev;
            let q = c - b;
            if q.is_nan() || q <= 0.0 {
                // λ is at (or, by rounding, just past) an eigenvalue of a leading block, and so
                // at T's smallest: the iteration came from below.
                return lambda.is_finite().then_some(lambda);
            }
            let inv = 1.0 / q;
            let g_next = (c * g - b * g_prev - 1.0) * inv;
            let h_next = (c * h - b * h_prev - 2.0 * g) * inv;
            (inv_prev, g_prev, h_prev, g, h) = (inv, g, h, g_next, h_next);
        }
        // Laguerre: λ ← λ − n / (G ∓ √((n − 1)(nH' − G²))), H' = G² − p''/p; below every root
        // G < 0, so the step is upwards.
        let big_h = g * g - h;
        let root = ((n - 1.0) * (n * big_h - g * g)).max(0.0).sqrt();
        let step = n / if g < 0.0 { g - root } else { g + root };
        let next = lambda - step;
        if !next.is_finite() {
            return None;
        }
        if next <= lambda || -step <= f64::EPSILON * (next.abs() + 1.0) {
            return Some(next.max(lambda));
        }
        lambda = next;
    }
    None
}

/// B g with B = Q √max(Λ, 0), S = Q Λ Qᵀ (so B Bᵀ = S): the sampler's law of Σ ε_i x_i where
/// rounding leaves S numerically semi-definite. A rare path; it allocates.
pub fn semidefinite_root_times<const W: usize>(s: &Mat<W>, g: &[f64; W], d: usize) -> [f64; W] {
    let eigen = nalgebra::SymmetricEigen::new(DMatrix::from_fn(d, d, |i, j| s[i][j]));
    let roots = eigen.eigenvalues.map(|l| l.max(0.0).sqrt());
    let out = &eigen.eigenvectors * DMatrix::from_diagonal(&roots) * DVector::from_column_slice(&g[..d]);
    std::array::from_fn(|i| if i < d { out[i] } else { 0.0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A d × d matrix padded to 8: the leading block of `entries`.
    fn padded(entries: &[&[f64]]) -> Mat<8> {
        let mut m = [[0.0; 8]; 8];
        for (i, row) in entries.iter().enumerate() {
            m[i][..row.len()].copy_from_slice(row);
        }
        m
    }

    /// A symmetric matrix with entries from a simple deterministic sequence.
    fn matrix(seed: u64, d: usize) -> Mat<8> {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        let mut m = [[0.0; 8]; 8];
        for i in 0..d {
            for j in 0..=i {
                m[i][j] = next();
                m[j][i] = m[i][j];
            }
        }
        m
    }

    fn agrees(m: &Mat<8>, d: usize) {
        let (fast, reference) = (lambda_min(m, d), general(m, d));
        let norm = m.iter().flatten().fold(0.0f64, |a, x| a.max(x.abs()));
        assert!((fast - reference).abs() <= 1e-13 * norm * d as f64, "d = {d}: {fast} vs {reference}");
    }

    #[test]
    fn the_smallest_eigenvalue_agrees_with_the_full_decomposition() {
        for seed in 0..200 {
            for d in [2, 3, 5, 8] {
                agrees(&matrix(seed, d), d);
            }
        }
    }

    #[test]
    fn degenerate_and_diagonal_spectra() {
        let identity =
            padded(&[&[3.0, 0.0, 0.0, 0.0], &[0.0, 3.0, 0.0, 0.0], &[0.0, 0.0, 3.0, 0.0], &[0.0, 0.0, 0.0, 3.0]]);
        assert_eq!(lambda_min(&identity, 4), 3.0);
        // v vᵀ for v = (1, 2, 3): eigenvalues 0, 0, 14.
        let rank_one = padded(&[&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0], &[3.0, 6.0, 9.0]]);
        assert!(lambda_min(&rank_one, 3).abs() < 1e-13);
        let diagonal = padded(&[&[5.0, 0.0, 0.0], &[0.0, -2.0, 0.0], &[0.0, 0.0, 1e-300]]);
        assert_eq!(lambda_min(&diagonal, 3), -2.0);
        assert_eq!(lambda_min(&[[0.0; 8]; 8], 3), 0.0);
        let huge = padded(&[&[1e300, 1e300], &[1e300, 1e300]]);
        assert!(lambda_min(&huge, 2).abs() < 1e288);
    }
}
