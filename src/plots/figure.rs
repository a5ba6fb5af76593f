//! Any of the lab's figures, and the set of named figures a lesson shows: one place that knows
//! how to draw, size, export to SVG and write CSV for every kind of figure.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::curves::{self, CurveFigure};
use super::heatmaps::{self, HeatmapData};
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
    Bars(super::icl_prompt::WeightBars),
    /// Skills' functions in weight space.
    WeightSpace(super::icl_prompt::WeightSpace),
}

impl Figure {
    /// Natural size in CSS pixels (the page keeps this aspect ratio; exports use it as is).
    pub fn size(&self) -> (u32, u32) {
        match self {
            Figure::Spectrum(_) | Figure::Curve(_) | Figure::Bars(_) => (760, 380),
            Figure::WeightSpace(_) => (760, 520),
            Figure::Heatmaps(h) => (760, 250 * h.rows.len().max(1) as u32),
        }
    }

    /// Draws the figure into `area`.
    pub fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, theme: &Theme) -> Result<(), PlotError> {
        match self {
            Figure::Spectrum(data) => spectrum::draw(area, data, theme),
            Figure::Curve(data) => curves::draw(area, data, theme),
            Figure::Heatmaps(data) => heatmaps::draw(area, data, theme),
            Figure::Bars(data) => super::icl_prompt::draw_bars(area, data, theme),
            Figure::WeightSpace(data) => super::icl_prompt::draw_space(area, data, theme),
        }
    }

    /// Appends the plotted values to a long-form CSV.
    fn write_csv(&self, key: &str, out: &mut String) {
        match self {
            Figure::Spectrum(data) => {
                for (i, s) in data.sigma_squared.iter().enumerate() {
                    let series = if i < data.absorbed { "absorbed" } else { "remaining" };
                    out.push_str(&format!("{key},sigma_squared_{series},{},{s:e}\n", i + 1));
                }
            }
            Figure::Curve(data) => curves::write_csv(key, data, out),
            Figure::Bars(data) => {
                for (i, (p, q)) in data.prior.iter().zip(&data.posterior).enumerate() {
                    out.push_str(&format!(
                        "{key},prior_weight,{},{p:e}\n{key},posterior_weight,{},{q:e}\n",
                        i + 1,
                        i + 1
                    ));
                }
            }
            Figure::WeightSpace(data) => {
                for (i, ((c, s), _)) in data.centres.iter().zip(&data.shifted).zip(&data.weights).enumerate() {
                    out.push_str(&format!(
                        "{key},w_{}_pretrained,{},{}\n{key},w_{}_shifted,{},{}\n",
                        i + 1,
                        c.0,
                        c.1,
                        i + 1,
                        s.0,
                        s.1
                    ));
                }
            }
            Figure::Heatmaps(data) => {
                for row in &data.rows {
                    for tile in &row.tiles {
                        for ((i, j), v) in tile.matrix.row_iter().enumerate().flat_map(|(i, r)| {
                            r.iter().copied().enumerate().map(move |(j, v)| ((i, j), v)).collect::<Vec<_>>()
                        }) {
                            out.push_str(&format!(
                                "{key},\"{} [{i},{j}]\",{},{v:e}\n",
                                tile.title,
                                i * tile.matrix.ncols() + j
                            ));
                        }
                    }
                }
            }
        }
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

    /// Every figure's plotted values as CSV in long form: `figure,series,x,y` (heatmap entries use
    /// x = row-major index).
    pub fn csv(&self) -> String {
        let mut out = String::from("figure,series,x,y\n");
        for (key, figure) in &self.figures {
            figure.write_csv(key, &mut out);
        }
        out
    }
}
