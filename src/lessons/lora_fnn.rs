//! Lesson: LoRA on ReLU networks (`lora.md` §2.2, §2.4, §3.2). A frozen FNN of depth L becomes a
//! target of depth L̄ < L once R ≥ ⌈max_i rank(E_i)/M⌉, M = ⌊L/L̄⌋.

use crate::lessons::format::number;
use crate::lessons::input::{self, InputError};
use crate::lessons::rank_slots::RankSlots;
use crate::linalg::{Matrix, Vector};
use crate::lora::fnn::{self, Fnn};
use crate::lora::linear::{ConstructionError, Discrepancy};
use crate::lora::models;
use crate::rng;

/// Width D the page offers (the curve recomputes the construction at every rank).
pub const WIDTH_RANGE: (i64, i64) = (2, 32);
/// Target depth L̄.
pub const TARGET_DEPTH_RANGE: (i64, i64) = (1, 4);
/// Frozen depth L (must exceed L̄).
pub const DEPTH_RANGE: (i64, i64) = (2, 8);
/// Calibration inputs that size the biases (the paper's batch size).
pub const CALIBRATION_SIZE: usize = 256;
/// Fresh test inputs on which the page measures the MSE (the paper uses 5,000).
pub const TEST_SIZE: usize = 2_000;

/// The lesson's parameters as the page holds them (range-checked by the state table).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Params {
    /// Width D.
    pub width: usize,
    /// Target depth L̄.
    pub target_depth: usize,
    /// Frozen depth L.
    pub depth: usize,
    /// LoRA rank R on every layer.
    pub rank: usize,
    /// Seed of models and inputs.
    pub seed: u64,
    /// ReLU after the output layer, as in the paper's code.
    pub relu_on_output: bool,
    /// Move the frozen model towards the target first, as the paper's "pretrained" models (§4.1).
    pub pretrained: bool,
}

impl Default for Params {
    fn default() -> Self {
        Self { width: 16, target_depth: 1, depth: 2, rank: 4, seed: 0, relu_on_output: true, pretrained: false }
    }
}

/// A checked FNN problem.
#[derive(Clone, Debug)]
pub struct Problem {
    /// Target f̄ (depth L̄).
    pub target: Fnn,
    /// Frozen f₀ (depth L > L̄... or ≥ L̄ from JSON).
    pub frozen: Fnn,
    /// LoRA rank R.
    pub rank: usize,
    /// ReLU on the output layer of both models.
    pub relu_on_output: bool,
    /// Inputs (columns) that size the biases.
    pub calibration: Matrix,
    /// Inputs (columns) on which the error is measured.
    pub test: Matrix,
}

impl Params {
    /// The seeded problem: models on stream 0, calibration inputs on stream 1, test inputs on stream 2.
    pub fn problem(&self) -> Problem {
        let (target, frozen) = models::fnn_pair(
            &mut rng::stream(self.seed, rng::streams::MODELS),
            self.width,
            self.target_depth,
            self.depth,
        );
        let calibration = models::gaussian_inputs(
            &mut rng::stream(self.seed, rng::streams::CALIBRATION),
            self.width,
            CALIBRATION_SIZE,
        );
        let test = models::gaussian_inputs(&mut rng::stream(self.seed, rng::streams::TEST), self.width, TEST_SIZE);
        Problem { target, frozen, rank: self.rank, relu_on_output: self.relu_on_output, calibration, test }
    }
}

/// An FNN as raw numbers (from JSON).
#[derive(Clone, Debug, Default)]
pub struct RawFnn {
    /// Weights as rows.
    pub weights: Vec<Vec<Vec<f64>>>,
    /// Biases.
    pub biases: Vec<Vec<f64>>,
}

/// An FNN problem as raw numbers (from JSON).
#[derive(Clone, Debug, Default)]
pub struct RawProblem {
    /// Target network.
    pub target: RawFnn,
    /// Frozen network.
    pub frozen: RawFnn,
    /// LoRA rank.
    pub rank: i64,
    /// ReLU on the output layer.
    pub relu_on_output: bool,
    /// Calibration inputs, one vector per sample.
    pub calibration: Vec<Vec<f64>>,
    /// Test inputs, one vector per sample.
    pub test: Vec<Vec<f64>>,
}

fn check_fnn(field: &str, raw: &RawFnn, width: Option<usize>) -> Result<Fnn, InputError> {
    if raw.weights.is_empty() || raw.weights.len() > 64 {
        return Err(InputError::OutOfRange {
            field: format!("{field}.weights"),
            value: raw.weights.len() as i64,
            min: 1,
            max: 64,
        });
    }
    if raw.biases.len() != raw.weights.len() {
        return Err(InputError::SizeMismatch {
            field: format!("{field}.biases"),
            found: raw.biases.len(),
            expected: raw.weights.len(),
        });
    }
    let mut weights = Vec::new();
    let mut biases = Vec::new();
    let mut dim = width;
    for (l, (w, b)) in raw.weights.iter().zip(&raw.biases).enumerate() {
        let w = input::square_matrix(&format!("{field}.weights[{l}]"), w)?;
        let d = *dim.get_or_insert(w.nrows());
        if w.nrows() != d {
            return Err(InputError::SizeMismatch {
                field: format!("{field}.weights[{l}]"),
                found: w.nrows(),
                expected: d,
            });
        }
        weights.push(w);
        biases.push(vector(&format!("{field}.biases[{l}]"), b, d)?);
    }
    Ok(Fnn { weights, biases })
}

fn vector(field: &str, values: &[f64], dim: usize) -> Result<Vector, InputError> {
    if values.len() != dim {
        return Err(InputError::SizeMismatch { field: field.to_owned(), found: values.len(), expected: dim });
    }
    if let Some((i, &v)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(InputError::NonFinite { field: format!("{field}[{i}]"), value: v });
    }
    Ok(Vector::from_column_slice(values))
}

fn samples(field: &str, rows: &[Vec<f64>], dim: usize) -> Result<Matrix, InputError> {
    if rows.is_empty() || rows.len() > 100_000 {
        return Err(InputError::OutOfRange { field: field.to_owned(), value: rows.len() as i64, min: 1, max: 100_000 });
    }
    let columns = rows
        .iter()
        .enumerate()
        .map(|(i, r)| vector(&format!("{field}[{i}]"), r, dim))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Matrix::from_columns(&columns))
}

/// The gate for raw FNN problems: square layers of one width, one bias per layer, L ≥ L̄,
/// a non-negative rank, finite inputs of the right size.
pub fn check_problem(raw: &RawProblem) -> Result<Problem, InputError> {
    let target = check_fnn("target", &raw.target, None)?;
    let frozen = check_fnn("frozen", &raw.frozen, Some(target.width()))?;
    if frozen.depth() < target.depth() {
        return Err(InputError::OutOfRange {
            field: "frozen.weights".into(),
            value: frozen.depth() as i64,
            min: target.depth() as i64,
            max: 64,
        });
    }
    let rank = input::integer_in_range("rank", raw.rank, 0, i64::from(u32::MAX))?;
    let calibration = samples("calibration_inputs", &raw.calibration, target.width())?;
    let test = samples("test_inputs", &raw.test, target.width())?;
    Ok(Problem { target, frozen, rank, relu_on_output: raw.relu_on_output, calibration, test })
}

/// The construction's errors at one rank.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RankResult {
    /// LoRA rank R.
    pub rank: usize,
    /// MSE on the calibration batch (exactly 0 up to rounding at and above the threshold).
    pub mse_calibration: Option<f64>,
    /// MSE on the fresh test inputs.
    pub mse_test: Option<f64>,
    /// The L̄ = 1 bound (1/D) Σ_{i>RL} σ_i(E)², when L̄ = 1.
    pub bound: Option<f64>,
}

/// Everything about the models, for every rank R = 0..=D, filled progressively.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// rank(E_i) per group.
    pub group_ranks: Vec<usize>,
    /// Group sizes |P_i|.
    pub group_sizes: Vec<usize>,
    /// ⌈max_i rank(E_i)/M⌉.
    pub threshold: usize,
    /// σ(E_1), for the L̄ = 1 bound.
    singular_values: Vec<f64>,
    /// One result per rank R = 0..=D, filled progressively.
    pub curve: RankSlots<RankResult>,
    /// Why the construction failed at a rank, if it did (first failure seen).
    pub failure: Option<(usize, ConstructionError)>,
}

/// The construction's results at one rank.
pub fn evaluate(problem: &Problem, rank: usize) -> Result<(fnn::FnnConstruction, f64, f64), ConstructionError> {
    let built = fnn::construct(&problem.target, &problem.frozen, rank, &problem.calibration, problem.relu_on_output)?;
    let relu = problem.relu_on_output;
    let mse_calibration = fnn::mse(
        &built.adapted.forward(&problem.calibration, relu),
        &problem.target.forward(&problem.calibration, relu),
    );
    let mse_test = fnn::mse(&built.adapted.forward(&problem.test, relu), &problem.target.forward(&problem.test, relu));
    Ok((built, mse_calibration, mse_test))
}

/// Analyses the problem's models at every rank R = 0..=D at once.
pub fn analyse(problem: &Problem) -> Analysis {
    let mut analysis = Analysis::new(problem);
    analysis.advance(problem, usize::MAX);
    analysis
}

impl Analysis {
    /// The group structure and threshold (from the groups' discrepancies); no rank computed yet.
    pub fn new(problem: &Problem) -> Self {
        let (frozen_depth, target_depth) = (problem.frozen.depth(), problem.target.depth());
        let groups = fnn::uniform_partition(frozen_depth, target_depth);
        let discrepancies: Vec<Option<Discrepancy>> = groups
            .iter()
            .enumerate()
            .map(|(i, g)| Discrepancy::new(&problem.target.weights[i], &problem.frozen.weights[g.clone()]).ok())
            .collect();
        let group_ranks: Vec<usize> = discrepancies.iter().map(|d| d.as_ref().map_or(0, |d| d.rank)).collect();
        let singular_values =
            discrepancies.first().and_then(|d| d.as_ref()).map_or_else(Vec::new, |d| d.singular_values().to_vec());
        Analysis {
            threshold: fnn::threshold_rank(&group_ranks, frozen_depth, target_depth),
            group_sizes: groups.iter().map(|g| g.len()).collect(),
            group_ranks,
            singular_values,
            curve: RankSlots::new(problem.frozen.width() + 1),
            failure: None,
        }
    }

    /// The construction's errors at `rank` (the L̄ = 1 bound alongside); records the first failure.
    fn compute(
        singular_values: &[f64],
        failure: &mut Option<(usize, ConstructionError)>,
        problem: &Problem,
        rank: usize,
    ) -> RankResult {
        let bound = (problem.target.depth() == 1)
            .then(|| fnn::single_layer_bound(singular_values, rank, problem.frozen.depth()));
        match evaluate(problem, rank) {
            Ok((_, cal, test)) => RankResult { rank, mse_calibration: Some(cal), mse_test: Some(test), bound },
            Err(e) => {
                failure.get_or_insert((rank, e));
                RankResult { rank, mse_calibration: None, mse_test: None, bound }
            }
        }
    }

    /// Computes rank `rank` if it is missing and returns its result.
    pub fn ensure(&mut self, problem: &Problem, rank: usize) -> Option<RankResult> {
        let (values, failure) = (&self.singular_values, &mut self.failure);
        self.curve.ensure(rank, |r| Self::compute(values, failure, problem, r))
    }

    /// Computes up to `count` missing ranks (lowest first); returns how many are still missing.
    pub fn advance(&mut self, problem: &Problem, count: usize) -> usize {
        let (values, failure) = (&self.singular_values, &mut self.failure);
        self.curve.advance(count, |r| Self::compute(values, failure, problem, r))
    }

    /// How many ranks are still missing.
    pub fn remaining(&self) -> usize {
        self.curve.remaining()
    }

    /// The computed results, in rank order.
    pub fn computed(&self) -> impl Iterator<Item = &RankResult> {
        self.curve.computed()
    }

    /// The live check for rank `rank`.
    pub fn live_check(&self, rank: usize, depth: usize, target_depth: usize) -> String {
        let m = depth / target_depth.max(1);
        let Some(row) = self.curve.get(rank) else { return String::new() };
        let exact: Vec<usize> = self
            .group_sizes
            .iter()
            .zip(&self.group_ranks)
            .enumerate()
            .filter(|(_, (&s, &r))| rank * s >= r)
            .map(|(i, _)| i + 1)
            .collect();
        let head = format!(
            "M = ⌊L/L̄⌋ = ⌊{depth}/{target_depth}⌋ = {m}, so the threshold is ⌈max_i rank(E_i)/M⌉ = ⌈{}/{m}⌉ = {}",
            self.group_ranks.iter().max().copied().unwrap_or(0),
            self.threshold
        );
        let (Some(test), Some(cal)) = (row.mse_test, row.mse_calibration) else {
            let why = self.failure.as_ref().map_or_else(String::new, |(_, e)| e.to_string());
            return format!("{head}; at R = {rank} the construction cannot be used: {why}.");
        };
        let groups = if exact.len() == self.group_sizes.len() {
            "every group matches its target layer exactly".to_owned()
        } else if exact.is_empty() {
            "no group is exact yet".to_owned()
        } else {
            format!(
                "group{} {} exact",
                if exact.len() > 1 { "s" } else { "" },
                exact.iter().map(usize::to_string).collect::<Vec<_>>().join(", ")
            )
        };
        let verdict = if rank >= self.threshold {
            format!(
                "R = {rank} ≥ {}: {groups}; the construction's MSE is {} on the calibration batch (zero up to rounding) and {} on fresh test inputs ✔",
                self.threshold,
                number(cal),
                number(test)
            )
        } else {
            let bound = row.bound.map_or_else(String::new, |b| format!(" (the L̄ = 1 bound is {})", number(b)));
            format!("R = {rank} < {}: {groups}; the construction's test MSE is {}{bound}", self.threshold, number(test))
        };
        format!("{head}. {verdict}.")
    }
}
