//! Adaptation Lab: an interactive companion to two results on model adaptation —
//! the expressive power of LoRA (Zeng & Lee, ICLR 2024) and the dual operating modes of
//! in-context learning (Lin & Lee, ICML 2024).
//!
//! Layers, from the bottom: `linalg` and `rng` (helpers), `lora` (the papers' mathematics),
//! `lessons` (validation gate and outcomes), `state` (URL state), `plots` (figures generic over
//! plotters' backends), `solve` (the JSON interface of the `adaptlab` command) and, on wasm32
//! only, `web` (the browser boundary). See ARCHITECTURE.md.

pub mod bench_kernels;
/// The papers' mathematics lives in its own crate (`crates/core`), which cannot depend on
/// plotting, state, JSON or the browser; re-exported here under its usual paths.
pub use adaptlab_core::{icl, linalg, lora, rng};
pub mod lessons;
pub mod pages;
pub mod plots;
pub mod precomputed;
pub mod results_file;
#[cfg(not(target_arch = "wasm32"))]
pub mod shipped;
pub mod solve;
pub mod state;
pub mod tour;

#[cfg(target_arch = "wasm32")]
mod web;
