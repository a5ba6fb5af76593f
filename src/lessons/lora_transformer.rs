//! Lesson: LoRA on transformers (Theorem 7; `lora.md` §1.4, §2.6, §3.3): adapters on the attention
//! matrices, the last FFN matrix and the output make any same-size target exact once R ≥ ⌈D/2⌉.

use crate::lessons::format::number;
use crate::lessons::input::{self, InputError};
use crate::lessons::rank_slots::RankSlots;
use crate::linalg::{Matrix, Vector};
use crate::lora::linear::ConstructionError;
use crate::lora::models;
use crate::lora::transformer::{self, Block, Head, Transformer};
use crate::rng;

/// Width D the page offers.
pub const WIDTH_RANGE: (i64, i64) = (2, 16);
/// Number of blocks L.
pub const DEPTH_RANGE: (i64, i64) = (1, 3);
/// Heads per block H.
pub const HEADS_RANGE: (i64, i64) = (1, 4);
/// Sequence length N.
pub const LENGTH_RANGE: (i64, i64) = (2, 20);
/// Fresh test sequences on which the page measures the MSE.
pub const TEST_SEQUENCES: usize = 200;

/// The lesson's parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Params {
    /// Width (embedding size) D.
    pub width: usize,
    /// Blocks L (target and frozen have the same).
    pub depth: usize,
    /// Heads H.
    pub heads: usize,
    /// Sequence length N.
    pub length: usize,
    /// LoRA rank R.
    pub rank: usize,
    /// Seed.
    pub seed: u64,
    /// A "pretrained" frozen transformer (moved towards the target as in the paper, §4.1)
    /// instead of the random one.
    pub pretrained: bool,
}

impl Default for Params {
    fn default() -> Self {
        Self { width: 16, depth: 1, heads: 2, length: 10, rank: 4, seed: 0, pretrained: false }
    }
}

/// A checked transformer problem.
#[derive(Clone, Debug)]
pub struct Problem {
    /// Target.
    pub target: Transformer,
    /// Frozen model of the same shape.
    pub frozen: Transformer,
    /// LoRA rank R.
    pub rank: usize,
    /// Input sequences X (D×N each).
    pub inputs: Vec<Matrix>,
}

impl Params {
    /// The seeded problem with the random frozen transformer (target drawn first, then frozen;
    /// test sequences on their own stream). A pretrained frozen model starts from it
    /// (`pages::lora_transformer`).
    pub fn problem(&self) -> Problem {
        let mut stream = rng::stream(self.seed, rng::streams::MODELS);
        let target = models::random_transformer(&mut stream, self.width, self.depth, self.heads);
        let frozen = models::random_transformer(&mut stream, self.width, self.depth, self.heads);
        let inputs = models::gaussian_sequences(
            &mut rng::stream(self.seed, rng::streams::TEST),
            self.width,
            self.length,
            TEST_SEQUENCES,
        );
        Problem { target, frozen, rank: self.rank, inputs }
    }
}

/// A raw head: four matrices.
#[derive(Clone, Debug, Default)]
pub struct RawHead {
    /// W_Q rows.
    pub wq: Vec<Vec<f64>>,
    /// W_K rows.
    pub wk: Vec<Vec<f64>>,
    /// W_V rows.
    pub wv: Vec<Vec<f64>>,
    /// W_O rows.
    pub wo: Vec<Vec<f64>>,
}

/// A raw block.
#[derive(Clone, Debug, Default)]
pub struct RawBlock {
    /// Heads.
    pub heads: Vec<RawHead>,
    /// W_1, b_1, W_2, b_2.
    pub w1: Vec<Vec<f64>>,
    /// b_1.
    pub b1: Vec<f64>,
    /// W_2.
    pub w2: Vec<Vec<f64>>,
    /// b_2.
    pub b2: Vec<f64>,
}

/// A raw transformer.
#[derive(Clone, Debug, Default)]
pub struct RawTransformer {
    /// Blocks.
    pub blocks: Vec<RawBlock>,
    /// W_o rows.
    pub w_out: Vec<Vec<f64>>,
}

/// A raw problem (from JSON).
#[derive(Clone, Debug, Default)]
pub struct RawProblem {
    /// Target.
    pub target: RawTransformer,
    /// Frozen.
    pub frozen: RawTransformer,
    /// Rank.
    pub rank: i64,
    /// Input sequences as rows (D rows of N entries each).
    pub inputs: Vec<Vec<Vec<f64>>>,
}

fn sized(field: &str, rows: &[Vec<f64>], dim: Option<usize>) -> Result<Matrix, InputError> {
    let m = input::square_matrix(field, rows)?;
    match dim {
        Some(d) if m.nrows() != d => {
            Err(InputError::SizeMismatch { field: field.to_owned(), found: m.nrows(), expected: d })
        }
        _ => Ok(m),
    }
}

fn bias(field: &str, values: &[f64], dim: usize) -> Result<Vector, InputError> {
    if values.len() != dim {
        return Err(InputError::SizeMismatch { field: field.to_owned(), found: values.len(), expected: dim });
    }
    if let Some((i, &v)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(InputError::NonFinite { field: format!("{field}[{i}]"), value: v });
    }
    Ok(Vector::from_column_slice(values))
}

fn check_network(
    field: &str,
    raw: &RawTransformer,
    dim: Option<usize>,
    shape: Option<(usize, usize)>,
) -> Result<Transformer, InputError> {
    let w_out = sized(&format!("{field}.w_out"), &raw.w_out, dim)?;
    let d = w_out.nrows();
    if raw.blocks.is_empty() || raw.blocks.len() > 8 {
        return Err(InputError::OutOfRange {
            field: format!("{field}.blocks"),
            value: raw.blocks.len() as i64,
            min: 1,
            max: 8,
        });
    }
    if let Some((blocks, _)) = shape {
        if raw.blocks.len() != blocks {
            return Err(InputError::SizeMismatch {
                field: format!("{field}.blocks"),
                found: raw.blocks.len(),
                expected: blocks,
            });
        }
    }
    let mut blocks = Vec::new();
    for (l, b) in raw.blocks.iter().enumerate() {
        let path = format!("{field}.blocks[{l}]");
        let heads_wanted = shape.map_or(b.heads.len(), |(_, h)| h);
        if b.heads.is_empty() || b.heads.len() != heads_wanted || b.heads.len() > 16 {
            return Err(InputError::SizeMismatch {
                field: format!("{path}.heads"),
                found: b.heads.len(),
                expected: heads_wanted.max(1),
            });
        }
        let heads = b
            .heads
            .iter()
            .enumerate()
            .map(|(h, head)| {
                let p = format!("{path}.heads[{h}]");
                Ok(Head {
                    query: sized(&format!("{p}.wq"), &head.wq, Some(d))?,
                    key: sized(&format!("{p}.wk"), &head.wk, Some(d))?,
                    value: sized(&format!("{p}.wv"), &head.wv, Some(d))?,
                    output: sized(&format!("{p}.wo"), &head.wo, Some(d))?,
                })
            })
            .collect::<Result<Vec<_>, InputError>>()?;
        blocks.push(Block {
            heads,
            w1: sized(&format!("{path}.w1"), &b.w1, Some(d))?,
            b1: bias(&format!("{path}.b1"), &b.b1, d)?,
            w2: sized(&format!("{path}.w2"), &b.w2, Some(d))?,
            b2: bias(&format!("{path}.b2"), &b.b2, d)?,
        });
    }
    Ok(Transformer { blocks, w_out })
}

/// The gate: same width, depth and heads for target and frozen; each input a D×N matrix.
pub fn check_problem(raw: &RawProblem) -> Result<Problem, InputError> {
    let target = check_network("target", &raw.target, None, None)?;
    let shape = (target.blocks.len(), target.blocks[0].heads.len());
    let frozen = check_network("frozen", &raw.frozen, Some(target.width()), Some(shape))?;
    let rank = input::integer_in_range("rank", raw.rank, 0, i64::from(u32::MAX))?;
    if raw.inputs.is_empty() || raw.inputs.len() > 100_000 {
        return Err(InputError::OutOfRange {
            field: "inputs".into(),
            value: raw.inputs.len() as i64,
            min: 1,
            max: 100_000,
        });
    }
    let d = target.width();
    let inputs = raw
        .inputs
        .iter()
        .enumerate()
        .map(|(i, rows)| {
            let field = format!("inputs[{i}]");
            if rows.len() != d {
                return Err(InputError::SizeMismatch { field, found: rows.len(), expected: d });
            }
            let n = rows[0].len();
            if n == 0 || n > 4096 {
                return Err(InputError::OutOfRange { field, value: n as i64, min: 1, max: 4096 });
            }
            for (r, row) in rows.iter().enumerate() {
                if row.len() != n {
                    return Err(InputError::Ragged { field: field.clone(), row: r, found: row.len(), expected: n });
                }
                if let Some((c, &v)) = row.iter().enumerate().find(|(_, v)| !v.is_finite()) {
                    return Err(InputError::NonFinite { field: format!("{field}[{r}][{c}]"), value: v });
                }
            }
            Ok(Matrix::from_fn(d, n, |r, c| rows[r][c]))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Problem { target, frozen, rank, inputs })
}

/// The construction's MSE at one rank.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RankResult {
    /// LoRA rank R.
    pub rank: usize,
    /// MSE on the test sequences, if the construction could be built.
    pub mse: Option<f64>,
}

/// A construction counts as exact when its MSE is below this fraction of the target's mean
/// squared output: zero up to double-precision rounding through a few blocks.
pub const EXACT_RELATIVE_MSE: f64 = 1e-10;

/// Everything about the models, for every rank R = 0..=D, filled progressively.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// max ⌈G/2⌉ over the matched two-factor problems (⌈D/2⌉ for random models; exact once a rank is computed).
    pub threshold: usize,
    /// The target's mean squared output on the test sequences: the scale against which an MSE
    /// is "zero up to rounding" (`EXACT_RELATIVE_MSE`).
    pub target_power: f64,
    /// One result per rank, filled progressively.
    pub curve: RankSlots<RankResult>,
    /// The first failure seen, if any.
    pub failure: Option<(usize, ConstructionError)>,
}

/// The construction's MSE and threshold at one rank.
pub fn evaluate(problem: &Problem, rank: usize) -> Result<(f64, usize), ConstructionError> {
    let built = transformer::construct(&problem.target, &problem.frozen, rank)?;
    Ok((transformer::mse(&built.adapted, &problem.target, &problem.inputs), built.threshold_rank()))
}

/// Analyses the problem at every rank R = 0..=D at once.
pub fn analyse(problem: &Problem) -> Analysis {
    let mut analysis = Analysis::new(problem);
    analysis.advance(problem, usize::MAX);
    analysis
}

impl Analysis {
    /// No rank computed yet; the threshold starts at ⌈D/2⌉ and is refined by the first construction.
    pub fn new(problem: &Problem) -> Self {
        let outputs: f64 = problem.inputs.iter().map(|x| problem.target.forward(x).norm_squared()).sum();
        let entries: usize = problem.inputs.iter().map(|x| x.len()).sum();
        Analysis {
            threshold: problem.frozen.width().div_ceil(2),
            target_power: outputs / entries.max(1) as f64,
            curve: RankSlots::new(problem.frozen.width() + 1),
            failure: None,
        }
    }

    /// The construction's MSE at `rank`; refines the threshold and records the first failure.
    fn compute(
        threshold: &mut usize,
        failure: &mut Option<(usize, ConstructionError)>,
        problem: &Problem,
        rank: usize,
    ) -> RankResult {
        match evaluate(problem, rank) {
            Ok((mse, t)) => {
                *threshold = t;
                RankResult { rank, mse: Some(mse) }
            }
            Err(e) => {
                failure.get_or_insert((rank, e));
                RankResult { rank, mse: None }
            }
        }
    }

    /// Computes rank `rank` if it is missing and returns its result.
    pub fn ensure(&mut self, problem: &Problem, rank: usize) -> Option<RankResult> {
        let (threshold, failure) = (&mut self.threshold, &mut self.failure);
        self.curve.ensure(rank, |r| Self::compute(threshold, failure, problem, r))
    }

    /// Computes up to `count` missing ranks (lowest first); returns how many are still missing.
    pub fn advance(&mut self, problem: &Problem, count: usize) -> usize {
        let (threshold, failure) = (&mut self.threshold, &mut self.failure);
        self.curve.advance(count, |r| Self::compute(threshold, failure, problem, r))
    }

    /// How many ranks are still missing.
    pub fn remaining(&self) -> usize {
        self.curve.remaining()
    }

    /// The computed results, in rank order.
    pub fn computed(&self) -> impl Iterator<Item = &RankResult> {
        self.curve.computed()
    }

    /// Whether an MSE is zero up to rounding: below `EXACT_RELATIVE_MSE` of the target's power.
    pub fn is_exact(&self, mse: f64) -> bool {
        mse <= EXACT_RELATIVE_MSE * self.target_power
    }

    /// The smallest computed rank from which every computed rank is exact, if the curve is complete.
    pub fn exact_from(&self) -> Option<usize> {
        if self.remaining() > 0 {
            return None;
        }
        let ranks: Vec<&RankResult> = self.computed().collect();
        match ranks.iter().rev().position(|r| !r.mse.is_some_and(|m| self.is_exact(m))) {
            None => Some(0),
            Some(0) => None,
            Some(exact_at_top) => Some(ranks.len() - exact_at_top),
        }
    }

    /// The live check for rank `rank` and width `width`: the theorem's sufficient rank, then what
    /// the measured MSE shows (exactness is read from the number, not from the rank).
    pub fn live_check(&self, rank: usize, width: usize) -> String {
        let head = format!("Every matched quantity is a product of two adapted matrices, so rank 2R suffices: the threshold is ⌈D/2⌉ = ⌈{width}/2⌉ = {}", self.threshold);
        let Some(mse) = self.curve.get(rank).and_then(|r| r.mse) else {
            let why = self.failure.as_ref().map_or_else(String::new, |(_, e)| e.to_string());
            return format!("{head}. At R = {rank} the construction cannot be used: {why}.");
        };
        let relative = format!(
            "{} of the target's mean squared output {}",
            number(mse / self.target_power),
            number(self.target_power)
        );
        match (rank >= self.threshold, self.is_exact(mse)) {
            (true, true) => format!("{head}. R = {rank} ≥ {}: the adapted transformer equals the target; its MSE on fresh sequences is {}, zero up to rounding ({relative}) ✔.", self.threshold, number(mse)),
            (true, false) => format!("{head}. R = {rank} ≥ {}, yet the construction's MSE on fresh sequences is {} ({relative}): rounding errors through ill-conditioned layers dominate, so the construction cannot be used here.", self.threshold, number(mse)),
            (false, true) => format!("{head}. R = {rank} < {}, yet the MSE on fresh sequences is already {}, zero up to rounding ({relative}): for these models a smaller rank suffices, since ⌈D/2⌉ is sufficient, not necessary ✔.", self.threshold, number(mse)),
            (false, false) => format!("{head}. R = {rank} < {}: the attention scores are not matched, and the MSE on fresh sequences is {} ({relative}).", self.threshold, number(mse)),
        }
    }
}
