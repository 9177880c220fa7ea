//! End-to-end tests of the `fspinn` binary: help texts, JSON output, resume and thread-count
//! equivalence through the CLI, and clear errors for bad input. Tests that need the real
//! datasets read them from $FSPINN_DATA and are skipped (with a note) when it is unset.

mod common;

use common::{data_root, fspinn, stderr};
use std::process::Output;

fn last_json(o: &Output) -> serde_json::Value {
    let out = String::from_utf8_lossy(&o.stdout);
    let line = out.lines().last().expect("stdout has a line");
    serde_json::from_str(line).expect("last stdout line is JSON")
}

#[test]
fn every_command_shows_an_example_in_its_help() {
    for cmd in [
        &["demo", "--help"][..],
        &["train", "--help"],
        &["eval", "--help"],
        &["inspect", "--help"],
        &["sim", "--help"],
        &["energy", "--help"],
        &["data", "check", "--help"],
        &["data", "fetch", "--help"],
    ] {
        let o = fspinn(cmd);
        assert!(o.status.success());
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(
            text.contains("Example"),
            "{cmd:?} help lacks an example:\n{text}"
        );
    }
}

#[test]
fn demo_trains_on_builtin_images_and_reports_json() {
    let o = fspinn(&["demo", "--neurons", "40", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j = last_json(&o);
    for key in [
        "dataset",
        "variant",
        "neurons",
        "train_samples",
        "test_samples",
        "epochs",
        "seed",
        "test_accuracy",
        "train_seconds",
        "train_samples_per_second",
    ] {
        assert!(j.get(key).is_some(), "JSON lacks {key}: {j}");
    }
    let acc = j["test_accuracy"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&acc));
    assert_eq!(j["neurons"], 40);
}

#[test]
fn bad_inputs_give_clear_errors_not_panics() {
    let o = fspinn(&[
        "train",
        "--data-dir",
        "/nonexistent/fspinn",
        "--train-samples",
        "5",
    ]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("/nonexistent/fspinn") && e.contains("does not exist"),
        "{e}"
    );
    assert!(!e.contains("panicked"), "{e}");

    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.ckpt");
    std::fs::write(&junk, b"not a checkpoint at all").unwrap();
    let o = fspinn(&["eval", "--model", junk.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("corrupt checkpoint")
            && stderr(&o).contains("not an fspinn checkpoint"),
        "{}",
        stderr(&o)
    );

    let o = fspinn(&["train", "--dataset", "cifar"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("cifar"), "{}", stderr(&o));

    let o = fspinn(&["train", "--dt-ms", "5", "--data-dir", "/tmp"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("exc.tau_ge_ms"), "{}", stderr(&o));
}

#[test]
fn cli_resume_and_thread_count_give_identical_checkpoints() {
    let Some(root) = data_root() else {
        eprintln!("note: FSPINN_DATA unset, skipping the CLI resume test");
        return;
    };
    let root = root.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    let common = [
        "train",
        "--data-dir",
        root,
        "--neurons",
        "30",
        "--train-samples",
        "60",
        "--epochs",
        "2",
        "--test-samples",
        "50",
        "--label-samples",
        "60",
        "--seed",
        "7",
        "--json",
    ];
    let run = |extra: &[&str]| {
        let mut args = common.to_vec();
        args.extend_from_slice(extra);
        let o = fspinn(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        last_json(&o)
    };
    let whole = run(&["--out", &path("whole.ckpt"), "--threads", "1"]);
    let two = run(&["--out", &path("two.ckpt"), "--threads", "2"]);
    let first = run(&[
        "--out",
        &path("part.ckpt"),
        "--stop-after",
        "70",
        "--checkpoint-every",
        "25",
    ]);
    assert_eq!(first["complete"], false);
    assert!(first["test_accuracy"].is_null());
    let o = fspinn(&[
        "train",
        "--resume",
        &path("part.ckpt"),
        "--data-dir",
        root,
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let resumed = last_json(&o);

    assert_eq!(whole["test_accuracy"], resumed["test_accuracy"]);
    assert_eq!(whole["test_accuracy"], two["test_accuracy"]);
    assert_eq!(whole["train_ops"], resumed["train_ops"]);
    let bytes = |n: &str| std::fs::read(path(n)).unwrap();
    assert!(
        bytes("whole.ckpt") == bytes("part.ckpt"),
        "resumed checkpoint differs"
    );
    assert!(
        bytes("whole.ckpt") == bytes("two.ckpt"),
        "thread count changed the checkpoint"
    );

    let o = fspinn(&[
        "train",
        "--resume",
        &path("part.ckpt"),
        "--neurons",
        "31",
        "--data-dir",
        root,
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("conflicts with the checkpoint"),
        "{}",
        stderr(&o)
    );

    let o = fspinn(&[
        "eval",
        "--model",
        &path("whole.ckpt"),
        "--data-dir",
        root,
        "--test-samples",
        "50",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(last_json(&o)["test_accuracy"], whole["test_accuracy"]);
}

#[test]
fn real_mnist_short_training_is_far_above_chance() {
    let Some(root) = data_root() else {
        eprintln!("note: FSPINN_DATA unset, skipping the real-data training test");
        return;
    };
    let o = fspinn(&[
        "train",
        "--data-dir",
        root.to_str().unwrap(),
        "--neurons",
        "100",
        "--train-samples",
        "600",
        "--label-samples",
        "600",
        "--test-samples",
        "500",
        "--seed",
        "2",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let acc = last_json(&o)["test_accuracy"].as_f64().unwrap();
    assert!(acc > 0.5, "accuracy {acc} after 600 images");
}

#[test]
fn invalid_precision_and_quantisation_combinations_are_explained() {
    let cases: [(&[&str], &str); 6] = [
        (
            &[
                "--variant",
                "fspinn",
                "--precision",
                "fp32",
                "--quantize",
                "post",
            ],
            "--quantize post with --precision fp32",
        ),
        (
            &[
                "--variant",
                "fspinn",
                "--precision",
                "fp32",
                "--quantize",
                "train",
            ],
            "an fp32 network is not quantised",
        ),
        (
            &["--variant", "baseline", "--quantize", "post"],
            "--quantize post with --variant baseline",
        ),
        (
            &[
                "--variant",
                "fspinn",
                "--precision",
                "fp32",
                "--rounding",
                "nearest",
            ],
            "the f32 network does not round",
        ),
        (
            &[
                "--variant",
                "fspinn",
                "--precision",
                "w4",
                "--quantize",
                "post",
                "--rounding",
                "truncate",
            ],
            "post-training quantisation rounds to nearest",
        ),
        (
            &["--variant", "fspinn", "--quantize", "pre"],
            "valid: train, post",
        ),
    ];
    for (args, expected) in cases {
        let mut all = vec!["train", "--data-dir", "/nonexistent/fspinn"];
        all.extend_from_slice(args);
        let o = fspinn(&all);
        assert!(!o.status.success(), "{all:?} succeeded");
        let e = stderr(&o);
        assert!(e.contains(expected), "{all:?}: {e}");
        assert!(!e.contains("panicked"), "{e}");
    }
}

/// `memory_bytes` of a train report equals what `fspinn memory` says for the tested network.
fn memory_bytes(neurons: &str, precision: &str) -> u64 {
    let o = fspinn(&[
        "memory",
        "--variant",
        "fspinn",
        "--neurons",
        neurons,
        "--precision",
        precision,
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    last_json(&o)["bytes"].as_u64().unwrap()
}

#[test]
fn fp32_and_post_quantised_fspinn_runs_resume_evaluate_and_report_consistently() {
    let Some(root) = data_root() else {
        eprintln!("note: FSPINN_DATA unset, skipping the f32 FSpiNN CLI test");
        return;
    };
    let root = root.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    for (precision, extra, ckpt) in [("fp32", None, "f32"), ("w4", Some("post"), "post4")] {
        let mut args = vec![
            "train",
            "--data-dir",
            root,
            "--variant",
            "fspinn",
            "--precision",
            precision,
            "--neurons",
            "30",
            "--train-samples",
            "80",
            "--label-samples",
            "80",
            "--test-samples",
            "50",
            "--seed",
            "5",
            "--json",
        ];
        if let Some(q) = extra {
            args.extend_from_slice(&["--quantize", q]);
        }
        let run = |more: &[&str]| {
            let mut a = args.clone();
            a.extend_from_slice(more);
            let o = fspinn(&a);
            assert!(o.status.success(), "{}", stderr(&o));
            last_json(&o)
        };
        let whole = run(&["--out", &path(&format!("{ckpt}.ckpt"))]);
        let part = run(&[
            "--out",
            &path(&format!("{ckpt}-part.ckpt")),
            "--stop-after",
            "33",
        ]);
        assert_eq!(part["complete"], false);
        let o = fspinn(&[
            "train",
            "--resume",
            &path(&format!("{ckpt}-part.ckpt")),
            "--data-dir",
            root,
            "--json",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let resumed = last_json(&o);
        assert_eq!(whole["test_accuracy"], resumed["test_accuracy"]);
        assert_eq!(whole["train_ops"], resumed["train_ops"]);
        let bytes = |n: &str| std::fs::read(path(n)).unwrap();
        assert!(
            bytes(&format!("{ckpt}.ckpt")) == bytes(&format!("{ckpt}-part.ckpt")),
            "{precision}: resumed checkpoint differs"
        );

        match extra {
            None => {
                assert_eq!(whole["precision"], "fp32");
                assert_eq!(whole["rounding"], "ieee754-nearest-even");
                assert!(whole["quantize"].is_null());
                assert_eq!(whole["memory_bytes"], memory_bytes("30", "fp32"));
            }
            Some(_) => {
                assert_eq!(whole["precision"]["fixed"]["weight_bits"], 4);
                assert_eq!(whole["rounding"], "nearest");
                assert_eq!(whole["quantize"], "post");
                assert_eq!(whole["memory_bytes"], memory_bytes("30", "w4"));
            }
        }
        let o = fspinn(&[
            "eval",
            "--model",
            &path(&format!("{ckpt}.ckpt")),
            "--data-dir",
            root,
            "--test-samples",
            "50",
            "--json",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let e = last_json(&o);
        assert_eq!(e["test_accuracy"], whole["test_accuracy"]);
        assert_eq!(e["precision"], whole["precision"]);
        assert_eq!(e["quantize"], whole["quantize"]);
    }
    let o = fspinn(&[
        "train",
        "--resume",
        &path("post4-part.ckpt"),
        "--quantize",
        "train",
        "--data-dir",
        root,
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("cannot change a resumed run"),
        "{}",
        stderr(&o)
    );
}

/// Properties of the checkpoint files the CLI writes, for the integer FSpiNN and the baseline
/// network: the same command twice gives identical bytes, the file is in the current format,
/// evaluating it reproduces the accuracy training reported, and a damaged copy is refused by
/// `eval` and `inspect` with "corrupt checkpoint" (no panic, no decoder jargon).
#[test]
fn cli_checkpoints_are_deterministic_current_and_refused_when_damaged() {
    let Some(root) = data_root() else {
        eprintln!("note: FSPINN_DATA unset, skipping the checkpoint property test");
        return;
    };
    let root = root.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (variant, precision) in [("fspinn", "w8"), ("baseline", "fp32")] {
        let train = |name: &str| {
            let out = dir.path().join(name);
            let o = fspinn(&[
                "train",
                "--data-dir",
                root,
                "--variant",
                variant,
                "--precision",
                precision,
                "--neurons",
                "20",
                "--train-samples",
                "60",
                "--test-samples",
                "30",
                "--label-samples",
                "60",
                "--seed",
                "9",
                "--threads",
                "1",
                "--json",
                "--out",
                out.to_str().unwrap(),
            ]);
            assert!(o.status.success(), "{}", stderr(&o));
            (out, last_json(&o))
        };
        let (a, trained) = train(&format!("{variant}-a.ckpt"));
        let (b, _) = train(&format!("{variant}-b.ckpt"));
        let bytes = std::fs::read(&a).unwrap();
        assert!(
            bytes == std::fs::read(&b).unwrap(),
            "{variant}: same seed, different bytes"
        );
        assert_eq!(&bytes[..8], b"FSPINNCK");
        assert_eq!(
            &bytes[8..12],
            &fspinn_model::checkpoint::FORMAT_VERSION.to_le_bytes()
        );
        let o = fspinn(&[
            "eval",
            "--model",
            a.to_str().unwrap(),
            "--data-dir",
            root,
            "--test-samples",
            "30",
            "--json",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(last_json(&o)["test_accuracy"], trained["test_accuracy"]);

        let mut damaged = bytes.clone();
        let mid = damaged.len() / 2;
        damaged[mid] ^= 0x10;
        std::fs::write(&b, &damaged).unwrap();
        let model = b.to_str().unwrap();
        for args in [
            &["eval", "--model", model, "--data-dir", root][..],
            &["inspect", "--model", model][..],
        ] {
            let cmd = args[0];
            let o = fspinn(args);
            let e = stderr(&o);
            assert!(!o.status.success(), "{cmd} accepted a damaged checkpoint");
            assert!(
                e.contains("corrupt checkpoint") && e.contains("checksum"),
                "{e}"
            );
            assert!(!e.contains("panicked"), "{e}");
        }
    }
}
