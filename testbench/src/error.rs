//! Typed errors of the testbench.

use std::path::PathBuf;

/// Why a VCD trace could not be opened; the simulation itself is unaffected.
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    /// The model was built without tracing (`Tracing::Off`, the faster build): open the RTL
    /// with a trace format to write waveforms.
    #[error("this RTL model was built without tracing (the fast build for runs without waveforms); open it with a trace format to write a VCD or FST")]
    Untraced,
    /// One trace at a time: close the current one first.
    #[error("a VCD trace is already open; close it first")]
    AlreadyOpen,
    /// Verilator takes the file name as a C string.
    #[error("VCD path {0:?} is not valid UTF-8")]
    NonUtf8Path(PathBuf),
    /// The file cannot be created (missing folder, permissions, NUL byte in the name, ...).
    #[error("cannot create VCD file {path:?}: {source}")]
    Create {
        /// The requested path.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A scope pattern that matches no signal of the RTL's trace.
    #[error("--vcd-scope {pattern:?} matches no signal of the RTL's trace (names look like TOP.fspinn_top.g_wbank[0].u_mem.we)")]
    NoMatch {
        /// The pattern.
        pattern: String,
    },
    /// The probe trace that lists the signal names could not be written or read.
    #[error("listing the RTL's signals through a probe trace {path:?}: {message}")]
    Probe {
        /// The probe file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// Verilator's VCD writer refused the file after the checks above passed.
    #[error("Verilator could not open VCD file {path:?}: {message}")]
    Open {
        /// The requested path.
        path: PathBuf,
        /// The C++ exception's message.
        message: String,
    },
}

/// Why the RTL could not be made ready for a network: beyond its limits, or not buildable.
#[derive(Debug, thiserror::Error)]
pub enum RtlError {
    /// The config or network is beyond what the RTL implements (or invalid).
    #[error(transparent)]
    Params(#[from] fspinn_sim::rtl_params::RtlParamsError),
    /// The RTL could not be built or loaded.
    #[error(transparent)]
    Build(#[from] crate::builder::BuildError),
    /// A VCD could not be written.
    #[error(transparent)]
    Trace(#[from] TraceError),
    /// The cycle model's waveform could not be written.
    #[error(transparent)]
    Waves(#[from] fspinn_sim::waves::WavesError),
}
