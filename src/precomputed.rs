//! Sweeps spread over processes: every job of a sweep in hand-out order, and the slices of a
//! sweep (results files, `results_file`) merged back into every job's numbers.

use crate::pages::Job;
use crate::pages::Lab;
pub use crate::results_file::{code_version, Results, ResultsError, Shard, FORMAT};

/// Every job of the current view's sweep, in the order the lab hands them out (empty for a view
/// without one). Asks the lab for jobs until it hands one out a second time (it re-issues jobs
/// not yet back once all are out), so this hands out every job of `lab`'s sweep.
pub fn all_jobs(lab: &mut Lab) -> Vec<Job> {
    let mut jobs: Vec<Job> = Vec::new();
    loop {
        let batch = lab.jobs(64);
        let before = jobs.len();
        for job in batch {
            if jobs.contains(&job) {
                return jobs;
            }
            jobs.push(job);
        }
        if jobs.len() == before {
            return jobs;
        }
    }
}

/// Checks that `files` (name, results) are every slice of one partition of the sweep with
/// canonical fragment `fragment` and `jobs` jobs, computed by this build; returns every job's
/// numbers in job order.
pub fn merge(files: &[(String, Results)], fragment: &str, jobs: usize) -> Result<Vec<Vec<f64>>, ResultsError> {
    let version = code_version();
    let Some((_, first)) = files.first() else { return Err(ResultsError::MissingShard { index: 0, count: 1 }) };
    let count = first.shard.count;
    let mut slices: Vec<Option<&Results>> = vec![None; count];
    for (file, results) in files {
        if results.fragment != fragment {
            return Err(ResultsError::OtherState {
                file: file.clone(),
                found: results.fragment.clone(),
                expected: fragment.to_owned(),
            });
        }
        if results.code_version != version {
            return Err(ResultsError::OtherVersion {
                file: file.clone(),
                found: results.code_version.clone(),
                expected: version.clone(),
            });
        }
        let Shard { index, count: n } = results.shard;
        let misfit = |reason: String| ResultsError::BadShard { file: file.clone(), index, count: n, reason };
        if n != count {
            return Err(misfit(format!("another file is a shard of {count}")));
        }
        if results.jobs != jobs {
            return Err(misfit(format!("it counts {} jobs; this sweep has {jobs}", results.jobs)));
        }
        match slices.get_mut(index) {
            Some(slot @ None) => *slot = Some(results),
            _ => return Err(misfit("the same shard is given twice".to_owned())),
        }
    }
    let mut out = vec![Vec::new(); jobs];
    for (index, slice) in slices.iter().enumerate() {
        let slice = slice.ok_or(ResultsError::MissingShard { index, count })?;
        for (job, numbers) in &slice.results {
            out[*job] = numbers.clone();
        }
    }
    Ok(out)
}
