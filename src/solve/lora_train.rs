//! The `lora-train` kind: runs the gradient baseline for one setting and seed and returns the loss
//! curve, so the paper's gradient curves can be regenerated from the command line.
//! In: `{"kind":"lora-train","model":"relu"|"linear","width":16,"target_depth":1,"depth":2,"rank":4,
//! "learning_rate":1e-3,"weight_decay":0,"tune_biases":true,"steps":5000,"pretrained":false,"seed":0}`
//! (every field but `kind` optional, defaulting to the page's). Out: `{"steps":n,"losses":[...],
//! "test_mse":x,"construction_mse":x,"closed_form":x,"diverged":bool,"pretrain_steps":n}`.

use serde_json::{json, Value};

use super::{json as read, SolveError};
use crate::lessons::lora_training::{self, RawParams, Run};

fn optional<'a>(value: &'a Value, name: &str) -> Option<&'a Value> {
    value.get(name).filter(|v| !v.is_null())
}

/// Answers a `lora-train` problem.
pub fn solve(value: &Value) -> Result<Value, SolveError> {
    if !value.is_object() {
        return Err(crate::lessons::InputError::Malformed {
            field: "input".into(),
            message: "must be a JSON object".into(),
        }
        .into());
    }
    let int = |name: &str| optional(value, name).map(|v| read::integer(v, name)).transpose();
    let float = |name: &str| optional(value, name).map(|v| read::number(v, name)).transpose();
    let flag = |name: &str| optional(value, name).map(|v| read::boolean(v, name)).transpose();
    let model = optional(value, "model")
        .map(|v| {
            v.as_str().map(str::to_owned).ok_or(crate::lessons::InputError::Malformed {
                field: "model".into(),
                message: "must be a string".into(),
            })
        })
        .transpose()?;
    let raw = RawParams {
        model,
        width: int("width")?,
        target_depth: int("target_depth")?,
        depth: int("depth")?,
        rank: int("rank")?,
        learning_rate: float("learning_rate")?,
        weight_decay: float("weight_decay")?,
        tune_biases: flag("tune_biases")?,
        steps: int("steps")?,
        pretrained: flag("pretrained")?,
        seed: int("seed")?,
    };
    let params = lora_training::check_params(&raw)?;
    let mut run = Run::new(&params);
    while !run.finished() {
        run.advance(1_000);
    }
    Ok(json!({
        "steps": run.steps(),
        "losses": run.losses().iter().map(|l| if l.is_finite() { Some(*l) } else { None }).collect::<Vec<_>>(),
        "test_mse": run.final_test_mse,
        "construction_mse": run.references.construction,
        "closed_form": run.references.closed_form,
        "diverged": run.diverged(),
        "pretrain_steps": run.pretrain_steps,
    }))
}
