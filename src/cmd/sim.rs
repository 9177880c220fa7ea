//! `fspinn sim` and `fspinn energy`: the cycle-accurate accelerator model (L2) on real images,
//! with its counters, energy estimate, waveforms, DRAM command trace and, with `--verify`, a
//! comparison of every spike and weight against the fixed-point model (L1).

use super::common::DataArgs;
use crate::output;
use crate::progress::samples_bar;
use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use fspinn_model::data::{builtin, Dataset, DatasetKind, Split};
use fspinn_model::fspinn::{FspinnNetwork, FspinnParams};
use fspinn_model::network::Network;
use fspinn_model::precision::{FixedFormats, Precision};
use fspinn_model::rng::{Rng, StreamPhase};
use fspinn_model::{checkpoint, labels};
use fspinn_sim::energy::{EnergyReport, EnergyTable};
use fspinn_sim::hardware::HardwareSummary;
use fspinn_sim::report::{RunDescription, SimReport};
use fspinn_sim::verify::Verification;
use fspinn_sim::waves::{WaveOptions, Waves};
use fspinn_sim::{Accelerator, HwConfig};
use std::path::{Path, PathBuf};
use std::time::Instant;

pub const EXAMPLES: &str = "Examples:
  fspinn sim --config small --builtin --samples 5 --verify --json
  fspinn sim --config sim/configs/small.toml --model fs400-w8.ckpt --dataset mnist --samples 100 --json
      (fs400-w8.ckpt: fspinn train --variant fspinn --precision w8 --neurons 400 --out fs400-w8.ckpt)
  fspinn sim --config small --variant baseline --builtin --samples 2 --train --json
  fspinn sim --config large --builtin --samples 1 --vcd run.vcd --dram-trace run.trace";

pub const ENERGY_EXAMPLES: &str = "Examples:
  fspinn energy --config small --builtin --samples 5
  fspinn energy --config small --variant baseline --builtin --samples 2 --train
  fspinn energy --config small --builtin --energy-table my-28nm.toml";

/// Which network runs on the accelerator when no model is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum HwVariant {
    /// FSpiNN: direct inhibition, STDP at post spikes only, B-bit weights.
    Fspinn,
    /// Baseline-equivalent: inhibitory layer, STDP at pre and post spikes, 32-bit weight words.
    Baseline,
}

/// DRAMPower generation of the `--dram-trace` files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DramTraceFormat {
    /// DRAMPower 5: CSV command list and memspec JSON.
    Drampower5,
    /// DRAMPower 4.x: `clk,CMD,bank` trace and memspec XML (DDR3 only).
    Drampower4,
}

impl DramTraceFormat {
    fn lib(self) -> fspinn_sim::dram::TraceFormat {
        match self {
            DramTraceFormat::Drampower5 => fspinn_sim::dram::TraceFormat::DramPower5,
            DramTraceFormat::Drampower4 => fspinn_sim::dram::TraceFormat::DramPower4,
        }
    }
}

#[derive(Args, Debug, Clone)]
pub struct SimArgs {
    /// Hardware config: a TOML file, or `small` / `large` for the shipped sim/configs.
    #[arg(long, value_name = "HW.toml", default_value = "small")]
    pub config: String,
    /// FSpiNN checkpoint (`fspinn train --variant fspinn --out`); default: fresh weights.
    #[arg(long, value_name = "CKPT")]
    pub model: Option<PathBuf>,
    /// Network mode of a fresh network (a model's mode follows from its mechanisms).
    #[arg(long, value_enum, default_value_t = HwVariant::Fspinn)]
    pub variant: HwVariant,
    #[arg(skip)]
    pub variant_given: bool,
    /// Weights `wB` (B-bit codes); default w8 for fspinn, 16-bit codes in 32-bit words for
    /// baseline.
    #[arg(long)]
    pub precision: Option<Precision>,
    /// Excitatory neurons of a fresh network [default: the config's `neurons`].
    #[arg(long)]
    pub neurons: Option<usize>,
    /// Dataset (test split, or train split with --train).
    #[arg(long, default_value = "mnist")]
    pub dataset: DatasetKind,
    /// Use the built-in MNIST subset instead of a data directory.
    #[arg(long)]
    pub builtin: bool,
    #[command(flatten)]
    pub data: DataArgs,
    /// Images to present.
    #[arg(long, default_value_t = 10)]
    pub samples: usize,
    /// Index of the first image.
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Learn on chip (training split) instead of inference (test split).
    #[arg(long)]
    pub train: bool,
    /// Run the fixed-point model (L1) beside and compare every spike and weight.
    #[arg(long)]
    pub verify: bool,
    /// Write waveforms of the first --vcd-cycles cycles to this VCD file.
    #[arg(long, value_name = "FILE")]
    pub vcd: Option<PathBuf>,
    #[arg(long, default_value_t = 200_000)]
    pub vcd_cycles: u64,
    /// Write the DRAM command trace to this file: DRAMPower 5's CSV command list
    /// (`ts,CMD,rank,bankgroup,bank,row,column[,data]`, timestamps in DRAM clock cycles, final
    /// `END`), with its memspec in `<FILE>.memspec.json`; run `drampower_cli FILE
    /// FILE.memspec.json`. Refused when the weights are on chip (no DRAM traffic).
    #[arg(long, value_name = "FILE")]
    pub dram_trace: Option<PathBuf>,
    /// Form of --dram-trace: `drampower5` (above), or `drampower4`: DRAMPower 4.x's
    /// `clk,CMD,bank` lines with `<FILE>.memspec.xml`; run `drampower -m FILE.memspec.xml -c
    /// FILE`. 4.x has no LPDDR4 or HBM2 model, so only DDR3 configs take it.
    #[arg(long, value_enum, default_value_t = DramTraceFormat::Drampower5)]
    pub dram_trace_format: DramTraceFormat,
    /// Energy entries overriding the default 45 nm table.
    #[arg(long, value_name = "TABLE.toml")]
    pub energy_table: Option<PathBuf>,
    /// Seed of the input spikes (and of fresh weights) [default: the model's seed, else 1].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Print one JSON object as the last line of stdout.
    #[arg(long)]
    pub json: bool,
}

/// Loads a config by path or shipped name.
pub fn load_config(spec: &str) -> Result<HwConfig> {
    if let Some(cfg) = HwConfig::builtin(spec) {
        return Ok(cfg);
    }
    let path = Path::new(spec);
    if !path.exists() {
        bail!(
            "hardware config `{spec}` not found (a TOML file, or `small` / `large` / `small-wide`)"
        );
    }
    Ok(HwConfig::load(path)?)
}

/// Where a config spec points: `builtin:<name>` for a shipped config, else the file's path
/// (absolute when it can be resolved), as recorded in the `hardware` object of every report.
pub fn config_source(spec: &str) -> String {
    if HwConfig::builtin(spec).is_some() {
        return format!("builtin:{spec}");
    }
    std::fs::canonicalize(spec)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| spec.to_string())
}

/// The network, its label assignment (from a trained model) and the weight storage width.
struct Setup {
    net: FspinnNetwork,
    assignments: Option<Vec<Option<u8>>>,
    storage_bits: u32,
    seed: u64,
    variant: &'static str,
}

fn setup(a: &SimArgs, cfg: &HwConfig) -> Result<Setup> {
    let inputs = cfg.spike_generator.inputs as usize;
    if let Some(path) = &a.model {
        let trainer = checkpoint::load(path).context("loading the model")?;
        let Network::Fspinn(net) = trainer.network else {
            bail!(
                "{}: a float checkpoint (Diehl & Cook, or FSpiNN in f32) cannot run on the \
                 integer accelerator; give an integer FSpiNN checkpoint (--precision wB, or \
                 --quantize post once trained), or no model and --variant baseline for the \
                 baseline-equivalent mode",
                path.display()
            );
        };
        if a.precision.is_some() || a.neurons.is_some() {
            bail!("--precision and --neurons describe a fresh network; the model fixes them");
        }
        // A model trained with the baseline's structure (mechanisms (a) and (b) off) runs in
        // the baseline-equivalent mode, its weights in 32-bit fields.
        let m = &net.params().mechanisms;
        let baseline = !m.direct_inhibition && !m.post_only_stdp;
        let wanted = a.variant == HwVariant::Baseline;
        if a.variant_given && wanted != baseline {
            bail!(
                "{}: the model was trained as {}, not as --variant {}",
                path.display(),
                if baseline {
                    "the baseline-equivalent network (mechanisms (a) and (b) off)"
                } else {
                    "FSpiNN"
                },
                if wanted { "baseline" } else { "fspinn" }
            );
        }
        let bits = net.params().formats.weight_bits as u32;
        return Ok(Setup {
            net,
            assignments: trainer.assignments,
            storage_bits: if baseline { 32 } else { bits },
            seed: a.seed.unwrap_or(trainer.config.seed),
            variant: if baseline { "baseline" } else { "fspinn" },
        });
    }
    let seed = a.seed.unwrap_or(1);
    let n = a.neurons.unwrap_or(cfg.neurons as usize);
    let mut p = FspinnParams::default();
    let (code_bits, storage_bits, variant) = match (a.variant, a.precision) {
        (_, Some(Precision::Fp32)) => bail!(
            "--precision fp32: the accelerator computes in integers; use wB (e.g. w8), or \
             --variant baseline for 32-bit weight words"
        ),
        (HwVariant::Fspinn, Some(Precision::Fixed(f))) => {
            (f.weight_bits, f.weight_bits as u32, "fspinn")
        }
        (HwVariant::Fspinn, None) => (8, 8, "fspinn"),
        (HwVariant::Baseline, Some(Precision::Fixed(f))) => {
            (f.weight_bits, f.weight_bits as u32, "baseline")
        }
        (HwVariant::Baseline, None) => (16, 32, "baseline"),
    };
    p.formats = FixedFormats::with_weight_bits(code_bits);
    if a.variant == HwVariant::Baseline {
        p.mechanisms.direct_inhibition = false;
        p.mechanisms.post_only_stdp = false;
    }
    let mut rng = Rng::stream(seed, StreamPhase::Init, 0, 0);
    let net = FspinnNetwork::new(p, inputs, n, &mut rng);
    let net = if a.neurons.is_some() {
        super::common::flag_context(net)?
    } else {
        net?
    };
    Ok(Setup {
        net,
        assignments: None,
        storage_bits,
        seed,
        variant,
    })
}

fn images(a: &SimArgs) -> Result<Dataset> {
    let split = if a.train { Split::Train } else { Split::Test };
    if a.builtin && a.dataset != DatasetKind::Mnist {
        bail!(
            "--builtin --dataset {}: the built-in images are MNIST only; drop --builtin and give \
             --data-dir (or FSPINN_DATA) to run {}",
            a.dataset,
            a.dataset
        );
    }
    let need =
        super::common::flag_context(fspinn_model::limits::check_window(a.offset, a.samples))?;
    let set = if a.builtin {
        builtin(split)
    } else {
        a.data.load(a.dataset, split, need)?
    };
    if set.len() < need {
        bail!(
            "{} images requested (offset {} + samples {}), the {} set holds {}",
            need,
            a.offset,
            a.samples,
            if a.builtin { "built-in" } else { "chosen" },
            set.len()
        );
    }
    Ok(set)
}

/// Everything one `sim` run measured.
pub struct SimRun {
    /// What `--json` prints.
    pub report: SimReport,
    pub energy: EnergyReport,
}

pub fn simulate(a: &SimArgs) -> Result<SimRun> {
    if a.samples == 0 {
        bail!("--samples must be at least 1");
    }
    let cfg = load_config(&a.config)?;
    let s = setup(a, &cfg)?;
    let data = images(a)?;
    if data.pixels_per_image() != cfg.spike_generator.inputs as usize {
        bail!(
            "images have {} pixels, the config's spike_generator.inputs is {}",
            data.pixels_per_image(),
            cfg.spike_generator.inputs
        );
    }
    let mut table = EnergyTable::default_45nm();
    if let Some(path) = &a.energy_table {
        table = table.with_overrides(EnergyTable::load(path)?)?;
    }
    let mut acc = Accelerator::new(&cfg, &s.net, s.storage_bits)?;
    let hardware = HardwareSummary::new(&cfg, &config_source(&a.config), acc.layout());
    if let Some(path) = &a.vcd {
        let opts = WaveOptions {
            window: 0..a.vcd_cycles,
            ..WaveOptions::default()
        };
        acc.set_waves(Some(Waves::create(path, &acc, &opts)?));
    }
    if let Some(path) = &a.dram_trace {
        if acc.layout().on_chip {
            bail!(
                "--dram-trace {}: with config `{}` this network's weights fit on chip, so the \
                 DRAM is never used and there is no command trace to write",
                path.display(),
                cfg.name
            );
        }
        acc.weight_port_mut()
            .dram_mut()
            .set_trace_format(a.dram_trace_format.lib())
            .with_context(|| {
                format!(
                    "--dram-trace {} --dram-trace-format {}: config `{}` has [dram] kind = \"{}\"",
                    path.display(),
                    a.dram_trace_format
                        .to_possible_value()
                        .map(|v| v.get_name().to_owned())
                        .unwrap_or_default(),
                    cfg.name,
                    cfg.dram.kind
                )
            })?;
        let file =
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
        acc.weight_port_mut()
            .dram_mut()
            .set_trace(Box::new(std::io::BufWriter::new(file)));
    }
    let mut l1 = s.net.clone();
    let mut ws = l1.workspace();
    let mut verification = Verification::default();
    let mut correct = 0usize;
    let started = Instant::now();
    let bar = samples_bar(a.samples as u64, 0, if a.train { "train" } else { "infer" });
    for k in 0..a.samples {
        let idx = a.offset + k;
        let seed = fspinn_sim::spikegen::sample_seed(s.seed, a.train, idx as u64);
        let image = data.image(idx);
        let counts = if a.verify {
            verification.run_sample(idx as u64, &mut acc, &mut l1, &mut ws, image, seed, a.train)
        } else {
            acc.run_sample(image, seed, a.train).counts
        };
        if let Some(asg) = &s.assignments {
            if labels::classify(&counts, asg) == data.label(idx) {
                correct += 1;
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    let wall = started.elapsed().as_secs_f64();
    if let Some(w) = acc.take_waves() {
        w.finish(acc.cycle()).context("writing the VCD")?;
    }
    let end = acc.cycle();
    acc.weight_port_mut()
        .dram_mut()
        .finish(end)
        .context("writing the DRAM trace")?;
    if let Some(path) = &a.dram_trace {
        match a.dram_trace_format {
            DramTraceFormat::Drampower5 => write_memspec(path, &cfg)?,
            DramTraceFormat::Drampower4 => write_memspec_xml(path, &cfg)?,
        }
    }
    let usage = fspinn_sim::usage::usage(&acc);
    let energy = table.try_estimate(&usage)?;
    for w in &energy.warnings {
        crate::errln!("warning: {w}")?;
    }
    let run = RunDescription {
        variant: s.variant,
        dataset: if a.builtin {
            "builtin-mnist".to_string()
        } else {
            a.dataset.to_string()
        },
        train: a.train,
        samples: a.samples,
        offset: a.offset,
        seed: s.seed,
        weight_storage_bits: s.storage_bits,
        wall_seconds: wall,
    };
    let mut report = SimReport::new(&acc, hardware, &run, &usage, &energy);
    if s.assignments.is_some() && !a.train {
        report.test_accuracy = Some(correct as f64 / a.samples as f64);
    }
    if a.verify {
        report.verification = Some((&verification).into());
    }
    Ok(SimRun {
        energy: energy.scaled(a.samples as u64),
        report,
    })
}

/// Writes the DRAMPower memspec of the config's DRAM beside the trace (`<trace>.memspec.json`),
/// so `drampower_cli <trace> <trace>.memspec.json` prices exactly what the model ran.
fn write_memspec(trace: &Path, cfg: &HwConfig) -> Result<()> {
    let Some(spec) = fspinn_sim::dram::memspec_json(&cfg.dram) else {
        crate::errln!(
            "warning: DRAMPower 5 has no model of {}: the trace is written, no memspec",
            cfg.dram.kind
        )?;
        return Ok(());
    };
    let mut name = trace.as_os_str().to_owned();
    name.push(".memspec.json");
    let path = PathBuf::from(name);
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, serde_json::to_string_pretty(&spec)? + "\n")
        .with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Writes the DRAMPower 4.x memspec XML beside the trace (`<trace>.memspec.xml`), so
/// `drampower -m <trace>.memspec.xml -c <trace>` prices the 4.x trace. The format was checked
/// against the standard before the run, so a refusal here is a bug.
fn write_memspec_xml(trace: &Path, cfg: &HwConfig) -> Result<()> {
    let xml = fspinn_sim::dram::memspec_xml(&cfg.dram)?;
    let mut name = trace.as_os_str().to_owned();
    name.push(".memspec.xml");
    let path = PathBuf::from(name);
    let tmp = path.with_extension("xml.tmp");
    std::fs::write(&tmp, xml).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

pub fn run(a: SimArgs) -> Result<()> {
    let r = simulate(&a)?;
    let j = &r.report;
    let mut text = format!(
        "{} on `{}`: {}, {} cycles/sample ({:.3} ms at {} MHz), {:.3} uJ/sample, {:.2} pJ/SOP\n  {}\n",
        j.variant,
        j.config,
        output::count(a.samples as u64, "sample", "samples"),
        j.cycles_per_sample.round(),
        j.seconds_per_sample * 1e3,
        j.clock_mhz,
        j.energy_per_sample_uj,
        j.pj_per_sop.unwrap_or(f64::NAN),
        r.report.hardware.weights_line(),
    );
    if let Some(v) = &j.verification {
        text += &format!(
            "L1 vs L2: {} mismatches ({} spikes, {} weight updates compared)\n",
            v.l1_mismatches, v.spikes_compared, v.weight_updates_compared
        );
    }
    output::report(a.json, &text)?;
    if a.json {
        output::json_line(&serde_json::to_value(j)?)?;
    }
    if let Some(v) = j.verification.as_ref().filter(|v| v.l1_mismatches > 0) {
        bail!(
            "L1 and L2 disagree: {} mismatches (first ones in the JSON)",
            v.l1_mismatches
        );
    }
    Ok(())
}

/// `fspinn energy`: the same run, printed as a per-component energy table per sample (on
/// stderr with --json, where stdout holds only the JSON).
pub fn run_energy(a: SimArgs) -> Result<()> {
    let r = simulate(&a)?;
    let text = format!(
        "Energy per {} sample on `{}` ({}, {}):\n  {}\n{}",
        if a.train { "training" } else { "inference" },
        r.report.config,
        r.report.variant,
        output::count(a.samples as u64, "sample", "samples"),
        r.report.hardware.weights_line(),
        r.energy.render_table()
    );
    output::report(a.json, &text)?;
    if a.json {
        output::json_line(&serde_json::to_value(&r.report)?)?;
    }
    Ok(())
}
