//! The FNN construction (uniform partition + large biases): exact at and above the threshold,
//! the pre-activation identity below it, and the L̄ = 1 bound.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::needless_range_loop)] // tests fail loudly and index parallel arrays

use adaptlab::linalg::{self, Matrix};
use adaptlab::lora::fnn::{self, Fnn};
use adaptlab::lora::linear::Discrepancy;
use adaptlab::lora::models;
use adaptlab::rng;

fn setup(dim: usize, target_depth: usize, frozen_depth: usize, seed: u64) -> (Fnn, Fnn, Matrix, Matrix) {
    let (target, frozen) =
        models::fnn_pair(&mut rng::stream(seed, rng::streams::MODELS), dim, target_depth, frozen_depth);
    let calibration = models::gaussian_inputs(&mut rng::stream(seed, rng::streams::CALIBRATION), dim, 256);
    let test = models::gaussian_inputs(&mut rng::stream(seed, rng::streams::TEST), dim, 1000);
    (target, frozen, calibration, test)
}

#[test]
fn uniform_partition_matches_the_paper() {
    assert_eq!(fnn::uniform_partition(4, 2), vec![0..2, 2..4]);
    assert_eq!(fnn::uniform_partition(5, 2), vec![0..2, 2..5]);
    assert_eq!(fnn::uniform_partition(8, 1), vec![0..8]);
    assert_eq!(fnn::uniform_partition(7, 3), vec![0..2, 2..4, 4..7]);
}

#[test]
fn exact_at_and_above_the_threshold_on_the_calibration_batch() {
    // (L̄, L, tolerance): the paper's settings and an uneven partition must reach 1e-20; a three-layer
    // group multiplies more ill-conditioned layers, so its rounding floor is higher.
    for (target_depth, frozen_depth, tolerance) in [(1, 2, 1e-20), (2, 4, 1e-20), (2, 5, 1e-20), (1, 3, 1e-16)] {
        for relu_on_output in [true, false] {
            let (target, frozen, calibration, _) = setup(16, target_depth, frozen_depth, 3);
            let probe = fnn::construct(&target, &frozen, 0, &calibration, relu_on_output).unwrap();
            let threshold = fnn::threshold_rank(&probe.group_discrepancy_ranks, frozen_depth, target_depth);
            assert_eq!(threshold, 16usize.div_ceil(frozen_depth / target_depth), "random models: ⌈D/M⌉");
            for rank in threshold..=threshold + 2 {
                let built = fnn::construct(&target, &frozen, rank, &calibration, relu_on_output).unwrap();
                let mse = fnn::mse(
                    &built.adapted.forward(&calibration, relu_on_output),
                    &target.forward(&calibration, relu_on_output),
                );
                assert!(mse < tolerance, "L̄={target_depth} L={frozen_depth} R={rank} relu={relu_on_output}: {mse:e}");
                assert!(built.group_exact(rank).iter().all(|&e| e));
                assert!(built.adapter_ranks.iter().all(|&r| r <= rank));
            }
            let below = fnn::construct(&target, &frozen, threshold - 1, &calibration, relu_on_output).unwrap();
            let mse = fnn::mse(
                &below.adapted.forward(&calibration, relu_on_output),
                &target.forward(&calibration, relu_on_output),
            );
            assert!(mse > 1e-8, "below the threshold the error is not zero: {mse:e}");
        }
    }
}

#[test]
fn one_target_layer_affine_output_has_the_low_rank_residual_exactly() {
    // L̄ = 1 with an affine last layer: on the calibration batch f(X) − f̄(X) = −(E − LR_{RL}(E))X exactly.
    let (target, frozen, calibration, _) = setup(12, 1, 2, 8);
    let e = Discrepancy::new(&target.weights[0], &frozen.weights).unwrap();
    for rank in 0..6 {
        let built = fnn::construct(&target, &frozen, rank, &calibration, false).unwrap();
        let svd = linalg::sorted_svd(&e.matrix).unwrap();
        let k = 2 * rank;
        let low_rank = svd.u.columns(0, k)
            * Matrix::from_diagonal(&svd.singular_values.rows(0, k).into_owned())
            * svd.v.columns(0, k).transpose();
        let residual = (&e.matrix - low_rank) * &calibration;
        let expected = residual.iter().map(|v| v * v).sum::<f64>() / residual.len() as f64;
        let found = fnn::mse(&built.adapted.forward(&calibration, false), &target.forward(&calibration, false));
        assert!((found - expected).abs() <= 1e-9 * expected.max(1e-300), "R={rank}: {found} vs {expected}");
        // With the paper's ReLU on the output, ReLU being 1-Lipschitz can only shrink the error.
        let with_relu = fnn::mse(&built.adapted.forward(&calibration, true), &target.forward(&calibration, true));
        assert!(with_relu <= found * (1.0 + 1e-12));
    }
}

#[test]
fn single_layer_bound_holds_on_fresh_test_inputs() {
    let (target, frozen, calibration, test) = setup(16, 1, 2, 1);
    let e = Discrepancy::new(&target.weights[0], &frozen.weights).unwrap();
    for rank in 1..8 {
        let built = fnn::construct(&target, &frozen, rank, &calibration, true).unwrap();
        let mse = fnn::mse(&built.adapted.forward(&test, true), &target.forward(&test, true));
        let bound = fnn::single_layer_bound(e.singular_values(), rank, 2);
        // The bound is an expectation; 1,000 samples leave a few per cent of sampling noise.
        assert!(mse <= 1.1 * bound, "R={rank}: {mse} > bound {bound}");
        assert!(mse > 0.2 * bound, "and it is not vacuous: {mse} vs {bound}");
    }
}
