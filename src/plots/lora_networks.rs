//! Figures of the ReLU-network and transformer lessons: the construction's MSE against rank.

use super::curves::{CurveFigure, Mark, Marker, Series, XAxis};
use super::figure::{Figure, FigureSet};
use super::style::okabe_ito;
use crate::lessons::{lora_fnn, lora_transformer};

fn current_marker(rank: usize) -> Marker {
    Marker { key: "current_rank", x: rank as f64, label: format!("current R = {rank}"), threshold: false }
}

/// The FNN lesson's figure `error`: test and calibration MSE of the construction, the L̄ = 1 bound,
/// the threshold ⌈max_i rank(E_i)/M⌉ and the current rank.
pub fn fnn_figures(analysis: &lora_fnn::Analysis, params: &lora_fnn::Params) -> FigureSet {
    let points = |f: &dyn Fn(&lora_fnn::RankResult) -> Option<f64>| {
        analysis.computed().filter_map(|r| f(r).map(|y| (r.rank as f64, y))).collect::<Vec<_>>()
    };
    let failed = analysis.failed_ranks();
    let missing = if failed.is_empty() {
        String::new()
    } else {
        format!(
            "; none at R = {}, where rounding or a singular product makes it unusable",
            failed.iter().map(usize::to_string).collect::<Vec<_>>().join(", ")
        )
    };
    let mut series = vec![
        Series {
            key: "mse_test",
            label: format!("construction, MSE on {} fresh inputs (circles{missing})", lora_fnn::TEST_SIZE),
            points: points(&|r| r.mse_test),
            color: okabe_ito::VERMILLION,
            mark: Mark::Circles,
        },
        Series {
            key: "mse_calibration",
            label: format!("construction, MSE on the {} calibration inputs", lora_fnn::CALIBRATION_SIZE),
            points: points(&|r| r.mse_calibration),
            color: okabe_ito::GREEN,
            mark: Mark::LineSquares,
        },
    ];
    if params.target_depth == 1 {
        series.push(Series {
            key: "bound_single_layer",
            label: "bound for L̄ = 1: (1/D) Σ_{i>RL} σ_i(E)² (dashed)".into(),
            points: points(&|r| r.bound),
            color: okabe_ito::BLUE,
            mark: Mark::Dashed,
        });
    }
    let curve = CurveFigure {
        title: format!(
            "ReLU network: target depth L̄ = {}, frozen depth L = {}{}",
            params.target_depth,
            params.depth,
            if params.pretrained { ", pretrained frozen model" } else { "" }
        ),
        x_label: "LoRA rank R (every layer)".into(),
        y_label: "mean squared error".into(),
        x_range: (-0.5, params.width as f64 + 0.5),
        log_y: true,
        series,
        markers: vec![
            Marker {
                key: "threshold_rank",
                x: analysis.threshold as f64,
                label: format!("threshold R = ⌈max rank(E_i)/M⌉ = {}", analysis.threshold),
                threshold: true,
            },
            current_marker(params.rank),
        ],
        y_span: None,
        legend_lower_left: true,
        x_axis: XAxis::Integer,
    };
    FigureSet { figures: vec![("error", Figure::Curve(curve))] }
}

/// The transformer lesson's figure `error`: the construction's MSE, the ⌈D/2⌉ threshold and the current rank.
pub fn transformer_figures(analysis: &lora_transformer::Analysis, params: &lora_transformer::Params) -> FigureSet {
    let curve = CurveFigure {
        title: format!(
            "Transformer: L = {} block{}, H = {} heads, N = {}{}",
            params.depth,
            if params.depth > 1 { "s" } else { "" },
            params.heads,
            params.length,
            if params.pretrained { ", pretrained frozen model" } else { "" }
        ),
        x_label: "LoRA rank R (attention, last FFN matrix and output)".into(),
        y_label: "mean squared error".into(),
        x_range: (-0.5, params.width as f64 + 0.5),
        log_y: true,
        series: vec![Series {
            key: "mse",
            label: format!("construction, MSE on {} fresh sequences (circles)", lora_transformer::TEST_SEQUENCES),
            points: analysis.computed().filter_map(|r| r.mse.map(|y| (r.rank as f64, y))).collect(),
            color: okabe_ito::VERMILLION,
            mark: Mark::Circles,
        }],
        markers: vec![
            Marker {
                key: "threshold_rank",
                x: analysis.threshold as f64,
                label: format!("sufficient rank ⌈D/2⌉ = {}", analysis.threshold),
                threshold: true,
            },
            current_marker(params.rank),
        ],
        y_span: None,
        legend_lower_left: true,
        x_axis: XAxis::Integer,
    };
    FigureSet { figures: vec![("error", Figure::Curve(curve))] }
}

/// A paper-figure preset's panels: the median over the seeds computed so far of each series.
pub fn preset_figures(sweep: &crate::lessons::paper_figures::Sweep) -> FigureSet {
    let preset = sweep.preset();
    let medians = sweep.medians();
    let names = preset.series();
    let styles =
        [(okabe_ito::BLUE, Mark::LineSquares, "series_1"), (okabe_ito::VERMILLION, Mark::LineCircles, "series_2")];
    let by_parameters = preset.x_label().starts_with('#');
    let largest_x = medians.iter().flatten().flatten().map(|p| p.0).fold(1.0, f64::max);
    let keys = ["panel-1", "panel-2"];
    let figures = preset
        .panels()
        .iter()
        .enumerate()
        .map(|(panel, title)| {
            let series = medians[panel]
                .iter()
                .enumerate()
                .map(|(s, points)| {
                    let (color, mark, key) = styles[s.min(1)];
                    let seeds = points.iter().map(|p| p.2).min().unwrap_or(0);
                    let label = match seeds {
                        0 => format!("{} (not computed yet)", names[s]),
                        1 => format!("{} (one seed so far)", names[s]),
                        n => format!("{} (median of {n} seeds)", names[s]),
                    };
                    Series { key, label, points: points.iter().map(|&(x, y, _)| (x, y)).collect(), color, mark }
                })
                .collect();
            let markers = preset
                .threshold()
                .map(|t| Marker { key: "threshold_rank", x: t, label: format!("threshold R = {t}"), threshold: true })
                .into_iter()
                .collect();
            let curve = CurveFigure {
                title: preset.panel_titles().get(panel).copied().unwrap_or(title).to_owned(),
                x_label: preset.x_label().into(),
                y_label: "MSE".into(),
                x_range: if by_parameters { (0.0, largest_x * 1.04) } else { (0.5, 16.5) },
                log_y: true,
                series,
                markers,
                y_span: None,
                legend_lower_left: true,
                x_axis: if by_parameters { XAxis::Decimal } else { XAxis::Integer },
            };
            (keys[panel.min(1)], Figure::Curve(curve))
        })
        .collect();
    FigureSet { figures }
}
