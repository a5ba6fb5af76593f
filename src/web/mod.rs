//! The browser boundary: a `Lab` handle wrapping `pages::Lab`, which keeps the state and every
//! lesson's cached results in Rust. JavaScript receives only small results (texts, a few numbers,
//! progress); matrices never cross. Every method is a thin wrapper.

#[cfg(feature = "svg-export")]
mod bench;
mod measured;
#[cfg(feature = "svg-export")]
mod saved;

use measured::Measured;
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::pages::wire;
use crate::plots::readout::Readouts;
use crate::plots::{Figure, Theme};
use crate::results_file::{Results, Shard};

/// Installs the panic hook: a Rust panic is logged to the console with its message and place
/// (the page then shows its error banner, see `www/dom.js`).
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| web_sys::console::error_1(&format!("Adaptation Lab: {info}").into())));
}

/// The lab page's state and results.
#[wasm_bindgen]
#[derive(Default)]
pub struct Lab {
    inner: crate::pages::Lab,
    /// What the pointer and the keyboard can read on each figure as last drawn.
    /// (A short list rather than a hash map: a few figures per lesson, and no hashing code in the page.)
    readouts: Vec<(String, Readouts)>,
}

fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsError> {
    Ok(serde_wasm_bindgen::to_value(value)?)
}

#[wasm_bindgen]
impl Lab {
    /// A lab at the default state.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Lab {
        Lab::default()
    }

    /// Loads a URL fragment; returns the repair notices (empty for a clean link).
    pub fn load(&mut self, fragment: &str) -> Vec<String> {
        self.inner.load(fragment)
    }

    /// Sets one control's value; returns the sentences describing any repair.
    pub fn set(&mut self, key: &str, value: &str) -> Vec<String> {
        self.inner.set(key, value)
    }

    /// Sets one control and returns everything the page writes next (`pages::Shown`: notices,
    /// controls, progress, report, figure sizes): a slider move's one round trip.
    pub fn change(&mut self, key: &str, value: &str) -> Result<JsValue, JsError> {
        let notices = self.inner.set(key, value);
        to_js(&self.inner.shown(notices).map_err(|e| JsError::new(&e))?)
    }

    /// Loads a link fragment and returns everything the page writes next (`pages::Shown`, with
    /// the link's repair notices).
    pub fn open(&mut self, fragment: &str) -> Result<JsValue, JsError> {
        let notices = self.inner.load(fragment);
        to_js(&self.inner.shown(notices).map_err(|e| JsError::new(&e))?)
    }

    /// What the page shows for the current state (`pages::Shown`, no notices).
    pub fn shown(&mut self) -> Result<JsValue, JsError> {
        to_js(&self.inner.shown(Vec::new()).map_err(|e| JsError::new(&e))?)
    }

    /// The canonical fragment for the current state (without `#`).
    pub fn fragment(&self) -> String {
        self.inner.fragment()
    }

    /// The fragment embedding figure `figure` of the current view; `controls` is a
    /// comma-separated whitelist, or empty for all of the lesson's controls.
    pub fn embed_fragment(&self, figure: &str, controls: &str) -> String {
        self.inner.embed_fragment(figure, (!controls.is_empty()).then_some(controls))
    }

    /// The current view's key.
    pub fn view(&self) -> String {
        self.inner.state().view.key().to_owned()
    }

    /// What the page may do with the current view's lesson (`pages::Capabilities`): what Play
    /// does, whether it has a solve problem, a sweep for the workers, a figure with handles.
    pub fn capabilities(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.capabilities())
    }

    /// The controls of the current view: key, label, value, min, max, options.
    pub fn controls(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.controls())
    }

    /// Recomputes the current view and returns its report (texts and numbers).
    pub fn compute(&mut self) -> Result<JsValue, JsError> {
        to_js(&self.inner.compute().map_err(|e| JsError::new(&e))?)
    }

    /// Does up to `units` more background work; returns `{done, total}`.
    pub fn advance(&mut self, units: usize) -> Result<JsValue, JsError> {
        to_js(&self.inner.advance(units))
    }

    /// The most units of background work a second the current view's pace allows, or 0 for no
    /// limit (see `pages::Lab::pace`).
    pub fn pace(&self) -> f64 {
        self.inner.pace().unwrap_or(0.0)
    }

    /// What the progress bar says when `done` of `total` units of background work are done
    /// ("pretraining the frozen model: Adam step …", "trials done: …").
    pub fn progress_text(&self, done: usize, total: usize) -> String {
        self.inner.progress_text(crate::pages::Progress { done, total, workers_only: false })
    }

    /// Forgets the current view's running work (restarts a training run).
    pub fn reset(&mut self) {
        self.inner.reset();
    }

    /// Natural size `[width, height]` in CSS pixels of a figure of the current view.
    pub fn figure_size(&self, key: &str) -> Result<Vec<u32>, JsError> {
        let (w, h) = self.figure(key)?.size();
        Ok(vec![w, h])
    }

    /// Draws a figure on a canvas whose backing store is already sized; `scale` is the
    /// devicePixelRatio (type and lines scale with it).
    pub fn draw(&mut self, key: &str, canvas: HtmlCanvasElement, scale: f64, dark: bool) -> Result<(), JsError> {
        let figure = self.figure(key)?;
        let context = context_of(&canvas)?;
        let backend =
            CanvasBackend::with_canvas_object(canvas).ok_or_else(|| JsError::new("canvas has no 2D context"))?;
        let area = Measured::new(backend, context).into_drawing_area();
        let readouts = figure.draw(&area, &Theme { scale, dark }).map_err(|e| JsError::new(&e.to_string()))?;
        area.present().map_err(|e| JsError::new(&e.to_string()))?;
        self.readouts.retain(|(k, _)| k != key);
        self.readouts.push((key.to_owned(), readouts));
        Ok(())
    }

    /// What lies under device pixel (x, y) of figure `key` as last drawn: `{x, y, text}` of the
    /// nearest point, bar or cell within `radius` pixels, or `undefined`.
    pub fn readout(&self, key: &str, x: i32, y: i32, radius: i32) -> Result<JsValue, JsError> {
        let place = self.readouts_of(key).and_then(|r| r.nearest(x, y, radius));
        to_js(&place.and_then(|p| self.figure(key).ok()?.read(p)))
    }

    fn readouts_of(&self, key: &str) -> Option<&Readouts> {
        self.readouts.iter().find(|(k, _)| k == key).map(|(_, r)| r)
    }

    /// The `index`-th readable place of figure `key` in reading order (left to right), wrapping
    /// around, for stepping with the keyboard: `{x, y, text}`, or `undefined` when there is none.
    #[wasm_bindgen(js_name = readoutAt)]
    pub fn readout_at(&self, key: &str, index: i32) -> Result<JsValue, JsError> {
        let place = self.readouts_of(key).and_then(|r| r.in_reading_order(i64::from(index)));
        to_js(&place.and_then(|p| self.figure(key).ok()?.read(p)))
    }

    /// One figure of the current view as an SVG document, drawn by the same plotting code as the
    /// canvas through plotters' SVG backend. Only in the export build (feature `svg-export`):
    /// the page loads that build lazily, keeping the first load within its size budget.
    #[cfg(feature = "svg-export")]
    pub fn svg(&self, key: &str, dark: bool) -> Result<String, JsError> {
        let figure = self.figure(key)?;
        let scratch: HtmlCanvasElement = web_sys::window()
            .and_then(|w| w.document())
            .ok_or_else(|| JsError::new("no document to measure text in"))?
            .create_element("canvas")
            .map_err(|_| JsError::new("cannot create a canvas to measure text"))?
            .unchecked_into();
        let mut out = String::new();
        {
            let backend = plotters::prelude::SVGBackend::with_string(&mut out, figure.size());
            let area = Measured::new(backend, context_of(&scratch)?).into_drawing_area();
            figure.draw(&area, &Theme { scale: 1.0, dark }).map_err(|e| JsError::new(&e.to_string()))?;
            area.present().map_err(|e| JsError::new(&e.to_string()))?;
        }
        Ok(out)
    }

    /// The draggable skill centre (index) under device pixel (x, y) of the weight-space figure
    /// drawn `width` × `height` at `scale`, or -1.
    pub fn centre_at(&self, x: f64, y: f64, width: u32, height: u32, scale: f64) -> i32 {
        self.inner.centre_at((x, y), (width, height), scale).map_or(-1, |i| i as i32)
    }

    /// Moves skill centre `index` to device pixel (x, y); returns the repair notices.
    pub fn move_centre(&mut self, index: usize, x: f64, y: f64, width: u32, height: u32, scale: f64) -> Vec<String> {
        self.inner.move_centre(index, (x, y), (width, height), scale)
    }

    /// Panics, for the end-to-end tests of what the page does after a panic: its message, a fresh
    /// wasm instance on the next action (`www/main.js`), a replaced worker (`www/worker.js`). The
    /// page calls this only on an `adaptlab:test-panic` or `adaptlab:test-worker-panic` event,
    /// which no link or control can dispatch, only a script on the page. It takes `&mut self`
    /// like `compute`, so the panic leaves the handle mutably borrowed, as a real one there does.
    #[allow(clippy::panic)]
    pub fn panic_for_test(&mut self) {
        panic!("a deliberate panic from the end-to-end test hook");
    }

    /// Hands out up to `n` jobs of the current view's background work for the worker pool, each
    /// as four integers (`pages::wire`), one after another (empty for views without any).
    pub fn jobs(&mut self, n: usize) -> Vec<u32> {
        self.inner.jobs(n).iter().flat_map(wire::job_to_numbers).collect()
    }

    /// Computes one job (in a worker; `job` as `jobs` wrote it) as numbers (`pages::wire`); empty
    /// if the job is not one of the view's.
    pub fn run_job(&mut self, job: &[u32]) -> Vec<f64> {
        let result = wire::job_from_numbers(job).and_then(|job| self.inner.run_job(job));
        result.map_or_else(Vec::new, |r| wire::result_to_numbers(&r))
    }

    /// Takes a job's result computed by a worker; false for a stale or malformed one.
    pub fn accept(&mut self, job: &[u32], numbers: &[f64]) -> bool {
        let Some(job) = wire::job_from_numbers(job) else { return false };
        wire::result_from_numbers(&job, numbers).is_some_and(|result| self.inner.accept(job, result))
    }

    /// Takes the finished results the current view waits for (`Capabilities.shipped`), as the
    /// page read them from their file (`results_file`): the link state, the code version, the
    /// number of jobs, the shard `[i, N]`, then per result its job position, how many numbers it
    /// has, and all the numbers one after another. The error says why they cannot be used; the
    /// view then computes live.
    #[allow(clippy::too_many_arguments)]
    pub fn take_shipped(
        &mut self,
        fragment: String,
        code_version: String,
        jobs: usize,
        shard: &[u32],
        positions: &[u32],
        lengths: &[u32],
        numbers: &[f64],
    ) -> Result<(), JsError> {
        let results = shipped_results(fragment, code_version, jobs, shard, positions, lengths, numbers);
        self.inner.take_shipped(results.as_ref().map_err(Clone::clone)).map_err(|e| JsError::new(&e))
    }

    /// Goes on without the finished results the current view waits for (`why` they could not be
    /// loaded): it computes live and says why.
    pub fn shipped_unavailable(&mut self, why: &str) {
        // The error repeats `why`, which the page has already shown.
        let _ = self.inner.take_shipped(Err(why.to_owned()));
    }

    /// The current view's plotted series as CSV.
    pub fn csv(&self) -> String {
        self.inner.figures().csv()
    }

    /// One figure's plotted series as CSV (the export button's file).
    #[wasm_bindgen(js_name = figureCsv)]
    pub fn figure_csv(&self, key: &str) -> String {
        self.inner.figures().csv_of(Some(key))
    }

    /// The "Show data" table of figure `key`: `{ columns, rows, notes }`, four significant digits.
    pub fn table(&self, key: &str) -> Result<JsValue, JsError> {
        let table = self
            .inner
            .figures()
            .table(key)
            .ok_or_else(|| JsError::new(&format!("no figure named '{key}' in this lesson")))?;
        to_js(&table)
    }
}

/// The 2D context of a canvas (the same object the canvas backend draws with).
fn context_of(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, JsError> {
    canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
        .ok_or_else(|| JsError::new("canvas has no 2D context"))
}

impl Lab {
    fn figure(&self, key: &str) -> Result<&Figure, JsError> {
        self.inner.figures().get(key).ok_or_else(|| JsError::new(&format!("no figure named '{key}' in this lesson")))
    }
}

/// A results file from the numbers `Lab::take_shipped` receives; an error for numbers that do
/// not split into the results they count.
fn shipped_results(
    fragment: String,
    code_version: String,
    jobs: usize,
    shard: &[u32],
    positions: &[u32],
    lengths: &[u32],
    numbers: &[f64],
) -> Result<Results, String> {
    let malformed = || "the results file is malformed".to_owned();
    let &[index, count] = shard else { return Err(malformed()) };
    let shard = Shard { index: index as usize, count: count as usize };
    if positions.len() != lengths.len() || lengths.iter().map(|&n| n as usize).sum::<usize>() != numbers.len() {
        return Err(malformed());
    }
    let mut rest = numbers;
    let mut results = Vec::with_capacity(positions.len());
    for (&position, &length) in positions.iter().zip(lengths) {
        let (these, after) = rest.split_at(length as usize);
        results.push((position as usize, these.to_vec()));
        rest = after;
    }
    if shard != Shard::ALL {
        return Err(format!("the file holds a slice of the jobs (shard {index}/{count}), not all of them"));
    }
    Ok(Results { fragment, code_version, shard, jobs, results })
}
