//! `adaptlab solve`: one JSON problem in, one JSON answer out. Each `kind` has a reader that
//! turns JSON into a lesson's raw input, passes it through that lesson's validation gate and
//! writes the answer. New kinds slot into `solve_value`.

mod icl;
mod json;
pub mod lora_fnn;
pub mod lora_linear;
pub mod lora_train;
pub mod lora_transformer;

use serde_json::Value;

use crate::lessons::InputError;

/// Why a problem could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum SolveError {
    /// The input is not JSON.
    #[error("input is not valid JSON: {0}")]
    Json(String),
    /// The input is JSON but not a valid problem.
    #[error("{0}")]
    Input(#[from] InputError),
    /// The `kind` is not one this version knows.
    #[error("kind: '{0}' is not a known problem kind (known: {known})", known = KINDS.join(", "))]
    UnknownKind(String),
    /// The mathematics failed on valid input (e.g. an SVD did not converge).
    #[error("{0}")]
    Numerical(String),
}

/// The problem kinds `solve` answers.
pub const KINDS: &[&str] = &["lora-linear", "lora-fnn", "lora-transformer", "lora-train", "icl-posterior", "icl-risk"];

/// Parses `text` as a JSON problem and answers it.
pub fn solve_text(text: &str) -> Result<Value, SolveError> {
    let value: Value = serde_json::from_str(text).map_err(|e| SolveError::Json(e.to_string()))?;
    solve_value(&value)
}

/// Answers a JSON problem, dispatching on its `kind`.
pub fn solve_value(value: &Value) -> Result<Value, SolveError> {
    let kind = json::member(value, "kind", "")?;
    match kind.as_str() {
        Some("lora-linear") => lora_linear::solve(value),
        Some("lora-fnn") => lora_fnn::solve(value),
        Some("lora-transformer") => lora_transformer::solve(value),
        Some("lora-train") => lora_train::solve(value),
        Some("icl-posterior") => icl::solve_posterior(value),
        Some("icl-risk") => icl::solve_risk(value),
        Some(other) => Err(SolveError::UnknownKind(other.to_owned())),
        None => Err(InputError::Malformed { field: "kind".into(), message: "must be a string".into() }.into()),
    }
}
