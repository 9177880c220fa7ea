//! What hardware a run modelled, as one serialisable summary: every structural parameter of the
//! config, where the config came from with a hash of its contents, and where the network's
//! weights were placed. Reports embed it so that two results can only be compared when they
//! describe the same chip: a copy of `small.toml` with a shallower weight SRAM streams its
//! weights from DRAM (and costs far more energy) while keeping the name `small`.

use crate::config::HwConfig;
use crate::dram::DramConfig;
use crate::energy::Technology;
use crate::layout::WeightLayout;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The modelled chip: the config's parameters, its origin and hash, and the weight placement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HardwareSummary {
    /// The config's `name`.
    pub name: String,
    /// `builtin:<name>` for a shipped config, else the file's path.
    pub source: String,
    /// SHA-256 (hex) of the config's canonical form (its parsed fields serialised as JSON in
    /// declaration order): comments and layout of the file do not change it, any value does.
    pub sha256: String,
    pub clock_mhz: f64,
    /// The network size the design is built for (`neurons` of the config).
    pub design_neurons: u32,
    /// Processing elements.
    pub pes: u32,
    pub neurons_per_pe: u32,
    /// Input channels of the spike generator.
    pub inputs: u32,
    /// Input channels drawn per cycle by the spike generator.
    pub lanes: u32,
    pub weight_sram: SramSummary,
    pub neuron_sram: SramSummary,
    /// The DRAM channel behind the weight SRAM; `kind` is its standard (lpddr4, ddr3, hbm2).
    pub dram: DramConfig,
    /// Process node and SRAM cell type every memory of the chip is priced with.
    pub technology: Technology,
    /// Whether this network's weights fit the weight SRAM (else they are streamed from DRAM).
    pub weights_on_chip: bool,
    pub weights: WeightPlacement,
}

/// One SRAM (all its banks together).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SramSummary {
    pub banks: u32,
    pub word_bits: u32,
    /// Words per bank.
    pub depth: u32,
    pub read_latency: u32,
    /// `banks * depth * word_bits / 8`.
    pub bytes: u64,
}

/// How the network's weights are laid out (`layout.rs`) and whether that fits on chip.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WeightPlacement {
    /// Bits each weight occupies in a word (the code in the low bits).
    pub storage_bits: u32,
    pub per_word: usize,
    pub words_per_chunk: usize,
    pub cycles_per_chunk: usize,
    /// Rows of every weight bank the layout needs; it fits when this is at most the depth.
    pub sram_rows_needed: u64,
    /// Bytes the laid-out weights occupy (`sram_rows_needed * banks * word_bits / 8`).
    pub bytes: u64,
}

impl HardwareSummary {
    /// The summary of `cfg` (read from `source`) with the weights of one network laid out as
    /// `layout` (from `WeightLayout::new` on the same config).
    pub fn new(cfg: &HwConfig, source: &str, layout: &WeightLayout) -> Self {
        let w = &cfg.weight_sram;
        let n = &cfg.neuron_sram;
        let rows = (layout.groups * layout.inputs * layout.cycles_per_chunk) as u64;
        HardwareSummary {
            name: cfg.name.clone(),
            source: source.to_string(),
            sha256: config_sha256(cfg),
            clock_mhz: cfg.clock_mhz,
            design_neurons: cfg.neurons,
            pes: cfg.pe_array.pes,
            neurons_per_pe: cfg.pe_array.neurons_per_pe,
            inputs: cfg.spike_generator.inputs,
            lanes: cfg.spike_generator.lanes,
            weight_sram: SramSummary {
                banks: w.banks,
                word_bits: w.word_bits,
                depth: w.depth,
                read_latency: w.read_latency,
                bytes: cfg.weight_sram_bytes(),
            },
            neuron_sram: SramSummary {
                banks: cfg.pe_array.pes,
                word_bits: n.word_bits,
                depth: n.depth,
                read_latency: n.read_latency,
                bytes: cfg.pe_array.pes as u64 * n.depth as u64 * n.word_bits as u64 / 8,
            },
            dram: cfg.dram.clone(),
            technology: cfg.technology.clone(),
            weights_on_chip: layout.on_chip,
            weights: WeightPlacement {
                storage_bits: layout.storage_bits,
                per_word: layout.per_word,
                words_per_chunk: layout.words_per_chunk,
                cycles_per_chunk: layout.cycles_per_chunk,
                sram_rows_needed: rows,
                bytes: rows * w.banks as u64 * w.word_bits as u64 / 8,
            },
        }
    }

    /// One line for text reports: where the weights live and, when they spill, why.
    pub fn weights_line(&self) -> String {
        let w = &self.weight_sram;
        let sram = format!(
            "weight SRAM {} B (depth {} x {} banks x {} bit)",
            thousands(w.bytes),
            thousands(w.depth as u64),
            w.banks,
            w.word_bits
        );
        if self.weights_on_chip {
            format!(
                "weights: {} B in {sram}: on chip",
                thousands(self.weights.bytes)
            )
        } else {
            format!(
                "weights: {} B > {sram}: streamed from DRAM ({})",
                thousands(self.weights.bytes),
                self.dram.kind
            )
        }
    }
}

/// SHA-256 (hex) of the canonical form of a config: its fields as JSON, in declaration order.
pub fn config_sha256(cfg: &HwConfig) -> String {
    let canonical = serde_json::to_string(cfg).expect("a config always serialises");
    Sha256::digest(canonical.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(cfg: &HwConfig, storage_bits: u32) -> WeightLayout {
        WeightLayout::new(
            cfg,
            cfg.neurons as usize,
            storage_bits,
            storage_bits.min(16),
        )
        .unwrap()
    }

    #[test]
    fn small_holds_its_8_bit_weights_on_chip_exactly() {
        let cfg = HwConfig::builtin("small").unwrap();
        let h = HardwareSummary::new(&cfg, "builtin:small", &layout(&cfg, 8));
        assert!(h.weights_on_chip);
        assert_eq!(h.pes, 16);
        assert_eq!(h.lanes, 16);
        assert_eq!(h.weight_sram.depth, 19_600);
        // 784 inputs x 400 neurons x 1 byte fill the 2 x 19,600 x 64-bit SRAM.
        assert_eq!(h.weights.bytes, 784 * 400);
        assert_eq!(h.weights.bytes, h.weight_sram.bytes);
        assert_eq!(
            h.weights_line(),
            "weights: 313,600 B in weight SRAM 313,600 B (depth 19,600 x 2 banks x 64 bit): on chip"
        );
    }

    #[test]
    fn a_shallow_weight_sram_spills_and_says_why() {
        let text = include_str!("../configs/small.toml").replace("depth = 19600", "depth = 100");
        let cfg = HwConfig::from_toml_str(&text, "shallow.toml").unwrap();
        let h = HardwareSummary::new(&cfg, "shallow.toml", &layout(&cfg, 8));
        assert!(!h.weights_on_chip);
        assert_eq!(h.name, "small", "the copy keeps the name");
        assert_eq!(
            h.weights_line(),
            "weights: 313,600 B > weight SRAM 1,600 B (depth 100 x 2 banks x 64 bit): \
             streamed from DRAM (lpddr4)"
        );
        let small = HardwareSummary::new(
            &HwConfig::builtin("small").unwrap(),
            "builtin:small",
            &layout(&HwConfig::builtin("small").unwrap(), 8),
        );
        assert_ne!(h.sha256, small.sha256, "a changed depth changes the hash");
    }

    #[test]
    fn the_hash_ignores_comments_and_layout_only() {
        let text = include_str!("../configs/small.toml");
        let a = HwConfig::from_toml_str(text, "a").unwrap();
        let b = HwConfig::from_toml_str(&format!("# a comment\n\n{text}\n\n"), "b").unwrap();
        assert_eq!(config_sha256(&a), config_sha256(&b));
        assert_eq!(config_sha256(&a).len(), 64);
        let c = HwConfig::from_toml_str(&text.replace("lanes = 16", "lanes = 8"), "c").unwrap();
        assert_ne!(config_sha256(&a), config_sha256(&c));
    }

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_254_400), "1,254,400");
    }
}
