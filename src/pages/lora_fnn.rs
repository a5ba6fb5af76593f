//! The ReLU-network lesson's page: the analysis over all ranks is cached by model parameters and
//! filled progressively (the current rank first). A pretrained frozen model is made first, a few
//! Adam steps per unit of background work, so the page never blocks on the up to 1,000 steps.

use super::cached::{cached, Keyed};
use super::report::{report, Number, Progress, Report, Status};
use crate::lessons::format::number;
use crate::lessons::lora_fnn::{self, Analysis, Params, Problem, Verdict};
use crate::lora::train::Pretraining;
use crate::plots::{lora_networks, Figure, FigureSet};

type Key = (usize, usize, usize, u64, bool, bool);

/// Adam steps per unit of background work (a unit is then a few milliseconds at D = 32, L = 8).
const STEPS_PER_UNIT: usize = 1;

/// The problem and its analysis for one model key.
pub struct Data {
    problem: Problem,
    analysis: Analysis,
    /// The pretraining of the frozen model, while it is not done (the analysis waits for it).
    pretraining: Option<Box<Pretraining>>,
}

/// The cached data, keyed by the model parameters.
pub type Cache = Keyed<Key, Data>;

/// The data for `params`, rebuilt when the models change. The models and inputs are drawn on
/// their own streams, so the problem with the pretrained frozen model swapped in is exactly
/// `params.problem()`.
fn cache_for<'a>(cache: &'a mut Option<Cache>, params: &Params) -> &'a mut Data {
    let key = (params.width, params.target_depth, params.depth, params.seed, params.relu_on_output, params.pretrained);
    cached(cache, key, || {
        let problem = Params { pretrained: false, ..params.clone() }.problem();
        let pretraining = params.pretrained.then(|| {
            Box::new(lora_fnn::pretraining(&problem.target, &problem.frozen, params.relu_on_output, params.seed))
        });
        Data { analysis: Analysis::new(&problem), problem, pretraining }
    })
}

pub fn compute(cache: &mut Option<Cache>, params: &Params) -> (Report, FigureSet) {
    let cache = cache_for(cache, params);
    cache.problem.rank = params.rank;
    if let Some(pretraining) = &cache.pretraining {
        return pending(&cache.analysis, params, pretraining.steps());
    }
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

/// What the page shows while the frozen model is pretrained (`steps` Adam steps taken): the
/// figure's axes and current rank, without the threshold, which depends on the moved model.
fn pending(analysis: &Analysis, params: &Params, steps: usize) -> (Report, FigureSet) {
    let progress = if steps > 0 { format!(" (Adam step {steps} of at most 1,000)") } else { String::new() };
    let check = format!(
        "Pretraining the frozen ReLU network towards the target{progress}: Adam on every weight and bias until the training MSE falls below a third of its first value, as in the paper. The threshold and the construction's errors follow."
    );
    let ids = [
        "fnn-threshold",
        "fnn-mse-test",
        "fnn-mse-calibration",
        "fnn-exact-tolerance",
        "fnn-outside",
        "fnn-bound",
        "fnn-bound-test",
        "fnn-mse-test-r0",
    ];
    let report = report(
        check,
        Status::Approximate,
        vec![("error", "The frozen ReLU network is being pretrained; the curve follows.".to_owned())],
        ids.into_iter().map(|id| Number::of(id, None)).collect(),
    );
    let mut set = lora_networks::fnn_figures(analysis, params);
    for (_, figure) in &mut set.figures {
        if let Figure::Curve(curve) = figure {
            curve.markers.retain(|m| m.key != "threshold_rank");
        }
    }
    (report, set)
}

/// Pretrains the frozen model by up to `count` · `STEPS_PER_UNIT` Adam steps (the progress counts
/// them out of at most 1,000), then computes up to `count` more ranks of the curve.
pub fn advance(cache: &mut Option<Cache>, params: &Params, count: usize) -> Progress {
    let cache = cache_for(cache, params);
    if let Some(pretraining) = cache.pretraining.as_mut() {
        let done = pretraining.run(count.saturating_mul(STEPS_PER_UNIT));
        let steps = pretraining.steps();
        if !done {
            return Progress { done: steps, total: Pretraining::MAX_STEPS, workers_only: false };
        }
        if let Some(pretraining) = cache.pretraining.take() {
            cache.problem.frozen = pretraining.into_model().0;
            cache.analysis = Analysis::new(&cache.problem);
        }
        return Progress { done: 0, total: cache.analysis.curve.len(), workers_only: false };
    }
    cache.analysis.advance(&cache.problem, count);
    Progress {
        done: cache.analysis.curve.len() - cache.analysis.remaining(),
        total: cache.analysis.curve.len(),
        workers_only: false,
    }
}

#[cfg(not(target_arch = "wasm32"))]
/// The cached problem as `adaptlab solve` JSON, once its frozen model is final.
pub fn problem(cache: &Cache) -> Option<String> {
    let data = cache.value();
    data.pretraining.is_none().then(|| crate::solve::lora_fnn::problem_json(&data.problem).to_string())
}

/// The Adam steps taken so far while the frozen model is being pretrained, else `None`.
pub fn pretraining_steps(cache: &Option<Cache>) -> Option<usize> {
    cache.as_ref()?.value().pretraining.as_ref().map(|p| p.steps())
}

fn join(values: &[usize]) -> String {
    values.iter().map(usize::to_string).collect::<Vec<_>>().join(", ")
}

/// The ReLU network lesson's page.
#[derive(Default)]
pub struct Page(Option<Cache>);

impl super::lesson::Lesson for Page {
    fn capabilities(&self) -> super::report::Capabilities {
        super::report::Capabilities { solvable: true, ..Default::default() }
    }

    fn compute(&mut self, state: &crate::state::State) -> Result<(Report, FigureSet), String> {
        Ok(compute(&mut self.0, &state.lora_fnn))
    }

    fn advance(&mut self, state: &crate::state::State, units: usize) -> Progress {
        advance(&mut self.0, &state.lora_fnn, units)
    }

    fn progress_text(&self, progress: Progress) -> String {
        super::report::curve_progress_text(pretraining_steps(&self.0), progress)
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn problem_json(&self, _state: &crate::state::State) -> Option<String> {
        self.0.as_ref().and_then(problem)
    }
}
