//! How numbers are written on the page, in summaries and in messages: four significant digits,
//! scientific notation for very small or large magnitudes, never "NaN".

/// Formats a number with four significant digits (e.g. `0.04123`, `3.142e-5`, `1.25e6`).
/// Non-finite values, which the lessons never produce, are written as "undefined" rather than NaN.
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return "undefined".to_owned();
    }
    if x == 0.0 {
        return "0".to_owned();
    }
    let magnitude = x.abs();
    // Whole numbers (counts, ranks, steps) are written out in full.
    if x.fract() == 0.0 && magnitude < 1e9 {
        return format!("{}", x as i64);
    }
    if !(1e-3..1e4).contains(&magnitude) {
        let text = format!("{x:.3e}");
        // Rust writes 3.142e-5; keep that form but drop trailing zeros of the mantissa.
        match text.split_once('e') {
            Some((mantissa, exponent)) => format!("{}e{exponent}", trim_zeros(mantissa)),
            None => text,
        }
    } else {
        let decimals = (3 - magnitude.log10().floor() as i32).max(0) as usize;
        trim_zeros(&format!("{x:.decimals$}")).to_owned()
    }
}

fn trim_zeros(text: &str) -> &str {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    }
}

/// Writes Σ_{i=from}^{to} σ_i² compactly: "σ_8²", "σ_7² + σ_8²" or "σ_7² + ⋯ + σ_16²" (1-based).
pub fn sigma_squared_sum(from: usize, to: usize) -> String {
    match to.saturating_sub(from) {
        0 => format!("σ{}²", subscript(from)),
        1 => format!("σ{}² + σ{}²", subscript(from), subscript(to)),
        _ => format!("σ{}² + ⋯ + σ{}²", subscript(from), subscript(to)),
    }
}

/// Unicode subscript digits for an index.
pub fn subscript(n: usize) -> String {
    n.to_string().chars().map(|c| char::from_u32(0x2080 + c.to_digit(10).unwrap_or(0)).unwrap_or(c)).collect()
}

/// Unicode superscript digits (and minus sign) for an exponent: 10⁻⁶, 2¹⁶.
pub fn superscript(n: i64) -> String {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let digits: String =
        n.unsigned_abs().to_string().chars().filter_map(|c| c.to_digit(10)).map(|d| DIGITS[d as usize]).collect();
    if n < 0 {
        format!("⁻{digits}")
    } else {
        digits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_significant_digits() {
        assert_eq!(number(0.041234), "0.04123");
        assert_eq!(number(1.0), "1");
        assert_eq!(number(123.456), "123.5");
        assert_eq!(number(3.14159e-5), "3.142e-5");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(f64::NAN), "undefined");
        assert_eq!(number(-2.5e7), "-25000000");
        assert_eq!(number(-2.5e9), "-2.5e9");
        assert_eq!(number(50_000.0), "50000");
    }

    #[test]
    fn exponents_are_superscripts() {
        assert_eq!(superscript(-16), "⁻¹⁶");
        assert_eq!(superscript(0), "⁰");
        assert_eq!(superscript(12), "¹²");
    }

    #[test]
    fn sums_of_squares_are_compact() {
        assert_eq!(sigma_squared_sum(8, 8), "σ₈²");
        assert_eq!(sigma_squared_sum(7, 8), "σ₇² + σ₈²");
        assert_eq!(sigma_squared_sum(7, 16), "σ₇² + ⋯ + σ₁₆²");
    }
}
