//! Entry points shared by the cargo-fuzz targets in `fuzz/` and the corpus replay test
//! (`tests/fuzz_corpus.rs`), so CI on stable replays exactly what the fuzzer ran.
//!
//! Each function takes arbitrary bytes, runs one parser and what the tools do next with a parsed
//! value, and must return for every input: an error is fine, a panic, an abort or an unbounded
//! allocation is a bug.

use crate::config::HwConfig;
use crate::dram::DramEnergy;
use crate::energy::{ComponentKind, ComponentUsage, EnergyTable, Technology, Usage};
use crate::layout::WeightLayout;
use std::collections::BTreeMap;

/// The hardware config parser (`--config FILE`), then the derived figures `sim` computes first:
/// SRAM size and the weight layout (on chip or in DRAM) for every weight width the CLI offers.
pub fn hardware_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(cfg) = HwConfig::from_toml_str(text, "fuzz.toml") else {
        return;
    };
    let _ = cfg.weight_sram_bytes();
    for bits in [4, 8, 16] {
        if let Ok(layout) = WeightLayout::new(&cfg, cfg.neurons as usize, bits, bits) {
            let _ = layout.dram_bytes();
        }
    }
}

/// The energy table parser (`--energy FILE`), then pricing a run that uses every action the
/// table names (plus an SRAM, a register file and an unknown DRAM kind) and rendering the report.
pub fn energy_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(table) = EnergyTable::from_toml_str(text, "fuzz.toml") else {
        return;
    };
    let mut logic = BTreeMap::new();
    let mut dram: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for (key, _) in table.sources() {
        let parts: Vec<&str> = key.split('.').collect();
        match parts.as_slice() {
            ["logic", op] => {
                logic.insert(op.to_string(), 1000);
            }
            ["dram", kind, action] => {
                dram.entry(kind.to_string())
                    .or_default()
                    .insert(action.to_string(), 1000);
            }
            _ => {}
        }
    }
    dram.entry("unknown-kind".into())
        .or_default()
        .insert("read_bytes".into(), 64);
    let rw = || BTreeMap::from([("read".to_string(), 100), ("write".to_string(), 50)]);
    let mut components = vec![
        ComponentUsage {
            name: "logic".into(),
            kind: ComponentKind::Logic,
            actions: logic,
        },
        ComponentUsage {
            name: "weights".into(),
            kind: ComponentKind::Sram {
                bytes: 16 << 10,
                word_bits: 64,
                read_latency: 1,
            },
            actions: rw(),
        },
        ComponentUsage {
            name: "regs".into(),
            kind: ComponentKind::RegisterFile {
                bits: 4096,
                word_bits: 16,
            },
            actions: rw(),
        },
    ];
    components.extend(dram.into_iter().map(|(kind, actions)| ComponentUsage {
        name: format!("dram-{kind}"),
        kind: ComponentKind::Dram {
            kind,
            energy: DramEnergy::default(),
        },
        actions,
    }));
    let usage = Usage {
        components,
        cycles: 1_000_000,
        clock_mhz: 200.0,
        synaptic_ops: 12345,
        technology: Technology::default(),
        pes: 4,
        lanes: 2,
    };
    let report = table.estimate(&usage);
    let _ = report.scaled(7).render_table();
    let _ = table.try_estimate(&usage);
    if let Ok(merged) = table.clone().with_overrides(table) {
        let _ = merged.sources();
    }
}
