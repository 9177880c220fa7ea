//! `fspinn train`: train from scratch or resume, checkpoint periodically, then label and test.

use super::common::{check_writable, init_threads, DataArgs};
use crate::output;
use crate::progress::samples_bar;
use anyhow::{bail, Context, Result};
use clap::Args;
use fspinn_model::baseline::PresentationStats;
use fspinn_model::data::{Dataset, DatasetKind, Split};
use fspinn_model::fixed::Rounding;
use fspinn_model::fspinn::{FspinnF32Params, FspinnParams};
use fspinn_model::memory::{InhibitoryStorage, MemoryReport, NetworkShape};
use fspinn_model::network::NetworkParams;
use fspinn_model::operating_rule::{self, RuleSwitch, Rules};
use fspinn_model::params::BaselineParams;
use fspinn_model::precision::{Precision, Quantize};
use fspinn_model::readout_inhibition::ReadoutInhibition;
use fspinn_model::size_rule::{self, SizeRule};
use fspinn_model::{checkpoint, RunConfig, Trainer, Variant};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub const EXAMPLES: &str = "Examples:
  fspinn train --dataset mnist --neurons 100 --train-samples 60000 --test-samples 10000 --seed 1 --json
  fspinn train --neurons 400 --out n400.ckpt --checkpoint-every 5000
  fspinn train --variant fspinn --precision fp32 --neurons 400 --json   # FSpiNN in f32
  fspinn train --variant fspinn --precision w4 --quantize post --json    # f32 training, 4-bit test
  fspinn train --resume n400.ckpt          # continue an interrupted run with the same result";

#[derive(Args, Debug)]
pub struct TrainArgs {
    /// Dataset: mnist or fashion-mnist [default: mnist].
    #[arg(long)]
    pub dataset: Option<DatasetKind>,
    #[command(flatten)]
    pub data: DataArgs,
    /// Network variant [default: baseline].
    #[arg(long)]
    pub variant: Option<Variant>,
    /// Excitatory neurons [default: 100].
    #[arg(long)]
    pub neurons: Option<usize>,
    /// Training images per epoch, the first K of the training set [default: 60000].
    #[arg(long)]
    pub train_samples: Option<usize>,
    /// Test images, the first K of the test set [default: 10000].
    #[arg(long)]
    pub test_samples: Option<usize>,
    /// Last K training images shown again without learning to label neurons [default: 10000].
    #[arg(long)]
    pub label_samples: Option<usize>,
    /// Passes over the training images [default: 1].
    #[arg(long)]
    pub epochs: Option<u32>,
    /// Seed of every random draw of the run [default: 0].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Integration step in ms [default: 0.5].
    #[arg(long)]
    pub dt_ms: Option<f32>,
    /// Presentation time per image in ms [default: 350].
    #[arg(long)]
    pub presentation_ms: Option<f32>,
    /// Number formats: fp32 (baseline, or FSpiNN in f32), or wB for B-bit weights with the state
    /// formats of docs/datapath.md (fspinn; e.g. w8, w4) [default: fp32 for baseline, w8 for
    /// fspinn].
    #[arg(long)]
    pub precision: Option<Precision>,
    /// Rounding of weight updates in the fixed-point datapath: truncate, nearest, stochastic
    /// [default: stochastic].
    #[arg(long)]
    pub rounding: Option<Rounding>,
    /// When an FSpiNN network with --precision wB is quantised: `train` (the fixed-point network
    /// learns) or `post` (the f32 network learns, then is rounded to wB, which labels and tests)
    /// [default: train].
    #[arg(long)]
    pub quantize: Option<Quantize>,
    /// Override any network parameter, e.g. `--set exc.fire_lockout_ms=50` (baseline) or
    /// `--set mechanisms.direct_inhibition=false` (fspinn); see the `params` object of the JSON
    /// output for the names; repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Which parameters follow the layer size N (docs/baseline.md, "Parameters at other
    /// sizes"): off (the N = 400 values), inhibition (per-spike inhibition x max(1, 400 / N)),
    /// threshold (threshold increment x N / 400), both, settle (fspinn: threshold increment
    /// x max(1, N / 400), so the threshold decay's time constant stays at its N = 400 value,
    /// about a quarter pass; docs/fspinn.md). At N = 400 every rule gives the N = 400 values.
    /// `--set` overrides the result [default: inhibition for baseline, settle for fspinn].
    #[arg(long, value_name = "RULE")]
    pub size_rule: Option<SizeRule>,
    /// FSpiNN with B-bit weights trained in fixed point: multiply the learning rate `nu_post`
    /// and the threshold's settling point `theta_target_mv` by 2^((B - 4) / 4) (x2 at 8 bits;
    /// the identity at 4 bits and below; docs/fspinn.md: it helps from N = 400 on and costs at
    /// N = 100). `--set` overrides the result [default: on from N = 400, off below].
    #[arg(long, value_name = "on|off")]
    pub precision_rule: Option<RuleSwitch>,
    /// FSpiNN: multiply `nu_post` and `theta_target_mv` by N / 400 on MNIST (N / 2450 on
    /// Fashion-MNIST), at least 1, with the precision rule's factor at most x4 in all (x2 on
    /// Fashion-MNIST), and at most x2 itself over more than one pass, so a neuron learns as much
    /// per pass at every N though it wins fewer images (docs/fspinn.md, "The learning rule").
    /// `--set` overrides the result [default: on].
    #[arg(long, value_name = "on|off")]
    pub learning_rule: Option<RuleSwitch>,
    /// FSpiNN: scale the input rate by MNIST's mean ink over the dataset's, so a mean image
    /// gives as many input spikes on every dataset (Fashion-MNIST: x0.457 up to N = 1600 g, then
    /// x min(1, 0.457 N / (1600 g)), g the precision and learning rules' factor), and where the
    /// rate is lowered in full set the spike target per presentation for the dataset
    /// (Fashion-MNIST: 8 instead of 12); the identity on MNIST (docs/fspinn.md). `--set`
    /// overrides the result [default: on].
    #[arg(long, value_name = "on|off")]
    pub dataset_rule: Option<RuleSwitch>,
    /// Write the checkpoint here (periodically and at the end).
    #[arg(long, value_name = "CKPT")]
    pub out: Option<PathBuf>,
    /// Continue the run saved in this checkpoint (its settings are kept; --out defaults to it).
    #[arg(long, value_name = "CKPT")]
    pub resume: Option<PathBuf>,
    /// Save the checkpoint every K training images.
    #[arg(long, default_value_t = 10_000, value_name = "K")]
    pub checkpoint_every: u64,
    /// Stop after K training images in this invocation, saving the checkpoint (for schedulers
    /// with time limits); resume later with --resume.
    #[arg(long, value_name = "K")]
    pub stop_after: Option<u64>,
    /// Worker threads (0: one per core): inference runs one image per thread, and training
    /// splits each step of a layer of 1024 neurons or more into one block of neurons per
    /// thread (FSpiNN: when that measures faster than one thread, as on an idle machine).
    /// Results do not depend on it (bit for bit).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Print one JSON object as the last line of stdout.
    #[arg(long)]
    pub json: bool,
}

/// What a run produced; printed as JSON.
#[derive(Serialize)]
pub struct TrainReport {
    /// The run's configuration (dataset, variant, sizes, seed, every parameter), as top-level keys.
    #[serde(flatten)]
    pub config: RunConfig,
    /// False when --stop-after ended the run early.
    pub complete: bool,
    pub samples_done: u64,
    /// Diehl & Cook's readout: each neuron labelled with its class of highest mean response, an
    /// image given the class whose neurons fire most on average.
    pub test_accuracy: Option<f64>,
    /// The same spike counts read by the Poisson-likelihood readout (docs/baseline.md,
    /// "Readout"): the class under which the counts are most likely.
    pub test_accuracy_likelihood: Option<f64>,
    /// FSpiNN neurons retired after training (`retire_unrecruited`), which took no label and
    /// no test image; null before evaluation.
    pub retired_neurons: Option<usize>,
    /// FSpiNN: the lateral inhibition chosen for the readout on the labelling images
    /// (`calibrate_readout_inhibition`), with the value training ended on and every value tried;
    /// null before evaluation and when not chosen.
    pub readout_inhibition: Option<ReadoutInhibition>,
    /// Wall time of the training presentations made by this invocation.
    pub train_seconds: f64,
    pub train_samples_per_second: f64,
    /// Wall time of labelling and testing.
    pub eval_seconds: f64,
    pub threads: usize,
    pub checkpoint: Option<PathBuf>,
    /// The formats the network is tested in (`wB` after post-training quantisation too).
    pub precision: Precision,
    /// `truncate` / `nearest` / `stochastic`: the weight-update rounding of quantisation-aware
    /// training; `nearest` after post-training quantisation (the f32 -> integer conversion; the
    /// integer network only infers, which rounds nothing); `ieee754-nearest-even` for f32
    /// networks, whose datapath does no rounding of its own.
    pub rounding: &'static str,
    /// `train` or `post` for fixed-point FSpiNN; null when the tested network is f32.
    pub quantize: Option<Quantize>,
    /// Storage of the network's weights, state, traces and parameters (docs/memory.md).
    pub memory_bytes: u64,
    /// Summed over all training presentations of the run.
    pub train_ops: PresentationStats,
    pub test_ops: Option<PresentationStats>,
}

fn pick<T: PartialEq + std::fmt::Debug>(name: &str, given: Option<T>, stored: T) -> Result<T> {
    match given {
        Some(v) if v != stored => bail!(
            "--{name} {v:?} conflicts with the checkpoint's {stored:?}; a resumed run keeps its settings"
        ),
        _ => Ok(stored),
    }
}

/// Applies one `section.field=value` override through the parameters' serde form, so every
/// field is reachable and unknown names are rejected by `deny_unknown_fields`.
fn set_param<T: Serialize + serde::de::DeserializeOwned>(params: T, kv: &str) -> Result<T> {
    let (key, value) = kv
        .split_once('=')
        .with_context(|| format!("--set {kv}: expected KEY=VALUE, e.g. exc.theta_plus=0.05"))?;
    let mut tree = serde_json::to_value(&params)?;
    let mut slot = &mut tree;
    for part in key.split('.') {
        slot = slot.get_mut(part).with_context(|| {
            format!("--set {kv}: no parameter `{key}` (see `params` in the JSON output)")
        })?;
    }
    *slot = serde_json::from_str(value).with_context(|| {
        format!("--set {kv}: `{value}` is not a JSON value (number, true, false)")
    })?;
    serde_json::from_value(tree).with_context(|| format!("--set {kv}: invalid value for `{key}`"))
}

/// The network parameters the command line asks for, for a run of `epochs` passes.
fn network_params(
    a: &TrainArgs,
    variant: Variant,
    neurons: usize,
    dataset: DatasetKind,
    epochs: u32,
) -> Result<NetworkParams> {
    match variant {
        Variant::Baseline => {
            if let Some(q) = a.quantize {
                bail!("--quantize {q} with --variant baseline: the baseline runs in fp32 only; quantisation applies to --variant fspinn with --precision wB");
            }
            if let Some(p) = a.precision.filter(|p| *p != Precision::Fp32) {
                bail!("--precision {p} with --variant baseline: the baseline runs in fp32; use --variant fspinn for fixed point");
            }
            if a.rounding.is_some() {
                bail!("--rounding applies to the fixed-point datapath (--variant fspinn)");
            }
            if a.precision_rule.is_some() || a.learning_rule.is_some() || a.dataset_rule.is_some() {
                bail!("--precision-rule, --learning-rule and --dataset-rule apply to --variant fspinn; the baseline's parameters follow only --size-rule");
            }
            let mut params = BaselineParams::default();
            let rule = a.size_rule.unwrap_or(SizeRule::default_for(variant));
            if rule == SizeRule::Settle {
                bail!("--size-rule settle with --variant baseline: settle follows FSpiNN's derived threshold decay shift, which the baseline does not have; use off, inhibition, threshold or both");
            }
            params = size_rule::baseline_for_size(params, neurons, rule);
            if let Some(dt) = a.dt_ms {
                params.timing.dt_ms = dt;
            }
            if let Some(p) = a.presentation_ms {
                params.timing.presentation_ms = p;
            }
            for kv in &a.set {
                params = set_param(params, kv)?;
            }
            Ok(NetworkParams::Baseline(params))
        }
        Variant::Fspinn => {
            let precision = a
                .precision
                .unwrap_or(Precision::Fixed(FspinnParams::default().formats));
            // None: the f32 network; Some(post): f32, quantised after training.
            let float = match (precision, a.quantize) {
                (Precision::Fp32, Some(q)) => bail!(
                    "--quantize {q} with --precision fp32: an fp32 network is not quantised; use --precision wB (e.g. w4) with --quantize, or drop --quantize"
                ),
                (Precision::Fp32, None) => Some(false),
                (Precision::Fixed(_), q) => (q == Some(Quantize::Post)).then_some(true),
            };
            // The precision rule adapts learning to the weight grid it happens on: only
            // quantisation-aware training has one (the f32 network learns unrounded).
            let defaults = Rules::defaults(neurons);
            let rules = Rules {
                size: a.size_rule.unwrap_or(defaults.size),
                precision: a.precision_rule.unwrap_or(defaults.precision),
                learning: a.learning_rule.unwrap_or(defaults.learning),
                dataset: a.dataset_rule.unwrap_or(defaults.dataset),
            };
            let mut params = operating_rule::fspinn_start(
                neurons,
                dataset,
                precision.trained_formats(a.quantize),
                rules,
                epochs,
            );
            if let Precision::Fixed(f) = precision {
                params.formats = f;
            }
            if let Some(r) = a.rounding {
                if float.is_some() {
                    bail!("--rounding {r} applies to quantisation-aware training (--quantize train with --precision wB); the f32 network does not round and post-training quantisation rounds to nearest");
                }
                params.rounding = r;
            }
            if let Some(dt) = a.dt_ms {
                params.dt_ms = dt;
            }
            if let Some(p) = a.presentation_ms {
                params.presentation_ms = p;
            }
            for kv in &a.set {
                params = set_param(params, kv)?;
            }
            Ok(match float {
                None => NetworkParams::Fspinn(params),
                Some(post_quantize) => NetworkParams::FspinnF32(FspinnF32Params {
                    fspinn: params,
                    post_quantize,
                }),
            })
        }
    }
}

/// The run's configuration: from the command line, or from the checkpoint when resuming.
fn configure(a: &TrainArgs) -> Result<(Trainer, Option<PathBuf>)> {
    if let Some(path) = &a.resume {
        let t = checkpoint::load(path).context("resuming the run")?;
        let c = &t.config;
        pick("dataset", a.dataset, c.dataset)?;
        pick("variant", a.variant, c.variant)?;
        pick("neurons", a.neurons, c.neurons)?;
        pick("train-samples", a.train_samples, c.train_samples)?;
        pick("test-samples", a.test_samples, c.test_samples)?;
        pick("label-samples", a.label_samples, c.label_samples)?;
        pick("epochs", a.epochs, c.epochs)?;
        pick("seed", a.seed, c.seed)?;
        if a.dt_ms.is_some()
            || a.presentation_ms.is_some()
            || a.precision.is_some()
            || a.rounding.is_some()
            || a.quantize.is_some()
            || a.size_rule.is_some()
            || a.precision_rule.is_some()
            || a.learning_rule.is_some()
            || a.dataset_rule.is_some()
            || !a.set.is_empty()
        {
            bail!("--dt-ms, --presentation-ms, --precision, --rounding, --quantize, --size-rule, --precision-rule, --learning-rule, --dataset-rule and --set cannot change a resumed run");
        }
        let out = a.out.clone().or_else(|| Some(path.clone()));
        return Ok((t, out));
    }
    let variant = a.variant.unwrap_or(Variant::Baseline);
    let neurons = a.neurons.unwrap_or(100);
    let dataset = a.dataset.unwrap_or(DatasetKind::Mnist);
    let epochs = a.epochs.unwrap_or(1);
    let params = network_params(a, variant, neurons, dataset, epochs)?;
    let train_samples = a.train_samples.unwrap_or(60_000);
    let config = RunConfig {
        dataset,
        variant,
        neurons,
        train_samples,
        test_samples: a.test_samples.unwrap_or(10_000),
        label_samples: a.label_samples.unwrap_or(10_000).min(train_samples),
        epochs,
        seed: a.seed.unwrap_or(0),
        params,
    };
    if config.train_samples == 0 || config.epochs == 0 {
        bail!("--train-samples and --epochs must be at least 1");
    }
    if config.test_samples == 0 {
        bail!("--test-samples 0: at least 1 test image is needed to measure an accuracy");
    }
    if config.label_samples == 0 {
        bail!("--label-samples 0: at least 1 training image is needed to label the neurons");
    }
    let t = super::common::flag_context(Trainer::new(config, 28 * 28))?;
    Ok((t, a.out.clone()))
}

pub fn run(a: TrainArgs) -> Result<()> {
    let threads = init_threads(a.threads)?;
    let (trainer, out) = configure(&a)?;
    if let Some(path) = &out {
        check_writable(path, "--out")?;
    }
    let c = &trainer.config;
    let train = a.data.load(c.dataset, Split::Train, c.train_samples)?;
    let test = a.data.load(c.dataset, Split::Test, c.test_samples)?;
    let opts = RunOptions {
        out,
        checkpoint_every: a.checkpoint_every,
        stop_after: a.stop_after,
        threads,
    };
    let report = execute(trainer, &train, &test, &opts)?;
    print_report(&report, a.json)
}

/// How a run is driven, apart from what it computes.
pub struct RunOptions {
    pub out: Option<PathBuf>,
    pub checkpoint_every: u64,
    pub stop_after: Option<u64>,
    pub threads: usize,
}

fn save(t: &Trainer, out: &Option<PathBuf>) -> Result<()> {
    if let Some(path) = out {
        checkpoint::save(t, path).context("saving the checkpoint")?;
    }
    Ok(())
}

/// Trains (from wherever `trainer` is), then labels and tests; saves checkpoints on the way.
pub fn execute(
    mut trainer: Trainer,
    train: &Dataset,
    test: &Dataset,
    o: &RunOptions,
) -> Result<TrainReport> {
    trainer.check_data(train)?;
    let total = trainer.config.total_train_samples();
    let bar = samples_bar(total, trainer.samples_done, "train");
    let started = Instant::now();
    let mut made = 0u64;
    while !trainer.training_done() && o.stop_after.is_none_or(|k| made < k) {
        trainer.step(train);
        made += 1;
        bar.inc(1);
        if made % 100 == 0 {
            if let Some(acc) = trainer.running_accuracy() {
                bar.set_message(format!("running acc {:.1}%", acc * 100.0));
            }
        }
        if o.checkpoint_every > 0
            && trainer.samples_done % o.checkpoint_every == 0
            && !trainer.training_done()
        {
            save(&trainer, &o.out)?;
        }
    }
    bar.finish_and_clear();
    let train_seconds = started.elapsed().as_secs_f64();
    let complete = trainer.training_done();
    let eval_start = Instant::now();
    let evaluation = if complete {
        Some(trainer.evaluate(train, test)?)
    } else {
        None
    };
    let eval_seconds = eval_start.elapsed().as_secs_f64();
    save(&trainer, &o.out)?;
    let c = &trainer.config;
    let precision = c.params.precision();
    let memory_bytes = MemoryReport::new(&NetworkShape {
        variant: c.variant,
        neurons: c.neurons as u64,
        inputs: trainer.network.n_inputs() as u64,
        precision,
        inhibition: InhibitoryStorage::Scalars,
    })?
    .bytes;
    Ok(TrainReport {
        config: c.clone(),
        complete,
        samples_done: trainer.samples_done,
        test_accuracy: evaluation.as_ref().map(|e| e.test_accuracy),
        test_accuracy_likelihood: evaluation.as_ref().map(|e| e.test_accuracy_likelihood),
        retired_neurons: evaluation.as_ref().map(|e| e.retired_neurons),
        readout_inhibition: evaluation
            .as_ref()
            .and_then(|e| e.readout_inhibition.clone()),
        train_seconds,
        train_samples_per_second: if train_seconds > 0.0 {
            made as f64 / train_seconds
        } else {
            0.0
        },
        eval_seconds,
        threads: o.threads,
        checkpoint: o.out.clone(),
        precision,
        rounding: c.params.rounding_name(),
        quantize: c.params.quantize(),
        memory_bytes,
        train_ops: trainer.train_stats,
        test_ops: evaluation.map(|e| e.test_stats),
    })
}

/// The human summary on stdout (on stderr with `json`), the JSON object as the last line of
/// stdout.
pub fn print_report(r: &TrainReport, json: bool) -> Result<()> {
    let text = if r.complete {
        format!(
            "{} {} N={}: {} in {:.1} s ({:.0}/s), test accuracy {:.2}% ({:.2}% by likelihood) on {}\n",
            r.config.dataset,
            r.config.variant,
            r.config.neurons,
            output::count(r.samples_done, "training image", "training images"),
            r.train_seconds,
            r.train_samples_per_second,
            r.test_accuracy.unwrap_or(0.0) * 100.0,
            r.test_accuracy_likelihood.unwrap_or(0.0) * 100.0,
            output::count(r.config.test_samples as u64, "image", "images")
        )
    } else {
        format!(
            "stopped after {} of {} training images; resume with --resume {}\n",
            r.samples_done,
            r.config.total_train_samples(),
            r.checkpoint
                .as_deref()
                .map(Path::display)
                .map(|d| d.to_string())
                .unwrap_or_else(|| "(no --out given)".into())
        )
    };
    let readout = r.readout_inhibition.as_ref().map(|c| {
        format!(
            "readout inhibition {:.2} mV per spike, chosen on the labelling images from {} values (training ended on {:.2} mV)\n",
            c.chosen_mv,
            c.candidates.len(),
            c.held_mv
        )
    });
    output::report(json, &(text + readout.as_deref().unwrap_or("")))?;
    if json {
        output::json_line(&serde_json::to_value(r).context("encoding the report")?)?;
    }
    Ok(())
}
