//! The `lora-transformer` kind: `{"kind":"lora-transformer","target":N,"frozen":N,"rank":R,"inputs":[X,...]}`
//! with N = `{"blocks":[{"wq":[M per head],"wk":[...],"wv":[...],"wo":[...],"w1":M,"b1":v,"w2":M,"b2":v},...],"w_out":M}`
//! and each X a D×N matrix → `{"threshold_rank":n,"mse":x}`.

use serde_json::{json, Value};

use super::{json as read, SolveError, Work};
use crate::lessons::lora_transformer::{self, Problem, RawBlock, RawHead, RawProblem, RawTransformer};
use crate::lessons::InputError;
use crate::linalg::Matrix;
use crate::lora::transformer::{self, Transformer};

fn raw_network(value: &Value, field: &str) -> Result<RawTransformer, SolveError> {
    let blocks = read::array(read::member(value, "blocks", field)?, &format!("{field}.blocks"))?
        .iter()
        .enumerate()
        .map(|(l, b)| {
            let path = format!("{field}.blocks[{l}]");
            let per_head = |name: &str| read::matrices(read::member(b, name, &path)?, &format!("{path}.{name}"));
            let (wq, wk, wv, wo) = (per_head("wq")?, per_head("wk")?, per_head("wv")?, per_head("wo")?);
            for (name, list) in [("wk", &wk), ("wv", &wv), ("wo", &wo)] {
                if list.len() != wq.len() {
                    return Err(InputError::SizeMismatch {
                        field: format!("{path}.{name}"),
                        found: list.len(),
                        expected: wq.len(),
                    });
                }
            }
            let heads = (0..wq.len())
                .map(|h| RawHead { wq: wq[h].clone(), wk: wk[h].clone(), wv: wv[h].clone(), wo: wo[h].clone() })
                .collect();
            Ok(RawBlock {
                heads,
                w1: read::matrix(read::member(b, "w1", &path)?, &format!("{path}.w1"))?,
                b1: read::vector(read::member(b, "b1", &path)?, &format!("{path}.b1"))?,
                w2: read::matrix(read::member(b, "w2", &path)?, &format!("{path}.w2"))?,
                b2: read::vector(read::member(b, "b2", &path)?, &format!("{path}.b2"))?,
            })
        })
        .collect::<Result<Vec<_>, InputError>>()?;
    Ok(RawTransformer { blocks, w_out: read::matrix(read::member(value, "w_out", field)?, &format!("{field}.w_out"))? })
}

/// Reads the raw problem (types only).
pub fn raw_problem(value: &Value) -> Result<RawProblem, SolveError> {
    Ok(RawProblem {
        target: raw_network(read::member(value, "target", "")?, "target")?,
        frozen: raw_network(read::member(value, "frozen", "")?, "frozen")?,
        rank: read::integer(read::member(value, "rank", "")?, "rank")?,
        inputs: read::matrices(read::member(value, "inputs", "")?, "inputs")?,
    })
}

fn rows(m: &Matrix) -> Vec<Vec<f64>> {
    m.row_iter().map(|r| r.iter().copied().collect()).collect()
}

fn network(net: &Transformer) -> Value {
    let blocks: Vec<Value> = net
        .blocks
        .iter()
        .map(|b| {
            json!({
                "wq": b.heads.iter().map(|h| rows(&h.query)).collect::<Vec<_>>(),
                "wk": b.heads.iter().map(|h| rows(&h.key)).collect::<Vec<_>>(),
                "wv": b.heads.iter().map(|h| rows(&h.value)).collect::<Vec<_>>(),
                "wo": b.heads.iter().map(|h| rows(&h.output)).collect::<Vec<_>>(),
                "w1": rows(&b.w1), "b1": b.b1.iter().copied().collect::<Vec<_>>(),
                "w2": rows(&b.w2), "b2": b.b2.iter().copied().collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({ "blocks": blocks, "w_out": rows(&net.w_out) })
}

/// The problem as solve JSON.
pub fn problem_json(problem: &Problem) -> Value {
    json!({
        "kind": "lora-transformer",
        "target": network(&problem.target),
        "frozen": network(&problem.frozen),
        "rank": problem.rank,
        "inputs": problem.inputs.iter().map(rows).collect::<Vec<_>>(),
    })
}

/// Operations to solve a problem (`work`'s unit): the construction (about 100·D³ per head and
/// block) and the forward passes of the adapted and the target network over every D×N input: per
/// head and block the N×N attention scores, their softmax (an exponential costs about 250) and the
/// weighted values, and the D×D products.
pub fn operations(problem: &Problem) -> f64 {
    let width = problem.target.width() as f64;
    let blocks = problem.target.blocks.len() as f64;
    let heads = problem.target.blocks.first().map_or(0, |b| b.heads.len()) as f64;
    let passes: f64 = problem
        .inputs
        .iter()
        .map(|x| {
            let n = x.ncols() as f64;
            2.0 * blocks * (heads * n * n * (2.0 * width + 250.0) + (heads + 2.0) * 8.0 * width * width * n)
        })
        .sum();
    passes + blocks * heads * 100.0 * width.powi(3)
}

/// Answers a `lora-transformer` problem: the lesson's `evaluate` (the construction, then the mean
/// over inputs of each input's MSE), one input at a time so that long runs report progress.
pub fn solve(value: &Value, work: &mut Work) -> Result<Value, SolveError> {
    let problem = lora_transformer::check_problem(&raw_problem(value)?)?;
    let longest = problem.inputs.iter().map(|x| x.ncols()).max().unwrap_or(0);
    work.admit(
        operations(&problem),
        &format!(
            "a lora-transformer problem (width D = {}, {} blocks of {} heads, {} input sequences of up to N = {longest})",
            problem.target.width(),
            problem.target.blocks.len(),
            problem.target.blocks.first().map_or(0, |b| b.heads.len()),
            problem.inputs.len()
        ),
    )?;
    work.phase("building the adapters");
    let built = match transformer::construct(&problem.target, &problem.frozen, problem.rank) {
        Ok(built) => built,
        Err(e) => {
            return Ok(
                json!({ "threshold_rank": null, "construction_holds": false, "mse": null, "message": e.to_string() }),
            )
        }
    };
    let mut total = 0.0;
    for (i, x) in problem.inputs.iter().enumerate() {
        total += crate::lora::fnn::mse(&built.adapted.forward(x), &problem.target.forward(x));
        work.progress(i + 1, problem.inputs.len());
    }
    // transformer::mse: the mean over inputs of each input's MSE, summed in the same order.
    let mse = total / problem.inputs.len().max(1) as f64;
    Ok(json!({ "threshold_rank": built.threshold_rank(), "construction_holds": true, "mse": mse }))
}
