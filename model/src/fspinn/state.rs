//! Per-worker state of an FSpiNN presentation: membranes, refractory counters, spike times, the
//! input spike generator. Weights and thresholds live in the network.

use super::network::NEVER;
use crate::fixed::SpikeGenerator;

/// Scratch state of one presentation worker; reuse it across images.
#[derive(Clone, Debug)]
pub struct FspinnWorkspace {
    pub(crate) v: Vec<i32>,
    /// Per-neuron sum of this step's synaptic input, in membrane units.
    pub(crate) input_sum: Vec<i32>,
    pub(crate) refractory: Vec<u8>,
    pub(crate) counts: Vec<u32>,
    pub(crate) fired: Vec<u32>,
    pub(crate) fired_last: Vec<u8>,
    pub(crate) pending_inhibition: u32,
    pub(crate) inputs: Vec<u16>,
    pub(crate) last_pre: Vec<u32>,
    pub(crate) last_post: Vec<u32>,
    pub(crate) gen: SpikeGenerator,
    pub(crate) batch: Vec<i32>,
}

impl FspinnWorkspace {
    pub fn new(n_inputs: usize, n: usize) -> Self {
        FspinnWorkspace {
            v: vec![0; n],
            input_sum: vec![0; n],
            refractory: vec![0; n],
            counts: vec![0; n],
            fired: Vec::new(),
            fired_last: vec![0; n],
            pending_inhibition: 0,
            inputs: Vec::new(),
            last_pre: vec![NEVER; n_inputs],
            last_post: vec![NEVER; n],
            gen: SpikeGenerator::new(n_inputs),
            batch: Vec::new(),
        }
    }

    /// Every neuron at rest, no spikes seen.
    pub(crate) fn reset(&mut self, n_inputs: usize, n: usize) {
        self.v.clear();
        self.v.resize(n, 0);
        self.input_sum.clear();
        self.input_sum.resize(n, 0);
        self.refractory.clear();
        self.refractory.resize(n, 0);
        self.counts.clear();
        self.counts.resize(n, 0);
        self.fired_last.clear();
        self.fired_last.resize(n, 0);
        self.pending_inhibition = 0;
        self.last_pre.clear();
        self.last_pre.resize(n_inputs, NEVER);
        self.last_post.clear();
        self.last_post.resize(n, NEVER);
    }

    /// Spike counts of the last presentation, one per neuron.
    pub fn counts(&self) -> &[u32] {
        &self.counts
    }
}
