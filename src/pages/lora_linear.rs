//! The linear lesson's page: caches the analysis by model parameters; ranks only re-solve. A
//! pretrained frozen model is made first, a few Adam steps per unit of background work
//! (`advance`), so the page never blocks on the up to 1,000 steps; the analysis follows.

use super::{report, Number, Progress, Report, Status};
use crate::lessons::lora_linear::{self, Analysis, ModelKind, Params, Pretraining, Problem};
use crate::plots::{lora_linear as figures, FigureSet};
use crate::solve::lora_linear::problem_json;

/// Everything the models depend on: D, L, seed, kind of target, q, pretrained, own matrices.
type Key = (usize, usize, u64, ModelKind, usize, bool, String);

/// Adam steps per unit of background work (a unit is then a few milliseconds at D = 64, L = 8).
const STEPS_PER_UNIT: usize = 2;

/// The models' analysis for one model key.
pub struct Cache {
    key: Key,
    /// The problem (its frozen layers still moving while `pretraining` runs).
    problem: Problem,
    /// The pretraining of the frozen layers, while it is not done (the analysis waits for it).
    pretraining: Option<Box<Pretraining>>,
    /// The analysis of the (pretrained) models once made, or why it failed.
    analysis: Option<Result<Analysis, String>>,
}

/// The cache for `params`, rebuilt when the models change. Drawing the models is cheap; the
/// analysis is made at once for drawn models and after the pretraining for pretrained ones.
fn cache_for<'a>(cache: &'a mut Option<Cache>, params: &Params) -> &'a mut Cache {
    let key = (
        params.width,
        params.depth,
        params.seed,
        params.model,
        params.perturbation_rank,
        params.pretrained,
        params.custom.clone(),
    );
    if cache.as_ref().is_some_and(|c| c.key != key) {
        *cache = None;
    }
    cache.get_or_insert_with(|| {
        let models = params.drawn_models();
        let problem = Problem { target: models.target.clone(), frozen: models.frozen.clone(), ranks: params.ranks() };
        let pretraining = params.pretrained.then(|| Box::new(Pretraining::new(models, params.seed)));
        Cache { key, problem, pretraining, analysis: None }
    })
}

/// Makes the analysis if the models are final and it is not made yet.
fn ensure_analysis(cache: &mut Cache) {
    if cache.pretraining.is_none() && cache.analysis.is_none() {
        cache.analysis = Some(lora_linear::analyse(&cache.problem).map_err(|e| e.to_string()));
    }
}

pub fn compute(cache: &mut Option<Cache>, params: &Params) -> Result<(Report, FigureSet), String> {
    let cache = cache_for(cache, params);
    cache.problem.ranks = params.ranks();
    if let Some(pretraining) = &cache.pretraining {
        return Ok(pending(&cache.problem, pretraining.steps()));
    }
    ensure_analysis(cache);
    let Some(analysis) = &cache.analysis else { return Err("no analysis".into()) };
    let analysis = analysis.as_ref().map_err(Clone::clone)?;
    let outcome = lora_linear::solve(&cache.problem, &analysis.discrepancy);
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
            ("error", outcome.curve_summary(&analysis.curve)),
            ("heatmaps", outcome.heatmap_summary()),
        ],
        vec![
            Number::of("num-optimal", Some(outcome.optimal.frobenius.powi(2))),
            Number::of("num-construction", construction_sq),
            Number::of("num-mse", Some(outcome.optimal.gaussian_mse)),
            Number::of("num-spectral", Some(outcome.optimal.spectral)),
        ],
    );
    let set = figures::figures(&cache.problem, analysis, &outcome);
    Ok((report, set))
}

/// What the page shows while the frozen layers are pretrained (`steps` Adam steps taken).
fn pending(problem: &Problem, steps: usize) -> (Report, FigureSet) {
    let progress = if steps > 0 { format!(" (Adam step {steps} of at most 1,000)") } else { String::new() };
    let check = format!(
        "Pretraining the frozen layers towards the target{progress}: Adam on every layer until the training MSE falls below a third of its first value, as in the paper. The discrepancy E and the errors follow."
    );
    let waiting = "The frozen layers are being pretrained; this figure follows.";
    let report = report(
        check,
        Status::Approximate,
        vec![
            ("spectrum", waiting.to_owned()),
            ("error", waiting.to_owned()),
            ("heatmaps", "Heatmap of the target W̄; the frozen product and the adapters follow once the frozen layers are pretrained.".to_owned()),
        ],
        ["num-optimal", "num-construction", "num-mse", "num-spectral"].into_iter().map(|id| Number::of(id, None)).collect(),
    );
    (report, figures::pending(problem))
}

/// Pretrains the frozen layers by up to `units` · `STEPS_PER_UNIT` Adam steps (then makes the
/// analysis, one unit); the progress counts Adam steps out of at most 1,000 until then.
pub fn advance(cache: &mut Option<Cache>, params: &Params, units: usize) -> Progress {
    let cache = cache_for(cache, params);
    if let Some(pretraining) = cache.pretraining.as_mut() {
        let done = pretraining.run(units.saturating_mul(STEPS_PER_UNIT));
        let steps = pretraining.steps();
        if done {
            if let Some(pretraining) = cache.pretraining.take() {
                cache.problem.frozen = pretraining.finish().frozen;
            }
            // The analysis is the next unit of work.
            return Progress { done: steps, total: steps + 1, workers_only: false };
        }
        return Progress { done: steps, total: crate::lora::train::Pretraining::MAX_STEPS, workers_only: false };
    }
    ensure_analysis(cache);
    Progress::COMPLETE
}

/// The Adam steps taken so far while the frozen layers are being pretrained, else `None`.
pub fn pretraining_steps(cache: &Option<Cache>) -> Option<usize> {
    cache.as_ref()?.pretraining.as_ref().map(|p| p.steps())
}

/// The cached problem as `adaptlab solve` JSON, once its models are final.
pub fn problem(cache: &Cache) -> Option<String> {
    cache.pretraining.is_none().then(|| problem_json(&cache.problem).to_string())
}
