//! Unit tests of the private parts: the embedded tables and the CACTI look-up rule.

use super::cacti::{CactiTable, CACTI_CSV, CACTI_ORIGIN};
use super::table::{DEFAULT_45NM, DEFAULT_ORIGIN};
use super::EnergyTable;

#[test]
fn embedded_default_table_parses() {
    let table = EnergyTable::from_toml_str(DEFAULT_45NM, DEFAULT_ORIGIN)
        .unwrap_or_else(|e| panic!("the embedded table must parse: {e}"));
    assert_eq!(table.origin(), DEFAULT_ORIGIN);
    assert_eq!(EnergyTable::default_45nm().origin(), DEFAULT_ORIGIN);
}

#[test]
fn embedded_cacti_table_parses_with_every_row() {
    let t = CactiTable::parse(CACTI_CSV, CACTI_ORIGIN).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(t.nodes(), vec![22, 32, 45]);
    assert_eq!(
        t.cells(45, "1r1w"),
        vec!["itrs-hp", "itrs-lstp", "itrs-lop"]
    );
    assert_eq!(t.cells(22, "1r1w"), vec!["itrs-hp", "itrs-lop"]);
    assert_eq!(CACTI_CSV.lines().count(), 209);
}

#[test]
fn lookup_hits_rows_and_interpolates_in_log_capacity_and_width() {
    let t = CactiTable::embedded();
    let at = |bytes, bits| t.lookup(45, "itrs-lop", "1r1w", bytes, bits).unwrap();
    // A table point is returned exactly (45 nm lop 1r1w 32 KiB x 64: 9.44607 pJ).
    assert_eq!(at(32768, 64).read_pj, 9.44607);
    // Geometric midpoint in capacity -> geometric mean (log-log).
    let m = at(46341, 64).read_pj; // ~ sqrt(32768 * 65536)
    let g = (9.44607f64 * 14.2525).sqrt();
    assert!((m - g).abs() < 0.01 * g, "{m} vs {g}");
    // 48-bit words: halfway between the 32- and 64-bit rows.
    let w48 = at(32768, 48).read_pj;
    assert!((w48 - (7.8595 + 9.44607) / 2.0).abs() < 1e-9, "{w48}");
    // Below 1 KiB: the 1 KiB macro (documented upper bound), never an extrapolation.
    assert_eq!(at(192, 64).read_pj, at(1024, 64).read_pj);
    // 16-bit words: the 32-bit row scaled per bit.
    assert!((at(1024, 16).read_pj - 0.754981 / 2.0).abs() < 1e-12);
    // Above 4 MiB: an error naming the limit.
    let err = t.lookup(45, "itrs-lop", "1r1w", 8 << 20, 64).unwrap_err();
    assert!(err.contains("4194304"), "{err}");
    assert!(t.lookup(28, "itrs-lop", "1r1w", 1024, 64).is_err());
}
