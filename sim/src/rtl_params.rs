//! The RTL's structural parameters, derived from the typed hardware config and the weight
//! precision: the one place they come from, so the Verilog and the cycle model cannot describe
//! different chips (docs/rtl.md, "Parameters").

use crate::config::HwConfig;
use crate::error::SimError;
use crate::layout::WeightLayout;

/// `(name, value)` pairs for Verilator's `-G` options (or a Verilog header), for a network of
/// `neurons` neurons with `weight_bits`-bit weights stored in `weight_bits`.
pub fn parameters(
    cfg: &HwConfig,
    neurons: usize,
    weight_bits: u32,
    steps: u32,
    refractory_steps: u32,
) -> Result<Vec<(&'static str, u64)>, SimError> {
    cfg.validate()?;
    let layout = WeightLayout::new(cfg, neurons, weight_bits, weight_bits)?;
    let max_count = steps.div_ceil(refractory_steps + 1);
    let step_bits = 32 - steps.leading_zeros() + 1;
    Ok(vec![
        ("PES", cfg.pe_array.pes as u64),
        ("NEURONS_PER_PE", cfg.pe_array.neurons_per_pe as u64),
        ("INPUTS", cfg.spike_generator.inputs as u64),
        ("LANES", cfg.spike_generator.lanes as u64),
        ("WBANKS", cfg.weight_sram.banks as u64),
        ("WWORD_BITS", cfg.weight_sram.word_bits as u64),
        ("WDEPTH", cfg.weight_sram.depth as u64),
        ("WLAT", cfg.weight_sram.read_latency as u64),
        ("NWORD_BITS", cfg.neuron_sram.word_bits as u64),
        ("NDEPTH", cfg.neuron_sram.depth as u64),
        ("NLAT", cfg.neuron_sram.read_latency as u64),
        ("WEIGHT_BITS", weight_bits as u64),
        ("STEP_BITS", step_bits as u64),
        ("COUNT_BITS", (32 - max_count.leading_zeros()) as u64),
        ("DRAM_WORDS", layout.words_per_chunk as u64),
        ("WEIGHTS_ON_CHIP", layout.on_chip as u64),
    ])
}

/// The same parameters as Verilator command-line options.
pub fn verilator_args(params: &[(&'static str, u64)]) -> Vec<String> {
    params.iter().map(|(k, v)| format!("-G{k}={v}")).collect()
}
