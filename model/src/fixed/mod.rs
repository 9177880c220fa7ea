//! Fixed-point arithmetic of the L1 datapath (formats, rounding, LFSR, spikes); the RTL mirrors it.
//!
//! Everything the fixed-point network, the cycle model (L2) and the Verilog (L3) compute with
//! lives here, once: integer formats with saturation ([`QFormat`]), division by a power of two
//! under three rounding modes ([`shift_round`]), the 32-bit LFSR that supplies every random bit
//! ([`Lfsr32`]), the Poisson input spike generator built on it ([`SpikeGenerator`]), and the small
//! pure operations built from them. Each operation is a free function over plain integers so that
//! a combinational Verilog block of the same name can be checked against it bit for bit. The exact
//! definitions are written out in `docs/datapath.md`.

mod error;
mod lfsr;
mod qformat;
mod rounding;
mod spikegen;

pub use error::FixedError;
pub use lfsr::Lfsr32;
pub use qformat::{decay_floor, decay_shift, mul_shift, requantize, sat_add, sat_sub, QFormat};
pub use rounding::{shift_round, Rounding, MAX_SHIFT};
pub use spikegen::{fmix32, input_seed, rate_q24, sample_seed, spike_threshold, SpikeGenerator};
