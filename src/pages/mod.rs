//! The lab as a whole, independent of the browser: the state, each lesson's cached analysis, and
//! for the current view a `Report` (texts and headline numbers) and its `FigureSet`. The wasm
//! boundary and the `adaptlab render` command both drive this, so they show the same thing.

mod cached;
mod icl;
mod lesson;
mod lora_fnn;
mod lora_linear;
mod lora_training;
mod lora_transformer;
mod paper_figures;
mod report;
pub mod wire;
mod work;

pub use lesson::Lesson;
pub use report::{Capabilities, Number, Play, Presentation, Progress, Report, Said, Shown, Status};
pub use work::{Job, JobResult};

use crate::plots::FigureSet;
use crate::results_file::Results;
use crate::state::{self, Control, State, View};

/// The lab: the state and one `Lesson` per view, each with its own cache (the expensive
/// analysis depends only on the models), and the figures of the last `compute`.
pub struct Lab {
    state: State,
    /// One lesson per view, in `View::ALL` order.
    lessons: Vec<Box<dyn Lesson>>,
    figures: FigureSet,
}

impl Default for Lab {
    fn default() -> Self {
        Lab {
            state: State::default(),
            lessons: View::ALL.into_iter().map(registry).collect(),
            figures: FigureSet::default(),
        }
    }
}

impl Lab {
    /// A lab at the default state.
    pub fn new() -> Self {
        Self::default()
    }

    /// The current view's lesson (the one place the lab dispatches on the view).
    fn lesson(&self) -> &dyn Lesson {
        let index = View::ALL.iter().position(|&v| v == self.state.view).unwrap_or(0);
        self.lessons[index].as_ref()
    }

    /// The current view's lesson, and the state it reads.
    fn lesson_mut(&mut self) -> (&mut dyn Lesson, &State) {
        let index = View::ALL.iter().position(|&v| v == self.state.view).unwrap_or(0);
        (self.lessons[index].as_mut(), &self.state)
    }

    /// Loads a link fragment; returns the repair notices.
    pub fn load(&mut self, fragment: &str) -> Vec<String> {
        let parsed = state::parse(fragment);
        self.state = parsed.state;
        parsed.notices
    }

    /// Sets one control; returns the repair notices.
    pub fn set(&mut self, key: &str, value: &str) -> Vec<String> {
        state::set(&mut self.state, key, value)
    }

    /// The current state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The canonical fragment.
    pub fn fragment(&self) -> String {
        state::serialise(&self.state)
    }

    /// The fragment embedding one figure of the current view with the given controls.
    pub fn embed_fragment(&self, figure: &str, controls: Option<&str>) -> String {
        state::embed_fragment(&self.state, figure, controls)
    }

    /// The current view's controls.
    pub fn controls(&self) -> Vec<Control> {
        state::controls(&self.state)
    }

    /// What the page may do with the current view's lesson.
    pub fn capabilities(&self) -> Capabilities {
        let lesson = self.lesson();
        Capabilities { shipped: lesson.shipped(&self.state), ..lesson.capabilities() }
    }

    /// Opens the current view with the finished results it waits for, as the page does once it
    /// has fetched them: the command line has them built in (the page's build does nothing here).
    /// A file that cannot be used is said in the report (the view computes live).
    pub fn open_shipped(&mut self) {
        #[cfg(not(target_arch = "wasm32"))]
        {
            let (lesson, state) = self.lesson_mut();
            if let Some(file) = lesson.shipped(state) {
                let _ = lesson.take_shipped(state, crate::shipped::results(file).as_ref().map_err(Clone::clone));
            }
        }
    }

    /// Takes the finished results the current view waits for (`Capabilities::shipped`), or goes
    /// on without them (`Err`: why they could not be loaded); an error says why they cannot be
    /// used, and the view computes live instead.
    pub fn take_shipped(&mut self, results: Result<&Results, String>) -> Result<(), String> {
        let (lesson, state) = self.lesson_mut();
        lesson.take_shipped(state, results)
    }

    /// Recomputes the current view (reusing cached analyses) and returns its report.
    pub fn compute(&mut self) -> Result<Report, String> {
        let fragment = self.fragment();
        let view = self.state.view;
        let (lesson, state) = self.lesson_mut();
        let (report, figures) = lesson.compute(state)?;
        let capabilities = Capabilities { shipped: lesson.shipped(state), ..lesson.capabilities() };
        let keys = figures.keys();
        self.figures = figures;
        let display = &self.state.display;
        let presentation = Presentation {
            embed: display.embed,
            figure: display.figure_or_first(view),
            controls: display.controls.clone(),
            full_fragment: state::full_fragment(&self.state),
        };
        Ok(Report { fragment, view: view.key(), figures: keys, presentation, capabilities, ..report })
    }

    /// What the page shows now, with the notices of the change that led here (`Shown`).
    pub fn shown(&mut self, notices: Vec<String>) -> Result<Shown, String> {
        let progress = self.advance(0);
        let report = self.compute()?;
        let sizes = report.figures.iter().filter_map(|&key| Some((key, self.figures.get(key)?.size()))).collect();
        Ok(Shown {
            notices,
            controls: self.controls(),
            progress,
            progress_text: self.progress_text(progress),
            report,
            sizes,
        })
    }

    /// Does up to `units` more background work for the current view (a unit is one rank of a
    /// curve, a few training steps or Adam steps, a block of trials: a few milliseconds) and
    /// reports the progress; the page calls this between frames.
    pub fn advance(&mut self, units: usize) -> Progress {
        let (lesson, state) = self.lesson_mut();
        lesson.advance(state, units)
    }

    /// The most units of background work a second the current view's pace allows (`None`: as
    /// fast as it can be done). Only the training lesson has a pace; its steps are the same
    /// whatever the pace.
    pub fn pace(&self) -> Option<f64> {
        self.lesson().pace(&self.state)
    }

    /// What the progress bar says about `progress` of the current view's background work.
    pub fn progress_text(&self, progress: Progress) -> String {
        self.lesson().progress_text(progress)
    }

    /// Forgets the current view's running work (a training run restarts from step 0).
    pub fn reset(&mut self) {
        let (lesson, _) = self.lesson_mut();
        lesson.reset();
    }

    /// Computes everything the current view shows (for the command line and tests).
    pub fn compute_all(&mut self) -> Result<Report, String> {
        self.compute_all_with(|_| {}).map(|(report, _)| report)
    }

    /// Computes everything the current view shows, calling `on_progress` after each slice of
    /// background work (the command line reports long runs on stderr with it); returns the
    /// report and the progress it was taken at.
    pub fn compute_all_with(&mut self, mut on_progress: impl FnMut(Progress)) -> Result<(Report, Progress), String> {
        self.open_shipped();
        self.compute()?;
        // Stops short where only Web Workers can go on (never in a build with everything).
        let progress = loop {
            let progress = self.advance(16);
            on_progress(progress);
            if progress.is_complete() || progress.workers_only {
                break progress;
            }
        };
        Ok((self.compute()?, progress))
    }

    /// Everything the page says for link state `fragment`: the repair notices of the link, then
    /// the report after all background work (`until_done`) or as the page first shows it.
    pub fn said(fragment: &str, until_done: bool, on_progress: impl FnMut(Progress)) -> Result<Said, String> {
        let mut lab = Lab::new();
        let notices = lab.load(fragment);
        let (report, complete) = if until_done {
            let (report, progress) = lab.compute_all_with(on_progress)?;
            (report, progress.is_complete())
        } else {
            lab.open_shipped();
            let report = lab.compute()?;
            // Zero units: only asks how much is done.
            (report, lab.advance(0).is_complete())
        };
        Ok(Said { notices, complete, report })
    }

    /// The draggable skill centre under a pointer at device pixel `pointer` of the one-prompt
    /// lesson's weight-space figure drawn at `size` device pixels and `scale`, if any.
    pub fn centre_at(&self, pointer: (f64, f64), size: (u32, u32), scale: f64) -> Option<usize> {
        self.capabilities().handles?;
        icl::drag::centre_at(&self.figures, pointer, size, scale)
    }

    /// Moves skill centre `index` to the pointer (through the same validation as a link);
    /// returns the repair notices.
    pub fn move_centre(&mut self, index: usize, pointer: (f64, f64), size: (u32, u32), scale: f64) -> Vec<String> {
        if self.capabilities().handles.is_none() {
            return vec!["this lesson has no skill centres to move.".to_owned()];
        }
        match icl::drag::moved(&self.figures, &self.state.icl_prompt, index, pointer, size, scale) {
            Some(centres) => self.set("centres", &centres),
            None => vec!["this prior's skill centres cannot be moved.".to_owned()],
        }
    }

    /// Hands out up to `n` jobs of the current view's background work, for other threads (none
    /// for views without any): blocks of trials of a Monte Carlo curve, a LoRA paper preset's
    /// runs, a frozen transformer's pretraining.
    pub fn jobs(&mut self, n: usize) -> Vec<Job> {
        let (lesson, state) = self.lesson_mut();
        lesson.jobs(state, n)
    }

    /// Computes a job of the current view (on a worker, whose lab loaded the same link); `None`
    /// for a job the view does not have.
    pub fn run_job(&mut self, job: Job) -> Option<JobResult> {
        let (lesson, state) = self.lesson_mut();
        lesson.run_job(state, job)
    }

    /// Takes a job's result computed elsewhere; false if it does not belong to the current work
    /// (a stale result after the settings changed) or does not fit it.
    pub fn accept(&mut self, job: Job, result: JobResult) -> bool {
        let (lesson, state) = self.lesson_mut();
        lesson.accept(state, job, result)
    }

    /// The figures of the last `compute`.
    pub fn figures(&self) -> &FigureSet {
        &self.figures
    }

    /// The current view's problem as `adaptlab solve` JSON (the LoRA lessons': the last computed
    /// one; the in-context-learning lessons': their settings' posterior or risk curve).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn problem_json(&self) -> Option<String> {
        self.lesson().problem_json(&self.state)
    }
}

/// The lesson shown for `view`: adding a lesson is one line here (and its view in `state`).
fn registry(view: View) -> Box<dyn Lesson> {
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
