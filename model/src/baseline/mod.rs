//! The Diehl & Cook 2015 network in f32 (layer L0): conductance LIF neurons with adaptive
//! thresholds, an inhibitory layer, and triplet STDP as coded by the authors.

mod decay;
mod network;
mod neurons;
mod plasticity;
mod state;

pub use network::{BaselineNetwork, PresentationStats};
pub use state::Workspace;

#[cfg(test)]
mod tests;
