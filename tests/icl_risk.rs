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
    use adaptlab::lessons::icl::BlockJob;
    use adaptlab::lessons::icl_figures::{sweep, IclFigure};
    use adaptlab::pages::wire::{result_from_numbers, result_to_numbers};
    use adaptlab::pages::{Job, JobResult};
    let mut s = sweep(IclFigure::Six);
    let job = s.next_jobs(1)[0];
    let block = s.compute(job).unwrap();
    let numbers = result_to_numbers(&JobResult::Trials(block.clone()));
    let back = result_from_numbers(&Job::Trials(job), &numbers).unwrap();
    assert_eq!(back, JobResult::Trials(block.clone()));
    assert!(result_from_numbers(&Job::Trials(job), &numbers[1..]).is_none(), "wrong length");
    assert!(result_from_numbers(&Job::Trials(job), &numbers[..numbers.len() - 1]).is_none(), "wrong length");
    // The first point's k, then its risk's count: a count must be a whole number ≥ 0.
    let mut bad = numbers.clone();
    bad[3] = -1.0;
    assert!(result_from_numbers(&Job::Trials(job), &bad).is_none(), "negative count");
    let never_handed = BlockJob { curve: job.curve, block: 99, trials: job.trials };
    assert!(!s.accept(never_handed, block.clone()));
    // A block of another shape (a point's k changed) is refused by the sweep.
    let mut shifted = block.clone();
    shifted[0].k += 1;
    assert!(!s.accept(job, shifted));
    assert!(s.accept(job, block));
}

/// The risk lesson's setup for a link (which must open without repairs).
fn lesson_setup(link: &str) -> RiskSetup {
    let parsed = adaptlab::state::parse(link);
    assert!(parsed.notices.is_empty(), "{link}: {:?}", parsed.notices);
    parsed.state.icl_risk.setup()
}

/// Random labels are y ~ N(0, s²) drawn independently of x (`icl.md` §3.3), not y ≡ 0: then
/// b = Σ y_i x_i has E[b] = 0 and E[b_j²] = k s² E[x_j²] = k s² (σ_x² + μ*_j²). Checked for direct
/// draws (k ≤ d + 1) and for the Bartlett path (b = σ_ε·chol(S)·g), for an old `labels=random`
/// link (s = 1) and a chosen spread.
#[test]
fn random_labels_are_drawn_independently_of_x_with_their_variance() {
    let links = [
        ("#v=1&view=icl-risk&prior=regular4&delta=1/81&labels=random&kmax=10", 1.0),
        ("#v=1&view=icl-risk&prior=regular4&delta=1/81&labels=random&ls=2.5", 2.5),
    ];
    for (link, s) in links {
        let setup = lesson_setup(link);
        let source = ContextSource {
            mu: setup.task_mu.clone(),
            sigma_x: setup.prior.sigma_x,
            w: setup.label_w.clone(),
            noise: setup.label_noise,
        };
        let mu = prior::regular4_task(2.0);
        for k in [2usize, 20] {
            let mut r = rng::stream(41, k as u64);
            let trials = 20_000;
            let mut sums = [(0.0, 0.0, 0.0, 0.0); 3];
            for _ in 0..trials {
                let stats = source.stats(k, &mut r);
                for (j, sum) in sums.iter_mut().enumerate() {
                    let (b, b2) = (stats.sum_xy[j], stats.sum_xy[j].powi(2));
                    *sum = (sum.0 + b, sum.1 + b * b, sum.2 + b2, sum.3 + b2 * b2);
                }
            }
            let t = trials as f64;
            for (j, &(s1, s2, q1, q2)) in sums.iter().enumerate() {
                let (mean, se) = (s1 / t, ((s2 / t - (s1 / t).powi(2)) / t).sqrt());
                assert!(mean.abs() <= 4.0 * se, "{link}, k = {k}: E[b_{j}] = {mean} ± {se}");
                let (second, se2) = (q1 / t, ((q2 / t - (q1 / t).powi(2)) / t).sqrt());
                let expected = k as f64 * s * s * (1.0 + mu[j] * mu[j]);
                assert!(
                    (second - expected).abs() <= 4.0 * se2,
                    "{link}, k = {k}: E[b_{j}²] = {second} ± {se2}, expected k s² (σ_x² + μ*_j²) = {expected}"
                );
            }
        }
    }
}

/// The lesson's random-labels curve against brute force: k examples drawn one by one, x_i ~
/// N(μ*, I) and y_i ~ N(0, 1) independent of x_i, each context's posterior in closed form; the
/// prior and task are built here from the paper's Regular4 (δ = 1/81, r = 2), not from the lesson.
/// Constant labels y ≡ 0 dip to ≈0.41 at k = 8; random labels stay near 0.69.
#[test]
fn the_random_labels_curve_matches_examples_drawn_one_by_one() {
    let ks = vec![8usize, 32];
    let lesson = RiskSetup {
        ks: ks.clone(),
        ..lesson_setup("#v=1&view=icl-risk&prior=regular4&delta=1/81&labels=random&kmax=10")
    };
    let mut run = RiskRun::new(lesson);
    run.advance(5_000);
    let p = prior::regular4((1.0f64 / 81.0).sqrt());
    let task = prior::regular4_task(2.0);
    let mut r = rng::stream(43, 0);
    let normal = |r: &mut adaptlab::rng::LabRng| -> f64 { Distribution::<f64>::sample(&StandardNormal, r) };
    for (point, &k) in run.points.iter().zip(&ks) {
        let trials = 5_000;
        let (mut sum, mut sum2) = (0.0, 0.0);
        for _ in 0..trials {
            let xs: Vec<Vector> = (0..k).map(|_| around(&task, 1.0, &mut r)).collect();
            let ys: Vec<f64> = (0..k).map(|_| normal(&mut r)).collect();
            let mut stats = posterior::Stats::empty(3);
            for (x, y) in xs.iter().zip(&ys) {
                stats.push(x, *y);
            }
            let query = around(&task, 1.0, &mut r);
            let err = (posterior::posterior(&p, &stats, &query).unwrap().prediction - query.dot(&task)).powi(2);
            sum += err;
            sum2 += err * err;
        }
        let mean = sum / trials as f64;
        let se = ((sum2 / trials as f64 - mean * mean) / trials as f64).sqrt();
        assert!(
            agrees(point.risk.mean(), point.risk.standard_error(), mean, se),
            "k = {k}: lesson {} ± {} vs brute force {mean} ± {se}",
            point.risk.mean(),
            point.risk.standard_error()
        );
    }
}

/// The biased-labels setting (`prior=biased`: Regular4 centres, task at skill 1, σ_x = 1, σ_y = 4,
/// σ_μ = σ_w = 0.25) with random labels y ~ N(0, 1) shows bounded efficacy (`icl.md` §3.3): the
/// lowest risk, near k = 16, is more than 2 combined standard errors below the risk at k = 0 and
/// at the largest k.
#[test]
fn random_labels_show_a_significant_u_in_the_biased_labels_setting() {
    let setup = lesson_setup("#v=1&view=icl-risk&prior=biased&labels=random&kmax=10");
    assert_eq!(
        (setup.prior.sigma_y, setup.prior.sigma_mu, setup.prior.sigma_w, setup.label_noise),
        (4.0, 0.25, 0.25, 1.0)
    );
    assert_eq!(setup.task_mu, setup.prior.mu[0]);
    assert_eq!(setup.task_w, setup.prior.w[0]);
    let mut run = RiskRun::new(setup);
    run.advance(2_000);
    let p = &run.points;
    let best = p.iter().min_by(|a, b| a.risk.mean().total_cmp(&b.risk.mean())).unwrap();
    let below = |other: &adaptlab::icl::risk::RiskPoint| {
        other.risk.mean() - best.risk.mean()
            > 2.0 * (other.risk.standard_error().powi(2) + best.risk.standard_error().powi(2)).sqrt()
    };
    assert!([8, 16, 32].contains(&best.k), "best k = {}", best.k);
    assert!(below(&p[0]) && below(p.last().unwrap()), "no significant U: best {} at k = {}", best.risk.mean(), best.k);
}

/// The random labels' spread s is a link setting (`ls`, s ∈ [0.1, 4], default 1), validated like
/// every other: old `labels=random` links open on s = 1 without a repair.
#[test]
fn the_random_labels_spread_is_validated_by_the_state_table() {
    let old = adaptlab::state::parse("#v=1&view=icl-risk&prior=regular4&delta=1/81&labels=random&kmax=10");
    assert!(old.notices.is_empty());
    assert_eq!(old.state.icl_risk.setup().label_noise, 1.0);
    let set = adaptlab::state::parse("#v=1&view=icl-risk&labels=random&ls=0.25");
    assert!(set.notices.is_empty());
    assert_eq!(set.state.icl_risk.setup().label_noise, 0.25);
    assert_eq!(adaptlab::state::serialise(&set.state), "v=1&view=icl-risk&labels=random&ls=0.25");
    for (bad, clamped) in [("9", 4.0), ("0", 0.1), ("-3", 0.1)] {
        let parsed = adaptlab::state::parse(&format!("#v=1&view=icl-risk&labels=random&ls={bad}"));
        assert_eq!(parsed.notices.len(), 1, "ls = {bad}");
        assert_eq!(parsed.state.icl_risk.setup().label_noise, clamped, "ls = {bad}");
    }
    let junk = adaptlab::state::parse("#v=1&view=icl-risk&labels=random&ls=abc");
    assert_eq!((junk.notices.len(), junk.state.icl_risk.setup().label_noise), (1, 1.0));
    // Constant labels are their own choice: y ≡ 0, no noise.
    let constant = adaptlab::state::parse("#v=1&view=icl-risk&labels=constant").state.icl_risk.setup();
    assert_eq!((constant.label_noise, constant.label_w.norm()), (0.0, 0.0));
}
