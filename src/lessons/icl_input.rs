//! The in-context-learning lessons' input gate: a prior as raw values (`RawPrior`) → a checked
//! `Prior`, and the numerical domain every σ, centre, task and query must lie in. JSON problems,
//! imported files and a link's `cp` all pass here before any number reaches `icl`.

use crate::icl::prior::Prior;
use crate::linalg::Vector;

/// A prior as raw values (from JSON or an imported file).
#[derive(Clone, Debug, Default)]
pub struct RawPrior {
    /// π_β.
    pub weights: Vec<f64>,
    /// μ_β.
    pub mu: Vec<Vec<f64>>,
    /// w_β.
    pub w: Vec<Vec<f64>>,
    /// σ_x, σ_y, σ_μ, σ_w.
    pub sigmas: [f64; 4],
}

/// Largest dimension and number of skills accepted from input.
pub const MAX_DIM: usize = 64;

/// The numerical domain of every σ (σ_x, σ_y, σ_μ, σ_w, and a label noise σ_ε up to its top):
/// 10⁻³ … 10³. With `MAX_COORDINATE`, δ_μ and δ_w stay at most 10¹², inputs below about 10⁵ and
/// S = Σ x xᵀ below about 10²² even at k = 2³⁰ in d = 64, so A = I + δ_w S, every log-weight and
/// every squared error is a finite double (far ones are about 10⁹⁰). A trial whose rounding still
/// defeats the posterior is counted as failed and its k named, never averaged (`icl::risk`).
pub const SIGMA_RANGE: (f64, f64) = (1e-3, 1e3);
/// The largest magnitude of a coordinate of μ_β, w_β, the task (μ*, w*) and a label function.
pub const MAX_COORDINATE: f64 = 1e3;

/// The gate for priors: 1..=64 skills with non-negative weights summing to 1, centres of one
/// dimension d (1..=64) with coordinates in ±`MAX_COORDINATE`, σ's in `SIGMA_RANGE`.
pub fn check_prior(raw: &RawPrior) -> Result<Prior, crate::lessons::InputError> {
    use crate::lessons::InputError;
    let m = raw.weights.len();
    if m == 0 || m > MAX_DIM {
        return Err(InputError::OutOfRange {
            field: "prior.weights".into(),
            value: m as i64,
            min: 1,
            max: MAX_DIM as i64,
        });
    }
    for (i, &p) in raw.weights.iter().enumerate() {
        if !p.is_finite() || p < 0.0 {
            return Err(InputError::Malformed {
                field: format!("prior.weights[{i}]"),
                message: format!("{p} is not a non-negative number"),
            });
        }
    }
    let total: f64 = raw.weights.iter().sum();
    if (total - 1.0).abs() > 1e-9 {
        return Err(InputError::Malformed {
            field: "prior.weights".into(),
            message: format!("the weights sum to {}, not 1", crate::lessons::format::number(total)),
        });
    }
    let dim = raw.mu.first().map_or(0, Vec::len);
    if dim == 0 || dim > MAX_DIM {
        return Err(InputError::OutOfRange {
            field: "prior.mu[0]".into(),
            value: dim as i64,
            min: 1,
            max: MAX_DIM as i64,
        });
    }
    let vectors = |name: &str, list: &[Vec<f64>]| -> Result<Vec<Vector>, InputError> {
        if list.len() != m {
            return Err(InputError::SizeMismatch { field: format!("prior.{name}"), found: list.len(), expected: m });
        }
        list.iter().enumerate().map(|(i, v)| coordinates(&format!("prior.{name}[{i}]"), v, dim)).collect()
    };
    let (mu, w) = (vectors("mu", &raw.mu)?, vectors("w", &raw.w)?);
    for (name, s) in ["sigma_x", "sigma_y", "sigma_mu", "sigma_w"].iter().zip(raw.sigmas) {
        if !(s.is_finite() && s > 0.0) {
            return Err(InputError::Malformed {
                field: format!("prior.{name}"),
                message: format!("{s} is not a positive number"),
            });
        }
        sigma(&format!("prior.{name}"), s)?;
    }
    let [sigma_x, sigma_y, sigma_mu, sigma_w] = raw.sigmas;
    Ok(Prior { weights: raw.weights.clone(), mu, w, sigma_x, sigma_y, sigma_mu, sigma_w })
}

/// Checks that a σ lies in `SIGMA_RANGE`.
pub fn sigma(field: &str, value: f64) -> Result<f64, crate::lessons::InputError> {
    let (min, max) = SIGMA_RANGE;
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(crate::lessons::InputError::OutOfDomain { field: field.to_owned(), value, min, max })
    }
}

/// A vector of dimension `dim` whose coordinates lie in ±`MAX_COORDINATE` (centres, tasks, label
/// functions, queries and context inputs).
pub fn coordinates(field: &str, values: &[f64], dim: usize) -> Result<Vector, crate::lessons::InputError> {
    let v = vector(field, values, dim)?;
    crate::lessons::input::within(field, values, MAX_COORDINATE)?;
    Ok(v)
}

/// A finite vector of dimension `dim`.
pub fn vector(field: &str, values: &[f64], dim: usize) -> Result<Vector, crate::lessons::InputError> {
    use crate::lessons::InputError;
    if values.len() != dim {
        return Err(InputError::SizeMismatch { field: field.to_owned(), found: values.len(), expected: dim });
    }
    if let Some((i, &v)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(InputError::NonFinite { field: format!("{field}[{i}]"), value: v });
    }
    Ok(Vector::from_column_slice(values))
}
