//! What the lab says about the current view, as the page and `adaptlab report` receive it: the
//! live check and its verdict, headline numbers, summaries, progress, presentation, and what a
//! change returns in one call.

use serde::Serialize;

use crate::plots::FigureSet;
use crate::state::Control;

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

/// A report with the fields every lesson fills (fragment and view are added by `Lab`).
pub(super) fn report(
    check: String,
    status: Status,
    summaries: Vec<(&'static str, String)>,
    numbers: Vec<Number>,
) -> Report {
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
    /// The file of finished results (in `www/results/`) that the lesson waits for: the page
    /// fetches it and hands it to `take_shipped` before any background work.
    pub shipped: Option<&'static str>,
}

/// The progress bar's words for a curve over ranks, or for the pretraining of its frozen model
/// (`pretraining`: the Adam steps taken) that comes first.
pub(super) fn curve_progress_text(pretraining: Option<usize>, progress: Progress) -> String {
    match pretraining {
        Some(steps) => format!("pretraining the frozen model: Adam step {steps} of at most 1,000"),
        None => format!("computing the curve: {} of {} ranks", progress.done, progress.total),
    }
}

/// The paper pages' panel headings and "What to look for" bullets as summaries: each figure's
/// title under `<key>-title` (the page's heading over the canvas, the same words the canvas
/// draws), and the bullets under `look-1` … `look-3` ("" for a bullet the figure does not have,
/// which the page hides).
pub(super) fn titles_and_look_for(figures: &FigureSet, look_for: &[&str]) -> Vec<(&'static str, String)> {
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
