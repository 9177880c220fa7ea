//! Options and helpers shared by several subcommands: data location, threads, JSON output.

use anyhow::{Context, Result};
use clap::Args;
use fspinn_model::data::{self, Dataset, DatasetKind, LoadOptions, Split};
use std::path::PathBuf;

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

/// Prints `value` as the last line of stdout.
pub fn print_json(value: &serde_json::Value) {
    println!(
        "{}",
        serde_json::to_string(value).expect("JSON values always serialise")
    );
}

/// Writes `text` to stdout in one go. A reader that stops early (`| head`) is not an error:
/// `println!` would panic on the closed pipe.
pub fn write_stdout(text: &str) -> anyhow::Result<()> {
    use anyhow::Context;
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e).context("writing to stdout"),
        _ => Ok(()),
    }
}
