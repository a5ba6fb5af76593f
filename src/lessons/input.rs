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
    /// A number outside the range in which the lesson's mathematics stays finite in double
    /// precision (or, for sizes and work, outside what the lab computes in bounded time).
    #[error("{field}: {} is outside the allowed range {} … {}", shortest(*.value), crate::lessons::format::number(*.min), crate::lessons::format::number(*.max))]
    OutOfDomain {
        /// Path of the field.
        field: String,
        /// The value found.
        value: f64,
        /// Smallest allowed magnitude or value.
        min: f64,
        /// Largest allowed magnitude or value.
        max: f64,
    },
    /// Entries so large that the lesson's products or squares overflow double precision.
    #[error("{field}: the entries are too large for double precision: {detail}")]
    TooLarge {
        /// Path of the field.
        field: String,
        /// Which quantity overflows, its size and the limit.
        detail: String,
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

/// The shortest decimal that reads back as exactly `x`: Rust's shortest round-trip digits, written
/// plainly (`0.25`, `100`) or in exponent form (`1e150`, `1e-300`), whichever is shorter.
pub fn shortest(x: f64) -> String {
    let plain = format!("{x}");
    let exponent = format!("{x:e}");
    if exponent.len() < plain.len() {
        exponent
    } else {
        plain
    }
}

/// log₁₀ ‖M‖_F computed without overflow or underflow (scaled by the largest entry); −∞ for the
/// zero matrix. Entries must be finite.
pub fn log10_frobenius(entries: impl Iterator<Item = f64> + Clone) -> f64 {
    let largest = entries.clone().fold(0.0f64, |m, x| m.max(x.abs()));
    if largest == 0.0 {
        return f64::NEG_INFINITY;
    }
    let scaled: f64 = entries.map(|x| (x / largest).powi(2)).sum();
    largest.log10() + 0.5 * scaled.log10()
}

/// log₁₀(10^a + 10^b) without overflow (−∞ stands for a zero term).
pub fn log10_sum(a: f64, b: f64) -> f64 {
    let (large, small) = (a.max(b), a.min(b));
    if large == f64::NEG_INFINITY {
        return f64::NEG_INFINITY;
    }
    large + (1.0 + 10f64.powf(small - large)).log10()
}

/// log₁₀ of a bound on every activation of a network y ↦ W_l y + b_l applied to inputs of norm at
/// most 10^`log10_input` (a ReLU only shrinks magnitudes): y_l ≤ ‖W_l‖_F·y_{l−1} + ‖b_l‖, with each
/// layer given as (log₁₀ ‖W_l‖_F, log₁₀ ‖b_l‖).
pub fn log10_activation_bound(log10_input: f64, layers: impl Iterator<Item = (f64, f64)>) -> f64 {
    layers.fold(log10_input, |y, (weight, bias)| log10_sum(weight + y, bias))
}

/// A power of ten 10^`log10` in words: the number itself when it is a finite double, else
/// "about 10^n".
pub fn power_of_ten(log10: f64) -> String {
    let value = 10f64.powf(log10);
    if value.is_finite() && value > 0.0 {
        crate::lessons::format::number(value)
    } else {
        format!("about 10^{}", log10.round())
    }
}

/// Checks that every entry lies in −`max` … `max`: the domain in which a lesson's mathematics
/// stays finite in double precision.
pub fn within(field: &str, values: &[f64], max: f64) -> Result<(), InputError> {
    match values.iter().enumerate().find(|(_, &v)| v.is_nan() || v.abs() > max) {
        Some((i, &value)) => Err(InputError::OutOfDomain { field: format!("{field}[{i}]"), value, min: -max, max }),
        None => Ok(()),
    }
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
    fn shortest_decimals_read_back_exactly() {
        for x in [0.25, 100.0, 1e150, 1e-300, -0.0, 1.0 / 3.0, 5e-324, f64::MAX, 123456789.0] {
            assert_eq!(shortest(x).parse::<f64>().unwrap().to_bits(), x.to_bits(), "{x}");
        }
        assert_eq!(shortest(1e150), "1e150");
        assert_eq!(shortest(0.25), "0.25");
        assert_eq!(shortest(100.0), "100");
    }

    #[test]
    fn frobenius_norms_of_huge_entries_do_not_overflow() {
        let log = log10_frobenius([1e308, 1e308].into_iter());
        assert!((log - (308.0 + 0.5 * 2f64.log10())).abs() < 1e-12);
        assert_eq!(log10_frobenius([0.0, 0.0].into_iter()), f64::NEG_INFINITY);
    }

    #[test]
    fn ranges_are_enforced() {
        assert_eq!(integer_in_range("ranks[0]", 3, 0, 10), Ok(3));
        assert!(integer_in_range("ranks[0]", -1, 0, 10).is_err());
    }
}
