//! Checks shared by every lesson's gate: raw nested vectors become matrices, or an error that
//! names the offending field and value.

use crate::linalg::Matrix;

/// Largest matrix width accepted from any input (the page itself stops at 64; the command line
/// allows larger problems, up to a size that still finishes in seconds).
pub const MAX_INPUT_WIDTH: usize = 1024;

/// A rejected input. Every message names the field (a JSON path such as `frozen[1][2][0]`) and the value.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum InputError {
    /// A field is missing or has the wrong JSON type.
    #[error("{field}: {message}")]
    Malformed {
        /// Path of the field.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// A matrix has no rows.
    #[error("{field}: the matrix is empty")]
    Empty {
        /// Path of the field.
        field: String,
    },
    /// A row's length differs from the first row's.
    #[error("{field}: row {row} has {found} entries but row 0 has {expected} (ragged matrix)")]
    Ragged {
        /// Path of the matrix.
        field: String,
        /// 0-based row index.
        row: usize,
        /// Entries in that row.
        found: usize,
        /// Entries in row 0.
        expected: usize,
    },
    /// A matrix that must be square is not.
    #[error("{field}: the matrix is {rows}×{cols} but must be square")]
    NotSquare {
        /// Path of the matrix.
        field: String,
        /// Rows found.
        rows: usize,
        /// Columns found.
        cols: usize,
    },
    /// Sizes of related inputs disagree.
    #[error("{field}: size {found} does not match {expected}")]
    SizeMismatch {
        /// Path of the field.
        field: String,
        /// Size found.
        found: usize,
        /// Size required.
        expected: usize,
    },
    /// A number is NaN or infinite.
    #[error("{field}: {value} is not a finite number")]
    NonFinite {
        /// Path of the entry.
        field: String,
        /// The value found.
        value: f64,
    },
    /// An integer is outside its allowed range.
    #[error("{field}: {value} is outside the allowed range {min}..={max}")]
    OutOfRange {
        /// Path of the field.
        field: String,
        /// The value found.
        value: i64,
        /// Smallest allowed value.
        min: i64,
        /// Largest allowed value.
        max: i64,
    },
}

/// Turns rows of numbers into a square matrix, checking emptiness, raggedness, squareness,
/// the size limit and finiteness.
pub fn square_matrix(field: &str, rows: &[Vec<f64>]) -> Result<Matrix, InputError> {
    let Some(first) = rows.first() else {
        return Err(InputError::Empty { field: field.to_owned() });
    };
    let cols = first.len();
    for (row, entries) in rows.iter().enumerate() {
        if entries.len() != cols {
            return Err(InputError::Ragged { field: field.to_owned(), row, found: entries.len(), expected: cols });
        }
        for (col, &value) in entries.iter().enumerate() {
            if !value.is_finite() {
                return Err(InputError::NonFinite { field: format!("{field}[{row}][{col}]"), value });
            }
        }
    }
    if rows.len() != cols {
        return Err(InputError::NotSquare { field: field.to_owned(), rows: rows.len(), cols });
    }
    if cols > MAX_INPUT_WIDTH {
        return Err(InputError::OutOfRange {
            field: field.to_owned(),
            value: cols as i64,
            min: 1,
            max: MAX_INPUT_WIDTH as i64,
        });
    }
    Ok(Matrix::from_fn(cols, cols, |i, j| rows[i][j]))
}

/// Checks that an integer lies in `min..=max` and converts it.
pub fn integer_in_range(field: &str, value: i64, min: i64, max: i64) -> Result<usize, InputError> {
    if (min..=max).contains(&value) {
        usize::try_from(value).map_err(|_| InputError::OutOfRange { field: field.to_owned(), value, min, max })
    } else {
        Err(InputError::OutOfRange { field: field.to_owned(), value, min, max })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ragged_rows_are_named() {
        let err = square_matrix("target", &[vec![1.0, 2.0], vec![3.0]]).unwrap_err();
        assert_eq!(err.to_string(), "target: row 1 has 1 entries but row 0 has 2 (ragged matrix)");
    }

    #[test]
    fn non_square_and_non_finite_are_rejected() {
        assert!(matches!(square_matrix("m", &[vec![1.0, 2.0]]), Err(InputError::NotSquare { .. })));
        let err = square_matrix("m", &[vec![1.0, f64::NAN], vec![0.0, 1.0]]).unwrap_err();
        assert!(err.to_string().starts_with("m[0][1]:"));
        assert!(matches!(square_matrix("m", &[]), Err(InputError::Empty { .. })));
    }

    #[test]
    fn ranges_are_enforced() {
        assert_eq!(integer_in_range("ranks[0]", 3, 0, 10), Ok(3));
        assert!(integer_in_range("ranks[0]", -1, 0, 10).is_err());
    }
}
