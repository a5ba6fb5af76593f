//! Adaptation Lab's mathematics, with nothing else: `linalg` and `rng` (helpers over nalgebra
//! and a seeded ChaCha8), `lora` (Zeng & Lee, ICLR 2024: the expressive power of LoRA) and `icl`
//! (Lin & Lee, ICML 2024: the dual operating modes of in-context learning).
//!
//! Pure functions on plain data: no clock, no OS entropy, no plotting, no URLs, no browser.
//! The crate's dependencies make that a compiler error rather than a convention.

pub mod icl;
pub mod linalg;
pub mod lora;
pub mod rng;
