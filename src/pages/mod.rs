//! The lab as a whole, independent of the browser: the state, each lesson's cached analysis, and
//! for the current view a `Report` (texts and headline numbers) and its `FigureSet`. The wasm
//! boundary and the `adaptlab render` command both drive this, so they show the same thing.

mod icl;
mod lora_fnn;
mod lora_linear;
mod lora_training;
mod lora_transformer;
mod paper_figures;

use serde::Serialize;

use crate::lessons::icl::Job;
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
    /// The value (always finite), or `None` when there is none (e.g. construction not built).
    pub value: Option<f64>,
}

impl Number {
    /// A number shown with four significant digits.
    pub fn of(id: &'static str, value: Option<f64>) -> Self {
        let value = value.filter(|v| v.is_finite());
        Number { id, shown: value.map_or_else(|| "—".to_owned(), crate::lessons::format::number), value }
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

/// The lab: state plus per-lesson caches (the expensive analysis depends only on the models).
#[derive(Default)]
pub struct Lab {
    state: State,
    linear: Option<lora_linear::Cache>,
    fnn: Option<lora_fnn::Cache>,
    transformer: Option<lora_transformer::Cache>,
    training: Option<lora_training::Cache>,
    paper: Option<paper_figures::Cache>,
    icl_risk: Option<icl::RiskCache>,
    icl_figure: Option<icl::FigureCache>,
    figures: FigureSet,
}

impl Lab {
    /// A lab at the default state.
    pub fn new() -> Self {
        Self::default()
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

    /// Recomputes the current view (reusing cached analyses) and returns its report.
    pub fn compute(&mut self) -> Result<Report, String> {
        let fragment = self.fragment();
        let view = self.state.view;
        let (report, figures) = match view {
            View::LoraLinear => lora_linear::compute(&mut self.linear, &self.state.lora_linear)?,
            View::LoraFnn => lora_fnn::compute(&mut self.fnn, &self.state.lora_fnn),
            View::LoraTransformer => lora_transformer::compute(&mut self.transformer, &self.state.lora_transformer),
            View::LoraTraining => lora_training::compute(&mut self.training, &self.state.lora_training),
            View::Paper => paper_figures::compute(&mut self.paper, self.state.paper),
            View::IclRisk => icl::compute_risk(&mut self.icl_risk, &self.state.icl_risk),
            View::IclPaper => icl::compute_figure(&mut self.icl_figure, self.state.icl_figure),
            View::IclPrompt => icl::compute_prompt(&self.state.icl_prompt),
        };
        let keys = figures.keys();
        self.figures = figures;
        let display = &self.state.display;
        let presentation = Presentation {
            embed: display.embed,
            figure: display.figure_or_first(view),
            controls: display.controls.clone(),
            full_fragment: state::full_fragment(&self.state),
        };
        Ok(Report { fragment, view: view.key(), figures: keys, presentation, ..report })
    }

    /// Does up to `units` more background work for the current view (a unit is one rank of a
    /// curve or ten training steps: a few milliseconds) and reports the progress; the page calls
    /// this between frames.
    pub fn advance(&mut self, units: usize) -> Progress {
        match self.state.view {
            View::IclPrompt => Progress::COMPLETE,
            View::LoraLinear => lora_linear::advance(&mut self.linear, &self.state.lora_linear, units),
            View::LoraFnn => lora_fnn::advance(&mut self.fnn, &self.state.lora_fnn, units),
            View::LoraTransformer => {
                lora_transformer::advance(&mut self.transformer, &self.state.lora_transformer, units)
            }
            View::LoraTraining => lora_training::advance(&mut self.training, &self.state.lora_training, units),
            View::Paper => paper_figures::advance(&mut self.paper, self.state.paper, units),
            View::IclRisk => icl::advance_risk(&mut self.icl_risk, &self.state.icl_risk, units),
            View::IclPaper => icl::advance_figure(&mut self.icl_figure, self.state.icl_figure, units),
        }
    }

    /// What the progress bar says about `progress` of the current view's background work.
    pub fn progress_text(&self, progress: Progress) -> String {
        let Progress { done, total, .. } = progress;
        let pretraining = match self.state.view {
            View::LoraLinear => lora_linear::pretraining_steps(&self.linear),
            View::LoraFnn => lora_fnn::pretraining_steps(&self.fnn),
            _ => None,
        };
        if let Some(steps) = pretraining {
            return format!("pretraining the frozen model: Adam step {steps} of at most 1,000");
        }
        match self.state.view {
            View::LoraTraining => format!("training: step {done} of {total}"),
            View::Paper => format!("runs done: {done} of {total}"),
            View::IclRisk | View::IclPaper => format!("trials done: {done} of {total}"),
            _ => format!("computing the curve: {done} of {total} ranks"),
        }
    }

    /// Forgets the current view's running work (a training run restarts from step 0).
    pub fn reset(&mut self) {
        match self.state.view {
            View::LoraTraining => self.training = None,
            View::Paper => self.paper = None,
            View::IclRisk => self.icl_risk = None,
            View::IclPaper => self.icl_figure = None,
            _ => {}
        }
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
        if self.state.view != View::IclPrompt {
            return None;
        }
        icl::drag::centre_at(&self.figures, pointer, size, scale)
    }

    /// Moves skill centre `index` to the pointer (through the same validation as a link);
    /// returns the repair notices.
    pub fn move_centre(&mut self, index: usize, pointer: (f64, f64), size: (u32, u32), scale: f64) -> Vec<String> {
        if self.state.view != View::IclPrompt {
            return vec!["only the one-prompt lesson has skill centres to move.".to_owned()];
        }
        match icl::drag::moved(&self.figures, &self.state.icl_prompt, index, pointer, size, scale) {
            Some(centres) => self.set("centres", &centres),
            None => vec!["this prior's skill centres cannot be moved.".to_owned()],
        }
    }

    /// Hands out up to `n` jobs of the current view's sweep, for other threads (none for views
    /// without one). For the in-context-learning sweeps a job is a block of trials of a curve;
    /// for the LoRA paper presets it is one run, its index in `block` (`curve` and `trials` 0);
    /// for the transformer lesson with a pretrained frozen model, that model's pretraining.
    pub fn jobs(&mut self, n: usize) -> Vec<Job> {
        if self.state.view == View::LoraTransformer {
            let count = lora_transformer::jobs(&mut self.transformer, &self.state.lora_transformer, n);
            return vec![Job { curve: 0, block: 0, trials: 0 }; count];
        }
        if self.state.view == View::Paper {
            let sweep = paper_figures::cache_for(&mut self.paper, self.state.paper);
            return sweep.next_jobs(n).into_iter().map(|block| Job { curve: 0, block, trials: 0 }).collect();
        }
        icl::sweep(&mut self.icl_risk, &mut self.icl_figure, &self.state).map_or_else(Vec::new, |s| s.next_jobs(n))
    }

    /// Computes a job of the current view's sweep (on a worker, whose lab loaded the same link)
    /// as flat numbers (a paper-preset run: its value, NaN if it failed); `None` for a job the
    /// sweep does not have.
    pub fn run_job(&mut self, job: Job) -> Option<Vec<f64>> {
        if self.state.view == View::LoraTransformer {
            return lora_transformer::run_job(&mut self.transformer, &self.state.lora_transformer);
        }
        if self.state.view == View::Paper {
            let sweep = paper_figures::cache_for(&mut self.paper, self.state.paper);
            return sweep.compute(job.block).map(|value| vec![value.unwrap_or(f64::NAN)]);
        }
        let sweep = icl::sweep(&mut self.icl_risk, &mut self.icl_figure, &self.state)?;
        if job.curve >= sweep.curves.len() {
            return None;
        }
        sweep.compute(job).map(|block| crate::icl::risk::block_to_numbers(&block))
    }

    /// Takes a job's numbers computed elsewhere; false if they do not belong to the current
    /// sweep (a stale result after the settings changed) or are malformed.
    pub fn accept(&mut self, job: Job, numbers: &[f64]) -> bool {
        if self.state.view == View::LoraTransformer {
            return lora_transformer::accept(&mut self.transformer, &self.state.lora_transformer, numbers);
        }
        if self.state.view == View::Paper {
            let sweep = paper_figures::cache_for(&mut self.paper, self.state.paper);
            return match numbers {
                [value] => sweep.accept(job.block, Some(*value).filter(|v| v.is_finite())),
                _ => false,
            };
        }
        let Some(sweep) = icl::sweep(&mut self.icl_risk, &mut self.icl_figure, &self.state) else { return false };
        let Some(block) = sweep.curves.get(job.curve).and_then(|c| c.run.block_from_numbers(numbers)) else {
            return false;
        };
        sweep.accept(job, block)
    }

    /// The figures of the last `compute`.
    pub fn figures(&self) -> &FigureSet {
        &self.figures
    }

    /// The current view's problem as `adaptlab solve` JSON (the LoRA lessons': the last computed
    /// one; the in-context-learning lessons': their settings' posterior or risk curve).
    pub fn problem_json(&self) -> Option<String> {
        match self.state.view {
            View::LoraLinear => self.linear.as_ref().and_then(lora_linear::problem),
            View::LoraFnn => self.fnn.as_ref().and_then(lora_fnn::problem),
            View::LoraTransformer => self.transformer.as_ref().map(lora_transformer::problem),
            View::IclRisk => Some(icl::risk_problem(&self.state.icl_risk)),
            View::IclPrompt => icl::prompt_problem(&self.state.icl_prompt),
            View::LoraTraining | View::Paper | View::IclPaper => None,
        }
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
    }
}
