//! Times every kernel of the benchmark report natively (`bench_kernels::KERNELS`, the list the
//! wasm benchmark times too) and prints JSON rows `{name, unit, ms}` with `ms` per unit, for
//! `scripts/bench-report.mjs`.
#![allow(clippy::disallowed_methods)] // a benchmark is the one place that reads the clock

use std::time::Instant;

use adaptlab::bench_kernels::KERNELS;

fn main() {
    let rows: Vec<String> = KERNELS
        .iter()
        .map(|kernel| {
            std::hint::black_box((kernel.run)()); // warm-up
            let start = Instant::now();
            for _ in 0..kernel.calls {
                std::hint::black_box((kernel.run)());
            }
            let ms = start.elapsed().as_secs_f64() * 1e3 / f64::from(kernel.calls) / f64::from(kernel.units_per_call);
            format!(r#"{{"name":"{}","unit":"{}","ms":{ms}}}"#, kernel.name, kernel.unit)
        })
        .collect();
    println!("[{}]", rows.join(","));
}
