//! LoRA on deep linear models (paper §2, Lemma 1; reference `lora.md` §2.1 and §3.1).
//!
//! A frozen model f₀(x) = W_L ⋯ W_1 x, a target f̄(x) = W̄x (all D×D), and adapters ΔW_l of rank
//! at most R_l. Everything is decided by the discrepancy E = W̄ − W_L⋯W_1 and the total rank
//! budget k = min(Σ R_l, D).

use crate::linalg::{self, Matrix, SortedSvd, MAX_CONDITION};

/// The discrepancy E = W̄ − Π W_l and its spectrum.
#[derive(Clone, Debug)]
pub struct Discrepancy {
    /// E = W̄ − W_L⋯W_1.
    pub matrix: Matrix,
    /// The frozen product Π W_l = W_L⋯W_1.
    pub frozen_product: Matrix,
    /// SVD of E, singular values in descending order.
    pub svd: SortedSvd,
    /// Numerical rank of E (singular values above `linalg::RANK_TOLERANCE · σ₁`).
    pub rank: usize,
}

/// Why the discrepancy could not be analysed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum AnalysisError {
    /// nalgebra's SVD did not converge (never observed for finite input).
    #[error("the singular value decomposition of E did not converge")]
    SvdDidNotConverge,
    /// The frozen product ΠW_l or E = W̄ − ΠW_l overflowed double precision.
    #[error("the entries are too large for double precision: {what} has an entry beyond ±1.8e308")]
    Overflow {
        /// Which matrix overflowed ("the frozen product ΠW_l", "E = W̄ − ΠW_l").
        what: &'static str,
    },
}

impl Discrepancy {
    /// Computes E = W̄ − W_L⋯W_1 for a square target and square frozen layers of the same size
    /// (`frozen[0]` is W_1, applied first). Shapes are the caller's contract (checked in `lessons`).
    pub fn new(target: &Matrix, frozen: &[Matrix]) -> Result<Self, AnalysisError> {
        let finite = |m: &Matrix| m.iter().all(|x| x.is_finite());
        let frozen_product = linalg::layer_product(frozen, target.nrows());
        if !finite(&frozen_product) {
            return Err(AnalysisError::Overflow { what: "the frozen product ΠW_l" });
        }
        let matrix = target - &frozen_product;
        // σ₁(E)² must be finite too: every optimum and the spectrum are sums of σ_i².
        if !finite(&matrix) || !matrix.norm_squared().is_finite() {
            return Err(AnalysisError::Overflow { what: "E = W̄ − ΠW_l (or its squared norm)" });
        }
        let svd = linalg::sorted_svd(&matrix).ok_or(AnalysisError::SvdDidNotConverge)?;
        let rank = linalg::numerical_rank(&svd.singular_values);
        Ok(Self { matrix, frozen_product, svd, rank })
    }

    /// Width D of the model.
    pub fn width(&self) -> usize {
        self.matrix.nrows()
    }

    /// σ_i(E) in descending order.
    pub fn singular_values(&self) -> &[f64] {
        self.svd.singular_values.as_slice()
    }

    /// Smallest uniform LoRA rank that represents the target exactly with `depth` adapted layers:
    /// ⌈rank(E)/L⌉ (Lemma 1). Zero when E = 0.
    pub fn min_exact_rank(&self, depth: usize) -> usize {
        self.rank.div_ceil(depth.max(1))
    }

    /// The best errors any adapters with total rank budget `budget` can reach.
    ///
    /// Eckart–Young–Mirsky: the adapters change W_L⋯W_1 by a matrix of rank at most Σ R_l, and the
    /// closest rank-k matrix to E leaves σ_{k+1}(E) in spectral norm and (Σ_{i>k} σ_i²)^{1/2} in
    /// Frobenius norm; the construction attains both at once.
    pub fn optimal_errors(&self, budget: usize) -> OptimalErrors {
        let tail = tail_sum_of_squares(self.singular_values(), budget);
        OptimalErrors {
            spectral: self.singular_values().get(budget).copied().unwrap_or(0.0),
            frobenius: tail.sqrt(),
            // For x ~ N(0, I_D): E‖(E − LR_k(E))x‖²/D = ‖E − LR_k(E)‖_F²/D, the mean over output coordinates.
            gaussian_mse: tail / self.width() as f64,
        }
    }
}

/// Σ_{i>k} σ_i²: the squared Frobenius error left after keeping the `k` largest singular values.
pub fn tail_sum_of_squares(singular_values: &[f64], k: usize) -> f64 {
    singular_values.iter().skip(k).fold(0.0, |acc, s| acc + s * s)
}

/// The smallest errors reachable with a given rank budget (all finite, non-negative).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OptimalErrors {
    /// σ_{k+1}(E), zero when k ≥ D.
    pub spectral: f64,
    /// (Σ_{i>k} σ_i(E)²)^{1/2}.
    pub frobenius: f64,
    /// (1/D) Σ_{i>k} σ_i(E)²: the mean squared error over output coordinates for x ~ N(0, I_D).
    pub gaussian_mse: f64,
}

/// The total rank budget k = min(Σ R_l, D).
pub fn rank_budget(ranks: &[usize], width: usize) -> usize {
    ranks.iter().sum::<usize>().min(width)
}

/// One adapter ΔW_l = A_l B_lᵀ of the construction.
#[derive(Clone, Debug)]
pub struct Adapter {
    /// A_l = Q_l⁻¹ E V_l (D×r): the "up" factor (the paper's code calls it `lora_A`).
    pub a: Matrix,
    /// B_l = P_l⁻ᵀ V_l (D×r): the "down" factor (`lora_B`).
    pub b: Matrix,
    /// ΔW_l = A_l B_lᵀ (D×D).
    pub delta: Matrix,
    /// The number of singular directions assigned to this layer (its rank by construction).
    pub rank: usize,
}

/// The adapted model built by the explicit construction, with the errors it actually reaches.
#[derive(Clone, Debug)]
pub struct Construction {
    /// One adapter per layer, `adapters[0]` on W_1.
    pub adapters: Vec<Adapter>,
    /// The adapted product Π (W_l + ΔW_l).
    pub adapted_product: Matrix,
    /// ‖W̄ − Π(W_l + ΔW_l)‖₂, computed from the adapted weights (not assumed).
    pub error_spectral: f64,
    /// ‖W̄ − Π(W_l + ΔW_l)‖_F, computed from the adapted weights.
    pub error_frobenius: f64,
}

impl Construction {
    /// Mean squared error over output coordinates for x ~ N(0, I_D): ‖W̄ − Π(W_l+ΔW_l)‖_F² / D.
    pub fn gaussian_mse(&self) -> f64 {
        self.error_frobenius.powi(2) / self.adapted_product.nrows() as f64
    }
}

/// Why the explicit construction cannot be carried out: the non-singularity assumption of
/// Lemma 1 fails (or the problem is too ill-conditioned for the result to be trusted).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ConstructionError {
    /// A product of frozen layers after layer l must be inverted and is (numerically) singular.
    #[error("the non-singularity assumption fails: the frozen layers after layer {layer} multiply to a singular matrix (condition number {})", condition_text(*.condition))]
    SingularFrozenLayers {
        /// 1-based layer index l whose successors W_L⋯W_{l+1} are singular.
        layer: usize,
        /// κ₂ of that product (∞ if exactly singular).
        condition: f64,
    },
    /// Π W_l + LR_r(E) is singular, so the adapted layers before some layer cannot be inverted.
    #[error(
        "ΠW + LR_{rank}(E) is singular (condition number {}), so layer {layer}'s adapter cannot be built",
        condition_text(*.condition)
    )]
    SingularPartialProduct {
        /// 1-based layer whose adapter needs the inverse.
        layer: usize,
        /// The rank r of the partial correction LR_r(E) already applied.
        rank: usize,
        /// κ₂ of the adapted layers before `layer`.
        condition: f64,
    },
    /// The construction's numbers overflowed (an inverse of very small layers times E, say).
    #[error("the construction's numbers are too large for double precision")]
    NonFinite,
    /// Every inverse exists, but rounding errors amplified by ill-conditioned layers dominate:
    /// the adapters built in floating point miss the optimum they provably reach in exact arithmetic.
    #[error("the frozen layers are too ill-conditioned for floating point: the adapters built reach ‖W̄ − Π(W_l+ΔW_l)‖_F = {reached:.3e} instead of the optimum {optimal:.3e}")]
    Unreliable {
        /// Frobenius error actually reached.
        reached: f64,
        /// The Eckart–Young optimum the construction reaches in exact arithmetic.
        optimal: f64,
    },
}

/// A condition number in words: `1.2e13`, or "infinite" for an exactly singular matrix.
fn condition_text(condition: f64) -> String {
    if condition.is_finite() {
        format!("{condition:.1e}")
    } else {
        "infinite".to_owned()
    }
}

/// Largest deviation, relative to ‖E‖_F, of the construction's Frobenius error from the optimum
/// that still counts as the construction working (rounding amplified by the inverted layers).
pub const RELIABLE_TOLERANCE: f64 = 1e-6;

/// Builds the adapters of `lora.md` §3.1 for per-layer ranks `ranks` (one per layer).
///
/// The top R_1 right singular directions of E go to the input-side layer W_1, the next R_2 to W_2,
/// and so on (blocks beyond D are empty). With Q_l = W_L⋯W_{l+1} and P_l = Π_{j<l}(W_j+ΔW_j):
/// ΔW_l = Q_l⁻¹ E V_l V_lᵀ P_l⁻¹, and the product telescopes to Π(W_l+ΔW_l) = ΠW_l + LR_k(E).
///
/// Fails when a matrix that must be inverted has condition number above `MAX_CONDITION`, or when
/// the adapters built in floating point miss the optimum by more than `RELIABLE_TOLERANCE · ‖E‖_F`.
pub fn construct(
    target: &Matrix,
    frozen: &[Matrix],
    discrepancy: &Discrepancy,
    ranks: &[usize],
) -> Result<Construction, ConstructionError> {
    let dim = target.nrows();
    let depth = frozen.len();
    let e = &discrepancy.matrix;
    let v = &discrepancy.svd.v;
    // after[l] = Q_{l+1} = W_L⋯W_{l+2} in 0-based terms: the frozen layers after layer l.
    let mut after = vec![Matrix::identity(dim, dim); depth];
    for l in (0..depth.saturating_sub(1)).rev() {
        after[l] = &after[l + 1] * &frozen[l + 1];
    }
    let mut before = Matrix::identity(dim, dim); // P_l: adapted layers before l
    let mut start = 0usize;
    let mut adapters = Vec::with_capacity(depth);
    for (l, w) in frozen.iter().enumerate() {
        let block_start = start.min(dim);
        let block_end = (start + ranks[l]).min(dim);
        start += ranks[l];
        let rank = block_end - block_start;
        let (a, b) = if rank == 0 {
            (Matrix::zeros(dim, 0), Matrix::zeros(dim, 0))
        } else {
            let v_block = v.columns(block_start, rank).into_owned();
            let a = solve(&after[l], &(e * &v_block)).ok_or_else(|| ConstructionError::SingularFrozenLayers {
                layer: l + 1,
                condition: linalg::condition_number(&after[l]),
            })?;
            let b = solve(&before.transpose(), &v_block).ok_or_else(|| ConstructionError::SingularPartialProduct {
                layer: l + 1,
                rank: block_start,
                condition: linalg::condition_number(&before),
            })?;
            (a, b)
        };
        let delta = &a * b.transpose();
        before = (w + &delta) * before;
        adapters.push(Adapter { a, b, delta, rank });
    }
    let residual = target - &before;
    let construction = Construction {
        error_spectral: linalg::spectral_norm(&residual),
        error_frobenius: residual.norm(),
        adapted_product: before,
        adapters,
    };
    if !(construction.error_frobenius.is_finite() && construction.error_spectral.is_finite()) {
        return Err(ConstructionError::NonFinite);
    }
    // The construction is exact in exact arithmetic (Π(W_l+ΔW_l) = ΠW_l + LR_k(E)); accept it only
    // if floating point kept that promise to RELIABLE_TOLERANCE of ‖E‖_F.
    let optimal = discrepancy.optimal_errors(rank_budget(ranks, dim)).frobenius;
    let scale = discrepancy.matrix.norm().max(f64::MIN_POSITIVE);
    if (construction.error_frobenius - optimal).abs() > RELIABLE_TOLERANCE * scale {
        return Err(ConstructionError::Unreliable { reached: construction.error_frobenius, optimal });
    }
    Ok(construction)
}

/// Solves M X = rhs when M is well enough conditioned (κ₂ ≤ `MAX_CONDITION`); `None` otherwise.
fn solve(m: &Matrix, rhs: &Matrix) -> Option<Matrix> {
    if linalg::condition_number(m) > MAX_CONDITION {
        return None;
    }
    m.clone().lu().solve(rhs)
}

/// Convenience for a uniform rank R on every one of `depth` layers.
pub fn uniform_ranks(rank: usize, depth: usize) -> Vec<usize> {
    vec![rank; depth]
}
