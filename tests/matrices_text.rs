//! A student's own matrices in the deep-linear lesson: the link text reads back exactly, errors
//! name the matrix and row, and the lesson's numbers equal `adaptlab solve` on the same matrices.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

use adaptlab::lessons::matrices_text::{canonical, parse, write};
use adaptlab::pages::Lab;
use adaptlab::state;

/// The singular example as the target, one frozen layer and a second one.
const TEXT: &str = "1,0.5;0,1/2,0;1,1/1,0;0,1";

#[test]
fn matrices_read_back_exactly_and_fix_width_and_depth() {
    let models = parse(TEXT).unwrap();
    assert_eq!((models.target.nrows(), models.frozen.len()), (2, 2));
    assert_eq!(models.frozen[0][(1, 0)], 1.0);
    assert_eq!(canonical(&write(&models)).unwrap(), write(&models));
    let parsed = state::parse(&format!("#v=1&view=lora-linear&R=1&cm={TEXT}"));
    assert!(parsed.notices.is_empty(), "{:?}", parsed.notices);
    let p = &parsed.state.lora_linear;
    assert_eq!((p.width, p.depth, p.rank), (2, 2, 1));
    assert_eq!(state::parse(&state::serialise(&parsed.state)).state, parsed.state);
}

#[test]
fn errors_name_the_matrix_and_the_row() {
    for (text, expected) in [
        ("1,0;0,1/1,0;0", "frozen[0]: row 1 has 1 entries but row 0 has 2"),
        ("1,0;0,x/1,0;0,1", "target row 1, entry 1: 'x' is not a finite number"),
        ("1,0;0,1/1,0,0;0,1,0;0,0,1", "frozen[0]"),
        ("1,0;0,1", "1 matrices were given"),
        ("1,0,0;0,1,0/1,0;0,1", "target: the matrix is 2×3 but must be square"),
    ] {
        let error = parse(text).unwrap_err().to_string();
        assert!(error.contains(expected), "{text}: {error}");
    }
    // A bad set is refused in the link with the field named; the models in use stay.
    let mut s = state::parse(&format!("#v=1&view=lora-linear&cm={TEXT}")).state;
    let before = s.clone();
    let notices = state::set(&mut s, "cm", "1,0;0,1/1,0;0");
    assert!(notices[0].starts_with("cm: frozen[0]: row 1"), "{}", notices[0]);
    assert_eq!(s, before);
}

#[test]
fn the_lesson_computes_what_solve_computes_for_the_same_matrices() {
    let mut lab = Lab::new();
    lab.load(&format!("#v=1&view=lora-linear&R=1&cm={TEXT}"));
    let report = lab.compute().unwrap();
    let problem: serde_json::Value = serde_json::from_str(&lab.problem_json().unwrap()).unwrap();
    assert_eq!(problem["target"], serde_json::json!([[1.0, 0.5], [0.0, 1.0]]));
    assert_eq!(problem["frozen"][1], serde_json::json!([[1.0, 0.0], [0.0, 1.0]]));
    let answer = adaptlab::solve::solve_value(&problem).unwrap();
    let shown = report.numbers.iter().find(|n| n.id == "num-optimal").unwrap().value.unwrap();
    let solved = answer["optimal"]["frobenius"].as_f64().unwrap().powi(2);
    assert!((shown - solved).abs() <= 1e-12 * solved.max(1.0), "{shown} vs {solved}");
}
