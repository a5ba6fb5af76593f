//! The URL-state rows of the LoRA lessons: the linear, ReLU-network, transformer and training
//! lessons and the paper's figures, in the canonical order of their keys in a link.

use super::row::{as_usize, integer, Field, Spec, Value, MAX_SEED};
use super::View;
use crate::lessons::lora_linear::{self, ModelKind};
use crate::lessons::paper_figures::Preset;
use crate::lessons::{lora_fnn, lora_training, lora_transformer};

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

/// The rows.
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
        spec: Spec::Choice {
            options: MODEL_OPTIONS,
            labels: &["random (paper code's init)", "uniform singular values", "low-rank discrepancy"],
        },
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
        spec: Spec::Choice { options: FROZEN_OPTIONS, labels: &["random", "pretrained (moved towards the target)"] },
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
        spec: Spec::Choice { options: FROZEN_OPTIONS, labels: &["random", "pretrained (moved towards the target)"] },
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
    Field {
        key: "frozen",
        label: "frozen model",
        view: View::LoraTransformer,
        spec: Spec::Choice { options: FROZEN_OPTIONS, labels: &["random", "pretrained (moved towards the target)"] },
        read: |s| Value::Choice(FROZEN_OPTIONS[usize::from(s.lora_transformer.pretrained)]),
        write: |s, v| s.lora_transformer.pretrained = v == Value::Choice("pretrained"),
    },
    // Training.
    Field {
        key: "model",
        label: "model",
        view: View::LoraTraining,
        spec: Spec::Choice { options: &["relu", "linear"], labels: &["ReLU network", "deep linear model"] },
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
        spec: Spec::Choice {
            options: &lora_training::LEARNING_RATES,
            labels: &["1 (too large: diverges)", "1e-1 (too large)", "1e-2", "1e-3", "1e-4"],
        },
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
        spec: Spec::Choice { options: &lora_training::WEIGHT_DECAYS, labels: &["0", "1e-4", "1e-3", "1e-2"] },
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
        spec: Spec::Choice { options: FROZEN_OPTIONS, labels: &["random", "pretrained (moved towards the target)"] },
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
    Field {
        key: "pace",
        label: "pace",
        view: View::LoraTraining,
        spec: Spec::Choice {
            options: &lora_training::Pace::KEYS,
            labels: &["watch (200 steps/s)", "fast (1,000 steps/s)", "as fast as possible"],
        },
        read: |s| Value::Choice(s.training_pace.key()),
        write: |s, v| {
            if let Value::Choice(key) = v {
                s.training_pace = lora_training::Pace::from_key(key);
            }
        },
    },
    // The paper's figures.
    Field {
        key: "fig",
        label: "figure",
        view: View::Paper,
        spec: Spec::Choice {
            options: &["1", "2", "tfn", "flt", "bias"],
            labels: &[
                "Figure 1 — deep linear models",
                "Figure 2 — ReLU networks",
                "Transformers",
                "LoRA vs. tuning final layers",
                "Fixed vs. updatable biases",
            ],
        },
        read: |s| Value::Choice(s.paper.key()),
        write: |s, v| {
            if let Value::Choice(key) = v {
                s.paper = Preset::ALL.into_iter().find(|p| p.key() == key).unwrap_or(Preset::Figure1);
            }
        },
    },
    Field {
        key: "live",
        label: "recompute live (1 = yes)",
        view: View::Paper,
        spec: Spec::Integer { min: 0, max: 1 },
        read: |s| Value::Integer(i64::from(s.paper_live)),
        write: |s, v| s.paper_live = integer(v) == 1,
    },
];
