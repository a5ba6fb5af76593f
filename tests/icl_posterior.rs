//! The closed-form ICL posterior: the public anchor example, its limits, and brute-force
//! numerical integration in d = 1.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::needless_range_loop)] // tests fail loudly and index parallel arrays

use adaptlab::icl::posterior::{self, Stats};
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
    Stats::of(&[v(&[0.8]), v(&[1.5]), v(&[0.3])], &[0.9, 1.4, 0.2])
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
