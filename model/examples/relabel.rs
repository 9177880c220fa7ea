//! How many label images a large network needs (issue 16): labels a trained run from the last
//! K training images for several K, without retraining, and reports the test accuracy of both
//! readouts for each. Diehl & Cook labelled from one presentation of the whole training set;
//! `fspinn train` uses the last 10,000 images by default.
//!
//! `cargo run --release -p fspinn-model --example relabel -- RUN.ckpt [K ...]` with
//! `FSPINN_DATA` pointing at the data root. The label responses are measured once, on the
//! largest K (the streams are keyed by image index, so a smaller K reads the same counts).

use fspinn_model::data::{self, LoadOptions, Split};
use fspinn_model::evaluate;
use fspinn_model::labels;
use fspinn_model::rng::StreamPhase;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(args.next().ok_or("usage: relabel RUN.ckpt [K ...]")?);
    let mut sizes: Vec<usize> = args.map(|a| a.parse()).collect::<Result<_, _>>()?;
    let trainer = fspinn_model::checkpoint::load(&path)?;
    let cfg = &trainer.config;
    let n = cfg.neurons;
    let kind = cfg.dataset;
    let dir = data::locate(None, kind)?;
    let opts = LoadOptions::default();
    let train = data::load(&dir, kind, Split::Train, &opts)?;
    let test = data::load(&dir, kind, Split::Test, &opts)?;
    let k = cfg.train_samples;
    if sizes.is_empty() {
        sizes = vec![cfg.label_samples, k];
    }
    let largest = sizes.iter().copied().max().unwrap_or(k).min(k);
    let (label_counts, _) = evaluate::responses(
        &trainer.network,
        &train,
        k - largest..k,
        cfg.seed,
        StreamPhase::Label,
    );
    let t = cfg.test_samples;
    let (test_counts, _) =
        evaluate::responses(&trainer.network, &test, 0..t, cfg.seed, StreamPhase::Test);
    let test_labels = &test.labels()[..t];
    println!(
        "run {} (N = {n}, seed {}, {t} test images)",
        path.display(),
        cfg.seed
    );
    for &size in &sizes {
        let l = size.min(k);
        let skip = (largest - l) * n;
        let responses =
            labels::ClassResponses::measure(&label_counts[skip..], &train.labels()[k - l..k], n);
        let assigned = responses.assignments();
        println!(
            "labels from {l:>6} images: {:.2} % (likelihood {:.2} %), {} neurons labelled",
            100.0 * labels::accuracy(&test_counts, test_labels, &assigned),
            100.0 * responses.likelihood().accuracy(&test_counts, test_labels),
            assigned.iter().filter(|a| a.is_some()).count()
        );
    }
    Ok(())
}
