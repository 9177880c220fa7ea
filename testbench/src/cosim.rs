//! Lock-step comparison of the RTL (L3) with the cycle model (L2): both run the same network,
//! image and sample seed; every output spike (attempt, step, neuron, cycle), every weight write
//! (input, neuron, value, cycle), the total cycles and the reads and writes of every SRAM bank
//! are compared. docs/rtl.md fixes the host interface used to load the RTL.

use crate::{net_reg, Outputs, Rtl};
use fspinn_model::fixed::rate_q24;
use fspinn_sim::events::{SpikeEvent, WeightWrite};
use fspinn_sim::Accelerator;
use serde::Serialize;

/// The RTL behind the host interface, loaded with the same network as an L2 accelerator.
pub struct RtlAccelerator {
    rtl: Rtl,
    /// What the host needs to drive and read the chip: the network's constants, its images
    /// seen (for the potentiation factor), the memory layout.
    pub(crate) params: fspinn_model::fspinn::FspinnParams,
    pub(crate) consts: fspinn_model::fspinn::FspinnConsts,
    pub(crate) samples_seen: u64,
    pub(crate) layout: fspinn_sim::layout::WeightLayout,
    pub(crate) word_fmt: fspinn_sim::layout::NeuronWordFormat,
    pes: usize,
    neurons: usize,
    wbanks: usize,
    nlat: u64,
    wlat: u64,
}

/// What one sample did on the RTL.
#[derive(Clone, Debug, Default)]
pub struct RtlSample {
    /// Cycles from `start` to `done`, both included.
    pub cycles: u64,
    /// Every output spike, cycles counted from the sample's first cycle.
    pub spikes: Vec<SpikeEvent>,
    /// Every weight the STDP unit wrote.
    pub weight_writes: Vec<WeightWrite>,
    /// Reads and writes of every bank: `wsram0..`, then `nsram0..`.
    pub accesses: Vec<(String, u64, u64)>,
    /// Spike counts of the last attempt, read back through the host port.
    pub counts: Vec<u32>,
}

/// One difference between the model and the RTL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CosimMismatch {
    /// Index of the sample in the run.
    pub sample: u64,
    /// `spike`, `weight_write`, `cycles`, `accesses`, `count`.
    pub what: String,
    /// Cycle (from the start of the sample) where the streams first differ.
    pub cycle: u64,
    /// What the cycle model did.
    pub expected: String,
    /// What the RTL did.
    pub actual: String,
}

fn space(s: u32, index: u32) -> u32 {
    (s << 24) | index
}

impl RtlAccelerator {
    /// Resets the RTL and loads the registers, weights and thresholds of `model` (an L2
    /// accelerator that has not run yet, or whose state is to be copied).
    pub fn load_from(model: &Accelerator) -> Self {
        let cfg = model.config();
        let mut rtl = Rtl::new();
        rtl.reset();
        let c = model.consts();
        let p = model.params();
        let n = model.neurons();
        let regs: [(u32, i64); 21] = [
            (0, n as i64),
            (1, c.steps as i64),
            (2, c.leak_shift as i64),
            (3, c.v_thresh as i64),
            (4, c.theta_plus as i64),
            (5, c.refractory_start() as i64),
            (6, c.w_to_v_shift as i64),
            (7, c.trace_max as i64),
            (8, c.trace_bits as i64),
            (9, c.trace_half_life as i64),
            (10, c.x_tar as i64),
            (12, c.norm_target),
            (13, model.theta_decay() as i64),
            (14, model.inhibition() as i64),
            (15, p.min_spikes as i64),
            (16, p.max_attempts as i64),
            (17, p.target_spikes as i64),
            (
                18,
                p.mechanisms.adaptive_inhibition as i64
                    | (match p.rounding {
                        fspinn_model::fixed::Rounding::Truncate => 0,
                        fspinn_model::fixed::Rounding::Nearest => 1,
                        fspinn_model::fixed::Rounding::Stochastic => 2,
                    }) << 1,
            ),
            (21, c.v_fmt.max_raw() as i64),
            (22, c.w_max as i64),
            (20, 0),
        ];
        for (r, v) in regs {
            rtl.host_write(net_reg(r), v as u64);
        }
        for a in 0..p.max_attempts.min(16) {
            let rate = rate_q24(
                p.rate_per_pixel_hz as f64,
                p.start_intensity + a,
                p.dt_ms as f64,
            );
            rtl.host_write(space(4, a), rate as u64);
        }
        let port = model.weight_port();
        for (b, bank) in port.banks().iter().enumerate() {
            for addr in 0..bank.depth() {
                let w = bank.peek(addr);
                if w != 0 {
                    rtl.host_write(space(1, (b as u32) << 20 | addr), w);
                }
            }
        }
        for (pe, bank) in model.neuron_banks().iter().enumerate() {
            for addr in 0..bank.depth() {
                rtl.host_write(space(2, (pe as u32) << 16 | addr), bank.peek(addr));
            }
        }
        RtlAccelerator {
            rtl,
            params: p.clone(),
            consts: c.clone(),
            samples_seen: model.samples_seen(),
            layout: model.layout().clone(),
            word_fmt: *model.word_format(),
            pes: cfg.pe_array.pes as usize,
            neurons: n,
            wbanks: cfg.weight_sram.banks as usize,
            nlat: cfg.neuron_sram.read_latency as u64,
            wlat: cfg.weight_sram.read_latency as u64,
        }
    }

    /// The verilated top, for tracing and direct port access.
    /// Excitatory neurons of the loaded network.
    pub fn neurons(&self) -> usize {
        self.neurons
    }

    /// The verilated top, for tracing and direct port access.
    pub fn rtl(&mut self) -> &mut Rtl {
        &mut self.rtl
    }

    /// Runs one sample: pixels, seed, potentiation factor and mode written through the host
    /// port, then `start`, then one tick per cycle until `done`.
    pub fn run_sample(
        &mut self,
        image: &[u8],
        sample_seed: u32,
        train: bool,
        eta_post_q16: i64,
    ) -> RtlSample {
        self.run_sample_traced(image, sample_seed, train, eta_post_q16, None)
            .expect("no trace, no trace error")
    }

    /// [`run_sample`](Self::run_sample), writing a VCD of the sample's cycles `window` (counted
    /// from the sample's first cycle) to `path`.
    pub fn run_sample_traced(
        &mut self,
        image: &[u8],
        sample_seed: u32,
        train: bool,
        eta_post_q16: i64,
        trace: Option<(&std::path::Path, std::ops::Range<u64>)>,
    ) -> Result<RtlSample, crate::TraceError> {
        for (c, &px) in image.iter().enumerate() {
            self.rtl.host_write(space(3, c as u32), px as u64);
        }
        self.rtl.host_write(net_reg(19), sample_seed as u64);
        self.rtl.host_write(net_reg(20), train as u64);
        self.rtl.host_write(net_reg(11), eta_post_q16 as u64);
        self.rtl.host_write(space(5, 0), 0); // clear the counters
        let window = trace.as_ref().map(|(_, w)| w.clone()).unwrap_or(0..0);
        if let Some((path, w)) = &trace {
            if w.start == 0 {
                self.rtl.trace_open(path)?;
            }
        }
        let mut out = self.rtl.start();
        let mut sample = RtlSample::default();
        let mut cycle = 0u64;
        loop {
            self.record(&out, cycle, &mut sample);
            if out.done {
                break;
            }
            if let Some((path, w)) = &trace {
                if cycle + 1 == w.start && w.start > 0 {
                    self.rtl.trace_open(path)?;
                }
            }
            if cycle + 1 == window.end && self.rtl.is_tracing() {
                self.rtl.trace_close();
            }
            out = self.rtl.tick();
            cycle += 1;
            assert!(cycle < 1 << 40, "the RTL never finished");
        }
        if self.rtl.is_tracing() {
            self.rtl.trace_close();
        }
        sample.cycles = cycle + 1;
        // Let the last cycle's writes commit before reading counters.
        self.rtl.tick();
        for b in 0..self.wbanks {
            let r = self.rtl.host_read(space(5, 1 + 2 * b as u32));
            let w = self.rtl.host_read(space(5, 2 + 2 * b as u32));
            sample.accesses.push((format!("wsram{b}"), r, w));
        }
        for p in 0..self.pes {
            let base = 1 + 2 * self.wbanks as u32 + 2 * p as u32;
            let r = self.rtl.host_read(space(5, base));
            let w = self.rtl.host_read(space(5, base + 1));
            sample.accesses.push((format!("nsram{p}"), r, w));
        }
        sample.counts = (0..self.neurons)
            .map(|j| self.rtl.host_read(space(6, j as u32)) as u32)
            .collect();
        Ok(sample)
    }

    fn record(&self, out: &Outputs, cycle: u64, s: &mut RtlSample) {
        if out.spike_valid {
            for p in 0..self.pes {
                if out.spike_mask >> p & 1 == 1 {
                    s.spikes.push(SpikeEvent {
                        attempt: out.obs_attempt as u32,
                        t: out.obs_timestep as u32,
                        neuron: (out.spike_neuron as usize * self.pes + p) as u32,
                        cycle,
                    });
                }
            }
        }
        if out.wupd_valid {
            s.weight_writes.push(WeightWrite {
                attempt: out.obs_attempt as u32,
                t: out.obs_timestep as u32,
                input: out.wupd_input as u32,
                neuron: out.wupd_neuron as u32,
                value: out.wupd_value,
                cycle,
            });
        }
    }

    /// Word `addr` of weight bank `bank`, read through the host port (valid after the SRAM's
    /// latency).
    pub fn weight_word(&mut self, bank: usize, addr: u32) -> u64 {
        self.rtl.host_read(space(1, (bank as u32) << 20 | addr));
        for _ in 1..self.wlat {
            self.rtl.tick();
        }
        self.rtl.outputs().host_rdata
    }

    /// Word `addr` of neuron bank `pe`.
    pub fn neuron_word(&mut self, pe: usize, addr: u32) -> u64 {
        self.rtl.host_read(space(2, (pe as u32) << 16 | addr));
        for _ in 1..self.nlat {
            self.rtl.tick();
        }
        self.rtl.outputs().host_rdata
    }
}

/// Runs one sample on both and compares; L2's events are taken relative to the sample's first
/// cycle. Returns the mismatches (empty when the two agree in every respect).
pub fn compare_sample(
    sample: u64,
    model: &mut Accelerator,
    rtl: &mut RtlAccelerator,
    image: &[u8],
    sample_seed: u32,
    train: bool,
) -> (Vec<CosimMismatch>, CosimTotals) {
    compare_sample_traced(sample, model, rtl, image, sample_seed, train, None)
        .expect("no trace, no trace error")
}

/// [`compare_sample`] with the RTL's VCD of the sample's cycles `window` written to `path` (the
/// caller gives the model its own [`fspinn_sim::waves::Waves`] for the same window).
#[allow(clippy::too_many_arguments)]
pub fn compare_sample_traced(
    sample: u64,
    model: &mut Accelerator,
    rtl: &mut RtlAccelerator,
    image: &[u8],
    sample_seed: u32,
    train: bool,
    trace: Option<(&std::path::Path, std::ops::Range<u64>)>,
) -> Result<(Vec<CosimMismatch>, CosimTotals), crate::TraceError> {
    let eta = model.potentiation_factor();
    let before: Vec<(u64, u64)> = bank_counts(model);
    let start = model.cycle();
    model.record_events(true);
    let m = model.run_sample(image, sample_seed, train);
    let events = model.take_events().unwrap_or_default();
    let r = rtl.run_sample_traced(image, sample_seed, train, eta, trace)?;
    let mut out = Vec::new();
    let mut push = |what: &str, cycle: u64, expected: String, actual: String| {
        out.push(CosimMismatch {
            sample,
            what: what.into(),
            cycle,
            expected,
            actual,
        })
    };
    let spikes: Vec<SpikeEvent> = events
        .spikes
        .iter()
        .map(|e| SpikeEvent {
            cycle: e.cycle - start,
            ..*e
        })
        .collect();
    let writes: Vec<WeightWrite> = events
        .weight_writes
        .iter()
        .map(|e| WeightWrite {
            cycle: e.cycle - start,
            ..*e
        })
        .collect();
    if let Some((cycle, e, a)) = first_difference(&spikes, &r.spikes, |x| x.cycle) {
        push("spike", cycle, e, a);
    }
    if let Some((cycle, e, a)) = first_difference(&writes, &r.weight_writes, |x| x.cycle) {
        push("weight_write", cycle, e, a);
    }
    if m.cycles != r.cycles {
        push(
            "cycles",
            m.cycles.min(r.cycles),
            m.cycles.to_string(),
            r.cycles.to_string(),
        );
    }
    let after = bank_counts(model);
    for (k, (name, rr, rw)) in r.accesses.iter().enumerate() {
        let (er, ew) = (after[k].0 - before[k].0, after[k].1 - before[k].1);
        if (er, ew) != (*rr, *rw) {
            push(
                "accesses",
                m.cycles,
                format!("{name}: {er} reads, {ew} writes"),
                format!("{name}: {rr} reads, {rw} writes"),
            );
        }
    }
    if m.counts != r.counts {
        push(
            "count",
            m.cycles,
            format!("{:?}", m.counts),
            format!("{:?}", r.counts),
        );
    }
    let totals = CosimTotals {
        cycles_model: m.cycles,
        cycles_rtl: r.cycles,
        spikes_compared: spikes.len().max(r.spikes.len()) as u64,
        weight_updates_compared: writes.len().max(r.weight_writes.len()) as u64,
        accesses_model: after
            .iter()
            .zip(&before)
            .map(|(a, b)| a.0 - b.0 + a.1 - b.1)
            .sum(),
        accesses_rtl: r.accesses.iter().map(|(_, r, w)| r + w).sum(),
    };
    Ok((out, totals))
}

/// Per-sample totals of a comparison.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct CosimTotals {
    /// Cycles of the sample in the cycle model.
    pub cycles_model: u64,
    /// Cycles of the sample in the RTL.
    pub cycles_rtl: u64,
    /// Output spikes compared (the longer of the two lists).
    pub spikes_compared: u64,
    /// Weight writes compared (the longer of the two lists).
    pub weight_updates_compared: u64,
    /// Bank reads and writes of the cycle model.
    pub accesses_model: u64,
    /// Bank reads and writes counted by the RTL's hardware counters.
    pub accesses_rtl: u64,
}

fn bank_counts(model: &Accelerator) -> Vec<(u64, u64)> {
    model
        .weight_port()
        .banks()
        .iter()
        .chain(model.neuron_banks())
        .map(|b| (b.reads, b.writes))
        .collect()
}

/// Where two event streams first differ: the cycle (of whichever side has an entry there) and
/// both entries, printed (`None` where a stream has ended).
fn first_difference<T: PartialEq + std::fmt::Debug>(
    expected: &[T],
    actual: &[T],
    cycle: impl Fn(&T) -> u64,
) -> Option<(u64, String, String)> {
    let k = (0..expected.len().max(actual.len())).find(|&k| expected.get(k) != actual.get(k))?;
    let (e, a) = (expected.get(k), actual.get(k));
    Some((
        e.or(a).map_or(0, &cycle),
        format!("{e:?}"),
        format!("{a:?}"),
    ))
}
