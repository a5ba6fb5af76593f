//! Rules every lesson's texts obey, whatever the lesson.

use adaptlab::pages::Status;

use crate::Shown;

/// Words that must never reach a student: a number that failed.
const BROKEN: [&str; 6] = ["NaN", "undefined", "null", "Infinity", "inf ", "-0 "];

/// No broken number in any text; every headline number is shown as its value to four
/// significant digits (or nothing when it has none); a ✔ only with an exact verdict's sibling
/// statuses, a ✘ never with "exact".
pub fn generic(shown: &Shown) -> Result<Vec<&'static str>, String> {
    for text in shown.texts() {
        let padded = format!("{text} ");
        if let Some(word) = BROKEN.iter().find(|w| padded.contains(*w)) {
            return Err(format!("the text shows '{}': {text}", word.trim()));
        }
        if padded.contains("-0 %") || padded.contains("−0 %") {
            return Err(format!("the text shows a negative zero: {text}"));
        }
    }
    for number in &shown.report.numbers {
        match number.value {
            None if !number.shown.is_empty() => {
                return Err(format!("{} has no value but shows '{}'", number.id, number.shown))
            }
            Some(v) => {
                let parsed: f64 = number
                    .shown
                    .parse()
                    .map_err(|_| format!("{} shows '{}', not a number", number.id, number.shown))?;
                // Four significant digits: off by at most half a unit in the fourth digit.
                if (parsed - v).abs() > 5.001e-4 * v.abs() + 1e-300 {
                    return Err(format!("{} shows {} for the value {v}", number.id, number.shown));
                }
            }
            None => {}
        }
    }
    let check = &shown.report.check;
    if check.contains('✘') && shown.report.status == Status::Exact {
        return Err("a ✘ beside the verdict 'exact'".into());
    }
    if check.contains('✔') && shown.report.status == Status::Failed {
        return Err("a ✔ beside the verdict 'failed'".into());
    }
    for ((figure, series), points) in &shown.data {
        if let Some(&(x, y)) = points.iter().find(|(x, y)| !x.is_finite() || !y.is_finite()) {
            return Err(format!("{figure}/{series} plots a non-finite point ({x}, {y})"));
        }
    }
    Ok(vec!["no broken numbers; headline numbers shown as their values"])
}

/// The first number written after `marker` in `text` (e.g. "is 0.4" after "MSE"), if any.
pub fn number_after(text: &str, marker: &str) -> Option<f64> {
    let start = text.find(marker)? + marker.len();
    let rest = &text[start..];
    let begin = rest.find(|c: char| c.is_ascii_digit() || c == '-' || c == '−')?;
    let token: String = rest[begin..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | '-' | '−' | '+'))
        .map(|c| if c == '−' { '-' } else { c })
        .collect();
    token.trim_end_matches(['.', '-', 'e']).parse().ok()
}

/// Whether `a` equals `b` as written with four significant digits.
pub fn same_shown(a: f64, b: f64) -> bool {
    (a - b).abs() <= 5.001e-4 * b.abs().max(a.abs()) + 1e-300
}

/// Every "A to B" pair in a figure's summary (the first and last value of a plotted series)
/// matches the first and last plotted points of some series of that figure. Returns how many
/// pairs were checked.
pub fn from_to_pairs_match(shown: &Shown, summary_key: &str, figure: &str) -> Result<usize, String> {
    let Some((_, text)) = shown.report.summaries.iter().find(|(k, _)| *k == summary_key) else { return Ok(0) };
    let ends: Vec<(f64, f64)> = shown
        .data
        .iter()
        .filter(|((f, _), _)| f == figure)
        .filter_map(|(_, points)| Some((points.first()?.1, points.last()?.1)))
        .collect();
    let mut checked = 0;
    for part in text.split(" from ").skip(1) {
        let Some(first) = number_after(part, "") else { continue };
        let Some(last) = number_after(part, " to ") else { continue };
        if !ends.iter().any(|&(a, b)| same_shown(first, a) && same_shown(last, b)) {
            return Err(format!(
                "{summary_key} says 'from {first} … to {last}', but no series of {figure} starts and ends there"
            ));
        }
        checked += 1;
    }
    Ok(checked)
}
