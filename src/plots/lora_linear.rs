//! The linear LoRA lesson's figures: which data each figure gets from the lesson's results.

use super::curves::{CurveFigure, Mark, Marker, Series, XAxis};
use super::figure::{Figure, FigureSet};
use super::heatmaps::{HeatmapData, Tile, TileRow};
use super::spectrum::SpectrumData;
use super::style::okabe_ito;
use crate::lessons::lora_linear::{Analysis, CurvePoint, Outcome, Problem};

/// The lesson's figures: `spectrum`, `error` and `heatmaps`, filled from its results.
pub fn figures(problem: &Problem, analysis: &Analysis, outcome: &Outcome) -> FigureSet {
    let discrepancy = &analysis.discrepancy;
    let spectrum = SpectrumData {
        sigma_squared: outcome.singular_values.iter().map(|s| s * s).collect(),
        absorbed: outcome.budget,
        rank: outcome.discrepancy_rank,
    };
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
    FigureSet {
        figures: vec![
            ("spectrum", Figure::Spectrum(spectrum)),
            ("error", Figure::Curve(error_curve(analysis, outcome))),
            ("heatmaps", Figure::Heatmaps(HeatmapData { rows })),
        ],
    }
}

/// The error-versus-rank curve: the Eckart–Young optimum, the Gaussian-input MSE, the error the
/// construction reaches (where it could be built), the threshold ⌈rank(E)/L⌉ and the current rank.
fn error_curve(analysis: &Analysis, outcome: &Outcome) -> CurveFigure {
    let threshold = Marker {
        key: "threshold_rank",
        x: outcome.min_exact_rank as f64,
        label: format!("exact from R = ⌈rank(E)/L⌉ = {}", outcome.min_exact_rank),
        threshold: true,
    };
    curve_figure(&analysis.curve, outcome.width, outcome.mean_rank(), Some(threshold))
}

/// The lesson's figures while the frozen layers are still being pretrained: the target's
/// heatmap, and the spectrum and error curve with nothing drawn yet (E is not known).
pub fn pending(problem: &Problem) -> FigureSet {
    let width = problem.width();
    let mean_rank = problem.ranks.iter().sum::<usize>() as f64 / problem.depth().max(1) as f64;
    let target = Tile { title: "W̄ (target)".into(), matrix: problem.target.clone() };
    FigureSet {
        figures: vec![
            ("spectrum", Figure::Spectrum(SpectrumData { sigma_squared: Vec::new(), absorbed: 0, rank: 0 })),
            ("error", Figure::Curve(curve_figure(&[], width, mean_rank, None))),
            (
                "heatmaps",
                Figure::Heatmaps(HeatmapData { rows: vec![TileRow { tiles: vec![target], shared_scale: true }] }),
            ),
        ],
    }
}

/// The error-versus-rank figure for the points of `curve` (width D), the current mean rank and,
/// once rank(E) is known, the threshold.
fn curve_figure(curve: &[CurvePoint], width: usize, current: f64, threshold: Option<Marker>) -> CurveFigure {
    let points = |f: &dyn Fn(&CurvePoint) -> Option<f64>| {
        curve.iter().filter_map(|p| f(p).map(|y| (p.rank as f64, y))).collect::<Vec<_>>()
    };
    let current_label = if current.fract() == 0.0 {
        format!("current R = {current}")
    } else {
        format!("current ΣR_l/L = {current:.2}")
    };
    CurveFigure {
        title: "Error against LoRA rank".into(),
        x_label: "LoRA rank R (every layer)".into(),
        y_label: "squared error".into(),
        x_range: (-0.5, width as f64 + 0.5),
        log_y: true,
        series: vec![
            Series {
                key: "optimal_frobenius_sq",
                label: "optimum ‖E − LR_{RL}(E)‖_F^2 (Eckart–Young)".into(),
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
                label: "construction, measured ‖W̄ − Π(W_l+ΔW_l)‖_F^2 (circles)".into(),
                points: points(&|p| p.construction_frobenius_sq),
                color: okabe_ito::VERMILLION,
                mark: Mark::Circles,
            },
        ],
        markers: threshold
            .into_iter()
            .chain([Marker { key: "current_rank", x: current, label: current_label, threshold: false }])
            .collect(),
        y_span: None,
        legend_lower_left: true,
        x_axis: XAxis::Integer,
    }
}

fn subscript(n: usize) -> String {
    crate::lessons::format::subscript(n)
}
