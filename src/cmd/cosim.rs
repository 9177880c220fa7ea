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
use fspinn_sim::hardware::HardwareSummary;
use fspinn_sim::waves::{ScopePattern, WaveFormat};
use fspinn_sim::{Accelerator, HwConfig};
use fspinn_testbench::cosim::{RtlAccelerator, WaveSetup};
use fspinn_testbench::session::CosimSession;
use std::path::{Path, PathBuf};

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
    /// Directory for the waveforms (VCD, or FST with --waves fst): the first sample's first
    /// --vcd-cycles cycles of both models, and on a mismatch the cycles around it.
    #[arg(long, value_name = "DIR", default_value = "cosim-vcd")]
    pub vcd: PathBuf,
    /// Cycles of the first sample recorded in the VCDs (the RTL's is ~16 KB per cycle of the
    /// small config); 0 = no waveforms at all.
    #[arg(long, default_value_t = 1_000)]
    pub vcd_cycles: u64,
    /// First cycle of the first sample recorded (cycle 0 = the one that samples `start`).
    #[arg(long, default_value_t = 0)]
    pub vcd_from: u64,
    /// Only the signals whose hierarchical name matches this glob, in both waveforms (`*` any
    /// run of characters, `?` one, brackets literal): e.g. '*wbank*',
    /// 'TOP.fspinn_top.g_wbank[3]*', 'TOP.fspinn_top.dram_*'.
    #[arg(long, value_name = "PATTERN")]
    pub vcd_scope: Option<String>,
    /// Waveform format: vcd, or fst (GTKWave's compressed format; the RTL is verilated with
    /// --trace-fst, a separate cached build).
    #[arg(long, value_name = "FORMAT", default_value = "vcd")]
    pub waves: WaveFormat,
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

fn sample_seed(seed: u64, train: bool, idx: usize) -> u32 {
    fspinn_sim::spikegen::sample_seed(seed, train, idx as u64)
}

/// The RTL build's progress line on stderr (stage and elapsed time; only when building).
pub fn build_progress(stage: &str, elapsed: std::time::Duration) {
    if stage != "loaded" || elapsed.as_secs_f64() >= 1.0 {
        let _ = crate::errln!("rtl: {stage} ({:.1} s)", elapsed.as_secs_f64());
    }
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
    let model = Accelerator::new(&s.cfg, &s.net, bits)?;
    let hardware = HardwareSummary::new(&s.cfg, &config_source(&a.config), model.layout());
    let wave_setup = WaveSetup {
        enabled: waves,
        format: a.waves,
        scope: a.vcd_scope.as_deref().map(ScopePattern::new).transpose()?,
    };
    let mut cs = CosimSession::open_with(model, wave_setup.clone(), Some(&build_progress))?;
    cs.stop_at_first = !a.keep_going;
    cs.keep_snapshot = waves;
    let (model_signals, rtl_signals) = if waves {
        match wave_setup.signals(&cs.model, &mut cs.rtl) {
            Err(fspinn_testbench::RtlError::Trace(fspinn_testbench::TraceError::NoMatch {
                pattern,
            })) => bail!(
                "--vcd-scope {pattern:?} matches no signal of either waveform (names look like \
                 TOP.fspinn_top.busy, TOP.fspinn_top.g_wbank[0].u_mem.we, TOP.model.pe_array_activity)"
            ),
            r => r?,
        }
    } else {
        (0, 0)
    };
    if a.inject_weight_fault {
        cs.rtl.inject_weight_fault();
    }
    let ext = a.waves.extension();
    let model_vcd = a.vcd.join(format!("model.{ext}"));
    let rtl_vcd = a.vcd.join(format!("rtl.{ext}"));
    let first = cs.model.cycle();
    let window = a.vcd_from..a.vcd_from.saturating_add(a.vcd_cycles);
    if model_signals > 0 {
        let w = wave_setup.model_waves(&cs.model, &model_vcd, window.clone(), first)?;
        cs.model.set_waves(Some(w));
    }
    let mut correct = 0usize;
    let bar = samples_bar(a.samples as u64, 0, "cosim");
    for k in 0..a.samples {
        let idx = a.offset + k;
        let trace = (k == 0 && rtl_signals > 0).then_some((rtl_vcd.as_path(), window.clone()));
        let m = cs
            .compare(
                data.image(idx),
                sample_seed(s.seed, a.train, idx),
                a.train,
                trace,
            )
            .context("writing the RTL's waveform")?;
        if k == 0 {
            if let Some(w) = cs.model.take_waves() {
                w.finish(cs.model.cycle())
                    .context("writing the model's waveform")?;
            }
            if let Some(e) = cs.rtl.rtl().take_trace_error() {
                return Err(e).context("writing the RTL's waveform");
            }
        }
        bar.inc(1);
        if let Some(asg) = &s.assignments {
            // Both layers agree whenever there is no mismatch; the class comes from the model.
            let counts = model_counts(&cs.model);
            if !a.train && labels::classify(&counts, asg) == data.label(idx) {
                correct += 1;
            }
        }
        if !m.is_empty() && !a.keep_going {
            break;
        }
    }
    bar.finish_and_clear();
    let done = cs.samples() as usize;
    let mut report = cs.report(hardware, a.train, s.seed);
    // The failing sample alone, re-run from the model's snapshot taken before it.
    if let Some((k, _)) = cs.first_failure() {
        let idx = a.offset + k as usize;
        let mpath = a.vcd.join(format!("mismatch-sample{idx}-model.{ext}"));
        let rpath = a.vcd.join(format!("mismatch-sample{idx}-rtl.{ext}"));
        let refault = |r: &mut RtlAccelerator| r.inject_weight_fault();
        let replay = cs
            .trace_failure(
                a.inject_weight_fault
                    .then_some(&refault as &dyn Fn(&mut RtlAccelerator)),
                data.image(idx),
                sample_seed(s.seed, a.train, idx),
                a.train,
                &mpath,
                &rpath,
            )
            .context("writing the mismatch waveforms")?;
        if replay.is_some() {
            report.vcd_mismatch_model = (model_signals > 0).then_some(mpath);
            report.vcd_mismatch_rtl = (rtl_signals > 0).then_some(rpath);
        }
    }
    report.dataset = match a.dataset {
        Some(d) => d.to_string(),
        None if a.data.data_dir.is_none() => "builtin-mnist".into(),
        None => "mnist".into(),
    };
    report.offset = a.offset;
    report.vcd_model = (model_signals > 0).then(|| model_vcd.clone());
    report.vcd_rtl = (rtl_signals > 0).then(|| rtl_vcd.clone());
    if waves && report.vcd_scope.is_some() {
        report.vcd_signals_model = Some(model_signals);
        report.vcd_signals_rtl = Some(rtl_signals);
    }
    if s.assignments.is_some() && !a.train {
        report.test_accuracy = Some(correct as f64 / done as f64);
    }
    let t = &report.totals;
    let mut text = format!(
        "co-simulated {} ({}) on `{}` (N = {}, {bits}-bit weights, {}): {}\n",
        count(done as u64, "image", "images"),
        report.dataset,
        s.cfg.name,
        s.net.n_neurons(),
        if a.train { "training" } else { "inference" },
        count(report.mismatches, "mismatch", "mismatches")
    );
    text += &format!("  {}\n", report.hardware.weights_line());
    text += &format!(
        "  compared: {} spikes, {} weight updates, {} cycles (model) / {} (RTL), {} / {} bank accesses\n",
        t.spikes_compared, t.weight_updates_compared, t.cycles_model, t.cycles_rtl,
        t.accesses_model, t.accesses_rtl
    );
    text += &format!(
        "  energy (45 nm table): {:.3} uJ per image, {:.2} pJ/SOP; wall time {:.2} s per image (RTL and model)\n",
        report.energy.energy_per_sample_uj,
        report.energy.pj_per_sop.unwrap_or(f64::NAN),
        report.wall_seconds_per_sample
    );
    if waves {
        let files: Vec<String> = [(model_signals, &model_vcd), (rtl_signals, &rtl_vcd)]
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(_, p)| p.display().to_string())
            .collect();
        text += &format!(
            "  waveforms: {} (cycles {}..{} of the first sample)\n",
            files.join(" and "),
            window.start,
            window.end
        );
    }
    for m in report.first_mismatches.iter().take(5) {
        text += &format!("  MISMATCH {m}\n");
    }
    let around: Vec<String> = [&report.vcd_mismatch_model, &report.vcd_mismatch_rtl]
        .into_iter()
        .flatten()
        .map(|p| p.display().to_string())
        .collect();
    if !around.is_empty() {
        text += &format!(
            "  around the first mismatch (its sample re-run from a snapshot): {}\n",
            around.join(" and ")
        );
    }
    output::report(a.json, &text)?;
    if a.json {
        output::json_line(&serde_json::to_value(&report)?)?;
    }
    if report.mismatches > 0 {
        bail!(
            "{} between the RTL and the cycle model",
            count(report.mismatches, "mismatch", "mismatches")
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
