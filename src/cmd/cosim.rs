//! `fspinn cosim`: the Verilog (L3, verilated) and the cycle model (L2) side by side on real
//! images, every spike, weight write, cycle count and bank access compared; VCDs of both.

use super::common::{ensure_dir, DataArgs};
use super::sim::{config_source, load_config};
use crate::output::{self, count};
use crate::progress::samples_bar;
use anyhow::{bail, Context, Result};
use clap::Args;
use fspinn_model::data::{builtin, Dataset, DatasetKind, Split};
use fspinn_model::fspinn::{FspinnNetwork, FspinnParams};
use fspinn_model::network::Network;
use fspinn_model::rng::{Rng, StreamPhase};
use fspinn_model::{checkpoint, labels};
use fspinn_sim::energy::EnergyTable;
use fspinn_sim::hardware::HardwareSummary;
use fspinn_sim::waves::Waves;
use fspinn_sim::{Accelerator, HwConfig};
use fspinn_testbench::cosim::{compare_sample_traced, CosimMismatch, CosimTotals, RtlAccelerator};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub const EXAMPLES: &str = "Examples:
  fspinn cosim                                   # default: small config, 3 built-in MNIST images, VCDs in cosim-vcd/
  fspinn cosim --dataset mnist --samples 1000 --json
  fspinn cosim --dataset mnist --samples 200 --train --keep-going --json
  fspinn cosim --model fs400-w8.ckpt --dataset mnist --samples 100 --vcd out/
  fspinn cosim --fuzz 30 --seed 1 --json          # 30 random valid configs and networks";

#[derive(Args, Debug, Clone)]
pub struct CosimArgs {
    /// Hardware config: a shipped name (small, large, small-wide) or a TOML file; the RTL is
    /// built for it (and the network) on first use and cached.
    #[arg(long, value_name = "HW.toml", default_value = "small")]
    pub config: String,
    /// Integer FSpiNN checkpoint (any weight precision); default: fresh weights for the config's N.
    #[arg(long, value_name = "CKPT")]
    pub model: Option<PathBuf>,
    /// Dataset; without it (and without --data-dir) the built-in MNIST subset is used.
    #[arg(long)]
    pub dataset: Option<DatasetKind>,
    #[command(flatten)]
    pub data: DataArgs,
    /// Images to co-simulate.
    #[arg(long, default_value_t = 3)]
    pub samples: usize,
    /// Index of the first image.
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Learn on chip (training split).
    #[arg(long)]
    pub train: bool,
    /// Directory for the VCDs: the first sample's first --vcd-cycles cycles of both models,
    /// and on a mismatch the cycles around it.
    #[arg(long, value_name = "DIR", default_value = "cosim-vcd")]
    pub vcd: PathBuf,
    /// Cycles of the first sample recorded in the VCDs (the RTL's is ~16 KB per cycle of the
    /// small config); 0 = no waveforms at all.
    #[arg(long, default_value_t = 1_000)]
    pub vcd_cycles: u64,
    /// First cycle of the first sample recorded (cycle 0 = the one that samples `start`).
    #[arg(long, default_value_t = 0)]
    pub vcd_from: u64,
    /// Continue after a mismatch (report them all) instead of stopping at the first.
    #[arg(long)]
    pub keep_going: bool,
    /// Seed of the input spikes (and of fresh weights) [default: the model's, else 1].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Print one JSON object as the last line of stdout.
    #[arg(long)]
    pub json: bool,
    /// Test aid: after loading the RTL, set the model's weights of every input to neuron
    /// group 0 to the maximum, so the two must disagree (checks the mismatch path end to end).
    #[arg(long, hide = true)]
    pub inject_weight_fault: bool,
    /// Fuzz: co-simulate K random valid (config, network) pairs drawn from --seed (at most
    /// --samples images each); failures go to --out with the command that reproduces them.
    #[arg(long, value_name = "K")]
    pub fuzz: Option<usize>,
    /// With --fuzz: folder for the files of failing cases.
    #[arg(long, value_name = "DIR", default_value = "cosim-fuzz")]
    pub out: PathBuf,
    /// With --fuzz: largest PE count drawn (1 to 256).
    #[arg(long, default_value_t = 256)]
    pub max_pes: u32,
    /// With --fuzz: most time steps per presentation drawn (1 to 1000).
    #[arg(long, default_value_t = 1_000)]
    pub max_steps: u32,
}

/// `--vcd-cycles` above this warns with the expected size.
const LARGE_VCD_CYCLES: u64 = 100_000;
/// RTL VCD bytes per cycle of the small config (measured: 16.2 MB for 1,000 cycles).
const RTL_VCD_BYTES_PER_CYCLE: u64 = 16_000;

/// Cycles recorded before and after a mismatch in its VCD.
const BEFORE: u64 = 200;
const AFTER: u64 = 50;

pub(crate) struct Setup {
    pub(crate) cfg: HwConfig,
    pub(crate) net: FspinnNetwork,
    assignments: Option<Vec<Option<u8>>>,
    seed: u64,
}

fn setup(a: &CosimArgs) -> Result<Setup> {
    load_setup(&a.config, a.model.as_deref(), a.seed)
}

/// The config and network to co-simulate (a checkpoint, else fresh weights for the config's
/// N), checked against every limit of the RTL.
pub(crate) fn load_setup(config: &str, model: Option<&Path>, seed: Option<u64>) -> Result<Setup> {
    let cfg = load_config(config)?;
    let (net, assignments, seed) = match model {
        Some(path) => {
            let t = checkpoint::load(path).context("loading the model")?;
            let Network::Fspinn(net) = t.network else {
                bail!(
                    "{}: only integer FSpiNN checkpoints run on the RTL (train with --precision wB, or --quantize post)",
                    path.display()
                );
            };
            (net, t.assignments, seed.unwrap_or(t.config.seed))
        }
        None => {
            let seed = seed.unwrap_or(1);
            let mut rng = Rng::stream(seed, StreamPhase::Init, 0, 0);
            let net = FspinnNetwork::new(
                FspinnParams::default(),
                cfg.spike_generator.inputs as usize,
                cfg.neurons as usize,
                &mut rng,
            )?;
            (net, None, seed)
        }
    };
    // Every RTL limit is checked before anything is built (`fspinn_sim::rtl_params`).
    let acc = Accelerator::new(&cfg, &net, net.params().formats.weight_bits as u32)?;
    fspinn_sim::rtl_params::design(&acc)
        .with_context(|| format!("config `{}` with this network", cfg.name))?;
    Ok(Setup {
        cfg,
        net,
        assignments,
        seed,
    })
}

fn images(a: &CosimArgs) -> Result<Dataset> {
    let split = if a.train { Split::Train } else { Split::Test };
    let need =
        super::common::flag_context(fspinn_model::limits::check_window(a.offset, a.samples))?;
    let set = match a.dataset {
        None if a.data.data_dir.is_none() => builtin(split),
        kind => a
            .data
            .load(kind.unwrap_or(DatasetKind::Mnist), split, need)?,
    };
    if set.len() < need {
        bail!("{need} images requested, the set holds {}", set.len());
    }
    Ok(set)
}

fn model_waves(
    acc: &Accelerator,
    cfg: &HwConfig,
    path: &Path,
    window: std::ops::Range<u64>,
    origin: u64,
) -> Result<Waves> {
    let file =
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    Ok(Waves::new(
        Box::new(std::io::BufWriter::new(file)),
        cfg.clock_mhz,
        acc.weight_port().banks(),
        acc.neuron_banks(),
        window,
    )?
    .with_origin(origin))
}

fn sample_seed(seed: u64, train: bool, idx: usize) -> u32 {
    fspinn_sim::spikegen::sample_seed(seed, train, idx as u64)
}

/// The RTL build's progress line on stderr (stage and elapsed time; only when building).
pub fn build_progress(stage: &str, elapsed: std::time::Duration) {
    if stage != "loaded" || elapsed.as_secs_f64() >= 1.0 {
        let _ = crate::errln!("rtl: {stage} ({:.1} s)", elapsed.as_secs_f64());
    }
}

/// Sets every weight to neuron group 0 to all ones, in the model only.
fn inject_fault(model: &mut Accelerator) {
    let layout = model.layout().clone();
    for i in 0..layout.inputs {
        let chunk = layout.chunk(i, 0);
        for q in 0..layout.words_per_chunk {
            model
                .weight_port_mut()
                .poke(chunk, q, u64::MAX >> (64 - layout.word_bits));
        }
    }
}

/// Replays samples `0..k` untraced, then sample `k` with both VCDs around `cycle`.
fn trace_mismatch(
    s: &Setup,
    a: &CosimArgs,
    data: &Dataset,
    k: usize,
    cycle: u64,
) -> Result<(PathBuf, PathBuf)> {
    let mut model = Accelerator::new(&s.cfg, &s.net, s.net.params().formats.weight_bits as u32)?;
    let mut rtl = RtlAccelerator::open(&model, None)?;
    if a.inject_weight_fault {
        inject_fault(&mut model);
    }
    for j in 0..k {
        let idx = a.offset + j;
        compare_sample_traced(
            j as u64,
            &mut model,
            &mut rtl,
            data.image(idx),
            sample_seed(s.seed, a.train, idx),
            a.train,
            None,
        )?;
    }
    let idx = a.offset + k;
    let window = cycle.saturating_sub(BEFORE)..cycle + AFTER;
    let mpath = a.vcd.join(format!("mismatch-sample{idx}-model.vcd"));
    let rpath = a.vcd.join(format!("mismatch-sample{idx}-rtl.vcd"));
    let start = model.cycle();
    let w = model_waves(
        &model,
        &s.cfg,
        &mpath,
        start + window.start..start + window.end,
        start,
    )?;
    model.set_waves(Some(w));
    compare_sample_traced(
        k as u64,
        &mut model,
        &mut rtl,
        data.image(idx),
        sample_seed(s.seed, a.train, idx),
        a.train,
        Some((&rpath, window)),
    )?;
    if let Some(w) = model.take_waves() {
        w.finish(model.cycle())?;
    }
    Ok((mpath, rpath))
}

pub fn run(a: CosimArgs) -> Result<()> {
    if let Some(k) = a.fuzz {
        return super::cosim_fuzz::run(&a, k);
    }
    if a.samples == 0 {
        bail!("--samples must be at least 1");
    }
    let s = setup(&a)?;
    let data = images(&a)?;
    let waves = a.vcd_cycles > 0;
    if waves {
        ensure_dir(&a.vcd, "--vcd")?;
    }
    if a.vcd_cycles > LARGE_VCD_CYCLES {
        crate::errln!(
            "warning: --vcd-cycles {} writes about {:.1} GB of RTL waveform (~{} KB per cycle)",
            a.vcd_cycles,
            a.vcd_cycles as f64 * RTL_VCD_BYTES_PER_CYCLE as f64 / 1e9,
            RTL_VCD_BYTES_PER_CYCLE / 1000
        )?;
    }
    let bits = s.net.params().formats.weight_bits as u32;
    let mut model = Accelerator::new(&s.cfg, &s.net, bits)?;
    let hardware = HardwareSummary::new(&s.cfg, &config_source(&a.config), model.layout());
    let load_started = Instant::now();
    let mut rtl = RtlAccelerator::open(&model, Some(&build_progress))?;
    let load_seconds = load_started.elapsed().as_secs_f64();
    if a.inject_weight_fault {
        inject_fault(&mut model);
    }
    let model_vcd = a.vcd.join("model.vcd");
    let rtl_vcd = a.vcd.join("rtl.vcd");
    let first = model.cycle();
    let window = a.vcd_from..a.vcd_from.saturating_add(a.vcd_cycles);
    if waves {
        let w = model_waves(
            &model,
            &s.cfg,
            &model_vcd,
            first + window.start..first + window.end,
            first,
        )?;
        model.set_waves(Some(w));
    }
    let mut mismatches: Vec<CosimMismatch> = Vec::new();
    let mut mismatch_count = 0u64;
    let mut totals = CosimTotals::default();
    let mut failed_at: Option<(usize, u64)> = None;
    let mut correct = 0usize;
    let started = Instant::now();
    let mut done = 0usize;
    let bar = samples_bar(a.samples as u64, 0, "cosim");
    for k in 0..a.samples {
        let idx = a.offset + k;
        let trace = (k == 0 && waves).then_some((rtl_vcd.as_path(), window.clone()));
        let (m, t) = compare_sample_traced(
            k as u64,
            &mut model,
            &mut rtl,
            data.image(idx),
            sample_seed(s.seed, a.train, idx),
            a.train,
            trace,
        )
        .context("writing the RTL's VCD")?;
        if k == 0 {
            if let Some(w) = model.take_waves() {
                w.finish(model.cycle()).context("writing the model's VCD")?;
            }
        }
        totals.cycles_model += t.cycles_model;
        totals.cycles_rtl += t.cycles_rtl;
        totals.spikes_compared += t.spikes_compared;
        totals.weight_updates_compared += t.weight_updates_compared;
        totals.accesses_model += t.accesses_model;
        totals.accesses_rtl += t.accesses_rtl;
        done += 1;
        bar.inc(1);
        if let Some(asg) = &s.assignments {
            // Both layers agree whenever there is no mismatch; the class comes from the model.
            let counts = model_counts(&model);
            if !a.train && labels::classify(&counts, asg) == data.label(idx) {
                correct += 1;
            }
        }
        if !m.is_empty() {
            mismatch_count += m.len() as u64;
            if failed_at.is_none() {
                failed_at = Some((k, m.iter().map(|x| x.cycle).min().unwrap_or(0)));
            }
            mismatches.extend(m);
            if !a.keep_going {
                break;
            }
        }
    }
    bar.finish_and_clear();
    let wall = started.elapsed().as_secs_f64();
    let mismatch_vcds = match failed_at {
        Some((k, cycle)) if waves => {
            let (m, r) = trace_mismatch(&s, &a, &data, k, cycle)?;
            Some((m, r))
        }
        _ => None,
    };
    let usage = fspinn_sim::usage::usage(&model);
    let energy = EnergyTable::default_45nm()
        .estimate(&usage)
        .scaled(done as u64);
    let mut out = json!({
        "config": s.cfg.name,
        "hardware": &hardware,
        "neurons": s.net.n_neurons(),
        "weight_bits": bits,
        "dataset": match a.dataset { Some(d) => d.to_string(), None if a.data.data_dir.is_none() => "builtin-mnist".into(), None => "mnist".into() },
        "train": a.train,
        "samples": done,
        "offset": a.offset,
        "seed": s.seed,
        "mismatches": mismatch_count,
        "first_mismatches": mismatches.iter().take(20).collect::<Vec<_>>(),
        "cycles_model": totals.cycles_model,
        "cycles_rtl": totals.cycles_rtl,
        "spikes_compared": totals.spikes_compared,
        "weight_updates_compared": totals.weight_updates_compared,
        "accesses_model": totals.accesses_model,
        "accesses_rtl": totals.accesses_rtl,
        "energy": {
            "energy_per_sample_uj": energy.total_pj * 1e-6,
            "dynamic_per_sample_uj": energy.dynamic_pj * 1e-6,
            "static_per_sample_uj": energy.static_pj * 1e-6,
            "pj_per_sop": energy.pj_per_sop,
        },
        "wall_seconds": wall,
        "wall_seconds_per_sample": wall / done as f64,
        "rtl_load_seconds": load_seconds,
        "vcd_model": waves.then_some(&model_vcd),
        "vcd_rtl": waves.then_some(&rtl_vcd),
    });
    if let Some((m, r)) = &mismatch_vcds {
        out["vcd_mismatch_model"] = json!(m);
        out["vcd_mismatch_rtl"] = json!(r);
    }
    if s.assignments.is_some() && !a.train {
        out["test_accuracy"] = json!(correct as f64 / done as f64);
    }
    let mut text = format!(
        "co-simulated {} ({}) on `{}` (N = {}, {bits}-bit weights, {}): {}\n",
        count(done as u64, "image", "images"),
        out["dataset"].as_str().unwrap_or(""),
        s.cfg.name,
        s.net.n_neurons(),
        if a.train { "training" } else { "inference" },
        count(mismatch_count, "mismatch", "mismatches")
    );
    text += &format!("  {}\n", hardware.weights_line());
    text += &format!(
        "  compared: {} spikes, {} weight updates, {} cycles (model) / {} (RTL), {} / {} bank accesses\n",
        totals.spikes_compared, totals.weight_updates_compared, totals.cycles_model, totals.cycles_rtl,
        totals.accesses_model, totals.accesses_rtl
    );
    text += &format!(
        "  energy (45 nm table): {:.3} uJ per image, {:.2} pJ/SOP; wall time {:.2} s per image (RTL and model)\n",
        energy.total_pj * 1e-6,
        energy.pj_per_sop.unwrap_or(f64::NAN),
        wall / done as f64
    );
    if waves {
        text += &format!(
            "  waveforms: {} and {} (cycles {}..{} of the first sample)\n",
            model_vcd.display(),
            rtl_vcd.display(),
            window.start,
            window.end
        );
    }
    for m in mismatches.iter().take(5) {
        text += &format!(
            "  MISMATCH sample {} {} at cycle {}: expected {}, got {}\n",
            m.sample, m.what, m.cycle, m.expected, m.actual
        );
    }
    if let Some((m, r)) = &mismatch_vcds {
        text += &format!(
            "  around the first mismatch: {} and {}\n",
            m.display(),
            r.display()
        );
    }
    output::report(a.json, &text)?;
    if a.json {
        output::json_line(&out)?;
    }
    if mismatch_count > 0 {
        bail!(
            "{} between the RTL and the cycle model",
            count(mismatch_count, "mismatch", "mismatches")
        );
    }
    Ok(())
}

/// The spike counts the host reads after a sample.
fn model_counts(model: &Accelerator) -> Vec<u32> {
    let n = model.neurons();
    let pes = model.config().pe_array.pes as usize;
    (0..n)
        .map(|j| {
            model
                .word_format()
                .unpack(model.neuron_banks()[j % pes].peek((j / pes) as u32))
                .count
        })
        .collect()
}
