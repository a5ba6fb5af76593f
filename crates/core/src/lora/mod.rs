//! The mathematics of "The Expressive Power of Low-Rank Adaptation" (Zeng & Lee, ICLR 2024).
//!
//! Pure functions over plain data: no wasm, plotting, URLs or clocks.

mod adam;
pub mod backprop;
pub mod batch;
pub mod fnn;
pub mod linear;
pub mod models;
pub mod train;
pub mod transformer;
#[cfg(feature = "transformer-training")]
pub mod transformer_backprop;
#[cfg(feature = "transformer-training")]
pub mod transformer_train;
