//! How a link asks the page to present itself, independent of the lesson's parameters:
//! `embed=1` shows a single figure with only its own controls (for an `<iframe>` in a course
//! page), `figure=` names that figure and `controls=` whitelists the controls shown.
//! Like every other setting these are validated here, and a bad value is repaired with a notice.

use super::fields;
use super::values::shown;
use super::View;

/// How the page presents the current lesson.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Display {
    /// One figure with its own controls and an "open in the full lab" link.
    pub embed: bool,
    /// The figure an embed shows (`None`: the lesson's first figure).
    pub figure: Option<&'static str>,
    /// The controls an embed shows (`None`: all of the lesson's controls).
    pub controls: Option<Vec<&'static str>>,
}

impl View {
    /// The lesson's figures (the page's `data-figure` names), in page order.
    pub fn figure_keys(self) -> &'static [&'static str] {
        match self {
            View::LoraLinear => &["spectrum", "error", "heatmaps"],
            View::LoraFnn | View::LoraTransformer => &["error"],
            View::LoraTraining => &["loss", "outputs"],
            View::Paper => &["panel-1", "panel-2"],
            View::IclPrompt => &["weights", "prompt", "functions"],
            View::IclRisk => &["risk", "weights"],
            View::IclPaper => &["panel-1", "panel-2", "panel-3", "panel-4", "panel-5", "panel-6"],
        }
    }
}

impl Display {
    /// The figure an embed shows: the named one, else the lesson's first.
    pub fn figure_or_first(&self, view: View) -> &'static str {
        self.figure.unwrap_or(view.figure_keys()[0])
    }

    /// Whether `key` is one of the display settings `read` takes.
    pub(super) fn knows(&self, key: &str) -> bool {
        matches!(key, "embed" | "figure" | "controls")
    }

    /// Reads one display setting; `false` when `key` is not one of them.
    pub(super) fn read(&mut self, view: View, key: &str, value: &str, notices: &mut Vec<String>) -> bool {
        match key {
            "embed" => match value {
                "1" => self.embed = true,
                "0" => self.embed = false,
                _ => notices.push(format!("embed = '{}' must be 1 or 0; showing the full lab.", shown(value))),
            },
            "figure" => match view.figure_keys().iter().find(|k| **k == value) {
                Some(key) => self.figure = Some(key),
                None => notices.push(format!(
                    "figure = '{}' is not a figure of this lesson (it has {}); showing {}.",
                    shown(value),
                    view.figure_keys().join(", "),
                    view.figure_keys()[0]
                )),
            },
            "controls" => {
                let mut chosen = Vec::new();
                for name in value.split(',').filter(|n| !n.is_empty()) {
                    match fields::all().find(|f| f.view == view && f.key == name) {
                        Some(field) if !chosen.contains(&field.key) => chosen.push(field.key),
                        Some(_) => {}
                        None => notices.push(format!(
                            "controls: '{}' is not a setting of this lesson; it is left out.",
                            shown(name)
                        )),
                    }
                }
                self.controls = Some(chosen);
            }
            _ => return false,
        }
        true
    }

    /// Drops settings that no longer apply after the view changed.
    pub(super) fn retarget(&mut self, view: View) {
        if self.figure.is_some_and(|f| !view.figure_keys().contains(&f)) {
            self.figure = None;
        }
        if let Some(controls) = &mut self.controls {
            controls.retain(|key| fields::all().any(|f| f.view == view && f.key == *key));
        }
    }

    /// The canonical suffix (`&embed=1&figure=…&controls=…`), empty for the full lab.
    pub(super) fn serialise(&self) -> String {
        let mut out = String::new();
        if self.embed {
            out.push_str("&embed=1");
        }
        if let Some(figure) = self.figure {
            out.push_str("&figure=");
            out.push_str(figure);
        }
        if let Some(controls) = &self.controls {
            out.push_str("&controls=");
            out.push_str(&controls.join(","));
        }
        out
    }
}
