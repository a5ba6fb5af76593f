//! `adaptlab solve`: one JSON problem in, one JSON answer out. Each `kind` has a reader that
//! turns JSON into a lesson's raw input, passes it through that lesson's validation gate and
//! writes the answer. New kinds slot into `solve_value`.

pub mod icl;
mod json;
pub mod lora_fnn;
pub mod lora_linear;
pub mod lora_train;
pub mod lora_transformer;
mod work;

pub use work::{Work, MAX_WORK, PROGRESS_WORK};

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
    /// The `kind` is not one this version knows (quoted up to 40 characters).
    #[error("kind: '{}' is not a known problem kind (known: {known})", quoted(.0), known = KINDS.join(", "))]
    UnknownKind(String),
    /// The problem needs more work than the limit allows (`work::MAX_WORK`).
    #[error("{0}")]
    TooLarge(String),
    /// The mathematics failed on valid input (e.g. an SVD did not converge).
    #[error("{0}")]
    Numerical(String),
}

/// The problem kinds `solve` answers.
pub const KINDS: &[&str] = &["lora-linear", "lora-fnn", "lora-transformer", "lora-train", "icl-posterior", "icl-risk"];

/// User text quoted in a message: at most 40 characters, control characters escaped.
fn quoted(text: &str) -> String {
    let clean: String = text.chars().take(40).flat_map(char::escape_debug).collect();
    if text.chars().nth(40).is_some() {
        format!("{clean}…")
    } else {
        clean
    }
}

/// Parses `text` as a JSON problem and answers it within the default work limit.
pub fn solve_text(text: &str) -> Result<Value, SolveError> {
    solve_text_with(text, &mut Work::default())
}

/// Parses `text` as a JSON problem and answers it within `work`'s limit, reporting progress to it.
pub fn solve_text_with(text: &str, work: &mut Work) -> Result<Value, SolveError> {
    let value: Value = serde_json::from_str(text).map_err(|e| SolveError::Json(e.to_string()))?;
    solve_value_with(&value, work)
}

/// Answers a JSON problem, dispatching on its `kind`. Every number in an answer is finite: a
/// result that overflowed (serde_json writes a non-finite number as null) is a `Numerical` error
/// naming the field, never a null where the kind promises a number (see `documented_null`).
pub fn solve_value(value: &Value) -> Result<Value, SolveError> {
    solve_value_with(value, &mut Work::default())
}

/// `solve_value` within `work`'s limit, reporting progress to it. Each kind estimates its work
/// from the checked problem's sizes and asks `work` to admit it before computing anything.
pub fn solve_value_with(value: &Value, work: &mut Work) -> Result<Value, SolveError> {
    let answer = dispatch(value, work)?;
    match undocumented_null(&answer, &answer, &mut String::new()) {
        Some(field) => Err(SolveError::Numerical(format!(
            "{field}: the result is too large for double precision (not a finite number); scale the input down"
        ))),
        None => Ok(answer),
    }
}

/// A null that an answer documents: the outputs of a construction that does not hold (in the
/// object whose `assumption_holds` or `construction_holds` is false, with its `message`), the
/// losses of a training run that diverged (`diverged` true), and a member `key` whose holder
/// explains it in a string `key_note` (e.g. `closed_form_note`).
fn documented_null(answer: &Value, holder: &Value, pointer: &str) -> bool {
    let fails = |flag: &str| holder.get(flag) == Some(&Value::Bool(false));
    let key = pointer.rsplit('/').next().unwrap_or_default();
    fails("assumption_holds")
        || fails("construction_holds")
        || holder.get(format!("{key}_note")).is_some_and(Value::is_string)
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

fn dispatch(value: &Value, work: &mut Work) -> Result<Value, SolveError> {
    let kind = json::member(value, "kind", "")?;
    match kind.as_str() {
        Some("lora-linear") => lora_linear::solve(value, work),
        Some("lora-fnn") => lora_fnn::solve(value, work),
        Some("lora-transformer") => lora_transformer::solve(value, work),
        Some("lora-train") => lora_train::solve(value, work),
        Some("icl-posterior") => icl::solve_posterior(value, work),
        Some("icl-risk") => icl::solve_risk(value, work),
        Some(other) => Err(SolveError::UnknownKind(other.to_owned())),
        None => Err(InputError::Malformed { field: "kind".into(), message: "must be a string".into() }.into()),
    }
}
