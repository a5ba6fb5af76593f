//! Gradient training: the backward pass against central finite differences, the LoRA factor
//! gradients, Adam lowering the loss, determinism per seed, and the paper's pretraining rule.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::needless_range_loop)] // tests fail loudly and index parallel arrays

use adaptlab::linalg::Matrix;
use adaptlab::lora::fnn::Fnn;
use adaptlab::lora::models;
use adaptlab::lora::train::{self, Activation, AdamConfig, TrainConfig, Trainable, Trainer};
use adaptlab::rng;

fn nets(dim: usize, target_depth: usize, depth: usize, seed: u64) -> (Fnn, Fnn) {
    models::fnn_pair(&mut rng::stream(seed, rng::streams::MODELS), dim, target_depth, depth)
}

fn loss(net: &Fnn, x: &Matrix, y: &Matrix, activation: Activation) -> f64 {
    adaptlab::lora::fnn::mse(&train::forward(net, x, activation), y)
}

#[test]
fn backward_pass_matches_central_differences() {
    for activation in
        [Activation::Relu { relu_on_output: true }, Activation::Relu { relu_on_output: false }, Activation::Linear]
    {
        let (target, net) = nets(5, 1, 3, 2);
        let x = models::gaussian_inputs(&mut rng::stream(2, rng::streams::TEST), 5, 40);
        let y = train::forward(&target, &x, activation);
        let grads = train::loss_and_gradients(&net, &x, &y, activation);
        assert!((grads.loss - loss(&net, &x, &y, activation)).abs() < 1e-15);
        let h = 1e-6;
        for l in 0..3 {
            for (i, j) in [(0, 0), (2, 3), (4, 1)] {
                let mut plus = net.clone();
                plus.weights[l][(i, j)] += h;
                let mut minus = net.clone();
                minus.weights[l][(i, j)] -= h;
                let numeric = (loss(&plus, &x, &y, activation) - loss(&minus, &x, &y, activation)) / (2.0 * h);
                let analytic = grads.weights[l][(i, j)];
                assert!(
                    (numeric - analytic).abs() <= 1e-7 * (1.0 + analytic.abs()),
                    "{activation:?} W{l}[{i},{j}]: {numeric} vs {analytic}"
                );
            }
            for i in [0, 3] {
                let mut plus = net.clone();
                plus.biases[l][i] += h;
                let mut minus = net.clone();
                minus.biases[l][i] -= h;
                let numeric = (loss(&plus, &x, &y, activation) - loss(&minus, &x, &y, activation)) / (2.0 * h);
                assert!(
                    (numeric - grads.biases[l][i]).abs() <= 1e-7 * (1.0 + numeric.abs()),
                    "{activation:?} b{l}[{i}]"
                );
            }
        }
    }
}

#[test]
fn lora_factor_gradients_match_central_differences() {
    // ∂/∂A (A Bᵀ) applied to G is G B; ∂/∂B is Gᵀ A. Check through the effective network.
    let (target, frozen) = nets(4, 1, 2, 5);
    let x = models::gaussian_inputs(&mut rng::stream(5, rng::streams::TEST), 4, 30);
    let activation = Activation::Relu { relu_on_output: true };
    let y = train::forward(&target, &x, activation);
    let mut r = rng::stream(5, rng::streams::TRAINING);
    let a: Vec<Matrix> = (0..2).map(|_| models::gaussian_inputs(&mut r, 4, 2) * 0.3).collect();
    let b: Vec<Matrix> = (0..2).map(|_| models::gaussian_inputs(&mut r, 4, 2) * 0.3).collect();
    let effective = |a: &[Matrix], b: &[Matrix]| Fnn {
        weights: frozen.weights.iter().zip(a.iter().zip(b)).map(|(w, (a, b))| w + a * b.transpose()).collect(),
        biases: frozen.biases.clone(),
    };
    let grads = train::loss_and_gradients(&effective(&a, &b), &x, &y, activation);
    let h = 1e-6;
    for l in 0..2 {
        let grad_a = &grads.weights[l] * &b[l];
        let grad_b = grads.weights[l].transpose() * &a[l];
        for (i, j) in [(0, 0), (3, 1)] {
            let (mut ap, mut am) = (a.clone(), a.clone());
            ap[l][(i, j)] += h;
            am[l][(i, j)] -= h;
            let numeric = (loss(&effective(&ap, &b), &x, &y, activation)
                - loss(&effective(&am, &b), &x, &y, activation))
                / (2.0 * h);
            assert!((numeric - grad_a[(i, j)]).abs() <= 1e-7 * (1.0 + numeric.abs()), "A{l}[{i},{j}]");
            let (mut bp, mut bm) = (b.clone(), b.clone());
            bp[l][(i, j)] += h;
            bm[l][(i, j)] -= h;
            let numeric = (loss(&effective(&a, &bp), &x, &y, activation)
                - loss(&effective(&a, &bm), &x, &y, activation))
                / (2.0 * h);
            assert!((numeric - grad_b[(i, j)]).abs() <= 1e-7 * (1.0 + numeric.abs()), "B{l}[{i},{j}]");
        }
    }
}

fn lora_config(rank: usize) -> TrainConfig {
    TrainConfig {
        trainable: Trainable::Lora { rank, tune_biases: true },
        activation: Activation::Relu { relu_on_output: true },
        adam: AdamConfig::new(1e-3, 0.0),
        batch_size: 256,
        lora_init_std: 0.25,
    }
}

#[test]
fn lora_training_lowers_the_loss_and_is_deterministic() {
    let (target, frozen) = nets(8, 1, 2, 3);
    let run = || {
        let mut t =
            Trainer::new(target.clone(), frozen.clone(), lora_config(2), rng::stream(3, rng::streams::TRAINING));
        assert!(t.run(400));
        t
    };
    let (first, second) = (run(), run());
    assert_eq!(first.losses(), second.losses(), "same seed, same trajectory");
    let start: f64 = first.losses()[..20].iter().sum::<f64>() / 20.0;
    let end: f64 = first.losses()[380..].iter().sum::<f64>() / 20.0;
    assert!(end < 0.5 * start, "{start} → {end}");
    // The adapters start at zero: the first loss is the frozen model's.
    let x = models::gaussian_inputs(&mut rng::stream(3, rng::streams::TEST), 8, 2000);
    let frozen_mse = adaptlab::lora::fnn::mse(&frozen.forward(&x, true), &target.forward(&x, true));
    assert!((first.losses()[0] / frozen_mse - 1.0).abs() < 0.3);
}

#[test]
fn final_layer_tuning_trains_only_the_last_layers() {
    let (target, frozen) = nets(6, 1, 4, 1);
    let config = TrainConfig { trainable: Trainable::FinalLayers { count: 1 }, ..lora_config(0) };
    let mut t = Trainer::new(target, frozen.clone(), config, rng::stream(1, rng::streams::TRAINING));
    t.run(50);
    let trained = t.into_model();
    for l in 0..3 {
        assert_eq!(trained.weights[l], frozen.weights[l]);
        assert_eq!(trained.biases[l], frozen.biases[l]);
    }
    assert_ne!(trained.weights[3], frozen.weights[3]);
}

#[test]
fn pretraining_stops_at_a_third_of_the_initial_loss() {
    let (target, frozen) = nets(8, 1, 2, 4);
    let activation = Activation::Relu { relu_on_output: true };
    let (moved, steps) = train::pretrain(&target, &frozen, activation, rng::stream(4, rng::streams::TRAINING));
    assert!(steps > 1 && steps < 1_000, "{steps}");
    let x = models::gaussian_inputs(&mut rng::stream(4, rng::streams::TEST), 8, 4000);
    let before =
        adaptlab::lora::fnn::mse(&train::forward(&frozen, &x, activation), &train::forward(&target, &x, activation));
    let after =
        adaptlab::lora::fnn::mse(&train::forward(&moved, &x, activation), &train::forward(&target, &x, activation));
    assert!(after < 0.5 * before, "{before} → {after}");
}

#[test]
fn a_too_large_learning_rate_is_reported_as_divergence_not_nan() {
    let (target, frozen) = nets(6, 1, 2, 6);
    let config = TrainConfig { adam: AdamConfig::new(1e6, 0.0), activation: Activation::Linear, ..lora_config(3) };
    let mut t = Trainer::new(target, frozen, config, rng::stream(6, rng::streams::TRAINING));
    let finished = t.run(2_000);
    assert!(!finished && t.diverged(), "the run stops as soon as the loss explodes");
    let taken = t.steps();
    assert!(taken < 2_000);
    assert!(!t.run(10) && t.steps() == taken, "a diverged run takes no more steps");
}
