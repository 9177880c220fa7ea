//! The estimator and its report: per-component, per-action energies with their sources, so a
//! designer sees both the total and which numbers (and which assumptions) dominate it.

use std::fmt::Write as _;

use serde::Serialize;

use super::sram;
use super::table::EnergyTable;
use super::{ComponentKind, ComponentUsage, Usage};

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
    /// Where `pj_each` comes from (table source, or the SRAM derivation), or why it is 0.
    pub source: String,
}

/// Energy of one component.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ComponentEnergy {
    /// Instance name from the usage.
    pub name: String,
    /// Short description of the kind, e.g. `sram 8192 B x 64 b`.
    pub kind: String,
    /// Sum of the actions' energies, pJ.
    pub dynamic_pj: f64,
    /// Leakage (or DRAM background) energy over the run, pJ.
    pub static_pj: f64,
    /// `dynamic_pj + static_pj`.
    pub total_pj: f64,
    /// Leakage or background power used for `static_pj`, µW.
    pub leakage_uw: f64,
    /// Where `leakage_uw` comes from, or why it is 0.
    pub static_source: String,
    /// Every counted action, in name order.
    pub actions: Vec<ActionEnergy>,
}

/// The energy estimate of one run (or, after [`EnergyReport::scaled`], of one sample).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EnergyReport {
    /// One entry per component of the usage, in usage order.
    pub components: Vec<ComponentEnergy>,
    /// Sum of the components' dynamic energies, pJ.
    pub dynamic_pj: f64,
    /// Sum of the components' static energies, pJ.
    pub static_pj: f64,
    /// `dynamic_pj + static_pj`.
    pub total_pj: f64,
    /// Clock cycles of the whole run.
    pub cycles: u64,
    /// Run time in seconds (per sample in a scaled report).
    pub seconds: f64,
    /// Synaptic operations of the whole run.
    pub synaptic_ops: u64,
    /// Energy per synaptic operation, pJ (`None` when no SOP was counted); unchanged by scaling.
    pub pj_per_sop: Option<f64>,
    /// How many samples the energies are divided over (1 for a whole-run report).
    pub samples: u64,
    /// Which table priced the run (its origin, e.g. `default-45nm.toml + my.toml`).
    pub table: String,
    /// Everything that was counted as 0 pJ for lack of data, or otherwise suspicious.
    pub warnings: Vec<String>,
}

impl EnergyTable {
    /// Prices a run: dynamic energy from the action counts, static energy from leakage power
    /// over `cycles / clock`. Never fails: gaps in the table become warnings and 0 pJ.
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
        let components: Vec<ComponentEnergy> = usage
            .components
            .iter()
            .map(|c| self.component_energy(c, usage, clock_ok, &mut warnings))
            .collect();
        let dynamic_pj: f64 = components.iter().map(|c| c.dynamic_pj).sum();
        let static_pj: f64 = components.iter().map(|c| c.static_pj).sum();
        let total_pj = dynamic_pj + static_pj;
        EnergyReport {
            components,
            dynamic_pj,
            static_pj,
            total_pj,
            cycles: usage.cycles,
            seconds,
            synaptic_ops: usage.synaptic_ops,
            pj_per_sop: (usage.synaptic_ops > 0).then(|| total_pj / usage.synaptic_ops as f64),
            samples: 1,
            table: self.origin().to_string(),
            warnings,
        }
    }

    fn component_energy(
        &self,
        c: &ComponentUsage,
        usage: &Usage,
        clock_ok: bool,
        warnings: &mut Vec<String>,
    ) -> ComponentEnergy {
        if let ComponentKind::Sram { bytes: 0, .. } = c.kind {
            warnings.push(format!(
                "SRAM `{}` has 0 bytes: its accesses and leakage are counted as 0 pJ",
                c.name
            ));
        }
        let mut actions = Vec::with_capacity(c.actions.len());
        for (action, &count) in &c.actions {
            let (pj_each, source) = match self.action_pj(&c.kind, action) {
                Some(priced) => priced,
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
                pj_each,
                total_pj: count as f64 * pj_each,
                source,
            });
        }
        let dynamic_pj: f64 = actions.iter().map(|a| a.total_pj).sum();
        let (leakage_uw, static_source) = match self.leakage_uw(c) {
            Some(found) => found,
            None => {
                if usage.cycles > 0 && !matches!(c.kind, ComponentKind::Sram { bytes: 0, .. }) {
                    warnings.push(format!(
                        "no leakage power for component `{}` ({}): static counted as 0 pJ",
                        c.name,
                        kind_label(&c.kind)
                    ));
                }
                (
                    0.0,
                    "no entry in the energy table: counted as 0 pJ".to_string(),
                )
            }
        };
        // µW × cycles / MHz = µW × µs = pJ.
        let static_pj = if clock_ok {
            leakage_uw * usage.cycles as f64 / usage.clock_mhz
        } else {
            0.0
        };
        ComponentEnergy {
            name: c.name.clone(),
            kind: kind_label(&c.kind),
            dynamic_pj,
            static_pj,
            total_pj: dynamic_pj + static_pj,
            leakage_uw,
            static_source,
            actions,
        }
    }

    /// Energy of one action of a component of this kind, with its source.
    fn action_pj(&self, kind: &ComponentKind, action: &str) -> Option<(f64, String)> {
        match kind {
            ComponentKind::Logic => self
                .logic_pj(action)
                .map(|p| (p.value, p.source.to_string())),
            ComponentKind::RegisterFile { word_bits, .. } => {
                self.register_file_pj_per_bit(action).map(|p| {
                    (
                        p.value * f64::from(*word_bits),
                        format!("{} pJ/bit x {word_bits} b ({})", p.value, p.source),
                    )
                })
            }
            ComponentKind::Sram { bytes, word_bits } => {
                let factor = match action {
                    "read" => None,
                    "write" => Some(self.sram_write_factor()?),
                    _ => return None,
                };
                let per_bit = sram::read_pj_per_bit(self.sram_points(), *bytes)?;
                let read = per_bit.pj * f64::from(*word_bits);
                let mut source = format!(
                    "SRAM read {:.4} pJ/bit ({}) x {word_bits} b",
                    per_bit.pj, per_bit.how
                );
                let pj = match factor {
                    Some(f) => {
                        let _ = write!(source, "; write = {} x read ({})", f.value, f.source);
                        read * f.value
                    }
                    None => read,
                };
                Some((pj, source))
            }
            ComponentKind::Dram { kind } => self
                .dram_action_pj(kind, action)
                .map(|p| (p.value, p.source.to_string())),
        }
    }

    /// Leakage (or DRAM background) power of a component in µW, with its source.
    fn leakage_uw(&self, c: &ComponentUsage) -> Option<(f64, String)> {
        match &c.kind {
            ComponentKind::Logic => self
                .logic_leakage_uw(&c.name)
                .map(|(key, p)| (p.value, format!("logic_leakage.{key}: {}", p.source))),
            ComponentKind::RegisterFile { bits, .. } => {
                self.register_file_leakage_nw_per_bit().map(|p| {
                    (
                        p.value * *bits as f64 / 1000.0,
                        format!("{} nW/bit x {bits} b ({})", p.value, p.source),
                    )
                })
            }
            ComponentKind::Sram { bytes: 0, .. } => None,
            ComponentKind::Sram { bytes, .. } => self.sram_leakage_uw_per_kb().map(|p| {
                (
                    p.value * *bytes as f64 / 1024.0,
                    format!("{} uW/KB x {bytes} B ({})", p.value, p.source),
                )
            }),
            ComponentKind::Dram { kind } => self
                .dram_background_mw(kind)
                .map(|p| (p.value * 1000.0, format!("{} mW ({})", p.value, p.source))),
        }
    }
}

/// Short label of a kind for tables and warnings.
fn kind_label(kind: &ComponentKind) -> String {
    match kind {
        ComponentKind::Sram { bytes, word_bits } => format!("sram {bytes} B x {word_bits} b"),
        ComponentKind::RegisterFile { bits, word_bits } => {
            format!("regfile {bits} b x {word_bits} b")
        }
        ComponentKind::Logic => "logic".to_string(),
        ComponentKind::Dram { kind } => format!("dram {kind}"),
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
            for a in &mut c.actions {
                a.total_pj /= d;
            }
        }
        out.dynamic_pj /= d;
        out.static_pj /= d;
        out.total_pj /= d;
        out.seconds /= d;
        out.samples = self.samples.saturating_mul(divisor);
        out
    }

    /// A fixed-width text table: one row per component (dynamic, static, total, share of the
    /// total), then the totals, run time, pJ/SOP and every warning.
    pub fn render_table(&self) -> String {
        let headers = [
            "component",
            "kind",
            "dynamic pJ",
            "static pJ",
            "total pJ",
            "share %",
        ];
        let mut rows: Vec<[String; 6]> = self
            .components
            .iter()
            .map(|c| {
                [
                    c.name.clone(),
                    c.kind.clone(),
                    fmt_pj(c.dynamic_pj),
                    fmt_pj(c.static_pj),
                    fmt_pj(c.total_pj),
                    fmt_share(c.total_pj, self.total_pj),
                ]
            })
            .collect();
        let total_row = [
            "TOTAL".to_string(),
            String::new(),
            fmt_pj(self.dynamic_pj),
            fmt_pj(self.static_pj),
            fmt_pj(self.total_pj),
            fmt_share(self.total_pj, self.total_pj),
        ];
        rows.push(total_row);
        let mut widths = headers.map(str::len);
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |cells: [&str; 6]| {
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
        let _ = writeln!(out, "{}", line(headers));
        let _ = writeln!(out, "{rule}");
        let (body, total) = rows.split_at(rows.len() - 1);
        for row in body {
            let _ = writeln!(out, "{}", line(row.each_ref().map(String::as_str)));
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
        match self.pj_per_sop {
            Some(p) => {
                let _ = writeln!(out, "pJ/SOP: {p:.4} ({} synaptic ops)", self.synaptic_ops);
            }
            None => out.push_str("pJ/SOP: n/a (no synaptic ops counted)\n"),
        }
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
        format!("{pj:.3}")
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
