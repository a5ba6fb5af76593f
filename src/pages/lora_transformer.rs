//! The transformer lesson's page: the analysis over all ranks is cached by model parameters.

use super::{report, Number, Report, Status};
use crate::lessons::format::number;
use crate::lessons::lora_transformer::{self, Analysis, Params, Problem};
use crate::plots::{lora_networks, FigureSet};
use crate::solve::lora_transformer::problem_json;

type Key = (usize, usize, usize, usize, u64);

/// The analysis for one model key.
pub struct Cache {
    key: Key,
    problem: Problem,
    analysis: Analysis,
}

pub fn compute(cache: &mut Option<Cache>, params: &Params) -> (Report, FigureSet, Option<String>) {
    let key = (params.width, params.depth, params.heads, params.length, params.seed);
    let cache = match cache {
        Some(c) if c.key == key => c,
        _ => {
            let problem = params.problem();
            let analysis = lora_transformer::analyse(&problem);
            cache.insert(Cache { key, problem, analysis })
        }
    };
    cache.problem.rank = params.rank;
    let analysis = &cache.analysis;
    let mse = analysis.curve.get(params.rank).and_then(|r| r.mse);
    let status = match mse {
        None => Status::Failed,
        Some(_) if params.rank >= analysis.threshold => Status::Exact,
        Some(_) => Status::Approximate,
    };
    let summary = format!(
        "Mean squared error of the constructed adapters against LoRA rank R = 0…{} (L = {}, H = {}, N = {}): {} at R = 0, {} at R = {} = ⌈D/2⌉, where the construction becomes exact.",
        params.width,
        params.depth,
        params.heads,
        params.length,
        number(analysis.curve.first().and_then(|r| r.mse).unwrap_or(0.0)),
        number(analysis.curve.get(analysis.threshold).and_then(|r| r.mse).unwrap_or(0.0)),
        analysis.threshold
    );
    let report = report(
        analysis.live_check(params.rank, params.width),
        status,
        vec![("error", summary)],
        vec![Number::of("tfn-threshold", Some(analysis.threshold as f64)), Number::of("tfn-mse", mse)],
    );
    let json = problem_json(&cache.problem).to_string();
    (report, lora_networks::transformer_figures(analysis, params), Some(json))
}
