//! The `adaptlab` command's subcommands that have their own module.

pub mod figure;
mod grid;
