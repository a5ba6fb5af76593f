//! Times the benchmark kernels natively with the same repetition counts as the browser benchmark,
//! printing JSON for `scripts/bench-wasm.mjs` (which computes the wasm/native ratios).
#![allow(clippy::disallowed_methods)] // a benchmark is the one place that reads the clock

use std::time::Instant;

use adaptlab::bench_kernels;

fn mean_ms(repetitions: u32, mut kernel: impl FnMut()) -> f64 {
    kernel();
    let start = Instant::now();
    for _ in 0..repetitions {
        kernel();
    }
    start.elapsed().as_secs_f64() * 1e3 / f64::from(repetitions)
}

fn main() {
    let mut rows = Vec::new();
    for (width, repetitions) in [(16, 400), (64, 40), (256, 3)] {
        let problem = bench_kernels::linear_problem(width, 2);
        let ms = mean_ms(repetitions, || {
            std::hint::black_box(bench_kernels::linear_construction(&problem));
        });
        rows.push(format!(r#"{{"kernel":"construction","width":{width},"ms":{ms}}}"#));
    }
    for (width, repetitions) in [(16, 100), (64, 5)] {
        let ms = mean_ms(repetitions, || {
            std::hint::black_box(bench_kernels::linear_lesson(width));
        });
        rows.push(format!(r#"{{"kernel":"lesson","width":{width},"ms":{ms}}}"#));
    }
    let ms = mean_ms(1, || {
        std::hint::black_box(bench_kernels::lora_training(16, 4, 5000));
    });
    rows.push(format!(r#"{{"kernel":"adam_5000_steps","width":16,"ms":{ms}}}"#));
    let ms = mean_ms(1, || {
        std::hint::black_box(bench_kernels::sample_batches(5000));
    });
    rows.push(format!(r#"{{"kernel":"sampling_5000_batches","width":16,"ms":{ms}}}"#));
    let ms = mean_ms(1, || {
        std::hint::black_box(bench_kernels::layer_products(5000));
    });
    rows.push(format!(r#"{{"kernel":"products_5000_steps","width":16,"ms":{ms}}}"#));
    for (dim, skills) in [(3, 4), (8, 4), (32, 32)] {
        let evaluations = if dim == 32 { 2_000 } else { 20_000 };
        let ms = mean_ms(1, || {
            std::hint::black_box(bench_kernels::icl_posteriors(dim, skills, evaluations));
        });
        rows.push(format!(
            r#"{{"kernel":"icl_posterior_d{dim}_m{skills}_us","width":{dim},"ms":{}}}"#,
            ms * 1000.0 / evaluations as f64
        ));
    }
    let ms = mean_ms(1, || {
        std::hint::black_box(bench_kernels::icl_figure6(10_000));
    });
    rows.push(format!(r#"{{"kernel":"icl_figure6_10000_trials","width":8,"ms":{ms}}}"#));
    println!("[{}]", rows.join(","));
}
