//! Errors of the cycle model: every one names what is wrong and where, so a designer can fix
//! the config or the command line without reading the source.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum SimError {
    /// A config value the hardware cannot have.
    #[error("{field} = {value}: {reason}")]
    Config {
        field: String,
        value: String,
        reason: String,
    },
    /// The TOML could not be read as a config (syntax, unknown or missing field).
    #[error("{origin}: {message}")]
    ConfigSyntax { origin: String, message: String },
    /// An error found in a named config file.
    #[error("{origin}: {source}")]
    InFile {
        origin: String,
        #[source]
        source: Box<SimError>,
    },
    /// The network cannot run on this design (too many neurons, state wider than a word...).
    #[error("network does not fit the hardware: {0}")]
    DoesNotFit(String),
    /// The network uses a mechanism the accelerator does not implement.
    #[error("unsupported on the accelerator: {0}")]
    Unsupported(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Model(#[from] fspinn_model::ModelError),
}

impl SimError {
    /// Attaches the name of the file the error was found in.
    pub fn in_file(self, origin: &str) -> SimError {
        SimError::InFile {
            origin: origin.to_string(),
            source: Box::new(self),
        }
    }
}
