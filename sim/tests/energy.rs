//! Integration tests of the energy and area model's public API, with hand-computed or
//! independently read expectations (the CACTI figures are read from the CSV text here, not
//! through the model's look-up).

use std::collections::BTreeMap;

use fspinn_model::fspinn::{FspinnNetwork, FspinnParams};
use fspinn_model::rng::Rng;
use fspinn_sim::energy::{
    CactiTable, ComponentKind, ComponentUsage, EnergyError, EnergyTable, Technology, Usage,
};
use fspinn_sim::{Accelerator, HwConfig};

const CSV: &str = include_str!("../energy/cacti/sram-cacti7.csv");

/// A table with round numbers so totals can be computed by hand.
const TEST_TABLE: &str = r#"
[logic.add16]
pj = 0.5
source = "test"

[logic.fsm_cycle]
pj = 0.25
source = "test"

[logic_block.pe_array]
gates = 100
per = "pe"
source = "test"

[logic_block.controller]
gates = 1000
per = "chip"
source = "test"

[gate]
leakage_nw = 10.0
area_um2 = 1.0
source = "test"

[clock]
value = 0.5
low = 0.25
high = 1.0
source = "test"

[band.logic]
low = 0.5
high = 2.0
source = "test"

[band.logic_leakage]
low = 1.0
high = 1.0
source = "test"
"#;

fn component(name: &str, kind: ComponentKind, actions: &[(&str, u64)]) -> ComponentUsage {
    ComponentUsage {
        name: name.to_string(),
        kind,
        actions: actions
            .iter()
            .map(|&(a, n)| (a.to_string(), n))
            .collect::<BTreeMap<_, _>>(),
    }
}

/// One CACTI row's (read pJ, write pJ, leakage mW, area mm2), read straight from the CSV.
fn cacti_row(tech: &str, cell: &str, ports: &str, bytes: u64, bits: u32) -> [f64; 4] {
    let key = format!("{tech},{cell},{ports},{bytes},{bits},1,");
    let line = CSV
        .lines()
        .find(|l| l.starts_with(&key))
        .unwrap_or_else(|| panic!("no CSV row {key}"));
    let f: Vec<f64> = line
        .split(',')
        .skip(6)
        .map(|x| x.parse().unwrap())
        .collect();
    [f[0], f[1], f[2], f[3]]
}

/// 1000 cycles at 100 MHz (10 us), 4 PEs: a PE array, a controller and one 32 KiB SRAM.
fn usage() -> Usage {
    Usage {
        components: vec![
            component("pe_array", ComponentKind::Logic, &[("add16", 10)]),
            component("controller", ComponentKind::Logic, &[("fsm_cycle", 1000)]),
            component(
                "buf",
                ComponentKind::Sram {
                    bytes: 32768,
                    word_bits: 64,
                    read_latency: 1,
                },
                &[("read", 4), ("write", 2)],
            ),
        ],
        cycles: 1000,
        clock_mhz: 100.0,
        synaptic_ops: 100,
        technology: Technology::default(),
        pes: 4,
        lanes: 2,
    }
}

fn test_table() -> EnergyTable {
    EnergyTable::from_toml_str(TEST_TABLE, "test.toml").expect("test table parses")
}

/// Equal within 1e-9 relative.
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1e-300)
}

#[test]
fn totals_match_hand_computation() {
    let r = test_table().estimate(&usage());
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let [rd, wr, leak_mw, area] = cacti_row("45", "itrs-lop", "1r1w", 32768, 64);
    // pe_array: 10 x 0.5 = 5 pJ; leakage 4 PEs x 100 gates x 10 nW = 4 uW x 10 us = 40 pJ;
    //   area 400 um2; band 0.5 x 5 + 40 .. 2 x 5 + 40.
    // controller: 1000 x 0.25 = 250 pJ; 1000 gates x 10 nW = 10 uW -> 100 pJ; 1000 um2.
    // buf: CACTI 45 nm itrs-lop 1r1w 32 KiB x 64 (a table point): 4 reads + 2 writes;
    //   leakage mW x 1000 uW x 10 us.
    // clock: 0.5 x (5 + 250) = 127.5 pJ (band 0.25 .. 1.0 x 255).
    let buf_dyn = 4.0 * rd + 2.0 * wr;
    let buf_stat = leak_mw * 1000.0 * 10.0;
    let expected = [
        ("pe_array", "logic", 5.0, 40.0, 400e-6),
        ("controller", "logic", 250.0, 100.0, 1000e-6),
        ("buf", "sram", buf_dyn, buf_stat, area),
        ("clock", "clock", 127.5, 0.0, 0.0),
    ];
    assert_eq!(r.components.len(), expected.len());
    for (c, (name, kind, d, s, a)) in r.components.iter().zip(expected) {
        assert_eq!((c.name.as_str(), c.kind.as_str()), (name, kind));
        assert!(
            close(c.dynamic_pj, d),
            "{name} dynamic {} vs {d}",
            c.dynamic_pj
        );
        assert!(
            close(c.static_pj + 1e-300, s + 1e-300),
            "{name} static {}",
            c.static_pj
        );
        assert!(
            close(c.area_mm2 + 1e-300, a + 1e-300),
            "{name} area {}",
            c.area_mm2
        );
        assert!(
            c.low_pj <= c.total_pj && c.total_pj <= c.high_pj,
            "{name} band"
        );
    }
    let pe = &r.components[0];
    assert!(close(pe.low_pj, 42.5) && close(pe.high_pj, 50.0));
    assert_eq!(pe.instances, Some(4));
    let clock = &r.components[3];
    assert!(close(clock.low_pj, 63.75) && close(clock.high_pj, 255.0));
    let buf = &r.components[2];
    assert_eq!(buf.per_read_pj, Some(rd));
    assert_eq!(buf.per_write_pj, Some(wr));
    let total = 5.0 + 40.0 + 250.0 + 100.0 + buf_dyn + buf_stat + 127.5;
    assert!(close(r.total_pj, total), "{} vs {total}", r.total_pj);
    assert!(close(r.area_mm2, 400e-6 + 1000e-6 + area));
    assert!(close(r.pj_per_sop.expect("100 SOPs"), total / 100.0));
    let [lo, hi] = r.pj_per_sop_band.expect("band");
    assert!(close(lo * 100.0, r.low_pj) && close(hi * 100.0, r.high_pj));
}

#[test]
fn sram_band_spans_the_cell_types_of_the_node() {
    let r = test_table().estimate(&usage());
    let buf = r.components.iter().find(|c| c.name == "buf").unwrap();
    let energy = |cell| {
        let [rd, wr, leak, _] = cacti_row("45", cell, "1r1w", 32768, 64);
        4.0 * rd + 2.0 * wr + leak * 1000.0 * 10.0
    };
    let all = [energy("itrs-lop"), energy("itrs-hp"), energy("itrs-lstp")];
    let lo = all.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = all.iter().copied().fold(0.0, f64::max);
    assert!(close(buf.low_pj, lo) && close(buf.high_pj, hi), "{buf:?}");
    // High-performance cells leak far more than low-operating-power ones: a real spread.
    assert!(hi > 5.0 * buf.total_pj);
}

/// The acceptance item: the small config at 45 nm itrs-lop prices its weight bank's read at
/// the CACTI table's value interpolated in log capacity, within 5 %.
#[test]
fn small_config_weight_bank_read_is_the_interpolated_cacti_value() {
    let cfg = HwConfig::builtin("small").unwrap();
    assert_eq!(cfg.technology, Technology::default());
    let net =
        FspinnNetwork::new(FspinnParams::default(), 784, 400, &mut Rng::from_seed(1)).unwrap();
    let acc = Accelerator::new(&cfg, &net, 8).unwrap();
    let usage = fspinn_sim::usage::usage(&acc);
    let r = EnergyTable::default_45nm().estimate(&usage);
    let bank = r
        .components
        .iter()
        .find(|c| c.name == "wsram0")
        .expect("weight bank");
    let bytes = 19_600u64 * 8;
    assert_eq!(bank.capacity_bytes, Some(bytes));
    // 156,800 B lies between the 128 KiB and 256 KiB rows: log-log interpolation.
    let a = cacti_row("45", "itrs-lop", "1r1w", 131_072, 64)[0];
    let b = cacti_row("45", "itrs-lop", "1r1w", 262_144, 64)[0];
    let t = (bytes as f64 / 131_072.0).ln() / 2f64.ln();
    let expected = (a.ln() + t * (b.ln() - a.ln())).exp();
    let got = bank.per_read_pj.expect("priced");
    assert!(
        (got - expected).abs() <= 0.05 * expected,
        "wsram0 read {got} pJ vs CACTI interpolation {expected} pJ"
    );
    assert!(got > a && got < b);
    // Every memory and logic unit of the chip is listed, with an area.
    assert!(r.area_mm2 > 0.0);
    for c in &r.components {
        if c.kind != "clock" {
            assert!(c.area_mm2 > 0.0, "{} has no area", c.name);
        }
    }
    assert!(r.components.iter().any(|c| c.kind == "regfile"));
}

#[test]
fn misspelt_entry_is_refused_with_its_name() {
    for (text, entry) in [
        (
            "[logic.add_16]\npj = 0.1\nsource = \"mine\"\n",
            "logic.add_16",
        ),
        (
            "[logic_block.pe]\ngates = 1\nper = \"pe\"\nsource = \"mine\"\n",
            "logic_block.pe",
        ),
        (
            "[band.sram]\nlow = 0.5\nhigh = 2.0\nsource = \"mine\"\n",
            "band.sram",
        ),
    ] {
        let err = EnergyTable::from_toml_str(text, "mine.toml")
            .and_then(|t| EnergyTable::default_45nm().with_overrides(t))
            .expect_err("misspelt entry");
        let msg = err.to_string();
        assert!(msg.contains(entry) && msg.contains("mine.toml"), "{msg}");
    }
    // A misspelt field inside a known entry, and an unknown section, are refused by the parser.
    for text in [
        "[logic.add16]\npj = 0.1\nsorce = \"x\"\n",
        "[sram.points.a]\nbytes = 1\n",
    ] {
        let err = EnergyTable::from_toml_str(text, "mine.toml").expect_err("schema");
        assert!(matches!(err, EnergyError::Parse { .. }), "{err}");
    }
    // An SRAM macro for a bank the run does not have is refused with its name.
    let mine = EnergyTable::from_toml_str(
        "[sram_macro.wsram9]\nread_pj = 1\nwrite_pj = 1\nleakage_mw = 0.1\narea_mm2 = 0.1\naccess_ns = 1\nsource = \"foundry\"\n",
        "mine.toml",
    )
    .unwrap();
    let table = EnergyTable::default_45nm().with_overrides(mine).unwrap();
    let err = table.try_estimate(&usage()).expect_err("no such bank");
    assert!(err.to_string().contains("sram_macro.wsram9"), "{err}");
}

#[test]
fn override_replaces_only_the_named_entry_and_sram_macro_replaces_cacti() {
    let mine = EnergyTable::from_toml_str(
        "[logic.add16]\npj = 1.25\nsource = \"my synthesis run\"\n\n\
         [sram_macro.buf]\nread_pj = 3\nwrite_pj = 5\nleakage_mw = 0.5\narea_mm2 = 0.25\n\
         access_ns = 1.5\nsource = \"foundry macro\"\n",
        "mine.toml",
    )
    .expect("override parses");
    let merged = test_table().with_overrides(mine).expect("known entries");
    assert_eq!(merged.origin(), "test.toml + mine.toml");
    assert_eq!(merged.source("logic.add16"), Some("my synthesis run"));
    assert_eq!(merged.source("logic.fsm_cycle"), Some("test"));
    let r = merged.try_estimate(&usage()).expect("buf exists");
    let buf = r.components.iter().find(|c| c.name == "buf").unwrap();
    assert!(close(buf.dynamic_pj, 4.0 * 3.0 + 2.0 * 5.0));
    assert!(close(buf.static_pj, 500.0 * 10.0));
    assert!(close(buf.area_mm2, 0.25));
    assert!(close(r.components[0].dynamic_pj, 12.5));
}

#[test]
fn non_monotonic_memory_data_is_refused() {
    // Make the 45 nm itrs-lop 1r1w 64-bit 8 KiB macro dearer than the 16 KiB one.
    let row = CSV
        .lines()
        .find(|l| l.starts_with("45,itrs-lop,1r1w,8192,64,1,"))
        .unwrap();
    let mut f: Vec<&str> = row.split(',').collect();
    f[6] = "99.0";
    let bad = CSV.replace(row, &f.join(","));
    let err = CactiTable::parse(&bad, "bad.csv").expect_err("non-monotonic");
    let msg = err.to_string();
    assert!(
        msg.contains("45 nm itrs-lop 1r1w 64-bit") && msg.contains("not monotonic"),
        "{msg}"
    );
    assert!(CactiTable::parse(CSV, "ok.csv").is_ok());
    let neg = CSV.replace(row, &row.replace(",1,3.9", ",1,-3.9"));
    assert_ne!(neg, CSV);
    assert!(CactiTable::parse(&neg, "neg.csv").is_err());
}

#[test]
fn negative_zero_is_refused_in_tables_and_never_printed() {
    let err = EnergyTable::from_toml_str("[logic.add16]\npj = -0.0\nsource = \"x\"\n", "t.toml")
        .expect_err("-0.0 is negative");
    assert!(err.to_string().contains("logic.add16"), "{err}");
    // A run with no activity at all: every figure 0, none of them -0.
    let mut u = usage();
    for c in &mut u.components {
        for v in c.actions.values_mut() {
            *v = 0;
        }
    }
    u.cycles = 0;
    let r = EnergyTable::default_45nm().estimate(&u).scaled(3);
    let json = serde_json::to_string(&r.summary()).unwrap() + &serde_json::to_string(&r).unwrap();
    assert!(!json.contains("-0.0") && !json.contains("-0,"), "{json}");
}

#[test]
fn missing_action_warns_and_counts_zero() {
    let mut u = usage();
    u.components[0].actions.insert("warp_drive".into(), 3);
    let r = test_table().estimate(&u);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("warp_drive") && w.contains("pe_array")),
        "{:?}",
        r.warnings
    );
    let a = r.components[0]
        .actions
        .iter()
        .find(|a| a.action == "warp_drive")
        .unwrap();
    assert_eq!((a.count, a.pj_each, a.total_pj), (3, 0.0, 0.0));
}

#[test]
fn macro_too_slow_for_the_clock_is_warned_about() {
    let mut u = usage();
    u.clock_mhz = 2000.0; // 0.5 ns: a 32 KiB macro's ~1.1 ns access does not fit one cycle
    let r = test_table().estimate(&u);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("`buf`") && w.contains("cannot meet the clock")),
        "{:?}",
        r.warnings
    );
    assert!(test_table().estimate(&usage()).warnings.is_empty());
}

#[test]
fn technology_is_checked_against_the_cacti_table() {
    let text = include_str!("../configs/small.toml");
    let ok = format!("{text}\n[technology]\nnode_nm = 32\ncell = \"itrs-hp\"\n");
    assert!(HwConfig::from_toml_str(&ok, "t").is_ok());
    let bad = format!("{text}\n[technology]\nnode_nm = 32\ncell = \"itrs-lstp\"\n");
    let err = HwConfig::from_toml_str(&bad, "t").expect_err("no lstp at 32 nm");
    assert!(err.to_string().contains("technology.cell"), "{err}");
    let bad = format!("{text}\n[technology]\nnode_nm = 28\n");
    let err = HwConfig::from_toml_str(&bad, "t").expect_err("no 28 nm");
    assert!(err.to_string().contains("technology.node_nm"), "{err}");
}

#[test]
fn default_table_covers_the_vocabulary_and_every_unit() {
    let table = EnergyTable::default_45nm();
    for op in fspinn_sim::counters::Op::ALL {
        assert!(
            table.source(&format!("logic.{}", op.name())).is_some(),
            "{}",
            op.name()
        );
    }
    assert!(table.source("logic.fsm_cycle").is_some());
    for unit in fspinn_sim::counters::Unit::ALL {
        assert!(
            table
                .source(&format!("logic_block.{}", unit.name()))
                .is_some(),
            "{}",
            unit.name()
        );
    }
    for key in [
        "gate",
        "clock",
        "band.logic",
        "band.logic_leakage",
        "band.dram_core",
        "band.dram_io",
    ] {
        assert!(table.source(key).is_some(), "{key}");
    }
    for (key, source) in table.sources() {
        assert!(!source.trim().is_empty(), "{key}");
    }
}
