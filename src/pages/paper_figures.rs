//! The paper-figure presets' page: one sweep per preset, worked through between frames.

use super::cached::{cached, Keyed};
use super::report::{report, titles_and_look_for, Number, Progress, Report, Status};
use super::work::{Job, JobResult};
use crate::lessons::format::number;
use crate::lessons::paper_figures::{Preset, Sweep, SEEDS};
use crate::plots::{lora_networks, FigureSet};

/// The sweep of the current preset.
pub type Cache = Keyed<Preset, Sweep>;

/// The sweep of `preset`, restarted when the preset changes.
pub fn cache_for(cache: &mut Option<Cache>, preset: Preset) -> &mut Sweep {
    cached(cache, preset, || Sweep::new(preset))
}

pub fn compute(cache: &mut Option<Cache>, preset: Preset) -> (Report, FigureSet) {
    let sweep = &*cache_for(cache, preset);
    let (done, total) = sweep.progress();
    let medians = sweep.medians();
    let names = preset.series();
    let panels = preset.panels();
    let summaries: Vec<String> = panels
        .iter()
        .enumerate()
        .map(|(p, title)| {
            let parts: Vec<String> = medians[p]
                .iter()
                .enumerate()
                .filter_map(|(s, points)| {
                    let first = points.first()?;
                    let last = points.last()?;
                    let verb = if last.1 < first.1 { "falls" } else { "goes" };
                    Some(format!(
                        "{} {verb} from {} at {} to {} at {}",
                        names[s],
                        number(first.1),
                        number(first.0),
                        number(last.1),
                        number(last.0)
                    ))
                })
                .collect();
            format!("{title}: {}.", if parts.is_empty() { "not computed yet".to_owned() } else { parts.join("; ") })
        })
        .collect();
    let check = if done < total && !sweep.has_work_here() {
        format!("Computing: {done} of {total} runs done. The constructions are complete; the transformer gradient runs are computed by the page's background workers, 40–90 s each (a browser without Web Workers cannot run them on this page; the single-file build computes them on the page itself).")
    } else if done < total {
        format!("Computing: {done} of {total} runs done (constructions first, then gradient training seed by seed); each curve shows the median over the seeds finished so far.")
    } else {
        format!("Done: all {total} runs, median over {SEEDS} seeds per point.")
    };
    let figures = lora_networks::preset_figures(sweep);
    let mut texts = vec![
        ("description", preset.description().to_owned()),
        ("departures", preset.departures().to_owned()),
        ("panel-1", summaries.first().cloned().unwrap_or_default()),
        ("panel-2", summaries.get(1).cloned().unwrap_or_default()),
    ];
    texts.extend(titles_and_look_for(&figures, &preset.look_for()));
    let report = report(
        check,
        if done < total { Status::Approximate } else { Status::Exact },
        texts,
        vec![Number::of("paper-done", Some(done as f64)), Number::of("paper-total", Some(total as f64))],
    );
    (report, figures)
}

/// Works for `units` chunks.
pub fn advance(cache: &mut Option<Cache>, preset: Preset, units: usize) -> Progress {
    let sweep = cache_for(cache, preset);
    sweep.advance(units);
    let (done, total) = sweep.progress();
    Progress { done, total, workers_only: done < total && !sweep.has_work_here() }
}

/// The LoRA paper presets' page: a sweep of runs, one job per run.
#[derive(Default)]
pub struct Page(Option<Cache>);

impl super::lesson::Lesson for Page {
    fn capabilities(&self) -> super::report::Capabilities {
        super::report::Capabilities { sweep: true, ..Default::default() }
    }

    fn compute(&mut self, state: &crate::state::State) -> Result<(Report, FigureSet), String> {
        Ok(compute(&mut self.0, state.paper))
    }

    fn advance(&mut self, state: &crate::state::State, units: usize) -> Progress {
        advance(&mut self.0, state.paper, units)
    }

    fn progress_text(&self, progress: Progress) -> String {
        format!("runs done: {} of {}", progress.done, progress.total)
    }

    fn reset(&mut self) {
        self.0 = None;
    }

    // A job is one run, by its index in the preset's list.
    fn jobs(&mut self, state: &crate::state::State, n: usize) -> Vec<Job> {
        cache_for(&mut self.0, state.paper).next_jobs(n).into_iter().map(Job::Run).collect()
    }

    fn run_job(&mut self, state: &crate::state::State, job: Job) -> Option<JobResult> {
        let Job::Run(index) = job else { return None };
        cache_for(&mut self.0, state.paper).compute(index).map(JobResult::Run)
    }

    fn accept(&mut self, state: &crate::state::State, job: Job, result: JobResult) -> bool {
        match (job, result) {
            (Job::Run(index), JobResult::Run(value)) => cache_for(&mut self.0, state.paper).accept(index, value),
            _ => false,
        }
    }
}
