//! Chip area per block: a documented estimate until the energy model offers area (then this
//! module becomes a call into it). Every constant is written here once with its source.
//!
//! - SRAM: 0.0063 mm^2 per KiB, the mean of CACTI 7's 45 nm `itrs-hp` 1R1W macros from 8 KiB to
//!   4 MiB in `data/cacti/sram-cacti7.csv` (0.0058 to 0.0066 mm^2/KiB over that span; macros
//!   under 8 KiB cost up to 0.0076, so small banks are underestimated by up to 20 %).
//! - Logic (assumption, 45 nm): 0.010 mm^2 per PE (16-bit adder, comparator, shifter, leak and
//!   state registers), 0.002 mm^2 per spike-generator lane (32-bit LFSR, 16-bit comparator),
//!   0.050 mm^2 for the controller, STDP unit and divider together.
//! - Register files (assumption): 2 um^2 per bit (flip-flop arrays at 45 nm).
//! - DRAM is off chip and not counted.

use fspinn_sim::HwConfig;
use serde::{Deserialize, Serialize};

/// mm^2 per KiB of SRAM (CACTI 7, 45 nm, itrs-hp, 1R1W; see the module doc).
pub const SRAM_MM2_PER_KIB: f64 = 0.0063;
/// mm^2 per PE (assumption).
pub const PE_MM2: f64 = 0.010;
/// mm^2 per spike-generator lane (assumption).
pub const LANE_MM2: f64 = 0.002;
/// mm^2 of the controller, STDP unit and divider (assumption).
pub const CONTROL_MM2: f64 = 0.050;
/// mm^2 per register-file bit (assumption).
pub const RF_MM2_PER_BIT: f64 = 2e-6;

/// Area of one block.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockArea {
    pub block: String,
    pub mm2: f64,
}

/// The estimate for one config; `inhibitory_layer` adds the baseline-equivalent mode's banks.
pub fn estimate(cfg: &HwConfig, inhibitory_layer: bool) -> Vec<BlockArea> {
    let kib = |bits: f64| bits / 8.0 / 1024.0;
    let w = &cfg.weight_sram;
    let weight_bits = w.banks as f64 * w.depth as f64 * w.word_bits as f64;
    let n = &cfg.neuron_sram;
    let pes = cfg.pe_array.pes as f64;
    let neuron_bits = pes * n.depth as f64 * n.word_bits as f64;
    let inputs = cfg.spike_generator.inputs as f64;
    // Per input: pixel (8), threshold (16), LFSR state (32), pre spike time (16); per neuron: a
    // post spike time (16) and a spike-buffer bit.
    let rf_bits = inputs * (8.0 + 16.0 + 32.0 + 16.0) + cfg.neurons as f64 * 17.0;
    let mut v = vec![
        BlockArea {
            block: "weight_sram".into(),
            mm2: kib(weight_bits) * SRAM_MM2_PER_KIB,
        },
        BlockArea {
            block: "neuron_sram".into(),
            mm2: kib(neuron_bits) * SRAM_MM2_PER_KIB,
        },
    ];
    if inhibitory_layer {
        v.push(BlockArea {
            block: "inhibitory_sram".into(),
            mm2: kib(neuron_bits) * SRAM_MM2_PER_KIB,
        });
    }
    v.extend([
        BlockArea {
            block: "pe_array".into(),
            mm2: pes * PE_MM2,
        },
        BlockArea {
            block: "spike_generator".into(),
            mm2: cfg.spike_generator.lanes as f64 * LANE_MM2,
        },
        BlockArea {
            block: "control_stdp".into(),
            mm2: CONTROL_MM2,
        },
        BlockArea {
            block: "register_files".into(),
            mm2: rf_bits * RF_MM2_PER_BIT,
        },
    ]);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_pes_and_sram_cost_more_area() {
        let small = HwConfig::builtin("small").unwrap();
        let total = |c: &HwConfig| estimate(c, false).iter().map(|b| b.mm2).sum::<f64>();
        let mut big = small.clone();
        big.pe_array.pes *= 2;
        assert!(total(&big) > total(&small));
        let mut deep = small.clone();
        deep.weight_sram.depth *= 2;
        let ws = |c: &HwConfig| estimate(c, false)[0].mm2;
        assert!((ws(&deep) / ws(&small) - 2.0).abs() < 1e-12);
        // 2 x 19600 x 64 bit = 306.25 KiB -> 1.93 mm^2.
        assert!((ws(&small) - 306.25 * SRAM_MM2_PER_KIB).abs() < 1e-9);
        assert!(estimate(&small, true).len() == estimate(&small, false).len() + 1);
    }
}
