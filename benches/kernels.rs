//! Native benchmarks (criterion) of the kernels the page runs: `cargo bench --bench kernels`.

use adaptlab::bench_kernels;
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};

fn construction(c: &mut Criterion) {
    let mut group = c.benchmark_group("linear_construction");
    for width in [16, 64, 256] {
        let problem = bench_kernels::linear_problem(width, 2);
        if width == 256 {
            group.sample_size(10);
        }
        group.bench_with_input(BenchmarkId::from_parameter(width), &problem, |b, p| {
            b.iter(|| bench_kernels::linear_construction(black_box(p)))
        });
    }
    group.finish();
}

fn lesson(c: &mut Criterion) {
    let mut group = c.benchmark_group("linear_lesson_full_recompute");
    for width in [16, 64] {
        group.bench_with_input(BenchmarkId::from_parameter(width), &width, |b, &w| {
            b.iter(|| bench_kernels::linear_lesson(black_box(w)))
        });
    }
    group.finish();
}

criterion_group!(benches, construction, lesson);
criterion_main!(benches);
