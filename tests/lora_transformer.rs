//! The transformer construction: exact for R ≥ ⌈D/2⌉ (L = 1 and 2), checked on fresh inputs
//! against the target's forward pass; the attention convention itself checked by hand.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::needless_range_loop)] // tests fail loudly and index parallel arrays

use adaptlab::linalg::Matrix;
use adaptlab::lora::models;
use adaptlab::lora::transformer::{self, Transformer};
use adaptlab::rng;

fn pair(dim: usize, depth: usize, seed: u64) -> (Transformer, Transformer, Vec<Matrix>) {
    let mut r = rng::stream(seed, rng::streams::MODELS);
    let target = models::random_transformer(&mut r, dim, depth, 2);
    let frozen = models::random_transformer(&mut r, dim, depth, 2);
    let inputs = models::gaussian_sequences(&mut rng::stream(seed, rng::streams::TEST), dim, 10, 50);
    (target, frozen, inputs)
}

fn output_scale(net: &Transformer, inputs: &[Matrix]) -> f64 {
    inputs.iter().map(|x| net.forward(x).iter().map(|v| v * v).sum::<f64>() / x.len() as f64).sum::<f64>()
        / inputs.len() as f64
}

#[test]
fn softmax_is_over_keys_for_each_query() {
    let mut scores = Matrix::from_row_slice(2, 2, &[0.0, 1000.0, 0.0, -1000.0]);
    transformer::softmax_columns(&mut scores);
    assert!((scores[(0, 0)] - 0.5).abs() < 1e-15 && (scores[(1, 0)] - 0.5).abs() < 1e-15);
    assert!((scores[(0, 1)] - 1.0).abs() < 1e-15 && scores[(1, 1)] < 1e-300);
}

#[test]
fn exact_from_half_the_width_for_one_and_two_blocks() {
    for depth in [1, 2] {
        let (target, frozen, inputs) = pair(8, depth, 4);
        let scale = output_scale(&target, &inputs);
        for rank in 4..=5 {
            let built = transformer::construct(&target, &frozen, rank).unwrap();
            assert_eq!(built.threshold_rank(), 4, "random models: ⌈D/2⌉");
            let mse = transformer::mse(&built.adapted, &target, &inputs);
            assert!(mse < 1e-20 * scale.max(1.0), "L={depth} R={rank}: {mse:e} (output scale {scale:e})");
        }
        let below = transformer::construct(&target, &frozen, 3).unwrap();
        let mse = transformer::mse(&below.adapted, &target, &inputs);
        assert!(mse > 1e-6 * scale, "below ⌈D/2⌉ the adapted model differs: {mse:e}");
    }
}

#[test]
fn adapters_touch_only_attention_and_the_last_ffn_and_output() {
    let (target, frozen, _) = pair(6, 2, 9);
    let built = transformer::construct(&target, &frozen, 3).unwrap();
    // W_1 of every block and W_2 of the first block keep their frozen values; b_1 becomes the target's.
    for l in 0..2 {
        assert_eq!(built.adapted.blocks[l].w1, frozen.blocks[l].w1);
        assert_eq!(built.adapted.blocks[l].b1, target.blocks[l].b1);
    }
    assert_eq!(built.adapted.blocks[0].w2, frozen.blocks[0].w2);
    // Every adapter has rank ≤ R = 3.
    let rank = |a: &Matrix, b: &Matrix| {
        adaptlab::linalg::numerical_rank(&adaptlab::linalg::singular_values(&(a - b)).unwrap())
    };
    for (adapted, original) in built.adapted.blocks.iter().zip(&frozen.blocks) {
        for (h, o) in adapted.heads.iter().zip(&original.heads) {
            for (a, b) in [(&h.query, &o.query), (&h.key, &o.key), (&h.value, &o.value), (&h.output, &o.output)] {
                assert!(rank(a, b) <= 3);
            }
        }
    }
    assert!(rank(&built.adapted.w_out, &frozen.w_out) <= 3);
    assert!(rank(&built.adapted.blocks[1].w2, &frozen.blocks[1].w2) <= 3);
}
