//! Jobs and their results as plain numbers, for the boundaries they cross: the page's Web
//! Workers (`web`) and the results files of `adaptlab figure` (`precomputed`). A job is four
//! integers, `[kind, a, b, c]`; a result is a list of numbers that says its own shape, so it is
//! read without knowing the sweep, and the lesson that takes it checks it belongs.

use super::work::{Job, JobResult};
use crate::icl::risk::{Mean, RiskPoint};
use crate::lessons::icl::BlockJob;

const TRIALS: u32 = 1;
const RUN: u32 = 2;
const PRETRAINING: u32 = 3;

/// A job as `[kind, a, b, c]`: trials `[1, curve, block, trials]`, a run `[2, index, 0, 0]`,
/// pretraining `[3, 0, 0, 0]`. Indices beyond `u32` are written as `u32::MAX`, which no sweep
/// has, so they are refused when read back.
pub fn job_to_numbers(job: &Job) -> [u32; 4] {
    let n = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
    match *job {
        Job::Trials(BlockJob { curve, block, trials }) => [TRIALS, n(curve), n(block), n(trials)],
        Job::Run(index) => [RUN, n(index), 0, 0],
        Job::Pretraining => [PRETRAINING, 0, 0, 0],
    }
}

/// The job that `job_to_numbers` wrote; `None` for anything else.
pub fn job_from_numbers(numbers: &[u32]) -> Option<Job> {
    let &[kind, a, b, c] = numbers else { return None };
    let (a, b, c) = (a as usize, b as usize, c as usize);
    match (kind, b, c) {
        (TRIALS, _, _) => Some(Job::Trials(BlockJob { curve: a, block: b, trials: c })),
        (RUN, 0, 0) => Some(Job::Run(a)),
        (PRETRAINING, 0, 0) if a == 0 => Some(Job::Pretraining),
        _ => None,
    }
}

/// A result as numbers. Trials: the number of points and of skills, then per point its k, the
/// running state (count, mean, m2) of the risk, the retrieval risk, the bound and each weight,
/// and the trials attempted and failed. A run: its value, NaN when it failed. Pretraining: the
/// weights.
pub fn result_to_numbers(result: &JobResult) -> Vec<f64> {
    match result {
        JobResult::Trials(block) => {
            let skills = block.first().map_or(0, |p| p.weights.len());
            let header = [block.len() as f64, skills as f64];
            let points = block.iter().flat_map(|p| {
                std::iter::once(p.k as f64)
                    .chain([&p.risk, &p.retrieval_risk, &p.bound].into_iter().chain(&p.weights).flat_map(Mean::parts))
                    .chain([p.attempted as f64, p.failed as f64])
            });
            header.into_iter().chain(points).collect()
        }
        JobResult::Run(value) => vec![value.unwrap_or(f64::NAN)],
        JobResult::Pretrained(weights) => weights.clone(),
    }
}

/// The result of `job` that `result_to_numbers` wrote; `None` when the numbers are not one
/// (wrong length, a count that is not a whole number, a non-finite estimate).
pub fn result_from_numbers(job: &Job, numbers: &[f64]) -> Option<JobResult> {
    match job {
        Job::Trials(_) => block_from_numbers(numbers).map(JobResult::Trials),
        Job::Run(_) => match numbers {
            [value] => Some(JobResult::Run(Some(*value).filter(|v| v.is_finite()))),
            _ => None,
        },
        Job::Pretraining => numbers.iter().all(|v| v.is_finite()).then(|| JobResult::Pretrained(numbers.to_vec())),
    }
}

/// A whole number in `0..1e15` (a count or an index written as f64).
fn count(x: f64) -> Option<u64> {
    (x >= 0.0 && x.fract() == 0.0 && x < 1e15).then_some(x as u64)
}

fn block_from_numbers(numbers: &[f64]) -> Option<Vec<RiskPoint>> {
    let (&points, rest) = numbers.split_first()?;
    let (&skills, rest) = rest.split_first()?;
    let (points, skills) = (count(points)? as usize, count(skills)? as usize);
    let means = 3 + skills;
    let per_point = 1 + 3 * means + 2;
    if skills > 1 << 16 || rest.len() != per_point.checked_mul(points)? {
        return None;
    }
    rest.chunks(per_point)
        .map(|chunk| {
            let parts: Vec<Mean> = chunk[1..1 + 3 * means]
                .chunks(3)
                .map(|c| Mean::from_parts([c[0], c[1], c[2]]))
                .collect::<Option<_>>()?;
            Some(RiskPoint {
                k: count(chunk[0])? as usize,
                risk: parts[0],
                retrieval_risk: parts[1],
                bound: parts[2],
                weights: parts[3..].to_vec(),
                attempted: count(chunk[1 + 3 * means])?,
                failed: count(chunk[2 + 3 * means])?,
            })
        })
        .collect()
}
