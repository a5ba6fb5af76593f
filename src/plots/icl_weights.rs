//! The prompt lesson's weight figures: the posterior weights as bars beside the prior's
//! (retrieval), and the skills' functions in weight space moving from their pretrained centres
//! towards the task (learning).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::readout::{Readouts, What};
use super::rich;
use super::style::{okabe_ito, plot_error, PlotError, Theme};

/// Half-width of the view of the draggable 2-D prior: centres may be dragged to ±2.
pub const DRAGGABLE_EXTENT: f64 = 2.4;

const SKILL_COLOURS: [RGBColor; 4] = [okabe_ito::VERMILLION, okabe_ito::BLUE, okabe_ito::GREEN, okabe_ito::PURPLE];

/// What the weights figure shows.
#[derive(Clone, Debug, PartialEq)]
pub struct WeightBars {
    /// Prior weights π_β.
    pub prior: Vec<f64>,
    /// Posterior weights π̃_β.
    pub posterior: Vec<f64>,
    /// Examples seen.
    pub k: usize,
}

/// What the weight-space figure shows (first two coordinates).
#[derive(Clone, Debug, PartialEq)]
pub struct WeightSpace {
    /// Pretrained w_β.
    pub centres: Vec<(f64, f64)>,
    /// Shifted w̃_β.
    pub shifted: Vec<(f64, f64)>,
    /// π̃_β (marker sizes).
    pub weights: Vec<f64>,
    /// w*.
    pub task: (f64, f64),
    /// Dimension d (the figure shows the first two coordinates when d > 2).
    pub dim: usize,
    /// A fixed half-width of the view (the 2-D prior, whose centres the student drags: the axes
    /// must not move under the pointer); `None`: fitted to the data.
    pub fixed_extent: Option<f64>,
}

/// Where the weight-space plot lies in a drawing, in device pixels, and which part of weight
/// space it shows: the page maps a pointer to weight space with it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    /// Plot rectangle: left, top, right, bottom (device pixels).
    pub rect: (f64, f64, f64, f64),
    /// Weight-space range shown along x.
    pub x: (f64, f64),
    /// Weight-space range shown along y.
    pub y: (f64, f64),
}

impl Frame {
    /// The weight-space point under device pixel (px, py).
    pub fn to_weights(&self, px: f64, py: f64) -> (f64, f64) {
        let (left, top, right, bottom) = self.rect;
        let fx = (px - left) / (right - left).max(1.0);
        let fy = (py - top) / (bottom - top).max(1.0);
        (self.x.0 + fx * (self.x.1 - self.x.0), self.y.1 - fy * (self.y.1 - self.y.0))
    }

    /// The device pixel of a weight-space point.
    pub fn to_pixel(&self, (x, y): (f64, f64)) -> (f64, f64) {
        let (left, top, right, bottom) = self.rect;
        (
            left + (x - self.x.0) / (self.x.1 - self.x.0) * (right - left),
            top + (self.y.1 - y) / (self.y.1 - self.y.0) * (bottom - top),
        )
    }
}

/// Margins of the weight-space plot in CSS pixels: outer margin, title band, x and y label areas.
const SPACE_MARGIN: f64 = 10.0;
const SPACE_TITLE: f64 = 30.0;
const SPACE_X_LABELS: f64 = 40.0;
const SPACE_Y_LABELS: f64 = 50.0;

impl WeightSpace {
    /// Half-width of the square view: fixed, or 1.2 × the largest coordinate shown (at least 1.2).
    fn extent(&self) -> f64 {
        self.fixed_extent.unwrap_or_else(|| {
            let all = self.centres.iter().chain(&self.shifted).chain(std::iter::once(&self.task));
            all.fold(1.0f64, |m, &(x, y)| m.max(x.abs()).max(y.abs())) * 1.2
        })
    }

    /// The plot's frame in a drawing of `width` × `height` device pixels drawn with `theme`.
    /// The layout has fixed margins, so this is exactly where `draw_space` puts the axes.
    pub fn frame(&self, width: u32, height: u32, theme: &Theme) -> Frame {
        let margin = f64::from(theme.px(SPACE_MARGIN));
        let left = margin + f64::from(theme.px(SPACE_Y_LABELS));
        let top = margin + f64::from(theme.px(SPACE_TITLE));
        let right = f64::from(width) - margin;
        let bottom = f64::from(height) - margin - f64::from(theme.px(SPACE_X_LABELS));
        // A square plot: the x range is padded to the plot rectangle's aspect ratio.
        let aspect = (right - left).max(1.0) / (bottom - top).max(1.0);
        let extent = self.extent();
        Frame { rect: (left, top, right, bottom), x: (-extent * aspect, extent * aspect), y: (-extent, extent) }
    }
}

/// Draws the posterior weights as filled bars beside the prior weights (hollow).
pub fn draw_bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &WeightBars,
    theme: &Theme,
    readouts: &mut Readouts,
) -> Result<(), PlotError> {
    area.fill(&theme.background()).map_err(plot_error)?;
    let m = data.posterior.len().max(1);
    let mut chart = ChartBuilder::on(area)
        .caption(format!("Posterior weights after k = {}", data.k), theme.title())
        .margin(theme.px(10.0))
        .x_label_area_size(theme.px(44.0))
        .y_label_area_size(theme.px(56.0))
        .build_cartesian_2d(0.5f64..(m as f64 + 0.5), 0f64..1.22)
        .map_err(plot_error)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(theme.grid())
        .axis_style(theme.foreground())
        .x_labels(m)
        .x_label_formatter(&|x| format!("skill {}", x.round() as i64))
        // A weight is at most 1; the band above holds the key.
        .y_label_formatter(&|y| if *y <= 1.0 + 1e-9 { format!("{:.1}", y) } else { String::new() })
        .y_desc("weight")
        .label_style(theme.text(12.0))
        .axis_desc_style(theme.text(13.0))
        .draw()
        .map_err(plot_error)?;
    for (i, (&prior, &post)) in data.prior.iter().zip(&data.posterior).enumerate() {
        let x = i as f64 + 1.0;
        let colour = SKILL_COLOURS[i % 4];
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(x - 0.38, 0.0), (x - 0.02, prior)],
                colour.stroke_width(theme.px(2.0)),
            )))
            .map_err(plot_error)?;
        chart
            .draw_series(std::iter::once(Rectangle::new([(x + 0.02, 0.0), (x + 0.38, post)], colour.filled())))
            .map_err(plot_error)?;
        chart
            .draw_series(std::iter::once(Text::new(
                crate::lessons::format::number(post),
                (x + 0.2, post.min(0.95) + 0.02),
                theme.text(12.0).pos(Pos::new(HPos::Center, VPos::Bottom)),
            )))
            .map_err(plot_error)?;
    }
    let base = area.get_base_pixel();
    for (i, &post) in data.posterior.iter().enumerate() {
        readouts.push(chart.as_coord_spec().translate(&(i as f64 + 1.2, post)), base, What::Bar(i));
    }
    let key = "hollow: prior π_β   filled: posterior π̃_β";
    rich::draw_in_chart(&chart, key, (m as f64 + 0.45, 1.2), (HPos::Right, VPos::Top), rich::Font::of(12.0), theme)?;
    Ok(())
}

/// Draws the functions: pretrained centres w_β (hollow), shifted w̃_β (filled, sized by π̃_β),
/// a segment from each to the other, and the task's w* (cross).
pub fn draw_space<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &WeightSpace,
    theme: &Theme,
    readouts: &mut Readouts,
) -> Result<(), PlotError> {
    area.fill(&theme.background()).map_err(plot_error)?;
    let title = if data.dim > 2 {
        "Task learning: each skill's function w̃_β moves towards w* (first two coordinates)"
    } else {
        "Task learning: each skill's function w̃_β moves towards w*"
    };
    let (width, height) = area.dim_in_pixel();
    let frame = data.frame(width, height, theme);
    let extent = frame.y.1;
    let aspect = frame.x.1 / extent;
    let margin = theme.px(SPACE_MARGIN);
    let title_height = rich::size(area, title, rich::Font::bold(16.0), theme).1;
    rich::draw(
        area,
        title,
        (width as i32 / 2, margin as i32 + title_height / 2),
        HPos::Center,
        rich::Font::bold(16.0),
        theme,
    )?;
    let mut chart = ChartBuilder::on(area)
        .margin(margin)
        .margin_top(margin + theme.px(SPACE_TITLE))
        .x_label_area_size(theme.px(SPACE_X_LABELS))
        .y_label_area_size(theme.px(SPACE_Y_LABELS))
        .build_cartesian_2d(frame.x.0..frame.x.1, frame.y.0..frame.y.1)
        .map_err(plot_error)?;
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(theme.grid())
        .axis_style(theme.foreground())
        .x_desc("w (first coordinate)")
        .y_desc("w (second coordinate)")
        .label_style(theme.text(12.0))
        .axis_desc_style(theme.text(13.0))
        .x_label_formatter(&|x| crate::lessons::format::number(*x))
        .y_label_formatter(&|y| crate::lessons::format::number(*y))
        .draw()
        .map_err(plot_error)?;
    for (i, ((&c, &s), &p)) in data.centres.iter().zip(&data.shifted).zip(&data.weights).enumerate() {
        let colour = SKILL_COLOURS[i % 4];
        chart
            .draw_series(std::iter::once(PathElement::new(vec![c, s], colour.stroke_width(theme.px(1.5)))))
            .map_err(plot_error)?;
        chart
            .draw_series(std::iter::once(Circle::new(c, theme.px(7.0), colour.stroke_width(theme.px(2.0)))))
            .map_err(plot_error)?;
        let size = theme.px(3.0 + 9.0 * p.sqrt());
        chart.draw_series(std::iter::once(Circle::new(s, size, colour.filled()))).map_err(plot_error)?;
        chart
            .draw_series(std::iter::once(Text::new(
                format!("w{}", crate::lessons::format::subscript(i + 1)),
                (c.0, c.1 + extent * 0.06),
                theme.text(13.0).pos(Pos::new(HPos::Center, VPos::Bottom)),
            )))
            .map_err(plot_error)?;
    }
    let arm = extent * 0.05;
    let (tx, ty) = data.task;
    let cross = theme.foreground().stroke_width(theme.px(3.0));
    chart
        .draw_series(std::iter::once(PathElement::new(vec![(tx - arm, ty - arm), (tx + arm, ty + arm)], cross)))
        .map_err(plot_error)?;
    chart
        .draw_series(std::iter::once(PathElement::new(vec![(tx - arm, ty + arm), (tx + arm, ty - arm)], cross)))
        .map_err(plot_error)?;
    chart
        .draw_series(std::iter::once(Text::new(
            "w* (the task)",
            (tx + arm * 1.4, ty),
            theme.text(13.0).pos(Pos::new(HPos::Left, VPos::Center)),
        )))
        .map_err(plot_error)?;
    let base = area.get_base_pixel();
    for (i, (&c, &s)) in data.centres.iter().zip(&data.shifted).enumerate() {
        readouts.push(chart.as_coord_spec().translate(&c), base, What::Centre(i));
        readouts.push(chart.as_coord_spec().translate(&s), base, What::Shifted(i));
    }
    readouts.push(chart.as_coord_spec().translate(&data.task), base, What::Task);
    let key = "hollow: pretrained w_β   filled: w̃_β, sized by π̃_β";
    let corner = (extent * aspect * 0.98, -extent * 0.98);
    rich::draw_in_chart(&chart, key, corner, (HPos::Right, VPos::Bottom), rich::Font::of(12.0), theme)?;
    Ok(())
}
