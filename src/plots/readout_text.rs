//! A recorded place of a drawn figure put in words (`Figure::read`), from the figure's own data
//! when a reader asks: a point's series and coordinates, a bar's or a cell's value, a skill's centre.

use super::figure::{Figure, Scatter};
use super::readout::{Place, Readout, What};
use crate::lessons::format::number;

impl Figure {
    /// The words for `place` of this figure, or `None` when the figure no longer has it.
    pub fn read(&self, place: &Place) -> Option<Readout> {
        let text = match (self, place.what) {
            (Figure::Curve(c) | Figure::Scatter(Scatter { curve: c, .. }), What::Point { series, index }) => {
                let s = c.series.get(series)?;
                let &(x, y) = s.points.get(index)?;
                // The ±2 standard-error companion follows its series, before the next labelled one.
                let upper = c.series[series + 1..]
                    .iter()
                    .take_while(|t| t.label.is_empty())
                    .find(|t| t.key == "risk_plus_2se")
                    .and_then(|u| u.points.iter().find(|p| p.0 == x));
                let error = upper.map(|p| format!(" ± {} (one standard error)", number((p.1 - y) / 2.0)));
                let x_value = number(c.x_axis.value(x));
                let (label, y_label, x_label) = (&s.label, &c.y_label, &c.x_label);
                format!("{label}: {y_label} {}{} at {x_label} = {x_value}", number(y), error.unwrap_or_default())
            }
            (Figure::Spectrum(s), What::Bar(i)) => {
                let part = if i < s.absorbed { "absorbed by the adapters" } else { "remaining error" };
                format!("σ_{{{}}}(E)^2 = {} ({part})", i + 1, number(*s.sigma_squared.get(i)?))
            }
            (Figure::Heatmaps(h), What::Cell { row, tile, i, j }) => {
                let t = h.rows.get(row)?.tiles.get(tile)?;
                let value = t.matrix.get((i, j))?;
                format!("{}: row {}, column {}: {}", t.title, i + 1, j + 1, number(*value))
            }
            (Figure::Bars(b), What::Bar(i)) => format!(
                "skill {s}: prior π_{{{s}}} = {}, posterior π̃_{{{s}}} = {}",
                number(*b.prior.get(i)?),
                number(*b.posterior.get(i)?),
                s = i + 1
            ),
            (Figure::WeightSpace(w), What::Centre(i)) => {
                format!("skill {s}'s pretrained function w_{{{s}}} = {}", pair(*w.centres.get(i)?), s = i + 1)
            }
            (Figure::WeightSpace(w), What::Shifted(i)) => format!(
                "skill {s}'s shifted function w̃_{{{s}}} = {}, weight π̃_{{{s}}} = {}",
                pair(*w.shifted.get(i)?),
                number(*w.weights.get(i)?),
                s = i + 1
            ),
            (Figure::WeightSpace(w), What::Task) => format!("the task's function w* = {}", pair(w.task)),
            (Figure::PromptPlane(p), What::Example(i)) => {
                let &(x, y, label) = p.examples.get(i)?;
                format!(
                    "example {}: input {} (the coordinates shown), label y = {}",
                    i + 1,
                    pair((x, y)),
                    number(label)
                )
            }
            (Figure::PromptPlane(p), What::Centre(i)) => {
                format!("skill {s}'s input mean μ_{{{s}}} = {}", pair(*p.centres.get(i)?), s = i + 1)
            }
            (Figure::PromptPlane(p), What::Mean) => format!("x̄, the mean of the inputs so far = {}", pair(p.mean)),
            (Figure::PromptPlane(p), What::Task) => format!("the query = {}", pair(p.query)),
            _ => return None,
        };
        Some(Readout { x: place.x, y: place.y, text })
    }
}

fn pair((x, y): (f64, f64)) -> String {
    format!("({}, {})", number(x), number(y))
}
