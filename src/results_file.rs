//! A sweep's finished job results as a file: what `adaptlab figure --shard i/N --out FILE`
//! writes for one slice of a preset's jobs (or `--out FILE` for all of them), what `--merge`
//! reads back, and what ships with the lab for the slow paper presets (`www/results/`).
//!
//! A file names the link state whose jobs it holds (its canonical fragment), the code that computed
//! them (`code_version`), the slice (`shard`: index i of N, jobs i, i + N, i + 2N, … of the sweep's
//! job list) and each job's numbers, exactly as `Lab::run_job` returned them. Numbers are written
//! in shortest round-trip form (serde_json with `float_roundtrip` reads them back to the same bits);
//! the non-finite ones (a failed run's NaN) as the strings "NaN", "inf", "-inf".
//!
//! Jobs are identified by their position in the order in which the lab hands them out: a file is
//! independent of how jobs are represented in memory.

use serde_json::{json, Value};

/// The format tag written at the top of every file.
pub const FORMAT: &str = "adaptlab-results/1";

/// The version of the code that computed results: the crate's version and a hash of every Rust
/// source of the workspace and of `Cargo.lock` (see `build.rs`). Shards computed by different
/// builds are never merged.
pub fn code_version() -> String {
    format!("{}+{}", env!("CARGO_PKG_VERSION"), env!("ADAPTLAB_SOURCE_HASH"))
}

/// What is wrong with a results file or a set of shards, naming the file where there is one.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ResultsError {
    /// Not JSON, or not a results file.
    #[error("{file}: not a results file: {reason}")]
    Malformed { file: String, reason: String },
    /// A file of another link state.
    #[error("{file} holds the jobs of '{found}', not of '{expected}'")]
    OtherState { file: String, found: String, expected: String },
    /// A file written by another build.
    #[error("{file} was computed by code version {found}, this is {expected}: recompute it with this build")]
    OtherVersion { file: String, found: String, expected: String },
    /// Slices of different partitions, or the same slice twice.
    #[error("{file}: shard {index}/{count} does not fit the other files ({reason})")]
    BadShard { file: String, index: usize, count: usize, reason: String },
    /// A slice not given.
    #[error("shard {index}/{count} is missing (jobs {index}, {index} + {count}, …): pass every shard 0/{count} … {last}/{count}", last = count - 1)]
    MissingShard { index: usize, count: usize },
    /// A job's numbers the sweep does not take.
    #[error("{file}: job {job} is not one of this sweep's results")]
    BadJob { file: String, job: usize },
}

/// One slice of a sweep's jobs: index `index` of `count` (jobs index, index + count, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// 0 ≤ index < count.
    pub index: usize,
    /// Number of slices, ≥ 1.
    pub count: usize,
}

impl Shard {
    /// All the jobs.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// Reads `i/N` (0 ≤ i < N).
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = || format!("--shard '{text}': expected i/N with 0 ≤ i < N (e.g. 0/3, 1/3, 2/3)");
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let (index, count) =
            (i.trim().parse::<usize>().map_err(|_| bad())?, n.trim().parse::<usize>().map_err(|_| bad())?);
        if count == 0 || index >= count {
            return Err(format!("--shard {index}/{count}: the index must be below the number of shards ({count})"));
        }
        Ok(Shard { index, count })
    }

    /// Whether job `job` (its position in the job list) is in this slice.
    pub fn holds(self, job: usize) -> bool {
        job % self.count == self.index
    }
}

/// The results of one slice of a sweep's jobs.
#[derive(Clone, Debug, PartialEq)]
pub struct Results {
    /// The canonical link fragment whose jobs these are.
    pub fragment: String,
    /// `code_version()` of the build that computed them.
    pub code_version: String,
    /// The slice.
    pub shard: Shard,
    /// Number of jobs of the whole sweep.
    pub jobs: usize,
    /// (job position, its numbers), in job order.
    pub results: Vec<(usize, Vec<f64>)>,
}

/// A number as JSON: shortest round-trip text, or a string for the non-finite ones.
fn number_json(x: f64) -> Value {
    match serde_json::Number::from_f64(x) {
        Some(n) => Value::Number(n),
        None if x.is_nan() => json!("NaN"),
        None if x > 0.0 => json!("inf"),
        None => json!("-inf"),
    }
}

fn number_from(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) if s == "NaN" => Some(f64::NAN),
        Value::String(s) if s == "inf" => Some(f64::INFINITY),
        Value::String(s) if s == "-inf" => Some(f64::NEG_INFINITY),
        _ => None,
    }
}

impl Results {
    /// The file's text: compact JSON.
    pub fn to_json(&self) -> String {
        let results: Vec<Value> = self
            .results
            .iter()
            .map(|(job, numbers)| json!([job, numbers.iter().map(|&x| number_json(x)).collect::<Vec<_>>()]))
            .collect();
        json!({
            "format": FORMAT,
            "fragment": self.fragment,
            "code_version": self.code_version,
            "shard": [self.shard.index, self.shard.count],
            "jobs": self.jobs,
            "results": results,
        })
        .to_string()
    }

    /// Reads a file's text (`file` names it in errors). Checks the format and the shape, and that
    /// the file holds exactly its slice's jobs, each once, in order.
    pub fn parse(text: &str, file: &str) -> Result<Results, ResultsError> {
        let malformed = |reason: &str| ResultsError::Malformed { file: file.to_owned(), reason: reason.to_owned() };
        let value: Value = serde_json::from_str(text).map_err(|e| malformed(&e.to_string()))?;
        if value.get("format").and_then(Value::as_str) != Some(FORMAT) {
            return Err(malformed(&format!("no \"format\": \"{FORMAT}\"")));
        }
        let text_field = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
        let fragment = text_field("fragment").ok_or_else(|| malformed("no \"fragment\""))?;
        let code_version = text_field("code_version").ok_or_else(|| malformed("no \"code_version\""))?;
        let count = |v: &Value| v.as_u64().and_then(|n| usize::try_from(n).ok());
        let shard = match value.get("shard").and_then(Value::as_array).map(Vec::as_slice) {
            Some([i, n]) => match (count(i), count(n)) {
                (Some(index), Some(count)) if index < count => Shard { index, count },
                _ => return Err(malformed("\"shard\" is not [i, N] with 0 ≤ i < N")),
            },
            _ => return Err(malformed("no \"shard\": [i, N]")),
        };
        let jobs = value.get("jobs").and_then(count).ok_or_else(|| malformed("no \"jobs\" count"))?;
        let list = value.get("results").and_then(Value::as_array).ok_or_else(|| malformed("no \"results\" list"))?;
        let mut results = Vec::with_capacity(list.len());
        for (n, entry) in list.iter().enumerate() {
            let bad = || malformed(&format!("result {n} is not [job, [numbers…]]"));
            let [job, numbers] = entry.as_array().map(Vec::as_slice).ok_or_else(bad)? else { return Err(bad()) };
            let job = count(job).ok_or_else(bad)?;
            let numbers: Option<Vec<f64>> = numbers.as_array().ok_or_else(bad)?.iter().map(number_from).collect();
            results.push((job, numbers.ok_or_else(bad)?));
        }
        // Exactly the slice's jobs, in order: i, i + N, i + 2N, … below `jobs`.
        let expected = (shard.index..jobs).step_by(shard.count);
        if !results.iter().map(|(job, _)| *job).eq(expected) {
            return Err(malformed(&format!(
                "its results are not exactly jobs {}, {} + {}, … below {jobs} (shard {}/{})",
                shard.index, shard.index, shard.count, shard.index, shard.count
            )));
        }
        Ok(Results { fragment, code_version, shard, jobs, results })
    }
}
