//! A figure's plotted values as structured data: the long-form rows behind the CSV export, and
//! the wide "Show data" table (one row per x, one column per series named as in the legend).
//! Both are built from the figure's own data, never by re-parsing text.

use super::curves::CurveFigure;
pub use super::data_table::DataTable;
use super::figure::{Figure, FigureSet};
use crate::lessons::format::number;

/// One plotted value in long form.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// The figure's name (`data-figure`).
    pub figure: &'static str,
    /// The series' stable id (e.g. `optimal_frobenius_sq`).
    pub series: String,
    /// The series' name as the legend writes it.
    pub legend: String,
    /// The value the x-axis shows (the true k on a powers-of-two axis), or a heatmap's column.
    pub x: f64,
    /// The value, or `None` for a marker (a vertical line at `x`).
    pub y: Option<f64>,
}

/// Appends a figure's values in long form.
pub fn points(key: &'static str, figure: &Figure, out: &mut Vec<Point>) {
    let mut push = |series: String, legend: String, x: f64, y: Option<f64>| {
        out.push(Point { figure: key, series, legend: readable(&legend), x, y });
    };
    match figure {
        Figure::Curve(curve) | Figure::Scatter(super::figure::Scatter { curve, .. }) => {
            let value = |x: f64| curve.x_axis.value(x);
            for series in &curve.series {
                for &(x, y) in &series.points {
                    push(series.key.to_owned(), series.label.clone(), value(x), Some(y));
                }
            }
            for marker in &curve.markers {
                push(marker.key.to_owned(), marker.label.clone(), value(marker.x), None);
            }
        }
        Figure::Spectrum(data) => {
            for (i, s) in data.sigma_squared.iter().enumerate() {
                let (id, legend) = if i < data.absorbed {
                    ("sigma_squared_absorbed", "σᵢ(E)², absorbed by the adapters")
                } else {
                    ("sigma_squared_remaining", "σᵢ(E)², the error left")
                };
                push(id.to_owned(), legend.to_owned(), (i + 1) as f64, Some(*s));
            }
        }
        Figure::Bars(data) => {
            for (i, (p, q)) in data.prior.iter().zip(&data.posterior).enumerate() {
                let skill = (i + 1) as f64;
                push("prior_weight".into(), "prior weight π".into(), skill, Some(*p));
                push(
                    "posterior_weight".into(),
                    format!("posterior weight π̃ after {} examples", data.k),
                    skill,
                    Some(*q),
                );
            }
        }
        Figure::WeightSpace(data) => {
            for (i, (c, s)) in data.centres.iter().zip(&data.shifted).enumerate() {
                let b = i + 1;
                push(format!("w_{b}_pretrained"), format!("skill {b}: pretrained w"), c.0, Some(c.1));
                push(format!("w_{b}_shifted"), format!("skill {b}: shifted w̃"), s.0, Some(s.1));
            }
        }
        Figure::PromptPlane(data) => {
            for c in &data.centres {
                push("mu".into(), "a skill's input mean μ (in skill order)".into(), c.0, Some(c.1));
            }
            push("input_sd".into(), "s.d. of a skill's inputs (the circles' radius)".into(), 0.0, Some(data.spread));
            for e in &data.examples {
                push("example".into(), "example input".into(), e.0, Some(e.1));
            }
            for (i, e) in data.examples.iter().enumerate() {
                push("example_label".into(), "label y of example i".into(), (i + 1) as f64, Some(e.2));
            }
            push("query".into(), "query input".into(), data.query.0, Some(data.query.1));
            if !data.examples.is_empty() {
                push("mean_input".into(), "x̄, mean of the k + 1 inputs".into(), data.mean.0, Some(data.mean.1));
            }
        }
        Figure::Heatmaps(data) => {
            for tile in data.rows.iter().flat_map(|r| &r.tiles) {
                for (i, row) in tile.matrix.row_iter().enumerate() {
                    let name = format!("{}, row {}", tile.title, i + 1);
                    for (j, v) in row.iter().enumerate() {
                        push(name.clone(), name.clone(), (j + 1) as f64, Some(*v));
                    }
                }
            }
        }
    }
}

/// One CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// The readable table of a figure: its headings, cells and notes written without the figures'
/// markup (`readable`).
pub fn table(figure: &Figure) -> DataTable {
    let table = raw_table(figure);
    DataTable {
        columns: table.columns.iter().map(|c| readable(c)).collect(),
        rows: table.rows.iter().map(|row| row.iter().map(|c| readable(c)).collect()).collect(),
        notes: table.notes.iter().map(|n| readable(n)).collect(),
    }
}

/// A label written with the figures' markup (`W_l`, `‖·‖_F^2`, see `rich`) as plain text: sub-
/// and superscripts as Unicode's where it has them all (`W₁`, `²`), else after a `_` or `^`
/// (`LR_RL`), the braces dropped.
pub fn readable(text: &str) -> String {
    const SUB: (&str, &str) = ("0123456789+−=()aehijklmnoprstuvxβγρφχ", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ");
    const SUP: (&str, &str) = ("0123456789+−=()in", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿ");
    let script = |run: &str, (from, to): (&str, &str), mark: char| -> String {
        let mapped: Option<String> =
            run.chars().map(|c| from.chars().position(|f| f == c).and_then(|i| to.chars().nth(i))).collect();
        mapped.unwrap_or_else(|| format!("{mark}{run}"))
    };
    super::rich::runs(text)
        .into_iter()
        .map(|(run, level)| match level {
            super::rich::Level::Base => run,
            super::rich::Level::Sub => script(&run, SUB, '_'),
            super::rich::Level::Sup => script(&run, SUP, '^'),
        })
        .collect()
}

fn raw_table(figure: &Figure) -> DataTable {
    match figure {
        Figure::Curve(curve) => curve_table(curve),
        Figure::Scatter(scatter) => scatter.table.clone(),
        Figure::Spectrum(data) => DataTable {
            columns: vec!["i".into(), "σᵢ(E)²".into(), "absorbed by the adapters".into()],
            rows: data
                .sigma_squared
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    vec![(i + 1).to_string(), number(*s), if i < data.absorbed { "yes" } else { "no" }.into()]
                })
                .collect(),
            notes: vec![format!("rank(E) = {}", data.rank)],
        },
        Figure::Bars(data) => DataTable {
            columns: vec![
                "skill β".into(),
                "prior weight π_β".into(),
                format!("posterior weight π̃_β after {} examples", data.k),
            ],
            rows: data
                .prior
                .iter()
                .zip(&data.posterior)
                .enumerate()
                .map(|(i, (p, q))| vec![(i + 1).to_string(), number(*p), number(*q)])
                .collect(),
            notes: Vec::new(),
        },
        Figure::WeightSpace(data) => DataTable {
            columns: ["skill β", "w_β (1st)", "w_β (2nd)", "w̃_β (1st)", "w̃_β (2nd)", "π̃_β"].map(String::from).to_vec(),
            rows: data
                .centres
                .iter()
                .zip(&data.shifted)
                .zip(&data.weights)
                .enumerate()
                .map(|(i, ((c, s), w))| {
                    vec![(i + 1).to_string(), number(c.0), number(c.1), number(s.0), number(s.1), number(*w)]
                })
                .collect(),
            notes: vec![format!("task w* = ({}, {})", number(data.task.0), number(data.task.1))],
        },
        Figure::PromptPlane(data) => {
            // The plotted values as the CSV lists them: a point's two input coordinates; an
            // example's number and its label; the circles' radius.
            let (a, b) = data.axis_names();
            let mut out = Vec::new();
            points("prompt", figure, &mut out);
            let rows =
                out.into_iter().map(|p| vec![p.legend, number(p.x), p.y.map_or_else(String::new, number)]).collect();
            let notes = vec![format!("x, y: {a} and {b}; for a label, x is the example's number and y its label")];
            DataTable { columns: vec!["value".into(), "x".into(), "y".into()], rows, notes }
        }
        Figure::Heatmaps(data) => {
            let width = data.rows.iter().flat_map(|r| &r.tiles).map(|t| t.matrix.ncols()).max().unwrap_or(0);
            let mut columns = vec!["matrix".to_owned(), "row".to_owned()];
            columns.extend((1..=width).map(|j| format!("column {j}")));
            let rows = data
                .rows
                .iter()
                .flat_map(|r| &r.tiles)
                .flat_map(|tile| {
                    tile.matrix.row_iter().enumerate().map(move |(i, row)| {
                        let mut cells = vec![tile.title.clone(), (i + 1).to_string()];
                        cells.extend(row.iter().map(|v| number(*v)));
                        cells
                    })
                })
                .collect();
            DataTable { columns, rows, notes: Vec::new() }
        }
    }
}

/// One row per x value shown on the axis, one column per series (legend name).
fn curve_table(curve: &CurveFigure) -> DataTable {
    let value = |x: f64| curve.x_axis.value(x);
    let mut xs: Vec<f64> = curve.series.iter().flat_map(|s| s.points.iter().map(|p| p.0)).collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    let mut columns = vec![curve.x_label.clone()];
    // A series without a legend entry of its own (the ±2 SE lines) is named after the series
    // it belongs to, the last one named before it.
    let mut named = String::new();
    for series in &curve.series {
        if series.label.is_empty() {
            columns.push(unnamed_heading(&named, series.key));
        } else {
            named.clone_from(&series.label);
            columns.push(series.label.clone());
        }
    }
    let rows = xs
        .iter()
        .map(|&x| {
            let mut cells = vec![number(value(x))];
            cells.extend(
                curve
                    .series
                    .iter()
                    .map(|s| s.points.iter().find(|p| p.0 == x).map_or_else(String::new, |p| number(p.1))),
            );
            cells
        })
        .collect();
    let mut notes: Vec<String> =
        curve.markers.iter().map(|m| format!("{} (at {})", m.label, number(value(m.x)))).collect();
    if curve.series.iter().any(|s| s.key.ends_with("_2se")) {
        notes.push("SE: the standard error of the Monte Carlo mean.".to_owned());
    }
    DataTable { columns, rows, notes }
}

/// The heading of a series that has no legend entry: what it is, after the series it belongs to.
fn unnamed_heading(belongs_to: &str, key: &str) -> String {
    let what = match key {
        "risk_minus_2se" => "− 2 SE".to_owned(),
        "risk_plus_2se" => "+ 2 SE".to_owned(),
        other => other.replace('_', " "),
    };
    if belongs_to.is_empty() {
        what
    } else {
        format!("{belongs_to} {what}")
    }
}

/// A lesson's figures as data: long-form points, CSV and "Show data" tables.
impl FigureSet {
    /// Every figure's plotted values in long form, in page order.
    pub fn points(&self) -> Vec<Point> {
        let mut out = Vec::new();
        for (key, figure) in &self.figures {
            points(key, figure, &mut out);
        }
        out
    }

    /// Every figure's plotted values as CSV in long form: `figure,series,x,y,legend` — the
    /// series' stable id, the value the x-axis shows (the true k; a heatmap's column), the value
    /// (empty for a reference line) and the series' name as the legend writes it.
    pub fn csv(&self) -> String {
        self.csv_of(None)
    }

    /// The CSV of one figure (`Some(key)`) or of all.
    pub fn csv_of(&self, key: Option<&str>) -> String {
        let mut out = String::from("figure,series,x,y,legend\n");
        for p in self.points().into_iter().filter(|p| key.is_none_or(|k| p.figure == k)) {
            let y = p.y.map_or_else(String::new, |y| format!("{y:e}"));
            out.push_str(&format!("{},{},{},{y},{}\n", p.figure, csv_field(&p.series), p.x, csv_field(&p.legend)));
        }
        out
    }

    /// The "Show data" table of the figure named `key`.
    pub fn table(&self, key: &str) -> Option<DataTable> {
        self.get(key).map(table)
    }
}

#[cfg(test)]
mod tests {
    use super::readable;

    #[test]
    fn markup_is_written_as_a_reader_reads_it() {
        assert_eq!(readable("optimum ‖E − LR_{RL}(E)‖_F^2 (Eckart–Young)"), "optimum ‖E − LR_RL(E)‖_F² (Eckart–Young)");
        assert_eq!(readable("W_1 and σ_{12}^2"), "W₁ and σ₁₂²");
        assert_eq!(readable("δ = 1/81"), "δ = 1/81");
    }
}
