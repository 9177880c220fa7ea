//! Cell areas: Yosys' generic gates priced as NanGate 45 nm X1 cells (the embedded, cited
//! table `synth/data/nangate45-x1.csv`, provenance beside it), or a user's Liberty file.
//!
//! # Mapping of generic cells (docs/synthesis.md, "Cell mapping")
//!
//! The generic flow ends with `abc -g` over AND, NAND, OR, NOR, XOR, XNOR, ANDNOT, ORNOT, MUX,
//! AOI3, OAI3, AOI4 and OAI4, and flops legalised to plain `$_DFF_P_` (enables and synchronous
//! resets become logic ABC maps with the rest), so every cell it leaves has one X1 equivalent
//! or a two-cell one: `$_ANDNOT_` (A & !B) is INV + NOR2 (= NOR(!A, B)), `$_ORNOT_` (A | !B)
//! is INV + NAND2, `$_NMUX_` is MUX2 + INV. [`GENERIC_MAP`] is the whole table; a cell type
//! outside it is an error naming it, never priced as 0.

use std::collections::BTreeMap;

use crate::error::SynthError;

/// The embedded NanGate 45 nm X1 areas.
const NANGATE_CSV: &str = include_str!("../data/nangate45-x1.csv");
/// How errors name it.
pub const NANGATE_ORIGIN: &str = "synth/data/nangate45-x1.csv";
/// Node of the NanGate library, nm.
pub const NANGATE_NODE_NM: u32 = 45;

/// Yosys generic cell -> the NanGate X1 cells it is priced as (each listed once per use).
pub const GENERIC_MAP: &[(&str, &[&str])] = &[
    ("$_BUF_", &["BUF_X1"]),
    ("$_NOT_", &["INV_X1"]),
    ("$_AND_", &["AND2_X1"]),
    ("$_NAND_", &["NAND2_X1"]),
    ("$_OR_", &["OR2_X1"]),
    ("$_NOR_", &["NOR2_X1"]),
    ("$_XOR_", &["XOR2_X1"]),
    ("$_XNOR_", &["XNOR2_X1"]),
    ("$_ANDNOT_", &["INV_X1", "NOR2_X1"]),
    ("$_ORNOT_", &["INV_X1", "NAND2_X1"]),
    ("$_MUX_", &["MUX2_X1"]),
    ("$_NMUX_", &["MUX2_X1", "INV_X1"]),
    ("$_AOI3_", &["AOI21_X1"]),
    ("$_OAI3_", &["OAI21_X1"]),
    ("$_AOI4_", &["AOI22_X1"]),
    ("$_OAI4_", &["OAI22_X1"]),
    ("$_DFF_P_", &["DFF_X1"]),
    // Asynchronous reset / set (active low in the library; an active-high reset shares one
    // inverter per reset net, not counted).
    ("$_DFF_PN0_", &["DFFR_X1"]),
    ("$_DFF_PN1_", &["DFFS_X1"]),
    ("$_DLATCH_P_", &["DLH_X1"]),
    ("$_DLATCH_N_", &["DLL_X1"]),
];

/// The flop and latch types the generic flow legalises to (`dfflegalize -cell ...`).
pub const GENERIC_FLOPS: &[&str] = &[
    "$_DFF_P_",
    "$_DFF_PN0_",
    "$_DFF_PN1_",
    "$_DLATCH_P_",
    "$_DLATCH_N_",
];

/// Areas of library cells, µm², and which of them store state.
#[derive(Clone, Debug, PartialEq)]
pub struct CellLibrary {
    /// Where the areas come from (a file, or the embedded table).
    pub origin: String,
    /// Cell -> area, µm².
    pub area_um2: BTreeMap<String, f64>,
    /// Cells with an `ff` or `latch` group (Liberty) or mapped from a flop (generic).
    pub sequential: Vec<String>,
}

impl CellLibrary {
    /// The embedded NanGate X1 table, keyed by *generic* Yosys cell: each generic cell's area
    /// is the sum of its X1 equivalents in [`GENERIC_MAP`].
    pub fn generic() -> Result<Self, SynthError> {
        let x1 = nangate_x1()?;
        let mut area_um2 = BTreeMap::new();
        for (generic, cells) in GENERIC_MAP {
            let mut a = 0.0;
            for c in *cells {
                a += x1.get(*c).copied().ok_or_else(|| SynthError::Parse {
                    file: NANGATE_ORIGIN.into(),
                    field: (*c).into(),
                    problem: format!("missing (needed for {generic})"),
                })?;
            }
            area_um2.insert((*generic).to_string(), a);
        }
        Ok(CellLibrary {
            origin: format!("NanGate 45 nm Open Cell Library X1 cells ({NANGATE_ORIGIN})"),
            area_um2,
            sequential: GENERIC_FLOPS.iter().map(|s| s.to_string()).collect(),
        })
    }

    /// Cell areas and sequential cells read from a Liberty file's text (`origin` names it in
    /// errors).
    pub fn from_liberty(text: &str, origin: &str) -> Result<Self, SynthError> {
        let cells = crate::liberty::cells(text, origin)?;
        let mut area_um2 = BTreeMap::new();
        let mut sequential = Vec::new();
        for c in cells {
            if c.sequential {
                sequential.push(c.name.clone());
            }
            area_um2.insert(c.name, c.area);
        }
        Ok(CellLibrary {
            origin: format!("Liberty file {origin}"),
            area_um2,
            sequential,
        })
    }

    /// Whether `cell` stores state (a flop or a latch).
    pub fn is_sequential(&self, cell: &str) -> bool {
        self.sequential.iter().any(|s| s == cell)
    }
}

/// The NanGate X1 table: cell -> area µm², checked (header, finite positive areas, no repeats).
pub fn nangate_x1() -> Result<BTreeMap<String, f64>, SynthError> {
    parse_area_csv(NANGATE_CSV, NANGATE_ORIGIN)
}

fn parse_area_csv(text: &str, origin: &str) -> Result<BTreeMap<String, f64>, SynthError> {
    let bad = |line: usize, field: &str, problem: String| SynthError::Parse {
        file: format!("{origin}:{line}"),
        field: field.to_string(),
        problem,
    };
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, h)) if h.trim() == "cell,area_um2" => {}
        _ => return Err(bad(1, "header", "must be exactly `cell,area_um2`".into())),
    }
    let mut out = BTreeMap::new();
    for (i, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        if f.len() != 2 {
            return Err(bad(
                i + 1,
                "row",
                format!("has {} fields, expected 2", f.len()),
            ));
        }
        let a: f64 = f[1]
            .parse()
            .map_err(|_| bad(i + 1, "area_um2", format!("`{}` is not a number", f[1])))?;
        if !a.is_finite() || a <= 0.0 {
            return Err(bad(i + 1, "area_um2", format!("{a} must be positive")));
        }
        if out.insert(f[0].to_string(), a).is_some() {
            return Err(bad(i + 1, "cell", format!("`{}` appears twice", f[0])));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_table_is_complete_and_cited_values_hold() {
        let x1 = nangate_x1().unwrap();
        assert_eq!(x1["NAND2_X1"], 0.798);
        assert_eq!(x1["INV_X1"], 0.532);
        assert_eq!(x1["DFF_X1"], 4.522);
        assert_eq!(x1["MUX2_X1"], 1.862);
        let g = CellLibrary::generic().unwrap();
        assert_eq!(g.area_um2.len(), GENERIC_MAP.len());
        // Two-cell equivalents are the sums of their cells.
        assert!((g.area_um2["$_ANDNOT_"] - (0.532 + 0.798)).abs() < 1e-12);
        assert!((g.area_um2["$_NMUX_"] - (1.862 + 0.532)).abs() < 1e-12);
        assert!(g.is_sequential("$_DFF_P_"));
        assert!(!g.is_sequential("$_AND_"));
    }

    #[test]
    fn malformed_tables_are_refused_with_the_line() {
        let e = parse_area_csv("cell,area_um2\nX,-1\n", "t.csv").unwrap_err();
        assert_eq!(e.to_string(), "t.csv:2: area_um2: -1 must be positive");
        let e = parse_area_csv("cell,area\n", "t.csv").unwrap_err();
        assert!(e.to_string().contains("header"), "{e}");
        let e = parse_area_csv("cell,area_um2\nX,1\nX,2\n", "t.csv").unwrap_err();
        assert!(e.to_string().contains("twice"), "{e}");
    }
}
