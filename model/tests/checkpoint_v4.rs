//! Checkpoints written in format 4 (before FSpiNN's parameters gained mechanism (e)'s schedule,
//! step and recruiting boost) still load, as the networks they hold, and resume: a long run
//! started by an older build is not lost. The fixtures and the commands that wrote them are in
//! `tests/fixtures/checkpoint-v4/`.

mod common;

use fspinn_model::checkpoint;
use fspinn_model::data::{load, DatasetKind, LoadOptions, Split};
use fspinn_model::fspinn::PotentiationSchedule;
use fspinn_model::network::{Network, NetworkParams};
use fspinn_model::train::Trainer;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/checkpoint-v4")
        .join(name)
}

/// Each variant in the version 4 layout, and the FSpiNN ones also in today's parameter layout
/// under the version 4 header (the "late" files).
const FIXTURES: [&str; 5] = [
    "fspinn-w4.ckpt",
    "fspinn-fp32.ckpt",
    "baseline.ckpt",
    "fspinn-w4-late.ckpt",
    "fspinn-fp32-late.ckpt",
];

fn load_v4(name: &str) -> Trainer {
    let path = fixture(name);
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(
        &bytes[8..12],
        &4u32.to_le_bytes(),
        "{name} is a format 4 file"
    );
    checkpoint::load(&path).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn format_4_files_load_with_the_schedule_they_trained_with() {
    for name in FIXTURES {
        let t = load_v4(name);
        assert_eq!(t.samples_done, 20, "{name}");
        assert_eq!(t.config.neurons, 4, "{name}");
        assert_eq!(t.config.seed, 3, "{name}");
        let fspinn = match &t.config.params {
            NetworkParams::Baseline(_) => None,
            NetworkParams::Fspinn(p) => Some(p.clone()),
            NetworkParams::FspinnF32(f) => Some(f.fspinn.clone()),
        };
        if let Some(p) = fspinn {
            assert_eq!(
                p.potentiation_schedule,
                PotentiationSchedule::Images,
                "{name}"
            );
            assert_eq!(p.recruit_boost, 0, "{name}");
            assert_eq!(p.potentiation_theta_step_mv, 16.0, "{name}");
        }
        match (name, &t.network) {
            ("fspinn-w4.ckpt" | "fspinn-w4-late.ckpt", Network::Fspinn(n)) => {
                assert_eq!(n.params().formats.weight_bits, 4);
                assert!(n.weights().iter().any(|&w| w > 0));
            }
            ("fspinn-fp32.ckpt" | "fspinn-fp32-late.ckpt", Network::FspinnF32(n)) => {
                assert!(n.weights().iter().any(|&w| w > 0.0))
            }
            ("baseline.ckpt", Network::Baseline(n)) => {
                assert!(n.weights().iter().any(|&w| w > 0.0))
            }
            _ => panic!("{name} loaded as another kind of network"),
        }
        // Saved again, it is a format 5 file that reads back to the same bytes.
        let again = checkpoint::to_bytes(&t);
        assert_eq!(&again[8..12], &checkpoint::FORMAT_VERSION.to_le_bytes());
        let back = checkpoint::from_bytes(&again, Path::new("again.ckpt")).unwrap();
        assert_eq!(checkpoint::to_bytes(&back), again, "{name}");
    }
    // Both layouts hold the same runs.
    for (early, late) in [
        ("fspinn-w4.ckpt", "fspinn-w4-late.ckpt"),
        ("fspinn-fp32.ckpt", "fspinn-fp32-late.ckpt"),
    ] {
        assert!(
            checkpoint::to_bytes(&load_v4(early)) == checkpoint::to_bytes(&load_v4(late)),
            "{early} and {late} differ"
        );
    }
}

#[test]
fn format_4_files_hold_the_networks_todays_build_trains() {
    let Some(root) = common::data_root("retraining the format 4 fixtures") else {
        return;
    };
    let opts = LoadOptions {
        limit: Some(20),
        ..LoadOptions::default()
    };
    let dir = root.join("mnist");
    let train = load(&dir, DatasetKind::Mnist, Split::Train, &opts).unwrap();
    let test = load(&dir, DatasetKind::Mnist, Split::Test, &opts).unwrap();
    for name in FIXTURES {
        let old = load_v4(name);
        let mut today = Trainer::new(old.config.clone(), 784).unwrap();
        while !today.training_done() {
            today.step(&train);
        }
        today.evaluate(&train, &test).unwrap();
        assert!(
            checkpoint::to_bytes(&today) == checkpoint::to_bytes(&old),
            "{name}: today's build trains a different network from the same config"
        );
    }
}
