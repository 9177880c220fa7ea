//! The estimator and its report: per-component, per-action energies with their sources, the
//! band and the area, so a designer sees both the totals and which numbers (and which
//! assumptions) dominate them.

use std::fmt::Write as _;

use serde::Serialize;

use super::cacti::{CactiTable, Macro};
use super::table::{EnergyTable, Per};
use super::{ComponentKind, ComponentUsage, EnergyError, Technology, Usage, SRAM_PORTS};

/// Energy of one action of one component.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ActionEnergy {
    /// The action name as counted by the cycle model (`read`, `add16`, …).
    pub action: String,
    /// How many times it happened (whole run, also in a [`EnergyReport::scaled`] report).
    pub count: u64,
    /// Energy of one action, pJ (0 when the table has no entry).
    pub pj_each: f64,
    /// `count × pj_each`, pJ (divided by the samples in a scaled report).
    pub total_pj: f64,
    /// Where `pj_each` comes from, or why it is 0.
    pub source: String,
}

/// Energy, band and area of one component.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ComponentEnergy {
    /// Instance name from the usage (`clock` for the clock tree).
    pub name: String,
    /// `sram`, `regfile`, `logic`, `clock` or `dram`.
    pub kind: String,
    /// Human-readable shape, e.g. `153 KiB x 64 b, 45 nm itrs-lop 1r1w`.
    pub detail: String,
    /// Capacity of a memory, bytes.
    pub capacity_bytes: Option<u64>,
    /// Access width of a memory, bits.
    pub word_bits: Option<u32>,
    /// Energy of one read of a memory (one RD burst of the DRAM), pJ.
    pub per_read_pj: Option<f64>,
    /// Energy of one write, pJ.
    pub per_write_pj: Option<f64>,
    /// Instances on the chip (logic).
    pub instances: Option<u32>,
    /// Sum of the actions' energies, pJ.
    pub dynamic_pj: f64,
    /// Leakage (or DRAM standby) energy over the run, pJ.
    pub static_pj: f64,
    /// `dynamic_pj + static_pj`.
    pub total_pj: f64,
    /// Low and high figure of `total_pj` (see the module doc for the rule), pJ.
    pub low_pj: f64,
    /// See `low_pj`.
    pub high_pj: f64,
    /// Leakage (or average DRAM standby) power, mW.
    pub leakage_mw: f64,
    /// Silicon area, mm² (0 for the off-chip DRAM and the clock tree, whose wires are in the
    /// blocks' area).
    pub area_mm2: f64,
    /// Where the leakage, area and per-access figures come from, or why they are 0.
    pub source: String,
    /// Every counted action, in name order.
    pub actions: Vec<ActionEnergy>,
}

/// The energy estimate of one run (or, after [`EnergyReport::scaled`], of one sample).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EnergyReport {
    /// One entry per component of the usage, in usage order, then the clock tree.
    pub components: Vec<ComponentEnergy>,
    /// Sum of the components' dynamic energies, pJ.
    pub dynamic_pj: f64,
    /// Sum of the components' static energies, pJ.
    pub static_pj: f64,
    /// `dynamic_pj + static_pj`.
    pub total_pj: f64,
    /// Sum of the components' low figures, pJ.
    pub low_pj: f64,
    /// Sum of the components' high figures, pJ.
    pub high_pj: f64,
    /// On-chip area: SRAM macros, register files and logic, mm².
    pub area_mm2: f64,
    /// Clock cycles of the whole run.
    pub cycles: u64,
    /// Run time in seconds (per sample in a scaled report).
    pub seconds: f64,
    /// Synaptic operations of the whole run.
    pub synaptic_ops: u64,
    /// Energy per synaptic operation, pJ (`None` when no SOP was counted); unchanged by scaling.
    pub pj_per_sop: Option<f64>,
    /// Low and high pJ/SOP.
    pub pj_per_sop_band: Option<[f64; 2]>,
    /// How many samples the energies are divided over (1 for a whole-run report).
    pub samples: u64,
    /// Which table priced the run (its origin, e.g. `default-45nm.toml + my.toml`).
    pub table: String,
    /// Node and cell type the SRAMs were priced at.
    pub technology: Technology,
    /// Everything that was counted as 0 pJ for lack of data, or otherwise suspicious.
    pub warnings: Vec<String>,
}

/// One component as `fspinn sim --json` and `fspinn energy --json` list it (per sample, µJ).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ComponentSummary {
    /// Instance name.
    pub name: String,
    /// `sram`, `regfile`, `logic`, `clock` or `dram`.
    pub kind: String,
    /// Capacity of a memory, bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity_bytes: Option<u64>,
    /// Access width of a memory, bits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub word_bits: Option<u32>,
    /// Energy of one read, pJ.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_read_pj: Option<f64>,
    /// Energy of one write, pJ.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_write_pj: Option<f64>,
    /// Leakage (DRAM: average standby) power, mW.
    pub leakage_mw: f64,
    /// Area, mm².
    pub area_mm2: f64,
    /// Dynamic energy, µJ.
    pub dynamic_uj: f64,
    /// Leakage (DRAM: standby) energy, µJ.
    pub leakage_uj: f64,
    /// Low and high figure of the component's energy, µJ.
    pub band_uj: [f64; 2],
}

/// The energy figures of a report in the JSON form of the CLI (µJ, per sample when scaled).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EnergySummary {
    /// On-chip area, mm².
    pub area_mm2: f64,
    /// Total energy, µJ.
    pub energy_uj: f64,
    /// Low and high total energy, µJ.
    pub energy_band_uj: [f64; 2],
    /// Dynamic energy, µJ.
    pub dynamic_uj: f64,
    /// Static energy, µJ.
    pub leakage_uj: f64,
    /// Energy per synaptic operation, pJ.
    pub pj_per_sop: Option<f64>,
    /// Low and high pJ/SOP.
    pub pj_per_sop_band: Option<[f64; 2]>,
    /// Node and cell type.
    pub technology: Technology,
    /// One entry per component.
    pub components: Vec<ComponentSummary>,
}

/// `x` with a negative zero turned into zero (JSON must never show `-0.0`).
fn nz(x: f64) -> f64 {
    x + 0.0
}

/// Static energy of `uw` microwatts over the run, pJ (µW × cycles / MHz).
fn static_pj(uw: f64, usage: &Usage, clock_ok: bool) -> f64 {
    if clock_ok {
        uw * usage.cycles as f64 / usage.clock_mhz
    } else {
        0.0
    }
}

impl EnergyTable {
    /// [`EnergyTable::estimate`], after checking that every `sram_macro.<bank>` entry names a
    /// memory of the run (a misspelt bank name is refused with its name).
    pub fn try_estimate(&self, usage: &Usage) -> Result<EnergyReport, EnergyError> {
        let memories: Vec<&str> = usage
            .components
            .iter()
            .filter(|c| {
                matches!(
                    c.kind,
                    ComponentKind::Sram { .. } | ComponentKind::RegisterFile { .. }
                )
            })
            .map(|c| c.name.as_str())
            .collect();
        for k in self.file().sram_macro.keys() {
            if !memories.contains(&k.as_str()) {
                return Err(EnergyError::Invalid {
                    origin: self.origin().to_string(),
                    entry: format!("sram_macro.{k}"),
                    problem: format!(
                        "no SRAM bank or register file of this name in the run (memories: {})",
                        memories.join(", ")
                    ),
                });
            }
        }
        Ok(self.estimate(usage))
    }

    /// Prices a run: dynamic energy from the action counts, static energy from leakage power
    /// over `cycles / clock`, area, and the band. Never fails: gaps become warnings and 0 pJ.
    pub fn estimate(&self, usage: &Usage) -> EnergyReport {
        let mut warnings = Vec::new();
        let clock_ok = usage.clock_mhz.is_finite() && usage.clock_mhz > 0.0;
        if !clock_ok {
            warnings.push(format!(
                "clock_mhz = {} is not a positive finite frequency: run time and static energy counted as 0",
                usage.clock_mhz
            ));
        }
        let seconds = if clock_ok {
            usage.cycles as f64 / (usage.clock_mhz * 1e6)
        } else {
            0.0
        };
        let cacti = CactiTable::embedded();
        let mut components: Vec<ComponentEnergy> = usage
            .components
            .iter()
            .map(|c| self.component(c, usage, &cacti, clock_ok, &mut warnings))
            .collect();
        let flop_dynamic: f64 = components
            .iter()
            .filter(|c| c.kind == "logic" || c.kind == "regfile")
            .map(|c| c.dynamic_pj)
            .sum();
        match &self.file().clock {
            Some(clk) => components.push(ComponentEnergy {
                name: "clock".into(),
                kind: "clock".into(),
                detail: format!("{} x logic and register-file dynamic energy", clk.value),
                capacity_bytes: None,
                word_bits: None,
                per_read_pj: None,
                per_write_pj: None,
                instances: None,
                dynamic_pj: nz(clk.value * flop_dynamic),
                static_pj: 0.0,
                total_pj: nz(clk.value * flop_dynamic),
                low_pj: nz(clk.low * flop_dynamic),
                high_pj: nz(clk.high * flop_dynamic),
                leakage_mw: 0.0,
                area_mm2: 0.0,
                source: format!("clock: {}", clk.source),
                actions: Vec::new(),
            }),
            None => warnings.push(
                "no [clock] entry in the energy table: the clock tree is counted as 0 pJ".into(),
            ),
        }
        let sum = |f: fn(&ComponentEnergy) -> f64| nz(components.iter().map(f).sum());
        let dynamic_pj = sum(|c| c.dynamic_pj);
        let static_pj = sum(|c| c.static_pj);
        let low_pj = sum(|c| c.low_pj);
        let high_pj = sum(|c| c.high_pj);
        let area_mm2 = sum(|c| c.area_mm2);
        let total_pj = nz(dynamic_pj + static_pj);
        let sops = usage.synaptic_ops as f64;
        EnergyReport {
            components,
            dynamic_pj,
            static_pj,
            total_pj,
            low_pj,
            high_pj,
            area_mm2,
            cycles: usage.cycles,
            seconds,
            synaptic_ops: usage.synaptic_ops,
            pj_per_sop: (usage.synaptic_ops > 0).then(|| total_pj / sops),
            pj_per_sop_band: (usage.synaptic_ops > 0).then(|| [low_pj / sops, high_pj / sops]),
            samples: 1,
            table: self.origin().to_string(),
            technology: usage.technology.clone(),
            warnings,
        }
    }

    fn component(
        &self,
        c: &ComponentUsage,
        usage: &Usage,
        cacti: &CactiTable,
        clock_ok: bool,
        warnings: &mut Vec<String>,
    ) -> ComponentEnergy {
        match &c.kind {
            ComponentKind::Sram {
                bytes,
                word_bits,
                read_latency,
            } => self.memory(
                c,
                "sram",
                *bytes,
                *word_bits,
                *read_latency,
                usage,
                cacti,
                clock_ok,
                warnings,
            ),
            ComponentKind::RegisterFile { bits, word_bits } => self.memory(
                c,
                "regfile",
                bits.div_ceil(8),
                *word_bits,
                1,
                usage,
                cacti,
                clock_ok,
                warnings,
            ),
            ComponentKind::Logic => self.logic(c, usage, clock_ok, warnings),
            ComponentKind::Dram { kind, energy } => {
                let (cl, ch) = self.band("dram_core");
                let (il, ih) = self.band("dram_io");
                let dynamic = energy.command_pj + energy.io_pj;
                let stat = energy.background_pj;
                let actions = c
                    .actions
                    .iter()
                    .map(|(a, &n)| {
                        let each = match a.as_str() {
                            "activate" => energy.act_pj_each,
                            "precharge" => energy.pre_pj_each,
                            "read_burst" => energy.rd_pj_each,
                            "write_burst" => energy.wr_pj_each,
                            "refresh" => energy.ref_pj_each,
                            _ => 0.0,
                        };
                        ActionEnergy {
                            action: a.clone(),
                            count: n,
                            pj_each: nz(each),
                            total_pj: nz(each * n as f64),
                            source: "DRAMPower equations over the preset's IDD currents".into(),
                        }
                    })
                    .collect();
                let seconds = if clock_ok {
                    usage.cycles as f64 / (usage.clock_mhz * 1e6)
                } else {
                    0.0
                };
                ComponentEnergy {
                    name: c.name.clone(),
                    kind: "dram".into(),
                    detail: format!(
                        "{kind}, {} devices in lock step, I/O {} pJ/bit",
                        energy.devices, energy.io_pj_per_bit
                    ),
                    capacity_bytes: None,
                    word_bits: None,
                    per_read_pj: Some(nz(energy.rd_pj_each)),
                    per_write_pj: Some(nz(energy.wr_pj_each)),
                    instances: None,
                    dynamic_pj: nz(dynamic),
                    static_pj: nz(stat),
                    total_pj: nz(dynamic + stat),
                    low_pj: nz(cl * energy.core_pj + il * energy.io_pj),
                    high_pj: nz(ch * energy.core_pj + ih * energy.io_pj),
                    leakage_mw: if seconds > 0.0 {
                        nz(stat * 1e-9 / seconds)
                    } else {
                        0.0
                    },
                    area_mm2: 0.0,
                    source: "DRAMPower equations (sim/src/dram/power.rs) over the bank state \
                             machine's command counts and active/precharged time"
                        .into(),
                    actions,
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn memory(
        &self,
        c: &ComponentUsage,
        kind: &str,
        bytes: u64,
        word_bits: u32,
        latency: u32,
        usage: &Usage,
        cacti: &CactiTable,
        clock_ok: bool,
        warnings: &mut Vec<String>,
    ) -> ComponentEnergy {
        let tech = &usage.technology;
        let reads = c.actions.get("read").copied().unwrap_or(0);
        let writes = c.actions.get("write").copied().unwrap_or(0);
        for (a, &n) in &c.actions {
            if a != "read" && a != "write" && n > 0 {
                warnings.push(format!(
                    "no energy for action `{a}` of memory `{}` ({n} times): counted as 0 pJ",
                    c.name
                ));
            }
        }
        let energy_of = |m: &Macro| {
            let dynamic = reads as f64 * m.read_pj + writes as f64 * m.write_pj;
            let stat = static_pj(m.leakage_mw * 1000.0, usage, clock_ok);
            (dynamic, stat)
        };
        let user = self.file().sram_macro.get(&c.name);
        let (m, source, band) = if let Some(u) = user {
            let m = Macro {
                capacity_bytes: bytes,
                word_bits,
                read_pj: u.read_pj,
                write_pj: u.write_pj,
                leakage_mw: u.leakage_mw,
                area_mm2: u.area_mm2,
                access_ns: u.access_ns,
            };
            let (d, s) = energy_of(&m);
            (
                Some(m),
                format!("sram_macro.{}: {}", c.name, u.source),
                Some((d + s, d + s)),
            )
        } else {
            match cacti.lookup(tech.node_nm, &tech.cell, SRAM_PORTS, bytes, word_bits) {
                Ok(m) => {
                    let totals: Vec<f64> = cacti
                        .cells(tech.node_nm, SRAM_PORTS)
                        .into_iter()
                        .filter_map(|cell| {
                            cacti
                                .lookup(tech.node_nm, cell, SRAM_PORTS, bytes, word_bits)
                                .ok()
                        })
                        .map(|m| {
                            let (d, s) = energy_of(&m);
                            d + s
                        })
                        .collect();
                    let lo = totals.iter().copied().fold(f64::INFINITY, f64::min);
                    let hi = totals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    let clamp = if bytes < 1024 {
                        " (below the table's 1 KiB: priced as the 1 KiB macro, an upper bound)"
                    } else {
                        ""
                    };
                    (
                        Some(m),
                        format!(
                            "CACTI 7, {} nm {} {SRAM_PORTS}, log-capacity interpolation{clamp}; \
                             band: cell types {:?}",
                            tech.node_nm,
                            tech.cell,
                            cacti.cells(tech.node_nm, SRAM_PORTS)
                        ),
                        Some((lo, hi)),
                    )
                }
                Err(e) => {
                    warnings.push(format!(
                        "{kind} `{}` ({bytes} B x {word_bits} b): {e}: counted as 0 pJ and 0 mm2",
                        c.name
                    ));
                    (None, format!("no figure: {e}"), None)
                }
            }
        };
        let (dynamic, stat) = m.as_ref().map_or((0.0, 0.0), energy_of);
        if let Some(m) = &m {
            if clock_ok {
                let budget = f64::from(latency) * 1000.0 / usage.clock_mhz;
                if m.access_ns > budget {
                    warnings.push(format!(
                        "{kind} `{}`: access time {:.3} ns exceeds its {latency}-cycle read \
                         latency at {} MHz ({budget:.3} ns): the macro cannot meet the clock",
                        c.name, m.access_ns, usage.clock_mhz
                    ));
                }
            }
        }
        let (lo, hi) = band.unwrap_or((0.0, 0.0));
        let total = dynamic + stat;
        ComponentEnergy {
            name: c.name.clone(),
            kind: kind.into(),
            detail: format!(
                "{bytes} B x {word_bits} b, {} nm {} {SRAM_PORTS}",
                tech.node_nm, tech.cell
            ),
            capacity_bytes: Some(bytes),
            word_bits: Some(word_bits),
            per_read_pj: m.map(|m| nz(m.read_pj)),
            per_write_pj: m.map(|m| nz(m.write_pj)),
            instances: None,
            dynamic_pj: nz(dynamic),
            static_pj: nz(stat),
            total_pj: nz(total),
            low_pj: nz(lo.min(total)),
            high_pj: nz(hi.max(total)),
            leakage_mw: m.map_or(0.0, |m| nz(m.leakage_mw)),
            area_mm2: m.map_or(0.0, |m| nz(m.area_mm2)),
            source,
            actions: [
                ("read", reads, m.map_or(0.0, |m| m.read_pj)),
                ("write", writes, m.map_or(0.0, |m| m.write_pj)),
            ]
            .into_iter()
            .map(|(a, n, each)| ActionEnergy {
                action: a.into(),
                count: n,
                pj_each: nz(each),
                total_pj: nz(each * n as f64),
                source: "CACTI 7 macro (see component source)".into(),
            })
            .collect(),
        }
    }

    fn logic(
        &self,
        c: &ComponentUsage,
        usage: &Usage,
        clock_ok: bool,
        warnings: &mut Vec<String>,
    ) -> ComponentEnergy {
        let node = f64::from(usage.technology.node_nm) / 45.0;
        let mut actions = Vec::with_capacity(c.actions.len());
        for (action, &count) in &c.actions {
            let (pj_each, source) = match self.file().logic.get(action) {
                Some(e) if node == 1.0 => (e.pj, e.source.clone()),
                Some(e) => (
                    e.pj * node,
                    format!("{} x {node:.3} (node scaling) ({})", e.pj, e.source),
                ),
                None => {
                    if count > 0 {
                        warnings.push(format!(
                            "no energy for action `{action}` of component `{}` ({count} times): counted as 0 pJ",
                            c.name
                        ));
                    }
                    (
                        0.0,
                        "no entry in the energy table: counted as 0 pJ".to_string(),
                    )
                }
            };
            actions.push(ActionEnergy {
                action: action.clone(),
                count,
                pj_each: nz(pj_each),
                total_pj: nz(count as f64 * pj_each),
                source,
            });
        }
        let dynamic: f64 = actions.iter().map(|a| a.total_pj).sum();
        let (instances, leakage_uw, area, source) =
            match (self.file().logic_block.get(&c.name), &self.file().gate) {
                (Some(b), Some(g)) => {
                    let n = match b.per {
                        Per::Pe => usage.pes,
                        Per::Lane => usage.lanes,
                        Per::Chip => 1,
                    };
                    let gates = b.gates * f64::from(n);
                    (
                        Some(n),
                        gates * g.leakage_nw / 1000.0,
                        gates * g.area_um2 * node * node / 1e6,
                        format!(
                        "{n} x {} gates (logic_block.{}: {}) x {} nW, {} um2 per gate (gate: {})",
                        b.gates, c.name, b.source, g.leakage_nw, g.area_um2, g.source
                    ),
                    )
                }
                _ => {
                    if usage.cycles > 0 {
                        warnings.push(format!(
                        "no logic_block.{} or gate entry: leakage and area of `{}` counted as 0",
                        c.name, c.name
                    ));
                    }
                    (None, 0.0, 0.0, "no logic_block entry: counted as 0".into())
                }
            };
        let stat = static_pj(leakage_uw, usage, clock_ok);
        let (dl, dh) = self.band("logic");
        let (ll, lh) = self.band("logic_leakage");
        ComponentEnergy {
            name: c.name.clone(),
            kind: "logic".into(),
            detail: format!("{} instance(s)", instances.unwrap_or(0)),
            capacity_bytes: None,
            word_bits: None,
            per_read_pj: None,
            per_write_pj: None,
            instances,
            dynamic_pj: nz(dynamic),
            static_pj: nz(stat),
            total_pj: nz(dynamic + stat),
            low_pj: nz(dl * dynamic + ll * stat),
            high_pj: nz(dh * dynamic + lh * stat),
            leakage_mw: nz(leakage_uw / 1000.0),
            area_mm2: nz(area),
            source,
            actions,
        }
    }
}

impl EnergyReport {
    /// The same report per sample: every energy and the run time divided by `divisor`
    /// (samples in the run). Counts (`count`, `cycles`, `synaptic_ops`) stay whole-run totals so
    /// nothing is rounded, `samples` records the division, and `pj_per_sop` is unchanged (energy
    /// and SOPs scale alike). A divisor of 0 leaves the figures as they are, with a warning.
    pub fn scaled(&self, divisor: u64) -> EnergyReport {
        let mut out = self.clone();
        if divisor == 0 {
            out.warnings
                .push("scaled by 0 samples: figures left unscaled".to_string());
            return out;
        }
        let d = divisor as f64;
        for c in &mut out.components {
            c.dynamic_pj /= d;
            c.static_pj /= d;
            c.total_pj /= d;
            c.low_pj /= d;
            c.high_pj /= d;
            for a in &mut c.actions {
                a.total_pj /= d;
            }
        }
        out.dynamic_pj /= d;
        out.static_pj /= d;
        out.total_pj /= d;
        out.low_pj /= d;
        out.high_pj /= d;
        out.seconds /= d;
        out.samples = self.samples.saturating_mul(divisor);
        out
    }

    /// The figures the CLI prints as JSON: µJ (per sample in a scaled report), the band, the
    /// area and one entry per component.
    pub fn summary(&self) -> EnergySummary {
        let uj = |pj: f64| nz(pj * 1e-6);
        EnergySummary {
            area_mm2: nz(self.area_mm2),
            energy_uj: uj(self.total_pj),
            energy_band_uj: [uj(self.low_pj), uj(self.high_pj)],
            dynamic_uj: uj(self.dynamic_pj),
            leakage_uj: uj(self.static_pj),
            pj_per_sop: self.pj_per_sop.map(nz),
            pj_per_sop_band: self.pj_per_sop_band.map(|[a, b]| [nz(a), nz(b)]),
            technology: self.technology.clone(),
            components: self
                .components
                .iter()
                .map(|c| ComponentSummary {
                    name: c.name.clone(),
                    kind: c.kind.clone(),
                    capacity_bytes: c.capacity_bytes,
                    word_bits: c.word_bits,
                    per_read_pj: c.per_read_pj.map(nz),
                    per_write_pj: c.per_write_pj.map(nz),
                    leakage_mw: nz(c.leakage_mw),
                    area_mm2: nz(c.area_mm2),
                    dynamic_uj: uj(c.dynamic_pj),
                    leakage_uj: uj(c.static_pj),
                    band_uj: [uj(c.low_pj), uj(c.high_pj)],
                })
                .collect(),
        }
    }

    /// A fixed-width text table: one row per component (dynamic, static, total, band, area,
    /// share of the total), then the totals, run time, pJ/SOP with its band and every warning.
    pub fn render_table(&self) -> String {
        let headers = [
            "component",
            "kind",
            "dynamic pJ",
            "static pJ",
            "total pJ",
            "low..high pJ",
            "area mm2",
            "share %",
        ];
        let row = |name: &str, kind: &str, d: f64, s: f64, t: f64, lo: f64, hi: f64, a: f64| {
            [
                name.to_string(),
                kind.to_string(),
                fmt_pj(d),
                fmt_pj(s),
                fmt_pj(t),
                format!("{}..{}", fmt_pj(lo), fmt_pj(hi)),
                format!("{a:.4}"),
                fmt_share(t, self.total_pj),
            ]
        };
        let mut rows: Vec<[String; 8]> = self
            .components
            .iter()
            .map(|c| {
                row(
                    &c.name,
                    &c.kind,
                    c.dynamic_pj,
                    c.static_pj,
                    c.total_pj,
                    c.low_pj,
                    c.high_pj,
                    c.area_mm2,
                )
            })
            .collect();
        rows.push(row(
            "TOTAL",
            "",
            self.dynamic_pj,
            self.static_pj,
            self.total_pj,
            self.low_pj,
            self.high_pj,
            self.area_mm2,
        ));
        let mut widths = headers.map(str::len);
        for r in &rows {
            for (w, cell) in widths.iter_mut().zip(r) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |cells: [&str; 8]| {
            let mut s = String::new();
            for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
                if i > 0 {
                    s.push_str("  ");
                }
                if i < 2 {
                    let _ = write!(s, "{cell:<w$}");
                } else {
                    let _ = write!(s, "{cell:>w$}");
                }
            }
            s.trim_end().to_string()
        };
        let rule = "-".repeat(widths.iter().sum::<usize>() + 2 * (widths.len() - 1));
        let mut out = String::new();
        if self.samples > 1 {
            let _ = writeln!(
                out,
                "energy per sample (whole run / {} samples)",
                self.samples
            );
        } else {
            out.push_str("energy of the whole run\n");
        }
        let _ = writeln!(
            out,
            "technology: {} nm, SRAM cells {} (CACTI 7)",
            self.technology.node_nm, self.technology.cell
        );
        let _ = writeln!(out, "{}", line(headers));
        let _ = writeln!(out, "{rule}");
        let (body, total) = rows.split_at(rows.len() - 1);
        for r in body {
            let _ = writeln!(out, "{}", line(r.each_ref().map(String::as_str)));
        }
        let _ = writeln!(out, "{rule}");
        let _ = writeln!(out, "{}", line(total[0].each_ref().map(String::as_str)));
        let _ = writeln!(
            out,
            "time: {} cycles (whole run), {:.6e} s{}",
            self.cycles,
            self.seconds,
            if self.samples > 1 { " per sample" } else { "" }
        );
        match (self.pj_per_sop, self.pj_per_sop_band) {
            (Some(p), Some([lo, hi])) => {
                let _ = writeln!(
                    out,
                    "pJ/SOP: {p:.4} (band {lo:.4} .. {hi:.4}; {} synaptic ops)",
                    self.synaptic_ops
                );
            }
            _ => out.push_str("pJ/SOP: n/a (no synaptic ops counted)\n"),
        }
        let _ = writeln!(out, "area: {:.4} mm2 on chip", self.area_mm2);
        let _ = writeln!(out, "table: {}", self.table);
        if !self.warnings.is_empty() {
            let _ = writeln!(out, "warnings ({}):", self.warnings.len());
            for w in &self.warnings {
                let _ = writeln!(out, "  - {w}");
            }
        }
        out
    }
}

/// Energy in a readable fixed-point form, scientific beyond a billion pJ (1 mJ).
fn fmt_pj(pj: f64) -> String {
    if pj.abs() >= 1e9 {
        format!("{pj:.4e}")
    } else {
        format!("{:.3}", nz(pj))
    }
}

/// `part` as a percentage of `whole` (0 when the whole is 0).
fn fmt_share(part: f64, whole: f64) -> String {
    if whole > 0.0 {
        format!("{:.1}", 100.0 * part / whole)
    } else {
        "0.0".to_string()
    }
}
