//! The `lora-train` kind: runs the gradient baseline for one setting and seed and returns the loss
//! curve, so the paper's gradient curves can be regenerated from the command line.
//! In: `{"kind":"lora-train","model":"relu"|"linear","width":16,"target_depth":1,"depth":2,"rank":4,
//! "learning_rate":1e-3,"weight_decay":0,"tune_biases":true,"steps":5000,"pretrained":false,"seed":0}`
//! (every field but `kind` optional, defaulting to the page's). Out: `{"steps":n,"losses":[...],
//! "test_mse":x,"construction_mse":x,"closed_form":x,"diverged":bool,"pretrain_steps":n}`. A
//! reference that does not exist is null with a `…_note` saying why: `test_mse` of a diverged
//! run, `construction_mse` where the construction cannot be used, `closed_form` for ReLU networks
//! with L̄ > 1 (the closed form is the linear optimum or the L̄ = 1 bound).

use serde_json::{json, Value};

use super::{json as read, SolveError, Work};
use crate::lessons::lora_training::{self, ModelKind, Params, RawParams, Run};

fn optional<'a>(value: &'a Value, name: &str) -> Option<&'a Value> {
    value.get(name).filter(|v| !v.is_null())
}

/// Operations of a run (`work`'s unit): every Adam step on a batch of 256 (forward and backward
/// through L + L̄ layers of width D, about 6·D² + 20·D per layer and sample), the steps planned
/// plus up to 1,000 of pretraining.
pub fn operations(params: &Params) -> f64 {
    let width = params.width as f64;
    let layers = (params.depth + params.target_depth) as f64;
    let steps = (params.steps + if params.pretrained { 1_000 } else { 0 }) as f64;
    steps * 256.0 * layers * (6.0 * width * width + 20.0 * width)
}

/// Answers a `lora-train` problem.
pub fn solve(value: &Value, work: &mut Work) -> Result<Value, SolveError> {
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
    work.admit(
        operations(&params),
        &format!(
            "a lora-train run ({} steps, width D = {}, L = {} and L̄ = {} layers)",
            params.steps, params.width, params.depth, params.target_depth
        ),
    )?;
    work.phase("preparing the models");
    let mut run = Run::new(&params);
    while !run.finished() {
        run.advance(100);
        work.progress(run.steps(), run.planned());
    }
    let mut answer = json!({
        "steps": run.steps(),
        "losses": run.losses().iter().map(|l| if l.is_finite() { Some(*l) } else { None }).collect::<Vec<_>>(),
        "test_mse": run.final_test_mse,
        "construction_mse": run.references.construction,
        "closed_form": run.references.closed_form,
        "diverged": run.diverged(),
        "pretrain_steps": run.pretrain_steps,
    });
    if run.final_test_mse.is_none() {
        answer["test_mse_note"] = json!("the run diverged, so there is no final test MSE");
    }
    if run.references.construction.is_none() {
        let why = run.references.construction_failure.clone().unwrap_or_else(|| "it cannot be used".to_owned());
        answer["construction_mse_note"] = json!(format!("the construction cannot be used: {why}"));
    }
    if run.references.closed_form.is_none() {
        answer["closed_form_note"] = json!(match params.model {
            ModelKind::Relu if params.target_depth > 1 =>
                "there is no closed form for ReLU networks with target_depth above 1 (the L̄ = 1 bound only)",
            _ => "the singular value decomposition of E did not converge",
        });
    }
    Ok(answer)
}
