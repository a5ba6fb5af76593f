//! The figures' legends, drawn by the lab rather than by plotters' series labels: plotters sizes
//! its legend with its own font measurement, which in the browser inserts styled `<span>`s into
//! the page (a forced layout per label, and refused under the lab's Content-Security-Policy).
//! Here every text size comes from the drawing backend, like every other label.

use plotters::coord::Shift;
use plotters::prelude::*;

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

/// Where the legend sits inside the plotting area.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Corner {
    /// Top right.
    UpperRight,
    /// Bottom left.
    LowerLeft,
}

/// Draws the entries as a boxed legend in `corner` of `plot` (the plotting area, in pixels).
pub fn draw<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    entries: &[(String, Swatch)],
    corner: Corner,
    theme: &Theme,
) -> Result<(), PlotError> {
    if entries.is_empty() {
        return Ok(());
    }
    let font = theme.text(12.0);
    let sizes: Vec<(u32, u32)> =
        entries.iter().map(|(label, _)| plot.estimate_text_size(label, &font).unwrap_or((0, 0))).collect();
    let (swatch, gap, pad, margin) = (theme.offset(22.0), theme.offset(6.0), theme.offset(6.0), theme.offset(8.0));
    let row = sizes.iter().map(|s| s.1 as i32).max().unwrap_or(0).max(theme.offset(14.0)) + theme.offset(3.0);
    let width = swatch + gap + sizes.iter().map(|s| s.0 as i32).max().unwrap_or(0) + 2 * pad;
    let height = row * entries.len() as i32 + 2 * pad;
    let (plot_w, plot_h) = plot.dim_in_pixel();
    let (x0, y0) = match corner {
        Corner::UpperRight => (plot_w as i32 - width - margin, margin),
        Corner::LowerLeft => (margin, plot_h as i32 - height - margin),
    };
    plot.draw(&Rectangle::new([(x0, y0), (x0 + width, y0 + height)], theme.background().mix(0.9).filled()))
        .map_err(plot_error)?;
    plot.draw(&Rectangle::new([(x0, y0), (x0 + width, y0 + height)], theme.grid().stroke_width(theme.px(1.0))))
        .map_err(plot_error)?;
    for (i, (label, swatch_kind)) in entries.iter().enumerate() {
        let y = y0 + pad + row * i as i32 + row / 2;
        let x = x0 + pad;
        draw_swatch(plot, *swatch_kind, (x, y), swatch, theme)?;
        plot.draw(&Text::new(
            label.as_str(),
            (x + swatch + gap, y),
            font.clone().pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Left,
                plotters::style::text_anchor::VPos::Center,
            )),
        ))
        .map_err(plot_error)?;
    }
    Ok(())
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
