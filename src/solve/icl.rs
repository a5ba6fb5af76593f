//! The in-context-learning kinds.
//! `icl-posterior`: `{"kind":"icl-posterior","prior":P,"context":{"x":[v,...],"y":[...]},"query":v}`
//! (or `"stats":{"k":n,"sum_x":v,"sum_xxt":M,"sum_xy":v}` instead of `context`; an empty context is
//! k = 0, answered with the prior predictive of `icl.md` §2.3) →
//! `{"posterior_weights":[...],"mu_tilde":[v,...],"w_tilde":[v,...],"prediction":x}`.
//! `icl-risk`: `{"kind":"icl-risk","prior":P,"task":{"mu":v,"w":v},"labels":{"w":v,"noise":s},"k":[...],"trials":T,"seed":n}`
//! → `{"k":[...],"risk":[...],"se":[...],"mean_posterior_weights":[[...],...]}`.
//! P = `{"weights":[...],"mu":[v,...],"w":[v,...],"sigma_x":s,"sigma_y":s,"sigma_mu":s,"sigma_w":s}`.
//! `icl-risk` computes its trials in blocks of 50 from the same seeded streams as the page's risk
//! lesson (block b at the i-th k has its own stream), so the lesson's problem (`risk_problem_json`)
//! solved with its seed and trials gives the page's numbers.

use serde_json::{json, Value};

use super::{json as read, SolveError, Work};
use crate::icl::posterior::{self, Stats};
use crate::icl::prior::Prior;
use crate::icl::risk::{RiskRun, RiskSetup, BLOCK_TRIALS};
use crate::lessons::icl::{check_prior, coordinates, vector, RawPrior, SIGMA_RANGE};
use crate::lessons::input::{integer_in_range, square_matrix};
use crate::lessons::InputError;
use crate::linalg::Vector;

fn prior(value: &Value) -> Result<crate::icl::prior::Prior, SolveError> {
    let p = read::member(value, "prior", "")?;
    let sigma = |name: &str| read::number(read::member(p, name, "prior")?, &format!("prior.{name}"));
    let raw = RawPrior {
        weights: read::vector(read::member(p, "weights", "prior")?, "prior.weights")?,
        mu: read::vectors(read::member(p, "mu", "prior")?, "prior.mu")?,
        w: read::vectors(read::member(p, "w", "prior")?, "prior.w")?,
        sigmas: [sigma("sigma_x")?, sigma("sigma_y")?, sigma("sigma_mu")?, sigma("sigma_w")?],
    };
    Ok(check_prior(&raw)?)
}

fn list(v: &Vector) -> Vec<f64> {
    v.iter().copied().collect()
}

fn prior_json(prior: &Prior) -> Value {
    json!({
        "weights": prior.weights,
        "mu": prior.mu.iter().map(list).collect::<Vec<_>>(),
        "w": prior.w.iter().map(list).collect::<Vec<_>>(),
        "sigma_x": prior.sigma_x,
        "sigma_y": prior.sigma_y,
        "sigma_mu": prior.sigma_mu,
        "sigma_w": prior.sigma_w,
    })
}

/// An `icl-posterior` problem: the prior, the in-context examples (x_i, y_i) in order, and the query.
pub fn posterior_problem_json(prior: &Prior, examples: &[(Vector, f64)], query: &Vector) -> Value {
    json!({
        "kind": "icl-posterior",
        "prior": prior_json(prior),
        "context": {
            "x": examples.iter().map(|(x, _)| list(x)).collect::<Vec<_>>(),
            "y": examples.iter().map(|(_, y)| *y).collect::<Vec<_>>(),
        },
        "query": list(query),
    })
}

/// An `icl-risk` problem: the setup's prior, task (μ*, w*), label model (w_lab and the random
/// labels' noise σ_ε), k grid and seed, with `trials` trials per k. The Figure 6 bound is not
/// part of the answer.
pub fn risk_problem_json(setup: &RiskSetup, trials: usize) -> Value {
    json!({
        "kind": "icl-risk",
        "prior": prior_json(&setup.prior),
        "task": { "mu": list(&setup.task_mu), "w": list(&setup.task_w) },
        "labels": { "w": list(&setup.label_w), "noise": setup.label_noise },
        "k": setup.ks,
        "trials": trials,
        "seed": setup.seed,
    })
}

/// Answers `icl-posterior`.
pub fn solve_posterior(value: &Value, work: &mut Work) -> Result<Value, SolveError> {
    let prior = prior(value)?;
    let d = prior.dim();
    // One Cholesky factor and M + 1 solves; the context's statistics cost d² per example (read
    // from the input, so bounded by its size).
    let (dim, skills) = (d as f64, prior.skills() as f64);
    work.admit(dim.powi(3) + (skills + 2.0) * dim * dim, "an icl-posterior problem")?;
    let query = coordinates("query", &read::vector(read::member(value, "query", "")?, "query")?, d)?;
    let stats = match (value.get("context"), value.get("stats")) {
        (Some(context), None) => {
            let xs = read::vectors(read::member(context, "x", "context")?, "context.x")?;
            let ys = read::vector(read::member(context, "y", "context")?, "context.y")?;
            if ys.len() != xs.len() {
                return Err(InputError::SizeMismatch {
                    field: "context.y".into(),
                    found: ys.len(),
                    expected: xs.len(),
                }
                .into());
            }
            let xs = xs
                .iter()
                .enumerate()
                .map(|(i, x)| coordinates(&format!("context.x[{i}]"), x, d))
                .collect::<Result<Vec<_>, _>>()?;
            if let Some((i, y)) = ys.iter().enumerate().find(|(_, y)| !y.is_finite()) {
                return Err(InputError::NonFinite { field: format!("context.y[{i}]"), value: *y }.into());
            }
            // An empty context is k = 0 in dimension d (the prior predictive), not a 0-dimensional one.
            Stats::of(d, &xs, &ys)
        }
        (None, Some(stats)) => {
            let k = read::integer(read::member(stats, "k", "stats")?, "stats.k")?;
            let k = integer_in_range("stats.k", k, 0, i64::from(u32::MAX))?;
            let sum_x =
                vector("stats.sum_x", &read::vector(read::member(stats, "sum_x", "stats")?, "stats.sum_x")?, d)?;
            let sum_xy =
                vector("stats.sum_xy", &read::vector(read::member(stats, "sum_xy", "stats")?, "stats.sum_xy")?, d)?;
            let sum_xxt = square_matrix(
                "stats.sum_xxt",
                &read::matrix(read::member(stats, "sum_xxt", "stats")?, "stats.sum_xxt")?,
            )?;
            if sum_xxt.nrows() != d {
                return Err(InputError::SizeMismatch {
                    field: "stats.sum_xxt".into(),
                    found: sum_xxt.nrows(),
                    expected: d,
                }
                .into());
            }
            if (&sum_xxt - sum_xxt.transpose()).norm() > 1e-9 * sum_xxt.norm().max(1.0) {
                return Err(InputError::Malformed {
                    field: "stats.sum_xxt".into(),
                    message: "must be symmetric".into(),
                }
                .into());
            }
            Stats { k, sum_x, sum_xxt, sum_xy }
        }
        _ => {
            return Err(InputError::Malformed {
                field: "context".into(),
                message: "give exactly one of context or stats".into(),
            }
            .into())
        }
    };
    let post = posterior::posterior(&prior, &stats, &query).map_err(|e| SolveError::Numerical(e.to_string()))?;
    Ok(json!({
        "posterior_weights": post.weights,
        "mu_tilde": post.mu_tilde.iter().map(list).collect::<Vec<_>>(),
        "w_tilde": post.w_tilde.iter().map(list).collect::<Vec<_>>(),
        "prediction": post.prediction,
    }))
}

/// Operations of `trials` trials at each k (`work`'s unit): per trial the sampled statistics
/// (one example at a time up to k = d + 1, else Bartlett's d³), a Cholesky factor, M + 1 solves
/// and the weights, about ten operations each, plus a fixed cost of 10⁴.
pub fn risk_operations(dim: usize, skills: usize, ks: &[usize], trials: usize) -> f64 {
    let (d, m) = (dim as f64, skills as f64);
    let per_k = |k: usize| 10.0 * (3.0 * d.powi(3) + (m + 2.0) * d * d + (k.min(dim + 1) as f64) * d * d + 1000.0);
    trials as f64 * ks.iter().map(|&k| per_k(k)).sum::<f64>()
}

/// Answers `icl-risk`. A k at which some trial gives no finite number is a numerical error naming
/// those k (a mean without them would be biased), never a null or a mean of the others.
pub fn solve_risk(value: &Value, work: &mut Work) -> Result<Value, SolveError> {
    let prior = prior(value)?;
    let d = prior.dim();
    let task = read::member(value, "task", "")?;
    let task_mu = coordinates("task.mu", &read::vector(read::member(task, "mu", "task")?, "task.mu")?, d)?;
    let task_w = coordinates("task.w", &read::vector(read::member(task, "w", "task")?, "task.w")?, d)?;
    let (label_w, label_noise) = match value.get("labels") {
        None | Some(Value::Null) => (task_w.clone(), 0.0),
        Some(labels) => {
            let w = coordinates("labels.w", &read::vector(read::member(labels, "w", "labels")?, "labels.w")?, d)?;
            let noise = read::number(read::member(labels, "noise", "labels")?, "labels.noise")?;
            // σ_ε = 0 (noiseless) or at most the σ's top, where the squared errors stay finite.
            if !(noise.is_finite() && (0.0..=SIGMA_RANGE.1).contains(&noise)) {
                return Err(InputError::OutOfDomain {
                    field: "labels.noise".into(),
                    value: noise,
                    min: 0.0,
                    max: SIGMA_RANGE.1,
                }
                .into());
            }
            (w, noise)
        }
    };
    let ks = read::array(read::member(value, "k", "")?, "k")?
        .iter()
        .enumerate()
        .map(|(i, k)| integer_in_range(&format!("k[{i}]"), read::integer(k, &format!("k[{i}]"))?, 0, 1 << 30))
        .collect::<Result<Vec<_>, _>>()?;
    if ks.is_empty() || ks.len() > 1000 {
        return Err(InputError::OutOfRange { field: "k".into(), value: ks.len() as i64, min: 1, max: 1000 }.into());
    }
    let trials =
        integer_in_range("trials", read::integer(read::member(value, "trials", "")?, "trials")?, 1, 10_000_000)?;
    let seed =
        integer_in_range("seed", read::integer(read::member(value, "seed", "")?, "seed")?, 0, i64::from(u32::MAX))?
            as u64;
    work.admit(
        risk_operations(d, prior.skills(), &ks, trials),
        &format!("an icl-risk problem ({trials} trials at {} values of k, d = {d}, M = {})", ks.len(), prior.skills()),
    )?;
    let mut run = RiskRun::new(RiskSetup { prior, task_mu, task_w, label_w, label_noise, ks, seed, with_bound: false });
    // Chunks of whole blocks give the numbers of one `advance(trials)` (`RiskRun::advance`).
    let mut done = 0;
    while done < trials {
        let chunk = (trials - done).min(20 * BLOCK_TRIALS);
        run.advance(chunk);
        done += chunk;
        work.progress(done, trials);
    }
    let failed = run.failed_ks();
    if !failed.is_empty() {
        let ks: Vec<String> = failed.iter().take(8).map(usize::to_string).collect();
        return Err(SolveError::Numerical(format!(
            "risk: at k = {}{}, some trials' posterior or squared error is too large for double precision (not a finite number); bring the prior's σ's, the task and the labels closer to 1",
            ks.join(", "),
            if failed.len() > 8 { ", …" } else { "" }
        )));
    }
    Ok(json!({
        "k": run.points.iter().map(|p| p.k).collect::<Vec<_>>(),
        "risk": run.points.iter().map(|p| p.risk.mean()).collect::<Vec<_>>(),
        "se": run.points.iter().map(|p| p.risk.standard_error()).collect::<Vec<_>>(),
        "mean_posterior_weights": run.points.iter().map(|p| p.weights.iter().map(|w| w.mean()).collect::<Vec<_>>()).collect::<Vec<_>>(),
    }))
}
