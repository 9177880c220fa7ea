//! Waveforms that overlay (docs/rtl.md, "Waveforms"): `fspinn cosim` writes the model's and
//! the RTL's waveforms of a small-config and a large-config (weights in DRAM) sample; both
//! pass GTKWave's `vcd2fst` / `fst2vcd` round trip with their signals and values intact; every
//! signal the two files share (same name, width and vector range) has the same value at every
//! timestamp, with no offset; the RTL's trace has no change off a rising edge and no strobe
//! pulse shorter than a clock period (no half-cycle glitches from the testbench's inputs);
//! `--vcd-scope` keeps only matching signals in both files and refuses a pattern matching
//! nothing; `--waves fst` writes FST from both sides.
//!
//! `vcd2fst` comes with GTKWave (`apt-get install -y gtkwave`, in `scripts/setup.sh --tests`):
//! under CI (`CI` set) a missing `vcd2fst` fails the round-trip test; elsewhere it is skipped
//! with a printed reason.

mod common;
use common::{fspinn, stderr, stdout};
use std::collections::{BTreeMap, HashMap};
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Clock period of the shipped configs (200 MHz) in ps.
const P: u64 = 5_000;

fn last_json(o: &std::process::Output) -> serde_json::Value {
    let text = stdout(o);
    let line = text.lines().last().expect("some output");
    serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"))
}

/// One signal of a VCD: width, declared range, and its value changes (time, bits MSB first,
/// left-extended to the width).
#[derive(Debug, Clone, Default)]
struct Signal {
    width: u32,
    range: Option<String>,
    changes: Vec<(u64, String)>,
}

impl Signal {
    /// The value at time `t` (the last change at or before it).
    fn at(&self, t: u64) -> Option<&str> {
        let k = self.changes.partition_point(|c| c.0 <= t);
        (k > 0).then(|| self.changes[k - 1].1.as_str())
    }
}

/// A parsed VCD: signals by full hierarchical name (`TOP.fspinn_top.busy`), every timestamp.
#[derive(Debug, Default)]
struct Trace {
    signals: BTreeMap<String, Signal>,
    times: Vec<u64>,
    timescale: Option<(u32, vcd::TimescaleUnit)>,
}

fn extend(bits: String, width: u32) -> String {
    let w = width as usize;
    if bits.len() >= w {
        return bits[bits.len() - w..].to_string();
    }
    // VCD left-extends a vector with 0, or with its first bit when that is x or z.
    let pad = bits
        .chars()
        .next()
        .filter(|c| matches!(c, 'x' | 'z'))
        .unwrap_or('0');
    let mut s: String = std::iter::repeat_n(pad, w - bits.len()).collect();
    s.push_str(&bits);
    s
}

fn parse(path: &Path) -> Trace {
    let f = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut p = vcd::Parser::new(BufReader::new(f));
    let h = p
        .parse_header()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut t = Trace {
        timescale: h.timescale,
        ..Trace::default()
    };
    // Several names may share one id code (Verilator aliases equal signals).
    let mut by_id: HashMap<vcd::IdCode, Vec<String>> = HashMap::new();
    fn walk(
        items: &[vcd::ScopeItem],
        scope: &mut Vec<String>,
        t: &mut Trace,
        by_id: &mut HashMap<vcd::IdCode, Vec<String>>,
    ) {
        for it in items {
            match it {
                vcd::ScopeItem::Scope(s) => {
                    scope.push(s.identifier.clone());
                    walk(&s.items, scope, t, by_id);
                    scope.pop();
                }
                vcd::ScopeItem::Var(v) => {
                    // fst2vcd writes the range into the reference (`raddr [14:0]`).
                    let mut parts = v.reference.splitn(2, ' ');
                    let name = parts.next().unwrap_or_default();
                    let range = v
                        .index
                        .map(|i| i.to_string())
                        .or_else(|| parts.next().map(|r| r.trim().to_string()));
                    let full = format!("{}.{}", scope.join("."), name);
                    by_id.entry(v.code).or_default().push(full.clone());
                    t.signals.insert(
                        full,
                        Signal {
                            width: v.size,
                            range,
                            changes: Vec::new(),
                        },
                    );
                }
                _ => {}
            }
        }
    }
    walk(&h.items, &mut Vec::new(), &mut t, &mut by_id);
    let mut now = 0u64;
    for cmd in p {
        let cmd = cmd.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let (id, bits) = match cmd {
            vcd::Command::Timestamp(ts) => {
                now = ts;
                if t.times.last() != Some(&ts) {
                    t.times.push(ts);
                }
                continue;
            }
            vcd::Command::ChangeScalar(id, v) => (id, v.to_string()),
            vcd::Command::ChangeVector(id, v) => (id, v.iter().map(|b| b.to_string()).collect()),
            _ => continue,
        };
        for name in by_id.get(&id).into_iter().flatten() {
            let s = t.signals.get_mut(name).unwrap();
            let v = extend(bits.clone(), s.width);
            // Verilator may write a value again at a timestamp; keep the last one.
            match s.changes.last_mut() {
                Some(last) if last.0 == now => last.1 = v,
                _ => s.changes.push((now, v)),
            }
        }
    }
    t
}

/// Runs `fspinn cosim` with `extra` arguments into a new folder; returns it and the JSON.
fn cosim(dir: &Path, name: &str, extra: &[&str]) -> (PathBuf, serde_json::Value) {
    let out = dir.join(name);
    let mut args = vec![
        "cosim",
        "--samples",
        "1",
        "--json",
        "--vcd",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = fspinn(&args);
    assert!(o.status.success(), "cosim {extra:?}: {}", stderr(&o));
    let j = last_json(&o);
    assert_eq!(j["mismatches"], 0, "{j}");
    (out, j)
}

/// Every signal the two files share agrees at every timestamp of the model's window, and the
/// shared signals include `must`. Returns how many were compared.
fn assert_overlay(model: &Trace, rtl: &Trace, must: &[&str]) -> usize {
    assert_eq!(model.timescale, Some((1, vcd::TimescaleUnit::PS)));
    assert_eq!(rtl.timescale, Some((1, vcd::TimescaleUnit::PS)));
    for m in must {
        assert!(model.signals.contains_key(*m), "model lacks {m}");
        assert!(rtl.signals.contains_key(*m), "RTL lacks {m}");
    }
    let (first, last) = (model.times[0], *model.times.last().unwrap());
    assert_eq!(first % P, P / 2, "the model writes at rising edges");
    // Every timestamp either file has inside the model's window.
    let mut times: Vec<u64> = model
        .times
        .iter()
        .chain(&rtl.times)
        .copied()
        .filter(|t| (first..=last).contains(t))
        .collect();
    times.sort_unstable();
    times.dedup();
    let mut compared = 0;
    let mut differ = Vec::new();
    for (name, ms) in &model.signals {
        let Some(rs) = rtl.signals.get(name) else {
            continue;
        };
        assert_eq!(
            (ms.width, &ms.range),
            (rs.width, &rs.range),
            "{name}: width and range"
        );
        // The first timestamp where the two differ, per signal; the model writes `x` where
        // the RTL's value is undefined (`spike_neuron` without `spike_valid`).
        let undefined = |v: Option<&str>| v.is_some_and(|v| v.contains('x'));
        let differ_at = |t: u64| !undefined(ms.at(t)) && ms.at(t) != rs.at(t);
        if let Some(&t) = times.iter().find(|&&t| differ_at(t)) {
            differ.push(format!(
                "{name} at {t} ps (cycle {}): model {:?}, RTL {:?}",
                t / P,
                ms.at(t),
                rs.at(t)
            ));
        }
        compared += 1;
    }
    assert!(
        differ.is_empty(),
        "{} of {compared} shared signals differ:\n{}",
        differ.len(),
        differ.join("\n")
    );
    compared
}

/// The RTL's trace changes only at rising edges (besides the clock), and no `re` / `we` strobe
/// or DRAM handshake is high for less than a clock period.
fn assert_no_glitches(rtl: &Trace) -> usize {
    let start = rtl.times[0];
    let mut strobes = 0;
    for (name, s) in &rtl.signals {
        let leaf = name.rsplit('.').next().unwrap();
        if leaf == "clk" {
            continue;
        }
        for (t, _) in s.changes.iter().filter(|c| c.0 > start) {
            assert_eq!(
                t % P,
                P / 2,
                "{name} changes at {t} ps, off the rising edge"
            );
        }
        if ["re", "we", "dram_req_valid", "dram_resp_valid"].contains(&leaf) {
            strobes += 1;
            for w in s.changes.windows(2) {
                if w[0].1 == "1" && w[0].0 > start {
                    assert!(
                        w[1].0 - w[0].0 >= P,
                        "{name} high for {} ps at {} ps: shorter than a clock period",
                        w[1].0 - w[0].0,
                        w[0].0
                    );
                }
            }
        }
    }
    strobes
}

/// `vcd2fst` then `fst2vcd`: both succeed, and the signals and their values survive.
fn assert_round_trip(vcd: &Path, orig: &Trace) {
    let fst = vcd.with_extension("rt.fst");
    let back = vcd.with_extension("rt.vcd");
    let o = Command::new("vcd2fst")
        .arg(vcd)
        .arg(&fst)
        .output()
        .expect("vcd2fst runs");
    assert!(
        o.status.success(),
        "vcd2fst {}: {}",
        vcd.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    let o = Command::new("fst2vcd")
        .arg("-f")
        .arg(&fst)
        .arg("-o")
        .arg(&back)
        .output()
        .expect("fst2vcd runs");
    assert!(
        o.status.success(),
        "fst2vcd {}: {}",
        fst.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    let rt = parse(&back);
    let names = |t: &Trace| t.signals.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(orig), names(&rt), "{}: signal names", vcd.display());
    for (name, s) in &orig.signals {
        let r = &rt.signals[name];
        assert_eq!(s.width, r.width, "{name}: width after the round trip");
        for &(t, ref v) in &s.changes {
            assert_eq!(
                r.at(t),
                Some(v.as_str()),
                "{name} at {t} after the round trip"
            );
        }
    }
}

/// Whether GTKWave's converters are here; under CI their absence is a failure.
fn have_gtkwave() -> bool {
    let ok = Command::new("vcd2fst").arg("--help").output().is_ok();
    if !ok {
        if std::env::var_os("CI").is_some() {
            panic!("vcd2fst (GTKWave) is missing under CI: scripts/setup.sh --tests installs it");
        }
        eprintln!(
            "skipping the vcd2fst round trip: vcd2fst (apt-get install -y gtkwave) not found"
        );
    }
    ok
}

#[test]
fn small_waveforms_overlay_and_survive_the_fst_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let gtkwave = have_gtkwave();
    // Small: weights on chip, 600 cycles of seed, threshold, reset, generate, integrate.
    let (small, j) = cosim(dir.path(), "small", &["--vcd-cycles", "600"]);
    assert_eq!(j["waves_format"], "vcd");
    let (m, r) = (
        parse(&small.join("model.vcd")),
        parse(&small.join("rtl.vcd")),
    );
    let n = assert_overlay(
        &m,
        &r,
        &[
            "TOP.fspinn_top.obs_phase",
            "TOP.fspinn_top.spike_mask",
            "TOP.fspinn_top.g_wbank[1].u_mem.raddr",
            "TOP.fspinn_top.g_nbank[15].u_mem.we",
        ],
    );
    assert_eq!(n, 7 + 5 * (2 + 16), "signals compared");
    assert!(assert_no_glitches(&r) >= 2 * (2 + 16));
    if gtkwave {
        assert_round_trip(&small.join("model.vcd"), &m);
        assert_round_trip(&small.join("rtl.vcd"), &r);
    }
}

#[test]
fn large_waveforms_with_the_dram_port_overlay_and_survive_the_fst_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let gtkwave = have_gtkwave();
    // Large: weights in DRAM; a window from the integrate phase that has DRAM traffic.
    let (large, _) = cosim(
        dir.path(),
        "large",
        &[
            "--config",
            "large",
            "--vcd-from",
            "1000",
            "--vcd-cycles",
            "3000",
        ],
    );
    let (lm, lr) = (
        parse(&large.join("model.vcd")),
        parse(&large.join("rtl.vcd")),
    );
    let dram = [
        "TOP.fspinn_top.dram_req_valid",
        "TOP.fspinn_top.dram_req_ready",
        "TOP.fspinn_top.dram_req_write",
        "TOP.fspinn_top.dram_req_addr",
        "TOP.fspinn_top.dram_req_bytes",
        "TOP.fspinn_top.dram_req_wdata",
        "TOP.fspinn_top.dram_resp_valid",
        "TOP.fspinn_top.dram_resp_rdata",
    ];
    let n = assert_overlay(&lm, &lr, &dram);
    assert!(n >= 7 + dram.len() + 5 * 64, "{n} signals compared");
    let requests = lm.signals["TOP.fspinn_top.dram_req_valid"]
        .changes
        .iter()
        .filter(|c| c.1 == "1")
        .count();
    assert!(requests > 10, "DRAM requests in the window: {requests}");
    assert!(assert_no_glitches(&lr) >= 2 + 2 * 64);
    if gtkwave {
        assert_round_trip(&large.join("model.vcd"), &lm);
        assert_round_trip(&large.join("rtl.vcd"), &lr);
    }
}

#[test]
fn vcd_scope_keeps_matching_signals_in_both_files() {
    let dir = tempfile::tempdir().unwrap();
    let (out, j) = cosim(
        dir.path(),
        "scoped",
        &[
            "--vcd-cycles",
            "300",
            "--vcd-scope",
            "TOP.fspinn_top.g_wbank[1]*",
        ],
    );
    let (m, r) = (parse(&out.join("model.vcd")), parse(&out.join("rtl.vcd")));
    for t in [&m, &r] {
        assert!(!t.signals.is_empty());
        for name in t.signals.keys() {
            assert!(
                name.starts_with("TOP.fspinn_top.g_wbank[1]"),
                "{name} outside the scope"
            );
        }
        assert!(t.signals.contains_key("TOP.fspinn_top.g_wbank[1].u_mem.we"));
    }
    assert_eq!(j["vcd_signals_model"], m.signals.len());
    assert_eq!(j["vcd_signals_rtl"], r.signals.len());
    assert_overlay(&m, &r, &["TOP.fspinn_top.g_wbank[1].u_mem.raddr"]);
    // A glob over names, brackets literal.
    let (out, _) = cosim(
        dir.path(),
        "strobes",
        &["--vcd-cycles", "100", "--vcd-scope", "*u_mem.?e"],
    );
    let r = parse(&out.join("rtl.vcd"));
    assert_eq!(r.signals.len(), 2 * (2 + 16), "re and we of every bank");
    // Nothing matches: a clear error naming the pattern, no waveforms.
    let o = fspinn(&[
        "cosim",
        "--samples",
        "1",
        "--vcd",
        dir.path().join("none").to_str().unwrap(),
        "--vcd-scope",
        "*no_such_signal*",
    ]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("--vcd-scope \"*no_such_signal*\" matches no signal"),
        "{e}"
    );
}

#[test]
fn waves_fst_writes_fst_from_both_sides() {
    let dir = tempfile::tempdir().unwrap();
    let (out, j) = cosim(
        dir.path(),
        "fst",
        &["--vcd-cycles", "400", "--waves", "fst"],
    );
    assert_eq!(j["waves_format"], "fst");
    let mut phases = Vec::new();
    for side in ["model", "rtl"] {
        let path = out.join(format!("{side}.fst"));
        let mut w =
            wellen::simple::read(&path).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        let h = w.hierarchy();
        let var = h
            .lookup_var(&["TOP", "fspinn_top"], "obs_phase")
            .unwrap_or_else(|| panic!("obs_phase in {}", path.display()));
        let sref = h[var].signal_ref();
        let times = w.time_table().to_vec();
        w.load_signals(&[sref]);
        let changes: Vec<(u64, String)> = w
            .get_signal(sref)
            .unwrap()
            .iter_changes()
            .map(|(t, v)| (times[t as usize], v.to_bit_string().unwrap_or_default()))
            .collect();
        phases.push(changes);
    }
    // The model's phase changes are the RTL's, at the same times, from the first rising edge
    // on (before it, at time 0, the model's FST holds x and the RTL's the idle phase).
    let from_edge = |c: &[(u64, String)]| -> Vec<(u64, String)> {
        c.iter().filter(|x| x.0 >= P / 2).cloned().collect()
    };
    let (m, r) = (from_edge(&phases[0]), from_edge(&phases[1]));
    assert!(m.len() >= 4, "{m:?}");
    assert_eq!(m[0], (P / 2, "00001".to_string()), "seed at cycle 0");
    assert_eq!(m, r, "obs_phase in the two FST files");
}
