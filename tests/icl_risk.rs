//! Monte Carlo risk curves against the independent numpy reproduction in the reference notes, and
//! the Bayes risk's monotonicity for tasks drawn from the prior.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::needless_range_loop)] // tests fail loudly and index parallel arrays

use adaptlab::icl::posterior;
use adaptlab::icl::prior::{self, Prior};
use adaptlab::icl::risk::{RiskRun, RiskSetup};
use adaptlab::icl::sampler::ContextSource;
use adaptlab::linalg::Vector;
use adaptlab::rng;
use rand::RngExt;
use rand_distr::{Distribution, StandardNormal};

fn figure6_d1(ks: Vec<usize>, seed: u64) -> RiskRun {
    let (mu, w) = prior::early_ascent_task(1);
    RiskRun::new(RiskSetup {
        prior: prior::early_ascent(1),
        task_mu: mu,
        task_w: w.clone(),
        label_w: w,
        label_noise: 0.0,
        ks,
        seed,
        with_bound: true,
    })
}

/// |a − b| ≤ 4·sqrt(SE_a² + SE_b²), the reference notes' rule for comparing Monte Carlo results.
fn agrees(value: f64, se: f64, reference: f64, reference_se: f64) -> bool {
    (value - reference).abs() <= 4.0 * (se * se + reference_se * reference_se).sqrt()
}

#[test]
fn figure_6_early_ascent_matches_the_reference_reproduction() {
    // numpy reproduction (icl.md §4.3, d = 1): k → (risk, SE, E π̃_1).
    let reference =
        [(0, 7.246, 0.031, 0.776), (8, 7.741, 0.030, 0.980), (64, 6.817, 0.026, 1.0), (1024, 1.540, 0.006, 1.0)];
    let mut run = figure6_d1(reference.iter().map(|r| r.0).collect(), 11);
    run.advance(20_000);
    for (point, &(k, risk, se, weight)) in run.points.iter().zip(&reference) {
        assert!(
            agrees(point.risk.mean(), point.risk.standard_error(), risk, se),
            "k = {k}: {} ± {} vs {risk} ± {se}",
            point.risk.mean(),
            point.risk.standard_error()
        );
        assert!((point.weights[0].mean() - weight).abs() < 0.01, "k = {k}: E π̃₁ = {}", point.weights[0].mean());
    }
    // Early ascent: the risk rises from k = 0 to k = 8 before it falls.
    let (r0, r8) = (&run.points[0].risk, &run.points[1].risk);
    assert!(r8.mean() - r0.mean() > 4.0 * (r0.standard_error().powi(2) + r8.standard_error().powi(2)).sqrt());
    // The bound holds (on average) and is tight once the misleading skill is retrieved.
    for p in &run.points {
        assert!(
            p.bound.mean() >= p.risk.mean() * 0.99,
            "k = {}: bound {} < risk {}",
            p.k,
            p.bound.mean(),
            p.risk.mean()
        );
    }
}

#[test]
fn results_do_not_depend_on_chunking() {
    let mut once = figure6_d1(vec![0, 4, 4096], 5);
    once.advance(300);
    let mut chunks = figure6_d1(vec![0, 4, 4096], 5);
    for _ in 0..3 {
        chunks.advance(100);
    }
    assert_eq!(once.points, chunks.points);
}

/// A draw from N(centre, s²I).
fn around(centre: &Vector, s: f64, r: &mut adaptlab::rng::LabRng) -> Vector {
    let noise: Vec<f64> =
        (0..centre.len()).map(|_| s * Distribution::<f64>::sample(&StandardNormal, &mut *r)).collect();
    centre + Vector::from_vec(noise)
}

#[test]
fn bayes_risk_for_tasks_from_the_prior_does_not_increase_with_k() {
    // For tasks drawn from the prior, the MMSE cannot grow with more conditioning (icl.md §2.4).
    let p: Prior = prior::early_ascent(2);
    let mut r = rng::stream(21, 0);
    let ks = [0usize, 1, 2, 4, 8, 16];
    let trials = 40_000;
    let mut sums = vec![(0.0, 0.0); ks.len()];
    for _ in 0..trials {
        let beta = r.random_range(0..p.skills());
        let mu = around(&p.mu[beta], p.sigma_mu, &mut r);
        let w = around(&p.w[beta], p.sigma_w, &mut r);
        let source = ContextSource { mu, sigma_x: p.sigma_x, w: w.clone(), noise: p.sigma_y };
        for (i, &k) in ks.iter().enumerate() {
            let stats = source.stats(k, &mut r);
            let query = source.input(&mut r);
            let e: f64 = Distribution::<f64>::sample(&StandardNormal, &mut r);
            let y = query.dot(&w) + p.sigma_y * e;
            let err = (posterior::posterior(&p, &stats, &query).unwrap().prediction - y).powi(2);
            sums[i].0 += err;
            sums[i].1 += err * err;
        }
    }
    let stats: Vec<(f64, f64)> = sums
        .iter()
        .map(|&(s, s2)| {
            let mean = s / trials as f64;
            (mean, ((s2 / trials as f64 - mean * mean) / trials as f64).sqrt())
        })
        .collect();
    for pair in stats.windows(2) {
        let ((a, sa), (b, sb)) = (pair[0], pair[1]);
        assert!(b <= a + 4.0 * (sa * sa + sb * sb).sqrt(), "risk rose from {a} to {b}");
    }
}

/// The worker pool's contract: blocks computed anywhere, accepted in any order (with duplicates
/// and stale results), give exactly the numbers of computing everything on one thread.
#[test]
fn blocks_merged_out_of_order_equal_one_thread() {
    use adaptlab::lessons::icl_figures::{sweep, IclFigure};
    let mut local = sweep(IclFigure::Four);
    local.target_trials = 260; // five full blocks and a partial one per curve
    let mut pooled = sweep(IclFigure::Four);
    pooled.target_trials = 260;
    while local.progress().0 < local.progress().1 {
        local.advance(3);
    }
    // Three "workers" take jobs in turns; results come back reversed, some twice.
    let mut rounds = 0;
    while pooled.progress().0 < pooled.progress().1 {
        let jobs = pooled.next_jobs(7);
        let results: Vec<_> = jobs.iter().map(|&j| (j, pooled.compute(j).unwrap())).collect();
        for (job, block) in results.iter().rev() {
            pooled.accept(*job, block.clone());
        }
        if let Some((job, block)) = results.first() {
            assert!(!pooled.accept(*job, block.clone()), "a block is merged once");
        }
        rounds += 1;
        assert!(rounds < 1000);
    }
    for (a, b) in local.curves.iter().zip(&pooled.curves) {
        assert_eq!(a.run.points, b.run.points, "{}", a.label);
        assert_eq!(a.run.trials(), 260);
    }
}

#[test]
fn a_block_survives_the_trip_between_threads_and_foreign_blocks_are_refused() {
    use adaptlab::icl::risk::block_to_numbers;
    use adaptlab::lessons::icl_figures::{sweep, IclFigure};
    let mut s = sweep(IclFigure::Six);
    let job = s.next_jobs(1)[0];
    let block = s.compute(job).unwrap();
    let numbers = block_to_numbers(&block);
    let back = s.curves[job.curve].run.block_from_numbers(&numbers).unwrap();
    assert_eq!(back, block);
    assert!(s.curves[job.curve].run.block_from_numbers(&numbers[1..]).is_none(), "wrong length");
    let mut bad = numbers.clone();
    bad[0] = -1.0;
    assert!(s.curves[job.curve].run.block_from_numbers(&bad).is_none(), "negative count");
    let never_handed = adaptlab::lessons::icl::Job { curve: job.curve, block: 99, trials: job.trials };
    assert!(!s.accept(never_handed, block.clone()));
    assert!(s.accept(job, block));
}
