//! The ReLU-network lesson's page: the analysis over all ranks is cached by model parameters and
//! filled progressively (the current rank first).

use super::{cached, report, Keyed, Number, Progress, Report, Status};
use crate::lessons::format::number;
use crate::lessons::lora_fnn::{Analysis, Params, Problem};
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
    let status = match row.and_then(|r| r.mse_test) {
        None => Status::Failed,
        Some(_) if params.rank >= analysis.threshold => Status::Exact,
        Some(_) => Status::Approximate,
    };
    let at = |rank: usize| analysis.curve.get(rank).and_then(|r| r.mse_test);
    let done = analysis.curve.len() - analysis.remaining();
    let summary = format!(
        "Mean squared error of the constructed adapters against LoRA rank R = 0…{} (L̄ = {}, L = {}; group sizes {}; rank(E_i) = {}){}{}.",
        params.width,
        params.target_depth,
        params.depth,
        join(&analysis.group_sizes),
        join(&analysis.group_ranks),
        match (at(0), at(analysis.threshold)) {
            (Some(start), Some(end)) => format!(
                ": the test MSE falls from {} at R = 0 to {} at R = {} = the threshold",
                number(start),
                number(end),
                analysis.threshold
            ),
            _ => String::new(),
        },
        if done < analysis.curve.len() { format!("; {done} of {} ranks computed so far", analysis.curve.len()) } else { String::new() },
    );
    let report = report(
        analysis.live_check(params.rank, params.depth, params.target_depth),
        status,
        vec![("error", summary)],
        vec![
            Number::of("fnn-threshold", Some(analysis.threshold as f64)),
            Number::of("fnn-mse-test", row.and_then(|r| r.mse_test)),
            Number::of("fnn-mse-calibration", row.and_then(|r| r.mse_calibration)),
            Number::of("fnn-bound", row.and_then(|r| r.bound)),
        ],
    );
    (report, lora_networks::fnn_figures(analysis, params))
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
