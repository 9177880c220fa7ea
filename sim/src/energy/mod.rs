//! The energy model: turns the cycle model's activity counts into picojoules.
//!
//! Energy = Σ over components and actions of `count × energy per action` (dynamic) plus
//! `leakage power × run time` (static). Per-action energies and leakage powers live in a TOML
//! table ([`EnergyTable`]) whose every entry names its `source`, so an estimate can always be
//! traced back to a paper, a datasheet or an explicit assumption. The default table
//! (`sim/energy/default-45nm.toml`, embedded in the binary) holds 45 nm figures; a designer's own
//! file with the same schema overrides it key by key ([`EnergyTable::with_overrides`]).
//!
//! # Pricing rules
//!
//! * **Logic** (`ComponentKind::Logic`): each action (`add16`, `mul8x32`, …) is looked up under
//!   `[logic.<action>]` and costs `pj` each. Leakage (`[logic_leakage.<key>]`, µW) is looked up
//!   by the component's exact name, then by its *class* — the name with a trailing index such
//!   as `[3]`, `_3`, `.3` or `3` removed (`pe[12]` → `pe`) — then under `default`.
//! * **SRAM** (`ComponentKind::Sram { bytes, word_bits }`): the table holds measured points
//!   `(bytes, word_bits, read_pj)`. A point is turned into an energy *per accessed bit*
//!   (`read_pj / word_bits`); the per-bit energy of a macro of `bytes` is interpolated linearly in
//!   `ln(bytes)`–`ln(pJ/bit)` between the two neighbouring points (beyond the first or last point
//!   the slope of the nearest segment is extended; a single point gives a size-independent
//!   per-bit energy; points of equal size are averaged). A `read` then costs
//!   `per_bit × word_bits` — linear in word width — and a `write` costs `sram.write_factor` times
//!   a read. At a table point of the same width this returns exactly the point's energy.
//!   Log-log interpolation is used because SRAM access energy follows a power law in capacity
//!   (Horowitz's 8 KB → 32 KB → 1 MB points grow as ~size^0.5). Leakage is
//!   `sram.leakage.uw_per_kb × bytes / 1024`.
//! * **Register files** (`ComponentKind::RegisterFile { bits, word_bits }`): `read`/`write` cost
//!   `register_file.<read|write>.pj_per_bit × word_bits`; leakage is
//!   `register_file.leakage.nw_per_bit × bits`.
//! * **DRAM** (`ComponentKind::Dram { kind }`): actions are looked up under
//!   `[dram.<kind>.<action>]` (kind lower-cased). An entry gives either `pj` (per action, e.g.
//!   `activate`) or `pj_per_bit` (per *byte* action, priced `8 × pj_per_bit`, e.g. `read_bytes`).
//!   Background power is `dram.<kind>.background.mw`.
//!
//! Static energy of every component is `power × cycles / clock`; with power in µW and clock in
//! MHz this is simply `µW × cycles / MHz` pJ.
//!
//! Nothing here panics on bad input: a malformed table is an [`EnergyError`] naming the file,
//! the entry and the problem; an action that happened but has no price is a *warning* in the
//! [`EnergyReport`] and counts as 0 pJ, so a partly covered design still gets an estimate and the
//! gap is visible.

mod error;
mod report;
mod sram;
mod table;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use error::EnergyError;
pub use report::{ActionEnergy, ComponentEnergy, EnergyReport};
pub use table::EnergyTable;

/// What a component is, which decides how its actions and leakage are priced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ComponentKind {
    /// One SRAM bank or macro: access energy depends on its capacity and word width.
    Sram {
        /// Capacity in bytes.
        bytes: u64,
        /// Width of one access in bits.
        word_bits: u32,
    },
    /// Flop-based storage: access energy is proportional to the bits of the accessed word.
    RegisterFile {
        /// Capacity in bits (for leakage).
        bits: u64,
        /// Width of one access in bits.
        word_bits: u32,
    },
    /// Datapath or controller logic: actions are arithmetic operations.
    Logic,
    /// An off-chip DRAM device or rank of the given kind (`lpddr4`, `ddr3`, `hbm2`, or any kind
    /// the table defines).
    Dram {
        /// The DRAM standard, matched case-insensitively against the table's `dram.<kind>`.
        kind: String,
    },
}

/// The activity of one component over a run, as counted by the cycle model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComponentUsage {
    /// Instance name, unique within a [`Usage`] (e.g. `pe[3]`, `weight_sram0`).
    pub name: String,
    /// What the component is.
    pub kind: ComponentKind,
    /// How many times each action happened (`read`, `add16`, `read_bytes`, …).
    pub actions: BTreeMap<String, u64>,
}

/// Everything the energy model needs from one run of the cycle model.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    /// Every component that dissipates energy.
    pub components: Vec<ComponentUsage>,
    /// Clock cycles the run took (sets the static energy).
    pub cycles: u64,
    /// Clock frequency in MHz.
    pub clock_mhz: f64,
    /// Synaptic operations performed, for the pJ/SOP figure of merit.
    pub synaptic_ops: u64,
}
