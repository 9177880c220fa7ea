//! The cycle-accurate model of the FSpiNN accelerator (layer L2 of `../shared/DESIGN.md`).
//!
//! It adds time and memory to the L1 arithmetic of `fspinn_model`, never different math:
//! components (controller, spike generator, PE array, SRAM banks, DRAM channel) tick once per
//! clock cycle in the order written in `docs/architecture.md`, and every memory access and
//! operation is counted for the energy model.

pub mod accel;
pub mod chip;
pub mod config;
pub mod counter;
pub mod counters;
pub mod dram;
pub mod energy;
pub mod error;
pub mod events;
pub mod fuzzing;
pub mod hardware;
pub mod layout;
pub mod lockstep;
pub mod report;
pub mod rtl_consts;
pub mod rtl_params;
pub mod sram;
pub mod usage;
pub mod verify;
pub mod waves;

/// The spike generator and the weight port are blocks of the accelerator (`accel/`); their
/// old paths stay for callers (`fspinn_sim::spikegen::sample_seed`).
pub use accel::{spikegen, weight_port};
pub use accel::{Accelerator, SampleOutcome};
pub use chip::{Chip, ChipError, SampleRun};
pub use config::HwConfig;
pub use error::SimError;
