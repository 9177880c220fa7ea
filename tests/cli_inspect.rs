//! `fspinn inspect` end to end: the summary of a trained baseline and FSpiNN network adds up
//! (every neuron counted once, spreads ordered, shares in range), and bad checkpoints get a clear
//! error.

mod common;

use common::{data_root, fspinn, stderr, stdout};

fn train(root: &str, dir: &std::path::Path, variant: &str, precision: &str) -> String {
    let out = dir.join(format!("{variant}-{precision}.ckpt"));
    let o = fspinn(&[
        "train",
        "--data-dir",
        root,
        "--variant",
        variant,
        "--precision",
        precision,
        "--neurons",
        "30",
        "--train-samples",
        "150",
        "--test-samples",
        "20",
        "--label-samples",
        "100",
        "--seed",
        "4",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    out.to_str().unwrap().to_string()
}

fn spread_is_ordered(j: &serde_json::Value, key: &str) -> [f64; 5] {
    let s = &j[key];
    let v = ["min", "p10", "median", "p90", "max"].map(|k| s[k].as_f64().unwrap());
    assert!(
        v.windows(2).all(|w| w[0] <= w[1]),
        "{key} not ordered: {v:?}"
    );
    v
}

#[test]
fn inspect_summarises_trained_networks_consistently() {
    let Some(root) = data_root() else {
        eprintln!("note: FSPINN_DATA unset, skipping the inspect test");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for (variant, precision) in [("baseline", "fp32"), ("fspinn", "w4"), ("fspinn", "fp32")] {
        let ckpt = train(root.to_str().unwrap(), dir.path(), variant, precision);
        let o = fspinn(&["inspect", "--model", &ckpt, "--json"]);
        assert!(o.status.success(), "{}", stderr(&o));
        // With --json the summary is on stderr and stdout is the JSON object alone.
        assert!(stderr(&o).contains("neurons per class"), "{}", stderr(&o));
        assert_eq!(stdout(&o).lines().count(), 1, "{}", stdout(&o));
        let line = stdout(&o).lines().last().unwrap().to_string();
        let j: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(j["neurons"], 30);
        assert_eq!(j["samples_done"], 150);
        assert_eq!(j["variant"], variant);
        let per_class: u64 = j["neurons_per_class"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_u64().unwrap())
            .sum();
        let silent = j["unassigned_neurons"].as_u64().unwrap();
        assert_eq!(
            per_class + silent,
            30,
            "{variant}: every neuron counted once"
        );
        assert!(per_class > 0, "{variant}: some neuron must be labelled");
        spread_is_ordered(&j, "theta_mv");
        let zero = spread_is_ordered(&j, "share_of_weights_at_zero");
        assert!(
            zero[0] >= 0.0 && zero[4] <= 1.0,
            "{variant}: zero shares {zero:?}"
        );
        let top = spread_is_ordered(&j, "share_of_weights_at_top");
        assert!(top[0] >= 0.0 && top[4] <= 1.0);
        assert!(j["presentations_per_image"].as_f64().unwrap() >= 1.0);
        assert!(j["output_spikes_per_presentation"].as_f64().unwrap() > 0.0);
        assert_eq!(j["inhibition_mv"].is_null(), variant == "baseline");
    }
}

#[test]
fn inspect_names_a_bad_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.ckpt");
    std::fs::write(&bad, b"not a checkpoint").unwrap();
    for path in [bad.to_str().unwrap(), "/nonexistent/model.ckpt"] {
        let o = fspinn(&["inspect", "--model", path]);
        assert!(!o.status.success());
        let err = stderr(&o);
        assert!(err.contains(path), "error does not name {path}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}
