//! ReLU networks (paper §3; reference `lora.md` §1.3, §2.2, §2.4, §3.2): a frozen FNN of depth L
//! adapted to a smaller target of depth L̄ < L by the uniform partition of its layers and the
//! large-bias linearisation.
//!
//! Inputs are matrices whose columns are samples (D×n), so a layer is W·X + b·1ᵀ.

use std::ops::Range;

use crate::linalg::{Matrix, Vector};
use crate::lora::linear::{self, ConstructionError, Discrepancy};

/// A fully connected network: `weights[l]` (D×D) and `biases[l]` (D), layer 0 applied first,
/// ReLU between layers (and after the last one when asked).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fnn {
    /// W_1..W_L.
    pub weights: Vec<Matrix>,
    /// b_1..b_L.
    pub biases: Vec<Vector>,
}

impl Fnn {
    /// Depth L.
    pub fn depth(&self) -> usize {
        self.weights.len()
    }

    /// Width D.
    pub fn width(&self) -> usize {
        self.weights.first().map_or(0, |w| w.nrows())
    }

    /// f(X): ReLU after every layer but the last, and after the last too if `relu_on_output`
    /// (the paper's code applies it there; its text treats the last layer as affine).
    pub fn forward(&self, inputs: &Matrix, relu_on_output: bool) -> Matrix {
        let last = self.depth().saturating_sub(1);
        let mut h = inputs.clone();
        for (l, (w, b)) in self.weights.iter().zip(&self.biases).enumerate() {
            h = affine(w, b, &h);
            if l < last || relu_on_output {
                relu_in_place(&mut h);
            }
        }
        h
    }
}

/// W·X + b·1ᵀ (on the batch kernels of `batch.rs`, as in training).
pub fn affine(w: &Matrix, b: &Vector, x: &Matrix) -> Matrix {
    let mut z = Matrix::zeros(0, 0);
    crate::lora::batch::affine_into(w, Some(b), x, &mut z);
    z
}

/// ReLU(z) = max(z, 0), entrywise.
pub fn relu_in_place(z: &mut Matrix) {
    adaptlab_batch::relu(z.as_mut_slice());
}

/// Mean squared error over samples and output coordinates: (1/(D·n)) Σ (a − b)².
pub fn mse(a: &Matrix, b: &Matrix) -> f64 {
    let n = a.len().max(1) as f64;
    (a - b).iter().fold(0.0, |acc, d| acc + d * d) / n
}

/// The uniform partition of L frozen layers into L̄ consecutive groups (0-based ranges): with
/// M = ⌊L/L̄⌋, group i is layers iM..(i+1)M, and the last group also takes the remainder.
pub fn uniform_partition(frozen_depth: usize, target_depth: usize) -> Vec<Range<usize>> {
    let per_group = frozen_depth / target_depth.max(1);
    (0..target_depth)
        .map(|i| {
            let end = if i + 1 == target_depth { frozen_depth } else { (i + 1) * per_group };
            i * per_group..end
        })
        .collect()
}

/// The adapted network built by the construction, with what decides its exactness.
#[derive(Clone, Debug)]
pub struct FnnConstruction {
    /// The frozen network with W_l + ΔW_l and the updated biases b̂_l.
    pub adapted: Fnn,
    /// The rank of each ΔW_l.
    pub adapter_ranks: Vec<usize>,
    /// The groups of frozen layers (0-based), one per target layer.
    pub groups: Vec<Range<usize>>,
    /// rank(E_i), E_i = W̄_i − Π_{l∈P_i} W_l, for each group.
    pub group_discrepancy_ranks: Vec<usize>,
    /// σ(E_i) for each group, descending.
    pub group_singular_values: Vec<Vec<f64>>,
}

impl FnnConstruction {
    /// Whether group i is matched exactly: R·|P_i| ≥ rank(E_i).
    pub fn group_exact(&self, rank: usize) -> Vec<bool> {
        self.groups.iter().zip(&self.group_discrepancy_ranks).map(|(g, &r)| rank * g.len() >= r).collect()
    }
}

/// The theorem's sufficient rank ⌈max_i rank(E_i) / M⌉ with M = ⌊L/L̄⌋ (≈ ⌈D·L̄/L⌉ for random models).
pub fn threshold_rank(group_discrepancy_ranks: &[usize], frozen_depth: usize, target_depth: usize) -> usize {
    let per_group = (frozen_depth / target_depth.max(1)).max(1);
    group_discrepancy_ranks.iter().copied().max().unwrap_or(0).div_ceil(per_group)
}

/// Builds the adapters and biases of `lora.md` §3.2 for LoRA rank `rank` on every layer.
///
/// Per group P_i: the linear construction matches Π_{l∈P_i}(W_l+ΔW_l) to W̄_i − Δ_i with
/// Δ_i = E_i − LR_{R|P_i|}(E_i); inside the group, each bias is one scalar large enough (twice the
/// most negative pre-activation on the calibration batch) to keep the inner ReLUs in their linear
/// region, and the group's last bias cancels what those biases added, so the group computes
/// (W̄_i − Δ_i) z + b̄_i. Unlike the paper's code, the next group's biases are sized on the true
/// activations (bias and ReLU applied), which changes nothing where the construction is exact.
///
/// Requires L ≥ L̄ ≥ 1 and matching widths (checked by the lesson's gate).
pub fn construct(
    target: &Fnn,
    frozen: &Fnn,
    rank: usize,
    calibration: &Matrix,
    relu_on_output: bool,
) -> Result<FnnConstruction, ConstructionError> {
    let dim = frozen.width();
    let groups = uniform_partition(frozen.depth(), target.depth());
    let mut adapted = frozen.clone();
    let mut adapter_ranks = vec![0; frozen.depth()];
    let mut group_discrepancy_ranks = Vec::with_capacity(groups.len());
    let mut group_singular_values = Vec::with_capacity(groups.len());
    let mut z = calibration.clone();
    for (i, group) in groups.iter().enumerate() {
        let layers = &frozen.weights[group.clone()];
        let discrepancy = Discrepancy::new(&target.weights[i], layers).map_err(|_| ConstructionError::NonFinite)?;
        let built = linear::construct(&target.weights[i], layers, &discrepancy, &vec![rank; group.len()])?;
        group_discrepancy_ranks.push(discrepancy.rank);
        group_singular_values.push(discrepancy.singular_values().to_vec());
        for (offset, adapter) in built.adapters.iter().enumerate() {
            adapted.weights[group.start + offset] = &frozen.weights[group.start + offset] + &adapter.delta;
            adapter_ranks[group.start + offset] = adapter.rank;
        }
        // after[k] = product of the adapted layers after position k inside the group.
        let len = group.len();
        let mut after = vec![Matrix::identity(dim, dim); len];
        for k in (0..len.saturating_sub(1)).rev() {
            after[k] = &after[k + 1] * &adapted.weights[group.start + k + 1];
        }
        let mut carried = Vector::zeros(dim);
        for (k, after_k) in after.iter().enumerate() {
            let l = group.start + k;
            z = &adapted.weights[l] * &z;
            if k + 1 < len {
                // Large bias: shift every pre-activation of the batch above zero, so ReLU acts as the identity.
                let shift = 2.0 * (-z.min()).max(0.0);
                let bias = Vector::from_element(dim, shift);
                z.add_scalar_mut(shift);
                carried += after_k * &bias;
                adapted.biases[l] = bias;
            } else {
                // Last layer of the group: cancel the carried biases and add the target's bias.
                let bias = &target.biases[i] - &carried;
                for mut column in z.column_iter_mut() {
                    column += &bias;
                }
                adapted.biases[l] = bias;
                if i + 1 < groups.len() || relu_on_output {
                    relu_in_place(&mut z);
                }
            }
        }
    }
    Ok(FnnConstruction { adapted, adapter_ranks, groups, group_discrepancy_ranks, group_singular_values })
}

/// The L̄ = 1 bound (`lora.md` §2.4): while the biases keep the inner ReLUs linear, the output
/// pre-activation error is (E − LR_{RL}(E))x, and ReLU is 1-Lipschitz, so for x ~ N(0, I_D)
/// MSE ≤ (1/D) Σ_{i>RL} σ_i(E)² (equality for an affine last layer).
pub fn single_layer_bound(singular_values: &[f64], rank: usize, frozen_depth: usize) -> f64 {
    let k = (rank * frozen_depth).min(singular_values.len());
    linear::tail_sum_of_squares(singular_values, k) / singular_values.len().max(1) as f64
}
