//! The leaf Verilog modules of `rtl/` (L3) against the Rust reference functions (L1/L2), bit for
//! bit: for each module the test draws a few thousand inputs (a fixed-seed generator plus
//! hand-picked edge cases), computes the expected outputs with `fspinn_model` (or the cycle
//! model's `SramBank`), writes the inputs as a `$readmemh` file, runs the module's testbench
//! `sim/tests/hdl/tb_<module>.v` under Icarus Verilog, and compares every printed output here. A last
//! test lints every leaf file with `verilator --lint-only -Wall`.
//!
//! Without `iverilog`/`vvp` (or `verilator` for the lint) each test prints a skip notice and
//! passes, unless `FSPINN_REQUIRE_RTL_TOOLS=1`, which makes a missing tool a failure.

use fspinn_model::fixed::{
    fmix32, input_seed, shift_round, spike_threshold, Lfsr32, QFormat, Rounding,
};
use fspinn_model::fspinn::{FspinnConsts, FspinnParams};
use fspinn_sim::sram::SramBank;
use std::path::{Path, PathBuf};
use std::process::Command;

const REQUIRE_ENV: &str = "FSPINN_REQUIRE_RTL_TOOLS";

/// The leaf modules (one file each in `rtl/`), with the parameter sets the lint also checks.
/// Verilog parameter overrides, `(name, value)`.
type Params = &'static [(&'static str, i64)];

const LEAVES: &[(&str, &[Params])] = &[
    ("fspinn_lfsr_next16", &[]),
    ("fspinn_fmix32", &[]),
    ("fspinn_input_seed", &[&[("CHANNEL_BITS", 32)]]),
    ("fspinn_spike_threshold", &[]),
    (
        "fspinn_shift_round",
        &[&[("W", 8)], &[("W", 50)], &[("W", 64)]],
    ),
    ("fspinn_leak", &[&[("V_BITS", 24)]]),
    (
        "fspinn_integrate",
        &[&[("WEIGHT_BITS", 2)], &[("WEIGHT_BITS", 16)]],
    ),
    ("fspinn_fire", &[&[("V_BITS", 12), ("THETA_BITS", 12)]]),
    ("fspinn_bump_theta", &[&[("THETA_BITS", 12)]]),
    ("fspinn_inhibit", &[&[("V_BITS", 24), ("K_BITS", 8)]]),
    ("fspinn_trace", &[&[("STEP_BITS", 8), ("HL_BITS", 4)]]),
    (
        "fspinn_potentiation",
        &[&[("STEP_BITS", 8), ("TRACE_W", 8)]],
    ),
    (
        "fspinn_apply_delta",
        &[&[("WEIGHT_BITS", 2)], &[("WEIGHT_BITS", 16)]],
    ),
    (
        "fspinn_normalize_weight",
        &[&[("WEIGHT_BITS", 2)], &[("WEIGHT_BITS", 16)]],
    ),
    ("fspinn_decay_theta", &[&[("THETA_BITS", 24)]]),
    (
        "fspinn_adapt_inhibition",
        &[&[("V_BITS", 12), ("COUNT_BITS", 20)]],
    ),
    ("fspinn_divider", &[]),
    (
        "fspinn_sram_1r1w",
        &[
            &[("DEPTH", 37), ("WIDTH", 24), ("LATENCY", 1)],
            &[("DEPTH", 1024), ("WIDTH", 64), ("LATENCY", 8)],
        ],
    ),
    (
        "fspinn_sram_1r1w_mask",
        &[
            &[("DEPTH", 1), ("LANES", 1), ("LANE_BITS", 1)],
            &[("DEPTH", 49), ("LANES", 16), ("LANE_BITS", 10)],
        ],
    ),
    (
        "fspinn_first_set",
        &[&[("WIDTH", 1)], &[("WIDTH", 49)], &[("WIDTH", 256)]],
    ),
];

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("sim/ has a parent")
        .to_path_buf()
}

/// True when every tool runs; otherwise a skip notice (or a panic under `REQUIRE_ENV=1`).
fn tools_present(test: &str, tools: &[&str]) -> bool {
    let missing: Vec<&str> = tools
        .iter()
        .copied()
        .filter(|t| Command::new(t).arg("-V").output().is_err())
        .collect();
    if missing.is_empty() {
        return true;
    }
    let msg = format!("{test}: {} not found on PATH", missing.join(", "));
    if std::env::var(REQUIRE_ENV).as_deref() == Ok("1") {
        panic!("{msg}; {REQUIRE_ENV}=1 requires the RTL tools (Icarus Verilog, Verilator)");
    }
    eprintln!("SKIPPED {msg} (set {REQUIRE_ENV}=1 to make this a failure)");
    false
}

/// SplitMix64: the tests' fixed-seed source of inputs.
struct Gen(u64);

impl Gen {
    fn new(seed: u64) -> Self {
        Gen(seed)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0; the modulo bias is irrelevant here).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
    fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }
    /// Uniform over the unsigned `bits`-bit values.
    fn bits(&mut self, bits: u32) -> u64 {
        if bits == 0 {
            0
        } else {
            self.next() >> (64 - bits)
        }
    }
    /// Uniform over the signed `bits`-bit values.
    fn signed(&mut self, bits: u32) -> i64 {
        (self.next() as i64) >> (64 - bits)
    }
    /// An unsigned value of a random bit length up to `bits`: small and large values alike.
    fn wide(&mut self, bits: u32) -> u64 {
        let b = self.below(u64::from(bits) + 1) as u32;
        self.bits(b)
    }
    /// A signed `bits`-bit value of random magnitude, or one of the range's ends.
    fn signed_wide(&mut self, bits: u32) -> i64 {
        let min = (-(1i128 << (bits - 1))) as i64;
        let max = ((1i128 << (bits - 1)) - 1) as i64;
        match self.below(16) {
            0 => min,
            1 => max,
            2 => self.range(-2, 2),
            3..=8 => self.signed(bits),
            _ => {
                let m = self.wide(bits - 1) as i64;
                if self.chance(1, 2) {
                    m
                } else {
                    -m - 1
                }
            }
        }
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

/// One test vector: nibble-aligned `(value, bits)` fields of a hex line (two's complement,
/// masked to the field), and the decimal outputs the testbench must print.
struct Case {
    fields: Vec<(i128, u32)>,
    expect: Vec<i128>,
}

fn case(fields: &[(i128, u32)], expect: &[i128]) -> Case {
    Case {
        fields: fields.to_vec(),
        expect: expect.to_vec(),
    }
}

fn hex_line(fields: &[(i128, u32)]) -> String {
    fields
        .iter()
        .map(|&(value, bits)| {
            assert!(
                bits % 4 == 0 && bits > 0 && bits < 128,
                "field of {bits} bits"
            );
            let masked = (value as u128) & ((1u128 << bits) - 1);
            format!("{masked:0w$x}", w = (bits / 4) as usize)
        })
        .collect()
}

/// Compiles `sim/tests/hdl/<tb>.v` with the given modules and parameter overrides, runs it on the
/// vector lines and returns the fields after the index of every "R <index> ..." line (checked
/// to be 0, 1, 2, ...), together with the whole output.
fn simulate(
    tb: &str,
    modules: &[&str],
    params: &[(&str, i64)],
    lines: &[String],
) -> (Vec<Vec<String>>, String) {
    assert!(!lines.is_empty() && lines.len() <= 65536, "vector count");
    let root = repo_root();
    let dir = tempfile::tempdir().expect("temp dir");
    let vectors = dir.path().join("vectors.hex");
    std::fs::write(&vectors, lines.join("\n") + "\n").expect("writing vectors");
    let sim = dir.path().join("sim.vvp");
    let mut cmd = Command::new("iverilog");
    cmd.arg("-g2005").arg("-o").arg(&sim);
    for (k, v) in params {
        cmd.arg(format!("-P{tb}.{k}={v}"));
    }
    cmd.arg(root.join("sim/tests/hdl").join(format!("{tb}.v")));
    for m in modules {
        cmd.arg(root.join("rtl").join(format!("{m}.v")));
    }
    let out = cmd.output().expect("running iverilog");
    assert!(
        out.status.success(),
        "iverilog failed for {tb} {params:?}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let run = Command::new("vvp")
        .arg("-n")
        .arg(&sim)
        .arg(format!("+vectors={}", vectors.display()))
        .arg(format!("+n={}", lines.len()))
        .output()
        .expect("running vvp");
    let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
    assert!(
        run.status.success(),
        "vvp failed for {tb}:\n{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let mut rows = Vec::with_capacity(lines.len());
    for line in stdout.lines() {
        let mut tokens = line.split_whitespace();
        if tokens.next() != Some("R") {
            continue;
        }
        let index: usize = tokens
            .next()
            .and_then(|t| t.parse().ok())
            .unwrap_or_else(|| panic!("{tb}: bad output line {line:?}"));
        assert_eq!(index, rows.len(), "{tb}: output lines out of order");
        rows.push(tokens.map(str::to_string).collect());
    }
    assert_eq!(
        rows.len(),
        lines.len(),
        "{tb}: {} results for {} vectors; output:\n{stdout}",
        rows.len(),
        lines.len()
    );
    (rows, stdout)
}

/// Runs the cases through the testbench of `modules[0]` and asserts every output equals the
/// reference (a printed `x`/`z` is a mismatch).
fn check(modules: &[&str], params: &[(&str, i64)], cases: &[Case]) {
    let tb = format!("tb_{}", modules[0]);
    let lines: Vec<String> = cases.iter().map(|c| hex_line(&c.fields)).collect();
    let (rows, _) = simulate(&tb, modules, params, &lines);
    let mut failures = Vec::new();
    for (i, (c, row)) in cases.iter().zip(&rows).enumerate() {
        let got: Vec<Option<i128>> = row.iter().map(|t| t.parse().ok()).collect();
        let expect: Vec<Option<i128>> = c.expect.iter().map(|&e| Some(e)).collect();
        if got != expect {
            failures.push(format!(
                "  vector {i} (hex {}): expected {:?}, RTL printed {:?}",
                lines[i], c.expect, row
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{tb} {params:?}: {} of {} vectors differ from the reference:\n{}",
        failures.len(),
        cases.len(),
        failures[..failures.len().min(12)].join("\n")
    );
    eprintln!("{tb} {params:?}: {} vectors match", cases.len());
}

/// The default network's constants, for the methods under test (fields are then overridden).
fn consts() -> FspinnConsts {
    FspinnConsts::new(&FspinnParams::default()).expect("default parameters are valid")
}

const MODES: [Rounding; 3] = [Rounding::Truncate, Rounding::Nearest, Rounding::Stochastic];

#[test]
fn lfsr_next16_matches_model() {
    if !tools_present("lfsr_next16", &["iverilog", "vvp"]) {
        return;
    }
    let mut g = Gen::new(1);
    let mut states: Vec<u32> = vec![1, 0x8000_0000, 0xFFFF_FFFF, 0x8020_0003, 0xB6F6_B6C3];
    for k in 0..32 {
        states.push(1 << k);
    }
    for byte in 0..4 {
        for b in 1..256u32 {
            states.push(b << (8 * byte));
        }
    }
    while states.len() < 4000 {
        states.push(g.next() as u32);
    }
    let cases: Vec<Case> = states
        .iter()
        .filter(|&&s| s != 0)
        .map(|&s| {
            let mut lfsr = Lfsr32::new(s);
            let draw = lfsr.next16();
            assert_eq!(u32::from(draw), lfsr.state() & 0xFFFF);
            let mut single = Lfsr32::new(s);
            assert_eq!(single.next_bits(16), u32::from(draw));
            case(&[(s.into(), 32)], &[lfsr.state().into()])
        })
        .collect();
    check(&["fspinn_lfsr_next16"], &[], &cases);
}

#[test]
fn fmix32_matches_model() {
    if !tools_present("fmix32", &["iverilog", "vvp"]) {
        return;
    }
    let mut g = Gen::new(2);
    let mut xs: Vec<u32> = vec![0, 1, 2, 0xFFFF_FFFF, 0x8000_0000, 0x9E37_79B9, 0xFFFF];
    while xs.len() < 3000 {
        xs.push(g.next() as u32);
    }
    let cases: Vec<Case> = xs
        .iter()
        .map(|&x| case(&[(x.into(), 32)], &[fmix32(x).into()]))
        .collect();
    check(&["fspinn_fmix32"], &[], &cases);
}

#[test]
fn input_seed_matches_model() {
    if !tools_present("input_seed", &["iverilog", "vvp"]) {
        return;
    }
    let modules = ["fspinn_input_seed", "fspinn_fmix32"];
    for channel_bits in [16u32, 32] {
        let mut g = Gen::new(3 + u64::from(channel_bits));
        let mut inputs: Vec<(u32, u32)> = Vec::new();
        for c in 0..784 {
            let random = g.next() as u32;
            inputs.push((g.pick(&[0, 1, 0xFFFF_FFFF, random]), c));
        }
        for c in [0u32, 1, 783, 0xFFFF] {
            // The hash is zero here: the seed becomes 1.
            inputs.push((fmix32(c.wrapping_add(0x9E37_79B9)), c));
        }
        while inputs.len() < 3000 {
            let c = if channel_bits == 16 {
                g.bits(16) as u32
            } else {
                let random = g.next() as u32 >> 16;
                g.pick(&[0x1_0000, 0x2_0000, 0, random]) + g.bits(8) as u32
            };
            inputs.push((g.next() as u32, c));
        }
        if channel_bits == 32 {
            inputs.push((0x1234_5678, 0xFFFF_FFFF));
            inputs.push((0, fmix32(0) ^ 0x9E37_79B9));
        }
        let cases: Vec<Case> = inputs
            .iter()
            .map(|&(s, c)| {
                case(
                    &[(s.into(), 32), (c.into(), 32)],
                    &[input_seed(s, c).into()],
                )
            })
            .collect();
        assert!(cases.iter().any(|c| c.expect[0] == 1));
        check(&modules, &[("CHANNEL_BITS", channel_bits.into())], &cases);
    }
}

#[test]
fn spike_threshold_matches_model() {
    if !tools_present("spike_threshold", &["iverilog", "vvp"]) {
        return;
    }
    let mut g = Gen::new(4);
    let rates = [
        0u32,
        1,
        255,
        256,
        1049,
        2097,
        (1 << 24) / 255,
        (1 << 24) / 255 + 1,
        65536,
        1 << 24,
        0xFFFF_FFFF,
    ];
    let mut inputs: Vec<(u8, u32)> = Vec::new();
    for &r in &rates {
        for p in [0u8, 1, 2, 127, 128, 254, 255] {
            inputs.push((p, r));
        }
    }
    while inputs.len() < 3000 {
        inputs.push((g.next() as u8, g.wide(32) as u32));
    }
    let cases: Vec<Case> = inputs
        .iter()
        .map(|&(p, r)| {
            case(
                &[(p.into(), 8), (r.into(), 32)],
                &[spike_threshold(p, r).into()],
            )
        })
        .collect();
    assert!(cases.iter().any(|c| c.expect[0] == 0xFFFF));
    check(&["fspinn_spike_threshold"], &[], &cases);
}

#[test]
fn shift_round_matches_model() {
    if !tools_present("shift_round", &["iverilog", "vvp"]) {
        return;
    }
    for w in [8u32, 17, 32, 50, 64] {
        let mut g = Gen::new(5 + u64::from(w));
        let mut cases = Vec::new();
        let push = |cases: &mut Vec<Case>, value: i64, shift: u32, mode: u32, random: u32| {
            let expect = if mode == 3 {
                // Reserved mode: truncates (an RTL-only choice, the model has three modes).
                shift_round(value, shift, Rounding::Truncate, random)
            } else {
                shift_round(value, shift, MODES[mode as usize], random)
            };
            cases.push(case(
                &[
                    (value.into(), 64),
                    (shift.into(), 8),
                    (mode.into(), 4),
                    (random.into(), 32),
                ],
                &[expect.into()],
            ));
        };
        let min = (-(1i128 << (w - 1))) as i64;
        let max = ((1i128 << (w - 1)) - 1) as i64;
        for &v in &[min, min + 1, -7, -6, -5, -2, -1, 0, 1, 5, 7, max - 1, max] {
            for shift in [0u32, 1, 2, 3, (w - 1).min(32), w.min(32), 31, 32] {
                for mode in 0..3 {
                    for random in [0u32, 1, 2, 3, 0x8000_0000, 0xFFFF_FFFF] {
                        push(&mut cases, v, shift, mode, random);
                    }
                }
            }
        }
        while cases.len() < 4000 {
            let v = g.signed_wide(w);
            let shift = if g.chance(1, 4) {
                g.pick(&[0, 1, 31, 32, (w - 1).min(32), w.min(32)])
            } else {
                g.below(33) as u32
            };
            let mode = if g.chance(1, 50) {
                3
            } else {
                g.below(3) as u32
            };
            push(&mut cases, v, shift, mode, g.next() as u32);
        }
        check(&["fspinn_shift_round"], &[("W", w.into())], &cases);
    }
}

#[test]
fn leak_matches_model() {
    if !tools_present("leak", &["iverilog", "vvp"]) {
        return;
    }
    for v_bits in [16u32, 24] {
        let mut g = Gen::new(6 + u64::from(v_bits));
        let mut c = consts();
        c.v_fmt = QFormat::new(v_bits as u8, v_bits as u8 - 8, true).unwrap();
        let mut cases = Vec::new();
        while cases.len() < 3000 {
            let v = g.signed_wide(v_bits) as i32;
            let shift = g.below(32) as u32;
            c.leak_shift = shift;
            cases.push(case(
                &[(v.into(), 32), (shift.into(), 8)],
                &[c.leak(v).into()],
            ));
        }
        check(&["fspinn_leak"], &[("V_BITS", v_bits.into())], &cases);
    }
}

#[test]
fn integrate_matches_model() {
    if !tools_present("integrate", &["iverilog", "vvp"]) {
        return;
    }
    for wb in [2u32, 8, 16] {
        let mut g = Gen::new(7 + u64::from(wb));
        let mut c = consts();
        let network_shift = 8 - wb as i32;
        let top = 31 - wb as i32; // largest shift keeping w << s inside the model's i32
        let mut cases = Vec::new();
        while cases.len() < 3000 {
            let v = g.signed_wide(16) as i32;
            let w = if g.chance(1, 8) {
                g.pick(&[0, (1u64 << wb) - 1])
            } else {
                g.bits(wb)
            } as u16;
            let s = match g.below(4) {
                0 => network_shift,
                1 => g.pick(&[-31, -16, -1, 0, 1, 15, top]),
                _ => g.range(-31, i64::from(top)) as i32,
            };
            c.w_to_v_shift = s;
            cases.push(case(
                &[(v.into(), 32), (w.into(), 16), (s.into(), 8)],
                &[c.integrate(v, w).into()],
            ));
        }
        check(
            &["fspinn_integrate"],
            &[("V_BITS", 16), ("WEIGHT_BITS", wb.into())],
            &cases,
        );
    }
}

#[test]
fn fire_matches_model() {
    if !tools_present("fire", &["iverilog", "vvp"]) {
        return;
    }
    for bits in [16u32, 12] {
        let mut g = Gen::new(8 + u64::from(bits));
        let mut c = consts();
        let mut cases = Vec::new();
        while cases.len() < 3000 {
            let theta = g.wide(bits) as i32;
            let vt = g.signed_wide(bits) as i32;
            let v = if g.chance(1, 3) {
                (vt + theta + g.range(-1, 1) as i32)
                    .clamp(-(1 << (bits - 1)), (1 << (bits - 1)) - 1)
            } else {
                g.signed_wide(bits) as i32
            };
            let r = if g.chance(3, 4) { 0 } else { g.bits(4) as u8 };
            c.v_thresh = vt;
            cases.push(case(
                &[
                    (v.into(), 32),
                    (r.into(), 4),
                    (theta.into(), 32),
                    (vt.into(), 32),
                ],
                &[i128::from(c.fires(v, r, theta))],
            ));
        }
        assert!(cases.iter().any(|c| c.expect[0] == 1) && cases.iter().any(|c| c.expect[0] == 0));
        check(
            &["fspinn_fire"],
            &[("V_BITS", bits.into()), ("THETA_BITS", bits.into())],
            &cases,
        );
    }
}

#[test]
fn bump_theta_matches_model() {
    if !tools_present("bump_theta", &["iverilog", "vvp"]) {
        return;
    }
    for bits in [16u32, 12] {
        let mut g = Gen::new(9 + u64::from(bits));
        let mut c = consts();
        c.theta_fmt = QFormat::new(bits as u8, bits as u8 - 8, false).unwrap();
        let max = (1i64 << bits) - 1;
        let mut cases = Vec::new();
        while cases.len() < 3000 {
            let theta = if g.chance(1, 4) {
                max - g.below(40) as i64
            } else {
                g.wide(bits) as i64
            } as i32;
            let plus = if g.chance(1, 2) {
                g.pick(&[0, 1, 13, max])
            } else {
                g.wide(bits) as i64
            } as i32;
            c.theta_plus = plus;
            cases.push(case(
                &[(theta.into(), 32), (plus.into(), 32)],
                &[c.bump_theta(theta).into()],
            ));
        }
        assert!(cases.iter().any(|c| c.expect[0] == i128::from(max)));
        check(
            &["fspinn_bump_theta"],
            &[("THETA_BITS", bits.into())],
            &cases,
        );
    }
}

#[test]
fn inhibit_matches_model() {
    if !tools_present("inhibit", &["iverilog", "vvp"]) {
        return;
    }
    let mut g = Gen::new(10);
    let c = consts();
    let mut cases = Vec::new();
    for &(v, inh, k) in &[
        (i16::MIN as i32, 32767, 65535u32),
        (i16::MAX as i32, -32768, 65535),
        (0, -32768, 65535),
        (0, 32767, 65535),
        (-32768, 1, 1),
        (-32767, 1, 1),
        (32767, -1, 1),
        (100, 4480, 0),
        (5000, 4480, 1),
    ] {
        cases.push(case(
            &[(v.into(), 32), (inh.into(), 32), (k.into(), 32)],
            &[c.inhibit(v, inh, k).into()],
        ));
    }
    while cases.len() < 3000 {
        let v = g.signed_wide(16) as i32;
        let inh = g.signed_wide(16) as i32;
        let k = if g.chance(1, 2) {
            g.below(20)
        } else {
            g.wide(16)
        } as u32;
        cases.push(case(
            &[(v.into(), 32), (inh.into(), 32), (k.into(), 32)],
            &[c.inhibit(v, inh, k).into()],
        ));
    }
    check(
        &["fspinn_inhibit"],
        &[("V_BITS", 16), ("K_BITS", 16)],
        &cases,
    );
}

/// Random trace parameters `(trace_max, trace_bits, half_life)` for a half-life port of
/// `hl_bits` bits.
fn trace_params(g: &mut Gen, hl_bits: u32) -> (i32, u32, u32) {
    let trace_bits = if g.chance(3, 4) {
        g.range(4, 16) as u32
    } else {
        g.below(32) as u32
    };
    let trace_max = if g.chance(3, 4) {
        ((1i64 << trace_bits.min(16)) - 1) as i32
    } else {
        g.bits(16) as i32
    };
    let hl_top = (1i64 << hl_bits) - 1;
    let half_life = match g.below(4) {
        0 => g.pick(&[1, 2, 14, 63, 64, 65, hl_top]).min(hl_top),
        1 => g.range(1, 40.min(hl_top)),
        _ => g.range(1, hl_top),
    } as u32;
    (trace_max, trace_bits, half_life)
}

/// A step age (`None`: never spiked) below `2^step_bits`, often near a multiple of the
/// half-life.
fn trace_age(g: &mut Gen, step_bits: u32, half_life: u32) -> Option<u32> {
    let top = (1i64 << step_bits) - 1;
    let age = match g.below(8) {
        0 => return None,
        1 | 2 => {
            let k = g.below(34) as i64;
            (k * i64::from(half_life) + g.range(-1, 0)).clamp(0, top)
        }
        3 => g.pick(&[0, top]),
        _ => g.range(0, top),
    };
    Some(age as u32)
}

fn trace_fields(
    age: Option<u32>,
    trace_max: i32,
    trace_bits: u32,
    half_life: u32,
) -> Vec<(i128, u32)> {
    vec![
        (age.unwrap_or(0x5A5).into(), 16),
        (i128::from(age.is_none()), 4),
        (trace_max.into(), 16),
        (trace_bits.into(), 8),
        (half_life.into(), 16),
    ]
}

#[test]
fn trace_matches_model() {
    if !tools_present("trace", &["iverilog", "vvp"]) {
        return;
    }
    for (step_bits, hl_bits) in [(11u32, 16u32), (8, 4)] {
        let mut g = Gen::new(11 + u64::from(step_bits));
        let mut c = consts();
        let mut cases = Vec::new();
        while cases.len() < 4000 {
            let (trace_max, trace_bits, half_life) = trace_params(&mut g, hl_bits);
            let age = trace_age(&mut g, step_bits, half_life).map(|a| a & ((1 << step_bits) - 1));
            c.trace_max = trace_max;
            c.trace_bits = trace_bits;
            c.trace_half_life = half_life;
            cases.push(case(
                &trace_fields(age, trace_max, trace_bits, half_life),
                &[c.trace(age).into()],
            ));
        }
        check(
            &["fspinn_trace"],
            &[("STEP_BITS", step_bits.into()), ("HL_BITS", hl_bits.into())],
            &cases,
        );
    }
}

#[test]
fn potentiation_matches_model() {
    if !tools_present("potentiation", &["iverilog", "vvp"]) {
        return;
    }
    let modules = ["fspinn_potentiation", "fspinn_trace", "fspinn_shift_round"];
    let mut g = Gen::new(12);
    let mut c = consts();
    let mut cases = Vec::new();
    while cases.len() < 4000 {
        let (trace_max, trace_bits, half_life) = trace_params(&mut g, 16);
        let age = trace_age(&mut g, 11, half_life);
        let x_tar = if g.chance(1, 2) {
            (0.4 * f64::from(trace_max)).round() as i32
        } else {
            g.bits(16) as i32
        };
        let eta = if g.chance(1, 2) {
            g.wide(20)
        } else {
            g.bits(32)
        } as i64;
        let mode = g.below(3) as u32;
        let random = g.bits(16) as u32;
        c.trace_max = trace_max;
        c.trace_bits = trace_bits;
        c.trace_half_life = half_life;
        c.x_tar = x_tar;
        let delta = c.potentiation(age, eta, MODES[mode as usize], random);
        let mut fields = trace_fields(age, trace_max, trace_bits, half_life);
        // Port order: age, never, eta, x_tar, trace_max, trace_bits, half_life, mode, random.
        fields.insert(2, (eta.into(), 32));
        fields.insert(3, (x_tar.into(), 16));
        fields.push((mode.into(), 4));
        fields.push((random.into(), 16));
        cases.push(case(&fields, &[delta.into()]));
    }
    check(&modules, &[("STEP_BITS", 11), ("HL_BITS", 16)], &cases);
}

#[test]
fn apply_delta_matches_model() {
    if !tools_present("apply_delta", &["iverilog", "vvp"]) {
        return;
    }
    for wb in [2u32, 8, 16] {
        let mut g = Gen::new(13 + u64::from(wb));
        let mut c = consts();
        let top = (1u64 << wb) - 1;
        let mut cases = Vec::new();
        while cases.len() < 3000 {
            let w = if g.chance(1, 4) {
                g.pick(&[0, top])
            } else {
                g.bits(wb)
            } as u16;
            let delta = match g.below(4) {
                0 => g.range(-(top as i64) - 2, top as i64 + 2),
                1 => g.pick(&[i32::MIN as i64, -1, 0, 1, i32::MAX as i64 - 65535]),
                _ => g.signed_wide(31),
            } as i32;
            let w_max = if g.chance(1, 2) { top } else { g.bits(wb) } as i32;
            c.w_max = w_max;
            cases.push(case(
                &[(w.into(), 16), (delta.into(), 32), (w_max.into(), 16)],
                &[c.apply_delta(w, delta).into()],
            ));
        }
        check(
            &["fspinn_apply_delta"],
            &[("WEIGHT_BITS", wb.into())],
            &cases,
        );
    }
}

#[test]
fn normalize_weight_matches_model() {
    if !tools_present("normalize_weight", &["iverilog", "vvp"]) {
        return;
    }
    for wb in [2u32, 8, 16] {
        let mut g = Gen::new(14 + u64::from(wb));
        let mut c = consts();
        c.w_max = (1 << wb) - 1;
        c.norm_target = 78 << wb;
        let mut cases = Vec::new();
        while cases.len() < 3000 {
            let w = g.bits(wb) as u16;
            let factor = match g.below(4) {
                0 => c.norm_factor(g.below(784 << wb) as i64),
                1 => g.pick(&[0, 1, 0x8000, 0xFFFF, 0x1_0000, 0x1_8000, (1 << 40) - 1]),
                _ => g.wide(40) as i64,
            };
            cases.push(case(
                &[(w.into(), 16), (factor.into(), 40)],
                &[c.normalize_weight(w, factor).into()],
            ));
        }
        check(
            &["fspinn_normalize_weight"],
            &[("WEIGHT_BITS", wb.into())],
            &cases,
        );
    }
}

#[test]
fn decay_theta_matches_model() {
    if !tools_present("decay_theta", &["iverilog", "vvp"]) {
        return;
    }
    let modules = ["fspinn_decay_theta", "fspinn_shift_round"];
    let mut g = Gen::new(15);
    let c = consts();
    let mut cases = Vec::new();
    while cases.len() < 3000 {
        let theta = if g.chance(1, 8) {
            g.pick(&[0, 1, 0xFFFF])
        } else {
            g.wide(16)
        } as i32;
        let shift = g.below(33) as u32;
        let random = g.next() as u32;
        cases.push(case(
            &[(theta.into(), 32), (shift.into(), 8), (random.into(), 32)],
            &[c.decay_theta(theta, shift, random).into()],
        ));
    }
    check(&modules, &[("THETA_BITS", 16)], &cases);
}

#[test]
fn adapt_inhibition_matches_model() {
    if !tools_present("adapt_inhibition", &["iverilog", "vvp"]) {
        return;
    }
    let mut g = Gen::new(16);
    let mut c = consts();
    let mut cases = Vec::new();
    while cases.len() < 3000 {
        let bits = g.range(12, 16) as u8;
        c.v_fmt = QFormat::new(bits, bits - 8, true).unwrap();
        let v_max = c.v_fmt.max_raw();
        let v_thresh = loop {
            let t = g.signed_wide(16) as i32;
            if t >> 2 <= v_max {
                break t;
            }
        };
        c.v_thresh = v_thresh;
        let inhibition = if g.chance(1, 4) {
            g.pick(&[
                -32768,
                -1,
                0,
                1,
                15,
                16,
                17,
                31,
                32,
                4480,
                v_max - 1,
                v_max,
                32767,
            ])
        } else {
            g.signed_wide(16) as i32
        };
        let target = g.wide(32) as u32;
        let spikes = match g.below(3) {
            0 => u64::from(target),
            1 => u64::from(target).saturating_sub(g.wide(8)),
            _ => (u64::from(target) + g.wide(8)).min(u64::from(u32::MAX)),
        };
        cases.push(case(
            &[
                (inhibition.into(), 32),
                (spikes.into(), 32),
                (target.into(), 32),
                (v_thresh.into(), 32),
                (v_max.into(), 32),
            ],
            &[c.adapt_inhibition(inhibition, spikes, target).into()],
        ));
    }
    check(&["fspinn_adapt_inhibition"], &[("V_BITS", 16)], &cases);
}

#[test]
fn divider_matches_norm_factor() {
    if !tools_present("divider", &["iverilog", "vvp"]) {
        return;
    }
    let mut g = Gen::new(17);
    let mut c = consts();
    // (dividend, divisor, cycles of an abandoned division before this one, expected quotient)
    let mut ops: Vec<(u64, u32, u8, u64)> = Vec::new();
    let generic = |dividend: u64, divisor: u32| {
        if divisor == 0 {
            1 << 16
        } else {
            dividend / u64::from(divisor)
        }
    };
    for &(dd, dv) in &[
        (0u64, 0u32),
        (0, 1),
        ((1 << 40) - 1, 1),
        ((1 << 40) - 1, 0),
        ((1 << 40) - 1, u32::MAX),
        (u64::from(u32::MAX) - 1, u32::MAX),
        (u64::from(u32::MAX), u32::MAX),
        (1 << 39, 3),
        (78 << 24, 78 << 8),
    ] {
        ops.push((dd, dv, 0, generic(dd, dv)));
    }
    while ops.len() < 1500 {
        let pre = if g.chance(1, 10) {
            g.range(1, 45) as u8
        } else {
            0
        };
        if g.chance(1, 2) {
            // The network's use: norm_target << 16 over a column sum.
            let wb = g.range(2, 16) as u32;
            c.norm_target = 78 << wb;
            let sum = if g.chance(1, 20) {
                0
            } else {
                g.below(784 << wb)
            };
            let dd = (c.norm_target as u64) << 16;
            ops.push((dd, sum as u32, pre, c.norm_factor(sum as i64) as u64));
        } else {
            let dd = g.wide(40);
            let dv = if g.chance(1, 20) {
                0
            } else {
                g.wide(32) as u32
            };
            ops.push((dd, dv, pre, generic(dd, dv)));
        }
    }
    let lines: Vec<String> = ops
        .iter()
        .map(|&(dd, dv, pre, _)| hex_line(&[(dd.into(), 40), (dv.into(), 32), (pre.into(), 8)]))
        .collect();
    let (rows, stdout) = simulate("tb_fspinn_divider", &["fspinn_divider"], &[], &lines);
    assert!(
        stdout.lines().any(|l| l == "S 0 0"),
        "after reset done and busy must be 0:\n{stdout}"
    );
    let mut failures = Vec::new();
    for (i, (&(dd, dv, pre, q), row)) in ops.iter().zip(&rows).enumerate() {
        // quotient at done, edges from start to done, done one edge later, busy at done,
        // quotient one edge later.
        let expect = vec![
            q.to_string(),
            "40".into(),
            "0".into(),
            "0".into(),
            q.to_string(),
        ];
        if *row != expect {
            failures.push(format!(
                "  op {i}: {dd} / {dv} (pre {pre}): expected {expect:?}, RTL printed {row:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "fspinn_divider: {} of {} divisions wrong:\n{}",
        failures.len(),
        ops.len(),
        failures[..failures.len().min(12)].join("\n")
    );
}

#[test]
fn sram_matches_cycle_model_bank() {
    if !tools_present("sram_1r1w", &["iverilog", "vvp"]) {
        return;
    }
    for (depth, width, latency) in [(37u32, 24u32, 1u32), (64, 32, 3), (5, 8, 8)] {
        let mut g = Gen::new(18 + u64::from(latency));
        // (re, raddr, we, waddr, wdata) per cycle: fill every word, then random traffic with
        // frequent same-address read and write, then idle cycles to drain the reads.
        let mut ops: Vec<(bool, u32, bool, u32, u64)> = (0..depth)
            .map(|a| (false, 0, true, a, g.bits(width)))
            .collect();
        for _ in 0..3000 {
            let raddr = g.below(depth.into()) as u32;
            let waddr = if g.chance(1, 3) {
                raddr
            } else {
                g.below(depth.into()) as u32
            };
            ops.push((g.chance(3, 4), raddr, g.chance(1, 2), waddr, g.bits(width)));
        }
        for _ in 0..latency {
            ops.push((false, 0, false, 0, 0));
        }
        let mut bank = SramBank::new("tb", depth, width, latency);
        // Output line i shows rdata during cycle i + 1.
        let mut expect: Vec<Option<u64>> = vec![None; ops.len()];
        for (cycle, &(re, raddr, we, waddr, wdata)) in ops.iter().enumerate() {
            let now = cycle as u64;
            if let Some((tag, word)) = bank.tick(now) {
                assert_eq!(u64::from(tag) + u64::from(latency), now);
                expect[cycle - 1] = Some(word);
            }
            if re {
                bank.read(now, raddr, cycle as u32);
            }
            if we {
                bank.write(waddr, wdata);
            }
            bank.commit();
        }
        let lines: Vec<String> = ops
            .iter()
            .map(|&(re, raddr, we, waddr, wdata)| {
                hex_line(&[
                    (i128::from(re), 4),
                    (raddr.into(), 16),
                    (i128::from(we), 4),
                    (waddr.into(), 16),
                    (wdata.into(), 32),
                ])
            })
            .collect();
        let params = [
            ("DEPTH", i64::from(depth)),
            ("WIDTH", i64::from(width)),
            ("LATENCY", i64::from(latency)),
        ];
        let (rows, _) = simulate(
            "tb_fspinn_sram_1r1w",
            &["fspinn_sram_1r1w"],
            &params,
            &lines,
        );
        let mut checked = 0;
        let mut failures = Vec::new();
        for (i, (e, row)) in expect.iter().zip(&rows).enumerate() {
            if let Some(word) = e {
                checked += 1;
                if row[0] != word.to_string() {
                    failures.push(format!("  line {i}: expected {word}, RTL printed {row:?}"));
                }
            }
        }
        assert!(checked > 2000);
        assert!(
            failures.is_empty(),
            "fspinn_sram_1r1w {params:?}: {} of {checked} reads wrong:\n{}",
            failures.len(),
            failures[..failures.len().min(12)].join("\n")
        );
    }
}

#[test]
fn first_set_is_the_lowest_set_bit() {
    if !tools_present("first_set", &["iverilog", "vvp"]) {
        return;
    }
    for width in [1u32, 7, 16, 49, 64] {
        let mut g = Gen::new(40 + u64::from(width));
        let mask = if width == 64 {
            u64::MAX
        } else {
            (1u64 << width) - 1
        };
        // Zero, every single bit, then random words of every density.
        let mut vecs: Vec<u64> = vec![0];
        vecs.extend((0..width).map(|b| 1u64 << b));
        for k in 0..2000u64 {
            let mut v = g.next();
            for _ in 0..(k % 6) {
                v &= g.next();
            }
            vecs.push(v & mask);
        }
        let lines: Vec<String> = vecs.iter().map(|&v| format!("{v:016x}")).collect();
        let (rows, _) = simulate(
            "tb_fspinn_first_set",
            &["fspinn_first_set"],
            &[("WIDTH", i64::from(width))],
            &lines,
        );
        assert_eq!(rows.len(), vecs.len());
        for (v, row) in vecs.iter().zip(&rows) {
            let (index, any) = if *v == 0 {
                (0, 0)
            } else {
                (v.trailing_zeros(), 1)
            };
            assert_eq!(
                row[..2],
                [index.to_string(), any.to_string()],
                "fspinn_first_set WIDTH={width} of {v:#x}"
            );
        }
    }
}

#[test]
fn masked_sram_writes_only_masked_lanes() {
    if !tools_present("sram_1r1w_mask", &["iverilog", "vvp"]) {
        return;
    }
    for (depth, lanes, lane_bits) in [(37u32, 4u32, 8u32), (49, 16, 4), (3, 1, 10), (8, 6, 10)] {
        let width = lanes * lane_bits;
        let row_mask = if width == 64 {
            u64::MAX
        } else {
            (1u64 << width) - 1
        };
        let mut g = Gen::new(77 + u64::from(depth));
        // (re, raddr, we, wmask, waddr, wdata) per cycle: fill every row, then random traffic
        // with frequent same-row read and write.
        let mut ops: Vec<(bool, u32, bool, u64, u32, u64)> = (0..depth)
            .map(|a| (false, 0, true, (1u64 << lanes) - 1, a, g.bits(width)))
            .collect();
        for _ in 0..3000 {
            let raddr = g.below(depth.into()) as u32;
            let waddr = if g.chance(1, 3) {
                raddr
            } else {
                g.below(depth.into()) as u32
            };
            ops.push((
                g.chance(3, 4),
                raddr,
                g.chance(1, 2),
                g.bits(lanes),
                waddr,
                g.bits(width),
            ));
        }
        // The model: a read sees the row before the cycle's write; rdata holds without a read.
        let mut mem = vec![0u64; depth as usize];
        let mut rdata: Option<u64> = None;
        let mut expect = Vec::with_capacity(ops.len());
        for &(re, raddr, we, wmask, waddr, wdata) in &ops {
            if re {
                rdata = Some(mem[raddr as usize]);
            }
            if we {
                let mut bits = 0u64;
                for l in 0..lanes {
                    if wmask >> l & 1 == 1 {
                        bits |= ((1u64 << lane_bits) - 1) << (l * lane_bits);
                    }
                }
                let row = &mut mem[waddr as usize];
                *row = (*row & !bits | wdata & bits) & row_mask;
            }
            expect.push(rdata);
        }
        let lines: Vec<String> = ops
            .iter()
            .map(|&(re, raddr, we, wmask, waddr, wdata)| {
                hex_line(&[
                    (i128::from(re), 4),
                    (raddr.into(), 16),
                    (i128::from(we), 4),
                    (wmask.into(), 16),
                    (waddr.into(), 16),
                    (wdata.into(), 64),
                ])
            })
            .collect();
        let params = [
            ("DEPTH", i64::from(depth)),
            ("LANES", i64::from(lanes)),
            ("LANE_BITS", i64::from(lane_bits)),
        ];
        let (rows, _) = simulate(
            "tb_fspinn_sram_1r1w_mask",
            &["fspinn_sram_1r1w_mask"],
            &params,
            &lines,
        );
        let mut checked = 0;
        for (i, (e, row)) in expect.iter().zip(&rows).enumerate() {
            if let Some(word) = e {
                checked += 1;
                assert_eq!(row[0], word.to_string(), "{params:?} line {i}");
            }
        }
        assert!(checked > 2000);
    }
}

#[test]
fn verilator_lint_clean() {
    if !tools_present("verilator lint", &["verilator"]) {
        return;
    }
    let root = repo_root();
    let mut failures = Vec::new();
    for &(module, variants) in LEAVES {
        let default: &[(&str, i64)] = &[];
        for params in std::iter::once(default).chain(variants.iter().copied()) {
            let mut cmd = Command::new("verilator");
            cmd.current_dir(&root)
                .args(["--lint-only", "-Wall", "-Irtl"])
                .arg(format!("rtl/{module}.v"));
            for (k, v) in params {
                cmd.arg(format!("-G{k}={v}"));
            }
            let out = cmd.output().expect("running verilator");
            if !out.status.success() || !out.stderr.is_empty() {
                failures.push(format!(
                    "{module} {params:?}:\n{}",
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "lint:\n{}", failures.join("\n"));
}
