//! Per-worker dynamic state of one presentation: membranes, conductances, refractory counters,
//! spike lists and the input schedule. Weights and thresholds live in the network; this is what
//! parallel inference workers each own.

use crate::poisson::SpikeSchedule;

/// Scratch state for simulating presentations; reuse it across images to avoid allocation.
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    pub(crate) v_e: Vec<f32>,
    pub(crate) ge_e: Vec<f32>,
    pub(crate) gi_e: Vec<f32>,
    /// Steps left with the membrane clamped at reset.
    pub(crate) clamp_e: Vec<f32>,
    /// Steps left before the neuron may fire again.
    pub(crate) lock_e: Vec<f32>,
    pub(crate) v_i: Vec<f32>,
    pub(crate) ge_i: Vec<f32>,
    pub(crate) clamp_i: Vec<f32>,
    pub(crate) fired_e: Vec<u32>,
    pub(crate) fired_i: Vec<u32>,
    /// Excitatory spike count per neuron during the last presentation.
    pub(crate) counts: Vec<u32>,
    pub(crate) schedule: SpikeSchedule,
}

impl Workspace {
    pub fn new(n_neurons: usize) -> Self {
        let mut ws = Workspace::default();
        ws.resize(n_neurons);
        ws
    }

    fn resize(&mut self, n: usize) {
        for v in [
            &mut self.v_e,
            &mut self.ge_e,
            &mut self.gi_e,
            &mut self.v_i,
            &mut self.ge_i,
            &mut self.clamp_e,
            &mut self.lock_e,
            &mut self.clamp_i,
        ] {
            v.resize(n, 0.0);
        }
        self.counts.resize(n, 0);
    }

    /// Puts every neuron at rest with no synaptic input, as after a long silence.
    pub(crate) fn reset(&mut self, v_rest_e: f32, v_rest_i: f32, n: usize) {
        if self.v_e.len() != n {
            self.resize(n);
        }
        self.v_e.fill(v_rest_e);
        self.ge_e.fill(0.0);
        self.gi_e.fill(0.0);
        self.clamp_e.fill(0.0);
        self.lock_e.fill(0.0);
        self.v_i.fill(v_rest_i);
        self.ge_i.fill(0.0);
        self.clamp_i.fill(0.0);
        self.counts.fill(0);
        self.fired_e.clear();
        self.fired_i.clear();
    }

    /// Excitatory spike counts of the last presentation, one per neuron.
    pub fn counts(&self) -> &[u32] {
        &self.counts
    }
}
