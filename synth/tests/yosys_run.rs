//! A real Yosys run on a small design built from the project's own leaf modules (the
//! testbench's embedded RTL sources): the report parser, the hierarchy, the black-boxed memory
//! and the area arithmetic, against counts and areas known independently. Seconds, not
//! minutes. Skipped with a printed reason when Yosys is missing, except when
//! `FSPINN_REQUIRE_RTL_TOOLS=1` (set by `.ci/run`) or `CI` is set, where a missing Yosys fails
//! (scripts/setup.sh --tests installs it).

use std::collections::BTreeMap;
use std::time::Duration;

use fspinn_sim::energy::{CactiTable, Technology};
use fspinn_synth::{cells::CellLibrary, tools, StaMode, SynthError, SynthJob};
use fspinn_testbench::builder::RTL_SOURCES;

/// Two LFSR steps (combinational leaves), two 32-bit registers, one 64 x 16 memory wrapper.
const TOP: &str = r#"
`default_nettype none
module t_top #(parameter DEPTH = 64) (
    input  wire        clk,
    input  wire        rst,
    input  wire        re,
    input  wire [5:0]  raddr,
    output wire [15:0] rdata,
    output wire [31:0] a_q,
    output wire [31:0] b_q
);
    reg [31:0] a, b;
    wire [31:0] a_next, b_next;
    fspinn_lfsr_next16 u_a (.state_in(a), .state_out(a_next));
    fspinn_lfsr_next16 u_b (.state_in(b), .state_out(b_next));
    fspinn_sram_1r1w #(.DEPTH(DEPTH), .WIDTH(16), .LATENCY(1)) u_mem (
        .clk(clk), .re(re), .raddr(raddr), .rdata(rdata),
        .we(1'b1), .waddr(a[5:0]), .wdata(b[15:0]));
    always @(posedge clk) begin
        if (rst) begin
            a <= 32'h0000_0001;
            b <= 32'h0000_0002;
        end else begin
            a <= a_next;
            b <= b_next ^ a;
        end
    end
    assign a_q = a;
    assign b_q = b;
endmodule
`default_nettype wire
"#;

fn yosys_present(test: &str) -> bool {
    match tools::find(tools::YOSYS) {
        Ok(_) => true,
        Err(e)
            if std::env::var_os("CI").is_none()
                && std::env::var("FSPINN_REQUIRE_RTL_TOOLS").as_deref() != Ok("1") =>
        {
            eprintln!("skipping {test}: {e}");
            false
        }
        Err(e) => panic!("{test} needs Yosys under CI: {e}"),
    }
}

fn sources() -> Vec<(&'static str, &'static str)> {
    let mut s: Vec<(&str, &str)> = RTL_SOURCES
        .iter()
        .copied()
        .filter(|(n, _)| *n == "fspinn_lfsr_next16.v" || *n == "fspinn_sram_1r1w.v")
        .collect();
    assert_eq!(s.len(), 2, "the leaf modules are in the testbench's list");
    s.push(("t_top.v", TOP));
    s
}

fn job<'a>(
    srcs: &'a [(&'a str, &'a str)],
    tech: &'a Technology,
    dir: &'a std::path::Path,
    liberty: Option<&'a std::path::Path>,
) -> SynthJob<'a> {
    SynthJob {
        top: "t_top",
        sources: srcs,
        params: &[("DEPTH", 48)],
        liberty,
        technology: tech,
        clock_mhz: 200.0,
        sta: StaMode::IfAvailable,
        timeout: Some(Duration::from_secs(300)),
        work_dir: dir,
        title: "test",
    }
}

#[test]
fn generic_run_reports_hierarchy_flops_memory_and_area() {
    if !yosys_present("generic_run_reports_hierarchy_flops_memory_and_area") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let srcs = sources();
    let tech = Technology::default();
    let r = fspinn_synth::synthesize(&job(&srcs, &tech, dir.path(), None)).unwrap();
    let a = &r.area;
    // 64 register bits, each one $_DFF_P_ after legalisation (the reset is logic).
    assert_eq!(a.flops, 64, "{:?}", a.cells_by_type);
    assert_eq!(a.cells_by_type.get("$_DFF_P_"), Some(&64));
    // Every cell type is a generic gate of the mapping, and the sums agree.
    let lib = CellLibrary::generic().unwrap();
    let mut area = 0.0;
    for (ty, n) in &a.cells_by_type {
        area += lib.area_um2[ty] * *n as f64;
    }
    assert!(
        (a.logic_area_um2 - area).abs() < 1e-6,
        "{} vs {area}",
        a.logic_area_um2
    );
    assert_eq!(a.cells, a.cells_by_type.values().sum::<u64>());
    // The hierarchy: the top, then the two LFSR instances with equal, flop-free logic.
    let paths: Vec<&str> = a.blocks.iter().map(|b| b.instance.as_str()).collect();
    assert_eq!(paths, ["t_top", "t_top.u_a", "t_top.u_b"]);
    assert_eq!(a.blocks[1].module, "fspinn_lfsr_next16");
    assert_eq!(a.blocks[1].cells, a.blocks[2].cells);
    assert!(a.blocks[1].cells > 0);
    assert_eq!(a.blocks[1].flops, 0);
    let top_own = a.blocks[0].cells - a.blocks[1].cells - a.blocks[2].cells;
    assert!(top_own >= 64);
    // The memory: DEPTH set by chparam on the top (48) passed down, WIDTH from the instance.
    assert_eq!(a.srams.len(), 1);
    let m = &a.srams[0];
    assert_eq!(m.instance, "t_top.u_mem");
    assert_eq!((m.depth, m.width, m.bytes), (48, 16, 96));
    let table = CactiTable::embedded();
    let cacti = table.lookup(45, "itrs-lop", "1r1w", 96, 16).unwrap();
    assert_eq!(m.area_mm2, cacti.area_mm2);
    assert!(r.notes.iter().any(|n| n.contains("below CACTI's smallest")));
    assert!((a.total_area_mm2 - (a.logic_area_um2 / 1e6 + m.area_mm2)).abs() < 1e-12);
    assert!(
        r.yosys_time_spent.as_deref().unwrap().contains("abc"),
        "{r:?}"
    );
    // Generic gates have no timing.
    assert!(r.timing.is_none());
    assert!(r.timing_note.as_deref().unwrap().contains("--liberty"));
    let by_module: BTreeMap<&str, u64> = a
        .modules
        .iter()
        .map(|m| (m.module.as_str(), m.instances))
        .collect();
    assert_eq!(by_module["fspinn_lfsr_next16"], 2);
    assert_eq!(by_module["fspinn_sram_1r1w"], 1);
}

/// A five-cell Liberty library (functions and areas, no timing): Yosys maps to it, and the
/// report's area equals Yosys' own `stat -liberty` figure for the top.
const LIB: &str = r#"
library (test5) {
  cell (INVX) { area : 3 ; pin (A) { direction : input ; } pin (Y) { direction : output ; function : "A'" ; } }
  cell (NANDX) { area : 4 ; pin (A) { direction : input ; } pin (B) { direction : input ; }
                 pin (Y) { direction : output ; function : "(A*B)'" ; } }
  cell (NORX) { area : 4 ; pin (A) { direction : input ; } pin (B) { direction : input ; }
                pin (Y) { direction : output ; function : "(A+B)'" ; } }
  cell (BUFX) { area : 5 ; pin (A) { direction : input ; } pin (Y) { direction : output ; function : "A" ; } }
  cell (DFFX) { area : 18 ; ff (IQ, IQN) { clocked_on : C ; next_state : D ; }
                pin (C) { direction : input ; clock : true ; } pin (D) { direction : input ; }
                pin (Q) { direction : output ; function : "IQ" ; } }
}
"#;

#[test]
fn liberty_run_areas_match_yosys_own_figure() {
    if !yosys_present("liberty_run_areas_match_yosys_own_figure") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("test5.lib");
    std::fs::write(&lib, LIB).unwrap();
    let run = dir.path().join("run");
    std::fs::create_dir(&run).unwrap();
    let srcs = sources();
    let tech = Technology::default();
    let mut j = job(&srcs, &tech, &run, Some(&lib));
    j.sta = StaMode::Off;
    let r = fspinn_synth::synthesize(&j).unwrap();
    assert_eq!(r.mapping, "liberty");
    assert_eq!(r.area.flops, 64);
    assert_eq!(r.area.cells_by_type.get("DFFX"), Some(&64));
    let yosys = r.yosys_chip_area_um2.expect("stat -liberty figure");
    assert!(
        (r.area.logic_area_um2 - yosys).abs() < 1e-6,
        "{} vs Yosys {yosys}",
        r.area.logic_area_um2
    );
    assert_eq!(
        r.timing_note.as_deref(),
        Some("static timing not asked for (--no-sta)")
    );
    // Asking for timing without a Liberty file is refused before anything runs.
    let mut j = job(&srcs, &tech, &run, None);
    j.sta = StaMode::Required;
    let e = fspinn_synth::synthesize(&j).unwrap_err();
    assert!(matches!(e, SynthError::Parse { .. }), "{e}");
    assert!(e.to_string().contains("give a Liberty file"), "{e}");
}

/// The five cells with 0.1 ns scalar delays on every arc, for OpenSTA.
fn timed_lib() -> String {
    let arc = |pin: &str| {
        format!(
            "timing () {{ related_pin : \"{pin}\" ; cell_rise (scalar) {{ values (\"0.1\") ; }} \
             cell_fall (scalar) {{ values (\"0.1\") ; }} rise_transition (scalar) {{ values (\"0.01\") ; }} \
             fall_transition (scalar) {{ values (\"0.01\") ; }} }}"
        )
    };
    let gate = |name: &str, area: u32, inputs: &[&str], f: &str| {
        let pins: String = inputs
            .iter()
            .map(|p| format!("pin ({p}) {{ direction : input ; capacitance : 0.001 ; }} "))
            .collect();
        let arcs: String = inputs.iter().map(|p| arc(p)).collect();
        format!(
            "cell ({name}) {{ area : {area} ; {pins} pin (Y) {{ direction : output ; \
             function : \"{f}\" ; {arcs} }} }}\n"
        )
    };
    let mut lib = String::from(
        "library (timed5) {\n delay_model : table_lookup ; time_unit : \"1ns\" ; \
         capacitive_load_unit (1, pf) ;\n input_threshold_pct_rise : 50 ; \
         input_threshold_pct_fall : 50 ; output_threshold_pct_rise : 50 ; \
         output_threshold_pct_fall : 50 ; slew_lower_threshold_pct_rise : 20 ; \
         slew_lower_threshold_pct_fall : 20 ; slew_upper_threshold_pct_rise : 80 ; \
         slew_upper_threshold_pct_fall : 80 ;\n",
    );
    lib += &gate("INVX", 3, &["A"], "A'");
    lib += &gate("BUFX", 5, &["A"], "A");
    lib += &gate("NANDX", 4, &["A", "B"], "(A*B)'");
    lib += &gate("NORX", 4, &["A", "B"], "(A+B)'");
    lib += "cell (DFFX) { area : 18 ; ff (IQ, IQN) { clocked_on : \"C\" ; next_state : \"D\" ; } \
            pin (C) { direction : input ; clock : true ; capacitance : 0.001 ; } \
            pin (D) { direction : input ; capacitance : 0.001 ; timing () { related_pin : \"C\" ; \
            timing_type : setup_rising ; rise_constraint (scalar) { values (\"0.05\") ; } \
            fall_constraint (scalar) { values (\"0.05\") ; } } } \
            pin (Q) { direction : output ; function : \"IQ\" ; timing () { related_pin : \"C\" ; \
            timing_type : rising_edge ; cell_rise (scalar) { values (\"0.1\") ; } \
            cell_fall (scalar) { values (\"0.1\") ; } rise_transition (scalar) { values (\"0.01\") ; } \
            fall_transition (scalar) { values (\"0.01\") ; } } } }\n}\n";
    lib
}

#[test]
fn opensta_gives_slack_and_fmax_of_the_mapped_netlist() {
    if !yosys_present("opensta_gives_slack_and_fmax_of_the_mapped_netlist") {
        return;
    }
    if let Err(e) = tools::find(tools::STA) {
        // OpenSTA is optional (the report says when it is missing): skipped, even under CI.
        eprintln!("skipping opensta_gives_slack_and_fmax_of_the_mapped_netlist: {e}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("timed5.lib");
    std::fs::write(&lib, timed_lib()).unwrap();
    let run = dir.path().join("run");
    std::fs::create_dir(&run).unwrap();
    let srcs = sources();
    let tech = Technology::default();
    let mut j = job(&srcs, &tech, &run, Some(&lib));
    j.sta = StaMode::Required;
    let r = fspinn_synth::synthesize(&j).unwrap();
    let t = r.timing.expect("timing");
    // Register to register through the LFSR's gates: some 0.1 ns stages, well inside 5 ns.
    assert_eq!(t.period_ns, 5.0);
    assert!(
        t.worst_slack_ns > 0.0 && t.worst_slack_ns < 5.0 - 0.2,
        "{t:?}"
    );
    assert!((t.fmax_mhz - 1000.0 / (5.0 - t.worst_slack_ns)).abs() < 1e-9);
    assert!(t.meets_clock);
    assert!(
        r.notes.iter().any(|n| n.contains("not timed")),
        "{:?}",
        r.notes
    );
    assert!(
        !r.notes.iter().any(|n| n.contains("OpenSTA")),
        "{:?}",
        r.notes
    );
    // At a 0.1 ns clock the same netlist fails, with the same path length.
    j.clock_mhz = 10_000.0;
    let r2 = fspinn_synth::synthesize(&j).unwrap();
    let t2 = r2.timing.unwrap();
    assert!(!t2.meets_clock, "{t2:?}");
    assert!(
        (t2.fmax_mhz - t.fmax_mhz).abs() < 1e-6 * t.fmax_mhz,
        "{t2:?} vs {t:?}"
    );
}

#[test]
fn a_timeout_stops_yosys_with_a_clear_message() {
    if !yosys_present("a_timeout_stops_yosys_with_a_clear_message") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let srcs = sources();
    let tech = Technology::default();
    let mut j = job(&srcs, &tech, dir.path(), None);
    j.timeout = Some(Duration::from_millis(1));
    let e = fspinn_synth::synthesize(&j).unwrap_err();
    let msg = e.to_string();
    assert!(msg.starts_with("yosys did not finish within 0 s"), "{msg}");
    assert!(msg.contains("yosys.log"), "{msg}");
}
