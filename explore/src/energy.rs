//! Adapter between the exploration and the energy model of `fspinn_sim`: the one place that
//! calls `EnergyTable::estimate`, so a new energy model (bands, area, cell types and nodes)
//! is switched in here without touching the runner, the store or the report.
//!
//! Today's model prices one 45 nm table (`sim/energy/default-45nm.toml`); the DRAM standard is
//! honoured through the config's `dram.kind`. SRAM cell type and node are validated against the
//! CACTI data's names and recorded in every result (and its hash), but not priced yet.

use fspinn_sim::energy::EnergyTable;
use fspinn_sim::Accelerator;
use serde::{Deserialize, Serialize};

/// SRAM cell types of the CACTI data (`data/cacti/sram-cacti7.csv`).
pub const SRAM_CELLS: [&str; 3] = ["itrs-hp", "itrs-lstp", "itrs-lop"];

/// Technology nodes of the CACTI data, in nm.
pub const NODES_NM: [u32; 3] = [45, 32, 22];

/// Energy of one component per image.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComponentShare {
    pub name: String,
    pub dynamic_pj: f64,
    pub static_pj: f64,
    pub total_pj: f64,
}

/// Energy per image of one phase (inference or training), with its breakdown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnergySummary {
    /// Name of the energy table that priced the run.
    pub table: String,
    pub total_pj: f64,
    pub dynamic_pj: f64,
    pub static_pj: f64,
    pub pj_per_sop: Option<f64>,
    pub components: Vec<ComponentShare>,
    /// Actions that occurred without a price (counted as 0 pJ).
    pub warnings: Vec<String>,
}

/// Prices everything `acc` has counted, per image over `images` images.
pub fn per_image(acc: &Accelerator, images: u64) -> EnergySummary {
    let table = EnergyTable::default_45nm();
    let whole = table.estimate(&fspinn_sim::usage::usage(acc));
    let e = whole.scaled(images);
    EnergySummary {
        table: e.table.clone(),
        total_pj: e.total_pj,
        dynamic_pj: e.dynamic_pj,
        static_pj: e.static_pj,
        pj_per_sop: whole.pj_per_sop,
        components: e
            .components
            .iter()
            .map(|c| ComponentShare {
                name: c.name.clone(),
                dynamic_pj: c.dynamic_pj,
                static_pj: c.static_pj,
                total_pj: c.total_pj,
            })
            .collect(),
        warnings: e.warnings,
    }
}
