//! Figures of the one-prompt lesson for one step: the posterior weights as bars (retrieval), the
//! prompt in input space, and the skills' functions in weight space moving from their pretrained
//! centres towards the task (learning). The weight figures are drawn by `icl_weights`.

use super::figure::{Figure, FigureSet};
pub use super::icl_weights::{draw_bars, draw_space, Frame, WeightBars, WeightSpace, DRAGGABLE_EXTENT};
use crate::lessons::icl_prompt::Step;

fn xy(v: &crate::linalg::Vector) -> (f64, f64) {
    (v[0], if v.len() > 1 { v[1] } else { 0.0 })
}

/// The lesson's figures for one step.
pub fn figures(step: &Step) -> FigureSet {
    let bars = WeightBars {
        prior: step.prior.weights.clone(),
        posterior: step.posterior.weights.clone(),
        k: step.examples.len(),
    };
    let space = WeightSpace {
        centres: step.prior.w.iter().map(xy).collect(),
        shifted: step.posterior.w_tilde.iter().map(xy).collect(),
        weights: step.posterior.weights.clone(),
        task: xy(&step.task_w),
        dim: step.prior.dim(),
        fixed_extent: step.draggable.then_some(DRAGGABLE_EXTENT),
    };
    let on_axes = |v: &crate::linalg::Vector| crate::lessons::icl_prompt::plane(v, step.axes);
    let prompt = super::icl_prompt_plane::PromptPlane {
        dim: step.prior.dim(),
        axes: step.axes,
        examples: step.examples.iter().map(|(x, y)| (on_axes(x).0, on_axes(x).1, *y)).collect(),
        query: on_axes(&step.query),
        mean: step.mean_input(),
        centres: step.prior.mu.iter().map(on_axes).collect(),
        spread: crate::lessons::icl_prompt::input_spread(&step.prior),
        bounds: step.input_box,
    };
    FigureSet {
        figures: vec![
            ("weights", Figure::Bars(bars)),
            ("prompt", Figure::PromptPlane(prompt)),
            ("functions", Figure::WeightSpace(space)),
        ],
    }
}
