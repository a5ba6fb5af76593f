//! The ReLU lesson's analysis: the construction's errors at every rank R = 0..=D (filled
//! progressively), the verdict each rank's measured errors support, and the live check in words.

use std::collections::BTreeMap;

use crate::lessons::format::number;
use crate::lessons::lora_fnn_problem::Problem;
use crate::lessons::rank_slots::RankSlots;
use crate::lora::fnn::{self, FnnConstructionError};
use crate::lora::linear::Discrepancy;

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
