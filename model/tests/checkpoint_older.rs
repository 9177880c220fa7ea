//! Checkpoints written in older formats still load, as the networks they hold, and resume: a
//! long run started by an older build is not lost. Format 4 predates FSpiNN's mechanism (e)
//! schedule, step and recruiting boost, formats 4 and 5 predate `retire_unrecruited`, formats 4
//! to 6 `calibrate_readout_inhibition`; each is read at the values its network trained and was
//! evaluated with. The fixtures and the commands that wrote them are in
//! `tests/fixtures/checkpoint-v4/`, `-v5/` and `-v6/`.

mod common;

use fspinn_model::checkpoint;
use fspinn_model::data::{load, DatasetKind, LoadOptions, Split};
use fspinn_model::fspinn::{FspinnParams, PotentiationSchedule};
use fspinn_model::network::{Network, NetworkParams};
use fspinn_model::train::Trainer;
use std::path::Path;

/// Format, fixture directory and file: each variant in the version 4 layout, the FSpiNN ones
/// also in the version 5 layout under the version 4 header (the "late" files), and the FSpiNN
/// ones in formats 5 and 6.
const FIXTURES: [(u32, &str, &str); 9] = [
    (4, "checkpoint-v4", "fspinn-w4.ckpt"),
    (4, "checkpoint-v4", "fspinn-fp32.ckpt"),
    (4, "checkpoint-v4", "baseline.ckpt"),
    (4, "checkpoint-v4", "fspinn-w4-late.ckpt"),
    (4, "checkpoint-v4", "fspinn-fp32-late.ckpt"),
    (5, "checkpoint-v5", "fspinn-w4.ckpt"),
    (5, "checkpoint-v5", "fspinn-fp32.ckpt"),
    (6, "checkpoint-v6", "fspinn-w4.ckpt"),
    (6, "checkpoint-v6", "fspinn-fp32.ckpt"),
];

fn load_old(version: u32, dir: &str, name: &str) -> Trainer {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir)
        .join(name);
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(
        &bytes[8..12],
        &version.to_le_bytes(),
        "{dir}/{name} is a format {version} file"
    );
    checkpoint::load(&path).unwrap_or_else(|e| panic!("{dir}/{name}: {e}"))
}

fn fspinn_params(t: &Trainer) -> Option<FspinnParams> {
    match &t.config.params {
        NetworkParams::Baseline(_) => None,
        NetworkParams::Fspinn(p) => Some(p.clone()),
        NetworkParams::FspinnF32(f) => Some(f.fspinn.clone()),
    }
}

#[test]
fn older_files_load_with_the_parameters_they_trained_with() {
    for (version, dir, name) in FIXTURES {
        let t = load_old(version, dir, name);
        assert_eq!(t.samples_done, 20, "{dir}/{name}");
        assert_eq!(t.config.neurons, 4, "{dir}/{name}");
        assert_eq!(t.config.seed, 3, "{dir}/{name}");
        if let Some(p) = fspinn_params(&t) {
            assert_eq!(
                p.potentiation_schedule,
                PotentiationSchedule::Images,
                "{dir}/{name}"
            );
            assert_eq!(p.recruit_boost, 0, "{dir}/{name}");
            assert_eq!(p.potentiation_theta_step_mv, 16.0, "{dir}/{name}");
            assert_eq!(
                p.retire_unrecruited,
                version >= 6,
                "{dir}/{name}: retiring came with format 6"
            );
            assert!(
                !p.calibrate_readout_inhibition,
                "{dir}/{name}: evaluated with the inhibition training ended on"
            );
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
            _ => panic!("{dir}/{name} loaded as another kind of network"),
        }
        // Saved again, it is a current-format file that reads back to the same bytes.
        let again = checkpoint::to_bytes(&t);
        assert_eq!(&again[8..12], &checkpoint::FORMAT_VERSION.to_le_bytes());
        let back = checkpoint::from_bytes(&again, Path::new("again.ckpt")).unwrap();
        assert_eq!(checkpoint::to_bytes(&back), again, "{dir}/{name}");
    }
    // Both version 4 layouts, and format 5, hold the same runs.
    for file in ["fspinn-w4.ckpt", "fspinn-fp32.ckpt"] {
        let early = checkpoint::to_bytes(&load_old(4, "checkpoint-v4", file));
        let late = file.replace(".ckpt", "-late.ckpt");
        let late = checkpoint::to_bytes(&load_old(4, "checkpoint-v4", &late));
        let v5 = checkpoint::to_bytes(&load_old(5, "checkpoint-v5", file));
        assert!(early == late, "{file}: the two version 4 layouts differ");
        assert!(early == v5, "{file}: format 4 and format 5 differ");
    }
}

#[test]
fn older_files_hold_the_networks_todays_build_trains() {
    let Some(root) = common::data_root("retraining the older-format fixtures") else {
        return;
    };
    let opts = LoadOptions {
        limit: Some(20),
        ..LoadOptions::default()
    };
    let dir = root.join("mnist");
    let train = load(&dir, DatasetKind::Mnist, Split::Train, &opts).unwrap();
    let test = load(&dir, DatasetKind::Mnist, Split::Test, &opts).unwrap();
    for (version, fixtures, name) in FIXTURES {
        let old = load_old(version, fixtures, name);
        let mut today = Trainer::new(old.config.clone(), 784).unwrap();
        while !today.training_done() {
            today.step(&train);
        }
        today.evaluate(&train, &test).unwrap();
        assert!(
            checkpoint::to_bytes(&today) == checkpoint::to_bytes(&old),
            "{fixtures}/{name}: today's build trains a different network from the same config"
        );
        // With today's defaults the same run retires the neurons 20 images did not recruit and
        // chooses its readout inhibition.
        if let Some(mut p) = fspinn_params(&old) {
            p.retire_unrecruited = true;
            p.calibrate_readout_inhibition = true;
            let mut config = old.config.clone();
            config.params = match config.params {
                NetworkParams::FspinnF32(mut f) => {
                    f.fspinn = p;
                    NetworkParams::FspinnF32(f)
                }
                _ => NetworkParams::Fspinn(p),
            };
            let mut retiring = Trainer::new(config, 784).unwrap();
            while !retiring.training_done() {
                retiring.step(&train);
            }
            let e = retiring.evaluate(&train, &test).unwrap();
            assert!(e.retired_neurons > 0, "{fixtures}/{name}: none retired");
            assert_eq!(
                e.retired_neurons,
                retiring.network.retired_neurons().unwrap()
            );
            let chosen = e
                .readout_inhibition
                .expect("the readout inhibition is chosen");
            assert!(
                chosen.candidates.len() >= 7,
                "{fixtures}/{name}: {chosen:?}"
            );
            assert_eq!(chosen.candidates[0].inhibition_mv, chosen.held_mv);
            let held = retiring
                .network
                .readout_inhibition_to_calibrate()
                .unwrap()
                .0;
            assert_eq!(
                held, chosen.chosen_mv,
                "{fixtures}/{name}: the network keeps it"
            );
        }
    }
}
