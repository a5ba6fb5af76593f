//! A student's own target and frozen matrices for the deep-linear lesson, as they travel in a
//! link (`cm=…`): matrices separated by `/` (the target W̄ first, then W_1 … W_L, W_1 applied
//! first), rows by `;`, entries by `,`. An imported file (CSV with blank lines between the
//! matrices, or the `adaptlab solve` JSON) is written in this form and checked here by the same
//! gate as `adaptlab solve` (`input::square_matrix`), so every error names its matrix and row.

use super::input::{self, InputError};
use crate::linalg::Matrix;

/// Largest width and depth carried in a link (a 16-wide model with 8 layers is about 40 KB).
pub const MAX_WIDTH: usize = 16;
/// Largest number of frozen layers.
pub const MAX_DEPTH: usize = 8;

/// Checked matrices: the target and the frozen layers, all D × D.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomModels {
    /// W̄.
    pub target: Matrix,
    /// W_1 … W_L.
    pub frozen: Vec<Matrix>,
}

fn rows(field: &str, text: &str) -> Result<Vec<Vec<f64>>, InputError> {
    text.split(';')
        .enumerate()
        .map(|(r, row)| {
            row.split(',')
                .enumerate()
                .map(|(c, t)| {
                    t.trim().parse::<f64>().ok().filter(|v| v.is_finite()).ok_or_else(|| InputError::Malformed {
                        field: format!("{field} row {r}, entry {c}"),
                        message: format!("'{}' is not a finite number", t.trim().chars().take(24).collect::<String>()),
                    })
                })
                .collect()
        })
        .collect()
}

/// Reads and checks the matrices from their link text.
pub fn parse(text: &str) -> Result<CustomModels, InputError> {
    let parts: Vec<&str> = text.split('/').collect();
    if parts.len() < 2 || parts.len() > MAX_DEPTH + 1 {
        return Err(InputError::Malformed {
            field: "matrices".into(),
            message: format!(
                "{} matrices were given; the lesson needs the target and 1 to {MAX_DEPTH} frozen layers",
                parts.len()
            ),
        });
    }
    let target = input::square_matrix("target", &rows("target", parts[0])?)?;
    let width = target.nrows();
    if !(2..=MAX_WIDTH).contains(&width) {
        return Err(InputError::OutOfRange {
            field: "target".into(),
            value: width as i64,
            min: 2,
            max: MAX_WIDTH as i64,
        });
    }
    let frozen = parts[1..]
        .iter()
        .enumerate()
        .map(|(l, part)| {
            let field = format!("frozen[{l}]");
            let w = input::square_matrix(&field, &rows(&field, part)?)?;
            if w.nrows() == width {
                Ok(w)
            } else {
                Err(InputError::SizeMismatch { field, found: w.nrows(), expected: width })
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    // The lesson's numerical domain, exactly as for `adaptlab solve`.
    super::lora_linear_problem::check_scale(&target, &frozen)?;
    Ok(CustomModels { target, frozen })
}

/// The canonical link text (shortest decimals that read back exactly: `1e150`, not 151 digits).
pub fn write(models: &CustomModels) -> String {
    let matrix = |m: &Matrix| {
        m.row_iter()
            .map(|row| row.iter().map(|&x| input::shortest(x)).collect::<Vec<_>>().join(","))
            .collect::<Vec<_>>()
            .join(";")
    };
    std::iter::once(&models.target).chain(&models.frozen).map(matrix).collect::<Vec<_>>().join("/")
}

/// The canonical text of a link's matrices, or the sentence saying what is wrong.
pub fn canonical(text: &str) -> Result<String, String> {
    parse(text).map(|m| write(&m)).map_err(|e| e.to_string())
}
