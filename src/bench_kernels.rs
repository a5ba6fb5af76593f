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

#[cfg(feature = "transformer-training")]
/// `steps` Adam steps of the transformer gradient baseline at the paper's size: width 16, `depth`
/// blocks, two heads, 256 sequences of 10 tokens, LoRA rank 4 and the FFN biases.
pub fn transformer_training(depth: usize, steps: usize) -> f64 {
    use crate::lora::train::AdamConfig;
    use crate::lora::transformer_train::{TransformerTrainConfig, TransformerTrainable, TransformerTrainer};
    let mut r = crate::rng::stream(1, 0);
    let target = crate::lora::models::random_transformer(&mut r, 16, depth, 2);
    let frozen = crate::lora::models::random_transformer(&mut r, 16, depth, 2);
    let config = TransformerTrainConfig {
        trainable: TransformerTrainable::Lora { rank: 4, tune_biases: true },
        adam: AdamConfig::new(1e-3, 0.0),
        batch_size: 256,
        length: 10,
        lora_init_std: 0.25,
    };
    let mut trainer =
        TransformerTrainer::new(target, frozen, config, crate::rng::stream(1, crate::rng::streams::TRAINING));
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
    let mut out = crate::linalg::Matrix::zeros(16, 256);
    (0..steps * 11)
        .map(|_| {
            crate::lora::batch::affine_into(&w, None, &x, &mut out);
            out[(0, 0)]
        })
        .sum()
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

/// One benchmark kernel: a name, how many calls to time, the unit reported, and the work.
pub struct Kernel {
    /// Name in the report (and the wasm benchmark's argument).
    pub name: &'static str,
    /// Calls to time (after one warm-up call).
    pub calls: u32,
    /// The report divides a call's time by this to get the time per unit (e.g. per Adam step).
    pub units_per_call: u32,
    /// The unit, for the report.
    pub unit: &'static str,
    /// The work; returns a value so that it cannot be optimised away.
    pub run: fn() -> f64,
}

fn some(value: Option<f64>) -> f64 {
    value.unwrap_or(f64::NAN)
}

/// Every kernel of the benchmark report, the same list natively and in wasm.
pub const KERNELS: &[Kernel] = &[
    Kernel {
        name: "linear construction D=16",
        calls: 400,
        units_per_call: 1,
        unit: "call",
        run: || some(linear_construction(&linear_problem(16, 2)).map(|c| c.error_frobenius)),
    },
    Kernel {
        name: "linear construction D=64",
        calls: 40,
        units_per_call: 1,
        unit: "call",
        run: || some(linear_construction(&linear_problem(64, 2)).map(|c| c.error_frobenius)),
    },
    Kernel {
        name: "linear construction D=256",
        calls: 3,
        units_per_call: 1,
        unit: "call",
        run: || some(linear_construction(&linear_problem(256, 2)).map(|c| c.error_frobenius)),
    },
    Kernel { name: "FNN construction D=16", calls: 20, units_per_call: 1, unit: "call", run: fnn_construction },
    Kernel {
        name: "transformer construction D=16",
        calls: 10,
        units_per_call: 1,
        unit: "call",
        run: transformer_construction,
    },
    Kernel {
        name: "Adam step D=16 L=4 batch 256",
        calls: 1,
        units_per_call: 2000,
        unit: "step",
        run: || lora_training(16, 4, 2000),
    },
    #[cfg(feature = "transformer-training")]
    Kernel {
        name: "transformer Adam step D=16 L=2 H=2 N=10 batch 256",
        calls: 1,
        units_per_call: 20,
        unit: "step",
        run: || transformer_training(2, 20),
    },
    Kernel {
        name: "Adam step part: batch of 256 N(0, I) inputs, D=16",
        calls: 1,
        units_per_call: 2000,
        unit: "batch",
        run: || sample_batches(2000),
    },
    Kernel {
        name: "Adam step part: 16×16 by 16×256 product",
        calls: 1,
        units_per_call: 11 * 2000,
        unit: "product",
        run: || layer_products(2000),
    },
    Kernel {
        name: "ICL posterior d=3 M=4",
        calls: 1,
        units_per_call: 20_000,
        unit: "evaluation",
        run: || icl_posteriors(3, 4, 20_000),
    },
    Kernel {
        name: "ICL posterior d=3 M=32",
        calls: 1,
        units_per_call: 5_000,
        unit: "evaluation",
        run: || icl_posteriors(3, 32, 5_000),
    },
    Kernel {
        name: "ICL posterior d=8 M=4",
        calls: 1,
        units_per_call: 20_000,
        unit: "evaluation",
        run: || icl_posteriors(8, 4, 20_000),
    },
    Kernel {
        name: "ICL posterior d=8 M=32",
        calls: 1,
        units_per_call: 5_000,
        unit: "evaluation",
        run: || icl_posteriors(8, 32, 5_000),
    },
    Kernel {
        name: "ICL posterior d=32 M=4",
        calls: 1,
        units_per_call: 2_000,
        unit: "evaluation",
        run: || icl_posteriors(32, 4, 2_000),
    },
    Kernel {
        name: "ICL posterior d=32 M=32",
        calls: 1,
        units_per_call: 1_000,
        unit: "evaluation",
        run: || icl_posteriors(32, 32, 1_000),
    },
    Kernel {
        name: "ICL sampler d=8 k=65536",
        calls: 1,
        units_per_call: 20_000,
        unit: "context",
        run: || sampler_contexts(8, 65_536, 20_000),
    },
    Kernel {
        name: "ICL Figure 6, 10,000 trials, one thread",
        calls: 1,
        units_per_call: 1,
        unit: "figure",
        run: || icl_figure6(10_000),
    },
];

/// The FNN lesson's construction at its default setting (D = 16, L̄ = 1, L = 2, R = 4), with
/// its calibration and test MSE.
fn fnn_construction() -> f64 {
    let problem = crate::lessons::lora_fnn::Params::default().problem();
    crate::lessons::lora_fnn::evaluate(&problem, 4).map_or(f64::NAN, |(_, calibration, test)| calibration + test)
}

/// The transformer lesson's construction at its default setting (D = 16), with its MSE.
fn transformer_construction() -> f64 {
    let params = crate::lessons::lora_transformer::Params::default();
    crate::lessons::lora_transformer::evaluate(&params.problem(), params.rank).map_or(f64::NAN, |(mse, _)| mse)
}

/// `contexts` draws of a context's sufficient statistics (d = `dim`, k examples): the exact
/// sampler, whose cost does not depend on k.
pub fn sampler_contexts(dim: usize, k: usize, contexts: usize) -> f64 {
    use crate::icl::{prior, sampler};
    let mut rng = crate::rng::stream(0, 9);
    let centre = prior::unit(&vec![1.0; dim]);
    let source = sampler::ContextSource { mu: centre.clone(), sigma_x: 1.0, w: centre, noise: 0.5 };
    (0..contexts).map(|_| source.stats(k, &mut rng).sum_xy[0]).sum()
}
