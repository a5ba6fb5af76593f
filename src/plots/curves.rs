//! A curve figure shared by every lesson: series on a linear x-axis and a linear or log y-axis,
//! dashed vertical reference lines labelled on the plot (thresholds), a solid marker for the
//! current setting, and a legend. Every series has a colour and a second encoding (dash or marker).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub use super::curve_figure::{power_position, prefix_position, CurveFigure, Mark, Marker, Series, XAxis};
use super::legend::{self, Corner, Swatch};
use super::readout::{Readouts, What};
use super::rich;
use super::style::{okabe_ito, plot_error, PlotError, Theme};
use crate::lessons::format::{number, superscript};

/// Draws a curve figure into `area`. A log y-axis is drawn as a linear axis over log₁₀ y (one
/// coordinate system for both kinds, so the page carries one copy of the drawing code), labelled
/// with the values themselves.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    figure: &CurveFigure,
    theme: &Theme,
    readouts: &mut Readouts,
) -> Result<(), PlotError> {
    area.fill(&theme.background()).map_err(plot_error)?;
    // The title is drawn first, so that building the chart below draws nothing: it can be built
    // again with more room at the top when the legend finds no free corner.
    let body = rich::titled(area, &figure.title, theme)?;
    let (floor, top) = figure.y_range();
    let log = figure.log_y;
    // Where a value sits on the axis (values below the log axis's floor are drawn on it).
    let to_axis = move |y: f64| if log { y.max(floor).log10() } else { y };
    let build = |axis_top: f64| {
        ChartBuilder::on(&body)
            .margin(theme.px(10.0))
            // Room for half of the last tick label ("5000") right of the axis's end.
            .margin_right(theme.px(20.0))
            .x_label_area_size(theme.px(44.0))
            .y_label_area_size(theme.px(64.0))
            .build_cartesian_2d(figure.x_range.0..figure.x_range.1, to_axis(floor)..axis_top)
            .map_err(plot_error)
    };
    let mut chart = build(to_axis(top))?;
    // The legend takes the first corner that hides no plotted point, line or label; when none is
    // free, the y-axis grows at the top by the legend's height and the legend sits in that band.
    let entries = legend_entries(figure);
    let plot = plot_size(&chart);
    let legend = legend::measure_within(&body, &entries, theme, plot.0 - 2 * theme.offset(8.0));
    let preferred = if figure.legend_lower_left { Corner::LowerLeft } else { Corner::UpperRight };
    let occupied = occupied_pixels(&chart, &body, figure, theme, floor, &to_axis);
    let origin = match legend::free_corner(&occupied, legend.size, plot, preferred, theme) {
        Some(corner) => legend::corner_origin(corner, legend.size, plot, theme),
        None => {
            let (bottom, data_top) = (to_axis(floor), to_axis(top));
            let room = f64::from(legend.size.1 + 2 * theme.offset(10.0));
            let raised = data_top + (data_top - bottom) * room / (f64::from(plot.1) - room).max(1.0);
            chart = build(raised)?;
            legend::corner_origin(Corner::UpperRight, legend.size, plot_size(&chart), theme)
        }
    };
    let plot_width = f64::from(plot_size(&chart).0) / theme.scale;
    let mut mesh = chart.configure_mesh();
    style_mesh(&mut mesh, figure, theme, plot_width);
    // One label format per axis. A log axis over two decades or more is labelled at whole powers
    // of ten only, as 10⁻⁶ (at most ten labels: steps of 1 or 2); a shorter one with every label
    // as the value itself (four digits).
    let decades = to_axis(top) - to_axis(floor);
    let powers = log && decades >= 2.0;
    if log {
        mesh.y_labels((decades.ceil() as usize + 1).clamp(3, 10));
    }
    let label = |v: &f64| match (log, powers, (v - v.round()).abs() < 1e-9) {
        (true, true, true) => format!("10{}", superscript(v.round() as i64)),
        (true, true, false) => String::new(),
        (true, false, _) => number(10f64.powf(*v)),
        (false, _, _) => number(*v),
    };
    mesh.y_label_formatter(&label).draw().map_err(plot_error)?;
    rich::axis_labels(&body, chart.plotting_area().get_pixel_range(), &figure.x_label, &figure.y_label, theme)?;
    draw_content(&mut chart, figure, theme, floor, to_axis)?;
    read_points(&chart, area.get_base_pixel(), figure, &to_axis, readouts);
    legend::draw_at(&chart.plotting_area().strip_coord_spec(), &legend, origin, theme)
}

/// Records where every finite point of every series with a legend entry is drawn.
fn read_points<DB: DrawingBackend, CT: plotters::coord::CoordTranslate<From = (f64, f64)>>(
    chart: &ChartContext<'_, DB, CT>,
    base: (i32, i32),
    figure: &CurveFigure,
    to_axis: &impl Fn(f64) -> f64,
    readouts: &mut Readouts,
) {
    for (series, s) in figure.series.iter().enumerate().filter(|(_, s)| !s.label.is_empty()) {
        for (index, &(x, y)) in s.points.iter().enumerate().filter(|(_, p)| p.1.is_finite()) {
            readouts.push(chart.as_coord_spec().translate(&(x, to_axis(y))), base, What::Point { series, index });
        }
    }
}

/// The plotting area's size in pixels.
fn plot_size<DB: DrawingBackend, CT: plotters::coord::CoordTranslate>(chart: &ChartContext<'_, DB, CT>) -> (i32, i32) {
    let (x, y) = chart.plotting_area().get_pixel_range();
    (x.end - x.start, y.end - y.start)
}

/// The pixels (relative to the plotting area) that the figure's points, lines, reference lines
/// and labels cover: lines sampled every few pixels, labels as their boxes.
fn occupied_pixels<DB: DrawingBackend, CT: plotters::coord::CoordTranslate<From = (f64, f64)>>(
    chart: &ChartContext<'_, DB, CT>,
    body: &DrawingArea<DB, Shift>,
    figure: &CurveFigure,
    theme: &Theme,
    floor: f64,
    to_axis: &impl Fn(f64) -> f64,
) -> Vec<(i32, i32)> {
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    let pixel = |x: f64, y: f64| {
        let (px, py) = chart.as_coord_spec().translate(&(x, y));
        (px - xs.start, py - ys.start)
    };
    let step = theme.offset(3.0).max(1);
    let mut occupied = Vec::new();
    let segment = |a: (i32, i32), b: (i32, i32), out: &mut Vec<(i32, i32)>| {
        let n = ((b.0 - a.0).abs().max((b.1 - a.1).abs()) / step).max(1);
        for i in 0..=n {
            out.push((a.0 + (b.0 - a.0) * i / n, a.1 + (b.1 - a.1) * i / n));
        }
    };
    for series in &figure.series {
        let points: Vec<(i32, i32)> =
            series.points.iter().filter(|p| p.1.is_finite()).map(|&(x, y)| pixel(x, to_axis(y))).collect();
        let joined = !matches!(series.mark, Mark::Circles | Mark::Squares);
        for (i, &p) in points.iter().enumerate() {
            occupied.push(p);
            if joined && i > 0 {
                segment(points[i - 1], p, &mut occupied);
            }
        }
    }
    let (bottom, top) = (to_axis(floor), to_axis(figure.y_range().1));
    for marker in &figure.markers {
        segment(pixel(marker.x, bottom), pixel(marker.x, top), &mut occupied);
        // The label's box beside the line's top (drawn by `draw_content`), on either side.
        let (w, h) = rich::size(body, &marker.label, rich::Font::of(12.0), theme);
        let (lx, ly) = pixel(marker.x, top);
        for dx in (-w..=w).step_by(step as usize) {
            for dy in (0..=h).step_by(step as usize) {
                occupied.push((lx + dx, ly + dy));
            }
        }
    }
    // The note on values drawn on a log axis's floor, right-aligned just above the bottom axis.
    if figure.log_y && figure.finite_ys().any(|y| y < floor) {
        let (x0, x1) = figure.x_range;
        let (w, h) = rich::size(body, FLOOR_NOTE, rich::Font::of(11.0), theme);
        let (rx, by) = pixel(x1 - (x1 - x0) * 0.01, bottom + 0.03 * (top - bottom));
        for dx in (0..=w).step_by(step as usize) {
            for dy in (0..=h).step_by(step as usize) {
                occupied.push((rx - dx, by - dy));
            }
        }
    }
    occupied
}

/// Said on a log axis whose smallest values are drawn on its floor.
const FLOOR_NOTE: &str = "values on the bottom axis: zero to machine precision";

/// The legend's entries: every series with a label, with its swatch.
fn legend_entries(figure: &CurveFigure) -> Vec<(String, Swatch)> {
    figure.series.iter().filter(|s| !s.label.is_empty()).map(|s| (s.label.clone(), swatch(s.mark, s.color))).collect()
}

/// Whether an axis position is a whole number (the integer axes label only those).
fn whole(x: f64) -> bool {
    (x - x.round()).abs() < 1e-6
}

fn style_mesh<DB: DrawingBackend, X, Y>(
    mesh: &mut plotters::chart::MeshStyle<'_, '_, X, Y, DB>,
    figure: &CurveFigure,
    theme: &Theme,
    plot_width: f64,
) where
    X: plotters::coord::ranged1d::Ranged<ValueType = f64> + plotters::coord::ranged1d::ValueFormatter<f64>,
    Y: plotters::coord::ranged1d::Ranged<ValueType = f64> + plotters::coord::ranged1d::ValueFormatter<f64>,
{
    let span = figure.x_range.1 - figure.x_range.0;
    // Tick labels are thinned to the room they have: one per 40 CSS pixels at most (a phone's
    // plot gets a label every few ticks rather than labels running into each other).
    let room = ((plot_width / 40.0).floor() as usize).max(2);
    let ticks = |wanted: usize| wanted.min(room);
    mesh.light_line_style(TRANSPARENT)
        .bold_line_style(theme.grid())
        .axis_style(theme.foreground())
        .label_style(theme.text(12.0));
    match figure.x_axis {
        XAxis::Integer => {
            mesh.x_labels(ticks((span.round() as usize + 1).min(17))).x_label_formatter(&|x| {
                if whole(*x) {
                    format!("{}", x.round() as i64)
                } else {
                    String::new()
                }
            });
        }
        XAxis::Decimal => {
            mesh.x_labels(ticks(8)).x_label_formatter(&|x| number(*x));
        }
        XAxis::PowersOfTwo => {
            // k = 0, 1, 2, 4, …; an axis reaching past 2¹² writes every k ≥ 1 as a power of two.
            mesh.x_labels(ticks((span.round() as usize + 1).min(18)));
            if figure.x_range.1 > 13.0 {
                mesh.x_label_formatter(&|x| match x.round() as i64 {
                    _ if !whole(*x) => String::new(),
                    p if p <= 0 => "0".to_owned(),
                    p => format!("2{}", superscript(p - 1)),
                });
            } else {
                mesh.x_label_formatter(&|x| match x.round() as i64 {
                    _ if !whole(*x) => String::new(),
                    p if p <= 0 => "0".to_owned(),
                    p => format!("{}", 1i64 << (p - 1)),
                });
            }
        }
        XAxis::PowersOfTwoMinusOne => {
            // Tick j is k = 2^j − 1: 0, 1, 3, 7, 15, …; past 2¹² all written 2ʲ−1.
            mesh.x_labels(ticks((span.round() as usize + 1).min(18)));
            if figure.x_range.1 > 12.0 {
                mesh.x_label_formatter(&|x| match x.round().max(0.0) as i64 {
                    _ if !whole(*x) => String::new(),
                    0 => "0".to_owned(),
                    j => format!("2{}−1", superscript(j)),
                });
            } else {
                mesh.x_label_formatter(&|x| match x.round().max(0.0) as i64 {
                    _ if !whole(*x) => String::new(),
                    j => format!("{}", (1i64 << j) - 1),
                });
            }
        }
    }
}

fn draw_content<'a, DB: DrawingBackend + 'a, CT>(
    chart: &mut ChartContext<'a, DB, CT>,
    figure: &CurveFigure,
    theme: &Theme,
    floor: f64,
    to_axis: impl Fn(f64) -> f64,
) -> Result<(), PlotError>
where
    CT: plotters::coord::CoordTranslate<From = (f64, f64)>,
{
    let (x0, x1) = figure.x_range;
    let (bottom, top) = (to_axis(floor), to_axis(figure.y_range().1));
    let mid_height = (bottom + top) / 2.0;
    for marker in &figure.markers {
        let (style, label_y) = if marker.threshold {
            (theme.line(theme.foreground(), 1.5), top)
        } else {
            (theme.line(okabe_ito::ORANGE, 3.0), mid_height)
        };
        let line = vec![(marker.x, bottom), (marker.x, top)];
        if marker.threshold {
            chart.draw_series(DashedLineSeries::new(line, theme.px(6.0), theme.px(4.0), style)).map_err(plot_error)?;
        } else {
            chart.draw_series(LineSeries::new(line, style)).map_err(plot_error)?;
        }
        // The label goes right of its line where it fits there, else on the side with more room,
        // in smaller type (down to 9 px) when it fits neither (a phone's plot is narrow).
        let area = chart.plotting_area().strip_coord_spec();
        let (width_px, _) = area.dim_in_pixel();
        let line_px = chart.as_coord_spec().translate(&(marker.x, top)).0 - area.get_base_pixel().0;
        let label_px = rich::size(&area, &marker.label, rich::Font::of(12.0), theme).0 + theme.offset(6.0);
        let (room_right, room_left) = (width_px as i32 - line_px, line_px);
        let right = label_px <= room_right || room_right >= room_left;
        let room = if right { room_right } else { room_left };
        let css = if label_px <= room { 12.0 } else { (12.0 * f64::from(room) / f64::from(label_px)).clamp(9.0, 12.0) };
        let font = rich::Font::of(css);
        let offset = (x1 - x0) * 0.008;
        let (x, h) = if right { (marker.x + offset, HPos::Left) } else { (marker.x - offset, HPos::Right) };
        // A threshold's label hangs from the top of its line; the current setting's sits at mid-height.
        let (base_x, base_y) = area.get_base_pixel();
        let (px, py) = chart.as_coord_spec().translate(&(x, label_y));
        let drop = if marker.threshold { rich::size(&area, &marker.label, font, theme).1 / 2 } else { 0 };
        rich::draw(&area, &marker.label, (px - base_x, py - base_y + drop), h, font, theme)?;
    }
    for series in &figure.series {
        let points: Vec<(f64, f64)> =
            series.points.iter().filter(|p| p.1.is_finite()).map(|&(x, y)| (x, to_axis(y))).collect();
        let color = series.color;
        let width = theme.px(2.0);
        let marker_size = theme.px(4.5);
        match series.mark {
            Mark::Line => chart.draw_series(LineSeries::new(points, color.stroke_width(width))),
            Mark::Dashed => chart.draw_series(DashedLineSeries::new(
                points,
                theme.px(8.0),
                theme.px(5.0),
                color.stroke_width(width),
            )),
            Mark::ThinDashed => chart.draw_series(DashedLineSeries::new(
                points,
                theme.px(4.0),
                theme.px(4.0),
                color.stroke_width(theme.px(1.0)),
            )),
            Mark::Circles => {
                chart.draw_series(points.into_iter().map(|p| Circle::new(p, marker_size, color.stroke_width(width))))
            }
            Mark::LineCircles => {
                chart.draw_series(LineSeries::new(points.clone(), color.stroke_width(width))).map_err(plot_error)?;
                chart.draw_series(points.into_iter().map(|p| Circle::new(p, marker_size, color.stroke_width(width))))
            }
            Mark::LineSquares | Mark::Squares => {
                // Filled squares on a line, or hollow squares alone (one drawing path for both).
                let style = if series.mark == Mark::Squares {
                    color.stroke_width(width)
                } else {
                    chart
                        .draw_series(LineSeries::new(points.clone(), color.stroke_width(width)))
                        .map_err(plot_error)?;
                    color.filled()
                };
                let half = theme.offset(3.5);
                chart.draw_series(
                    points
                        .into_iter()
                        .map(move |p| EmptyElement::at(p) + Rectangle::new([(-half, -half), (half, half)], style)),
                )
            }
        }
        .map_err(plot_error)?;
    }
    let below_floor = figure.log_y && figure.finite_ys().any(|y| y < floor);
    if below_floor {
        chart
            .draw_series(std::iter::once(Text::new(
                FLOOR_NOTE,
                (x1 - (x1 - x0) * 0.01, bottom + 0.03 * (top - bottom)),
                theme.text(11.0).pos(Pos::new(HPos::Right, VPos::Bottom)),
            )))
            .map_err(plot_error)?;
    }
    Ok(())
}

/// The legend's swatch for a series: its colour and its second encoding.
fn swatch(mark: Mark, color: RGBColor) -> Swatch {
    match mark {
        Mark::Line => Swatch::Line(color),
        Mark::Dashed | Mark::ThinDashed => Swatch::Dashed(color),
        Mark::Circles | Mark::LineCircles => Swatch::Circle(color),
        Mark::LineSquares => Swatch::Square(color),
        Mark::Squares => Swatch::HollowSquare(color),
    }
}
