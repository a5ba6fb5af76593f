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

/// Part of a training step, `steps` times: drawing a batch of 256 Gaussian inputs of width 16.
pub fn sample_batches(steps: usize) -> f64 {
    let mut r = crate::rng::stream(1, 3);
    (0..steps).map(|_| crate::lora::models::gaussian_inputs(&mut r, 16, 256)[(0, 0)]).sum()
}

/// Part of a training step, `steps` times: eleven 16×16 by 16×256 matrix products (the step's
/// forward and backward products at depth 4 with a depth-2 target).
pub fn layer_products(steps: usize) -> f64 {
    let mut r = crate::rng::stream(1, 3);
    let x = crate::lora::models::gaussian_inputs(&mut r, 16, 256);
    let w = crate::lora::models::gaussian_inputs(&mut r, 16, 16);
    (0..steps * 11).map(|_| (&w * &x)[(0, 0)]).sum()
}

/// The paper's Figure 6 at `trials` trials per point: five dimensions (1, 2, 3, 5, 8), k = 0, 1,
/// 2, 4, …, 2^16, with the upper bound and the mean weights. Returns the sum of the risks.
pub fn icl_figure6(trials: usize) -> f64 {
    use crate::icl::{prior, risk};
    [1, 2, 3, 5, 8]
        .into_iter()
        .map(|d| {
            let (mu, w) = prior::early_ascent_task(d);
            let mut run = risk::RiskRun::new(risk::RiskSetup {
                prior: prior::early_ascent(d),
                task_mu: mu,
                task_w: w.clone(),
                label_w: w,
                label_noise: 0.0,
                ks: risk::power_grid(16),
                seed: 0,
                with_bound: true,
            });
            run.advance(trials);
            run.points.iter().map(|p| p.risk.mean()).sum::<f64>()
        })
        .sum()
}

/// Posterior evaluations of dimension `dim` with `skills` skills: returns the sum of predictions.
pub fn icl_posteriors(dim: usize, skills: usize, evaluations: usize) -> f64 {
    use crate::icl::{posterior, prior, sampler};
    let mut rng = crate::rng::stream(0, 7);
    let centres: Vec<crate::linalg::Vector> = (0..skills)
        .map(|b| prior::unit(&(0..dim).map(|i| ((b * 7 + i * 3) % 5) as f64 - 2.0).collect::<Vec<_>>()))
        .collect();
    let p = prior::Prior {
        weights: vec![1.0 / skills as f64; skills],
        mu: centres.clone(),
        w: centres.clone(),
        sigma_x: 1.0,
        sigma_y: 1.0,
        sigma_mu: 0.25,
        sigma_w: 0.25,
    };
    let source = sampler::ContextSource { mu: centres[0].clone(), sigma_x: 1.0, w: centres[0].clone(), noise: 0.0 };
    let stats = source.stats(32, &mut rng);
    let query = source.input(&mut rng);
    (0..evaluations).map(|_| posterior::posterior(&p, &stats, &query).map_or(0.0, |post| post.prediction)).sum()
}
