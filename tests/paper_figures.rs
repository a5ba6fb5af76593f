//! The paper-figure presets: the qualitative shape of the paper's figures (the sharp drop at
//! R = 8 for D = 16), medians over seeds, and progressive filling.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::needless_range_loop)] // tests fail loudly and index parallel arrays

use adaptlab::lessons::paper_figures::{median, Preset, Sweep};

fn constructions_done(preset: Preset) -> Sweep {
    let mut sweep = Sweep::new(preset);
    // Constructions come first: a unit each, plus the pretraining of the pretrained panels'
    // frozen models, which is spread over units of a few steps.
    let constructions = match preset {
        Preset::Figure1 | Preset::Figure2 => 5 * 2 * 16,
        Preset::Transformer => 5 * 2 * 16,
        _ => 0,
    };
    let mut units = 0;
    while sweep.progress().0 < constructions {
        sweep.advance(1);
        units += 1;
        assert!(units < 10 * constructions + 5 * 2 * 1000, "the constructions never finished");
    }
    assert_eq!(sweep.progress().0, constructions);
    sweep
}

#[test]
fn figure_2_construction_drops_sharply_at_rank_8() {
    let sweep = constructions_done(Preset::Figure2);
    let medians = sweep.medians();
    for (panel, series) in medians.iter().enumerate() {
        let construction = &series[1];
        assert_eq!(construction.len(), 16);
        assert!(construction.iter().all(|p| p.2 == 5), "median over 5 seeds");
        let at = |r: usize| construction[r - 1].1;
        assert!(at(7) > 1e-6, "panel {panel}: R = 7 is not exact: {}", at(7));
        assert!(at(8) < 1e-15, "panel {panel}: R = 8 is exact: {}", at(8));
        assert!(at(7) / at(8) > 1e9);
        // The error decreases with the rank below the threshold.
        assert!((1..7).all(|r| at(r) >= at(r + 1)));
    }
    // Pretrained frozen models sit closer to the target: lower error at every rank below 8.
    assert!((1..8).all(|r| medians[1][1][r - 1].1 < medians[0][1][r - 1].1));
}

#[test]
fn transformer_preset_is_exact_from_half_the_width() {
    let sweep = constructions_done(Preset::Transformer);
    for panel in sweep.medians() {
        let c = &panel[0];
        assert!(c[6].1 > 1e-6 && c[7].1 < 1e-12, "R=7: {}, R=8: {}", c[6].1, c[7].1);
    }
}

#[test]
fn gradient_runs_fill_in_seed_by_seed() {
    let mut sweep = Sweep::new(Preset::Biases);
    // One 5,000-step run, in units of STEPS_PER_UNIT steps.
    sweep.advance(adaptlab::lessons::paper_figures::STEPS / adaptlab::lessons::paper_figures::STEPS_PER_UNIT);
    assert_eq!(sweep.progress().0, 1);
    let medians = sweep.medians();
    let first = medians[0][0][0];
    assert_eq!((first.0, first.2), (64.0, 1));
    assert!(first.1.is_finite() && first.1 > 0.0);
}

#[test]
fn median_is_the_middle_value() {
    assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
    assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
    assert_eq!(median(&mut []), None);
}
