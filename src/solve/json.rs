//! Reading JSON values into the raw inputs of the lessons, with errors that name the field.
//! Only types are checked here; shapes, ranges and finiteness are the lessons' gate's job.

use serde_json::Value;

use crate::lessons::InputError;

fn malformed(field: &str, message: impl Into<String>) -> InputError {
    InputError::Malformed { field: field.to_owned(), message: message.into() }
}

/// The member `name` of the object `value` (at `path`), which must be present.
pub fn member<'a>(value: &'a Value, name: &str, path: &str) -> Result<&'a Value, InputError> {
    let field = if path.is_empty() { name.to_owned() } else { format!("{path}.{name}") };
    match value {
        Value::Object(map) => map.get(name).ok_or_else(|| malformed(&field, "is missing")),
        _ => Err(malformed(if path.is_empty() { "input" } else { path }, "must be a JSON object")),
    }
}

/// An array at `field`.
pub fn array<'a>(value: &'a Value, field: &str) -> Result<&'a Vec<Value>, InputError> {
    value.as_array().ok_or_else(|| malformed(field, format!("must be an array, found {}", kind(value))))
}

/// A number at `field`.
pub fn number(value: &Value, field: &str) -> Result<f64, InputError> {
    value.as_f64().ok_or_else(|| malformed(field, format!("must be a number, found {}", kind(value))))
}

/// A whole number at `field` (negative allowed here; ranges are checked by the gate).
pub fn integer(value: &Value, field: &str) -> Result<i64, InputError> {
    match value.as_i64() {
        Some(n) => Ok(n),
        None if value.as_u64().is_some() => Err(malformed(field, "is too large")),
        None => Err(malformed(field, format!("must be a whole number, found {}", kind(value)))),
    }
}

/// A matrix as an array of rows of numbers.
pub fn matrix(value: &Value, field: &str) -> Result<Vec<Vec<f64>>, InputError> {
    array(value, field)?
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let row_field = format!("{field}[{i}]");
            array(row, &row_field)?.iter().enumerate().map(|(j, x)| number(x, &format!("{row_field}[{j}]"))).collect()
        })
        .collect()
}

/// A short description of a JSON value's type for messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A vector of numbers.
pub fn vector(value: &Value, field: &str) -> Result<Vec<f64>, InputError> {
    array(value, field)?.iter().enumerate().map(|(i, x)| number(x, &format!("{field}[{i}]"))).collect()
}

/// A list of vectors.
pub fn vectors(value: &Value, field: &str) -> Result<Vec<Vec<f64>>, InputError> {
    array(value, field)?.iter().enumerate().map(|(i, v)| vector(v, &format!("{field}[{i}]"))).collect()
}

/// A list of matrices.
pub fn matrices(value: &Value, field: &str) -> Result<Vec<Vec<Vec<f64>>>, InputError> {
    array(value, field)?.iter().enumerate().map(|(i, m)| matrix(m, &format!("{field}[{i}]"))).collect()
}

/// A boolean.
pub fn boolean(value: &Value, field: &str) -> Result<bool, InputError> {
    value.as_bool().ok_or_else(|| malformed(field, format!("must be true or false, found {}", kind(value))))
}
