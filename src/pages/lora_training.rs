//! The training lesson's page: one run per setting, advanced in chunks between frames.

use super::{cached, report, Keyed, Number, Progress, Report, Status};
use crate::lessons::format::number;
use crate::lessons::lora_training::{recent_mean, Params, Run};
use crate::plots::{lora_networks, FigureSet};

/// The run for one setting.
pub type Cache = Keyed<Params, Run>;

/// The run for `params`, restarted when any setting changes.
fn cache_for<'a>(cache: &'a mut Option<Cache>, params: &Params) -> &'a mut Run {
    cached(cache, params.clone(), || Run::new(params))
}

pub fn compute(cache: &mut Option<Cache>, params: &Params) -> (Report, FigureSet) {
    let run = &*cache_for(cache, params);
    let status = if run.diverged() {
        Status::Failed
    } else if run.finished() {
        Status::Exact
    } else {
        Status::Approximate
    };
    let summary = format!(
        "Training loss of LoRA (R = {}) over {} of {} Adam steps{}; the construction reaches {} and the closed-form reference is {}.{}",
        params.rank,
        run.steps(),
        run.planned(),
        recent_mean(run.losses()).map_or_else(String::new, |m| format!(", recently averaging {}", number(m))),
        run.references.construction.map_or_else(|| "—".to_owned(), number),
        run.references.closed_form.map_or_else(|| "—".to_owned(), number),
        if run.pretrain_steps > 0 {
            format!(" The frozen model was pretrained for {} steps (until its loss fell below a third).", run.pretrain_steps)
        } else {
            String::new()
        }
    );
    let report = report(
        run.live_check(),
        status,
        vec![("loss", summary)],
        vec![
            Number::of("train-steps-taken", Some(run.steps() as f64)),
            Number::of("train-loss", recent_mean(run.losses())),
            Number::of("train-test", run.final_test_mse),
            Number::of("train-construction", run.references.construction),
            Number::of("train-closed-form", run.references.closed_form),
        ],
    );
    (report, lora_networks::training_figures(run, params))
}

/// Runs up to `units` chunks of steps.
pub fn advance(cache: &mut Option<Cache>, params: &Params, units: usize) -> Progress {
    let run = cache_for(cache, params);
    run.advance(units);
    let total = run.planned();
    Progress { done: if run.finished() { total } else { run.steps() }, total, workers_only: false }
}
