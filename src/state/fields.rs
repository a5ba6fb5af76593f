//! The declarative table of the URL state: one row per setting of each lesson, binding a URL
//! key to a field of `State` with the values it accepts. Order is the canonical order in a link.

use super::{State, View};
use crate::lessons::icl::{self as icl_lesson, LabelChoice, PriorChoice};
use crate::lessons::icl_figures::IclFigure;
use crate::lessons::lora_linear::{self, ModelKind};
use crate::lessons::paper_figures::Preset;
use crate::lessons::{lora_fnn, lora_training, lora_transformer};

/// A value as the table sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Value {
    Integer(i64),
    Choice(&'static str),
    /// A list of integers; empty means "not set".
    IntegerList(Vec<i64>),
    /// A decimal number held in hundredths (`0.3` is 30), written as a decimal.
    Hundredths(i64),
    /// A list of decimals in hundredths; empty means "not set".
    HundredthsList(Vec<i64>),
    /// Checked text in its canonical form; empty means "not set".
    Text(String),
}

/// What values a field accepts.
#[derive(Clone, Copy, Debug)]
pub(super) enum Spec {
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
    /// A decimal with two places, held in hundredths in `min..=max`.
    Hundredths {
        min: i64,
        max: i64,
    },
    /// Comma-separated decimals with two places, held in hundredths, each in `min..=max`.
    HundredthsList {
        min: i64,
        max: i64,
    },
    /// Structured text: `canonical` checks it and returns its canonical form, or says what is wrong.
    Text {
        canonical: fn(&str) -> Result<String, String>,
    },
}

/// One row of the table: a URL key bound to a field of `State`.
pub(super) struct Field {
    pub(super) key: &'static str,
    /// Human label used in messages and by the page.
    pub(super) label: &'static str,
    pub(super) view: View,
    pub(super) spec: Spec,
    pub(super) read: fn(&State) -> Value,
    pub(super) write: fn(&mut State, Value),
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

fn hundredths(value: Value, fallback: i64) -> i64 {
    match value {
        Value::Hundredths(n) => n,
        _ => fallback,
    }
}

fn hundredths_list(value: Value) -> Vec<i64> {
    match value {
        Value::HundredthsList(list) => list,
        _ => Vec::new(),
    }
}

fn as_usize(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

/// Largest seed: seeds are 32-bit so that they survive JavaScript numbers and typing by hand.
pub const MAX_SEED: i64 = u32::MAX as i64;

/// The table. Order here is the canonical order of keys in a link.
pub(super) static FIELDS: &[Field] = &[
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
    Field {
        key: "cm",
        label: "your matrices",
        view: View::LoraLinear,
        spec: Spec::Text { canonical: crate::lessons::matrices_text::canonical },
        read: |s| Value::Text(s.lora_linear.custom.clone()),
        write: |s, v| {
            if let Value::Text(text) = v {
                s.lora_linear.custom = text;
            }
        },
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
        read: |s| {
            Value::Choice(
                lora_training::LEARNING_RATES
                    [s.lora_training.learning_rate.min(lora_training::LEARNING_RATES.len() - 1)],
            )
        },
        write: |s, v| {
            if let Value::Choice(c) = v {
                s.lora_training.learning_rate = lora_training::LEARNING_RATES
                    .iter()
                    .position(|&o| o == c)
                    .unwrap_or(lora_training::DEFAULT_LEARNING_RATE);
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
        spec: Spec::Choice { options: &["fig6", "ascent", "regular4", "custom"] },
        read: |s| {
            Value::Choice(match s.icl_risk.prior {
                PriorChoice::EarlyAscent => "fig6",
                PriorChoice::LargeAscent => "ascent",
                PriorChoice::Regular4 => "regular4",
                PriorChoice::Custom => "custom",
            })
        },
        write: |s, v| {
            s.icl_risk.prior = match v {
                Value::Choice("ascent") => PriorChoice::LargeAscent,
                Value::Choice("regular4") => PriorChoice::Regular4,
                Value::Choice("custom") => PriorChoice::Custom,
                _ => PriorChoice::EarlyAscent,
            }
        },
    },
    Field {
        key: "cp",
        label: "custom prior",
        view: View::IclRisk,
        spec: Spec::Text { canonical: crate::lessons::prior_text::canonical },
        read: |s| Value::Text(s.icl_risk.custom.clone()),
        write: |s, v| {
            if let Value::Text(text) = v {
                // A prior that was just given is the one to show.
                if !text.is_empty() && text != s.icl_risk.custom {
                    s.icl_risk.prior = PriorChoice::Custom;
                }
                s.icl_risk.custom = text;
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
        key: "centres",
        label: "skill centres",
        view: View::IclPrompt,
        spec: Spec::HundredthsList { min: -200, max: 200 },
        read: |s| Value::HundredthsList(s.icl_prompt.centres.clone()),
        write: |s, v| s.icl_prompt.centres = hundredths_list(v),
    },
    Field {
        key: "pi",
        label: "mixture weights (%)",
        view: View::IclPrompt,
        spec: Spec::IntegerList { min: 1, max: 100 },
        read: |s| Value::IntegerList(s.icl_prompt.weights.clone()),
        write: |s, v| s.icl_prompt.weights = if let Value::IntegerList(list) = v { list } else { Vec::new() },
    },
    Field {
        key: "sy",
        label: "label noise σ_y",
        view: View::IclPrompt,
        spec: Spec::Hundredths { min: 10, max: 1000 },
        read: |s| Value::Hundredths(s.icl_prompt.sigma_y),
        write: |s, v| s.icl_prompt.sigma_y = hundredths(v, 200),
    },
    Field {
        key: "sw",
        label: "spread of functions σ_w",
        view: View::IclPrompt,
        spec: Spec::Hundredths { min: 1, max: 300 },
        read: |s| Value::Hundredths(s.icl_prompt.sigma_w),
        write: |s, v| s.icl_prompt.sigma_w = hundredths(v, 30),
    },
    Field {
        key: "smu",
        label: "spread of input means σ_μ",
        view: View::IclPrompt,
        spec: Spec::Hundredths { min: 1, max: 300 },
        read: |s| Value::Hundredths(s.icl_prompt.sigma_mu),
        write: |s, v| s.icl_prompt.sigma_mu = hundredths(v, 10),
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
        spec: Spec::Choice { options: &["4", "5", "6", "9", "10", "11"] },
        read: |s| Value::Choice(s.icl_figure.key()),
        write: |s, v| {
            if let Value::Choice(key) = v {
                s.icl_figure = IclFigure::ALL.into_iter().find(|f| f.key() == key).unwrap_or(IclFigure::Six);
            }
        },
    },
];

/// The field `key` of `view`.
pub(super) fn field(view: View, key: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.view == view && f.key == key)
}
