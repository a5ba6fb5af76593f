//! `adaptlab figure '<state>'`: a sweep's jobs (a paper preset's runs, an in-context-learning
//! figure's blocks of trials) computed natively on every core, on a slice of a cluster, or
//! assembled from such slices — with the page's numbers: the page hands the very same jobs
//! (`Lab::jobs`, `Lab::run_job`, `Lab::accept`) to its Web Workers, and a job's result does not
//! depend on which thread or machine computes it.
//!
//! ```text
//! adaptlab figure '<state>' [--threads N] [--svg F] [--csv F] [--figure NAME] [--out F] [--full-grid]
//! adaptlab figure '<state>' --shard i/N --out F [--threads N] [--full-grid]
//! adaptlab figure '<state>' --merge F… [--svg F] [--csv F] [--figure NAME] [--out F] [--full-grid]
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};

use adaptlab::pages::Lab;
use adaptlab::pages::{wire, Job};
use adaptlab::plots::Theme;
use adaptlab::precomputed::{self, Results, Shard};

use super::grid;

/// The command's usage line.
pub const USAGE: &str = "adaptlab figure '<state>' [--threads N] [--svg FILE] [--csv FILE] [--figure NAME] [--out FILE] [--shard i/N] [--merge FILE…] [--full-grid]";

/// The command's options.
#[derive(Default)]
struct Options {
    svg: Option<String>,
    csv: Option<String>,
    figure: Option<String>,
    out: Option<String>,
    threads: Option<usize>,
    shard: Option<Shard>,
    merge: Vec<String>,
    full_grid: bool,
}

fn options(args: &[String]) -> Result<Options, String> {
    let mut o = Options::default();
    let mut rest = args.iter().peekable();
    while let Some(option) = rest.next() {
        if option == "--full-grid" {
            o.full_grid = true;
            continue;
        }
        if option == "--merge" {
            while let Some(file) = rest.next_if(|a| !a.starts_with("--")) {
                o.merge.push(file.clone());
            }
            if o.merge.is_empty() {
                return Err(format!("--merge needs the shard files; {USAGE}"));
            }
            continue;
        }
        let value = rest.next().ok_or_else(|| format!("{option} needs a value; {USAGE}"))?.clone();
        match option.as_str() {
            "--svg" => o.svg = Some(value),
            "--csv" => o.csv = Some(value),
            "--figure" => o.figure = Some(value),
            "--out" => o.out = Some(value),
            "--shard" => o.shard = Some(Shard::parse(&value)?),
            "--threads" => match value.parse::<usize>() {
                Ok(n) if (1..=1024).contains(&n) => o.threads = Some(n),
                _ => return Err(format!("--threads '{value}': expected a whole number from 1 to 1024")),
            },
            _ => return Err(format!("unknown option {option}; {USAGE}")),
        }
    }
    let draws = o.svg.is_some() || o.csv.is_some();
    if o.shard.is_some() && !o.merge.is_empty() {
        return Err("--shard computes a slice and --merge assembles slices: give one of them".to_owned());
    }
    if o.shard.is_some() && (draws || o.figure.is_some() || o.out.is_none()) {
        return Err("--shard i/N writes its slice of the jobs with --out FILE (a slice cannot draw the figure: --merge the slices for --svg/--csv)".to_owned());
    }
    if !o.merge.is_empty() && o.threads.is_some() {
        return Err("--merge computes nothing, so --threads does not apply".to_owned());
    }
    if o.figure.is_some() && o.svg.is_none() {
        return Err("--figure NAME chooses the figure of --svg FILE".to_owned());
    }
    if !draws && o.out.is_none() {
        return Err(format!("nothing to write: give --svg, --csv or --out; {USAGE}"));
    }
    Ok(o)
}

/// Runs `adaptlab figure` for link state `fragment` with options `args`.
pub fn run(fragment: &str, args: &[String]) -> Result<(), String> {
    let o = options(args)?;
    let mut lab = Lab::new();
    for notice in lab.load(fragment) {
        eprintln!("adaptlab: link repaired: {notice}");
    }
    let fragment = lab.fragment();
    // A wrong figure name is refused before hours of computing.
    if let Some(name) = &o.figure {
        lab.compute()?;
        if lab.figures().get(name).is_none() {
            return Err(format!("--figure: '{name}' is not one of {}", lab.figures().keys().join(", ")));
        }
    }
    let jobs = precomputed::all_jobs(&mut lab);
    if jobs.is_empty() {
        return Err(format!(
            "the lesson {} has no background jobs to spread over cores: use adaptlab render",
            lab.state().view.key()
        ));
    }
    // The units of work: the sweep's jobs, or with --full-grid the paper's grid of runs.
    let units = if o.full_grid { Units::Grid(grid::Grid::new(&lab, &jobs)?) } else { Units::Jobs(jobs.len()) };
    let shard = o.shard.unwrap_or(Shard::ALL);
    let results: Vec<(usize, Vec<f64>)> = if o.merge.is_empty() {
        let wanted: Vec<usize> = (0..units.len()).filter(|&u| shard.holds(u)).collect();
        compute(&fragment, &jobs, &units, &wanted, o.threads)?
    } else {
        merged(&o.merge, &units.fragment(&fragment), units.len())?
    };
    if let Some(out) = &o.out {
        let file = Results {
            fragment: units.fragment(&fragment),
            code_version: precomputed::code_version(),
            shard,
            jobs: units.len(),
            results: results.clone(),
        };
        std::fs::write(out, file.to_json()).map_err(|e| format!("cannot write {out}: {e}"))?;
    }
    if o.shard.is_some() || (o.svg.is_none() && o.csv.is_none()) {
        return Ok(());
    }
    // Every job's numbers into the lab, as the page takes its workers' results.
    let numbers = match &units {
        Units::Jobs(_) => results.into_iter().map(|(_, n)| n).collect(),
        Units::Grid(g) => g.best(&results)?,
    };
    for (index, (job, numbers)) in jobs.iter().zip(&numbers).enumerate() {
        let taken = wire::result_from_numbers(job, numbers).is_some_and(|result| lab.accept(*job, result));
        if !taken {
            return Err(format!("job {index}'s result is not one this sweep takes (a damaged file?)"));
        }
    }
    lab.compute()?;
    if !lab.advance(0).is_complete() {
        return Err("the sweep is not complete after taking every job's result".to_owned());
    }
    write_figures(&lab, &o)
}

/// What is computed: the sweep's jobs, one unit each, or the full grid's runs.
enum Units {
    Jobs(usize),
    Grid(grid::Grid),
}

impl Units {
    fn len(&self) -> usize {
        match self {
            Units::Jobs(n) => *n,
            Units::Grid(g) => g.len(),
        }
    }

    /// The fragment a results file names: the grid's files are marked, so they never merge
    /// with the preset's own.
    fn fragment(&self, fragment: &str) -> String {
        match self {
            Units::Jobs(_) => fragment.to_owned(),
            Units::Grid(_) => format!("{fragment}&full-grid"),
        }
    }
}

/// Computes units `wanted` on `threads` threads (default: every core), each thread with its own
/// lab at the link state, like a Web Worker; reports progress on stderr in tenths.
fn compute(
    fragment: &str,
    jobs: &[Job],
    units: &Units,
    wanted: &[usize],
    threads: Option<usize>,
) -> Result<Vec<(usize, Vec<f64>)>, String> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|e| format!("cannot start the threads: {e}"))?;
    let (next, done) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let total = wanted.len();
    // Each thread takes the next unit until none is left (jobs differ in cost by 100×).
    let per_thread: Vec<Vec<(usize, Option<Vec<f64>>)>> = pool.broadcast(|_| {
        let mut lab = Lab::new();
        lab.load(fragment);
        let mut models = grid::Models::default();
        let mut out = Vec::new();
        while let Some(&unit) = wanted.get(next.fetch_add(1, Ordering::Relaxed)) {
            let numbers = match units {
                Units::Jobs(_) => jobs.get(unit).and_then(|job| lab.run_job(*job)).map(|r| wire::result_to_numbers(&r)),
                Units::Grid(g) => g.run(unit, &mut lab, jobs, &mut models),
            };
            out.push((unit, numbers));
            let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
            if finished * 10 / total > (finished - 1) * 10 / total {
                eprintln!("adaptlab: figure: {finished} of {total} jobs done");
            }
        }
        out
    });
    let mut results: Vec<(usize, Vec<f64>)> = Vec::with_capacity(total);
    for (unit, numbers) in per_thread.into_iter().flatten() {
        results.push((unit, numbers.ok_or_else(|| format!("job {unit} is not one of this sweep's jobs"))?));
    }
    results.sort_by_key(|(unit, _)| *unit);
    Ok(results)
}

/// Reads and checks the shard files; every unit's numbers in order.
fn merged(files: &[String], fragment: &str, units: usize) -> Result<Vec<(usize, Vec<f64>)>, String> {
    let mut read = Vec::with_capacity(files.len());
    for file in files {
        let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))?;
        read.push((file.clone(), Results::parse(&text, file).map_err(|e| e.to_string())?));
    }
    let numbers = precomputed::merge(&read, fragment, units).map_err(|e| e.to_string())?;
    Ok(numbers.into_iter().enumerate().collect())
}

/// Writes the figure and its data as `adaptlab render` does.
fn write_figures(lab: &Lab, o: &Options) -> Result<(), String> {
    let figures = lab.figures();
    if let Some(svg) = &o.svg {
        let keys: Vec<&str> = match &o.figure {
            Some(name) if figures.get(name).is_some() => vec![name.as_str()],
            Some(name) => return Err(format!("--figure: '{name}' is not one of {}", figures.keys().join(", "))),
            None => Vec::new(),
        };
        let document = figures.svg(&keys, &Theme::default()).map_err(|e| e.to_string())?;
        std::fs::write(svg, document).map_err(|e| format!("cannot write {svg}: {e}"))?;
    }
    if let Some(csv) = &o.csv {
        std::fs::write(csv, figures.csv()).map_err(|e| format!("cannot write {csv}: {e}"))?;
    }
    Ok(())
}
