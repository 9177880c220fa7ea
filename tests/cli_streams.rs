//! One convention for the streams: results and reports on stdout (with --json, stdout is the JSON
//! object alone and the report moves to stderr), progress and diagnostics on stderr; errors once,
//! on one line, without a backtrace; and the small refusals that keep a run from silently doing
//! something other than what was asked.

mod common;

use common::{data_root, fspinn, stderr, stdout};
use std::process::Command;

/// Runs `fspinn` with RUST_BACKTRACE=1, as a user with it set in their shell would.
fn fspinn_backtrace(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_fspinn"))
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("the fspinn binary runs")
}

/// The error of a failed run: exit 1, one line `error: ...` on stderr, nothing on stdout.
fn one_line_error(args: &[&str]) -> String {
    let o = fspinn_backtrace(args);
    assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
    let e = stderr(&o);
    assert_eq!(e.lines().count(), 1, "{args:?} error is not one line:\n{e}");
    assert!(e.starts_with("error: "), "{e}");
    for noise in ["Caused by", "backtrace", "panicked"] {
        assert!(!e.contains(noise), "{args:?}: `{noise}` in\n{e}");
    }
    assert!(stdout(&o).is_empty(), "{args:?}: {}", stdout(&o));
    e
}

#[test]
fn errors_are_printed_once_on_one_line_without_a_backtrace() {
    let e = one_line_error(&["eval", "--model", "/nonexistent/x.ckpt"]);
    // The path and the OS's reason, each once.
    assert_eq!(e.matches("/nonexistent/x.ckpt").count(), 1, "{e}");
    assert_eq!(e.matches("No such file or directory").count(), 1, "{e}");

    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.ckpt");
    std::fs::write(&junk, b"not a checkpoint at all").unwrap();
    let e = one_line_error(&["inspect", "--model", junk.to_str().unwrap()]);
    assert_eq!(e.matches("junk.ckpt").count(), 1, "{e}");
}

#[test]
fn small_refusals_name_the_flag_and_the_reason() {
    let e = one_line_error(&["sim", "--builtin", "--dataset", "fashion-mnist"]);
    assert!(e.contains("MNIST only"), "{e}");
    let e = one_line_error(&["energy", "--builtin", "--dataset", "fashion-mnist"]);
    assert!(e.contains("MNIST only"), "{e}");

    // Refused before any data is read (the data folder does not exist).
    for (flag, what) in [
        ("--test-samples", "test image"),
        ("--label-samples", "label the neurons"),
    ] {
        let e = one_line_error(&["train", flag, "0", "--data-dir", "/nonexistent/fspinn"]);
        assert!(e.contains(&format!("{flag} 0")) && e.contains(what), "{e}");
    }
    let e = one_line_error(&[
        "eval",
        "--model",
        "/nonexistent/x.ckpt",
        "--test-samples",
        "0",
    ]);
    assert!(e.contains("--test-samples 0"), "{e}");

    // An unwritable --out is found before training (and before loading data), not after.
    let e = one_line_error(&[
        "train",
        "--out",
        "/proc/x.ckpt",
        "--data-dir",
        "/nonexistent/d",
    ]);
    assert!(
        e.contains("--out /proc/x.ckpt") && e.contains("cannot create"),
        "{e}"
    );
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let e = one_line_error(&["train", "--out", d, "--data-dir", "/nonexistent/d"]);
    assert!(e.contains("is a directory"), "{e}");

    // `--vcd` of cosim is a folder: a file there is named as the problem.
    let file = dir.path().join("f");
    std::fs::write(&file, b"").unwrap();
    let e = one_line_error(&["cosim", "--vcd", file.to_str().unwrap(), "--samples", "1"]);
    assert!(
        e.contains("not a directory") && !e.contains("File exists"),
        "{e}"
    );
    let e = one_line_error(&["cosim", "--vcd", "/dev/null", "--samples", "1"]);
    assert!(e.contains("not a directory"), "{e}");
}

#[test]
fn help_texts_are_clean() {
    let o = fspinn(&["eval", "--help"]);
    let h = stdout(&o);
    let line = h.lines().find(|l| l.contains("--test-samples")).unwrap();
    assert_eq!(line.matches("[default: 10000]").count(), 1, "{line}");

    // The sim example's checkpoint is an integer FSpiNN one, with the command that makes it
    // (`sim` refuses the README's baseline n400.ckpt).
    let o = fspinn(&["sim", "--help"]);
    let h = stdout(&o);
    assert!(!h.contains("n400.ckpt"), "{h}");
    let ex = h
        .lines()
        .find(|l| l.trim_start().starts_with("fspinn sim") && l.contains("--model"))
        .unwrap();
    let ckpt = ex
        .split_whitespace()
        .skip_while(|w| *w != "--model")
        .nth(1)
        .unwrap();
    assert!(
        h.contains(&format!(
            "--variant fspinn --precision w8 --neurons 400 --out {ckpt}"
        )),
        "{h}"
    );
}

#[test]
fn json_runs_put_only_the_json_on_stdout_and_the_report_on_stderr() {
    for cmd in ["sim", "energy"] {
        let o = fspinn(&[cmd, "--builtin", "--samples", "1", "--json"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let out = stdout(&o);
        assert_eq!(out.lines().count(), 1, "{cmd}: {out}");
        let j: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
        assert_eq!(j["samples"], 1);
        let e = stderr(&o);
        assert!(e.contains("1 sample") && !e.contains("1 samples"), "{e}");
        if cmd == "energy" {
            assert!(e.contains("TOTAL"), "the table goes to stderr: {e}");
        }
    }
    // Without --json the report is on stdout, stderr stays empty.
    let o = fspinn(&["energy", "--builtin", "--samples", "1"]);
    let out = stdout(&o);
    assert!(
        out.contains("TOTAL") && out.contains("(fspinn, 1 sample)"),
        "{out}"
    );
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn train_and_eval_print_their_results_on_stdout() {
    let Some(root) = data_root() else {
        eprintln!("note: FSPINN_DATA unset, skipping the stdout test of train and eval");
        return;
    };
    let root = root.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ckpt = dir.path().join("t.ckpt");
    let ckpt = ckpt.to_str().unwrap();
    let o = fspinn(&[
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
        "1",
        "--out",
        ckpt,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("test accuracy") && out.contains("on 1 image\n"),
        "{out}"
    );
    let o = fspinn(&[
        "eval",
        "--model",
        ckpt,
        "--data-dir",
        root,
        "--test-samples",
        "7",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("test accuracy") && stdout(&o).contains("7 images"));
    let o = fspinn(&[
        "eval",
        "--model",
        ckpt,
        "--data-dir",
        root,
        "--test-samples",
        "7",
        "--json",
    ]);
    assert_eq!(stdout(&o).lines().count(), 1, "{}", stdout(&o));
    assert!(stderr(&o).contains("test accuracy"), "{}", stderr(&o));
    let o = fspinn(&["data", "check", "--data-dir", root, "--dataset", "mnist"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).matches("ok ").count(), 4, "{}", stdout(&o));
}
