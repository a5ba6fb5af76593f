//! Lessons: one module per lesson, each turning raw parameters into checked parameters and then
//! into an `Outcome` of plain data for the plots and the page's text.
//!
//! This is the single validation gate: URL state, controls, `adaptlab solve` JSON and imported
//! files all pass through the `check_*` functions here before any number reaches the mathematics.

pub mod format;
pub mod icl;
pub mod icl_figures;
mod icl_input;
pub mod icl_prompt;
pub mod icl_sweep;
pub mod icl_verdict;
pub mod input;
pub mod lora_fnn;
mod lora_fnn_analysis;
mod lora_fnn_problem;
pub mod lora_linear;
mod lora_linear_analysis;
mod lora_linear_problem;
pub mod lora_training;
mod lora_training_pace;
mod lora_training_setting;
pub mod lora_transformer;
pub mod matrices_text;
pub mod paper_figures;
mod paper_jobs;
pub mod paper_presets;
mod paper_runs;
pub mod prior_text;
pub mod rank_slots;
pub mod training_probes;

pub use input::InputError;
