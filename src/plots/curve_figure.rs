//! What a curve figure shows: its series (each with a colour and a second encoding, a dash or a
//! marker), its vertical reference lines and current-setting marker, and its x-axis (linear, or
//! positions of powers of two). The drawing is in `curves`, which re-exports these.

use plotters::style::RGBColor;

/// How a series is drawn (the redundant, colour-independent encoding).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// Solid line.
    Line,
    /// Dashed line.
    Dashed,
    /// Hollow circles, no line.
    Circles,
    /// Hollow squares, no line.
    Squares,
    /// Solid line with filled squares.
    LineSquares,
    /// Solid line with hollow circles.
    LineCircles,
    /// Thin dashed line (a companion line, e.g. ±2 standard errors).
    ThinDashed,
}

/// One plotted series.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Machine name used in CSV exports (e.g. `optimal_frobenius_sq`).
    pub key: &'static str,
    /// Legend text.
    pub label: String,
    /// Points (x, y); on a log axis non-positive y are drawn on the floor.
    pub points: Vec<(f64, f64)>,
    /// Colour (Okabe–Ito).
    pub color: RGBColor,
    /// Second encoding.
    pub mark: Mark,
}

/// A vertical reference line.
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    /// Machine name used in CSV exports (e.g. `threshold_rank`).
    pub key: &'static str,
    /// Where.
    pub x: f64,
    /// Text drawn beside it on the plot.
    pub label: String,
    /// Dashed black threshold (true) or solid orange current setting (false).
    pub threshold: bool,
}

/// What a curve figure shows.
#[derive(Clone, Debug, PartialEq)]
pub struct CurveFigure {
    /// Title drawn above the plot.
    pub title: String,
    /// x-axis description.
    pub x_label: String,
    /// y-axis description.
    pub y_label: String,
    /// x-axis range.
    pub x_range: (f64, f64),
    /// Log-scale y-axis.
    pub log_y: bool,
    /// A y-axis range shared with other panels (small multiples compared by eye); `None`: fitted
    /// to this figure's data.
    pub y_span: Option<(f64, f64)>,
    /// The series.
    pub series: Vec<Series>,
    /// Vertical reference lines.
    pub markers: Vec<Marker>,
    /// Legend in the lower left (true) or upper right (false).
    pub legend_lower_left: bool,
    /// How the x-axis is labelled.
    pub x_axis: XAxis,
}

/// How the x-axis is labelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XAxis {
    /// Whole numbers (ranks).
    Integer,
    /// Numbers with four significant digits (steps, parameter counts).
    Decimal,
    /// Positions 0, 1, 2, … standing for k = 0, 1, 2, 4, …, 2^(x−1) (the paper's categorical k axis).
    PowersOfTwo,
    /// Positions 0, 1, 2, … standing for k = 2^x − 1 = 0, 1, 3, 7, … (Figure 4's prefix lengths).
    PowersOfTwoMinusOne,
}

impl XAxis {
    /// The value a position on this axis stands for (what the tick says and what CSV writes):
    /// k = 2^(x−1) (0 at x = 0) on `PowersOfTwo`, k = 2^x − 1 on `PowersOfTwoMinusOne`, x itself
    /// otherwise.
    pub fn value(self, x: f64) -> f64 {
        match self {
            XAxis::Integer | XAxis::Decimal => x,
            XAxis::PowersOfTwo if x.round() <= 0.0 => 0.0,
            XAxis::PowersOfTwo => 2f64.powf(x - 1.0).round(),
            XAxis::PowersOfTwoMinusOne => (2f64.powf(x) - 1.0).round(),
        }
    }
}

/// The axis position of k on a `PowersOfTwo` axis: 0 for k = 0, 1 + log₂ k otherwise.
pub fn power_position(k: usize) -> f64 {
    if k == 0 {
        0.0
    } else {
        1.0 + (k as f64).log2()
    }
}

/// The axis position of k on a `PowersOfTwoMinusOne` axis: log₂(k + 1).
pub fn prefix_position(k: usize) -> f64 {
    (k as f64 + 1.0).log2()
}

impl CurveFigure {
    /// The finite y values of every series.
    pub(super) fn finite_ys(&self) -> impl Iterator<Item = f64> + '_ {
        self.series.iter().flat_map(|s| s.points.iter().map(|p| p.1)).filter(|y| y.is_finite())
    }

    /// The y-axis range: on a log axis from 1e-16 of the largest value (values below it are exact to
    /// machine precision and drawn on the floor) to above the largest.
    pub fn y_range(&self) -> (f64, f64) {
        if let Some(span) = self.y_span {
            return span;
        }
        let top = self.finite_ys().fold(0.0, f64::max);
        if self.log_y {
            let top = if top > 0.0 { top } else { 1.0 };
            let smallest = self.finite_ys().filter(|&y| y > 0.0).fold(top, f64::min);
            (smallest.max(top * 1e-16) / 3.0, top * 20.0)
        } else {
            let bottom = self.finite_ys().fold(0.0, f64::min);
            (bottom, if top > bottom { top * 1.1 } else { bottom + 1.0 })
        }
    }
}
