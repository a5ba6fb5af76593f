//! The transformer lesson's page: the analysis over all ranks is cached by model parameters and
//! filled progressively (the current rank first).

use super::{cached, report, Keyed, Number, Progress, Report, Status};
use crate::lessons::format::number;
use crate::lessons::lora_transformer::{Analysis, Params, Problem};
use crate::plots::{lora_networks, FigureSet};
use crate::solve::lora_transformer::problem_json;

type Key = (usize, usize, usize, usize, u64);

/// The problem and its analysis for one model key.
pub struct Data {
    problem: Problem,
    analysis: Analysis,
}

/// The cached data, keyed by the model parameters.
pub type Cache = Keyed<Key, Data>;

/// The data for `params`, rebuilt when the models change.
fn cache_for<'a>(cache: &'a mut Option<Cache>, params: &Params) -> &'a mut Data {
    let key = (params.width, params.depth, params.heads, params.length, params.seed);
    cached(cache, key, || {
        let problem = params.problem();
        Data { analysis: Analysis::new(&problem), problem }
    })
}

pub fn compute(cache: &mut Option<Cache>, params: &Params) -> (Report, FigureSet) {
    let cache = cache_for(cache, params);
    cache.problem.rank = params.rank;
    let mse = cache.analysis.ensure(&cache.problem, params.rank).and_then(|r| r.mse);
    let analysis = &cache.analysis;
    let status = match mse {
        None => Status::Failed,
        Some(_) if params.rank >= analysis.threshold => Status::Exact,
        Some(_) => Status::Approximate,
    };
    let at = |rank: usize| analysis.curve.get(rank).and_then(|r| r.mse);
    let done = analysis.curve.len() - analysis.remaining();
    let summary = format!(
        "Mean squared error of the constructed adapters against LoRA rank R = 0…{} (L = {}, H = {}, N = {}){}{}.",
        params.width,
        params.depth,
        params.heads,
        params.length,
        match (at(0), at(analysis.threshold)) {
            (Some(start), Some(end)) => format!(
                ": {} at R = 0, {} at R = {} = ⌈D/2⌉, where the construction becomes exact",
                number(start),
                number(end),
                analysis.threshold
            ),
            _ => String::new(),
        },
        if done < analysis.curve.len() {
            format!("; {done} of {} ranks computed so far", analysis.curve.len())
        } else {
            String::new()
        },
    );
    let report = report(
        analysis.live_check(params.rank, params.width),
        status,
        vec![("error", summary)],
        vec![Number::of("tfn-threshold", Some(analysis.threshold as f64)), Number::of("tfn-mse", mse)],
    );
    (report, lora_networks::transformer_figures(analysis, params))
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
