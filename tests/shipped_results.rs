//! The finished results that ship with the lab (`www/results/`): one file for each slow paper
//! preset and no other, each the whole sweep of its preset's link; a sample of every file's runs,
//! recomputed by today's code, gives the shipped numbers (when the code changes what it computes,
//! this fails until `scripts/precompute.sh` regenerates the files); the lab opens a preset from its
//! file complete and says so; a damaged file is refused with its reason and the preset computes
//! live.

use adaptlab::lessons::paper_figures::Preset;
use adaptlab::pages::{wire, Lab};
use adaptlab::precomputed::all_jobs;
use adaptlab::results_file::{Results, Shard};
use adaptlab::shipped;

fn preset_lab(preset: Preset, live: bool) -> Lab {
    let mut lab = Lab::new();
    let notices = lab.load(&format!("v=1&view=lora-paper&fig={}{}", preset.key(), if live { "&live=1" } else { "" }));
    assert!(notices.is_empty(), "{notices:?}");
    lab
}

fn shipped_presets() -> Vec<(Preset, &'static str, Results)> {
    Preset::ALL
        .into_iter()
        .filter_map(|p| p.shipped_file().map(|file| (p, file)))
        .map(|(p, file)| (p, file, shipped::results(file).unwrap_or_else(|e| panic!("{file}: {e}"))))
        .collect()
}

/// Equal to 1e-6 relative, or both at rounding level (below 1e-12, where a construction is exact),
/// or both NaN (a failed run). Recomputed on the machine that made the files they agree to 1e-9 or
/// better; across processors they need not: the matrix kernels use fused multiply-adds where the processor
/// has them (and the page's wasm never does), and 5,000 Adam steps of an eight-layer model grow
/// those last-bit differences to about 2.4e-7 relative (measured: the final-layers preset's last
/// run, native against Chromium). A change to what the code computes moves them far more.
fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-6 * a.abs().max(b.abs()) || (a.abs() < 1e-12 && b.abs() < 1e-12)
}

#[test]
fn every_slow_preset_ships_one_file_and_no_other_file_ships() {
    let named: Vec<&str> = Preset::ALL.iter().filter_map(|p| p.shipped_file()).collect();
    assert_eq!(named, shipped::files().collect::<Vec<_>>());
    assert_eq!(named.len(), 4, "every preset but the transformer figure");
    assert_eq!(Preset::Transformer.shipped_file(), None);
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/www/results");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .expect("www/results")
        .map(|entry| entry.expect("an entry").file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut expected: Vec<String> = named.iter().map(|s| (*s).to_owned()).collect();
    expected.sort();
    assert_eq!(on_disk, expected);
}

#[test]
fn each_file_holds_the_whole_sweep_of_its_presets_link() {
    for (preset, file, results) in shipped_presets() {
        let jobs = all_jobs(&mut preset_lab(preset, true));
        assert_eq!(results.fragment, preset_lab(preset, false).fragment(), "{file}");
        assert_eq!(results.shard, Shard::ALL, "{file}");
        assert_eq!(results.jobs, jobs.len(), "{file}");
        assert!(results.results.iter().map(|(job, _)| *job).eq(0..jobs.len()), "{file}: every job once, in order");
        assert!(results.results.iter().all(|(_, numbers)| numbers.len() == 1), "{file}: one value per run");
        assert!(
            results.code_version.starts_with(concat!(env!("CARGO_PKG_VERSION"), "+")),
            "{file}: {}",
            results.code_version
        );
    }
}

/// The first, middle and last run of every file (the constructions come first, the gradient runs
/// last), each recomputed alone by a fresh lab, as a Web Worker computes it.
#[test]
fn a_sample_of_every_files_runs_recomputed_gives_the_shipped_numbers() {
    let mut compared = Vec::new();
    for (preset, file, results) in shipped_presets() {
        let jobs = all_jobs(&mut preset_lab(preset, true));
        let n = jobs.len();
        for position in [0, n / 2, n - 1] {
            let result = preset_lab(preset, true).run_job(jobs[position]).expect("a job of the sweep");
            let numbers = wire::result_to_numbers(&result);
            let shipped = &results.results[position].1;
            assert!(
                numbers.len() == shipped.len() && numbers.iter().zip(shipped).all(|(&a, &b)| same(a, b)),
                "{file}: run {position}: today's code gives {numbers:?}, the file holds {shipped:?}: run scripts/precompute.sh"
            );
            compared.push(format!("{file}#{position}"));
        }
    }
    assert_eq!(compared.len(), 12, "{compared:?}");
}

#[test]
fn the_lab_opens_a_shipped_preset_complete_and_says_where_its_results_come_from() {
    for (preset, file, results) in shipped_presets() {
        let link = format!("#v=1&view=lora-paper&fig={}", preset.key());
        let said = Lab::said(&link, false, |_| {}).expect("the preset computes");
        assert!(said.complete, "{file}: complete at once");
        let check = &said.report.check;
        assert!(check.starts_with("Done: all "), "{check}");
        assert!(
            check.contains(&format!("Computed in advance by this lab's own code (build {})", results.code_version)),
            "{check}"
        );
        let number = |id: &str| said.report.numbers.iter().find(|n| n.id == id).and_then(|n| n.value);
        assert_eq!(number("paper-done"), Some(results.jobs as f64));
        assert_eq!(number("paper-total"), Some(results.jobs as f64));
        // Recomputed live, the same preset starts from nothing.
        let live = Lab::said(&format!("{link}&live=1"), false, |_| {}).expect("the preset computes");
        assert!(!live.complete, "{file}: live=1 computes");
        assert!(live.report.check.starts_with("Computing: 0 of "), "{}", live.report.check);
        assert!(!live.report.check.contains("in advance"), "{}", live.report.check);
    }
    // The transformer figure ships nothing: "Recompute live" does not apply, and it computes.
    let mut lab = preset_lab(Preset::Transformer, false);
    let live = lab.controls().into_iter().find(|c| c.key == "live").expect("the live control");
    assert!(!live.applies);
    assert_eq!(lab.capabilities().shipped, None);
    assert!(!lab.advance(0).is_complete());
}

#[test]
fn the_page_is_told_which_file_to_fetch_until_it_hands_it_over() {
    let mut lab = preset_lab(Preset::Figure2, false);
    assert_eq!(lab.compute().expect("computes").capabilities.shipped, Some("lora-paper-2.json"));
    assert!(lab.compute().expect("computes").check.starts_with("Loading the finished results"));
    let results = shipped::results("lora-paper-2.json").expect("ships");
    lab.take_shipped(Ok(&results)).expect("taken");
    assert_eq!(lab.capabilities().shipped, None);
    assert!(lab.advance(0).is_complete());
    assert_eq!(lab.take_shipped(Ok(&results)), Err("this figure is not waiting for finished results".to_owned()));
    // Another preset and back, each shown (as the page computes every change): the sweep starts
    // afresh, and waits for its file again.
    lab.set("fig", "1");
    assert_eq!(lab.compute().expect("computes").capabilities.shipped, Some("lora-paper-1.json"));
    lab.set("fig", "2");
    assert_eq!(lab.compute().expect("computes").capabilities.shipped, Some("lora-paper-2.json"));
    assert!(!lab.advance(0).is_complete());
}

/// A change that damages a results file.
type Damage = Box<dyn Fn(&mut Results)>;

#[test]
fn a_damaged_file_is_refused_with_its_reason_and_the_preset_computes_live() {
    let good = shipped::results("lora-paper-1.json").expect("ships");
    let damaged: Vec<(&str, Damage)> = vec![
        (
            "the file holds the results of '#v=1&view=lora-paper&fig=2'",
            Box::new(|r| r.fragment = "v=1&view=lora-paper&fig=2".to_owned()),
        ),
        ("does not hold every one of the preset's 320 runs", Box::new(|r| drop(r.results.pop()))),
        ("does not hold every one of the preset's 320 runs", Box::new(|r| r.results.swap(3, 4))),
        ("does not hold every one of the preset's 320 runs", Box::new(|r| r.jobs += 1)),
        ("a run's result in the file is not one number", Box::new(|r| r.results[7].1.push(1.0))),
    ];
    for (reason, damage) in &damaged {
        let mut results = good.clone();
        damage(&mut results);
        let mut lab = preset_lab(Preset::Figure1, false);
        let error = lab.take_shipped(Ok(&results)).expect_err("refused");
        assert!(error.contains(reason), "{error}");
        let report = lab.compute().expect("computes");
        assert!(
            report.check.contains(&format!("could not be used: {error}. They are computed here instead.")),
            "{}",
            report.check
        );
        assert_eq!(report.capabilities.shipped, None, "not asked for again");
        assert!(lab.advance(64).done > 0, "computed live");
    }
    // A file the page could not load at all.
    let mut lab = preset_lab(Preset::Figure1, false);
    assert_eq!(lab.take_shipped(Err("offline".to_owned())), Err("offline".to_owned()));
    assert!(lab.compute().expect("computes").check.contains("could not be used: offline."));
}
