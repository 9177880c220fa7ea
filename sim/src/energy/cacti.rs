//! SRAM macros from CACTI 7: the embedded table `sim/energy/cacti/sram-cacti7.csv` (CACTI 7.0
//! runs at 45, 32 and 22 nm; `PROVENANCE.md` beside it says how it was made, SHA256 in
//! `SHA256SUMS`) and the one interpolation rule every SRAM and register file is priced with.
//!
//! # Look-up rule
//!
//! A macro of `capacity` bytes and `word_bits` is priced from the *series* of the chip's node,
//! cell type and port type (one row per capacity and word width):
//!
//! * **Capacity**: log-log interpolation between the two neighbouring capacities of the
//!   series (`ln value` linear in `ln capacity`), for read and write energy, leakage, area and
//!   access time. Below the smallest capacity (1 KiB) the 1 KiB macro is used as is (CACTI's
//!   smallest array; an upper bound for a smaller one, documented in docs/energy.md); above
//!   the largest (4 MiB) is an error.
//! * **Word width**: at a width of the series, its rows; between two widths of the series,
//!   linear interpolation between the two (each first interpolated in capacity); outside
//!   them, the nearest width scaled per bit (energies x `word_bits / w`; leakage, area and
//!   access time unchanged, since the capacity is the same).
//!
//! The table is checked when parsed: exact header, finite non-negative numbers, known cell and
//! port names, and within every series energies, leakage and area that never decrease with
//! capacity (CACTI's cycle time may, and is not used).

use std::collections::BTreeSet;

use serde::Serialize;

use super::EnergyError;

/// The embedded CACTI 7 table.
pub(crate) const CACTI_CSV: &str = include_str!("../../energy/cacti/sram-cacti7.csv");
/// How errors name it.
pub(crate) const CACTI_ORIGIN: &str = "sim/energy/cacti/sram-cacti7.csv";
const HEADER: &str = "tech_nm,cell_type,ports,capacity_bytes,word_bits,banks,read_energy_pj,\
write_energy_pj,leakage_mw,area_mm2,access_time_ns,cycle_time_ns";

/// One SRAM macro: CACTI's outputs for one capacity and word width (or an interpolation).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Macro {
    /// Capacity, bytes.
    pub capacity_bytes: u64,
    /// Access width, bits.
    pub word_bits: u32,
    /// Dynamic energy of one read of `word_bits`, pJ.
    pub read_pj: f64,
    /// Dynamic energy of one write, pJ.
    pub write_pj: f64,
    /// Standby leakage (subthreshold + gate), mW.
    pub leakage_mw: f64,
    /// Macro area, mm².
    pub area_mm2: f64,
    /// Access time, ns.
    pub access_ns: f64,
}

/// One row of the table.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Row {
    pub(crate) tech_nm: u32,
    pub(crate) cell: String,
    pub(crate) ports: String,
    pub(crate) m: Macro,
}

/// The parsed, checked CACTI table.
#[derive(Clone, Debug)]
pub struct CactiTable {
    rows: Vec<Row>,
}

/// Cell types CACTI knows (the table's `cell_type` column must be one of them).
pub const CELL_TYPES: [&str; 3] = ["itrs-hp", "itrs-lstp", "itrs-lop"];
/// Port types of the table.
pub const PORT_TYPES: [&str; 2] = ["1rw", "1r1w"];

impl CactiTable {
    /// The embedded table. It is checked by a unit test, so a failure here would be a bug of
    /// this crate; it then yields an empty table, whose look-ups all fail with a clear error.
    pub fn embedded() -> Self {
        Self::parse(CACTI_CSV, CACTI_ORIGIN).unwrap_or(CactiTable { rows: Vec::new() })
    }

    /// Parses and checks a table in the CSV form of `PROVENANCE.md`; `origin` names it in
    /// errors (which give the line and column).
    pub fn parse(text: &str, origin: &str) -> Result<Self, EnergyError> {
        let bad = |line: usize, entry: &str, problem: String| EnergyError::Invalid {
            origin: format!("{origin}:{line}"),
            entry: entry.to_string(),
            problem,
        };
        let mut lines = text.lines().enumerate();
        match lines.next() {
            Some((_, h)) if h.trim() == HEADER => {}
            _ => return Err(bad(1, "header", format!("must be exactly `{HEADER}`"))),
        }
        let mut rows = Vec::new();
        for (i, line) in lines {
            let n = i + 1;
            if line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split(',').map(str::trim).collect();
            if f.len() != 12 {
                return Err(bad(
                    n,
                    "row",
                    format!("has {} fields, expected 12", f.len()),
                ));
            }
            let int = |k: usize, name: &str| -> Result<u64, EnergyError> {
                f[k].parse::<u64>()
                    .map_err(|_| bad(n, name, format!("`{}` is not a whole number", f[k])))
            };
            let num = |k: usize, name: &str| -> Result<f64, EnergyError> {
                let v: f64 = f[k]
                    .parse()
                    .map_err(|_| bad(n, name, format!("`{}` is not a number", f[k])))?;
                if !v.is_finite() || v < 0.0 {
                    return Err(bad(n, name, format!("{v} must be finite and not negative")));
                }
                Ok(v + 0.0) // + 0.0 turns -0.0 into 0.0
            };
            if !CELL_TYPES.contains(&f[1]) {
                return Err(bad(
                    n,
                    "cell_type",
                    format!("`{}` is not one of {CELL_TYPES:?}", f[1]),
                ));
            }
            if !PORT_TYPES.contains(&f[2]) {
                return Err(bad(
                    n,
                    "ports",
                    format!("`{}` is not one of {PORT_TYPES:?}", f[2]),
                ));
            }
            let capacity = int(3, "capacity_bytes")?;
            let word_bits = int(4, "word_bits")?;
            if capacity == 0 || word_bits == 0 || word_bits > 4096 {
                return Err(bad(
                    n,
                    "capacity_bytes/word_bits",
                    "must be positive".into(),
                ));
            }
            rows.push(Row {
                tech_nm: int(0, "tech_nm")? as u32,
                cell: f[1].to_string(),
                ports: f[2].to_string(),
                m: Macro {
                    capacity_bytes: capacity,
                    word_bits: word_bits as u32,
                    read_pj: num(6, "read_energy_pj")?,
                    write_pj: num(7, "write_energy_pj")?,
                    leakage_mw: num(8, "leakage_mw")?,
                    area_mm2: num(9, "area_mm2")?,
                    access_ns: num(10, "access_time_ns")?,
                },
            });
            let _ = num(11, "cycle_time_ns")?;
        }
        let table = CactiTable { rows };
        table.check_monotonic(origin)?;
        Ok(table)
    }

    /// Within each series (node, cell, ports, width), energies, leakage and area must not
    /// decrease with capacity: a decrease means a corrupted or hand-edited row, which would
    /// price a bigger macro below a smaller one.
    fn check_monotonic(&self, origin: &str) -> Result<(), EnergyError> {
        let keys: BTreeSet<(u32, &str, &str, u32)> = self
            .rows
            .iter()
            .map(|r| (r.tech_nm, r.cell.as_str(), r.ports.as_str(), r.m.word_bits))
            .collect();
        for (tech, cell, ports, w) in keys {
            let mut s: Vec<&Macro> = self
                .rows
                .iter()
                .filter(|r| r.tech_nm == tech && r.cell == cell && r.ports == ports)
                .map(|r| &r.m)
                .filter(|m| m.word_bits == w)
                .collect();
            s.sort_by_key(|m| m.capacity_bytes);
            for pair in s.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                let series = format!("{tech} nm {cell} {ports} {w}-bit");
                if a.capacity_bytes == b.capacity_bytes {
                    return Err(EnergyError::Invalid {
                        origin: origin.to_string(),
                        entry: series,
                        problem: format!("two rows for {} bytes", a.capacity_bytes),
                    });
                }
                for (name, x, y) in [
                    ("read_energy_pj", a.read_pj, b.read_pj),
                    ("write_energy_pj", a.write_pj, b.write_pj),
                    ("leakage_mw", a.leakage_mw, b.leakage_mw),
                    ("area_mm2", a.area_mm2, b.area_mm2),
                ] {
                    if y < x {
                        return Err(EnergyError::Invalid {
                            origin: origin.to_string(),
                            entry: series,
                            problem: format!(
                                "not monotonic: {name} falls from {x} at {} bytes to {y} at {} bytes",
                                a.capacity_bytes, b.capacity_bytes
                            ),
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// Cell types with rows at this node and port type.
    pub fn cells(&self, tech_nm: u32, ports: &str) -> Vec<&'static str> {
        CELL_TYPES
            .into_iter()
            .filter(|c| {
                self.rows
                    .iter()
                    .any(|r| r.tech_nm == tech_nm && r.cell == *c && r.ports == ports)
            })
            .collect()
    }

    /// Nodes with rows.
    pub fn nodes(&self) -> Vec<u32> {
        let s: BTreeSet<u32> = self.rows.iter().map(|r| r.tech_nm).collect();
        s.into_iter().collect()
    }

    /// The macro of `capacity` bytes and `word_bits` at this node, cell and port type, by the
    /// rule of the module doc.
    pub fn lookup(
        &self,
        tech_nm: u32,
        cell: &str,
        ports: &str,
        capacity: u64,
        word_bits: u32,
    ) -> Result<Macro, String> {
        let series: Vec<&Macro> = self
            .rows
            .iter()
            .filter(|r| r.tech_nm == tech_nm && r.cell == cell && r.ports == ports)
            .map(|r| &r.m)
            .collect();
        if series.is_empty() {
            return Err(format!(
                "the CACTI table has no {tech_nm} nm {cell} {ports} macros"
            ));
        }
        if capacity == 0 || word_bits == 0 {
            return Err("a macro of 0 bytes or 0-bit words has no CACTI figure".into());
        }
        let widths: BTreeSet<u32> = series.iter().map(|m| m.word_bits).collect();
        let at_width = |w: u32| -> Result<Macro, String> {
            let mut s: Vec<&Macro> = series
                .iter()
                .copied()
                .filter(|m| m.word_bits == w)
                .collect();
            s.sort_by_key(|m| m.capacity_bytes);
            along_capacity(&s, capacity)
        };
        let below = widths.range(..=word_bits).next_back().copied();
        let above = widths.range(word_bits..).next().copied();
        let m = match (below, above) {
            (Some(a), Some(b)) if a == b => at_width(a)?,
            (Some(a), Some(b)) => {
                let (ma, mb) = (at_width(a)?, at_width(b)?);
                let t = f64::from(word_bits - a) / f64::from(b - a);
                lerp_macro(&ma, &mb, t)
            }
            (Some(w), None) | (None, Some(w)) => {
                let mut m = at_width(w)?;
                let k = f64::from(word_bits) / f64::from(w);
                m.read_pj *= k;
                m.write_pj *= k;
                m
            }
            (None, None) => return Err("empty series".into()),
        };
        Ok(Macro {
            capacity_bytes: capacity,
            word_bits,
            ..m
        })
    }
}

/// Log-log interpolation of one width's series (sorted by capacity) at `capacity`.
fn along_capacity(s: &[&Macro], capacity: u64) -> Result<Macro, String> {
    let (first, last) = match (s.first(), s.last()) {
        (Some(f), Some(l)) => (*f, *l),
        _ => return Err("empty series".into()),
    };
    if capacity <= first.capacity_bytes {
        return Ok(*first);
    }
    if let Some(exact) = s.iter().find(|m| m.capacity_bytes == capacity) {
        return Ok(**exact);
    }
    if capacity > last.capacity_bytes {
        return Err(format!(
            "{capacity} bytes is above the largest CACTI macro of the table ({} bytes); split it \
             into banks or give the macro's figures in an energy table",
            last.capacity_bytes
        ));
    }
    let k = s
        .iter()
        .position(|m| m.capacity_bytes >= capacity)
        .unwrap_or(s.len() - 1)
        .max(1);
    let (a, b) = (s[k - 1], s[k]);
    let t = ((capacity as f64).ln() - (a.capacity_bytes as f64).ln())
        / ((b.capacity_bytes as f64).ln() - (a.capacity_bytes as f64).ln());
    let g = |x: f64, y: f64| {
        if x > 0.0 && y > 0.0 {
            (x.ln() + t * (y.ln() - x.ln())).exp()
        } else {
            x + t * (y - x)
        }
    };
    Ok(Macro {
        capacity_bytes: capacity,
        word_bits: a.word_bits,
        read_pj: g(a.read_pj, b.read_pj),
        write_pj: g(a.write_pj, b.write_pj),
        leakage_mw: g(a.leakage_mw, b.leakage_mw),
        area_mm2: g(a.area_mm2, b.area_mm2),
        access_ns: g(a.access_ns, b.access_ns),
    })
}

/// Linear interpolation between two macros (in word width).
fn lerp_macro(a: &Macro, b: &Macro, t: f64) -> Macro {
    let l = |x: f64, y: f64| x + t * (y - x);
    Macro {
        capacity_bytes: a.capacity_bytes,
        word_bits: a.word_bits,
        read_pj: l(a.read_pj, b.read_pj),
        write_pj: l(a.write_pj, b.write_pj),
        leakage_mw: l(a.leakage_mw, b.leakage_mw),
        area_mm2: l(a.area_mm2, b.area_mm2),
        access_ns: l(a.access_ns, b.access_ns),
    }
}
