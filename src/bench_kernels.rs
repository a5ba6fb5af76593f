//! The kernels that the native (criterion) and wasm (headless Chromium) benchmarks time, defined
//! once so both measure exactly the same work.

use crate::lessons::lora_linear::{self, Params, Problem};
use crate::lora::linear::{self, Construction, Discrepancy};

/// The seeded random linear problem of the benchmarks: width `width`, `depth` layers, R = ⌈D/(2L)⌉.
pub fn linear_problem(width: usize, depth: usize) -> Problem {
    Params { width, depth, rank: width.div_ceil(2 * depth), seed: 1, ..Params::default() }.problem()
}

/// One explicit construction including the SVD of E (what `adaptlab solve` does).
pub fn linear_construction(problem: &Problem) -> Option<Construction> {
    let discrepancy = Discrepancy::new(&problem.target, &problem.frozen).ok()?;
    linear::construct(&problem.target, &problem.frozen, &discrepancy, &problem.ranks).ok()
}

/// A full recompute of the linear lesson at the page's default settings but width `width`:
/// model generation, analysis of every rank 0..=D, and the outcome at R = 3.
pub fn linear_lesson(width: usize) -> Option<lora_linear::Outcome> {
    let problem = Params { width, ..Params::default() }.problem();
    let analysis = lora_linear::analyse(&problem).ok()?;
    Some(lora_linear::solve(&problem, &analysis.discrepancy))
}

/// `steps` Adam steps of the gradient baseline: LoRA rank 4 and biases on a ReLU FNN of width
/// `width` and depth `depth` (target depth `depth / 2`), batches of 256.
pub fn lora_training(width: usize, depth: usize, steps: usize) -> f64 {
    use crate::lora::train::{Activation, AdamConfig, TrainConfig, Trainable, Trainer};
    let (target, frozen) =
        crate::lora::models::fnn_pair(&mut crate::rng::stream(1, 0), width, (depth / 2).max(1), depth);
    let config = TrainConfig {
        trainable: Trainable::Lora { rank: 4, tune_biases: true },
        activation: Activation::Relu { relu_on_output: true },
        adam: AdamConfig::new(1e-3, 0.0),
        batch_size: 256,
        lora_init_std: 0.25,
    };
    let mut trainer = Trainer::new(target, frozen, config, crate::rng::stream(1, crate::rng::streams::TRAINING));
    trainer.run(steps);
    trainer.losses().last().copied().unwrap_or(0.0)
}

/// The parts of one training step, each repeated `steps` times (for profiling): drawing a batch
/// of 256 Gaussian inputs of width 16, and eleven 16×16 by 16×256 matrix products (the step's
/// forward and backward products at depth 4 with a depth-2 target).
pub fn training_parts(steps: usize) -> (f64, f64) {
    let mut r = crate::rng::stream(1, 3);
    let mut sampled = 0.0;
    for _ in 0..steps {
        sampled += crate::lora::models::gaussian_inputs(&mut r, 16, 256)[(0, 0)];
    }
    let x = crate::lora::models::gaussian_inputs(&mut r, 16, 256);
    let w = crate::lora::models::gaussian_inputs(&mut r, 16, 16);
    let mut product = 0.0;
    for _ in 0..steps {
        for _ in 0..11 {
            product += (&w * &x)[(0, 0)];
        }
    }
    (sampled, product)
}
