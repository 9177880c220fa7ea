//! Synthesis of the FSpiNN RTL for one config (`fspinn synth`, docs/synthesis.md): Yosys with
//! the hierarchy kept (generic gates through ABC, or a user's Liberty cells), memory wrappers
//! as black boxes; the report gives cells by type, flops, logic area (NanGate 45 nm X1 cells,
//! cited in `synth/data/`, or the Liberty file's areas), SRAM macro area from the energy
//! model's CACTI table, the total and the per-block breakdown, and with a Liberty file and
//! OpenSTA the worst slack and fmax at the config's clock.
//!
//! The caller gives the RTL sources (the testbench's embedded list,
//! `fspinn_testbench::builder::RTL_SOURCES`) and the structural parameters
//! (`fspinn_sim::rtl_params`), so the synthesised design is exactly the co-simulated one.

pub mod area;
pub mod cells;
pub mod error;
pub mod liberty;
pub mod netlist;
pub mod script;
pub mod sta;
pub mod tools;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use fspinn_sim::energy::{CactiTable, Technology};
use serde::Serialize;

pub use area::{AreaReport, Block, ModuleTotal, SramMacro};
pub use cells::CellLibrary;
pub use error::SynthError;
pub use script::Mapping;
pub use sta::Timing;

use error::io_err;

/// Whether to run static timing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaMode {
    /// Run it when a Liberty file is given and `sta` is installed; otherwise say why not.
    IfAvailable,
    /// Required: a missing Liberty file or `sta` is an error.
    Required,
    /// Never.
    Off,
}

/// One synthesis run.
#[derive(Clone, Debug)]
pub struct SynthJob<'a> {
    /// Top module.
    pub top: &'a str,
    /// RTL files: (file name, text); `.v` files are read, others (headers) only written.
    pub sources: &'a [(&'a str, &'a str)],
    /// Structural parameters of the top (`rtl_params::parameters`).
    pub params: &'a [(&'static str, u64)],
    /// A Liberty file to map to (else generic gates priced with the NanGate X1 table).
    pub liberty: Option<&'a Path>,
    /// Node and SRAM cell type (CACTI) of the chip.
    pub technology: &'a Technology,
    /// Clock, MHz (the STA constraint).
    pub clock_mhz: f64,
    /// Static timing.
    pub sta: StaMode,
    /// Longest time each tool may run.
    pub timeout: Option<Duration>,
    /// Folder for the script, the sources, the logs and the tool outputs (must exist).
    pub work_dir: &'a Path,
    /// First line of the script (which config this is).
    pub title: &'a str,
}

/// What a synthesis run found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SynthReport {
    /// `generic` (Yosys gates, NanGate X1 areas) or `liberty`.
    pub mapping: String,
    /// Where the logic areas come from.
    pub cell_areas: String,
    /// Factor applied to the logic areas (the NanGate 45 nm areas scaled by (node / 45)² to
    /// the config's node; 1 with a Liberty file).
    pub logic_scale: f64,
    /// `yosys -V`.
    pub yosys_version: String,
    /// Wall time of Yosys, s.
    pub yosys_seconds: f64,
    /// Yosys' own account of where its time went (the log's last `Time spent:` line, e.g.
    /// `79% 1x abc (82 sec), 4% 112x opt_expr (5 sec), ...`).
    pub yosys_time_spent: Option<String>,
    /// With a Liberty file: Yosys' own `stat -liberty` area of the top (all instances), µm²,
    /// the check of the report's `logic_area_um2` (equal up to rounding).
    pub yosys_chip_area_um2: Option<f64>,
    /// The area report.
    #[serde(flatten)]
    pub area: AreaReport,
    /// Static timing, when run.
    pub timing: Option<Timing>,
    /// Why there is no timing (no Liberty file, no `sta`), when it was not run.
    pub timing_note: Option<String>,
    /// Notes a reader of the figures needs (scaling, macros below CACTI's smallest).
    pub notes: Vec<String>,
    /// The files of the run: script, log, tool outputs.
    pub files: Vec<String>,
}

fn write(path: &Path, text: &str) -> Result<(), SynthError> {
    fs::write(path, text).map_err(io_err(path))
}

fn read(path: &Path) -> Result<String, SynthError> {
    fs::read_to_string(path).map_err(io_err(path))
}

/// Yosys' version line.
pub fn yosys_version(exe: &Path) -> String {
    std::process::Command::new(exe)
        .arg("-V")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

/// Runs the synthesis of `job` and prices the result.
pub fn synthesize(job: &SynthJob<'_>) -> Result<SynthReport, SynthError> {
    let yosys = tools::find(tools::YOSYS)?;
    let mut timing_note = None;
    let sta = match (job.sta, job.liberty) {
        (StaMode::Off, _) => {
            timing_note = Some("static timing not asked for (--no-sta)".to_string());
            None
        }
        (StaMode::Required, None) => {
            return Err(SynthError::Parse {
                file: "--sta".into(),
                field: "--liberty".into(),
                problem: "static timing needs the cells' timing: give a Liberty file".into(),
            })
        }
        (StaMode::Required, Some(_)) => Some(tools::find(tools::STA)?),
        (StaMode::IfAvailable, None) => {
            timing_note = Some(
                "no timing: generic gates have no delays (give --liberty FILE and install \
                 OpenSTA, `apt-get install -y opensta`)"
                    .to_string(),
            );
            None
        }
        (StaMode::IfAvailable, Some(_)) => match tools::find(tools::STA) {
            Ok(p) => Some(p),
            Err(e) => {
                timing_note = Some(format!("no timing: {e}"));
                None
            }
        },
    };
    let dir = job.work_dir;
    let rtl = dir.join("rtl");
    fs::create_dir_all(&rtl).map_err(io_err(&rtl))?;
    let mut files = Vec::new();
    for (name, text) in job.sources {
        write(&rtl.join(name), text)?;
        files.push(name.to_string());
    }
    files.sort();
    let (mapping, lib) = match job.liberty {
        None => (Mapping::Generic, CellLibrary::generic()?),
        Some(p) => {
            let text = read(p)?;
            let lib = CellLibrary::from_liberty(&text, &p.display().to_string())?;
            // Yosys and OpenSTA read it through a link with a plain name (paths with spaces).
            let link = dir.join("cells.lib");
            let _ = fs::remove_file(&link);
            let target = fs::canonicalize(p).map_err(io_err(p))?;
            std::os::unix::fs::symlink(&target, &link).map_err(io_err(&link))?;
            (Mapping::Liberty("cells.lib".into()), lib)
        }
    };
    let params: Vec<(String, u64)> = job
        .params
        .iter()
        .map(|(k, v)| (k.to_string(), *v))
        .collect();
    let script = script::yosys_script(job.title, &files, job.top, &params, &mapping, sta.is_some());
    write(&dir.join("flow.ys"), &script)?;
    let log = dir.join("yosys.log");
    let took = tools::run("yosys", &yosys, &["-s", "flow.ys"], dir, &log, job.timeout)?;
    let stat_path = dir.join(script::STAT_JSON);
    let hier_path = dir.join(script::HIERARCHY_JSON);
    let stat = netlist::parse_stat(&read(&stat_path)?, &stat_path.display().to_string())?;
    let hier = netlist::parse_hierarchy(&read(&hier_path)?, &hier_path.display().to_string())?;
    let mut notes = Vec::new();
    let logic_scale = match mapping {
        Mapping::Generic if job.technology.node_nm != cells::NANGATE_NODE_NM => {
            let s = (f64::from(job.technology.node_nm) / f64::from(cells::NANGATE_NODE_NM)).powi(2);
            notes.push(format!(
                "logic areas are NanGate 45 nm figures scaled by ({} / 45)^2 = {s:.4} to the \
                 config's node",
                job.technology.node_nm
            ));
            s
        }
        _ => 1.0,
    };
    let table = CactiTable::embedded();
    let pricer = area::MemoryPricer {
        table: &table,
        technology: job.technology,
    };
    let area = area::area_report(&hier, &stat, &lib, logic_scale, &pricer)?;
    let small = area.srams.iter().filter(|m| m.bytes < 1024).count();
    if small > 0 {
        notes.push(format!(
            "{small} memory macro(s) below CACTI's smallest array (1 KiB) are priced as the \
             1 KiB macro: an upper bound (docs/energy.md)"
        ));
    }
    let yosys_chip_area_um2 = match mapping {
        Mapping::Liberty(_) => {
            let p = dir.join(script::STAT_LIBERTY_TXT);
            let chip = chip_area(&read(&p)?, &p.display().to_string())?;
            let ours = area.logic_area_um2;
            if (chip - ours).abs() > 1e-6 * chip.abs().max(1.0) {
                notes.push(format!(
                    "Yosys' stat -liberty gives {chip:.3} um2 for the top, this report {ours:.3} \
                     um2: a cell the report prices differently (check the Liberty file)"
                ));
            }
            Some(chip)
        }
        Mapping::Generic => None,
    };
    let mut out_files = vec![
        "flow.ys".to_string(),
        "yosys.log".to_string(),
        script::STAT_JSON.to_string(),
        script::HIERARCHY_JSON.to_string(),
    ];
    let timing = match sta {
        None => None,
        Some(exe) => {
            let period = 1000.0 / job.clock_mhz;
            write(
                &dir.join("sta.tcl"),
                &script::sta_script("cells.lib", job.top, period),
            )?;
            let sta_log = dir.join("sta.log");
            tools::run(
                "sta",
                &exe,
                &["-no_init", "-no_splash", "-exit", "sta.tcl"],
                dir,
                &sta_log,
                job.timeout,
            )?;
            out_files.extend(["netlist.v", "sta.tcl", "sta.log"].map(String::from));
            let text = read(&sta_log)?;
            let errors: Vec<&str> = text.lines().filter(|l| l.starts_with("Error")).collect();
            if let Some(first) = errors.first() {
                notes.push(format!(
                    "OpenSTA reported {} error(s), the timing may be incomplete; the first: {first}",
                    errors.len()
                ));
            }
            Some(sta::parse_timing(
                &text,
                &sta_log.display().to_string(),
                period,
            )?)
        }
    };
    if timing.is_some() && !area.srams.is_empty() {
        notes.push(
            "timing: the memory macros are black boxes without timing models, so paths into \
             and out of them are not timed (their access times are checked by the energy model)"
                .to_string(),
        );
    }
    Ok(SynthReport {
        mapping: match mapping {
            Mapping::Generic => "generic".into(),
            Mapping::Liberty(_) => "liberty".into(),
        },
        cell_areas: lib.origin.clone(),
        logic_scale,
        yosys_version: yosys_version(&yosys),
        yosys_seconds: took.as_secs_f64(),
        yosys_time_spent: read(&log).ok().and_then(|t| {
            t.lines()
                .rev()
                .find_map(|l| l.strip_prefix("Time spent: "))
                .map(str::to_string)
        }),
        yosys_chip_area_um2,
        area,
        timing,
        timing_note,
        notes,
        files: out_files,
    })
}

/// The top's area in Yosys' `stat -liberty` text: the `Chip area for top module` line of the
/// hierarchy summary, else (one module) the `Chip area for module` line.
pub fn chip_area(text: &str, origin: &str) -> Result<f64, SynthError> {
    let grab = |key: &str| {
        text.lines()
            .rev()
            .filter(|l| l.trim_start().starts_with(key))
            .filter_map(|l| l.rsplit(':').next())
            .find_map(|v| v.trim().parse::<f64>().ok())
    };
    grab("Chip area for top module")
        .or_else(|| grab("Chip area for module"))
        .ok_or_else(|| SynthError::Parse {
            file: origin.into(),
            field: "Chip area".into(),
            problem: "Yosys' stat -liberty printed no chip area".into(),
        })
}

/// The folder a run without `--out` works in: a fresh one under the system's temp folder.
pub fn temp_work_dir() -> Result<PathBuf, SynthError> {
    let base = std::env::temp_dir();
    for k in 0..1000u32 {
        let d = base.join(format!("fspinn-synth-{}-{k}", std::process::id()));
        match fs::create_dir(&d) {
            Ok(()) => return Ok(d),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(SynthError::Io { path: d, source: e }),
        }
    }
    Err(SynthError::Io {
        path: base,
        source: std::io::Error::other("no free folder name"),
    })
}
