//! Tests of the co-simulation infrastructure against the stub `rtl/fspinn_top.v`: the host
//! port, the start/busy/done handshake with cycle numbers, and VCD files read back with the
//! `vcd` crate as an independent parser.
//!
//! The run-control tests check the stub's documented behaviour (busy for exactly `steps`
//! cycles); they are to be revised when the real top replaces the stub.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use fspinn_testbench::{net_reg, params, Outputs, Rtl, TraceError, DRAM_WORDS, RESET_CYCLES};
use vcd::{Command, Header, IdCode, Scope, ScopeItem, TimescaleUnit, Var};

/// Network register 1, `steps` (docs/rtl.md).
const STEPS: u32 = 1;
/// Phase codes the stub shows (`fspinn_sim::waves::PHASES`).
const PHASE_IDLE: u8 = 0;
const PHASE_INTEGRATE: u8 = 8;

fn fresh() -> Rtl {
    let mut rtl = Rtl::new();
    rtl.reset();
    rtl
}

#[test]
fn generated_parameters_are_those_of_the_small_config() {
    let cfg = fspinn_sim::config::HwConfig::builtin("small").expect("built-in config");
    let expected = fspinn_sim::rtl_params::parameters(&cfg, 400, 8, 250, 5).expect("parameters");
    assert_eq!(params::PARAMETERS, expected.as_slice());
    assert_eq!(params::CONFIG, "small");
    assert_eq!(params::PES, 16);
    assert_eq!(DRAM_WORDS, params::DRAM_WORDS);
    // The linked model's port width agrees with the generated constant.
    assert_eq!(Rtl::new().dram_words(), DRAM_WORDS);
}

#[test]
fn reset_leaves_the_chip_idle_after_the_reset_cycles() {
    let mut rtl = Rtl::new();
    assert_eq!(rtl.cycle(), 0);
    assert_eq!(rtl.time_ns(), 0);
    rtl.reset();
    assert_eq!(rtl.cycle(), RESET_CYCLES);
    assert_eq!(rtl.time_ns(), 2 * RESET_CYCLES);
    let out = rtl.outputs();
    assert_eq!(
        out,
        Outputs {
            obs_phase: PHASE_IDLE,
            ..Outputs::default()
        }
    );
    // Idle stays idle without `start`.
    for _ in 0..10 {
        let out = rtl.tick();
        assert!(!out.busy && !out.done);
    }
}

#[test]
fn host_registers_round_trip() {
    let mut rtl = fresh();
    let values: [(u32, u64); 6] = [
        (0, 400),
        (1, 250),
        (3, 0x0123_4567_89ab_cdef),
        (6, (-3i64) as u64),
        (19, u64::MAX),
        (22, 1 << 63),
    ];
    let c0 = rtl.cycle();
    for (reg, value) in values {
        rtl.host_write(net_reg(reg), value);
    }
    assert_eq!(rtl.cycle(), c0 + values.len() as u64, "one cycle per write");
    let c1 = rtl.cycle();
    for (reg, value) in values {
        assert_eq!(rtl.host_read(net_reg(reg)), value, "register {reg}");
    }
    assert_eq!(
        rtl.cycle(),
        c1 + 2 * values.len() as u64,
        "two cycles per read"
    );
    // Registers never written read as zero; a later write replaces the value.
    assert_eq!(rtl.host_read(net_reg(2)), 0);
    rtl.host_write(net_reg(3), 7);
    assert_eq!(rtl.host_read(net_reg(3)), 7);
    assert_eq!(rtl.host_read(net_reg(19)), u64::MAX);
    // Reset clears them again.
    rtl.reset();
    assert_eq!(rtl.host_read(net_reg(19)), 0);
}

/// Runs one sample of `steps` cycles; returns, per cycle of the sample (cycle 0 = the edge
/// that samples `start`), the outputs, until two cycles after `busy` falls.
fn run_sample(rtl: &mut Rtl, steps: u64) -> Vec<Outputs> {
    rtl.host_write(net_reg(STEPS), steps);
    let mut outs = vec![rtl.start()];
    while outs.last().is_some_and(|o| o.busy) && outs.len() < 10_000 {
        outs.push(rtl.tick());
    }
    outs.push(rtl.tick());
    outs
}

#[test]
fn start_makes_busy_for_exactly_steps_cycles_then_done() {
    let mut rtl = fresh();
    for steps in [1u64, 2, 7, 250] {
        let start_cycle = rtl.cycle();
        let outs = run_sample(&mut rtl, steps);
        let n = steps as usize;
        for (k, out) in outs.iter().enumerate() {
            assert_eq!(out.busy, k < n, "steps {steps}: busy in cycle {k}");
            assert_eq!(out.done, k + 1 == n, "steps {steps}: done in cycle {k}");
            if k < n {
                assert_eq!(out.obs_timestep as usize, k, "steps {steps}: timestep");
                assert_eq!(out.obs_phase, PHASE_INTEGRATE);
            } else {
                assert_eq!(out.obs_phase, PHASE_IDLE);
            }
        }
        let done_at: Vec<usize> = (0..outs.len()).filter(|&k| outs[k].done).collect();
        assert_eq!(done_at, vec![n - 1], "steps {steps}: one done pulse");
        assert_eq!(rtl.cycle(), start_cycle + 1 + outs.len() as u64);
    }
}

#[test]
fn zero_steps_behaves_as_one() {
    let mut rtl = fresh();
    let outs = run_sample(&mut rtl, 0);
    assert!(outs[0].busy && outs[0].done);
    assert!(!outs[1].busy && !outs[1].done);
}

#[test]
fn dram_outputs_are_tied_off_and_inputs_accepted() {
    let mut rtl = fresh();
    rtl.set_dram_req_ready(true);
    rtl.set_dram_resp_valid(true);
    rtl.set_dram_resp_rdata(&[u64::MAX; DRAM_WORDS]);
    let out = rtl.tick();
    assert!(!out.dram_req_valid && !out.dram_req_write);
    assert_eq!(out.dram_req_addr, 0);
    assert_eq!(out.dram_req_wdata, [0; DRAM_WORDS]);
    assert!(!out.spike_valid && !out.wupd_valid);
}

// ---------------------------------------------------------------------------------------
// VCD

/// A parsed VCD: its header and every `(time, code, value as bits)` change in file order.
struct Wave {
    header: Header,
    times: Vec<u64>,
    changes: Vec<(u64, IdCode, String)>,
}

fn read_vcd(path: &Path) -> Wave {
    let file = File::open(path).expect("VCD exists");
    let mut parser = vcd::Parser::new(BufReader::new(file));
    let header = parser.parse_header().expect("VCD header parses");
    let mut times = Vec::new();
    let mut changes = Vec::new();
    let mut now = None;
    for cmd in parser {
        match cmd.expect("VCD body parses") {
            Command::Timestamp(t) => {
                times.push(t);
                now = Some(t);
            }
            Command::ChangeScalar(code, v) => {
                changes.push((now.expect("change before a timestamp"), code, v.to_string()));
            }
            Command::ChangeVector(code, v) => {
                changes.push((now.expect("change before a timestamp"), code, v.to_string()));
            }
            _ => {}
        }
    }
    Wave {
        header,
        times,
        changes,
    }
}

fn scope<'a>(items: &'a [ScopeItem], name: &str) -> &'a Scope {
    items
        .iter()
        .find_map(|i| match i {
            ScopeItem::Scope(s) if s.identifier == name => Some(s),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no scope {name}"))
}

fn scope_names(items: &[ScopeItem]) -> Vec<&str> {
    items
        .iter()
        .filter_map(|i| match i {
            ScopeItem::Scope(s) => Some(s.identifier.as_str()),
            _ => None,
        })
        .collect()
}

fn var<'a>(s: &'a Scope, name: &str) -> &'a Var {
    s.find_var(name)
        .unwrap_or_else(|| panic!("no variable {name} in {}", s.identifier))
}

impl Wave {
    /// `(time, value)` of every change of `code`.
    fn history(&self, code: IdCode) -> Vec<(u64, u128)> {
        self.changes
            .iter()
            .filter(|(_, c, _)| *c == code)
            .map(|(t, _, v)| (*t, u128::from_str_radix(v, 2).expect("a 0/1 value")))
            .collect()
    }
}

#[test]
fn vcd_has_the_hierarchy_increasing_times_and_busy_edges() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("run.vcd");
    let mut rtl = fresh();
    rtl.host_write(net_reg(STEPS), 5);
    let open_cycle = rtl.cycle();
    rtl.trace_open(&path).expect("trace opens");
    assert!(rtl.is_tracing());
    for _ in 0..3 {
        rtl.tick();
    }
    let start_cycle = rtl.cycle();
    let mut outs = vec![rtl.start()];
    for _ in 0..8 {
        outs.push(rtl.tick());
    }
    let end_cycle = rtl.cycle();
    rtl.trace_close();
    assert!(!rtl.is_tracing());

    let wave = read_vcd(&path);
    assert_eq!(wave.header.timescale, Some((1, TimescaleUnit::NS)));
    // Verilator names the outer scope after the model ("TOP", the ports) and nests the top
    // module's instance, named after the module, inside it.
    assert_eq!(scope_names(&wave.header.items), ["TOP"]);
    let top = scope(&wave.header.items, "TOP");
    assert_eq!(scope_names(&top.items), ["fspinn_top"]);
    let inner = scope(&top.items, "fspinn_top");
    assert!(wave
        .header
        .find_var(&["TOP", "fspinn_top", "busy"])
        .is_some());
    for port in ["clk", "busy", "done", "host_rdata", "dram_resp_rdata"] {
        let outer = var(top, port);
        assert_eq!(outer.code, var(inner, port).code, "{port}: one signal");
    }
    assert_eq!(var(top, "dram_req_wdata").size as usize, 64 * DRAM_WORDS);
    assert!(
        inner.find_var("cycle_in_sample").is_some(),
        "internals traced"
    );

    // The -G parameters reached the model.
    let param_codes: BTreeMap<&str, IdCode> = params::PARAMETERS
        .iter()
        .map(|(name, _)| (*name, var(inner, name).code))
        .collect();
    for (name, value) in params::PARAMETERS {
        let hist = wave.history(param_codes[name]);
        assert_eq!(hist, vec![(2 * open_cycle, u128::from(*value))], "{name}");
    }

    // One timestamp per clock edge, strictly increasing, from the cycle the trace opened.
    assert!(
        wave.times.windows(2).all(|w| w[0] < w[1]),
        "{:?}",
        wave.times
    );
    assert_eq!(wave.times.first(), Some(&(2 * open_cycle)));
    assert_eq!(wave.times.last(), Some(&(2 * end_cycle - 1)));
    let clk = wave.history(var(top, "clk").code);
    assert_eq!(clk.len() as u64, 2 * (end_cycle - open_cycle));
    for (t, v) in &clk {
        assert_eq!(*v, u128::from(t % 2 == 1), "clk at {t}");
    }

    // busy rises at the rising edge that samples start, falls 5 cycles later.
    let busy = wave.history(var(top, "busy").code);
    assert_eq!(
        busy,
        vec![
            (2 * open_cycle, 0),
            (2 * start_cycle + 1, 1),
            (2 * (start_cycle + 5) + 1, 0)
        ]
    );
    // done is high in the last busy cycle only.
    let done = wave.history(var(top, "done").code);
    assert_eq!(
        done,
        vec![
            (2 * open_cycle, 0),
            (2 * (start_cycle + 4) + 1, 1),
            (2 * (start_cycle + 5) + 1, 0)
        ]
    );
    // And the wave agrees with what tick() returned.
    assert_eq!(outs.iter().filter(|o| o.busy).count(), 5);
}

#[test]
fn wide_input_word_order_in_the_vcd() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("wide.vcd");
    let mut rtl = fresh();
    let words: [u64; DRAM_WORDS] =
        std::array::from_fn(|i| 0x1111_1111_1111_1111u64.wrapping_mul(i as u64 + 1) ^ 0x8000_0001);
    rtl.trace_open(&path).expect("trace opens");
    let set_cycle = rtl.cycle();
    rtl.set_dram_resp_rdata(&words);
    rtl.tick();
    rtl.trace_close();

    let wave = read_vcd(&path);
    let code = wave
        .header
        .find_var(&["TOP", "dram_resp_rdata"])
        .expect("port traced")
        .code;
    let changes: Vec<(u64, &str)> = wave
        .changes
        .iter()
        .filter(|(_, c, _)| *c == code)
        .map(|(t, _, v)| (*t, v.as_str()))
        .collect();
    // Bits [64i+63:64i] = words[i]: the VCD prints the MSB first.
    let expected: String = words.iter().rev().map(|w| format!("{w:064b}")).collect();
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].0, 2 * set_cycle);
    let got = format!("{:0>width$}", changes[0].1, width = 64 * DRAM_WORDS);
    assert_eq!(got, expected);
}

#[test]
fn trace_errors_are_typed_and_tracing_can_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut rtl = fresh();

    let missing = dir.path().join("no/such/folder/x.vcd");
    match rtl.trace_open(&missing) {
        Err(TraceError::Create { path, .. }) => assert_eq!(path, missing),
        other => panic!("expected Create, got {other:?}"),
    }
    assert!(!rtl.is_tracing());

    let nul = dir.path().join("bad\0name.vcd");
    assert!(matches!(
        rtl.trace_open(&nul),
        Err(TraceError::Create { .. })
    ));

    let first = dir.path().join("first.vcd");
    rtl.trace_open(&first).expect("opens");
    assert!(matches!(
        rtl.trace_open(dir.path().join("second.vcd")),
        Err(TraceError::AlreadyOpen)
    ));
    rtl.tick();
    rtl.trace_close();
    rtl.trace_close(); // closing twice is harmless

    let second = dir.path().join("second.vcd");
    let c = rtl.cycle();
    rtl.trace_open(&second).expect("reopens after close");
    rtl.tick();
    rtl.tick();
    rtl.trace_close();
    let wave = read_vcd(&second);
    assert_eq!(wave.times, vec![2 * c, 2 * c + 1, 2 * c + 2, 2 * c + 3]);
    assert!(read_vcd(&first).times.len() == 2);
}

#[test]
fn models_are_independent() {
    let mut a = fresh();
    let mut b = fresh();
    a.host_write(net_reg(0), 11);
    b.host_write(net_reg(0), 22);
    assert_eq!(a.host_read(net_reg(0)), 11);
    assert_eq!(b.host_read(net_reg(0)), 22);
    // Separate threads, each with its own model.
    let handles: Vec<_> = (0..2u64)
        .map(|i| {
            std::thread::spawn(move || {
                let mut rtl = fresh();
                rtl.host_write(net_reg(4), i + 100);
                rtl.host_read(net_reg(4))
            })
        })
        .collect();
    let got: Vec<u64> = handles
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect();
    assert_eq!(got, vec![100, 101]);
}
