//! The energy table: schema of the TOML file, validation, merging of overrides and look-ups.
//!
//! The file schema is strict (`deny_unknown_fields` everywhere) because a misspelt field in an
//! override file would otherwise be silently ignored and the default number used instead.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::EnergyError;

/// The default table's text, compiled in so estimates work without any file next to the binary.
pub(crate) const DEFAULT_45NM: &str = include_str!("../../energy/default-45nm.toml");
/// How errors and reports name the embedded default table.
pub(crate) const DEFAULT_ORIGIN: &str = "default-45nm.toml";

/// A validated energy table: per-action energies and leakage powers, each with its source.
///
/// Build it with [`EnergyTable::default_45nm`], [`EnergyTable::from_toml_str`] or
/// [`EnergyTable::load`]; combine with [`EnergyTable::with_overrides`]; use it with
/// [`EnergyTable::estimate`].
#[derive(Clone, Debug, Serialize)]
pub struct EnergyTable {
    /// Where the entries came from (file names joined by ` + ` after overrides).
    origin: String,
    /// The entries, already validated.
    file: TableFile,
}

/// Root of the TOML file. Every section is optional so an override file can be partial.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct TableFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    meta: Option<Meta>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    logic: BTreeMap<String, PerAction>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    logic_leakage: BTreeMap<String, Microwatts>,
    #[serde(default)]
    sram: SramSection,
    #[serde(default)]
    register_file: RegisterFileSection,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    dram: BTreeMap<String, BTreeMap<String, DramEntry>>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct Meta {
    description: String,
    source: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct PerAction {
    pj: f64,
    source: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct Microwatts {
    uw: f64,
    source: String,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct SramSection {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    points: BTreeMap<String, SramPoint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    write_factor: Option<Factor>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    leakage: Option<SramLeakage>,
}

/// One measured SRAM macro: its read energy for one access of `word_bits`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SramPoint {
    pub(crate) bytes: u64,
    pub(crate) word_bits: u32,
    pub(crate) read_pj: f64,
    pub(crate) source: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct Factor {
    value: f64,
    source: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct SramLeakage {
    uw_per_kb: f64,
    source: String,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RegisterFileSection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    read: Option<PerBit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    write: Option<PerBit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    leakage: Option<NanowattsPerBit>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct PerBit {
    pj_per_bit: f64,
    source: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct NanowattsPerBit {
    nw_per_bit: f64,
    source: String,
}

/// An entry under `[dram.<kind>]`: an action priced by `pj` or `pj_per_bit`, or (under the key
/// `background`) a power in `mw`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct DramEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pj: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pj_per_bit: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mw: Option<f64>,
    source: String,
}

/// The key under `[dram.<kind>]` that holds background power rather than an action.
const DRAM_BACKGROUND: &str = "background";

/// A price found in the table: the energy and the source that justifies it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Priced<'a> {
    pub(crate) value: f64,
    pub(crate) source: &'a str,
}

impl EnergyTable {
    /// The embedded 45 nm table (`sim/energy/default-45nm.toml`).
    ///
    /// The text is compiled in and checked by a unit test, so a failure here is a bug in this
    /// crate, never bad user input; it then yields an empty table (every action warned about)
    /// rather than a panic.
    pub fn default_45nm() -> Self {
        Self::from_toml_str(DEFAULT_45NM, DEFAULT_ORIGIN).unwrap_or_else(|_| EnergyTable {
            origin: format!("{DEFAULT_ORIGIN} (failed to parse: bug)"),
            file: TableFile::default(),
        })
    }

    /// Parses and validates a table; `origin` names the text (usually its file) in errors.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Self, EnergyError> {
        let file: TableFile = toml::from_str(text).map_err(|e| EnergyError::Parse {
            origin: origin.to_string(),
            line: e.span().map(|span| line_of(text, span.start)),
            message: e.message().trim().to_string(),
        })?;
        file.validate(origin)?;
        Ok(EnergyTable {
            origin: origin.to_string(),
            file,
        })
    }

    /// Reads, parses and validates a table file; errors name `path`.
    pub fn load(path: &Path) -> Result<Self, EnergyError> {
        let text = std::fs::read_to_string(path).map_err(|source| EnergyError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_toml_str(&text, &path.display().to_string())
    }

    /// Merges `other` over `self`: every entry of `other` replaces the entry of the same key
    /// (e.g. `logic.add16`, `sram.points.horowitz_8kb`, `dram.ddr3.activate`); entries only in
    /// `self` are kept. This lets a designer override a few numbers without copying the file.
    pub fn with_overrides(mut self, other: EnergyTable) -> Self {
        let theirs = other.file;
        let mine = &mut self.file;
        if theirs.meta.is_some() {
            mine.meta = theirs.meta;
        }
        mine.logic.extend(theirs.logic);
        mine.logic_leakage.extend(theirs.logic_leakage);
        mine.sram.points.extend(theirs.sram.points);
        if theirs.sram.write_factor.is_some() {
            mine.sram.write_factor = theirs.sram.write_factor;
        }
        if theirs.sram.leakage.is_some() {
            mine.sram.leakage = theirs.sram.leakage;
        }
        let rf = theirs.register_file;
        if rf.read.is_some() {
            mine.register_file.read = rf.read;
        }
        if rf.write.is_some() {
            mine.register_file.write = rf.write;
        }
        if rf.leakage.is_some() {
            mine.register_file.leakage = rf.leakage;
        }
        for (kind, entries) in theirs.dram {
            mine.dram.entry(kind).or_default().extend(entries);
        }
        self.origin = format!("{} + {}", self.origin, other.origin);
        self
    }

    /// Where the entries came from: the origin given when parsing, or `a + b` after overrides.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Every entry as `(dotted key, source)`, sorted by key, so tools can list what the table
    /// prices and why (and tests can check coverage).
    pub fn sources(&self) -> Vec<(String, &str)> {
        let f = &self.file;
        let mut out: Vec<(String, &str)> = Vec::new();
        if let Some(m) = &f.meta {
            out.push(("meta".into(), &m.source));
        }
        out.extend(
            f.logic
                .iter()
                .map(|(k, e)| (format!("logic.{k}"), e.source.as_str())),
        );
        out.extend(
            f.logic_leakage
                .iter()
                .map(|(k, e)| (format!("logic_leakage.{k}"), e.source.as_str())),
        );
        out.extend(
            f.sram
                .points
                .iter()
                .map(|(k, e)| (format!("sram.points.{k}"), e.source.as_str())),
        );
        if let Some(e) = &f.sram.write_factor {
            out.push(("sram.write_factor".into(), &e.source));
        }
        if let Some(e) = &f.sram.leakage {
            out.push(("sram.leakage".into(), &e.source));
        }
        let rf = &f.register_file;
        if let Some(e) = &rf.read {
            out.push(("register_file.read".into(), &e.source));
        }
        if let Some(e) = &rf.write {
            out.push(("register_file.write".into(), &e.source));
        }
        if let Some(e) = &rf.leakage {
            out.push(("register_file.leakage".into(), &e.source));
        }
        for (kind, entries) in &f.dram {
            out.extend(
                entries
                    .iter()
                    .map(|(k, e)| (format!("dram.{kind}.{k}"), e.source.as_str())),
            );
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// The source of the entry with this dotted key, if the table has it.
    pub fn source(&self, key: &str) -> Option<&str> {
        self.sources()
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, s)| s)
    }

    // ---- look-ups used by the estimator -------------------------------------------------

    /// Energy of one logic action, in pJ.
    pub(crate) fn logic_pj(&self, action: &str) -> Option<Priced<'_>> {
        self.file.logic.get(action).map(|e| Priced {
            value: e.pj,
            source: &e.source,
        })
    }

    /// Leakage of a logic component in µW, with the key it was found under.
    pub(crate) fn logic_leakage_uw(&self, name: &str) -> Option<(String, Priced<'_>)> {
        let class = logic_class(name);
        [name, class, "default"].into_iter().find_map(|key| {
            self.file.logic_leakage.get(key).map(|e| {
                (
                    key.to_string(),
                    Priced {
                        value: e.uw,
                        source: &e.source,
                    },
                )
            })
        })
    }

    /// The SRAM points, by key.
    pub(crate) fn sram_points(&self) -> &BTreeMap<String, SramPoint> {
        &self.file.sram.points
    }

    /// Write energy as a multiple of read energy.
    pub(crate) fn sram_write_factor(&self) -> Option<Priced<'_>> {
        self.file.sram.write_factor.as_ref().map(|e| Priced {
            value: e.value,
            source: &e.source,
        })
    }

    /// SRAM leakage in µW per KB.
    pub(crate) fn sram_leakage_uw_per_kb(&self) -> Option<Priced<'_>> {
        self.file.sram.leakage.as_ref().map(|e| Priced {
            value: e.uw_per_kb,
            source: &e.source,
        })
    }

    /// Register-file access energy per bit for `read` or `write`.
    pub(crate) fn register_file_pj_per_bit(&self, action: &str) -> Option<Priced<'_>> {
        let rf = &self.file.register_file;
        let entry = match action {
            "read" => rf.read.as_ref(),
            "write" => rf.write.as_ref(),
            _ => None,
        };
        entry.map(|e| Priced {
            value: e.pj_per_bit,
            source: &e.source,
        })
    }

    /// Register-file leakage in nW per bit.
    pub(crate) fn register_file_leakage_nw_per_bit(&self) -> Option<Priced<'_>> {
        self.file.register_file.leakage.as_ref().map(|e| Priced {
            value: e.nw_per_bit,
            source: &e.source,
        })
    }

    /// Energy of one DRAM action in pJ (a `pj_per_bit` entry is per byte: 8 × pJ/bit).
    pub(crate) fn dram_action_pj(&self, kind: &str, action: &str) -> Option<Priced<'_>> {
        if action == DRAM_BACKGROUND {
            return None;
        }
        let entry = self.file.dram.get(&kind.to_lowercase())?.get(action)?;
        let value = match (entry.pj, entry.pj_per_bit) {
            (Some(pj), _) => pj,
            (None, Some(per_bit)) => 8.0 * per_bit,
            (None, None) => return None,
        };
        Some(Priced {
            value,
            source: &entry.source,
        })
    }

    /// Background power of a DRAM kind in mW.
    pub(crate) fn dram_background_mw(&self, kind: &str) -> Option<Priced<'_>> {
        let entry = self
            .file
            .dram
            .get(&kind.to_lowercase())?
            .get(DRAM_BACKGROUND)?;
        entry.mw.map(|mw| Priced {
            value: mw,
            source: &entry.source,
        })
    }
}

impl TableFile {
    /// Rejects values no physical table can hold, naming the entry.
    fn validate(&self, origin: &str) -> Result<(), EnergyError> {
        let bad = |entry: String, problem: String| EnergyError::Invalid {
            origin: origin.to_string(),
            entry,
            problem,
        };
        let check = |entry: String, field: &str, value: f64, source: &str| {
            if !value.is_finite() {
                return Err(bad(
                    entry,
                    format!("`{field}` = {value} is not a finite number"),
                ));
            }
            if value < 0.0 {
                return Err(bad(entry, format!("`{field}` = {value} is negative")));
            }
            if source.trim().is_empty() {
                return Err(bad(entry, "`source` is empty".to_string()));
            }
            Ok(())
        };
        if let Some(m) = &self.meta {
            if m.source.trim().is_empty() {
                return Err(bad("meta".into(), "`source` is empty".into()));
            }
        }
        for (k, e) in &self.logic {
            check(format!("logic.{k}"), "pj", e.pj, &e.source)?;
        }
        for (k, e) in &self.logic_leakage {
            check(format!("logic_leakage.{k}"), "uw", e.uw, &e.source)?;
        }
        for (k, p) in &self.sram.points {
            let entry = format!("sram.points.{k}");
            check(entry.clone(), "read_pj", p.read_pj, &p.source)?;
            if p.read_pj == 0.0 {
                return Err(bad(
                    entry,
                    "`read_pj` must be > 0 (points are interpolated in log-log)".into(),
                ));
            }
            if p.bytes == 0 {
                return Err(bad(entry, "`bytes` must be > 0".into()));
            }
            if p.word_bits == 0 {
                return Err(bad(entry, "`word_bits` must be > 0".into()));
            }
        }
        if let Some(e) = &self.sram.write_factor {
            check("sram.write_factor".into(), "value", e.value, &e.source)?;
        }
        if let Some(e) = &self.sram.leakage {
            check("sram.leakage".into(), "uw_per_kb", e.uw_per_kb, &e.source)?;
        }
        let rf = &self.register_file;
        if let Some(e) = &rf.read {
            check(
                "register_file.read".into(),
                "pj_per_bit",
                e.pj_per_bit,
                &e.source,
            )?;
        }
        if let Some(e) = &rf.write {
            check(
                "register_file.write".into(),
                "pj_per_bit",
                e.pj_per_bit,
                &e.source,
            )?;
        }
        if let Some(e) = &rf.leakage {
            check(
                "register_file.leakage".into(),
                "nw_per_bit",
                e.nw_per_bit,
                &e.source,
            )?;
        }
        for (kind, entries) in &self.dram {
            if kind.to_lowercase() != *kind {
                return Err(bad(
                    format!("dram.{kind}"),
                    "DRAM kinds must be lower-case (usage kinds are matched lower-cased)".into(),
                ));
            }
            for (k, e) in entries {
                let entry = format!("dram.{kind}.{k}");
                let given: Vec<(&str, f64)> =
                    [("pj", e.pj), ("pj_per_bit", e.pj_per_bit), ("mw", e.mw)]
                        .into_iter()
                        .filter_map(|(name, v)| v.map(|v| (name, v)))
                        .collect();
                let expected = if k == DRAM_BACKGROUND {
                    "`mw`"
                } else {
                    "one of `pj` or `pj_per_bit`"
                };
                let fits = match given.as_slice() {
                    [(name, _)] if k == DRAM_BACKGROUND => *name == "mw",
                    [(name, _)] => *name != "mw",
                    _ => false,
                };
                if !fits {
                    let names: Vec<&str> = given.iter().map(|(n, _)| *n).collect();
                    return Err(bad(
                        entry,
                        format!("needs exactly {expected}, found [{}]", names.join(", ")),
                    ));
                }
                let (name, value) = given[0];
                check(entry, name, value, &e.source)?;
            }
        }
        Ok(())
    }
}

/// The class of a logic component: its name without a trailing index (`pe[3]`, `pe_3`, `pe.3`,
/// `pe3` → `pe`), so one leakage entry covers every instance of a replicated block.
pub(crate) fn logic_class(name: &str) -> &str {
    let mut s = name;
    if s.ends_with(']') {
        if let Some(open) = s.rfind('[') {
            s = &s[..open];
        }
    }
    s = s.trim_end_matches(|c: char| c.is_ascii_digit());
    s = s.trim_end_matches(['_', '.', '-']);
    if s.is_empty() {
        name
    } else {
        s
    }
}

/// 1-based line number of byte offset `at` in `text`.
fn line_of(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    text.as_bytes()[..at]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
