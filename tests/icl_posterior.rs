//! The closed-form ICL posterior: the public anchor example, its limits, and brute-force
//! numerical integration in d = 1.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::needless_range_loop)] // tests fail loudly and index parallel arrays

use adaptlab::icl::posterior::{self, PosteriorError, Stats};
use adaptlab::icl::prior::{self, Prior};
use adaptlab::linalg::Vector;

fn v(x: &[f64]) -> Vector {
    Vector::from_column_slice(x)
}

fn anchor_prior() -> Prior {
    Prior {
        weights: vec![0.3, 0.7],
        mu: vec![v(&[1.0]), v(&[-1.0])],
        w: vec![v(&[-1.0]), v(&[1.0])],
        sigma_x: 1.0,
        sigma_y: 0.5,
        sigma_mu: 0.5,
        sigma_w: 0.5,
    }
}

fn anchor_stats() -> Stats {
    Stats::of(1, &[v(&[0.8]), v(&[1.5]), v(&[0.3])], &[0.9, 1.4, 0.2])
}

#[test]
fn public_anchor_example() {
    let post = posterior::posterior(&anchor_prior(), &anchor_stats(), &v(&[1.2])).unwrap();
    assert!((post.weights[0] - 0.0553968).abs() < 5e-8, "{:?}", post.weights);
    assert!((post.weights[1] - 0.9446032).abs() < 5e-8);
    assert!((post.w_tilde[0][0] - 0.4723618).abs() < 5e-8, "{:?}", post.w_tilde);
    assert!((post.w_tilde[1][0] - 0.9748744).abs() < 5e-8);
    assert!((post.prediction - 1.1364441).abs() < 5e-8, "{}", post.prediction);
}

/// Brute force in d = 1: integrate the joint density of (μ, w) given the data on a grid, then the
/// posterior mean of w·x_q and the posterior probability of each skill.
#[test]
fn agrees_with_brute_force_integration_in_one_dimension() {
    let p = anchor_prior();
    let xs = [0.8, 1.5, 0.3];
    let ys = [0.9, 1.4, 0.2];
    let query = 1.2;
    let normal = |x: f64, mean: f64, sd: f64| (-(x - mean).powi(2) / (2.0 * sd * sd)).exp() / sd;
    let (lo, hi, steps) = (-4.0, 4.0, 1600);
    let h = (hi - lo) / steps as f64;
    let mut mass = [0.0; 2];
    let mut mean_w = 0.0;
    let mut total = 0.0;
    for beta in 0..2 {
        for i in 0..=steps {
            let mu = lo + i as f64 * h;
            // Inputs: the k context x's and the query depend on μ.
            let lik_mu: f64 =
                xs.iter().chain(std::iter::once(&query)).map(|&x| normal(x, mu, p.sigma_x)).product::<f64>()
                    * normal(mu, p.mu[beta][0], p.sigma_mu);
            for j in 0..=steps {
                let w = lo + j as f64 * h;
                let lik_w: f64 = xs.iter().zip(&ys).map(|(&x, &y)| normal(y, w * x, p.sigma_y)).product::<f64>()
                    * normal(w, p.w[beta][0], p.sigma_w);
                let density = p.weights[beta] * lik_mu * lik_w;
                mass[beta] += density;
                mean_w += density * w;
                total += density;
            }
        }
    }
    let post = posterior::posterior(&p, &anchor_stats(), &v(&[query])).unwrap();
    assert!((mass[0] / total - post.weights[0]).abs() < 1e-6, "{} vs {}", mass[0] / total, post.weights[0]);
    assert!((mean_w / total * query - post.prediction).abs() < 1e-6);
}

#[test]
fn weights_sum_to_one_and_k0_is_the_input_only_weighting() {
    let p = prior::regular4(1.0 / 3.0);
    let query = v(&[0.3, -0.5, 0.1]);
    let post = posterior::posterior(&p, &Stats::empty(3), &query).unwrap();
    assert!((post.weights.iter().sum::<f64>() - 1.0).abs() < 1e-15);
    // k = 0: π̃_β ∝ π_β N(x_q; μ_β, (σ_x² + σ_μ²) I), and w̃_β = w_β.
    let var = p.sigma_x.powi(2) + p.sigma_mu.powi(2);
    let raw: Vec<f64> = p.mu.iter().map(|mu| (-(&query - mu).norm_squared() / (2.0 * var)).exp()).collect();
    let total: f64 = raw.iter().sum();
    for (beta, r) in raw.iter().enumerate() {
        assert!((post.weights[beta] - r / total).abs() < 1e-14);
        assert!((&post.w_tilde[beta] - &p.w[beta]).norm() < 1e-15);
    }
}

#[test]
fn large_k_limits_learn_the_task() {
    // With noiseless data from (μ*, w*), w̃_β → w* for every β and π̃ → π N(μ*; μ_β, σ_μ²) N(w*; w_β, σ_w²).
    let p = prior::regular4(1.0);
    let (mu_star, w_star) = (prior::regular4_task(2.0), prior::regular4_task(2.0));
    let k = 1usize << 20;
    // Expected statistics (the law of large numbers made exact): s = kμ*, S = k(σ_x²I + μ*μ*ᵀ), b = S w*.
    let s_mat = (adaptlab::linalg::Matrix::identity(3, 3) + &mu_star * mu_star.transpose()) * k as f64;
    let stats = Stats { k, sum_x: &mu_star * k as f64, sum_xy: &s_mat * &w_star, sum_xxt: s_mat };
    let post = posterior::posterior(&p, &stats, &mu_star).unwrap();
    for w in &post.w_tilde {
        assert!((w - &w_star).norm() < 1e-5);
    }
    let raw: Vec<f64> = (0..4)
        .map(|b| (-((&mu_star - &p.mu[b]).norm_squared() + (&w_star - &p.w[b]).norm_squared()) / 2.0).exp())
        .collect();
    let total: f64 = raw.iter().sum();
    for b in 0..4 {
        assert!((post.weights[b] - raw[b] / total).abs() < 1e-3, "{b}: {} vs {}", post.weights[b], raw[b] / total);
    }
}

#[test]
fn extreme_k_and_delta_stay_finite() {
    for sigma in [1e-3, 1e3] {
        for k in [0usize, 1, 1 << 10, 1 << 20] {
            let mut p = prior::regular4(sigma);
            p.sigma_mu = sigma;
            p.sigma_w = sigma;
            let mu = prior::regular4_task(2.0);
            let s_mat = (adaptlab::linalg::Matrix::identity(3, 3) + &mu * mu.transpose()) * k as f64;
            let stats = Stats { k, sum_x: &mu * k as f64, sum_xy: &s_mat * &mu, sum_xxt: s_mat };
            let post = posterior::posterior(&p, &stats, &mu).unwrap();
            assert!(post.weights.iter().all(|w| w.is_finite() && *w >= 0.0));
            assert!((post.weights.iter().sum::<f64>() - 1.0).abs() < 1e-12);
            assert!(post.prediction.is_finite(), "σ = {sigma}, k = {k}");
        }
    }
}

/// Figure 10's priors: unit vertices of the five regular solids, each vertex with the same
/// nearest-neighbour distance (the solids are regular), and the task near c₁.
#[test]
fn figure_10_priors_are_the_regular_solids() {
    use adaptlab::icl::prior::{regular_solid, regular_solid_vertices};
    for (m, nearest) in [(20usize, 0.7136), (12, 1.0), (8, 1.1547), (6, std::f64::consts::SQRT_2), (4, 1.6330)] {
        let vertices = regular_solid_vertices(m).unwrap();
        assert_eq!(vertices.len(), m);
        for (i, v) in vertices.iter().enumerate() {
            assert!((v.norm() - 1.0).abs() < 1e-12, "M = {m}: vertex {i} is not a unit vector");
            let closest = vertices
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, u)| (u - v).norm())
                .fold(f64::INFINITY, f64::min);
            assert!(
                (closest - nearest).abs() < 1e-3,
                "M = {m}: vertex {i} is {closest} from its nearest, not {nearest}"
            );
        }
        let prior = regular_solid(m, 0.25).unwrap();
        assert_eq!((prior.skills(), prior.sigma_mu, prior.sigma_w), (m, 0.25, 0.25));
    }
    assert!(regular_solid_vertices(5).is_none());
    let sweep = adaptlab::lessons::icl_figures::sweep(adaptlab::lessons::icl_figures::IclFigure::Ten);
    let labels: Vec<&str> = sweep.curves.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["M = 20", "M = 12", "M = 8", "M = 6", "M = 4"]);
    // The task unit(3c₁ + c₂) retrieves skill 1.
    assert!(sweep.curves.iter().all(|c| c.run.retrieved_skill() == 0));
}

/// Defect 8 of issue 10: an empty list of examples is k = 0 in the prior's dimension, and the
/// posterior at k = 0 is the prior seen through the query alone (`icl.md` §2.3): π̃_β ∝ π_β
/// N(x_q; μ_β, (σ_x² + σ_μ²)I), w̃_β = w_β, μ̃_β = (μ_β + δ_μ x_q)/(1 + δ_μ), F* = Σ_β π̃_β ⟨x_q, w_β⟩.
/// The expected values are computed here from those formulas, for a prior with unequal weights
/// and w_β ≠ μ_β; `solve` gives the same answer from an empty context and from empty statistics.
#[test]
fn k0_is_the_prior_predictive_from_an_empty_context() {
    let p = Prior {
        weights: vec![0.2, 0.3, 0.5],
        mu: vec![v(&[1.0, 0.0, 0.0]), v(&[0.0, 1.0, 0.0]), v(&[0.0, 0.0, -1.0])],
        w: vec![v(&[0.0, 0.0, 1.0]), v(&[1.0, -1.0, 0.0]), v(&[0.5, 0.5, 0.5])],
        sigma_x: 1.0,
        sigma_y: 2.0,
        sigma_mu: 0.25,
        sigma_w: 0.5,
    };
    let query = [0.3, -0.5, 0.1];
    let var = 1.0 + 0.25f64.powi(2);
    let delta_mu = 0.25f64.powi(2);
    let raw: Vec<f64> = (0..3)
        .map(|b| {
            let dist2: f64 = (0..3).map(|i| (query[i] - p.mu[b][i]).powi(2)).sum();
            p.weights[b] * (-dist2 / (2.0 * var)).exp()
        })
        .collect();
    let total: f64 = raw.iter().sum();
    let weights: Vec<f64> = raw.iter().map(|r| r / total).collect();
    let prediction: f64 = (0..3).map(|b| weights[b] * (0..3).map(|i| query[i] * p.w[b][i]).sum::<f64>()).sum();

    let post = posterior::posterior(&p, &Stats::of(3, &[], &[]), &v(&query)).unwrap();
    assert!((post.prediction - prediction).abs() < 1e-14, "{} vs {prediction}", post.prediction);
    for b in 0..3 {
        assert!((post.weights[b] - weights[b]).abs() < 1e-14, "{:?} vs {weights:?}", post.weights);
        assert!((&post.w_tilde[b] - &p.w[b]).norm() < 1e-15);
        let mu_tilde = (&p.mu[b] + v(&query) * delta_mu) / (1.0 + delta_mu);
        assert!((&post.mu_tilde[b] - mu_tilde).norm() < 1e-15);
    }

    let prior_json = serde_json::json!({"weights":[0.2,0.3,0.5],"mu":[[1,0,0],[0,1,0],[0,0,-1]],
        "w":[[0,0,1],[1,-1,0],[0.5,0.5,0.5]],"sigma_x":1,"sigma_y":2,"sigma_mu":0.25,"sigma_w":0.5});
    let by_context = adaptlab::solve::solve_value(&serde_json::json!({"kind":"icl-posterior","prior":prior_json,
        "context":{"x":[],"y":[]},"query":query}))
    .unwrap();
    let by_stats = adaptlab::solve::solve_value(&serde_json::json!({"kind":"icl-posterior","prior":prior_json,
        "stats":{"k":0,"sum_x":[0,0,0],"sum_xxt":[[0,0,0],[0,0,0],[0,0,0]],"sum_xy":[0,0,0]},"query":query}))
    .unwrap();
    assert_eq!(by_context, by_stats);
    assert!((by_context["prediction"].as_f64().unwrap() - prediction).abs() < 1e-14, "{by_context}");
}

/// Statistics or a query of the wrong dimension are an error, not a shape panic.
#[test]
fn a_dimension_mismatch_is_an_error() {
    let p = prior::regular4(0.5);
    let wrong_stats = posterior::posterior(&p, &Stats::empty(2), &v(&[0.1, 0.2, 0.3]));
    assert!(matches!(wrong_stats, Err(PosteriorError::DimensionMismatch { found: 2, expected: 3, .. })));
    let wrong_query = posterior::posterior(&p, &Stats::empty(3), &v(&[0.1, 0.2]));
    assert!(matches!(wrong_query, Err(PosteriorError::DimensionMismatch { found: 2, expected: 3, .. })));
}

/// ln ∫_{[−6,6]²} exp(log_f(u)) du and ∫ u exp(log_f(u)) du / ∫ exp(log_f(u)) du, by the
/// rectangle rule with spacing h = 0.02, shifted by the grid's largest log_f against underflow.
///
/// Accuracy, for the integrands below (products of Gaussians in u, so Gaussian in u): their
/// standard deviation is at least 0.24 (σ_w/√(1 + δ_w λ_max(S)) ≥ 0.5/√4.2 and σ_μ/√(1 + nδ_μ)
/// ≥ 0.5/√2) and at most 0.5, their means lie within 2 of the origin, so the box holds them to
/// ≥ 8 standard deviations (mass outside < e⁻³² ≈ 1e-14), and the rectangle rule's aliasing error
/// for a Gaussian of standard deviation s is about 2·exp(−2π²s²/h²) < e⁻¹⁰⁰⁰. What is left is
/// rounding in sums of 361,201 terms (≈ 1e-13 relative; the agreement observed is better than
/// 1e-12), far below the tolerance 1e-9 used.
fn integrate_2d(log_f: impl Fn(f64, f64) -> f64) -> (f64, [f64; 2]) {
    let (lo, steps) = (-6.0, 600);
    let h = 12.0 / steps as f64;
    let grid = |i: usize| lo + i as f64 * h;
    let mut peak = f64::NEG_INFINITY;
    for i in 0..=steps {
        for j in 0..=steps {
            peak = peak.max(log_f(grid(i), grid(j)));
        }
    }
    let (mut mass, mut first) = (0.0, [0.0; 2]);
    for i in 0..=steps {
        for j in 0..=steps {
            let (u, v) = (grid(i), grid(j));
            let f = (log_f(u, v) - peak).exp();
            mass += f;
            first[0] += f * u;
            first[1] += f * v;
        }
    }
    (peak + (mass * h * h).ln(), [first[0] / mass, first[1] / mass])
}

/// ln N(x; mean, sd² I) in dimension `x.len()`.
fn log_normal(x: &[f64], mean: &[f64], sd: f64) -> f64 {
    let dist2: f64 = x.iter().zip(mean).map(|(a, b)| (a - b).powi(2)).sum();
    -dist2 / (2.0 * sd * sd) - x.len() as f64 * (sd * (2.0 * std::f64::consts::PI).sqrt()).ln()
}

/// Brute force in d = 2, straight from the model (`icl.md` §1): given skill β, μ ~ N(μ_β, σ_μ²I)
/// and w ~ N(w_β, σ_w²I) independently, x_i ~ N(μ, σ_x²I) for the k examples and the query,
/// y_i ~ N(⟨x_i, w⟩, σ_y²). So P(β | data) ∝ π_β · Z^μ_β · Z^w_β with
/// Z^μ_β = ∫ N(μ; μ_β, σ_μ²I) Π_{i ≤ k+1} N(x_i; μ, σ_x²I) dμ and
/// Z^w_β = ∫ N(w; w_β, σ_w²I) Π_{i ≤ k} N(y_i; ⟨x_i, w⟩, σ_y²) dw, each integrated on a grid of
/// ℝ²; μ̃_β and w̃_β are the normalised first moments, and F* = Σ_β P(β | data) ⟨x_q, w̃_β⟩.
/// M = 3 skills with unequal weights, w_β ≠ μ_β, labels that no single w fits; k = 0, 1, 3.
#[test]
fn agrees_with_brute_force_integration_in_two_dimensions() {
    let p = Prior {
        weights: vec![0.5, 0.3, 0.2],
        mu: vec![v(&[0.8, -0.4]), v(&[-0.6, 0.5]), v(&[0.1, 0.9])],
        w: vec![v(&[1.0, 0.5]), v(&[-0.5, 1.0]), v(&[0.3, -0.8])],
        sigma_x: 1.0,
        sigma_y: 0.5,
        sigma_mu: 0.5,
        sigma_w: 0.5,
    };
    let xs = [[0.9, -0.2], [1.3, 0.4], [-0.1, -0.7]];
    let ys = [0.7, 1.1, -0.6];
    let query = [0.6, -0.3];
    for k in [0usize, 1, 3] {
        let (xs, ys) = (&xs[..k], &ys[..k]);
        let mut log_scores = Vec::new();
        let (mut mu_tilde, mut w_tilde) = (Vec::new(), Vec::new());
        for beta in 0..3 {
            let (mu_b, w_b) = (p.mu[beta].as_slice(), p.w[beta].as_slice());
            let (log_z_mu, mu_mean) = integrate_2d(|a, b| {
                let inputs: f64 = xs.iter().chain([&query]).map(|x| log_normal(x, &[a, b], p.sigma_x)).sum();
                log_normal(&[a, b], mu_b, p.sigma_mu) + inputs
            });
            let (log_z_w, w_mean) = integrate_2d(|a, b| {
                let labels: f64 =
                    xs.iter().zip(ys).map(|(x, &y)| log_normal(&[y], &[x[0] * a + x[1] * b], p.sigma_y)).sum();
                log_normal(&[a, b], w_b, p.sigma_w) + labels
            });
            log_scores.push(p.weights[beta].ln() + log_z_mu + log_z_w);
            mu_tilde.push(mu_mean);
            w_tilde.push(w_mean);
        }
        let top = log_scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let total: f64 = log_scores.iter().map(|l| (l - top).exp()).sum();
        let weights: Vec<f64> = log_scores.iter().map(|l| (l - top).exp() / total).collect();
        let prediction: f64 = (0..3).map(|b| weights[b] * (query[0] * w_tilde[b][0] + query[1] * w_tilde[b][1])).sum();

        let stats = Stats::of(2, &xs.iter().map(|x| v(x)).collect::<Vec<_>>(), ys);
        let post = posterior::posterior(&p, &stats, &v(&query)).unwrap();
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * (1.0 + b.abs());
        for b in 0..3 {
            assert!(close(post.weights[b], weights[b]), "k = {k}: π̃ {:?} vs brute force {weights:?}", post.weights);
            for i in 0..2 {
                assert!(
                    close(post.w_tilde[b][i], w_tilde[b][i]),
                    "k = {k}, β = {b}: w̃ {} vs {:?}",
                    post.w_tilde[b],
                    w_tilde[b]
                );
                assert!(
                    close(post.mu_tilde[b][i], mu_tilde[b][i]),
                    "k = {k}, β = {b}: μ̃ {} vs {:?}",
                    post.mu_tilde[b],
                    mu_tilde[b]
                );
            }
        }
        assert!(close(post.prediction, prediction), "k = {k}: F* {} vs brute force {prediction}", post.prediction);
        // The check is not vacuous: the skills' weights differ and move with k.
        assert!(
            weights.iter().copied().fold(0.0, f64::max) - weights.iter().copied().fold(1.0, f64::min) > 0.05,
            "{weights:?}"
        );
    }
}
