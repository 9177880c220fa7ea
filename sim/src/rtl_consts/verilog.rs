//! `rtl/fspinn_consts.vh`, the table as Verilog localparams.
//!
//! Localparams, not `` `define``s: they are scoped to the module that includes the header (no
//! global macro namespace shared by every file of a compilation unit), carry widths, so a case
//! item or a comparison has the width of what it is compared with, and are what Verilator and
//! Yosys report by name. The header has no `` `ifndef`` guard on purpose: Verilator, Icarus and
//! Yosys read every file of the design as one compilation unit, where a guard macro defined by
//! the first module that includes the header would hide the constants from any later one; a
//! second include in the same module is a duplicate-declaration error in every tool instead.

use super::host::{
    Field, Space, COUNT_GROUP_FIELD, COUNT_PE_FIELD, INDEX_FIELD, NEURON_ADDR_FIELD,
    NEURON_BANK_FIELD, PIXEL_LANE_FIELD, PIXEL_ROW_FIELD, RATE_FIELD, REGISTER_FIELD, SPACE_FIELD,
    WEIGHT_ADDR_FIELD, WEIGHT_BANK_FIELD,
};
use super::phase::Phase;
use super::registers::{
    Reg, FLAG_ADAPTIVE_INHIBITION, FLAG_ROUNDING_BITS, FLAG_ROUNDING_LSB, REGISTERS,
};
use super::{neuron_word, DIVIDER_CYCLES};
use fspinn_model::fixed::Rounding;
use std::fmt::Write;

/// The header's file name, as `rtl/fspinn_top.v` includes it.
pub const HEADER_NAME: &str = "fspinn_consts.vh";
/// The header's path from the repository root.
pub const HEADER_FILE: &str = "rtl/fspinn_consts.vh";
/// The command that writes it, run from the repository root (`cargo run -- rtl header ...`
/// in a checkout).
pub const HEADER_COMMAND: &str = "fspinn rtl header --out rtl/fspinn_consts.vh";

/// The text of `rtl/fspinn_consts.vh`: every constant of the table as a localparam.
pub fn verilog_header() -> String {
    let mut h = String::new();
    // Writing to a String cannot fail.
    let _ = write_header(&mut h);
    h
}

/// Why `committed` (the text of a header file) is not the header the table generates: the
/// first line that differs, or `None` when they are equal.
pub fn header_difference(committed: &str) -> Option<String> {
    let want = verilog_header();
    if committed == want {
        return None;
    }
    let (mut a, mut b) = (committed.lines(), want.lines());
    let mut line = 1;
    loop {
        match (a.next(), b.next()) {
            (Some(x), Some(y)) if x == y => line += 1,
            (Some(x), Some(y)) => {
                return Some(format!("line {line} is `{x}`, the table gives `{y}`"));
            }
            (Some(x), None) => return Some(format!("line {line} `{x}` is past the table's end")),
            (None, Some(y)) => return Some(format!("line {line} is missing: `{y}`")),
            // Same lines, different line endings or final newline.
            (None, None) => return Some("line endings differ".into()),
        }
    }
}

fn field(h: &mut String, name: &str, f: Field) -> std::fmt::Result {
    writeln!(h, "localparam integer HA_{name}_LSB = {};", f.lsb)?;
    writeln!(h, "localparam integer HA_{name}_BITS = {};", f.bits)
}

fn write_header(h: &mut String) -> std::fmt::Result {
    writeln!(
        h,
        "// fspinn_consts.vh: the constants the RTL shares with the Rust side (phase codes, host
// address map, network registers, neuron-word fields, divider latency).
//
// GENERATED from the table in sim/src/rtl_consts/ (fspinn_sim::rtl_consts) by
//   {HEADER_COMMAND}
// Do not edit: change the table and regenerate. sim/tests/rtl_consts_header.rs fails while
// this file differs from the table. docs/rtl.md, \"Shared constants\".
//
// Include it inside a module body, after the parameter list: the names are localparams of
// the including module. No `ifndef guard: every tool reads the design as one compilation
// unit, where a guard would hide the constants from the second module that includes them.
// A module need not use every constant, hence the UNUSEDPARAM waiver, restored at the end.
/* verilator lint_save */
/* verilator lint_off UNUSEDPARAM */"
    )?;

    let pb = Phase::BITS;
    writeln!(
        h,
        "\n// Controller phases: the `phase` register and `obs_phase` (rtl_consts::Phase)."
    )?;
    writeln!(h, "localparam integer PHASE_BITS = {pb};")?;
    for p in Phase::ALL {
        let note = if p.in_rtl() {
            ""
        } else if p == Phase::Other {
            "  // an unknown phase name in a waveform"
        } else {
            "  // cycle model only (baseline-equivalent mode)"
        };
        writeln!(
            h,
            "localparam [PHASE_BITS-1:0] P_{} = {pb}'d{};{note}",
            p.name().to_uppercase(),
            p.code()
        )?;
    }

    let sb = SPACE_FIELD.bits;
    writeln!(
        h,
        "\n// Host address map: host_addr[HA_SPACE_LSB +: HA_SPACE_BITS] selects the space, the\n\
         // other fields are host_addr[HA_<F>_LSB +: HA_<F>_BITS] (rtl_consts::Space, Field)."
    )?;
    field(h, "SPACE", SPACE_FIELD)?;
    for s in Space::ALL {
        writeln!(
            h,
            "localparam [HA_SPACE_BITS-1:0] SPACE_{} = {sb}'h{:02x};",
            s.name().to_uppercase(),
            s.code()
        )?;
    }
    field(h, "REG", REGISTER_FIELD)?;
    field(h, "WBANK", WEIGHT_BANK_FIELD)?;
    field(h, "WADDR", WEIGHT_ADDR_FIELD)?;
    field(h, "NBANK", NEURON_BANK_FIELD)?;
    field(h, "NADDR", NEURON_ADDR_FIELD)?;
    field(h, "PIXEL_LANE", PIXEL_LANE_FIELD)?;
    field(h, "PIXEL_ROW", PIXEL_ROW_FIELD)?;
    field(h, "RATE", RATE_FIELD)?;
    field(h, "INDEX", INDEX_FIELD)?;
    field(h, "COUNT_PE", COUNT_PE_FIELD)?;
    field(h, "COUNT_GROUP", COUNT_GROUP_FIELD)?;

    let rb = REGISTER_FIELD.bits;
    writeln!(
        h,
        "\n// Network registers (space SPACE_REGISTERS): index, and bits of the flop (rtl_consts::Reg)."
    )?;
    for r in REGISTERS {
        let name = r.name.to_uppercase();
        writeln!(
            h,
            "localparam [HA_REG_BITS-1:0] REG_{name} = {rb}'d{};",
            r.reg.index()
        )?;
        writeln!(
            h,
            "localparam integer REG_{name}_WIDTH = {};{}",
            r.width,
            if r.signed { "  // signed" } else { "" }
        )?;
    }
    writeln!(
        h,
        "// Fields of the flags register, and the rounding codes (as on fspinn_shift_round's mode)."
    )?;
    writeln!(
        h,
        "localparam integer FLAG_ADAPTIVE_INHIBITION = {FLAG_ADAPTIVE_INHIBITION};"
    )?;
    writeln!(
        h,
        "localparam integer FLAG_ROUNDING_LSB = {FLAG_ROUNDING_LSB};"
    )?;
    writeln!(
        h,
        "localparam integer FLAG_ROUNDING_BITS = {FLAG_ROUNDING_BITS};"
    )?;
    for r in Rounding::ALL {
        writeln!(
            h,
            "localparam [FLAG_ROUNDING_BITS-1:0] ROUND_{} = {FLAG_ROUNDING_BITS}'d{};",
            r.name().to_uppercase(),
            super::rounding_code(r)
        )?;
    }
    debug_assert_eq!(Reg::Flags.width(), FLAG_ROUNDING_LSB + FLAG_ROUNDING_BITS);

    let w = neuron_word(0);
    writeln!(
        h,
        "\n// Neuron-state word, {{count, refractory, theta, v}} from the top; the count field is\n\
         // COUNT_BITS wide, a parameter (rtl_consts::neuron_word)."
    )?;
    writeln!(h, "localparam integer V_LSB = {};", w.v_lsb())?;
    writeln!(h, "localparam integer V_BITS = {};", w.v_bits)?;
    writeln!(h, "localparam integer TH_LSB = {};", w.theta_lsb())?;
    writeln!(h, "localparam integer TH_BITS = {};", w.theta_bits)?;
    writeln!(h, "localparam integer REF_LSB = {};", w.refractory_lsb())?;
    writeln!(h, "localparam integer REF_BITS = {};", w.refractory_bits)?;
    writeln!(h, "localparam integer COUNT_LSB = {};", w.count_lsb())?;

    writeln!(
        h,
        "\n// Cycles of the normalisation divider: the norm_divide pass (rtl_consts::DIVIDER_CYCLES)."
    )?;
    writeln!(h, "localparam integer DIV_CYCLES = {DIVIDER_CYCLES};")?;
    writeln!(h, "/* verilator lint_restore */")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_name_the_first_line() {
        let h = verilog_header();
        assert_eq!(header_difference(&h), None);
        let edited = h.replacen("DIV_CYCLES = 40", "DIV_CYCLES = 41", 1);
        let d = header_difference(&edited).unwrap();
        let line = h
            .lines()
            .position(|l| l.contains("DIV_CYCLES = 40"))
            .unwrap()
            + 1;
        assert_eq!(
            d,
            format!(
                "line {line} is `localparam integer DIV_CYCLES = 41;`, the table gives \
                 `localparam integer DIV_CYCLES = 40;`"
            )
        );
        let short: String = h.lines().take(3).map(|l| format!("{l}\n")).collect();
        assert!(header_difference(&short)
            .unwrap()
            .starts_with("line 4 is missing"));
        let crlf = h.replace('\n', "\r\n");
        assert_eq!(header_difference(&crlf).unwrap(), "line endings differ");
    }

    #[test]
    fn the_header_names_every_constant_once() {
        let h = verilog_header();
        let names: Vec<&str> = h
            .lines()
            .filter_map(|l| l.strip_prefix("localparam "))
            .map(|l| {
                l.split('=')
                    .next()
                    .unwrap()
                    .split_whitespace()
                    .last()
                    .unwrap()
            })
            .collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        for want in [
            "P_IDLE",
            "P_READOUT",
            "SPACE_WEIGHTS",
            "HA_WBANK_LSB",
            "REG_N_NEURONS",
            "REG_NORM_TARGET_WIDTH",
            "V_BITS",
            "COUNT_LSB",
            "DIV_CYCLES",
        ] {
            assert!(names.contains(&want), "{want} missing");
        }
        assert!(h.contains("localparam [PHASE_BITS-1:0] P_NORM_DIVIDE = 5'd5;"));
        assert!(h.contains("localparam [HA_SPACE_BITS-1:0] SPACE_NEURONS = 8'h02;"));
        assert!(h.contains("localparam [HA_REG_BITS-1:0] REG_W_MAX = 8'd22;"));
        assert!(h.contains("localparam integer REG_V_THRESH_WIDTH = 16;  // signed"));
        assert!(h.contains("localparam integer COUNT_LSB = 36;"));
        assert!(h.contains("localparam integer DIV_CYCLES = 40;"));
        assert!(h.ends_with("/* verilator lint_restore */\n"));
        assert_eq!(HEADER_FILE, format!("rtl/{HEADER_NAME}"));
        assert!(HEADER_COMMAND.ends_with(HEADER_FILE));
    }
}
