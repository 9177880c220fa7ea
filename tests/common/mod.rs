//! Helpers shared by the CLI tests: run the `fspinn` binary and read what it printed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the freshly built `fspinn` with `args`, without backtraces in its errors.
#[allow(dead_code)] // not every test file runs it this way
pub fn fspinn(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fspinn"))
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("the fspinn binary runs")
}

#[allow(dead_code)] // not every test file reads stdout as text
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `fspinn` with `args` (a `--json` command) and parses the last line it printed, or
/// returns its stderr when it failed.
#[allow(dead_code)] // not every test file reads a JSON result
pub fn json_run(args: &[&str]) -> Result<serde_json::Value, String> {
    let o = fspinn(args);
    if !o.status.success() {
        return Err(stderr(&o));
    }
    let out = String::from_utf8_lossy(&o.stdout);
    Ok(serde_json::from_str(
        out.lines()
            .last()
            .expect("a --json command prints its result"),
    )
    .expect("the last line is JSON"))
}

/// The data root for real-data tests ($FSPINN_DATA, resolved against the workspace root when
/// relative); `None` when unset, so that those tests skip with a note.
#[allow(dead_code)] // not every test file reads real data
pub fn data_root() -> Option<PathBuf> {
    let v = std::env::var_os("FSPINN_DATA")?;
    let p = PathBuf::from(v);
    let p = if p.is_relative() {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
    } else {
        p
    };
    if p.join("mnist").is_dir() {
        Some(p)
    } else {
        panic!("FSPINN_DATA={} has no mnist/ directory", p.display());
    }
}
