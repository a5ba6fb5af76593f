//! Figure: matrices as heatmaps on a blue–white–orange scale centred at zero, in rows that
//! share a colour bar (e.g. W̄, ΠW_l, Π(W_l+ΔW_l) on one scale; the adapters ΔW_l on another).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::readout::{Readouts, What};
use super::rich;
use super::style::{diverging, plot_error, PlotError, Theme};
use crate::lessons::format::number;
use crate::linalg::Matrix;

/// One titled matrix.
#[derive(Clone, Debug, PartialEq)]
pub struct Tile {
    /// Title drawn above the matrix.
    pub title: String,
    /// The matrix (row 0 at the top).
    pub matrix: Matrix,
}

/// A row of tiles sharing one colour scale.
#[derive(Clone, Debug, PartialEq)]
pub struct TileRow {
    /// The tiles, left to right.
    pub tiles: Vec<Tile>,
    /// One colour scale for the whole row (true), or each tile scaled to its own largest entry,
    /// with that maximum written under the tile (false: for adapters of very different sizes).
    pub shared_scale: bool,
}

impl TileRow {
    /// The shared colour scale's limit: the largest magnitude in the row.
    pub fn limit(&self) -> f64 {
        self.tiles.iter().map(|t| largest_magnitude(&t.matrix)).fold(0.0, f64::max).max(f64::MIN_POSITIVE)
    }
}

/// The largest |entry| of a matrix (0 for an empty or zero matrix).
pub fn largest_magnitude(m: &Matrix) -> f64 {
    m.iter().fold(0.0f64, |acc, v| acc.max(v.abs()))
}

/// What the heatmap figure shows.
#[derive(Clone, Debug, PartialEq)]
pub struct HeatmapData {
    /// Rows of tiles, top to bottom.
    pub rows: Vec<TileRow>,
}

/// Draws the heatmaps into `area`.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &HeatmapData,
    theme: &Theme,
    readouts: &mut Readouts,
) -> Result<(), PlotError> {
    area.fill(&theme.background()).map_err(plot_error)?;
    let (width, height) = area.dim_in_pixel();
    let figure_base = area.get_base_pixel();
    let rows = data.rows.len().max(1) as u32;
    let row_height = height / rows;
    for (index, row) in data.rows.iter().enumerate() {
        let top = row_height * index as u32;
        let sub = area.clone().shrink((0, top), (width, row_height));
        draw_row(&sub, row, theme)?;
        read_row(&sub, (index, row), theme, figure_base, readouts);
    }
    Ok(())
}

fn draw_row<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, row: &TileRow, theme: &Theme) -> Result<(), PlotError> {
    let (width, height) = area.dim_in_pixel();
    let (width, height) = (width as i32, height as i32);
    let bar_width = theme.offset(70.0);
    let footer = if row.shared_scale { 0 } else { theme.offset(16.0) };
    let (side, gap, title_height) = tile_layout(row, (width, height), theme);
    let shared_limit = row.limit();
    for (i, tile) in row.tiles.iter().enumerate() {
        let limit =
            if row.shared_scale { shared_limit } else { largest_magnitude(&tile.matrix).max(f64::MIN_POSITIVE) };
        let x0 = gap + i as i32 * (side + gap);
        let y0 = title_height;
        rich::draw(area, &tile.title, (x0 + side / 2, y0 / 2), HPos::Center, rich::Font::of(13.0), theme)?;
        draw_matrix(area, &tile.matrix, (x0, y0), side, limit)?;
        area.draw(&Rectangle::new([(x0, y0), (x0 + side, y0 + side)], theme.grid().stroke_width(1)))
            .map_err(plot_error)?;
        if !row.shared_scale {
            let note = format!("max |entry| = {}", number(largest_magnitude(&tile.matrix)));
            area.draw(&Text::new(note, (x0 + side / 2, y0 + side + footer / 2 + 2), theme.centred(11.0)))
                .map_err(plot_error)?;
        }
    }
    let bar_origin = (width - bar_width + gap, title_height);
    if row.shared_scale {
        draw_colour_bar(
            area,
            bar_origin,
            side,
            shared_limit,
            &[number(shared_limit), "0".into(), number(-shared_limit)],
            theme,
        )
    } else {
        draw_colour_bar(area, bar_origin, side, 1.0, &["+max".into(), "0".into(), "−max".into()], theme)
    }
}

/// Every cell of every tile of a row, read at its centre (tiles laid out as `draw_row` does).
fn read_row<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (row_index, row): (usize, &TileRow),
    theme: &Theme,
    figure_base: (i32, i32),
    readouts: &mut Readouts,
) {
    let (x_base, y_base) = area.get_base_pixel();
    let (width, height) = area.dim_in_pixel();
    let (side, gap, title_height) = tile_layout(row, (width as i32, height as i32), theme);
    for (t, tile) in row.tiles.iter().enumerate() {
        let (rows, cols) = tile.matrix.shape();
        let (x0, y0) = (gap + t as i32 * (side + gap), title_height);
        let centre = |k: usize, n: usize| ((2 * k + 1) as i32 * side) / (2 * n.max(1) as i32);
        for i in 0..rows {
            for j in 0..cols {
                let at = (x_base + x0 + centre(j, cols), y_base + y0 + centre(i, rows));
                readouts.push(at, figure_base, What::Cell { row: row_index, tile: t, i, j });
            }
        }
    }
}

/// A row's tile side, the gap between tiles and the title band, in device pixels.
fn tile_layout(row: &TileRow, (width, height): (i32, i32), theme: &Theme) -> (i32, i32, i32) {
    let title_height = theme.offset(22.0);
    let bar_width = theme.offset(70.0);
    let gap = theme.offset(12.0);
    let count = row.tiles.len().max(1) as i32;
    let footer = if row.shared_scale { 0 } else { theme.offset(16.0) };
    let side = ((width - bar_width - gap * (count + 1)) / count).min(height - title_height - gap - footer).max(4);
    (side, gap, title_height)
}

fn draw_matrix<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    m: &Matrix,
    origin: (i32, i32),
    side: i32,
    limit: f64,
) -> Result<(), PlotError> {
    let (rows, cols) = m.shape();
    if rows == 0 || cols == 0 {
        return Ok(());
    }
    let edge = |k: usize, n: usize| (k as i32 * side) / n as i32;
    for i in 0..rows {
        for j in 0..cols {
            let x = (origin.0 + edge(j, cols), origin.0 + edge(j + 1, cols));
            let y = (origin.1 + edge(i, rows), origin.1 + edge(i + 1, rows));
            area.draw(&Rectangle::new([(x.0, y.0), (x.1, y.1)], diverging(m[(i, j)], limit).filled()))
                .map_err(plot_error)?;
        }
    }
    Ok(())
}

fn draw_colour_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    origin: (i32, i32),
    height: i32,
    limit: f64,
    labels: &[String; 3],
    theme: &Theme,
) -> Result<(), PlotError> {
    let bar = theme.offset(14.0);
    let steps = 64;
    for s in 0..steps {
        let y0 = origin.1 + s * height / steps;
        let y1 = origin.1 + (s + 1) * height / steps;
        let value = limit * (1.0 - 2.0 * (s as f64 + 0.5) / steps as f64);
        area.draw(&Rectangle::new([(origin.0, y0), (origin.0 + bar, y1)], diverging(value, limit).filled()))
            .map_err(plot_error)?;
    }
    let label = theme.text(11.0).pos(Pos::new(HPos::Left, VPos::Center));
    for (text, y) in labels.iter().zip([origin.1, origin.1 + height / 2, origin.1 + height]) {
        area.draw(&Text::new(text.clone(), (origin.0 + bar + theme.offset(4.0), y), label.clone()))
            .map_err(plot_error)?;
    }
    Ok(())
}
