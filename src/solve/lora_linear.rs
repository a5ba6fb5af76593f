//! The `lora-linear` kind: `{"kind":"lora-linear","target":M,"frozen":[M,...],"ranks":[r,...]}`.

use serde_json::{json, Value};

use super::{json as read, SolveError, Work};
use crate::lessons::lora_linear::{self, Problem, RawProblem};
use crate::linalg::Matrix;
use crate::lora::linear::Discrepancy;

/// Reads the raw problem from JSON (types only).
pub fn raw_problem(value: &Value) -> Result<RawProblem, SolveError> {
    let target = read::matrix(read::member(value, "target", "")?, "target")?;
    let frozen = read::array(read::member(value, "frozen", "")?, "frozen")?
        .iter()
        .enumerate()
        .map(|(l, m)| read::matrix(m, &format!("frozen[{l}]")))
        .collect::<Result<Vec<_>, _>>()?;
    let ranks = read::array(read::member(value, "ranks", "")?, "ranks")?
        .iter()
        .enumerate()
        .map(|(l, r)| read::integer(r, &format!("ranks[{l}]")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RawProblem { target, frozen, ranks })
}

/// Writes a checked problem back as JSON (the inverse of `raw_problem`), e.g. for the page's
/// "download problem" button and for `adaptlab problem`.
pub fn problem_json(problem: &Problem) -> Value {
    json!({
        "kind": "lora-linear",
        "target": rows(&problem.target),
        "frozen": problem.frozen.iter().map(rows).collect::<Vec<_>>(),
        "ranks": problem.ranks,
    })
}

/// Operations to solve a D×D problem with L layers (`work`'s unit): the frozen product, one SVD
/// of E, and per layer the products, two condition numbers and two LU solves of the construction.
pub fn operations(width: usize, depth: usize) -> f64 {
    (width as f64).powi(3) * (35.0 * depth as f64 + 30.0)
}

/// Answers a `lora-linear` problem.
pub fn solve(value: &Value, work: &mut Work) -> Result<Value, SolveError> {
    let problem = lora_linear::check_problem(&raw_problem(value)?)?;
    let (width, depth) = (problem.width(), problem.depth());
    work.admit(operations(width, depth), &format!("a lora-linear problem (width D = {width}, L = {depth} layers)"))?;
    let discrepancy =
        Discrepancy::new(&problem.target, &problem.frozen).map_err(|e| SolveError::Numerical(e.to_string()))?;
    let outcome = lora_linear::solve(&problem, &discrepancy);
    let construction = match &outcome.construction {
        Ok(c) => json!({
            "assumption_holds": true,
            "deltas": c.adapters.iter().map(|a| rows(&a.delta)).collect::<Vec<_>>(),
            "adapter_ranks": c.adapters.iter().map(|a| a.rank).collect::<Vec<_>>(),
            "error_spectral": c.error_spectral,
            "error_frobenius": c.error_frobenius,
        }),
        Err(e) => json!({
            "assumption_holds": false,
            "deltas": null,
            "adapter_ranks": null,
            "error_spectral": null,
            "error_frobenius": null,
            "message": e.to_string(),
        }),
    };
    Ok(json!({
        "singular_values": outcome.singular_values,
        "discrepancy_rank": outcome.discrepancy_rank,
        "min_exact_rank": outcome.min_exact_rank,
        "optimal": {
            "spectral": outcome.optimal.spectral,
            "frobenius": outcome.optimal.frobenius,
            "gaussian_mse": outcome.optimal.gaussian_mse,
        },
        "construction": construction,
    }))
}

fn rows(m: &Matrix) -> Vec<Vec<f64>> {
    m.row_iter().map(|r| r.iter().copied().collect()).collect()
}
