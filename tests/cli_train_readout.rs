//! `fspinn train` reports two readouts of the same spike counts: Diehl & Cook's
//! (`test_accuracy`) and the Poisson-likelihood readout (`test_accuracy_likelihood`;
//! docs/baseline.md, "Readout"); neither when training stopped early.

mod common;

use common::{data_root, json_run};

#[test]
fn both_readouts_are_reported_as_fractions_of_the_test_images() {
    let Some(root) = data_root() else {
        eprintln!("note: FSPINN_DATA unset, skipping the readout test");
        return;
    };
    let root = root.to_str().unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "train",
            "--data-dir",
            root,
            "--neurons",
            "20",
            "--train-samples",
            "40",
            "--test-samples",
            "25",
            "--seed",
            "3",
            "--json",
        ];
        args.extend_from_slice(extra);
        json_run(&args).unwrap()
    };
    for extra in [&["--variant", "baseline"][..], &["--variant", "fspinn"][..]] {
        let r = run(extra);
        for key in ["test_accuracy", "test_accuracy_likelihood"] {
            let a = r[key]
                .as_f64()
                .unwrap_or_else(|| panic!("{extra:?}: {key} missing: {r}"));
            // A fraction of 25 test images.
            let correct = a * 25.0;
            assert!(
                (0.0..=1.0).contains(&a) && (correct - correct.round()).abs() < 1e-9,
                "{extra:?}: {key} = {a}"
            );
        }
    }
    let stopped = run(&["--stop-after", "5"]);
    assert_eq!(stopped["complete"], false);
    assert!(stopped["test_accuracy"].is_null() && stopped["test_accuracy_likelihood"].is_null());
}
