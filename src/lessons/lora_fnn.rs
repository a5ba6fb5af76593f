//! Lesson: LoRA on ReLU networks (`lora.md` §2.2, §2.4, §3.2). A frozen FNN of depth L becomes a
//! target of depth L̄ < L once R ≥ ⌈max_i rank(E_i)/M⌉, M = ⌊L/L̄⌋.

use std::collections::BTreeMap;

use crate::lessons::format::number;
use crate::lessons::input::{self, InputError};
use crate::lessons::rank_slots::RankSlots;
use crate::linalg::{Matrix, Vector};
use crate::lora::fnn::{self, Fnn, FnnConstructionError};
use crate::lora::linear::Discrepancy;
use crate::lora::{models, train};
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
    /// The seeded problem: models on stream 0, calibration inputs on stream 1, test inputs on
    /// stream 2; a pretrained frozen model is moved towards the target on stream 4 (`pretrain`).
    pub fn problem(&self) -> Problem {
        let (target, mut frozen) = models::fnn_pair(
            &mut rng::stream(self.seed, rng::streams::MODELS),
            self.width,
            self.target_depth,
            self.depth,
        );
        if self.pretrained {
            frozen = pretrain(&target, &frozen, self.relu_on_output, self.seed).0;
        }
        let calibration = models::gaussian_inputs(
            &mut rng::stream(self.seed, rng::streams::CALIBRATION),
            self.width,
            CALIBRATION_SIZE,
        );
        let test = models::gaussian_inputs(&mut rng::stream(self.seed, rng::streams::TEST), self.width, TEST_SIZE);
        Problem { target, frozen, rank: self.rank, relu_on_output: self.relu_on_output, calibration, test }
    }
}

/// The paper's pretraining (`lora.md` §4.1, `train::pretrain`): Adam (learning rate 10⁻³, no weight
/// decay) on every weight and bias of the frozen model, towards the target, on fresh batches of
/// 256 inputs from the seed's pretraining stream, until the batch MSE falls below a third of the
/// first or 1,000 steps pass. Returns the moved model and the steps taken.
pub fn pretrain(target: &Fnn, frozen: &Fnn, relu_on_output: bool, seed: u64) -> (Fnn, usize) {
    let mut pretraining = pretraining(target, frozen, relu_on_output, seed);
    while !pretraining.run(usize::MAX) {}
    pretraining.into_model()
}

/// The same pretraining (`pretrain`), to be run a few steps at a time (`train::Pretraining::run`);
/// the moved model does not depend on how the steps are grouped.
pub fn pretraining(target: &Fnn, frozen: &Fnn, relu_on_output: bool, seed: u64) -> train::Pretraining {
    let activation = train::Activation::Relu { relu_on_output };
    train::Pretraining::new(target, frozen, activation, rng::stream(seed, rng::streams::PRETRAINING))
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
    check_scale(&target, &frozen, &calibration, &test)?;
    Ok(Problem { target, frozen, rank, relu_on_output: raw.relu_on_output, calibration, test })
}

/// The lesson's numerical domain (as the linear lesson's, `lora_linear::MAX_LOG10_SCALE`): a bound
/// on every activation of either network on the inputs (`input::log10_activation_bound`) of at most
/// 10^150, so that outputs, their squared errors and the MSEs are finite in f64.
fn check_scale(target: &Fnn, frozen: &Fnn, calibration: &Matrix, test: &Matrix) -> Result<(), InputError> {
    let log_input = calibration
        .column_iter()
        .chain(test.column_iter())
        .map(|x| input::log10_frobenius(x.iter().copied()))
        .fold(f64::NEG_INFINITY, f64::max);
    for (name, net) in [("target", target), ("frozen", frozen)] {
        let layers = net
            .weights
            .iter()
            .zip(&net.biases)
            .map(|(w, b)| (input::log10_frobenius(w.iter().copied()), input::log10_frobenius(b.iter().copied())));
        let bound = input::log10_activation_bound(log_input, layers);
        if bound > super::lora_linear::MAX_LOG10_SCALE {
            return Err(InputError::TooLarge {
                field: format!("{name}.weights"),
                detail: format!(
                    "on these inputs the network's activations may reach {}, beyond 10^{} where their squares overflow; scale the weights, biases or inputs down",
                    input::power_of_ten(bound),
                    super::lora_linear::MAX_LOG10_SCALE
                ),
            });
        }
    }
    Ok(())
}

/// The construction's errors at one rank.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RankResult {
    /// LoRA rank R.
    pub rank: usize,
    /// MSE on the calibration batch (`None` where the construction cannot be used).
    pub mse_calibration: Option<f64>,
    /// MSE on the fresh test inputs (`None` where the construction cannot be used).
    pub mse_test: Option<f64>,
    /// The L̄ = 1 bound on the expected MSE, (1/D) Σ_{i>RL} σ_i(E)², when L̄ = 1.
    pub bound: Option<f64>,
    /// The same bound's value on the test inputs, (1/(D·n)) Σ_x ‖(E − LR_{RL}(E))x‖², when L̄ = 1:
    /// a sure upper bound on the test MSE wherever the inner ReLUs stay linear.
    pub bound_test: Option<f64>,
    /// How many test inputs drive some inner ReLU below zero (`None` where the construction
    /// cannot be used).
    pub outside: Option<usize>,
}

/// The measured calibration MSE counts as exact when it is at most this fraction of the target's
/// mean square output before any final ReLU on the calibration batch (`fnn::output_scale`
/// squared): an RMS error of 10⁻⁶ of that scale, the construction's rounding guard
/// `fnn::RELIABLE_TOLERANCE`, squared.
pub const EXACT_RELATIVE_MSE: f64 = 1e-12;

/// The MSE at or below which the page calls the construction exact: `EXACT_RELATIVE_MSE` times
/// the target's mean square output before any final ReLU on the calibration batch.
pub fn exact_tolerance(target_mean_square: f64) -> f64 {
    EXACT_RELATIVE_MSE * target_mean_square
}

/// Whether a measured test MSE is within the L̄ = 1 bound's value on the same inputs, up to the
/// rounding the construction is checked to: by the triangle inequality for the RMS,
/// √MSE ≤ √bound + `fnn::RELIABLE_TOLERANCE` · √(the target's mean square output).
pub fn within_bound(mse_test: f64, bound_test: f64, target_mean_square: f64) -> bool {
    mse_test.sqrt() <= bound_test.sqrt() + fnn::RELIABLE_TOLERANCE * target_mean_square.sqrt()
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
    /// The target's mean square output before any final ReLU on the calibration batch
    /// (`fnn::output_scale` squared): the scale of "exact".
    pub target_mean_square: f64,
    /// E = W̄ − ΠW_l when L̄ = 1, for the bound.
    single: Option<Discrepancy>,
    /// One result per rank R = 0..=D, filled progressively.
    pub curve: RankSlots<RankResult>,
    /// Why the construction cannot be used, at each rank where it cannot.
    pub failures: BTreeMap<usize, FnnConstructionError>,
}

/// The construction's results at one rank: the construction and its calibration and test MSE.
pub fn evaluate(problem: &Problem, rank: usize) -> Result<(fnn::FnnConstruction, f64, f64), FnnConstructionError> {
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
        Analysis {
            threshold: fnn::threshold_rank(&group_ranks, frozen_depth, target_depth),
            group_sizes: groups.iter().map(|g| g.len()).collect(),
            group_ranks,
            target_mean_square: fnn::output_scale(&problem.target, &problem.calibration).powi(2),
            single: if target_depth == 1 { discrepancies.into_iter().next().flatten() } else { None },
            curve: RankSlots::new(problem.frozen.width() + 1),
            failures: BTreeMap::new(),
        }
    }

    /// The MSE at or below which the construction counts as exact here.
    pub fn exact_tolerance(&self) -> f64 {
        exact_tolerance(self.target_mean_square)
    }

    /// The construction's errors at `rank` (the L̄ = 1 bound alongside); records a failure.
    fn compute(
        single: Option<&Discrepancy>,
        failures: &mut BTreeMap<usize, FnnConstructionError>,
        problem: &Problem,
        rank: usize,
    ) -> RankResult {
        let depth = problem.frozen.depth();
        let bound = single.map(|d| fnn::single_layer_bound(d.singular_values(), rank, depth));
        let bound_test = single.map(|d| fnn::single_layer_bound_on(d, rank, depth, &problem.test));
        match evaluate(problem, rank) {
            Ok((built, cal, test)) => RankResult {
                rank,
                mse_calibration: Some(cal),
                mse_test: Some(test),
                bound,
                bound_test,
                outside: Some(built.inputs_outside_linear_region(&problem.test, problem.relu_on_output)),
            },
            Err(e) => {
                failures.insert(rank, e);
                RankResult { rank, mse_calibration: None, mse_test: None, bound, bound_test, outside: None }
            }
        }
    }

    /// Computes rank `rank` if it is missing and returns its result.
    pub fn ensure(&mut self, problem: &Problem, rank: usize) -> Option<RankResult> {
        let (single, failures) = (self.single.as_ref(), &mut self.failures);
        self.curve.ensure(rank, |r| Self::compute(single, failures, problem, r))
    }

    /// Computes up to `count` missing ranks (lowest first); returns how many are still missing.
    pub fn advance(&mut self, problem: &Problem, count: usize) -> usize {
        let (single, failures) = (self.single.as_ref(), &mut self.failures);
        self.curve.advance(count, |r| Self::compute(single, failures, problem, r))
    }

    /// How many ranks are still missing.
    pub fn remaining(&self) -> usize {
        self.curve.remaining()
    }

    /// The computed results, in rank order.
    pub fn computed(&self) -> impl Iterator<Item = &RankResult> {
        self.curve.computed()
    }

    /// The computed ranks at which the construction cannot be used, in order.
    pub fn failed_ranks(&self) -> Vec<usize> {
        self.failures.keys().copied().collect()
    }

    /// The verdict at `rank`, decided from the measured errors (`None` until computed).
    pub fn verdict(&self, rank: usize) -> Option<Verdict> {
        let row = self.curve.get(rank)?;
        Some(match row.mse_calibration {
            None => Verdict::Unusable,
            Some(cal) if cal <= self.exact_tolerance() => Verdict::Exact,
            Some(_) if rank >= self.threshold => Verdict::Inexact,
            Some(_) => Verdict::Approximate,
        })
    }

    /// The live check for rank `rank`.
    pub fn live_check(&self, rank: usize, depth: usize, target_depth: usize) -> String {
        let m = depth / target_depth.max(1);
        let (Some(row), Some(verdict)) = (self.curve.get(rank), self.verdict(rank)) else { return String::new() };
        let head = format!(
            "M = ⌊L/L̄⌋ = ⌊{depth}/{target_depth}⌋ = {m}, so the threshold is ⌈max_i rank(E_i)/M⌉ = ⌈{}/{m}⌉ = {}",
            self.group_ranks.iter().max().copied().unwrap_or(0),
            self.threshold
        );
        let (Some(test), Some(cal), Some(outside)) = (row.mse_test, row.mse_calibration, row.outside) else {
            let why = self.failures.get(&rank).map_or_else(String::new, ToString::to_string);
            return format!("{head}; at R = {rank} the construction cannot be used: {why}.");
        };
        let tolerance = self.exact_tolerance();
        let test_words = if outside > 0 {
            format!(
                "{} on fresh test inputs ({outside} of which drive some inner ReLU below zero: the biases are sized on the calibration batch only)",
                number(test)
            )
        } else {
            format!("{} on fresh test inputs", number(test))
        };
        let verdict = match verdict {
            Verdict::Exact => format!(
                "R = {rank} {} on the calibration batch: the construction's MSE there is {}, within the exactness tolerance {} (10⁻¹² of the target's mean square output before any final ReLU); it is {test_words} ✔",
                if rank >= self.threshold {
                    format!("≥ {}: every group matches its target layer exactly", self.threshold)
                } else {
                    format!("< {}, yet the construction is exact", self.threshold)
                },
                number(cal),
                number(tolerance)
            ),
            Verdict::Inexact => format!(
                "R = {rank} ≥ {}, so in exact arithmetic every group matches its target layer, but in floating point the construction's MSE on the calibration batch is {}, above the exactness tolerance {} (10⁻¹² of the target's mean square output before any final ReLU); {test_words} ✘",
                self.threshold,
                number(cal),
                number(tolerance)
            ),
            Verdict::Approximate | Verdict::Unusable => {
                let groups = self.exact_groups(rank);
                let bound = match (row.bound, row.bound_test) {
                    (Some(b), Some(on_test)) => format!(
                        ", {} the L̄ = 1 bound: {} on these inputs, {} in expectation",
                        if within_bound(test, on_test, self.target_mean_square) { "within" } else { "above" },
                        number(on_test),
                        number(b)
                    ),
                    _ => String::new(),
                };
                let outside_words = if outside > 0 {
                    format!(
                        " ({outside} of them drive some inner ReLU below zero: the biases are sized on the calibration batch only{})",
                        if row.bound.is_some() { ", and the bound assumes every inner ReLU stays linear" } else { "" }
                    )
                } else {
                    String::new()
                };
                format!(
                    "R = {rank} < {}: {groups}; the construction's MSE on fresh test inputs is {}{outside_words}{bound}",
                    self.threshold,
                    number(test)
                )
            }
        };
        format!("{head}. {verdict}.")
    }

    /// Which groups R·|P_i| ≥ rank(E_i) lets match their target layer, in words.
    fn exact_groups(&self, rank: usize) -> String {
        let exact: Vec<usize> = self
            .group_sizes
            .iter()
            .zip(&self.group_ranks)
            .enumerate()
            .filter(|(_, (&s, &r))| rank * s >= r)
            .map(|(i, _)| i + 1)
            .collect();
        if exact.is_empty() {
            "R·|P_i| < rank(E_i) for every group, so no group can match its target layer".to_owned()
        } else {
            format!(
                "R·|P_i| ≥ rank(E_i) only for group{} {}, so only {} can match {} target layer",
                if exact.len() > 1 { "s" } else { "" },
                exact.iter().map(usize::to_string).collect::<Vec<_>>().join(", "),
                if exact.len() > 1 { "those" } else { "that one" },
                if exact.len() > 1 { "their" } else { "its" }
            )
        }
    }
}

/// What the measured errors say at one rank.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The calibration MSE is within `exact_tolerance`.
    Exact,
    /// At or above the threshold, yet the calibration MSE exceeds the tolerance (rounding).
    Inexact,
    /// Below the threshold: a quantified error.
    Approximate,
    /// The construction cannot be used (`Analysis::failures` says why).
    Unusable,
}
