//! The background work a lesson hands to other threads (the page's Web Workers, the cores and
//! machines of `adaptlab figure`), typed: one variant per kind of work and of result. How they
//! cross a boundary as numbers is `wire`'s business, not the lessons'.

use crate::icl::risk::Block;
use crate::lessons::icl::BlockJob;

/// A unit of a lesson's background work that another thread can compute from the link state
/// alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Job {
    /// A block of Monte Carlo trials of one curve of an in-context-learning sweep.
    Trials(BlockJob),
    /// One run of a LoRA paper preset (a construction or a training run), by its index in the
    /// preset's list of runs.
    Run(usize),
    /// The pretraining of the transformer lesson's frozen model (which the page's own build
    /// cannot do).
    Pretraining,
}

/// What a job computed.
#[derive(Clone, Debug, PartialEq)]
pub enum JobResult {
    /// The block's estimates, one point per k.
    Trials(Block),
    /// The run's value (its test MSE), or `None` when it failed (diverged, or the construction
    /// could not be used).
    Run(Option<f64>),
    /// The pretrained frozen transformer's weights, in `lora::transformer::tensors` order.
    Pretrained(Vec<f64>),
}
