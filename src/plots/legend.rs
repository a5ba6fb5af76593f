//! The figures' legends, drawn by the lab rather than by plotters' series labels: plotters sizes
//! its legend with its own font measurement, which in the browser inserts styled `<span>`s into
//! the page (a forced layout per label, and refused under the lab's Content-Security-Policy).
//! Here every text size comes from the drawing backend, like every other label.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::rich;
use super::style::{plot_error, PlotError, Theme};

/// What a legend entry shows beside its label (the series' colour and second encoding).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Swatch {
    /// A short solid line.
    Line(RGBColor),
    /// A dashed line (two dashes).
    Dashed(RGBColor),
    /// A hollow circle.
    Circle(RGBColor),
    /// A filled square.
    Square(RGBColor),
    /// A hollow square (outlined bars).
    HollowSquare(RGBColor),
}

/// The corners of the plotting area a legend may take, in the order they are tried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Corner {
    /// Top right.
    UpperRight,
    /// Top left.
    UpperLeft,
    /// Bottom right.
    LowerRight,
    /// Bottom left.
    LowerLeft,
}

impl Corner {
    /// Every corner, `preferred` first, then top right, top left, bottom right, bottom left.
    pub fn in_order(preferred: Corner) -> Vec<Corner> {
        let all = [Corner::UpperRight, Corner::UpperLeft, Corner::LowerRight, Corner::LowerLeft];
        std::iter::once(preferred).chain(all.into_iter().filter(|c| *c != preferred)).collect()
    }
}

/// A legend's entries measured for one plotting area: its size and row height, in pixels.
pub struct Measured<'a> {
    entries: &'a [(String, Swatch)],
    /// Width and height of the box.
    pub size: (i32, i32),
    row: i32,
    /// The labels' type size in CSS pixels.
    css: f64,
}

/// Measures the boxed legend of `entries` with the backend's own text measurement.
pub fn measure<'a, DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    entries: &'a [(String, Swatch)],
    theme: &Theme,
) -> Measured<'a> {
    measure_at(plot, entries, theme, 12.0)
}

/// Measures the legend to fit `max_width` pixels: a legend wider than that (long labels on a
/// phone's narrow plot) is set in smaller type, down to 9 px, rather than hang over the axis.
pub fn measure_within<'a, DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    entries: &'a [(String, Swatch)],
    theme: &Theme,
    max_width: i32,
) -> Measured<'a> {
    let legend = measure_at(plot, entries, theme, 12.0);
    if legend.size.0 <= max_width || legend.size.0 <= 0 {
        return legend;
    }
    let css = (12.0 * f64::from(max_width) / f64::from(legend.size.0)).clamp(9.0, 12.0);
    measure_at(plot, entries, theme, css)
}

fn measure_at<'a, DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    entries: &'a [(String, Swatch)],
    theme: &Theme,
    css: f64,
) -> Measured<'a> {
    let sizes: Vec<(i32, i32)> =
        entries.iter().map(|(label, _)| rich::size(plot, label, rich::Font::of(css), theme)).collect();
    let (swatch, gap, pad) = (theme.offset(22.0), theme.offset(6.0), theme.offset(6.0));
    let row = sizes.iter().map(|s| s.1).max().unwrap_or(0).max(theme.offset(14.0)) + theme.offset(3.0);
    let width = swatch + gap + sizes.iter().map(|s| s.0).max().unwrap_or(0) + 2 * pad;
    let height = if entries.is_empty() { 0 } else { row * entries.len() as i32 + 2 * pad };
    Measured { entries, size: (width, height), row, css }
}

/// The top-left pixel of a legend of `size` in `corner` of a plotting area of `plot` pixels.
pub fn corner_origin(corner: Corner, size: (i32, i32), plot: (i32, i32), theme: &Theme) -> (i32, i32) {
    let margin = theme.offset(8.0);
    let right = plot.0 - size.0 - margin;
    let bottom = plot.1 - size.1 - margin;
    match corner {
        Corner::UpperRight => (right, margin),
        Corner::UpperLeft => (margin, margin),
        Corner::LowerRight => (right, bottom),
        Corner::LowerLeft => (margin, bottom),
    }
}

/// The first corner, in `Corner::in_order(preferred)`, whose legend box (grown by a few pixels)
/// holds none of the `occupied` pixels (plotted points and lines, relative to the plotting area).
pub fn free_corner(
    occupied: &[(i32, i32)],
    size: (i32, i32),
    plot: (i32, i32),
    preferred: Corner,
    theme: &Theme,
) -> Option<Corner> {
    let pad = theme.offset(3.0);
    Corner::in_order(preferred).into_iter().find(|&corner| {
        let (x0, y0) = corner_origin(corner, size, plot, theme);
        !occupied
            .iter()
            .any(|&(x, y)| x >= x0 - pad && x <= x0 + size.0 + pad && y >= y0 - pad && y <= y0 + size.1 + pad)
    })
}

/// Draws the boxed legend with its top-left corner at `origin` of `plot` (the plotting area).
pub fn draw_at<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    legend: &Measured,
    origin: (i32, i32),
    theme: &Theme,
) -> Result<(), PlotError> {
    if legend.entries.is_empty() {
        return Ok(());
    }
    let (swatch, gap, pad) = (theme.offset(22.0), theme.offset(6.0), theme.offset(6.0));
    let (x0, y0) = origin;
    let (width, height) = legend.size;
    plot.draw(&Rectangle::new([(x0, y0), (x0 + width, y0 + height)], theme.background().mix(0.9).filled()))
        .map_err(plot_error)?;
    plot.draw(&Rectangle::new([(x0, y0), (x0 + width, y0 + height)], theme.grid().stroke_width(theme.px(1.0))))
        .map_err(plot_error)?;
    for (i, (label, swatch_kind)) in legend.entries.iter().enumerate() {
        let y = y0 + pad + legend.row * i as i32 + legend.row / 2;
        let x = x0 + pad;
        draw_swatch(plot, *swatch_kind, (x, y), swatch, theme)?;
        rich::draw(
            plot,
            label,
            (x + swatch + gap, y),
            plotters::style::text_anchor::HPos::Left,
            rich::Font::of(legend.css),
            theme,
        )?;
    }
    Ok(())
}

/// Draws the entries as a boxed legend in `corner` of `plot` (the plotting area, in pixels).
pub fn draw<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    entries: &[(String, Swatch)],
    corner: Corner,
    theme: &Theme,
) -> Result<(), PlotError> {
    let legend = measure(plot, entries, theme);
    let (w, h) = plot.dim_in_pixel();
    let origin = corner_origin(corner, legend.size, (w as i32, h as i32), theme);
    draw_at(plot, &legend, origin, theme)
}

fn draw_swatch<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    swatch: Swatch,
    (x, y): (i32, i32),
    length: i32,
    theme: &Theme,
) -> Result<(), PlotError> {
    let width = theme.px(2.0);
    let half = theme.offset(5.0);
    let centre = (x + length / 2, y);
    match swatch {
        Swatch::Line(color) => plot.draw(&PathElement::new(vec![(x, y), (x + length, y)], color.stroke_width(width))),
        Swatch::Dashed(color) => {
            let dash = length * 2 / 5;
            plot.draw(&PathElement::new(vec![(x, y), (x + dash, y)], color.stroke_width(width))).and_then(|_| {
                plot.draw(&PathElement::new(vec![(x + length - dash, y), (x + length, y)], color.stroke_width(width)))
            })
        }
        Swatch::Circle(color) => plot.draw(&Circle::new(centre, theme.px(4.5), color.stroke_width(width))),
        Swatch::Square(color) => {
            plot.draw(&Rectangle::new([(centre.0 - half, y - half), (centre.0 + half, y + half)], color.filled()))
        }
        Swatch::HollowSquare(color) => plot.draw(&Rectangle::new(
            [(centre.0 - half, y - half), (centre.0 + half, y + half)],
            color.stroke_width(width),
        )),
    }
    .map_err(plot_error)
}

/// The closed outline of a diamond of half-size `half` centred at `c` (pixels).
pub fn diamond(c: (i32, i32), half: i32) -> Vec<(i32, i32)> {
    vec![(c.0, c.1 - half), (c.0 + half, c.1), (c.0, c.1 + half), (c.0 - half, c.1), (c.0, c.1 - half)]
}
