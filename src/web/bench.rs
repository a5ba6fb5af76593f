//! Kernels timed inside wasm for the browser benchmark (`scripts/bench-wasm.mjs`). Timing uses
//! `performance.now()` and only reports; it never influences a result.

use wasm_bindgen::prelude::*;

use crate::bench_kernels;

fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Mean milliseconds per call of the linear construction kernel at width `width`, depth 2.
#[wasm_bindgen]
pub fn bench_construction(width: usize, repetitions: u32) -> f64 {
    let problem = bench_kernels::linear_problem(width, 2);
    bench_kernels::linear_construction(&problem);
    let start = now();
    for _ in 0..repetitions {
        bench_kernels::linear_construction(&problem);
    }
    (now() - start) / f64::from(repetitions.max(1))
}

/// Mean milliseconds per full lesson recompute (models, analysis over all ranks, outcome) at width `width`.
#[wasm_bindgen]
pub fn bench_lesson(width: usize, repetitions: u32) -> f64 {
    bench_kernels::linear_lesson(width);
    let start = now();
    for _ in 0..repetitions {
        bench_kernels::linear_lesson(width);
    }
    (now() - start) / f64::from(repetitions.max(1))
}

/// Milliseconds for `steps` Adam steps of the gradient baseline (LoRA rank 4 and biases,
/// width `width`, depth `depth`, batches of 256).
#[wasm_bindgen]
pub fn bench_training(width: usize, depth: usize, steps: usize) -> f64 {
    let start = now();
    bench_kernels::lora_training(width, depth, steps);
    now() - start
}

/// Milliseconds for the parts of `steps` training steps: `[sampling, products]`.
#[wasm_bindgen]
pub fn bench_training_parts(steps: usize) -> Vec<f64> {
    let start = now();
    std::hint::black_box(bench_kernels::sample_batches(steps));
    let sampling = now() - start;
    let start = now();
    std::hint::black_box(bench_kernels::layer_products(steps));
    vec![sampling, now() - start]
}

/// Microseconds per ICL posterior evaluation in dimension `dim` with `skills` skills.
#[wasm_bindgen]
pub fn bench_icl_posterior(dim: usize, skills: usize, evaluations: usize) -> f64 {
    let start = now();
    std::hint::black_box(bench_kernels::icl_posteriors(dim, skills, evaluations));
    (now() - start) * 1000.0 / evaluations.max(1) as f64
}

/// Milliseconds for the whole of Figure 6 at `trials` trials per point, in one thread.
#[wasm_bindgen]
pub fn bench_icl_figure6(trials: usize) -> f64 {
    let start = now();
    std::hint::black_box(bench_kernels::icl_figure6(trials));
    now() - start
}
