//! Gradient training of transformers (the paper's "Gradient Update" baseline for TFNs and its
//! "pretrained" frozen transformers; `lora.md` §4.1–4.2): MSE loss on fresh batches of Gaussian
//! sequences, Adam, and the backward pass of `transformer_backprop.rs`.
//!
//! LoRA sits where the construction of §3.3 puts its adapters: W_Q, W_K, W_V, W_O of every head
//! of every block, W_2 of the last block and the output matrix W_o, each ΔW = A Bᵀ with A = 0 and
//! B ~ N(0, 0.25²) as in the paper's code; the FFN biases b_1, b_2 of every block are trained too
//! when `tune_biases`.

use rand_distr::{Distribution, Normal};

use crate::linalg::Matrix;
use crate::lora::adam::{has_diverged, AdamConfig, Moments};
use crate::lora::batch;
use crate::lora::models;
use crate::lora::train::pretraining_done;
use crate::lora::transformer::{tensors, tensors_mut, Transformer};
use crate::lora::transformer_backprop::{Scope, TransformerBackprop};
use crate::rng::LabRng;

/// Which parameters are trained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransformerTrainable {
    /// LoRA factors of rank `rank` on the adapted matrices, and the FFN biases if `tune_biases`.
    Lora {
        /// LoRA rank R.
        rank: usize,
        /// Also train every block's FFN biases.
        tune_biases: bool,
    },
    /// Every matrix and bias (how the paper "pretrains" a frozen transformer).
    Everything,
}

/// How a transformer training run is set up.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TransformerTrainConfig {
    /// What is trained.
    pub trainable: TransformerTrainable,
    /// Adam's settings.
    pub adam: AdamConfig,
    /// Fresh sequences per step (the paper: 256).
    pub batch_size: usize,
    /// Tokens per sequence N (the paper: 10).
    pub length: usize,
    /// Standard deviation of the random LoRA factor B (the paper: 0.25).
    pub lora_init_std: f64,
}

/// A matrix that carries a LoRA adapter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Adapted {
    /// Block, head, and which of W_Q, W_K, W_V, W_O (0–3).
    Attention(usize, usize, usize),
    /// W_2 of the last block.
    LastW2,
    /// W_o.
    Output,
}

/// The adapted matrices of a network, in a fixed order.
fn adapted_slots(net: &Transformer) -> Vec<Adapted> {
    let mut slots = Vec::new();
    for (l, block) in net.blocks.iter().enumerate() {
        for h in 0..block.heads.len() {
            slots.extend((0..4).map(|which| Adapted::Attention(l, h, which)));
        }
    }
    if !net.blocks.is_empty() {
        slots.push(Adapted::LastW2);
    }
    slots.push(Adapted::Output);
    slots
}

fn slot(net: &Transformer, at: Adapted) -> &Matrix {
    match at {
        Adapted::Attention(l, h, which) => {
            let head = &net.blocks[l].heads[h];
            [&head.query, &head.key, &head.value, &head.output][which]
        }
        Adapted::LastW2 => &net.blocks[net.blocks.len() - 1].w2,
        Adapted::Output => &net.w_out,
    }
}

fn slot_mut(net: &mut Transformer, at: Adapted) -> &mut Matrix {
    match at {
        Adapted::Attention(l, h, which) => {
            let head = &mut net.blocks[l].heads[h];
            match which {
                0 => &mut head.query,
                1 => &mut head.key,
                2 => &mut head.value,
                _ => &mut head.output,
            }
        }
        Adapted::LastW2 => {
            let last = net.blocks.len() - 1;
            &mut net.blocks[last].w2
        }
        Adapted::Output => &mut net.w_out,
    }
}

/// Every block's FFN biases b_1, b_2.
fn biases_mut(net: &mut Transformer) -> Vec<&mut [f64]> {
    net.blocks.iter_mut().flat_map(|b| [b.b1.as_mut_slice(), b.b2.as_mut_slice()]).collect()
}

fn biases(net: &Transformer) -> Vec<&[f64]> {
    net.blocks.iter().flat_map(|b| [b.b1.as_slice(), b.b2.as_slice()]).collect()
}

/// The buffers a step reuses.
#[derive(Clone, Debug, Default)]
struct Buffers {
    x: Matrix,
    target_pass: TransformerBackprop,
    net: Option<Transformer>,
    pass: TransformerBackprop,
    grad_a: Vec<Matrix>,
    grad_b: Vec<Matrix>,
}

/// A transformer training run: the model being trained, its optimiser state and the losses.
#[derive(Clone, Debug)]
pub struct TransformerTrainer {
    config: TransformerTrainConfig,
    target: Transformer,
    /// The frozen network (LoRA; its biases train when tuned) or the network being trained.
    model: Transformer,
    slots: Vec<Adapted>,
    lora_a: Vec<Matrix>,
    lora_b: Vec<Matrix>,
    moments: Vec<Moments>,
    rng: LabRng,
    buffers: Buffers,
    steps: usize,
    losses: Vec<f64>,
}

impl TransformerTrainer {
    /// Starts a run from `model` towards `target`, drawing LoRA factors and batches from `rng`.
    pub fn new(target: Transformer, model: Transformer, config: TransformerTrainConfig, mut rng: LabRng) -> Self {
        let dim = model.width();
        let (slots, lora_a, lora_b) = match config.trainable {
            TransformerTrainable::Lora { rank, .. } => {
                let slots = adapted_slots(&model);
                // A bad standard deviation (rejected by the lessons' gate) would leave B at zero.
                let normal = Normal::new(0.0, config.lora_init_std).ok();
                let b = slots
                    .iter()
                    .map(|_| Matrix::from_fn(dim, rank, |_, _| normal.as_ref().map_or(0.0, |n| n.sample(&mut rng))))
                    .collect();
                let a = slots.iter().map(|_| Matrix::zeros(dim, rank)).collect();
                (slots, a, b)
            }
            TransformerTrainable::Everything => (Vec::new(), Vec::new(), Vec::new()),
        };
        let sizes: Vec<usize> = match config.trainable {
            TransformerTrainable::Lora { tune_biases, .. } => {
                let factors = lora_a.iter().chain(&lora_b).map(Matrix::len);
                let bias_sizes = biases(&model).into_iter().map(<[f64]>::len).filter(|_| tune_biases);
                factors.chain(bias_sizes).collect()
            }
            TransformerTrainable::Everything => tensors(&model).into_iter().map(<[f64]>::len).collect(),
        };
        TransformerTrainer {
            config,
            target,
            model,
            slots,
            lora_a,
            lora_b,
            moments: sizes.into_iter().map(Moments::new).collect(),
            rng,
            buffers: Buffers::default(),
            steps: 0,
            losses: Vec::new(),
        }
    }

    /// The network as it currently computes: frozen matrices plus A Bᵀ on the adapted ones.
    pub fn effective(&self) -> Transformer {
        let mut net = self.model.clone();
        self.add_adapters(&mut net);
        net
    }

    fn add_adapters(&self, net: &mut Transformer) {
        let mut delta = Matrix::zeros(0, 0);
        for ((&at, a), b) in self.slots.iter().zip(&self.lora_a).zip(&self.lora_b) {
            batch::mul_transpose_into(a, b, &mut delta);
            *slot_mut(net, at) += &delta;
        }
    }

    /// Runs one step on a fresh batch; returns the batch's loss before the update.
    pub fn step(&mut self) -> f64 {
        let (dim, length) = (self.model.width(), self.config.length);
        let mut buffers = std::mem::take(&mut self.buffers);
        // `batch_size` sequences of `length` tokens, drawn one after another.
        models::gaussian_inputs_into(&mut self.rng, dim, self.config.batch_size * length, &mut buffers.x);
        let y = buffers.target_pass.forward(&self.target, &buffers.x, length);
        let net = buffers.net.get_or_insert_with(|| self.model.clone());
        net.clone_from(&self.model);
        self.add_adapters(net);
        let scope = match self.config.trainable {
            TransformerTrainable::Lora { .. } => Scope::Lora,
            TransformerTrainable::Everything => Scope::Everything,
        };
        let (loss, grads) = buffers.pass.loss_and_gradients(net, &buffers.x, y, length, scope);
        self.steps += 1;
        let t = i32::try_from(self.steps).unwrap_or(i32::MAX);
        let adam = self.config.adam;
        let mut moments = self.moments.iter_mut();
        match self.config.trainable {
            TransformerTrainable::Lora { tune_biases, .. } => {
                // ΔW = A Bᵀ: ∂/∂A = G B and ∂/∂B = Gᵀ A, with G = ∂loss/∂W (both before either moves).
                let slots = self.slots.len();
                buffers.grad_a.resize_with(slots, || Matrix::zeros(0, 0));
                buffers.grad_b.resize_with(slots, || Matrix::zeros(0, 0));
                for (i, &at) in self.slots.iter().enumerate() {
                    let g = slot(grads, at);
                    batch::affine_into(g, None, &self.lora_b[i], &mut buffers.grad_a[i]);
                    batch::transpose_mul_into(g, &self.lora_a[i], &mut buffers.grad_b[i]);
                }
                let factors = self.lora_a.iter_mut().chain(self.lora_b.iter_mut());
                for ((p, g), m) in factors.zip(buffers.grad_a.iter().chain(&buffers.grad_b)).zip(&mut moments) {
                    m.update(p.as_mut_slice(), g.as_slice(), t, &adam);
                }
                if tune_biases {
                    for ((p, g), m) in biases_mut(&mut self.model).into_iter().zip(biases(grads)).zip(&mut moments) {
                        m.update(p, g, t, &adam);
                    }
                }
            }
            TransformerTrainable::Everything => {
                for ((p, g), m) in tensors_mut(&mut self.model).into_iter().zip(tensors(grads)).zip(&mut moments) {
                    m.update(p, g, t, &adam);
                }
            }
        }
        self.buffers = buffers;
        self.losses.push(loss);
        loss
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

    /// The training loss at every step so far.
    pub fn losses(&self) -> &[f64] {
        &self.losses
    }

    /// Whether the run has diverged (as for FNNs: a non-finite loss, or one above
    /// `DIVERGENCE_FACTOR` times the first).
    pub fn diverged(&self) -> bool {
        has_diverged(&self.losses)
    }

    /// MSE of the current model against the target on the given sequences.
    pub fn mse_on(&self, sequences: &[Matrix]) -> f64 {
        crate::lora::transformer::mse(&self.effective(), &self.target, sequences)
    }

    /// The model being trained (frozen part plus trained parts) as a plain network.
    pub fn into_model(self) -> Transformer {
        self.effective()
    }
}

/// "Pretrains" a frozen transformer as the paper does (§4.1): Adam (lr 1e-3, no weight decay) on
/// every matrix and bias, 256 fresh sequences per step, until the batch MSE falls below a third
/// of the first batch's or 1,000 steps pass. Returns the moved network and the steps taken.
pub fn pretrain_transformer(
    target: &Transformer,
    frozen: &Transformer,
    length: usize,
    rng: LabRng,
) -> (Transformer, usize) {
    let mut pretraining = TransformerPretraining::new(target, frozen, length, rng);
    while !pretraining.run(usize::MAX) {}
    pretraining.into_model()
}

/// The paper's pretraining of a transformer (see `pretrain_transformer`) a few steps at a time,
/// so that a page can spread it over frames.
#[derive(Clone, Debug)]
pub struct TransformerPretraining {
    trainer: TransformerTrainer,
    /// The first step's loss, once taken.
    initial: Option<f64>,
    done: bool,
}

impl TransformerPretraining {
    /// Starts pretraining `frozen` towards `target` on sequences of `length` tokens.
    pub fn new(target: &Transformer, frozen: &Transformer, length: usize, rng: LabRng) -> Self {
        let config = TransformerTrainConfig {
            trainable: TransformerTrainable::Everything,
            adam: AdamConfig::new(1e-3, 0.0),
            batch_size: 256,
            length,
            lora_init_std: 0.25,
        };
        let trainer = TransformerTrainer::new(target.clone(), frozen.clone(), config, rng);
        TransformerPretraining { trainer, initial: None, done: false }
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

    /// The moved network and the steps taken.
    pub fn into_model(self) -> (Transformer, usize) {
        let steps = self.trainer.steps();
        (self.trainer.into_model(), steps)
    }
}
