//! The risk lesson's live check says what its curve does: the shape is decided from the numbers
//! with two combined standard errors, and the skill it names is read from the mean weights. The
//! rules are re-implemented here from the curve's numbers, independently of `icl_verdict`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

use adaptlab::icl::risk::{RiskPoint, RiskRun};
use adaptlab::lessons::icl_verdict::{self, CurvePoint, Shape};
use adaptlab::pages::Lab;

fn point(k: usize, risk: f64, se: f64) -> CurvePoint {
    CurvePoint { k, risk, se, weights: vec![(0.5, 0.01), (0.5, 0.01)] }
}

fn curve(values: &[(f64, f64)]) -> Vec<CurvePoint> {
    values.iter().enumerate().map(|(i, &(r, se))| point(if i == 0 { 0 } else { 1 << (i - 1) }, r, se)).collect()
}

#[test]
fn the_shape_rules_on_hand_made_curves() {
    let shape = |values: &[(f64, f64)]| icl_verdict::verdict(&curve(values)).shape;
    // A dip 2.1 combined SE below both ends is bounded efficacy; 1.9 is not.
    let se = 0.1;
    let gap = |z: f64| z * (2.0f64 * se * se).sqrt();
    assert_eq!(shape(&[(1.0, se), (1.0 - gap(2.1), se), (1.0, se)]), Shape::Turning { best: Some(1), peak: None });
    assert_eq!(shape(&[(1.0, se), (1.0 - gap(1.9), se), (1.0, se)]), Shape::NoSignificantChange);
    // A bump significant against both ends is early ascent; against k = 0 only, the risk only rises.
    assert_eq!(shape(&[(1.0, se), (2.0, se), (1.0, se)]), Shape::Turning { best: None, peak: Some(1) });
    assert_eq!(shape(&[(1.0, se), (2.0, se), (1.9, se)]), Shape::OnlyRises);
    assert_eq!(shape(&[(2.0, se), (1.5, se), (1.0, se)]), Shape::FallsMonotonically);
    // Significant rises and falls, but the dip is not below the last value: not monotone.
    assert_eq!(shape(&[(2.0, se), (1.0, se), (1.5, se), (1.0, se)]), Shape::NotMonotone);
    assert_eq!(shape(&[(2.0, se)]), Shape::Computing);
}

/// The shape recomputed from the numbers alone (the rules of `icl_verdict`'s table).
fn expected_phrase(points: &[RiskPoint]) -> &'static str {
    let v: Vec<(f64, f64)> = points.iter().map(|p| (p.risk.mean(), p.risk.standard_error())).collect();
    let above = |a: (f64, f64), b: (f64, f64)| a.0 - b.0 > 2.0 * (a.1 * a.1 + b.1 * b.1).sqrt();
    let (first, last) = (v[0], v[v.len() - 1]);
    let lowest = v.iter().copied().fold((f64::INFINITY, 0.0), |a, b| if b.0 < a.0 { b } else { a });
    let highest = v.iter().copied().fold((f64::NEG_INFINITY, 0.0), |a, b| if b.0 > a.0 { b } else { a });
    if above(first, lowest) && above(last, lowest) {
        return "Bounded efficacy: best at k = ";
    }
    if above(highest, first) && above(highest, last) {
        return "Early ascent: ";
    }
    let mut rises = false;
    let mut falls = false;
    for i in 0..v.len() {
        for j in i + 1..v.len() {
            rises |= above(v[j], v[i]);
            falls |= above(v[i], v[j]);
        }
    }
    match (rises, falls) {
        (true, false) => "The risk only rises:",
        (false, true) => "The risk falls monotonically:",
        (false, false) => "No significant change:",
        (true, true) => "The risk is not monotone:",
    }
}

/// The runs of k with the same leading skill (largest mean weight), as "skill γ at k = a…b, …".
fn leading_runs(points: &[RiskPoint]) -> String {
    let lead = |p: &RiskPoint| {
        (0..p.weights.len()).max_by(|&a, &b| p.weights[a].mean().total_cmp(&p.weights[b].mean())).unwrap()
    };
    let mut runs: Vec<(usize, usize, usize)> = Vec::new();
    for p in points {
        match runs.last_mut() {
            Some(r) if r.0 == lead(p) => r.2 = p.k,
            _ => runs.push((lead(p), p.k, p.k)),
        }
    }
    let run = |&(s, a, b): &(usize, usize, usize)| {
        if a == b {
            format!("skill {} at k = {a}", s + 1)
        } else {
            format!("skill {} at k = {a}…{b}", s + 1)
        }
    };
    runs.iter().map(run).collect::<Vec<_>>().join(", ")
}

/// The page's check for a link after all its trials, and the same curve recomputed by the library.
fn report(link: &str) -> (String, Vec<RiskPoint>) {
    let mut lab = Lab::new();
    assert!(lab.load(link).is_empty(), "{link}");
    while {
        let p = lab.advance(500);
        p.done < p.total
    } {}
    let check = lab.compute().unwrap().check;
    let params = &lab.state().icl_risk;
    let mut run = RiskRun::new(params.setup());
    run.advance(params.trials);
    (check, run.points)
}

/// `labels=other` at Regular4, δ = 1/81 said "bounded efficacy … best at k = 0 … the inputs retrieve
/// the right skill" while the risk only rose for 32 examples and skill 1's weight fell to 0.02.
#[test]
fn labels_from_another_skill_are_not_read_as_bounded_efficacy() {
    let (check, points) = report("#v=1&view=icl-risk&prior=regular4&delta=1/81&labels=other&trials=2000");
    assert!(!check.contains("Bounded efficacy"), "{check}");
    assert!(!check.contains("right skill"), "{check}");
    assert!(check.starts_with(expected_phrase(&points)), "{check}");
    // The skills it names are the ones with the largest mean weight, k by k.
    let runs = leading_runs(&points);
    for run in runs.split(", ") {
        assert!(check.contains(&format!("{run} (up to ")), "{check}: expected {runs}");
    }
    // Up to k = 32 the risk only rises while skill 4 (the labels' function) takes over from skill 1.
    let (check, short) = report("#v=1&view=icl-risk&prior=regular4&delta=1/81&labels=other&kmax=5&trials=2000");
    assert_eq!(expected_phrase(&short), "The risk only rises:");
    assert!(check.starts_with("The risk only rises:"), "{check}");
    assert_eq!(leading_runs(&short), "skill 1 at k = 0…2, skill 4 at k = 4…32");
    assert!(check.contains("skill 1 at k = 0…2 (up to ") && check.contains(", skill 4 at k = 4…32 (up to "), "{check}");
}

/// Every label model in every prior (and the lesson's links): the check's opening phrase is the
/// one the numbers call for.
#[test]
fn the_check_opens_with_the_shape_the_numbers_show() {
    let mut links = vec![
        "#v=1&view=icl-risk&trials=1000".to_owned(),
        "#v=1&view=icl-risk&prior=ascent&trials=1000".to_owned(),
        "#v=1&view=icl-risk&prior=biased&labels=random&kmax=10&trials=1000".to_owned(),
    ];
    for prior in ["fig6&d=3", "regular4&delta=1/81", "regular4&delta=81", "biased"] {
        for labels in ["correct", "random", "other", "constant"] {
            links.push(format!("#v=1&view=icl-risk&prior={prior}&labels={labels}&kmax=10&trials=500"));
        }
    }
    for link in &links {
        let (check, points) = report(link);
        assert!(check.starts_with(expected_phrase(&points)), "{link}: {check}");
    }
}

/// "retrieve" is said only of a skill that leads at every k and ends above 1/2, significantly
/// above where it started; a change of leader is listed run by run.
#[test]
fn the_weights_sentence_rules() {
    let with = |weights: &[[f64; 2]]| -> String {
        let points: Vec<CurvePoint> = weights
            .iter()
            .enumerate()
            .map(|(i, w)| CurvePoint { k: i, risk: 1.0, se: 0.1, weights: vec![(w[0], 0.01), (w[1], 0.01)] })
            .collect();
        let v = icl_verdict::verdict(&points);
        icl_verdict::sentence(&points, &v, "correct labels", 100, true)
    };
    let retrieved = with(&[[0.6, 0.4], [0.9, 0.1]]);
    assert!(
        retrieved.contains("The examples retrieve skill 1: its mean weight rises from 0.6 at k = 0 to 0.9 at k = 1")
    );
    // Leading throughout, but only from 0.45 to 0.48 with three skills' worth of weight elsewhere:
    let points = [[0.45, 0.2], [0.48, 0.2]];
    assert!(with(&points).contains("Skill 1 has the largest mean weight at every k: 0.45 at k = 0, 0.48 at k = 1"));
    let changed = with(&[[0.6, 0.4], [0.3, 0.7], [0.2, 0.8]]);
    assert!(
        changed.contains(
            "The skill with the largest mean weight changes with k: skill 1 at k = 0 (up to 0.6 at k = 0), skill 2 at k = 1…2 (up to 0.8 at k = 2)"
        ),
        "{changed}"
    );
    assert!(
        changed.starts_with("No significant change:") && changed.ends_with("Labels: correct labels; 100 trials per k.")
    );
}
