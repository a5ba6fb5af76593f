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
        let c = &panel[1];
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

#[test]
fn runs_computed_whole_elsewhere_in_any_order_equal_this_threads_chunked_work() {
    // Figure 1: 160 constructions (the pretrained panel's need its frozen models pretrained
    // first), then training runs; take the constructions and the first two runs.
    let count = 5 * 2 * 16 + 2;
    let mut chunked = Sweep::new(Preset::Figure1);
    while chunked.progress().0 < count {
        chunked.advance(7);
    }
    // The page hands the same jobs to two Web Workers (each its own sweep) and accepts their
    // results as they come, here in reverse order.
    let mut page = Sweep::new(Preset::Figure1);
    let jobs = page.next_jobs(count);
    assert_eq!(jobs, (0..count).collect::<Vec<_>>());
    let mut workers = [Sweep::new(Preset::Figure1), Sweep::new(Preset::Figure1)];
    for (n, &index) in jobs.iter().rev().enumerate() {
        let value = workers[n % 2].compute(index).expect("a job of this sweep");
        assert!(page.accept(index, value));
        assert!(!page.accept(index, value), "a job is taken once");
    }
    assert_eq!(page.progress().0, count);
    assert!(!page.accept(count, Some(1.0)), "a job not handed out is refused");
    assert_eq!(page.compute(10_000), None);
    let (a, b) = (chunked.medians(), page.medians());
    assert_eq!(a, b, "the same numbers, bit for bit");
    assert!(a[0][0].iter().any(|p| p.2 > 0), "the training runs are included");
}

#[test]
fn jobs_lost_by_a_worker_are_handed_out_again() {
    let mut sweep = Sweep::new(Preset::Transformer);
    let total = sweep.progress().1;
    let first = sweep.next_jobs(total);
    assert_eq!(first.len(), total);
    // Every job is out; none came back: asking again hands the missing ones out again.
    assert_eq!(sweep.next_jobs(3), vec![0, 1, 2]);
    // Workers return the 160 transformer training runs; this thread's own work completes the
    // rest (the constructions, handed out again first) regardless.
    let constructions = 5 * 2 * 16;
    for index in constructions..total {
        assert!(sweep.accept(index, Some(1.0)));
    }
    while sweep.progress().0 < total {
        sweep.advance(16);
    }
    assert!(sweep.next_jobs(1).is_empty());
    assert_eq!(sweep.progress(), (total, total));
}

#[test]
fn a_run_this_thread_left_unfinished_is_handed_to_the_workers_first() {
    // The page starts a training run, then stops working once the workers deliver: the run it
    // left half done goes to them first, once, then the others in order; and again only when
    // every job is out and it is still missing.
    let mut sweep = Sweep::new(Preset::Biases);
    sweep.advance(10);
    assert_eq!(sweep.progress().0, 0, "the first run is under way, not done");
    let total = sweep.progress().1;
    assert_eq!(sweep.next_jobs(1), vec![0], "the unfinished run first");
    assert_eq!(sweep.next_jobs(total - 1), (1..total).collect::<Vec<_>>(), "then all the other runs");
    assert_eq!(sweep.next_jobs(1), vec![0], "then the missing one again");
}

#[test]
fn a_pretrained_construction_left_unfinished_does_not_wait_for_the_training_runs() {
    // Figure 1's pretrained panel: this thread pretrains seed 0's frozen model for its first
    // construction (job 16) in chunks and stops there when the workers deliver. The workers take
    // the next jobs, job 16 first: once the 160 constructions are back, every rank of both panels
    // is the median of five seeds (before, job 16 came only after all 160 training runs).
    let mut sweep = Sweep::new(Preset::Figure1);
    while sweep.progress().0 < 16 {
        sweep.advance(1);
    }
    sweep.advance(1);
    assert_eq!(sweep.progress().0, 16, "seed 0's pretraining is under way");
    let mut worker = Sweep::new(Preset::Figure1);
    let jobs = sweep.next_jobs(144);
    assert_eq!(jobs[0], 16);
    for index in jobs {
        let value = worker.compute(index).unwrap();
        sweep.accept(index, value);
    }
    assert_eq!(sweep.progress().0, 160);
    for panel in sweep.medians() {
        let seeds: Vec<usize> = panel[1].iter().map(|p| p.2).collect();
        assert_eq!(seeds, vec![5; 16], "the construction curve");
    }
}

/// "R = a…b" in a preset's description is the range of ranks its runs sweep: every job is given
/// a stand-in result, and the plotted x values (ranks, or parameter counts N·R where the
/// description says "N·R parameters") are read back.
#[test]
fn every_preset_description_names_the_ranks_it_sweeps() {
    for preset in Preset::ALL {
        let description = preset.description();
        let range = description.split("R = ").nth(1).expect("names a rank range");
        let (lo, rest) = range.split_once('…').expect("a…b");
        let hi: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let (lo, hi): (f64, f64) = (lo.parse().unwrap(), hi.parse().unwrap());
        let per_rank = description
            .split(" (")
            .filter_map(|p| p.split_once("·R").and_then(|(n, _)| n.parse::<f64>().ok()))
            .next()
            .unwrap_or(1.0);
        let mut sweep = Sweep::new(preset);
        let total = sweep.progress().1;
        for job in sweep.next_jobs(total) {
            assert!(sweep.accept(job, Some(1.0)));
        }
        let ranks: Vec<f64> = sweep.medians()[0][0].iter().map(|p| p.0 / per_rank).collect();
        let (first, last) =
            (ranks.iter().copied().fold(f64::INFINITY, f64::min), ranks.iter().copied().fold(0.0, f64::max));
        assert_eq!(
            (first, last),
            (lo, hi),
            "{preset:?}: the description says R = {lo}…{hi}, the runs sweep {first}…{last}"
        );
    }
}
