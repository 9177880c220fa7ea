//! Why a synthesis run failed: each error names the tool, file or instance and what is wrong.

use std::path::PathBuf;

/// A failed synthesis run or a report that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    /// A tool is not installed (or the environment variable naming it points nowhere).
    #[error("`{tool}` not found ({why}): install it with `apt-get install -y {package}`")]
    MissingTool {
        /// The executable (`yosys`, `sta`).
        tool: String,
        /// The Debian package that has it.
        package: String,
        /// Where it was looked for.
        why: String,
    },
    /// The tool ran longer than the time allowed.
    #[error(
        "{tool} did not finish within {seconds} s (--timeout {seconds}); stopped. Its log so \
         far: {}", log.display()
    )]
    Timeout {
        /// The tool.
        tool: String,
        /// The limit, seconds.
        seconds: u64,
        /// Its log file.
        log: PathBuf,
    },
    /// The tool exited with an error.
    #[error("{tool} failed ({status}); last lines of {}:\n{tail}", log.display())]
    ToolFailed {
        /// The tool.
        tool: String,
        /// Its exit status.
        status: String,
        /// Its log file.
        log: PathBuf,
        /// The log's last lines.
        tail: String,
    },
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A tool's output or a data file does not have the expected form.
    #[error("{file}: {field}: {problem}")]
    Parse {
        /// The file (or embedded table) read.
        file: String,
        /// The entry or field.
        field: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A black-boxed memory whose geometry or CACTI price cannot be found.
    #[error("memory instance `{instance}` ({module}): {problem}")]
    Memory {
        /// Hierarchical instance path.
        instance: String,
        /// Its module.
        module: String,
        /// What is missing.
        problem: String,
    },
    /// A cell of the netlist has no area (neither the X1 mapping nor the Liberty file has it).
    #[error("cell type `{cell}` ({count} in module `{module}`) has no area: {why}")]
    UnknownCell {
        /// The cell type.
        cell: String,
        /// Module holding it.
        module: String,
        /// How many.
        count: u64,
        /// Which table was looked in.
        why: String,
    },
}

/// An [`SynthError::Io`] for `path`.
pub(crate) fn io_err(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> SynthError + '_ {
    move |source| SynthError::Io {
        path: path.to_path_buf(),
        source,
    }
}
