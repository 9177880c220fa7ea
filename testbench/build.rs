//! Verilates `rtl/*.v` (top `fspinn_top`) twice, with the parameters of the "small" config
//! (prefix `Vfspinn_small`, weights on chip) and of the "large" one (prefix `Vfspinn_large`,
//! weights in DRAM), and compiles both models, the Verilator runtime, the C++ shim and the cxx
//! glue into this crate.
//!
//! The recipe follows the measured notes on Verilator 5.006: run only `verilator --cc`, read
//! the generated `*_classes.mk` for the file names (they differ between Verilator versions),
//! compile the runtime once into its own static library (cached by version, root and flags),
//! link it after the model, and keep the C++ at `-O1` or more even in dev builds.

use std::collections::BTreeMap;
use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use fspinn_sim::config::HwConfig;
use fspinn_sim::rtl_params;

/// A config and network a model is verilated for (docs/rtl.md, "Parameters").
struct Variant {
    config: &'static str,
    neurons: usize,
    /// Verilator `--prefix` (the C++ class of the model).
    prefix: &'static str,
    /// File in `OUT_DIR` with the Rust constants of its parameters.
    params_rs: &'static str,
}

const VARIANTS: [Variant; 2] = [
    Variant {
        config: "small",
        neurons: 400,
        prefix: "Vfspinn_small",
        params_rs: "rtl_params.rs",
    },
    Variant {
        config: "large",
        neurons: 4900,
        prefix: "Vfspinn_large",
        params_rs: "rtl_params_large.rs",
    },
];
const WEIGHT_BITS: u32 = 8;
const STEPS: u32 = 250;
const REFRACTORY_STEPS: u32 = 5;

const TOP: &str = "fspinn_top";
/// Oldest Verilator the recipe was measured with, as `VERILATOR_VERSION_INTEGER` spells it.
const MIN_VERSION: (u32, u32) = (5, 6);

/// Macros Verilator's own makefile passes to every C++ file; the values in `*_classes.mk`
/// override these defaults.
const DEFAULT_DEFINES: [(&str, &str); 6] = [
    ("VM_SC", "0"),
    ("VM_TRACE", "1"),
    ("VM_TRACE_VCD", "1"),
    ("VM_TRACE_FST", "0"),
    ("VM_COVERAGE", "0"),
    ("VM_TIMING", "0"),
];

type BuildResult<T> = Result<T, String>;

fn main() {
    if let Err(msg) = run() {
        eprintln!("error: {msg}");
        // A build script reports failure through its exit status; the message above is what
        // cargo shows.
        std::process::exit(1);
    }
}

fn run() -> BuildResult<()> {
    let manifest = PathBuf::from(env_var("CARGO_MANIFEST_DIR")?);
    let root = manifest
        .parent()
        .ok_or("the testbench crate has no parent folder")?
        .to_path_buf();
    let out = PathBuf::from(env_var("OUT_DIR")?);
    let rtl = root.join("rtl");

    println!("cargo:rerun-if-env-changed=VERILATOR");
    println!("cargo:rerun-if-changed={}", rtl.display());
    println!(
        "cargo:rerun-if-changed={}",
        root.join("sim/configs").display()
    );
    println!("cargo:rerun-if-changed=cpp/shim.h");
    println!("cargo:rerun-if-changed=cpp/shim.cpp");
    println!("cargo:rerun-if-changed=src/bridge.rs");
    println!("cargo:rerun-if-changed=build.rs");

    let verilator = find_verilator()?;
    let (version, version_text) = verilator_version(&verilator)?;
    let vroot = verilator_root(&verilator)?;

    let sources = rtl_sources(&rtl)?;
    let opt = opt_level();
    let mut all_params = Vec::new();
    for v in &VARIANTS {
        let params = parameters(v)?;
        write_params_rs(&out.join(v.params_rs), v, &params)?;
        all_params.push(params);
    }

    // Any change to the model or sim crates re-runs this script (they are build dependencies,
    // for the parameters); verilating and compiling two models takes minutes, so they are
    // reused when nothing they are made from has changed.
    let key = model_cache_key(&manifest, &sources, &version_text, &all_params, &opt)?;
    let stamp = out.join("verilated_model.cache");
    if let Some(runtime) = cached_runtime(&stamp, &key, &out) {
        emit_link(&out, &runtime, version);
        println!("cargo:rustc-link-lib=static={MODEL_LIB}");
        return Ok(());
    }
    let _ = fs::remove_file(&stamp);

    let mut models = Vec::new();
    for (v, params) in VARIANTS.iter().zip(&all_params) {
        let mdir = out.join(format!("verilated_{}", v.config));
        verilate(&verilator, &sources, params, v.prefix, &mdir)?;
        let mk = parse_classes_mk(&mdir.join(format!("{}_classes.mk", v.prefix)))?;
        models.push((mdir, mk));
    }

    let mut defines: BTreeMap<String, String> = DEFAULT_DEFINES
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    for (_, mk) in &models {
        defines.extend(mk.defines.iter().cloned());
    }
    let defines: Vec<(String, String)> = defines.into_iter().collect();

    let include = vroot.join("include");
    let runtime = build_runtime(
        &out,
        &include,
        &models[0].1.global,
        &defines,
        &opt,
        &version_text,
    )?;

    let mut build = cxx_build::bridge("src/bridge.rs");
    configure(&mut build, &include, &defines, &opt);
    build
        .include(manifest.join("cpp"))
        .file(manifest.join("cpp/shim.cpp"));
    for (mdir, mk) in &models {
        build.include(mdir);
        for class in &mk.model {
            build.file(mdir.join(format!("{class}.cpp")));
        }
    }
    build.compile(MODEL_LIB);
    emit_link(&out, &runtime, version);
    fs::write(&stamp, format!("{key}\n{runtime}\n"))
        .map_err(|e| format!("writing {}: {e}", stamp.display()))?;
    Ok(())
}

/// The static library of the verilated models, the shim and the cxx glue.
const MODEL_LIB: &str = "fspinn_verilated_model";

/// Link directives after the model library (which `cc` announces itself when it compiles it).
fn emit_link(out: &Path, runtime: &str, version: (u32, u32)) {
    // The runtime after the model: a static library only satisfies references that precede it.
    println!("cargo:rustc-link-search=native={}", out.display());
    println!("cargo:rustc-link-lib=static={runtime}");
    println!("cargo:rustc-link-lib=dylib=stdc++");
    println!(
        "cargo:rustc-env=FSPINN_VERILATOR_VERSION={}.{:03}",
        version.0, version.1
    );
}

/// What the model library is made from: the Verilator, every RTL file, the parameters of both
/// variants, the shim, the cxx bridge, this script, the optimisation level and the target.
fn model_cache_key(
    manifest: &Path,
    sources: &[PathBuf],
    verilator_version: &str,
    params: &[Vec<(&'static str, u64)>],
    opt: &str,
) -> BuildResult<String> {
    let mut hash = fnv1a(
        format!(
            "{verilator_version}|{params:?}|{opt}|{}",
            env::var("TARGET").unwrap_or_default()
        )
        .as_bytes(),
    );
    let own = ["cpp/shim.h", "cpp/shim.cpp", "src/bridge.rs", "build.rs"].map(|f| manifest.join(f));
    for file in sources.iter().chain(&own) {
        let bytes = fs::read(file).map_err(|e| format!("reading {}: {e}", file.display()))?;
        hash = fnv1a_continue(hash, file.display().to_string().as_bytes());
        hash = fnv1a_continue(hash, &bytes);
    }
    Ok(format!("{hash:016x}"))
}

/// The runtime library name stored with `key`, when the stamp matches and both libraries are
/// still there.
fn cached_runtime(stamp: &Path, key: &str, out: &Path) -> Option<String> {
    let text = fs::read_to_string(stamp).ok()?;
    let mut lines = text.lines();
    if lines.next()? != key {
        return None;
    }
    let runtime = lines.next()?.to_string();
    let present = |name: &str| out.join(format!("lib{name}.a")).is_file();
    (present(MODEL_LIB) && present(&runtime)).then_some(runtime)
}

fn env_var(name: &str) -> BuildResult<String> {
    env::var(name).map_err(|e| format!("environment variable {name}: {e}"))
}

/// The Verilator binary: `$VERILATOR` if set, else `verilator` on `PATH`.
fn find_verilator() -> BuildResult<PathBuf> {
    const HOWTO: &str = "Verilator not found: install it with `apt-get install -y verilator` \
        (Debian, 5.006 or newer) or set VERILATOR=/path/to/bin/verilator";
    if let Some(path) = env::var_os("VERILATOR").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(format!(
                "{HOWTO} (VERILATOR={} is not a file)",
                path.display()
            ))
        };
    }
    let path = env::var_os("PATH").unwrap_or_default();
    env::split_paths(&path)
        .map(|dir| dir.join("verilator"))
        .find(|p| p.is_file())
        .ok_or_else(|| HOWTO.to_string())
}

/// `(major, minor)` and the full `--version` line; fails below [`MIN_VERSION`].
fn verilator_version(verilator: &Path) -> BuildResult<((u32, u32), String)> {
    let out = Command::new(verilator)
        .arg("--version")
        .output()
        .map_err(|e| format!("running {} --version: {e}", verilator.display()))?;
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    // "Verilator 5.006 2023-01-22 rev (Debian 5.006-3)"
    let number = text
        .split_whitespace()
        .nth(1)
        .ok_or_else(|| format!("unexpected `verilator --version` output: {text:?}"))?;
    let mut parts = number.split('.');
    let major = parts.next().and_then(|p| p.parse::<u32>().ok());
    let minor = parts.next().and_then(|p| {
        let digits: String = p.chars().take_while(char::is_ascii_digit).collect();
        digits.parse::<u32>().ok()
    });
    let (Some(major), Some(minor)) = (major, minor) else {
        return Err(format!(
            "cannot read a version number from `verilator --version`: {text:?} \
             (Verilator 5.006 or newer is needed)"
        ));
    };
    if (major, minor) < MIN_VERSION {
        return Err(format!(
            "Verilator {major}.{minor:03} is too old: 5.006 or newer is needed \
             (`apt-get install -y verilator` on Debian 12, or set VERILATOR=/path/to/bin/verilator)"
        ));
    }
    Ok(((major, minor), text))
}

/// The install's own root (never set `VERILATOR_ROOT` by hand: installs check or trust it).
fn verilator_root(verilator: &Path) -> BuildResult<PathBuf> {
    let out = Command::new(verilator)
        .args(["--getenv", "VERILATOR_ROOT"])
        .output()
        .map_err(|e| {
            format!(
                "running {} --getenv VERILATOR_ROOT: {e}",
                verilator.display()
            )
        })?;
    let root = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    if !root.join("include/verilated.h").is_file() {
        return Err(format!(
            "Verilator root {} (from --getenv VERILATOR_ROOT) has no include/verilated.h",
            root.display()
        ));
    }
    Ok(root)
}

fn parameters(v: &Variant) -> BuildResult<Vec<(&'static str, u64)>> {
    let config = v.config;
    let cfg = HwConfig::builtin(config).ok_or_else(|| format!("no built-in config {config:?}"))?;
    rtl_params::parameters(&cfg, v.neurons, WEIGHT_BITS, STEPS, REFRACTORY_STEPS)
        .map_err(|e| format!("RTL parameters of the {config} config: {e}"))
}

/// Rust constants of the parameters, `include!`d by `src/params.rs`.
fn write_params_rs(path: &Path, v: &Variant, params: &[(&'static str, u64)]) -> BuildResult<()> {
    let (config, neurons) = (v.config, v.neurons);
    let mut s = String::from("// Generated by testbench/build.rs from fspinn_sim::rtl_params.\n");
    let _ = writeln!(s, "/// Hardware config the model was verilated for.");
    let _ = writeln!(s, "pub const CONFIG: &str = {config:?};");
    let _ = writeln!(s, "/// Network size the parameters were derived for.");
    let _ = writeln!(s, "pub const NETWORK_NEURONS: usize = {neurons};");
    let _ = writeln!(s, "/// Weight precision the parameters were derived for.");
    let _ = writeln!(s, "pub const NETWORK_WEIGHT_BITS: u32 = {WEIGHT_BITS};");
    let _ = writeln!(s, "/// Steps per sample the parameters were derived for.");
    let _ = writeln!(s, "pub const NETWORK_STEPS: u32 = {STEPS};");
    let _ = writeln!(s, "/// Refractory steps the parameters were derived for.");
    let _ = writeln!(
        s,
        "pub const NETWORK_REFRACTORY_STEPS: u32 = {REFRACTORY_STEPS};"
    );
    for (name, value) in params {
        let _ = writeln!(
            s,
            "/// Verilog parameter `{name}` of the verilated `{TOP}`."
        );
        let _ = writeln!(s, "pub const {name}: usize = {value};");
    }
    let _ = writeln!(
        s,
        "/// Every parameter as passed to Verilator (`-G<name>=<value>`), in order."
    );
    s.push_str("pub const PARAMETERS: &[(&str, u64)] = &[\n");
    for (name, value) in params {
        let _ = writeln!(s, "    ({name:?}, {value}),");
    }
    s.push_str("];\n");
    write_if_changed(path, &s)
}

fn write_if_changed(path: &Path, text: &str) -> BuildResult<()> {
    if fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    fs::write(path, text).map_err(|e| format!("writing {}: {e}", path.display()))
}

/// Every `.v` file directly in `rtl/` (not subfolders), sorted for a stable command line.
fn rtl_sources(rtl: &Path) -> BuildResult<Vec<PathBuf>> {
    let entries = fs::read_dir(rtl).map_err(|e| format!("reading {}: {e}", rtl.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("reading {}: {e}", rtl.display()))?
            .path();
        if path.is_file() && path.extension().is_some_and(|x| x == "v") {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(format!("no .v files in {}", rtl.display()));
    }
    Ok(files)
}

fn verilate(
    verilator: &Path,
    sources: &[PathBuf],
    params: &[(&'static str, u64)],
    prefix: &str,
    mdir: &Path,
) -> BuildResult<()> {
    if mdir.exists() {
        fs::remove_dir_all(mdir).map_err(|e| format!("clearing {}: {e}", mdir.display()))?;
    }
    let mut cmd = Command::new(verilator);
    cmd.args([
        "--cc",
        "--trace",
        "-Wall",
        "--top-module",
        TOP,
        "--prefix",
        prefix,
    ])
    // One time unit and precision of 1 ns for every file: the shim advances time by one
    // unit per clock edge (docs in cpp/shim.h).
    .args(["--timescale-override", "1ns/1ns"])
    // Memories (SRAM contents, register files) are not traced: a VCD of the weight banks alone
    // would hold 39,200 words per dump. Their ports are.
    .args(["--trace-max-array", "32"])
    .arg("-Mdir")
    .arg(mdir)
    .args(rtl_params::verilator_args(params))
    .args(sources);
    let out = cmd
        .output()
        .map_err(|e| format!("running {}: {e}", verilator.display()))?;
    if !out.status.success() {
        return Err(format!(
            "verilator failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(())
}

/// What `*_classes.mk` says: model classes, runtime sources and the `VM_*` macros.
struct ClassesMk {
    model: Vec<String>,
    global: Vec<String>,
    defines: Vec<(String, String)>,
}

fn parse_classes_mk(path: &Path) -> BuildResult<ClassesMk> {
    let text = fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let mut lists: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut defines = Vec::new();
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
                defines.push((var.to_string(), value.to_string()));
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
        return Err(format!(
            "{} lists no model classes or runtime sources",
            path.display()
        ));
    }
    Ok(ClassesMk {
        model,
        global,
        defines,
    })
}

/// The cargo profile's optimisation, but never below `-O1` (`-O0` runs the RTL ~5x slower).
fn opt_level() -> String {
    match env::var("OPT_LEVEL").as_deref() {
        Ok("0") | Err(_) => "1".to_string(),
        Ok(level) => level.to_string(),
    }
}

fn configure(build: &mut cc::Build, include: &Path, defines: &[(String, String)], opt: &str) {
    build
        .cpp(true)
        .std("c++17")
        .opt_level_str(opt)
        .debug(false)
        .warnings(false)
        .extra_warnings(false)
        .include(include)
        .include(include.join("vltstd"));
    for (k, v) in defines {
        build.define(k, Some(v.as_str()));
    }
}

/// Compiles the runtime sources (`verilated`, `verilated_vcd_c`, ...) into a static library
/// named by a hash of everything that affects it, and reuses it when it already exists.
fn build_runtime(
    out: &Path,
    include: &Path,
    sources: &[String],
    defines: &[(String, String)],
    opt: &str,
    version: &str,
) -> BuildResult<String> {
    let key = format!(
        "{version}|{}|{sources:?}|{defines:?}|{opt}|{}",
        include.display(),
        env::var("TARGET").unwrap_or_default()
    );
    let name = format!("verilated_runtime_{:016x}", fnv1a(key.as_bytes()));
    let lib = out.join(format!("lib{name}.a"));
    if lib.is_file() {
        return Ok(name);
    }
    let mut build = cc::Build::new();
    configure(&mut build, include, defines, opt);
    build.cargo_metadata(false).out_dir(out);
    for src in sources {
        let file = include.join(format!("{src}.cpp"));
        if !file.is_file() {
            return Err(format!(
                "Verilator runtime source {} is missing",
                file.display()
            ));
        }
        build.file(file);
    }
    build
        .try_compile(&name)
        .map_err(|e| format!("compiling the Verilator runtime: {e}"))?;
    Ok(name)
}

/// A stable 64-bit hash for the runtime cache name (std's hasher is not stable across runs).
fn fnv1a(bytes: &[u8]) -> u64 {
    fnv1a_continue(0xcbf2_9ce4_8422_2325, bytes)
}

/// [`fnv1a`] over more bytes, from the hash so far.
fn fnv1a_continue(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
