//! The cycle-accurate model of the FSpiNN accelerator (layer L2 of `../shared/DESIGN.md`).
//!
//! It adds time and memory to the L1 arithmetic of `fspinn_model`, never different math:
//! components (controller, spike generator, PE array, SRAM banks, DRAM channel) tick once per
//! clock cycle in the order written in `docs/architecture.md`, and every memory access and
//! operation is counted for the energy model.

pub mod counter;
pub mod dram;
pub mod energy;
