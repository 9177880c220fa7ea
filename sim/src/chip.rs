//! One interface for every implementation of the accelerator: the cycle model here, the
//! verilated RTL in `fspinn-testbench`. Tests written against [`Chip`] run unchanged on both,
//! and any two `Chip`s loaded with the same network are compared by one function,
//! [`compare`]: the reference runs the sample recording every cycle (its port trace, a
//! [`CycleRecord`]), the other runs it checked against that record cycle by cycle as it goes
//! ([`Chip::run_checked`]: the RTL compares each cycle as it happens and stops at the first
//! divergence; the cycle model checks its own record afterwards), then the end-of-sample
//! figures (cycles, bank accesses, spike counts, DRAM counters) are compared. The co-simulation
//! (`fspinn_testbench::cosim`) is its main instance.

use crate::accel::Accelerator;
use crate::dram::DramCounters;
use crate::events::{SpikeEvent, WeightWrite};
use crate::lockstep::{self, Checker, CycleObs, CycleRecord, Mismatch};
use crate::sram::PortActivity;

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
    /// Cycles of the sample (for a run that timed out or stopped at a divergence: the cycles
    /// run).
    pub cycles: u64,
    /// Spike counts of the last attempt, as the host reads them.
    pub counts: Vec<u32>,
    /// Every output spike, cycles counted from the sample's first cycle.
    pub spikes: Vec<SpikeEvent>,
    /// Every weight written by the learning rule, cycles from the sample's first cycle.
    pub weight_writes: Vec<WeightWrite>,
    /// Every SRAM bank's accesses during the sample (weight banks, then neuron banks).
    pub accesses: Vec<BankAccesses>,
    /// What the DRAM channel counted during the sample (`None`: no DRAM behind the chip).
    pub dram: Option<DramCounters>,
    /// DRAM requests the channel refused (a chip bug: a bad address or size).
    pub dram_errors: Vec<String>,
    /// The chip had not finished after its cycle limit.
    pub timed_out: bool,
    /// The run was stopped at a divergence from the expected record (the chip was left
    /// mid-sample; counts and accesses are not meaningful).
    pub stopped: bool,
}

/// Why a chip could not run a sample.
#[derive(Debug, thiserror::Error)]
pub enum ChipError {
    /// The image does not match the chip's inputs.
    #[error("the image has {got} pixels, the chip has {inputs} inputs")]
    ImageSize { got: usize, inputs: usize },
    /// The implementation failed (the RTL could not write a waveform, say).
    #[error("{chip}: {source}")]
    Backend {
        chip: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// An accelerator that runs samples and whose learned state can be read back.
pub trait Chip {
    /// A short name for reports (`model`, `rtl`).
    fn name(&self) -> &str;
    /// Presents one image with the host's sample seed, learning when `train`.
    fn run(&mut self, image: &[u8], sample_seed: u32, train: bool) -> Result<SampleRun, ChipError>;
    /// [`run`](Chip::run), also returning the port trace: every cycle's spikes, weight
    /// writes, bank port activity and DRAM requests.
    fn run_recorded(
        &mut self,
        image: &[u8],
        sample_seed: u32,
        train: bool,
    ) -> Result<(SampleRun, CycleRecord), ChipError>;
    /// [`run`](Chip::run), checked cycle by cycle against `expected` (another chip's record of
    /// the same sample); returns the first divergence. With `stop`, the run ends at it.
    fn run_checked(
        &mut self,
        sample: u64,
        image: &[u8],
        sample_seed: u32,
        train: bool,
        expected: &CycleRecord,
        stop: bool,
    ) -> Result<(SampleRun, Option<Mismatch>), ChipError>;
    /// Every weight code, input-major (`[i * n + j]`).
    fn read_weights(&mut self) -> Vec<u16>;
    /// Every neuron's threshold offset.
    fn read_thetas(&mut self) -> Vec<i32>;
    /// The inhibition register.
    fn read_inhibition(&mut self) -> i32;
}

/// Two runs of one sample compared.
#[derive(Clone, Debug, Default)]
pub struct Comparison {
    /// Every difference: the first per-cycle divergence, then the end-of-sample checks (not
    /// made when the run stopped at the divergence).
    pub mismatches: Vec<Mismatch>,
    /// The reference's run.
    pub reference: SampleRun,
    /// The compared chip's run.
    pub chip: SampleRun,
}

/// Runs one sample on `reference` (recorded) and on `chip` (checked against the record as it
/// runs) and compares everything. With `stop_at_first`, `chip` stops at its first divergence
/// and only that one is reported; otherwise it runs to the end (or its timeout) and the
/// end-of-sample checks follow.
pub fn compare<A: Chip + ?Sized, B: Chip + ?Sized>(
    sample: u64,
    reference: &mut A,
    chip: &mut B,
    image: &[u8],
    sample_seed: u32,
    train: bool,
    stop_at_first: bool,
) -> Result<Comparison, ChipError> {
    let (r, rec) = reference.run_recorded(image, sample_seed, train)?;
    let (c, first) = chip.run_checked(sample, image, sample_seed, train, &rec, stop_at_first)?;
    let mut mismatches: Vec<Mismatch> = first.into_iter().collect();
    if !c.stopped {
        let first_was_cycles = mismatches.iter().any(|m| m.what() == "cycles");
        mismatches.extend(
            lockstep::compare_totals(sample, &r, &c)
                .into_iter()
                .filter(|m| !(first_was_cycles && m.what() == "cycles")),
        );
    }
    Ok(Comparison {
        mismatches,
        reference: r,
        chip: c,
    })
}

/// Checks a finished run's record against an expected one, cycle by cycle (for a chip that
/// cannot be stopped mid-sample, such as the cycle model).
pub fn check_record(sample: u64, expected: &CycleRecord, actual: &CycleRecord) -> Option<Mismatch> {
    let mut checker = Checker::new(expected, sample);
    let (mut s, mut w, mut p, mut d) = (0, 0, 0, 0);
    let mut ports: Vec<(u32, PortActivity)> = Vec::new();
    for cycle in 0..actual.cycles.max(expected.cycles) {
        let spike = actual.spike_cycles.get(s).filter(|x| x.cycle == cycle);
        s += spike.is_some() as usize;
        let weight_write = actual
            .weight_writes
            .get(w)
            .filter(|x| x.cycle == cycle)
            .copied();
        w += weight_write.is_some() as usize;
        ports.clear();
        while let Some(e) = actual.ports.get(p).filter(|x| x.cycle == cycle) {
            ports.push((e.bank, e.port));
            p += 1;
        }
        let dram = actual.dram.get(d).filter(|x| x.cycle == cycle);
        d += dram.is_some() as usize;
        let o = CycleObs {
            cycle,
            done: cycle + 1 == actual.cycles,
            spike: spike.map(|x| (x.group, x.mask.as_slice())),
            weight_write,
            ports: &ports,
            dram,
            ..CycleObs::default()
        };
        if let Some(m) = checker.check(&o) {
            return Some(m);
        }
        if o.done {
            break;
        }
    }
    None
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

impl Accelerator {
    fn run_chip(
        &mut self,
        image: &[u8],
        sample_seed: u32,
        train: bool,
    ) -> Result<(SampleRun, CycleRecord), ChipError> {
        let inputs = self.config().spike_generator.inputs as usize;
        if image.len() != inputs {
            return Err(ChipError::ImageSize {
                got: image.len(),
                inputs,
            });
        }
        let before = bank_counts(self);
        let dram_before = self.weight_port().dram().counters().clone();
        let (out, rec) = lockstep::record_sample(self, image, sample_seed, train);
        let after = bank_counts(self);
        let dram = lockstep::dram_delta(self.weight_port().dram().counters(), &dram_before);
        let run = SampleRun {
            cycles: out.cycles,
            counts: out.counts,
            spikes: rec.spikes.clone(),
            weight_writes: rec.weight_writes.clone(),
            accesses: after
                .into_iter()
                .zip(before)
                .map(|(a, b)| BankAccesses {
                    name: a.name,
                    reads: a.reads - b.reads,
                    writes: a.writes - b.writes,
                })
                .collect(),
            dram: (!self.layout().on_chip).then_some(dram),
            ..SampleRun::default()
        };
        Ok((run, rec))
    }
}

impl Chip for Accelerator {
    fn name(&self) -> &str {
        "model"
    }

    fn run(&mut self, image: &[u8], sample_seed: u32, train: bool) -> Result<SampleRun, ChipError> {
        self.run_chip(image, sample_seed, train).map(|(r, _)| r)
    }

    fn run_recorded(
        &mut self,
        image: &[u8],
        sample_seed: u32,
        train: bool,
    ) -> Result<(SampleRun, CycleRecord), ChipError> {
        self.run_chip(image, sample_seed, train)
    }

    fn run_checked(
        &mut self,
        sample: u64,
        image: &[u8],
        sample_seed: u32,
        train: bool,
        expected: &CycleRecord,
        _stop: bool,
    ) -> Result<(SampleRun, Option<Mismatch>), ChipError> {
        let (run, rec) = self.run_chip(image, sample_seed, train)?;
        Ok((run, check_record(sample, expected, &rec)))
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
