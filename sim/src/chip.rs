//! One interface for every implementation of the accelerator: the cycle model here, the
//! verilated RTL in `fspinn-testbench`. Tests written against [`Chip`] run unchanged on both,
//! and two `Chip`s loaded with the same network can be compared run for run through it
//! (`testbench/tests/chip_contract.rs`). The cycle-by-cycle lock-step comparison,
//! `fspinn_testbench::cosim::compare_sample`, works on the two concrete types instead, because
//! it also reads the cycle model's event log and DRAM counters.

use crate::accel::Accelerator;
use crate::events::{SpikeEvent, WeightWrite};

/// Reads and writes of one SRAM bank during a sample.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BankAccesses {
    pub name: String,
    pub reads: u64,
    pub writes: u64,
}

/// What one sample did, in the terms both implementations can report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SampleRun {
    /// Cycles of the sample.
    pub cycles: u64,
    /// Spike counts of the last attempt, as the host reads them.
    pub counts: Vec<u32>,
    /// Every output spike, cycles counted from the sample's first cycle.
    pub spikes: Vec<SpikeEvent>,
    /// Every weight written by the learning rule, cycles from the sample's first cycle.
    pub weight_writes: Vec<WeightWrite>,
    /// Every SRAM bank's accesses during the sample (weight banks, then neuron banks).
    pub accesses: Vec<BankAccesses>,
}

/// An accelerator that runs samples and whose learned state can be read back.
pub trait Chip {
    /// A short name for reports (`model`, `rtl`).
    fn name(&self) -> &str;
    /// Presents one image with the host's sample seed, learning when `train`.
    fn run(&mut self, image: &[u8], sample_seed: u32, train: bool) -> SampleRun;
    /// Every weight code, input-major (`[i * n + j]`).
    fn read_weights(&mut self) -> Vec<u16>;
    /// Every neuron's threshold offset.
    fn read_thetas(&mut self) -> Vec<i32>;
    /// The inhibition register.
    fn read_inhibition(&mut self) -> i32;
}

fn bank_counts(acc: &Accelerator) -> Vec<BankAccesses> {
    acc.weight_port()
        .banks()
        .iter()
        .chain(acc.neuron_banks())
        .map(|b| BankAccesses {
            name: b.name().to_string(),
            reads: b.reads,
            writes: b.writes,
        })
        .collect()
}

impl Chip for Accelerator {
    fn name(&self) -> &str {
        "model"
    }

    fn run(&mut self, image: &[u8], sample_seed: u32, train: bool) -> SampleRun {
        let before = bank_counts(self);
        let start = self.cycle();
        // The events of this sample only; recording is left off afterwards.
        self.record_events(true);
        let out = self.run_sample(image, sample_seed, train);
        let events = self.take_events().unwrap_or_default();
        self.record_events(false);
        let after = bank_counts(self);
        SampleRun {
            cycles: out.cycles,
            counts: out.counts,
            spikes: events
                .spikes
                .iter()
                .map(|e| SpikeEvent {
                    cycle: e.cycle - start,
                    ..*e
                })
                .collect(),
            weight_writes: events
                .weight_writes
                .iter()
                .map(|e| WeightWrite {
                    cycle: e.cycle - start,
                    ..*e
                })
                .collect(),
            accesses: after
                .into_iter()
                .zip(before)
                .map(|(a, b)| BankAccesses {
                    name: a.name,
                    reads: a.reads - b.reads,
                    writes: a.writes - b.writes,
                })
                .collect(),
        }
    }

    fn read_weights(&mut self) -> Vec<u16> {
        self.weight_codes()
    }

    fn read_thetas(&mut self) -> Vec<i32> {
        self.thetas()
    }

    fn read_inhibition(&mut self) -> i32 {
        self.inhibition()
    }
}
