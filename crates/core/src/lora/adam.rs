//! Adam as PyTorch's `torch.optim.Adam` computes it (settings, moment estimates, one update on a
//! parameter tensor through the batch kernels) and the rule that calls a run diverged; shared by
//! the FNN and the transformer training.

/// Adam's settings (PyTorch's `torch.optim.Adam`: L2 weight decay added to the gradient).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdamConfig {
    /// Learning rate.
    pub learning_rate: f64,
    /// L2 penalty coefficient added to the gradient.
    pub weight_decay: f64,
    /// β₁.
    pub beta1: f64,
    /// β₂.
    pub beta2: f64,
    /// ε.
    pub epsilon: f64,
}

impl AdamConfig {
    /// PyTorch's defaults with the given learning rate and weight decay.
    pub fn new(learning_rate: f64, weight_decay: f64) -> Self {
        Self { learning_rate, weight_decay, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }
    }
}

/// Adam's moment estimates for one parameter tensor.
#[derive(Clone, Debug)]
pub(crate) struct Moments {
    first: Vec<f64>,
    second: Vec<f64>,
}

impl Moments {
    pub(crate) fn new(len: usize) -> Self {
        Self { first: vec![0.0; len], second: vec![0.0; len] }
    }

    /// One Adam update of `param` with gradient `grad` at step `t` (1-based).
    pub(crate) fn update(&mut self, param: &mut [f64], grad: &[f64], t: i32, config: &AdamConfig) {
        let step = adaptlab_batch::AdamStep {
            learning_rate: config.learning_rate,
            weight_decay: config.weight_decay,
            beta1: config.beta1,
            beta2: config.beta2,
            epsilon: config.epsilon,
            correction1: 1.0 - config.beta1.powi(t),
            correction2: 1.0 - config.beta2.powi(t),
        };
        adaptlab_batch::adam(param, grad, &mut self.first, &mut self.second, &step);
    }
}

/// A loss this many times the first one counts as divergence.
pub const DIVERGENCE_FACTOR: f64 = 1e6;

/// Whether a run with these losses has diverged: a non-finite last loss, or one above
/// `DIVERGENCE_FACTOR` times the first.
pub(crate) fn has_diverged(losses: &[f64]) -> bool {
    match (losses.first(), losses.last()) {
        (Some(&first), Some(&last)) => !last.is_finite() || last > DIVERGENCE_FACTOR * first.max(f64::MIN_POSITIVE),
        _ => false,
    }
}
