//! The accelerator (layer L2) as the RTL's blocks, each a same-named twin of an RTL module so
//! that a designer can read one next to the other (docs/architecture.md, "Blocks"):
//!
//! | RTL module | twin | holds |
//! |---|---|---|
//! | `fspinn_controller` | [`controller::Controller`] | phase sequencing, counters of time step, attempt, row |
//! | `fspinn_pe` | [`pe::Pe`] (one per lane) | a lane's leak, integrate, fire, theta bump and decay, inhibit, normalise-weight |
//! | `fspinn_stdp` | [`stdp::Stdp`] | fired neurons, spike times, rounding LFSR, apply-delta, the STDP stream |
//! | `fspinn_weight_port` | [`weight_port::WeightPort`] | weight SRAM banks or the DRAM channel |
//! | `fspinn_host` | [`host::Host`] | what the host sees: registers, counters, observations |
//! | `fspinn_normalize` | [`normalize::Normalize`] | column sums and quotients of the normalisation |
//! | `fspinn_spikegen` | [`spikegen::SpikeGen`] | the Poisson spike generator |
//!
//! [`Accelerator`] composes them with the neuron-state banks and closes every cycle. Every cycle
//! follows the same phases: (1) memories deliver the reads whose latency ends in this cycle
//! (`tick`); (2) the PE lanes, the STDP unit and the normalisation compute on the delivered
//! data, calling the L1 operations of `FspinnConsts`; (3) the controller issues this cycle's
//! reads and writes; (4) at the end of the cycle (`Accelerator::end_cycle`) writes commit,
//! counters close the cycle and waveforms are sampled. The controller's passes
//! (`controller/`) are loops in which each iteration is one cycle.

pub mod controller;
pub mod host;
pub mod normalize;
pub mod pe;
pub mod spikegen;
pub mod stdp;
pub mod weight_port;

use crate::config::HwConfig;
use crate::counters::{Activity, Counters};
use crate::dram::DramChannel;
use crate::error::SimError;
use crate::events::EventLog;
use crate::layout::{NeuronState, NeuronWordFormat, WeightLayout};
use crate::lockstep::PortLog;
use crate::rtl_consts::Phase;
use crate::sram::SramBank;
use crate::waves::Waves;
use controller::Controller;
use fspinn_model::fspinn::{theta_decay_shift, FspinnConsts, FspinnNetwork, FspinnParams};
use host::Host;
use normalize::Normalize;
use pe::Pe;
use spikegen::SpikeGen;
use stdp::Stdp;
use weight_port::WeightPort;

/// What one sample produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SampleOutcome {
    /// Spike counts of the last attempt, one per neuron (what the host reads back).
    pub counts: Vec<u32>,
    pub attempts: u32,
    pub cycles: u64,
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
    ctl: Controller,
    host: Host,
    spikegen: SpikeGen,
    /// The PE array: one lane per PE.
    lanes: Vec<Pe>,
    stdp: Stdp,
    normalize: Normalize,
    weights: WeightPort,
    /// One neuron-state bank per PE (`nsram{p}`).
    neuron_banks: Vec<SramBank>,
    /// The inhibitory layer's state (only with mechanism (a) off, the baseline-equivalent mode).
    inhibitory_banks: Vec<SramBank>,
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
        if params.per_neuron_rate() {
            return Err(SimError::Unsupported(format!(
                "potentiation_schedule = \"{}\" with recruit_boost = {} (a learning rate per \
                 neuron) is not in the accelerator yet: it has one potentiation factor per image \
                 (train with potentiation_schedule = \"images\" and recruit_boost = 0)",
                params.potentiation_schedule, params.recruit_boost
            )));
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
            host: Host::new(net.samples_seen(), theta_decay_shift(&params, n)),
            params,
            consts,
            n,
            pes,
            groups,
            inputs,
            word_fmt,
            ctl: Controller::new(net.inhibition()),
            spikegen: SpikeGen::new(inputs, cfg.spike_generator.lanes as usize),
            lanes: vec![Pe::default(); pes],
            stdp: Stdp::new(layout.clone(), inputs, n, pes),
            normalize: Normalize::new(layout.clone(), pes),
            weights: WeightPort::new(layout, banks, dram),
            neuron_banks,
            inhibitory_banks,
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
            self.ctl.inhibition(),
            self.host.samples_seen,
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
        self.host.events = on.then(EventLog::default);
    }
    pub fn take_events(&mut self) -> Option<EventLog> {
        self.host.events.as_mut().map(std::mem::take)
    }
    pub fn set_waves(&mut self, waves: Option<Waves>) {
        self.host.waves.0 = waves;
    }
    pub fn take_waves(&mut self) -> Option<Waves> {
        self.host.waves.0.take()
    }
    /// Records every cycle's SRAM port activity and DRAM request from now on (`false`: stops
    /// and drops the log); see [`crate::lockstep`].
    pub fn record_ports(&mut self, on: bool) {
        self.host.port_log = on.then(PortLog::default);
    }
    /// The port log recorded so far (left empty, recording continues).
    pub fn take_port_log(&mut self) -> Option<PortLog> {
        self.host.port_log.as_mut().map(std::mem::take)
    }
    pub fn counters(&self) -> &Counters {
        &self.host.ctr
    }
    /// The controller's phase in the current cycle.
    pub fn phase(&self) -> Phase {
        self.ctl.phase()
    }
    /// The controller's time step in the current cycle.
    pub fn timestep(&self) -> u32 {
        self.ctl.timestep()
    }
    /// What each unit does in the current cycle (indexed by [`crate::counters::Unit`]).
    pub fn activity(&self) -> &[Activity; 4] {
        self.ctl.activity()
    }
    pub fn cycle(&self) -> u64 {
        self.ctl.cycle()
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

    /// Lanes of neuron group `a` that hold a neuron (the last group's lanes past `N` are masked:
    /// no access, no operation).
    fn live(&self, a: usize) -> usize {
        self.pes.min(self.n - a * self.pes)
    }

    /// Closes the current cycle: the port log and the waveforms record it, writes commit,
    /// counters count it, and the controller moves to the next cycle.
    fn end_cycle(&mut self) {
        let cycle = self.ctl.cycle();
        if let Some(log) = self.host.port_log.as_mut() {
            log.sample(
                cycle,
                self.weights.banks(),
                &self.neuron_banks,
                self.weights.dram_issued(),
            );
        }
        if let Some(mut w) = self.host.waves.0.take() {
            w.sample(self, cycle, &self.host.observed);
            self.host.waves.0 = Some(w);
        }
        self.host.observed.clear();
        self.weights.commit();
        for b in self
            .neuron_banks
            .iter_mut()
            .chain(self.inhibitory_banks.iter_mut())
        {
            b.commit();
        }
        self.host.ctr.cycle(self.ctl.activity(), self.ctl.phase());
        self.ctl.next_cycle();
    }

    /// Presents one image (all its attempts), learning when `train`; `sample_seed` is the
    /// host's seed for this presentation (the same one L1 uses). The sequence is the
    /// controller's (`controller.rs`).
    pub fn run_sample(&mut self, image: &[u8], sample_seed: u32, train: bool) -> SampleOutcome {
        assert_eq!(image.len(), self.inputs, "image size checked by the caller");
        self.sequence_sample(image, sample_seed, train)
    }

    /// The potentiation factor the host writes for the next training image.
    pub fn potentiation_factor(&self) -> i64 {
        fspinn_model::fspinn::potentiation_factor(
            &self.params,
            &self.consts,
            self.host.samples_seen,
        )
    }
    pub fn params(&self) -> &FspinnParams {
        &self.params
    }
    pub fn inhibition(&self) -> i32 {
        self.ctl.inhibition()
    }
    /// Training images seen (sets the potentiation factor of the next one).
    pub fn samples_seen(&self) -> u64 {
        self.host.samples_seen
    }
    pub fn theta_decay(&self) -> u32 {
        self.host.theta_decay
    }
}
