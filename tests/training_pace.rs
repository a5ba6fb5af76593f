//! The training lesson's pace and its outputs figure. The pace (how many steps a second the page
//! runs) changes no number: every pace, and a run advanced ten steps at a time with pauses,
//! pace changes and redraws in between, gives the same losses to the bit as one run in one go.
//! The outputs figure plots the probe inputs' outputs: at step 0 the trained adapters are zero,
//! so its circles are the frozen model's outputs, computed here by the network's own forward
//! pass on the regenerated probe inputs.

#![allow(clippy::expect_used)] // tests fail loudly

use adaptlab::lessons::lora_training::{self, Pace, TEST_SIZE};
use adaptlab::lessons::training_probes::PROBES;
use adaptlab::lora::models;
use adaptlab::pages::Lab;
use adaptlab::plots::Figure;
use adaptlab::rng;

/// What a lab shows after all its work: the live check, summaries, numbers and every plotted value.
fn shown(lab: &mut Lab) -> String {
    let report = lab.compute_all().expect("computes");
    format!("{}|{:?}|{:?}|{}", report.check, report.summaries, report.numbers, lab.figures().csv())
}

/// The training losses as plotted, as exact f64 values.
fn losses(lab: &Lab) -> Vec<f64> {
    lab.figures().points().into_iter().filter(|p| p.series == "training_loss").filter_map(|p| p.y).collect()
}

const LINKS: [&str; 3] = [
    "v=1&view=lora-training&steps=600",
    "v=1&view=lora-training&model=linear&D=8&R=2&lr=1e-2&steps=400",
    "v=1&view=lora-training&D=8&frozen=pretrained&steps=300",
];

#[test]
fn every_pace_shows_the_same_numbers() {
    for link in LINKS {
        let mut reference = Lab::new();
        reference.load(link);
        let expected = shown(&mut reference);
        for pace in Pace::KEYS {
            let mut lab = Lab::new();
            let notices = lab.load(&format!("{link}&pace={pace}"));
            assert!(notices.is_empty(), "{notices:?}");
            assert_eq!(lab.state().training_pace.key(), pace);
            assert_eq!(shown(&mut lab), expected, "#{link}&pace={pace}");
        }
    }
}

#[test]
fn a_paced_run_with_pauses_and_pace_changes_gives_bit_identical_losses() {
    for link in LINKS {
        let mut fastest = Lab::new();
        fastest.load(&format!("{link}&pace=max"));
        fastest.compute_all().expect("computes");
        let expected = losses(&fastest);
        assert!(expected.len() >= 300, "{link}: {} losses", expected.len());

        // The page at the watching pace: one unit (ten steps) per task, a redraw now and then,
        // the pace changed mid-run, a pause (no calls), a change of seed and back (a new run of
        // the same state), as a reader might.
        let mut paced = Lab::new();
        paced.load(link);
        let mut tasks = 0;
        loop {
            let progress = paced.advance(1);
            tasks += 1;
            if tasks % 7 == 0 {
                paced.compute().expect("computes");
            }
            if tasks == 5 {
                assert!(paced.set("pace", "fast").is_empty());
            }
            if tasks == 9 {
                assert!(paced.set("seed", "1").is_empty());
                paced.compute().expect("computes");
                assert!(paced.set("seed", "0").is_empty());
            }
            if progress.is_complete() {
                break;
            }
        }
        paced.compute().expect("computes");
        let got = losses(&paced);
        assert_eq!(got.len(), expected.len(), "{link}");
        for (i, (a, b)) in got.iter().zip(&expected).enumerate() {
            assert_eq!(a.to_bits(), b.to_bits(), "{link}: loss at step {} differs: {a} vs {b}", i + 1);
        }
        assert_eq!(paced.figures().csv(), fastest.figures().csv(), "{link}");
    }
}

#[test]
fn only_the_training_run_is_paced_and_at_the_rates_the_control_names() {
    let mut lab = Lab::new();
    lab.load("v=1&view=lora-training");
    // Ten steps a unit: 200 and 1,000 steps a second.
    assert_eq!(lab.pace(), Some(20.0));
    lab.set("pace", "fast");
    assert_eq!(lab.pace(), Some(100.0));
    lab.set("pace", "max");
    assert_eq!(lab.pace(), None);
    // A pretrained frozen model is made at full speed; the run after it is paced.
    lab.load("v=1&view=lora-training&D=4&frozen=pretrained");
    assert_eq!(lab.pace(), None);
    while !lab.advance(1).is_complete() && lab.pace().is_none() {}
    assert_eq!(lab.pace(), Some(20.0));
    // Other lessons have no pace.
    lab.load("v=1&view=lora-linear&pace=watch");
    assert_eq!(lab.pace(), None);
    assert_eq!(lab.fragment(), "v=1&view=lora-linear", "the pace belongs to the training lesson");
    // A bad pace in a link is repaired, with a notice.
    let notices = lab.load("v=1&view=lora-training&pace=slow");
    assert_eq!(lab.state().training_pace, Pace::Watch);
    assert_eq!(notices.len(), 1, "{notices:?}");
}

#[test]
fn the_outputs_figure_starts_at_the_frozen_model_on_the_probe_inputs() {
    for (link, relu) in
        [("v=1&view=lora-training&D=6&R=2", true), ("v=1&view=lora-training&model=linear&D=5&R=1", false)]
    {
        let mut lab = Lab::new();
        lab.load(link);
        lab.compute().expect("computes");
        let params = lab.state().lora_training.clone();
        let Some(Figure::Scatter(scatter)) = lab.figures().get("outputs") else { panic!("{link}: no outputs scatter") };
        let trained = &scatter.curve.series.iter().find(|s| s.key == "trained_outputs").expect("trained series").points;
        // The probes: the first test inputs, drawn again from the test stream.
        let test = models::gaussian_inputs(&mut rng::stream(params.seed, rng::streams::TEST), params.width, TEST_SIZE);
        let probes = test.columns(0, PROBES).into_owned();
        let (target, frozen) = lora_training::drawn_models(&params);
        // A ReLU network's own forward pass; a linear model's product of layers W_L ⋯ W_1 x.
        let linear = |net: &adaptlab::lora::fnn::Fnn| net.weights.iter().fold(probes.clone(), |x, w| w * x);
        let (target_out, frozen_out) = if relu {
            (target.forward(&probes, true), frozen.forward(&probes, true))
        } else {
            (linear(&target), linear(&frozen))
        };
        assert_eq!(trained.len(), PROBES * params.width, "{link}: one point per output coordinate and probe");
        for ((&(x, y), t), f) in trained.iter().zip(target_out.iter()).zip(frozen_out.iter()) {
            assert!((x - t).abs() <= 1e-12 * (1.0 + t.abs()), "{link}: target output {x} vs {t}");
            assert!((y - f).abs() <= 1e-12 * (1.0 + f.abs()), "{link}: step-0 output {y} vs the frozen model's {f}");
        }
        // The axes span the same range, so y = x is the diagonal, and every point is inside.
        let (x0, x1) = scatter.curve.x_range;
        assert_eq!((x0, x1), scatter.curve.y_range(), "{link}");
        assert!(trained.iter().all(|&(x, y)| x > x0 && x < x1 && y > x0 && y < x1), "{link}");
        // "Show data": one row per point, probe and coordinate numbered from 1.
        let table = lab.figures().table("outputs").expect("a table");
        assert_eq!(table.rows.len(), PROBES * params.width);
        assert_eq!(table.rows[params.width][..2], ["2".to_owned(), "1".to_owned()]);
    }
}
