//! The risk curves' fixed-size trials (d ≤ 8, `icl::fixed`) agree with the general path built
//! from the public pieces — `ContextSource::stats`, `posterior::predict_with`,
//! `posterior::upper_bound` — trial by trial on the same random streams: the same counts of
//! attempted and failed trials, and every mean to rounding (1e-12 relative).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

use adaptlab::icl::posterior::{self, Factor};
use adaptlab::icl::prior::{self, Prior};
use adaptlab::icl::risk::{Mean, RiskPoint, RiskRun, RiskSetup};
use adaptlab::icl::sampler::ContextSource;
use adaptlab::linalg::Vector;
use adaptlab::rng;

/// Block `index` of `run` at every k, computed with the general (allocating) posterior.
fn reference_block(run: &RiskRun, index: usize, trials: usize) -> Vec<RiskPoint> {
    let setup = run.setup();
    let prior = &setup.prior;
    let source = ContextSource {
        mu: setup.task_mu.clone(),
        sigma_x: prior.sigma_x,
        w: setup.label_w.clone(),
        noise: setup.label_noise,
    };
    let w_alpha = &prior.w[run.retrieved_skill()];
    run.points
        .iter()
        .enumerate()
        .map(|(i, point)| {
            let mut rng = rng::stream(setup.seed, (1 << 40) | ((i as u64) << 24) | index as u64);
            let mut out = RiskPoint {
                k: point.k,
                risk: Mean::default(),
                retrieval_risk: Mean::default(),
                bound: Mean::default(),
                weights: vec![Mean::default(); prior.skills()],
                attempted: 0,
                failed: 0,
            };
            for _ in 0..trials {
                let stats = source.stats(point.k, &mut rng);
                let query = source.input(&mut rng);
                out.attempted += 1;
                let result = Factor::new(prior, &stats).ok().and_then(|factor| {
                    let (weights, prediction) = posterior::predict_with(prior, &stats, &query, &factor).ok()?;
                    let risk = (prediction - query.dot(&setup.task_w)).powi(2);
                    let retrieval = (prediction - query.dot(w_alpha)).powi(2);
                    let bound = setup
                        .with_bound
                        .then(|| posterior::upper_bound(prior, &stats, &query, &weights, &setup.task_w));
                    let finite = risk.is_finite() && retrieval.is_finite() && bound.is_none_or(f64::is_finite);
                    finite.then_some((risk, retrieval, bound, weights))
                });
                match result {
                    Some(_) if out.failed > 0 => {}
                    Some((risk, retrieval, bound, weights)) => {
                        out.risk.push(risk);
                        out.retrieval_risk.push(retrieval);
                        if let Some(bound) = bound {
                            out.bound.push(bound);
                        }
                        for (mean, p) in out.weights.iter_mut().zip(&weights) {
                            mean.push(*p);
                        }
                    }
                    None => {
                        out.failed += 1;
                        out.risk = Mean::default();
                        out.retrieval_risk = Mean::default();
                        out.bound = Mean::default();
                        out.weights = vec![Mean::default(); prior.skills()];
                    }
                }
            }
            out
        })
        .collect()
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance * a.abs().max(b.abs()) || (a - b).abs() < 1e-300
}

fn same_means(what: &str, k: usize, a: &Mean, b: &Mean, tolerance: f64) {
    assert_eq!(a.count(), b.count(), "{what} at k = {k}: counts");
    assert!(close(a.mean(), b.mean(), tolerance), "{what} at k = {k}: mean {} vs {}", a.mean(), b.mean());
    assert!(
        close(a.standard_error(), b.standard_error(), tolerance),
        "{what} at k = {k}: SE {} vs {}",
        a.standard_error(),
        b.standard_error()
    );
}

/// Every block's counts equal, its means within `tolerance` (relative).
fn agrees_with_the_general_path(setup: RiskSetup, blocks: usize, trials: usize, tolerance: f64) {
    let run = RiskRun::new(setup);
    for index in 0..blocks {
        let fast = run.block(index, trials);
        let reference = reference_block(&run, index, trials);
        for (a, b) in fast.iter().zip(&reference) {
            assert_eq!((a.k, a.attempted, a.failed), (b.k, b.attempted, b.failed), "k = {}: trials", a.k);
            same_means("risk", a.k, &a.risk, &b.risk, tolerance);
            same_means("retrieval risk", a.k, &a.retrieval_risk, &b.retrieval_risk, tolerance);
            same_means("bound", a.k, &a.bound, &b.bound, tolerance);
            for (wa, wb) in a.weights.iter().zip(&b.weights) {
                same_means("weight", a.k, wa, wb, tolerance);
            }
        }
    }
}

fn ks() -> Vec<usize> {
    // Both sampler branches (k ≤ d + 1 example by example, larger k by the Bartlett draw).
    vec![0, 1, 2, 3, 5, 8, 9, 10, 17, 64, 1000, 65_536]
}

#[test]
fn figure_6_priors_in_every_dimension_up_to_eight() {
    for d in 1..=8 {
        let (mu, w) = prior::early_ascent_task(d);
        let setup = RiskSetup {
            prior: prior::early_ascent(d),
            task_mu: mu,
            task_w: w.clone(),
            label_w: w,
            label_noise: 0.0,
            ks: ks(),
            seed: 3,
            with_bound: true,
        };
        agrees_with_the_general_path(setup, 2, 40, 1e-12);
    }
}

#[test]
fn noisy_and_wrong_labels_and_many_skills() {
    let centres: Vec<Vector> = prior::regular_solid(20, 0.25).expect("a dodecahedron").mu;
    let p = Prior {
        weights: (0..20).map(|b| (b + 1) as f64 / 210.0).collect(),
        mu: centres.clone(),
        w: centres.iter().map(|c| c * -0.5).collect(),
        sigma_x: 0.7,
        sigma_y: 1.3,
        sigma_mu: 0.3,
        sigma_w: 0.6,
    };
    let setup = RiskSetup {
        prior: p,
        task_mu: centres[3].clone(),
        task_w: centres[5].clone(),
        label_w: centres[7].clone(),
        label_noise: 0.8,
        ks: ks(),
        seed: 11,
        with_bound: true,
    };
    agrees_with_the_general_path(setup, 2, 40, 1e-12);
}

#[test]
fn a_skill_of_weight_zero_and_extreme_scales() {
    // π_β = 0 gives weight exactly 0. With δ_w = 10^12, A = I + δ_w S has a condition number
    // up to 10^12 times k, so rounding differs between the paths by up to about κ(A)·ε; with
    // δ_w = 10^-24 the likelihood of w is flat.
    for (sigma_w, sigma_y, tolerance) in [(0.2, 1.0, 1e-12), (1e6, 1.0, 1e-2), (1e-9, 1e3, 1e-12)] {
        let mut p = prior::regular4(0.3);
        p.weights = vec![0.5, 0.0, 0.25, 0.25];
        p.sigma_w = sigma_w;
        p.sigma_y = sigma_y;
        let task = prior::regular4_task(2.0);
        let setup = RiskSetup {
            prior: p,
            task_mu: task.clone(),
            task_w: task.clone(),
            label_w: task,
            label_noise: 0.1,
            ks: ks(),
            seed: 5,
            with_bound: true,
        };
        agrees_with_the_general_path(setup, 1, 50, tolerance);
    }
}
