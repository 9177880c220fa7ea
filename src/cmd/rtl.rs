//! `fspinn rtl`: pre-build the RTL of a config and network into the model cache, list the
//! cache, clean it (docs/rtl.md, "Built on demand").

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use fspinn_sim::Accelerator;
use fspinn_testbench::builder;
use std::path::PathBuf;
use std::time::Instant;

pub const EXAMPLES: &str = "Examples:
  fspinn rtl build --config small                 # the RTL `fspinn cosim --config small` runs
  fspinn rtl build --config my-chip.toml --model p500.ckpt
  fspinn rtl cache list
  fspinn rtl cache clean";

#[derive(Subcommand, Debug, Clone)]
pub enum RtlCommand {
    /// Verilate and compile the RTL of a config and network into the cache (as `fspinn cosim`
    /// does on first use).
    Build(BuildArgs),
    /// The model cache ($FSPINN_CACHE_DIR, else ~/.cache/fspinn).
    #[command(subcommand)]
    Cache(CacheCommand),
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
