//! The FSpiNN network (Putra & Shafique, TCAD 2020) in the bit-exact integer datapath (layer L1):
//! direct lateral inhibition, STDP at post-synaptic spikes only, shift-decayed traces, fixed-point
//! weights and state, LFSR input spikes. docs/fspinn.md explains each mechanism.

mod consts;
mod datapath;
mod network;
mod params;
mod state;

pub use consts::FspinnConsts;
pub use network::{
    potentiation_factor, theta_decay_shift, FspinnNetwork, StepObserver, DECAY_STREAM, NEVER,
    ROUNDING_STREAM,
};
pub use params::{FspinnParams, Mechanisms};
pub use state::FspinnWorkspace;

#[cfg(test)]
mod tests;
