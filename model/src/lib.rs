//! FSpiNN network models: datasets, the Diehl & Cook 2015 baseline (layer L0), training and checkpoints.
pub mod data;
