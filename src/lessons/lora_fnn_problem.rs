//! The ReLU lesson's checked `Problem` and its gate: raw networks and inputs (JSON) → square
//! layers of one width, one bias per layer, L ≥ L̄, finite inputs of the right size, inside the
//! lesson's numerical domain.

use crate::lessons::input::{self, InputError};
use crate::linalg::{Matrix, Vector};
use crate::lora::fnn::Fnn;

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
