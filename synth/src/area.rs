//! The area arithmetic: cells by type, flops, logic area and SRAM macro area, for the whole
//! design and per module instance (docs/synthesis.md, "Area").
//!
//! * logic area of a module = Σ over its own cells of `count × area(type)` (µm², from the
//!   cell library), times `logic_scale` (the (node / 45 nm)² scaling of the NanGate areas to
//!   the config's node; 1 for a Liberty file);
//! * a memory wrapper instance (a black box named `fspinn_sram*` / `fspinn_rf*`) is a macro of
//!   `DEPTH × WIDTH` bits: its area is the CACTI table's (`fspinn_sim::energy::CactiTable`,
//!   the energy model's reader and look-up rule, 1r1w ports, the config's node and cell type);
//! * an instance's totals are its module's own cells plus its sub-instances', recursively;
//!   the design's totals are the top instance's.

use std::collections::BTreeMap;

use fspinn_sim::energy::{CactiTable, Technology, SRAM_PORTS};
use serde::Serialize;

use crate::cells::CellLibrary;
use crate::error::SynthError;
use crate::netlist::{parse_param, CellCounts, Hierarchy, Instance, Module};
use crate::script::is_memory_wrapper;

/// One SRAM macro (a black-boxed memory wrapper instance).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SramMacro {
    /// Hierarchical instance path (`fspinn_top.g_wbank[0].u_mem`).
    pub instance: String,
    /// The wrapper module.
    pub module: String,
    /// Words.
    pub depth: u64,
    /// Bits per word.
    pub width: u64,
    /// Capacity, bytes (`ceil(depth × width / 8)`).
    pub bytes: u64,
    /// Macro area from CACTI, mm².
    pub area_mm2: f64,
    /// How it was priced (CACTI series; below 1 KiB the 1 KiB macro, an upper bound).
    pub source: String,
}

/// One module instance and everything below it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Block {
    /// Hierarchical instance path; the top is its module name.
    pub instance: String,
    /// Source module name.
    pub module: String,
    /// Nesting depth (the top is 0).
    pub depth: usize,
    /// Logic cells (gates and flops) of the instance and its sub-instances (macros excluded).
    pub cells: u64,
    /// Flops and latches.
    pub flops: u64,
    /// Logic area, µm².
    pub logic_area_um2: f64,
    /// SRAM macros inside.
    pub srams: u64,
    /// SRAM macro area, mm².
    pub sram_area_mm2: f64,
    /// Logic + SRAM, mm².
    pub total_area_mm2: f64,
}

/// All instances of one source module, summed (the per-block table of the text report).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModuleTotal {
    /// Source module name.
    pub module: String,
    /// Instances in the design.
    pub instances: u64,
    /// Own cells of all instances (sub-instances counted under their own module).
    pub cells: u64,
    /// Own flops.
    pub flops: u64,
    /// Own logic area, µm².
    pub logic_area_um2: f64,
    /// Macro area of the instances (memory wrappers), mm².
    pub sram_area_mm2: f64,
}

/// The area of a synthesised design.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AreaReport {
    /// Logic cells of the whole design by type (every instance counted).
    pub cells_by_type: BTreeMap<String, u64>,
    /// Logic cells (gates and flops; macros excluded).
    pub cells: u64,
    /// Flops and latches.
    pub flops: u64,
    /// Logic area, µm².
    pub logic_area_um2: f64,
    /// Logic area, mm².
    pub logic_area_mm2: f64,
    /// SRAM macros.
    pub srams: Vec<SramMacro>,
    /// SRAM macro area, mm².
    pub sram_area_mm2: f64,
    /// Logic + SRAM macros, mm² (no routing, no placement utilisation).
    pub total_area_mm2: f64,
    /// Per module instance, depth first from the top.
    pub blocks: Vec<Block>,
    /// Per source module, all instances summed, largest logic area first.
    pub modules: Vec<ModuleTotal>,
}

/// How memory wrappers are priced: the CACTI table at a node and cell type.
pub struct MemoryPricer<'a> {
    /// The table (the energy model's).
    pub table: &'a CactiTable,
    /// Node and cell type of the chip.
    pub technology: &'a Technology,
}

impl MemoryPricer<'_> {
    fn price(&self, instance: &str, m: &Module, inst: &Instance) -> Result<SramMacro, SynthError> {
        let err = |problem: String| SynthError::Memory {
            instance: instance.to_string(),
            module: m.base.clone(),
            problem,
        };
        let lookup = |name: &str| inst.parameters.get(name).or_else(|| m.defaults.get(name));
        let param = |name: &str| -> Result<u64, SynthError> {
            let text = lookup(name).ok_or_else(|| {
                err(format!(
                    "no parameter {name} (a memory wrapper declares its geometry as DEPTH and \
                     WIDTH, or DEPTH, LANES and LANE_BITS)"
                ))
            })?;
            parse_param(text)
                .ok_or_else(|| err(format!("parameter {name} = `{text}` is not a number")))
        };
        let depth = param("DEPTH")?;
        // A lane-masked wrapper (`fspinn_sram_1r1w_mask`: LANES lanes of LANE_BITS, one write
        // enable per lane) is a word of LANES x LANE_BITS bits.
        let width = if lookup("WIDTH").is_none() && lookup("LANES").is_some() {
            param("LANES")?
                .checked_mul(param("LANE_BITS")?)
                .ok_or_else(|| err("LANES x LANE_BITS overflows".into()))?
        } else {
            param("WIDTH")?
        };
        if depth == 0 || width == 0 || width > u32::MAX as u64 {
            return Err(err(format!(
                "DEPTH {depth} x WIDTH {width} is not a memory"
            )));
        }
        let bytes = (depth * width).div_ceil(8);
        let t = self.technology;
        let mac = self
            .table
            .lookup(t.node_nm, &t.cell, SRAM_PORTS, bytes, width as u32)
            .map_err(|e| err(format!("{bytes} B x {width} b: {e}")))?;
        let clamp = if bytes < 1024 {
            " (below the table's 1 KiB: the 1 KiB macro's area, an upper bound)"
        } else {
            ""
        };
        Ok(SramMacro {
            instance: instance.to_string(),
            module: m.base.clone(),
            depth,
            width,
            bytes,
            area_mm2: mac.area_mm2,
            source: format!(
                "CACTI 7, {} nm {} {SRAM_PORTS}, log-capacity interpolation{clamp}",
                t.node_nm, t.cell
            ),
        })
    }
}

struct Walk<'a> {
    h: &'a Hierarchy,
    stat: &'a BTreeMap<String, CellCounts>,
    lib: &'a CellLibrary,
    logic_scale: f64,
    pricer: &'a MemoryPricer<'a>,
    own: BTreeMap<String, (CellCounts, u64, f64)>,
    blocks: Vec<Block>,
    srams: Vec<SramMacro>,
    by_type: BTreeMap<String, u64>,
    modules: BTreeMap<String, ModuleTotal>,
}

impl Walk<'_> {
    /// Own cells (instances of design modules removed), flops and logic area of `module`.
    fn own(&mut self, module: &str) -> Result<(CellCounts, u64, f64), SynthError> {
        if let Some(o) = self.own.get(module) {
            return Ok(o.clone());
        }
        let counts = self.stat.get(module).cloned().unwrap_or_default();
        let mut cells = CellCounts::new();
        let (mut flops, mut area) = (0u64, 0.0f64);
        // Instances by module in the hierarchy, to check against the statistics' counts: an
        // instance missing from the hierarchy would silently drop its area.
        let mut listed: BTreeMap<&str, u64> = BTreeMap::new();
        if let Some(m) = self.h.modules.get(module) {
            for i in &m.instances {
                *listed.entry(i.module.as_str()).or_default() += 1;
            }
        }
        for (ty, n) in counts {
            let name = ty.strip_prefix('\\').unwrap_or(&ty);
            if self.h.modules.contains_key(name) {
                let have = listed.get(name).copied().unwrap_or(0);
                if have != n {
                    return Err(SynthError::Parse {
                        file: crate::script::HIERARCHY_JSON.into(),
                        field: module.to_string(),
                        problem: format!(
                            "lists {have} instance(s) of `{name}`, Yosys' statistics {n}"
                        ),
                    });
                }
                continue;
            }
            let a = self
                .lib
                .area_um2
                .get(&ty)
                .ok_or_else(|| SynthError::UnknownCell {
                    cell: ty.clone(),
                    module: module.to_string(),
                    count: n,
                    why: format!("not in {}", self.lib.origin),
                })?;
            area += *a * n as f64 * self.logic_scale;
            if self.lib.is_sequential(&ty) {
                flops += n;
            }
            cells.insert(ty, n);
        }
        let o = (cells, flops, area);
        self.own.insert(module.to_string(), o.clone());
        Ok(o)
    }

    /// Visits `module` as instance `path`; returns its block (totals of its subtree).
    fn visit(&mut self, path: &str, module: &str, depth: usize) -> Result<Block, SynthError> {
        let m = self
            .h
            .modules
            .get(module)
            .ok_or_else(|| SynthError::Parse {
                file: crate::script::HIERARCHY_JSON.into(),
                field: path.to_string(),
                problem: format!("instantiates `{module}`, which the netlist does not define"),
            })?;
        let (cells, flops, area) = self.own(module)?;
        let slot = self.blocks.len();
        self.blocks.push(Block {
            instance: path.to_string(),
            module: m.base.clone(),
            depth,
            cells: 0,
            flops: 0,
            logic_area_um2: 0.0,
            srams: 0,
            sram_area_mm2: 0.0,
            total_area_mm2: 0.0,
        });
        let n_cells: u64 = cells.values().sum();
        for (ty, n) in &cells {
            *self.by_type.entry(ty.clone()).or_default() += n;
        }
        let t = self.modules.entry(m.base.clone()).or_insert(ModuleTotal {
            module: m.base.clone(),
            instances: 0,
            cells: 0,
            flops: 0,
            logic_area_um2: 0.0,
            sram_area_mm2: 0.0,
        });
        t.instances += 1;
        t.cells += n_cells;
        t.flops += flops;
        t.logic_area_um2 += area;
        let mut b = Block {
            instance: path.to_string(),
            module: m.base.clone(),
            depth,
            cells: n_cells,
            flops,
            logic_area_um2: area,
            srams: 0,
            sram_area_mm2: 0.0,
            total_area_mm2: 0.0,
        };
        for inst in &m.instances {
            let child_path = format!("{path}.{}", inst.name);
            let child = self
                .h
                .modules
                .get(&inst.module)
                .ok_or_else(|| SynthError::Parse {
                    file: crate::script::HIERARCHY_JSON.into(),
                    field: child_path.clone(),
                    problem: format!(
                        "instantiates `{}`, which the netlist does not define",
                        inst.module
                    ),
                })?;
            if child.blackbox {
                if !is_memory_wrapper(&child.base) {
                    return Err(SynthError::Memory {
                        instance: child_path,
                        module: child.base.clone(),
                        problem: "a black box that is not a memory wrapper (fspinn_sram* / \
                                  fspinn_rf*) has no area"
                            .into(),
                    });
                }
                let mac = self.pricer.price(&child_path, child, inst)?;
                b.srams += 1;
                b.sram_area_mm2 += mac.area_mm2;
                let t = self
                    .modules
                    .entry(child.base.clone())
                    .or_insert(ModuleTotal {
                        module: child.base.clone(),
                        instances: 0,
                        cells: 0,
                        flops: 0,
                        logic_area_um2: 0.0,
                        sram_area_mm2: 0.0,
                    });
                t.instances += 1;
                t.sram_area_mm2 += mac.area_mm2;
                self.srams.push(mac);
            } else {
                let c = self.visit(&child_path, &inst.module, depth + 1)?;
                b.cells += c.cells;
                b.flops += c.flops;
                b.logic_area_um2 += c.logic_area_um2;
                b.srams += c.srams;
                b.sram_area_mm2 += c.sram_area_mm2;
            }
        }
        b.total_area_mm2 = b.logic_area_um2 / 1e6 + b.sram_area_mm2;
        self.blocks[slot] = b.clone();
        Ok(b)
    }
}

/// The area report of the design `h` whose modules have the cells `stat`, priced with `lib`
/// (areas times `logic_scale`) and memories with `pricer`.
pub fn area_report(
    h: &Hierarchy,
    stat: &BTreeMap<String, CellCounts>,
    lib: &CellLibrary,
    logic_scale: f64,
    pricer: &MemoryPricer<'_>,
) -> Result<AreaReport, SynthError> {
    let mut w = Walk {
        h,
        stat,
        lib,
        logic_scale,
        pricer,
        own: BTreeMap::new(),
        blocks: Vec::new(),
        srams: Vec::new(),
        by_type: BTreeMap::new(),
        modules: BTreeMap::new(),
    };
    let top_base = h
        .modules
        .get(&h.top)
        .map_or(h.top.clone(), |m| m.base.clone());
    let top = w.visit(&top_base, &h.top, 0)?;
    let mut modules: Vec<ModuleTotal> = w.modules.into_values().collect();
    modules.sort_by(|a, b| {
        (b.logic_area_um2 / 1e6 + b.sram_area_mm2)
            .total_cmp(&(a.logic_area_um2 / 1e6 + a.sram_area_mm2))
    });
    Ok(AreaReport {
        cells_by_type: w.by_type,
        cells: top.cells,
        flops: top.flops,
        logic_area_um2: top.logic_area_um2,
        logic_area_mm2: top.logic_area_um2 / 1e6,
        sram_area_mm2: top.sram_area_mm2,
        total_area_mm2: top.total_area_mm2,
        srams: w.srams,
        blocks: w.blocks,
        modules,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::netlist::{parse_hierarchy, parse_stat};

    /// A top with two instances of a leaf (a NAND2 and a flop each), its own XOR and inverter,
    /// and one 1r1w memory of 2048 x 64 bits (16 KiB, a row of the CACTI table).
    const HIER: &str = r#"{"modules": {
      "top": {"attributes": {"top": "00000000000000000000000000000001"},
              "cells": {"u_a": {"type": "leaf", "parameters": {}},
                        "u_b": {"type": "leaf", "parameters": {}},
                        "u_mem": {"type": "fspinn_sram_1r1w",
                                  "parameters": {"DEPTH": "00000000000000000000100000000000"}}}},
      "leaf": {"cells": {}},
      "fspinn_sram_1r1w": {"attributes": {"blackbox": "00000000000000000000000000000001"},
              "parameter_default_values": {"DEPTH": "00000000000000000000000100000000",
                                           "WIDTH": "00000000000000000000000001000000"}}
    }}"#;
    const STAT: &str = r#"{"modules": {
      "\\top": {"num_cells_by_type": {"$_XOR_": 1, "$_NOT_": 2, "leaf": 2, "fspinn_sram_1r1w": 1}},
      "\\leaf": {"num_cells_by_type": {"$_NAND_": 1, "$_DFF_P_": 1}}
    }}"#;

    #[test]
    fn area_is_the_hand_computed_sum() {
        let h = parse_hierarchy(HIER, "h.json").unwrap();
        let stat = parse_stat(STAT, "s.json").unwrap();
        let lib = CellLibrary::generic().unwrap();
        let table = CactiTable::embedded();
        let tech = Technology::default();
        let pricer = MemoryPricer {
            table: &table,
            technology: &tech,
        };
        let r = area_report(&h, &stat, &lib, 1.0, &pricer).unwrap();
        // top: XOR2 1.596 + 2 x INV 0.532; each leaf: NAND2 0.798 + DFF 4.522.
        let logic = 1.596 + 2.0 * 0.532 + 2.0 * (0.798 + 4.522);
        assert!(
            (r.logic_area_um2 - logic).abs() < 1e-9,
            "{}",
            r.logic_area_um2
        );
        assert_eq!(r.cells, 3 + 2 * 2);
        assert_eq!(r.flops, 2);
        assert_eq!(r.cells_by_type["$_NAND_"], 2);
        assert_eq!(r.cells_by_type.get("leaf"), None, "instances are not cells");
        // The memory: DEPTH from the instance, WIDTH from the default; 2048 x 64 b = 16 KiB,
        // an exact row of the CACTI table (45 nm itrs-lop 1r1w 64-bit).
        assert_eq!(r.srams.len(), 1);
        let m = &r.srams[0];
        assert_eq!((m.depth, m.width, m.bytes), (2048, 64, 16384));
        assert_eq!(m.instance, "top.u_mem");
        let row = table.lookup(45, "itrs-lop", "1r1w", 16384, 64).unwrap();
        let csv = fspinn_sim_cacti_row(16384, 64);
        assert_eq!(row.area_mm2, csv, "the exact row of the CSV");
        assert_eq!(m.area_mm2, csv);
        assert!((r.total_area_mm2 - (logic / 1e6 + csv)).abs() < 1e-12);
        // Blocks: the top, then each leaf with its own totals.
        assert_eq!(r.blocks.len(), 3);
        assert_eq!(r.blocks[1].instance, "top.u_a");
        assert!((r.blocks[1].logic_area_um2 - (0.798 + 4.522)).abs() < 1e-12);
        assert_eq!(r.blocks[0].srams, 1);
        let leaf = r.modules.iter().find(|m| m.module == "leaf").unwrap();
        assert_eq!((leaf.instances, leaf.cells, leaf.flops), (2, 4, 2));
        // Scaled to 22 nm: logic x (22/45)^2.
        let s = (22.0f64 / 45.0).powi(2);
        let r2 = area_report(&h, &stat, &lib, s, &pricer).unwrap();
        assert!((r2.logic_area_um2 - logic * s).abs() < 1e-9);
    }

    /// The CSV's 45 nm itrs-lop 1r1w row, read here from the embedded file's text directly.
    fn fspinn_sim_cacti_row(bytes: u64, bits: u32) -> f64 {
        let csv = include_str!("../../sim/energy/cacti/sram-cacti7.csv");
        let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
        let col = |n: &str| header.iter().position(|h| *h == n).unwrap();
        csv.lines()
            .skip(1)
            .map(|l| l.split(',').collect::<Vec<_>>())
            .find(|f| {
                f[col("tech_nm")] == "45"
                    && f[col("cell_type")] == "itrs-lop"
                    && f[col("ports")] == "1r1w"
                    && f[col("capacity_bytes")] == bytes.to_string()
                    && f[col("word_bits")] == bits.to_string()
            })
            .map(|f| f[col("area_mm2")].parse().unwrap())
            .expect("row in the CSV")
    }

    #[test]
    fn a_lane_masked_memory_is_lanes_times_lane_bits_wide() {
        let hier = r#"{"modules": {
          "top": {"attributes": {"top": "1"},
                  "cells": {"u_m": {"type": "fspinn_sram_1r1w_mask",
                                    "parameters": {"DEPTH": "110001", "LANES": "10000"}}}},
          "fspinn_sram_1r1w_mask": {"attributes": {"blackbox": "1"},
                  "parameter_default_values": {"DEPTH": "1000000", "LANES": "10000",
                                               "LANE_BITS": "1000"}}
        }}"#;
        let h = parse_hierarchy(hier, "h.json").unwrap();
        let stat = parse_stat(
            r#"{"modules": {"\\top": {"num_cells_by_type": {"fspinn_sram_1r1w_mask": 1}}}}"#,
            "s.json",
        )
        .unwrap();
        let table = CactiTable::embedded();
        let tech = Technology::default();
        let pricer = MemoryPricer {
            table: &table,
            technology: &tech,
        };
        let lib = CellLibrary::generic().unwrap();
        let r = area_report(&h, &stat, &lib, 1.0, &pricer).unwrap();
        // 49 rows of 16 lanes x 8 bits: 784 bytes.
        let m = &r.srams[0];
        assert_eq!((m.depth, m.width, m.bytes), (49, 128, 784));
        assert_eq!(
            m.area_mm2,
            table
                .lookup(45, "itrs-lop", "1r1w", 784, 128)
                .unwrap()
                .area_mm2
        );
    }

    #[test]
    fn errors_name_the_instance_and_cell() {
        let h = parse_hierarchy(HIER, "h.json").unwrap();
        let stat = parse_stat(
            r#"{"modules": {"\\top": {"num_cells_by_type": {"$_FANCY_": 3}}}}"#,
            "s.json",
        )
        .unwrap();
        let lib = CellLibrary::generic().unwrap();
        let table = CactiTable::embedded();
        let tech = Technology::default();
        let pricer = MemoryPricer {
            table: &table,
            technology: &tech,
        };
        let e = area_report(&h, &stat, &lib, 1.0, &pricer).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("cell type `$_FANCY_` (3 in module `top`) has no area"),
            "{e}"
        );
        let no_width = HIER.replace(
            r#""WIDTH": "00000000000000000000000001000000""#,
            r#""W": "1""#,
        );
        let h = parse_hierarchy(&no_width, "h.json").unwrap();
        let stat = parse_stat(STAT, "s.json").unwrap();
        let e = area_report(&h, &stat, &lib, 1.0, &pricer).unwrap_err();
        assert_eq!(
            e.to_string(),
            "memory instance `top.u_mem` (fspinn_sram_1r1w): no parameter WIDTH (a memory \
             wrapper declares its geometry as DEPTH and WIDTH, or DEPTH, LANES and LANE_BITS)"
        );
    }
}
