//! Differential tests of the RTL (L3) against the cycle model (L2): randomised networks and
//! stimuli within what the verilated chip supports, and directed corner cases.
//!
//! The verilated model has the fixed structure of the "small" config (16 PEs x 25 neurons, 784
//! inputs, 8-bit weights on chip, `STEP_BITS`, `COUNT_BITS`), so only run-time parameters are
//! drawn: network size, every design value of `FspinnParams` except the formats and the three
//! mechanisms the RTL implements (direct inhibition, post-only STDP, per-step updates), the
//! initial state (weights, thresholds, inhibition, images seen), the images, sample seeds and
//! the mix of inference and training samples. Every sample is compared event by event
//! (`compare_sample`: spikes, weight writes, cycles, SRAM accesses, spike counts), and after
//! every sample the state both sides hold is compared word by word (neuron-state words, the
//! inhibition register, and after training every used weight word).
//!
//! Budget: `FSPINN_COSIM_BUDGET=<cases>` sets the number of random cases (default
//! [`DEFAULT_CASES`], sized for CI). `FSPINN_COSIM_SEED=<seed>` (decimal or `0x` hex) replays
//! one random case, the seed printed in a failure report; `FSPINN_COSIM_BASE=<seed>` moves the
//! whole random sequence.

use fspinn_model::data::{builtin, Dataset, Split};
use fspinn_model::fixed::Rounding;
use fspinn_model::fspinn::{FspinnNetwork, FspinnParams, Mechanisms};
use fspinn_model::precision::FixedFormats;
use fspinn_model::rng::Rng;
use fspinn_sim::lockstep::Mismatch;
use fspinn_sim::rtl_consts::Reg;
use fspinn_sim::{Accelerator, HwConfig};
use fspinn_testbench::cosim::{compare_sample, RtlAccelerator};
use fspinn_testbench::params::{COUNT_BITS, INPUTS, NEURONS_PER_PE, PES, STEP_BITS, WEIGHT_BITS};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

/// Random cases run without `FSPINN_COSIM_BUDGET` (about 20 s of a dev-build test run).
const DEFAULT_CASES: usize = 10;
/// Where the default random sequence starts.
const DEFAULT_BASE: u64 = 0x5EED_F5B1_2024_0001;
/// Most neurons the verilated chip holds.
const MAX_NEURONS: usize = PES * NEURONS_PER_PE;
/// Largest spike count of one attempt the neuron word's counter holds.
const MAX_COUNT: u32 = (1 << COUNT_BITS) - 1;
/// Most steps per presentation (step numbers fit `STEP_BITS - 1` bits).
const MAX_STEPS: u32 = (1 << (STEP_BITS - 1)) - 1;
/// Largest weight code.
const W_MAX: u16 = (1 << WEIGHT_BITS) - 1;
/// Largest threshold offset (16-bit unsigned, membrane units).
const THETA_MAX: i32 = u16::MAX as i32;

// ------------------------------------------------------------------------------------------
// A small seeded generator (SplitMix64): the cases must not depend on any crate's algorithm.

struct Gen(u64);

impl Gen {
    fn new(seed: u64) -> Self {
        Gen(seed)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.0)
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        assert!(lo <= hi);
        lo + self.next() % (hi - lo + 1)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    /// Log-uniform in `[lo, hi)`, both positive.
    fn log(&mut self, lo: f64, hi: f64) -> f64 {
        (lo.ln() + self.unit() * (hi.ln() - lo.ln())).exp()
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.range(0, xs.len() as u64 - 1) as usize]
    }
}

fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A value rounded to a multiple of 2^-`bits`, so that the case report prints it exactly.
fn q(x: f64, bits: u32) -> f32 {
    ((x * (1u64 << bits) as f64).round() / (1u64 << bits) as f64) as f32
}

// ------------------------------------------------------------------------------------------
// Cases.

/// An input image, described so that the report can rebuild it.
#[derive(Clone, Debug)]
enum Image {
    /// Every pixel 0: no input spike at all.
    Blank,
    /// Every pixel `value`.
    Flat(u8),
    /// Every pixel uniform in 0..=255.
    Noise { seed: u64 },
    /// Each pixel non-zero (uniform 1..=255) with probability `per_mille / 1000`.
    Sparse { seed: u64, per_mille: u32 },
    /// A built-in MNIST image.
    Mnist { train: bool, index: usize },
}

fn mnist(train: bool) -> &'static Dataset {
    static TRAIN: OnceLock<Dataset> = OnceLock::new();
    static TEST: OnceLock<Dataset> = OnceLock::new();
    if train {
        TRAIN.get_or_init(|| builtin(Split::Train))
    } else {
        TEST.get_or_init(|| builtin(Split::Test))
    }
}

impl Image {
    fn pixels(&self) -> Vec<u8> {
        match *self {
            Image::Blank => vec![0; INPUTS],
            Image::Flat(v) => vec![v; INPUTS],
            Image::Noise { seed } => {
                let mut g = Gen::new(seed);
                (0..INPUTS).map(|_| g.next() as u8).collect()
            }
            Image::Sparse { seed, per_mille } => {
                let mut g = Gen::new(seed);
                (0..INPUTS)
                    .map(|_| {
                        if g.range(0, 999) < per_mille as u64 {
                            g.range(1, 255) as u8
                        } else {
                            0
                        }
                    })
                    .collect()
            }
            Image::Mnist { train, index } => mnist(train).image(index).to_vec(),
        }
    }
}

/// Initial weights.
#[derive(Clone, Debug)]
enum Weights {
    /// `FspinnNetwork::new`: uniform in `[0, init_max)` from the network seed.
    Uniform,
    /// Each weight uniform in 0..=W_MAX with probability `per_mille / 1000`, else 0.
    Sparse { per_mille: u32 },
    /// Every weight `code`.
    Constant(u16),
    /// Neuron `j` has weight `code` from the `fan_in` inputs `(offset + j * stride + k) % 784`,
    /// 0 from the others (columns that normalisation leaves saturated when `fan_in * code` is
    /// at most the normalisation target).
    Columns {
        fan_in: usize,
        offset: usize,
        stride: usize,
        code: u16,
    },
}

/// Initial threshold offsets.
#[derive(Clone, Debug)]
enum Thetas {
    Zero,
    /// Uniform in 0..=max.
    Random {
        max: i32,
    },
    /// Neuron `j` gets `values[j % values.len()]`.
    Cycle(Vec<i32>),
}

#[derive(Clone, Debug)]
struct SampleSpec {
    image: Image,
    seed: u32,
    train: bool,
}

/// Everything one comparison needs; its `Debug` output replays it.
#[derive(Clone, Debug)]
struct Case {
    name: String,
    neurons: usize,
    params: FspinnParams,
    net_seed: u64,
    weights: Weights,
    thetas: Thetas,
    /// Initial inhibition in membrane units (`None`: `inhibition_mv`).
    inhibition: Option<i32>,
    samples_seen: u64,
    samples: Vec<SampleSpec>,
}

/// The parameters the RTL supports with everything else at its default: the FSpiNN mode and
/// 8-bit weights.
fn base_params() -> FspinnParams {
    FspinnParams {
        formats: FixedFormats::with_weight_bits(WEIGHT_BITS as u8),
        mechanisms: Mechanisms {
            direct_inhibition: true,
            post_only_stdp: true,
            per_step_updates: true,
            ..Mechanisms::default()
        },
        ..FspinnParams::default()
    }
}

impl Case {
    fn new(name: &str, neurons: usize, params: FspinnParams) -> Self {
        Case {
            name: name.into(),
            neurons,
            params,
            net_seed: 1,
            weights: Weights::Uniform,
            thetas: Thetas::Zero,
            inhibition: None,
            samples_seen: 0,
            samples: Vec::new(),
        }
    }

    fn steps(&self) -> u32 {
        (self.params.presentation_ms / self.params.dt_ms).round() as u32
    }

    /// The limits of the verilated chip; a case outside them is a bug of this test.
    fn check_supported(&self) {
        let p = &self.params;
        let steps = self.steps();
        assert!((1..=MAX_NEURONS).contains(&self.neurons), "{}", self.name);
        assert!(
            (1..=MAX_STEPS).contains(&steps),
            "{}: {steps} steps",
            self.name
        );
        assert!(
            steps.div_ceil(p.refractory_steps + 1) <= MAX_COUNT,
            "{}: the spike counter overflows",
            self.name
        );
        assert!((1..=16).contains(&p.max_attempts), "{}", self.name);
        assert!(p.mechanisms.direct_inhibition && p.mechanisms.post_only_stdp);
        assert!(p.mechanisms.per_step_updates);
        assert_eq!(p.formats, FixedFormats::with_weight_bits(WEIGHT_BITS as u8));
    }

    fn network(&self) -> FspinnNetwork {
        let (n, p) = (self.neurons, self.params.clone());
        let mut rng = Rng::from_seed(self.net_seed);
        let fresh = FspinnNetwork::new(p.clone(), INPUTS, n, &mut rng).expect("valid params");
        let mut g = Gen::new(self.net_seed ^ 0xA5A5_A5A5);
        let weights = match self.weights {
            Weights::Uniform => fresh.weights().to_vec(),
            Weights::Sparse { per_mille } => (0..INPUTS * n)
                .map(|_| {
                    if g.range(0, 999) < per_mille as u64 {
                        g.range(0, W_MAX as u64) as u16
                    } else {
                        0
                    }
                })
                .collect(),
            Weights::Constant(code) => vec![code; INPUTS * n],
            Weights::Columns {
                fan_in,
                offset,
                stride,
                code,
            } => {
                let mut w = vec![0; INPUTS * n];
                for j in 0..n {
                    for k in 0..fan_in {
                        w[(offset + j * stride + k) % INPUTS * n + j] = code;
                    }
                }
                w
            }
        };
        let theta = match &self.thetas {
            Thetas::Zero => vec![0; n],
            Thetas::Random { max } => (0..n).map(|_| g.range(0, *max as u64) as i32).collect(),
            Thetas::Cycle(v) => (0..n).map(|j| v[j % v.len()]).collect(),
        };
        let inhibition = self.inhibition.unwrap_or(fresh.inhibition());
        FspinnNetwork::from_parts(p, INPUTS, n, weights, theta, inhibition, self.samples_seen)
            .expect("consistent state")
    }
}

// ------------------------------------------------------------------------------------------
// Running a case.

/// What a case did, summed over its samples.
#[derive(Clone, Debug, Default)]
struct Summary {
    samples: u64,
    trained: u64,
    attempts: u64,
    cycles: u64,
    spikes: u64,
    weight_updates: u64,
    /// Largest spike count of a neuron in a last attempt.
    max_count: u32,
    /// Per sample: (attempts, spikes, weight updates).
    per_sample: Vec<(u64, u64, u64)>,
}

/// Runs every sample of `case` on both sides, `inspect` seeing the model after each; returns
/// the summary, or a report (case, sample, mismatches) that replays the failure.
fn run_case(
    case: &Case,
    mut inspect: impl FnMut(usize, &Accelerator),
) -> Result<(Summary, Accelerator), String> {
    case.check_supported();
    let cfg = HwConfig::builtin("small").expect("built-in config");
    let net = case.network();
    let mut model = Accelerator::new(&cfg, &net, WEIGHT_BITS as u32).expect("fits the chip");
    let mut rtl = RtlAccelerator::load_from(&model);
    let mut sum = Summary::default();
    for (k, s) in case.samples.iter().enumerate() {
        let image = s.image.pixels();
        let attempts_before = model.counters().attempts;
        let (mismatches, totals) =
            compare_sample(k as u64, &mut model, &mut rtl, &image, s.seed, s.train);
        let mut state = state_differences(&model, &mut rtl, s.train || k + 1 == case.samples.len());
        if !mismatches.is_empty() || !state.is_empty() {
            state.truncate(20);
            return Err(report(case, k, &mismatches, &state));
        }
        let attempts = model.counters().attempts - attempts_before;
        sum.samples += 1;
        sum.trained += s.train as u64;
        sum.attempts += attempts;
        sum.cycles += totals.cycles_model;
        sum.spikes += totals.spikes_compared;
        sum.weight_updates += totals.weight_updates_compared;
        sum.max_count = sum
            .max_count
            .max(last_counts(&model).into_iter().max().unwrap_or(0));
        sum.per_sample.push((
            attempts,
            totals.spikes_compared,
            totals.weight_updates_compared,
        ));
        inspect(k, &model);
    }
    Ok((sum, model))
}

/// The spike counts of the last attempt as the model's neuron words hold them.
fn last_counts(model: &Accelerator) -> Vec<u32> {
    neuron_states(model).iter().map(|s| s.count).collect()
}

fn neuron_states(model: &Accelerator) -> Vec<fspinn_sim::layout::NeuronState> {
    let fmt = model.word_format();
    (0..model.neurons())
        .map(|j| fmt.unpack(model.neuron_banks()[j % PES].peek((j / PES) as u32)))
        .collect()
}

/// Differences between the state the model holds and the state the RTL holds: every used
/// neuron-state word, the inhibition register and, when `weights`, every used weight word.
fn state_differences(model: &Accelerator, rtl: &mut RtlAccelerator, weights: bool) -> Vec<String> {
    let mut out = Vec::new();
    let groups = model.neurons().div_ceil(PES) as u32;
    let fmt = *model.word_format();
    for (pe, bank) in model.neuron_banks().iter().enumerate() {
        for addr in 0..groups {
            let (e, a) = (bank.peek(addr), rtl.neuron_word(pe, addr));
            if e != a {
                out.push(format!(
                    "neuron word pe {pe} addr {addr} (neuron {}): model {e:#x} {:?}, rtl {a:#x} {:?}",
                    addr as usize * PES + pe,
                    fmt.unpack(e),
                    fmt.unpack(a)
                ));
            }
        }
    }
    let inh = rtl.rtl().host_read(Reg::Inhibition.addr()) as i64;
    if inh != model.inhibition() as i64 {
        out.push(format!(
            "inhibition register: model {}, rtl {inh}",
            model.inhibition()
        ));
    }
    if weights {
        let layout = model.layout().clone();
        let used = (layout.groups * layout.inputs * layout.cycles_per_chunk) as u32;
        for (b, bank) in model.weight_port().banks().iter().enumerate() {
            for addr in 0..used {
                let (e, a) = (bank.peek(addr), rtl.weight_word(b, addr));
                if e != a {
                    out.push(format!(
                        "weight word bank {b} addr {addr}: model {e:#018x}, rtl {a:#018x}"
                    ));
                }
            }
        }
    }
    out
}

fn report(case: &Case, sample: usize, mismatches: &[Mismatch], state: &[String]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "RTL/model mismatch in case `{}`, sample {sample} ({:?}):",
        case.name, case.samples[sample]
    );
    for m in mismatches {
        let _ = writeln!(s, "  {m}");
    }
    for d in state {
        let _ = writeln!(s, "  state after the sample: {d}");
    }
    let _ = writeln!(s, "case (replay with run_case): {case:#?}");
    s
}

fn run_ok(case: &Case) -> (Summary, Accelerator) {
    let t0 = Instant::now();
    let (sum, model) = run_case(case, |_, _| {}).unwrap_or_else(|r| panic!("{r}"));
    eprintln!(
        "{}: n={} steps={} {:.2}s {sum:?}",
        case.name,
        case.neurons,
        case.steps(),
        t0.elapsed().as_secs_f64()
    );
    (sum, model)
}

// ------------------------------------------------------------------------------------------
// The randomised test.

fn random_image(g: &mut Gen) -> Image {
    match g.range(0, 99) {
        0..=39 => Image::Mnist {
            train: g.chance(0.5),
            index: g.range(0, 299) as usize,
        },
        40..=59 => Image::Noise { seed: g.next() },
        60..=84 => Image::Sparse {
            seed: g.next(),
            per_mille: g.range(1, 200) as u32,
        },
        85..=92 => Image::Blank,
        _ => Image::Flat(g.range(1, 255) as u8),
    }
}

/// A random case within the chip's limits; `seed` alone determines it.
fn random_case(seed: u64) -> Case {
    let mut g = Gen::new(seed);
    let neurons = match g.range(0, 9) {
        0..=2 => g.range(1, 16),
        3..=6 => g.range(17, 120),
        7 | 8 => g.range(121, MAX_NEURONS as u64),
        _ => MAX_NEURONS as u64,
    } as usize;
    let refractory_steps = g.range(0, 14) as u32;
    let step_limit = MAX_STEPS.min(MAX_COUNT * (refractory_steps + 1));
    let steps = if g.chance(0.3) {
        g.range(1, 12.min(step_limit as u64)) as u32
    } else {
        g.range(1, step_limit as u64) as u32
    };
    let dt_ms = g.pick(&[1.0f32, 0.5, 0.25]);
    let mut p = base_params();
    p.dt_ms = dt_ms;
    p.presentation_ms = steps as f32 * dt_ms;
    p.rate_per_pixel_hz = if g.chance(0.6) {
        0.125
    } else {
        q(g.log(0.01, 8.0), 10)
    };
    p.start_intensity = g.range(1, 4) as u32;
    p.min_spikes = if g.chance(0.2) {
        0
    } else {
        g.range(1, 40) as u32
    };
    p.max_attempts = g.range(1, 16) as u32;
    p.leak_shift = g.range(1, 16) as u32;
    p.v_thresh_mv = if g.chance(0.05) {
        -q(g.log(0.05, 20.0), 8)
    } else {
        q(g.log(0.1, 120.0), 8)
    };
    p.refractory_steps = refractory_steps;
    p.theta_plus_mv = if g.chance(0.1) {
        q(g.log(1.0, 255.0), 8)
    } else {
        q(g.log(0.004, 5.0), 8)
    };
    p.theta_decay_shift = if g.chance(0.5) {
        None
    } else {
        Some(g.range(1, 32) as u32)
    };
    p.theta_target_mv = q(g.log(0.5, 100.0), 4);
    p.inhibition_mv = if g.chance(0.1) {
        0.0
    } else {
        q(g.log(0.05, 120.0), 8)
    };
    p.target_spikes = g.range(0, 60) as u32;
    p.trace_half_life_steps = if g.chance(0.8) {
        g.range(1, 40) as u32
    } else {
        g.range(41, 600) as u32
    };
    p.nu_post = q(g.log(1e-4, 2.0), 16);
    p.x_tar = q(g.unit(), 8);
    p.potentiation_half_life = if g.chance(0.5) {
        g.range(1, 4) as u32
    } else {
        20_000
    };
    p.init_max = q(g.unit() * 1.2, 8);
    p.rounding = g.pick(&Rounding::ALL);
    p.mechanisms.adaptive_potentiation = g.chance(0.5);
    p.mechanisms.adaptive_inhibition = g.chance(0.5);

    let mut case = Case::new(&format!("random {seed:#018x}"), neurons, p);
    case.net_seed = g.next();
    case.weights = match g.range(0, 9) {
        0..=5 => Weights::Uniform,
        6..=8 => Weights::Sparse {
            per_mille: g.range(1, 1000) as u32,
        },
        _ => Weights::Constant(g.range(0, W_MAX as u64) as u16),
    };
    case.thetas = match g.range(0, 3) {
        0 | 1 => Thetas::Zero,
        2 => Thetas::Random {
            max: g.log(1.0, 4096.0) as i32,
        },
        _ => Thetas::Random {
            max: g.log(1.0, THETA_MAX as f64) as i32,
        },
    };
    if g.chance(0.3) {
        case.inhibition = Some(g.range(0, i16::MAX as u64) as i32);
    }
    case.samples_seen = if g.chance(0.5) { 0 } else { g.range(0, 50) };
    let samples = g.range(1, 4);
    case.samples = (0..samples)
        .map(|_| SampleSpec {
            image: random_image(&mut g),
            seed: g.next() as u32,
            train: g.chance(0.6),
        })
        .collect();
    case
}

fn env_u64(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    let v = v.trim();
    let parsed = match v.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(&hex.replace('_', ""), 16),
        None => v.replace('_', "").parse(),
    };
    Some(parsed.unwrap_or_else(|e| panic!("{name}={v}: {e}")))
}

#[test]
fn random_networks_and_stimuli_match_the_cycle_model() {
    let seeds: Vec<u64> = match env_u64("FSPINN_COSIM_SEED") {
        Some(seed) => vec![seed],
        None => {
            let cases = env_u64("FSPINN_COSIM_BUDGET").map_or(DEFAULT_CASES, |c| c as usize);
            let base = env_u64("FSPINN_COSIM_BASE").unwrap_or(DEFAULT_BASE);
            (0..cases as u64)
                .map(|k| mix64(base.wrapping_add(k)))
                .collect()
        }
    };
    // Independent cases on every core (each thread builds its own verilated model).
    let threads = std::thread::available_parallelism()
        .map_or(1, |p| p.get())
        .min(seeds.len());
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let totals = Mutex::new(Summary::default());
    let t0 = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                if k >= seeds.len() || failures.lock().unwrap().len() >= 3 {
                    break;
                }
                let case = random_case(seeds[k]);
                let t = Instant::now();
                match run_case(&case, |_, _| {}) {
                    Ok((sum, _)) => {
                        eprintln!(
                            "case {k} ({}): n={} steps={} refr={} {:.2}s {} cycles, \
                             (attempts, spikes, weight updates) per sample {:?}",
                            case.name,
                            case.neurons,
                            case.steps(),
                            case.params.refractory_steps,
                            t.elapsed().as_secs_f64(),
                            sum.cycles,
                            sum.per_sample
                        );
                        let mut tot = totals.lock().unwrap();
                        tot.samples += sum.samples;
                        tot.trained += sum.trained;
                        tot.attempts += sum.attempts;
                        tot.cycles += sum.cycles;
                        tot.spikes += sum.spikes;
                        tot.weight_updates += sum.weight_updates;
                        tot.max_count = tot.max_count.max(sum.max_count);
                    }
                    Err(r) => {
                        eprintln!("{r}");
                        failures
                            .lock()
                            .unwrap()
                            .push(format!("FSPINN_COSIM_SEED={:#x} (case {k})\n{r}", seeds[k]));
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    let tot = totals.into_inner().unwrap();
    eprintln!(
        "{} random cases in {:.1}s: {} samples ({} training), {} attempts, {} cycles, {} spikes, \
         {} weight updates compared",
        seeds.len(),
        t0.elapsed().as_secs_f64(),
        tot.samples,
        tot.trained,
        tot.attempts,
        tot.cycles,
        tot.spikes,
        tot.weight_updates
    );
    assert!(
        failures.is_empty(),
        "{} failing case(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    if seeds.len() >= DEFAULT_CASES {
        // The generator must reach the interesting parts of the state space.
        assert!(tot.spikes > 0, "no case produced a spike");
        assert!(tot.weight_updates > 0, "no case trained a weight");
        assert!(tot.attempts > tot.samples, "no sample was repeated");
    }
}

#[test]
fn random_cases_stay_within_the_chip() {
    for k in 0..2000 {
        let case = random_case(mix64(DEFAULT_BASE.wrapping_add(k)));
        case.check_supported();
        case.network();
    }
}

// ------------------------------------------------------------------------------------------
// Directed corner cases.

fn mnist_samples(count: usize, train: bool, first: usize) -> Vec<SampleSpec> {
    (0..count)
        .map(|k| SampleSpec {
            image: Image::Mnist {
                train,
                index: first + k,
            },
            seed: 1000 + (first + k) as u32,
            train,
        })
        .collect()
}

fn flat_samples(value: u8, seeds: &[u32], train: bool) -> Vec<SampleSpec> {
    seeds
        .iter()
        .map(|&seed| SampleSpec {
            image: Image::Flat(value),
            seed,
            train,
        })
        .collect()
}

/// Columns of 78 inputs at the largest code: normalisation leaves them saturated (78 x 255 is
/// just under the target 78 x 256), and a large potentiation factor with a small `x_tar` pushes
/// the weights of active inputs beyond the maximum (clamped) while those of silent inputs are
/// pushed below 0 (clamped).
#[test]
fn saturated_weights_pushed_further_by_training() {
    let mut p = base_params();
    p.nu_post = 1.5;
    p.x_tar = 0.05;
    p.presentation_ms = 60.0;
    p.v_thresh_mv = 4.0;
    p.mechanisms.adaptive_potentiation = false;
    for (rounding, stride) in [(Rounding::Nearest, 3), (Rounding::Stochastic, 1)] {
        p.rounding = rounding;
        let mut case = Case::new(&format!("saturated weights, {rounding:?}"), 20, p.clone());
        // 78 consecutive pixels from row 10 on, where MNIST digits have ink.
        case.weights = Weights::Columns {
            fan_in: 78,
            offset: 280,
            stride,
            code: W_MAX,
        };
        case.samples = mnist_samples(2, true, stride);
        let mut saturated = 0;
        let (sum, _) = run_case(&case, |k, m| {
            if k == 0 {
                saturated = m.weight_codes().iter().filter(|&&w| w == W_MAX).count();
            }
        })
        .unwrap_or_else(|r| panic!("{r}"));
        eprintln!("{}: {saturated} saturated weights, {sum:?}", case.name);
        assert!(sum.spikes > 0, "{sum:?}");
        assert!(sum.weight_updates > 0, "{sum:?}");
        assert!(saturated > 0, "no weight at the maximum after training");
    }
}

/// Every weight at the maximum and every input spiking every step: the membrane saturates at
/// `v_max` in one step. Half the neurons cannot fire (theta far above), the other half fire
/// whenever free, so the silent half is inhibited by 50 spikes x 100 mV into the negative
/// saturation within the same step.
#[test]
fn membrane_saturates_both_ways() {
    let mut p = base_params();
    p.presentation_ms = 12.0;
    p.rate_per_pixel_hz = 200.0; // threshold saturates at 0xFFFF: every channel every step
    p.refractory_steps = 0;
    p.v_thresh_mv = 10.0;
    p.inhibition_mv = 100.0;
    p.mechanisms.adaptive_inhibition = false;
    let mut case = Case::new("membrane saturation", 100, p.clone());
    case.weights = Weights::Constant(W_MAX);
    case.thetas = Thetas::Cycle(vec![0, THETA_MAX]);
    case.samples = flat_samples(255, &[11], false);
    let (sum, model) = run_ok(&case);
    let v_max = model.consts().v_fmt.max_raw();
    let v_min = model.consts().v_fmt.min_raw();
    let states = neuron_states(&model);
    assert!(sum.spikes > 0, "{sum:?}");
    assert!(
        states.iter().any(|s| s.v == v_min),
        "no membrane at the negative limit: {:?}",
        &states[..4]
    );

    // Nobody can fire: the membrane sits at the positive limit.
    let mut case = Case::new("membrane saturation, silent", 100, p);
    case.weights = Weights::Constant(W_MAX);
    case.thetas = Thetas::Cycle(vec![THETA_MAX]);
    case.samples = flat_samples(255, &[12], false);
    case.params.max_attempts = 2;
    let (sum, model) = run_ok(&case);
    assert_eq!(sum.spikes, 0);
    assert_eq!(sum.attempts, 2, "a silent sample is repeated");
    assert!(neuron_states(&model).iter().all(|s| s.v == v_max));

    // Training on the same: theta bumps saturate, the decay runs on saturated thresholds.
    let mut case = Case::new("membrane saturation, training", 64, base_params());
    case.params.presentation_ms = 20.0;
    case.params.rate_per_pixel_hz = 200.0;
    case.params.refractory_steps = 0;
    case.params.theta_plus_mv = 200.0;
    case.params.theta_decay_shift = Some(1);
    case.weights = Weights::Constant(W_MAX);
    case.thetas = Thetas::Cycle(vec![0, 30_000, THETA_MAX - 1]);
    case.samples = flat_samples(255, &[13, 14], true);
    let (sum, _) = run_ok(&case);
    assert!(sum.spikes > 0 && sum.weight_updates > 0, "{sum:?}");
}

/// With no refractory period and strong input every neuron fires in every step it can, up to
/// the top of the spike counter (63 = 2^COUNT_BITS - 1) for refractory periods 0 to 3.
#[test]
fn neurons_fire_every_possible_step() {
    for refractory in 0..=3u32 {
        let steps = MAX_STEPS.min(MAX_COUNT * (refractory + 1));
        let mut p = base_params();
        p.presentation_ms = steps as f32;
        p.refractory_steps = refractory;
        p.rate_per_pixel_hz = 200.0;
        p.v_thresh_mv = 1.0;
        p.inhibition_mv = 0.0;
        p.mechanisms.adaptive_inhibition = false;
        // Training writes 784 weights per spike: two neurons keep that short.
        let train = refractory % 2 == 1;
        let n = if train { 2 } else { 33 };
        let mut case = Case::new(&format!("fire every step, refractory {refractory}"), n, p);
        case.weights = Weights::Constant(W_MAX);
        case.samples = flat_samples(255, &[21 + refractory], train);
        let (sum, _) = run_ok(&case);
        let expected = steps.div_ceil(refractory + 1);
        assert_eq!(sum.max_count, expected, "{sum:?}");
        assert_eq!(sum.spikes, n as u64 * expected as u64, "{sum:?}");
        if refractory == 3 {
            assert_eq!(
                sum.max_count, MAX_COUNT,
                "the counter's top value is reached"
            );
        }
    }
}

/// A blank image makes no input spike: with `min_spikes` > 0 every attempt is repeated up to
/// `max_attempts` (training runs normalisation, theta decay and inhibition adaptation each
/// time); with `min_spikes` = 0 one attempt is enough.
#[test]
fn blank_image_repeats_every_attempt() {
    for (max_attempts, min_spikes, train) in
        [(16, 1, false), (16, 5, true), (7, 1, true), (5, 0, true)]
    {
        let mut p = base_params();
        p.presentation_ms = 40.0;
        p.max_attempts = max_attempts;
        p.min_spikes = min_spikes;
        p.theta_decay_shift = Some(3);
        let mut case = Case::new(
            &format!("blank, {max_attempts} attempts, min_spikes {min_spikes}, train {train}"),
            50,
            p,
        );
        case.thetas = Thetas::Random { max: 5000 };
        case.samples = vec![SampleSpec {
            image: Image::Blank,
            seed: 31,
            train,
        }];
        let (sum, model) = run_ok(&case);
        assert_eq!(sum.spikes, 0);
        let expected = if min_spikes == 0 {
            1
        } else {
            max_attempts as u64
        };
        assert_eq!(sum.attempts, expected, "{sum:?}");
        if train {
            // The thresholds decayed once per attempt (the start was random, up to 5000).
            assert!(model.thetas().iter().sum::<i32>() < case.network().theta().iter().sum());
        }
    }
}

/// A single neuron (PE 0 alone, 15 empty lanes) and sizes that leave the last group partly
/// empty, for inference and training.
#[test]
fn partial_neuron_groups() {
    for (n, v_thresh) in [(1usize, 2.0f32), (15, 4.0), (17, 6.0), (399, 13.0)] {
        let mut p = base_params();
        p.presentation_ms = 120.0;
        p.v_thresh_mv = v_thresh;
        // Weak inhibition, so that every neuron, the last one too, gets to fire.
        p.inhibition_mv = 0.25;
        p.mechanisms.adaptive_inhibition = false;
        p.rounding = Rounding::ALL[n % 3];
        let mut case = Case::new(&format!("{n} neurons"), n, p);
        case.net_seed = n as u64;
        case.samples = mnist_samples(1, false, n % 100);
        case.samples.extend(mnist_samples(2, true, n % 100));
        let mut fired_last = false;
        let (sum, _) = run_case(&case, |_, m| fired_last |= last_counts(m)[n - 1] > 0)
            .unwrap_or_else(|r| panic!("{r}"));
        eprintln!("{}: {sum:?}", case.name);
        assert!(sum.spikes > 0, "{n} neurons: {sum:?}");
        assert!(sum.weight_updates > 0, "{n} neurons: {sum:?}");
        assert!(
            fired_last,
            "neuron {} (the last lane used) never fired",
            n - 1
        );
    }
}

/// Thresholds at and near the top of their 16-bit range: such a neuron can never fire
/// (`v_thresh + theta` exceeds any membrane value, so the comparison must not wrap), bumps
/// saturate at the maximum, and the decay runs on values at the maximum.
#[test]
fn theta_near_its_maximum() {
    let mut p = base_params();
    p.presentation_ms = 60.0;
    p.rate_per_pixel_hz = 2.0;
    p.refractory_steps = 1;
    p.v_thresh_mv = 1.0;
    p.theta_plus_mv = 255.0;
    p.theta_decay_shift = Some(32);
    p.max_attempts = 3;
    let mut case = Case::new("theta near the maximum", 48, p);
    case.weights = Weights::Constant(W_MAX);
    case.thetas = Thetas::Cycle(vec![THETA_MAX, THETA_MAX - 1, THETA_MAX - 300, 30_000, 0]);
    case.samples = mnist_samples(2, true, 7);
    case.samples.extend(mnist_samples(1, false, 9));
    let start = case.network().theta().to_vec();
    let mut fired_high = false;
    let (sum, model) = run_case(&case, |_, m| {
        let counts = last_counts(m);
        fired_high |= counts
            .iter()
            .zip(&start)
            .any(|(&c, &t)| c > 0 && t > THETA_MAX - 1000);
    })
    .unwrap_or_else(|r| panic!("{r}"));
    eprintln!("{}: {sum:?}", case.name);
    assert!(sum.spikes > 0, "{sum:?}");
    assert!(!fired_high, "a neuron with theta near the maximum fired");
    let thetas = model.thetas();
    assert!(
        thetas.contains(&THETA_MAX),
        "no threshold at the maximum: {thetas:?}"
    );
    // A neuron that started at 30000 or 0 fired and its bump saturated.
    assert!(
        thetas
            .iter()
            .zip(&start)
            .any(|(&t, &s)| s <= 30_000 && t > THETA_MAX - 1000),
        "no bump reached the top: {thetas:?}"
    );
}

/// The comparison is not vacuous: an RTL loaded with a different threshold than the model's
/// is caught.
#[test]
fn a_desynchronised_rtl_is_caught() {
    let mut case = Case::new("desynchronised", 40, base_params());
    case.params.presentation_ms = 60.0;
    case.params.v_thresh_mv = 4.0;
    let cfg = HwConfig::builtin("small").unwrap();
    let mut model = Accelerator::new(&cfg, &case.network(), WEIGHT_BITS as u32).unwrap();
    let mut rtl = RtlAccelerator::load_from(&model);
    let v_thresh = model.consts().v_thresh;
    rtl.rtl()
        .host_write(Reg::VThresh.addr(), (v_thresh + 64) as u64);
    let image = Image::Mnist {
        train: false,
        index: 3,
    }
    .pixels();
    let (mismatches, totals) = compare_sample(0, &mut model, &mut rtl, &image, 5, true);
    assert!(totals.spikes_compared > 0);
    assert!(
        mismatches.iter().any(|m| m.what() == "spike"),
        "{mismatches:?}"
    );
}
