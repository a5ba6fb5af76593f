//! The mathematics of "Dual Operating Modes of In-Context Learning" (Lin & Lee, ICML 2024):
//! a Bayesian mixture-of-skills pretraining model, the closed-form posterior that the
//! Bayes-optimal in-context predictor computes, an exact sufficient-statistics sampler, and
//! Monte Carlo risk curves. Pure functions over plain data, in f64.

mod eigen;
mod fixed;
mod fixed_linalg;
pub mod posterior;
pub mod prior;
pub mod risk;
mod risk_point;
pub mod sampler;
