//! A student's own prior in the risk lesson: its link text reads back exactly, every error names
//! its field, and the lesson computes with it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

use adaptlab::lessons::icl::PriorChoice;
use adaptlab::lessons::prior_text::{canonical, parse, write};
use adaptlab::state;

/// The ICL issue's public example prior, with a task.
const EXAMPLE: &str = "pi:0.3,0.7;mu:1/-1;w:-1/1;sx:1;sy:0.5;smu:0.5;sw:0.5;tmu:0.5;tw:1";

#[test]
fn a_prior_reads_back_exactly_from_its_canonical_text() {
    let custom = parse(EXAMPLE).unwrap();
    assert_eq!(custom.prior.weights, vec![0.3, 0.7]);
    assert_eq!(custom.prior.mu[1].as_slice(), &[-1.0]);
    assert_eq!((custom.prior.sigma_y, custom.task_mu[0], custom.task_w[0]), (0.5, 0.5, 1.0));
    let text = write(&custom);
    assert_eq!(parse(&text).unwrap(), custom);
    assert_eq!(canonical(&text).unwrap(), text);
    // Without a task, the task is skill 1's centres; spaces and order do not matter.
    let plain = parse("sw:0.5; smu:0.5 ;sy:0.5;sx:1;w:-1/1;mu:1/-1;pi:0.3,0.7").unwrap();
    assert_eq!((plain.task_mu[0], plain.task_w[0]), (1.0, -1.0));
}

#[test]
fn every_error_names_its_field() {
    let cases = [
        ("pi:0.3,0.6;mu:1/-1;w:-1/1;sx:1;sy:0.5;smu:0.5;sw:0.5", "prior.weights: the weights sum to 0.9, not 1"),
        ("pi:0.3,0.7;mu:1,2/-1;w:-1/1;sx:1;sy:0.5;smu:0.5;sw:0.5", "prior.mu[1]"),
        ("pi:0.3,0.7;mu:1/-1;w:-1/x;sx:1;sy:0.5;smu:0.5;sw:0.5", "prior.w[1][0]: 'x' is not a finite number"),
        ("pi:0.3,0.7;mu:1/-1;w:-1/1;sx:1;sy:-0.5;smu:0.5;sw:0.5", "prior.sigma_y: -0.5 is not a positive number"),
        ("pi:0.3,0.7;mu:1/-1;w:-1/1;sx:1;sy:0.5;smu:0.5", "prior.sigma_w: is missing"),
        ("pi:0.3,0.7;mu:1/-1;w:-1/1;sx:1;sy:0.5;smu:0.5;sw:0.5;tw:1,2", "task.w"),
        ("pi:1;mu:1;w:1;sx:1;sy:1;smu:1;sw:1;zz:3", "'zz' is not one of"),
        ("pi:1;pi:1", "prior.pi: is given twice"),
    ];
    for (text, expected) in cases {
        let error = parse(text).unwrap_err().to_string();
        assert!(error.contains(expected), "{text}: {error}");
    }
    let ones = vec!["1"; 20].join("/");
    let too_many = format!("pi:{};mu:{ones};w:{ones};sx:1;sy:1;smu:1;sw:1", vec!["0.05"; 20].join(","));
    assert!(parse(&too_many).unwrap_err().to_string().contains("at most 16 skills"));
}

#[test]
fn the_risk_lesson_uses_a_prior_from_the_link_and_keeps_its_own_on_a_bad_one() {
    let link = format!("#v=1&view=icl-risk&cp={EXAMPLE}");
    let parsed = state::parse(&link);
    assert!(parsed.notices.is_empty(), "{:?}", parsed.notices);
    assert_eq!(parsed.state.icl_risk.prior, PriorChoice::Custom);
    let setup = parsed.state.icl_risk.setup();
    assert_eq!(setup.prior.weights, vec![0.3, 0.7]);
    assert_eq!(setup.task_mu[0], 0.5);
    let canonical_link = state::serialise(&parsed.state);
    assert!(canonical_link.contains("prior=custom&") && canonical_link.contains("cp=pi:0.3,0.7;"), "{canonical_link}");
    assert_eq!(state::parse(&canonical_link).state, parsed.state);
    // A bad prior is refused with the field named, and the prior in use stays.
    let mut s = parsed.state.clone();
    let notices = state::set(&mut s, "cp", "pi:0.5,0.6;mu:1/-1;w:-1/1;sx:1;sy:0.5;smu:0.5;sw:0.5");
    assert_eq!(notices.len(), 1);
    assert!(notices[0].starts_with("cp: prior.weights: the weights sum to 1.1, not 1"), "{}", notices[0]);
    assert_eq!(s, parsed.state);
    // "prior=custom" without a prior falls back, saying so.
    let bare = state::parse("#v=1&view=icl-risk&prior=custom");
    assert_eq!(bare.state.icl_risk.prior, PriorChoice::EarlyAscent);
    assert!(bare.notices[0].contains("prior = custom needs a prior of your own"));
}
