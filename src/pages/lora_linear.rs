//! The linear lesson's page: caches the analysis by model parameters; ranks only re-solve. A
//! pretrained frozen model is made first, a few Adam steps per unit of background work
//! (`advance`), then its analysis a rank per unit, so the page never blocks on the up to 1,000
//! steps and the curve's constructions.

use super::report::{report, Number, Progress, Report, Status};
use crate::lessons::lora_linear::{self, Analysis, AnalysisInProgress, ModelKind, Params, Pretraining, Problem};
use crate::plots::{lora_linear as figures, FigureSet};

/// Everything the models depend on: D, L, seed, kind of target, q, pretrained, own matrices.
type Key = (usize, usize, u64, ModelKind, usize, bool, String);

/// Adam steps per unit of background work (a unit is then a few milliseconds at D = 64, L = 8).
const STEPS_PER_UNIT: usize = 2;
/// Units of background work one rank of the curve counts for (a construction at D = 64, L = 8
/// costs about as much as three units of Adam steps).
const UNITS_PER_RANK: usize = 3;

/// The models' analysis for one model key.
pub struct Cache {
    key: Key,
    /// The problem (its frozen layers still moving while pretraining).
    problem: Problem,
    stage: Stage,
}

/// How far the analysis of the models has come.
enum Stage {
    /// The frozen layers are being pretrained (the analysis waits for them).
    Pretraining(Box<Pretraining>),
    /// The pretrained models' analysis, a rank of the curve at a time.
    Analysing(Box<AnalysisInProgress>),
    /// The analysis, or why it failed.
    Ready(Result<Box<Analysis>, String>),
}

/// Above this cost (`curve_cost`) the curve is computed in the background work, a rank per unit;
/// below, at once (D = 32, L = 8 costs 1.3·10⁶, a few milliseconds; D = 64, L = 8 costs 1.9·10⁷,
/// 40–80 ms in one go).
const AT_ONCE_COST: usize = 2_000_000;

/// A rough measure of the curve's work: a construction per rank up to ⌈D/L⌉, each a few products
/// and decompositions of D × D matrices per layer (D³·L).
fn curve_cost(problem: &Problem) -> usize {
    let (width, depth) = (problem.width(), problem.depth().max(1));
    width.pow(3) * depth * (width.div_ceil(depth) + 1)
}

/// The analysis of `problem` started: E and its SVD (or why they failed), no rank of the curve.
fn analysing(problem: &Problem) -> Stage {
    match AnalysisInProgress::start(problem) {
        Ok(analysis) => Stage::Analysing(Box::new(analysis)),
        Err(e) => Stage::Ready(Err(e.to_string())),
    }
}

/// The cache for `params`, rebuilt when the models change. Small drawn models are analysed at
/// once; pretrained ones and large ones in the background work.
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
        let stage = if params.pretrained {
            Stage::Pretraining(Box::new(Pretraining::new(models, params.seed)))
        } else if curve_cost(&problem) <= AT_ONCE_COST {
            Stage::Ready(lora_linear::analyse(&problem).map(Box::new).map_err(|e| e.to_string()))
        } else {
            analysing(&problem)
        };
        Cache { key, problem, stage }
    })
}

pub fn compute(cache: &mut Option<Cache>, params: &Params) -> Result<(Report, FigureSet), String> {
    let cache = cache_for(cache, params);
    cache.problem.ranks = params.ranks();
    // While the curve is being computed, everything else is shown already: it needs only E.
    let (partial, ranks_done);
    let analysis = match &cache.stage {
        Stage::Pretraining(pretraining) => return Ok(pending(&cache.problem, pretraining.steps())),
        Stage::Analysing(analysis) => {
            ranks_done = Some(analysis.ranks_done());
            partial = analysis.so_far();
            &partial
        }
        Stage::Ready(analysis) => {
            ranks_done = None;
            analysis.as_ref().map_err(Clone::clone)?
        }
    };
    let outcome = lora_linear::solve(&cache.problem, &analysis.discrepancy);
    let construction_sq = outcome.construction.as_ref().ok().map(|c| c.error_frobenius.powi(2));
    let status = match (&outcome.construction, outcome.ranks.iter().sum::<usize>() >= outcome.discrepancy_rank) {
        (Err(_), _) => Status::Failed,
        (Ok(_), true) => Status::Exact,
        (Ok(_), false) => Status::Approximate,
    };
    let curve_summary = match ranks_done {
        None => outcome.curve_summary(&analysis.curve),
        Some(done) => format!(
            "Squared Frobenius error against LoRA rank R = 0…{} at depth L = {}: {done} of {} ranks computed so far.",
            outcome.width,
            outcome.depth(),
            outcome.width + 1
        ),
    };
    let report = report(
        outcome.live_check(),
        status,
        vec![
            ("spectrum", outcome.spectrum_summary()),
            ("error", curve_summary),
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

/// What the page shows while the frozen layers are pretrained (`steps` Adam steps taken): the
/// target, and E and the errors once the frozen layers stop moving.
fn pending(problem: &Problem, steps: usize) -> (Report, FigureSet) {
    let check = format!(
        "Pretraining the frozen layers towards the target{}: Adam on every layer until the training MSE falls below a third of its first value, as in the paper. The discrepancy E and the errors follow.",
        if steps > 0 { format!(" (Adam step {steps} of at most 1,000)") } else { String::new() }
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

/// Pretrains the frozen layers by up to `units` · `STEPS_PER_UNIT` Adam steps (the progress
/// counts them out of at most 1,000), then computes the curve of the pretrained models, a rank
/// per `UNITS_PER_RANK` units (the progress counts ranks).
pub fn advance(cache: &mut Option<Cache>, params: &Params, units: usize) -> Progress {
    let cache = cache_for(cache, params);
    let ranks = cache.problem.width() + 1;
    match &mut cache.stage {
        Stage::Pretraining(pretraining) => {
            if !pretraining.run(units.saturating_mul(STEPS_PER_UNIT)) {
                let done = pretraining.steps();
                return Progress { done, total: crate::lora::train::Pretraining::MAX_STEPS, workers_only: false };
            }
            // Done: the moved layers replace the drawn ones, and their analysis starts.
            let Stage::Pretraining(pretraining) = std::mem::replace(&mut cache.stage, Stage::Ready(Err(String::new())))
            else {
                return Progress::COMPLETE;
            };
            cache.problem.frozen = pretraining.finish().frozen;
            cache.stage = analysing(&cache.problem);
            Progress { done: 0, total: ranks, workers_only: false }
        }
        Stage::Analysing(analysis) => {
            for _ in 0..units.div_ceil(UNITS_PER_RANK) {
                if analysis.step(&cache.problem) {
                    break;
                }
            }
            let done = analysis.ranks_done();
            if done < ranks {
                return Progress { done, total: ranks, workers_only: false };
            }
            if let Stage::Analysing(analysis) = std::mem::replace(&mut cache.stage, Stage::Ready(Err(String::new()))) {
                cache.stage = Stage::Ready(Ok(Box::new(analysis.finish(&cache.problem))));
            }
            Progress::COMPLETE
        }
        Stage::Ready(_) => Progress::COMPLETE,
    }
}

/// The Adam steps taken so far while the frozen layers are being pretrained, else `None`.
pub fn pretraining_steps(cache: &Option<Cache>) -> Option<usize> {
    match &cache.as_ref()?.stage {
        Stage::Pretraining(pretraining) => Some(pretraining.steps()),
        _ => None,
    }
}

#[cfg(not(target_arch = "wasm32"))]
/// The cached problem as `adaptlab solve` JSON, once its models are final.
pub fn problem(cache: &Cache) -> Option<String> {
    (!matches!(cache.stage, Stage::Pretraining(_)))
        .then(|| crate::solve::lora_linear::problem_json(&cache.problem).to_string())
}

/// The deep linear lesson's page.
#[derive(Default)]
pub struct Page(Option<Cache>);

impl super::lesson::Lesson for Page {
    fn capabilities(&self) -> super::report::Capabilities {
        super::report::Capabilities { solvable: true, ..Default::default() }
    }

    fn compute(&mut self, state: &crate::state::State) -> Result<(Report, FigureSet), String> {
        compute(&mut self.0, &state.lora_linear)
    }

    fn advance(&mut self, state: &crate::state::State, units: usize) -> Progress {
        advance(&mut self.0, &state.lora_linear, units)
    }

    fn progress_text(&self, progress: Progress) -> String {
        super::report::curve_progress_text(pretraining_steps(&self.0), progress)
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn problem_json(&self, _state: &crate::state::State) -> Option<String> {
        self.0.as_ref().and_then(problem)
    }
}
