//! What the accelerator did that L1 also does: the spikes of every step and every weight the
//! STDP unit wrote. `fspinn sim --verify` compares these logs, entry by entry, with the ones L1
//! reports through its `StepObserver`; the RTL testbench (`fspinn_testbench::cosim::compare_sample`)
//! compares the RTL's spikes and weight writes with them, cycle for cycle.

use fspinn_model::fspinn::StepObserver;
use serde::Serialize;

/// The spikes of one time step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepRecord {
    pub attempt: u32,
    pub t: u32,
    /// Input channels that spiked, ascending.
    pub inputs: Vec<u16>,
    /// Neurons that fired, ascending.
    pub fired: Vec<u32>,
    /// Cycle at which the step's last pass ended (0 in L1 logs, which have no time).
    pub cycle: u64,
}

/// One weight written by the learning rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct WeightWrite {
    pub attempt: u32,
    pub t: u32,
    pub input: u32,
    pub neuron: u32,
    pub value: u16,
    /// Cycle of the write (0 in L1 logs).
    pub cycle: u64,
}

/// One neuron firing, at the cycle its state is written back (L2 and L3 only).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SpikeEvent {
    pub attempt: u32,
    pub t: u32,
    pub neuron: u32,
    pub cycle: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventLog {
    pub steps: Vec<StepRecord>,
    pub weight_writes: Vec<WeightWrite>,
    /// Every output spike with its cycle (empty in L1 logs, which have no time).
    pub spikes: Vec<SpikeEvent>,
}

impl StepObserver for EventLog {
    fn step(&mut self, attempt: u32, t: u32, inputs: &[u16], fired: &[u32]) {
        self.steps.push(StepRecord {
            attempt,
            t,
            inputs: inputs.to_vec(),
            fired: fired.to_vec(),
            cycle: 0,
        });
    }
    fn weight_write(&mut self, attempt: u32, t: u32, input: usize, neuron: usize, value: u16) {
        self.weight_writes.push(WeightWrite {
            attempt,
            t,
            input: input as u32,
            neuron: neuron as u32,
            value,
            cycle: 0,
        });
    }
}
