//! Gradient training of FNNs (the paper's "Gradient Update" baseline, its "pretrained" frozen
//! models and final-layer tuning; `lora.md` §4.1–4.2): MSE loss on fresh batches of Gaussian
//! inputs, Adam, and a hand-written backward pass checked against finite differences.
//!
//! LoRA uses the paper code's parameterisation ΔW_l = A_l B_lᵀ with A_l ∈ ℝ^{D×R} initialised to
//! zero and B_l ∈ ℝ^{D×R} drawn from N(0, 0.25²). (Hu et al. write ΔW = BA with the zero factor
//! also on the output side; the two conventions are the same up to naming.)

use rand_distr::{Distribution, Normal};

use crate::linalg::{Matrix, Vector};
use crate::lora::adam::{has_diverged, Moments};
pub use crate::lora::adam::{AdamConfig, DIVERGENCE_FACTOR};
pub use crate::lora::backprop::{forward, loss_and_gradients, Activation, Backprop, Gradients};
use crate::lora::batch;
use crate::lora::fnn::Fnn;
use crate::lora::models;
use crate::rng::LabRng;

/// Which parameters are trained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trainable {
    /// LoRA factors A_l, B_l of rank `rank` on every layer, and the biases if `tune_biases`.
    Lora {
        /// LoRA rank R.
        rank: usize,
        /// Also train the biases.
        tune_biases: bool,
    },
    /// The weights and biases of the last `count` layers (final-layer tuning).
    FinalLayers {
        /// How many final layers.
        count: usize,
    },
    /// Every weight and bias (how the paper "pretrains" a frozen model).
    Everything,
}

/// The buffers a training step reuses, so that it allocates nothing.
#[derive(Clone, Debug, Default)]
struct Buffers {
    x: Matrix,
    target_pass: Backprop,
    net: Fnn,
    pass: Backprop,
    grad_a: Vec<Matrix>,
    grad_b: Vec<Matrix>,
}

/// The gradients of the loss with respect to the LoRA factors of every layer, from the gradients
/// G_l = ∂loss/∂W_l with respect to the effective weights W_l + A_l B_lᵀ: since ΔW_l = A_l B_lᵀ,
/// ∂loss/∂A_l = G_l B_l and ∂loss/∂B_l = G_lᵀ A_l (both taken before either factor moves).
fn lora_factor_gradients(
    weight_gradients: &[Matrix],
    lora_a: &[Matrix],
    lora_b: &[Matrix],
    grad_a: &mut Vec<Matrix>,
    grad_b: &mut Vec<Matrix>,
) {
    grad_a.resize_with(weight_gradients.len(), || Matrix::zeros(0, 0));
    grad_b.resize_with(weight_gradients.len(), || Matrix::zeros(0, 0));
    for (l, g) in weight_gradients.iter().enumerate() {
        batch::affine_into(g, None, &lora_b[l], &mut grad_a[l]);
        batch::transpose_mul_into(g, &lora_a[l], &mut grad_b[l]);
    }
}

/// The loss on one batch and its gradients with respect to a LoRA run's trained parameters.
#[derive(Clone, Debug, Default)]
pub struct LoraGradients {
    /// The batch loss (1/(D·n)) Σ (f(X) − Y)².
    pub loss: f64,
    /// ∂loss/∂A_l for every layer.
    pub a: Vec<Matrix>,
    /// ∂loss/∂B_l for every layer.
    pub b: Vec<Matrix>,
    /// ∂loss/∂b_l for every layer's bias (used when the biases are trained).
    pub biases: Vec<Vector>,
}

/// The paper's rule for ending pretraining, after a step with batch loss `loss` (the run's
/// `steps`-th; `initial` keeps the first step's loss): the loss fell below a third of the first,
/// is not finite, or `Pretraining::MAX_STEPS` steps have passed.
pub(crate) fn pretraining_done(initial: &mut Option<f64>, loss: f64, steps: usize) -> bool {
    let first = *initial.get_or_insert(loss);
    (steps > 1 && (!loss.is_finite() || loss < first / 3.0)) || steps >= Pretraining::MAX_STEPS
}

/// How a training run is set up.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrainConfig {
    /// What is trained.
    pub trainable: Trainable,
    /// The nonlinearity.
    pub activation: Activation,
    /// Adam's settings.
    pub adam: AdamConfig,
    /// Fresh N(0, I) inputs per step (the paper: 256).
    pub batch_size: usize,
    /// Standard deviation of the random LoRA factor B (the paper: 0.25).
    pub lora_init_std: f64,
}

/// A training run: the model being trained, its optimiser state and the loss history.
#[derive(Clone, Debug)]
pub struct Trainer {
    config: TrainConfig,
    target: Fnn,
    /// The frozen weights (LoRA) or the weights being trained (other modes), and the biases.
    model: Fnn,
    lora_a: Vec<Matrix>,
    lora_b: Vec<Matrix>,
    moments: Vec<Moments>,
    rng: LabRng,
    /// Reused from step to step: the batch, its targets, the effective network, the pass's
    /// buffers and the LoRA factors' gradients.
    buffers: Buffers,
    steps: usize,
    losses: Vec<f64>,
}

impl Trainer {
    /// Starts a run from `model` towards `target`, drawing LoRA factors and batches from `rng`.
    pub fn new(target: Fnn, model: Fnn, config: TrainConfig, mut rng: LabRng) -> Self {
        let dim = model.width();
        let depth = model.depth();
        let (lora_a, lora_b) = match config.trainable {
            Trainable::Lora { rank, .. } => {
                // A bad standard deviation (rejected by the lessons' gate) would leave B at zero.
                let normal = Normal::new(0.0, config.lora_init_std).ok();
                let b = (0..depth)
                    .map(|_| Matrix::from_fn(dim, rank, |_, _| normal.as_ref().map_or(0.0, |n| n.sample(&mut rng))))
                    .collect();
                ((0..depth).map(|_| Matrix::zeros(dim, rank)).collect(), b)
            }
            _ => (Vec::new(), Vec::new()),
        };
        let mut trainer = Trainer {
            config,
            target,
            model,
            lora_a,
            lora_b,
            moments: Vec::new(),
            rng,
            buffers: Buffers::default(),
            steps: 0,
            losses: Vec::new(),
        };
        trainer.moments = trainer.parameter_sizes().into_iter().map(Moments::new).collect();
        trainer
    }

    fn parameter_sizes(&self) -> Vec<usize> {
        let depth = self.model.depth();
        let dim = self.model.width();
        match self.config.trainable {
            Trainable::Lora { tune_biases, .. } => {
                let mut sizes: Vec<usize> = self.lora_a.iter().chain(&self.lora_b).map(Matrix::len).collect();
                if tune_biases {
                    sizes.extend(std::iter::repeat_n(dim, depth));
                }
                sizes
            }
            Trainable::FinalLayers { count } => {
                let count = count.min(depth);
                let mut sizes = vec![dim * dim; count];
                sizes.extend(std::iter::repeat_n(dim, count));
                sizes
            }
            Trainable::Everything => {
                let mut sizes = vec![dim * dim; depth];
                sizes.extend(std::iter::repeat_n(dim, depth));
                sizes
            }
        }
    }

    /// The network as it currently computes: frozen weights plus A_l B_lᵀ under LoRA.
    pub fn effective(&self) -> Fnn {
        let mut net = Fnn::default();
        self.effective_into(&mut net);
        net
    }

    /// `effective`, written into a reused network.
    fn effective_into(&self, net: &mut Fnn) {
        net.weights.clone_from(&self.model.weights);
        net.biases.clone_from(&self.model.biases);
        if let Trainable::Lora { .. } = self.config.trainable {
            let mut delta = Matrix::zeros(0, 0);
            for (w, (a, b)) in net.weights.iter_mut().zip(self.lora_a.iter().zip(&self.lora_b)) {
                // ΔW = A Bᵀ, the sum over the rank of outer products of the factors' columns.
                batch::mul_transpose_into(a, b, &mut delta);
                *w += &delta;
            }
        }
    }

    /// Runs one step on a fresh batch and returns the loss on that batch before the update
    /// (use `run`, which refuses to step a diverged run).
    pub fn step(&mut self) -> f64 {
        let dim = self.model.width();
        let mut buffers = std::mem::take(&mut self.buffers);
        models::gaussian_inputs_into(&mut self.rng, dim, self.config.batch_size, &mut buffers.x);
        let y = buffers.target_pass.forward(&self.target, &buffers.x, self.config.activation);
        self.effective_into(&mut buffers.net);
        let grads = buffers.pass.loss_and_gradients(&buffers.net, &buffers.x, y, self.config.activation);
        self.steps += 1;
        let t = i32::try_from(self.steps).unwrap_or(i32::MAX);
        let adam = self.config.adam;
        let depth = self.model.depth();
        let mut slot = self.moments.iter_mut();
        match self.config.trainable {
            Trainable::Lora { tune_biases, .. } => {
                let (grad_a, grad_b) = (&mut buffers.grad_a, &mut buffers.grad_b);
                lora_factor_gradients(&grads.weights, &self.lora_a, &self.lora_b, grad_a, grad_b);
                for (a, g) in self.lora_a.iter_mut().zip(grad_a.iter()) {
                    if let Some(m) = slot.next() {
                        m.update(a.as_mut_slice(), g.as_slice(), t, &adam);
                    }
                }
                for (b, g) in self.lora_b.iter_mut().zip(grad_b.iter()) {
                    if let Some(m) = slot.next() {
                        m.update(b.as_mut_slice(), g.as_slice(), t, &adam);
                    }
                }
                if tune_biases && self.config.activation != Activation::Linear {
                    for (bias, g) in self.model.biases.iter_mut().zip(&grads.biases) {
                        if let Some(m) = slot.next() {
                            m.update(bias.as_mut_slice(), g.as_slice(), t, &adam);
                        }
                    }
                }
            }
            Trainable::FinalLayers { .. } | Trainable::Everything => {
                let first = match self.config.trainable {
                    Trainable::FinalLayers { count } => depth - count.min(depth),
                    _ => 0,
                };
                for l in first..depth {
                    if let Some(m) = slot.next() {
                        m.update(self.model.weights[l].as_mut_slice(), grads.weights[l].as_slice(), t, &adam);
                    }
                }
                // Linear models have no biases; their slots are skipped.
                for l in first..depth {
                    if let (Some(m), true) = (slot.next(), self.config.activation != Activation::Linear) {
                        m.update(self.model.biases[l].as_mut_slice(), grads.biases[l].as_slice(), t, &adam);
                    }
                }
            }
        }
        let loss = grads.loss;
        self.buffers = buffers;
        self.losses.push(loss);
        loss
    }

    /// The loss on inputs `x` (columns) and its gradients with respect to the LoRA factors and
    /// the biases, computed exactly as a training step computes them, without moving anything
    /// (empty factor gradients when the run does not train LoRA).
    pub fn lora_gradients_on(&mut self, x: &Matrix) -> LoraGradients {
        let mut buffers = std::mem::take(&mut self.buffers);
        let y = buffers.target_pass.forward(&self.target, x, self.config.activation);
        self.effective_into(&mut buffers.net);
        let grads = buffers.pass.loss_and_gradients(&buffers.net, x, y, self.config.activation);
        let mut out = LoraGradients { loss: grads.loss, biases: grads.biases.clone(), ..LoraGradients::default() };
        if let Trainable::Lora { .. } = self.config.trainable {
            lora_factor_gradients(&grads.weights, &self.lora_a, &self.lora_b, &mut out.a, &mut out.b);
        }
        self.buffers = buffers;
        out
    }

    /// The LoRA factors A_l and B_l of every layer (empty when the run does not train LoRA).
    pub fn lora_factors_mut(&mut self) -> (&mut [Matrix], &mut [Matrix]) {
        (&mut self.lora_a, &mut self.lora_b)
    }

    /// The biases of the model being trained.
    pub fn biases_mut(&mut self) -> &mut [Vector] {
        &mut self.model.biases
    }

    /// Runs up to `count` steps; stops early (returning false) once the run has diverged.
    pub fn run(&mut self, count: usize) -> bool {
        for _ in 0..count {
            if self.diverged() {
                return false;
            }
            self.step();
        }
        !self.diverged()
    }

    /// Steps taken so far.
    pub fn steps(&self) -> usize {
        self.steps
    }

    /// The training loss at every step so far (each on its own fresh batch).
    pub fn losses(&self) -> &[f64] {
        &self.losses
    }

    /// Whether the run has diverged: a non-finite loss, or one above `DIVERGENCE_FACTOR` times
    /// the first. A diverged run takes no more steps.
    pub fn diverged(&self) -> bool {
        has_diverged(&self.losses)
    }

    /// MSE of the current model on given inputs (columns).
    pub fn mse_on(&self, x: &Matrix) -> f64 {
        let y = forward(&self.target, x, self.config.activation);
        crate::lora::fnn::mse(&forward(&self.effective(), x, self.config.activation), &y)
    }

    /// The model being trained (frozen part plus trained parts) as a plain network.
    pub fn into_model(self) -> Fnn {
        self.effective()
    }
}

/// "Pretrains" a frozen model as the paper does (§4.1): Adam (lr 1e-3, no weight decay) on every
/// weight and bias, fresh batches of 256, until the batch MSE falls below a third of the initial
/// MSE or 1,000 steps pass. Returns the moved model and the steps taken.
pub fn pretrain(target: &Fnn, frozen: &Fnn, activation: Activation, rng: LabRng) -> (Fnn, usize) {
    let mut pretraining = Pretraining::new(target, frozen, activation, rng);
    while !pretraining.run(usize::MAX) {}
    pretraining.into_model()
}

/// The paper's pretraining (see `pretrain`) done a few steps at a time, so that a page can
/// spread it over frames.
pub struct Pretraining {
    trainer: Trainer,
    /// The first step's loss, once taken.
    initial: Option<f64>,
    done: bool,
}

impl Pretraining {
    /// The most steps pretraining takes.
    pub const MAX_STEPS: usize = 1_000;

    /// Starts pretraining `frozen` towards `target`.
    pub fn new(target: &Fnn, frozen: &Fnn, activation: Activation, rng: LabRng) -> Self {
        let config = TrainConfig {
            trainable: Trainable::Everything,
            activation,
            adam: AdamConfig::new(1e-3, 0.0),
            batch_size: 256,
            lora_init_std: 0.25,
        };
        Pretraining { trainer: Trainer::new(target.clone(), frozen.clone(), config, rng), initial: None, done: false }
    }

    /// Takes up to `steps` more steps; returns whether pretraining has finished.
    pub fn run(&mut self, steps: usize) -> bool {
        for _ in 0..steps {
            if self.done {
                break;
            }
            let loss = self.trainer.step();
            self.done = pretraining_done(&mut self.initial, loss, self.trainer.steps());
        }
        self.done
    }

    /// Steps taken so far.
    pub fn steps(&self) -> usize {
        self.trainer.steps()
    }

    /// The moved model and the steps taken.
    pub fn into_model(self) -> (Fnn, usize) {
        let steps = self.trainer.steps();
        (self.trainer.into_model(), steps)
    }
}
