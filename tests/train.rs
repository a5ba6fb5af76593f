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
fn the_trainers_lora_factor_and_bias_gradients_match_central_differences() {
    // The gradients a LoRA step applies (∂/∂A_l, ∂/∂B_l of every layer, and the biases), from
    // the trainer itself, against central differences of the loss entry by entry.
    for activation in
        [Activation::Relu { relu_on_output: true }, Activation::Relu { relu_on_output: false }, Activation::Linear]
    {
        let (dim, depth, rank) = (4, 3, 2);
        let (target, frozen) = nets(dim, 1, depth, 5);
        let config = TrainConfig { activation, ..lora_config(rank) };
        let mut trainer = Trainer::new(target, frozen, config, rng::stream(5, rng::streams::TRAINING));
        // Both factors away from zero (A starts at zero, which would make ∂/∂B vanish).
        let mut r = rng::stream(5, rng::streams::CALIBRATION);
        let (a, b) = trainer.lora_factors_mut();
        for m in a.iter_mut().chain(b.iter_mut()) {
            *m = models::gaussian_inputs(&mut r, dim, rank) * 0.3;
        }
        let x = models::gaussian_inputs(&mut rng::stream(5, rng::streams::TEST), dim, 30);
        let grads = trainer.lora_gradients_on(&x);
        assert_eq!((grads.a.len(), grads.b.len(), grads.biases.len()), (depth, depth, depth));
        assert!((grads.loss - trainer.mse_on(&x)).abs() <= 1e-15 * grads.loss.max(1.0));
        let h = 1e-6;
        let central = |trainer: &mut Trainer, set: &dyn Fn(&mut Trainer, f64)| {
            set(trainer, h);
            let plus = trainer.mse_on(&x);
            set(trainer, -2.0 * h);
            let minus = trainer.mse_on(&x);
            set(trainer, h);
            (plus - minus) / (2.0 * h)
        };
        let mut checked = 0;
        for l in 0..depth {
            for i in 0..dim {
                for j in 0..rank {
                    let numeric = central(&mut trainer, &|t, d| t.lora_factors_mut().0[l][(i, j)] += d);
                    let analytic = grads.a[l][(i, j)];
                    assert!(
                        (numeric - analytic).abs() <= 1e-7 * (1.0 + analytic.abs()),
                        "{activation:?} A{l}[{i},{j}]: {numeric} vs {analytic}"
                    );
                    let numeric = central(&mut trainer, &|t, d| t.lora_factors_mut().1[l][(i, j)] += d);
                    let analytic = grads.b[l][(i, j)];
                    assert!(
                        (numeric - analytic).abs() <= 1e-7 * (1.0 + analytic.abs()),
                        "{activation:?} B{l}[{i},{j}]: {numeric} vs {analytic}"
                    );
                    checked += 2;
                }
                if activation != Activation::Linear {
                    let numeric = central(&mut trainer, &|t, d| t.biases_mut()[l][i] += d);
                    let analytic = grads.biases[l][i];
                    assert!(
                        (numeric - analytic).abs() <= 1e-7 * (1.0 + analytic.abs()),
                        "{activation:?} b{l}[{i}]: {numeric} vs {analytic}"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked >= 2 * depth * dim * rank, "{checked}");
        assert!(grads.b.iter().any(|g| g.amax() > 1e-6), "the check is not vacuous");
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

/// The paper's pretraining (`lora.md` §4.1) written out here: Adam at 10⁻³ without weight decay on
/// every weight and bias, batches of 256 from `rng`; after each step, stop once the batch loss is
/// below a third of the first step's, or after 1,000 steps.
fn pretrain_by_the_rule(target: &Fnn, frozen: &Fnn, activation: Activation, stream: u64) -> (Fnn, usize, Vec<f64>) {
    let config = TrainConfig {
        trainable: Trainable::Everything,
        activation,
        adam: AdamConfig::new(1e-3, 0.0),
        batch_size: 256,
        lora_init_std: 0.25,
    };
    let mut t = Trainer::new(target.clone(), frozen.clone(), config, rng::stream(stream, rng::streams::PRETRAINING));
    loop {
        t.step();
        let losses = t.losses();
        let (first, last) = (losses[0], losses[losses.len() - 1]);
        if (losses.len() > 1 && last < first / 3.0) || losses.len() == 1_000 {
            let losses = losses.to_vec();
            let steps = t.steps();
            return (t.into_model(), steps, losses);
        }
    }
}

#[test]
fn pretraining_follows_the_papers_stop_rule() {
    for (seed, activation) in [(4, Activation::Relu { relu_on_output: true }), (7, Activation::Linear)] {
        let (target, mut frozen) = nets(6, 1, 3, seed);
        if activation == Activation::Linear {
            frozen.biases.iter_mut().for_each(|b| b.fill(0.0));
        }
        let (expected, steps, losses) = pretrain_by_the_rule(&target, &frozen, activation, seed);
        let (moved, taken) =
            train::pretrain(&target, &frozen, activation, rng::stream(seed, rng::streams::PRETRAINING));
        assert_eq!(taken, steps, "{activation:?}");
        assert_eq!(moved, expected, "{activation:?}: the same steps give the same model");
        assert!(steps < 1_000 && losses[steps - 1] < losses[0] / 3.0, "{activation:?}: the third was reached");
        assert!(losses[1..steps - 1].iter().all(|&l| l >= losses[0] / 3.0), "{activation:?}: and not earlier");
    }
}

#[test]
fn pretraining_stops_after_a_thousand_steps_when_the_loss_cannot_fall() {
    // Every ReLU of the frozen model is off (biases −100): the output is 0, every gradient is 0,
    // and the loss stays at the target's mean square, never below a third of it.
    let (target, mut frozen) = nets(4, 1, 2, 3);
    frozen.biases.iter_mut().for_each(|b| b.fill(-100.0));
    let activation = Activation::Relu { relu_on_output: true };
    let (moved, steps) = train::pretrain(&target, &frozen, activation, rng::stream(3, rng::streams::PRETRAINING));
    assert_eq!(steps, train::Pretraining::MAX_STEPS);
    assert_eq!(steps, 1_000);
    assert_eq!(moved, frozen, "zero gradients move nothing");
}

#[test]
fn adam_with_weight_decay_matches_a_hand_computed_update() {
    // PyTorch's Adam with L2 weight decay: g ← g + λθ; m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
    // θ ← θ − η (m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε), on every weight and bias, two steps.
    let (learning_rate, decay, beta1, beta2, epsilon) = (1e-2, 1e-2, 0.9, 0.999, 1e-8);
    let (target, frozen) = nets(3, 1, 2, 8);
    let activation = Activation::Relu { relu_on_output: true };
    let config = TrainConfig {
        trainable: Trainable::Everything,
        activation,
        adam: AdamConfig::new(learning_rate, decay),
        batch_size: 16,
        lora_init_std: 0.25,
    };
    let mut trainer = Trainer::new(target.clone(), frozen.clone(), config, rng::stream(8, rng::streams::TRAINING));
    trainer.step();
    trainer.step();
    // The same batches: the trainer draws nothing but its batches in this mode.
    let mut r = rng::stream(8, rng::streams::TRAINING);
    let mut net = frozen;
    let params = |n: &Fnn| -> Vec<f64> {
        n.weights
            .iter()
            .flat_map(|w| w.iter().copied())
            .chain(n.biases.iter().flat_map(|b| b.iter().copied()))
            .collect()
    };
    let mut m = vec![0.0; params(&net).len()];
    let mut v = m.clone();
    for t in 1..=2 {
        let x = models::gaussian_inputs(&mut r, 3, 16);
        let y = train::forward(&target, &x, activation);
        let g = train::loss_and_gradients(&net, &x, &y, activation);
        let grad: Vec<f64> = g
            .weights
            .iter()
            .flat_map(|w| w.iter().copied())
            .chain(g.biases.iter().flat_map(|b| b.iter().copied()))
            .collect();
        let mut theta = params(&net);
        for k in 0..theta.len() {
            let gk = grad[k] + decay * theta[k];
            m[k] = beta1 * m[k] + (1.0 - beta1) * gk;
            v[k] = beta2 * v[k] + (1.0 - beta2) * gk * gk;
            let m_hat = m[k] / (1.0 - beta1.powi(t));
            let v_hat = v[k] / (1.0 - beta2.powi(t));
            theta[k] -= learning_rate * m_hat / (v_hat.sqrt() + epsilon);
        }
        let mut values = theta.into_iter();
        for w in net.weights.iter_mut() {
            w.iter_mut().for_each(|e| *e = values.next().unwrap());
        }
        for b in net.biases.iter_mut() {
            b.iter_mut().for_each(|e| *e = values.next().unwrap());
        }
    }
    let trained = trainer.into_model();
    let (found, expected) = (params(&trained), params(&net));
    let moved = expected.iter().zip(params(&nets(3, 1, 2, 8).1)).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    assert!(moved > 1e-3, "the update is not vacuous: {moved}");
    for (k, (a, b)) in found.iter().zip(&expected).enumerate() {
        assert!((a - b).abs() <= 1e-13, "parameter {k}: {a} vs {b}");
    }
    // Without the decay the same run ends elsewhere: the decay term is really applied.
    let plain = TrainConfig { adam: AdamConfig::new(learning_rate, 0.0), ..config };
    let mut undecayed = Trainer::new(target, nets(3, 1, 2, 8).1, plain, rng::stream(8, rng::streams::TRAINING));
    undecayed.step();
    undecayed.step();
    assert_ne!(params(&undecayed.into_model()), found);
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

/// What the training lesson's live check and numbers say after the whole run.
fn finished_run(link: &str) -> (String, Option<f64>, Option<f64>, adaptlab::lessons::lora_training::Params) {
    let mut lab = adaptlab::pages::Lab::new();
    assert!(lab.load(link).is_empty(), "{link}");
    let report = lab.compute_all().unwrap();
    let shown = |id: &str| report.numbers.iter().find(|n| n.id == id).and_then(|n| n.value);
    let params = adaptlab::state::parse(link).state.lora_training;
    (report.check.clone(), shown("train-test"), shown("train-construction"), params)
}

#[test]
fn the_training_verdict_states_a_criterion_that_its_numbers_meet() {
    // Issue 10, defects 1 and 6: `L=6&R=1` said gradient descent "comes close" to a construction
    // at 1.3e12, and a run at learning rate 1 that ended 8× above the construction (and above
    // where it started) was said to "come close" too. The frozen model's test MSE is recomputed
    // here on the lesson's test inputs.
    for link in [
        "v=1&view=lora-training&L=6&R=1",
        "v=1&view=lora-training&lr=1",
        "v=1&view=lora-training",
        "v=1&view=lora-training&R=8&steps=1000",
        "v=1&view=lora-training&model=linear&R=3&steps=2000",
    ] {
        let (check, trained, construction, params) = finished_run(link);
        let trained = trained.unwrap_or_else(|| panic!("{link}: the run finishes: {check}"));
        let (target, frozen, _) = adaptlab::lessons::lora_training::models(&params);
        let x = models::gaussian_inputs(
            &mut rng::stream(params.seed, rng::streams::TEST),
            params.width,
            adaptlab::lessons::lora_training::TEST_SIZE,
        );
        let activation = if params.model == adaptlab::lessons::lora_training::ModelKind::Linear {
            Activation::Linear
        } else {
            Activation::Relu { relu_on_output: true }
        };
        let start = loss(&frozen, &x, &train::forward(&target, &x, activation), activation);
        let close = check.contains("comes close") || check.contains("within a factor 2");
        if trained > start {
            assert!(check.contains("diverged") && !close, "{link}: {trained} > start {start}: {check}");
            continue;
        }
        match construction {
            None => assert!(check.contains("cannot be used") && !close, "{link}: {check}"),
            Some(c) => {
                let ratio = trained / c;
                assert_eq!(close, (0.5..=2.0).contains(&ratio), "{link}: ratio {ratio}: {check}");
                assert_eq!(check.contains("falls short"), ratio > 2.0, "{link}: ratio {ratio}: {check}");
                assert_eq!(check.contains("does better"), ratio < 0.5, "{link}: ratio {ratio}: {check}");
            }
        }
    }
}
