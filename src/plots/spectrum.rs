//! Figure: the squared singular values of the discrepancy E as bars, the first k "absorbed by
//! the adapters" (filled) and the rest "remaining error" (hollow).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::legend::{self, Corner, Swatch};
use super::style::{okabe_ito, plot_error, PlotError, Theme};
use crate::lessons::format::number;

/// What the spectrum figure shows.
#[derive(Clone, Debug, PartialEq)]
pub struct SpectrumData {
    /// σ_i(E)², i = 1..D, descending.
    pub sigma_squared: Vec<f64>,
    /// k = min(Σ R_l, D): how many bars the adapters absorb.
    pub absorbed: usize,
    /// rank(E).
    pub rank: usize,
}

/// Draws the spectrum into `area`.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &SpectrumData,
    theme: &Theme,
) -> Result<(), PlotError> {
    area.fill(&theme.background()).map_err(plot_error)?;
    let n = data.sigma_squared.len().max(1);
    // A linear axis, so that the hollow bars' total height is the squared Frobenius error left.
    let floor = 0.0;
    // The axis spans finite values only (the lesson's gate keeps σ₁(E)² ≤ 10^300): plotters
    // builds its ticks by stepping over the range, which never ends on an infinite one.
    let largest = data.sigma_squared.iter().copied().filter(|s| s.is_finite()).fold(0.0, f64::max);
    let top = if largest > 0.0 { (largest * 1.15).min(f64::MAX) } else { 1.0 };
    let mut chart = ChartBuilder::on(area)
        .caption("Spectrum of the discrepancy E = W̄ − ΠW_l", theme.title())
        .margin(theme.px(10.0))
        .x_label_area_size(theme.px(44.0))
        .y_label_area_size(theme.px(64.0))
        .build_cartesian_2d(0.5f64..(n as f64 + 0.5), floor..top)
        .map_err(plot_error)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(theme.grid())
        .axis_style(theme.foreground())
        .x_desc("index i of the singular value")
        .y_desc("σᵢ(E)²")
        .x_labels(n.min(16))
        .x_label_formatter(&|x| format!("{}", x.round() as i64))
        .y_label_formatter(&|y| number(*y))
        .label_style(theme.text(12.0))
        .axis_desc_style(theme.text(13.0))
        .draw()
        .map_err(plot_error)?;

    let half_width = 0.38;
    let bar = |i: usize, s: f64| {
        [(i as f64 + 1.0 - half_width, floor), (i as f64 + 1.0 + half_width, if s.is_finite() { s } else { top })]
    };
    let absorbed_style = okabe_ito::BLUE.filled();
    let remaining_style = okabe_ito::VERMILLION.stroke_width(theme.px(2.0));
    chart
        .draw_series(
            data.sigma_squared
                .iter()
                .enumerate()
                .take(data.absorbed)
                .map(|(i, &s)| Rectangle::new(bar(i, s), absorbed_style)),
        )
        .map_err(plot_error)?;
    chart
        .draw_series(
            data.sigma_squared
                .iter()
                .enumerate()
                .skip(data.absorbed)
                .map(|(i, &s)| Rectangle::new(bar(i, s), remaining_style)),
        )
        .map_err(plot_error)?;

    // The boundary the student moves with R, labelled on the plot itself.
    let boundary = data.absorbed as f64 + 0.5;
    let dash = theme.line(theme.foreground(), 1.5);
    chart
        .draw_series(DashedLineSeries::new(
            vec![(boundary, floor), (boundary, top)],
            theme.px(6.0),
            theme.px(4.0),
            dash,
        ))
        .map_err(plot_error)?;
    let label_x = if data.absorbed * 2 > n { boundary - 0.2 } else { boundary + 0.2 };
    let anchor = if data.absorbed * 2 > n {
        plotters::style::text_anchor::HPos::Right
    } else {
        plotters::style::text_anchor::HPos::Left
    };
    let style =
        theme.text(12.0).pos(plotters::style::text_anchor::Pos::new(anchor, plotters::style::text_anchor::VPos::Top));
    chart
        .draw_series(std::iter::once(Text::new(format!("k = {}", data.absorbed), (label_x, top * 0.97), style)))
        .map_err(plot_error)?;

    let entries = [
        (format!("absorbed by the adapters ({} bars)", data.absorbed), Swatch::Square(okabe_ito::BLUE)),
        ("remaining error (hollow)".to_owned(), Swatch::HollowSquare(okabe_ito::VERMILLION)),
    ];
    legend::draw(&chart.plotting_area().strip_coord_spec(), &entries, Corner::UpperRight, theme)
}
