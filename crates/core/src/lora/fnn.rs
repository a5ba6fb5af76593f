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
    /// What the construction computes in exact arithmetic: one layer per group, with weight
    /// W̄_i − Δ_i = Π_{l∈P_i} W_l + LR_{R|P_i|}(E_i) and the target's bias b̄_i.
    pub intended: Fnn,
    /// The rank of each ΔW_l.
    pub adapter_ranks: Vec<usize>,
    /// The groups of frozen layers (0-based), one per target layer.
    pub groups: Vec<Range<usize>>,
    /// rank(E_i), E_i = W̄_i − Π_{l∈P_i} W_l, for each group.
    pub group_discrepancy_ranks: Vec<usize>,
    /// σ(E_i) for each group, descending.
    pub group_singular_values: Vec<Vec<f64>>,
    /// RMS over the calibration batch of the adapted network's deviation from `intended`
    /// (rounding only; at most `RELIABLE_TOLERANCE` times the target's `output_scale`).
    pub deviation: f64,
}

impl FnnConstruction {
    /// Whether group i is matched exactly in exact arithmetic: R·|P_i| ≥ rank(E_i).
    pub fn group_exact(&self, rank: usize) -> Vec<bool> {
        self.groups.iter().zip(&self.group_discrepancy_ranks).map(|(g, &r)| rank * g.len() >= r).collect()
    }

    /// How many inputs (columns) drive some inner pre-activation of a group (every layer of a
    /// group but its last) below zero: there the large biases do not keep that ReLU linear, so
    /// the group no longer computes (W̄_i − Δ_i)z + b̄_i. Zero on the calibration batch by
    /// construction; fresh inputs can fall outside the batch's range.
    pub fn inputs_outside_linear_region(&self, inputs: &Matrix, relu_on_output: bool) -> usize {
        let depth = self.adapted.depth();
        let mut outside = vec![false; inputs.ncols()];
        let mut h = inputs.clone();
        for (l, (w, b)) in self.adapted.weights.iter().zip(&self.adapted.biases).enumerate() {
            h = affine(w, b, &h);
            if self.groups.iter().any(|g| g.contains(&l) && l + 1 < g.end) {
                for (flag, column) in outside.iter_mut().zip(h.column_iter()) {
                    *flag |= column.iter().any(|&v| v < 0.0);
                }
            }
            if l + 1 < depth || relu_on_output {
                relu_in_place(&mut h);
            }
        }
        outside.iter().filter(|&&o| o).count()
    }
}

/// Why the FNN construction cannot be used.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum FnnConstructionError {
    /// The linear construction of one group (`lora.md` §3.1) fails: the non-singularity
    /// assumption, or rounding in the inverses of that group's layers.
    #[error("for group {group} (target layer {group}), {source}")]
    Group {
        /// 1-based group index.
        group: usize,
        /// Why the group's adapters cannot be built.
        source: ConstructionError,
    },
    /// Every step succeeded, but rounding in the adapted network (its large weights and biases)
    /// makes it compute something else than the construction does in exact arithmetic.
    #[error("rounding makes the adapted network unusable: on the calibration batch its outputs differ from what the construction computes in exact arithmetic by {} (RMS), more than 10⁻⁶ × {}, the target's RMS output before any final ReLU", scientific(*.deviation), scientific(*.scale))]
    Unreliable {
        /// RMS deviation from the exact-arithmetic result on the calibration batch.
        deviation: f64,
        /// RMS of the target's outputs before any final ReLU on the calibration batch (`output_scale`).
        scale: f64,
    },
}

/// A number in the form `1.234e5`, or "a number too large for double precision" when it is not finite.
fn scientific(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.3e}")
    } else {
        "a number too large for double precision".to_owned()
    }
}

/// Largest RMS deviation, relative to the target's `output_scale` on the calibration batch, between
/// the adapted network and what the construction computes in exact arithmetic that still counts
/// as the construction working (`FnnConstructionError::Unreliable`'s message writes it as 10⁻⁶).
pub const RELIABLE_TOLERANCE: f64 = 1e-6;

/// The scale rounding is measured against: the RMS of the network's last pre-activations (its
/// output before any final ReLU, which could make every output zero) on `inputs`.
pub fn output_scale(net: &Fnn, inputs: &Matrix) -> f64 {
    rms(&net.forward(inputs, false))
}

/// Root mean square of a matrix's entries (0 for an empty one).
pub fn rms(m: &Matrix) -> f64 {
    (m.iter().fold(0.0, |acc, v| acc + v * v) / m.len().max(1) as f64).sqrt()
}

/// The theorem's sufficient rank ⌈max_i rank(E_i) / M⌉ with M = ⌊L/L̄⌋ (≈ ⌈D·L̄/L⌉ for random models).
pub fn threshold_rank(group_discrepancy_ranks: &[usize], frozen_depth: usize, target_depth: usize) -> usize {
    let per_group = (frozen_depth / target_depth.max(1)).max(1);
    group_discrepancy_ranks.iter().copied().max().unwrap_or(0).div_ceil(per_group)
}

/// Π_{l∈P_i} W_l + LR_k(E_i): the group's product after the linear construction, in exact arithmetic.
fn intended_weight(discrepancy: &Discrepancy, k: usize) -> Matrix {
    let svd = &discrepancy.svd;
    let k = k.min(svd.singular_values.len());
    let low_rank = svd.u.columns(0, k)
        * Matrix::from_diagonal(&svd.singular_values.rows(0, k).into_owned())
        * svd.v.columns(0, k).transpose();
    &discrepancy.frozen_product + low_rank
}

/// Builds the adapters and biases of `lora.md` §3.2 for LoRA rank `rank` on every layer.
///
/// Per group P_i: the linear construction matches Π_{l∈P_i}(W_l+ΔW_l) to W̄_i − Δ_i with
/// Δ_i = E_i − LR_{R|P_i|}(E_i). Inside the group the biases keep every ReLU in its linear region:
/// with u_l the pre-activations the group's adapted layers give without biases, layer l's
/// pre-activations are shifted to u_l + c_l, c_l = 2·max(0, −min u_l) (one scalar on every unit,
/// twice the most negative value on the calibration batch, as in the paper's code), so its bias
/// is b̂_l = c_l·1 − (W_l+ΔW_l) c_{l−1}·1 (c = 0 before the group's first layer), and the group's
/// last bias b̄_i − (W_l+ΔW_l) c_{l−1}·1 removes the last shift, so the group computes
/// (W̄_i − Δ_i) z + b̄_i on the batch.
///
/// Departure from the paper's code (`lora.md` §3.2): the code adds each shift on top of the
/// previous ones (b̂_l = c·1 sized on the already shifted values) and cancels their sum only at
/// the group's last layer. With three or more layers in a group, the adapted weights' large norms
/// then multiply the shifts from layer to layer (10⁴ per layer at L = 6), and the final
/// cancellation loses every significant digit. Both choices are "biases large enough" in the
/// paper's sense, and they coincide for groups of two layers (the paper's experiments). Also
/// unlike the code, the next group's biases are sized on the true activations (bias and ReLU
/// applied), which changes nothing where the construction is exact.
///
/// Every step is checked: the linear construction of each group (Lemma 1's assumption and its
/// rounding), then the adapted network against what the construction computes in exact
/// arithmetic (`intended`) on the calibration batch, to `RELIABLE_TOLERANCE` of the target's
/// `output_scale`. Requires L ≥ L̄ ≥ 1 and matching widths (checked by the lesson's gate).
pub fn construct(
    target: &Fnn,
    frozen: &Fnn,
    rank: usize,
    calibration: &Matrix,
    relu_on_output: bool,
) -> Result<FnnConstruction, FnnConstructionError> {
    let dim = frozen.width();
    let groups = uniform_partition(frozen.depth(), target.depth());
    let mut adapted = frozen.clone();
    let mut intended = target.clone();
    let mut adapter_ranks = vec![0; frozen.depth()];
    let mut group_discrepancy_ranks = Vec::with_capacity(groups.len());
    let mut group_singular_values = Vec::with_capacity(groups.len());
    let mut z = calibration.clone();
    for (i, group) in groups.iter().enumerate() {
        let failed = |source| FnnConstructionError::Group { group: i + 1, source };
        let layers = &frozen.weights[group.clone()];
        let discrepancy =
            Discrepancy::new(&target.weights[i], layers).map_err(|_| failed(ConstructionError::NonFinite))?;
        let built =
            linear::construct(&target.weights[i], layers, &discrepancy, &vec![rank; group.len()]).map_err(failed)?;
        intended.weights[i] = intended_weight(&discrepancy, rank * group.len());
        group_discrepancy_ranks.push(discrepancy.rank);
        group_singular_values.push(discrepancy.singular_values().to_vec());
        for (offset, adapter) in built.adapters.iter().enumerate() {
            adapted.weights[group.start + offset] = &frozen.weights[group.start + offset] + &adapter.delta;
            adapter_ranks[group.start + offset] = adapter.rank;
        }
        // z runs through the group without biases (u_l); `shift` is c_{l−1}, the shift the
        // previous layer's bias added to its pre-activations.
        let mut shift = 0.0;
        for l in group.clone() {
            let w = &adapted.weights[l];
            z = w * &z;
            let carried = w * Vector::from_element(dim, shift);
            if l + 1 < group.end {
                // Large bias: lift every pre-activation of the batch above zero, so ReLU acts as the identity.
                let next = 2.0 * (-z.min()).max(0.0);
                adapted.biases[l] = Vector::from_element(dim, next) - carried;
                shift = next;
            } else {
                // Last layer of the group: remove the last shift and add the target's bias.
                adapted.biases[l] = &target.biases[i] - carried;
                for mut column in z.column_iter_mut() {
                    column += &target.biases[i];
                }
                if i + 1 < groups.len() || relu_on_output {
                    relu_in_place(&mut z);
                }
            }
        }
    }
    // In exact arithmetic the adapted network computes `intended` on the batch; accept it only if
    // floating point kept that promise to RELIABLE_TOLERANCE of the target's output scale.
    let deviation =
        rms(&(adapted.forward(calibration, relu_on_output) - intended.forward(calibration, relu_on_output)));
    let scale = output_scale(target, calibration);
    // A NaN deviation (non-finite weights or biases) fails too.
    if deviation.is_nan() || deviation > RELIABLE_TOLERANCE * scale {
        return Err(FnnConstructionError::Unreliable { deviation, scale });
    }
    Ok(FnnConstruction {
        adapted,
        intended,
        adapter_ranks,
        groups,
        group_discrepancy_ranks,
        group_singular_values,
        deviation,
    })
}

/// The L̄ = 1 bound (`lora.md` §2.4): while the biases keep the inner ReLUs linear, the output
/// pre-activation error is (E − LR_{RL}(E))x, and ReLU is 1-Lipschitz, so for x ~ N(0, I_D)
/// MSE ≤ (1/D) Σ_{i>RL} σ_i(E)² (equality for an affine last layer).
pub fn single_layer_bound(singular_values: &[f64], rank: usize, frozen_depth: usize) -> f64 {
    let k = (rank * frozen_depth).min(singular_values.len());
    linear::tail_sum_of_squares(singular_values, k) / singular_values.len().max(1) as f64
}

/// The L̄ = 1 bound's value on given inputs x (columns): (1/(D·n)) Σ_x ‖(E − LR_{RL}(E))x‖², with
/// ‖(E − LR_k(E))x‖² = Σ_{i>k} σ_i² (v_iᵀx)². Wherever the inner ReLUs stay linear, each input's
/// squared error is at most its term (equal for an affine last layer), so this bounds the MSE on
/// those inputs surely, not only in expectation.
pub fn single_layer_bound_on(discrepancy: &Discrepancy, rank: usize, frozen_depth: usize, inputs: &Matrix) -> f64 {
    let dim = discrepancy.width();
    let k = (rank * frozen_depth).min(dim);
    let tail = discrepancy.svd.v.columns(k, dim - k).transpose() * inputs;
    let weights = discrepancy.singular_values()[k..].iter().map(|s| s * s);
    let total: f64 = tail.row_iter().zip(weights).map(|(row, w)| w * row.iter().map(|c| c * c).sum::<f64>()).sum();
    total / (dim * inputs.ncols()).max(1) as f64
}
