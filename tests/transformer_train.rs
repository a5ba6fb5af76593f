//! Transformer training: the batched forward pass against the per-sequence reference of
//! `transformer.rs`, every gradient against central finite differences of that reference's loss,
//! the LoRA trainer lowering the loss deterministically per seed, and the pretraining rule.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

use adaptlab::linalg::Matrix;
use adaptlab::lora::models;
use adaptlab::lora::train::AdamConfig;
use adaptlab::lora::transformer::{self, tensors, tensors_mut, Transformer};
use adaptlab::lora::transformer_backprop as backprop;
use adaptlab::lora::transformer_train::{
    pretrain_transformer, TransformerTrainConfig, TransformerTrainable, TransformerTrainer,
};
use adaptlab::rng;

const D: usize = 4;
const N: usize = 3;

/// A small random pair, attention weights scaled so the softmax is neither saturated nor flat.
fn pair(depth: usize, seed: u64) -> (Transformer, Transformer) {
    let mut r = rng::stream(seed, rng::streams::MODELS);
    let mut nets = [models::random_transformer(&mut r, D, depth, 2), models::random_transformer(&mut r, D, depth, 2)];
    for net in &mut nets {
        for block in &mut net.blocks {
            for head in &mut block.heads {
                for m in [&mut head.query, &mut head.key, &mut head.value, &mut head.output] {
                    *m *= 0.5;
                }
            }
        }
    }
    let [target, frozen] = nets;
    (target, frozen)
}

/// The sequences of a batch matrix, as the reference code takes them.
fn split(x: &Matrix) -> Vec<Matrix> {
    (0..x.ncols() / N).map(|s| x.columns(s * N, N).into_owned()).collect()
}

/// The reference loss: `transformer::mse` (per sequence, by `Transformer::forward`).
fn reference_loss(net: &Transformer, target: &Transformer, x: &Matrix) -> f64 {
    transformer::mse(net, target, &split(x))
}

#[test]
fn batched_forward_matches_the_per_sequence_reference() {
    let (_, net) = pair(2, 1);
    let x = models::gaussian_inputs(&mut rng::stream(1, rng::streams::TEST), D, 7 * N);
    let batched = backprop::forward(&net, &x, N);
    for (s, seq) in split(&x).iter().enumerate() {
        let expected = net.forward(seq);
        let got = batched.columns(s * N, N);
        assert!((got - &expected).norm() <= 1e-12 * expected.norm().max(1.0), "sequence {s}");
    }
}

#[test]
fn every_gradient_matches_central_differences() {
    for depth in [1, 2] {
        let (target, net) = pair(depth, 3 + depth as u64);
        let x = models::gaussian_inputs(&mut rng::stream(3, rng::streams::TEST), D, 6 * N);
        let y = backprop::forward(&target, &x, N);
        let (loss, grads) = backprop::loss_and_gradients(&net, &x, &y, N);
        assert!((loss - reference_loss(&net, &target, &x)).abs() <= 1e-12 * loss.max(1.0));
        let analytic: Vec<Vec<f64>> = tensors(&grads).into_iter().map(<[f64]>::to_vec).collect();
        let h = 1e-6;
        let mut checked = 0;
        for (t, grad) in analytic.iter().enumerate() {
            for (i, &g) in grad.iter().enumerate() {
                let shifted = |by: f64| {
                    let mut moved = net.clone();
                    tensors_mut(&mut moved)[t][i] += by;
                    reference_loss(&moved, &target, &x)
                };
                let numeric = (shifted(h) - shifted(-h)) / (2.0 * h);
                assert!(
                    (numeric - g).abs() <= 1e-6 * (1.0 + g.abs()) * loss.max(1.0),
                    "depth {depth}, tensor {t}, entry {i}: numeric {numeric} vs analytic {g}"
                );
                checked += 1;
            }
        }
        // Every entry of every matrix and bias: 2 heads × 4 + W_1, b_1, W_2, b_2 per block, and W_o.
        assert_eq!(checked, depth * (8 * D * D + 2 * D * D + 2 * D) + D * D);
        assert!(analytic.iter().flatten().any(|g| g.abs() > 1e-4), "the check must see non-zero gradients");
    }
}

fn config(trainable: TransformerTrainable, learning_rate: f64) -> TransformerTrainConfig {
    TransformerTrainConfig {
        trainable,
        adam: AdamConfig::new(learning_rate, 0.0),
        batch_size: 32,
        length: N,
        lora_init_std: 0.25,
    }
}

#[test]
fn lora_training_lowers_the_loss_and_is_deterministic_per_seed() {
    let (target, frozen) = pair(2, 9);
    let test = models::gaussian_sequences(&mut rng::stream(9, rng::streams::TEST), D, N, 64);
    let trainable = TransformerTrainable::Lora { rank: 2, tune_biases: true };
    let run = || {
        let mut trainer =
            TransformerTrainer::new(target.clone(), frozen.clone(), config(trainable, 1e-2), rng::stream(9, 77));
        let before = trainer.mse_on(&test);
        assert!(trainer.run(300));
        (before, trainer.mse_on(&test), trainer.losses().to_vec())
    };
    let (before, after, losses) = run();
    assert!(after < 0.5 * before, "test MSE {before} → {after}");
    assert_eq!(run().2, losses, "the same seed gives the same run");
    // LoRA starts at the frozen network: A = 0.
    let fresh = TransformerTrainer::new(target.clone(), frozen.clone(), config(trainable, 1e-2), rng::stream(9, 77));
    assert_eq!(fresh.effective(), frozen);
}

#[test]
fn lora_leaves_the_unadapted_matrices_frozen() {
    let (target, frozen) = pair(2, 4);
    let trainable = TransformerTrainable::Lora { rank: 1, tune_biases: false };
    let mut trainer = TransformerTrainer::new(target, frozen.clone(), config(trainable, 1e-2), rng::stream(4, 5));
    trainer.run(20);
    let moved = trainer.into_model();
    // W_1 of every block, W_2 of the first block and every bias stay; the adapted ones move.
    assert_eq!(moved.blocks[0].w1, frozen.blocks[0].w1);
    assert_eq!(moved.blocks[1].w1, frozen.blocks[1].w1);
    assert_eq!(moved.blocks[0].w2, frozen.blocks[0].w2);
    assert_eq!(moved.blocks[0].b1, frozen.blocks[0].b1);
    assert_eq!(moved.blocks[1].b2, frozen.blocks[1].b2);
    assert_ne!(moved.blocks[1].w2, frozen.blocks[1].w2);
    assert_ne!(moved.blocks[0].heads[1].key, frozen.blocks[0].heads[1].key);
    assert_ne!(moved.w_out, frozen.w_out);
    // A rank-1 adapter moves each adapted matrix by a rank-1 matrix.
    let delta = &moved.blocks[0].heads[0].query - &frozen.blocks[0].heads[0].query;
    let singular = delta.singular_values();
    assert!(singular[1] <= 1e-12 * singular[0], "{singular}");
}

#[test]
fn pretraining_moves_the_frozen_transformer_towards_the_target() {
    let (target, frozen) = pair(1, 6);
    let test = models::gaussian_sequences(&mut rng::stream(6, rng::streams::TEST), D, N, 64);
    let (pretrained, steps) = pretrain_transformer(&target, &frozen, N, rng::stream(6, rng::streams::PRETRAINING));
    assert!((2..=1_000).contains(&steps), "{steps} steps");
    let (before, after) = (transformer::mse(&frozen, &target, &test), transformer::mse(&pretrained, &target, &test));
    assert!(after < 0.6 * before, "pretraining should about third the error: {before} → {after}");
}

#[test]
fn the_lora_scope_computes_the_same_gradients_where_it_computes_them() {
    use adaptlab::lora::transformer_backprop::{Scope, TransformerBackprop};
    let (target, net) = pair(2, 8);
    let x = models::gaussian_inputs(&mut rng::stream(8, rng::streams::TEST), D, 5 * N);
    let y = backprop::forward(&target, &x, N);
    let mut pass = TransformerBackprop::default();
    let all = pass.loss_and_gradients(&net, &x, &y, N, Scope::Everything).1.clone();
    let lora = pass.loss_and_gradients(&net, &x, &y, N, Scope::Lora).1.clone();
    // Skipped: W_1 of both blocks and W_2 of the first, left zero; everything else identical.
    for (l, (a, b)) in all.blocks.iter().zip(&lora.blocks).enumerate() {
        assert_eq!(a.heads, b.heads, "block {l} heads");
        assert_eq!((&a.b1, &a.b2), (&b.b1, &b.b2), "block {l} biases");
        assert_eq!(b.w1, Matrix::zeros(D, D));
        assert!(a.w1.norm() > 0.0);
    }
    assert_eq!(lora.blocks[0].w2, Matrix::zeros(D, D));
    assert_eq!(all.blocks[1].w2, lora.blocks[1].w2);
    assert_eq!(all.w_out, lora.w_out);
}
