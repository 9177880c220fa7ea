//! `fspinn train --precision-rule`, `--learning-rule` and `--dataset-rule` (docs/fspinn.md,
//! "Parameters at other precisions and on other datasets", "The learning rule"): what each rule
//! sets in the run's recorded parameters, that all are the identity at 4-bit weights on MNIST
//! at N <= 400, that `--set` overrides them, and the errors for the baseline, a bad value and a
//! resumed run.

mod common;

use common::{data_root, fspinn, json_run, stderr};

/// The FSpiNN `params` of a short run of 20 neurons with `extra` flags, or the failed output's
/// stderr.
fn params(root: &str, extra: &[&str]) -> Result<serde_json::Value, String> {
    params_at(root, "20", extra)
}

/// The FSpiNN `params` of a short run of `neurons` neurons with `extra` flags.
fn params_at(root: &str, neurons: &str, extra: &[&str]) -> Result<serde_json::Value, String> {
    let mut args = vec![
        "train",
        "--data-dir",
        root,
        "--variant",
        "fspinn",
        "--neurons",
        neurons,
        "--train-samples",
        "5",
        "--test-samples",
        "3",
        "--json",
    ];
    args.extend_from_slice(extra);
    let j = json_run(&args)?;
    let p = &j["params"];
    Ok(if p["fspinn"].is_object() {
        p["fspinn"].clone()
    } else {
        p["fspinn-f32"]["fspinn"].clone()
    })
}

/// (nu_post, theta_target_mv, rate_per_pixel_hz) as f32.
type Learning = (f32, f32, f32);

/// The [`Learning`] fields of a run's `params`.
fn key(p: &serde_json::Value) -> Learning {
    let f = |k: &str| p[k].as_f64().unwrap() as f32;
    (f("nu_post"), f("theta_target_mv"), f("rate_per_pixel_hz"))
}

#[test]
fn the_rules_set_their_parameters_and_are_the_identity_at_4_bits_on_mnist() {
    let Some(root) = data_root() else {
        eprintln!("note: FSPINN_DATA unset, skipping the operating-rule test");
        return;
    };
    let root = root.to_str().unwrap();
    let k = |extra: &[&str]| key(&params(root, extra).unwrap());
    // 4-bit weights on MNIST: the published values.
    assert_eq!(k(&["--precision", "w4"]), (0.01, 25.0, 0.125));
    // The precision rule is off by default below N = 400 (here N = 20); on, 8-bit weights get
    // rate and settling point x2.
    assert_eq!(k(&[]), (0.01, 25.0, 0.125));
    let on = ["--precision-rule", "on"];
    assert_eq!(
        k(&[&on[..], &["--precision", "w4"]].concat()),
        (0.01, 25.0, 0.125)
    );
    assert_eq!(k(&on), (0.02, 50.0, 0.125));
    assert_eq!(
        k(&[&on[..], &["--precision", "w8", "--set", "nu_post=0.03"]].concat()),
        (0.03, 50.0, 0.125)
    );
    // The f32 network and post-training quantisation learn unrounded: no precision rule.
    assert_eq!(
        k(&[&on[..], &["--precision", "fp32"]].concat()),
        (0.01, 25.0, 0.125)
    );
    assert_eq!(
        k(&[&on[..], &["--precision", "w8", "--quantize", "post"]].concat()),
        (0.01, 25.0, 0.125)
    );
    // Fashion-MNIST: the input rate x M_MNIST / M_Fashion.
    if root_has_fashion(root) {
        let fashion = params(root, &["--dataset", "fashion-mnist", "--precision", "w4"]).unwrap();
        let (nu, theta, rate) = key(&fashion);
        assert_eq!((nu, theta), (0.01, 25.0));
        // ... and the spike target 8 (12 on MNIST, and with the rule off).
        assert_eq!(fashion["target_spikes"], 8);
        let target = |extra: &[&str]| params(root, extra).unwrap()["target_spikes"].clone();
        assert_eq!(target(&["--precision", "w4"]), 12);
        assert_eq!(
            target(&["--dataset", "fashion-mnist", "--dataset-rule", "off"]),
            12
        );
        assert!((rate - 0.0571).abs() < 1e-4, "{rate}");
        assert_eq!(
            k(&[
                "--dataset",
                "fashion-mnist",
                "--precision",
                "w4",
                "--dataset-rule",
                "off"
            ]),
            (0.01, 25.0, 0.125)
        );
        // Beyond N = 1600 the rule fades: x min(1, 0.457 N / 1600), MNIST's rate at N = 4900.
        let rate_at = |n: &str, extra: &[&str]| {
            let fashion_w4 = ["--dataset", "fashion-mnist", "--precision", "w4"];
            key(&params_at(root, n, &[&fashion_w4[..], extra].concat()).unwrap()).2
        };
        assert!((rate_at("1600", &[]) - 0.0571).abs() < 1e-4);
        let off = ["--learning-rule", "off"];
        assert!((rate_at("3200", &off) - 0.1142).abs() < 1e-4);
        assert_eq!(rate_at("4900", &off), 0.125);
        // The learning rule (x N / 2450 on Fashion-MNIST from N = 2450) moves the corner out
        // with it: 1600 x 3200 / 2450 at N = 3200, 3200 at N = 4900; both 0.125 x 0.457 x 1.53.
        assert!((rate_at("3200", &[]) - 0.0874).abs() < 1e-4);
        assert!((rate_at("4900", &[]) - 0.0874).abs() < 1e-4);
    }
    // From N = 400 the precision rule is on by default (explore's points follow: unit test in
    // explore/src/point.rs); `--precision-rule off` still turns it off.
    // Beyond N = 400 on MNIST the learning rule multiplies rate and settling point by N / 400,
    // x4 in all with the precision rule's factor, x2 of its own over more than one pass (unit
    // test in model/src/operating_rule.rs); `--learning-rule off` turns it off.
    let cases: [(&str, &[&str], Learning); 10] = [
        ("400", &["--precision", "w8"], (0.02, 50.0, 0.125)),
        (
            "400",
            &["--precision", "w8", "--precision-rule", "off"],
            (0.01, 25.0, 0.125),
        ),
        ("400", &["--precision", "w4"], (0.01, 25.0, 0.125)),
        ("800", &["--precision", "w4"], (0.02, 50.0, 0.125)),
        ("800", &["--precision", "w8"], (0.04, 100.0, 0.125)),
        (
            "800",
            &["--precision", "w4", "--learning-rule", "off"],
            (0.01, 25.0, 0.125),
        ),
        (
            "800",
            &["--precision", "w8", "--learning-rule", "off"],
            (0.02, 50.0, 0.125),
        ),
        ("1600", &["--precision", "w4"], (0.04, 100.0, 0.125)),
        (
            "1600",
            &["--precision", "w4", "--epochs", "3"],
            (0.02, 50.0, 0.125),
        ),
        (
            "1600",
            &["--precision", "w8", "--epochs", "3"],
            (0.04, 100.0, 0.125),
        ),
    ];
    for (neurons, extra, expected) in cases {
        let got = key(&params_at(root, neurons, extra).unwrap());
        assert_eq!(got, expected, "N = {neurons}, {extra:?}");
    }
}

fn root_has_fashion(root: &str) -> bool {
    std::path::Path::new(root)
        .join("fashion-mnist/train-images-idx3-ubyte.gz")
        .exists()
}

#[test]
fn bad_values_the_baseline_and_resumed_runs_are_refused() {
    let Some(root) = data_root() else {
        eprintln!("note: FSPINN_DATA unset, skipping the operating-rule error test");
        return;
    };
    let root = root.to_str().unwrap();
    let err = params(root, &["--precision-rule", "yes"]).unwrap_err();
    assert!(
        err.contains("yes") && err.contains("on or off") && !err.contains("panicked"),
        "{err}"
    );
    let o = fspinn(&[
        "train",
        "--data-dir",
        root,
        "--train-samples",
        "5",
        "--test-samples",
        "3",
        "--dataset-rule",
        "off",
    ]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("--dataset-rule") && e.contains("fspinn"), "{e}");
    let err = params(root, &["--learning-rule", "2"]).unwrap_err();
    assert!(err.contains("`2`") && err.contains("on or off"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let ckpt = dir.path().join("r.ckpt");
    let ckpt = ckpt.to_str().unwrap();
    params(root, &["--out", ckpt, "--stop-after", "2"]).unwrap();
    let o = fspinn(&[
        "train",
        "--resume",
        ckpt,
        "--data-dir",
        root,
        "--precision-rule",
        "off",
    ]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("--precision-rule") && e.contains("resumed"),
        "{e}"
    );
}
