//! The energy table: schema of the TOML file, validation, strict merging of overrides and
//! look-ups.
//!
//! The file schema is strict (`deny_unknown_fields` everywhere), and an override file may only
//! name entries the default table has (`[logic.add_16]` is refused with its name), because a
//! misspelt entry would otherwise be silently ignored and the default number used instead.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::EnergyError;

/// The default table's text, compiled in so estimates work without any file next to the binary.
pub(crate) const DEFAULT_45NM: &str = include_str!("../../energy/default-45nm.toml");
/// How errors and reports name the embedded default table.
pub(crate) const DEFAULT_ORIGIN: &str = "default-45nm.toml";

/// A validated energy table: per-action energies, logic blocks, gate figures, clock and band
/// rules, and user SRAM macros, each with its source.
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
pub(crate) struct TableFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    meta: Option<Meta>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) logic: BTreeMap<String, PerAction>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) logic_block: BTreeMap<String, LogicBlock>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) gate: Option<Gate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) clock: Option<Fraction>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) band: BTreeMap<String, Band>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) sram_macro: BTreeMap<String, SramMacro>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct Meta {
    description: String,
    source: String,
}

/// One logic operation's energy.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PerAction {
    pub(crate) pj: f64,
    pub(crate) source: String,
}

/// How a unit is replicated on the chip.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Per {
    /// One instance per processing element.
    Pe,
    /// One instance per spike-generator lane.
    Lane,
    /// One instance on the chip.
    Chip,
}

/// Size of one instance of a logic unit, in NAND2-equivalent gates: sets its leakage and area.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LogicBlock {
    pub(crate) gates: f64,
    pub(crate) per: Per,
    pub(crate) source: String,
}

/// Leakage and area of one NAND2-equivalent gate at 45 nm.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Gate {
    pub(crate) leakage_nw: f64,
    pub(crate) area_um2: f64,
    pub(crate) source: String,
}

/// A fraction with its band (`low <= value <= high`).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Fraction {
    pub(crate) value: f64,
    pub(crate) low: f64,
    pub(crate) high: f64,
    pub(crate) source: String,
}

/// Multipliers giving the low and high end of a component class's band.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Band {
    pub(crate) low: f64,
    pub(crate) high: f64,
    pub(crate) source: String,
}

/// A designer's own figures for one SRAM bank (by component name), replacing CACTI's.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SramMacro {
    pub(crate) read_pj: f64,
    pub(crate) write_pj: f64,
    pub(crate) leakage_mw: f64,
    pub(crate) area_mm2: f64,
    pub(crate) access_ns: f64,
    pub(crate) source: String,
}

/// The band keys the estimator uses.
pub(crate) const BAND_KEYS: [&str; 4] = ["logic", "logic_leakage", "dram_core", "dram_io"];

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
    /// (e.g. `logic.add16`, `logic_block.pe_array`, `gate`). An entry of `other` that `self`
    /// does not have is refused with its name (a misspelt key would otherwise be ignored),
    /// except `sram_macro.<bank>` entries, which add a designer's own macro figures for a
    /// bank (checked against the run's banks by [`EnergyTable::try_estimate`]).
    pub fn with_overrides(mut self, other: EnergyTable) -> Result<Self, EnergyError> {
        let theirs = other.file;
        let unknown = |entry: String, known: Vec<String>| EnergyError::Invalid {
            origin: other.origin.clone(),
            entry,
            problem: format!(
                "not an entry of {} (known: {})",
                self.origin,
                known.join(", ")
            ),
        };
        for k in theirs.logic.keys() {
            if !self.file.logic.contains_key(k) {
                return Err(unknown(
                    format!("logic.{k}"),
                    self.file.logic.keys().cloned().collect(),
                ));
            }
        }
        for k in theirs.logic_block.keys() {
            if !self.file.logic_block.contains_key(k) {
                return Err(unknown(
                    format!("logic_block.{k}"),
                    self.file.logic_block.keys().cloned().collect(),
                ));
            }
        }
        for k in theirs.band.keys() {
            if !self.file.band.contains_key(k) {
                return Err(unknown(
                    format!("band.{k}"),
                    self.file.band.keys().cloned().collect(),
                ));
            }
        }
        let mine = &mut self.file;
        if theirs.meta.is_some() {
            mine.meta = theirs.meta;
        }
        mine.logic.extend(theirs.logic);
        mine.logic_block.extend(theirs.logic_block);
        if theirs.gate.is_some() {
            mine.gate = theirs.gate;
        }
        if theirs.clock.is_some() {
            mine.clock = theirs.clock;
        }
        mine.band.extend(theirs.band);
        mine.sram_macro.extend(theirs.sram_macro);
        self.origin = format!("{} + {}", self.origin, other.origin);
        Ok(self)
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
            f.logic_block
                .iter()
                .map(|(k, e)| (format!("logic_block.{k}"), e.source.as_str())),
        );
        if let Some(g) = &f.gate {
            out.push(("gate".into(), &g.source));
        }
        if let Some(c) = &f.clock {
            out.push(("clock".into(), &c.source));
        }
        out.extend(
            f.band
                .iter()
                .map(|(k, e)| (format!("band.{k}"), e.source.as_str())),
        );
        out.extend(
            f.sram_macro
                .iter()
                .map(|(k, e)| (format!("sram_macro.{k}"), e.source.as_str())),
        );
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

    pub(crate) fn file(&self) -> &TableFile {
        &self.file
    }

    /// The band of a component class, `(low, high)` multipliers (1, 1 when absent).
    pub(crate) fn band(&self, key: &str) -> (f64, f64) {
        self.file
            .band
            .get(key)
            .map_or((1.0, 1.0), |b| (b.low, b.high))
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
        let check = |entry: &str, field: &str, value: f64| {
            if !value.is_finite() {
                return Err(bad(
                    entry.to_string(),
                    format!("`{field}` = {value} is not a finite number"),
                ));
            }
            if value < 0.0 || (value == 0.0 && value.is_sign_negative()) {
                return Err(bad(
                    entry.to_string(),
                    format!("`{field}` = {value} is negative"),
                ));
            }
            Ok(())
        };
        let src = |entry: &str, source: &str| {
            if source.trim().is_empty() {
                Err(bad(entry.to_string(), "`source` is empty".into()))
            } else {
                Ok(())
            }
        };
        if let Some(m) = &self.meta {
            src("meta", &m.source)?;
        }
        for (k, e) in &self.logic {
            let entry = format!("logic.{k}");
            check(&entry, "pj", e.pj)?;
            src(&entry, &e.source)?;
        }
        for (k, e) in &self.logic_block {
            let entry = format!("logic_block.{k}");
            check(&entry, "gates", e.gates)?;
            src(&entry, &e.source)?;
        }
        if let Some(g) = &self.gate {
            check("gate", "leakage_nw", g.leakage_nw)?;
            check("gate", "area_um2", g.area_um2)?;
            src("gate", &g.source)?;
        }
        let ordered = |entry: &str, low: f64, mid: f64, high: f64| {
            if low <= mid && mid <= high {
                Ok(())
            } else {
                Err(bad(
                    entry.to_string(),
                    format!("needs low <= value <= high, got {low}, {mid}, {high}"),
                ))
            }
        };
        if let Some(c) = &self.clock {
            for (f, v) in [("value", c.value), ("low", c.low), ("high", c.high)] {
                check("clock", f, v)?;
            }
            ordered("clock", c.low, c.value, c.high)?;
            src("clock", &c.source)?;
        }
        for (k, b) in &self.band {
            let entry = format!("band.{k}");
            if !BAND_KEYS.contains(&k.as_str()) {
                return Err(bad(entry, format!("unknown band (known: {BAND_KEYS:?})")));
            }
            check(&entry, "low", b.low)?;
            check(&entry, "high", b.high)?;
            ordered(&entry, b.low, 1.0, b.high)?;
            src(&entry, &b.source)?;
        }
        for (k, m) in &self.sram_macro {
            let entry = format!("sram_macro.{k}");
            for (f, v) in [
                ("read_pj", m.read_pj),
                ("write_pj", m.write_pj),
                ("leakage_mw", m.leakage_mw),
                ("area_mm2", m.area_mm2),
                ("access_ns", m.access_ns),
            ] {
                check(&entry, f, v)?;
            }
            src(&entry, &m.source)?;
        }
        Ok(())
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
