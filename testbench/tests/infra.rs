//! Tests of the co-simulation infrastructure on the real `rtl/fspinn_top.v`: the host port
//! (every network register with its width and signedness, reset), the start/busy/done
//! handshake of whole samples against the cycle model (`fspinn-sim`, L2), VCD files read back
//! with the `vcd` crate as an independent parser, and the independence of separate models.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use fspinn_model::data::{builtin, Split};
use fspinn_model::fspinn::{FspinnNetwork, FspinnParams};
use fspinn_model::rng::Rng;
use fspinn_sim::rtl_consts::{self, Phase, Space};
use fspinn_sim::{Accelerator, HwConfig, SampleOutcome};
use fspinn_testbench::cosim::{RtlAccelerator, RtlSample};
use fspinn_testbench::{params, Outputs, Rtl, TraceError, DRAM_WORDS, RESET_CYCLES};
use vcd::{Command, Header, IdCode, Scope, ScopeItem, TimescaleUnit, Var};

/// Phase codes (`fspinn_sim::rtl_consts::Phase`).
const PHASE_IDLE: u8 = Phase::Idle.code();
/// Clock period of the small config (200 MHz) in the VCD's 1 ps unit, and its half: cycle `c`
/// has its low half at `P * c` and its rising edge at `P * c + H`.
const P: u64 = 5_000;
const H: u64 = P / 2;
const PHASE_SEED: u128 = Phase::Seed.code() as u128;
const PHASE_THRESHOLD: u128 = Phase::Threshold.code() as u128;

fn fresh() -> Rtl {
    let mut rtl = Rtl::new();
    rtl.reset();
    rtl
}

#[test]
fn generated_parameters_are_those_of_the_small_config() {
    let cfg = fspinn_sim::config::HwConfig::builtin("small").expect("built-in config");
    let net = fspinn_sim::rtl_params::RtlNetwork {
        neurons: 400,
        weight_bits: 8,
        steps: 250,
        refractory_steps: 5,
        max_attempts: 16,
    };
    let expected = fspinn_sim::rtl_params::parameters(&cfg, &net).expect("parameters");
    assert_eq!(params::PARAMETERS, expected.as_slice());
    assert_eq!(params::CONFIG, "small");
    assert_eq!(params::PES, 16);
    assert_eq!(DRAM_WORDS, params::DRAM_WORDS);
    // The built model's port width agrees with the generated constant.
    assert_eq!(Rtl::new().dram_words(), DRAM_WORDS);
}

#[test]
fn reset_leaves_the_chip_idle_after_the_reset_cycles() {
    let mut rtl = Rtl::new();
    assert_eq!(rtl.cycle(), 0);
    assert_eq!(rtl.time_ps(), 0);
    rtl.reset();
    assert_eq!(rtl.cycle(), RESET_CYCLES);
    assert_eq!(rtl.period_ps(), 5_000, "the small config's 200 MHz");
    assert_eq!(rtl.time_ps(), 5_000 * RESET_CYCLES);
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

// ---------------------------------------------------------------------------------------
// Host registers

/// A network register of space 0x00 as `rtl/fspinn_top.v` must declare it.
#[derive(Clone, Copy)]
struct Reg {
    index: u32,
    name: &'static str,
    bits: u32,
    signed: bool,
}

const fn reg(index: u32, name: &'static str, bits: u32, signed: bool) -> Reg {
    Reg {
        index,
        name,
        bits,
        signed,
    }
}

/// Every network register of the shared table (`fspinn_sim::rtl_consts::REGISTERS`, the
/// widths and signedness the Rust side loads values with): the round trip below checks the
/// RTL's flops have exactly these.
const REGISTERS: [Reg; rtl_consts::REGISTERS.len()] = {
    let mut all = [reg(0, "", 1, false); rtl_consts::REGISTERS.len()];
    let mut i = 0;
    while i < all.len() {
        let r = &rtl_consts::REGISTERS[i];
        all[i] = reg(r.reg.index(), r.name, r.width, r.signed);
        i += 1;
    }
    all
};

/// Host address of register `index` (space 0x00), also past the table.
fn net_reg(index: u32) -> u32 {
    Space::Registers.addr(index)
}

impl Reg {
    fn mask(&self) -> u64 {
        (1u64 << self.bits) - 1
    }

    /// What a read returns after writing `value`: its low `bits`, sign-extended when signed.
    fn read_back(&self, value: u64) -> u64 {
        let low = value & self.mask();
        if self.signed && low >> (self.bits - 1) & 1 == 1 {
            low | !self.mask()
        } else {
            low
        }
    }

    /// Values that fit the register (they read back unchanged): extremes, one, and a pattern
    /// that depends on the index so that no two registers hold the same value.
    fn fitting(&self) -> Vec<u64> {
        let pattern = 0x9e37_79b9_7f4a_7c15u64.rotate_left(self.index * 7);
        if self.signed {
            let max = (1i64 << (self.bits - 1)) - 1;
            let min = -(1i64 << (self.bits - 1));
            let v = self.read_back(pattern) as i64;
            [max, min, -1, 1, v].map(|x| x as u64).to_vec()
        } else {
            vec![self.mask(), 1, pattern & self.mask()]
        }
    }
}

fn all_read(rtl: &mut Rtl) -> Vec<u64> {
    REGISTERS
        .iter()
        .map(|r| rtl.host_read(net_reg(r.index)))
        .collect()
}

#[test]
fn host_registers_round_trip() {
    let mut rtl = fresh();
    assert_eq!(all_read(&mut rtl), vec![0; REGISTERS.len()], "after reset");

    // Values that fit: every register at once (no aliasing between them), one round per value.
    let rounds = REGISTERS.iter().map(|r| r.fitting().len()).max().unwrap();
    for round in 0..rounds {
        let values: Vec<u64> = REGISTERS
            .iter()
            .map(|r| {
                let f = r.fitting();
                f[round % f.len()]
            })
            .collect();
        let c0 = rtl.cycle();
        for (r, &v) in REGISTERS.iter().zip(&values) {
            rtl.host_write(net_reg(r.index), v);
        }
        assert_eq!(
            rtl.cycle(),
            c0 + REGISTERS.len() as u64,
            "one cycle per write"
        );
        let c1 = rtl.cycle();
        let got = all_read(&mut rtl);
        assert_eq!(
            rtl.cycle(),
            c1 + 2 * REGISTERS.len() as u64,
            "two cycles per read"
        );
        for ((r, &v), &g) in REGISTERS.iter().zip(&values).zip(&got) {
            assert_eq!(g, v, "register {} {} round {round}", r.index, r.name);
        }
    }

    // Wider values keep the register's low bits, sign-extended when the register is signed.
    let wide = [
        0x0123_4567_89ab_cdef,
        u64::MAX,
        1 << 63,
        0xfedc_ba98_7654_3210,
    ];
    for value in wide {
        for r in &REGISTERS {
            rtl.host_write(net_reg(r.index), value);
            let got = rtl.host_read(net_reg(r.index));
            assert_eq!(
                got,
                r.read_back(value),
                "register {} {} written {value:#x}",
                r.index,
                r.name
            );
        }
    }
    // The same rule spelled out for a few registers.
    let spelled: [(u32, u64, u64); 10] = [
        (3, 0x0123_4567_89ab_cdef, 0xffff_ffff_ffff_cdef), // 16 bits, signed, negative
        (3, 0x0123_4567_89ab_4def, 0x4def),                // 16 bits, signed, positive
        (6, (-3i64) as u64, (-3i64) as u64),               // 6 bits, signed: fits
        (6, 0x3f, u64::MAX),                               // 6 bits, signed: -1
        (6, 0x40 | 0x1f, 0x1f),                            // bit 6 dropped
        (2, 0x3f, 0x1f),                                   // 5 bits
        (12, u64::MAX, 0xff_ffff_ffff),                    // 40 bits
        (19, u64::MAX, 0xffff_ffff),                       // 32 bits
        (20, 2, 0),                                        // 1 bit
        (22, 1 << 63, 0),                                  // 16 bits
    ];
    for (index, value, expected) in spelled {
        rtl.host_write(net_reg(index), value);
        assert_eq!(
            rtl.host_read(net_reg(index)),
            expected,
            "register {index} written {value:#x}"
        );
    }

    // Indices past the table read as zero; a later write replaces the value.
    rtl.host_write(net_reg(23), u64::MAX);
    assert_eq!(rtl.host_read(net_reg(23)), 0);
    assert_eq!(rtl.host_read(net_reg(255)), 0);
    rtl.host_write(net_reg(3), 7);
    assert_eq!(rtl.host_read(net_reg(3)), 7);

    // Reset clears every register again.
    for r in &REGISTERS {
        rtl.host_write(net_reg(r.index), r.fitting()[0]);
    }
    assert!(all_read(&mut rtl).iter().all(|&v| v != 0));
    rtl.reset();
    assert_eq!(all_read(&mut rtl), vec![0; REGISTERS.len()], "after reset");
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

/// Like [`read_vcd`], but keeps only the changes of the variables at `paths` (scope names,
/// then the variable's), found by a plain line scanner over the body: the traces of whole
/// samples run to tens of MB, which the `vcd` crate, unoptimised in test builds, takes
/// seconds per 10 MB to parse. Verilator writes one command per line: `#time`,
/// `<0|1|x|z><code>` or `b<bits> <code>`.
fn read_vcd_signals(path: &Path, paths: &[&[&str]]) -> Wave {
    let file = File::open(path).expect("VCD exists");
    let header = vcd::Parser::new(BufReader::new(file))
        .parse_header()
        .expect("VCD header parses");
    let wanted: Vec<(String, IdCode)> = paths
        .iter()
        .map(|p| {
            let code = header
                .find_var(p)
                .unwrap_or_else(|| panic!("no variable {p:?}"))
                .code;
            (code.to_string(), code)
        })
        .collect();
    let mut reader = BufReader::new(File::open(path).expect("VCD exists"));
    let mut line = Vec::new();
    let mut in_body = false;
    let mut times = Vec::new();
    let mut changes = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).expect("VCD reads") == 0 {
            break;
        }
        let text = std::str::from_utf8(&line).expect("VCD is ASCII").trim_end();
        if !in_body {
            in_body = text.contains("$enddefinitions");
            continue;
        }
        let (value, code) = match text.as_bytes().first() {
            Some(b'#') => {
                times.push(text[1..].parse().expect("a timestamp"));
                continue;
            }
            Some(b'b') => text[1..].split_once(' ').expect("b<bits> <code>"),
            Some(b'0' | b'1' | b'x' | b'z') => text.split_at(1),
            _ => continue,
        };
        if let Some((_, id)) = wanted.iter().find(|(c, _)| c == code) {
            let now = *times.last().expect("change before a timestamp");
            changes.push((now, *id, value.to_string()));
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

    fn top(&self) -> &Scope {
        scope(&self.header.items, "TOP")
    }

    fn inner(&self) -> &Scope {
        scope(&self.top().items, "fspinn_top")
    }

    /// History of port `name` (scope `TOP`).
    fn port(&self, name: &str) -> Vec<(u64, u128)> {
        self.history(var(self.top(), name).code)
    }

    /// History of signal `name` of `fspinn_top`.
    fn internal(&self, name: &str) -> Vec<(u64, u128)> {
        self.history(var(self.inner(), name).code)
    }
}

// ---------------------------------------------------------------------------------------
// Run control: whole samples on a tiny network, against the cycle model

/// Inputs of the network (the spike generator of the verilated config).
const INPUTS: usize = params::INPUTS;

/// The L2 accelerator of the "small" config for a 16-neuron network presenting each image
/// for `steps` steps, with at most `max_attempts` attempts.
fn tiny_model(steps: u32, max_attempts: u32) -> Accelerator {
    let cfg = HwConfig::builtin("small").expect("built-in config");
    let p = FspinnParams {
        presentation_ms: steps as f32,
        dt_ms: 1.0,
        max_attempts,
        ..FspinnParams::default()
    };
    let net = FspinnNetwork::new(p, INPUTS, 16, &mut Rng::from_seed(11)).expect("network");
    let model = Accelerator::new(&cfg, &net, 8).expect("the network fits");
    assert_eq!(model.consts().steps, steps);
    model
}

fn test_image(k: usize) -> Vec<u8> {
    builtin(Split::Test).image(k).to_vec()
}

/// One sample on the cycle model and, loaded with the same network beforehand, on the RTL
/// through `RtlAccelerator::run_sample`, with a VCD opened before the call (it covers the
/// host writes, `start` and at least every cycle up to `done`; `run_sample` may close it
/// there) and closed after it.
struct Traced {
    model: SampleOutcome,
    rtl: RtlSample,
    wave: Wave,
    /// `Rtl::cycle()` when the trace opened.
    open_cycle: u64,
}

fn traced_sample(
    model: &mut Accelerator,
    image: &[u8],
    seed: u32,
    train: bool,
    path: &Path,
) -> Traced {
    let mut rtl = RtlAccelerator::load_from(model);
    let eta = model.potentiation_factor();
    let outcome = model.run_sample(image, seed, train);
    let open_cycle = rtl.rtl().cycle();
    rtl.rtl().trace_open(path).expect("trace opens");
    let sample = rtl.run_sample(image, seed, train, eta);
    rtl.rtl().trace_close();
    // Idle after the sample, and it stays idle.
    for _ in 0..4 {
        let out = rtl.rtl().tick();
        assert!(!out.busy && !out.done, "idle after the sample");
        assert_eq!(out.obs_phase, PHASE_IDLE);
    }
    let wave = read_vcd_signals(
        path,
        &[
            &["TOP", "start"],
            &["TOP", "busy"],
            &["TOP", "done"],
            &["TOP", "obs_attempt"],
            &["TOP", "obs_timestep"],
            &["TOP", "obs_phase"],
            &["TOP", "fspinn_top", "n_in"],
        ],
    );
    Traced {
        model: outcome,
        rtl: sample,
        wave,
        open_cycle,
    }
}

/// Checks the handshake of the one sample in `t`'s wave: `start` for one cycle (the edge that
/// samples it is cycle 0 of the sample); `busy` low before, high from that edge through the
/// cycle of `done` inclusive, and low from the next edge on; exactly one `done` pulse, in the
/// last cycle; the RTL's cycle count equal to the model's. Returns the cycle `start` was
/// sampled in.
fn check_handshake(t: &Traced, what: &str) -> u64 {
    let cycles = t.model.cycles;
    assert!(cycles > 0);
    assert_eq!(t.rtl.cycles, cycles, "{what}: cycles, RTL vs model");
    assert_eq!(t.rtl.counts, t.model.counts, "{what}: spike counts");
    let open = P * t.open_cycle;
    let start = t.wave.port("start");
    assert_eq!(start.len(), 3, "{what}: one start pulse: {start:?}");
    // Inputs change at the rising edge after which the testbench sets them (cpp/capi.cpp: no
    // half-cycle glitches), one cycle before the edge that samples them.
    let s = (start[1].0 + H) / P;
    assert_eq!(
        start,
        vec![(open, 0), (P * s - H, 1), (P * s + H, 0)],
        "{what}: start"
    );
    let done_edge = P * (s + cycles - 1) + H;
    let after_edge = done_edge + P;
    let last = *t.wave.times.last().expect("timestamps");
    assert!(last >= done_edge, "{what}: the trace reaches done");
    // The edge after done is in the wave unless the trace stopped at done.
    let tail = |v: u128| {
        if last >= after_edge {
            vec![(after_edge, v)]
        } else {
            vec![]
        }
    };
    let mut busy = vec![(open, 0), (P * s + H, 1)];
    busy.extend(tail(0));
    assert_eq!(
        t.wave.port("busy"),
        busy,
        "{what}: busy high from cycle 0 to the cycle of done, inclusive"
    );
    let mut done = vec![(open, 0), (done_edge, 1)];
    done.extend(tail(0));
    assert_eq!(
        t.wave.port("done"),
        done,
        "{what}: one done pulse, in the last cycle"
    );
    s
}

#[test]
fn start_makes_busy_until_done_and_the_cycles_match_the_model() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (k, steps) in [(0usize, 3u32), (1, 1), (2, 6)] {
        for train in [false, true] {
            let mut model = tiny_model(steps, 2);
            let what = format!("image {k}, {steps} steps, train {train}");
            let path = dir.path().join(format!("run{k}{train}.vcd"));
            let t = traced_sample(&mut model, &test_image(k), 40 + k as u32, train, &path);
            check_handshake(&t, &what);
            // The controller ran the model's attempts, `steps` time steps each.
            let attempts = t.wave.port("obs_attempt");
            let last_attempt = attempts.last().expect("attempt traced").1;
            assert_eq!(last_attempt + 1, u128::from(t.model.attempts), "{what}");
            let timesteps: Vec<u128> = t.wave.port("obs_timestep").iter().map(|c| c.1).collect();
            assert_eq!(
                timesteps.iter().max(),
                Some(&u128::from(steps - 1)),
                "{what}"
            );
        }
    }
}

#[test]
fn a_blank_image_repeats_the_attempt_up_to_max_attempts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let blank = vec![0u8; INPUTS];
    for (max_attempts, train) in [(1u32, false), (3, false), (3, true)] {
        let what = format!("max_attempts {max_attempts}, train {train}");
        let mut model = tiny_model(2, max_attempts);
        let path = dir.path().join(format!("blank{max_attempts}{train}.vcd"));
        let t = traced_sample(&mut model, &blank, 9, train, &path);
        check_handshake(&t, &what);
        assert_eq!(t.model.attempts, max_attempts, "{what}");
        assert!(t.rtl.spikes.is_empty() && t.rtl.weight_writes.is_empty());
        assert!(t.rtl.counts.iter().all(|&c| c == 0));
        // No input spikes in any step.
        assert!(t.wave.internal("n_in").iter().all(|c| c.1 == 0), "{what}");
        // Every attempt, 0 to max_attempts - 1, in order; one seed pass, then one threshold
        // pass per attempt.
        let attempts: Vec<u128> = t.wave.port("obs_attempt").iter().map(|c| c.1).collect();
        let expected: Vec<u128> = (0..u128::from(max_attempts)).collect();
        assert_eq!(attempts, expected, "{what}");
        let phases = t.wave.port("obs_phase");
        let count = |code| phases.iter().filter(|c| c.1 == code).count();
        assert_eq!(count(PHASE_SEED), 1, "{what}");
        assert_eq!(count(PHASE_THRESHOLD), max_attempts as usize, "{what}");
    }
}

#[test]
fn vcd_has_the_hierarchy_increasing_times_and_busy_edges() {
    const SEED: u32 = 5;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("run.vcd");
    let image = test_image(0);
    let mut model = tiny_model(2, 1);
    let mut acc = RtlAccelerator::load_from(&model);
    let expected = model.run_sample(&image, SEED, false);
    // A short inference run driven through the host port (docs/rtl.md: pixels in space 0x03 by
    // row and lane, `sample_seed` and `train` registers), traced from a few idle cycles before
    // `start` to a few after `done`.
    let lanes = HwConfig::builtin("small")
        .expect("built-in config")
        .spike_generator
        .lanes;
    let rtl = acc.rtl();
    for (c, &px) in image.iter().enumerate() {
        rtl.host_write(rtl_consts::pixel_addr(c, lanes as usize), u64::from(px));
    }
    rtl.host_write(rtl_consts::Reg::SampleSeed.addr(), u64::from(SEED));
    rtl.host_write(rtl_consts::Reg::Train.addr(), 0);
    let open_cycle = rtl.cycle();
    rtl.trace_open(&path).expect("trace opens");
    assert!(rtl.is_tracing());
    for _ in 0..3 {
        rtl.tick();
    }
    let start_cycle = rtl.cycle();
    let mut outs = vec![rtl.start()];
    while !outs.last().is_some_and(|o| o.done) {
        assert!(outs.len() < 1 << 20, "the RTL never finished");
        outs.push(rtl.tick());
    }
    let cycles = outs.len() as u64;
    assert_eq!(cycles, expected.cycles, "cycles, RTL vs model");
    for _ in 0..3 {
        outs.push(rtl.tick());
    }
    let end_cycle = rtl.cycle();
    rtl.trace_close();
    assert!(!rtl.is_tracing());
    for (k, out) in outs.iter().enumerate() {
        let k = k as u64;
        assert_eq!(out.busy, k < cycles, "busy in cycle {k}");
        assert_eq!(out.done, k + 1 == cycles, "done in cycle {k}");
    }

    let wave = read_vcd(&path);
    assert_eq!(wave.header.timescale, Some((1, TimescaleUnit::PS)));

    // Verilator names the outer scope after the model ("TOP", the ports) and nests the top
    // module's instance, named after the module, inside it; a generate loop's blocks are
    // scopes `name[index]` holding their instances.
    assert_eq!(scope_names(&wave.header.items), ["TOP"]);
    let top = wave.top();
    assert_eq!(scope_names(&top.items), ["fspinn_top"]);
    let inner = wave.inner();
    let names = scope_names(&inner.items);
    for b in 0..params::WBANKS {
        let block = format!("g_wbank[{b}]");
        let g = scope(&inner.items, &block);
        assert_eq!(scope_names(&g.items), ["u_mem"], "{block}");
        assert!(wave
            .header
            .find_var(&["TOP", "fspinn_top", &block, "u_mem", "rdata"])
            .is_some());
    }
    let past = format!("g_wbank[{}]", params::WBANKS);
    assert!(!names.contains(&past.as_str()), "{names:?}");
    for p in 0..params::PES {
        let g = scope(&inner.items, &format!("g_nbank[{p}]"));
        assert_eq!(scope_names(&g.items), ["u_mem"], "g_nbank[{p}]");
        // Each lane is one fspinn_pe instance in the generate loop's block.
        let lane = scope(&inner.items, &format!("g_pe[{p}]"));
        assert_eq!(scope_names(&lane.items), ["u_pe"], "g_pe[{p}]");
        let pe = scope(&lane.items, "u_pe");
        let units = scope_names(&pe.items);
        for unit in [
            "u_leak", "u_int", "u_fire", "u_bump", "u_inh", "u_decay", "u_div", "u_norm",
        ] {
            assert!(units.contains(&unit), "g_pe[{p}] has {unit}: {units:?}");
        }
    }
    // The blocks (docs/rtl.md, "Blocks"), and units inside them.
    for block in [
        "u_host",
        "u_controller",
        "u_spikegen",
        "u_normalize",
        "u_stdp",
        "u_weight_port",
    ] {
        assert!(names.contains(&block), "fspinn_top has {block}: {names:?}");
    }
    for (block, unit) in [
        ("u_stdp", "u_rlfsr"),
        ("u_stdp", "u_pot"),
        ("u_stdp", "u_apply"),
        ("u_controller", "u_adapt"),
    ] {
        let units = scope_names(&scope(&inner.items, block).items);
        assert!(units.contains(&unit), "{block} has {unit}: {units:?}");
    }
    assert!(wave
        .header
        .find_var(&["TOP", "fspinn_top", "busy"])
        .is_some());
    for port in ["clk", "busy", "done", "host_rdata", "dram_resp_rdata"] {
        let outer = var(top, port);
        assert_eq!(outer.code, var(inner, port).code, "{port}: one signal");
    }
    assert_eq!(var(top, "dram_req_wdata").size as usize, 64 * DRAM_WORDS);
    assert_eq!(var(inner, "phase").size, 5, "internals traced");

    // The -G parameters reached the model.
    let param_codes: BTreeMap<&str, IdCode> = params::PARAMETERS
        .iter()
        .map(|(name, _)| (*name, var(inner, name).code))
        .collect();
    for (name, value) in params::PARAMETERS {
        let hist = wave.history(param_codes[name]);
        assert_eq!(hist, vec![(P * open_cycle, u128::from(*value))], "{name}");
    }

    // One timestamp per clock edge, strictly increasing, from the cycle the trace opened.
    assert!(
        wave.times.windows(2).all(|w| w[0] < w[1]),
        "timestamps strictly increasing"
    );
    assert_eq!(wave.times.first(), Some(&(P * open_cycle)));
    assert_eq!(wave.times.last(), Some(&(P * end_cycle - H)));
    assert_eq!(wave.times.len() as u64, 2 * (end_cycle - open_cycle));
    let clk = wave.port("clk");
    assert_eq!(clk.len() as u64, 2 * (end_cycle - open_cycle));
    for (time, v) in &clk {
        assert_eq!(*v, u128::from(time % P == H), "clk at {time}");
    }

    // start is raised at the rising edge before cycle `start_cycle` (inputs change at the
    // edge after which the testbench sets them) and sampled by that cycle's edge, where busy
    // rises and start falls; busy falls at the edge after done; done is one cycle wide.
    let s = start_cycle;
    assert_eq!(
        wave.port("start"),
        vec![(P * open_cycle, 0), (P * s - H, 1), (P * s + H, 0)]
    );
    let busy = wave.port("busy");
    assert_eq!(
        busy,
        vec![
            (P * open_cycle, 0),
            (P * s + H, 1),
            (P * (s + cycles) + H, 0)
        ]
    );
    assert_eq!(
        wave.port("done"),
        vec![
            (P * open_cycle, 0),
            (P * (s + cycles - 1) + H, 1),
            (P * (s + cycles) + H, 0)
        ]
    );
    // busy is exactly `phase != idle` at every change.
    let mut not_idle: Vec<(u64, u128)> = Vec::new();
    for (time, code) in wave.internal("phase") {
        let v = u128::from(code != 0);
        if not_idle.last().map(|l| l.1) != Some(v) {
            not_idle.push((time, v));
        }
    }
    assert_eq!(not_idle, busy);
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
    assert_eq!(changes[0].0, P * set_cycle);
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
    assert_eq!(wave.times, vec![P * c, P * c + H, P * c + P, P * c + P + H]);
    assert!(read_vcd(&first).times.len() == 2);
}

// ---------------------------------------------------------------------------------------
// Independence

/// Everything a sample shows at the ports and through the host.
fn same_sample(a: &RtlSample, b: &RtlSample, what: &str) {
    assert_eq!(a.cycles, b.cycles, "{what}: cycles");
    assert_eq!(a.spikes, b.spikes, "{what}: spikes");
    assert_eq!(a.weight_writes, b.weight_writes, "{what}: weight writes");
    assert_eq!(a.accesses, b.accesses, "{what}: accesses");
    assert_eq!(a.counts, b.counts, "{what}: counts");
}

#[test]
fn models_are_independent() {
    const STEPS: u32 = 4;
    const SEED: u32 = 21;
    let image = test_image(3);
    let reference = tiny_model(STEPS, 2);
    let eta = reference.potentiation_factor();
    let expected = tiny_model(STEPS, 2).run_sample(&image, SEED, false);
    let mut a = RtlAccelerator::load_from(&reference);
    let mut b = RtlAccelerator::load_from(&reference);

    // Registers are per model.
    a.rtl().host_write(net_reg(19), 11);
    b.rtl().host_write(net_reg(19), 22);
    assert_eq!(a.rtl().host_read(net_reg(19)), 11);
    assert_eq!(b.rtl().host_read(net_reg(19)), 22);

    // b starts a sample (the blank image it holds, seed 22, inference) and is left mid-run
    // while a runs a whole sample: a's clock does not move b, nor does b's state leak into a.
    let b_start = b.rtl().cycle();
    assert!(b.rtl().start().busy);
    for _ in 0..50 {
        assert!(b.rtl().tick().busy);
    }
    let b_paused = b.rtl().cycle();
    let b_out = b.rtl().outputs();
    let ra = a.run_sample(&image, SEED, false, eta);
    assert_eq!(ra.cycles, expected.cycles, "a against the model");
    assert_eq!(ra.counts, expected.counts, "a against the model");
    assert_eq!(b.rtl().cycle(), b_paused, "a's run did not clock b");
    assert_eq!(b.rtl().outputs(), b_out);
    let mut b_cycles = b_paused - b_start;
    while !b.rtl().tick().done {
        b_cycles += 1;
    }
    b_cycles += 1;
    let mut blank_model = tiny_model(STEPS, 2);
    let blank = blank_model.run_sample(&vec![0; INPUTS], 22, false);
    assert_eq!(b_cycles, blank.cycles, "b's blank sample against the model");
    b.rtl().tick();

    // The same sample on b now gives what it gave on a.
    let rb = b.run_sample(&image, SEED, false, eta);
    same_sample(&ra, &rb, "a then b");

    // Separate threads, each with its own model, agree with both.
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let image = image.clone();
            std::thread::spawn(move || {
                let model = tiny_model(STEPS, 2);
                let eta = model.potentiation_factor();
                RtlAccelerator::load_from(&model).run_sample(&image, SEED, false, eta)
            })
        })
        .collect();
    for (i, h) in handles.into_iter().enumerate() {
        let r = h.join().expect("thread");
        same_sample(&ra, &r, &format!("thread {i}"));
    }
}
