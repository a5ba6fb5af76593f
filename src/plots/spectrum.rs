//! Figure: the squared singular values of the discrepancy E as bars, the first k "absorbed by
//! the adapters" (filled) and the rest "remaining error" (hollow).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::legend::{self, Corner, Swatch};
use super::readout::{Readouts, What};
use super::rich;
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
    readouts: &mut Readouts,
) -> Result<(), PlotError> {
    area.fill(&theme.background()).map_err(plot_error)?;
    let n = data.sigma_squared.len().max(1);
    // A linear axis, so that the hollow bars' total height is the squared Frobenius error left.
    let floor = 0.0;
    // The axis spans finite values only (the lesson's gate keeps σ₁(E)² ≤ 10^300): plotters
    // builds its ticks by stepping over the range, which never ends on an infinite one.
    let largest = data.sigma_squared.iter().copied().filter(|s| s.is_finite()).fold(0.0, f64::max);
    let data_top = if largest > 0.0 { (largest * 1.15).min(f64::MAX) } else { 1.0 };
    let body = rich::titled(area, "Spectrum of the discrepancy E = W̄ − ΠW_l", theme)?;
    let build = |top: f64| {
        ChartBuilder::on(&body)
            .margin(theme.px(10.0))
            .x_label_area_size(theme.px(44.0))
            .y_label_area_size(theme.px(64.0))
            .build_cartesian_2d(0.5f64..(n as f64 + 0.5), floor..top)
            .map_err(plot_error)
    };
    let entries = [
        (format!("absorbed by the adapters ({} bars)", data.absorbed), Swatch::Square(okabe_ito::BLUE)),
        ("remaining error (hollow)".to_owned(), Swatch::HollowSquare(okabe_ito::VERMILLION)),
    ];
    let legend = legend::measure(&body, &entries, theme);
    // The boundary's label sits just above the taller of the two bars beside it.
    let boundary = data.absorbed as f64 + 0.5;
    let beside = |i: usize| data.sigma_squared.get(i).copied().unwrap_or(0.0);
    let label_y = beside(data.absorbed.saturating_sub(1)).max(beside(data.absorbed)) + 0.04 * data_top;
    let label = format!("k = {}", data.absorbed);
    let mut top = data_top;
    let mut chart = build(top)?;
    // The legend takes the top right unless a bar, the boundary or its label reaches into it; then the axis grows
    // at the top by the legend's height.
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    let plot = (xs.end - xs.start, ys.end - ys.start);
    let origin = legend::corner_origin(Corner::UpperRight, legend.size, plot, theme);
    let legend_bottom = ys.start + origin.1 + legend.size.1;
    let (label_w, label_h) = body.estimate_text_size(&label, &theme.text(12.0)).unwrap_or((0, 0));
    let reaches = |x: f64, y: f64, width_px: i32| {
        let (px, py) = chart.as_coord_spec().translate(&(x, y));
        px + width_px >= xs.start + origin.0 && py <= legend_bottom
    };
    let label_hits = reaches(boundary, label_y, label_w as i32) || reaches(boundary, label_y, -(label_w as i32));
    let bar_hits = data.sigma_squared.iter().enumerate().any(|(i, &v)| reaches(i as f64 + 1.4, v, 0));
    let line_hits = reaches(boundary, data_top, 0);
    if label_hits || bar_hits || line_hits {
        let room = f64::from(legend.size.1 + label_h as i32 + 2 * theme.offset(10.0));
        top = (data_top + data_top * room / (f64::from(plot.1) - room).max(1.0)).min(f64::MAX);
        chart = build(top)?;
    }
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(theme.grid())
        .axis_style(theme.foreground())
        .x_labels(n.min(16))
        .x_label_formatter(&|x| format!("{}", x.round() as i64))
        .y_label_formatter(&|y| number(*y))
        .label_style(theme.text(12.0))
        .draw()
        .map_err(plot_error)?;
    rich::axis_labels(
        &body,
        chart.plotting_area().get_pixel_range(),
        "index i of the singular value",
        "σ_i(E)^2",
        theme,
    )?;

    let half_width = 0.38;
    let bar = |i: usize, s: f64| {
        [(i as f64 + 1.0 - half_width, floor), (i as f64 + 1.0 + half_width, if s.is_finite() { s } else { data_top })]
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
    let dash = theme.line(theme.foreground(), 1.5);
    chart
        .draw_series(DashedLineSeries::new(
            vec![(boundary, floor), (boundary, data_top)],
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
    let style = theme
        .text(12.0)
        .pos(plotters::style::text_anchor::Pos::new(anchor, plotters::style::text_anchor::VPos::Bottom));
    chart.draw_series(std::iter::once(Text::new(label, (label_x, label_y), style))).map_err(plot_error)?;
    let base = area.get_base_pixel();
    for (i, &s) in data.sigma_squared.iter().enumerate() {
        let at = chart.as_coord_spec().translate(&(i as f64 + 1.0, if s.is_finite() { s } else { data_top }));
        readouts.push(at, base, What::Bar(i));
    }
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    let origin = legend::corner_origin(Corner::UpperRight, legend.size, (xs.end - xs.start, ys.end - ys.start), theme);
    legend::draw_at(&chart.plotting_area().strip_coord_spec(), &legend, origin, theme)
}
