//! The model crate's error type: every failure names what was wrong and where.

use std::path::PathBuf;

/// Errors of the network, training and checkpoint code.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("invalid parameter `{field}` = {value}: {reason}")]
    InvalidParam {
        field: &'static str,
        value: String,
        reason: &'static str,
    },
    /// A size, count, duration or thread count above its limit (see `limits`).
    #[error("{what} = {value} is above the limit of {max}: {why}")]
    Limit {
        what: &'static str,
        value: String,
        max: u64,
        why: &'static str,
    },
    #[error("inconsistent network state: {0}")]
    Shape(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A checkpoint of a format version without a checksum (before version 4).
    #[error(
        "checkpoint {path} was written by an older build (format version {found}, without a checksum; this build reads versions 4 to {current}, which have one): retrain it with this build"
    )]
    OldCheckpoint {
        path: PathBuf,
        found: u32,
        current: u32,
    },
    /// Damage (checksum, length, header) or values out of range, in plain words.
    #[error("corrupt checkpoint {path}: {reason}")]
    CorruptCheckpoint { path: PathBuf, reason: String },
    #[error("cannot resume: {0}")]
    Resume(String),
    #[error(transparent)]
    Data(#[from] crate::data::DataError),
    #[error(transparent)]
    Fixed(#[from] crate::fixed::FixedError),
}
