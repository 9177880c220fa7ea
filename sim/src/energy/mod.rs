//! The energy and area model: turns the cycle model's activity counts into picojoules and
//! square millimetres, each total with a low and a high figure.
//!
//! Energy = Σ over components and actions of `count × energy per action` (dynamic) plus
//! `leakage power × run time` (static). Where the numbers come from:
//!
//! * **SRAM banks and register files** (`ComponentKind::Sram`, `ComponentKind::RegisterFile`):
//!   CACTI 7 ([`cacti`]), one node and cell type per chip ([`Technology`], default 45 nm
//!   `itrs-lop`), 1r1w ports: read and write energy per access, leakage, area and access time,
//!   interpolated in log capacity. A `[sram_macro.<bank>]` entry of the table replaces CACTI
//!   for that bank. A macro whose access time exceeds its read latency at the clock is warned
//!   about.
//! * **Logic** (`ComponentKind::Logic`): each action (`add16`, `mul8x32`, …, and the
//!   controller's `fsm_cycle`) costs `[logic.<action>].pj` (Horowitz 2014, scaled by node/45
//!   at other nodes). Leakage and area per *instance*: `[logic_block.<unit>]` gives the gates
//!   of one instance and whether there is one per PE, per lane or per chip; `[gate]` gives
//!   leakage and area per gate (area scaled by (node/45)²).
//! * **Clock tree** (a `clock` component added by the estimator): `[clock].value` times the
//!   dynamic energy of the logic and register files.
//! * **DRAM** (`ComponentKind::Dram`): DRAMPower's equations over the channel's bank state
//!   machine ([`crate::dram::power`]); dynamic = commands + I/O, static = standby.
//!
//! **Band.** Every component has a low and a high figure: SRAM and register files from the
//! cheapest and the dearest CACTI cell type at the node (dynamic + leakage of the run); logic,
//! logic leakage, DRAM core and DRAM I/O from the `[band.*]` multipliers of the table; the
//! clock from `[clock].low`/`high`. The totals' band is the sum of the components' bands.
//!
//! Static energy of every component is `power × cycles / clock`; with power in µW and clock in
//! MHz this is simply `µW × cycles / MHz` pJ.
//!
//! Nothing here panics on bad input: a malformed table is an [`EnergyError`] naming the file,
//! the entry and the problem; an action that happened but has no price is a *warning* in the
//! [`EnergyReport`] and counts as 0 pJ, so a partly covered design still gets an estimate and the
//! gap is visible.

pub mod cacti;
mod error;
mod report;
mod table;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::dram::DramEnergy;
pub use cacti::{CactiTable, Macro};
pub use error::EnergyError;
pub use report::{ActionEnergy, ComponentEnergy, ComponentSummary, EnergyReport, EnergySummary};
pub use table::{EnergyTable, Per};

/// The process node and SRAM cell type of a chip: one of each, so access energy and leakage
/// come from the same cells (the `[technology]` section of a hardware config).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Technology {
    /// Process node in nm (the CACTI table has 45, 32 and 22).
    #[serde(default = "default_node")]
    pub node_nm: u32,
    /// CACTI cell type: `itrs-lop` (low operating power), `itrs-hp` (high performance) or
    /// `itrs-lstp` (low standby power; 45 nm only).
    #[serde(default = "default_cell")]
    pub cell: String,
}

fn default_node() -> u32 {
    45
}

fn default_cell() -> String {
    "itrs-lop".to_string()
}

impl Default for Technology {
    fn default() -> Self {
        Technology {
            node_nm: default_node(),
            cell: default_cell(),
        }
    }
}

/// SRAM port type used for every bank (the weight and neuron banks are 1R1W).
pub const SRAM_PORTS: &str = "1r1w";

impl Technology {
    /// Checks the node and cell against the CACTI table; the error names the field and the
    /// accepted values.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        let t = CactiTable::embedded();
        let nodes = t.nodes();
        if !nodes.contains(&self.node_nm) {
            return Err((
                "technology.node_nm",
                format!("the CACTI table has nodes {nodes:?}"),
            ));
        }
        let cells = t.cells(self.node_nm, SRAM_PORTS);
        if !cells.contains(&self.cell.as_str()) {
            return Err((
                "technology.cell",
                format!(
                    "the CACTI table has cell types {cells:?} at {} nm",
                    self.node_nm
                ),
            ));
        }
        Ok(())
    }
}

/// What a component is, which decides how its actions and leakage are priced.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ComponentKind {
    /// One SRAM bank: a CACTI macro of its capacity and word width.
    Sram {
        /// Capacity in bytes.
        bytes: u64,
        /// Width of one access in bits.
        word_bits: u32,
        /// Cycles from read request to data (the macro's access time must fit).
        read_latency: u32,
    },
    /// A register file: priced as a CACTI macro too (at least 1 KiB, see [`cacti`]).
    RegisterFile {
        /// Capacity in bits.
        bits: u64,
        /// Width of one access in bits.
        word_bits: u32,
    },
    /// Datapath or controller logic: actions are arithmetic operations; its instances (per
    /// PE, per lane or one per chip) come from `[logic_block.<name>]` and the usage's `pes` and
    /// `lanes`.
    Logic,
    /// The off-chip DRAM channel, already priced by DRAMPower's equations.
    Dram {
        /// The DRAM standard (`lpddr4`, …).
        kind: String,
        /// Its energy over the run.
        energy: DramEnergy,
    },
}

/// The activity of one component over a run, as counted by the cycle model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComponentUsage {
    /// Instance name, unique within a [`Usage`] (e.g. `pe_array`, `wsram0`).
    pub name: String,
    /// What the component is.
    pub kind: ComponentKind,
    /// How many times each action happened (`read`, `add16`, …).
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
    /// Node and cell type of the chip.
    pub technology: Technology,
    /// Processing elements (instances of a `per = "pe"` logic block).
    pub pes: u32,
    /// Spike-generator lanes (instances of a `per = "lane"` logic block).
    pub lanes: u32,
}
