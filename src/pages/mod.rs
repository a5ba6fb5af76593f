//! The lab as a whole, independent of the browser: the state, each lesson's cached analysis, and
//! for the current view a `Report` (texts and headline numbers) and its `FigureSet`. The wasm
//! boundary and the `adaptlab render` command both drive this, so they show the same thing.

mod icl;
mod lesson;
mod lora_fnn;
mod lora_linear;
mod lora_training;
mod lora_transformer;
mod paper_figures;
pub mod wire;
mod work;

pub use lesson::{Capabilities, Lesson, Play};
pub use work::{Job, JobResult};

use serde::Serialize;

use crate::plots::FigureSet;
use crate::state::{self, Control, State, View};

/// How the live check judges the current setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The target is represented exactly.
    Exact,
    /// Below the threshold: a quantified error.
    Approximate,
    /// The construction could not be used.
    Failed,
}

/// A headline number: the page's element id, its display text and its raw value (for tests).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Number {
    /// Element id on the page.
    pub id: &'static str,
    /// What the page shows.
    pub shown: String,
    /// The value (always finite), or `None` when there is none (e.g. construction not built):
    /// then `shown` is empty and the page hides the number.
    pub value: Option<f64>,
}

impl Number {
    /// A number shown with four significant digits; without a value (it does not apply, or is
    /// not computed yet) nothing is shown, and the page leaves the number's row out.
    pub fn of(id: &'static str, value: Option<f64>) -> Self {
        let value = value.filter(|v| v.is_finite());
        Number { id, shown: value.map_or_else(String::new, crate::lessons::format::number), value }
    }
}

/// How much of the current view's background work (e.g. a curve over all ranks) is done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Units done.
    pub done: usize,
    /// Units in all.
    pub total: usize,
    /// Only the Web Workers can do what is left (the page's build lacks it): the page stops its
    /// own work and waits for their results.
    #[serde(rename = "workersOnly")]
    pub workers_only: bool,
}

impl Progress {
    /// Nothing left to do.
    pub const COMPLETE: Progress = Progress { done: 1, total: 1, workers_only: false };

    /// Whether everything is done.
    pub fn is_complete(&self) -> bool {
        self.done >= self.total
    }
}

/// What the page shows in words for the current view.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// Canonical link fragment (without `#`).
    pub fragment: String,
    /// The view's key (`lora-linear`, …).
    pub view: &'static str,
    /// The live check sentence.
    pub check: String,
    /// Its verdict.
    pub status: Status,
    /// One text summary per figure, as (figure key, sentence).
    pub summaries: Vec<(&'static str, String)>,
    /// Headline numbers.
    pub numbers: Vec<Number>,
    /// The keys of the figures this view shows now (the page hides its other figures).
    pub figures: Vec<&'static str>,
    /// How the page presents itself (full lab or one embedded figure).
    pub presentation: Presentation,
    /// What the page may do with the lesson (transport, solve, workers, draggable figure).
    pub capabilities: Capabilities,
}

/// Everything the page says for one link state (`adaptlab report`): the link's repair notices,
/// whether the background work had finished, and the report (live check, verdict, summaries,
/// headline numbers with their ids).
#[derive(Clone, Debug, Serialize)]
pub struct Said {
    /// "Link repaired: …" notices, as the page shows them.
    pub notices: Vec<String>,
    /// Whether every unit of the view's background work was done when the report was taken.
    pub complete: bool,
    /// The report.
    #[serde(flatten)]
    pub report: Report,
}

/// Everything the page writes after the state changed, from one call (one round trip per slider
/// move): the repair notices, the controls, the progress of the new state's background work, and
/// the report with each shown figure's natural size.
#[derive(Clone, Debug, Serialize)]
pub struct Shown {
    /// Repair notices of the change ("Adjusted: …", "Link repaired: …").
    pub notices: Vec<String>,
    /// The view's controls as they now are.
    pub controls: Vec<Control>,
    /// How much of the background work is done.
    pub progress: Progress,
    /// What the progress bar says.
    #[serde(rename = "progressText")]
    pub progress_text: String,
    /// The report.
    pub report: Report,
    /// Natural size (width, height) in CSS pixels of each figure the report shows.
    pub sizes: Vec<(&'static str, (u32, u32))>,
}

/// The display settings of the link, resolved for the page.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Presentation {
    /// Show one figure with its own controls.
    pub embed: bool,
    /// The figure an embed shows.
    pub figure: &'static str,
    /// The controls an embed shows (`None`: all).
    pub controls: Option<Vec<&'static str>>,
    /// The same lesson and settings in the full lab (the embed's "open in the full lab" link).
    pub full_fragment: String,
}

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
            lessons: View::ALL.into_iter().map(lesson::registry).collect(),
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
        self.lesson().capabilities()
    }

    /// Recomputes the current view (reusing cached analyses) and returns its report.
    pub fn compute(&mut self) -> Result<Report, String> {
        let fragment = self.fragment();
        let view = self.state.view;
        let (lesson, state) = self.lesson_mut();
        let (report, figures) = lesson.compute(state)?;
        let capabilities = lesson.capabilities();
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

/// The progress bar's words for a curve over ranks, or for the pretraining of its frozen model
/// (`pretraining`: the Adam steps taken) that comes first.
fn curve_progress_text(pretraining: Option<usize>, progress: Progress) -> String {
    match pretraining {
        Some(steps) => format!("pretraining the frozen model: Adam step {steps} of at most 1,000"),
        None => format!("computing the curve: {} of {} ranks", progress.done, progress.total),
    }
}

/// A value computed for a key (a lesson's parameters), rebuilt only when the key changes.
pub struct Keyed<K, V> {
    key: K,
    value: V,
}

impl<K, V> Keyed<K, V> {
    /// The cached value.
    pub fn value(&self) -> &V {
        &self.value
    }
}

/// The value for `key` in `slot`, built by `build` when nothing is cached or the key changed.
fn cached<K: PartialEq, V>(slot: &mut Option<Keyed<K, V>>, key: K, build: impl FnOnce() -> V) -> &mut V {
    if slot.as_ref().is_some_and(|c| c.key != key) {
        *slot = None;
    }
    &mut slot.get_or_insert_with(|| Keyed { value: build(), key }).value
}

/// The paper pages' panel headings and "What to look for" bullets as summaries: each figure's
/// title under `<key>-title` (the page's heading over the canvas, the same words the canvas
/// draws), and the bullets under `look-1` … `look-3` ("" for a bullet the figure does not have,
/// which the page hides).
fn titles_and_look_for(figures: &FigureSet, look_for: &[&str]) -> Vec<(&'static str, String)> {
    const TITLES: [(&str, &str); 6] = [
        ("panel-1", "panel-1-title"),
        ("panel-2", "panel-2-title"),
        ("panel-3", "panel-3-title"),
        ("panel-4", "panel-4-title"),
        ("panel-5", "panel-5-title"),
        ("panel-6", "panel-6-title"),
    ];
    let titles = TITLES.iter().filter_map(|(key, title_key)| match figures.get(key) {
        Some(crate::plots::Figure::Curve(curve)) => Some((*title_key, curve.title.clone())),
        _ => None,
    });
    let bullets = ["look-1", "look-2", "look-3"]
        .into_iter()
        .enumerate()
        .map(|(i, key)| (key, look_for.get(i).map_or_else(String::new, |text| (*text).to_owned())));
    titles.chain(bullets).collect()
}

/// A report with the fields every lesson fills (fragment and view are added by `Lab`).
fn report(check: String, status: Status, summaries: Vec<(&'static str, String)>, numbers: Vec<Number>) -> Report {
    Report {
        fragment: String::new(),
        view: "",
        check,
        status,
        summaries,
        numbers,
        figures: Vec::new(),
        presentation: Presentation::default(),
        capabilities: Capabilities::default(),
    }
}
