//! The FSpiNN network (Putra & Shafique, TCAD 2020) in the bit-exact integer datapath (layer L1):
//! direct lateral inhibition, STDP at post-synaptic spikes only, shift-decayed traces, fixed-point
//! weights and state, LFSR input spikes. docs/fspinn.md explains each mechanism.

mod consts;
mod network;
mod params;
mod state;

pub use network::FspinnNetwork;
pub use params::{FspinnParams, Mechanisms};
pub use state::FspinnWorkspace;

#[cfg(test)]
mod tests;
