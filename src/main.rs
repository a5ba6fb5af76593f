//! `adaptlab`: Adaptation Lab from the command line, sharing the library with the page.
//!
//! ```text
//! adaptlab solve [--allow-large] < problem.json    one JSON problem in, one JSON answer out
//! adaptlab problem '<state>'                       the JSON problem the page shows for a state
//! adaptlab render '<state>' --svg FILE [--csv FILE] [--figure NAME]
//! adaptlab report '<state>' [--now]                everything the page says for a state, as JSON
//! adaptlab report --state-file FILE [--now]        the same for a state saved by the page's JSON export
//! adaptlab figure '<state>' [--threads N] [--shard i/N --out FILE | --merge FILE…] [--svg FILE] [--csv FILE] [--full-grid]
//!                                                  a sweep's jobs on every core or a cluster (`cli::figure`)
//! ```
//! Exit status 0 on success, 2 on bad input or usage (one line on stderr naming the problem; for
//! a file that is not a saved state, the same sentence the page's import shows).
//! `solve` refuses a problem estimated at more than `solve::MAX_WORK` operations (about 20 s)
//! unless `--allow-large` is given, and reports progress on stderr for one over a few seconds.

use std::io::{Read, Write};
use std::process::ExitCode;

mod cli;

use adaptlab::pages::Lab;
use adaptlab::plots::Theme;
use adaptlab::solve;
use adaptlab::state::{self, View};

const USAGE: &str = "usage: adaptlab solve [--allow-large] < problem.json | adaptlab problem '<state>' | adaptlab render '<state>' --svg FILE [--csv FILE] [--figure NAME] | adaptlab report '<state>' [--now] | adaptlab report --state-file FILE [--now] | adaptlab figure '<state>' [--threads N] [--svg FILE] [--csv FILE] [--figure NAME] [--out FILE] [--shard i/N] [--merge FILE…] [--full-grid]";

/// The longest message written to stderr (user text quoted in it is already short).
const MAX_MESSAGE: usize = 2_000;

/// The arguments as text; an argument that is not UTF-8 is a usage error naming its position
/// (`std::env::args` would panic on it).
fn arguments() -> Result<Vec<String>, String> {
    std::env::args_os()
        .skip(1)
        .enumerate()
        .map(|(i, arg)| arg.into_string().map_err(|_| format!("argument {} is not valid UTF-8; {USAGE}", i + 1)))
        .collect()
}

fn main() -> ExitCode {
    let result = arguments().and_then(|args| run(&args));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            let line = message.replace('\n', " ");
            let line = match line.char_indices().nth(MAX_MESSAGE) {
                Some((cut, _)) => format!("{}…", &line[..cut]),
                None => line,
            };
            eprintln!("adaptlab: {line}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("solve") if args.len() == 1 => run_solve(false),
        Some("solve") if args.len() == 2 && args[1] == "--allow-large" => run_solve(true),
        Some("problem") if args.len() == 2 => run_problem(&args[1]),
        Some("render") if args.len() >= 2 => run_render(&args[1], &args[2..]),
        Some("report") if args.get(1).is_some_and(|a| a == "--state-file") => run_report_file(&args[2..]),
        Some("report") if args.len() == 2 => run_report(&args[1], true),
        Some("figure") if args.len() >= 2 => cli::figure::run(&args[1], &args[2..]),
        Some("report") if args.len() == 3 && args[2] == "--now" => run_report(&args[1], false),
        Some("--help" | "-h" | "help") => print_line(USAGE),
        _ => Err(USAGE.to_owned()),
    }
}

/// Writes one line to standard output; a closed pipe (e.g. `| head`) is not an error worth a panic.
fn print_line(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("cannot write the answer: {e}")),
        _ => Ok(()),
    }
}

fn run_solve(allow_large: bool) -> Result<(), String> {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).map_err(|e| format!("cannot read standard input: {e}"))?;
    let mut report = |text: &str| eprintln!("adaptlab: solve: {text}");
    let mut work = solve::Work::new(allow_large, &mut report);
    let answer = solve::solve_text_with(&input, &mut work).map_err(|e| e.to_string())?;
    print_line(&answer.to_string())
}

/// A lab at the given link state, computed, with repairs reported on stderr exactly as the
/// page's notice would show them.
fn computed_lab(fragment: &str) -> Result<Lab, String> {
    let mut lab = Lab::new();
    for notice in lab.load(fragment) {
        eprintln!("adaptlab: link repaired: {notice}");
    }
    lab.compute_all()?;
    Ok(lab)
}

/// Everything the page says for a link state, as one JSON object: the link's repair notices,
/// whether all background work was done, the live check, its verdict, the figure summaries and
/// the headline numbers. By default after all background work (a paper preset's whole sweep:
/// up to an hour or more natively); `--now` reports what the page shows before any of it.
fn run_report(fragment: &str, until_done: bool) -> Result<(), String> {
    let mut shown_tenth = 0;
    let said = Lab::said(fragment, until_done, |progress| {
        // Progress on stderr in tenths, for runs long enough to have several slices.
        let tenth = progress.done.saturating_mul(10) / progress.total.max(1);
        if tenth > shown_tenth && !progress.is_complete() {
            shown_tenth = tenth;
            eprintln!("adaptlab: report: background work {} of {} done", progress.done, progress.total);
        }
    })?;
    let json = serde_json::to_string(&said).map_err(|e| format!("cannot write the report: {e}"))?;
    print_line(&json)
}

/// `report --state-file FILE [--now]`: the fragment of a saved-state file, read through the
/// same gate as the page's "Open state…" (`state::saved::read`), reported as `report` does.
fn run_report_file(options: &[String]) -> Result<(), String> {
    let (path, until_done) = match options {
        [path] => (path, true),
        [path, now] if now == "--now" => (path, false),
        _ => return Err(USAGE.to_owned()),
    };
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let fragment = state::saved::read(&text).map_err(|e| format!("{path}: {e}"))?;
    run_report(&fragment, until_done)
}

fn run_problem(fragment: &str) -> Result<(), String> {
    let mut lab = Lab::new();
    let notices = lab.load(fragment);
    // Lessons without a problem are answered before anything is computed (a paper preset's
    // sweep takes minutes).
    if matches!(lab.state().view, View::LoraTraining | View::Paper | View::IclPaper) {
        return Err(format!("the lesson {} has no solve problem", lab.state().view.key()));
    }
    for notice in notices {
        eprintln!("adaptlab: link repaired: {notice}");
    }
    // The in-context-learning problems come from the settings alone; the LoRA lessons' from
    // their computed models.
    if let Some(problem) = lab.problem_json() {
        return print_line(&problem);
    }
    lab.compute_all()?;
    print_line(&lab.problem_json().ok_or("this lesson has no solve problem")?)
}

fn run_render(fragment: &str, options: &[String]) -> Result<(), String> {
    let (mut svg, mut csv, mut figure) = (None, None, None);
    let mut rest = options.iter();
    while let Some(option) = rest.next() {
        let value = rest.next().ok_or_else(|| format!("{option} needs a value; {USAGE}"))?;
        match option.as_str() {
            "--svg" => svg = Some(value.clone()),
            "--csv" => csv = Some(value.clone()),
            "--figure" => figure = Some(value.clone()),
            _ => return Err(format!("unknown option {option}; {USAGE}")),
        }
    }
    let svg = svg.ok_or_else(|| format!("--svg FILE is required; {USAGE}"))?;
    let lab = computed_lab(fragment)?;
    let figures = lab.figures();
    let keys: Vec<&str> = match &figure {
        Some(name) if figures.get(name).is_some() => vec![name.as_str()],
        Some(name) => return Err(format!("--figure: '{name}' is not one of {}", figures.keys().join(", "))),
        None => Vec::new(),
    };
    let document = figures.svg(&keys, &Theme::default()).map_err(|e| e.to_string())?;
    std::fs::write(&svg, document).map_err(|e| format!("cannot write {svg}: {e}"))?;
    if let Some(csv) = csv {
        std::fs::write(&csv, figures.csv()).map_err(|e| format!("cannot write {csv}: {e}"))?;
    }
    Ok(())
}
