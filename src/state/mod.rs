//! The lab's state as it lives in the URL after `#`, e.g.
//! `#v=1&view=lora-linear&D=16&L=2&R=3&seed=7`.
//!
//! One declarative table (`fields::all()`) drives parsing, serialising and the page's control ranges.
//! Parsing never fails: unknown keys are ignored, bad values fall back to defaults, out-of-range
//! values are clamped, and each repair is reported as a sentence for the "link repaired" notice.
//! Serialising is canonical: `v` and `view` first, then the view's fields in table order, with
//! defaults omitted. The seed is part of the state, so a link reproduces exactly what its author saw.

mod applies;
mod display;
mod fields;
mod fields_icl;
mod fields_lora;
mod repairs;
mod row;
pub mod saved;
mod values;

pub use display::Display;

use serde::Serialize;

use crate::lessons::icl as icl_lesson;
use crate::lessons::icl_figures::IclFigure;
use crate::lessons::lora_linear::Params;
use crate::lessons::paper_figures::Preset;
use crate::lessons::{lora_fnn, lora_training, lora_transformer};
use fields::{field, Field, Spec};
pub use repairs::MAX_NOTICES;
use repairs::{ignored, normalise, repeated, summarised};
use values::{parse_value, percent_decode, shown, value_text};

/// The current version of the state format, written as `v=1`.
pub const VERSION: i64 = 1;

/// Which lesson is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// LoRA on deep linear models.
    LoraLinear,
    /// LoRA on ReLU networks.
    LoraFnn,
    /// LoRA on transformers.
    LoraTransformer,
    /// Training LoRA by gradient descent.
    LoraTraining,
    /// The paper's figures as presets.
    Paper,
    /// ICL: risk against the number of examples.
    IclRisk,
    /// ICL: the paper's figures.
    IclPaper,
    /// ICL: one prompt, step by step.
    IclPrompt,
}

impl View {
    /// Every view, in navigation order.
    pub const ALL: [View; 8] = [
        View::LoraLinear,
        View::LoraFnn,
        View::LoraTransformer,
        View::LoraTraining,
        View::Paper,
        View::IclPrompt,
        View::IclRisk,
        View::IclPaper,
    ];

    /// The name used in the URL (`view=…`).
    pub fn key(self) -> &'static str {
        match self {
            View::LoraLinear => "lora-linear",
            View::LoraFnn => "lora-fnn",
            View::LoraTransformer => "lora-transformer",
            View::LoraTraining => "lora-training",
            View::Paper => "lora-paper",
            View::IclRisk => "icl-risk",
            View::IclPaper => "icl-paper",
            View::IclPrompt => "icl-prompt",
        }
    }

    fn from_key(key: &str) -> Option<View> {
        View::ALL.into_iter().find(|v| v.key() == key)
    }
}

/// The whole state of the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    /// The lesson shown.
    pub view: View,
    /// Parameters of the linear LoRA lesson.
    pub lora_linear: Params,
    /// Parameters of the ReLU-network lesson.
    pub lora_fnn: lora_fnn::Params,
    /// Parameters of the transformer lesson.
    pub lora_transformer: lora_transformer::Params,
    /// Parameters of the training lesson.
    pub lora_training: lora_training::Params,
    /// How fast the page plays the training lesson's run (changes no number).
    pub training_pace: lora_training::Pace,
    /// The paper-figure preset shown.
    pub paper: Preset,
    /// The preset is computed on the page (`live=1`) even where its finished results ship with
    /// the lab.
    pub paper_live: bool,
    /// Parameters of the ICL risk lesson.
    pub icl_risk: icl_lesson::Params,
    /// The risk lesson's risk axis is logarithmic (`axis=log`); linear by default, where a rise
    /// of a few per cent (the early ascent) is visible. Presentation only: the sweep is kept.
    pub icl_risk_log_axis: bool,
    /// The ICL paper figure shown.
    pub icl_figure: IclFigure,
    /// Parameters of the one-prompt lesson.
    pub icl_prompt: crate::lessons::icl_prompt::Params,
    /// How the page presents the lesson (full lab or a single embedded figure).
    pub display: Display,
}

impl Default for State {
    fn default() -> Self {
        Self {
            view: View::LoraLinear,
            lora_linear: Params::default(),
            lora_fnn: lora_fnn::Params::default(),
            lora_transformer: lora_transformer::Params::default(),
            lora_training: lora_training::Params::default(),
            training_pace: lora_training::Pace::default(),
            paper: Preset::Figure1,
            paper_live: false,
            icl_risk: icl_lesson::Params::default(),
            icl_risk_log_axis: false,
            icl_figure: IclFigure::Six,
            icl_prompt: crate::lessons::icl_prompt::Params::default(),
            display: Display::default(),
        }
    }
}

/// The result of parsing a link: always a working state, plus what was repaired.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    /// The state to show.
    pub state: State,
    /// One sentence per repair, e.g. "D = 'abc' is not a number; using D = 16."
    pub notices: Vec<String>,
}

/// Parses the part of a URL after `#` (a leading `#` is allowed). Never fails.
pub fn parse(fragment: &str) -> Parsed {
    let mut state = State::default();
    let mut notices = Vec::new();
    let pairs: Vec<(String, String)> = fragment
        .trim_start_matches('#')
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect();
    // First the format version and the view, wherever they stand; then the view's own fields.
    // A key given more than once takes its last value, and the notice says so.
    for (key, value) in &pairs {
        match key.as_str() {
            "v" if value.parse::<i64>() != Ok(VERSION) => {
                notices.push(format!(
                    "the link says format version '{}'; it was read as version {VERSION}.",
                    shown(value)
                ));
            }
            "view" => match View::from_key(value) {
                Some(view) => state.view = view,
                None => {
                    notices.push(format!("view = '{}' is not a lesson; showing {}.", shown(value), state.view.key()))
                }
            },
            _ => {}
        }
    }
    let (mut unused, mut unknown): (Vec<&str>, Vec<&str>) = (Vec::new(), Vec::new());
    for (key, value) in pairs.iter().filter(|(k, _)| k != "v" && k != "view") {
        if state.display.read(state.view, key, value, &mut notices) {
            continue;
        }
        match field(state.view, key) {
            Some(field) => {
                let parsed = parse_value(field, value, &(field.read)(&State::default()), &mut notices);
                (field.write)(&mut state, parsed);
            }
            None if fields::all().any(|f| f.key == key) => unused.push(key),
            None => unknown.push(key),
        }
    }
    ignored(&unused, "which this lesson does not use", &mut notices);
    ignored(&unknown, "unknown", &mut notices);
    repeated(&pairs, &state, &mut notices);
    normalise(&mut state, &mut notices);
    Parsed { state, notices: summarised(notices) }
}

/// Sets one field from a control's text value, validating it exactly as a link would.
/// Returns the sentences describing any repair (empty when the value was accepted as is).
pub fn set(state: &mut State, key: &str, value: &str) -> Vec<String> {
    let mut notices = Vec::new();
    if key == "view" {
        match View::from_key(value) {
            Some(view) => {
                state.view = view;
                state.display.retarget(view);
            }
            None => notices.push(format!("view = '{}' is not a lesson.", shown(value))),
        }
        return notices;
    }
    if state.display.read(state.view, key, value, &mut notices) {
        return notices;
    }
    match field(state.view, key) {
        Some(field) => {
            let current = (field.read)(state);
            let parsed = parse_value(field, value, &current, &mut notices);
            (field.write)(state, parsed);
        }
        None => notices.push(format!("there is no setting '{}'.", shown(key))),
    }
    normalise(state, &mut notices);
    notices
}

/// Writes the canonical fragment (without `#`): `v=1&view=…` then non-default fields in table order.
pub fn serialise(state: &State) -> String {
    let defaults = State::default();
    let mut out = format!("v={VERSION}&view={}", state.view.key());
    for field in fields::all().filter(|f| f.view == state.view) {
        let value = (field.read)(state);
        if value != (field.read)(&defaults) {
            out.push('&');
            out.push_str(field.key);
            out.push('=');
            out.push_str(&value_text(&value));
        }
    }
    out.push_str(&state.display.serialise());
    out
}

/// The fragment of an embed of one figure of the current lesson, with the given controls
/// (`None`: all of them); `figure` must be one of the lesson's figures.
pub fn embed_fragment(state: &State, figure: &str, controls: Option<&str>) -> String {
    let mut embedded = state.clone();
    let mut notices = Vec::new();
    embedded.display = Display { embed: true, ..Display::default() };
    embedded.display.read(state.view, "figure", figure, &mut notices);
    if let Some(controls) = controls {
        embedded.display.read(state.view, "controls", controls, &mut notices);
    }
    serialise(&embedded)
}

/// The fragment of the same lesson and settings in the full lab (what an embed links to).
pub fn full_fragment(state: &State) -> String {
    serialise(&State { display: Display::default(), ..state.clone() })
}

/// A control as the page needs it: key, label, current value and the range allowed right now.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Control {
    /// URL key, also the `data-key` of the HTML input.
    pub key: &'static str,
    /// Human label.
    pub label: &'static str,
    /// The current value as text.
    pub value: String,
    /// Smallest allowed value (numbers only).
    pub min: Option<f64>,
    /// Largest allowed value now (may depend on other fields, e.g. R ≤ D).
    pub max: Option<f64>,
    /// Allowed values (choices only).
    pub options: Vec<&'static str>,
    /// What the menu shows for each allowed value, in the same order (choices only).
    pub option_labels: Vec<&'static str>,
    /// For a list that is not set: the values in effect (what its inputs show).
    pub unset: Option<String>,
    /// Whether the setting changes what the lesson computes now (the page hides it otherwise).
    pub applies: bool,
}

/// The controls of the current view with their current values and ranges.
pub fn controls(state: &State) -> Vec<Control> {
    fields::all()
        .filter(|f| f.view == state.view)
        .map(|field| {
            let (min, max, options, option_labels) = match field.spec {
                Spec::Integer { min, max } | Spec::IntegerList { min, max } => {
                    (Some(min as f64), Some(dynamic_max(field, state).unwrap_or(max) as f64), Vec::new(), Vec::new())
                }
                Spec::Hundredths { min, max } | Spec::HundredthsList { min, max } => {
                    (Some(min as f64 / 100.0), Some(max as f64 / 100.0), Vec::new(), Vec::new())
                }
                Spec::Choice { options, labels } => (None, None, options.to_vec(), labels.to_vec()),
                Spec::Text { .. } => (None, None, Vec::new(), Vec::new()),
            };
            let unset = match field.key {
                "centres" => Some(
                    crate::lessons::icl_prompt::default_centres()
                        .iter()
                        .map(|&n| value_text(&fields::Value::Hundredths(n)))
                        .collect::<Vec<_>>()
                        .join(","),
                ),
                "pi" => Some(["1"; crate::lessons::icl_prompt::PLANE_SKILLS].join(",")),
                _ => None,
            };
            Control {
                key: field.key,
                label: field.label,
                value: value_text(&(field.read)(state)),
                min,
                max,
                options,
                option_labels,
                unset,
                applies: applies::applies(state, field.key),
            }
        })
        .collect()
}

/// Upper bounds that depend on other fields: ranks and q never exceed D.
fn dynamic_max(field: &Field, state: &State) -> Option<i64> {
    let width = match field.view {
        View::LoraLinear => state.lora_linear.width,
        View::LoraFnn => state.lora_fnn.width,
        View::LoraTransformer => state.lora_transformer.width,
        View::LoraTraining => state.lora_training.width,
        View::Paper | View::IclRisk | View::IclPaper | View::IclPrompt => 16,
    };
    matches!(field.key, "R" | "ranks" | "q").then_some(width as i64)
}
