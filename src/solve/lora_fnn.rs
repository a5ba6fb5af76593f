//! The `lora-fnn` kind: `{"kind":"lora-fnn","target":{"weights":[M,...],"biases":[v,...]},
//! "frozen":{...},"rank":R,"relu_on_output":bool,"calibration_inputs":[v,...],"test_inputs":[v,...]}`
//! → `{"groups":[[1,2],...],"threshold_rank":n,"mse_calibration":x,"mse_test":x}`.

use serde_json::{json, Value};

use super::{json as read, SolveError, Work};
use crate::lessons::lora_fnn::{self, Problem, RawFnn, RawProblem};
use crate::linalg::Matrix;
use crate::lora::fnn::{self, Fnn};

fn raw_fnn(value: &Value, field: &str) -> Result<RawFnn, SolveError> {
    Ok(RawFnn {
        weights: read::matrices(read::member(value, "weights", field)?, &format!("{field}.weights"))?,
        biases: read::vectors(read::member(value, "biases", field)?, &format!("{field}.biases"))?,
    })
}

/// Reads the raw problem (types only).
pub fn raw_problem(value: &Value) -> Result<RawProblem, SolveError> {
    Ok(RawProblem {
        target: raw_fnn(read::member(value, "target", "")?, "target")?,
        frozen: raw_fnn(read::member(value, "frozen", "")?, "frozen")?,
        rank: read::integer(read::member(value, "rank", "")?, "rank")?,
        relu_on_output: read::boolean(read::member(value, "relu_on_output", "")?, "relu_on_output")?,
        calibration: read::vectors(read::member(value, "calibration_inputs", "")?, "calibration_inputs")?,
        test: read::vectors(read::member(value, "test_inputs", "")?, "test_inputs")?,
    })
}

fn rows(m: &Matrix) -> Vec<Vec<f64>> {
    m.row_iter().map(|r| r.iter().copied().collect()).collect()
}

fn network(net: &Fnn) -> Value {
    json!({
        "weights": net.weights.iter().map(rows).collect::<Vec<_>>(),
        "biases": net.biases.iter().map(|b| b.iter().copied().collect::<Vec<_>>()).collect::<Vec<_>>(),
    })
}

/// The problem as solve JSON.
pub fn problem_json(problem: &Problem) -> Value {
    let samples = |m: &Matrix| m.column_iter().map(|c| c.iter().copied().collect::<Vec<_>>()).collect::<Vec<_>>();
    json!({
        "kind": "lora-fnn",
        "target": network(&problem.target),
        "frozen": network(&problem.frozen),
        "rank": problem.rank,
        "relu_on_output": problem.relu_on_output,
        "calibration_inputs": samples(&problem.calibration),
        "test_inputs": samples(&problem.test),
    })
}

/// Operations to solve a problem (`work`'s unit): a linear construction per group (products, SVDs,
/// condition numbers: about 40·D³ per layer) and several forward passes of both networks over the
/// calibration and test inputs (about 8 passes of D²/2 + 200 per layer and input).
pub fn operations(problem: &Problem) -> f64 {
    let layers = (problem.frozen.depth() + problem.target.depth()) as f64;
    let width = problem.target.width() as f64;
    let samples = (problem.calibration.ncols() + problem.test.ncols()) as f64;
    layers * (40.0 * width.powi(3) + 8.0 * samples * (width * width / 2.0 + 200.0))
}

/// Answers a `lora-fnn` problem.
pub fn solve(value: &Value, work: &mut Work) -> Result<Value, SolveError> {
    let problem = lora_fnn::check_problem(&raw_problem(value)?)?;
    work.admit(
        operations(&problem),
        &format!(
            "a lora-fnn problem (width D = {}, L = {} and L̄ = {} layers, {} input vectors)",
            problem.target.width(),
            problem.frozen.depth(),
            problem.target.depth(),
            problem.calibration.ncols() + problem.test.ncols()
        ),
    )?;
    let groups: Vec<Vec<usize>> = fnn::uniform_partition(problem.frozen.depth(), problem.target.depth())
        .into_iter()
        .map(|g| g.map(|l| l + 1).collect())
        .collect();
    Ok(match lora_fnn::evaluate(&problem, problem.rank) {
        Ok((built, mse_calibration, mse_test)) => json!({
            "groups": groups,
            "threshold_rank": fnn::threshold_rank(&built.group_discrepancy_ranks, problem.frozen.depth(), problem.target.depth()),
            "group_discrepancy_ranks": built.group_discrepancy_ranks,
            "construction_holds": true,
            "mse_calibration": mse_calibration,
            "mse_test": mse_test,
        }),
        Err(e) => json!({
            "groups": groups,
            "threshold_rank": null,
            "construction_holds": false,
            "mse_calibration": null,
            "mse_test": null,
            "message": e.to_string(),
        }),
    })
}
