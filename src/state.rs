//! The lab's state as it lives in the URL after `#`, e.g.
//! `#v=1&view=lora-linear&D=16&L=2&R=3&seed=7`.
//!
//! One declarative table (`FIELDS`) drives parsing, serialising and the page's control ranges.
//! Parsing never fails: unknown keys are ignored, bad values fall back to defaults, out-of-range
//! values are clamped, and each repair is reported as a sentence for the "link repaired" notice.
//! Serialising is canonical: `v` and `view` first, then the view's fields in table order, with
//! defaults omitted. The seed is part of the state, so a link reproduces exactly what its author saw.

use serde::Serialize;

use crate::lessons::icl::{self as icl_lesson, LabelChoice, PriorChoice};
use crate::lessons::icl_figures::IclFigure;
use crate::lessons::lora_linear::{self, ModelKind, Params};
use crate::lessons::paper_figures::Preset;
use crate::lessons::{lora_fnn, lora_training, lora_transformer};

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
    /// The paper-figure preset shown.
    pub paper: Preset,
    /// Parameters of the ICL risk lesson.
    pub icl_risk: icl_lesson::Params,
    /// The ICL paper figure shown.
    pub icl_figure: IclFigure,
    /// Parameters of the one-prompt lesson.
    pub icl_prompt: crate::lessons::icl_prompt::Params,
}

impl Default for State {
    fn default() -> Self {
        Self {
            view: View::LoraLinear,
            lora_linear: Params::default(),
            lora_fnn: lora_fnn::Params::default(),
            lora_transformer: lora_transformer::Params::default(),
            lora_training: lora_training::Params::default(),
            paper: Preset::Figure1,
            icl_risk: icl_lesson::Params::default(),
            icl_figure: IclFigure::Six,
            icl_prompt: crate::lessons::icl_prompt::Params::default(),
        }
    }
}

/// A value as the table sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Value {
    Integer(i64),
    Choice(&'static str),
    /// A list of integers; empty means "not set".
    IntegerList(Vec<i64>),
}

/// What values a field accepts.
#[derive(Clone, Copy, Debug)]
enum Spec {
    Integer {
        min: i64,
        max: i64,
    },
    Choice {
        options: &'static [&'static str],
    },
    /// Comma-separated integers, each in `min..=max`.
    IntegerList {
        min: i64,
        max: i64,
    },
}

/// One row of the table: a URL key bound to a field of `State`.
struct Field {
    key: &'static str,
    /// Human label used in messages and by the page.
    label: &'static str,
    view: View,
    spec: Spec,
    read: fn(&State) -> Value,
    write: fn(&mut State, Value),
}

const MODEL_OPTIONS: &[&str] = &["random", "uniform", "lowrank"];
/// A random frozen model, or the paper's "pretrained" one (moved towards the target).
const FROZEN_OPTIONS: &[&str] = &["random", "pretrained"];

fn model_key(kind: ModelKind) -> &'static str {
    match kind {
        ModelKind::Random => "random",
        ModelKind::Uniform => "uniform",
        ModelKind::LowRank => "lowrank",
    }
}

fn model_from_key(key: &str) -> ModelKind {
    match key {
        "uniform" => ModelKind::Uniform,
        "lowrank" => ModelKind::LowRank,
        _ => ModelKind::Random,
    }
}

fn integer(value: Value) -> i64 {
    match value {
        Value::Integer(n) => n,
        _ => 0,
    }
}

fn as_usize(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

/// Largest seed: seeds are 32-bit so that they survive JavaScript numbers and typing by hand.
pub const MAX_SEED: i64 = u32::MAX as i64;

/// The table. Order here is the canonical order of keys in a link.
static FIELDS: &[Field] = &[
    Field {
        key: "D",
        label: "width D",
        view: View::LoraLinear,
        spec: Spec::Integer { min: lora_linear::WIDTH_RANGE.0, max: lora_linear::WIDTH_RANGE.1 },
        read: |s| Value::Integer(s.lora_linear.width as i64),
        write: |s, v| s.lora_linear.width = as_usize(integer(v)),
    },
    Field {
        key: "L",
        label: "depth L",
        view: View::LoraLinear,
        spec: Spec::Integer { min: lora_linear::DEPTH_RANGE.0, max: lora_linear::DEPTH_RANGE.1 },
        read: |s| Value::Integer(s.lora_linear.depth as i64),
        write: |s, v| s.lora_linear.depth = as_usize(integer(v)),
    },
    Field {
        key: "R",
        label: "LoRA rank R",
        view: View::LoraLinear,
        spec: Spec::Integer { min: 0, max: lora_linear::WIDTH_RANGE.1 },
        read: |s| Value::Integer(s.lora_linear.rank as i64),
        write: |s, v| s.lora_linear.rank = as_usize(integer(v)),
    },
    Field {
        key: "ranks",
        label: "per-layer ranks",
        view: View::LoraLinear,
        spec: Spec::IntegerList { min: 0, max: lora_linear::WIDTH_RANGE.1 },
        read: |s| Value::IntegerList(s.lora_linear.layer_ranks.iter().flatten().map(|&r| r as i64).collect()),
        write: |s, v| {
            s.lora_linear.layer_ranks = match v {
                Value::IntegerList(list) if !list.is_empty() => Some(list.into_iter().map(as_usize).collect()),
                _ => None,
            }
        },
    },
    Field {
        key: "model",
        label: "kind of models",
        view: View::LoraLinear,
        spec: Spec::Choice { options: MODEL_OPTIONS },
        read: |s| Value::Choice(model_key(s.lora_linear.model)),
        write: |s, v| {
            if let Value::Choice(key) = v {
                s.lora_linear.model = model_from_key(key);
            }
        },
    },
    Field {
        key: "q",
        label: "perturbation rank q",
        view: View::LoraLinear,
        spec: Spec::Integer { min: 1, max: lora_linear::WIDTH_RANGE.1 },
        read: |s| Value::Integer(s.lora_linear.perturbation_rank as i64),
        write: |s, v| s.lora_linear.perturbation_rank = as_usize(integer(v)),
    },
    Field {
        key: "frozen",
        label: "frozen model",
        view: View::LoraLinear,
        spec: Spec::Choice { options: FROZEN_OPTIONS },
        read: |s| Value::Choice(FROZEN_OPTIONS[usize::from(s.lora_linear.pretrained)]),
        write: |s, v| s.lora_linear.pretrained = v == Value::Choice("pretrained"),
    },
    Field {
        key: "seed",
        label: "seed",
        view: View::LoraLinear,
        spec: Spec::Integer { min: 0, max: MAX_SEED },
        read: |s| Value::Integer(s.lora_linear.seed as i64),
        write: |s, v| s.lora_linear.seed = u64::try_from(integer(v)).unwrap_or(0),
    },
    // ReLU networks.
    Field {
        key: "D",
        label: "width D",
        view: View::LoraFnn,
        spec: Spec::Integer { min: lora_fnn::WIDTH_RANGE.0, max: lora_fnn::WIDTH_RANGE.1 },
        read: |s| Value::Integer(s.lora_fnn.width as i64),
        write: |s, v| s.lora_fnn.width = as_usize(integer(v)),
    },
    Field {
        key: "Lbar",
        label: "target depth L̄",
        view: View::LoraFnn,
        spec: Spec::Integer { min: lora_fnn::TARGET_DEPTH_RANGE.0, max: lora_fnn::TARGET_DEPTH_RANGE.1 },
        read: |s| Value::Integer(s.lora_fnn.target_depth as i64),
        write: |s, v| s.lora_fnn.target_depth = as_usize(integer(v)),
    },
    Field {
        key: "L",
        label: "frozen depth L",
        view: View::LoraFnn,
        spec: Spec::Integer { min: lora_fnn::DEPTH_RANGE.0, max: lora_fnn::DEPTH_RANGE.1 },
        read: |s| Value::Integer(s.lora_fnn.depth as i64),
        write: |s, v| s.lora_fnn.depth = as_usize(integer(v)),
    },
    Field {
        key: "R",
        label: "LoRA rank R",
        view: View::LoraFnn,
        spec: Spec::Integer { min: 0, max: lora_fnn::WIDTH_RANGE.1 },
        read: |s| Value::Integer(s.lora_fnn.rank as i64),
        write: |s, v| s.lora_fnn.rank = as_usize(integer(v)),
    },
    Field {
        key: "relu",
        label: "ReLU on the output layer (1 = yes)",
        view: View::LoraFnn,
        spec: Spec::Integer { min: 0, max: 1 },
        read: |s| Value::Integer(i64::from(s.lora_fnn.relu_on_output)),
        write: |s, v| s.lora_fnn.relu_on_output = integer(v) == 1,
    },
    Field {
        key: "frozen",
        label: "frozen model",
        view: View::LoraFnn,
        spec: Spec::Choice { options: FROZEN_OPTIONS },
        read: |s| Value::Choice(FROZEN_OPTIONS[usize::from(s.lora_fnn.pretrained)]),
        write: |s, v| s.lora_fnn.pretrained = v == Value::Choice("pretrained"),
    },
    Field {
        key: "seed",
        label: "seed",
        view: View::LoraFnn,
        spec: Spec::Integer { min: 0, max: MAX_SEED },
        read: |s| Value::Integer(s.lora_fnn.seed as i64),
        write: |s, v| s.lora_fnn.seed = u64::try_from(integer(v)).unwrap_or(0),
    },
    // Transformers.
    Field {
        key: "D",
        label: "embedding size D",
        view: View::LoraTransformer,
        spec: Spec::Integer { min: lora_transformer::WIDTH_RANGE.0, max: lora_transformer::WIDTH_RANGE.1 },
        read: |s| Value::Integer(s.lora_transformer.width as i64),
        write: |s, v| s.lora_transformer.width = as_usize(integer(v)),
    },
    Field {
        key: "L",
        label: "blocks L",
        view: View::LoraTransformer,
        spec: Spec::Integer { min: lora_transformer::DEPTH_RANGE.0, max: lora_transformer::DEPTH_RANGE.1 },
        read: |s| Value::Integer(s.lora_transformer.depth as i64),
        write: |s, v| s.lora_transformer.depth = as_usize(integer(v)),
    },
    Field {
        key: "H",
        label: "heads H",
        view: View::LoraTransformer,
        spec: Spec::Integer { min: lora_transformer::HEADS_RANGE.0, max: lora_transformer::HEADS_RANGE.1 },
        read: |s| Value::Integer(s.lora_transformer.heads as i64),
        write: |s, v| s.lora_transformer.heads = as_usize(integer(v)),
    },
    Field {
        key: "N",
        label: "sequence length N",
        view: View::LoraTransformer,
        spec: Spec::Integer { min: lora_transformer::LENGTH_RANGE.0, max: lora_transformer::LENGTH_RANGE.1 },
        read: |s| Value::Integer(s.lora_transformer.length as i64),
        write: |s, v| s.lora_transformer.length = as_usize(integer(v)),
    },
    Field {
        key: "R",
        label: "LoRA rank R",
        view: View::LoraTransformer,
        spec: Spec::Integer { min: 0, max: lora_transformer::WIDTH_RANGE.1 },
        read: |s| Value::Integer(s.lora_transformer.rank as i64),
        write: |s, v| s.lora_transformer.rank = as_usize(integer(v)),
    },
    Field {
        key: "seed",
        label: "seed",
        view: View::LoraTransformer,
        spec: Spec::Integer { min: 0, max: MAX_SEED },
        read: |s| Value::Integer(s.lora_transformer.seed as i64),
        write: |s, v| s.lora_transformer.seed = u64::try_from(integer(v)).unwrap_or(0),
    },
    // Training.
    Field {
        key: "model",
        label: "model",
        view: View::LoraTraining,
        spec: Spec::Choice { options: &["relu", "linear"] },
        read: |s| {
            Value::Choice(match s.lora_training.model {
                lora_training::ModelKind::Relu => "relu",
                lora_training::ModelKind::Linear => "linear",
            })
        },
        write: |s, v| {
            s.lora_training.model = if v == Value::Choice("linear") {
                lora_training::ModelKind::Linear
            } else {
                lora_training::ModelKind::Relu
            }
        },
    },
    Field {
        key: "D",
        label: "width D",
        view: View::LoraTraining,
        spec: Spec::Integer { min: lora_fnn::WIDTH_RANGE.0, max: lora_fnn::WIDTH_RANGE.1 },
        read: |s| Value::Integer(s.lora_training.width as i64),
        write: |s, v| s.lora_training.width = as_usize(integer(v)),
    },
    Field {
        key: "Lbar",
        label: "target depth L̄",
        view: View::LoraTraining,
        spec: Spec::Integer { min: lora_fnn::TARGET_DEPTH_RANGE.0, max: lora_fnn::TARGET_DEPTH_RANGE.1 },
        read: |s| Value::Integer(s.lora_training.target_depth as i64),
        write: |s, v| s.lora_training.target_depth = as_usize(integer(v)),
    },
    Field {
        key: "L",
        label: "frozen depth L",
        view: View::LoraTraining,
        spec: Spec::Integer { min: lora_fnn::DEPTH_RANGE.0, max: lora_fnn::DEPTH_RANGE.1 },
        read: |s| Value::Integer(s.lora_training.depth as i64),
        write: |s, v| s.lora_training.depth = as_usize(integer(v)),
    },
    Field {
        key: "R",
        label: "LoRA rank R",
        view: View::LoraTraining,
        spec: Spec::Integer { min: 0, max: lora_fnn::WIDTH_RANGE.1 },
        read: |s| Value::Integer(s.lora_training.rank as i64),
        write: |s, v| s.lora_training.rank = as_usize(integer(v)),
    },
    Field {
        key: "lr",
        label: "learning rate",
        view: View::LoraTraining,
        spec: Spec::Choice { options: &lora_training::LEARNING_RATES },
        read: |s| Value::Choice(lora_training::LEARNING_RATES[s.lora_training.learning_rate.min(2)]),
        write: |s, v| {
            if let Value::Choice(c) = v {
                s.lora_training.learning_rate = lora_training::LEARNING_RATES.iter().position(|&o| o == c).unwrap_or(1);
            }
        },
    },
    Field {
        key: "wd",
        label: "weight decay",
        view: View::LoraTraining,
        spec: Spec::Choice { options: &lora_training::WEIGHT_DECAYS },
        read: |s| Value::Choice(lora_training::WEIGHT_DECAYS[s.lora_training.weight_decay.min(3)]),
        write: |s, v| {
            if let Value::Choice(c) = v {
                s.lora_training.weight_decay = lora_training::WEIGHT_DECAYS.iter().position(|&o| o == c).unwrap_or(0);
            }
        },
    },
    Field {
        key: "biases",
        label: "train the biases too (1 = yes)",
        view: View::LoraTraining,
        spec: Spec::Integer { min: 0, max: 1 },
        read: |s| Value::Integer(i64::from(s.lora_training.tune_biases)),
        write: |s, v| s.lora_training.tune_biases = integer(v) == 1,
    },
    Field {
        key: "steps",
        label: "Adam steps",
        view: View::LoraTraining,
        spec: Spec::Integer { min: lora_training::STEPS_RANGE.0, max: lora_training::STEPS_RANGE.1 },
        read: |s| Value::Integer(s.lora_training.steps as i64),
        write: |s, v| s.lora_training.steps = as_usize(integer(v)),
    },
    Field {
        key: "frozen",
        label: "frozen model",
        view: View::LoraTraining,
        spec: Spec::Choice { options: FROZEN_OPTIONS },
        read: |s| Value::Choice(FROZEN_OPTIONS[usize::from(s.lora_training.pretrained)]),
        write: |s, v| s.lora_training.pretrained = v == Value::Choice("pretrained"),
    },
    Field {
        key: "seed",
        label: "seed",
        view: View::LoraTraining,
        spec: Spec::Integer { min: 0, max: MAX_SEED },
        read: |s| Value::Integer(s.lora_training.seed as i64),
        write: |s, v| s.lora_training.seed = u64::try_from(integer(v)).unwrap_or(0),
    },
    // The paper's figures.
    Field {
        key: "fig",
        label: "figure",
        view: View::Paper,
        spec: Spec::Choice { options: &["1", "2", "tfn", "flt", "bias"] },
        read: |s| Value::Choice(s.paper.key()),
        write: |s, v| {
            if let Value::Choice(key) = v {
                s.paper = Preset::ALL.into_iter().find(|p| p.key() == key).unwrap_or(Preset::Figure1);
            }
        },
    },
    // In-context learning: the risk lesson.
    Field {
        key: "prior",
        label: "prior",
        view: View::IclRisk,
        spec: Spec::Choice { options: &["fig6", "ascent", "regular4"] },
        read: |s| {
            Value::Choice(match s.icl_risk.prior {
                PriorChoice::EarlyAscent => "fig6",
                PriorChoice::LargeAscent => "ascent",
                PriorChoice::Regular4 => "regular4",
            })
        },
        write: |s, v| {
            s.icl_risk.prior = match v {
                Value::Choice("ascent") => PriorChoice::LargeAscent,
                Value::Choice("regular4") => PriorChoice::Regular4,
                _ => PriorChoice::EarlyAscent,
            }
        },
    },
    Field {
        key: "d",
        label: "dimension d (Figure 6 prior)",
        view: View::IclRisk,
        spec: Spec::Choice { options: &["1", "2", "3", "5", "8"] },
        read: |s| Value::Choice(["1", "2", "3", "5", "8"][s.icl_risk.dimension.min(4)]),
        write: |s, v| {
            if let Value::Choice(c) = v {
                s.icl_risk.dimension = ["1", "2", "3", "5", "8"].iter().position(|&o| o == c).unwrap_or(0);
            }
        },
    },
    Field {
        key: "delta",
        label: "δ = δ_μ = δ_w (Regular4)",
        view: View::IclRisk,
        spec: Spec::Choice { options: &icl_lesson::DELTAS },
        read: |s| Value::Choice(icl_lesson::DELTAS[s.icl_risk.delta.min(4)]),
        write: |s, v| {
            if let Value::Choice(c) = v {
                s.icl_risk.delta = icl_lesson::DELTAS.iter().position(|&o| o == c).unwrap_or(0);
            }
        },
    },
    Field {
        key: "r",
        label: "task closeness r (Regular4)",
        view: View::IclRisk,
        spec: Spec::Choice { options: &icl_lesson::CLOSENESS },
        read: |s| Value::Choice(icl_lesson::CLOSENESS[s.icl_risk.closeness.min(3)]),
        write: |s, v| {
            if let Value::Choice(c) = v {
                s.icl_risk.closeness = icl_lesson::CLOSENESS.iter().position(|&o| o == c).unwrap_or(2);
            }
        },
    },
    Field {
        key: "labels",
        label: "in-context labels",
        view: View::IclRisk,
        spec: Spec::Choice { options: &["correct", "random", "other"] },
        read: |s| {
            Value::Choice(match s.icl_risk.labels {
                LabelChoice::Correct => "correct",
                LabelChoice::Random => "random",
                LabelChoice::OtherSkill => "other",
            })
        },
        write: |s, v| {
            s.icl_risk.labels = match v {
                Value::Choice("random") => LabelChoice::Random,
                Value::Choice("other") => LabelChoice::OtherSkill,
                _ => LabelChoice::Correct,
            }
        },
    },
    Field {
        key: "kmax",
        label: "largest k = 2^kmax",
        view: View::IclRisk,
        spec: Spec::Integer { min: 3, max: 16 },
        read: |s| Value::Integer(i64::from(s.icl_risk.max_power)),
        write: |s, v| s.icl_risk.max_power = u32::try_from(integer(v)).unwrap_or(16),
    },
    Field {
        key: "trials",
        label: "trials per k",
        view: View::IclRisk,
        spec: Spec::Integer { min: icl_lesson::TRIALS_RANGE.0, max: icl_lesson::TRIALS_RANGE.1 },
        read: |s| Value::Integer(s.icl_risk.trials as i64),
        write: |s, v| s.icl_risk.trials = as_usize(integer(v)),
    },
    Field {
        key: "seed",
        label: "seed",
        view: View::IclRisk,
        spec: Spec::Integer { min: 0, max: MAX_SEED },
        read: |s| Value::Integer(s.icl_risk.seed as i64),
        write: |s, v| s.icl_risk.seed = u64::try_from(integer(v)).unwrap_or(0),
    },
    // In-context learning: one prompt, step by step.
    Field {
        key: "scenario",
        label: "prior and task",
        view: View::IclPrompt,
        spec: Spec::Choice { options: &["misleading", "near", "regular4", "fig6"] },
        read: |s| {
            use crate::lessons::icl_prompt::Scenario;
            Value::Choice(match s.icl_prompt.scenario {
                Scenario::PlaneMisleading => "misleading",
                Scenario::PlaneNear => "near",
                Scenario::Regular4 => "regular4",
                Scenario::EarlyAscent => "fig6",
            })
        },
        write: |s, v| {
            use crate::lessons::icl_prompt::Scenario;
            s.icl_prompt.scenario = match v {
                Value::Choice("near") => Scenario::PlaneNear,
                Value::Choice("regular4") => Scenario::Regular4,
                Value::Choice("fig6") => Scenario::EarlyAscent,
                _ => Scenario::PlaneMisleading,
            }
        },
    },
    Field {
        key: "k",
        label: "examples k",
        view: View::IclPrompt,
        spec: Spec::Integer { min: 0, max: crate::lessons::icl_prompt::MAX_EXAMPLES as i64 },
        read: |s| Value::Integer(s.icl_prompt.k as i64),
        write: |s, v| s.icl_prompt.k = as_usize(integer(v)),
    },
    Field {
        key: "seed",
        label: "seed",
        view: View::IclPrompt,
        spec: Spec::Integer { min: 0, max: MAX_SEED },
        read: |s| Value::Integer(s.icl_prompt.seed as i64),
        write: |s, v| s.icl_prompt.seed = u64::try_from(integer(v)).unwrap_or(0),
    },
    // In-context learning: the paper's figures.
    Field {
        key: "fig",
        label: "figure",
        view: View::IclPaper,
        spec: Spec::Choice { options: &["4", "5", "6", "9", "11"] },
        read: |s| Value::Choice(s.icl_figure.key()),
        write: |s, v| {
            if let Value::Choice(key) = v {
                s.icl_figure = IclFigure::ALL.into_iter().find(|f| f.key() == key).unwrap_or(IclFigure::Six);
            }
        },
    },
];

/// The field `key` of `view`.
fn field(view: View, key: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.view == view && f.key == key)
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
    for (key, value) in pairs.iter().filter(|(k, _)| k != "v" && k != "view") {
        match field(state.view, key) {
            Some(field) => {
                let parsed = parse_value(field, value, &(field.read)(&State::default()), &mut notices);
                (field.write)(&mut state, parsed);
            }
            None if FIELDS.iter().any(|f| f.key == key) => {
                notices.push(format!("ignored '{}', which this lesson does not use.", shown(key)))
            }
            None => notices.push(format!("ignored the unknown setting '{}'.", shown(key))),
        }
    }
    normalise(&mut state, &mut notices);
    Parsed { state, notices }
}

/// Sets one field from a control's text value, validating it exactly as a link would.
/// Returns the sentences describing any repair (empty when the value was accepted as is).
pub fn set(state: &mut State, key: &str, value: &str) -> Vec<String> {
    let mut notices = Vec::new();
    if key == "view" {
        match View::from_key(value) {
            Some(view) => state.view = view,
            None => notices.push(format!("view = '{}' is not a lesson.", shown(value))),
        }
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
    for field in FIELDS.iter().filter(|f| f.view == state.view) {
        let value = (field.read)(state);
        if value != (field.read)(&defaults) {
            out.push('&');
            out.push_str(field.key);
            out.push('=');
            out.push_str(&value_text(&value));
        }
    }
    out
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
    /// Smallest allowed value (integers only).
    pub min: Option<i64>,
    /// Largest allowed value now (may depend on other fields, e.g. R ≤ D).
    pub max: Option<i64>,
    /// Allowed values (choices only).
    pub options: Vec<&'static str>,
}

/// The controls of the current view with their current values and ranges.
pub fn controls(state: &State) -> Vec<Control> {
    FIELDS
        .iter()
        .filter(|f| f.view == state.view)
        .map(|field| {
            let (min, max, options) = match field.spec {
                Spec::Integer { min, max } | Spec::IntegerList { min, max } => {
                    (Some(min), Some(dynamic_max(field, state).unwrap_or(max)), Vec::new())
                }
                Spec::Choice { options } => (None, None, options.to_vec()),
            };
            Control { key: field.key, label: field.label, value: value_text(&(field.read)(state)), min, max, options }
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
    if g.depth <= g.target_depth {
        notices.push(format!("L = {} must exceed L̄ = {}; using L = {}.", g.depth, g.target_depth, g.target_depth + 1));
        g.depth = g.target_depth + 1;
    }
    let t = &mut state.lora_transformer;
    if t.rank > t.width {
        notices.push(format!("R = {} exceeds D = {}; using R = {}.", t.rank, t.width, t.width));
        t.rank = t.width;
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

/// Parses one value for `field`; on failure reports and returns `fallback`.
fn parse_value(field: &Field, text: &str, fallback: &Value, notices: &mut Vec<String>) -> Value {
    let key = field.key;
    match field.spec {
        Spec::Integer { min, max } => match text.trim().parse::<i64>() {
            Ok(n) => Value::Integer(clamp(key, n, min, max, notices)),
            Err(_) => {
                notices.push(format!(
                    "{key} = '{}' is not a whole number; using {key} = {}.",
                    shown(text),
                    value_text(fallback)
                ));
                fallback.clone()
            }
        },
        Spec::Choice { options } => match options.iter().find(|&&o| o == text.trim()) {
            Some(&option) => Value::Choice(option),
            None => {
                notices.push(format!(
                    "{key} = '{}' is not one of {}; using {key} = {}.",
                    shown(text),
                    options.join(", "),
                    value_text(fallback)
                ));
                fallback.clone()
            }
        },
        Spec::IntegerList { min, max } => {
            if text.trim().is_empty() {
                return Value::IntegerList(Vec::new());
            }
            let parsed: Result<Vec<i64>, _> = text.split(',').map(|t| t.trim().parse::<i64>()).collect();
            match parsed {
                Ok(list) => Value::IntegerList(list.into_iter().map(|n| clamp(key, n, min, max, notices)).collect()),
                Err(_) => {
                    notices.push(format!("{key} = '{}' is not a list of whole numbers; ignoring it.", shown(text)));
                    fallback.clone()
                }
            }
        }
    }
}

fn clamp(key: &str, n: i64, min: i64, max: i64, notices: &mut Vec<String>) -> i64 {
    if n < min {
        notices.push(format!("{key} = {n} is below the minimum {min}; using {key} = {min}."));
        min
    } else if n > max {
        notices.push(format!("{key} = {n} is above the maximum {max}; using {key} = {max}."));
        max
    } else {
        n
    }
}

fn value_text(value: &Value) -> String {
    match value {
        Value::Integer(n) => n.to_string(),
        Value::Choice(s) => (*s).to_owned(),
        Value::IntegerList(list) => list.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
    }
}

/// User text quoted back in a message: at most 40 characters, control characters removed.
fn shown(text: &str) -> String {
    let clean: String = text.chars().filter(|c| !c.is_control()).take(40).collect();
    if text.chars().count() > 40 {
        format!("{clean}…")
    } else {
        clean
    }
}

/// Decodes `%XX` escapes (and `+` as space); invalid escapes are kept literally.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
