//! Unit tests of the private parts: the embedded table, SRAM interpolation, logic classes.

use std::collections::BTreeMap;

use super::sram::read_pj_per_bit;
use super::table::{logic_class, SramPoint, DEFAULT_45NM, DEFAULT_ORIGIN};
use super::EnergyTable;

#[test]
fn embedded_default_table_parses() {
    let table = EnergyTable::from_toml_str(DEFAULT_45NM, DEFAULT_ORIGIN)
        .unwrap_or_else(|e| panic!("the embedded table must parse: {e}"));
    assert_eq!(table.origin(), DEFAULT_ORIGIN);
    // default_45nm() must not have fallen back to the empty table.
    assert_eq!(EnergyTable::default_45nm().origin(), DEFAULT_ORIGIN);
    for (key, source) in table.sources() {
        assert!(!source.trim().is_empty(), "entry {key} has no source");
    }
}

#[test]
fn logic_class_strips_trailing_index() {
    assert_eq!(logic_class("pe[12]"), "pe");
    assert_eq!(logic_class("pe_3"), "pe");
    assert_eq!(logic_class("pe.3"), "pe");
    assert_eq!(logic_class("pe7"), "pe");
    assert_eq!(logic_class("spike_gen"), "spike_gen");
    assert_eq!(logic_class("42"), "42");
}

fn point(bytes: u64, word_bits: u32, read_pj: f64) -> SramPoint {
    SramPoint {
        bytes,
        word_bits,
        read_pj,
        source: "test".into(),
    }
}

#[test]
fn sram_interpolation_is_log_log() {
    let mut points = BTreeMap::new();
    points.insert("a".to_string(), point(1024, 32, 4.0)); // 0.125 pJ/bit
    points.insert("b".to_string(), point(4096, 64, 16.0)); // 0.25 pJ/bit
    let at = |bytes| read_pj_per_bit(&points, bytes).expect("priced").pj;
    assert_eq!(at(1024), 0.125);
    assert_eq!(at(4096), 0.25);
    // Geometric midpoint in size -> geometric mean of the per-bit energies.
    let mid = at(2048);
    assert!((mid - (0.125f64 * 0.25).sqrt()).abs() < 1e-12, "{mid}");
    // Extrapolation continues the same power law (slope 0.5): 16 KB -> 0.5 pJ/bit.
    assert!((at(16384) - 0.5).abs() < 1e-12);
    assert!((at(256) - 0.0625).abs() < 1e-12);
    assert!(read_pj_per_bit(&points, 0).is_none());
    assert!(read_pj_per_bit(&BTreeMap::new(), 1024).is_none());
}

#[test]
fn sram_points_of_equal_size_are_averaged() {
    let mut points = BTreeMap::new();
    points.insert("a".to_string(), point(1024, 32, 4.0)); // 0.125 pJ/bit
    points.insert("b".to_string(), point(1024, 16, 3.0)); // 0.1875 pJ/bit
    let priced = read_pj_per_bit(&points, 1024).expect("priced");
    assert!((priced.pj - 0.15625).abs() < 1e-15);
    // A single size: per-bit energy independent of size.
    assert!((read_pj_per_bit(&points, 1 << 20).expect("priced").pj - 0.15625).abs() < 1e-15);
}
