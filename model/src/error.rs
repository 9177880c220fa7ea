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
    #[error("inconsistent network state: {0}")]
    Shape(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not an fspinn checkpoint (bad magic bytes)")]
    NotACheckpoint { path: PathBuf },
    #[error(
        "{path}: checkpoint format version {found} is not supported (this build reads versions {oldest} to {newest}); retrain or use the fspinn version that wrote it"
    )]
    CheckpointVersion {
        path: PathBuf,
        found: u32,
        oldest: u32,
        newest: u32,
    },
    #[error("{path}: corrupt checkpoint: {reason}")]
    CorruptCheckpoint { path: PathBuf, reason: String },
    #[error("cannot resume: {0}")]
    Resume(String),
    #[error(transparent)]
    Data(#[from] crate::data::DataError),
    #[error(transparent)]
    Fixed(#[from] crate::fixed::FixedError),
}
