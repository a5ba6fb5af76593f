//! Figure: error against LoRA rank R = 0..D — the Eckart–Young optimum, the Gaussian-input MSE,
//! the error the construction actually reaches, the exactness threshold and the current R.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{okabe_ito, plot_error, PlotError, Theme};

/// One rank of the curve.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CurveRow {
    /// Uniform LoRA rank R.
    pub rank: usize,
    /// Σ_{i>RL} σ_i².
    pub optimal_frobenius_sq: f64,
    /// (1/D) Σ_{i>RL} σ_i².
    pub gaussian_mse: f64,
    /// Squared Frobenius error of the construction, if it could be built.
    pub construction_frobenius_sq: Option<f64>,
}

/// What the error-versus-rank figure shows.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorCurveData {
    /// One row per R = 0..D.
    pub rows: Vec<CurveRow>,
    /// The current rank on this axis (Σ R_l / L for per-layer ranks).
    pub current_rank: f64,
    /// ⌈rank(E)/L⌉.
    pub threshold: usize,
}

impl ErrorCurveData {
    /// Largest value on the curve.
    fn top(&self) -> f64 {
        self.rows
            .iter()
            .map(|r| r.optimal_frobenius_sq.max(r.construction_frobenius_sq.unwrap_or(0.0)))
            .fold(0.0, f64::max)
    }
    /// The log axis floor: 1e-16 of the largest value. Values below it (exact representation,
    /// up to rounding) are drawn on the floor.
    pub fn floor(&self) -> f64 {
        let top = self.top();
        if top > 0.0 {
            top * 1e-16
        } else {
            1e-16
        }
    }
}

/// Draws the curve into `area`.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &ErrorCurveData,
    theme: &Theme,
) -> Result<(), PlotError> {
    area.fill(&theme.background()).map_err(plot_error)?;
    let floor = data.floor();
    let top = data.top().max(floor * 10.0) * 20.0;
    let max_rank = data.rows.last().map_or(1, |r| r.rank).max(1) as f64;
    let at_floor = |y: f64| y.max(floor);
    let mut chart = ChartBuilder::on(area)
        .caption("Error against LoRA rank", theme.title())
        .margin(theme.px(10.0))
        .x_label_area_size(theme.px(44.0))
        .y_label_area_size(theme.px(64.0))
        .build_cartesian_2d(-0.5f64..(max_rank + 0.5), (floor..top).log_scale())
        .map_err(plot_error)?;
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(theme.grid())
        .axis_style(theme.foreground())
        .x_desc("LoRA rank R (every layer)")
        .y_desc("squared error")
        .x_labels((max_rank as usize + 1).min(17))
        .x_label_formatter(&|x| format!("{}", x.round() as i64))
        .y_label_formatter(&|y| format!("{y:.0e}"))
        .label_style(theme.text(12.0))
        .axis_desc_style(theme.text(13.0))
        .draw()
        .map_err(plot_error)?;

    // Threshold: dashed vertical line, labelled on the plot.
    let threshold = data.threshold as f64;
    let dash = theme.line(theme.foreground(), 1.5);
    chart
        .draw_series(DashedLineSeries::new(
            vec![(threshold, floor), (threshold, top)],
            theme.px(6.0),
            theme.px(4.0),
            dash,
        ))
        .map_err(plot_error)?;
    let right_side = threshold < max_rank * 0.7;
    let (tx, anchor) = if right_side { (threshold + 0.15, HPos::Left) } else { (threshold - 0.15, HPos::Right) };
    chart
        .draw_series(std::iter::once(Text::new(
            format!("exact from R = ⌈rank(E)/L⌉ = {}", data.threshold),
            (tx, top / 3.0),
            theme.text(12.0).pos(Pos::new(anchor, VPos::Top)),
        )))
        .map_err(plot_error)?;

    // Current R: a solid orange band.
    let current = theme.line(okabe_ito::ORANGE, 3.0);
    chart
        .draw_series(LineSeries::new(vec![(data.current_rank, floor), (data.current_rank, top)], current))
        .map_err(plot_error)?;
    let (cx, anchor) = if data.current_rank < max_rank * 0.8 {
        (data.current_rank + 0.12, HPos::Left)
    } else {
        (data.current_rank - 0.12, HPos::Right)
    };
    let current_label = if data.current_rank.fract() == 0.0 {
        format!("current R = {}", data.current_rank)
    } else {
        format!("current ΣR_l/L = {:.2}", data.current_rank)
    };
    chart
        .draw_series(std::iter::once(Text::new(
            current_label,
            (cx, top / 1e3),
            theme.text(12.0).pos(Pos::new(anchor, VPos::Top)),
        )))
        .map_err(plot_error)?;

    let optimal = theme.line(okabe_ito::BLUE, 2.5);
    chart
        .draw_series(LineSeries::new(
            data.rows.iter().map(|r| (r.rank as f64, at_floor(r.optimal_frobenius_sq))),
            optimal,
        ))
        .map_err(plot_error)?
        .label("optimum ‖E − LR_RL(E)‖²_F (Eckart–Young)")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], optimal));
    let mse = theme.line(okabe_ito::SKY_BLUE, 2.0);
    chart
        .draw_series(DashedLineSeries::new(
            data.rows.iter().map(|r| (r.rank as f64, at_floor(r.gaussian_mse))),
            theme.px(8.0),
            theme.px(5.0),
            mse,
        ))
        .map_err(plot_error)?
        .label("Gaussian-input MSE = optimum / D (dashed)")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 8, y)], mse));
    let marker = theme.px(4.5);
    let built = okabe_ito::VERMILLION.stroke_width(theme.px(2.0));
    chart
        .draw_series(data.rows.iter().filter_map(|r| {
            r.construction_frobenius_sq.map(|c| Circle::new((r.rank as f64, at_floor(c)), marker, built))
        }))
        .map_err(plot_error)?
        .label("construction, measured ‖W̄ − Π(W_l+ΔW_l)‖²_F (circles)")
        .legend(move |(x, y)| Circle::new((x + 10, y), marker, built));

    chart
        .draw_series(std::iter::once(Text::new(
            "floor = exact to machine precision",
            (max_rank + 0.3, floor * 30.0),
            theme.text(11.0).pos(Pos::new(HPos::Right, VPos::Bottom)),
        )))
        .map_err(plot_error)?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerLeft)
        .background_style(theme.background().mix(0.9))
        .border_style(theme.grid())
        .label_font(theme.text(12.0))
        .draw()
        .map_err(plot_error)?;
    Ok(())
}
