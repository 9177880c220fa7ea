//! Drawing the chip: PEs, lanes, banks, word widths, depths, latencies, weights on chip or in
//! DRAM (one of the DRAM presets), the clock.

use super::network::Shape;
use super::Draws;
use fspinn_sim::config::{NeuronSramConfig, PeArrayConfig, SpikeGenConfig, WeightSramConfig};
use fspinn_sim::dram::{DramConfig, DramKind};
use fspinn_sim::rtl_params::{MAX_PES, MAX_WBANKS};
use fspinn_sim::HwConfig;

/// Input channels: the drawn images are 28 x 28 (so dataset images and the IDX files that
/// reproduce a case fit every draw).
pub const INPUTS: u32 = 784;

/// The PE count of case `index`: in every ten cases, case 9 has 129 to 256 PEs (case 9 of the
/// campaign exactly 256), case 4 65 to 128, the other eight 1 to 64 (log-uniform within each
/// band), so K = 30 covers the whole range 1 to 256 three times while most builds stay small.
/// `max_pes` caps every band.
pub fn draw_pes(d: &mut Draws, index: usize, max_pes: u32) -> u32 {
    let (lo, hi) = match index % 10 {
        9 => (129, MAX_PES),
        4 => (65, 128),
        _ => (1, 64),
    };
    let hi = hi.min(max_pes as u64);
    let lo = lo.min(hi);
    if index == 9 {
        return hi as u32;
    }
    d.log_range(lo, hi) as u32
}

/// Geometry of each DRAM preset's channel (the shipped LPDDR4 x32 and typical DDR3 x64 and
/// HBM2 pseudo-channel shapes), 512 MiB.
fn dram(d: &mut Draws) -> DramConfig {
    let (kind, bus_bits, burst_length, banks, row_bytes) = d.pick(&[
        (DramKind::Lpddr4, 32, 16, 8, 4096),
        (DramKind::Ddr3, 64, 8, 8, 8192),
        (DramKind::Hbm2, 128, 4, 16, 2048),
    ]);
    DramConfig {
        kind,
        bus_bits,
        burst_length,
        banks,
        row_bytes,
        capacity_bytes: 512 << 20,
    }
}

/// A chip with `pes` PEs for a network of `shape` (the neuron and weight memories sized for
/// it, with some slack, or the weights in DRAM).
pub fn draw(d: &mut Draws, pes: u32, shape: &Shape) -> HwConfig {
    let n = shape.neurons;
    let groups = n.div_ceil(pes) as u64;
    let neurons_per_pe = groups as u32 + d.below(2) as u32;
    let lanes = if d.chance(0.5) {
        d.pick(&[1, 2, 3, 4, 7, 8, 16, 28, 49, 64])
    } else {
        d.range(1, 64) as u32
    };
    let wb = shape.weight_bits;
    let in_dram = d.chance(0.2);
    // The DRAM port moves 64-bit words (rtl_params); on chip any multiple of 8 that holds a code.
    let word_bits = if in_dram {
        64
    } else {
        8 * d.range(wb.div_ceil(8) as u64, 8) as u32
    };
    let per_word = (word_bits / wb) as u64;
    let words_per_chunk = (pes as u64).div_ceil(per_word);
    let banks = d.range(1, MAX_WBANKS) as u32;
    let cycles_per_chunk = words_per_chunk.div_ceil(banks as u64);
    let needed = groups * INPUTS as u64 * cycles_per_chunk;
    let depth = if in_dram && needed > 1 {
        d.range(1, needed - 1)
    } else {
        needed + d.below(needed / 8 + 1)
    };
    let count_bits = 32
        - shape
            .steps
            .div_ceil(shape.refractory_steps + 1)
            .leading_zeros();
    let clock_mhz = d.pick(&[100.0, 200.0, 400.0]);
    HwConfig {
        name: String::new(),
        clock_mhz,
        neurons: n,
        pe_array: PeArrayConfig {
            pes,
            neurons_per_pe,
        },
        spike_generator: SpikeGenConfig {
            inputs: INPUTS,
            lanes,
        },
        weight_sram: WeightSramConfig {
            banks,
            word_bits,
            depth: depth.min(u32::MAX as u64) as u32,
            read_latency: d.range(1, 4) as u32,
        },
        neuron_sram: NeuronSramConfig {
            // The RTL's word: the fixed fields below the spike count (COUNT_LSB), then the count.
            word_bits: d.range(
                fspinn_sim::rtl_consts::neuron_word(0).count_lsb() as u64 + count_bits as u64,
                64,
            ) as u32,
            depth: neurons_per_pe + d.below(3) as u32,
            read_latency: d.range(1, 4) as u32,
        },
        dram: dram(d),
        technology: Default::default(),
    }
}
