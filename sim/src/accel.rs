//! The accelerator: the controller's passes over the spike generator, the PE array, the STDP
//! unit, the neuron-state banks and the weight port, one clock cycle at a time.
//!
//! Every cycle follows the same phases (docs/architecture.md): (1) memories deliver the reads
//! whose latency ends in this cycle (`tick`); (2) the PE array and the STDP unit compute on the
//! delivered data, calling the L1 operations of `FspinnConsts`; (3) the controller issues this
//! cycle's reads and writes; (4) at the end of the cycle writes commit, counters close the
//! cycle and waveforms are sampled. The passes below are the controller's states; each
//! iteration of a pass loop is one cycle.

use crate::config::{HwConfig, DIVIDER_CYCLES};
use crate::counters::{Activity, Counters, Op, RegFile, Unit};
use crate::dram::DramChannel;
use crate::error::SimError;
use crate::events::{EventLog, SpikeEvent, StepRecord, WeightWrite};
use crate::layout::{NeuronState, NeuronWordFormat, WeightLayout};
use crate::lockstep::PortLog;
use crate::spikegen::SpikeGenUnit;
use crate::sram::SramBank;
use crate::waves::{Observed, Waves};
use crate::weight_port::{WeightData, WeightPort};
use fspinn_model::fixed::{input_seed, rate_q24, Lfsr32};
use fspinn_model::fspinn::{
    theta_decay_shift, FspinnConsts, FspinnNetwork, FspinnParams, DECAY_STREAM, NEVER,
    ROUNDING_STREAM,
};
use std::collections::VecDeque;

/// What one sample produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SampleOutcome {
    /// Spike counts of the last attempt, one per neuron (what the host reads back).
    pub counts: Vec<u32>,
    pub attempts: u32,
    pub cycles: u64,
}

/// One synapse waiting in the STDP unit's read-modify-write pipeline.
#[derive(Clone, Copy, Debug)]
struct Rmw {
    input: usize,
    neuron: usize,
    delta: i32,
    chunk: usize,
    word: usize,
    shift: u32,
}

/// An accelerator is `Clone`: a copy is a snapshot of the whole chip (memories, registers, DRAM
/// channel, counters) from which a sample can be run again (the co-simulation's mismatch
/// waveform re-runs only the failing sample from the snapshot taken before it). The copy has no
/// waveform writer and no DRAM trace sink.
#[derive(Clone)]
pub struct Accelerator {
    cfg: HwConfig,
    params: FspinnParams,
    consts: FspinnConsts,
    n: usize,
    pes: usize,
    groups: usize,
    inputs: usize,
    word_fmt: NeuronWordFormat,
    weights: WeightPort,
    neuron_banks: Vec<SramBank>,
    /// The inhibitory layer's state (only with mechanism (a) off, the baseline-equivalent mode).
    inhibitory_banks: Vec<SramBank>,
    spikegen: SpikeGenUnit,
    // STDP unit
    last_pre: Vec<u32>,
    last_post: Vec<u32>,
    rounding: Lfsr32,
    // controller registers
    inhibition: i32,
    samples_seen: u64,
    theta_decay: u32,
    fired: Vec<bool>,
    fired_list: Vec<u32>,
    relay_pending: u32,
    cycle: u64,
    ctr: Counters,
    activity: [Activity; 4],
    phase: &'static str,
    timestep: u32,
    attempt: u32,
    events: Option<EventLog>,
    waves: WavesSlot,
    observed: Observed,
    /// Per-cycle SRAM port activity and DRAM requests, when recording (lock step).
    port_log: Option<PortLog>,
}

/// The model's VCD writer; a clone of the accelerator gets none (one file, one writer).
#[derive(Default)]
struct WavesSlot(Option<Waves>);

impl Clone for WavesSlot {
    fn clone(&self) -> Self {
        WavesSlot(None)
    }
}

impl Accelerator {
    /// Builds the accelerator for a network and loads its weights and thresholds (through the
    /// host backdoor: loading is not part of the per-sample figures). `storage_bits` is the
    /// width each weight occupies in memory (the weight code's width, or 32 for the
    /// baseline-equivalent mode).
    pub fn new(cfg: &HwConfig, net: &FspinnNetwork, storage_bits: u32) -> Result<Self, SimError> {
        cfg.validate()?;
        let params = net.params().clone();
        let consts = net.consts().clone();
        let n = net.n_neurons();
        let pes = cfg.pe_array.pes as usize;
        let inputs = cfg.spike_generator.inputs as usize;
        if net.n_inputs() != inputs {
            return Err(SimError::DoesNotFit(format!(
                "the network has {} inputs, spike_generator.inputs is {inputs}",
                net.n_inputs()
            )));
        }
        if n > pes * cfg.pe_array.neurons_per_pe as usize {
            return Err(SimError::DoesNotFit(format!(
                "{n} neurons need more than pe_array.pes * pe_array.neurons_per_pe = {}",
                pes * cfg.pe_array.neurons_per_pe as usize
            )));
        }
        if !params.mechanisms.per_step_updates {
            return Err(SimError::Unsupported(
                "mechanism (d) off (weight changes summed over a presentation) needs a 784 x N \
                 delta buffer the accelerator does not have"
                    .into(),
            ));
        }
        let word_fmt = NeuronWordFormat::new(&consts, params.formats.refractory_bits as u32);
        if word_fmt.bits() > cfg.neuron_sram.word_bits {
            return Err(SimError::DoesNotFit(format!(
                "a neuron's state needs {} bits (membrane {}, threshold {}, refractory {}, spike \
                 count {}), neuron_sram.word_bits is {}",
                word_fmt.bits(),
                word_fmt.v_bits,
                word_fmt.theta_bits,
                word_fmt.refractory_bits,
                word_fmt.count_bits,
                cfg.neuron_sram.word_bits
            )));
        }
        let code_bits = params.formats.weight_bits as u32;
        let layout = WeightLayout::new(cfg, n, storage_bits, code_bits)?;
        let w = &cfg.weight_sram;
        let banks = (0..w.banks)
            .map(|b| SramBank::new(format!("wsram{b}"), w.depth, w.word_bits, w.read_latency))
            .collect();
        let dram =
            DramChannel::new(cfg.dram.clone(), cfg.clock_mhz).map_err(|e| SimError::Config {
                field: "dram".into(),
                value: String::new(),
                reason: e.to_string(),
            })?;
        let ns = &cfg.neuron_sram;
        let neuron_banks = (0..pes)
            .map(|p| SramBank::new(format!("nsram{p}"), ns.depth, ns.word_bits, ns.read_latency))
            .collect();
        let inhibitory_banks = if params.mechanisms.direct_inhibition {
            Vec::new()
        } else {
            (0..pes)
                .map(|p| {
                    SramBank::new(format!("isram{p}"), ns.depth, ns.word_bits, ns.read_latency)
                })
                .collect()
        };
        let groups = n.div_ceil(pes);
        let mut acc = Accelerator {
            cfg: cfg.clone(),
            theta_decay: theta_decay_shift(&params, n),
            params,
            consts,
            n,
            pes,
            groups,
            inputs,
            word_fmt,
            weights: WeightPort::new(layout, banks, dram),
            neuron_banks,
            inhibitory_banks,
            spikegen: SpikeGenUnit::new(inputs, cfg.spike_generator.lanes as usize),
            last_pre: vec![NEVER; inputs],
            last_post: vec![NEVER; n],
            rounding: Lfsr32::new(1),
            inhibition: net.inhibition(),
            samples_seen: net.samples_seen(),
            fired: vec![false; n],
            fired_list: Vec::new(),
            relay_pending: 0,
            cycle: 0,
            ctr: Counters::default(),
            activity: [Activity::Idle; 4],
            phase: "idle",
            timestep: 0,
            attempt: 0,
            events: None,
            waves: WavesSlot::default(),
            observed: Observed::default(),
            port_log: None,
        };
        acc.load(net);
        Ok(acc)
    }

    fn load(&mut self, net: &FspinnNetwork) {
        let w = net.weights();
        let layout = self.weights.layout().clone();
        for a in 0..self.groups {
            for i in 0..self.inputs {
                let chunk = layout.chunk(i, a);
                let mut words = vec![0u64; layout.words_per_chunk];
                for p in 0..self.pes {
                    let j = a * self.pes + p;
                    if j < self.n {
                        let (q, shift) = layout.lane(p);
                        words[q] = layout.set(words[q], shift, w[i * self.n + j]);
                    }
                }
                for (q, word) in words.into_iter().enumerate() {
                    self.weights.poke(chunk, q, word);
                }
            }
        }
        for (j, &theta) in net.theta().iter().enumerate() {
            let st = NeuronState {
                theta,
                ..Default::default()
            };
            self.neuron_banks[j % self.pes].poke((j / self.pes) as u32, self.word_fmt.pack(&st));
        }
    }

    /// The learned state as an L1 network (host backdoor read of weights and thresholds).
    pub fn to_network(&self) -> Result<FspinnNetwork, SimError> {
        Ok(FspinnNetwork::from_parts(
            self.params.clone(),
            self.inputs,
            self.n,
            self.weight_codes(),
            self.thetas(),
            self.inhibition,
            self.samples_seen,
        )?)
    }

    /// Every weight code, input-major (`[i * n + j]`), read through the host backdoor.
    pub fn weight_codes(&self) -> Vec<u16> {
        let layout = self.weights.layout();
        let mut out = vec![0u16; self.inputs * self.n];
        for i in 0..self.inputs {
            for j in 0..self.n {
                let (q, shift) = layout.lane(j % self.pes);
                let word = self.weights.peek(layout.chunk(i, j / self.pes), q);
                out[i * self.n + j] = layout.get(word, shift);
            }
        }
        out
    }

    pub fn thetas(&self) -> Vec<i32> {
        (0..self.n).map(|j| self.state_of(j).theta).collect()
    }

    fn state_of(&self, j: usize) -> NeuronState {
        self.word_fmt
            .unpack(self.neuron_banks[j % self.pes].peek((j / self.pes) as u32))
    }

    pub fn record_events(&mut self, on: bool) {
        self.events = on.then(EventLog::default);
    }
    pub fn take_events(&mut self) -> Option<EventLog> {
        self.events.as_mut().map(std::mem::take)
    }
    pub fn set_waves(&mut self, waves: Option<Waves>) {
        self.waves.0 = waves;
    }
    pub fn take_waves(&mut self) -> Option<Waves> {
        self.waves.0.take()
    }
    /// Records every cycle's SRAM port activity and DRAM request from now on (`false`: stops
    /// and drops the log); see [`crate::lockstep`].
    pub fn record_ports(&mut self, on: bool) {
        self.port_log = on.then(PortLog::default);
    }
    /// The port log recorded so far (left empty, recording continues).
    pub fn take_port_log(&mut self) -> Option<PortLog> {
        self.port_log.as_mut().map(std::mem::take)
    }
    pub fn counters(&self) -> &Counters {
        &self.ctr
    }
    /// The controller's phase in the current cycle (a [`crate::rtl_consts::Phase`] name).
    pub fn phase(&self) -> &'static str {
        self.phase
    }
    /// The controller's time step in the current cycle.
    pub fn timestep(&self) -> u32 {
        self.timestep
    }
    /// What each unit does in the current cycle (indexed by [`Unit`]).
    pub fn activity(&self) -> &[Activity; 4] {
        &self.activity
    }
    pub fn cycle(&self) -> u64 {
        self.cycle
    }
    pub fn config(&self) -> &HwConfig {
        &self.cfg
    }
    pub fn layout(&self) -> &WeightLayout {
        self.weights.layout()
    }
    pub fn neurons(&self) -> usize {
        self.n
    }
    pub fn weight_port(&self) -> &WeightPort {
        &self.weights
    }
    pub fn weight_port_mut(&mut self) -> &mut WeightPort {
        &mut self.weights
    }
    pub fn neuron_banks(&self) -> &[SramBank] {
        &self.neuron_banks
    }
    pub fn inhibitory_banks(&self) -> &[SramBank] {
        &self.inhibitory_banks
    }
    pub fn word_format(&self) -> &NeuronWordFormat {
        &self.word_fmt
    }
    pub fn consts(&self) -> &FspinnConsts {
        &self.consts
    }

    fn neuron(&self, a: usize, p: usize) -> Option<usize> {
        let j = a * self.pes + p;
        (j < self.n).then_some(j)
    }

    /// Closes the current cycle: writes commit, counters and waveforms record it.
    fn end_cycle(&mut self) {
        if let Some(log) = self.port_log.as_mut() {
            log.sample(
                self.cycle,
                self.weights.banks(),
                &self.neuron_banks,
                self.weights.dram_issued(),
            );
        }
        if let Some(mut w) = self.waves.0.take() {
            w.sample(self, self.cycle, &self.observed);
            self.waves.0 = Some(w);
        }
        self.observed.clear();
        self.weights.commit();
        for b in self
            .neuron_banks
            .iter_mut()
            .chain(self.inhibitory_banks.iter_mut())
        {
            b.commit();
        }
        self.ctr.cycle(&self.activity, self.phase);
        self.activity = [Activity::Idle; 4];
        self.activity[Unit::Controller as usize] = Activity::Busy;
        self.cycle += 1;
    }

    fn set(&mut self, unit: Unit, a: Activity) {
        self.activity[unit as usize] = a;
    }

    /// Presents one image (all its attempts), learning when `train`; `sample_seed` is the
    /// host's seed for this presentation (the same one L1 uses).
    pub fn run_sample(&mut self, image: &[u8], sample_seed: u32, train: bool) -> SampleOutcome {
        assert_eq!(image.len(), self.inputs, "image size checked by the caller");
        let start = self.cycle;
        self.spikegen.load_image(image, &mut self.ctr);
        let eta = self.potentiation_factor();
        let p = self.params.clone();
        let mut attempts = 0;
        for attempt in 0..p.max_attempts {
            self.attempt = attempt;
            attempts += 1;
            let rate = rate_q24(
                p.rate_per_pixel_hz as f64,
                p.start_intensity + attempt,
                p.dt_ms as f64,
            );
            if attempt == 0 {
                self.pass_seed(sample_seed);
            }
            self.pass_thresholds(rate);
            self.pass_reset();
            if train {
                self.pass_normalize();
                self.rounding = Lfsr32::new(input_seed(sample_seed, ROUNDING_STREAM + attempt));
                self.ctr.op(Unit::Stdp, Op::Fmix32, 2);
            }
            let mut spikes = 0u64;
            for t in 0..self.consts.steps {
                self.timestep = t;
                spikes += self.step(t, train, eta) as u64;
            }
            if train {
                self.pass_theta_decay(sample_seed, attempt);
                self.phase = "adapt";
                if p.mechanisms.adaptive_inhibition {
                    self.inhibition =
                        self.consts
                            .adapt_inhibition(self.inhibition, spikes, p.target_spikes);
                    self.ctr.op(Unit::Controller, Op::Add16, 1);
                }
                self.end_cycle();
            }
            self.ctr.attempts += 1;
            if spikes >= p.min_spikes as u64 {
                break;
            }
        }
        let counts = self.pass_readout();
        if train {
            self.samples_seen += 1;
        }
        self.phase = "idle";
        SampleOutcome {
            counts,
            attempts,
            cycles: self.cycle - start,
        }
    }

    /// The potentiation factor the host writes for the next training image.
    pub fn potentiation_factor(&self) -> i64 {
        fspinn_model::fspinn::potentiation_factor(&self.params, &self.consts, self.samples_seen)
    }
    pub fn params(&self) -> &FspinnParams {
        &self.params
    }
    pub fn inhibition(&self) -> i32 {
        self.inhibition
    }
    /// Training images seen (sets the potentiation factor of the next one).
    pub fn samples_seen(&self) -> u64 {
        self.samples_seen
    }
    pub fn theta_decay(&self) -> u32 {
        self.theta_decay
    }

    /// Seeds every input channel's LFSR, `lanes` channels per cycle.
    fn pass_seed(&mut self, sample_seed: u32) {
        self.phase = "seed";
        for k in 0..self.spikegen.sweep_cycles() {
            self.spikegen.seed_cycle(k, sample_seed, &mut self.ctr);
            self.set(Unit::SpikeGen, Activity::Busy);
            self.end_cycle();
        }
    }

    fn pass_thresholds(&mut self, rate: u32) {
        self.phase = "threshold";
        for k in 0..self.spikegen.sweep_cycles() {
            self.spikegen.threshold_cycle(k, rate, &mut self.ctr);
            self.set(Unit::SpikeGen, Activity::Busy);
            self.end_cycle();
        }
    }

    /// Clears membranes, refractory and spike counts (thresholds stay) and the STDP unit's
    /// spike times.
    fn pass_reset(&mut self) {
        self.phase = "reset";
        self.last_pre.fill(NEVER);
        self.last_post.fill(NEVER);
        self.ctr.rf_write(RegFile::PreTimes, self.inputs as u64);
        self.ctr.rf_write(RegFile::PostTimes, self.n as u64);
        self.fired.fill(false);
        self.relay_pending = 0;
        self.neuron_sweep(|_, _, st| {
            Some(NeuronState {
                theta: st.theta,
                ..Default::default()
            })
        });
    }

    /// Reads every neuron's spike count for the host.
    fn pass_readout(&mut self) -> Vec<u32> {
        self.phase = "readout";
        let mut counts = vec![0; self.n];
        self.neuron_sweep(|_, j, st| {
            counts[j] = st.count;
            None
        });
        counts
    }

    /// A pipelined read-modify-write over every neuron group: read group `k` in cycle `k`,
    /// write what `f` returns (if anything) when the data arrives.
    fn neuron_sweep(
        &mut self,
        mut f: impl FnMut(&Self, usize, NeuronState) -> Option<NeuronState>,
    ) {
        let lat = self.cfg.neuron_sram.read_latency as usize;
        for k in 0..self.groups + lat {
            let now = self.cycle;
            if k >= lat {
                let a = k - lat;
                for p in 0..self.pes {
                    if let Some(j) = self.neuron(a, p) {
                        let (_, w) = self.neuron_banks[p].tick(now).expect("neuron read on time");
                        if let Some(st) = f(self, j, self.word_fmt.unpack(w)) {
                            let word = self.word_fmt.pack(&st);
                            self.neuron_banks[p].write(a as u32, word);
                        }
                    }
                }
            }
            if k < self.groups {
                for p in 0..self.pes {
                    if self.neuron(k, p).is_some() {
                        self.neuron_banks[p].read(now, k as u32, k as u32);
                    }
                }
            }
            self.set(Unit::PeArray, Activity::Busy);
            self.end_cycle();
        }
    }

    /// One time step; returns the number of neurons that fired.
    fn step(&mut self, t: u32, train: bool, eta: i64) -> u32 {
        self.ctr.timesteps += 1;
        // 1. Input spikes.
        self.phase = "generate";
        let mut inputs = Vec::new();
        for k in 0..self.spikegen.sweep_cycles() {
            let before = inputs.len();
            let drew = self.spikegen.generate_cycle(k, &mut inputs, &mut self.ctr);
            for &i in &inputs[before..] {
                self.last_pre[i as usize] = t;
            }
            let new = (inputs.len() - before) as u64;
            self.ctr.rf_write(RegFile::PreTimes, new);
            self.ctr.rf_write(RegFile::InputSpikeFifo, new);
            self.set(
                Unit::SpikeGen,
                if drew { Activity::Busy } else { Activity::Idle },
            );
            self.end_cycle();
        }
        self.ctr.input_spikes += inputs.len() as u64;
        // 2-3. Leak, accumulate, relay inhibition, fire.
        let fired = self.pass_integrate(&inputs, train);
        let m = self.params.mechanisms.clone();
        if !m.direct_inhibition {
            self.pass_inhibitory_layer();
            self.relay_pending = fired;
        } else if fired > 0 {
            // 4. Lateral inhibition.
            self.phase = "inhibit";
            self.ctr.op(Unit::PeArray, Op::Mul16x16, 1);
            let inh = self.inhibition;
            self.neuron_sweep(|acc, _, st| {
                (st.refractory == 0).then(|| NeuronState {
                    v: acc.consts.inhibit(st.v, inh, fired),
                    ..st
                })
            });
            let free = self.free_neurons();
            self.ctr.op(Unit::PeArray, Op::Sub16, free);
        }
        // 5. Learn.
        if train {
            self.pass_learn(&inputs, t, eta);
        }
        self.ctr.output_spikes += fired as u64;
        if let Some(ev) = self.events.as_mut() {
            ev.steps.push(StepRecord {
                attempt: self.attempt,
                t,
                inputs: inputs.clone(),
                fired: self.fired_list.clone(),
                cycle: self.cycle,
            });
        }
        fired
    }

    fn free_neurons(&self) -> u64 {
        (0..self.n)
            .filter(|&j| self.state_of(j).refractory == 0)
            .count() as u64
    }

    /// Per neuron group: read the state, fetch one weight chunk per input spike, accumulate,
    /// then relay inhibition, fire and write back; returns the number of neurons that fired.
    fn pass_integrate(&mut self, inputs: &[u16], train: bool) -> u32 {
        self.phase = "integrate";
        let nlat = self.cfg.neuron_sram.read_latency as u64;
        let wlat = self.cfg.weight_sram.read_latency as u64;
        // Weight reads start late enough that on-chip data never arrives before the state.
        let delay = nlat.saturating_sub(wlat);
        let layout = self.weights.layout().clone();
        let relay = self.relay_pending;
        let inh = self.inhibition;
        let mut fired_total = 0u32;
        let mut fired_list = Vec::new();
        let mut states = vec![NeuronState::default(); self.pes];
        let mut pending: VecDeque<WeightData> = VecDeque::new();
        let s = inputs.len();
        for a in 0..self.groups {
            let s0 = self.cycle;
            let mut requested = 0usize;
            let mut applied = 0usize;
            let mut arrived = false;
            self.ctr.rf_read(RegFile::SpikeBuffer, 1);
            loop {
                let now = self.cycle;
                let k = now - s0;
                let mut worked = false;
                if k == nlat {
                    for (p, st) in states.iter_mut().enumerate() {
                        if self.neuron(a, p).is_some() {
                            let (_, w) = self.neuron_banks[p].tick(now).expect("state on time");
                            let mut x = self.word_fmt.unpack(w);
                            // The count-down of the previous step's end, done on reading.
                            x.refractory = x.refractory.saturating_sub(1);
                            if x.refractory == 0 {
                                x.v = self.consts.leak(x.v);
                                self.ctr.op(Unit::PeArray, Op::Shift16, 1);
                                self.ctr.op(Unit::PeArray, Op::Sub16, 1);
                            }
                            *st = x;
                        }
                    }
                    arrived = true;
                    worked = true;
                }
                if let Some(d) = self.weights.tick(now) {
                    pending.push_back(d);
                }
                if arrived {
                    if let Some(d) = pending.pop_front() {
                        for (p, st) in states.iter_mut().enumerate() {
                            if self.neuron(a, p).is_some() {
                                self.ctr.synaptic_ops += 1;
                                if st.refractory == 0 {
                                    let (q, shift) = layout.lane(p);
                                    let w = layout.get(d.words[q], shift);
                                    st.v = self.consts.integrate(st.v, w);
                                    self.ctr.op(Unit::PeArray, Op::Add16, 1);
                                }
                            }
                        }
                        applied += 1;
                        worked = true;
                    }
                }
                let done = arrived && applied == s;
                if done {
                    for (p, st) in states.iter_mut().enumerate() {
                        let Some(j) = self.neuron(a, p) else { continue };
                        if relay > 0 {
                            st.v = self
                                .consts
                                .relay_inhibition(st.v, inh, relay, self.fired[j]);
                            self.ctr.op(Unit::PeArray, Op::Sub16, 1);
                        }
                        self.ctr.op(Unit::PeArray, Op::Cmp16, 1);
                        let fire = self.consts.fires(st.v, st.refractory, st.theta);
                        self.fired[j] = fire;
                        if fire {
                            st.v = 0;
                            st.refractory = self.consts.refractory_start();
                            st.count += 1;
                            if train {
                                st.theta = self.consts.bump_theta(st.theta);
                                self.ctr.op(Unit::PeArray, Op::Add16, 1);
                            }
                            fired_total += 1;
                            fired_list.push(j as u32);
                            self.observed.fire(a as u32, p);
                            if let Some(ev) = self.events.as_mut() {
                                ev.spikes.push(SpikeEvent {
                                    attempt: self.attempt,
                                    t: self.timestep,
                                    neuron: j as u32,
                                    cycle: now,
                                });
                            }
                        }
                        let word = self.word_fmt.pack(st);
                        self.neuron_banks[p].write(a as u32, word);
                    }
                    self.ctr.rf_write(RegFile::SpikeBuffer, 1);
                    self.ctr.op(Unit::PeArray, Op::Popcount, 1);
                }
                if k == 0 {
                    for p in 0..self.pes {
                        if self.neuron(a, p).is_some() {
                            self.neuron_banks[p].read(now, a as u32, a as u32);
                        }
                    }
                }
                if k >= delay && requested < s && self.weights.can_read() {
                    let i = inputs[requested] as usize;
                    self.weights
                        .read_chunk(layout.chunk(i, a), requested as u32);
                    self.ctr.rf_read(RegFile::InputSpikeFifo, 1);
                    requested += 1;
                }
                self.weights.issue(now);
                self.set(
                    Unit::PeArray,
                    if worked || done {
                        Activity::Busy
                    } else {
                        Activity::Stalled
                    },
                );
                self.end_cycle();
                if done {
                    break;
                }
            }
        }
        self.fired_list = fired_list;
        fired_total
    }

    /// Baseline-equivalent mode: every step the inhibitory layer's N neurons are updated (a
    /// read-modify-write of each one's word); each records whether its excitatory partner fired,
    /// which it relays to the others in the next step.
    fn pass_inhibitory_layer(&mut self) {
        self.phase = "inhibitory_layer";
        let lat = self.cfg.neuron_sram.read_latency as usize;
        for k in 0..self.groups + lat {
            let now = self.cycle;
            if k >= lat {
                let a = k - lat;
                for p in 0..self.pes {
                    if let Some(j) = self.neuron(a, p) {
                        self.inhibitory_banks[p]
                            .tick(now)
                            .expect("inhibitory read on time");
                        self.inhibitory_banks[p].write(a as u32, self.fired[j] as u64);
                        self.ctr.op(Unit::PeArray, Op::Cmp16, 1);
                    }
                }
            }
            if k < self.groups {
                for p in 0..self.pes {
                    if self.neuron(k, p).is_some() {
                        self.inhibitory_banks[p].read(now, k as u32, k as u32);
                    }
                }
            }
            self.set(Unit::PeArray, Activity::Busy);
            self.end_cycle();
        }
    }

    /// Step 5: depression at input spikes (mechanism (b) off), then potentiation of the column
    /// of every neuron that fired, one synapse per cycle through the STDP unit's
    /// read-modify-write pipeline.
    fn pass_learn(&mut self, inputs: &[u16], t: u32, eta: i64) {
        let layout = self.weights.layout().clone();
        let rounding = self.params.rounding;
        if !self.params.mechanisms.post_only_stdp {
            let spiked: Vec<usize> = (0..self.n)
                .filter(|&j| self.last_post[j] != NEVER)
                .collect();
            if !spiked.is_empty() && !inputs.is_empty() {
                self.phase = "depress";
                let mut synapses = Vec::with_capacity(inputs.len() * spiked.len());
                for &i in inputs {
                    for &j in &spiked {
                        synapses.push((i as usize, j));
                    }
                }
                self.ctr.rf_read(RegFile::PostTimes, synapses.len() as u64);
                self.stdp_stream(&synapses, t, |acc, i, j, t| {
                    let r = acc.rounding.next16() as u32;
                    let _ = i;
                    -acc.consts.depression(t - acc.last_post[j], r)
                });
            }
        }
        let fired = self.fired_list.clone();
        if fired.is_empty() {
            return;
        }
        self.phase = "potentiate";
        let mut synapses = Vec::with_capacity(fired.len() * self.inputs);
        for &j in &fired {
            self.last_post[j as usize] = t;
            for i in 0..self.inputs {
                synapses.push((i, j as usize));
            }
        }
        self.ctr.rf_write(RegFile::PostTimes, fired.len() as u64);
        self.ctr.rf_read(RegFile::PreTimes, synapses.len() as u64);
        let _ = layout;
        self.stdp_stream(&synapses, t, move |acc, i, _j, t| {
            let last = acc.last_pre[i];
            let age = (last != NEVER).then(|| t - last);
            let r = acc.rounding.next16() as u32;
            acc.consts.potentiation(age, eta, rounding, r)
        });
    }

    /// Streams synapses through the STDP unit: one accepted per cycle (its rounding draw is
    /// made then); a non-zero change reads the weight word, and the modified word is written
    /// back in the cycle the data arrives. A synapse whose word is still in the pipeline waits
    /// (read-after-write hazard).
    fn stdp_stream(
        &mut self,
        synapses: &[(usize, usize)],
        t: u32,
        mut delta_of: impl FnMut(&mut Self, usize, usize, u32) -> i32,
    ) {
        let layout = self.weights.layout().clone();
        let mut next = 0usize;
        let mut in_flight: VecDeque<Rmw> = VecDeque::new();
        // Words being modified: (chunk, word, cycle of the write; u64::MAX until the data arrives).
        let mut busy_words: Vec<(usize, usize, u64)> = Vec::new();
        let mut held: Option<Rmw> = None;
        loop {
            let now = self.cycle;
            busy_words.retain(|&(_, _, release)| release >= now);
            let mut worked = false;
            if let Some(d) = self.weights.tick(now) {
                let rmw = in_flight.pop_front().expect("STDP read in flight");
                let word = d.words[0];
                let w = layout.get(word, rmw.shift);
                let value = self.consts.apply_delta(w, rmw.delta);
                self.ctr.op(Unit::Stdp, Op::Add16, 1);
                self.weights
                    .write_word(rmw.chunk, rmw.word, layout.set(word, rmw.shift, value));
                if let Some(b) = busy_words
                    .iter_mut()
                    .find(|b| b.0 == rmw.chunk && b.1 == rmw.word && b.2 == u64::MAX)
                {
                    b.2 = now;
                }
                self.ctr.stdp_updates += 1;
                self.observed.wupd_valid = true;
                if let Some(ev) = self.events.as_mut() {
                    ev.weight_writes.push(WeightWrite {
                        attempt: self.attempt,
                        t,
                        input: rmw.input as u32,
                        neuron: rmw.neuron as u32,
                        value,
                        cycle: now,
                    });
                }
                worked = true;
            }
            // Accept the next synapse (draw its change) unless one is held by a hazard.
            if held.is_none() && next < synapses.len() {
                let (i, j) = synapses[next];
                next += 1;
                let delta = delta_of(self, i, j, t);
                self.ctr.op(Unit::Stdp, Op::Lfsr16, 1);
                self.ctr.op(Unit::Stdp, Op::Mul16x16, 1);
                worked = true;
                if delta != 0 {
                    let (word, shift) = layout.lane(j % self.pes);
                    held = Some(Rmw {
                        input: i,
                        neuron: j,
                        delta,
                        chunk: layout.chunk(i, j / self.pes),
                        word,
                        shift,
                    });
                }
            }
            if let Some(rmw) = held {
                let hazard = busy_words
                    .iter()
                    .any(|b| b.0 == rmw.chunk && b.1 == rmw.word);
                if !hazard && self.weights.can_read() {
                    self.weights.read_word(rmw.chunk, rmw.word, 0);
                    busy_words.push((rmw.chunk, rmw.word, u64::MAX));
                    in_flight.push_back(rmw);
                    held = None;
                }
            }
            self.weights.issue(now);
            self.set(
                Unit::Stdp,
                if worked {
                    Activity::Busy
                } else {
                    Activity::Stalled
                },
            );
            self.end_cycle();
            if next == synapses.len()
                && held.is_none()
                && in_flight.is_empty()
                && self.weights.quiet()
            {
                break;
            }
        }
    }

    /// Before each training attempt: every neuron's weight column is scaled to the target sum.
    /// Per neuron group: sum the chunks of all inputs, divide, scale and write the chunks back.
    fn pass_normalize(&mut self) {
        let layout = self.weights.layout().clone();
        let mut sums = vec![0i64; self.pes];
        let mut factors = vec![0i64; self.pes];
        for a in 0..self.groups {
            // Sum.
            self.phase = "norm_sum";
            sums.fill(0);
            self.stream_group(a, false, |acc, d| {
                for (p, s) in sums.iter_mut().enumerate() {
                    if acc.neuron(a, p).is_some() {
                        let (q, shift) = layout.lane(p);
                        *s += layout.get(d.words[q], shift) as i64;
                        acc.ctr.op(Unit::PeArray, Op::Add32, 1);
                    }
                }
            });
            // Divide: one sequential divider per PE.
            self.phase = "norm_divide";
            for (p, f) in factors.iter_mut().enumerate() {
                if self.neuron(a, p).is_some() {
                    *f = self.consts.norm_factor(sums[p]);
                    self.ctr.op(Unit::PeArray, Op::Div40, 1);
                }
            }
            for _ in 0..DIVIDER_CYCLES {
                self.set(Unit::PeArray, Activity::Busy);
                self.end_cycle();
            }
            // Scale and write back.
            self.phase = "norm_scale";
            self.stream_group(a, true, |acc, d| {
                let mut words = d.words;
                for (p, &f) in factors.iter().enumerate() {
                    if acc.neuron(a, p).is_some() {
                        let (q, shift) = layout.lane(p);
                        let w = acc.consts.normalize_weight(layout.get(words[q], shift), f);
                        words[q] = layout.set(words[q], shift, w);
                        acc.ctr.op(Unit::PeArray, Op::Mul32x32, 1);
                    }
                }
                acc.weights
                    .write_chunk(layout.chunk(d.tag as usize, a), words);
            });
        }
    }

    /// Reads the chunks of every input to neuron group `a`, in input order, one request
    /// whenever the weight port takes it, and hands each to `on_chunk` in the cycle it arrives;
    /// with `drain`, the pass also waits for the writes `on_chunk` queued.
    fn stream_group(
        &mut self,
        a: usize,
        drain: bool,
        mut on_chunk: impl FnMut(&mut Self, WeightData),
    ) {
        let layout = self.weights.layout().clone();
        let (mut requested, mut received) = (0usize, 0usize);
        while received < self.inputs || (drain && !self.weights.quiet()) {
            let now = self.cycle;
            if let Some(d) = self.weights.tick(now) {
                on_chunk(self, d);
                received += 1;
            }
            if requested < self.inputs && self.weights.can_read() {
                self.weights
                    .read_chunk(layout.chunk(requested, a), requested as u32);
                requested += 1;
            }
            self.weights.issue(now);
            self.set(Unit::PeArray, Activity::Busy);
            self.end_cycle();
        }
    }

    /// After a training attempt: every threshold offset decays, neuron by neuron in index order
    /// (the decay LFSR's draws are sequential), one neuron per cycle.
    fn pass_theta_decay(&mut self, sample_seed: u32, attempt: u32) {
        self.phase = "theta_decay";
        let mut lfsr = Lfsr32::new(input_seed(sample_seed, DECAY_STREAM + attempt));
        self.ctr.op(Unit::Stdp, Op::Fmix32, 2);
        let lat = self.cfg.neuron_sram.read_latency as usize;
        let shift = self.theta_decay;
        let mut randoms: VecDeque<u32> = VecDeque::new();
        for k in 0..self.n + lat {
            let now = self.cycle;
            if k >= lat {
                let j = k - lat;
                let p = j % self.pes;
                let (_, w) = self.neuron_banks[p].tick(now).expect("state on time");
                let mut st = self.word_fmt.unpack(w);
                let r = randoms.pop_front().expect("draw made at the read");
                st.theta = self.consts.decay_theta(st.theta, shift, r);
                self.ctr.op(Unit::PeArray, Op::Sub16, 1);
                self.neuron_banks[p].write((j / self.pes) as u32, self.word_fmt.pack(&st));
            }
            if k < self.n {
                self.neuron_banks[k % self.pes].read(now, (k / self.pes) as u32, k as u32);
                randoms.push_back(lfsr.next16() as u32 | (lfsr.next16() as u32) << 16);
                self.ctr.op(Unit::Stdp, Op::Lfsr16, 2);
            }
            self.set(Unit::PeArray, Activity::Busy);
            self.end_cycle();
        }
    }
}
