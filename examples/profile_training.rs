//! Splits the time of the gradient baseline's step into its parts (sampling, target forward,
//! forward and backward of the adapted model), natively: `cargo run --release --example profile_training`.
#![allow(clippy::disallowed_methods)] // a profile reads the clock

use std::time::Instant;

use adaptlab::lora::models;
use adaptlab::lora::train::{self, Activation};
use adaptlab::rng;

fn main() {
    let (target, frozen) = models::fnn_pair(&mut rng::stream(1, 0), 16, 2, 4);
    let activation = Activation::Relu { relu_on_output: true };
    let mut r = rng::stream(1, 3);
    let steps = 2000;
    let t = Instant::now();
    let batches: Vec<_> = (0..steps).map(|_| models::gaussian_inputs(&mut r, 16, 256)).collect();
    let sampling = t.elapsed();
    let t = Instant::now();
    let targets: Vec<_> = batches.iter().map(|x| train::forward(&target, x, activation)).collect();
    let target_forward = t.elapsed();
    let t = Instant::now();
    let mut total = 0.0;
    for (x, y) in batches.iter().zip(&targets) {
        total += train::loss_and_gradients(&frozen, x, y, activation).loss;
    }
    let backward = t.elapsed();
    println!(
        "per step: sampling {:.1} µs, target forward {:.1} µs, forward+backward {:.1} µs (loss sum {total:.3})",
        sampling.as_secs_f64() * 1e6 / steps as f64,
        target_forward.as_secs_f64() * 1e6 / steps as f64,
        backward.as_secs_f64() * 1e6 / steps as f64
    );
}
