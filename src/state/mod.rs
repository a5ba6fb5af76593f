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
pub mod saved;
mod values;

pub use display::Display;

use serde::Serialize;

use crate::lessons::icl as icl_lesson;
use crate::lessons::icl_figures::IclFigure;
use crate::lessons::lora_linear::ModelKind;
use crate::lessons::lora_linear::Params;
use crate::lessons::paper_figures::Preset;
use crate::lessons::{lora_fnn, lora_training, lora_transformer};
use fields::{field, Field, Spec};
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

/// Notices past this many are summarised in one sentence (a link can carry thousands of keys).
pub const MAX_NOTICES: usize = 10;

/// The first `MAX_NOTICES` notices and, when there are more, one sentence counting the rest.
fn summarised(mut notices: Vec<String>) -> Vec<String> {
    if notices.len() > MAX_NOTICES + 1 {
        let rest = notices.len() - MAX_NOTICES;
        notices.truncate(MAX_NOTICES);
        notices.push(format!("… and {rest} more repairs."));
    }
    notices
}

/// One notice for the ignored keys of a kind ("unknown", or "which this lesson does not use"):
/// each named when there are at most three, else the first three and a count.
fn ignored(keys: &[&str], kind: &str, notices: &mut Vec<String>) {
    let mut distinct: Vec<&str> = Vec::new();
    for key in keys {
        if !distinct.contains(key) {
            distinct.push(key);
        }
    }
    let named = |keys: &[&str]| keys.iter().map(|k| format!("'{}'", shown(k))).collect::<Vec<_>>().join(", ");
    let sentence = match (distinct.len(), kind) {
        (0, _) => return,
        (1, "unknown") => format!("ignored the unknown setting {}.", named(&distinct)),
        (n, "unknown") if n <= 3 => format!("ignored the unknown settings {}.", named(&distinct)),
        (n, "unknown") => format!("ignored {n} unknown settings ({}, …).", named(&distinct[..3])),
        (n, _) if n <= 3 => format!("ignored {}, {kind}.", named(&distinct)),
        (n, _) => format!("ignored {n} settings {kind} ({}, …).", named(&distinct[..3])),
    };
    notices.push(sentence);
}

/// A notice for each setting of the lesson (and `view`) given more than once: the last value
/// given is the one used.
fn repeated(pairs: &[(String, String)], state: &State, notices: &mut Vec<String>) {
    let mut seen: Vec<(&str, usize)> = Vec::new();
    for (key, _) in pairs {
        match seen.iter_mut().find(|(k, _)| k == key) {
            Some((_, count)) => *count += 1,
            None => seen.push((key, 1)),
        }
    }
    for (key, count) in seen.into_iter().filter(|&(_, count)| count > 1) {
        let used = match key {
            "view" => Some(state.view.key().to_owned()),
            _ => field(state.view, key).map(|f| value_text(&(f.read)(state))),
        };
        match used {
            Some(value) => notices.push(format!(
                "{} was given {count} times; using the last, {} = {}.",
                shown(key),
                shown(key),
                shown(&value)
            )),
            None if key == "v" || state.display.knows(key) => {
                notices.push(format!("{} was given {count} times; the last one was used.", shown(key)))
            }
            None => {}
        }
    }
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

/// Cross-field rules, applied after every parse or change.
fn normalise(state: &mut State, notices: &mut Vec<String>) {
    let f = &mut state.lora_fnn;
    if f.rank > f.width {
        notices.push(format!("R = {} exceeds D = {}; using R = {}.", f.rank, f.width, f.width));
        f.rank = f.width;
    }
    // The target must be smaller than the frozen model: L > L̄.
    if f.depth <= f.target_depth {
        notices.push(format!("L = {} must exceed L̄ = {}; using L = {}.", f.depth, f.target_depth, f.target_depth + 1));
        f.depth = f.target_depth + 1;
    }
    let g = &mut state.lora_training;
    if g.rank > g.width {
        notices.push(format!("R = {} exceeds D = {}; using R = {}.", g.rank, g.width, g.width));
        g.rank = g.width;
    }
    // A linear model has one target layer whatever L̄ says (L ≥ 2 by the table's range).
    if g.model == crate::lessons::lora_training::ModelKind::Relu && g.depth <= g.target_depth {
        notices.push(format!("L = {} must exceed L̄ = {}; using L = {}.", g.depth, g.target_depth, g.target_depth + 1));
        g.depth = g.target_depth + 1;
    }
    let t = &mut state.lora_transformer;
    if t.rank > t.width {
        notices.push(format!("R = {} exceeds D = {}; using R = {}.", t.rank, t.width, t.width));
        t.rank = t.width;
    }
    let risk = &mut state.icl_risk;
    if risk.prior == icl_lesson::PriorChoice::Custom && risk.custom.is_empty() {
        notices
            .push("prior = custom needs a prior of your own (open one with “Open a prior…”); showing fig6.".to_owned());
        risk.prior = icl_lesson::PriorChoice::EarlyAscent;
    }
    let prompt = &mut state.icl_prompt;
    let skills = crate::lessons::icl_prompt::PLANE_SKILLS;
    if !prompt.centres.is_empty() && prompt.centres.len() != 2 * skills {
        notices.push(format!(
            "centres needs {} numbers (x and y of {skills} skills), not {}; using the default centres.",
            2 * skills,
            prompt.centres.len()
        ));
        prompt.centres.clear();
    }
    if !prompt.weights.is_empty() && prompt.weights.len() != skills {
        notices.push(format!("pi needs {skills} weights, not {}; using equal weights.", prompt.weights.len()));
        prompt.weights.clear();
    }
    // The student's own matrices fix the width and the depth.
    if let Ok(custom) = crate::lessons::matrices_text::parse(&state.lora_linear.custom) {
        let p = &mut state.lora_linear;
        p.width = custom.target.nrows();
        p.depth = custom.frozen.len();
    }
    let p = &mut state.lora_linear;
    // A rank above D adds nothing (rank(ΔW) ≤ D), and q ≤ D for a D×D perturbation.
    if p.rank > p.width {
        notices.push(format!("R = {} exceeds D = {}; using R = {}.", p.rank, p.width, p.width));
        p.rank = p.width;
    }
    if p.perturbation_rank > p.width {
        // q only matters for the low-rank target; elsewhere it is clamped quietly.
        if p.model == ModelKind::LowRank {
            notices.push(format!("q = {} exceeds D = {}; using q = {}.", p.perturbation_rank, p.width, p.width));
        }
        p.perturbation_rank = p.width;
    }
    if let Some(ranks) = &mut p.layer_ranks {
        if ranks.len() != p.depth {
            let fix =
                if ranks.len() < p.depth { format!("padded with R = {}", p.rank) } else { "shortened".to_owned() };
            notices.push(format!(
                "{} per-layer ranks were given for L = {} layers; the list was {fix}.",
                ranks.len(),
                p.depth
            ));
            ranks.resize(p.depth, p.rank);
        }
        for r in ranks.iter_mut().filter(|r| **r > p.width) {
            notices.push(format!("a per-layer rank of {r} exceeds D = {}; using {}.", p.width, p.width));
            *r = p.width;
        }
    }
}
