//! `fspinn rtl` and the on-demand build: a new config is built once even when two processes
//! ask for it at the same time, both succeed and co-simulate, a later run loads it from the
//! cache; without Verilator the error says how to install it.

mod common;
use common::{fspinn, stderr, stdout};
use std::path::Path;
use std::process::{Command, Output};

/// `fspinn` with its own model cache.
fn fspinn_in(cache: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_fspinn"));
    c.args(args)
        .env("RUST_BACKTRACE", "0")
        .env("FSPINN_CACHE_DIR", cache);
    c
}

fn run(mut c: Command) -> Output {
    c.output().expect("the fspinn binary runs")
}

/// A tiny chip: 4 PEs, 8 neurons, one 64-bit weight bank, 784 inputs (real MNIST images fit).
fn tiny_config(dir: &Path) -> std::path::PathBuf {
    let small = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("sim/configs/small.toml"),
    )
    .unwrap();
    let tiny = small
        .replace("name = \"small\"", "name = \"tiny\"")
        .replace("neurons = 400", "neurons = 8")
        .replace("pes = 16", "pes = 4")
        .replace("neurons_per_pe = 25", "neurons_per_pe = 2")
        .replace("lanes = 16", "lanes = 4")
        .replace("banks = 2\n", "banks = 1\n")
        .replace("depth = 19600", "depth = 1568")
        .replace("depth = 32", "depth = 2");
    assert_ne!(tiny, small);
    let path = dir.join("tiny.toml");
    std::fs::write(&path, tiny).unwrap();
    path
}

#[test]
fn two_concurrent_first_builds_both_succeed_then_the_cache_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let cfg = tiny_config(dir.path());
    let cfg = cfg.to_str().unwrap();
    let spawn = || {
        fspinn_in(&cache, &["rtl", "build", "--config", cfg])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawns")
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    for o in [&a, &b] {
        assert!(o.status.success(), "{}", stderr(o));
    }
    let lib = |o: &Output| stdout(o).rsplit(' ').next().unwrap().trim().to_string();
    assert_eq!(lib(&a), lib(&b), "one library for one key");
    assert!(lib(&a).ends_with("libfspinn_rtl.so"), "{}", stdout(&a));
    // One of the two built it (progress lines on stderr), with stages and elapsed times.
    let built = [&a, &b]
        .iter()
        .filter(|o| stderr(o).contains("rtl: verilating"))
        .count();
    assert_eq!(built, 1, "{}\n{}", stderr(&a), stderr(&b));

    let list = run(fspinn_in(&cache, &["rtl", "cache", "list"]));
    assert!(list.status.success(), "{}", stderr(&list));
    let text = stdout(&list);
    assert_eq!(text.matches("models/").count(), 1, "{text}");
    assert!(
        text.contains("complete") && !text.contains("INCOMPLETE"),
        "{text}"
    );
    assert!(text.contains("PES=4 "), "{text}");

    // Later runs load it at once and co-simulate without a mismatch.
    let started = std::time::Instant::now();
    let o = run(fspinn_in(
        &cache,
        &[
            "cosim",
            "--config",
            cfg,
            "--samples",
            "1",
            "--vcd",
            dir.path().join("v").to_str().unwrap(),
            "--vcd-cycles",
            "100",
            "--json",
        ],
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("verilating"), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_str(stdout(&o).lines().last().unwrap()).unwrap();
    assert_eq!(j["mismatches"], 0);
    assert_eq!(j["config"], "tiny");
    assert!(
        started.elapsed().as_secs_f64() < 30.0,
        "a cached model starts at once"
    );

    let clean = run(fspinn_in(&cache, &["rtl", "cache", "clean"]));
    assert!(clean.status.success(), "{}", stderr(&clean));
    let list = run(fspinn_in(&cache, &["rtl", "cache", "list"]));
    assert!(stdout(&list).contains("(empty)"), "{}", stdout(&list));
}

#[test]
fn without_verilator_cosim_says_how_to_install_it() {
    let dir = tempfile::tempdir().unwrap();
    let o = run({
        let mut c = fspinn_in(dir.path(), &["cosim", "--samples", "1"]);
        c.env("VERILATOR", dir.path().join("no-verilator"));
        c
    });
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("apt-get install -y verilator"), "{e}");
    assert!(e.contains("5.006"), "{e}");
}

#[test]
fn a_config_beyond_the_rtl_is_refused_before_building() {
    let dir = tempfile::tempdir().unwrap();
    let small = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("sim/configs/small.toml"),
    )
    .unwrap();
    // 400 neurons on 400 PEs: valid for the cycle model, beyond the RTL's 256.
    let wide = small
        .replace("pes = 16", "pes = 400")
        .replace("neurons_per_pe = 25", "neurons_per_pe = 1")
        .replace("depth = 32", "depth = 1")
        .replace("banks = 2\n", "banks = 16\n");
    let cfg = dir.path().join("wide.toml");
    std::fs::write(&cfg, wide).unwrap();
    let o = run(fspinn_in(
        &dir.path().join("cache"),
        &["rtl", "build", "--config", cfg.to_str().unwrap()],
    ));
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("unsupported by the RTL: pe_array.pes = 400, limit <= 256"),
        "{e}"
    );
    assert!(!dir.path().join("cache/models").exists(), "nothing built");
}

#[test]
fn rtl_help_lists_build_and_cache() {
    let o = fspinn(&["rtl", "--help"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t = stdout(&o);
    for word in ["build", "cache", "header", "fspinn rtl cache clean"] {
        assert!(t.contains(word), "{word} missing:\n{t}");
    }
}

#[test]
fn rtl_header_writes_checks_and_names_a_stale_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("consts.vh");
    let p = path.to_str().unwrap();
    // Printed: the committed header, byte for byte.
    let o = fspinn(&["rtl", "header"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let committed =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rtl/fspinn_consts.vh"))
            .unwrap();
    assert_eq!(stdout(&o), committed);
    // Written, then checked.
    let o = fspinn(&["rtl", "header", "--out", p]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), committed);
    let o = fspinn(&["rtl", "header", "--out", p, "--check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("is up to date"), "{}", stdout(&o));
    // A stale file fails the check, naming the file, the line and the command.
    std::fs::write(
        &path,
        committed.replace("DIV_CYCLES = 40", "DIV_CYCLES = 39"),
    )
    .unwrap();
    let o = fspinn(&["rtl", "header", "--out", p, "--check"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains(&format!("{p}: stale, line ")), "{e}");
    assert!(e.contains("DIV_CYCLES = 39"), "{e}");
    assert!(e.contains(&format!("fspinn rtl header --out {p}")), "{e}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        committed.replace("DIV_CYCLES = 40", "DIV_CYCLES = 39"),
        "--check writes nothing"
    );
    // A missing file is an error naming it; --check needs --out.
    let gone = dir.path().join("gone.vh");
    let o = fspinn(&["rtl", "header", "--out", gone.to_str().unwrap(), "--check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("gone.vh"), "{}", stderr(&o));
    let o = fspinn(&["rtl", "header", "--check"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--out"), "{}", stderr(&o));
}

#[test]
fn vcd_cycles_zero_writes_nothing_and_vcd_from_moves_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let none = dir.path().join("none");
    let o = fspinn(&[
        "cosim",
        "--samples",
        "1",
        "--vcd",
        none.to_str().unwrap(),
        "--vcd-cycles",
        "0",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!none.exists(), "no waveform folder for --vcd-cycles 0");
    let j: serde_json::Value = serde_json::from_str(stdout(&o).lines().last().unwrap()).unwrap();
    assert!(j["vcd_rtl"].is_null() && j["vcd_model"].is_null(), "{j}");

    let some = dir.path().join("some");
    let o = fspinn(&[
        "cosim",
        "--samples",
        "1",
        "--vcd",
        some.to_str().unwrap(),
        "--vcd-from",
        "100",
        "--vcd-cycles",
        "50",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Both files cover cycles 100..150 of the sample on the common axis (5,000 ps a cycle).
    for (file, first) in [("model.vcd", 100 * 5_000 + 2_500), ("rtl.vcd", 100 * 5_000)] {
        let f = std::fs::File::open(some.join(file)).unwrap();
        let mut p = vcd::Parser::new(std::io::BufReader::new(f));
        p.parse_header().unwrap();
        let times: Vec<u64> = p
            .filter_map(|c| match c.unwrap() {
                vcd::Command::Timestamp(t) => Some(t),
                _ => None,
            })
            .collect();
        assert_eq!(times.first(), Some(&first), "{file}");
        assert!(
            *times.last().unwrap() <= 150 * 5_000 + 2_500,
            "{file}: {times:?}"
        );
    }
}
