//! The forward pass of an FNN on a batch and the backward pass of the MSE loss (the training
//! step's mathematics; `train.rs` drives it). A `Backprop` keeps every buffer between steps, so a
//! training step allocates nothing; the products run on the batch kernels of `batch.rs`.

use crate::linalg::{Matrix, Vector};
use crate::lora::batch;
use crate::lora::fnn::Fnn;

/// The nonlinearity between layers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    /// ReLU between layers (and after the last one when `relu_on_output`).
    Relu {
        /// ReLU after the output layer, as in the paper's code.
        relu_on_output: bool,
    },
    /// A deep linear model: no nonlinearity and no biases.
    Linear,
}

impl Activation {
    /// Whether the nonlinearity follows layer `layer` (0-based) of a network of `depth` layers.
    pub fn applies_after(&self, layer: usize, depth: usize) -> bool {
        match self {
            Activation::Relu { relu_on_output } => layer + 1 < depth || *relu_on_output,
            Activation::Linear => false,
        }
    }
}

/// Gradients of the MSE with respect to every effective weight and bias.
#[derive(Clone, Debug, Default)]
pub struct Gradients {
    /// ∂loss/∂W_l for the effective weights (W_l + ΔW_l under LoRA).
    pub weights: Vec<Matrix>,
    /// ∂loss/∂b_l.
    pub biases: Vec<Vector>,
    /// The loss (mean over samples and output coordinates).
    pub loss: f64,
}

/// The buffers of one forward and backward pass, reused from step to step.
#[derive(Clone, Debug, Default)]
pub struct Backprop {
    /// Each layer's pre-activation W_l h + b_l.
    pre: Vec<Matrix>,
    /// Each layer's output (after the nonlinearity, where there is one).
    outputs: Vec<Matrix>,
    /// The error being passed back, and the buffer it is passed back into.
    delta: Matrix,
    back: Matrix,
    /// The last pass's loss and gradients.
    pub gradients: Gradients,
}

impl Backprop {
    /// Runs the network forward on `x`, keeping every layer's values; returns the output.
    pub fn forward<'a>(&'a mut self, net: &Fnn, x: &'a Matrix, activation: Activation) -> &'a Matrix {
        let depth = net.depth();
        self.pre.resize_with(depth, || Matrix::zeros(0, 0));
        self.outputs.resize_with(depth, || Matrix::zeros(0, 0));
        for l in 0..depth {
            let input = if l == 0 { x } else { &self.outputs[l - 1] };
            batch::affine_into(&net.weights[l], net.biases.get(l), input, &mut self.pre[l]);
            batch::copy_into(&self.pre[l], &mut self.outputs[l]);
            if activation.applies_after(l, depth) {
                adaptlab_batch::relu(self.outputs[l].as_mut_slice());
            }
        }
        self.outputs.last().unwrap_or(x)
    }

    /// Loss (1/(D·n)) Σ (f(X) − Y)² and its gradients by backpropagation, in `self.gradients`.
    pub fn loss_and_gradients(&mut self, net: &Fnn, x: &Matrix, y: &Matrix, activation: Activation) -> &Gradients {
        let depth = net.depth();
        self.forward(net, x, activation);
        batch::copy_into(self.outputs.last().unwrap_or(x), &mut self.delta);
        // d loss / d output = 2 (f(X) − Y) / (D·n).
        let count = self.delta.len().max(1) as f64;
        let mut loss = 0.0;
        for (d, &target) in self.delta.iter_mut().zip(y.iter()) {
            *d -= target;
            loss += *d * *d;
        }
        self.gradients.loss = loss / count;
        self.delta.iter_mut().for_each(|d| *d *= 2.0 / count);
        let gradients = &mut self.gradients;
        gradients.weights.resize_with(depth, || Matrix::zeros(0, 0));
        gradients.biases.resize_with(depth, || Vector::zeros(0));
        for l in (0..depth).rev() {
            if activation.applies_after(l, depth) {
                adaptlab_batch::relu_backward(self.delta.as_mut_slice(), self.pre[l].as_slice());
            }
            let input = if l == 0 { x } else { &self.outputs[l - 1] };
            batch::mul_transpose_into(&self.delta, input, &mut gradients.weights[l]);
            batch::row_sums_into(&self.delta, &mut gradients.biases[l]);
            if l > 0 {
                batch::transpose_mul_into(&net.weights[l], &self.delta, &mut self.back);
                std::mem::swap(&mut self.delta, &mut self.back);
            }
        }
        &self.gradients
    }
}

/// The network's output for inputs `x` (columns) under `activation`.
pub fn forward(net: &Fnn, x: &Matrix, activation: Activation) -> Matrix {
    let mut pass = Backprop::default();
    pass.forward(net, x, activation).clone()
}

/// Loss (1/(D·n)) Σ (f(X) − Y)² and its gradients by backpropagation.
pub fn loss_and_gradients(net: &Fnn, x: &Matrix, y: &Matrix, activation: Activation) -> Gradients {
    let mut pass = Backprop::default();
    pass.loss_and_gradients(net, x, y, activation);
    pass.gradients
}
