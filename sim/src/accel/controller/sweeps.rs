//! The controller's sweeps: passes whose row counter advances one step per cycle. The spike
//! generator's sweeps (`seed`, `threshold`, `generate`: one row of `lanes` channels per
//! cycle) and the neuron sweeps (`reset`, `inhibit`, `inhibitory_layer`, `readout`: one
//! neuron group per cycle, a pipelined read-modify-write; `theta_decay`: one neuron per cycle).

use super::super::pe::Pe;
use super::super::Accelerator;
use crate::counters::{Activity, Counters, Op, RegFile, Unit};
use crate::layout::NeuronState;
use crate::rtl_consts::Phase;
use fspinn_model::fspinn::FspinnConsts;
use std::collections::VecDeque;

impl Accelerator {
    /// `seed`: every input channel's LFSR from the sample seed, `lanes` channels per cycle.
    pub(super) fn pass_seed(&mut self, sample_seed: u32) {
        self.ctl.enter(Phase::Seed);
        for k in 0..self.spikegen.sweep_cycles() {
            self.spikegen.seed_cycle(k, sample_seed, &mut self.host.ctr);
            self.ctl.set(Unit::SpikeGen, Activity::Busy);
            self.end_cycle();
        }
    }

    /// `threshold`: every channel's spike threshold at the attempt's rate.
    pub(super) fn pass_thresholds(&mut self, rate: u32) {
        self.ctl.enter(Phase::Threshold);
        for k in 0..self.spikegen.sweep_cycles() {
            self.spikegen.threshold_cycle(k, rate, &mut self.host.ctr);
            self.ctl.set(Unit::SpikeGen, Activity::Busy);
            self.end_cycle();
        }
    }

    /// `generate` at step `t`: the channels draw; the spikes enter the input spike FIFO (the
    /// returned list, ascending) and the STDP unit's pre-spike times.
    pub(super) fn pass_generate(&mut self, t: u32) -> Vec<u16> {
        self.ctl.enter(Phase::Generate);
        let mut inputs = Vec::new();
        for k in 0..self.spikegen.sweep_cycles() {
            let before = inputs.len();
            let drew = self
                .spikegen
                .generate_cycle(k, &mut inputs, &mut self.host.ctr);
            self.stdp
                .pre_spikes(&inputs[before..], t, &mut self.host.ctr);
            let new = (inputs.len() - before) as u64;
            self.host.ctr.rf_write(RegFile::InputSpikeFifo, new);
            self.ctl.set(
                Unit::SpikeGen,
                if drew { Activity::Busy } else { Activity::Idle },
            );
            self.end_cycle();
        }
        self.host.ctr.input_spikes += inputs.len() as u64;
        inputs
    }

    /// `reset`: membranes, refractory counts and spike counts to 0 (thresholds stay), the
    /// STDP unit's spike times cleared, no inhibition to relay.
    pub(super) fn pass_reset(&mut self) {
        self.ctl.enter(Phase::Reset);
        self.stdp.clear(&mut self.host.ctr);
        self.ctl.relay_pending = 0;
        self.neuron_sweep(|_, _, _, st| {
            Some(NeuronState {
                theta: st.theta,
                ..Default::default()
            })
        });
    }

    /// `readout`: every neuron's spike count for the host.
    pub(super) fn pass_readout(&mut self) -> Vec<u32> {
        self.ctl.enter(Phase::Readout);
        let mut counts = vec![0; self.n];
        self.neuron_sweep(|_, _, j, st| {
            counts[j] = st.count;
            None
        });
        counts
    }

    /// `inhibit` (mechanism (a) on, `fired` neurons fired): every free neuron's membrane
    /// drops by `inhibition * fired`, the product made once.
    pub(super) fn pass_inhibit(&mut self, fired: u32) {
        self.ctl.enter(Phase::Inhibit);
        self.host.ctr.op(Unit::PeArray, Op::Mul16x16, 1);
        let inh = self.ctl.inhibition;
        self.neuron_sweep(|consts, ctr, _, st| Pe::inhibit(st, inh, fired, consts, ctr));
    }

    /// A pipelined read-modify-write over every neuron group: group `k` is read in cycle `k`
    /// and, when it arrives, each lane writes back what `f` returns for its neuron (if
    /// anything).
    fn neuron_sweep(
        &mut self,
        mut f: impl FnMut(&FspinnConsts, &mut Counters, usize, NeuronState) -> Option<NeuronState>,
    ) {
        let lat = self.cfg.neuron_sram.read_latency as usize;
        for k in 0..self.groups + lat {
            let now = self.ctl.cycle;
            if k >= lat {
                let a = k - lat;
                for p in 0..self.live(a) {
                    let j = a * self.pes + p;
                    let (_, w) = self.neuron_banks[p].tick(now).expect("neuron read on time");
                    let st = self.word_fmt.unpack(w);
                    if let Some(st) = f(&self.consts, &mut self.host.ctr, j, st) {
                        let word = self.word_fmt.pack(&st);
                        self.neuron_banks[p].write(a as u32, word);
                    }
                }
            }
            if k < self.groups {
                for p in 0..self.live(k) {
                    self.neuron_banks[p].read(now, k as u32, k as u32);
                }
            }
            self.ctl.set(Unit::PeArray, Activity::Busy);
            self.end_cycle();
        }
    }

    /// `inhibitory_layer` (baseline-equivalent mode, every step): the inhibitory layer's N
    /// neurons are updated (a read-modify-write of each one's word); each records whether its
    /// excitatory partner fired, which it relays to the others in the next step.
    pub(super) fn pass_inhibitory_layer(&mut self) {
        self.ctl.enter(Phase::InhibitoryLayer);
        let lat = self.cfg.neuron_sram.read_latency as usize;
        for k in 0..self.groups + lat {
            let now = self.ctl.cycle;
            if k >= lat {
                let a = k - lat;
                for p in 0..self.live(a) {
                    let j = a * self.pes + p;
                    self.inhibitory_banks[p]
                        .tick(now)
                        .expect("inhibitory read on time");
                    let word = Pe::inhibitory_neuron(self.stdp.fired(j), &mut self.host.ctr);
                    self.inhibitory_banks[p].write(a as u32, word);
                }
            }
            if k < self.groups {
                for p in 0..self.live(k) {
                    self.inhibitory_banks[p].read(now, k as u32, k as u32);
                }
            }
            self.ctl.set(Unit::PeArray, Activity::Busy);
            self.end_cycle();
        }
    }

    /// `theta_decay` (after a training attempt): every threshold offset decays, neuron by
    /// neuron in index order (the decay LFSR's draws are sequential), one neuron per cycle;
    /// a neuron's draw is made when its word is read and waits in a delay line for it.
    pub(super) fn pass_theta_decay(&mut self, sample_seed: u32, attempt: u32) {
        self.ctl.enter(Phase::ThetaDecay);
        self.stdp
            .seed_decay(sample_seed, attempt, &mut self.host.ctr);
        let lat = self.cfg.neuron_sram.read_latency as usize;
        let shift = self.host.theta_decay;
        let mut randoms: VecDeque<u32> = VecDeque::new();
        for k in 0..self.n + lat {
            let now = self.ctl.cycle;
            if k >= lat {
                let j = k - lat;
                let p = j % self.pes;
                let (_, w) = self.neuron_banks[p].tick(now).expect("state on time");
                let r = randoms.pop_front().expect("draw made at the read");
                let st = Pe::decay_theta(
                    self.word_fmt.unpack(w),
                    shift,
                    r,
                    &self.consts,
                    &mut self.host.ctr,
                );
                self.neuron_banks[p].write((j / self.pes) as u32, self.word_fmt.pack(&st));
            }
            if k < self.n {
                self.neuron_banks[k % self.pes].read(now, (k / self.pes) as u32, k as u32);
                randoms.push_back(self.stdp.decay_draw(&mut self.host.ctr));
            }
            self.ctl.set(Unit::PeArray, Activity::Busy);
            self.end_cycle();
        }
    }
}
