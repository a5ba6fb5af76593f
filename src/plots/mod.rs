//! Figures, each written once and generic over plotters' `DrawingBackend`, so the same code
//! paints the page's canvas, writes SVG exports and is tested natively on SVG strings.
//!
//! Plots only draw what they are given: the data structs here are filled by the lessons and
//! hold no mathematics of their own.

mod curve_figure;
pub mod curves;
pub mod data;
mod data_table;
pub mod figure;
pub mod heatmaps;
pub mod icl;
pub mod icl_prompt;
pub mod icl_prompt_plane;
mod icl_weights;
pub mod legend;
pub mod lora_linear;
pub mod lora_networks;
pub mod lora_training;
pub mod readout;
mod readout_text;
pub mod rich;
pub mod spectrum;
pub mod style;

pub use figure::{Figure, FigureSet};
pub use style::{PlotError, Theme};
