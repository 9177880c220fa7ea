//! `fspinn rtl`: pre-build the RTL of a config and network into the model cache, list the
//! cache, clean it (docs/rtl.md, "Built on demand"); write or check the generated constants
//! header `rtl/fspinn_consts.vh` (docs/rtl.md, "Shared constants").

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use fspinn_sim::Accelerator;
use fspinn_testbench::builder;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub const EXAMPLES: &str = "Examples:
  fspinn rtl build --config small                 # the RTL `fspinn cosim --config small` runs
  fspinn rtl build --config my-chip.toml --model p500.ckpt
  fspinn rtl cache list
  fspinn rtl cache clean
  fspinn rtl header --out rtl/fspinn_consts.vh          # regenerate the shared constants
  fspinn rtl header --out rtl/fspinn_consts.vh --check  # fail if the file is stale";

#[derive(Subcommand, Debug, Clone)]
pub enum RtlCommand {
    /// Verilate and compile the RTL of a config and network into the cache (as `fspinn cosim`
    /// does on first use).
    Build(BuildArgs),
    /// The model cache ($FSPINN_CACHE_DIR, else ~/.cache/fspinn).
    #[command(subcommand)]
    Cache(CacheCommand),
    /// The Verilog header of the constants the RTL shares with the Rust side (phase codes,
    /// host address map, registers, neuron-word fields, divider latency), generated from
    /// the table in fspinn_sim::rtl_consts: printed, written, or checked.
    Header(HeaderArgs),
}

#[derive(Args, Debug, Clone)]
pub struct HeaderArgs {
    /// Write the header to this file (atomically) instead of stdout; in a checkout,
    /// rtl/fspinn_consts.vh.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write nothing: fail (exit 1) if FILE differs from the table, naming the first line.
    #[arg(long, requires = "out")]
    pub check: bool,
}

#[derive(Args, Debug, Clone)]
pub struct BuildArgs {
    /// Hardware config: a shipped name (small, large, small-wide) or a TOML file.
    #[arg(long, value_name = "HW.toml", default_value = "small")]
    pub config: String,
    /// Integer FSpiNN checkpoint whose network the RTL is built for; default: the config's N
    /// with the default network parameters.
    #[arg(long, value_name = "CKPT")]
    pub model: Option<PathBuf>,
}

#[derive(Subcommand, Debug, Clone)]
pub enum CacheCommand {
    /// Every cached model and runtime: key, size, complete or not, parameters.
    List,
    /// Remove every cached model and runtime.
    Clean,
}

pub fn run(c: RtlCommand) -> Result<()> {
    match c {
        RtlCommand::Build(a) => build(a),
        RtlCommand::Header(a) => header(a),
        RtlCommand::Cache(CacheCommand::List) => list(),
        RtlCommand::Cache(CacheCommand::Clean) => {
            let n = builder::cache_clean()?;
            crate::outln!(
                "removed {n} cache entr{} from {}",
                if n == 1 { "y" } else { "ies" },
                builder::cache_dir()?.display()
            )?;
            Ok(())
        }
    }
}

fn build(a: BuildArgs) -> Result<()> {
    let s = super::cosim::load_setup(&a.config, a.model.as_deref(), None)?;
    let acc = Accelerator::new(&s.cfg, &s.net, s.net.params().formats.weight_bits as u32)?;
    let design = fspinn_sim::rtl_params::design(&acc)?;
    let started = Instant::now();
    let lib = builder::model_library(&design.structure, Some(&super::cosim::build_progress))
        .with_context(|| format!("building the RTL of config `{}`", s.cfg.name))?;
    crate::outln!(
        "RTL of `{}` (N = {}) ready in {:.1} s: {}",
        s.cfg.name,
        s.net.n_neurons(),
        started.elapsed().as_secs_f64(),
        lib.display()
    )?;
    Ok(())
}

fn header(a: HeaderArgs) -> Result<()> {
    let text = fspinn_sim::rtl_consts::verilog_header();
    let Some(path) = a.out else {
        crate::outln!("{}", text.trim_end_matches('\n'))?;
        return Ok(());
    };
    if a.check {
        return check_header(&path);
    }
    fspinn_model::checkpoint::write_atomic(&path, text.as_bytes())
        .with_context(|| format!("writing the constants header {}", path.display()))?;
    crate::outln!(
        "wrote {} ({} lines) from fspinn_sim::rtl_consts",
        path.display(),
        text.lines().count()
    )?;
    Ok(())
}

/// `--check`: the file must be exactly what the table generates.
fn check_header(path: &Path) -> Result<()> {
    let committed = std::fs::read_to_string(path)
        .with_context(|| format!("reading the constants header {}", path.display()))?;
    match fspinn_sim::rtl_consts::header_difference(&committed) {
        None => {
            crate::outln!(
                "{} is up to date with fspinn_sim::rtl_consts",
                path.display()
            )?;
            Ok(())
        }
        Some(why) => anyhow::bail!(
            "{}: stale, {why}; regenerate it with `fspinn rtl header --out {}`",
            path.display(),
            path.display()
        ),
    }
}

fn list() -> Result<()> {
    let entries = builder::cache_list()?;
    crate::outln!("cache: {}", builder::cache_dir()?.display())?;
    if entries.is_empty() {
        crate::outln!("  (empty)")?;
    }
    for e in entries {
        crate::outln!(
            "  {}  {:>8.1} MB  {}  {}",
            e.key,
            e.bytes as f64 / 1e6,
            if e.complete { "complete" } else { "INCOMPLETE" },
            e.parameters.join(" ")
        )?;
    }
    Ok(())
}
