//! The browser boundary: a `Lab` handle that holds the state and the lesson's cached results in
//! Rust, and hands JavaScript only small results (texts, numbers) — matrices never cross.
//! Every function here is a thin wrapper over `state`, `lessons` and `plots`.

mod bench;

use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use crate::lessons::format::number;
use crate::lessons::lora_linear::{self, Analysis, Outcome, Params, Problem};
use crate::plots::lora_linear::{Figure, Figures};
use crate::plots::Theme;
use crate::state::{self, State};

/// Installs the panic hook so a Rust panic is also logged with its message.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The models depend on these parameters only; the ranks do not change them.
fn models_key(p: &Params) -> (usize, usize, u64, lora_linear::ModelKind, usize) {
    (p.width, p.depth, p.seed, p.model, p.perturbation_rank)
}

struct Computed {
    key: (usize, usize, u64, lora_linear::ModelKind, usize),
    problem: Problem,
    analysis: Analysis,
}

/// The lab page's state and the current lesson's results.
#[wasm_bindgen]
pub struct Lab {
    state: State,
    computed: Option<Computed>,
    outcome: Option<Outcome>,
    figures: Option<Figures>,
}

/// What the page shows in words after a recompute.
#[derive(Serialize)]
struct PageText {
    fragment: String,
    check: String,
    exact: bool,
    assumption_holds: bool,
    summaries: [String; 3],
    numbers: Numbers,
}

/// The headline numbers, formatted for display and raw for tests (always finite).
#[derive(Serialize)]
struct Numbers {
    discrepancy_rank: usize,
    min_exact_rank: usize,
    budget: usize,
    optimal_frobenius_sq: f64,
    optimal_gaussian_mse: f64,
    optimal_spectral: f64,
    construction_frobenius_sq: Option<f64>,
    shown: [String; 4],
}

#[wasm_bindgen]
impl Lab {
    /// A lab at the default state.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Lab {
        Lab { state: State::default(), computed: None, outcome: None, figures: None }
    }

    /// Loads a URL fragment; returns the repair notices (empty for a clean link).
    pub fn load(&mut self, fragment: &str) -> Vec<String> {
        let parsed = state::parse(fragment);
        self.state = parsed.state;
        parsed.notices
    }

    /// Sets one control's value; returns the sentences describing any repair.
    pub fn set(&mut self, key: &str, value: &str) -> Vec<String> {
        state::set(&mut self.state, key, value)
    }

    /// The canonical fragment for the current state (without `#`).
    pub fn fragment(&self) -> String {
        state::serialise(&self.state)
    }

    /// The controls of the current view: key, label, value, min, max, options.
    pub fn controls(&self) -> Result<JsValue, JsError> {
        Ok(serde_wasm_bindgen::to_value(&state::controls(&self.state))?)
    }

    /// Recomputes the lesson (reusing the models' analysis when only ranks changed) and returns
    /// the page's texts and numbers.
    pub fn compute(&mut self) -> Result<JsValue, JsError> {
        let params = self.state.lora_linear.clone();
        let fragment = self.fragment();
        let key = models_key(&params);
        if self.computed.as_ref().is_none_or(|c| c.key != key) {
            let problem = params.problem();
            let analysis = lora_linear::analyse(&problem).map_err(|e| JsError::new(&e.to_string()))?;
            self.computed = Some(Computed { key, problem, analysis });
        }
        let computed = self.computed.as_mut().ok_or_else(|| JsError::new("no models"))?;
        computed.problem.ranks = params.ranks();
        let outcome = lora_linear::solve(&computed.problem, &computed.analysis.discrepancy);
        let figures = Figures::new(&computed.problem, &computed.analysis, &outcome);
        let construction_frobenius_sq = outcome.construction.as_ref().ok().map(|c| c.error_frobenius.powi(2));
        let text = PageText {
            fragment,
            check: outcome.live_check(),
            exact: outcome.ranks.iter().sum::<usize>() >= outcome.discrepancy_rank,
            assumption_holds: outcome.construction.is_ok(),
            summaries: [
                outcome.spectrum_summary(),
                outcome.curve_summary(&computed.analysis.curve),
                outcome.heatmap_summary(),
            ],
            numbers: Numbers {
                discrepancy_rank: outcome.discrepancy_rank,
                min_exact_rank: outcome.min_exact_rank,
                budget: outcome.budget,
                optimal_frobenius_sq: outcome.optimal.frobenius.powi(2),
                optimal_gaussian_mse: outcome.optimal.gaussian_mse,
                optimal_spectral: outcome.optimal.spectral,
                construction_frobenius_sq,
                shown: [
                    number(outcome.optimal.frobenius.powi(2)),
                    construction_frobenius_sq.map_or_else(|| "not built".to_owned(), number),
                    number(outcome.optimal.gaussian_mse),
                    number(outcome.optimal.spectral),
                ],
            },
        };
        self.outcome = Some(outcome);
        self.figures = Some(figures);
        Ok(serde_wasm_bindgen::to_value(&text)?)
    }

    /// Natural size `[width, height]` in CSS pixels of a figure (`spectrum`, `error`, `heatmaps`).
    pub fn figure_size(&self, figure: &str) -> Result<Vec<u32>, JsError> {
        let (figures, figure) = self.figure(figure)?;
        let (w, h) = figures.size(figure);
        Ok(vec![w, h])
    }

    /// Draws a figure on a canvas whose backing store is already sized; `scale` is the
    /// devicePixelRatio (type and lines scale with it).
    pub fn draw(&self, figure: &str, canvas: HtmlCanvasElement, scale: f64, dark: bool) -> Result<(), JsError> {
        let (figures, figure) = self.figure(figure)?;
        let backend =
            CanvasBackend::with_canvas_object(canvas).ok_or_else(|| JsError::new("canvas has no 2D context"))?;
        let area = backend.into_drawing_area();
        figures.draw(figure, &area, &Theme { scale, dark }).map_err(|e| JsError::new(&e.to_string()))?;
        area.present().map_err(|e| JsError::new(&format!("{e:?}")))
    }

    /// The figure as an SVG document, drawn by the same code as the canvas.
    pub fn svg(&self, figure: &str) -> Result<String, JsError> {
        let (figures, figure) = self.figure(figure)?;
        figures.svg(&[figure], &Theme::default()).map_err(|e| JsError::new(&e.to_string()))
    }

    /// The plotted series as CSV.
    pub fn csv(&self) -> Result<String, JsError> {
        Ok(self.figures.as_ref().ok_or_else(|| JsError::new("nothing computed yet"))?.csv())
    }

    /// The current problem as `adaptlab solve` JSON.
    pub fn problem_json(&self) -> Result<String, JsError> {
        let computed = self.computed.as_ref().ok_or_else(|| JsError::new("nothing computed yet"))?;
        Ok(crate::solve::lora_linear::problem_json(&computed.problem).to_string())
    }
}

impl Lab {
    fn figure(&self, key: &str) -> Result<(&Figures, Figure), JsError> {
        let figures = self.figures.as_ref().ok_or_else(|| JsError::new("nothing computed yet"))?;
        let figure = Figure::from_key(key).ok_or_else(|| JsError::new(&format!("no figure named '{key}'")))?;
        Ok((figures, figure))
    }
}

impl Default for Lab {
    fn default() -> Self {
        Self::new()
    }
}
