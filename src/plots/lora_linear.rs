//! The linear LoRA lesson's figures: which data each figure gets from the lesson's outcome,
//! the page's figure names, SVG export of all figures and CSV of the plotted series.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::curves::{self, CurveFigure, Mark, Marker, Series};
use super::heatmaps::{self, HeatmapData, Tile, TileRow};
use super::spectrum::{self, SpectrumData};
use super::style::{okabe_ito, plot_error, PlotError, Theme};
use crate::lessons::lora_linear::{Analysis, Outcome, Problem};

/// The figures of the lesson, in page order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Figure {
    /// σ_i(E)² bars.
    Spectrum,
    /// Error against rank.
    ErrorCurve,
    /// Heatmaps of the matrices and adapters.
    Heatmaps,
}

impl Figure {
    /// All figures in page order.
    pub const ALL: [Figure; 3] = [Figure::Spectrum, Figure::ErrorCurve, Figure::Heatmaps];

    /// The name used by the page and the command line.
    pub fn key(self) -> &'static str {
        match self {
            Figure::Spectrum => "spectrum",
            Figure::ErrorCurve => "error",
            Figure::Heatmaps => "heatmaps",
        }
    }

    /// Parses a figure name.
    pub fn from_key(key: &str) -> Option<Figure> {
        Figure::ALL.into_iter().find(|f| f.key() == key)
    }

    /// Natural size in CSS pixels for export.
    pub fn size(self, rows_of_heatmaps: usize) -> (u32, u32) {
        match self {
            Figure::Spectrum | Figure::ErrorCurve => (760, 380),
            Figure::Heatmaps => (760, 250 * rows_of_heatmaps.max(1) as u32),
        }
    }
}

/// The data of every figure of the lesson.
#[derive(Clone, Debug, PartialEq)]
pub struct Figures {
    /// Spectrum figure.
    pub spectrum: SpectrumData,
    /// Error-versus-rank figure.
    pub curve: CurveFigure,
    /// Heatmap figure.
    pub heatmaps: HeatmapData,
}

impl Figures {
    /// Collects what each figure shows from the lesson's results.
    pub fn new(problem: &Problem, analysis: &Analysis, outcome: &Outcome) -> Self {
        let discrepancy = &analysis.discrepancy;
        let spectrum = SpectrumData {
            sigma_squared: outcome.singular_values.iter().map(|s| s * s).collect(),
            absorbed: outcome.budget,
            rank: outcome.discrepancy_rank,
        };
        let curve = error_curve(analysis, outcome);
        let mut models = vec![
            Tile { title: "W̄ (target)".into(), matrix: problem.target.clone() },
            Tile { title: "ΠW_l (frozen)".into(), matrix: discrepancy.frozen_product.clone() },
        ];
        let mut rows = Vec::new();
        if let Ok(c) = &outcome.construction {
            models.push(Tile { title: "Π(W_l+ΔW_l) (adapted)".into(), matrix: c.adapted_product.clone() });
            rows.push(TileRow { tiles: models, shared_scale: true });
            rows.push(TileRow {
                shared_scale: false,
                tiles: c
                    .adapters
                    .iter()
                    .enumerate()
                    .map(|(l, a)| Tile {
                        title: format!("ΔW{} (rank {})", subscript(l + 1), a.rank),
                        matrix: a.delta.clone(),
                    })
                    .collect(),
            });
        } else {
            rows.push(TileRow { tiles: models, shared_scale: true });
        }
        Figures { spectrum, curve, heatmaps: HeatmapData { rows } }
    }

    /// Draws one figure into `area`.
    pub fn draw<DB: DrawingBackend>(
        &self,
        figure: Figure,
        area: &DrawingArea<DB, Shift>,
        theme: &Theme,
    ) -> Result<(), PlotError> {
        match figure {
            Figure::Spectrum => spectrum::draw(area, &self.spectrum, theme),
            Figure::ErrorCurve => curves::draw(area, &self.curve, theme),
            Figure::Heatmaps => heatmaps::draw(area, &self.heatmaps, theme),
        }
    }

    /// Export size of a figure in CSS pixels.
    pub fn size(&self, figure: Figure) -> (u32, u32) {
        figure.size(self.heatmaps.rows.len())
    }

    /// An SVG document of the given figures stacked vertically, drawn by the same code as the page.
    pub fn svg(&self, figures: &[Figure], theme: &Theme) -> Result<String, PlotError> {
        let width = figures.iter().map(|&f| self.size(f).0).max().unwrap_or(760);
        let height: u32 = figures.iter().map(|&f| self.size(f).1).sum();
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, (width, height.max(1))).into_drawing_area();
            let mut top = 0;
            for &figure in figures {
                let (_, h) = self.size(figure);
                let area = root.clone().shrink((0, top), (width, h));
                self.draw(figure, &area, theme)?;
                top += h;
            }
            root.present().map_err(plot_error)?;
        }
        Ok(out)
    }

    /// The plotted series as CSV in long form: `figure,series,x,y`.
    pub fn csv(&self) -> String {
        let mut out = String::from("figure,series,x,y\n");
        for (i, s) in self.spectrum.sigma_squared.iter().enumerate() {
            let series = if i < self.spectrum.absorbed { "absorbed" } else { "remaining" };
            out.push_str(&format!("spectrum,sigma_squared_{series},{},{s:e}\n", i + 1));
        }
        curves::write_csv("error", &self.curve, &mut out);
        out
    }
}

/// The error-versus-rank curve: the Eckart–Young optimum, the Gaussian-input MSE, the error the
/// construction reaches (where it could be built), the threshold ⌈rank(E)/L⌉ and the current rank.
fn error_curve(analysis: &Analysis, outcome: &Outcome) -> CurveFigure {
    let points = |f: &dyn Fn(&crate::lessons::lora_linear::CurvePoint) -> Option<f64>| {
        analysis.curve.iter().filter_map(|p| f(p).map(|y| (p.rank as f64, y))).collect::<Vec<_>>()
    };
    let current = outcome.mean_rank();
    let current_label = if current.fract() == 0.0 {
        format!("current R = {current}")
    } else {
        format!("current ΣR_l/L = {current:.2}")
    };
    CurveFigure {
        title: "Error against LoRA rank".into(),
        x_label: "LoRA rank R (every layer)".into(),
        y_label: "squared error".into(),
        x_range: (-0.5, outcome.width as f64 + 0.5),
        log_y: true,
        series: vec![
            Series {
                key: "optimal_frobenius_sq",
                label: "optimum ‖E − LR_RL(E)‖²_F (Eckart–Young)".into(),
                points: points(&|p| Some(p.optimal_frobenius_sq)),
                color: okabe_ito::BLUE,
                mark: Mark::Line,
            },
            Series {
                key: "gaussian_mse",
                label: "Gaussian-input MSE = optimum / D (dashed)".into(),
                points: points(&|p| Some(p.optimal_gaussian_mse)),
                color: okabe_ito::SKY_BLUE,
                mark: Mark::Dashed,
            },
            Series {
                key: "construction_frobenius_sq",
                label: "construction, measured ‖W̄ − Π(W_l+ΔW_l)‖²_F (circles)".into(),
                points: points(&|p| p.construction_frobenius_sq),
                color: okabe_ito::VERMILLION,
                mark: Mark::Circles,
            },
        ],
        markers: vec![
            Marker {
                key: "threshold_rank",
                x: outcome.min_exact_rank as f64,
                label: format!("exact from R = ⌈rank(E)/L⌉ = {}", outcome.min_exact_rank),
                threshold: true,
            },
            Marker { key: "current_rank", x: current, label: current_label, threshold: false },
        ],
        legend_lower_left: true,
        integer_x: true,
    }
}

fn subscript(n: usize) -> String {
    crate::lessons::format::subscript(n)
}
