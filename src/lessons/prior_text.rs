//! A student's own prior for the risk lesson, as it travels in a link (`cp=…`): sections
//! `key:value` separated by `;`, skills separated by `/`, coordinates by `,`:
//!
//! `pi:0.3,0.7;mu:1/-1;w:-1/1;sx:1;sy:0.5;smu:0.5;sw:0.5;tmu:1;tw:1`
//!
//! `pi` are the weights π_β, `mu` and `w` the centres μ_β and w_β, `sx sy smu sw` the σ's and the
//! optional `tmu tw` the in-context task (μ*, w*; default: skill 1's centres). A prior file
//! imported on the page (the `adaptlab solve` prior JSON) is written in this form, then checked
//! here by the same gate as `adaptlab solve` (`icl_input::check_prior`), so a link and a file are
//! validated alike and every error names its field.

use super::icl_input::{check_prior, coordinates, RawPrior};
use super::input::{shortest, InputError};
use crate::icl::prior::Prior;
use crate::linalg::Vector;

/// Largest dimension and number of skills in the lesson (a block of trials stays a few ms).
pub const MAX_SIZE: usize = 16;
/// Longest link text accepted.
pub const MAX_TEXT: usize = 8192;

/// A checked custom prior with its in-context task.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomPrior {
    /// The prior.
    pub prior: Prior,
    /// μ*.
    pub task_mu: Vector,
    /// w*.
    pub task_w: Vector,
}

fn malformed(field: &str, message: String) -> InputError {
    InputError::Malformed { field: field.to_owned(), message }
}

fn numbers(field: &str, text: &str) -> Result<Vec<f64>, InputError> {
    text.split(',')
        .enumerate()
        .map(|(i, t)| {
            t.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| malformed(&format!("{field}[{i}]"), format!("'{}' is not a finite number", shown(t))))
        })
        .collect()
}

fn vectors(field: &str, text: &str) -> Result<Vec<Vec<f64>>, InputError> {
    text.split('/').enumerate().map(|(b, t)| numbers(&format!("{field}[{b}]"), t)).collect()
}

fn one(field: &str, text: &str) -> Result<f64, InputError> {
    match numbers(field, text)?.as_slice() {
        [value] => Ok(*value),
        list => Err(malformed(field, format!("needs one number, not {}", list.len()))),
    }
}

/// User text quoted in a message: at most 24 characters.
fn shown(text: &str) -> String {
    let t: String = text.chars().filter(|c| !c.is_control()).take(24).collect();
    if text.chars().count() > 24 {
        format!("{t}…")
    } else {
        t
    }
}

/// Reads and checks a custom prior from its link text.
pub fn parse(text: &str) -> Result<CustomPrior, InputError> {
    if text.len() > MAX_TEXT {
        return Err(malformed("prior", format!("is {} characters long; at most {MAX_TEXT} are read", text.len())));
    }
    let mut sections: Vec<(&str, &str)> = Vec::new();
    for part in text.split(';').filter(|p| !p.trim().is_empty()) {
        let (key, value) = part
            .split_once(':')
            .ok_or_else(|| malformed("prior", format!("'{}' is not a section key:value", shown(part))))?;
        let key = key.trim();
        if !["pi", "mu", "w", "sx", "sy", "smu", "sw", "tmu", "tw"].contains(&key) {
            return Err(malformed(
                "prior",
                format!("'{}' is not one of pi, mu, w, sx, sy, smu, sw, tmu, tw", shown(key)),
            ));
        }
        if sections.iter().any(|(k, _)| *k == key) {
            return Err(malformed(&format!("prior.{key}"), "is given twice".to_owned()));
        }
        sections.push((key, value));
    }
    let find = |key: &str| sections.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let section =
        |key: &str, name: &str| find(key).ok_or_else(|| malformed(&format!("prior.{name}"), "is missing".to_owned()));
    let raw = RawPrior {
        weights: numbers("prior.weights", section("pi", "weights")?)?,
        mu: vectors("prior.mu", section("mu", "mu")?)?,
        w: vectors("prior.w", section("w", "w")?)?,
        sigmas: [
            one("prior.sigma_x", section("sx", "sigma_x")?)?,
            one("prior.sigma_y", section("sy", "sigma_y")?)?,
            one("prior.sigma_mu", section("smu", "sigma_mu")?)?,
            one("prior.sigma_w", section("sw", "sigma_w")?)?,
        ],
    };
    if raw.weights.len() > MAX_SIZE || raw.mu.first().map_or(0, Vec::len) > MAX_SIZE {
        return Err(malformed(
            "prior",
            format!("the lesson takes at most {MAX_SIZE} skills in at most {MAX_SIZE} dimensions"),
        ));
    }
    let prior = check_prior(&raw)?;
    let dim = prior.dim();
    let task = |key: &str, name: &str, default: &Vector| match find(key) {
        Some(text) => coordinates(&format!("task.{name}"), &numbers(&format!("task.{name}"), text)?, dim),
        None => Ok(default.clone()),
    };
    let task_mu = task("tmu", "mu", &prior.mu[0])?;
    let task_w = task("tw", "w", &prior.w[0])?;
    Ok(CustomPrior { prior, task_mu, task_w })
}

/// The canonical link text (shortest decimals that read back exactly: `1e-300`, not 300 digits).
pub fn write(custom: &CustomPrior) -> String {
    let list = |v: &[f64]| v.iter().map(|&x| shortest(x)).collect::<Vec<_>>().join(",");
    let vectors = |vs: &[Vector]| vs.iter().map(|v| list(v.as_slice())).collect::<Vec<_>>().join("/");
    let p = &custom.prior;
    format!(
        "pi:{};mu:{};w:{};sx:{};sy:{};smu:{};sw:{};tmu:{};tw:{}",
        list(&p.weights),
        vectors(&p.mu),
        vectors(&p.w),
        shortest(p.sigma_x),
        shortest(p.sigma_y),
        shortest(p.sigma_mu),
        shortest(p.sigma_w),
        list(custom.task_mu.as_slice()),
        list(custom.task_w.as_slice())
    )
}

/// The canonical text of a link's custom prior, or the sentence saying what is wrong.
pub fn canonical(text: &str) -> Result<String, String> {
    parse(text).map(|c| write(&c)).map_err(|e| e.to_string())
}
