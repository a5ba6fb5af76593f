//! Figures of the one-prompt lesson: the posterior weights as bars (retrieval) and the skills'
//! functions in weight space moving from their pretrained centres towards the task (learning).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::figure::{Figure, FigureSet};
use super::style::{okabe_ito, plot_error, PlotError, Theme};
use crate::lessons::icl_prompt::Step;

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
}

fn xy(v: &crate::linalg::Vector) -> (f64, f64) {
    (v[0], if v.len() > 1 { v[1] } else { 0.0 })
}

/// The lesson's figures for one step.
pub fn figures(step: &Step) -> FigureSet {
    let bars = WeightBars {
        prior: step.prior.weights.clone(),
        posterior: step.posterior.weights.clone(),
        k: step.examples.len(),
    };
    let space = WeightSpace {
        centres: step.prior.w.iter().map(xy).collect(),
        shifted: step.posterior.w_tilde.iter().map(xy).collect(),
        weights: step.posterior.weights.clone(),
        task: xy(&step.task_w),
        dim: step.prior.dim(),
    };
    FigureSet { figures: vec![("weights", Figure::Bars(bars)), ("functions", Figure::WeightSpace(space))] }
}

/// Draws the posterior weights as filled bars beside the prior weights (hollow).
pub fn draw_bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &WeightBars,
    theme: &Theme,
) -> Result<(), PlotError> {
    area.fill(&theme.background()).map_err(plot_error)?;
    let m = data.posterior.len().max(1);
    let mut chart = ChartBuilder::on(area)
        .caption(format!("Which skill is retrieved: posterior weights after k = {} examples", data.k), theme.title())
        .margin(theme.px(10.0))
        .x_label_area_size(theme.px(44.0))
        .y_label_area_size(theme.px(56.0))
        .build_cartesian_2d(0.5f64..(m as f64 + 0.5), 0f64..1.05)
        .map_err(plot_error)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(theme.grid())
        .axis_style(theme.foreground())
        .x_labels(m)
        .x_label_formatter(&|x| format!("skill {}", x.round() as i64))
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
    chart
        .draw_series(std::iter::once(Text::new(
            "hollow: prior π_β   filled: posterior π̃_β",
            (m as f64 + 0.45, 1.03),
            theme.text(12.0).pos(Pos::new(HPos::Right, VPos::Top)),
        )))
        .map_err(plot_error)?;
    Ok(())
}

/// Draws the functions: pretrained centres w_β (hollow), shifted w̃_β (filled, sized by π̃_β),
/// a segment from each to the other, and the task's w* (cross).
pub fn draw_space<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &WeightSpace,
    theme: &Theme,
) -> Result<(), PlotError> {
    area.fill(&theme.background()).map_err(plot_error)?;
    let all = data.centres.iter().chain(&data.shifted).chain(std::iter::once(&data.task));
    let extent = all.fold(1.0f64, |m, &(x, y)| m.max(x.abs()).max(y.abs())) * 1.2;
    let title = if data.dim > 2 {
        "Task learning: each skill's function w̃_β moves towards w* (first two coordinates)".to_owned()
    } else {
        "Task learning: each skill's function w̃_β moves towards w*".to_owned()
    };
    // A square plot: pad the x range to the area's aspect ratio.
    let (width, height) = area.dim_in_pixel();
    let aspect = width as f64 / height.max(1) as f64;
    let mut chart = ChartBuilder::on(area)
        .caption(title, theme.title())
        .margin(theme.px(10.0))
        .x_label_area_size(theme.px(40.0))
        .y_label_area_size(theme.px(50.0))
        .build_cartesian_2d(-extent * aspect..extent * aspect, -extent..extent)
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
    chart
        .draw_series(std::iter::once(Text::new(
            "hollow: pretrained w_β   filled: w̃_β, sized by π̃_β",
            (extent * aspect * 0.98, -extent * 0.98),
            theme.text(12.0).pos(Pos::new(HPos::Right, VPos::Bottom)),
        )))
        .map_err(plot_error)?;
    Ok(())
}
