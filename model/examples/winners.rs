//! How many neurons answer one image (issue 16): over the first K test images of a trained run
//! (any variant), the distinct neurons that fire per image and the share of the image's spikes
//! fired by its top neuron. A layer where one neuron takes every image trains one neuron per
//! image; the f32 baseline's layer fires more as N grows.
//!
//! `cargo run --release -p fspinn-model --example winners -- RUN.ckpt [K]` with `FSPINN_DATA`.

use fspinn_model::data::{self, LoadOptions, Split};
use fspinn_model::evaluate;
use fspinn_model::rng::StreamPhase;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(args.next().ok_or("usage: winners RUN.ckpt [K]")?);
    let k: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(2000);
    let trainer = fspinn_model::checkpoint::load(&path)?;
    let cfg = &trainer.config;
    let n = cfg.neurons;
    let dir = data::locate(None, cfg.dataset)?;
    let test = data::load(&dir, cfg.dataset, Split::Test, &LoadOptions::default())?;
    let k = k.min(test.len());
    let (counts, _) =
        evaluate::responses(&trainer.network, &test, 0..k, cfg.seed, StreamPhase::Test);
    let mut distinct = Vec::with_capacity(k);
    let mut top_share = 0.0;
    for image in counts.chunks(n) {
        let total: u32 = image.iter().sum();
        distinct.push(image.iter().filter(|&&c| c > 0).count());
        top_share += *image.iter().max().unwrap_or(&0) as f64 / total.max(1) as f64;
    }
    distinct.sort_unstable();
    let mean = distinct.iter().sum::<usize>() as f64 / k as f64;
    println!(
        "{} (N = {n}): distinct neurons firing per image mean {mean:.2}, median {}, p90 {}; \
         top neuron's share of the spikes {:.2}",
        path.display(),
        distinct[k / 2],
        distinct[k * 9 / 10],
        top_share / k as f64
    );
    Ok(())
}
