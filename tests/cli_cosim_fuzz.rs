//! `fspinn cosim --fuzz`: one JSON object with the campaign's totals and a summary per case,
//! and the files a failing case leaves behind reproduce it with the one command printed.

mod common;
use common::{fspinn, stderr, stdout};
use fspinn_testbench::fuzz::{self, FuzzOptions};

fn last_json(o: &std::process::Output) -> serde_json::Value {
    let text = stdout(o);
    let line = text.lines().last().expect("some output");
    serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"))
}

/// The options of `--max-pes 8 --max-steps 40 --samples 2` (also testbench/tests/fuzz.rs's,
/// so the models are shared in the cache).
fn small() -> FuzzOptions {
    FuzzOptions {
        max_pes: 8,
        max_steps: 40,
        max_samples: 2,
        ..FuzzOptions::default()
    }
}

#[test]
fn fuzz_prints_one_json_object_with_the_campaign() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fails");
    let o = fspinn(&[
        "cosim",
        "--fuzz",
        "1",
        "--seed",
        "11",
        "--max-pes",
        "8",
        "--max-steps",
        "40",
        "--samples",
        "2",
        "--out",
        out.to_str().unwrap(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j = last_json(&o);
    assert_eq!(j["seed"], 11);
    assert_eq!(j["configs"], 1);
    assert_eq!(j["mismatches"], 0);
    assert_eq!(j["failures"].as_array().map(Vec::len), Some(0), "{j}");
    let case = fuzz::draw(11, 0, &small()).unwrap();
    assert_eq!(j["samples"], case.images.len());
    let c = &j["cases"][0];
    assert_eq!(c["pes"], case.cfg.pe_array.pes);
    assert_eq!(c["neurons"], case.net.n_neurons());
    assert_eq!(c["train"], case.train);
    assert!(c["build_seconds"].as_f64().unwrap() > 0.0, "{c}");
    assert!(j["run_seconds"].as_f64().unwrap() > 0.0, "{j}");
    assert!(stderr(&o).contains("fuzz: case 0: PES"), "{}", stderr(&o));
}

#[test]
fn a_case_written_out_reproduces_with_its_command() {
    let dir = tempfile::tempdir().unwrap();
    let case = fuzz::draw(11, 0, &small()).unwrap();
    let files = fuzz::repro::write_case(&case, dir.path(), "fail-0").unwrap();
    assert!(files.config.is_file() && files.model.is_file());
    let args: Vec<&str> = files.command.split_whitespace().collect();
    assert_eq!(args[0], "fspinn");
    let mut args = args[1..].to_vec();
    args.extend(["--vcd-cycles", "0", "--json"]);
    let o = fspinn(&args);
    assert!(o.status.success(), "{}\n{}", files.command, stderr(&o));
    let j = last_json(&o);
    assert_eq!(j["mismatches"], 0);
    assert_eq!(j["samples"], case.images.len());
    assert_eq!(j["train"], case.train);
    assert_eq!(j["seed"], case.seed);
    assert_eq!(j["neurons"], case.net.n_neurons());
}
