//! Figures of the training lesson: the training loss against step (`loss`), and the adapted
//! models' outputs against the target's on the probe inputs (`outputs`, a scatter around y = x).

use super::curves::{CurveFigure, Mark, Series, XAxis};
use super::data::DataTable;
use super::figure::{Figure, FigureSet, Scatter};
use super::style::okabe_ito;
use crate::lessons::format::number;
use crate::lessons::lora_training::{ModelKind, Params, Run, LEARNING_RATES};
use crate::lessons::training_probes::{self, PROBES};
use crate::linalg::Matrix;

/// The training lesson's figures: `loss`, then `outputs`.
pub fn training_figures(run: &Run, params: &Params) -> FigureSet {
    FigureSet { figures: vec![("loss", Figure::Curve(loss_figure(run, params))), ("outputs", outputs_figure(run))] }
}

/// The figure `loss`: the per-step training loss (thinned to at most 1,000 points), the
/// construction's MSE and the closed-form reference as horizontal lines, and the trained model's
/// test MSE once the run is done.
fn loss_figure(run: &Run, params: &Params) -> CurveFigure {
    let losses = run.losses();
    let stride = losses.len().div_ceil(1_000).max(1);
    let mut series = vec![Series {
        key: "training_loss",
        label: "training loss (fresh batch of 256 per step)".into(),
        points: losses
            .iter()
            .enumerate()
            .filter(|(i, _)| i % stride == 0 || i + 1 == losses.len())
            .map(|(i, &l)| ((i + 1) as f64, l))
            .collect(),
        color: okabe_ito::BLUE,
        mark: Mark::Line,
    }];
    let end = run.planned() as f64;
    if let Some(c) = run.references.construction {
        series.push(Series {
            key: "construction_mse",
            label: "construction at the same rank (dashed)".into(),
            points: vec![(0.0, c), (end, c)],
            color: okabe_ito::VERMILLION,
            mark: Mark::Dashed,
        });
    }
    if let Some(b) = run.references.closed_form {
        let label = match params.model {
            ModelKind::Linear => "optimum (1/D) Σ_{i>RL} σ_i(E)² (closed form)",
            ModelKind::Relu => "bound for L̄ = 1: (1/D) Σ_{i>RL} σ_i(E)²",
        };
        series.push(Series {
            key: "closed_form",
            label: label.into(),
            points: vec![(0.0, b), (end, b)],
            color: okabe_ito::SKY_BLUE,
            mark: Mark::Line,
        });
    }
    if let Some(t) = run.final_test_mse {
        series.push(Series {
            key: "trained_test_mse",
            label: "trained adapters, MSE on fresh test inputs (circle)".into(),
            points: vec![(run.steps() as f64, t)],
            color: okabe_ito::GREEN,
            mark: Mark::Circles,
        });
    }
    CurveFigure {
        title: format!(
            "Adam on LoRA, R = {}, learning rate {}",
            params.rank,
            LEARNING_RATES.get(params.learning_rate).unwrap_or(&"?")
        ),
        x_label: "Adam step".into(),
        y_label: "mean squared error".into(),
        x_range: (0.0, end),
        log_y: true,
        series,
        markers: Vec::new(),
        y_span: None,
        legend_lower_left: false,
        x_axis: XAxis::Decimal,
    }
}

/// The adapted models' outputs on the probe inputs: the trained adapters' as of the run's current
/// step (none once the run has diverged: its outputs are meaningless) and the construction's
/// (none where it cannot be used).
pub fn adapted_outputs(run: &Run) -> (Option<Matrix>, Option<&Matrix>) {
    ((!run.diverged()).then(|| run.trained_outputs()), run.probes.construction.as_ref())
}

/// The figure `outputs`: every output coordinate of every probe input, the target's value across
/// and the adapted model's up, for the trained adapters (circles, as of the run's current step)
/// and the construction (squares), with the line y = x on which the adapted model equals the
/// target. Both axes span the same range, so the line is the diagonal.
fn outputs_figure(run: &Run) -> Figure {
    let target = &run.probes.target;
    let (trained, construction) = adapted_outputs(run);
    let trained_pairs = trained.as_ref().map(|m| training_probes::pairs(target, m));
    let construction_pairs = construction.map(|m| training_probes::pairs(target, m));
    let values = trained_pairs.iter().chain(&construction_pairs).flatten().flat_map(|&(t, a)| [t, a]);
    let (low, high) = values.fold((0.0_f64, 0.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let pad = 0.05 * (high - low).max(1e-12);
    let line = [(low - pad, low - pad), (high + pad, high + pad)];
    let mut series = Vec::new();
    if let Some(points) = trained_pairs {
        series.push(Series {
            key: "trained_outputs",
            label: format!("trained, step {}", run.steps()),
            points,
            color: okabe_ito::BLUE,
            mark: Mark::Circles,
        });
    }
    if let Some(points) = construction_pairs {
        series.push(Series {
            key: "construction_outputs",
            label: "construction".into(),
            points,
            color: okabe_ito::VERMILLION,
            mark: Mark::Squares,
        });
    }
    // The line y = x is named by the caption, not the legend: a third entry leaves a phone's
    // legend no free corner.
    series.push(Series {
        key: "identity",
        label: String::new(),
        points: line.to_vec(),
        color: okabe_ito::PURPLE,
        mark: Mark::Dashed,
    });
    let mut curve = CurveFigure {
        title: format!("Adapted against target, {} probe inputs", target.ncols()),
        x_label: "target's output f̄(x)ᵢ".into(),
        y_label: "adapted model's output f(x)ᵢ".into(),
        x_range: (0.0, 1.0),
        log_y: false,
        series,
        markers: Vec::new(),
        y_span: None,
        legend_lower_left: false,
        x_axis: XAxis::Decimal,
    };
    // The same range across as up (the y-axis's range comes from the data, which includes the line).
    curve.x_range = curve.y_range();
    let mut adapted = Vec::new();
    if let Some(m) = &trained {
        adapted.push((format!("trained adapters after {} steps", run.steps()), m));
    }
    if let Some(m) = construction {
        adapted.push(("construction".to_owned(), m));
    }
    Figure::Scatter(Scatter { table: outputs_table(target, &adapted), curve })
}

/// The "Show data" table of the figure `outputs`: one row per probe input and output coordinate,
/// the target's output and each adapted model's (empty where one is not finite).
fn outputs_table(target: &Matrix, adapted: &[(String, &Matrix)]) -> DataTable {
    let mut columns = vec!["probe input".to_owned(), "output i".to_owned(), "target's output".to_owned()];
    columns.extend(adapted.iter().map(|(name, _)| name.clone()));
    let shown = |v: f64| if v.is_finite() { number(v) } else { String::new() };
    let width = target.nrows().max(1);
    let rows = target
        .iter()
        .enumerate()
        .map(|(index, &t)| {
            let mut cells = vec![(index / width + 1).to_string(), (index % width + 1).to_string(), shown(t)];
            cells.extend(adapted.iter().map(|(_, m)| m.as_slice().get(index).map_or_else(String::new, |&v| shown(v))));
            cells
        })
        .collect();
    let notes = vec![format!(
        "The probe inputs are the first {PROBES} of the test inputs; on the line y = x an adapted output equals the target's."
    )];
    DataTable { columns, rows, notes }
}
