//! FSpiNN network models: datasets, the Diehl & Cook 2015 baseline (layer L0), training and checkpoints.
pub mod baseline;
pub mod checkpoint;
pub mod config;
pub mod data;
pub mod error;
pub mod evaluate;
pub mod fixed;
pub mod fspinn;
pub mod fuzzing;
pub mod inspect;
pub mod labels;
pub mod limits;
pub mod memory;
pub mod network;
pub mod operating_rule;
pub mod params;
pub mod poisson;
pub mod precision;
pub mod presentation;
pub mod readout_inhibition;
pub mod rng;
pub mod size_rule;
pub mod train;
mod validate;

pub use config::{RunConfig, Variant};
pub use error::ModelError;
pub use train::Trainer;
