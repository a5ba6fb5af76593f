//! `adaptlab`: Adaptation Lab from the command line, sharing the library with the page.
//!
//! ```text
//! adaptlab solve < problem.json                    one JSON problem in, one JSON answer out
//! adaptlab problem '<state>'                       the JSON problem the page shows for a state
//! adaptlab render '<state>' --svg FILE [--csv FILE] [--figure NAME]
//! ```
//! Exit status 0 on success, 2 on bad input or usage (one line on stderr naming the problem).

use std::io::{Read, Write};
use std::process::ExitCode;

use adaptlab::pages::Lab;
use adaptlab::plots::Theme;
use adaptlab::solve;

const USAGE: &str = "usage: adaptlab solve < problem.json | adaptlab problem '<state>' | adaptlab render '<state>' --svg FILE [--csv FILE] [--figure NAME]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("solve") if args.len() == 1 => run_solve(),
        Some("problem") if args.len() == 2 => run_problem(&args[1]),
        Some("render") if args.len() >= 2 => run_render(&args[1], &args[2..]),
        Some("--help" | "-h" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("adaptlab: {}", message.replace('\n', " "));
            ExitCode::from(2)
        }
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

fn run_solve() -> Result<(), String> {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).map_err(|e| format!("cannot read standard input: {e}"))?;
    let answer = solve::solve_text(&input).map_err(|e| e.to_string())?;
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

fn run_problem(fragment: &str) -> Result<(), String> {
    let lab = computed_lab(fragment)?;
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
