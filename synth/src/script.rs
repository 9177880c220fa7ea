//! The Yosys script of one synthesis run (written as `flow.ys` into the run's folder, so the
//! exact run can be repeated with `yosys -s flow.ys` there) and the OpenSTA script.
//!
//! The flow keeps the hierarchy (no `-flatten`): the report's per-block breakdown is per
//! module instance. Memory wrappers (modules named `fspinn_sram*` / `fspinn_rf*`, one per
//! file of the same name) are read with `read_verilog -lib`: black boxes, priced as SRAM
//! macros, never synthesised.

use std::fmt::Write as _;

/// Whether `module` is a memory wrapper that a macro replaces (black-boxed, priced by CACTI).
pub fn is_memory_wrapper(module: &str) -> bool {
    module.starts_with("fspinn_sram") || module.starts_with("fspinn_rf")
}

/// What to map the design to.
#[derive(Clone, Debug, PartialEq)]
pub enum Mapping {
    /// Yosys' generic gates through `abc -g` (priced with the NanGate X1 table).
    Generic,
    /// The cells of a Liberty file (`dfflibmap` + `abc -liberty`); the path as Yosys reads it.
    Liberty(String),
}

/// The ABC gate set of the generic flow (each has an X1 equivalent, `cells::GENERIC_MAP`).
pub const ABC_GATES: &str = "AND,NAND,OR,NOR,XOR,XNOR,ANDNOT,ORNOT,MUX,AOI3,OAI3,AOI4,OAI4";
/// The flops and latches the generic flow legalises to: enables and synchronous resets become
/// logic that ABC optimises with the rest.
pub const DFF_LEGALIZE: &str = "dfflegalize -cell $_DFF_P_ 01 -cell $_DFF_PN0_ 01 \
    -cell $_DFF_PN1_ 01 -cell $_DLATCH_P_ 01 -cell $_DLATCH_N_ 01";
/// File the cell counts per module are written to.
pub const STAT_JSON: &str = "stat.json";
/// File the module hierarchy (instances and black-box parameters, no gates) is written to.
pub const HIERARCHY_JSON: &str = "hierarchy.json";
/// Yosys' own `stat -liberty` text (Liberty mapping): its chip area cross-checks the report.
pub const STAT_LIBERTY_TXT: &str = "stat-liberty.txt";
/// The flattened mapped netlist for OpenSTA.
pub const NETLIST_V: &str = "netlist.v";

/// The Yosys script: read `files` (names in the run's `rtl/` folder; `.v` files only, headers
/// are found through `-I rtl`), set `params` on `top`, synthesise with `mapping`, write the
/// statistics and the hierarchy; with `netlist`, also the flattened netlist for STA.
pub fn yosys_script(
    title: &str,
    files: &[String],
    top: &str,
    params: &[(String, u64)],
    mapping: &Mapping,
    netlist: bool,
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# {title}");
    let _ = writeln!(
        s,
        "# Written by `fspinn synth` (synth/src/script.rs); rerun with `yosys -s flow.ys` here."
    );
    let (memories, logic): (Vec<&String>, Vec<&String>) = files
        .iter()
        .filter(|f| f.ends_with(".v"))
        .partition(|f| is_memory_wrapper(f.trim_end_matches(".v")));
    for m in &memories {
        let _ = writeln!(s, "read_verilog -I rtl -lib rtl/{m}");
    }
    let _ = write!(s, "read_verilog -I rtl");
    for f in &logic {
        let _ = write!(s, " rtl/{f}");
    }
    let _ = writeln!(s);
    let _ = write!(s, "chparam");
    for (k, v) in params {
        let _ = write!(s, " -set {k} {v}");
    }
    let _ = writeln!(s, " {top}");
    let _ = writeln!(s, "synth -top {top} -noabc");
    let _ = writeln!(s, "rename -top {top}");
    match mapping {
        Mapping::Generic => {
            let _ = writeln!(s, "{DFF_LEGALIZE}");
            let _ = writeln!(s, "abc -g {ABC_GATES}");
        }
        Mapping::Liberty(lib) => {
            let _ = writeln!(s, "dfflibmap -liberty {lib}");
            let _ = writeln!(s, "abc -liberty {lib}");
        }
    }
    let _ = writeln!(s, "opt_clean");
    let _ = writeln!(s, "tee -q -o {STAT_JSON} stat -json");
    if let Mapping::Liberty(lib) = mapping {
        let _ = writeln!(s, "tee -q -o {STAT_LIBERTY_TXT} stat -liberty {lib}");
    }
    if netlist {
        let _ = writeln!(s, "design -save mapped");
        let _ = writeln!(s, "flatten");
        // The macros have no timing model: their instances are left out of the netlist, so
        // paths into and out of them are not timed (docs/synthesis.md).
        let _ = writeln!(
            s,
            "delete */t:fspinn_sram* */t:fspinn_rf* */t:$paramod*fspinn_sram* */t:$paramod*fspinn_rf*"
        );
        // One net per bit: OpenSTA's Verilog reader takes no concatenation on the left of an
        // `assign`, which multi-bit aliases would produce.
        let _ = writeln!(s, "splitnets -ports");
        let _ = writeln!(s, "opt_clean -purge");
        let _ = writeln!(s, "write_verilog -noattr -noexpr -nohex -nodec {NETLIST_V}");
        let _ = writeln!(s, "design -load mapped");
    }
    // Keep only the instances of design modules (and black boxes): the hierarchy and the
    // memory wrappers' parameters, without the gates (which would make the file huge). The
    // `keep` stops opt_clean from removing instances whose outputs drove only deleted gates.
    let _ = writeln!(s, "setattr -set keep 1 */t:fspinn_* */t:$paramod* %u");
    let _ = writeln!(s, "delete */c:* */t:fspinn_* */t:$paramod* %u %d");
    let _ = writeln!(s, "opt_clean -purge");
    let _ = writeln!(s, "write_json {HIERARCHY_JSON}");
    s
}

/// The OpenSTA script: worst setup slack of the flattened netlist at `period_ns`, every input
/// and output constrained to the clock with zero external delay.
pub fn sta_script(liberty: &str, top: &str, period_ns: f64) -> String {
    format!(
        "# Written by `fspinn synth` (synth/src/script.rs); rerun with `sta -no_splash -exit sta.tcl`.\n\
         read_liberty {liberty}\n\
         read_verilog {NETLIST_V}\n\
         link_design {top}\n\
         create_clock -name clk -period {period_ns} [get_ports clk]\n\
         set_input_delay 0 -clock clk [delete_from_list [all_inputs] [get_ports clk]]\n\
         set_output_delay 0 -clock clk [all_outputs]\n\
         report_worst_slack -digits 4\n\
         report_checks -path_delay max -digits 4\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memories_are_black_boxes_and_parameters_are_set() {
        let files = vec![
            "fspinn_top.v".to_string(),
            "fspinn_sram_1r1w.v".to_string(),
            "fspinn_rf_2r1w.v".to_string(),
            "fspinn_consts.vh".to_string(),
        ];
        let s = yosys_script(
            "t",
            &files,
            "fspinn_top",
            &[("PES".into(), 4)],
            &Mapping::Generic,
            false,
        );
        assert!(
            s.contains("read_verilog -I rtl -lib rtl/fspinn_sram_1r1w.v\n"),
            "{s}"
        );
        assert!(
            s.contains("read_verilog -I rtl -lib rtl/fspinn_rf_2r1w.v\n"),
            "{s}"
        );
        assert!(s.contains("read_verilog -I rtl rtl/fspinn_top.v\n"), "{s}");
        assert!(
            !s.contains("consts.vh"),
            "headers are included, not read: {s}"
        );
        assert!(s.contains("chparam -set PES 4 fspinn_top\n"), "{s}");
        assert!(s.contains(&format!("abc -g {ABC_GATES}")), "{s}");
        assert!(!s.contains("write_verilog"), "{s}");
        let s = yosys_script(
            "t",
            &files,
            "fspinn_top",
            &[],
            &Mapping::Liberty("/x/y.lib".into()),
            true,
        );
        assert!(
            s.contains("dfflibmap -liberty /x/y.lib\nabc -liberty /x/y.lib\n"),
            "{s}"
        );
        assert!(s.contains("write_verilog"), "{s}");
    }
}
