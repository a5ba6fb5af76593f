//! The training lesson's page: one run per setting, advanced in chunks between frames.

use super::{cached, report, Keyed, Number, Progress, Report, Status};
use crate::lessons::format::number;
use crate::lessons::lora_training::{recent_mean, Comparison, Params, Run};
use crate::lora::train::Pretraining;
use crate::plots::{lora_networks, FigureSet};

/// The run for one setting.
pub type Cache = Keyed<Params, Run>;

/// The run for `params`, restarted when any setting changes.
fn cache_for<'a>(cache: &'a mut Option<Cache>, params: &Params) -> &'a mut Run {
    cached(cache, params.clone(), || Run::new(params))
}

pub fn compute(cache: &mut Option<Cache>, params: &Params) -> (Report, FigureSet) {
    let run = &*cache_for(cache, params);
    // A run that diverged (stopped, or ended above where it started) failed; any other run is an
    // approximation, to be compared with the construction.
    let status = if run.diverged() || run.comparison() == Some(Comparison::Diverged) {
        Status::Failed
    } else {
        Status::Approximate
    };
    let summary = format!(
        "Training loss of LoRA (R = {}) over {} of {} Adam steps{}; the frozen model starts at a test MSE of {}, the construction reaches {} and the closed-form reference is {}.{}",
        params.rank,
        run.steps(),
        run.planned(),
        recent_mean(run.losses()).map_or_else(String::new, |m| format!(", recently averaging {}", number(m))),
        number(run.references.start),
        run.references.construction.map_or_else(|| "— (it cannot be used at this rank)".to_owned(), number),
        run.references.closed_form.map_or_else(|| "—".to_owned(), number),
        match run.pretrain_steps {
            0 => String::new(),
            n if n < Pretraining::MAX_STEPS => format!(
                " The frozen model was pretrained for {n} steps, until its batch loss fell below a third of the first."
            ),
            n => format!(" The frozen model was pretrained for {n} steps, the limit."),
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
            Number::of("train-start", Some(run.references.start)),
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
