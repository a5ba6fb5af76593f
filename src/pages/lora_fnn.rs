//! The ReLU-network lesson's page: the analysis over all ranks is cached by model parameters and
//! filled progressively (the current rank first).

use super::{cached, report, Keyed, Number, Progress, Report, Status};
use crate::lessons::format::number;
use crate::lessons::lora_fnn::{Analysis, Params, Problem, Verdict};
use crate::plots::{lora_networks, FigureSet};
use crate::solve::lora_fnn::problem_json;

type Key = (usize, usize, usize, u64, bool, bool);

/// The problem and its analysis for one model key.
pub struct Data {
    problem: Problem,
    analysis: Analysis,
}

/// The cached data, keyed by the model parameters.
pub type Cache = Keyed<Key, Data>;

/// The data for `params`, rebuilt when the models change.
fn cache_for<'a>(cache: &'a mut Option<Cache>, params: &Params) -> &'a mut Data {
    let key = (params.width, params.target_depth, params.depth, params.seed, params.relu_on_output, params.pretrained);
    cached(cache, key, || {
        let problem = params.problem();
        Data { analysis: Analysis::new(&problem), problem }
    })
}

pub fn compute(cache: &mut Option<Cache>, params: &Params) -> (Report, FigureSet) {
    let cache = cache_for(cache, params);
    cache.problem.rank = params.rank;
    let row = cache.analysis.ensure(&cache.problem, params.rank);
    let analysis = &cache.analysis;
    let status = match analysis.verdict(params.rank) {
        Some(Verdict::Exact) => Status::Exact,
        Some(Verdict::Approximate) => Status::Approximate,
        Some(Verdict::Inexact | Verdict::Unusable) | None => Status::Failed,
    };
    let report = report(
        analysis.live_check(params.rank, params.depth, params.target_depth),
        status,
        vec![("error", summary(analysis, params))],
        vec![
            Number::of("fnn-threshold", Some(analysis.threshold as f64)),
            Number::of("fnn-mse-test", row.and_then(|r| r.mse_test)),
            Number::of("fnn-mse-calibration", row.and_then(|r| r.mse_calibration)),
            Number::of("fnn-exact-tolerance", Some(analysis.exact_tolerance())),
            Number::of("fnn-outside", row.and_then(|r| r.outside).map(|n| n as f64)),
            Number::of("fnn-bound", row.and_then(|r| r.bound)),
            Number::of("fnn-bound-test", row.and_then(|r| r.bound_test)),
            Number::of("fnn-mse-test-r0", analysis.curve.get(0).and_then(|r| r.mse_test)),
        ],
    );
    (report, lora_networks::fnn_figures(analysis, params))
}

/// The figure's summary: what the curve shows between R = 0 and the threshold, and where the
/// construction cannot be used.
fn summary(analysis: &Analysis, params: &Params) -> String {
    let at = |rank: usize| analysis.curve.get(rank).and_then(|r| r.mse_test);
    let done = analysis.curve.len() - analysis.remaining();
    let threshold = analysis.threshold;
    let trend = match (at(0), at(threshold)) {
        (Some(start), Some(end)) if threshold > 0 => format!(
            ": the test MSE {} {} at R = 0 to {} at the threshold R = {threshold}",
            if end < start { "falls from" } else { "goes from" },
            number(start),
            number(end)
        ),
        _ => String::new(),
    };
    let failed = analysis.failed_ranks();
    let failures = if failed.is_empty() {
        String::new()
    } else {
        format!(
            "; the construction cannot be used at R = {} (no point drawn there)",
            failed.iter().map(usize::to_string).collect::<Vec<_>>().join(", ")
        )
    };
    format!(
        "Mean squared error of the constructed adapters against LoRA rank R = 0…{} (L̄ = {}, L = {}{}; group sizes {}; rank(E_i) = {}){trend}{failures}{}.",
        params.width,
        params.target_depth,
        params.depth,
        if params.pretrained { ", pretrained frozen model" } else { "" },
        join(&analysis.group_sizes),
        join(&analysis.group_ranks),
        if done < analysis.curve.len() { format!("; {done} of {} ranks computed so far", analysis.curve.len()) } else { String::new() },
    )
}

/// Computes up to `count` more ranks of the curve.
pub fn advance(cache: &mut Option<Cache>, params: &Params, count: usize) -> Progress {
    let cache = cache_for(cache, params);
    cache.analysis.advance(&cache.problem, count);
    Progress {
        done: cache.analysis.curve.len() - cache.analysis.remaining(),
        total: cache.analysis.curve.len(),
        workers_only: false,
    }
}

/// The cached problem as `adaptlab solve` JSON.
pub fn problem(cache: &Cache) -> String {
    problem_json(&cache.value().problem).to_string()
}

fn join(values: &[usize]) -> String {
    values.iter().map(usize::to_string).collect::<Vec<_>>().join(", ")
}
