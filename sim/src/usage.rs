//! Turns the accelerator's counters into the energy model's input: one component per SRAM
//! bank, per register file, per logic unit and, when the weights live off chip, the DRAM.

use crate::accel::Accelerator;
use crate::counters::{Op, RegFile, Unit};
use crate::dram::dram_energy;
use crate::energy::{ComponentKind, ComponentUsage, Usage};
use crate::sram::SramBank;
use std::collections::BTreeMap;

fn sram(bank: &SramBank) -> ComponentUsage {
    ComponentUsage {
        name: bank.name().to_string(),
        kind: ComponentKind::Sram {
            bytes: bank.depth() as u64 * bank.word_bits() as u64 / 8,
            word_bits: bank.word_bits(),
            read_latency: bank.latency(),
        },
        actions: BTreeMap::from([
            ("read".to_string(), bank.reads),
            ("write".to_string(), bank.writes),
        ]),
    }
}

/// Bits to hold a step number or "never" (one more code than the steps).
fn step_bits(steps: u32) -> u32 {
    32 - steps.leading_zeros() + 1
}

/// Width and entries of each register file for this accelerator.
pub fn regfile_shape(acc: &Accelerator, rf: RegFile) -> (u32, u64) {
    let inputs = acc.config().spike_generator.inputs as u64;
    let n = acc.neurons() as u64;
    let pes = acc.config().pe_array.pes;
    let steps = acc.consts().steps;
    match rf {
        RegFile::Pixels => (8, inputs),
        RegFile::Thresholds => (16, inputs),
        RegFile::InputLfsrs => (32, inputs),
        RegFile::PreTimes => (step_bits(steps), inputs),
        RegFile::PostTimes => (step_bits(steps), n),
        RegFile::InputSpikeFifo => (32 - (inputs as u32).leading_zeros(), inputs),
        RegFile::SpikeBuffer => (pes, n.div_ceil(pes as u64)),
    }
}

/// Everything the energy model needs from the counters so far.
pub fn usage(acc: &Accelerator) -> Usage {
    let ctr = acc.counters();
    let mut components = Vec::new();
    for unit in Unit::ALL {
        let mut actions = BTreeMap::new();
        for op in Op::ALL {
            let c = ctr.op_count(unit, op);
            if c > 0 {
                actions.insert(op.name().to_string(), c);
            }
        }
        if unit == Unit::Controller {
            // The controller's sequencing logic switches every cycle, whatever the datapath does.
            actions.insert("fsm_cycle".to_string(), ctr.cycles);
        }
        components.push(ComponentUsage {
            name: unit.name().to_string(),
            kind: ComponentKind::Logic,
            actions,
        });
    }
    for rf in RegFile::ALL {
        let (word_bits, entries) = regfile_shape(acc, rf);
        let a = ctr.regfiles[rf as usize];
        components.push(ComponentUsage {
            name: rf.name().to_string(),
            kind: ComponentKind::RegisterFile {
                bits: word_bits as u64 * entries,
                word_bits,
            },
            actions: BTreeMap::from([
                ("read".to_string(), a.reads),
                ("write".to_string(), a.writes),
            ]),
        });
    }
    let port = acc.weight_port();
    for b in port.banks() {
        components.push(sram(b));
    }
    for b in acc.neuron_banks().iter().chain(acc.inhibitory_banks()) {
        components.push(sram(b));
    }
    let cfg = acc.config();
    if !acc.layout().on_chip {
        // Refreshes due by the end of the run count, as if the channel were finished here.
        let a = port.dram().activity(ctr.cycles);
        components.push(ComponentUsage {
            name: "dram".to_string(),
            kind: ComponentKind::Dram {
                kind: cfg.dram.kind.to_string(),
                energy: dram_energy(&cfg.dram, &a, cfg.clock_mhz),
            },
            actions: BTreeMap::from([
                ("activate".to_string(), a.activates),
                ("precharge".to_string(), a.precharges),
                ("read_burst".to_string(), a.reads),
                ("write_burst".to_string(), a.writes),
                ("refresh".to_string(), a.refreshes),
            ]),
        });
    }
    Usage {
        components,
        cycles: ctr.cycles,
        clock_mhz: cfg.clock_mhz,
        synaptic_ops: ctr.synaptic_ops,
        technology: cfg.technology.clone(),
        pes: cfg.pe_array.pes,
        lanes: cfg.spike_generator.lanes,
    }
}
