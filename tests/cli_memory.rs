//! `fspinn memory` end to end: the JSON it prints, the table, and its errors for bad input.

mod common;

use common::{fspinn, stderr, stdout};

#[test]
fn json_is_the_last_stdout_line_and_has_every_key() {
    let o = fspinn(&[
        "memory",
        "--variant",
        "fspinn",
        "--neurons",
        "400",
        "--precision",
        "w4",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let j: serde_json::Value =
        serde_json::from_str(out.lines().last().expect("stdout has a line")).expect("JSON line");
    for key in [
        "variant",
        "neurons",
        "inputs",
        "precision",
        "components",
        "weights_bytes",
        "neuron_state_bytes",
        "neuron_params_bytes",
        "traces_bytes",
        "inhibitory_bytes",
        "bits",
        "bytes",
        "baseline_bytes",
        "saving",
        "baseline_dense_bytes",
        "saving_vs_dense",
    ] {
        assert!(j.get(key).is_some(), "JSON lacks {key}: {j}");
    }
    assert_eq!(j["variant"], "fspinn");
    assert_eq!(j["precision"], "w4");
    assert_eq!(j["inputs"], 784);
    // Hand count in model/tests/memory.rs and docs/memory.md.
    assert_eq!(j["bytes"], 159_888);
    assert_eq!(j["baseline_bytes"], 1_273_668);
    assert_eq!(j["baseline_dense_bytes"], 2_553_660);
    for c in j["components"].as_array().unwrap() {
        for key in [
            "name",
            "kind",
            "per",
            "count",
            "bits_each",
            "bits",
            "bytes",
            "what",
        ] {
            assert!(c.get(key).is_some(), "component lacks {key}: {c}");
        }
    }
    // With --json the table goes to stderr, so stdout is exactly one line.
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(stderr(&o).contains("saving 7.966x"), "{}", stderr(&o));
}

#[test]
fn without_json_the_table_is_on_stdout() {
    let o = fspinn(&[
        "memory",
        "--variant",
        "baseline",
        "--neurons",
        "400",
        "--precision",
        "fp32",
        "--dense-inhibition",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("inh_to_exc_weights"), "{out}");
    assert!(out.contains("2553660 B"), "{out}");
}

#[test]
fn bad_input_gives_a_clear_error() {
    let cases: [(&[&str], &str); 5] = [
        (
            &[
                "--variant",
                "fspinn",
                "--neurons",
                "400",
                "--precision",
                "int4",
            ],
            "valid: fp32",
        ),
        (
            &[
                "--variant",
                "fspinn",
                "--neurons",
                "400",
                "--precision",
                "w32",
            ],
            "between 2 and 16",
        ),
        (
            &["--variant", "fspinn", "--neurons", "0", "--precision", "w4"],
            "must be at least 1",
        ),
        (
            &[
                "--variant",
                "baseline",
                "--neurons",
                "2000000",
                "--precision",
                "fp32",
            ],
            "at most 1048576",
        ),
        (
            &[
                "--variant",
                "fspinn",
                "--neurons",
                "10",
                "--precision",
                "w4",
                "--dense-inhibition",
            ],
            "no inhibitory layer",
        ),
    ];
    for (args, expected) in cases {
        let o = fspinn(&[&["memory"][..], args].concat());
        assert!(!o.status.success(), "{args:?} succeeded");
        let err = stderr(&o);
        assert!(err.contains(expected), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn help_shows_an_example() {
    let o = fspinn(&["memory", "--help"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("Example:\n  fspinn memory --variant fspinn"));
}
