//! Adapter between the exploration and the energy model of `fspinn_sim`: the one place that
//! calls `EnergyTable::estimate`, so the runner, the store and the report never price anything
//! themselves.
//!
//! The model prices each point at its config's `[technology]` (node and SRAM cell type, set
//! from the space's `hardware.node_nm` / `hardware.sram_cell` axes), its DRAM standard
//! (`dram.kind`), and gives a low/high band on every total and the on-chip area per component
//! (docs/energy.md).

use fspinn_sim::energy::{CactiTable, EnergyReport, EnergyTable, SRAM_PORTS};
use fspinn_sim::Accelerator;
use serde::{Deserialize, Serialize};

/// SRAM cell types of the CACTI data at any node (`data/cacti/sram-cacti7.csv`); which ones
/// exist at a given node is checked by [`fspinn_sim::energy::Technology::validate`].
pub fn sram_cells() -> Vec<&'static str> {
    let t = CactiTable::embedded();
    let mut v: Vec<&'static str> = Vec::new();
    for n in t.nodes() {
        for c in t.cells(n, SRAM_PORTS) {
            if !v.contains(&c) {
                v.push(c);
            }
        }
    }
    v
}

/// Technology nodes of the CACTI data, in nm.
pub fn nodes_nm() -> Vec<u32> {
    CactiTable::embedded().nodes()
}

/// Energy (per image) and area of one component.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComponentShare {
    pub name: String,
    /// `sram`, `regfile`, `logic`, `clock` or `dram`.
    pub kind: String,
    pub dynamic_pj: f64,
    pub static_pj: f64,
    pub total_pj: f64,
    /// Low and high figure of `total_pj`.
    pub low_pj: f64,
    pub high_pj: f64,
    /// Silicon area (0 for the off-chip DRAM and the clock tree).
    pub area_mm2: f64,
}

/// Energy per image of one phase (inference or training), with its band and breakdown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnergySummary {
    /// Name of the energy table that priced the run.
    pub table: String,
    /// Node and cell type the SRAMs were priced at, e.g. `45 nm itrs-lop`.
    pub technology: String,
    pub total_pj: f64,
    /// Low and high figure of `total_pj` (docs/energy.md "Band").
    pub low_pj: f64,
    pub high_pj: f64,
    pub dynamic_pj: f64,
    pub static_pj: f64,
    pub pj_per_sop: Option<f64>,
    /// Low and high pJ/SOP.
    pub pj_per_sop_band: Option<[f64; 2]>,
    /// On-chip area of the design (SRAM macros, register files, logic), mm².
    pub area_mm2: f64,
    pub components: Vec<ComponentShare>,
    /// Actions that occurred without a price (counted as 0 pJ), and other model warnings.
    pub warnings: Vec<String>,
}

/// Prices everything `acc` has counted, per image over `images` images.
pub fn per_image(acc: &Accelerator, images: u64) -> EnergySummary {
    let table = EnergyTable::default_45nm();
    let whole = table.estimate(&fspinn_sim::usage::usage(acc));
    summary(&whole.scaled(images), &whole)
}

fn summary(e: &EnergyReport, whole: &EnergyReport) -> EnergySummary {
    EnergySummary {
        table: e.table.clone(),
        technology: format!("{} nm {}", e.technology.node_nm, e.technology.cell),
        total_pj: e.total_pj,
        low_pj: e.low_pj,
        high_pj: e.high_pj,
        dynamic_pj: e.dynamic_pj,
        static_pj: e.static_pj,
        pj_per_sop: whole.pj_per_sop,
        pj_per_sop_band: whole.pj_per_sop_band,
        area_mm2: e.area_mm2,
        components: e
            .components
            .iter()
            .map(|c| ComponentShare {
                name: c.name.clone(),
                kind: c.kind.clone(),
                dynamic_pj: c.dynamic_pj,
                static_pj: c.static_pj,
                total_pj: c.total_pj,
                low_pj: c.low_pj,
                high_pj: c.high_pj,
                area_mm2: c.area_mm2,
            })
            .collect(),
        warnings: e.warnings.clone(),
    }
}
