//! Helpers shared by the CLI tests: run the `fspinn` binary and read what it printed.

use std::process::{Command, Output};

/// Runs the freshly built `fspinn` with `args`, without backtraces in its errors.
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
