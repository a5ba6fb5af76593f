//! The sufficient-statistics sampler agrees statistically with direct sampling.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::needless_range_loop)] // tests fail loudly and index parallel arrays

use adaptlab::icl::posterior::Stats;
use adaptlab::icl::sampler::ContextSource;
use adaptlab::linalg::Vector;
use adaptlab::rng;

/// Mean and standard error of a statistic over many draws.
fn moments(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

#[test]
fn exact_sampler_matches_direct_sampling() {
    let source = ContextSource {
        mu: Vector::from_column_slice(&[0.6, -0.8]),
        sigma_x: 1.3,
        w: Vector::from_column_slice(&[1.0, 0.5]),
        noise: 0.7,
    };
    let k = 12;
    let trials = 20_000;
    let mut fast = rng::stream(1, 0);
    let mut slow = rng::stream(2, 0);
    // Statistics that probe every part: a diagonal and an off-diagonal of S, a coordinate of s and of b,
    // and a nonlinear function (the OLS-like ratio b₀/S₀₀).
    let probe =
        |s: &Stats| [s.sum_xxt[(0, 0)], s.sum_xxt[(0, 1)], s.sum_x[1], s.sum_xy[0], s.sum_xy[0] / s.sum_xxt[(0, 0)]];
    let direct = |rng: &mut adaptlab::rng::LabRng| {
        let mut stats = Stats::empty(2);
        for _ in 0..k {
            let x = source.input(rng);
            let e: f64 = rand_distr::Distribution::sample(&rand_distr::StandardNormal, rng);
            stats.push(&x, x.dot(&source.w) + source.noise * e);
        }
        stats
    };
    let a: Vec<[f64; 5]> = (0..trials).map(|_| probe(&source.stats(k, &mut fast))).collect();
    let b: Vec<[f64; 5]> = (0..trials).map(|_| probe(&direct(&mut slow))).collect();
    for i in 0..5 {
        let (ma, sa) = moments(&a.iter().map(|p| p[i]).collect::<Vec<_>>());
        let (mb, sb) = moments(&b.iter().map(|p| p[i]).collect::<Vec<_>>());
        let z = (ma - mb) / (sa * sa + sb * sb).sqrt();
        assert!(z.abs() < 4.0, "statistic {i}: {ma} ± {sa} vs {mb} ± {sb} (z = {z})");
        // Second moments too (the Wishart part must have the right spread).
        let va = a.iter().map(|p| (p[i] - ma).powi(2)).sum::<f64>() / trials as f64;
        let vb = b.iter().map(|p| (p[i] - mb).powi(2)).sum::<f64>() / trials as f64;
        assert!((va / vb - 1.0).abs() < 0.08, "statistic {i}: variance {va} vs {vb}");
    }
}

#[test]
fn huge_k_costs_the_same_and_stays_finite() {
    let source = ContextSource {
        mu: Vector::from_column_slice(&[1.0, 0.0, 0.0]),
        sigma_x: 1.0,
        w: Vector::from_column_slice(&[0.0, 1.0, 0.0]),
        noise: 0.0,
    };
    let stats = source.stats(1 << 20, &mut rng::stream(3, 0));
    assert_eq!(stats.k, 1 << 20);
    // S/k → σ_x² I + μμᵀ.
    let expected = adaptlab::linalg::Matrix::identity(3, 3) + &source.mu * source.mu.transpose();
    assert!((&stats.sum_xxt / (1u64 << 20) as f64 - expected).norm() < 0.01);
    assert!((&stats.sum_xy - &stats.sum_xxt * &source.w).norm() < 1e-6 * stats.sum_xy.norm().max(1.0));
}

/// Label noise is added even where rounding makes S numerically semi-definite (inputs far from
/// the origin with a tiny spread, so S ≈ k μμᵀ): Σ ε_i x_i then has variance σ_ε² μ̂ᵀSμ̂ along μ,
/// not zero. The Cholesky factor fails on such S in some trials, which the test makes sure of.
#[test]
fn label_noise_survives_a_numerically_singular_scatter_matrix() {
    let mu = Vector::from_column_slice(&[1000.0, -1000.0, 1000.0]);
    let source = ContextSource { mu: mu.clone(), sigma_x: 1e-6, w: Vector::zeros(3), noise: 1.0 };
    let (k, trials) = (64, 4_000);
    let mut stream = rng::stream(5, 0);
    let unit = &mu / mu.norm();
    let mut cholesky_failed = 0;
    let mut ratios = Vec::with_capacity(trials);
    for _ in 0..trials {
        let stats: Stats = source.stats(k, &mut stream);
        if nalgebra::Cholesky::new(stats.sum_xxt.clone()).is_none() {
            cholesky_failed += 1;
        }
        // With w = 0 the labels are the noise alone: b = Σ ε_i x_i.
        let along = unit.dot(&stats.sum_xy);
        ratios.push(along * along / unit.dot(&(&stats.sum_xxt * &unit)));
    }
    assert!(cholesky_failed > trials / 10, "only {cholesky_failed} trials reach the fallback");
    let (mean, se) = moments(&ratios);
    // E[(μ̂ᵀb)²] / μ̂ᵀSμ̂ = σ_ε² = 1.
    assert!((mean - 1.0).abs() < 4.0 * se + 0.02, "{mean} ± {se}");
}
