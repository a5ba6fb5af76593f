//! The paper-figure presets' page: one sweep per preset, worked through between frames, or
//! opened complete from the finished results that ship with the lab.

use super::cached::{cached, Keyed};
use super::report::{report, titles_and_look_for, Number, Progress, Report, Status};
use super::work::{Job, JobResult};
use crate::lessons::format::number;
use crate::lessons::paper_figures::{Preset, Sweep, SEEDS};
use crate::plots::{lora_networks, FigureSet};
use crate::results_file::Results;
use crate::state::{self, State, View};

/// Where a preset's results come from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// Computed on this page (the reader asked to recompute, or nothing ships for the preset).
    Live,
    /// Waiting for the finished results that ship with the lab.
    Waiting,
    /// The finished results that ship with the lab, computed by this code version.
    Shipped(String),
    /// They could not be used (why); computed on this page instead.
    Unavailable(String),
}

/// The sweep of the current preset and where its results come from, for (preset, live).
pub type Cache = Keyed<(Preset, bool), (Sweep, Source)>;

/// Whether `state` opens its preset from the finished results that ship with the lab.
fn opens_shipped(state: &State) -> bool {
    !state.paper_live && state.paper.shipped_file().is_some()
}

/// The sweep for `state`, restarted when the preset or the choice to recompute live changes.
pub fn cache_for<'a>(cache: &'a mut Option<Cache>, state: &State) -> &'a mut (Sweep, Source) {
    let shipped = opens_shipped(state);
    cached(cache, (state.paper, !shipped), || {
        (Sweep::new(state.paper), if shipped { Source::Waiting } else { Source::Live })
    })
}

/// The link state whose jobs a preset's results file holds: the preset's own link.
fn preset_fragment(preset: Preset) -> String {
    state::serialise(&State { view: View::Paper, paper: preset, ..State::default() })
}

/// A sweep of `preset` filled from its results file, checked against it: the preset's link, the
/// whole sweep (every job once, in order) and one finite-or-failed value per run.
fn filled(preset: Preset, results: &Results) -> Result<Sweep, String> {
    let expected = preset_fragment(preset);
    if results.fragment != expected {
        return Err(format!("the file holds the results of '#{}', not of '#{expected}'", results.fragment));
    }
    let mut sweep = Sweep::new(preset);
    let jobs = sweep.progress().1;
    if results.jobs != jobs || !results.results.iter().map(|(job, _)| *job).eq(0..jobs) {
        return Err(format!("the file does not hold every one of the preset's {jobs} runs once, in order"));
    }
    let values: Option<Vec<Option<f64>>> = results
        .results
        .iter()
        .map(|(_, numbers)| match numbers.as_slice() {
            [value] => Some(Some(*value).filter(|v| v.is_finite())),
            _ => None,
        })
        .collect();
    let values = values.ok_or("a run's result in the file is not one number")?;
    if !sweep.fill(values) {
        return Err("the file's runs do not fill the preset's sweep".to_owned());
    }
    Ok(sweep)
}

/// What the live check says about where the results come from, after what it says of them.
fn source_note(source: &Source) -> String {
    match source {
        Source::Live | Source::Waiting => String::new(),
        Source::Shipped(version) => format!(" Computed in advance by this lab's own code (build {version}) with the preset's seeds; tick “Recompute live” to compute every run again here (minutes)."),
        Source::Unavailable(why) => format!(" (The finished results that ship with the lab could not be used: {why}. They are computed here instead.)"),
    }
}

pub fn compute(cache: &mut Option<Cache>, state: &State) -> (Report, FigureSet) {
    let preset = state.paper;
    let (sweep, source) = &*cache_for(cache, state);
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
    let check = if *source == Source::Waiting && done == 0 {
        "Loading the finished results of this figure, computed in advance by this lab's own code…".to_owned()
    } else if done < total && !sweep.has_work_here() {
        format!("Computing: {done} of {total} runs done. The constructions are complete; the transformer gradient runs are computed by the page's background workers, 40–90 s each (a browser without Web Workers cannot run them on this page; the single-file build computes them on the page itself).")
    } else if done < total {
        format!("Computing: {done} of {total} runs done (constructions first, then gradient training seed by seed); each curve shows the median over the seeds finished so far.")
    } else {
        format!("Done: all {total} runs, median over {SEEDS} seeds per point.")
    } + &source_note(source);
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
pub fn advance(cache: &mut Option<Cache>, state: &State, units: usize) -> Progress {
    let (sweep, _) = cache_for(cache, state);
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
        Ok(compute(&mut self.0, state))
    }

    fn advance(&mut self, state: &crate::state::State, units: usize) -> Progress {
        advance(&mut self.0, state, units)
    }

    fn progress_text(&self, progress: Progress) -> String {
        format!("runs done: {} of {}", progress.done, progress.total)
    }

    fn reset(&mut self) {
        self.0 = None;
    }

    // A job is one run, by its index in the preset's list.
    fn jobs(&mut self, state: &crate::state::State, n: usize) -> Vec<Job> {
        cache_for(&mut self.0, state).0.next_jobs(n).into_iter().map(Job::Run).collect()
    }

    fn run_job(&mut self, state: &crate::state::State, job: Job) -> Option<JobResult> {
        let Job::Run(index) = job else { return None };
        cache_for(&mut self.0, state).0.compute(index).map(JobResult::Run)
    }

    fn accept(&mut self, state: &crate::state::State, job: Job, result: JobResult) -> bool {
        match (job, result) {
            (Job::Run(index), JobResult::Run(value)) => cache_for(&mut self.0, state).0.accept(index, value),
            _ => false,
        }
    }

    fn shipped(&self, state: &State) -> Option<&'static str> {
        let waiting = match &self.0 {
            Some(c) if c.key == (state.paper, !opens_shipped(state)) => c.value.1 == Source::Waiting,
            _ => opens_shipped(state),
        };
        waiting.then(|| state.paper.shipped_file()).flatten()
    }

    fn take_shipped(&mut self, state: &State, results: Result<&Results, String>) -> Result<(), String> {
        let entry = cache_for(&mut self.0, state);
        if entry.1 != Source::Waiting {
            return Err("this figure is not waiting for finished results".to_owned());
        }
        match results.and_then(|r| Ok((filled(state.paper, r)?, r.code_version.clone()))) {
            Ok((sweep, version)) => {
                *entry = (sweep, Source::Shipped(version));
                Ok(())
            }
            Err(why) => {
                entry.1 = Source::Unavailable(why.clone());
                Err(why)
            }
        }
    }
}
