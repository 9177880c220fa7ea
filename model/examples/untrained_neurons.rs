//! Large-N diagnosis of a trained FSpiNN run (issue 16): how many neurons never fired in
//! training, and what the readout gives when those neurons take no label.
//!
//! A neuron's threshold offset starts at 0, grows at each of its training spikes and decays
//! stochastically towards 0, so `theta == 0` after training marks a neuron that never fired (or,
//! rarely, one whose offset decayed all the way back). The example labels the neurons from the
//! run's label images and measures the test accuracy exactly as `fspinn train` does (same
//! streams), then again with the `theta == 0` neurons unassigned.
//!
//! `cargo run --release -p fspinn-model --example untrained_neurons -- RUN.ckpt` with
//! `FSPINN_DATA` pointing at the data root (the run's dataset is read from there).

use fspinn_model::data::{self, LoadOptions, Split};
use fspinn_model::evaluate;
use fspinn_model::labels;
use fspinn_model::network::Network;
use fspinn_model::rng::StreamPhase;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("usage: untrained_neurons RUN.ckpt")?,
    );
    let trainer = fspinn_model::checkpoint::load(&path)?;
    let cfg = &trainer.config;
    let Network::Fspinn(net) = &trainer.network else {
        return Err(format!("{}: not an integer FSpiNN run", path.display()).into());
    };
    let n = net.n_neurons();
    let untrained: Vec<bool> = net.theta().iter().map(|&t| t == 0).collect();
    let kind = cfg.dataset;
    let dir = data::locate(None, kind)?;
    let opts = LoadOptions::default();
    let train = data::load(&dir, kind, Split::Train, &opts)?;
    let test = data::load(&dir, kind, Split::Test, &opts)?;
    let k = cfg.train_samples;
    let l = cfg.label_samples.min(k);
    let (label_counts, label_stats) = evaluate::responses(
        &trainer.network,
        &train,
        k - l..k,
        cfg.seed,
        StreamPhase::Label,
    );
    let assigned = labels::assign(&label_counts, &train.labels()[k - l..k], n);
    let masked: Vec<Option<u8>> = assigned
        .iter()
        .zip(&untrained)
        .map(|(&a, &u)| if u { None } else { a })
        .collect();
    let t = cfg.test_samples;
    let (test_counts, test_stats) =
        evaluate::responses(&trainer.network, &test, 0..t, cfg.seed, StreamPhase::Test);
    let fired_in_test = (0..n)
        .filter(|&j| test_counts.iter().skip(j).step_by(n).any(|&c| c > 0))
        .count();
    let per_class = |a: &[Option<u8>]| {
        let mut c = [0usize; labels::CLASSES];
        for x in a.iter().flatten() {
            c[*x as usize] += 1;
        }
        c
    };
    println!("run {} (N = {n}, seed {})", path.display(), cfg.seed);
    println!(
        "never fired in training (theta == 0): {} of {n} ({:.1} %)",
        untrained.iter().filter(|&&u| u).count(),
        100.0 * untrained.iter().filter(|&&u| u).count() as f64 / n as f64
    );
    println!(
        "fired at least once on the {t} test images: {fired_in_test} of {n}; labelled: {}; \
         labelled but untrained: {}",
        assigned.iter().filter(|a| a.is_some()).count(),
        assigned
            .iter()
            .zip(&untrained)
            .filter(|(a, &u)| a.is_some() && u)
            .count()
    );
    println!(
        "spikes per presentation: labelling {:.2}, test {:.2}",
        label_stats.exc_spikes as f64 / label_stats.attempts.max(1) as f64,
        test_stats.exc_spikes as f64 / test_stats.attempts.max(1) as f64
    );
    println!(
        "neurons per class, all labelled: {:?}",
        per_class(&assigned)
    );
    println!("neurons per class, trained only: {:?}", per_class(&masked));
    let test_labels = &test.labels()[..t];
    println!(
        "test accuracy: {:.2} % (as fspinn train), {:.2} % with untrained neurons unlabelled",
        100.0 * labels::accuracy(&test_counts, test_labels, &assigned),
        100.0 * labels::accuracy(&test_counts, test_labels, &masked)
    );
    Ok(())
}
