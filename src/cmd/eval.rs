//! `fspinn eval`: accuracy of a trained checkpoint on a test set.

use super::common::{init_threads, DataArgs};
use crate::output;
use anyhow::{bail, Context, Result};
use clap::Args;
use fspinn_model::data::{DatasetKind, Split};
use fspinn_model::{checkpoint, train};
use serde_json::json;
use std::path::PathBuf;
use std::time::Instant;

pub const EXAMPLES: &str = "Examples:
  fspinn eval --model n400.ckpt --json
  fspinn eval --model n400.ckpt --test-samples 1000 --data-dir ../shared/data";

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// Checkpoint written by `fspinn train --out`.
    #[arg(long, value_name = "CKPT")]
    pub model: PathBuf,
    /// Dataset [default: the one the model was trained on].
    #[arg(long)]
    pub dataset: Option<DatasetKind>,
    #[command(flatten)]
    pub data: DataArgs,
    /// Test images, the first K of the test set.
    #[arg(long, default_value_t = 10_000)]
    pub test_samples: usize,
    /// Seed of the input spike trains [default: the run's seed].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (0: one per core). Results do not depend on it.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Print one JSON object as the last line of stdout.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: EvalArgs) -> Result<()> {
    if a.test_samples == 0 {
        bail!("--test-samples 0: at least 1 test image is needed to measure an accuracy");
    }
    let threads = init_threads(a.threads)?;
    let mut trainer = checkpoint::load(&a.model).context("loading the model")?;
    if !trainer.training_done() {
        bail!(
            "{}: training stopped after {} of {} images; finish it with `fspinn train --resume {}`",
            a.model.display(),
            trainer.samples_done,
            trainer.config.total_train_samples(),
            a.model.display()
        );
    }
    let c = trainer.config.clone();
    let dataset = a.dataset.unwrap_or(c.dataset);
    if dataset != c.dataset {
        crate::errln!(
            "warning: model trained on {}, evaluated on {dataset}",
            c.dataset
        )?;
    }
    let seed = a.seed.unwrap_or(c.seed);
    let test = a.data.load(dataset, Split::Test, a.test_samples)?;
    let started = Instant::now();
    let assignments = match trainer.assignments.clone() {
        Some(a) => a,
        None => {
            let train_set = a.data.load(c.dataset, Split::Train, c.train_samples)?;
            trainer.evaluate(&train_set, &test)?.assignments
        }
    };
    let (accuracy, stats) =
        train::test_accuracy(&trainer.network, &assignments, &test, a.test_samples, seed)?;
    let seconds = started.elapsed().as_secs_f64();
    output::report(
        a.json,
        &format!(
            "{dataset}: test accuracy {:.2}% on {} ({:.1} s, {})\n",
            accuracy * 100.0,
            output::count(a.test_samples as u64, "image", "images"),
            seconds,
            output::count(threads as u64, "thread", "threads")
        ),
    )?;
    if a.json {
        output::json_line(&json!({
            "model": a.model,
            "dataset": dataset,
            "variant": c.variant,
            "neurons": c.neurons,
            "precision": c.params.precision(),
            "quantize": c.params.quantize(),
            "trained_on": c.dataset,
            "train_samples": c.train_samples,
            "epochs": c.epochs,
            "test_samples": a.test_samples,
            "seed": seed,
            "test_accuracy": accuracy,
            "eval_seconds": seconds,
            "threads": threads,
            "test_ops": stats,
        }))?;
    }
    Ok(())
}
