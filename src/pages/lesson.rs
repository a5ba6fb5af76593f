//! The one interface every lesson's page implements. The lab holds one `Lesson` per view (the
//! registry in `pages`) and dispatches on the view in one place; the page in the browser knows
//! lessons only through what they report (`Capabilities`), never by name.

use super::report::{Capabilities, Progress, Report};
use super::work::{Job, JobResult};
use crate::plots::FigureSet;
use crate::results_file::Results;
use crate::state::State;

/// A lesson's page: computes its report and figures from the state, does its background work
/// in small units, and hands out the jobs other threads may compute. Methods take the whole
/// state; a lesson reads only its own part of it (and its own display settings).
pub trait Lesson: Send {
    /// What the page may do with this lesson.
    fn capabilities(&self) -> Capabilities;

    /// The report and figures for `state`, reusing what is cached for the same parameters.
    fn compute(&mut self, state: &State) -> Result<(Report, FigureSet), String>;

    /// Does up to `units` more background work (a unit is a few milliseconds); zero units only
    /// asks how much is done.
    fn advance(&mut self, _state: &State, _units: usize) -> Progress {
        Progress::COMPLETE
    }

    /// The most units a second the lesson's pace allows now (`None`: as fast as possible).
    fn pace(&self, _state: &State) -> Option<f64> {
        None
    }

    /// What the progress bar says.
    fn progress_text(&self, progress: Progress) -> String {
        format!("computing the curve: {} of {} ranks", progress.done, progress.total)
    }

    /// Forgets the running background work (it starts again from its first unit).
    fn reset(&mut self) {}

    /// Hands out up to `n` jobs for other threads.
    fn jobs(&mut self, _state: &State, _n: usize) -> Vec<Job> {
        Vec::new()
    }

    /// Computes a job handed out by `jobs` (on another thread, whose lab loaded the same link);
    /// `None` for a job the lesson does not have.
    fn run_job(&mut self, _state: &State, _job: Job) -> Option<JobResult> {
        None
    }

    /// Takes a job's result computed elsewhere; false (and nothing changes) if it does not
    /// belong to the current work (a stale result) or does not fit it.
    fn accept(&mut self, _state: &State, _job: Job, _result: JobResult) -> bool {
        false
    }

    /// The file of finished results that `state` opens with, while the lesson waits for them: the
    /// lab ships them for sweeps that take minutes (the page fetches the file; the command line
    /// has it built in).
    fn shipped(&self, _state: &State) -> Option<&'static str> {
        None
    }

    /// Takes the finished results the lesson waits for (`Ok`), or goes on without them (`Err`:
    /// why they could not be loaded). An error says why they cannot be used; the lesson then
    /// computes live.
    fn take_shipped(&mut self, _state: &State, _results: Result<&Results, String>) -> Result<(), String> {
        Err("this lesson opens with no finished results".to_owned())
    }

    /// The current problem as `adaptlab solve` JSON, when the lesson has one. For the command
    /// line only: a method in the vtable is kept in the page's build, and this one would bring
    /// the JSON writers of every problem (14 KB gzipped).
    #[cfg(not(target_arch = "wasm32"))]
    fn problem_json(&self, _state: &State) -> Option<String> {
        None
    }
}
