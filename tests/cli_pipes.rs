//! A reader that goes away (`fspinn ... | head -1`, `| true`, `2>&1 | true`) ends a run quietly:
//! exit status 141 (128 + SIGPIPE), never a panic (101). Each command runs with its stdout (and,
//! in a second run, its stderr too) a pipe whose reading end was closed before the command
//! started, so its first write hits the closed pipe, whatever the timing.

mod common;

use common::{data_root, stderr};
use std::process::{Command, Stdio};

/// Exit status of a run stopped by nothing but a closed reader.
const READER_GONE: i32 = 141;

/// The writing end of a pipe whose reader has exited: a short-lived process (`fspinn
/// --version`, which never reads its stdin) holds the reading end and is waited for.
fn broken_pipe() -> Stdio {
    let mut reader = Command::new(env!("CARGO_BIN_EXE_fspinn"))
        .arg("--version")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("the fspinn binary runs");
    let writer = reader.stdin.take().expect("a piped stdin");
    reader.wait().expect("the reader exits");
    Stdio::from(writer)
}

/// Runs `fspinn args` with stdout (and with `close_stderr` also stderr) a broken pipe; returns
/// the exit code and what it wrote to stderr (empty when stderr was closed).
fn closed(args: &[&str], close_stderr: bool) -> (i32, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_fspinn"))
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .stdin(Stdio::null())
        .stdout(broken_pipe())
        .stderr(if close_stderr {
            broken_pipe()
        } else {
            Stdio::piped()
        })
        .output()
        .expect("the fspinn binary runs");
    let code = o.status.code().unwrap_or(-1);
    let err = stderr(&o);
    assert!(
        !err.contains("panicked") && code != 101,
        "{args:?} panicked (exit {code}):\n{err}"
    );
    (code, err)
}

/// Both ways of closing the reader end the run with 141.
fn assert_quiet_stop(args: &[&str]) {
    let (code, err) = closed(args, false);
    assert_eq!(code, READER_GONE, "{args:?} with stdout closed:\n{err}");
    assert!(!err.contains("error"), "{args:?} reported an error:\n{err}");
    let (code, _) = closed(args, true);
    assert_eq!(code, READER_GONE, "{args:?} with stdout and stderr closed");
}

#[test]
fn simulators_stop_quietly_when_the_reader_goes_away() {
    for args in [
        &["sim", "--builtin", "--samples", "1"][..],
        &["sim", "--builtin", "--samples", "1", "--verify", "--json"],
        &["energy", "--builtin", "--samples", "1"],
        &["energy", "--builtin", "--samples", "1", "--json"],
    ] {
        assert_quiet_stop(args);
    }
}

#[test]
fn cosim_stops_quietly_when_the_reader_goes_away() {
    let dir = tempfile::tempdir().unwrap();
    let vcd = dir.path().join("vcd");
    let vcd = vcd.to_str().unwrap();
    let base = [
        "cosim",
        "--samples",
        "1",
        "--vcd-cycles",
        "10",
        "--vcd",
        vcd,
    ];
    assert_quiet_stop(&base);
    let mut json = base.to_vec();
    json.push("--json");
    assert_quiet_stop(&json);
}

#[test]
fn demo_stops_quietly_when_the_reader_goes_away() {
    // With stderr open the demo trains (about 2 s of CPU) and stops at its first stdout write;
    // with both closed it stops at its first line on stderr.
    assert_quiet_stop(&["demo", "--neurons", "10"]);
}

#[test]
fn quick_commands_stop_quietly_too() {
    assert_quiet_stop(&[
        "memory",
        "--variant",
        "fspinn",
        "--neurons",
        "400",
        "--precision",
        "w4",
    ]);
    assert_quiet_stop(&[
        "memory",
        "--variant",
        "fspinn",
        "--neurons",
        "400",
        "--precision",
        "w4",
        "--json",
    ]);
    // `data check` on an empty folder: a report of missing files, then the JSON on stdout,
    // where the closed pipe stops the run before its failing status.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    assert_quiet_stop(&["data", "check", "--data-dir", d, "--json"]);
    for close_stderr in [false, true] {
        // clap swallows a broken pipe while printing help and exits 0.
        let (code, _) = closed(&["sim", "--help"], close_stderr);
        assert_eq!(code, 0, "sim --help");
    }
    // An error with stderr closed is still an error (exit 1), not a panic.
    let (code, _) = closed(&["eval", "--model", "/nonexistent/x.ckpt"], true);
    assert_eq!(code, 1);
}

#[test]
fn train_eval_and_inspect_stop_quietly_when_the_reader_goes_away() {
    let Some(root) = data_root() else {
        eprintln!("note: FSPINN_DATA unset, skipping the closed-pipe test of train, eval, inspect");
        return;
    };
    let root = root.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ckpt = dir.path().join("t.ckpt");
    let ckpt = ckpt.to_str().unwrap();
    let train = [
        "train",
        "--data-dir",
        root,
        "--neurons",
        "10",
        "--train-samples",
        "20",
        "--label-samples",
        "20",
        "--test-samples",
        "20",
        "--out",
        ckpt,
        "--json",
    ];
    let (code, err) = closed(&train, false);
    assert_eq!(code, READER_GONE, "{err}");
    // The checkpoint was saved before the report was written.
    assert!(std::path::Path::new(ckpt).exists());
    for args in [
        &[
            "eval",
            "--model",
            ckpt,
            "--data-dir",
            root,
            "--test-samples",
            "20",
        ][..],
        &["inspect", "--model", ckpt, "--json"],
        &[
            "data",
            "check",
            "--data-dir",
            root,
            "--dataset",
            "mnist",
            "--json",
        ],
    ] {
        assert_quiet_stop(args);
    }
}
