//! The transformer lesson's page: the analysis over all ranks is cached by model parameters and
//! filled progressively (the current rank first). A pretrained frozen transformer is made first:
//! a few Adam steps per unit on this thread in a build with transformer training, else by a Web
//! Worker (one job, whose numbers are the moved network's weights).

use super::cached::{cached, Keyed};
use super::report::{report, Number, Progress, Report, Status};
use super::work::{Job, JobResult};
use crate::lessons::format::number;
use crate::lessons::lora_transformer::{Analysis, Params, Problem};
use crate::plots::{lora_networks, FigureSet};

type Key = (usize, usize, usize, usize, u64, bool);

/// The problem and its analysis for one model key.
pub struct Data {
    problem: Problem,
    analysis: Analysis,
    /// The pretraining of the frozen model, while it is not done (the analysis waits for it).
    pretraining: Option<Pretraining>,
}

/// A pretrained frozen transformer being made.
enum Pretraining {
    /// On this thread, a few steps per unit.
    #[cfg(feature = "transformer-training")]
    Here(Box<crate::lora::transformer_train::TransformerPretraining>),
    /// By a Web Worker (this build cannot train transformers).
    #[cfg_attr(feature = "transformer-training", allow(dead_code))]
    Workers,
}

impl Pretraining {
    fn start(problem: &Problem, params: &Params) -> Self {
        #[cfg(feature = "transformer-training")]
        {
            let stream = crate::rng::stream(params.seed, crate::rng::streams::PRETRAINING);
            let p = crate::lora::transformer_train::TransformerPretraining::new(
                &problem.target,
                &problem.frozen,
                params.length,
                stream,
            );
            Pretraining::Here(Box::new(p))
        }
        #[cfg(not(feature = "transformer-training"))]
        {
            let _ = (problem, params);
            Pretraining::Workers
        }
    }
}

impl Data {
    /// Uses `frozen` as the frozen model and starts the analysis again.
    fn set_frozen(&mut self, frozen: crate::lora::transformer::Transformer) {
        self.problem.frozen = frozen;
        self.analysis = Analysis::new(&self.problem);
        self.pretraining = None;
    }
}

/// The cached data, keyed by the model parameters.
pub type Cache = Keyed<Key, Data>;

/// The data for `params`, rebuilt when the models change.
fn cache_for<'a>(cache: &'a mut Option<Cache>, params: &Params) -> &'a mut Data {
    let key = (params.width, params.depth, params.heads, params.length, params.seed, params.pretrained);
    cached(cache, key, || {
        let problem = params.problem();
        let pretraining = params.pretrained.then(|| Pretraining::start(&problem, params));
        Data { analysis: Analysis::new(&problem), problem, pretraining }
    })
}

pub fn compute(cache: &mut Option<Cache>, params: &Params) -> (Report, FigureSet) {
    let cache = cache_for(cache, params);
    cache.problem.rank = params.rank;
    if let Some(pretraining) = &cache.pretraining {
        let (check, steps) = match pretraining {
            #[cfg(feature = "transformer-training")]
            Pretraining::Here(p) => ("Pretraining the frozen transformer towards the target", p.steps()),
            Pretraining::Workers => ("Pretraining the frozen transformer towards the target on a background worker (a browser without Web Workers cannot do it on this page; the single-file build can)", 0),
        };
        let progress = if steps > 0 { format!(" (Adam step {steps} of at most 1,000)") } else { String::new() };
        let check = format!("{check}{progress}: Adam on every weight until the training MSE falls below a third of its first value, as in the paper. The construction's curve follows.");
        let report = report(
            check,
            Status::Approximate,
            vec![("error", "The frozen transformer is being pretrained; the curve follows.".to_owned())],
            vec![Number::of("tfn-threshold", None), Number::of("tfn-mse", None)],
        );
        return (report, lora_networks::transformer_figures(&cache.analysis, params));
    }
    let mse = cache.analysis.ensure(&cache.problem, params.rank).and_then(|r| r.mse);
    let analysis = &cache.analysis;
    // The verdict is read from the measured error, not from the rank.
    let status = match mse {
        None => Status::Failed,
        Some(m) if analysis.is_exact(m) => Status::Exact,
        Some(_) if params.rank >= analysis.threshold => Status::Failed,
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
        match (at(0), at(analysis.threshold), analysis.exact_from()) {
            (Some(start), Some(end), Some(from)) => format!(
                ": {} at R = 0 and {} at R = ⌈D/2⌉ = {}; zero up to rounding from R = {from} on",
                number(start),
                number(end),
                analysis.threshold
            ),
            (Some(start), Some(end), None) if analysis.remaining() == 0 => format!(
                ": {} at R = 0 and {} at R = ⌈D/2⌉ = {}; rounding keeps the largest ranks from being exact",
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
        vec![
            Number::of("tfn-threshold", Some(analysis.threshold as f64)),
            Number::of("tfn-mse", mse),
            Number::of("tfn-target-power", Some(analysis.target_power)),
        ],
    );
    (report, lora_networks::transformer_figures(analysis, params))
}

/// Computes up to `count` more ranks of the curve (after the pretraining, if any).
pub fn advance(cache: &mut Option<Cache>, params: &Params, count: usize) -> Progress {
    let cache = cache_for(cache, params);
    let total = cache.analysis.curve.len();
    match cache.pretraining.as_mut() {
        None => {}
        #[cfg(feature = "transformer-training")]
        Some(Pretraining::Here(p)) => {
            // One Adam step per unit (a few milliseconds at the default size, about a construction).
            if p.run(count) {
                if let Some(Pretraining::Here(p)) = cache.pretraining.take() {
                    cache.set_frozen(p.into_model().0);
                }
            }
            return Progress { done: 0, total, workers_only: false };
        }
        Some(Pretraining::Workers) => return Progress { done: 0, total, workers_only: true },
    }
    cache.analysis.advance(&cache.problem, count);
    Progress {
        done: cache.analysis.curve.len() - cache.analysis.remaining(),
        total: cache.analysis.curve.len(),
        workers_only: false,
    }
}

#[cfg(not(target_arch = "wasm32"))]
/// The cached problem as `adaptlab solve` JSON.
pub fn problem(cache: &Cache) -> String {
    crate::solve::lora_transformer::problem_json(&cache.value().problem).to_string()
}

/// The jobs for Web Workers: the pretraining of the frozen model while it is not done (the same
/// job to every worker that asks: the first result is taken).
pub fn jobs(cache: &mut Option<Cache>, params: &Params, n: usize) -> usize {
    usize::from(n > 0 && cache_for(cache, params).pretraining.is_some())
}

/// A worker's job: the pretrained frozen model's weights (in `transformer::tensors` order), made
/// by `advance` in one call; `None` if there is nothing to pretrain or this build cannot.
pub fn run_job(cache: &mut Option<Cache>, params: &Params) -> Option<Vec<f64>> {
    if !params.pretrained {
        return None;
    }
    while cache_for(cache, params).pretraining.is_some() {
        if advance(cache, params, usize::MAX).workers_only {
            return None;
        }
    }
    Some(crate::lora::transformer::tensors(&cache_for(cache, params).problem.frozen).concat())
}

/// Takes a worker's pretrained frozen model; false (and nothing changes) if none is awaited or
/// the numbers do not fit the network.
pub fn accept(cache: &mut Option<Cache>, params: &Params, numbers: &[f64]) -> bool {
    let cache = cache_for(cache, params);
    if cache.pretraining.is_none() || numbers.iter().any(|v| !v.is_finite()) {
        return false;
    }
    let mut frozen = cache.problem.frozen.clone();
    let mut parts = crate::lora::transformer::tensors_mut(&mut frozen);
    if parts.iter().map(|t| t.len()).sum::<usize>() != numbers.len() {
        return false;
    }
    let mut rest = numbers;
    for part in &mut parts {
        let (head, tail) = rest.split_at(part.len());
        part.copy_from_slice(head);
        rest = tail;
    }
    drop(parts);
    cache.set_frozen(frozen);
    true
}

/// The transformer lesson's page; a pretrained frozen transformer is made by a Web Worker (the
/// page's own build cannot train transformers).
#[derive(Default)]
pub struct Page(Option<Cache>);

impl super::lesson::Lesson for Page {
    fn capabilities(&self) -> super::report::Capabilities {
        super::report::Capabilities { solvable: true, ..Default::default() }
    }

    fn compute(&mut self, state: &crate::state::State) -> Result<(Report, FigureSet), String> {
        Ok(compute(&mut self.0, &state.lora_transformer))
    }

    fn advance(&mut self, state: &crate::state::State, units: usize) -> Progress {
        advance(&mut self.0, &state.lora_transformer, units)
    }

    fn jobs(&mut self, state: &crate::state::State, n: usize) -> Vec<Job> {
        vec![Job::Pretraining; jobs(&mut self.0, &state.lora_transformer, n)]
    }

    fn run_job(&mut self, state: &crate::state::State, job: Job) -> Option<JobResult> {
        if job != Job::Pretraining {
            return None;
        }
        run_job(&mut self.0, &state.lora_transformer).map(JobResult::Pretrained)
    }

    fn accept(&mut self, state: &crate::state::State, job: Job, result: JobResult) -> bool {
        match (job, result) {
            (Job::Pretraining, JobResult::Pretrained(weights)) => {
                accept(&mut self.0, &state.lora_transformer, &weights)
            }
            _ => false,
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn problem_json(&self, _state: &crate::state::State) -> Option<String> {
        self.0.as_ref().map(problem)
    }
}
