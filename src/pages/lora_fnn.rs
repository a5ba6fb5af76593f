//! The ReLU-network lesson's page: the analysis over all ranks is cached by model parameters.

use super::{report, Number, Report, Status};
use crate::lessons::format::number;
use crate::lessons::lora_fnn::{self, Analysis, Params, Problem};
use crate::plots::{lora_networks, FigureSet};
use crate::solve::lora_fnn::problem_json;

type Key = (usize, usize, usize, u64, bool);

/// The analysis for one model key.
pub struct Cache {
    key: Key,
    problem: Problem,
    analysis: Analysis,
}

pub fn compute(cache: &mut Option<Cache>, params: &Params) -> (Report, FigureSet, Option<String>) {
    let key = (params.width, params.target_depth, params.depth, params.seed, params.relu_on_output);
    let cache = match cache {
        Some(c) if c.key == key => c,
        _ => {
            let problem = params.problem();
            let analysis = lora_fnn::analyse(&problem);
            cache.insert(Cache { key, problem, analysis })
        }
    };
    cache.problem.rank = params.rank;
    let analysis = &cache.analysis;
    let row = analysis.curve.get(params.rank).copied();
    let status = match row.and_then(|r| r.mse_test) {
        None => Status::Failed,
        Some(_) if params.rank >= analysis.threshold => Status::Exact,
        Some(_) => Status::Approximate,
    };
    let built = analysis.curve.iter().filter(|r| r.mse_test.is_some()).count();
    let summary = format!(
        "Mean squared error of the constructed adapters against LoRA rank R = 0…{} (L̄ = {}, L = {}, groups of sizes {:?}, rank(E_i) = {:?}): the test MSE falls from {} at R = 0 to {} at R = {} = the threshold; the construction was built at {built} of {} ranks.",
        params.width,
        params.target_depth,
        params.depth,
        analysis.group_sizes,
        analysis.group_ranks,
        number(analysis.curve.first().and_then(|r| r.mse_test).unwrap_or(0.0)),
        number(analysis.curve.get(analysis.threshold).and_then(|r| r.mse_test).unwrap_or(0.0)),
        analysis.threshold,
        analysis.curve.len()
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
    let json = problem_json(&cache.problem).to_string();
    (report, lora_networks::fnn_figures(analysis, params), Some(json))
}
