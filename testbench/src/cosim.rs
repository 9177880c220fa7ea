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

use crate::{Outputs, Rtl};
use fspinn_sim::chip::{self, ChipError, Comparison, SampleRun};
use fspinn_sim::dram::{DramChannel, DramCounters, DramRequest};
use fspinn_sim::events::{SpikeEvent, WeightWrite};
use fspinn_sim::lockstep::{Checker, CycleObs, CycleRecord, DramIssue, Mismatch, Recorder};
use fspinn_sim::rtl_consts::{
    neuron_addr, pixel_addr, rate_addr, spike_count_addr, weight_addr, Counter, Reg, Space,
};
use fspinn_sim::sram::PortActivity;
use fspinn_sim::Accelerator;
use serde::Serialize;
use std::ops::Range;
use std::path::{Path, PathBuf};

pub use fspinn_sim::lockstep::dram_delta;

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
    /// Spike-generator lanes: a pixel's host address is its row and lane.
    lanes: usize,
    neurons: usize,
    wbanks: usize,
    nlat: u64,
    wlat: u64,
    dram: Option<DramSide>,
    /// Cycles after which a sample is abandoned as timed out (set per comparison).
    cycle_limit: Option<u64>,
    /// A VCD of the next sample's cycles `.1`, written to `.0` ([`RtlAccelerator::trace_next`]).
    trace_next: Option<(PathBuf, Range<u64>)>,
    /// Samples run on this instance (a mismatch replay runs exactly one).
    samples_run: u64,
    /// Test aid: an observed value altered before the lock-step check of one cycle.
    perturb: Option<(u64, Perturb)>,
}

/// Test aid ([`RtlAccelerator::perturb_observation`]): which observed value to alter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Perturb {
    /// Flip bit 0 of the read address of this bank (index as in the record).
    BankRaddr(u32),
    /// Flip PE 0's bit of the spike mask (a spike appears on a quiet cycle).
    SpikeMask,
    /// Flip bit 0 of the written weight value.
    WupdValue,
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
    /// request if the channel takes one, and returns the outputs of the cycle and the request
    /// handed over. `split`: settle with [`Rtl::low`] (the caller ends the cycle with
    /// [`Rtl::rise`]), else with [`Rtl::eval`] (the caller ends it with [`Rtl::tick`], whose
    /// low half a VCD window opened in between starts with).
    fn step(
        &mut self,
        rtl: &mut Rtl,
        cycle: u64,
        split: bool,
        errors: &mut Vec<String>,
    ) -> (Outputs, Option<DramIssue>) {
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
        let out = if split { rtl.low() } else { rtl.eval() };
        let mut issued = None;
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
                    let n = (bytes as usize).div_ceil(8);
                    let mut data = Vec::new();
                    if write {
                        data = rtl.dram_req_wdata();
                        data.truncate(n);
                        let first = (addr / 8) as usize;
                        for (k, w) in data.iter().enumerate() {
                            if let Some(slot) = self.words.get_mut(first + k) {
                                *slot = *w;
                            }
                        }
                    }
                    self.in_flight = Some((write, addr, bytes));
                    issued = Some(DramIssue {
                        cycle,
                        write,
                        addr,
                        bytes,
                        data,
                    });
                }
                Err(e) => errors.push(format!("cycle {cycle}: request {req:?} refused: {e}")),
            }
        }
        (out, issued)
    }
}

/// What one sample did on the RTL.
#[derive(Clone, Debug, Default)]
pub struct RtlSample {
    /// Cycles from `start` to `done`, both included (the cycles run, when stopped).
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
    /// The first cycle that differed from the expected record (checked runs).
    pub divergence: Option<Mismatch>,
    /// The run stopped at the divergence, the RTL left mid-sample (counters not read).
    pub stopped: bool,
}

/// What the RTL's cycles are compared with as they happen.
enum Watch<'a> {
    /// Nothing: the fastest run.
    Off,
    /// Checked against a record; `stop`: end the run at the first divergence.
    Check(Checker<'a>, bool),
    /// Recorded (the RTL's port trace).
    Record(Box<Recorder>),
}

/// Built-in test images the training run of a profile-guided build runs: inference, the last
/// one training (so the inference paths weigh most, as in most runs).
pub const TRAINING_IMAGES: usize = 4;
/// Cycles after which a training sample is cut (a small-config inference sample is ~50,000
/// cycles, a large-config one ~1,100,000).
pub const TRAINING_CYCLES: u64 = 150_000;

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
    /// beyond the RTL's limits (`fspinn_sim::rtl_params`). The RTL can write VCDs.
    pub fn open(
        model: &Accelerator,
        progress: Option<crate::builder::Progress>,
    ) -> Result<Self, crate::RtlError> {
        Self::open_for(model, crate::Tracing::Vcd, progress)
    }

    /// [`open`](Self::open) on an RTL model that traces as `tracing` says (a
    /// [`WaveFormat`](fspinn_sim::waves::WaveFormat), or [`Tracing::Off`](crate::Tracing::Off)
    /// for the faster model that writes no waveform; each is its own build).
    pub fn open_for(
        model: &Accelerator,
        tracing: impl Into<crate::Tracing>,
        progress: Option<crate::builder::Progress>,
    ) -> Result<Self, crate::RtlError> {
        let design = fspinn_sim::rtl_params::design(model)?;
        let period_ps = (1e6 / model.config().clock_mhz).round() as u64;
        let train = |rtl: Rtl| Self::training_run(model, &design, rtl);
        let rtl = Rtl::open_trained(
            &design.structure,
            period_ps,
            tracing,
            progress,
            Some(&train),
        )?;
        Ok(Self::load(model, &design, rtl))
    }

    /// The training run of a profile-guided build ([`Rtl::open_trained`]): the first
    /// [`TRAINING_IMAGES`] built-in test images, inference samples and a training one, each
    /// cut at [`TRAINING_CYCLES`], so every pass of a sample (normalisation, integration,
    /// inhibition, potentiation) is in the profile while a large config's build stays short.
    fn training_run(
        model: &Accelerator,
        design: &fspinn_sim::rtl_params::RtlDesign,
        mut rtl: Rtl,
    ) -> Result<(), String> {
        let images = fspinn_model::data::builtin(fspinn_model::data::Split::Test);
        let inputs = model.layout().inputs;
        for s in 0..TRAINING_IMAGES {
            // Each sample from a fresh load: a cut sample leaves the RTL busy.
            let mut acc = Self::load(model, design, rtl);
            acc.set_cycle_limit(Some(TRAINING_CYCLES));
            let train = s + 1 == TRAINING_IMAGES;
            // The image's pixels repeated or cut to the network's inputs.
            let image: Vec<u8> = images
                .image(s)
                .iter()
                .cycle()
                .take(inputs)
                .copied()
                .collect();
            acc.run_sample_traced(&image, s as u32 + 1, train, 1 << 16, None)
                .map_err(|e| format!("training sample {s}: {e}"))?;
            rtl = acc.rtl;
        }
        Ok(())
    }

    /// `rtl` reset and loaded with `model`'s registers, rate table, weights and neuron state
    /// (`design` = `rtl_params::design(model)`).
    fn load(model: &Accelerator, design: &fspinn_sim::rtl_params::RtlDesign, mut rtl: Rtl) -> Self {
        let cfg = model.config();
        let layout = model.layout();
        rtl.reset();
        let c = model.consts();
        let p = model.params();
        let n = model.neurons();
        for r in &design.registers {
            rtl.host_write(r.addr(), r.raw());
        }
        for (a, rate) in design.rates.iter().enumerate() {
            rtl.host_write(rate_addr(a), *rate as u64);
        }
        let port = model.weight_port();
        for (b, bank) in port.banks().iter().enumerate() {
            for addr in 0..bank.depth() {
                let w = bank.peek(addr);
                if w != 0 {
                    rtl.host_write(weight_addr(b, addr), w);
                }
            }
        }
        for (pe, bank) in model.neuron_banks().iter().enumerate() {
            for addr in 0..bank.depth() {
                rtl.host_write(neuron_addr(pe, addr), bank.peek(addr));
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
                // The model's channel as it is now (bank states, refresh schedule), so an RTL
                // opened from a snapshot taken mid-run continues exactly where the model is.
                channel: port.dram().clone(),
                words,
                in_flight: None,
                base: model.cycle(),
            }
        });
        RtlAccelerator {
            rtl,
            params: p.clone(),
            consts: c.clone(),
            samples_seen: model.samples_seen(),
            layout: model.layout().clone(),
            word_fmt: *model.word_format(),
            pes: cfg.pe_array.pes as usize,
            lanes: cfg.spike_generator.lanes as usize,
            neurons: n,
            wbanks: cfg.weight_sram.banks as usize,
            nlat: cfg.neuron_sram.read_latency as u64,
            wlat: cfg.weight_sram.read_latency as u64,
            dram,
            cycle_limit: None,
            trace_next: None,
            samples_run: 0,
            perturb: None,
        }
    }

    /// Abandons a sample that runs `limit` cycles without `done` (reported as timed out, the
    /// RTL left mid-sample) instead of running on; `None`: no limit.
    pub fn set_cycle_limit(&mut self, limit: Option<u64>) {
        self.cycle_limit = limit;
    }

    /// Test aid: in the next checked sample, alter the observed value `what` of cycle `cycle`
    /// before it is compared (the RTL itself is unchanged), so a test can check that a
    /// divergence there is reported at that cycle with that signal.
    pub fn perturb_observation(&mut self, cycle: u64, what: Perturb) {
        self.perturb = Some((cycle, what));
    }

    /// Samples started on this instance since it was opened.
    pub fn samples_run(&self) -> u64 {
        self.samples_run
    }

    /// The cycle limit of a sample (see [`set_cycle_limit`](Self::set_cycle_limit)).
    pub fn cycle_limit(&self) -> Option<u64> {
        self.cycle_limit
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

    /// Writes a VCD of the next sample's cycles `window` (from the sample's first cycle, which
    /// is time 0 in the file) to `path`; an empty window writes none.
    pub fn trace_next(&mut self, path: &Path, window: Range<u64>) {
        self.trace_next = (!window.is_empty()).then(|| (path.to_path_buf(), window));
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
        if let Some((p, w)) = trace {
            self.trace_next(p, w);
        }
        self.run_watched(image, sample_seed, train, eta_post_q16, &mut Watch::Off)
    }

    /// Runs one sample checked cycle by cycle against `expected` as the RTL runs (sample index
    /// `sample` in the mismatches); with `stop` the RTL stops at the first divergence.
    #[allow(clippy::too_many_arguments)]
    pub fn run_sample_checked(
        &mut self,
        sample: u64,
        image: &[u8],
        sample_seed: u32,
        train: bool,
        eta_post_q16: i64,
        expected: &CycleRecord,
        stop: bool,
    ) -> Result<RtlSample, crate::RtlError> {
        let mut watch = Watch::Check(Checker::new(expected, sample), stop);
        self.run_watched(image, sample_seed, train, eta_post_q16, &mut watch)
    }

    /// Runs one sample recording every cycle (the RTL's port trace).
    pub fn run_sample_recorded(
        &mut self,
        image: &[u8],
        sample_seed: u32,
        train: bool,
        eta_post_q16: i64,
    ) -> Result<(RtlSample, CycleRecord), crate::RtlError> {
        let mut rec = Recorder::default();
        rec.record.pes = self.pes as u32;
        rec.record.bank_names = (0..self.wbanks)
            .map(|b| format!("wsram{b}"))
            .chain((0..self.pes).map(|p| format!("nsram{p}")))
            .collect();
        let mut watch = Watch::Record(Box::new(rec));
        let s = self.run_watched(image, sample_seed, train, eta_post_q16, &mut watch)?;
        let Watch::Record(rec) = watch else {
            unreachable!("the watch is not replaced")
        };
        Ok((s, rec.record))
    }

    fn run_watched(
        &mut self,
        image: &[u8],
        sample_seed: u32,
        train: bool,
        eta_post_q16: i64,
        watch: &mut Watch<'_>,
    ) -> Result<RtlSample, crate::RtlError> {
        for (c, &px) in image.iter().enumerate() {
            self.rtl.host_write(pixel_addr(c, self.lanes), px as u64);
        }
        self.rtl
            .host_write(Reg::SampleSeed.addr(), sample_seed as u64);
        self.rtl.host_write(Reg::Train.addr(), train as u64);
        let eta = fspinn_sim::rtl_params::eta_register(eta_post_q16)?;
        self.rtl.host_write(eta.addr(), eta.raw());
        self.rtl.host_write(Space::Counters.addr(0), 0); // clear the counters
        let trace = self.trace_next.take();
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
        self.samples_run += 1;
        let mut out = self.rtl.start();
        let mut sample = RtlSample::default();
        let mut cycle = 0u64;
        let mut ports: Vec<(u32, PortActivity)> = Vec::new();
        let mask_words = self.pes.div_ceil(64).min(crate::SPIKE_MASK_WORDS);
        // With the DRAM port and no waveform, a cycle is the low half with the DRAM inputs
        // (`Rtl::low`) and the rising edge (`Rtl::rise`): two model evaluations instead of
        // three. A VCD window keeps the three, so its dumps start where they always did.
        let split = self.dram.is_some() && trace.is_none();
        loop {
            let mut issued = None;
            if let Some(d) = self.dram.as_mut() {
                (out, issued) = d.step(&mut self.rtl, cycle, split, &mut sample.dram_errors);
            }
            self.record(&out, cycle, &mut sample);
            if !matches!(watch, Watch::Off) {
                self.rtl.active_bank_ports(&mut ports);
                if let Some((at, what)) = self.perturb.filter(|p| p.0 == cycle) {
                    let _ = at;
                    self.perturb = None;
                    match what {
                        Perturb::BankRaddr(b) => {
                            for p in ports.iter_mut().filter(|p| p.0 == b) {
                                p.1.read_addr ^= 1;
                            }
                        }
                        Perturb::SpikeMask => {
                            out.spike_valid = true;
                            out.spike_mask[0] ^= 1;
                        }
                        Perturb::WupdValue => out.wupd_value ^= 1,
                    }
                }
                let o = CycleObs {
                    cycle,
                    done: out.done,
                    attempt: out.obs_attempt as u32,
                    t: out.obs_timestep as u32,
                    spike: out
                        .spike_valid
                        .then_some((out.spike_neuron as u32, &out.spike_mask[..mask_words])),
                    weight_write: out.wupd_valid.then_some(WeightWrite {
                        attempt: out.obs_attempt as u32,
                        t: out.obs_timestep as u32,
                        input: out.wupd_input as u32,
                        neuron: out.wupd_neuron as u32,
                        value: out.wupd_value,
                        cycle,
                    }),
                    ports: &ports,
                    dram: issued.as_ref(),
                };
                let mut diverged = false;
                match watch {
                    Watch::Check(checker, stop) => {
                        if let Some(m) = checker.check(&o) {
                            sample.divergence = Some(m);
                            sample.stopped = *stop;
                            diverged = true;
                        }
                    }
                    Watch::Record(r) => r.push(&o),
                    Watch::Off => {}
                }
                if diverged {
                    // Later cycles of a diverged run are not compared.
                    *watch = Watch::Off;
                }
            }
            if out.done || sample.stopped {
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
            out = if split {
                self.rtl.rise()
            } else {
                self.rtl.tick()
            };
            cycle += 1;
            if self.cycle_limit.is_some_and(|limit| cycle >= limit) {
                sample.timed_out = true;
                break;
            }
        }
        if sample.stopped && self.rtl.is_tracing() {
            // The window's last cycles, past the divergence, still go into the VCD.
            for _ in cycle + 1..window.end {
                self.rtl.tick();
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
        if sample.stopped {
            return Ok(sample);
        }
        // Let the last cycle's writes commit before reading counters.
        self.rtl.tick();
        let wb = self.wbanks;
        for b in 0..wb {
            let r = self.rtl.host_read(Counter::WeightReads(b).addr(wb));
            let w = self.rtl.host_read(Counter::WeightWrites(b).addr(wb));
            sample.accesses.push((format!("wsram{b}"), r, w));
        }
        for p in 0..self.pes {
            let r = self.rtl.host_read(Counter::NeuronReads(p).addr(wb));
            let w = self.rtl.host_read(Counter::NeuronWrites(p).addr(wb));
            sample.accesses.push((format!("nsram{p}"), r, w));
        }
        sample.counts = (0..self.neurons)
            .map(|j| self.rtl.host_read(spike_count_addr(j, self.pes)) as u32)
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

    /// Test aid: sets every weight of neuron group 0 to the largest code in the RTL's memory
    /// only (banks or DRAM), so the RTL must diverge from the model in the next sample that
    /// integrates an input spike.
    pub fn inject_weight_fault(&mut self) {
        let layout = self.layout.clone();
        let ones = u64::MAX >> (64 - layout.word_bits);
        for i in 0..layout.inputs {
            let chunk = layout.chunk(i, 0);
            for q in 0..layout.words_per_chunk {
                if layout.on_chip {
                    let (bank, addr) = layout.sram_word(chunk, q);
                    self.rtl.host_write(weight_addr(bank, addr), ones);
                } else if let Some(d) = self.dram.as_mut() {
                    let a = (layout.dram_word_addr(chunk, q) / 8) as usize;
                    if let Some(w) = d.words.get_mut(a) {
                        *w = ones;
                    }
                }
            }
        }
    }

    /// Test aid: writes `word` into neuron word `addr` of PE `pe` of the RTL only.
    pub fn inject_neuron_word(&mut self, pe: usize, addr: u32, word: u64) {
        self.rtl.host_write(neuron_addr(pe, addr), word);
    }

    /// What [`fspinn_sim::Chip::run`] reports, from an RTL sample.
    pub(crate) fn to_run(r: RtlSample) -> SampleRun {
        SampleRun {
            cycles: r.cycles,
            counts: r.counts,
            spikes: r.spikes,
            weight_writes: r.weight_writes,
            accesses: r
                .accesses
                .into_iter()
                .map(|(name, reads, writes)| fspinn_sim::chip::BankAccesses {
                    name,
                    reads,
                    writes,
                })
                .collect(),
            dram: r.dram,
            dram_errors: r.dram_errors,
            timed_out: r.timed_out,
            stopped: r.stopped,
        }
    }

    /// Word `addr` of weight bank `bank`, read through the host port (valid after the SRAM's
    /// latency).
    pub fn weight_word(&mut self, bank: usize, addr: u32) -> u64 {
        self.rtl.host_read(weight_addr(bank, addr));
        for _ in 1..self.wlat {
            self.rtl.tick();
        }
        self.rtl.outputs().host_rdata
    }

    /// Word `addr` of neuron bank `pe`.
    pub fn neuron_word(&mut self, pe: usize, addr: u32) -> u64 {
        self.rtl.host_read(neuron_addr(pe, addr));
        for _ in 1..self.nlat {
            self.rtl.tick();
        }
        self.rtl.outputs().host_rdata
    }
}

/// Runs one sample on both, the RTL checked cycle by cycle against the model's record as it
/// runs (stopping at the first divergence), then the end-of-sample checks. Returns the
/// mismatches (empty when the two agree in every respect).
pub fn compare_sample(
    sample: u64,
    model: &mut Accelerator,
    rtl: &mut RtlAccelerator,
    image: &[u8],
    sample_seed: u32,
    train: bool,
) -> (Vec<Mismatch>, CosimTotals) {
    compare_sample_traced(sample, model, rtl, image, sample_seed, train, None, true)
        .unwrap_or_else(|e| panic!("comparing a sample: {e}"))
}

/// [`compare_sample`] with the RTL's VCD of the sample's cycles `window` written to `path` (the
/// caller gives the model its own [`fspinn_sim::waves::Waves`] for the same window); with
/// `stop` false the RTL runs on after a divergence (to its end or its timeout) and the
/// end-of-sample checks are made too.
#[allow(clippy::too_many_arguments)]
pub fn compare_sample_traced(
    sample: u64,
    model: &mut Accelerator,
    rtl: &mut RtlAccelerator,
    image: &[u8],
    sample_seed: u32,
    train: bool,
    trace: Option<(&Path, Range<u64>)>,
    stop: bool,
) -> Result<(Vec<Mismatch>, CosimTotals), crate::RtlError> {
    if let Some((p, w)) = trace {
        rtl.trace_next(p, w);
    }
    let c = chip::compare(sample, model, rtl, image, sample_seed, train, stop).map_err(
        |e| match e {
            ChipError::Backend { source, .. } => match source.downcast::<crate::RtlError>() {
                Ok(e) => *e,
                Err(other) => panic!("the RTL failed: {other}"),
            },
            e @ ChipError::ImageSize { .. } => panic!("{e}"),
        },
    )?;
    let totals = CosimTotals::of(&c);
    Ok((c.mismatches, totals))
}

/// Waveform settings of a co-simulation: whether any is written, the file format of both
/// sides and the signals kept.
#[derive(Clone, Debug, Default)]
pub struct WaveSetup {
    /// Whether the run writes waveforms: the session's RTL is then built with tracing in
    /// `format`; without (the default), the faster model built without tracing is opened
    /// (a mismatch replay opens a traced one of its own).
    pub enabled: bool,
    /// VCD or FST (the RTL is then built with FST tracing).
    pub format: fspinn_sim::waves::WaveFormat,
    /// Only signals whose full name matches (all when `None`).
    pub scope: Option<fspinn_sim::waves::ScopePattern>,
}

impl WaveSetup {
    /// What the session's RTL must be able to trace.
    pub fn tracing(&self) -> crate::Tracing {
        if self.enabled {
            self.format.into()
        } else {
            crate::Tracing::Off
        }
    }

    /// The cycle model's waveform of cycles `window` of the sample that starts at model cycle
    /// `origin` (time 0 of the file), in this setup's format and scope.
    pub fn model_waves(
        &self,
        model: &Accelerator,
        path: &Path,
        window: std::ops::Range<u64>,
        origin: u64,
    ) -> Result<fspinn_sim::waves::Waves, fspinn_sim::waves::WavesError> {
        let opts = fspinn_sim::waves::WaveOptions {
            window: origin + window.start..origin + window.end,
            scope: self.scope.clone(),
            format: self.format,
        };
        Ok(fspinn_sim::waves::Waves::create(path, model, &opts)?.with_origin(origin))
    }

    /// Signals each side's waveform keeps (model, RTL) under the scope; a side with none
    /// writes no file. Sets the scope on `rtl`. A scope that keeps nothing on either side is
    /// an error (`TraceError::NoMatch`).
    pub fn signals(
        &self,
        model: &Accelerator,
        rtl: &mut RtlAccelerator,
    ) -> Result<(usize, usize), crate::RtlError> {
        rtl.rtl().set_trace_scope(self.scope.clone());
        let Some(p) = &self.scope else {
            return Ok((1, 1));
        };
        let m = fspinn_sim::waves::Waves::signal_names(model)
            .iter()
            .filter(|n| p.matches(n))
            .count();
        let r = match rtl.rtl().traced_signals() {
            Ok(v) => v.len(),
            Err(crate::TraceError::NoMatch { .. }) => 0,
            Err(e) => return Err(e.into()),
        };
        if m == 0 && r == 0 {
            return Err(crate::TraceError::NoMatch {
                pattern: p.as_str().to_string(),
            }
            .into());
        }
        Ok((m, r))
    }
}

/// Cycles the RTL may run for a sample the model finished in `model_cycles`: a quarter more
/// plus 1,000 (the two agree exactly when correct; the margin only bounds a broken RTL).
pub fn timeout_cycles(model_cycles: u64) -> u64 {
    model_cycles + model_cycles / 4 + 1_000
}

/// Per-sample (or summed) totals of a comparison.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
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

impl CosimTotals {
    /// The totals of one compared sample.
    pub fn of(c: &Comparison) -> Self {
        let (m, r) = (&c.reference, &c.chip);
        let sum = |v: &[fspinn_sim::chip::BankAccesses]| -> u64 {
            v.iter().map(|a| a.reads + a.writes).sum()
        };
        CosimTotals {
            cycles_model: m.cycles,
            cycles_rtl: r.cycles,
            spikes_compared: m.spikes.len().max(r.spikes.len()) as u64,
            weight_updates_compared: m.weight_writes.len().max(r.weight_writes.len()) as u64,
            accesses_model: sum(&m.accesses),
            accesses_rtl: sum(&r.accesses),
            dram_requests_model: m.dram.as_ref().map_or(0, |d| d.requests),
            dram_requests_rtl: r.dram.as_ref().map_or(0, |d| d.requests),
        }
    }

    /// Adds another sample's totals.
    pub fn add(&mut self, t: &CosimTotals) {
        self.cycles_model += t.cycles_model;
        self.cycles_rtl += t.cycles_rtl;
        self.spikes_compared += t.spikes_compared;
        self.weight_updates_compared += t.weight_updates_compared;
        self.accesses_model += t.accesses_model;
        self.accesses_rtl += t.accesses_rtl;
        self.dram_requests_model += t.dram_requests_model;
        self.dram_requests_rtl += t.dram_requests_rtl;
    }
}

/// Cycles of a mismatch waveform before and after the divergence.
pub const VCD_BEFORE: u64 = 200;
/// See [`VCD_BEFORE`].
pub const VCD_AFTER: u64 = 50;

/// A failing sample run again from its snapshot with both VCDs around the divergence.
#[derive(Clone, Debug)]
pub struct Replay {
    /// The mismatches of the re-run (the same first divergence as the original run).
    pub mismatches: Vec<Mismatch>,
    /// Cycles of the sample in the VCDs.
    pub window: Range<u64>,
    /// Samples the fresh RTL instance ran (always 1: nothing before the failing sample).
    pub rtl_samples: u64,
    /// Cycles the model ran from the snapshot (the failing sample's only).
    pub model_cycles: u64,
}

/// Re-runs one sample from `snapshot` (the cycle model as it was before the sample, a clone
/// taken by the caller) on a fresh RTL loaded from that snapshot, with the cycles
/// `cycle - VCD_BEFORE .. cycle + VCD_AFTER` traced into `model_vcd` and `rtl_vcd`. No earlier
/// sample is run: the snapshot holds the weights, thresholds, registers and DRAM channel state
/// the RTL is loaded with. `refault` re-applies a test fault to the fresh RTL.
#[allow(clippy::too_many_arguments)]
pub fn replay_traced(
    snapshot: &Accelerator,
    refault: Option<&dyn Fn(&mut RtlAccelerator)>,
    sample: u64,
    image: &[u8],
    sample_seed: u32,
    train: bool,
    cycle: u64,
    model_vcd: &Path,
    rtl_vcd: &Path,
    waves: &WaveSetup,
) -> Result<Replay, crate::RtlError> {
    let mut model = snapshot.clone();
    let mut rtl = RtlAccelerator::open_for(&model, waves.format, None)?;
    if let Some(f) = refault {
        f(&mut rtl);
    }
    let (model_signals, rtl_signals) = waves.signals(&model, &mut rtl)?;
    let window = cycle.saturating_sub(VCD_BEFORE)..cycle + VCD_AFTER;
    let start = model.cycle();
    if model_signals > 0 {
        let w = waves.model_waves(&model, model_vcd, window.clone(), start)?;
        model.set_waves(Some(w));
    }
    let (mismatches, _) = compare_sample_traced(
        sample,
        &mut model,
        &mut rtl,
        image,
        sample_seed,
        train,
        (rtl_signals > 0).then_some((rtl_vcd, window.clone())),
        true,
    )?;
    if let Some(w) = model.take_waves() {
        w.finish(model.cycle())?;
    }
    if let Some(e) = rtl.rtl().take_trace_error() {
        return Err(e.into());
    }
    Ok(Replay {
        mismatches,
        window,
        rtl_samples: rtl.samples_run(),
        model_cycles: model.cycle() - start,
    })
}
