//! `fspinn sim` and `fspinn energy` from the command line: the JSON the issue asks for, the L1
//! check, the VCD read back with an independent parser, the DRAM trace, clear errors.

mod common;
use common::{fspinn, stderr, stdout};

fn last_json(o: &std::process::Output) -> serde_json::Value {
    let text = stdout(o);
    let line = text.lines().last().expect("some output");
    serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"))
}

#[test]
fn sim_verifies_against_l1_and_reports_counters_and_energy() {
    let o = fspinn(&[
        "sim",
        "--config",
        "small",
        "--builtin",
        "--samples",
        "2",
        "--verify",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j = last_json(&o);
    assert_eq!(j["l1_mismatches"], 0);
    assert!(j["spikes_compared"].as_u64().unwrap() > 100);
    assert_eq!(j["samples"], 2);
    assert_eq!(j["weights_on_chip"], true);
    assert!(j["cycles"].as_u64().unwrap() > 10_000);
    let banks = j["accesses"].as_object().unwrap();
    assert!(banks["wsram0"]["reads"].as_u64().unwrap() > 0);
    assert!(banks["nsram15"]["writes"].as_u64().unwrap() > 0);
    assert_eq!(j["dram"]["reads"], 0, "8-bit weights fit on chip");
    let e = j["energy_per_sample_uj"].as_f64().unwrap();
    assert!(e > 0.0 && e.is_finite());
    let pj = j["pj_per_sop"].as_f64().unwrap();
    assert!((1.0..30.0).contains(&pj), "pJ/SOP {pj}");
    // Band, area and one component per bank with the fields.
    let band = j["energy_band_uj"].as_array().unwrap();
    let (lo, hi) = (band[0].as_f64().unwrap(), band[1].as_f64().unwrap());
    assert!(lo < e && e < hi, "{lo} < {e} < {hi}");
    assert!(j["area_mm2"].as_f64().unwrap() > 0.0);
    let comps = j["components"].as_array().unwrap();
    assert!(comps
        .iter()
        .any(|c| c["name"] == "pe_array" && c["kind"] == "logic"));
    assert!(comps.iter().any(|c| c["kind"] == "clock"));
    for bank in ["wsram0", "wsram1", "nsram0", "nsram15"] {
        let c = comps
            .iter()
            .find(|c| c["name"] == bank)
            .unwrap_or_else(|| panic!("{bank} listed"));
        assert_eq!(c["kind"], "sram");
        for field in [
            "capacity_bytes",
            "word_bits",
            "per_read_pj",
            "per_write_pj",
            "leakage_mw",
            "area_mm2",
            "dynamic_uj",
            "leakage_uj",
        ] {
            assert!(c[field].as_f64().is_some_and(|x| x > 0.0), "{bank}.{field}");
        }
    }
    assert_eq!(j["technology"]["cell"], "itrs-lop");
    assert!(!stdout(&o).contains("-0.0"));
}

#[test]
fn every_report_records_the_hardware_it_modelled() {
    let o = fspinn(&[
        "sim",
        "--config",
        "small",
        "--builtin",
        "--samples",
        "1",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let small = last_json(&o);
    let h = &small["hardware"];
    assert_eq!(h["name"], "small");
    assert_eq!(h["source"], "builtin:small");
    assert_eq!(h["pes"], 16);
    assert_eq!(h["lanes"], 16);
    assert_eq!(h["clock_mhz"], 200.0);
    assert_eq!(h["weights_on_chip"], true);
    assert_eq!(h["weight_sram"]["depth"], 19_600);
    assert_eq!(h["weight_sram"]["banks"], 2);
    assert_eq!(h["weight_sram"]["word_bits"], 64);
    assert_eq!(h["neuron_sram"]["word_bits"], 48);
    assert_eq!(h["dram"]["kind"], "lpddr4");
    assert_eq!(h["weights"]["bytes"], 784 * 400);

    // A copy of small.toml with a 100-word weight SRAM keeps the name `small`; the report says
    // which file it was, that its hash differs, and that the weights spilled to DRAM and why.
    let dir = tempfile::tempdir().unwrap();
    let shallow = dir.path().join("shallow.toml");
    std::fs::write(
        &shallow,
        include_str!("../sim/configs/small.toml").replace("depth = 19600", "depth = 100"),
    )
    .unwrap();
    let path = shallow.to_str().unwrap();
    let o = fspinn(&[
        "sim",
        "--config",
        path,
        "--builtin",
        "--samples",
        "1",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j = last_json(&o);
    let h = &j["hardware"];
    assert_eq!(h["name"], "small");
    assert!(
        h["source"].as_str().unwrap().ends_with("shallow.toml"),
        "{h}"
    );
    assert_ne!(h["sha256"], small["hardware"]["sha256"]);
    assert_eq!(h["weight_sram"]["depth"], 100);
    assert_eq!(h["weights_on_chip"], false);
    assert!(j["dram"]["read_bytes"].as_u64().unwrap() > 0);
    let text = stderr(&o);
    assert!(
        text.contains(
            "weights: 313,600 B > weight SRAM 1,600 B (depth 100 x 2 banks x 64 bit): \
             streamed from DRAM"
        ),
        "{text}"
    );
    // energy --json carries the same object.
    let o = fspinn(&[
        "energy",
        "--config",
        path,
        "--builtin",
        "--samples",
        "1",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(last_json(&o)["hardware"], *h);
}

#[test]
fn baseline_mode_streams_its_32_bit_weights_from_dram_and_costs_more() {
    let run = |variant: &str| {
        let o = fspinn(&[
            "sim",
            "--builtin",
            "--samples",
            "1",
            "--variant",
            variant,
            "--json",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        last_json(&o)
    };
    let (f, b) = (run("fspinn"), run("baseline"));
    assert_eq!(b["weights_on_chip"], false);
    assert_eq!(b["weight_storage_bits"], 32);
    assert!(b["dram"]["read_bytes"].as_u64().unwrap() > 0);
    assert!(
        b["energy_per_sample_uj"].as_f64().unwrap() > f["energy_per_sample_uj"].as_f64().unwrap()
    );
    assert!(
        b["accesses"]["isram0"]["writes"].as_u64().unwrap() > 0,
        "inhibitory layer updated"
    );
}

#[test]
fn vcd_and_dram_trace_are_written_and_readable() {
    let dir = tempfile::tempdir().unwrap();
    let vcd = dir.path().join("run.vcd");
    let trace = dir.path().join("run.trace");
    let o = fspinn(&[
        "sim",
        "--config",
        "small",
        "--variant",
        "baseline",
        "--builtin",
        "--samples",
        "1",
        "--vcd",
        vcd.to_str().unwrap(),
        "--vcd-cycles",
        "5000",
        "--dram-trace",
        trace.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Read the VCD back with the `vcd` crate's parser.
    let mut parser = vcd::Parser::new(std::io::BufReader::new(std::fs::File::open(&vcd).unwrap()));
    let header = parser.parse_header().unwrap();
    let phase = header
        .find_var(&["TOP", "fspinn_top", "obs_phase"])
        .expect("ctrl.phase");
    assert!(header
        .find_var(&["TOP", "fspinn_top", "g_nbank[0]", "u_mem", "we"])
        .is_some());
    let mut last = None;
    let mut phase_changes = 0;
    for cmd in parser {
        match cmd.unwrap() {
            vcd::Command::Timestamp(t) => {
                assert!(last.is_none_or(|l| t > l), "time goes forward");
                last = Some(t);
            }
            vcd::Command::ChangeVector(id, _) if id == phase.code => phase_changes += 1,
            _ => {}
        }
    }
    assert!(last.unwrap() >= 4999);
    assert!(phase_changes >= 3, "seed, threshold, reset, generate...");
    // DRAMPower 5's command list: ts,CMD,rank,bankgroup,bank,row,column[,data], then END.
    let text = std::fs::read_to_string(&trace).unwrap();
    let first = text.lines().next().expect("DRAM commands");
    let fields: Vec<&str> = first.split(',').collect();
    assert_eq!(fields.len(), 7, "{first}");
    assert_eq!(fields[1], "ACT");
    let last = text.lines().last().unwrap();
    assert_eq!(last.split(',').nth(1), Some("END"), "{last}");
    let rd = text.lines().find(|l| l.contains(",RD,")).expect("a read");
    assert_eq!(rd.split(',').count(), 8, "{rd}");
    let ts: Vec<u64> = text
        .lines()
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert!(ts.windows(2).all(|w| w[0] < w[1]), "timestamps increase");
    // Timestamps are LPDDR4-3200 clock cycles: 8 per 5 ns accelerator cycle.
    assert!(ts.iter().all(|t| t % 8 == 0));
    let spec: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("run.trace.memspec.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(spec["memspec"]["memoryType"], "LPDDR4");
}

#[test]
fn dram_trace_of_a_run_without_dram_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("t.csv");
    let o = fspinn(&[
        "sim",
        "--config",
        "small",
        "--builtin",
        "--samples",
        "1",
        "--dram-trace",
        trace.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("--dram-trace") && e.contains("on chip"), "{e}");
    assert!(!trace.exists(), "no empty trace file");
}

#[test]
fn energy_prints_a_table() {
    let o = fspinn(&["energy", "--builtin", "--samples", "1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t = stdout(&o);
    for word in [
        "pe_array",
        "wsram0",
        "TOTAL",
        "low..high",
        "area",
        "itrs-lop",
    ] {
        assert!(t.contains(word), "{word} missing:\n{t}");
    }
}

#[test]
fn bad_sim_inputs_give_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        include_str!("../sim/configs/small.toml").replace("pes = 16", "pes = 0"),
    )
    .unwrap();
    let o = fspinn(&["sim", "--config", bad.to_str().unwrap(), "--builtin"]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("bad.toml") && e.contains("pe_array.pes"), "{e}");
    assert!(!e.contains("panicked"), "{e}");
    let o = fspinn(&["sim", "--config", "nosuch", "--builtin"]);
    assert!(stderr(&o).contains("`nosuch` not found"));
    let o = fspinn(&["sim", "--builtin", "--precision", "fp32"]);
    assert!(stderr(&o).contains("integers"), "{}", stderr(&o));
    let o = fspinn(&["sim", "--builtin", "--neurons", "1000"]);
    assert!(stderr(&o).contains("1000 neurons"), "{}", stderr(&o));
}

#[test]
fn misspelt_energy_table_entry_is_refused_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("mine.toml");
    std::fs::write(&table, "[logic.add_16]\npj = 0.1\nsource = \"my run\"\n").unwrap();
    let o = fspinn(&[
        "energy",
        "--builtin",
        "--samples",
        "1",
        "--energy-table",
        table.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("logic.add_16") && e.contains("mine.toml"), "{e}");
}

/// `small` with a DDR3 channel instead of LPDDR4 (same geometry).
fn ddr3_config(dir: &std::path::Path) -> std::path::PathBuf {
    let small = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sim/configs/small.toml"),
    )
    .unwrap();
    assert!(small.contains("kind = \"lpddr4\""));
    let path = dir.join("small-ddr3.toml");
    std::fs::write(&path, small.replace("kind = \"lpddr4\"", "kind = \"ddr3\"")).unwrap();
    path
}

#[test]
fn drampower4_trace_and_memspec_xml_for_ddr3() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = ddr3_config(dir.path());
    let trace = dir.path().join("run.trace");
    let o = fspinn(&[
        "sim",
        "--config",
        cfg.to_str().unwrap(),
        "--variant",
        "baseline",
        "--builtin",
        "--samples",
        "1",
        "--dram-trace",
        trace.to_str().unwrap(),
        "--dram-trace-format",
        "drampower4",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&trace).unwrap();
    let mut ts = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 3, "clk,CMD,bank: {line}");
        assert!(
            ["ACT", "RD", "WR", "PRE", "PREA", "REF", "END"].contains(&f[1]),
            "{line}"
        );
        let bank: u32 = f[2].parse().unwrap();
        assert!(bank < 8, "{line}");
        ts.push(f[0].parse::<u64>().unwrap());
    }
    assert!(text.lines().any(|l| l.contains(",RD,")));
    assert_eq!(text.lines().next().unwrap().split(',').nth(1), Some("ACT"));
    assert!(text.ends_with(",END,0\n"), "final END");
    assert!(ts.windows(2).all(|w| w[0] < w[1]), "timestamps increase");
    // DDR3-1600 clock (1.25 ns) vs the 5 ns accelerator cycle: 4 DRAM cycles per cycle.
    assert!(ts.iter().all(|t| t % 4 == 0));
    let xml = std::fs::read_to_string(dir.path().join("run.trace.memspec.xml")).unwrap();
    assert!(
        xml.contains("id=\"memoryType\" type=\"string\" value=\"DDR3\""),
        "{xml}"
    );
    assert!(
        xml.contains("id=\"clkMhz\" type=\"double\" value=\"800\""),
        "{xml}"
    );
    assert!(!dir.path().join("run.trace.memspec.json").exists());
}

#[test]
fn drampower4_trace_of_lpddr4_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("run.trace");
    let o = fspinn(&[
        "sim",
        "--config",
        "small",
        "--variant",
        "baseline",
        "--builtin",
        "--samples",
        "1",
        "--dram-trace",
        trace.to_str().unwrap(),
        "--dram-trace-format",
        "drampower4",
    ]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("DRAMPower 4.x has no model of lpddr4"), "{e}");
    assert!(e.contains("drampower5"), "{e}");
    assert!(!trace.exists(), "no trace file");
}

/// A network trained on too few images to recruit most of its neurons retires them
/// (`retire_unrecruited`, the default) and chooses its readout inhibition
/// (`calibrate_readout_inhibition`, the default; seed 1 moves it off the value training ended
/// on): training reports both, and the cycle model (against L1) and the RTL (against the cycle
/// model) run the network these host steps left unchanged.
#[test]
fn a_retired_and_calibrated_network_runs_unchanged_on_the_cycle_model_and_the_rtl() {
    let Some(root) = common::data_root() else {
        eprintln!("note: FSPINN_DATA is not set; skipping the retired-network run");
        return;
    };
    let root = root.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ckpt = dir.path().join("retired.ckpt");
    let ckpt = ckpt.to_str().unwrap();
    let o = fspinn(&[
        "train",
        "--variant",
        "fspinn",
        "--precision",
        "w4",
        "--neurons",
        "32",
        "--train-samples",
        "60",
        "--label-samples",
        "30",
        "--test-samples",
        "20",
        "--seed",
        "1",
        "--data-dir",
        root,
        "--out",
        ckpt,
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let trained = last_json(&o);
    let retired = trained["retired_neurons"].as_u64().unwrap();
    assert!((1..32).contains(&retired), "{retired} of 32 retired");
    let readout = &trained["readout_inhibition"];
    let chosen = readout["chosen_mv"].as_f64().unwrap();
    assert_ne!(chosen, readout["held_mv"].as_f64().unwrap(), "{readout}");
    let tried = readout["candidates"].as_array().unwrap();
    assert!(
        tried.iter().any(|c| c["inhibition_mv"] == chosen),
        "{readout}"
    );
    let common = [
        "--model",
        ckpt,
        "--data-dir",
        root,
        "--samples",
        "2",
        "--json",
    ];
    let o = fspinn(&[&["sim", "--verify"][..], &common].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let j = last_json(&o);
    assert_eq!(j["l1_mismatches"], 0);
    assert!(j["spikes_compared"].as_u64().unwrap() > 0);
    let o = fspinn(&[&["cosim", "--vcd-cycles", "0"][..], &common].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let j = last_json(&o);
    assert_eq!(j["first_mismatches"].as_array().unwrap().len(), 0);
    assert!(j["first_failure"].is_null());
    assert_eq!(j["cycles_rtl"], j["cycles_model"]);
}
