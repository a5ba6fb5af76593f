//! Figure of the one-prompt lesson: the prompt itself in input space. The examples' inputs x_i
//! (a filled orange square for a label y_i ≥ 0, a hollow blue circle for y_i < 0), the query
//! x_{k+1}, the mean x̄ of all k + 1 inputs, and each skill's input cluster: its mean μ_β with a
//! circle of one standard deviation √(σ_x² + σ_μ²) of its inputs. For d > 2 two of the input
//! coordinates are shown (`lessons::icl_prompt::view_axes`; the axes say which). Both axes have
//! the same scale, so the circles are round.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::legend::{self, Corner, Swatch};
use super::readout::{Readouts, What};
use super::style::{okabe_ito, plot_error, PlotError, Theme};
use crate::lessons::format::{number, subscript};

/// The skills' colours, as in the weights figure.
const SKILL_COLOURS: [RGBColor; 4] = [okabe_ito::VERMILLION, okabe_ito::BLUE, okabe_ito::GREEN, okabe_ito::PURPLE];
/// The skills' names on the plot.
const SKILL_NAMES: [&str; 4] = ["μ₁", "μ₂", "μ₃", "μ₄"];
/// Examples with a label y ≥ 0 (filled squares) and y < 0 (hollow circles).
const POSITIVE: RGBColor = okabe_ito::ORANGE;
const NEGATIVE: RGBColor = okabe_ito::SKY_BLUE;

/// What the prompt figure shows (first two input coordinates).
#[derive(Clone, Debug, PartialEq)]
pub struct PromptPlane {
    /// Dimension d of the inputs.
    pub dim: usize,
    /// The two input coordinates shown (0-based): (0, 1) when d = 2.
    pub axes: (usize, usize),
    /// The examples shown: (x₁, x₂, y).
    pub examples: Vec<(f64, f64, f64)>,
    /// The query x_{k+1}.
    pub query: (f64, f64),
    /// The mean x̄ of the k examples' inputs and the query's.
    pub mean: (f64, f64),
    /// Each skill's input mean μ_β.
    pub centres: Vec<(f64, f64)>,
    /// One standard deviation of a coordinate of a skill's inputs, √(σ_x² + σ_μ²).
    pub spread: f64,
    /// The region to show (x₁ from, to; x₂ from, to), the same for every k of a prompt.
    pub bounds: (f64, f64, f64, f64),
}

impl PromptPlane {
    /// The axes' titles: what is plotted, exactly.
    pub fn axis_names(&self) -> (String, String) {
        let name = |i: usize| {
            if self.dim > 2 {
                format!("x{} (input coordinate {} of {})", subscript(i + 1), i + 1, self.dim)
            } else {
                format!("x{} (input coordinate {})", subscript(i + 1), i + 1)
            }
        };
        (name(self.axes.0), name(self.axes.1))
    }

    /// The legend's entries: the examples by the sign of their labels, and the skills' clusters
    /// (the query and x̄ are named beside their marks).
    fn legend(&self, theme: &Theme) -> Vec<(String, Swatch)> {
        let mut entries = Vec::new();
        if self.examples.iter().any(|e| e.2 >= 0.0) {
            entries.push(("example with label y ≥ 0".to_owned(), Swatch::Square(POSITIVE)));
        }
        if self.examples.iter().any(|e| e.2 < 0.0) {
            entries.push(("example with label y < 0".to_owned(), Swatch::Circle(NEGATIVE)));
        }
        entries.push(("a skill's input mean μ, ±1 s.d. of its inputs".to_owned(), Swatch::Circle(theme.foreground())));
        entries
    }
}

/// Margins in CSS pixels: outer margin, x and y label areas.
const MARGIN: f64 = 10.0;
const X_LABELS: f64 = 40.0;
const Y_LABELS: f64 = 50.0;

/// Ranges with the same scale on both axes that hold `bounds` in a plot of `size` pixels, with a
/// free band of `band` pixels at the top.
fn equal_ranges(bounds: (f64, f64, f64, f64), size: (i32, i32), band: i32) -> ((f64, f64), (f64, f64)) {
    let (x0, x1, y0, y1) = bounds;
    let (w, h) = (f64::from(size.0.max(1)), f64::from((size.1 - band).max(1)));
    let (dx, dy) = ((x1 - x0).max(1e-9), (y1 - y0).max(1e-9));
    let scale = (w / dx).min(h / dy); // pixels per unit
    let half_width = w / scale / 2.0;
    let cx = (x0 + x1) / 2.0;
    let bottom = y0 - (h / scale - dy) / 2.0;
    ((cx - half_width, cx + half_width), (bottom, bottom + f64::from(size.1.max(1)) / scale))
}

/// Draws the prompt: examples, query, mean and the skills' input clusters, with a legend that
/// covers none of them (in a free corner, else in a band above the data).
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &PromptPlane,
    theme: &Theme,
    readouts: &mut Readouts,
) -> Result<(), PlotError> {
    area.fill(&theme.background()).map_err(plot_error)?;
    let body = area.titled("The prompt: examples and the query", theme.title()).map_err(plot_error)?;
    // A little room around the outermost marks.
    let (x0, x1, y0, y1) = data.bounds;
    let pad = 0.04 * (x1 - x0).max(y1 - y0);
    let bounds = (x0 - pad, x1 + pad, y0 - pad, y1 + pad);
    let build = |x: (f64, f64), y: (f64, f64)| {
        ChartBuilder::on(&body)
            .margin(theme.px(MARGIN))
            .x_label_area_size(theme.px(X_LABELS))
            .y_label_area_size(theme.px(Y_LABELS))
            .build_cartesian_2d(x.0..x.1, y.0..y.1)
            .map_err(plot_error)
    };
    // The plotting area's size: the body less the margins and the label areas (as ChartBuilder lays it out).
    let (width, height) = body.dim_in_pixel();
    let margin = theme.px(MARGIN) as i32;
    let size =
        (width as i32 - 2 * margin - theme.px(Y_LABELS) as i32, height as i32 - 2 * margin - theme.px(X_LABELS) as i32);
    // The legend sits in a band above the data, where it covers nothing.
    let entries = data.legend(theme);
    let key = legend::measure(&body, &entries, theme);
    let (x_range, y_range) = equal_ranges(bounds, size, key.size.1 + 2 * theme.offset(8.0));
    let mut chart = build(x_range, y_range)?;
    let origin = legend::corner_origin(Corner::UpperRight, key.size, size, theme);
    let (x_name, y_name) = data.axis_names();
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(theme.grid())
        .axis_style(theme.foreground())
        .x_desc(x_name)
        .y_desc(y_name)
        .x_labels(7)
        .y_labels(7)
        .label_style(theme.text(12.0))
        .axis_desc_style(theme.text(13.0))
        .x_label_formatter(&|v| number(*v))
        .y_label_formatter(&|v| number(*v))
        .draw()
        .map_err(plot_error)?;
    let plot = chart.plotting_area().strip_coord_spec();
    let pixel = pixels(&chart);
    draw_marks(&plot, data, theme, &pixel)?;
    // Where each example, the query, x̄ and each skill's input mean are, for the readouts.
    let (base, corner) = (area.get_base_pixel(), plot.get_base_pixel());
    let mut read = |point: (f64, f64), what: What| {
        let (x, y) = pixel(point);
        readouts.push((corner.0 + x, corner.1 + y), base, what);
    };
    for (i, &(x, y, _)) in data.examples.iter().enumerate() {
        read((x, y), What::Example(i));
    }
    for (i, &c) in data.centres.iter().enumerate() {
        read(c, What::Centre(i));
    }
    if !data.examples.is_empty() {
        read(data.mean, What::Mean);
    }
    read(data.query, What::Task);
    legend::draw_at(&plot, &key, origin, theme)
}

/// The plotting area's pixel (relative to its corner) of a point in input coordinates.
fn pixels<'a, 'b, DB: DrawingBackend, CT: plotters::coord::CoordTranslate<From = (f64, f64)>>(
    chart: &'a ChartContext<'b, DB, CT>,
) -> impl Fn((f64, f64)) -> (i32, i32) + use<'a, 'b, DB, CT> {
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    move |p| {
        let (px, py) = chart.as_coord_spec().translate(&p);
        (px - xs.start, py - ys.start)
    }
}

fn draw_marks<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    data: &PromptPlane,
    theme: &Theme,
    pixel: &impl Fn((f64, f64)) -> (i32, i32),
) -> Result<(), PlotError> {
    // The skills' spread circles under the examples, their means above them. Both axes have
    // one scale, so the radius in pixels is the spread's length along either axis.
    let radius = (pixel((data.spread, 0.0)).0 - pixel((0.0, 0.0)).0).unsigned_abs();
    for (i, &c) in data.centres.iter().enumerate() {
        plot.draw(&Circle::new(pixel(c), radius, SKILL_COLOURS[i % 4].stroke_width(theme.px(1.5))))
            .map_err(plot_error)?;
    }
    let half = theme.offset(3.5);
    for &(x, y, label) in &data.examples {
        let (px, py) = pixel((x, y));
        if label >= 0.0 {
            plot.draw(&Rectangle::new([(px - half, py - half), (px + half, py + half)], POSITIVE.filled()))
        } else {
            plot.draw(&Circle::new((px, py), theme.px(4.0), NEGATIVE.stroke_width(theme.px(2.0))))
        }
        .map_err(plot_error)?;
    }
    for (i, &c) in data.centres.iter().enumerate() {
        let (x, y) = pixel(c);
        plot.draw(&Circle::new((x, y), theme.px(6.0), SKILL_COLOURS[i % 4].stroke_width(theme.px(2.5))))
            .map_err(plot_error)?;
    }
    if let Some(&(x, y, label)) = data.examples.last() {
        // The newest example, ringed.
        let colour = if label >= 0.0 { POSITIVE } else { NEGATIVE };
        plot.draw(&Circle::new(pixel((x, y)), theme.px(8.0), colour.stroke_width(theme.px(2.0))))
            .map_err(plot_error)?;
    }
    let ink = theme.foreground();
    if !data.examples.is_empty() {
        let outline = legend::diamond(pixel(data.mean), theme.offset(7.0));
        plot.draw(&PathElement::new(outline, ink.stroke_width(theme.px(2.0)))).map_err(plot_error)?;
    }
    let (qx, qy) = pixel(data.query);
    let arm = theme.offset(7.0);
    let cross = ink.stroke_width(theme.px(3.0));
    plot.draw(&PathElement::new(vec![(qx - arm, qy - arm), (qx + arm, qy + arm)], cross)).map_err(plot_error)?;
    plot.draw(&PathElement::new(vec![(qx - arm, qy + arm), (qx + arm, qy - arm)], cross)).map_err(plot_error)?;
    // Names on the plot: each skill's mean, the newest example, x̄ and the query.
    let gap = theme.offset(9.0);
    let label = |text: &'static str, at: (i32, i32), colour: RGBColor, h: HPos, v: VPos| {
        plot.draw(&Text::new(text, at, theme.text(13.0).color(&colour).pos(Pos::new(h, v)))).map_err(plot_error)
    };
    for (i, &c) in data.centres.iter().enumerate() {
        let (x, y) = pixel(c);
        label(SKILL_NAMES[i % 4], (x - gap, y - gap), SKILL_COLOURS[i % 4], HPos::Right, VPos::Bottom)?;
    }
    if let Some(&(x, y, _)) = data.examples.last() {
        let (x, y) = pixel((x, y));
        label("newest example", (x, y + gap), ink, HPos::Center, VPos::Top)?;
        let (x, y) = pixel(data.mean);
        label("x̄", (x - gap, y), ink, HPos::Right, VPos::Center)?;
    }
    label("query", (qx + gap + theme.offset(2.0), qy), ink, HPos::Left, VPos::Center)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_ranges_have_one_scale_and_hold_the_bounds() {
        let ((a, b), (c, d)) = equal_ranges((-1.0, 3.0, 0.0, 1.0), (400, 300), 50);
        assert!((b - a) / 400.0 - (d - c) / 300.0 < 1e-12, "same units per pixel on both axes");
        assert!(a <= -1.0 && b >= 3.0 && c <= 0.0);
        // The top band of 50 pixels is above the data.
        assert!(d - (d - c) * 50.0 / 300.0 >= 1.0 - 1e-12);
    }
}
