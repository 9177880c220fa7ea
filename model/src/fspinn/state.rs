//! Per-worker state of an FSpiNN presentation: membranes, refractory counters, spike times, the
//! input spike generator. Weights and thresholds live in the network. One workspace type serves
//! both layers (the presentation loop is written once, in present.rs); only the number types of
//! the membrane and of the pending weight changes differ.

use super::network::NEVER;
use crate::fixed::SpikeGenerator;

/// Scratch state of one presentation worker, generic over the membrane type `V` and the type
/// `D` of pending weight changes; reuse it across images.
#[derive(Clone, Debug)]
pub struct PresentationWorkspace<V, D> {
    pub(crate) v: Vec<V>,
    /// Per-neuron sum of this step's synaptic input, in membrane units (integer layer only: it
    /// sums a step's weights before the saturating add; the f32 layer adds spike by spike).
    pub(crate) input_sum: Vec<V>,
    pub(crate) refractory: Vec<u8>,
    pub(crate) counts: Vec<u32>,
    pub(crate) fired: Vec<u32>,
    pub(crate) fired_last: Vec<u8>,
    pub(crate) pending_inhibition: u32,
    pub(crate) inputs: Vec<u16>,
    pub(crate) last_pre: Vec<u32>,
    pub(crate) last_post: Vec<u32>,
    pub(crate) gen: SpikeGenerator,
    pub(crate) batch: Vec<D>,
    /// Whether training splits steps across threads, by measured speed.
    pub(crate) chooser: crate::presentation::SplitChooser,
}

/// Scratch state of one integer (L1) presentation worker: membranes in membrane units.
pub type FspinnWorkspace = PresentationWorkspace<i32, i32>;
/// Scratch state of one f32 (L0) presentation worker: membranes in mV.
pub type FspinnF32Workspace = PresentationWorkspace<f32, f32>;

impl<V: Copy + Default, D> PresentationWorkspace<V, D> {
    /// A workspace for a network of `n_inputs` inputs and `n` neurons.
    pub fn new(n_inputs: usize, n: usize) -> Self {
        PresentationWorkspace {
            v: vec![V::default(); n],
            input_sum: vec![V::default(); n],
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
            chooser: Default::default(),
        }
    }

    /// Every neuron at rest, no spikes seen.
    pub(crate) fn reset(&mut self, n_inputs: usize, n: usize) {
        self.v.clear();
        self.v.resize(n, V::default());
        self.input_sum.clear();
        self.input_sum.resize(n, V::default());
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

    /// Membrane potentials at the end of the last presentation, for tests.
    pub fn membrane(&self) -> &[V] {
        &self.v
    }
}
