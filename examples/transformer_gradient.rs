//! Runs gradient-trained LoRA runs of the transformer figure natively, by the very code the page's
//! preset runs (`Sweep::compute`), and prints each run's test MSE next to the construction's.
//!
//! `cargo run --release --example transformer_gradient -- SEED DEPTH RANK [RANK ...]`
//! (DEPTH 1 or 2 blocks; ranks 1–16).
#![allow(clippy::disallowed_methods, clippy::print_stdout)] // a command-line tool reads the clock and prints

use std::time::Instant;

use adaptlab::lessons::paper_figures::{Preset, Sweep, SEEDS, WIDTH};

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let [seed, depth, ref ranks @ ..] = args[..] else {
        eprintln!("usage: transformer_gradient SEED DEPTH RANK [RANK ...]");
        std::process::exit(2);
    };
    let mut sweep = Sweep::new(Preset::Transformer);
    // Jobs: the 2·16·SEEDS constructions (seed, panel, rank order), then the runs in the same order.
    let per_seed = 2 * WIDTH;
    let constructions = per_seed * SEEDS as usize;
    for &rank in ranks {
        let offset = seed * per_seed + (depth - 1) * WIDTH + (rank - 1);
        let construction = sweep.compute(offset).flatten();
        let start = Instant::now();
        let gradient = sweep.compute(constructions + offset).flatten();
        println!(
            "seed {seed}, L = {depth}, R = {rank}: gradient {gradient:?}, construction {construction:?} ({:.1} s)",
            start.elapsed().as_secs_f64()
        );
    }
}
