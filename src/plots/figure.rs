//! Any of the lab's figures, and the set of named figures a lesson shows: one place that knows
//! how to draw, size and export to SVG every kind of figure (its values as data are in `data`).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::curves::{self, CurveFigure};
use super::data_table::DataTable;
use super::heatmaps::{self, HeatmapData};
use super::readout::Readouts;
use super::spectrum::{self, SpectrumData};
use super::style::{plot_error, PlotError, Theme};

/// One figure's data.
#[derive(Clone, Debug, PartialEq)]
pub enum Figure {
    /// Bars of σ_i(E)².
    Spectrum(SpectrumData),
    /// Series against a linear x-axis.
    Curve(CurveFigure),
    /// Rows of matrices.
    Heatmaps(HeatmapData),
    /// Prior and posterior weights of the skills.
    Bars(super::icl_weights::WeightBars),
    /// Skills' functions in weight space.
    WeightSpace(super::icl_weights::WeightSpace),
    /// Points of one quantity against another (drawn as a curve figure without lines).
    Scatter(Scatter),
    /// The prompt in input space: examples, query and the skills' input clusters.
    PromptPlane(super::icl_prompt_plane::PromptPlane),
}

/// A scatter plot: a curve figure whose series are clouds of points that share no x values, so
/// its "Show data" table is given with it (one row per point) rather than gathered by x.
#[derive(Clone, Debug, PartialEq)]
pub struct Scatter {
    /// The points, series by series, as a curve figure draws them.
    pub curve: CurveFigure,
    /// The readable table of the same points.
    pub table: DataTable,
}

impl Figure {
    /// Natural size in CSS pixels (the page keeps this aspect ratio; exports use it as is).
    pub fn size(&self) -> (u32, u32) {
        match self {
            Figure::Spectrum(_) | Figure::Curve(_) | Figure::Bars(_) => (760, 380),
            Figure::WeightSpace(_) | Figure::Scatter(_) => (760, 520),
            Figure::PromptPlane(_) => (760, 680),
            Figure::Heatmaps(h) => (760, 250 * h.rows.len().max(1) as u32),
        }
    }

    /// Draws the figure into `area`; returns what the pointer and the keyboard can read on it.
    pub fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        theme: &Theme,
    ) -> Result<Readouts, PlotError> {
        let mut readouts = Readouts::default();
        match self {
            Figure::Spectrum(data) => spectrum::draw(area, data, theme, &mut readouts),
            Figure::Curve(data) | Figure::Scatter(Scatter { curve: data, .. }) => {
                curves::draw(area, data, theme, &mut readouts)
            }
            Figure::Heatmaps(data) => heatmaps::draw(area, data, theme, &mut readouts),
            Figure::Bars(data) => super::icl_weights::draw_bars(area, data, theme, &mut readouts),
            Figure::WeightSpace(data) => super::icl_weights::draw_space(area, data, theme, &mut readouts),
            Figure::PromptPlane(data) => super::icl_prompt_plane::draw(area, data, theme, &mut readouts),
        }?;
        Ok(readouts)
    }
}

/// The named figures of a lesson, in page order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FigureSet {
    /// (name, figure) pairs; the name is the page's `data-figure` and the CLI's `--figure`.
    pub figures: Vec<(&'static str, Figure)>,
}

impl FigureSet {
    /// The figure named `key`.
    pub fn get(&self, key: &str) -> Option<&Figure> {
        self.figures.iter().find(|(k, _)| *k == key).map(|(_, f)| f)
    }

    /// The names, in order.
    pub fn keys(&self) -> Vec<&'static str> {
        self.figures.iter().map(|(k, _)| *k).collect()
    }

    /// An SVG document of the named figures (all when `keys` is empty) stacked vertically,
    /// drawn by the same code as the page.
    pub fn svg(&self, keys: &[&str], theme: &Theme) -> Result<String, PlotError> {
        let chosen: Vec<&Figure> =
            self.figures.iter().filter(|(k, _)| keys.is_empty() || keys.contains(k)).map(|(_, f)| f).collect();
        let width = chosen.iter().map(|f| f.size().0).max().unwrap_or(760);
        let height: u32 = chosen.iter().map(|f| f.size().1).sum();
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, (width, height.max(1))).into_drawing_area();
            let mut top = 0;
            for figure in chosen {
                let (_, h) = figure.size();
                figure.draw(&root.clone().shrink((0, top), (width, h)), theme)?;
                top += h;
            }
            root.present().map_err(plot_error)?;
        }
        Ok(out)
    }
}
