//! Options and helpers shared by several subcommands: data location, threads, output paths.

use anyhow::{bail, Context, Result};
use clap::Args;
use fspinn_model::data::{self, Dataset, DatasetKind, LoadOptions, Split};
use std::path::{Path, PathBuf};

/// Where the datasets are and how to read them.
#[derive(Args, Clone, Debug)]
pub struct DataArgs {
    /// Directory holding `mnist/` and `fashion-mnist/` (default: $FSPINN_DATA; for Fashion-MNIST
    /// also Debian's /usr/share/datasets/fashion-mnist).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Skip the SHA-256 check (for your own IDX files).
    #[arg(long)]
    pub no_verify: bool,
}

impl DataArgs {
    /// Loads the first `limit` images of one split.
    pub fn load(&self, kind: DatasetKind, split: Split, limit: usize) -> Result<Dataset> {
        let dir = data::locate(self.data_dir.as_deref(), kind)?;
        let opts = LoadOptions {
            limit: Some(limit),
            verify_checksum: !self.no_verify,
        };
        let set = data::load(&dir, kind, split, &opts)
            .with_context(|| format!("loading {kind} {split:?} from {}", dir.display()))?;
        if set.len() < limit {
            anyhow::bail!(
                "{}: {kind} {split:?} holds {} images, {limit} requested",
                dir.display(),
                set.len()
            );
        }
        Ok(set)
    }
}

/// Sets the worker thread count for parallel inference (0: one per core).
pub fn init_threads(threads: usize) -> Result<usize> {
    fspinn_model::limits::THREADS
        .check(threads as u64)
        .with_context(|| format!("invalid --threads {threads}"))?;
    if threads > 0 {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global()
            .context("setting up the thread pool")?;
    }
    Ok(rayon::current_num_threads())
}

/// Names the command-line flag behind a library limit (`train_samples` -> `--train-samples`,
/// `timing.presentation_ms` -> `--presentation-ms`); other errors pass through unchanged.
pub fn flag_context<T>(r: Result<T, fspinn_model::ModelError>) -> Result<T> {
    r.map_err(|e| {
        let flag = match &e {
            fspinn_model::ModelError::Limit { what, value, .. } => Some(match *what {
                "presentation_steps" => "invalid --presentation-ms / --dt-ms".to_string(),
                _ => format!(
                    "invalid --{} {value}",
                    what.rsplit('.').next().unwrap_or(what).replace('_', "-")
                ),
            }),
            _ => None,
        };
        match flag {
            Some(f) => anyhow::Error::new(e).context(f),
            None => anyhow::Error::new(e),
        }
    })
}

/// Checks, before any work starts, that a file can be written at `path` (named by `flag` in
/// errors): its folder exists and takes new files, and `path` is not a folder. A run must not
/// train for hours and only then find that its output cannot be saved.
pub fn check_writable(path: &Path, flag: &str) -> Result<()> {
    if path.is_dir() {
        bail!("{flag} {}: is a directory, not a file", path.display());
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        bail!(
            "{flag} {}: the folder {} does not exist",
            path.display(),
            dir.display()
        );
    }
    // A probe file beside the target: the same folder the temp-file-and-rename save uses.
    let probe = dir.join(format!(".fspinn-write-check-{}", std::process::id()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(e).with_context(|| {
            format!(
                "{flag} {}: cannot create files in {}",
                path.display(),
                dir.display()
            )
        }),
    }
}

/// Creates the output folder `dir` (named by `flag` in errors) or checks the existing one is a
/// folder: `--vcd /dev/null` must say "not a directory", not the OS's "File exists".
pub fn ensure_dir(dir: &Path, flag: &str) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        bail!(
            "{flag} {}: exists and is not a directory (give a folder for the output files)",
            dir.display()
        );
    }
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{flag} {}: cannot create the folder", dir.display()))
}
