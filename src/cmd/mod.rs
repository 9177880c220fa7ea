//! One module per subcommand, plus the options they share.

pub mod common;
pub mod cosim;
pub mod cosim_fuzz;
pub mod data;
pub mod demo;
pub mod eval;
pub mod explore;
pub mod inspect;
pub mod memory;
pub mod rtl;
pub mod sim;
pub mod synth;
pub mod train;
