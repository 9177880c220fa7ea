//! The FSpiNN network (Putra & Shafique, TCAD 2020) in the bit-exact integer datapath (layer L1):
//! direct lateral inhibition, STDP at post-synaptic spikes only, shift-decayed traces, fixed-point
//! weights and state, LFSR input spikes. docs/fspinn.md explains each mechanism. The same network
//! in f32 (layer L0, the reference for the integer one and the source of post-training
//! quantisation) is [`FspinnF32Network`].

mod block;
mod consts;
mod datapath;
mod float;
mod network;
mod params;
mod present;
mod split;
mod state;

pub use consts::FspinnConsts;
pub use float::{
    adapt_inhibition as adapt_inhibition_f32, staircase_trace, FspinnF32Network, NORM_TARGET,
};
pub use network::{
    neuron_rate_shifts, potentiation_factor, potentiation_halvings, theta_decay_shift,
    FspinnNetwork, StepObserver, DECAY_STREAM, NEVER, ROUNDING_STREAM,
};
pub(crate) use params::with_checkpoint_layout;
pub use params::{FspinnF32Params, FspinnParams, Mechanisms, PotentiationSchedule};
pub use state::{FspinnF32Workspace, FspinnWorkspace, PresentationWorkspace};

#[cfg(test)]
mod float_tests;
#[cfg(test)]
mod tests;
