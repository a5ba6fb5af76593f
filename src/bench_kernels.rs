//! The kernels that the native (criterion) and wasm (headless Chromium) benchmarks time, defined
//! once so both measure exactly the same work.

use crate::lessons::lora_linear::{self, Params, Problem};
use crate::lora::linear::{self, Construction, Discrepancy};

/// The seeded random linear problem of the benchmarks: width `width`, `depth` layers, R = ⌈D/(2L)⌉.
pub fn linear_problem(width: usize, depth: usize) -> Problem {
    Params { width, depth, rank: width.div_ceil(2 * depth), seed: 1, ..Params::default() }.problem()
}

/// One explicit construction including the SVD of E (what `adaptlab solve` does).
pub fn linear_construction(problem: &Problem) -> Option<Construction> {
    let discrepancy = Discrepancy::new(&problem.target, &problem.frozen).ok()?;
    linear::construct(&problem.target, &problem.frozen, &discrepancy, &problem.ranks).ok()
}

/// A full recompute of the linear lesson at the page's default settings but width `width`:
/// model generation, analysis of every rank 0..=D, and the outcome at R = 3.
pub fn linear_lesson(width: usize) -> Option<lora_linear::Outcome> {
    let problem = Params { width, ..Params::default() }.problem();
    let analysis = lora_linear::analyse(&problem).ok()?;
    Some(lora_linear::solve(&problem, &analysis.discrepancy))
}
