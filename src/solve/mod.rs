//! `adaptlab solve`: one JSON problem in, one JSON answer out. Each `kind` has a reader that
//! turns JSON into a lesson's raw input, passes it through that lesson's validation gate and
//! writes the answer. New kinds slot into `solve_value`.

pub mod icl;
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

/// Answers a JSON problem, dispatching on its `kind`. Every number in an answer is finite: a
/// result that overflowed (serde_json writes a non-finite number as null) is a `Numerical` error
/// naming the field, never a null where the kind promises a number (see `documented_null`).
pub fn solve_value(value: &Value) -> Result<Value, SolveError> {
    let answer = dispatch(value)?;
    match undocumented_null(&answer, &answer, &mut String::new()) {
        Some(field) => Err(SolveError::Numerical(format!(
            "{field}: the result is not a finite number (the input's magnitudes overflow 64-bit floating point); scale the input down"
        ))),
        None => Ok(answer),
    }
}

/// A null that an answer documents: the outputs of a construction that does not hold (in the
/// object whose `assumption_holds` or `construction_holds` is false, with its `message`), and the
/// losses of a training run that diverged (`diverged` true).
fn documented_null(answer: &Value, holder: &Value, pointer: &str) -> bool {
    let fails = |flag: &str| holder.get(flag) == Some(&Value::Bool(false));
    fails("assumption_holds")
        || fails("construction_holds")
        || (pointer.starts_with("/losses/") && answer.get("diverged") == Some(&Value::Bool(true)))
}

/// The JSON pointer of the first null in `value` that `documented_null` does not allow.
fn undocumented_null(answer: &Value, value: &Value, pointer: &mut String) -> Option<String> {
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
        Value::Array(items) => items.iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect(),
        _ => return None,
    };
    for (segment, child) in children {
        let len = pointer.len();
        pointer.push('/');
        pointer.push_str(&segment);
        let found = match child {
            Value::Null if !documented_null(answer, value, pointer) => {
                Some(pointer.trim_start_matches('/').replace('/', "."))
            }
            _ => undocumented_null(answer, child, pointer),
        };
        pointer.truncate(len);
        if found.is_some() {
            return found;
        }
    }
    None
}

fn dispatch(value: &Value) -> Result<Value, SolveError> {
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
