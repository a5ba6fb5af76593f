//! The paper's pretraining of a frozen model (up to 1,000 Adam steps) runs in the page's sliced
//! background work (`Lab::advance`) in the linear and ReLU lessons, so a state change never
//! blocks the page on it. Splitting it must not change a single bit: the page's models equal
//! those of the synchronous pretraining (`train::pretrain`, run in one call).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

use adaptlab::lessons::{lora_fnn, lora_linear};
use adaptlab::linalg::Vector;
use adaptlab::lora::fnn::Fnn;
use adaptlab::lora::train::{self, Activation};
use adaptlab::pages::{Lab, Report, Status};
use adaptlab::rng;

fn number(report: &Report, id: &str) -> Option<f64> {
    report.numbers.iter().find(|n| n.id == id).and_then(|n| n.value)
}

/// Loads `link`, checks that the first report waits for the pretraining, then advances one unit
/// at a time to the end; returns the lab, its final report, how many calls it took and the
/// progress bar's texts on the way.
fn sliced(link: &str, waiting: &str) -> (Lab, Report, usize, Vec<String>) {
    let mut lab = Lab::new();
    assert!(lab.load(link).is_empty(), "{link} needs no repair");
    let first = lab.compute().unwrap();
    assert!(first.check.starts_with(waiting), "{}", first.check);
    assert_eq!(first.status, Status::Approximate);
    assert!(first.numbers.iter().all(|n| n.value.is_none() && n.shown.is_empty()), "no number before the models exist");
    let mut calls = 0;
    let mut texts = Vec::new();
    loop {
        let progress = lab.advance(1);
        calls += 1;
        texts.push(lab.progress_text(progress));
        if calls == 3 {
            let expected = format!("pretraining the frozen model: Adam step {} of at most 1,000", progress.done);
            assert_eq!(lab.progress_text(progress), expected);
            let report = lab.compute().unwrap();
            assert!(
                report.check.contains(&format!("(Adam step {} of at most 1,000)", progress.done)),
                "{}",
                report.check
            );
        }
        if progress.is_complete() {
            break;
        }
        assert!(calls < 100_000, "the pretraining ends");
    }
    let report = lab.compute().unwrap();
    (lab, report, calls, texts)
}

#[test]
fn the_linear_lessons_pretraining_is_sliced_and_gives_the_synchronous_models_bit_for_bit() {
    let link = "#v=1&view=lora-linear&D=12&L=3&R=2&seed=5&frozen=pretrained";
    let (lab, report, calls, texts) = sliced(link, "Pretraining the frozen layers towards the target");
    assert!(calls > 10, "the pretraining took {calls} calls of one unit each");
    // After the pretraining, the curve's 13 ranks come one per call.
    let ranks: Vec<&String> = texts.iter().filter(|t| t.ends_with(" of 13 ranks")).collect();
    assert_eq!(ranks.first().map(|t| t.as_str()), Some("computing the curve: 0 of 13 ranks"));
    assert_eq!(ranks.len(), 13, "{ranks:?}");
    // The reference: the models drawn from the seed, moved by `train::pretrain` in one call.
    let params = lora_linear::Params { width: 12, depth: 3, rank: 2, seed: 5, pretrained: true, ..Default::default() };
    let drawn = lora_linear::Params { pretrained: false, ..params.clone() }.models();
    let zeros = |n: usize| vec![Vector::zeros(12); n];
    let target = Fnn { weights: vec![drawn.target.clone()], biases: zeros(1) };
    let frozen = Fnn { biases: zeros(3), weights: drawn.frozen.clone() };
    let stream = rng::stream(5, rng::streams::PRETRAINING);
    let (moved, steps) = train::pretrain(&target, &frozen, Activation::Linear, stream);
    assert!(steps > 1 && steps < calls * 2 + 2, "{steps} steps in {calls} calls");
    let problem = lora_linear::Problem { target: drawn.target, frozen: moved.weights, ranks: vec![2; 3] };
    assert_eq!(lab.problem_json().unwrap(), adaptlab::solve::lora_linear::problem_json(&problem).to_string());
    let analysis = lora_linear::analyse(&problem).unwrap();
    let outcome = lora_linear::solve(&problem, &analysis.discrepancy);
    assert_eq!(number(&report, "num-optimal"), Some(outcome.optimal.frobenius.powi(2)));
    assert_eq!(number(&report, "num-mse"), Some(outcome.optimal.gaussian_mse));
    assert_eq!(report.check, outcome.live_check());
    // The curve made a rank per call is the one-call analysis's, point for point.
    let one_call = adaptlab::plots::lora_linear::figures(&problem, &analysis, &outcome);
    assert_eq!(lab.figures().csv(), one_call.csv());
    // And the command line's one-call computation says the same.
    let mut native = Lab::new();
    native.load(link);
    assert_eq!(native.compute_all().unwrap(), report);
}

#[test]
fn the_relu_lessons_pretraining_is_sliced_and_gives_the_synchronous_models_bit_for_bit() {
    let link = "#v=1&view=lora-fnn&D=8&Lbar=1&L=3&R=2&seed=4&frozen=pretrained";
    let (mut lab, report, calls, _) = sliced(link, "Pretraining the frozen ReLU network towards the target");
    assert!(calls > 10, "the pretraining took {calls} calls of one unit each");
    // The reference: `lora_fnn::Params::problem`, which pretrains with `train::pretrain` in one call.
    let params = lora_fnn::Params {
        width: 8,
        target_depth: 1,
        depth: 3,
        rank: 2,
        seed: 4,
        pretrained: true,
        ..Default::default()
    };
    let problem = params.problem();
    let (reference, _) = train::pretrain(
        &lora_fnn::Params { pretrained: false, ..params.clone() }.problem().target,
        &lora_fnn::Params { pretrained: false, ..params.clone() }.problem().frozen,
        Activation::Relu { relu_on_output: true },
        rng::stream(4, rng::streams::PRETRAINING),
    );
    assert_eq!(problem.frozen, reference);
    assert_eq!(lab.problem_json().unwrap(), adaptlab::solve::lora_fnn::problem_json(&problem).to_string());
    let (_, calibration, test) = lora_fnn::evaluate(&problem, 2).unwrap();
    assert_eq!(number(&report, "fnn-mse-test"), Some(test));
    assert_eq!(number(&report, "fnn-mse-calibration"), Some(calibration));
    let finished = lab.compute_all().unwrap();
    let mut native = Lab::new();
    native.load(link);
    assert_eq!(native.compute_all().unwrap(), finished);
}

#[test]
fn the_linear_lesson_recomputes_when_the_students_matrices_change_at_the_same_size() {
    // The analysis is cached by the models' key, which must include the student's own matrices.
    let first = "#v=1&view=lora-linear&R=1&cm=1,0;0,1/2,0;0,1";
    let second = "#v=1&view=lora-linear&R=1&cm=1,0;0,3/2,0;0,1";
    let mut lab = Lab::new();
    lab.load(first);
    let before = lab.compute().unwrap();
    lab.load(second);
    let after = lab.compute().unwrap();
    let mut fresh = Lab::new();
    fresh.load(second);
    assert_eq!(after.numbers, fresh.compute().unwrap().numbers);
    assert_ne!(before.numbers, after.numbers);
}

#[test]
fn a_large_linear_models_curve_is_made_in_the_background_and_equals_the_one_call_analysis() {
    // D = 64, L = 8: the curve's nine constructions took 40–80 ms in one task; E, the live check
    // and the numbers are shown at once, and the curve fills in a rank per unit of work.
    let link = "#v=1&view=lora-linear&D=64&L=8&R=2&seed=9";
    let mut lab = Lab::new();
    assert!(lab.load(link).is_empty());
    let first = lab.compute().unwrap();
    let summary = |report: &Report| report.summaries.iter().find(|(k, _)| *k == "error").unwrap().1.clone();
    assert_eq!(
        summary(&first),
        "Squared Frobenius error against LoRA rank R = 0…64 at depth L = 8: 0 of 65 ranks computed so far."
    );
    let mut calls = 0;
    while !lab.advance(1).is_complete() {
        calls += 1;
    }
    assert_eq!(calls, 64, "a rank per call (the 65th completes it)");
    let last = lab.compute().unwrap();
    assert_eq!(first.check, last.check, "the live check needs only E");
    assert_eq!(first.numbers, last.numbers);
    let params = lora_linear::Params { width: 64, depth: 8, rank: 2, seed: 9, ..Default::default() };
    let problem = params.problem();
    let analysis = lora_linear::analyse(&problem).unwrap();
    let outcome = lora_linear::solve(&problem, &analysis.discrepancy);
    assert_eq!(summary(&last), outcome.curve_summary(&analysis.curve));
    let one_call = adaptlab::plots::lora_linear::figures(&problem, &analysis, &outcome);
    assert_eq!(lab.figures().csv(), one_call.csv());
}

/// The training lesson's pretrained frozen model is made in the page's background work, a few
/// steps per unit, and the run then equals the one-call run (same loss curve, same numbers).
#[test]
fn the_training_lessons_pretraining_is_sliced_and_ends_on_the_same_run() {
    let link = "#v=1&view=lora-training&frozen=pretrained&D=8&steps=200";
    let mut lab = Lab::new();
    lab.load(link);
    let first = lab.compute().unwrap();
    assert!(first.check.starts_with("Pretraining the frozen model"), "{}", first.check);
    let progress = lab.advance(1);
    assert!(progress.done > 0 && progress.done < progress.total, "{progress:?}: one unit is a few steps, not all");
    let sliced = lab.compute_all().unwrap();
    // The one-call run on the same setting: pretraining whole, then training.
    let mut whole = adaptlab::lessons::lora_training::Run::new(&lab.state().lora_training);
    whole.advance(usize::MAX);
    let number = |id: &str| sliced.numbers.iter().find(|n| n.id == id).and_then(|n| n.value);
    assert_eq!(number("train-test"), whole.final_test_mse);
    assert_eq!(number("train-start"), Some(whole.references.start));
    assert_eq!(number("train-steps-taken"), Some(whole.steps() as f64));
    assert!(
        sliced.summaries[0].1.contains(&format!("pretrained for {} steps", whole.pretrain_steps)),
        "{}",
        sliced.summaries[0].1
    );
}
