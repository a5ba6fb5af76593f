//! The one interface every lesson's page implements, and the registry of lessons. The lab holds
//! one `Lesson` per view (`registry`) and dispatches on the view in one place; the page in the
//! browser knows lessons only through what they report (`Capabilities`), never by name.

use serde::Serialize;

use super::work::{Job, JobResult};
use super::{Progress, Report};
use crate::plots::FigureSet;
use crate::state::{State, View};

/// What the transport's Play button does in a lesson.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Play {
    /// The lesson has no transport.
    #[default]
    None,
    /// Play runs the lesson's background work (a training run), Pause stops it, Step does one
    /// unit, and Reset starts it again from its first unit.
    Work,
    /// Play steps the integer setting `key` up by one (the prompt's number of examples); Step
    /// and Step back move it by one.
    Setting {
        /// The setting Play moves.
        key: &'static str,
    },
}

/// What the page may do with a lesson, beyond showing its report and figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Capabilities {
    /// What Play does.
    pub play: Play,
    /// `adaptlab problem '<link>' | adaptlab solve` reproduces its numbers.
    pub solvable: bool,
    /// Its background work is a sweep of jobs that the page shares with its Web Workers (and
    /// `adaptlab figure` with every core).
    pub sweep: bool,
    /// The figure whose marks can be dragged (the page loads its pointer handling).
    pub handles: Option<&'static str>,
}

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

    /// The current problem as `adaptlab solve` JSON, when the lesson has one. For the command
    /// line only: a method in the vtable is kept in the page's build, and this one would bring
    /// the JSON writers of every problem (14 KB gzipped).
    #[cfg(not(target_arch = "wasm32"))]
    fn problem_json(&self, _state: &State) -> Option<String> {
        None
    }
}

/// The lesson shown for `view`: adding a lesson is one line here (and its view in `state`).
pub fn registry(view: View) -> Box<dyn Lesson> {
    use super::{icl, lora_fnn, lora_linear, lora_training, lora_transformer, paper_figures};
    match view {
        View::LoraLinear => Box::<lora_linear::Page>::default(),
        View::LoraFnn => Box::<lora_fnn::Page>::default(),
        View::LoraTransformer => Box::<lora_transformer::Page>::default(),
        View::LoraTraining => Box::<lora_training::Page>::default(),
        View::Paper => Box::<paper_figures::Page>::default(),
        View::IclPrompt => Box::new(icl::PromptPage),
        View::IclRisk => Box::<icl::RiskPage>::default(),
        View::IclPaper => Box::<icl::FigurePage>::default(),
    }
}
