//! Integration tests of the energy model's public API with hand-computed expectations.

use std::collections::BTreeMap;

use fspinn_sim::energy::{ComponentKind, ComponentUsage, EnergyError, EnergyTable, Usage};

/// A table with round numbers so totals can be computed by hand.
const TEST_TABLE: &str = r#"
[logic.add16]
pj = 0.5
source = "test"

[logic.mul16x16]
pj = 2.0
source = "test"

[logic_leakage.pe]
uw = 10.0
source = "test"

[sram.points.small]
bytes = 1024
word_bits = 32
read_pj = 4.0
source = "test"

[sram.points.big]
bytes = 4096
word_bits = 32
read_pj = 8.0
source = "test"

[sram.write_factor]
value = 1.5
source = "test"

[sram.leakage]
uw_per_kb = 2.0
source = "test"

[register_file.read]
pj_per_bit = 0.25
source = "test"

[register_file.write]
pj_per_bit = 0.5
source = "test"

[register_file.leakage]
nw_per_bit = 100.0
source = "test"

[dram.lpddr4.read_bytes]
pj_per_bit = 3.0
source = "test"

[dram.lpddr4.activate]
pj = 100.0
source = "test"

[dram.lpddr4.background]
mw = 2.0
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

/// Two logic actions, one SRAM, one register file, one DRAM; 1000 cycles at 100 MHz (10 µs).
fn small_usage() -> Usage {
    Usage {
        components: vec![
            component(
                "pe[0]",
                ComponentKind::Logic,
                &[("add16", 10), ("mul16x16", 3)],
            ),
            component(
                "buf",
                ComponentKind::Sram {
                    bytes: 1024,
                    word_bits: 32,
                },
                &[("read", 4), ("write", 2)],
            ),
            component(
                "rf",
                ComponentKind::RegisterFile {
                    bits: 256,
                    word_bits: 16,
                },
                &[("read", 8), ("write", 4)],
            ),
            component(
                "dram",
                ComponentKind::Dram {
                    kind: "LPDDR4".to_string(),
                },
                &[("read_bytes", 64), ("activate", 2)],
            ),
        ],
        cycles: 1000,
        clock_mhz: 100.0,
        synaptic_ops: 100,
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
fn small_usage_totals_match_hand_computation() {
    let report = test_table().estimate(&small_usage());
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    // pe[0]: 10 x 0.5 + 3 x 2.0 = 11 pJ; leakage via class `pe`: 10 uW x 10 us = 100 pJ.
    // buf (at point `small`): reads 4 x 4 = 16, writes 2 x 4 x 1.5 = 12 -> 28 pJ;
    //   leakage 2 uW/KB x 1 KB x 10 us = 20 pJ.
    // rf: reads 8 x 0.25 x 16 = 32, writes 4 x 0.5 x 16 = 32 -> 64 pJ;
    //   leakage 100 nW x 256 b = 25.6 uW x 10 us = 256 pJ.
    // dram (kind matched case-insensitively): 64 B x 8 x 3 = 1536 + 2 x 100 = 1736 pJ;
    //   background 2 mW x 10 us = 20000 pJ.
    let expected = [
        ("pe[0]", 11.0, 100.0),
        ("buf", 28.0, 20.0),
        ("rf", 64.0, 256.0),
        ("dram", 1736.0, 20000.0),
    ];
    assert_eq!(report.components.len(), expected.len());
    for (c, (name, dynamic, stat)) in report.components.iter().zip(expected) {
        assert_eq!(c.name, name);
        assert!(
            close(c.dynamic_pj, dynamic),
            "{name} dynamic {}",
            c.dynamic_pj
        );
        assert!(close(c.static_pj, stat), "{name} static {}", c.static_pj);
        assert!(close(c.total_pj, dynamic + stat), "{name} total");
    }
    assert!(close(report.dynamic_pj, 1839.0), "{}", report.dynamic_pj);
    assert!(close(report.static_pj, 20376.0), "{}", report.static_pj);
    assert!(close(report.total_pj, 22215.0), "{}", report.total_pj);
    assert!(close(report.seconds, 1e-5));
    assert!(close(report.pj_per_sop.expect("100 SOPs"), 222.15));
    let write = &report.components[1].actions[1];
    assert_eq!((write.action.as_str(), write.count), ("write", 2));
    assert!(close(write.pj_each, 6.0) && close(write.total_pj, 12.0));
}

#[test]
fn override_replaces_only_the_named_entry() {
    let mine = EnergyTable::from_toml_str(
        "[logic.add16]\npj = 1.25\nsource = \"my synthesis run\"\n",
        "mine.toml",
    )
    .expect("override parses");
    let merged = EnergyTable::default_45nm().with_overrides(mine);
    assert_eq!(merged.origin(), "default-45nm.toml + mine.toml");
    assert_eq!(merged.source("logic.add16"), Some("my synthesis run"));
    let usage = Usage {
        components: vec![component(
            "alu",
            ComponentKind::Logic,
            &[("add16", 4), ("add8", 100)],
        )],
        cycles: 0,
        clock_mhz: 200.0,
        synaptic_ops: 0,
    };
    let report = merged.estimate(&usage);
    let actions = &report.components[0].actions;
    // BTreeMap order: add16 then add8.
    assert!(close(actions[0].total_pj, 5.0));
    assert_eq!(actions[0].source, "my synthesis run");
    // add8 still comes from the default table (Horowitz 0.03 pJ).
    assert!(close(actions[1].total_pj, 3.0));
    assert!(report.pj_per_sop.is_none());
}

#[test]
fn unknown_field_error_names_field_and_origin() {
    let err = EnergyTable::from_toml_str(
        "[logic.add16]\npj = 1.0\nsorce = \"typo\"\n",
        "my-table.toml",
    )
    .expect_err("unknown field must be rejected");
    let text = err.to_string();
    assert!(matches!(err, EnergyError::Parse { .. }), "{err:?}");
    assert!(text.contains("my-table.toml"), "{text}");
    assert!(text.contains("sorce"), "{text}");

    let err = EnergyTable::from_toml_str("[logc.add16]\npj = 1.0\nsource = \"x\"\n", "t.toml")
        .expect_err("unknown section must be rejected");
    assert!(err.to_string().contains("logc"), "{err}");
}

#[test]
fn missing_source_is_rejected() {
    let err = EnergyTable::from_toml_str("[logic.add16]\npj = 1.0\n", "t.toml")
        .expect_err("entry without source");
    assert!(err.to_string().contains("source"), "{err}");
}

#[test]
fn negative_or_non_finite_energy_names_the_entry() {
    for (text, entry) in [
        ("[logic.add16]\npj = -1.0\nsource = \"x\"\n", "logic.add16"),
        ("[logic.add16]\npj = nan\nsource = \"x\"\n", "logic.add16"),
        (
            "[sram.leakage]\nuw_per_kb = inf\nsource = \"x\"\n",
            "sram.leakage",
        ),
        (
            "[dram.ddr3.activate]\npj = -5.0\nsource = \"x\"\n",
            "dram.ddr3.activate",
        ),
    ] {
        let err = EnergyTable::from_toml_str(text, "bad.toml").expect_err(text);
        let shown = err.to_string();
        assert!(matches!(err, EnergyError::Invalid { .. }), "{err:?}");
        assert!(
            shown.contains("bad.toml") && shown.contains(entry),
            "{shown}"
        );
    }
}

#[test]
fn dram_entry_needs_exactly_one_energy_field() {
    let err = EnergyTable::from_toml_str(
        "[dram.ddr3.read_bytes]\npj = 1.0\npj_per_bit = 2.0\nsource = \"x\"\n",
        "t.toml",
    )
    .expect_err("two energies");
    assert!(err.to_string().contains("dram.ddr3.read_bytes"), "{err}");
    let err = EnergyTable::from_toml_str(
        "[dram.ddr3.background]\npj = 1.0\nsource = \"x\"\n",
        "t.toml",
    )
    .expect_err("background needs mw");
    assert!(err.to_string().contains("mw"), "{err}");
}

#[test]
fn missing_action_warns_and_counts_zero() {
    let usage = Usage {
        components: vec![component(
            "ctrl",
            ComponentKind::Logic,
            &[("add16", 2), ("teleport", 7), ("never", 0)],
        )],
        cycles: 0,
        clock_mhz: 100.0,
        synaptic_ops: 0,
    };
    let report = test_table().estimate(&usage);
    assert_eq!(
        report.warnings,
        vec!["no energy for action `teleport` of component `ctrl` (7 times): counted as 0 pJ"]
    );
    assert!(close(report.total_pj, 1.0));
    let teleport = report.components[0]
        .actions
        .iter()
        .find(|a| a.action == "teleport")
        .expect("listed");
    assert_eq!(
        (teleport.count, teleport.pj_each, teleport.total_pj),
        (7, 0.0, 0.0)
    );
}

#[test]
fn missing_leakage_and_bad_clock_warn_without_panicking() {
    let usage = Usage {
        components: vec![component(
            "x",
            ComponentKind::Dram {
                kind: "gddr6".to_string(),
            },
            &[("read_bytes", 1)],
        )],
        cycles: 10,
        clock_mhz: 0.0,
        synaptic_ops: 0,
    };
    let report = test_table().estimate(&usage);
    assert_eq!(report.total_pj, 0.0);
    assert_eq!(report.seconds, 0.0);
    // Bad clock, unpriced read_bytes, no background power for gddr6.
    assert_eq!(report.warnings.len(), 3, "{:?}", report.warnings);
}

fn sram_read_pj(table: &EnergyTable, bytes: u64, word_bits: u32) -> f64 {
    let usage = Usage {
        components: vec![component(
            "m",
            ComponentKind::Sram { bytes, word_bits },
            &[("read", 1)],
        )],
        cycles: 0,
        clock_mhz: 100.0,
        synaptic_ops: 0,
    };
    let report = table.estimate(&usage);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    report.total_pj
}

#[test]
fn sram_pricing_hits_points_and_is_monotonic() {
    let table = EnergyTable::default_45nm();
    // Horowitz 2014 points, 64-bit access.
    assert_eq!(sram_read_pj(&table, 8 << 10, 64), 10.0);
    assert_eq!(sram_read_pj(&table, 32 << 10, 64), 20.0);
    assert_eq!(sram_read_pj(&table, 1 << 20, 64), 100.0);
    // 16 KB is the geometric midpoint of 8 KB and 32 KB: sqrt(10 x 20) pJ.
    assert!(close(sram_read_pj(&table, 16 << 10, 64), 200f64.sqrt()));
    // Linear in width: half the width, half the energy.
    assert!(close(sram_read_pj(&table, 8 << 10, 32), 5.0));
    let mut last = 0.0;
    for shift in 6..=24 {
        for bytes in [1u64 << shift, 3u64 << (shift - 1)] {
            let pj = sram_read_pj(&table, bytes, 32);
            assert!(pj > last, "{bytes} B: {pj} <= {last}");
            last = pj;
        }
    }
    let mut last = 0.0;
    for word_bits in [1, 8, 16, 24, 32, 64, 128, 256] {
        let pj = sram_read_pj(&table, 20_000, word_bits);
        assert!(pj > last, "{word_bits} b: {pj} <= {last}");
        last = pj;
    }
}

/// The action vocabulary the cycle model emits for logic; all must be priced by the default
/// table.
const LOGIC_ACTIONS: [&str; 16] = [
    "add8", "add16", "add32", "sub16", "cmp16", "cmp32", "shift16", "mul8x32", "mul16x16",
    "mul32x32", "div40", "lfsr16", "lfsr32", "fmix32", "popcount", "mux",
];

#[test]
fn default_table_prices_the_whole_vocabulary() {
    let table = EnergyTable::default_45nm();
    let mut components = vec![
        component(
            "pe[0]",
            ComponentKind::Logic,
            &LOGIC_ACTIONS.map(|a| (a, 1)),
        ),
        component(
            "sram",
            ComponentKind::Sram {
                bytes: 65536,
                word_bits: 64,
            },
            &[("read", 1), ("write", 1)],
        ),
        component(
            "rf",
            ComponentKind::RegisterFile {
                bits: 1024,
                word_bits: 32,
            },
            &[("read", 1), ("write", 1)],
        ),
    ];
    for kind in ["lpddr4", "ddr3", "hbm2"] {
        components.push(component(
            kind,
            ComponentKind::Dram {
                kind: kind.to_string(),
            },
            &[
                ("read_bytes", 1),
                ("write_bytes", 1),
                ("activate", 1),
                ("precharge", 1),
            ],
        ));
    }
    let usage = Usage {
        components,
        cycles: 1000,
        clock_mhz: 200.0,
        synaptic_ops: 1,
    };
    let report = table.estimate(&usage);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    for c in &report.components {
        assert!(c.leakage_uw > 0.0, "{} has no leakage", c.name);
        for a in &c.actions {
            assert!(!a.source.is_empty(), "{}.{}", c.name, a.action);
        }
    }
    for action in LOGIC_ACTIONS {
        assert!(
            table.source(&format!("logic.{action}")).is_some(),
            "{action}"
        );
    }
    // Spot checks against the brief's figures: DRAM bytes cost 8 x pJ/bit; actions are listed
    // in name order (activate, precharge, read_bytes, write_bytes).
    let dram = |kind: &str| {
        report
            .components
            .iter()
            .find(|c| c.name == kind)
            .expect("component")
    };
    assert_eq!(dram("ddr3").actions[2].action, "read_bytes");
    assert!(close(dram("ddr3").actions[2].pj_each, 8.0 * 70.0));
    assert!(close(dram("hbm2").actions[2].pj_each, 8.0 * 3.9));
    assert!(close(dram("lpddr4").actions[2].pj_each, 8.0 * 8.0));
    // Horowitz figures used as given.
    let pe = &report.components[0];
    let pj = |name: &str| {
        pe.actions
            .iter()
            .find(|a| a.action == name)
            .expect("action")
            .pj_each
    };
    assert_eq!((pj("add8"), pj("add32"), pj("mul32x32")), (0.03, 0.1, 3.1));
}

#[test]
fn scaled_divides_energies_and_time() {
    let whole = test_table().estimate(&small_usage());
    let per = whole.scaled(4);
    assert_eq!(per.samples, 4);
    assert!(close(per.total_pj, 22215.0 / 4.0));
    assert!(close(per.dynamic_pj, 1839.0 / 4.0));
    assert!(close(per.static_pj, 20376.0 / 4.0));
    assert!(close(per.seconds, 1e-5 / 4.0));
    assert!(close(per.components[3].total_pj, 21736.0 / 4.0));
    assert!(close(per.components[0].actions[0].total_pj, 5.0 / 4.0));
    // Counts stay whole-run; energy per SOP is unchanged.
    assert_eq!(per.cycles, 1000);
    assert_eq!(per.components[0].actions[0].count, 10);
    assert_eq!(per.pj_per_sop, whole.pj_per_sop);
    let same = whole.scaled(0);
    assert_eq!(same.total_pj, whole.total_pj);
    assert_eq!(same.warnings.len(), 1);
}

#[test]
fn render_table_lists_components_and_total() {
    let report = test_table().estimate(&small_usage());
    let text = report.render_table();
    for name in ["pe[0]", "buf", "rf", "dram", "TOTAL"] {
        assert!(text.contains(name), "{name} missing from\n{text}");
    }
    assert!(text.contains("22215.000"), "{text}");
    assert!(text.contains("222.1500"), "{text}");
    // The DRAM row's share of the total: 21736 / 22215 = 97.8 %.
    assert!(text.contains("97.8"), "{text}");
    let per = report.scaled(5).render_table();
    assert!(
        per.contains("4443.000") && per.contains("5 samples"),
        "{per}"
    );
}

#[test]
fn load_names_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("override.toml");
    let missing = EnergyTable::load(&path).expect_err("no file yet");
    assert!(matches!(missing, EnergyError::Io { .. }));
    assert!(missing.to_string().contains("override.toml"), "{missing}");
    std::fs::write(&path, "[logic.add16]\npj = -2.0\nsource = \"x\"\n").expect("write");
    let bad = EnergyTable::load(&path).expect_err("negative");
    assert!(bad.to_string().contains("override.toml"), "{bad}");
    std::fs::write(&path, "[logic.add16]\npj = 2.0\nsource = \"x\"\n").expect("write");
    let table = EnergyTable::load(&path).expect("loads");
    assert_eq!(table.source("logic.add16"), Some("x"));
}
