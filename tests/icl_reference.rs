//! The paper figures' curves in d ≥ 2 against the numbers of the independent numpy reproduction in
//! `shared/reference/icl.md` §4 (Figures 4, 5, 6 and 9; §4 gives no numbers for Figures 10 and 11,
//! whose k grid alone is checked), and every figure's k grid against §4.
//!
//! Monte Carlo results are compared as the notes ask (§5): |a − b| ≤ 4·sqrt(SE_a² + SE_b²). Where
//! the notes give no standard error for a reference value, it is derived conservatively from the
//! lab's own spread: the reference averaged the same squared error over T_ref trials, so its SE is
//! the lab's standard deviation over sqrt(T_ref), with T_ref the trial count §4 states (20,000 for
//! Figure 4; 10,000 for Figure 5's numbers, the T the notes give for them; 10,000 for Figures 6 and
//! 9, §4.3's K and §5's "≈1 M evaluations" over Figures 9–11's 105 points). Half a unit of the
//! last printed digit is added for the reference's rounding.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

use adaptlab::icl::prior;
use adaptlab::icl::risk::{power_grid, Mean, RiskRun, RiskSetup};
use adaptlab::lessons::icl_figures::{sweep, IclFigure};
use adaptlab::linalg::Vector;

/// A reference value: the printed number, its standard error (if the notes give one), the trials
/// behind it and half a unit of its last printed digit.
#[derive(Clone, Copy, Debug)]
struct Reference {
    value: f64,
    se: Option<f64>,
    trials: f64,
    rounding: f64,
}

fn reference(value: f64, trials: f64, rounding: f64) -> Reference {
    Reference { value, se: None, trials, rounding }
}

/// |a − b| ≤ 4·sqrt(SE_a² + SE_b²) + rounding, with SE_b derived from the lab's spread when the
/// notes give none.
fn agrees(lab: &Mean, r: Reference) -> bool {
    let sd = lab.standard_error() * (lab.count() as f64).sqrt();
    let se_ref = r.se.unwrap_or(sd / r.trials.sqrt());
    (lab.mean() - r.value).abs() <= 4.0 * (lab.standard_error().powi(2) + se_ref.powi(2)).sqrt() + r.rounding
}

fn check(what: &str, lab: &Mean, r: Reference) {
    assert!(
        agrees(lab, r),
        "{what}: lab {} ± {} ({} trials) vs reference {} (rounding {})",
        lab.mean(),
        lab.standard_error(),
        lab.count(),
        r.value,
        r.rounding
    );
}

/// Runs a paper figure's sweep to `trials` trials per point.
fn run(figure: IclFigure, trials: usize) -> adaptlab::lessons::icl::Sweep {
    let mut s = sweep(figure);
    s.target_trials = trials;
    while s.progress().0 < s.progress().1 {
        s.advance(64);
    }
    s
}

fn ks(s: &adaptlab::lessons::icl::Sweep, curve: usize) -> Vec<usize> {
    s.curves[curve].run.points.iter().map(|p| p.k).collect()
}

#[test]
fn every_paper_figure_uses_the_papers_k_grid() {
    // §4.1: prefixes k ∈ {0, 1, 3, 7, 15, 31, 63, 127}; §4.2: {0, 1, 2, 4, …, 256};
    // §4.3: {0, 1, 2, 4, …} plotted up to 2^16; §4.6: sequences of 32 points, k = 0…31.
    let grids: [(IclFigure, Vec<usize>); 6] = [
        (IclFigure::Four, vec![0, 1, 3, 7, 15, 31, 63, 127]),
        (IclFigure::Five, [0].into_iter().chain((0..=8).map(|p| 1 << p)).collect()),
        (IclFigure::Six, [0].into_iter().chain((0..=16).map(|p| 1 << p)).collect()),
        (IclFigure::Nine, (0..32).collect()),
        (IclFigure::Ten, (0..32).collect()),
        (IclFigure::Eleven, (0..32).collect()),
    ];
    for (figure, grid) in grids {
        let s = sweep(figure);
        for c in 0..s.curves.len() {
            assert_eq!(ks(&s, c), grid, "{figure:?}, curve {}", s.curves[c].label);
        }
    }
}

/// §4.1's table (20,000 trials per δ; "SE ≤ 0.017 everywhere"): risk at k = 0, 1, 3, …, 127 for
/// δ = 1/81, 1/9, 1, 9, 81 in the sweep's order. `None` is the table's "≈0" (below 0.0005).
const FIGURE_4: [[Option<f64>; 8]; 5] = [
    [Some(0.614), Some(0.444), Some(0.297), Some(0.223), Some(0.181), Some(0.132), Some(0.079), Some(0.038)],
    [Some(0.600), Some(0.428), Some(0.227), Some(0.105), Some(0.046), Some(0.015), Some(0.0042), Some(0.0011)],
    [Some(0.764), Some(0.546), Some(0.164), Some(0.015), Some(0.0013), Some(1.7e-4), Some(3.4e-5), Some(7.7e-6)],
    [Some(1.658), Some(0.871), Some(0.100), Some(0.0012), None, None, None, None],
    [Some(1.939), Some(0.931), Some(0.034), None, None, None, None, None],
];

/// Half a unit of the last digit of a number printed to three decimals or two significant digits,
/// as the table prints it.
fn table_rounding(v: f64) -> f64 {
    if v >= 0.01 {
        0.0005
    } else {
        let exponent = v.log10().floor();
        0.05 * 10f64.powf(exponent)
    }
}

#[test]
fn figure_4_matches_the_reference_table_on_the_papers_grid() {
    let s = run(IclFigure::Four, 10_000);
    let mut compared = 0;
    for (c, row) in FIGURE_4.iter().enumerate() {
        let curve = &s.curves[c];
        assert_eq!(ks(&s, c), [0, 1, 3, 7, 15, 31, 63, 127], "{}", curve.label);
        for (point, expected) in curve.run.points.iter().zip(row) {
            let what = format!("Figure 4, {}, k = {}", curve.label, point.k);
            match *expected {
                Some(v) => check(&what, &point.risk, reference(v, 20_000.0, table_rounding(v))),
                None => assert!(point.risk.mean() < 0.0005, "{what}: {} is not ≈0", point.risk.mean()),
            }
            compared += 1;
        }
        // "E π̃_1 at k = 127": 1.000, 1.000, 0.734, 0.301, 0.255 (no SE given; 0.01 allows the
        // rounding and a Monte Carlo error of a few times 0.002).
        let weight = curve.run.points.last().unwrap().weights[0].mean();
        let expected = [1.0, 1.0, 0.734, 0.301, 0.255][c];
        assert!((weight - expected).abs() < 0.01, "{}: E π̃₁(127) = {weight}, reference {expected}", curve.label);
    }
    assert_eq!(compared, 40);
}

/// The comparison can fail: the grid the lab used before (k = 8 at the "7" tick) is rejected at
/// δ = 1/9, where the reference has 0.105 at k = 7 and the lab has ≈0.084 at k = 8.
#[test]
fn a_shifted_figure_4_grid_is_rejected_by_the_reference_comparison() {
    let task = prior::regular4_task(2.0);
    let setup = |ks| RiskSetup {
        prior: prior::regular4((1.0f64 / 9.0).sqrt()),
        task_mu: task.clone(),
        task_w: task.clone(),
        label_w: task.clone(),
        label_noise: 0.0,
        ks,
        seed: 3,
        with_bound: false,
    };
    let r = reference(0.105, 20_000.0, 0.0005);
    let mut right = RiskRun::new(setup(vec![7]));
    right.advance(10_000);
    assert!(agrees(&right.points[0].risk, r), "k = 7: {}", right.points[0].risk.mean());
    let mut shifted = RiskRun::new(setup(vec![8]));
    shifted.advance(10_000);
    assert!(!agrees(&shifted.points[0].risk, r), "k = 8 should not match k = 7: {}", shifted.points[0].risk.mean());
}

#[test]
fn figure_5_matches_the_reference_numbers() {
    // §4.2 (numpy, T = 10,000): at δ = 1/81, k = 4: closest 0.130, medium 0.384, farthest 0.655;
    // the farthest task: 0.688 at k = 0, 0.627 at k = 2, 0.416 at k = 32, 0.039 at k = 256.
    let s = run(IclFigure::Five, 10_000);
    let grid = power_grid(8);
    let at = |curve: usize, k: usize| &s.curves[curve].run.points[grid.iter().position(|&g| g == k).unwrap()].risk;
    // Curves: panel δ = 1/81 holds farthest (0), medium (1), closest (2).
    assert!(s.curves[0].label.starts_with("farthest") && s.curves[2].label.starts_with("closest"));
    for (curve, k, value) in
        [(2, 4, 0.130), (1, 4, 0.384), (0, 4, 0.655), (0, 0, 0.688), (0, 2, 0.627), (0, 32, 0.416), (0, 256, 0.039)]
    {
        let what = format!("Figure 5, δ = 1/81, {}, k = {k}", s.curves[curve].label);
        check(&what, at(curve, k), reference(value, 10_000.0, 0.0005));
    }
}

/// Figure 6's prior and task in dimension d with a chosen k grid, without the bound.
fn figure_6(d: usize, ks: Vec<usize>, seed: u64) -> RiskRun {
    let (mu, w): (Vector, Vector) = prior::early_ascent_task(d);
    RiskRun::new(RiskSetup {
        prior: prior::early_ascent(d),
        task_mu: mu,
        task_w: w.clone(),
        label_w: w,
        label_noise: 0.0,
        ks,
        seed,
        with_bound: false,
    })
}

#[test]
fn figure_6_early_ascent_in_higher_dimensions_matches_the_reference() {
    // §4.3: "For d = 2, 3, 5, 8 the peak is at k ≈ 16 (for example d = 3: 6.70 ± 0.07 → 7.60 ± 0.07).
    // Risk ≈ 1.53 at k = 1024 and ≈ 0.001 at k = 65536"; the peak over k = 0 is +8 % (d = 2),
    // +13 % (d = 3), +10 % (d = 5) and +14 % (d = 8).
    let trials = 10_000;
    let mut d3 = figure_6(3, vec![0, 16], 7);
    d3.advance(trials);
    check("d = 3, k = 0", &d3.points[0].risk, Reference { value: 6.70, se: Some(0.07), trials: 1e4, rounding: 0.005 });
    check("d = 3, k = 16", &d3.points[1].risk, Reference { value: 7.60, se: Some(0.07), trials: 1e4, rounding: 0.005 });
    for (d, percent) in [(2usize, 8.0), (3, 13.0), (5, 10.0), (8, 14.0)] {
        let mut run = figure_6(d, vec![0, 8, 16, 32, 1024, 65536], 100 + d as u64);
        run.advance(trials);
        let p = &run.points;
        // The peak is at k ≈ 16: the grid's highest risk is at k = 8, 16 or 32.
        let peak = (1..4).max_by(|&a, &b| p[a].risk.mean().total_cmp(&p[b].risk.mean())).unwrap();
        let highest = p.iter().map(|q| q.risk.mean()).fold(f64::MIN, f64::max);
        assert_eq!(p[peak].risk.mean(), highest, "d = {d}: the peak is not at k ≈ 16");
        // The rise peak/k₀ − 1 against the stated percentage: its SE by the delta method from the two
        // means (independent streams), the reference's taken equal to it (same T), plus the
        // percentage's rounding (0.5 %).
        let (r0, rp) = (&p[0].risk, &p[peak].risk);
        let rise = rp.mean() / r0.mean() - 1.0;
        let se = (rp.mean() / r0.mean())
            * ((rp.standard_error() / rp.mean()).powi(2) + (r0.standard_error() / r0.mean()).powi(2)).sqrt();
        assert!(
            (rise - percent / 100.0).abs() <= 4.0 * (2.0 * se * se).sqrt() + 0.005,
            "d = {d}: rise {:.1} % ± {:.1} % vs {percent} %",
            100.0 * rise,
            100.0 * se
        );
        check(&format!("d = {d}, k = 1024"), &p[4].risk, reference(1.53, 10_000.0, 0.005));
        check(&format!("d = {d}, k = 65536"), &p[5].risk, reference(0.001, 10_000.0, 0.0005));
    }
}

#[test]
fn figure_9_bayes_optimal_curves_match_the_reference() {
    // §4.6: δ = 1/256: R_learn 0.608 → 0.202 (k = 31), R_retr 0.652 → 0.004; δ = 1: R_learn
    // 0.776 → 2e-4, and R_retr has its minimum 0.219 at k ≈ 8.
    let s = run(IclFigure::Nine, 10_000);
    let (one, small) = (&s.curves[0], &s.curves[4]);
    assert_eq!((one.label.as_str(), small.label.as_str()), ("δ = 1", "δ = 1/256"));
    let at = |c: &adaptlab::lessons::icl::Curve, k: usize| c.run.points.iter().find(|p| p.k == k).unwrap().clone();
    check("δ = 1/256, learning, k = 0", &at(small, 0).risk, reference(0.608, 1e4, 0.0005));
    check("δ = 1/256, learning, k = 31", &at(small, 31).risk, reference(0.202, 1e4, 0.0005));
    check("δ = 1/256, retrieval, k = 0", &at(small, 0).retrieval_risk, reference(0.652, 1e4, 0.0005));
    check("δ = 1/256, retrieval, k = 31", &at(small, 31).retrieval_risk, reference(0.004, 1e4, 0.0005));
    check("δ = 1, learning, k = 0", &at(one, 0).risk, reference(0.776, 1e4, 0.0005));
    check("δ = 1, learning, k = 31", &at(one, 31).risk, reference(2e-4, 1e4, 0.5e-4));
    check("δ = 1, retrieval, k = 8", &at(one, 8).retrieval_risk, reference(0.219, 1e4, 0.0005));
    // Its minimum is near k = 8 (the notes print "k ≈ 8"): the lowest retrieval risk on k = 0…31 is
    // at k = 4…16.
    let lowest =
        one.run.points.iter().min_by(|a, b| a.retrieval_risk.mean().total_cmp(&b.retrieval_risk.mean())).unwrap();
    assert!((4..=16).contains(&lowest.k), "retrieval minimum at k = {}", lowest.k);
}
