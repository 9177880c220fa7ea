//! `fspinn synth`: Yosys synthesis of the RTL of a config and network, with cells, flops,
//! logic and SRAM macro area per block and, with a Liberty file and OpenSTA, timing
//! (docs/synthesis.md; the flow and the arithmetic are the `fspinn_synth` crate).

use crate::output;
use anyhow::{bail, Context, Result};
use clap::Args;
use fspinn_sim::Accelerator;
use fspinn_synth::{StaMode, SynthJob, SynthReport};
use fspinn_testbench::builder;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const EXAMPLES: &str = "Examples:
  fspinn synth --config examples/synth/tiny.toml --json     # generic gates, NanGate 45 nm X1 areas
  fspinn synth --config small --out synth-small --timeout 900
  fspinn synth --config examples/synth/tiny.toml --liberty NangateOpenCellLibrary_typical.lib --sta";

#[derive(Args, Debug, Clone)]
pub struct SynthArgs {
    /// Hardware config: a shipped name (small, large, small-wide) or a TOML file.
    #[arg(long, value_name = "HW.toml", default_value = "small")]
    pub config: String,
    /// Integer FSpiNN checkpoint whose network sizes the RTL (as `fspinn cosim --model`);
    /// default: the config's N with the default network parameters.
    #[arg(long, value_name = "CKPT")]
    pub model: Option<PathBuf>,
    /// Map to the cells of this Liberty file (their areas; with OpenSTA also timing) instead
    /// of Yosys' generic gates priced as NanGate 45 nm X1 cells.
    #[arg(long, value_name = "FILE")]
    pub liberty: Option<PathBuf>,
    /// Folder for the run's files (script, Yosys log, statistics, netlist) and `synth.json`;
    /// default: a temporary folder, removed after a successful run.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Longest time Yosys (and OpenSTA) may run, seconds; 0 = no limit.
    #[arg(long, value_name = "SECONDS", default_value_t = 3600)]
    pub timeout: u64,
    /// Static timing is required: fail without --liberty or OpenSTA (`sta`).
    #[arg(long, conflicts_with = "no_sta")]
    pub sta: bool,
    /// No static timing, even with --liberty.
    #[arg(long)]
    pub no_sta: bool,
    /// Print the report on stderr and one JSON object as the last line of stdout.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: SynthArgs) -> Result<()> {
    let started = Instant::now();
    if let Some(l) = &a.liberty {
        if !l.is_file() {
            bail!("--liberty {}: no such file", l.display());
        }
    }
    let s = super::cosim::load_setup(&a.config, a.model.as_deref(), None)?;
    let acc = Accelerator::new(&s.cfg, &s.net, s.net.params().formats.weight_bits as u32)?;
    let design = fspinn_sim::rtl_params::design(&acc)
        .with_context(|| format!("config `{}` with this network", s.cfg.name))?;
    let (dir, temporary) = match &a.out {
        Some(d) => {
            super::common::ensure_dir(d, "--out")?;
            (d.clone(), false)
        }
        None => (fspinn_synth::temp_work_dir()?, true),
    };
    let title = format!(
        "fspinn synth --config {} (N = {}): {}",
        a.config,
        s.net.n_neurons(),
        design
            .structure
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    // The files as the co-simulation builds them (embedded RTL and generated headers).
    let files = builder::rtl_files();
    let sources: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let job = SynthJob {
        top: builder::TOP,
        sources: &sources,
        params: &design.structure,
        liberty: a.liberty.as_deref(),
        technology: &s.cfg.technology,
        clock_mhz: s.cfg.clock_mhz,
        sta: if a.no_sta {
            StaMode::Off
        } else if a.sta {
            StaMode::Required
        } else {
            StaMode::IfAvailable
        },
        timeout: (a.timeout > 0).then(|| Duration::from_secs(a.timeout)),
        work_dir: &dir,
        title: &title,
    };
    crate::errln!(
        "synth: `{}` (N = {}), Yosys in {}",
        s.cfg.name,
        s.net.n_neurons(),
        dir.display()
    )?;
    let report = match fspinn_synth::synthesize(&job) {
        Ok(r) => r,
        Err(e) => {
            // A temporary folder is kept only when Yosys ran: its log is named in the error.
            if temporary && !dir.join("yosys.log").exists() {
                let _ = std::fs::remove_dir_all(&dir);
            }
            return Err(anyhow::Error::new(e))
                .with_context(|| format!("synthesising config `{}`", s.cfg.name));
        }
    };
    let wall = started.elapsed().as_secs_f64();
    let json = serde_json::json!({
        "command": "synth",
        "config": s.cfg.name,
        "config_source": super::sim::config_source(&a.config),
        "neurons": s.net.n_neurons(),
        "parameters": design.structure.iter().map(|(k, v)| (k.to_string(), *v)).collect::<std::collections::BTreeMap<_, _>>(),
        "clock_mhz": s.cfg.clock_mhz,
        "technology": s.cfg.technology,
        "liberty": a.liberty.as_ref().map(|p| p.display().to_string()),
        "out": (!temporary).then(|| dir.display().to_string()),
        "wall_seconds": wall,
        "report": &report,
    });
    if !temporary {
        write_atomic(
            &dir.join("synth.json"),
            &(serde_json::to_string_pretty(&json)? + "\n"),
        )?;
    }
    let text = render(&s.cfg.name, &report, wall, (!temporary).then_some(&dir));
    // Removed before printing: a reader that goes away must not leave the folder behind.
    if temporary {
        let _ = std::fs::remove_dir_all(&dir);
    }
    output::report(a.json, &text)?;
    if a.json {
        output::json_line(&json)?;
    }
    Ok(())
}

/// Writes `text` to a temporary file beside `path` and renames it into place.
fn write_atomic(path: &Path, text: &str) -> Result<()> {
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The human report: totals, timing, the per-module table, cells by type, notes.
fn render(config: &str, r: &SynthReport, wall: f64, dir: Option<&PathBuf>) -> String {
    use std::fmt::Write as _;
    let a = &r.area;
    let mut t = String::new();
    let _ = writeln!(
        t,
        "synth `{config}`: {} mapping, areas from {}; Yosys {:.1} s (wall {:.1} s)",
        r.mapping, r.cell_areas, r.yosys_seconds, wall
    );
    let _ = writeln!(
        t,
        "  {} cells, {} flops; logic {:.4} mm2, SRAM {} macros {:.4} mm2; total {:.4} mm2",
        thousands(a.cells),
        thousands(a.flops),
        a.logic_area_mm2,
        a.srams.len(),
        a.sram_area_mm2,
        a.total_area_mm2
    );
    if let Some(ts) = &r.yosys_time_spent {
        let _ = writeln!(t, "  Yosys time: {ts}");
    }
    match (&r.timing, &r.timing_note) {
        (Some(tm), _) => {
            let _ = writeln!(
                t,
                "  timing: worst slack {:.3} ns at {:.3} ns ({}), fmax {:.1} MHz",
                tm.worst_slack_ns,
                tm.period_ns,
                if tm.meets_clock { "met" } else { "VIOLATED" },
                tm.fmax_mhz
            );
        }
        (None, Some(n)) => {
            let _ = writeln!(t, "  {n}");
        }
        (None, None) => {}
    }
    let _ = writeln!(
        t,
        "per block (every instance of a module summed; own cells, sub-modules on their rows):"
    );
    let _ = writeln!(
        t,
        "  {:<28} {:>5} {:>10} {:>8} {:>12} {:>9} {:>6}",
        "module", "inst", "cells", "flops", "logic um2", "SRAM mm2", "share"
    );
    for m in &a.modules {
        let total = m.logic_area_um2 / 1e6 + m.sram_area_mm2;
        let _ = writeln!(
            t,
            "  {:<28} {:>5} {:>10} {:>8} {:>12.1} {:>9.4} {:>5.1}%",
            m.module,
            m.instances,
            thousands(m.cells),
            thousands(m.flops),
            m.logic_area_um2,
            m.sram_area_mm2,
            if a.total_area_mm2 > 0.0 {
                100.0 * total / a.total_area_mm2
            } else {
                0.0
            }
        );
    }
    let types: Vec<String> = a
        .cells_by_type
        .iter()
        .map(|(k, v)| format!("{k} {}", thousands(*v)))
        .collect();
    let _ = writeln!(t, "cells by type: {}", types.join(", "));
    for n in &r.notes {
        let _ = writeln!(t, "note: {n}");
    }
    if let Some(d) = dir {
        let _ = writeln!(
            t,
            "files: {} in {} (per-instance blocks in synth.json)",
            r.files.join(", "),
            d.display()
        );
    }
    t
}
