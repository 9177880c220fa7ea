//! The one error type of the exploration library: every variant names the file (or point) and,
//! for bad input, the field and what is wrong, so a user can fix a space file without guessing.

use std::path::PathBuf;

/// What can go wrong while reading a space, running a point or writing a report.
#[derive(Debug, thiserror::Error)]
pub enum ExploreError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The space file is not valid TOML for the schema (unknown field, wrong type).
    #[error("{origin}: {message}")]
    SpaceSyntax { origin: String, message: String },
    /// A field of the space file has a value the framework cannot use.
    #[error("{origin}: `{field}` = {value}: {reason}")]
    Space {
        origin: String,
        field: String,
        value: String,
        reason: String,
    },
    /// `--point K` or `--shard i/n` outside the space.
    #[error("{0}")]
    Selection(String),
    /// The output directory belongs to another space.
    #[error("{}: {reason}", dir.display())]
    OutDir { dir: PathBuf, reason: String },
    /// A result file that exists but cannot be used (the report refuses to merge it).
    #[error("{}: {reason}", path.display())]
    Result { path: PathBuf, reason: String },
    /// A sound result file computed with other network parameters (another build's defaults):
    /// a rerun recomputes it, the report lists its point as missing.
    #[error("{}: {reason}", path.display())]
    Stale { path: PathBuf, reason: String },
    #[error("{context}: {source}")]
    Model {
        context: String,
        source: fspinn_model::ModelError,
    },
    #[error("{context}: {source}")]
    Data {
        context: String,
        source: fspinn_model::data::DataError,
    },
    #[error("{context}: {source}")]
    Sim {
        context: String,
        source: fspinn_sim::SimError,
    },
    #[error("plot {}: {message}", path.display())]
    Plot { path: PathBuf, message: String },
}

impl ExploreError {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> ExploreError {
        let path = path.into();
        move |source| ExploreError::Io { path, source }
    }

    /// A model error with what was being done.
    pub fn model(context: impl Into<String>) -> impl FnOnce(fspinn_model::ModelError) -> Self {
        let context = context.into();
        move |source| ExploreError::Model { context, source }
    }

    /// A simulator error with what was being done.
    pub fn sim(context: impl Into<String>) -> impl FnOnce(fspinn_sim::SimError) -> Self {
        let context = context.into();
        move |source| ExploreError::Sim { context, source }
    }
}

pub type Result<T, E = ExploreError> = std::result::Result<T, E>;
