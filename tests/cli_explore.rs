//! `fspinn explore` end to end on the shipped tiny space (built-in MNIST subset, 2 networks x 2
//! hardware points): `--jobs 2`, the report (every point, a front, the chosen design, SVG and
//! PNG plots), kill + rerun = uninterrupted run, a third run does no work, a damaged result is
//! recomputed, `--point`/`--shard`, the Slurm script, and field-named errors for bad spaces.

mod common;

use common::{fspinn, stderr, stdout};
use serde_json::Value;
use std::collections::BTreeMap;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TINY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/explore/tiny.toml");

fn last_json(o: &std::process::Output) -> Value {
    let out = stdout(o);
    serde_json::from_str(out.lines().last().expect("stdout has a line")).expect("JSON line")
}

fn run(dir: &Path, extra: &[&str]) -> Value {
    let d = dir.to_str().unwrap();
    let mut args = vec!["explore", "--space", TINY, "--out", d, "--json"];
    args.extend_from_slice(extra);
    let o = fspinn(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    last_json(&o)
}

/// Writes `toml` as a space file in `dir`, runs `fspinn explore --json` on it into `dir/out` and
/// returns the last JSON line.
fn run_space(dir: &Path, toml: &str) -> Value {
    let space = dir.join("space.toml");
    std::fs::write(&space, toml).unwrap();
    let out = dir.join("out");
    let o = fspinn(&[
        "explore",
        "--space",
        space.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    last_json(&o)
}

/// Every result file of a directory, parsed, with the wall times and digest removed.
fn results(dir: &Path) -> BTreeMap<String, Value> {
    let mut m = BTreeMap::new();
    for e in std::fs::read_dir(dir.join("points")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().and_then(|x| x.to_str()) != Some("json") {
            continue;
        }
        let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        let o = v.as_object_mut().unwrap();
        o.remove("timing");
        o.remove("digest");
        m.insert(p.file_name().unwrap().to_string_lossy().into_owned(), v);
    }
    m
}

#[test]
fn tiny_space_runs_reports_resumes_and_is_deterministic() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let started = Instant::now();
    let j = run(&a, &["--jobs", "2"]);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(180), "tiny took {took:?}");
    assert_eq!(j["points"], 4);
    assert_eq!(j["ran"], 4);
    let rep = &j["report"];
    assert_eq!(rep["points"].as_array().unwrap().len(), 4);
    assert_eq!(rep["missing"].as_array().unwrap().len(), 0);
    assert!(!rep["pareto"].as_array().unwrap().is_empty(), "{rep}");
    assert!(rep["chosen"]["index"].is_u64(), "{rep}");
    let plots = rep["plots"].as_array().unwrap();
    assert_eq!(plots.len(), 4, "{rep}");
    for p in plots {
        for kind in ["svg", "png"] {
            let f = a.join("report").join(p[kind].as_str().unwrap());
            let bytes = std::fs::read(&f).unwrap();
            assert!(
                bytes.len() > 1000,
                "{} is {} bytes",
                f.display(),
                bytes.len()
            );
            if kind == "png" {
                assert_eq!(&bytes[1..4], b"PNG");
            } else {
                assert!(String::from_utf8_lossy(&bytes).contains("<svg"));
            }
        }
    }
    for p in rep["points"].as_array().unwrap() {
        let acc = p["accuracy"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&acc));
        assert!(p["energy_inference_uj"].as_f64().unwrap() > 0.0);
        assert!(p["energy_training_uj"].as_f64().unwrap() > 0.0);
        assert!(p["area_mm2"].as_f64().unwrap() > 0.0);
        // The energy model's band brackets every total.
        for (lo, mid, hi) in [
            (
                "energy_inference_low_uj",
                "energy_inference_uj",
                "energy_inference_high_uj",
            ),
            (
                "energy_training_low_uj",
                "energy_training_uj",
                "energy_training_high_uj",
            ),
            (
                "pj_per_sop_inference_low",
                "pj_per_sop_inference",
                "pj_per_sop_inference_high",
            ),
        ] {
            let (l, m, h) = (
                p[lo].as_f64().unwrap(),
                p[mid].as_f64().unwrap(),
                p[hi].as_f64().unwrap(),
            );
            assert!(l <= m && m <= h && l < h, "{lo} {l} {mid} {m} {hi} {h}");
        }
    }
    // More PEs: more logic on the chip (the energy model's area).
    assert!(rep["points"][1]["area_mm2"].as_f64() > rep["points"][0]["area_mm2"].as_f64());
    // Same network, more PEs: the hardware points of one network share its accuracy.
    let pts = rep["points"].as_array().unwrap();
    assert_eq!(pts[0]["accuracy"], pts[1]["accuracy"]);
    assert_ne!(pts[0]["energy_inference_uj"], pts[1]["energy_inference_uj"]);
    let md = std::fs::read_to_string(a.join("report/report.md")).unwrap();
    assert!(md.contains("Chosen design") && md.contains("plots/energy_breakdown.svg"));
    let csv = std::fs::read_to_string(a.join("report/points.csv")).unwrap();
    assert_eq!(csv.lines().count(), 5);

    // A third run (second here) on the finished directory does no work.
    let again = run(&a, &["--jobs", "2"]);
    assert_eq!(again["ran"], 0);
    assert_eq!(again["already_done"], 4);

    // Kill mid-run, rerun: identical results to the uninterrupted run.
    let b = tmp.path().join("b");
    // Own process group: the kill takes the parent and its workers at once, so the points in
    // flight are lost (and may leave temporary files), as in a real crash.
    let mut child = Command::new(env!("CARGO_BIN_EXE_fspinn"))
        .args([
            "explore",
            "--space",
            TINY,
            "--out",
            b.to_str().unwrap(),
            "--jobs",
            "2",
        ])
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the first trained network lands, then kill the parent in the middle.
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        let n = std::fs::read_dir(b.join("networks"))
            .map(|d| d.count())
            .unwrap_or(0);
        if n > 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let killed = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .status()
        .unwrap();
    assert!(killed.success());
    child.wait().unwrap();
    let resumed = run(&b, &["--jobs", "2"]);
    let first = resumed["ran"].as_u64().unwrap() + resumed["already_done"].as_u64().unwrap();
    assert_eq!(first, 4);
    assert_eq!(results(&a), results(&b));
    let third = run(&b, &[]);
    assert_eq!(third["ran"], 0);

    // A damaged result file is detected and recomputed to the same numbers.
    let victim = std::fs::read_dir(b.join("points"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().and_then(|x| x.to_str()) == Some("json"))
        .unwrap();
    let text = std::fs::read_to_string(&victim).unwrap();
    std::fs::write(
        &victim,
        text.replacen("\"accuracy\": 0.", "\"accuracy\": 0.9", 1),
    )
    .unwrap();
    let fixed = run(&b, &[]);
    assert_eq!(fixed["ran"], 1, "{fixed}");
    assert_eq!(results(&a), results(&b));
    std::fs::write(&victim, &text[..text.len() / 2]).unwrap();
    assert_eq!(run(&b, &[])["ran"], 1);
    assert_eq!(results(&a), results(&b));
    // A sound result computed with other network parameters (an older build's defaults) is
    // stale: recomputed, not reused.
    let text = std::fs::read_to_string(&victim).unwrap();
    let mut stale: fspinn_explore::store::PointResult = serde_json::from_str(&text).unwrap();
    stale.network_hash = "0123456789abcdef".into();
    let stale = stale.seal();
    std::fs::write(&victim, serde_json::to_string_pretty(&stale).unwrap()).unwrap();
    assert_eq!(run(&b, &[])["ran"], 1);
    assert_eq!(results(&a), results(&b));

    // One point, one shard, and the report command alone.
    let c = tmp.path().join("c");
    let one = run(&c, &["--point", "3"]);
    assert_eq!(one["ran"], true);
    assert_eq!(one["result"]["index"], 3);
    let shard = run(&c, &["--shard", "0/2"]);
    assert_eq!(shard["points"], 2);
    assert_eq!(shard["ran"], 2);
    let o = fspinn(&["explore", "report", c.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r = last_json(&o);
    assert_eq!(r["finished"], 3);
    assert_eq!(r["missing"], serde_json::json!([2]));
}

#[test]
fn slurm_script_has_one_task_per_point() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let job = tmp.path().join("job.sh");
    let o = fspinn(&[
        "explore",
        "slurm",
        "--space",
        TINY,
        "--out",
        out.to_str().unwrap(),
        "--emit",
        job.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = std::fs::read_to_string(&job).unwrap();
    assert!(s.starts_with("#!/bin/bash"));
    assert!(s.contains("#SBATCH --array=0-3"), "{s}");
    assert!(s.contains("#SBATCH --time=00:10:00"), "{s}");
    assert!(s.contains("#SBATCH --mem=500M"), "{s}");
    assert!(s.contains("--point \"$SLURM_ARRAY_TASK_ID\""), "{s}");
    assert!(out.join("space.toml").exists());
}

/// The SRAM cell type and node axes set the config's `[technology]`, so the energy model prices
/// them: every cell/node pair gives its own energy and area, and a result records its pair.
#[test]
fn cell_type_and_node_are_priced() {
    let tmp = tempfile::tempdir().unwrap();
    let j = run_space(
        tmp.path(),
        "objectives = [\"energy_inference_uj\", \"area_mm2\"]\n\
         [network]\ndataset = \"builtin\"\nneurons = 20\nprecision = \"w8\"\n\
         train_samples = 40\nlabel_samples = 20\ntest_samples = 10\n\
         [hardware]\nsram_cell = [\"itrs-hp\", \"itrs-lop\"]\nnode_nm = [45, 22]\n\
         [evaluation]\ninference_images = 2\ntraining_images = 1\n",
    );
    let out = tmp.path().join("out");
    let pts = j["report"]["points"].as_array().unwrap();
    assert_eq!(pts.len(), 4);
    let tech: Vec<(String, u64)> = pts
        .iter()
        .map(|p| {
            (
                p["sram_cell"].as_str().unwrap().to_string(),
                p["node_nm"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        tech,
        [
            ("itrs-hp".into(), 45),
            ("itrs-hp".into(), 22),
            ("itrs-lop".into(), 45),
            ("itrs-lop".into(), 22)
        ]
    );
    let e: Vec<f64> = pts
        .iter()
        .map(|p| p["energy_inference_uj"].as_f64().unwrap())
        .collect();
    let a: Vec<f64> = pts
        .iter()
        .map(|p| p["area_mm2"].as_f64().unwrap())
        .collect();
    for i in 0..4 {
        for k in i + 1..4 {
            assert_ne!(e[i], e[k], "points {i} and {k} have the same energy: {e:?}");
        }
    }
    // A smaller node is a smaller chip, whatever the cell type.
    assert!(a[1] < a[0] && a[3] < a[2], "{a:?}");
    // The result file records the technology the point was priced at.
    let r = results(&out);
    assert!(r.values().any(
        |v| v["metrics"]["hardware"]["inference"]["energy"]["technology"] == "22 nm itrs-lop"
    ));
    // ... and the whole modelled chip, as `fspinn sim --json` prints it under `hardware`.
    for v in r.values() {
        let chip = &v["metrics"]["hardware"]["chip"];
        assert!(chip["pes"].as_u64().unwrap() >= 1, "{chip}");
        assert!(chip["weight_sram"]["depth"].as_u64().is_some(), "{chip}");
        assert_eq!(
            chip["technology"]["cell"],
            v["config"]["technology"]["cell"]
        );
        assert_eq!(chip["sha256"].as_str().map(str::len), Some(64), "{chip}");
    }
}

#[test]
fn bad_spaces_are_rejected_by_field() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = [
        ("[network]\nneurons = 10\ntrain_samples = 10\nlabel_samples = 5\ntest_samples = 5\nbogus = 1\n", "bogus"),
        ("[network]\nprecision = [\"w40\"]\ntrain_samples = 10\nlabel_samples = 5\ntest_samples = 5\n", "network.precision"),
        ("[network]\nneurons = { from = 10, to = 5 }\ntrain_samples = 10\nlabel_samples = 5\ntest_samples = 5\n", "network.neurons"),
        ("[network]\ndataset = \"builtin\"\ntrain_samples = 5000\nlabel_samples = 5\ntest_samples = 5\n", "network.train_samples"),
        ("[network]\ntrain_samples = 10\nlabel_samples = 5\ntest_samples = 5\n[hardware]\ndram = \"ddr9\"\n", "hardware.dram"),
        ("[network]\ntrain_samples = 10\nlabel_samples = 5\ntest_samples = 5\n[hardware]\nsram_cell = \"magic\"\n", "hardware.sram_cell"),
        ("[network]\ntrain_samples = 10\nlabel_samples = 5\ntest_samples = 5\n[hardware]\nconfig = \"nope.toml\"\n", "hardware.config"),
        ("[network]\ntrain_samples = 10\nlabel_samples = 5\ntest_samples = 5\n[hardware]\nsram_cell = \"itrs-lstp\"\nnode_nm = 22\n", "hardware.sram_cell"),
        ("[network]\ntrain_samples = 10\nlabel_samples = 5\ntest_samples = 5\n[hardware]\nnode_nm = 28\n", "hardware.node_nm"),
        ("[network]\ntrain_samples = 10\nlabel_samples = 5\ntest_samples = 5\n[constraints]\nmin_accuracy = 2.0\n", "constraints.min_accuracy"),
        ("objectives = [\"speed\"]\n[network]\ntrain_samples = 10\nlabel_samples = 5\ntest_samples = 5\n", "speed"),
        ("[network]\ntrain_samples = 10\nlabel_samples = 5\ntest_samples = 5\n[reward]\naccuracy = -1\n", "reward.accuracy"),
    ];
    for (i, (text, field)) in cases.iter().enumerate() {
        let path = tmp.path().join(format!("bad{i}.toml"));
        std::fs::write(&path, text).unwrap();
        let out = tmp.path().join(format!("out{i}"));
        let o = fspinn(&[
            "explore",
            "--space",
            path.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(!o.status.success(), "case {i} accepted");
        let e = stderr(&o);
        assert!(e.contains(field), "case {i}: `{field}` not in: {e}");
        assert!(
            e.contains(&format!("bad{i}.toml")),
            "case {i}: file not named: {e}"
        );
        assert!(!e.contains("panicked"), "case {i}: {e}");
    }
    let o = fspinn(&["explore", "report", tmp.path().to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("space.toml"), "{}", stderr(&o));
}

#[test]
fn points_are_set_against_their_baseline() {
    let tmp = tempfile::tempdir().unwrap();
    let j = run_space(
        tmp.path(),
        "objectives = [\"accuracy\", \"energy_inference_uj\"]\n\
         [network]\ndataset = \"builtin\"\nvariant = [\"baseline\", \"fspinn\"]\nneurons = 20\n\
         precision = [\"w4\", \"w8\"]\ntrain_samples = 40\nlabel_samples = 20\ntest_samples = 20\n\
         [hardware]\nconfig = \"small\"\n\
         [evaluation]\ninference_images = 2\ntraining_images = 1\n",
    );
    let out = tmp.path().join("out");
    let rep = &j["report"];
    let pts = rep["points"].as_array().unwrap();
    assert_eq!(
        pts.len(),
        3,
        "one baseline (precision does not apply) and two FSpiNN points"
    );
    let base = pts.iter().find(|p| p["variant"] == "baseline").unwrap();
    let versus = rep["versus_baseline"].as_array().unwrap();
    assert_eq!(versus.len(), 2, "{rep}");
    for v in versus {
        assert_eq!(v["baseline_index"], base["index"]);
        let p = pts.iter().find(|p| p["index"] == v["index"]).unwrap();
        assert_eq!(p["variant"], "fspinn");
        assert_eq!(v["dataset"], "builtin");
        let f = |x: &Value| x.as_f64().unwrap();
        let delta = (f(&p["accuracy"]) - f(&base["accuracy"])) * 100.0;
        assert!((f(&v["accuracy_delta_points"]) - delta).abs() < 1e-9, "{v}");
        let mem = f(&base["memory_bytes"]) / f(&p["memory_bytes"]);
        assert!((f(&v["memory_saving"]) - mem).abs() < 1e-9, "{v}");
        let e = f(&base["energy_inference_uj"]) / f(&p["energy_inference_uj"]);
        assert!(
            (f(&v["energy_inference_saving"]) - e).abs() < 1e-9 * e,
            "{v}"
        );
        // FSpiNN's weights are 4 or 8 bits against the baseline's 32: always smaller.
        assert!(f(&v["memory_saving"]) > 3.0, "{v}");
        assert!(f(&v["energy_training_saving"]) > 0.0, "{v}");
    }
    let md = std::fs::read_to_string(out.join("report/report.md")).unwrap();
    assert!(md.contains("## Against the baseline"), "{md}");
}
