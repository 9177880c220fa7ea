//! The accelerator's hardware description, read from TOML: how many PEs, how the weight and
//! neuron-state SRAMs are banked, the DRAM behind them, the clock. One typed config drives the
//! cycle model and, through [`crate::rtl_params`], the RTL's Verilog parameters, so the two can
//! never describe different chips.

use crate::dram::DramConfig;
use crate::energy::Technology;
use crate::error::SimError;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A complete accelerator design.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HwConfig {
    /// A short name, written into every report.
    pub name: String,
    /// Core clock; DRAM timings are given in cycles of this clock.
    pub clock_mhz: f64,
    /// The network size this design is built for (used when no model is given).
    pub neurons: u32,
    pub pe_array: PeArrayConfig,
    pub spike_generator: SpikeGenConfig,
    pub weight_sram: WeightSramConfig,
    pub neuron_sram: NeuronSramConfig,
    pub dram: DramConfig,
    /// Process node and SRAM cell type (CACTI); default 45 nm `itrs-lop`.
    #[serde(default)]
    pub technology: Technology,
}

/// The processing elements: each owns `neurons_per_pe` neurons' state in its own SRAM bank.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeArrayConfig {
    pub pes: u32,
    pub neurons_per_pe: u32,
}

/// The on-chip Poisson generator: `lanes` input channels are drawn per cycle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpikeGenConfig {
    /// Input channels (784 for MNIST).
    pub inputs: u32,
    pub lanes: u32,
}

/// The weight memory: `banks` single-read, single-write (1R1W) SRAM banks read in parallel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightSramConfig {
    pub banks: u32,
    pub word_bits: u32,
    pub depth: u32,
    /// Cycles from a read request to its data (1 = the usual synchronous SRAM).
    pub read_latency: u32,
}

/// The neuron-state memory: one 1R1W bank per PE.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NeuronSramConfig {
    pub word_bits: u32,
    pub depth: u32,
    pub read_latency: u32,
}

/// Cycles of the sequential divider that computes each neuron's normalisation factor: the
/// RTL's latency, from the shared table (`rtl_consts`).
pub use crate::rtl_consts::DIVIDER_CYCLES;

/// Most SRAM words the model simulates per memory (weight banks together; neuron banks of all
/// PEs together): each word is a u64 in host memory, so this bounds a config's memory to 128 MiB
/// per memory before anything is allocated. The largest shipped config (`small-wide`) uses
/// 156,800 weight words, 100x below.
pub const MAX_SRAM_WORDS: u64 = 1 << 24;

/// Largest supported SRAM read latency: deeper pipelines are not a design this model claims to
/// describe.
pub const MAX_READ_LATENCY: u32 = 8;

fn invalid(field: &str, value: impl ToString, reason: &str) -> SimError {
    SimError::Config {
        field: field.to_string(),
        value: value.to_string(),
        reason: reason.to_string(),
    }
}

impl HwConfig {
    /// Reads and validates a config file; errors name the file and the field.
    pub fn load(path: &Path) -> Result<Self, SimError> {
        let text = std::fs::read_to_string(path).map_err(|e| SimError::Io {
            path: path.display().to_string(),
            source: e,
        })?;
        Self::from_toml_str(&text, &path.display().to_string())
    }

    /// Parses and validates config text; `origin` names it in errors.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Self, SimError> {
        let cfg: HwConfig = toml::from_str(text).map_err(|e| SimError::ConfigSyntax {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        cfg.validate().map_err(|e| e.in_file(origin))?;
        Ok(cfg)
    }

    /// The built-in configs shipped in `sim/configs/`.
    pub fn builtin(name: &str) -> Option<Self> {
        let text = match name {
            "small" => include_str!("../configs/small.toml"),
            "large" => include_str!("../configs/large.toml"),
            "small-wide" => include_str!("../configs/small-wide.toml"),
            _ => return None,
        };
        Some(Self::from_toml_str(text, name).expect("built-in configs are valid"))
    }

    /// Checks everything that does not depend on the network: widths, depths and latencies
    /// a chip can have.
    pub fn validate(&self) -> Result<(), SimError> {
        if !(self.clock_mhz.is_finite() && self.clock_mhz > 0.0 && self.clock_mhz <= 10_000.0) {
            return Err(invalid(
                "clock_mhz",
                self.clock_mhz,
                "must be above 0 and at most 10000",
            ));
        }
        let pe = &self.pe_array;
        if !(1..=4096).contains(&pe.pes) {
            return Err(invalid("pe_array.pes", pe.pes, "must be 1 to 4096"));
        }
        if !(1..=65_536).contains(&pe.neurons_per_pe) {
            return Err(invalid(
                "pe_array.neurons_per_pe",
                pe.neurons_per_pe,
                "must be 1 to 65536",
            ));
        }
        if self.neurons as u64 > fspinn_model::limits::NEURONS.max {
            return Err(invalid(
                "neurons",
                self.neurons,
                &format!(
                    "must be at most {}: {}",
                    fspinn_model::limits::NEURONS.max,
                    fspinn_model::limits::NEURONS.why
                ),
            ));
        }
        if self.neurons == 0 || self.neurons > pe.pes * pe.neurons_per_pe {
            return Err(invalid(
                "neurons",
                self.neurons,
                "must be at least 1 and at most pe_array.pes * pe_array.neurons_per_pe",
            ));
        }
        let sg = &self.spike_generator;
        if !(1..=65_536).contains(&sg.inputs) {
            return Err(invalid(
                "spike_generator.inputs",
                sg.inputs,
                "must be 1 to 65536",
            ));
        }
        if sg.lanes == 0 || sg.lanes > sg.inputs {
            return Err(invalid(
                "spike_generator.lanes",
                sg.lanes,
                "must be at least 1 and at most spike_generator.inputs",
            ));
        }
        let w = &self.weight_sram;
        if !(1..=256).contains(&w.banks) {
            return Err(invalid("weight_sram.banks", w.banks, "must be 1 to 256"));
        }
        if !(8..=64).contains(&w.word_bits) || w.word_bits % 8 != 0 {
            return Err(invalid(
                "weight_sram.word_bits",
                w.word_bits,
                "must be a multiple of 8 from 8 to 64",
            ));
        }
        if w.depth == 0 {
            return Err(invalid("weight_sram.depth", w.depth, "must be at least 1"));
        }
        if w.banks as u64 * w.depth as u64 > MAX_SRAM_WORDS {
            return Err(invalid(
                "weight_sram.depth",
                w.depth,
                &format!(
                    "weight_sram.banks x depth must be at most {MAX_SRAM_WORDS} words (the model holds each word in 8 bytes of memory)"
                ),
            ));
        }
        if !(1..=MAX_READ_LATENCY).contains(&w.read_latency) {
            return Err(invalid(
                "weight_sram.read_latency",
                w.read_latency,
                "must be 1 to 8 cycles",
            ));
        }
        let n = &self.neuron_sram;
        if !(8..=64).contains(&n.word_bits) {
            return Err(invalid(
                "neuron_sram.word_bits",
                n.word_bits,
                "must be 8 to 64",
            ));
        }
        if n.depth < pe.neurons_per_pe {
            return Err(invalid(
                "neuron_sram.depth",
                n.depth,
                "must hold pe_array.neurons_per_pe words",
            ));
        }
        // Neuron banks, and as many inhibitory banks in the baseline-equivalent mode.
        if 2 * pe.pes as u64 * n.depth as u64 > MAX_SRAM_WORDS {
            return Err(invalid(
                "neuron_sram.depth",
                n.depth,
                &format!(
                    "2 x pe_array.pes x depth must be at most {MAX_SRAM_WORDS} words (the model holds each word in 8 bytes of memory)"
                ),
            ));
        }
        if !(1..=MAX_READ_LATENCY).contains(&n.read_latency) {
            return Err(invalid(
                "neuron_sram.read_latency",
                n.read_latency,
                "must be 1 to 8 cycles",
            ));
        }
        self.dram.validate().map_err(|e| SimError::Config {
            field: "dram".into(),
            value: String::new(),
            reason: e.to_string(),
        })?;
        self.technology
            .validate()
            .map_err(|(field, reason)| SimError::Config {
                field: field.into(),
                value: match field {
                    "technology.node_nm" => self.technology.node_nm.to_string(),
                    _ => self.technology.cell.clone(),
                },
                reason,
            })?;
        Ok(())
    }

    /// Bytes of on-chip weight SRAM.
    pub fn weight_sram_bytes(&self) -> u64 {
        self.weight_sram.banks as u64
            * self.weight_sram.depth as u64
            * self.weight_sram.word_bits as u64
            / 8
    }
}
