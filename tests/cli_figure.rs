//! `adaptlab figure`: a sweep computed on several threads, or as shards merged later, gives the
//! figure of one process to the bit, and the page's own numbers (`adaptlab render` works through
//! the same sweep on one thread, as the page does); bad shard files are refused in one line.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// A cheap sweep: ICL Figure 4 (five curves of 2,000 trials, 200 jobs, well under a second).
const CHEAP: &str = "#v=1&view=icl-paper&fig=4";

fn adaptlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_adaptlab")).args(args).output().unwrap()
}

fn ok(args: &[&str]) {
    let out = adaptlab(args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// The one-line error of a refused command (exit status 2, no panic).
fn refused(args: &[&str]) -> String {
    let out = adaptlab(args);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{args:?} was not refused: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| !l.contains("jobs done")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    errors[0].to_owned()
}

/// A fresh directory for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("adaptlab-cli-figure-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn path(dir: &Path, file: &str) -> String {
    dir.join(file).to_str().unwrap().to_owned()
}

fn read(file: &str) -> Vec<u8> {
    std::fs::read(file).unwrap()
}

/// SVG and CSV of `CHEAP` made by `args` (after the state) into `dir`, with file names `tag`.
fn figure(dir: &Path, tag: &str, args: &[&str]) -> (Vec<u8>, Vec<u8>) {
    let (svg, csv) = (path(dir, &format!("{tag}.svg")), path(dir, &format!("{tag}.csv")));
    let mut all = vec!["figure", CHEAP, "--svg", &svg, "--csv", &csv];
    all.extend_from_slice(args);
    ok(&all);
    (read(&svg), read(&csv))
}

/// Writes shards i/3 of `CHEAP` into `dir`; their paths.
fn shards(dir: &Path) -> Vec<String> {
    (0..3)
        .map(|i| {
            let file = path(dir, &format!("shard{i}.json"));
            ok(&["figure", CHEAP, "--shard", &format!("{i}/3"), "--out", &file, "--threads", "1"]);
            file
        })
        .collect()
}

#[test]
fn threads_and_merged_shards_give_the_same_figure_to_the_bit() {
    let dir = scratch("same");
    let one = figure(&dir, "one", &["--threads", "1"]);
    let two = figure(&dir, "two", &["--threads", "2"]);
    let files = shards(&dir);
    let mut merge = vec!["--merge"];
    // Shards in any order.
    merge.extend([files[2].as_str(), files[0].as_str(), files[1].as_str()]);
    let merged = figure(&dir, "merged", &merge);
    // The page's path: one thread working through the sweep between frames.
    let (svg, csv) = (path(&dir, "render.svg"), path(&dir, "render.csv"));
    ok(&["render", CHEAP, "--svg", &svg, "--csv", &csv]);
    let rendered = (read(&svg), read(&csv));
    assert!(one.1.len() > 1_000, "the CSV has the curves");
    assert!(one == two, "1 and 2 threads differ");
    assert!(one == merged, "3 merged shards differ from one process");
    assert!(one == rendered, "the command differs from the page's own sweep");
}

#[test]
fn a_shard_file_holds_its_slice_with_exact_numbers() {
    let dir = scratch("slice");
    let files = shards(&dir);
    let all = path(&dir, "all.json");
    ok(&["figure", CHEAP, "--out", &all]);
    let all: Value = serde_json::from_slice(&read(&all)).unwrap();
    assert_eq!(all["shard"], serde_json::json!([0, 1]));
    let jobs = all["jobs"].as_u64().unwrap() as usize;
    assert_eq!(all["results"].as_array().unwrap().len(), jobs);
    let mut seen = 0;
    for (i, file) in files.iter().enumerate() {
        let shard: Value = serde_json::from_slice(&read(file)).unwrap();
        assert_eq!(shard["fragment"], all["fragment"]);
        assert_eq!(shard["code_version"], all["code_version"]);
        for entry in shard["results"].as_array().unwrap() {
            let job = entry[0].as_u64().unwrap() as usize;
            assert_eq!(job % 3, i, "shard {i} holds job {job}");
            // Written once per job by a different process, read back to the same bits.
            assert_eq!(entry[1], all["results"][job][1]);
            seen += 1;
        }
    }
    assert_eq!(seen, jobs);
}

#[test]
fn bad_shards_are_refused_with_the_reason() {
    let dir = scratch("bad");
    let files = shards(&dir);
    let svg = path(&dir, "out.svg");
    let merge = |extra: &[&str]| {
        let mut args = vec!["figure", CHEAP, "--svg", svg.as_str(), "--merge"];
        args.extend_from_slice(extra);
        refused(&args)
    };
    // A missing shard.
    let message = merge(&[&files[0], &files[2]]);
    assert!(message.contains("shard 1/3 is missing"), "{message}");
    // The same shard twice.
    let message = merge(&[&files[0], &files[1], &files[1]]);
    assert!(message.contains("given twice"), "{message}");
    // A shard of another figure.
    let other = path(&dir, "other.json");
    ok(&["figure", "#v=1&view=icl-paper&fig=5", "--shard", "1/3", "--out", &other]);
    let message = merge(&[&files[0], &other, &files[2]]);
    assert!(message.contains("fig=5") && message.contains("not of"), "{message}");
    // A shard of another build.
    let text = String::from_utf8(read(&files[1])).unwrap();
    let version = serde_json::from_str::<Value>(&text).unwrap()["code_version"].as_str().unwrap().to_owned();
    let stale = path(&dir, "stale.json");
    std::fs::write(&stale, text.replace(&version, "0.0.1+0000000000000000")).unwrap();
    let message = merge(&[&files[0], &stale, &files[2]]);
    assert!(message.contains("code version 0.0.1+0000000000000000"), "{message}");
    // A shard of another partition.
    let half = path(&dir, "half.json");
    ok(&["figure", CHEAP, "--shard", "1/2", "--out", &half]);
    let message = merge(&[&files[0], &half, &files[2]]);
    assert!(message.contains("shard 1/2"), "{message}");
    // Malformed files: not JSON, cut short, a job missing, a number replaced by text, absent.
    let broken = path(&dir, "broken.json");
    for text in
        ["hello", &text[..text.len() / 2], &text.replacen("[1,[", "[4,[", 1), &text.replacen("[1,[", "[1,[\"x\",", 1)]
    {
        std::fs::write(&broken, text).unwrap();
        let message = merge(&[&files[0], &broken, &files[2]]);
        assert!(message.contains("broken.json: not a results file"), "{message}");
    }
    let message = merge(&[&files[0], &path(&dir, "absent.json"), &files[2]]);
    assert!(message.contains("cannot read"), "{message}");
    // Bad options: i ≥ N, a shard drawing a figure, a lesson without jobs, a bad thread count.
    let out = path(&dir, "x.json");
    assert!(refused(&["figure", CHEAP, "--shard", "3/3", "--out", &out]).contains("below the number of shards"));
    assert!(refused(&["figure", CHEAP, "--shard", "a/3", "--out", &out]).contains("expected i/N"));
    assert!(refused(&["figure", CHEAP, "--shard", "0/3", "--svg", &svg]).contains("--merge the slices"));
    assert!(refused(&["figure", "#view=lora-linear", "--svg", &svg]).contains("no background jobs"));
    assert!(refused(&["figure", CHEAP, "--svg", &svg, "--threads", "0"]).contains("--threads"));
    assert!(refused(&["figure", CHEAP, "--svg", &svg, "--full-grid"]).contains("LoRA paper presets"));
}

/// The number a results file gives unit `unit`.
fn result_of(file: &str, unit: usize) -> Vec<f64> {
    let value: Value = serde_json::from_slice(&read(file)).unwrap();
    let entry = value["results"].as_array().unwrap().iter().find(|e| e[0] == unit).unwrap();
    entry[1].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

#[test]
fn the_full_grid_runs_the_pages_run_at_the_pages_setting() {
    // The grid's units are a preset's jobs × 12 Adam settings (lr-major: setting 4 is lr 1e-3, no
    // weight decay, the page's); constructions are one unit each. Job 0 of the biases preset
    // (random model) and job 176 of Figure 1 (160 constructions, then seed 0's runs: job 176 is
    // the pretrained panel's rank 1) computed by the page's sweep and by the grid.
    let dir = scratch("grid");
    for (preset, job, jobs, unit, units) in
        [("bias", 0, 160, 4, 160 * 12), ("1", 176, 320, 160 + 16 * 12 + 4, 160 + 160 * 12)]
    {
        let state = format!("#view=lora-paper&fig={preset}");
        let (page, grid) = (path(&dir, &format!("page-{preset}.json")), path(&dir, &format!("grid-{preset}.json")));
        ok(&["figure", &state, "--shard", &format!("{job}/{jobs}"), "--out", &page]);
        ok(&["figure", &state, "--full-grid", "--shard", &format!("{unit}/{units}"), "--out", &grid]);
        let page = result_of(&page, job);
        let grid = result_of(&grid, unit);
        assert_eq!(grid.len(), 2, "validation and test MSE");
        assert_eq!(page[0].to_bits(), grid[1].to_bits(), "fig {preset}: page {page:?}, grid {grid:?}");
        assert!(grid[0] > 0.0 && grid[0].is_finite());
    }
}
