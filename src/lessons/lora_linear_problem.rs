//! The linear lesson's gate: raw nested numbers (JSON, a link's `cm`, an imported file) → a
//! checked `Problem` of square matrices of one width, inside the lesson's numerical domain.

use crate::lessons::input::{self, InputError};
use crate::linalg::Matrix;

/// Largest number of layers accepted from JSON.
pub const MAX_INPUT_DEPTH: usize = 64;
/// The lesson's numerical domain: ‖W̄‖_F + ‖W_L‖_F⋯‖W_1‖_F at most 10^150. By the triangle
/// inequality and submultiplicativity this bounds ‖ΠW_l‖_F and ‖E‖_F, so σ₁(E)² ≤ ‖E‖_F² ≤ 10^300
/// and every optimum, spectrum bar and live-check number (sums of σ_i²) is finite in f64.
pub const MAX_LOG10_SCALE: f64 = 150.0;

/// A linear-LoRA problem as raw nested numbers (from JSON or an imported file).
#[derive(Clone, Debug, Default)]
pub struct RawProblem {
    /// W̄ as rows.
    pub target: Vec<Vec<f64>>,
    /// W_1..W_L as rows each, `frozen[0]` applied first.
    pub frozen: Vec<Vec<Vec<f64>>>,
    /// One rank per layer.
    pub ranks: Vec<i64>,
}

/// A checked problem: square matrices of one width D, at least one layer, one rank per layer.
#[derive(Clone, Debug)]
pub struct Problem {
    /// W̄ (D×D).
    pub target: Matrix,
    /// W_1..W_L (each D×D).
    pub frozen: Vec<Matrix>,
    /// R_1..R_L.
    pub ranks: Vec<usize>,
}

impl Problem {
    /// Width D.
    pub fn width(&self) -> usize {
        self.target.nrows()
    }
    /// Depth L.
    pub fn depth(&self) -> usize {
        self.frozen.len()
    }
}

/// The validation gate for raw matrices: square, same width, finite, 1..=64 layers, one
/// non-negative rank per layer (ranks above D are allowed and act as D).
pub fn check_problem(raw: &RawProblem) -> Result<Problem, InputError> {
    let target = input::square_matrix("target", &raw.target)?;
    let width = target.nrows();
    if raw.frozen.is_empty() || raw.frozen.len() > MAX_INPUT_DEPTH {
        return Err(InputError::OutOfRange {
            field: "frozen".into(),
            value: raw.frozen.len() as i64,
            min: 1,
            max: MAX_INPUT_DEPTH as i64,
        });
    }
    let frozen = raw
        .frozen
        .iter()
        .enumerate()
        .map(|(l, rows)| {
            let field = format!("frozen[{l}]");
            let w = input::square_matrix(&field, rows)?;
            if w.nrows() == width {
                Ok(w)
            } else {
                Err(InputError::SizeMismatch { field, found: w.nrows(), expected: width })
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    if raw.ranks.len() != frozen.len() {
        return Err(InputError::SizeMismatch { field: "ranks".into(), found: raw.ranks.len(), expected: frozen.len() });
    }
    let ranks = raw
        .ranks
        .iter()
        .enumerate()
        .map(|(l, &r)| input::integer_in_range(&format!("ranks[{l}]"), r, 0, i64::from(u32::MAX)))
        .collect::<Result<Vec<_>, _>>()?;
    check_scale(&target, &frozen)?;
    Ok(Problem { target, frozen, ranks })
}

/// The domain check shared by every input of the lesson (JSON, a link's `cm`, an imported file):
/// ‖W̄‖_F + ‖W_L‖_F⋯‖W_1‖_F ≤ 10^`MAX_LOG10_SCALE`, computed in log₁₀ so that it cannot overflow.
/// The error names the larger of the two terms (`target` or `frozen`).
pub fn check_scale(target: &Matrix, frozen: &[Matrix]) -> Result<(), InputError> {
    let target_log = input::log10_frobenius(target.iter().copied());
    let frozen_log: f64 = frozen.iter().map(|w| input::log10_frobenius(w.iter().copied())).sum();
    if input::log10_sum(target_log, frozen_log) <= MAX_LOG10_SCALE {
        return Ok(());
    }
    let limit = format!("10^{MAX_LOG10_SCALE}, beyond which σ₁(E)² may overflow; scale the matrices down");
    Err(if frozen_log >= target_log {
        InputError::TooLarge {
            field: "frozen".into(),
            detail: format!(
                "‖W_1‖_F ⋯ ‖W_L‖_F = {}, a bound on the frozen product ΠW_l, exceeds {limit}",
                input::power_of_ten(frozen_log)
            ),
        }
    } else {
        InputError::TooLarge {
            field: "target".into(),
            detail: format!("‖W̄‖_F = {} exceeds {limit}", input::power_of_ten(target_log)),
        }
    })
}
