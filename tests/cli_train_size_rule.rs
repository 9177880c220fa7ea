//! `fspinn train --size-rule`: which parameters follow the layer size, as recorded in the run's
//! JSON (docs/baseline.md, "Parameters at other sizes"); the N = 400 values at N = 400 whatever
//! the rule; clear errors for an unknown rule and for changing the rule of a resumed run.

mod common;

use common::{data_root, fspinn, json_run, stderr};

/// The `params` of a short run with `extra` flags, or the failed output's stderr.
fn params(root: &str, extra: &[&str]) -> Result<serde_json::Value, String> {
    let mut args = vec![
        "train",
        "--data-dir",
        root,
        "--train-samples",
        "10",
        "--test-samples",
        "5",
        "--json",
    ];
    args.extend_from_slice(extra);
    Ok(json_run(&args)?["params"].clone())
}

#[test]
fn size_rule_scales_the_right_parameters_and_is_the_identity_at_n400() {
    let Some(root) = data_root() else {
        eprintln!("note: FSPINN_DATA unset, skipping the --size-rule test");
        return;
    };
    let root = root.to_str().unwrap();
    let baseline = |extra: &[&str]| {
        let p = params(root, extra).unwrap();
        let b = &p["baseline"];
        (
            b["inh"]["w_ie"].as_f64().unwrap(),
            b["exc"]["theta_plus"].as_f64().unwrap() as f32,
        )
    };
    // Default for the baseline: inhibition x 400 / N.
    assert_eq!(baseline(&["--neurons", "100"]), (68.0, 0.05));
    assert_eq!(baseline(&["--neurons", "400"]), (17.0, 0.05));
    assert_eq!(
        baseline(&["--neurons", "100", "--size-rule", "off"]),
        (17.0, 0.05)
    );
    assert_eq!(
        baseline(&["--neurons", "100", "--size-rule", "threshold"]),
        (17.0, 0.0125)
    );
    assert_eq!(
        baseline(&["--neurons", "400", "--size-rule", "both"]),
        (17.0, 0.05)
    );
    // --set overrides what the rule gives.
    assert_eq!(
        baseline(&["--neurons", "100", "--set", "inh.w_ie=30"]),
        (30.0, 0.05)
    );
    // FSpiNN: settle by default, the identity up to N = 400.
    let fspinn_p = |extra: &[&str]| {
        let mut args = vec!["--variant", "fspinn"];
        args.extend_from_slice(extra);
        if !extra.contains(&"--neurons") {
            args.extend_from_slice(&["--neurons", "100"]);
        }
        let p = params(root, &args).unwrap();
        let f = &p["fspinn"];
        (
            f["inhibition_mv"].as_f64().unwrap() as f32,
            f["theta_plus_mv"].as_f64().unwrap() as f32,
        )
    };
    assert_eq!(fspinn_p(&[]), (17.5, 0.05));
    assert_eq!(fspinn_p(&["--size-rule", "both"]), (70.0, 0.0125));
    assert_eq!(fspinn_p(&["--neurons", "400"]), (17.5, 0.05));
    // Beyond N = 400: x N / 400 (0.05 x 4 at N = 1600, x 12.25 at 4900), unless the rule is off.
    assert_eq!(fspinn_p(&["--neurons", "1600"]), (17.5, 0.2));
    let (inh, step) = fspinn_p(&["--neurons", "4900"]);
    assert_eq!(inh, 17.5);
    assert!((step - 0.6125).abs() < 1e-6, "{step}");
    assert_eq!(
        fspinn_p(&["--neurons", "4900", "--size-rule", "off"]),
        (17.5, 0.05)
    );
}

#[test]
fn unknown_rules_and_rule_changes_on_resume_are_refused() {
    let Some(root) = data_root() else {
        eprintln!("note: FSPINN_DATA unset, skipping the --size-rule error test");
        return;
    };
    let root = root.to_str().unwrap();
    let err = params(root, &["--size-rule", "most"]).unwrap_err();
    assert!(
        err.contains("most") && err.contains("inhibition") && !err.contains("panicked"),
        "{err}"
    );
    // settle is FSpiNN's: the baseline refuses it, saying why.
    let err = params(root, &["--size-rule", "settle"]).unwrap_err();
    assert!(
        err.contains("settle") && err.contains("baseline") && !err.contains("panicked"),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    let ckpt = dir.path().join("r.ckpt");
    let ckpt = ckpt.to_str().unwrap();
    params(root, &["--out", ckpt, "--stop-after", "3"]).unwrap();
    let o = fspinn(&[
        "train",
        "--resume",
        ckpt,
        "--data-dir",
        root,
        "--size-rule",
        "off",
    ]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("--size-rule") && e.contains("resumed"), "{e}");
}

#[test]
fn a_resumed_run_keeps_its_recorded_parameters_not_todays_default_rule() {
    let Some(root) = data_root() else {
        eprintln!("note: FSPINN_DATA unset, skipping the checkpoint size-rule test");
        return;
    };
    let root = root.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ckpt = dir.path().join("r.ckpt");
    let ckpt = ckpt.to_str().unwrap();
    // A run with the N = 400 step at N = 4900 (what every run before the settle default had).
    let common = [
        "--variant",
        "fspinn",
        "--precision",
        "w4",
        "--neurons",
        "4900",
    ];
    let mut args = common.to_vec();
    args.extend_from_slice(&["--size-rule", "off", "--out", ckpt, "--stop-after", "3"]);
    let step = |p: &serde_json::Value| p["fspinn"]["theta_plus_mv"].as_f64().unwrap() as f32;
    assert_eq!(step(&params(root, &args).unwrap()), 0.05);
    // Resumed without a rule: the checkpoint's parameters, not the default's 0.6125 mV.
    let o = json_run(&["train", "--resume", ckpt, "--data-dir", root, "--json"]).unwrap();
    assert_eq!(step(&o["params"]), 0.05);
    assert_eq!(o["samples_done"].as_u64(), Some(10));
}
