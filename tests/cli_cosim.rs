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
    // Same phases in the same order; the model counts one time unit per cycle, the RTL two.
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
    let n = mv.len().min(rv.len());
    assert_eq!(mv[..n], rv[rv.len() - n..], "phase sequences");
    let gaps = |c: &[(u64, String)], per: u64| -> Vec<u64> {
        c.windows(2).map(|p| (p[1].0 - p[0].0) / per).collect()
    };
    let (mg, rg) = (gaps(&model, 1), gaps(&rtl, 2));
    let k = mg.len().min(rg.len()).min(6);
    assert_eq!(
        mg[mg.len() - k..],
        rg[rg.len() - k..],
        "cycles between phase changes"
    );
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
