//! The benchmark report's kernels timed inside wasm (`www/bench.html`, driven by
//! `scripts/bench-report.mjs`): the same list, `bench_kernels::KERNELS`, as the native run.
//! Timing uses `performance.now()` and only reports; it never influences a result.

use wasm_bindgen::prelude::*;

use crate::bench_kernels::KERNELS;

fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// How many kernels there are.
#[wasm_bindgen]
pub fn bench_kernel_count() -> usize {
    KERNELS.len()
}

/// The name and unit of kernel `index`: `[name, unit]`.
#[wasm_bindgen]
pub fn bench_kernel_label(index: usize) -> Vec<String> {
    KERNELS.get(index).map_or_else(Vec::new, |k| vec![k.name.to_owned(), k.unit.to_owned()])
}

/// Milliseconds per unit of kernel `index` (after one warm-up call); NaN for no such kernel.
#[wasm_bindgen]
pub fn bench_kernel(index: usize) -> f64 {
    let Some(kernel) = KERNELS.get(index) else { return f64::NAN };
    std::hint::black_box((kernel.run)());
    let start = now();
    for _ in 0..kernel.calls {
        std::hint::black_box((kernel.run)());
    }
    (now() - start) / f64::from(kernel.calls) / f64::from(kernel.units_per_call)
}
