//! Reading one value of the table from text (with the repair sentences), writing it back, and
//! quoting or decoding user text safely.

use super::row::{Field, Spec, Value};

/// Parses one value for `field`; on failure reports and returns `fallback`.
pub(super) fn parse_value(field: &Field, text: &str, fallback: &Value, notices: &mut Vec<String>) -> Value {
    let key = field.key;
    match field.spec {
        Spec::Integer { min, max } => match text.trim().parse::<i64>() {
            Ok(n) => Value::Integer(clamp(key, n, min, max, notices)),
            Err(_) => {
                notices.push(format!(
                    "{key} = '{}' is not a whole number; using {key} = {}.",
                    shown(text),
                    value_text(fallback)
                ));
                fallback.clone()
            }
        },
        Spec::Choice { options, .. } => match options.iter().find(|&&o| o == text.trim()) {
            Some(&option) => Value::Choice(option),
            None => {
                notices.push(format!(
                    "{key} = '{}' is not one of {}; using {key} = {}.",
                    shown(text),
                    options.join(", "),
                    value_text(fallback)
                ));
                fallback.clone()
            }
        },
        Spec::IntegerList { min, max } => {
            if text.trim().is_empty() {
                return Value::IntegerList(Vec::new());
            }
            let parsed: Result<Vec<i64>, _> = text.split(',').map(|t| t.trim().parse::<i64>()).collect();
            match parsed {
                Ok(list) => Value::IntegerList(list.into_iter().map(|n| clamp(key, n, min, max, notices)).collect()),
                Err(_) => {
                    notices.push(format!("{key} = '{}' is not a list of whole numbers; ignoring it.", shown(text)));
                    fallback.clone()
                }
            }
        }
        Spec::Text { canonical } => {
            if text.trim().is_empty() {
                return Value::Text(String::new());
            }
            match canonical(text) {
                Ok(text) => Value::Text(text),
                Err(message) => {
                    notices.push(format!("{key}: {message}; it was not used."));
                    fallback.clone()
                }
            }
        }
        Spec::Hundredths { min, max } => match hundredths(text) {
            Some(n) => Value::Hundredths(clamp_hundredths(key, text, n, min, max, notices)),
            None => {
                notices.push(format!(
                    "{key} = '{}' is not a number; using {key} = {}.",
                    shown(text),
                    value_text(fallback)
                ));
                fallback.clone()
            }
        },
        Spec::HundredthsList { min, max } => {
            if text.trim().is_empty() {
                return Value::HundredthsList(Vec::new());
            }
            match text.split(',').map(|t| hundredths(t).map(|n| (t, n))).collect::<Option<Vec<(&str, i64)>>>() {
                Some(list) => Value::HundredthsList(
                    list.into_iter().map(|(t, n)| clamp_hundredths(key, t, n, min, max, notices)).collect(),
                ),
                None => {
                    notices.push(format!("{key} = '{}' is not a list of numbers; ignoring it.", shown(text)));
                    fallback.clone()
                }
            }
        }
    }
}

/// Clamps `n` hundredths (read from `written`) to `min..=max`; the notice quotes the number as
/// written (`1e308`, not the ±10¹² that `hundredths` bounds it to).
fn clamp_hundredths(key: &str, written: &str, n: i64, min: i64, max: i64, notices: &mut Vec<String>) -> i64 {
    if n < min || n > max {
        let bound = if n < min { min } else { max };
        let side = if n < min { "below the minimum" } else { "above the maximum" };
        notices.push(format!(
            "{key} = {} is {side} {}; using {key} = {}.",
            shown(written.trim()),
            decimal(bound),
            decimal(bound)
        ));
        bound
    } else {
        n
    }
}

/// Reads a decimal as a whole number of hundredths (`"0.305"` → 31); `None` if not a finite number.
fn hundredths(text: &str) -> Option<i64> {
    let value = text.trim().parse::<f64>().ok().filter(|v| v.is_finite())?;
    // Far beyond any range: keep the sign and let the range check report it.
    Some((value.clamp(-1e12, 1e12) * 100.0).round() as i64)
}

/// Writes hundredths as the shortest decimal (30 → "0.3", -125 → "-1.25", 200 → "2").
fn decimal(n: i64) -> String {
    let sign = if n < 0 { "-" } else { "" };
    let (whole, cents) = (n.unsigned_abs() / 100, n.unsigned_abs() % 100);
    match cents {
        0 => format!("{sign}{whole}"),
        c if c % 10 == 0 => format!("{sign}{whole}.{}", c / 10),
        c => format!("{sign}{whole}.{c:02}"),
    }
}

pub(super) fn clamp(key: &str, n: i64, min: i64, max: i64, notices: &mut Vec<String>) -> i64 {
    if n < min {
        notices.push(format!("{key} = {n} is below the minimum {min}; using {key} = {min}."));
        min
    } else if n > max {
        notices.push(format!("{key} = {n} is above the maximum {max}; using {key} = {max}."));
        max
    } else {
        n
    }
}

pub(super) fn value_text(value: &Value) -> String {
    match value {
        Value::Integer(n) => n.to_string(),
        Value::Choice(s) => (*s).to_owned(),
        Value::IntegerList(list) => list.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
        Value::Hundredths(n) => decimal(*n),
        Value::HundredthsList(list) => list.iter().map(|&n| decimal(n)).collect::<Vec<_>>().join(","),
        Value::Text(text) => text.clone(),
    }
}

/// User text quoted back in a message: at most 40 characters, control characters written as
/// escapes (`4\0`, so that "D = '4\0'" does not read as the valid "4").
pub(super) fn shown(text: &str) -> String {
    let clean: String = text
        .chars()
        .take(40)
        .map(|c| if c.is_control() { c.escape_debug().to_string() } else { c.to_string() })
        .collect();
    if text.chars().nth(40).is_some() {
        format!("{clean}…")
    } else {
        clean
    }
}

/// Decodes `%XX` escapes (and `+` as space); invalid escapes are kept literally.
pub(super) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
