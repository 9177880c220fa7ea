//! `fspinn cosim` end to end: zero mismatches on built-in images, both VCDs read back with an
//! independent parser (wellen) under the same signal names with the same phase sequence, and
//! a deliberately injected fault caught, reported and traced with a non-zero exit status.

mod common;
use common::{fspinn, stderr, stdout};
use std::path::Path;

fn last_json(o: &std::process::Output) -> serde_json::Value {
    let text = stdout(o);
    let line = text.lines().last().expect("some output");
    serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"))
}

/// The value changes of `TOP.fspinn_top.obs_phase`: (time, value) in time order.
fn phase_changes(path: &Path) -> Vec<(u64, String)> {
    let mut w = wellen::simple::read(path).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
    let h = w.hierarchy();
    for name in ["obs_phase", "busy"] {
        assert!(
            h.lookup_var(&["TOP", "fspinn_top"], name).is_some(),
            "{name} in {}",
            path.display()
        );
    }
    for sig in ["re", "raddr", "we", "waddr", "wdata"] {
        assert!(
            h.lookup_var(&["TOP", "fspinn_top", "g_wbank[1]", "u_mem"], sig)
                .is_some(),
            "g_wbank[1].u_mem.{sig} in {}",
            path.display()
        );
    }
    let var = h.lookup_var(&["TOP", "fspinn_top"], "obs_phase").unwrap();
    let sref = h[var].signal_ref();
    let times = w.time_table().to_vec();
    assert!(times.windows(2).all(|p| p[0] < p[1]), "time goes forward");
    w.load_signals(&[sref]);
    let sig = w.get_signal(sref).unwrap();
    sig.iter_changes()
        .map(|(t, v)| (times[t as usize], v.to_bit_string().unwrap_or_default()))
        .collect()
}

#[test]
fn default_cosim_matches_and_both_vcds_agree() {
    let dir = tempfile::tempdir().unwrap();
    let vcd = dir.path().join("v");
    let o = fspinn(&[
        "cosim",
        "--samples",
        "2",
        "--vcd",
        vcd.to_str().unwrap(),
        "--vcd-cycles",
        "600",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j = last_json(&o);
    assert_eq!(j["mismatches"], 0);
    assert_eq!(j["cycles_model"], j["cycles_rtl"]);
    assert_eq!(j["accesses_model"], j["accesses_rtl"]);
    assert!(j["spikes_compared"].as_u64().unwrap() > 0);
    assert!(j["energy"]["energy_per_sample_uj"].as_f64().unwrap() > 0.0);
    // The modelled chip is recorded: the small config, weights on chip.
    let h = &j["hardware"];
    assert_eq!(h["source"], "builtin:small");
    assert_eq!(h["pes"], 16);
    assert_eq!(h["weight_sram"]["depth"], 19_600);
    assert_eq!(h["weights_on_chip"], true);
    assert_eq!(h["sha256"].as_str().unwrap().len(), 64);
    let model = phase_changes(&vcd.join("model.vcd"));
    let rtl = phase_changes(&vcd.join("rtl.vcd"));
    // One time axis: cycle k of the sample at k x 5,000 + 2,500 ps in both files (200 MHz,
    // legal `$timescale 1 ps`): the rising edge at which the RTL's registers take the values
    // the model records for cycle k. At every timestamp the model writes, the RTL shows the
    // same value (no offset).
    let values = |c: &[(u64, String)]| -> Vec<String> {
        let mut v: Vec<String> = c.iter().map(|x| x.1.clone()).collect();
        v.dedup();
        v
    };
    let (mv, rv) = (values(&model), values(&rtl));
    assert!(
        mv.len() >= 5,
        "seed, threshold, reset, generate, integrate: {mv:?}"
    );
    // The RTL's trace starts idle, half a cycle before the sample's first edge.
    assert_eq!(rv[0], "00000");
    assert_eq!(mv[..], rv[1..], "phase sequences over the same 600 cycles");
    assert_eq!(model[0].0, 2_500, "the model's cycle 0: its rising edge");
    assert_eq!(
        rtl[0].0, 0,
        "the RTL's trace starts at the low half of cycle 0"
    );
    let rtl_at = |t: u64| -> &str {
        let k = rtl.partition_point(|x| x.0 <= t);
        rtl[k - 1].1.as_str()
    };
    for (t, v) in &model {
        assert_eq!(t % 5_000, 2_500, "the model writes at rising edges");
        let want = format!("{:0>5}", v.trim_start_matches('0'));
        let got = format!("{:0>5}", rtl_at(*t).trim_start_matches('0'));
        assert_eq!(got, want, "obs_phase at {t} ps");
    }
    assert_eq!(timescale_ps(&vcd.join("model.vcd")), 1);
    assert_eq!(timescale_ps(&vcd.join("rtl.vcd")), 1);
}

/// The `$timescale` of a VCD in ps (a legal one: 1, 10 or 100 of a unit).
fn timescale_ps(path: &Path) -> u64 {
    let f = std::fs::File::open(path).unwrap();
    let mut p = vcd::Parser::new(std::io::BufReader::new(f));
    let h = p.parse_header().unwrap();
    let (n, unit) = h.timescale.expect("a timescale");
    assert!([1, 10, 100].contains(&n), "{n} {unit:?}");
    assert_eq!(unit, vcd::TimescaleUnit::PS);
    n as u64
}

#[test]
fn an_injected_fault_is_reported_with_a_vcd_and_a_failing_status() {
    let dir = tempfile::tempdir().unwrap();
    let vcd = dir.path().join("v");
    let o = fspinn(&[
        "cosim",
        "--samples",
        "1",
        "--vcd",
        vcd.to_str().unwrap(),
        "--vcd-cycles",
        "10",
        "--inject-weight-fault",
    ]);
    assert!(!o.status.success(), "a fault must fail the run");
    let out = stdout(&o);
    assert!(out.contains("MISMATCH"), "{out}");
    assert!(stderr(&o).contains("mismatch"), "{}", stderr(&o));
    assert!(vcd.join("mismatch-sample0-model.vcd").exists());
    assert!(vcd.join("mismatch-sample0-rtl.vcd").exists());
    phase_changes(&vcd.join("mismatch-sample0-rtl.vcd"));
}
