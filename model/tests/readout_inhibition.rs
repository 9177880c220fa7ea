//! The FSpiNN readout inhibition chosen after training (`calibrate_readout_inhibition`), on the
//! built-in MNIST subset: the first evaluation tries the candidates and keeps the best in the
//! network, which the checkpoint then holds; a later evaluation (a finished checkpoint
//! evaluated again) reads out with it and chooses nothing; with the switch off the network
//! keeps the value training ended on.

use fspinn_model::data::{self, DatasetKind, Split};
use fspinn_model::fspinn::FspinnParams;
use fspinn_model::network::{Network, NetworkParams};
use fspinn_model::precision::FixedFormats;
use fspinn_model::readout_inhibition::{candidates, refinements};
use fspinn_model::train::Evaluation;
use fspinn_model::{checkpoint, RunConfig, Trainer, Variant};
use std::path::Path;

fn trained(calibrate: bool) -> Trainer {
    let mut p = FspinnParams {
        calibrate_readout_inhibition: calibrate,
        formats: FixedFormats::with_weight_bits(4),
        ..FspinnParams::default()
    };
    p.presentation_ms = 100.0;
    let config = RunConfig {
        dataset: DatasetKind::Mnist,
        variant: Variant::Fspinn,
        neurons: 16,
        train_samples: 60,
        test_samples: 30,
        label_samples: 40,
        epochs: 1,
        seed: 1,
        params: NetworkParams::Fspinn(p),
    };
    let mut t = Trainer::new(config, 784).unwrap();
    let train = data::builtin(Split::Train);
    while !t.training_done() {
        t.step(&train);
    }
    t
}

fn inhibition_mv(t: &Trainer) -> f64 {
    match &t.network {
        Network::Fspinn(n) => n.inhibition_mv(),
        _ => panic!("an integer FSpiNN network"),
    }
}

/// Trains, notes the inhibition training ended on (mV), evaluates.
fn trained_and_evaluated(calibrate: bool) -> (Trainer, f64, Evaluation) {
    let mut t = trained(calibrate);
    let held = inhibition_mv(&t);
    let e = t
        .evaluate(&data::builtin(Split::Train), &data::builtin(Split::Test))
        .unwrap();
    (t, held, e)
}

#[test]
fn the_first_evaluation_chooses_the_readout_inhibition_and_later_ones_keep_it() {
    let (train, test) = (data::builtin(Split::Train), data::builtin(Split::Test));
    let (t, held, first) = trained_and_evaluated(true);
    let chosen = first.readout_inhibition.clone().expect("chosen");
    assert_eq!(chosen.held_mv, held);
    assert_eq!(inhibition_mv(&t), chosen.chosen_mv, "the network keeps it");
    // Every value of the grid was tried (the held one first), then the refinement around the
    // grid's best; the chosen one scored highest, and no later value beat an earlier tie.
    let tried: Vec<f64> = chosen.candidates.iter().map(|c| c.inhibition_mv).collect();
    assert_eq!(tried[0], held);
    // A value is held to the nearest code of the sQ8.8 membrane format.
    let was_tried = |v: f64| tried.iter().any(|t| (t - v).abs() <= 0.5 / 256.0);
    let grid = candidates(held, 17.5);
    for &v in &grid {
        assert!(was_tried(v), "{v} mV not tried: {tried:?}");
    }
    let scores: Vec<f64> = chosen.candidates.iter().map(|c| c.label_accuracy).collect();
    let best = scores.iter().cloned().fold(f64::MIN, f64::max);
    let first_best = scores.iter().position(|&s| s == best).unwrap();
    assert_eq!(tried[first_best], chosen.chosen_mv);
    let grid_best = tried[..grid.len()][scores[..grid.len()]
        .iter()
        .position(|&s| {
            s == scores[..grid.len()]
                .iter()
                .cloned()
                .fold(f64::MIN, f64::max)
        })
        .unwrap()];
    for v in refinements(grid_best) {
        assert!(was_tried(v), "refinement {v} mV not tried: {tried:?}");
    }
    // Saved and evaluated again: nothing is chosen, the readout is the same.
    let bytes = checkpoint::to_bytes(&t);
    let mut again = checkpoint::from_bytes(&bytes, Path::new("again.ckpt")).unwrap();
    let second = again.evaluate(&train, &test).unwrap();
    assert!(second.readout_inhibition.is_none());
    assert_eq!(inhibition_mv(&again), chosen.chosen_mv);
    assert_eq!(second.assignments, first.assignments);
    assert_eq!(second.test_accuracy, first.test_accuracy);
}

#[test]
fn with_the_switch_off_the_network_reads_out_with_the_value_training_ended_on() {
    let (off, held, e) = trained_and_evaluated(false);
    assert!(e.readout_inhibition.is_none());
    assert_eq!(inhibition_mv(&off), held);
    // The same training with the switch on trains the same network up to the choice.
    let on = trained(true);
    assert_eq!(inhibition_mv(&on), held);
}
