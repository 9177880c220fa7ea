//! Builds the RTL for one parameter set on demand, into a per-user cache, as a shared library
//! behind the C ABI of `cpp/capi.cpp` (docs/rtl.md, "Built on demand").
//!
//! Recipe (measured on Verilator 5.006): `verilator --cc` with the `-G` parameters, the file
//! names from the generated `*_classes.mk` (they differ between versions), every C++ file
//! compiled at `-O2` ([`OPT`]) with `-fPIC` (at most [`jobs`] compilers at once), linked with
//! the C shim into `libfspinn_rtl.so`. The Verilator runtime's objects depend only on the
//! Verilator and the flags, so they are cached apart and shared by every model.
//!
//! Cache layout (`$FSPINN_CACHE_DIR`, else `$XDG_CACHE_HOME/fspinn`, else `~/.cache/fspinn`):
//!
//! ```text
//! models/<key>/libfspinn_rtl.so     the model; <key> = sha256 of the RTL sources, the shim,
//! models/<key>/parameters.txt       the parameters, the Verilator version and the flags
//! models/<key>/COMPLETE             sha256 and name of every file of the entry, written last
//! models/<key>.lock                 held (flock) while the entry is being built
//! runtime/<key>/*.o, COMPLETE       the Verilator runtime for that Verilator and flags
//! ```
//!
//! An entry is built in a temporary folder beside it and renamed into place after its
//! `COMPLETE` file is written, under the lock: two processes asking for one key both get it
//! (the second waits, then finds it complete), and an entry whose `COMPLETE` is missing or
//! whose files do not match it (a build killed half way, a truncated copy) is rebuilt.

use fspinn_sim::waves::WaveFormat;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Verilog top module.
pub const TOP: &str = "fspinn_top";
/// Oldest Verilator the recipe was measured with.
pub const MIN_VERILATOR: (u32, u32) = (5, 6);
/// What to tell a user without Verilator.
pub const INSTALL_HINT: &str = "co-simulation needs Verilator 5.006 or newer to build the RTL: \
    `apt-get install -y verilator` (Debian 12 / Ubuntu 24.04), or set VERILATOR=/path/to/bin/verilator";
/// C++ optimisation of the Verilator runtime and of models up to [`BIG_PES`] PEs: `-O0` runs
/// the RTL ~5x slower; `-O1` ~1.3x slower than `-O2` (small config, 64 against 48 ms of CPU
/// per sample) for ~15 % less compiler time; `-O3` and `-march=native` gain nothing
/// (docs/rtl.md, "Co-simulation speed").
pub const OPT: &str = "-O2";
/// C++ optimisation of models above [`BIG_PES`] PEs in quick-build mode
/// ([`set_quick_builds`]): their PE loops are unrolled (hundreds of thousands of lines of
/// C++), which `-O1` compiled ~3x slower than `-O0` (a 128-PE model: 75 s against 27 s of
/// compiler time; measured before [`OPT`] became `-O2`), while the model runs ~10x slower
/// (docs/rtl.md, "Build time").
pub const OPT_BIG: &str = "-O0";
/// Models with more PEs than this are compiled at [`OPT_BIG`] in quick-build mode.
pub const BIG_PES: u64 = 64;

static QUICK_BUILDS: AtomicBool = AtomicBool::new(false);

/// Quick-build mode, for programs that run only a few samples per model (the fuzzer): models
/// above [`BIG_PES`] PEs are compiled at [`OPT_BIG`]. Off by default: a long co-simulation
/// wins back the longer build many times over. Part of the cache key (both kinds coexist).
pub fn set_quick_builds(on: bool) {
    QUICK_BUILDS.store(on, Ordering::Relaxed);
}

/// The C++ optimisation of the model for `params`.
pub fn opt_level(params: &[(&'static str, u64)]) -> &'static str {
    let pes = params
        .iter()
        .find(|(k, _)| *k == "PES")
        .map_or(0, |(_, v)| *v);
    if QUICK_BUILDS.load(Ordering::Relaxed) && pes > BIG_PES {
        OPT_BIG
    } else {
        OPT
    }
}
/// The library's file name in a model entry.
pub const LIBRARY: &str = "libfspinn_rtl.so";
const COMPLETE: &str = "COMPLETE";

macro_rules! src {
    ($name:literal) => {
        ($name, include_str!(concat!("../../rtl/", $name)))
    };
}

/// Every `rtl/*.v` file, compiled into the binary so a build needs no source tree (a test
/// checks the list against the folder).
pub const RTL_SOURCES: &[(&str, &str)] = &[
    src!("fspinn_adapt_inhibition.v"),
    src!("fspinn_apply_delta.v"),
    src!("fspinn_bump_theta.v"),
    src!("fspinn_controller.v"),
    src!("fspinn_decay_theta.v"),
    src!("fspinn_divider.v"),
    src!("fspinn_fire.v"),
    src!("fspinn_first_set.v"),
    src!("fspinn_fmix32.v"),
    src!("fspinn_host.v"),
    src!("fspinn_inhibit.v"),
    src!("fspinn_input_seed.v"),
    src!("fspinn_integrate.v"),
    src!("fspinn_leak.v"),
    src!("fspinn_lfsr_next16.v"),
    src!("fspinn_normalize.v"),
    src!("fspinn_normalize_weight.v"),
    src!("fspinn_pe.v"),
    src!("fspinn_potentiation.v"),
    src!("fspinn_shift_round.v"),
    src!("fspinn_spike_threshold.v"),
    src!("fspinn_spikegen.v"),
    src!("fspinn_sram_1r1w.v"),
    src!("fspinn_sram_1r1w_mask.v"),
    src!("fspinn_stdp.v"),
    src!("fspinn_top.v"),
    src!("fspinn_trace.v"),
    src!("fspinn_weight_port.v"),
];
const CAPI: &str = include_str!("../cpp/capi.cpp");
/// Linked into the instrumented stage of a profile-guided build only (gcov's writer).
const PROFILE_SHIM: &str = include_str!("../cpp/profile.cpp");

/// The headers the RTL sources include, generated from the shared table
/// (`fspinn_sim::rtl_consts`) rather than embedded: a model is always built with the constants
/// of the Rust side it runs against. The copy committed in `rtl/` serves the other tools
/// (lint, Icarus, Yosys) and a test keeps it equal to the table.
pub fn rtl_headers() -> Vec<(&'static str, String)> {
    use fspinn_sim::rtl_consts::{verilog_header, HEADER_NAME};
    vec![(HEADER_NAME, verilog_header())]
}

/// Every file the RTL is made from: the embedded sources, then the generated headers, as a
/// build, a cache key or a synthesis flow needs them together.
pub fn rtl_files() -> Vec<(&'static str, String)> {
    RTL_SOURCES
        .iter()
        .map(|(name, text)| (*name, text.to_string()))
        .chain(rtl_headers())
        .collect()
}

/// Why the RTL could not be built or loaded.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// No `verilator` (or `VERILATOR` points nowhere).
    #[error("{INSTALL_HINT} ({0})")]
    NoVerilator(String),
    /// Verilator older than [`MIN_VERILATOR`].
    #[error("Verilator {0} is too old: {INSTALL_HINT}")]
    TooOld(String),
    /// A file or folder of the cache.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// A tool (verilator, the C++ compiler) failed.
    #[error("{what} failed:\n{output}")]
    Tool {
        /// The step and command.
        what: String,
        /// Its output.
        output: String,
    },
    /// No cache folder can be found (no `FSPINN_CACHE_DIR`, `XDG_CACHE_HOME` or `HOME`).
    #[error("no cache folder: set FSPINN_CACHE_DIR")]
    NoCacheDir,
    /// The built library could not be loaded.
    #[error("{0}")]
    Load(String),
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> BuildError + '_ {
    move |source| BuildError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The cache root: `$FSPINN_CACHE_DIR`, else `$XDG_CACHE_HOME/fspinn`, else `~/.cache/fspinn`.
pub fn cache_dir() -> Result<PathBuf, BuildError> {
    let nonempty = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    if let Some(d) = nonempty("FSPINN_CACHE_DIR") {
        return Ok(PathBuf::from(d));
    }
    if let Some(d) = nonempty("XDG_CACHE_HOME") {
        return Ok(PathBuf::from(d).join("fspinn"));
    }
    nonempty("HOME")
        .map(|h| PathBuf::from(h).join(".cache/fspinn"))
        .ok_or(BuildError::NoCacheDir)
}

/// A Verilator install.
#[derive(Clone, Debug)]
pub struct Verilator {
    /// The executable.
    pub path: PathBuf,
    /// `verilator --version`'s line, part of every cache key.
    pub version: String,
    /// Its root (`--getenv VERILATOR_ROOT`), for the runtime's headers and sources.
    pub root: PathBuf,
}

/// Finds Verilator (`$VERILATOR`, else `PATH`) and checks its version.
pub fn find_verilator() -> Result<Verilator, BuildError> {
    let path = match std::env::var_os("VERILATOR") {
        Some(p) => {
            let p = PathBuf::from(p);
            if !p.is_file() {
                return Err(BuildError::NoVerilator(format!(
                    "VERILATOR={} is not a file",
                    p.display()
                )));
            }
            p
        }
        None => std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
            .map(|d| d.join("verilator"))
            .find(|p| p.is_file())
            .ok_or_else(|| BuildError::NoVerilator("no `verilator` on PATH".into()))?,
    };
    let run = |args: &[&str]| -> Result<String, BuildError> {
        let out = Command::new(&path)
            .args(args)
            .output()
            .map_err(|e| BuildError::NoVerilator(format!("running {}: {e}", path.display())))?;
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let version = run(&["--version"])?;
    // "Verilator 5.006 2023-01-22 rev (Debian 5.006-3)"
    let number = version.split_whitespace().nth(1).unwrap_or("");
    let mut parts = number.split('.');
    let major = parts.next().and_then(|p| p.parse::<u32>().ok());
    let minor = parts.next().and_then(|p| {
        let digits: String = p.chars().take_while(char::is_ascii_digit).collect();
        digits.parse::<u32>().ok()
    });
    match (major, minor) {
        (Some(a), Some(b)) if (a, b) >= MIN_VERILATOR => {}
        _ => return Err(BuildError::TooOld(format!("{version:?}"))),
    }
    let root = PathBuf::from(run(&["--getenv", "VERILATOR_ROOT"])?);
    if !root.join("include/verilated.h").is_file() {
        return Err(BuildError::NoVerilator(format!(
            "Verilator root {} has no include/verilated.h",
            root.display()
        )));
    }
    Ok(Verilator {
        path,
        version,
        root,
    })
}

/// Compilers run at once: the machine's parallelism, at most 4.
pub fn jobs() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 4)
}

/// What a verilated model can trace: Verilator builds one trace format, or none, into a model,
/// so each is its own build and cache entry. Without tracing (`--trace` absent) Verilator
/// keeps fewer signals in the model's state and the model runs faster (docs/rtl.md,
/// "Co-simulation speed"), so runs that write no waveform use [`Tracing::Off`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Tracing {
    /// No waveforms: the fastest model.
    #[default]
    Off,
    /// VCD (`--trace`).
    Vcd,
    /// FST (`--trace-fst`).
    Fst,
}

impl From<WaveFormat> for Tracing {
    fn from(f: WaveFormat) -> Self {
        match f {
            WaveFormat::Vcd => Tracing::Vcd,
            WaveFormat::Fst => Tracing::Fst,
        }
    }
}

impl From<Option<WaveFormat>> for Tracing {
    fn from(f: Option<WaveFormat>) -> Self {
        f.map_or(Tracing::Off, Tracing::from)
    }
}

impl Tracing {
    /// The format it writes, if any.
    pub fn format(self) -> Option<WaveFormat> {
        match self {
            Tracing::Off => None,
            Tracing::Vcd => Some(WaveFormat::Vcd),
            Tracing::Fst => Some(WaveFormat::Fst),
        }
    }
}

/// Verilator's options for a parameter set and trace choice (`--trace`, `--trace-fst` or
/// neither: one per verilated model, so each is its own cache entry), every one of them part
/// of the cache key.
pub fn verilator_flags(params: &[(&'static str, u64)], tracing: impl Into<Tracing>) -> Vec<String> {
    let get = |n: &str| params.iter().find(|(k, _)| *k == n).map_or(0, |(_, v)| *v);
    // Loops over the PEs and banks must be unrolled (a loop Verilator keeps cannot hold the
    // non-blocking array writes of the counters: BLKLOOPINIT).
    let unroll = get("PES").max(get("WBANKS")).max(64);
    let mut f: Vec<String> = ["--cc"].iter().map(|s| s.to_string()).collect();
    match tracing.into() {
        Tracing::Off => {}
        Tracing::Vcd => f.push("--trace".into()),
        Tracing::Fst => f.push("--trace-fst".into()),
    }
    f.extend(
        [
            "-Wall",
            "--top-module",
            TOP,
            "--prefix",
            "Vfspinn",
            // One time unit and precision of 1 ps for every file: the shim advances time by the
            // config's half period in ps per clock edge (cpp/capi.cpp).
            "--timescale-override",
            "1ps/1ps",
            // Memories (SRAM contents, register files) are not traced; their ports are.
            "--trace-max-array",
            "32",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    f.push("--unroll-count".into());
    f.push(unroll.to_string());
    f.extend(fspinn_sim::rtl_params::verilator_args(params));
    f
}

fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The cache key of a model: everything the library is made from.
pub fn model_key(
    v: &Verilator,
    params: &[(&'static str, u64)],
    tracing: impl Into<Tracing>,
) -> String {
    let tracing = tracing.into();
    let mut h = Sha256::new();
    for (name, text) in rtl_files() {
        h.update(name.as_bytes());
        h.update([0]);
        h.update(text.as_bytes());
        h.update([0]);
    }
    h.update(CAPI.as_bytes());
    h.update(v.version.as_bytes());
    h.update(
        format!(
            "{:?}|{}|{}",
            verilator_flags(params, tracing),
            opt_level(params),
            cxx()
        )
        .as_bytes(),
    );
    h.update(crate::bridge::ABI_VERSION.to_le_bytes());
    let d = h.finalize();
    d.iter().take(12).fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn cxx() -> String {
    std::env::var("CXX").unwrap_or_else(|_| "c++".to_string())
}

/// Reports a build stage and the time since the build began.
pub type Progress<'a> = &'a dyn Fn(&str, Duration);

/// Whether the entry at `dir` is complete: its `COMPLETE` lists every file with its sha256.
pub fn entry_is_complete(dir: &Path) -> bool {
    let Ok(text) = fs::read_to_string(dir.join(COMPLETE)) else {
        return false;
    };
    let mut any = false;
    for line in text.lines() {
        let Some((sum, name)) = line.split_once("  ") else {
            return false;
        };
        match fs::read(dir.join(name)) {
            Ok(bytes) if sha256_hex(&bytes) == sum => any = true,
            _ => return false,
        }
    }
    any
}

fn write_complete(dir: &Path, files: &[String]) -> Result<(), BuildError> {
    let mut text = String::new();
    for f in files {
        let p = dir.join(f);
        let bytes = fs::read(&p).map_err(io_err(&p))?;
        let _ = writeln!(text, "{}  {f}", sha256_hex(&bytes));
    }
    let p = dir.join(COMPLETE);
    fs::write(&p, text).map_err(io_err(&p))
}

/// Returns the complete entry `<area>/<key>` of the cache, building it with `build` (into an
/// empty temporary folder; it returns the names of the files to keep) when it is missing or
/// incomplete. Concurrent callers serialise on `<area>/<key>.lock`.
fn ensure_entry(
    root: &Path,
    area: &str,
    key: &str,
    build: impl FnOnce(&Path) -> Result<Vec<String>, BuildError>,
) -> Result<PathBuf, BuildError> {
    let dir = root.join(area).join(key);
    if entry_is_complete(&dir) {
        return Ok(dir);
    }
    let parent = root.join(area);
    fs::create_dir_all(&parent).map_err(io_err(&parent))?;
    let lock_path = parent.join(format!("{key}.lock"));
    let lock = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(io_err(&lock_path))?;
    crate::bridge::lock_exclusive(&lock).map_err(io_err(&lock_path))?;
    // Another process may have built it while this one waited.
    if entry_is_complete(&dir) {
        return Ok(dir);
    }
    let tmp = parent.join(format!(".tmp-{key}-{}", std::process::id()));
    if tmp.exists() {
        fs::remove_dir_all(&tmp).map_err(io_err(&tmp))?;
    }
    fs::create_dir_all(&tmp).map_err(io_err(&tmp))?;
    let result = build(&tmp).and_then(|files| write_complete(&tmp, &files));
    if let Err(e) = result {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    if dir.exists() {
        // A half-written or damaged entry: replaced.
        fs::remove_dir_all(&dir).map_err(io_err(&dir))?;
    }
    fs::rename(&tmp, &dir).map_err(io_err(&dir))?;
    drop(lock);
    Ok(dir)
}

fn run_tool(what: String, cmd: &mut Command) -> Result<Output, BuildError> {
    let out = cmd.output().map_err(|e| BuildError::Tool {
        what: what.clone(),
        output: e.to_string(),
    })?;
    if !out.status.success() {
        return Err(BuildError::Tool {
            what: format!("{what} ({})", out.status),
            output: format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        });
    }
    Ok(out)
}

/// Compiles `sources` (paths) to objects in `out_dir`, [`jobs`] at a time; returns the object
/// names.
fn compile_all(
    sources: &[PathBuf],
    out_dir: &Path,
    flags: &[String],
) -> Result<Vec<String>, BuildError> {
    let mut objects = Vec::new();
    let mut running: Vec<(String, Child)> = Vec::new();
    let wait = |(what, child): (String, Child)| -> Result<(), BuildError> {
        let out = child.wait_with_output().map_err(|e| BuildError::Tool {
            what: what.clone(),
            output: e.to_string(),
        })?;
        if out.status.success() {
            Ok(())
        } else {
            Err(BuildError::Tool {
                what,
                output: String::from_utf8_lossy(&out.stderr).into_owned(),
            })
        }
    };
    for src in sources {
        let stem = src.file_stem().unwrap_or_default().to_string_lossy();
        let obj = format!("{stem}.o");
        let child = Command::new(cxx())
            .args(flags)
            .arg("-c")
            .arg(src)
            .arg("-o")
            .arg(out_dir.join(&obj))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| BuildError::Tool {
                what: format!("{} -c {}", cxx(), src.display()),
                output: e.to_string(),
            })?;
        running.push((format!("compiling {}", src.display()), child));
        objects.push(obj);
        if running.len() >= jobs() {
            wait(running.remove(0))?;
        }
    }
    for r in running {
        wait(r)?;
    }
    Ok(objects)
}

/// What `*_classes.mk` says: model classes, runtime sources and the `VM_*` macros.
struct ClassesMk {
    model: Vec<String>,
    global: Vec<String>,
    defines: BTreeMap<String, String>,
}

fn parse_classes_mk(path: &Path) -> Result<ClassesMk, BuildError> {
    let text = fs::read_to_string(path).map_err(io_err(path))?;
    let mut lists: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // Verilator's own makefile passes these; the values in `*_classes.mk` override them.
    let mut defines: BTreeMap<String, String> = [
        ("VM_SC", "0"),
        ("VM_TRACE", "1"),
        ("VM_TRACE_VCD", "1"),
        ("VM_TRACE_FST", "0"),
        ("VM_COVERAGE", "0"),
        ("VM_TIMING", "0"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            current = None;
            continue;
        }
        if let Some(var) = &current {
            let item = line.trim_end_matches('\\').trim();
            if !item.is_empty() {
                lists.entry(var.clone()).or_default().push(item.to_string());
            }
            if !line.ends_with('\\') {
                current = None;
            }
        } else if let Some((var, rest)) = line.split_once("+=") {
            let var = var.trim().to_string();
            for item in rest.trim_end_matches('\\').split_whitespace() {
                lists.entry(var.clone()).or_default().push(item.to_string());
            }
            current = line.ends_with('\\').then_some(var);
        } else if let Some((var, value)) = line.split_once('=') {
            let (var, value) = (var.trim(), value.trim());
            if var.starts_with("VM_") && value.chars().all(|c| c.is_ascii_digit()) {
                defines.insert(var.to_string(), value.to_string());
            }
        }
    }
    let take = |names: &[&str]| -> Vec<String> {
        names
            .iter()
            .flat_map(|n| lists.get(*n).cloned().unwrap_or_default())
            .collect()
    };
    let model = take(&[
        "VM_CLASSES_FAST",
        "VM_CLASSES_SLOW",
        "VM_SUPPORT_FAST",
        "VM_SUPPORT_SLOW",
    ]);
    let global = take(&["VM_GLOBAL_FAST", "VM_GLOBAL_SLOW"]);
    if model.is_empty() || global.is_empty() {
        return Err(BuildError::Tool {
            what: format!("reading {}", path.display()),
            output: "no model classes or runtime sources listed".into(),
        });
    }
    Ok(ClassesMk {
        model,
        global,
        defines,
    })
}

fn cxx_flags(v: &Verilator, defines: &BTreeMap<String, String>) -> Vec<String> {
    let inc = v.root.join("include");
    let mut f: Vec<String> = vec![
        "-std=c++17".into(),
        OPT.into(),
        "-fPIC".into(),
        // Only the C ABI (marked visible in capi.cpp) is exported.
        "-fvisibility=hidden".into(),
        "-w".into(),
        format!("-I{}", inc.display()),
        format!("-I{}", inc.join("vltstd").display()),
    ];
    f.extend(defines.iter().map(|(k, v)| format!("-D{k}={v}")));
    f
}

/// The shared library of the RTL for `params` (as `fspinn_sim::rtl_params::parameters` gives
/// them), tracing VCD, built into the cache on first use; `progress` hears of every stage.
pub fn model_library(
    params: &[(&'static str, u64)],
    progress: Option<Progress>,
) -> Result<PathBuf, BuildError> {
    model_library_for(params, Tracing::Vcd, progress)
}

/// [`model_library`] tracing as `tracing` says (each choice is its own cache entry).
pub fn model_library_for(
    params: &[(&'static str, u64)],
    tracing: impl Into<Tracing>,
    progress: Option<Progress>,
) -> Result<PathBuf, BuildError> {
    model_library_trained(params, tracing, progress, None)
}

/// A training run of a profile-guided build: runs a few samples on the instrumented library
/// at the given path and has its counters written (`Rtl::open_trained` does both).
pub type Train<'a> = &'a dyn Fn(&Path) -> Result<(), String>;

/// Whether a build with a training run is profile-guided: the untraced model (the one long
/// runs use) at [`OPT`]; a traced model is not, nor any build while quick builds are on (the
/// fuzzer runs a few samples per model, so a second compilation would not pay).
pub fn profile_guided(params: &[(&'static str, u64)], tracing: impl Into<Tracing>) -> bool {
    tracing.into() == Tracing::Off
        && !QUICK_BUILDS.load(Ordering::Relaxed)
        && opt_level(params) == OPT
}

/// The cache key of a model built with or without a profile (both kinds coexist).
pub fn entry_key(
    v: &Verilator,
    params: &[(&'static str, u64)],
    tracing: impl Into<Tracing>,
    profiled: bool,
) -> String {
    let key = model_key(v, params, tracing);
    if !profiled {
        return key;
    }
    let d = Sha256::digest(
        format!("{key}|{PROFILE_GENERATE:?}|{PROFILE_USE:?}|{PROFILE_SHIM}").as_bytes(),
    );
    d.iter().take(12).fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// C++ flags of the instrumented first stage of a profile-guided build (the profile folder is
/// added per build).
const PROFILE_GENERATE: [&str; 2] = ["-fprofile-generate", "-fprofile-update=single"];
/// C++ flags of the second stage, which compiles the same files in the same folder (gcov
/// names the counter files after the objects' paths) with the counters of the training run.
const PROFILE_USE: [&str; 2] = ["-fprofile-use", "-Wno-missing-profile"];

/// [`model_library_for`], profile-guided when `train` is given and [`profile_guided`] says
/// so: the model is compiled instrumented, `train` runs samples on it, and the model is
/// compiled again with the counts, so GCC lays the code of every clock edge out by how often
/// it runs (hot paths straight, the rarely taken branches out of the way). Why: a verilated
/// model evaluates its whole design on every edge, ~120 KB of straight-line code for the small
/// config, far beyond the 32 KB instruction cache, so the layout of the branches decides the
/// speed (docs/rtl.md, "Co-simulation speed"). The simulation is the same either way.
pub fn model_library_trained(
    params: &[(&'static str, u64)],
    tracing: impl Into<Tracing>,
    progress: Option<Progress>,
    train: Option<Train>,
) -> Result<PathBuf, BuildError> {
    let tracing = tracing.into();
    let train = train.filter(|_| profile_guided(params, tracing));
    let v = find_verilator()?;
    let root = cache_dir()?;
    let key = entry_key(&v, params, tracing, train.is_some());
    let started = Instant::now();
    let say = |stage: &str| {
        if let Some(p) = progress {
            p(stage, started.elapsed());
        }
    };
    let dir = ensure_entry(&root, "models", &key, |tmp| {
        say("verilating");
        fs::create_dir_all(tmp.join("rtl")).map_err(io_err(tmp))?;
        for (name, text) in rtl_files() {
            let p = tmp.join("rtl").join(name);
            fs::write(&p, text).map_err(io_err(&p))?;
        }
        let obj = tmp.join("obj");
        let mut cmd = Command::new(&v.path);
        // The include path is the build folder's, so it stays out of the flags of the key.
        cmd.args(verilator_flags(params, tracing))
            .arg(format!("-I{}", tmp.join("rtl").display()))
            .arg("-Mdir")
            .arg(&obj);
        for (name, _) in RTL_SOURCES {
            cmd.arg(tmp.join("rtl").join(name));
        }
        run_tool(format!("{} --cc", v.path.display()), &mut cmd)?;
        let mk = parse_classes_mk(&obj.join("Vfspinn_classes.mk"))?;
        let flags = cxx_flags(&v, &mk.defines);
        let runtime = runtime_objects(&root, &v, &mk, &flags, &say)?;
        say("compiling the model");
        let capi = obj.join("fspinn_capi.cpp");
        fs::write(&capi, CAPI).map_err(io_err(&capi))?;
        let mut sources: Vec<PathBuf> = mk
            .model
            .iter()
            .map(|c| obj.join(format!("{c}.cpp")))
            .collect();
        sources.push(capi);
        let mut model_flags: Vec<String> = flags
            .iter()
            .map(|f| {
                if f == OPT {
                    opt_level(params).to_string()
                } else {
                    f.clone()
                }
            })
            .collect();
        model_flags.push(format!("-I{}", obj.display()));
        let link = |lib: &Path, objects: &[String], extra: &[&str]| {
            let mut link = Command::new(cxx());
            link.arg("-shared").arg("-o").arg(lib);
            link.args(objects.iter().map(|o| obj.join(o)));
            link.args(runtime.iter());
            link.arg("-pthread");
            link.args(extra);
            if tracing == Tracing::Fst {
                // Verilator's FST writer (gtkwave/fstapi.c) compresses with zlib.
                link.arg("-lz");
            }
            run_tool(format!("{} -shared", cxx()), &mut link)
        };
        let lib = tmp.join(LIBRARY);
        let objects = if let Some(train) = train {
            // Stage 1: the model and the shim instrumented, with gcov's writer
            // (`cpp/profile.cpp`, this stage only), linked and trained.
            let prof = tmp.join("profile");
            fs::create_dir_all(&prof).map_err(io_err(&prof))?;
            let prof_dir = format!("-fprofile-dir={}", prof.display());
            let mut gen = model_flags.clone();
            gen.extend(PROFILE_GENERATE.iter().map(|f| f.to_string()));
            gen.push(prof_dir.clone());
            let objects = compile_all(&sources, &obj, &gen)?;
            let dump = obj.join("fspinn_profile.cpp");
            fs::write(&dump, PROFILE_SHIM).map_err(io_err(&dump))?;
            let mut gen_objects = objects.clone();
            gen_objects.extend(compile_all(&[dump], &obj, &model_flags)?);
            let gen_dir = tmp.join("instrumented");
            fs::create_dir_all(&gen_dir).map_err(io_err(&gen_dir))?;
            let gen_lib = gen_dir.join(LIBRARY);
            say("linking the instrumented model");
            link(&gen_lib, &gen_objects, &["-fprofile-generate"])?;
            say("training run");
            train(&gen_lib).map_err(|output| BuildError::Tool {
                what: "the training run of a profile-guided build".into(),
                output,
            })?;
            // Stage 2: the same files again, into the same objects (gcov names the counter
            // files after them), with the counts.
            say("compiling the model with its profile");
            let mut using = model_flags.clone();
            using.extend(PROFILE_USE.iter().map(|f| f.to_string()));
            using.push(prof_dir);
            compile_all(&sources, &obj, &using)?;
            fs::remove_dir_all(&gen_dir).map_err(io_err(&gen_dir))?;
            fs::remove_dir_all(&prof).map_err(io_err(&prof))?;
            objects
        } else {
            compile_all(&sources, &obj, &model_flags)?
        };
        say("linking");
        link(&lib, &objects, &[])?;
        let mut text = String::new();
        let _ = writeln!(text, "# {}", v.version);
        for (k, val) in params {
            let _ = writeln!(text, "{k}={val}");
        }
        let p = tmp.join("parameters.txt");
        fs::write(&p, text).map_err(io_err(&p))?;
        fs::remove_dir_all(&obj).map_err(io_err(&obj))?;
        fs::remove_dir_all(tmp.join("rtl")).map_err(io_err(tmp))?;
        Ok(vec![LIBRARY.to_string(), "parameters.txt".to_string()])
    })?;
    say("loaded");
    Ok(dir.join(LIBRARY))
}

/// The Verilator runtime's objects for these flags, from the cache or compiled now.
fn runtime_objects(
    root: &Path,
    v: &Verilator,
    mk: &ClassesMk,
    flags: &[String],
    say: &dyn Fn(&str),
) -> Result<Vec<PathBuf>, BuildError> {
    let key = sha256_hex(format!("{}|{:?}|{flags:?}|{}", v.version, mk.global, cxx()).as_bytes());
    let key = &key[..24];
    let inc = v.root.join("include");
    let dir = ensure_entry(root, "runtime", key, |tmp| {
        say("compiling the Verilator runtime");
        let sources: Vec<PathBuf> = mk
            .global
            .iter()
            .map(|s| inc.join(format!("{s}.cpp")))
            .collect();
        compile_all(&sources, tmp, flags)
    })?;
    Ok(mk
        .global
        .iter()
        .map(|s| {
            let stem = Path::new(s)
                .file_name()
                .unwrap_or_default()
                .to_string_lossy();
            dir.join(format!("{stem}.o"))
        })
        .collect())
}

/// One model in the cache.
#[derive(Clone, Debug)]
pub struct CacheEntry {
    /// Its folder.
    pub path: PathBuf,
    /// Its key.
    pub key: String,
    /// Whether its `COMPLETE` matches its files.
    pub complete: bool,
    /// Bytes of its files.
    pub bytes: u64,
    /// The parameters it was built with (`NAME=VALUE`).
    pub parameters: Vec<String>,
}

/// Every model (and runtime) entry of the cache.
pub fn cache_list() -> Result<Vec<CacheEntry>, BuildError> {
    let root = cache_dir()?;
    let mut out = Vec::new();
    for area in ["models", "runtime"] {
        let dir = root.join(area);
        let Ok(rd) = fs::read_dir(&dir) else { continue };
        for e in rd.flatten() {
            let path = e.path();
            // `.tmp-*`: a build in progress, or left by a killed one (`clean` removes it).
            if !path.is_dir() || e.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let key = e.file_name().to_string_lossy().into_owned();
            let bytes = fs::read_dir(&path)
                .map(|r| {
                    r.flatten()
                        .filter_map(|f| f.metadata().ok())
                        .map(|m| m.len())
                        .sum()
                })
                .unwrap_or(0);
            let parameters = fs::read_to_string(path.join("parameters.txt"))
                .map(|t| {
                    t.lines()
                        .filter(|l| !l.starts_with('#'))
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            out.push(CacheEntry {
                complete: entry_is_complete(&path),
                path,
                key: format!("{area}/{key}"),
                bytes,
                parameters,
            });
        }
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
}

/// Removes the whole cache; returns the entries removed.
pub fn cache_clean() -> Result<usize, BuildError> {
    let root = cache_dir()?;
    let n = cache_list()?.len();
    for area in ["models", "runtime"] {
        let dir = root.join(area);
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(io_err(&dir))?;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rtl_file_is_embedded() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rtl");
        let mut on_disk: Vec<String> = fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".v"))
            .collect();
        on_disk.sort();
        let embedded: Vec<String> = RTL_SOURCES.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(on_disk, embedded, "RTL_SOURCES must list every rtl/*.v");
    }

    #[test]
    fn every_rtl_header_is_generated() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rtl");
        let mut on_disk: Vec<String> = fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".vh"))
            .collect();
        on_disk.sort();
        let generated: Vec<String> = rtl_headers().iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(on_disk, generated, "rtl_headers must list every rtl/*.vh");
    }

    #[test]
    fn damaged_entries_are_incomplete() {
        let d = tempfile::tempdir().unwrap();
        let e = d.path().join("e");
        fs::create_dir_all(&e).unwrap();
        fs::write(e.join("a"), b"hello").unwrap();
        assert!(!entry_is_complete(&e), "no COMPLETE");
        write_complete(&e, &["a".to_string()]).unwrap();
        assert!(entry_is_complete(&e));
        fs::write(e.join("a"), b"hell").unwrap();
        assert!(!entry_is_complete(&e), "truncated file");
    }

    #[test]
    fn concurrent_ensure_builds_once_and_both_succeed() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().to_path_buf();
        let builds = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let (root, builds) = (root.clone(), builds.clone());
                std::thread::spawn(move || {
                    ensure_entry(&root, "models", "k", |tmp| {
                        builds.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(200));
                        fs::write(tmp.join("x"), b"built").unwrap();
                        Ok(vec!["x".to_string()])
                    })
                    .unwrap()
                })
            })
            .collect();
        for t in threads {
            let dir = t.join().unwrap();
            assert_eq!(fs::read(dir.join("x")).unwrap(), b"built");
        }
        assert_eq!(builds.load(std::sync::atomic::Ordering::SeqCst), 1);
        // A half-written entry (no COMPLETE) is rebuilt.
        fs::remove_file(root.join("models/k").join(COMPLETE)).unwrap();
        ensure_entry(&root, "models", "k", |tmp| {
            builds.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            fs::write(tmp.join("x"), b"again").unwrap();
            Ok(vec!["x".to_string()])
        })
        .unwrap();
        assert_eq!(builds.load(std::sync::atomic::Ordering::SeqCst), 2);
        assert_eq!(fs::read(root.join("models/k/x")).unwrap(), b"again");
    }
}
