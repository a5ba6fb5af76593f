//! The linear lesson's page: caches the analysis by model parameters; ranks only re-solve.

use super::{report, Number, Report, Status};
use crate::lessons::lora_linear::{self, Analysis, ModelKind, Params, Problem};
use crate::plots::{lora_linear as figures, FigureSet};
use crate::solve::lora_linear::problem_json;

type Key = (usize, usize, u64, ModelKind, usize, bool);

/// The models' analysis for one model key.
pub struct Cache {
    key: Key,
    problem: Problem,
    analysis: Analysis,
}

pub fn compute(cache: &mut Option<Cache>, params: &Params) -> Result<(Report, FigureSet), String> {
    let key = (params.width, params.depth, params.seed, params.model, params.perturbation_rank, params.pretrained);
    if cache.as_ref().is_none_or(|c| c.key != key) {
        let problem = params.problem();
        let analysis = lora_linear::analyse(&problem).map_err(|e| e.to_string())?;
        *cache = Some(Cache { key, problem, analysis });
    }
    let Some(cache) = cache.as_mut() else { return Err("no analysis".into()) };
    cache.problem.ranks = params.ranks();
    let outcome = lora_linear::solve(&cache.problem, &cache.analysis.discrepancy);
    let construction_sq = outcome.construction.as_ref().ok().map(|c| c.error_frobenius.powi(2));
    let status = match (&outcome.construction, outcome.ranks.iter().sum::<usize>() >= outcome.discrepancy_rank) {
        (Err(_), _) => Status::Failed,
        (Ok(_), true) => Status::Exact,
        (Ok(_), false) => Status::Approximate,
    };
    let report = report(
        outcome.live_check(),
        status,
        vec![
            ("spectrum", outcome.spectrum_summary()),
            ("error", outcome.curve_summary(&cache.analysis.curve)),
            ("heatmaps", outcome.heatmap_summary()),
        ],
        vec![
            Number::of("num-optimal", Some(outcome.optimal.frobenius.powi(2))),
            Number::of("num-construction", construction_sq),
            Number::of("num-mse", Some(outcome.optimal.gaussian_mse)),
            Number::of("num-spectral", Some(outcome.optimal.spectral)),
        ],
    );
    let set = figures::figures(&cache.problem, &cache.analysis, &outcome);
    Ok((report, set))
}

/// The cached problem as `adaptlab solve` JSON.
pub fn problem(cache: &Cache) -> String {
    problem_json(&cache.problem).to_string()
}
