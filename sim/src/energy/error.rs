//! Errors of loading an energy table: each names the file and what is wrong, so a designer can
//! fix their override file without reading this crate.

use std::path::PathBuf;

/// Why an energy table could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum EnergyError {
    /// The file could not be read at all.
    #[error("{}: cannot read energy table: {source}", path.display())]
    Io {
        /// The file that was asked for.
        path: PathBuf,
        /// The operating-system error.
        #[source]
        source: std::io::Error,
    },
    /// The text is not TOML, or does not follow the schema (unknown field or section, missing
    /// `source`, wrong type). The message names the offending field.
    #[error("{origin}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Parse {
        /// The file (or other origin) the text came from.
        origin: String,
        /// 1-based line of the problem, when the parser knows it.
        line: Option<usize>,
        /// The parser's description, naming the field.
        message: String,
    },
    /// A well-formed entry holds an impossible value (negative or non-finite energy, empty
    /// source, zero-sized SRAM point, …).
    #[error("{origin}: entry `{entry}`: {problem}")]
    Invalid {
        /// The file (or other origin) the entry came from.
        origin: String,
        /// Dotted key of the entry, e.g. `logic.add16` or `logic_block.pe_array`.
        entry: String,
        /// What is wrong with it.
        problem: String,
    },
}
