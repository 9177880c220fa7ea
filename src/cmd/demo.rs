//! `fspinn demo`: the README's first command; trains and tests on the built-in MNIST subset so it
//! works on a fresh machine with no data directory.

use super::common::init_threads;
use super::train::{execute, print_report, RunOptions};
use anyhow::Result;
use clap::Args;
use fspinn_model::data::{self, DatasetKind, Split};
use fspinn_model::network::NetworkParams;
use fspinn_model::params::BaselineParams;
use fspinn_model::{RunConfig, Trainer, Variant};

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Excitatory neurons.
    #[arg(long, default_value_t = 100)]
    pub neurons: usize,
    /// Seed of every random draw.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Print one JSON object as the last line of stdout.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: DemoArgs) -> Result<()> {
    let threads = init_threads(0)?;
    let train = data::builtin(Split::Train);
    let test = data::builtin(Split::Test);
    crate::errln!(
        "demo: Diehl & Cook baseline, {} neurons, {} built-in MNIST training images, {} test images",
        a.neurons,
        train.len(),
        test.len()
    )?;
    let config = RunConfig {
        dataset: DatasetKind::Mnist,
        variant: Variant::Baseline,
        neurons: a.neurons,
        train_samples: train.len(),
        test_samples: test.len(),
        label_samples: train.len(),
        epochs: 1,
        seed: a.seed,
        params: NetworkParams::Baseline(BaselineParams::default()),
    };
    let trainer = Trainer::new(config, train.pixels_per_image())?;
    let opts = RunOptions {
        out: None,
        checkpoint_every: 0,
        stop_after: None,
        threads,
    };
    let report = execute(trainer, &train, &test, &opts)?;
    print_report(&report, a.json)
}
