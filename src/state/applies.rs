//! Which settings act in the current state: a control that changes nothing on screen (δ for a
//! prior that has no δ, the random labels' spread for correct labels, the seed of the student's
//! own matrices) is hidden by the page, so that no value shown is one that is not in effect.

use super::State;
use crate::lessons::icl::{LabelChoice, PriorChoice};
use crate::lessons::lora_linear::ModelKind as LinearModel;
use crate::lessons::lora_training::ModelKind as TrainingModel;

/// Whether setting `key` of the current view changes what the lesson computes.
pub fn applies(state: &State, key: &str) -> bool {
    match state.view {
        super::View::LoraLinear => {
            let linear = &state.lora_linear;
            // The student's own matrices fix D and L and replace the seeded models.
            let seeded = linear.custom.is_empty();
            match key {
                "D" | "L" | "model" | "seed" => seeded,
                "q" => seeded && linear.model == LinearModel::LowRank,
                _ => true,
            }
        }
        super::View::LoraTraining => {
            // Linear models have one target layer and no biases.
            let relu = state.lora_training.model == TrainingModel::Relu;
            !matches!(key, "Lbar" | "biases") || relu
        }
        super::View::IclRisk => {
            let risk = &state.icl_risk;
            match key {
                "d" => risk.prior == PriorChoice::EarlyAscent,
                "delta" | "r" => risk.prior == PriorChoice::Regular4,
                "ls" => risk.labels == LabelChoice::Random,
                _ => true,
            }
        }
        super::View::IclPrompt => {
            // The 2-D prior's own settings act only in the 2-D scenarios.
            !matches!(key, "centres" | "pi" | "sy" | "sw" | "smu") || state.icl_prompt.scenario.is_plane()
        }
        // "Recompute live" only where finished results ship with the lab.
        super::View::Paper => key != "live" || state.paper.shipped_file().is_some(),
        _ => true,
    }
}
