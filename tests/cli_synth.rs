//! `fspinn synth` errors that come before any synthesis: a missing Yosys names its Debian
//! package, timing without a Liberty file and a missing Liberty file are refused, and a config
//! the RTL cannot build is refused with the RTL's limit. (The synthesis itself is tested on a
//! real Yosys run in `synth/tests/yosys_run.rs`.)

mod common;

use common::stderr;
use std::process::Command;

fn synth(args: &[&str], path: Option<&std::path::Path>) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_fspinn"));
    c.arg("synth").args(args).env("RUST_BACKTRACE", "0");
    c.env_remove("YOSYS").env_remove("STA");
    if let Some(p) = path {
        c.env("PATH", p);
    }
    c.output().expect("the fspinn binary runs")
}

#[test]
fn missing_yosys_names_the_package() {
    let empty = tempfile::tempdir().unwrap();
    let o = synth(&["--config", "small"], Some(empty.path()));
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("`yosys` not found (not on PATH): install it with `apt-get install -y yosys`"),
        "{e}"
    );
    assert_eq!(e.matches("error:").count(), 1, "{e}");
    // The example shapes of docs/synthesis.md are valid RTL configs: they get as far as Yosys.
    for shape in ["min", "tiny", "pe8"] {
        let cfg = format!("{}/examples/synth/{shape}.toml", env!("CARGO_MANIFEST_DIR"));
        let o = synth(&["--config", &cfg], Some(empty.path()));
        let e = stderr(&o);
        assert!(e.contains("`yosys` not found"), "{shape}: {e}");
    }
}

#[test]
fn timing_needs_a_liberty_file() {
    let o = synth(&["--config", "small", "--sta"], None);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("give a Liberty file"), "{e}");
    let o = synth(
        &["--config", "small", "--liberty", "/nonexistent/cells.lib"],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("--liberty /nonexistent/cells.lib: no such file"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_config_beyond_the_rtl_is_refused_before_synthesis() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/sim/configs/small.toml"
    ))
    .unwrap()
    .replace("banks = 2\n", "banks = 32\n")
    .replace("depth = 19600\n", "depth = 1225\n");
    let path = dir.path().join("wide.toml");
    std::fs::write(&path, cfg).unwrap();
    let o = synth(&["--config", path.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("unsupported by the RTL: weight_sram.banks = 32, limit <= 16"),
        "{e}"
    );
}
