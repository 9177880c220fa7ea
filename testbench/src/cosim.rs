//! Lock-step comparison of the RTL (L3) with the cycle model (L2): both run the same network,
//! image and sample seed; every output spike (attempt, step, neuron, cycle), every weight write
//! (input, neuron, value, cycle), the total cycles, the reads and writes of every SRAM bank
//! and, with the weights in DRAM, the DRAM channel's counters are compared. docs/rtl.md fixes
//! the host interface used to load the RTL.
//!
//! With the weights in DRAM (the large config), the RTL's DRAM port is served by the same
//! [`DramChannel`] model L2 uses, over a word image of the weights: every cycle the channel's
//! completion drives `dram_resp_*`, its readiness `dram_req_ready`, and a request presented
//! while ready is handed to it (writes update the image when issued, reads return the image
//! as it is at completion, as `fspinn_sim::weight_port` does).

use crate::{net_reg, Outputs, Rtl};
use fspinn_sim::dram::{DramChannel, DramCounters, DramRequest};
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
    dram: Option<DramSide>,
    /// Cycles after which a sample is abandoned as timed out (set per comparison).
    cycle_limit: Option<u64>,
}

/// The DRAM behind the RTL's DRAM port (weights off chip).
struct DramSide {
    channel: DramChannel,
    /// The DRAM's contents as 64-bit words (index = byte address / 8).
    words: Vec<u64>,
    /// The transaction in flight: write, byte address, bytes.
    in_flight: Option<(bool, u64, u32)>,
    /// The cycle-model cycle of the current sample's first cycle (the channel's time base is
    /// L2's global cycle count, carried over from sample to sample).
    base: u64,
}

impl DramSide {
    /// Drives the DRAM inputs of cycle `cycle` of the sample, settles the RTL, hands over its
    /// request if the channel takes one, and returns the outputs of the cycle.
    fn step(&mut self, rtl: &mut Rtl, cycle: u64, errors: &mut Vec<String>) -> Outputs {
        let now = self.base + cycle;
        match self.channel.tick(now) {
            Some(_) => {
                let (write, addr, bytes) = self.in_flight.take().unwrap_or_default();
                rtl.set_dram_resp_valid(true);
                if !write {
                    let first = (addr / 8) as usize;
                    let n = (bytes as usize).div_ceil(8);
                    let end = (first + n).min(self.words.len());
                    rtl.set_dram_resp_words(&self.words[first.min(end)..end]);
                }
            }
            None => rtl.set_dram_resp_valid(false),
        }
        let ready = self.channel.ready(now);
        rtl.set_dram_req_ready(ready);
        let out = rtl.eval();
        if out.dram_req_valid && ready {
            let (write, addr, bytes) = (
                out.dram_req_write,
                out.dram_req_addr,
                out.dram_req_bytes as u32,
            );
            let req = DramRequest {
                write,
                addr,
                bytes,
                tag: 0,
            };
            match self.channel.request(now, req) {
                Ok(()) => {
                    if write {
                        let data = rtl.dram_req_wdata();
                        let first = (addr / 8) as usize;
                        let n = (bytes as usize).div_ceil(8);
                        for (k, w) in data.iter().take(n).enumerate() {
                            if let Some(slot) = self.words.get_mut(first + k) {
                                *slot = *w;
                            }
                        }
                    }
                    self.in_flight = Some((write, addr, bytes));
                }
                Err(e) => errors.push(format!("cycle {cycle}: request {req:?} refused: {e}")),
            }
        }
        out
    }
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
    /// What the DRAM channel behind the RTL counted during the sample (weights in DRAM).
    pub dram: Option<DramCounters>,
    /// DRAM requests the channel refused (an RTL bug: a bad address or size).
    pub dram_errors: Vec<String>,
    /// The RTL had not finished after the cycle limit (`cycles` is the limit).
    pub timed_out: bool,
}

/// One difference between the model and the RTL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CosimMismatch {
    /// Index of the sample in the run.
    pub sample: u64,
    /// `spike`, `weight_write`, `cycles`, `timeout`, `accesses`, `count`, `dram`,
    /// `dram_request`.
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
    /// accelerator that has not run yet, or whose state is to be copied), on the RTL built
    /// for its config and network.
    ///
    /// # Panics
    /// When the RTL cannot be built for it: a convenience for tests; programs use
    /// [`RtlAccelerator::open`].
    pub fn load_from(model: &Accelerator) -> Self {
        Self::open(model, None).unwrap_or_else(|e| panic!("RTL for {}: {e}", model.config().name))
    }

    /// [`load_from`](Self::load_from), building the RTL for `model`'s config and network into
    /// the cache first if needed (`progress` hears of each stage); refuses a config or network
    /// beyond the RTL's limits (`fspinn_sim::rtl_params`).
    pub fn open(
        model: &Accelerator,
        progress: Option<crate::builder::Progress>,
    ) -> Result<Self, crate::RtlError> {
        Self::open_for(model, fspinn_sim::waves::WaveFormat::Vcd, progress)
    }

    /// [`open`](Self::open) on an RTL model that traces `format` (an FST model is its own
    /// build).
    pub fn open_for(
        model: &Accelerator,
        format: fspinn_sim::waves::WaveFormat,
        progress: Option<crate::builder::Progress>,
    ) -> Result<Self, crate::RtlError> {
        let design = fspinn_sim::rtl_params::design(model)?;
        let cfg = model.config();
        let layout = model.layout();
        let period_ps = (1e6 / cfg.clock_mhz).round() as u64;
        let mut rtl = Rtl::open_for(&design.structure, period_ps, format, progress)?;
        rtl.reset();
        let c = model.consts();
        let p = model.params();
        let n = model.neurons();
        for r in &design.registers {
            rtl.host_write(net_reg(r.index), r.raw());
        }
        for (a, rate) in design.rates.iter().enumerate() {
            rtl.host_write(space(4, a as u32), *rate as u64);
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
        let dram = (!layout.on_chip).then(|| {
            let wb = layout.word_bytes();
            let mut words = vec![0u64; (layout.dram_bytes() / 8) as usize];
            for chunk in 0..layout.groups * layout.inputs {
                for q in 0..layout.words_per_chunk {
                    let w = port.peek(chunk, q);
                    let addr = layout.dram_word_addr(chunk, q);
                    debug_assert_eq!(wb, 8, "64-bit weight words");
                    words[(addr / 8) as usize] = w;
                }
            }
            DramSide {
                channel: DramChannel::new(cfg.dram.clone(), cfg.clock_mhz)
                    .expect("validated with the config"),
                words,
                in_flight: None,
                base: model.cycle(),
            }
        });
        Ok(RtlAccelerator {
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
            dram,
            cycle_limit: None,
        })
    }

    /// Abandons a sample that runs `limit` cycles without `done` (reported as timed out, the
    /// RTL left mid-sample) instead of running on; `None`: no limit.
    pub fn set_cycle_limit(&mut self, limit: Option<u64>) {
        self.cycle_limit = limit;
    }

    /// The DRAM channel behind the RTL (weights in DRAM only).
    pub fn dram_channel(&self) -> Option<&DramChannel> {
        self.dram.as_ref().map(|d| &d.channel)
    }

    /// Word `q` of weight chunk `chunk` in the DRAM behind the RTL (weights in DRAM only).
    pub fn dram_weight_word(&self, model: &Accelerator, chunk: usize, q: usize) -> Option<u64> {
        let addr = model.layout().dram_word_addr(chunk, q);
        self.dram
            .as_ref()
            .and_then(|d| d.words.get((addr / 8) as usize).copied())
    }

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
            .unwrap_or_else(|e| panic!("running a sample on the RTL: {e}"))
    }

    /// [`run_sample`](Self::run_sample), writing a VCD of the sample's cycles `window` (counted
    /// from the sample's first cycle, which is at time 0 in the VCD) to `path`.
    pub fn run_sample_traced(
        &mut self,
        image: &[u8],
        sample_seed: u32,
        train: bool,
        eta_post_q16: i64,
        trace: Option<(&std::path::Path, std::ops::Range<u64>)>,
    ) -> Result<RtlSample, crate::RtlError> {
        for (c, &px) in image.iter().enumerate() {
            self.rtl.host_write(space(3, c as u32), px as u64);
        }
        self.rtl.host_write(net_reg(19), sample_seed as u64);
        self.rtl.host_write(net_reg(20), train as u64);
        let eta = fspinn_sim::rtl_params::eta_register(eta_post_q16)?;
        self.rtl.host_write(net_reg(eta.index), eta.raw());
        self.rtl.host_write(space(5, 0), 0); // clear the counters
                                             // An empty window writes no VCD at all.
        let trace = trace.filter(|(_, w)| !w.is_empty());
        let window = trace.as_ref().map(|(_, w)| w.clone()).unwrap_or(0..0);
        if let Some((path, w)) = &trace {
            // The sample's cycle 0 (the one sampling `start`) is time 0 of the VCD, as in the
            // cycle model's.
            self.rtl.set_time_origin_here();
            if w.start == 0 {
                self.rtl.trace_open(path)?;
            }
        }
        let dram_before = self.dram.as_ref().map(|d| d.channel.counters().clone());
        let mut out = self.rtl.start();
        let mut sample = RtlSample::default();
        let mut cycle = 0u64;
        loop {
            if let Some(d) = self.dram.as_mut() {
                out = d.step(&mut self.rtl, cycle, &mut sample.dram_errors);
            }
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
            if self.cycle_limit.is_some_and(|limit| cycle >= limit) {
                sample.timed_out = true;
                break;
            }
        }
        if self.rtl.is_tracing() {
            self.rtl.trace_close();
        }
        sample.cycles = cycle + 1;
        if let Some(d) = self.dram.as_mut() {
            self.rtl.set_dram_resp_valid(false);
            self.rtl.set_dram_req_ready(false);
            d.base += sample.cycles;
            sample.dram = dram_before.map(|b| dram_delta(d.channel.counters(), &b));
        }
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
                if out.pe_fired(p) {
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
        .unwrap_or_else(|e| panic!("comparing a sample: {e}"))
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
) -> Result<(Vec<CosimMismatch>, CosimTotals), crate::RtlError> {
    let eta = model.potentiation_factor();
    let before: Vec<(u64, u64)> = bank_counts(model);
    let dram_before = model.weight_port().dram().counters().clone();
    let start = model.cycle();
    model.record_events(true);
    let m = model.run_sample(image, sample_seed, train);
    let events = model.take_events().unwrap_or_default();
    // An RTL that runs past the model's cycle count plus a margin is a mismatch, never a hang.
    let saved = rtl.cycle_limit;
    rtl.set_cycle_limit(Some(timeout_cycles(m.cycles)));
    let r = rtl.run_sample_traced(image, sample_seed, train, eta, trace);
    rtl.set_cycle_limit(saved);
    let r = r?;
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
    if r.timed_out {
        push(
            "timeout",
            r.cycles,
            format!("done in cycle {}", m.cycles - 1),
            format!("no done after {} cycles", r.cycles),
        );
    } else if m.cycles != r.cycles {
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
    let dram_model = dram_delta(model.weight_port().dram().counters(), &dram_before);
    if let Some(dram_rtl) = &r.dram {
        if *dram_rtl != dram_model {
            push(
                "dram",
                m.cycles,
                format!("{dram_model:?}"),
                format!("{dram_rtl:?}"),
            );
        }
    } else if dram_model.requests > 0 {
        push(
            "dram",
            m.cycles,
            format!("{dram_model:?}"),
            "no DRAM behind the RTL".into(),
        );
    }
    if let Some(e) = r.dram_errors.first() {
        push(
            "dram_request",
            m.cycles,
            "every request accepted".into(),
            format!("{} refused, first: {e}", r.dram_errors.len()),
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
        dram_requests_model: dram_model.requests,
        dram_requests_rtl: r.dram.as_ref().map_or(0, |d| d.requests),
    };
    Ok((out, totals))
}

/// Cycles the RTL may run for a sample the model finished in `model_cycles`: a quarter more
/// plus 1,000 (the two agree exactly when correct; the margin only bounds a broken RTL).
pub fn timeout_cycles(model_cycles: u64) -> u64 {
    model_cycles + model_cycles / 4 + 1_000
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
    /// DRAM transactions of the cycle model.
    pub dram_requests_model: u64,
    /// DRAM transactions the RTL made (0 with the weights on chip).
    pub dram_requests_rtl: u64,
}

/// `a - b`, field by field (counters of one sample).
pub fn dram_delta(a: &DramCounters, b: &DramCounters) -> DramCounters {
    DramCounters {
        requests: a.requests - b.requests,
        reads: a.reads - b.reads,
        writes: a.writes - b.writes,
        read_bytes: a.read_bytes - b.read_bytes,
        write_bytes: a.write_bytes - b.write_bytes,
        activates: a.activates - b.activates,
        precharges: a.precharges - b.precharges,
        row_hits: a.row_hits - b.row_hits,
        row_misses: a.row_misses - b.row_misses,
        refreshes: a.refreshes - b.refreshes,
        busy_cycles: a.busy_cycles - b.busy_cycles,
    }
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
