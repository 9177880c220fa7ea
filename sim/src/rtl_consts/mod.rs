//! The constants the RTL and the Rust side share, in one table: the controller's phase codes,
//! the host address map (spaces and their bit fields), the network register map (index,
//! width, signedness), the neuron-state word's fields and the divider's latency.
//!
//! Everything that must agree between `rtl/fspinn_top.v` and the Rust code (the cycle model,
//! its waveforms, the RTL parameters and limits, the testbench's host accesses) reads this
//! module; the Verilog reads `rtl/fspinn_consts.vh`, which [`verilog_header`] generates from
//! it (`fspinn rtl header --out rtl/fspinn_consts.vh`; `sim/tests/rtl_consts_header.rs` fails
//! when the committed file is stale). docs/rtl.md, "Shared constants".

mod host;
mod phase;
mod registers;
mod verilog;

pub use host::{
    neuron_addr, pixel_addr, rate_addr, spike_count_addr, weight_addr, Counter, Field, Space,
    COUNT_GROUP_FIELD, COUNT_PE_FIELD, INDEX_FIELD, NEURON_ADDR_FIELD, NEURON_BANK_FIELD,
    PIXEL_LANE_FIELD, PIXEL_ROW_FIELD, RATE_FIELD, REGISTER_FIELD, SPACE_FIELD, WEIGHT_ADDR_FIELD,
    WEIGHT_BANK_FIELD,
};
pub use phase::Phase;
pub use registers::{
    flags, rounding_code, Reg, RegSpec, FLAG_ADAPTIVE_INHIBITION, FLAG_ROUNDING_BITS,
    FLAG_ROUNDING_LSB, REGISTERS,
};
pub use verilog::{header_difference, verilog_header, HEADER_COMMAND, HEADER_FILE, HEADER_NAME};

use crate::layout::NeuronWordFormat;

/// Bits of the membrane field of the RTL's neuron word (`V_BITS`); the network's membrane
/// format must have this width.
pub const V_BITS: u32 = 16;
/// Bits of the threshold-offset field (`TH_BITS`).
pub const THETA_BITS: u32 = 16;
/// Bits of the refractory counter (`REF_BITS`).
pub const REFRACTORY_BITS: u32 = 4;

/// The RTL's neuron-state word, `{count, refractory, theta, v}` from the top (the order of
/// [`NeuronWordFormat`]): fixed widths but for the spike count's, which is the structural
/// parameter `COUNT_BITS`.
pub const fn neuron_word(count_bits: u32) -> NeuronWordFormat {
    NeuronWordFormat {
        v_bits: V_BITS,
        theta_bits: THETA_BITS,
        refractory_bits: REFRACTORY_BITS,
        count_bits,
    }
}

/// Cycles of the sequential divider that computes each neuron's normalisation factor (one
/// quotient bit per cycle of the 40-bit dividend `norm_target[23:0] << 16`); the controller's
/// `norm_divide` pass lasts this long in both models.
pub const DIVIDER_CYCLES: u64 = 40;
