//! Figures of the in-context-learning lessons: Monte Carlo risk against k (with ±2 standard-error
//! lines, the retrieval-target risk and the Figure 6 bound) and the mean posterior weights.

use super::curves::{power_position, prefix_position, CurveFigure, Mark, Marker, Series, XAxis};
use super::figure::{Figure, FigureSet};
use super::style::okabe_ito;
use crate::icl::risk::{RiskPoint, RiskRun};
use crate::lessons::icl::{KAxis, Sweep};

const PALETTE: [plotters::style::RGBColor; 5] =
    [okabe_ito::BLUE, okabe_ito::VERMILLION, okabe_ito::GREEN, okabe_ito::PURPLE, okabe_ito::ORANGE];
const MARKS: [Mark; 5] = [Mark::LineCircles, Mark::LineSquares, Mark::Line, Mark::Dashed, Mark::LineCircles];
/// Figure keys in page order.
pub const KEYS: [&str; 6] = ["panel-1", "panel-2", "panel-3", "panel-4", "panel-5", "panel-6"];

/// The points of a lower ±2 SE line that a log axis can show: where mean − 2 SE ≤ 0 the band
/// reaches zero, which a log axis cannot draw, so those points are left out (not drawn at the floor,
/// where they would read as "zero to machine precision").
fn positive(points: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    points.into_iter().filter(|p| p.1 > 0.0).collect()
}

/// Where k sits on the sweep's axis.
fn x_of(k_axis: KAxis, k: usize) -> f64 {
    match k_axis {
        KAxis::Linear => k as f64,
        KAxis::PowersOfTwo => power_position(k),
        KAxis::PowersOfTwoMinusOne => prefix_position(k),
    }
}

fn axis(k_axis: KAxis, run: &RiskRun) -> (XAxis, (f64, f64), String) {
    let last = run.points.last().map_or(1, |p| p.k);
    let label = "number of in-context examples k".to_owned();
    match k_axis {
        KAxis::Linear => (XAxis::Integer, (-0.5, last as f64 + 0.5), label),
        KAxis::PowersOfTwo => (XAxis::PowersOfTwo, (-0.3, power_position(last) + 0.3), label),
        KAxis::PowersOfTwoMinusOne => (XAxis::PowersOfTwoMinusOne, (-0.3, prefix_position(last) + 0.3), label),
    }
}

/// What the risk lesson's verdict found on its curve, marked on the figure.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Landmarks {
    /// B, with bounded efficacy.
    pub best_k: Option<usize>,
    /// P and the relative rise of the risk from k = 0 to P, with an early ascent.
    pub peak: Option<(usize, f64)>,
}

/// The single-curve risk lesson: `risk` (on a logarithmic risk axis when `log_axis`, else a
/// linear one) and `weights`.
pub fn risk_figures(sweep: &Sweep, landmarks: &Landmarks, log_axis: bool) -> FigureSet {
    let Some(curve) = sweep.curves.first() else { return FigureSet::default() };
    let run = &curve.run;
    let k_axis = sweep.k_axis;
    let (x_axis, x_range, x_label) = axis(k_axis, run);
    let line = |f: &dyn Fn(&RiskPoint) -> f64| -> Vec<(f64, f64)> {
        run.points.iter().filter(|p| p.risk.count() > 0).map(|p| (x_of(k_axis, p.k), f(p))).collect()
    };
    let mut series = vec![
        Series {
            key: "risk",
            label: "risk E[(F* − ⟨x, w*⟩)²] against the in-context task".into(),
            points: line(&|p| p.risk.mean()),
            color: okabe_ito::BLUE,
            mark: Mark::LineCircles,
        },
        Series {
            key: "risk_minus_2se",
            label: "± 2 standard errors (thin dashed)".into(),
            points: positive(line(&|p| p.risk.mean() - 2.0 * p.risk.standard_error())),
            color: okabe_ito::SKY_BLUE,
            mark: Mark::Dashed,
        },
        Series {
            key: "risk_plus_2se",
            label: String::new(),
            points: line(&|p| p.risk.mean() + 2.0 * p.risk.standard_error()),
            color: okabe_ito::SKY_BLUE,
            mark: Mark::Dashed,
        },
        Series {
            key: "retrieval_risk",
            label: format!("risk against skill {}'s function w_α (the skill nearest μ*)", run.retrieved_skill() + 1),
            points: line(&|p| p.retrieval_risk.mean()),
            color: okabe_ito::VERMILLION,
            mark: Mark::LineSquares,
        },
    ];
    if run.setup().with_bound {
        series.push(Series {
            key: "upper_bound",
            label: "upper bound E[‖x‖² Σπ̃_β‖w_β − w*‖² / λ_{min}(I+δ_w S)²]".into(),
            points: line(&|p| p.bound.mean()),
            color: okabe_ito::GREEN,
            mark: Mark::Dashed,
        });
    }
    let best = landmarks.best_k.map(|k| Marker {
        key: "best_k",
        x: x_of(k_axis, k),
        label: format!("best k = {k}"),
        threshold: true,
    });
    // The early ascent is a rise of a few per cent on an axis of many decades: the line at its
    // peak says how large it is.
    let peak = landmarks.peak.map(|(k, rise)| Marker {
        key: "peak_k",
        x: x_of(k_axis, k),
        label: format!("early ascent: peak at k = {k}, {:+.0} % over k = 0", 100.0 * rise),
        threshold: true,
    });
    let markers = best.into_iter().chain(peak).collect();
    let risk = CurveFigure {
        title: "Risk of the Bayes-optimal in-context predictor".into(),
        x_label: x_label.clone(),
        y_label: "squared error".into(),
        x_range,
        log_y: log_axis,
        series,
        markers,
        y_span: None,
        legend_lower_left: true,
        x_axis,
    };
    let weights = CurveFigure {
        title: "Mean posterior weight of each skill".into(),
        x_label,
        y_label: "E[π̃_β]".into(),
        x_range,
        log_y: false,
        series: (0..run.setup().prior.skills())
            .map(|b| Series {
                key: "weight",
                label: format!(
                    "skill {}{}",
                    b + 1,
                    if b == run.retrieved_skill() { " (nearest the inputs' mean μ*)" } else { "" }
                ),
                points: line(&|p| p.weights[b].mean()),
                color: PALETTE[b % 5],
                mark: MARKS[b % 5],
            })
            .collect(),
        markers: Vec::new(),
        y_span: None,
        legend_lower_left: false,
        x_axis,
    };
    FigureSet { figures: vec![("risk", Figure::Curve(risk)), ("weights", Figure::Curve(weights))] }
}

/// A paper figure: one risk panel per panel title (learning and retrieval for Figures 9–11),
/// and for Figures 4 and 6 a panel of the retrieved skill's mean weight. The risk curves of
/// Figures 4, 5 and 6 come with thin dashed ±2 standard-error lines in their own colour.
pub fn paper_figures(sweep: &Sweep, figure: crate::lessons::icl_figures::IclFigure) -> FigureSet {
    use crate::lessons::icl_figures::IclFigure;
    let k_axis = sweep.k_axis;
    let mut figures = Vec::new();
    let Some(first) = sweep.curves.first() else { return FigureSet::default() };
    let (x_axis, x_range, x_label) = axis(k_axis, &first.run);
    let panel = |title: String, series: Vec<Series>, log_y: bool| CurveFigure {
        title,
        x_label: x_label.clone(),
        y_label: if log_y { "squared error".into() } else { "E[π̃_α]".into() },
        x_range,
        log_y,
        series,
        markers: Vec::new(),
        y_span: None,
        legend_lower_left: !log_y || figure == IclFigure::Six,
        x_axis,
    };
    let points = |run: &RiskRun, f: &dyn Fn(&RiskPoint) -> f64| -> Vec<(f64, f64)> {
        run.points.iter().filter(|p| p.risk.count() > 0).map(|p| (x_of(k_axis, p.k), f(p))).collect()
    };
    let retrieval_split = matches!(figure, IclFigure::Nine | IclFigure::Ten | IclFigure::Eleven);
    for (index, title) in sweep.panels.iter().enumerate() {
        let in_panel: Vec<(usize, &crate::lessons::icl::Curve)> =
            sweep.curves.iter().filter(|c| retrieval_split || c.panel == index).enumerate().collect();
        let mut series = Vec::new();
        for (i, curve) in in_panel {
            let risk: &dyn Fn(&RiskPoint) -> f64 =
                if retrieval_split && index == 1 { &|p| p.retrieval_risk.mean() } else { &|p| p.risk.mean() };
            series.push(Series {
                key: "risk",
                label: curve.label.clone(),
                points: points(&curve.run, risk),
                color: PALETTE[i % 5],
                mark: MARKS[i % 5],
            });
            if !retrieval_split {
                // ±2 standard errors of the Monte Carlo mean (no legend entry of their own).
                for (key, sign) in [("risk_minus_2se", -2.0), ("risk_plus_2se", 2.0)] {
                    series.push(Series {
                        key,
                        label: String::new(),
                        points: positive(points(&curve.run, &|p| p.risk.mean() + sign * p.risk.standard_error())),
                        color: PALETTE[i % 5],
                        mark: Mark::ThinDashed,
                    });
                }
            }
            if curve.run.setup().with_bound {
                series.push(Series {
                    key: "upper_bound",
                    label: "upper bound (dashed)".into(),
                    points: points(&curve.run, &|p| p.bound.mean()),
                    color: okabe_ito::SKY_BLUE,
                    mark: Mark::Dashed,
                });
            }
        }
        figures.push(Figure::Curve(panel(title.clone(), series, true)));
    }
    // The risk panels are small multiples read side by side: one risk axis for all of them, fitted
    // to the risks and their ±2 standard errors (an upper bound far above them is cut off at the top).
    let risks: Vec<f64> = figures
        .iter()
        .filter_map(|f| if let Figure::Curve(c) = f { Some(c) } else { None })
        .flat_map(|c| c.series.iter().filter(|s| s.key.starts_with("risk")).flat_map(|s| s.points.iter().map(|p| p.1)))
        .filter(|y| y.is_finite() && *y > 0.0)
        .collect();
    if figures.len() > 1 && !risks.is_empty() {
        let (lo, hi) = risks.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &y| (lo.min(y), hi.max(y)));
        // As a log axis fits one figure: a third below the smallest, twenty times above the largest.
        let shared = (lo / 3.0, hi * 20.0);
        for f in &mut figures {
            if let Figure::Curve(c) = f {
                c.y_span = Some(shared);
            }
        }
    }
    if matches!(figure, IclFigure::Four | IclFigure::Six) {
        let series = sweep
            .curves
            .iter()
            .enumerate()
            .map(|(i, c)| Series {
                key: "weight_retrieved",
                label: c.label.clone(),
                points: points(&c.run, &|p| p.weights[c.run.retrieved_skill()].mean()),
                color: PALETTE[i % 5],
                mark: MARKS[i % 5],
            })
            .collect();
        let title = if figure == IclFigure::Six {
            "Weight of the misleading skill 1 against k"
        } else {
            "Weight of the nearest skill 1 against k"
        };
        figures.push(Figure::Curve(panel(title.into(), series, false)));
    }
    FigureSet { figures: figures.into_iter().zip(KEYS).map(|(f, k)| (k, f)).collect() }
}
