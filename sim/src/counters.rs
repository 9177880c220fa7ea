//! What the accelerator did: cycles per unit (busy, stalled, idle), cycles per controller phase,
//! arithmetic operations by kind and register-file accesses. All counters are 64-bit and
//! checked; the SRAM banks and the DRAM channel keep their own.

use crate::counter::bump;
use crate::rtl_consts::Phase;
use serde::Serialize;
use std::collections::BTreeMap;

/// The units whose cycles are accounted separately.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Controller,
    SpikeGen,
    PeArray,
    Stdp,
}

impl Unit {
    pub const ALL: [Unit; 4] = [Unit::Controller, Unit::SpikeGen, Unit::PeArray, Unit::Stdp];
    pub fn name(self) -> &'static str {
        match self {
            Unit::Controller => "controller",
            Unit::SpikeGen => "spike_generator",
            Unit::PeArray => "pe_array",
            Unit::Stdp => "stdp",
        }
    }
}

/// What a unit did in one cycle.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Activity {
    #[default]
    Idle,
    Busy,
    /// Has work but waits for memory.
    Stalled,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct UnitCycles {
    pub busy: u64,
    pub stalled: u64,
    pub idle: u64,
}

/// Arithmetic and logic operations, named as in the energy table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Add16,
    Add32,
    Sub16,
    Cmp16,
    Shift16,
    Mul8x32,
    Mul16x16,
    Mul32x32,
    Div40,
    Lfsr16,
    Fmix32,
    Popcount,
}

impl Op {
    pub const ALL: [Op; 12] = [
        Op::Add16,
        Op::Add32,
        Op::Sub16,
        Op::Cmp16,
        Op::Shift16,
        Op::Mul8x32,
        Op::Mul16x16,
        Op::Mul32x32,
        Op::Div40,
        Op::Lfsr16,
        Op::Fmix32,
        Op::Popcount,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Op::Add16 => "add16",
            Op::Add32 => "add32",
            Op::Sub16 => "sub16",
            Op::Cmp16 => "cmp16",
            Op::Shift16 => "shift16",
            Op::Mul8x32 => "mul8x32",
            Op::Mul16x16 => "mul16x16",
            Op::Mul32x32 => "mul32x32",
            Op::Div40 => "div40",
            Op::Lfsr16 => "lfsr16",
            Op::Fmix32 => "fmix32",
            Op::Popcount => "popcount",
        }
    }
}

/// Flop-based storage outside the SRAM banks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegFile {
    /// The image, 8 bits per input.
    Pixels,
    /// Spike thresholds, 16 bits per input.
    Thresholds,
    /// Per-input LFSR states, 32 bits.
    InputLfsrs,
    /// Last spike step of every input (STDP unit).
    PreTimes,
    /// Last spike step of every neuron (STDP unit, depression only).
    PostTimes,
    /// The input spikes of the current step.
    InputSpikeFifo,
    /// One bit per neuron: who fired in the current (and, until overwritten, previous) step.
    SpikeBuffer,
}

impl RegFile {
    pub const ALL: [RegFile; 7] = [
        RegFile::Pixels,
        RegFile::Thresholds,
        RegFile::InputLfsrs,
        RegFile::PreTimes,
        RegFile::PostTimes,
        RegFile::InputSpikeFifo,
        RegFile::SpikeBuffer,
    ];
    pub fn name(self) -> &'static str {
        match self {
            RegFile::Pixels => "pixel_rf",
            RegFile::Thresholds => "threshold_rf",
            RegFile::InputLfsrs => "input_lfsr_rf",
            RegFile::PreTimes => "pre_time_rf",
            RegFile::PostTimes => "post_time_rf",
            RegFile::InputSpikeFifo => "input_spike_fifo",
            RegFile::SpikeBuffer => "spike_buffer",
        }
    }
    /// The unit that owns it (its energy is booked there).
    pub fn owner(self) -> Unit {
        match self {
            RegFile::Pixels | RegFile::Thresholds | RegFile::InputLfsrs => Unit::SpikeGen,
            RegFile::PreTimes | RegFile::PostTimes => Unit::Stdp,
            RegFile::InputSpikeFifo | RegFile::SpikeBuffer => Unit::PeArray,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Accesses {
    pub reads: u64,
    pub writes: u64,
}

#[derive(Clone, Debug, Default)]
pub struct Counters {
    pub cycles: u64,
    pub units: [UnitCycles; 4],
    pub ops: [[u64; 12]; 4],
    pub regfiles: [Accesses; 7],
    /// Cycles per controller phase, indexed by the phase's code ([`Counters::phase_cycles`]).
    pub phase_cycles: [u64; Phase::ALL.len()],
    /// Synaptic accumulations (input spike x neuron), the denominator of pJ/SOP.
    pub synaptic_ops: u64,
    pub input_spikes: u64,
    pub output_spikes: u64,
    /// Weights changed by the STDP unit.
    pub stdp_updates: u64,
    pub attempts: u64,
    pub timesteps: u64,
}

impl Counters {
    #[inline]
    pub fn op(&mut self, unit: Unit, op: Op, n: u64) {
        bump(&mut self.ops[unit as usize][op as usize], n, op.name());
    }
    #[inline]
    pub fn rf_read(&mut self, rf: RegFile, n: u64) {
        bump(&mut self.regfiles[rf as usize].reads, n, rf.name());
    }
    #[inline]
    pub fn rf_write(&mut self, rf: RegFile, n: u64) {
        bump(&mut self.regfiles[rf as usize].writes, n, rf.name());
    }
    /// Closes a cycle: every unit's activity and the controller's phase.
    pub fn cycle(&mut self, activity: &[Activity; 4], phase: Phase) {
        bump(&mut self.cycles, 1, "cycles");
        for (u, a) in self.units.iter_mut().zip(activity) {
            match a {
                Activity::Busy => bump(&mut u.busy, 1, "busy"),
                Activity::Stalled => bump(&mut u.stalled, 1, "stalled"),
                Activity::Idle => bump(&mut u.idle, 1, "idle"),
            }
        }
        bump(
            &mut self.phase_cycles[phase.code() as usize],
            1,
            "phase cycles",
        );
    }
    /// Cycles of every phase the controller was in, by name (the reports' `phase_cycles`:
    /// names only at the output edge, in name order as before the phases were typed).
    pub fn phase_cycles(&self) -> BTreeMap<&'static str, u64> {
        Phase::ALL
            .into_iter()
            .filter(|p| self.phase_cycles[p.code() as usize] > 0)
            .map(|p| (p.name(), self.phase_cycles[p.code() as usize]))
            .collect()
    }
    pub fn op_count(&self, unit: Unit, op: Op) -> u64 {
        self.ops[unit as usize][op as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phase_cycles_are_named_only_at_the_edge_in_name_order() {
        let mut c = Counters::default();
        let a = [Activity::Busy; 4];
        for p in [
            Phase::Seed,
            Phase::Integrate,
            Phase::Integrate,
            Phase::Adapt,
        ] {
            c.cycle(&a, p);
        }
        let named: Vec<_> = c.phase_cycles().into_iter().collect();
        assert_eq!(named, [("adapt", 1), ("integrate", 2), ("seed", 1)]);
        assert_eq!(c.phase_cycles[Phase::Integrate.code() as usize], 2);
        assert_eq!(c.cycles, 4);
    }
}
