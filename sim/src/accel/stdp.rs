//! The twin of `fspinn_stdp`: the learning unit. It keeps the bookkeeping of who fired (this
//! step's fired flags and ascending list, the last spike step of every input and neuron), the
//! rounding LFSR (and the theta-decay draws, which it also makes), and the read-modify-write
//! stream that applies weight changes, one synapse accepted per cycle ([`Stdp::tick`]).
//!
//! Stream timing (docs/architecture.md, "STDP pipeline"): the accepted synapse's rounding draw
//! is made in its cycle, so the LFSR sequence is L1's; a zero change costs nothing more; a
//! non-zero one reads the weight word and writes it back modified in the cycle the word
//! arrives. A synapse whose word is still being modified waits (read-after-write interlock).

use super::host::Host;
use super::weight_port::WeightPort;
use crate::counters::{Counters, Op, RegFile, Unit};
use crate::events::WeightWrite;
use crate::layout::WeightLayout;
use fspinn_model::fixed::{input_seed, Lfsr32, Rounding};
use fspinn_model::fspinn::{FspinnConsts, DECAY_STREAM, NEVER, ROUNDING_STREAM};
use std::collections::VecDeque;

/// One synapse waiting in the read-modify-write pipeline.
#[derive(Clone, Copy, Debug)]
struct Rmw {
    input: usize,
    neuron: usize,
    delta: i32,
    chunk: usize,
    word: usize,
    shift: u32,
}

/// Which synapses a stream walks and how each one's change is drawn.
#[derive(Clone, Debug)]
enum Rule {
    /// Mechanism (b) off: the step's input spikes x every neuron that has spiked.
    Depress {
        inputs: Vec<u16>,
        spiked: Vec<usize>,
    },
    /// The fired neurons (ascending) x every input.
    Potentiate { eta: i64, rounding: Rounding },
}

/// The synapse stream of one `depress` or `potentiate` pass.
#[derive(Clone, Debug)]
struct Stream {
    rule: Rule,
    t: u32,
    total: usize,
    next: usize,
    in_flight: VecDeque<Rmw>,
    /// Words being modified: (chunk, word, cycle of the write; `u64::MAX` until the data
    /// arrives).
    busy_words: Vec<(usize, usize, u64)>,
    held: Option<Rmw>,
}

/// The STDP unit's registers and register files.
#[derive(Clone, Debug)]
pub struct Stdp {
    layout: WeightLayout,
    pes: usize,
    inputs: usize,
    /// Last spike step of every input (`pre_time_rf`).
    last_pre: Vec<u32>,
    /// Last spike step of every neuron (`post_time_rf`).
    last_post: Vec<u32>,
    /// Whether each neuron fired in the current step (until the next `integrate` overwrites
    /// it: the inhibitory-layer mode relays the previous step's).
    fired: Vec<bool>,
    /// The neurons that fired in the last step, ascending.
    fired_list: Vec<u32>,
    rounding: Lfsr32,
    decay: Lfsr32,
    stream: Option<Stream>,
}

impl Stdp {
    /// A unit for `inputs` inputs and `n` neurons on `pes` lanes, weights laid out as `layout`.
    pub fn new(layout: WeightLayout, inputs: usize, n: usize, pes: usize) -> Self {
        Stdp {
            layout,
            pes,
            inputs,
            last_pre: vec![NEVER; inputs],
            last_post: vec![NEVER; n],
            fired: vec![false; n],
            fired_list: Vec::new(),
            rounding: Lfsr32::new(1),
            decay: Lfsr32::new(1),
            stream: None,
        }
    }

    /// `reset`: spike times cleared (a row per cycle in the RTL's threshold pass), nobody fired.
    pub fn clear(&mut self, ctr: &mut Counters) {
        self.last_pre.fill(NEVER);
        self.last_post.fill(NEVER);
        ctr.rf_write(RegFile::PreTimes, self.last_pre.len() as u64);
        ctr.rf_write(RegFile::PostTimes, self.last_post.len() as u64);
        self.fired.fill(false);
    }

    /// Before a training attempt: the rounding LFSR from the sample seed.
    pub fn seed_rounding(&mut self, sample_seed: u32, attempt: u32, ctr: &mut Counters) {
        self.rounding = Lfsr32::new(input_seed(sample_seed, ROUNDING_STREAM + attempt));
        ctr.op(Unit::Stdp, Op::Fmix32, 2);
    }

    /// Before `theta_decay`: the decay LFSR from the sample seed.
    pub fn seed_decay(&mut self, sample_seed: u32, attempt: u32, ctr: &mut Counters) {
        self.decay = Lfsr32::new(input_seed(sample_seed, DECAY_STREAM + attempt));
        ctr.op(Unit::Stdp, Op::Fmix32, 2);
    }

    /// `theta_decay`, one neuron read: its 32-bit draw (two 16-bit draws, low half first).
    pub fn decay_draw(&mut self, ctr: &mut Counters) -> u32 {
        let r = self.decay.next16() as u32 | (self.decay.next16() as u32) << 16;
        ctr.op(Unit::Stdp, Op::Lfsr16, 2);
        r
    }

    /// `generate`: the inputs that spiked at step `t` record it.
    pub fn pre_spikes(&mut self, spiked: &[u16], t: u32, ctr: &mut Counters) {
        for &i in spiked {
            self.last_pre[i as usize] = t;
        }
        ctr.rf_write(RegFile::PreTimes, spiked.len() as u64);
    }

    /// Whether neuron `j` fired in the last step that ran `integrate`.
    pub fn fired(&self, j: usize) -> bool {
        self.fired[j]
    }

    /// `integrate`: neuron `j`'s fire test of this step.
    pub fn record_fire(&mut self, j: usize, fire: bool) {
        self.fired[j] = fire;
    }

    /// `integrate` ends: the neurons that fired in this step, ascending.
    pub fn set_fired_list(&mut self, list: Vec<u32>) {
        self.fired_list = list;
    }

    /// The neurons that fired in the last step, ascending.
    pub fn fired_list(&self) -> &[u32] {
        &self.fired_list
    }

    /// Starts `depress` (mechanism (b) off) for the step's input spikes at step `t`; `false`
    /// when there is nothing to depress (no input spike, or no neuron has spiked yet).
    pub fn begin_depress(&mut self, inputs: &[u16], t: u32, ctr: &mut Counters) -> bool {
        let spiked: Vec<usize> = (0..self.last_post.len())
            .filter(|&j| self.last_post[j] != NEVER)
            .collect();
        if spiked.is_empty() || inputs.is_empty() {
            return false;
        }
        let total = inputs.len() * spiked.len();
        ctr.rf_read(RegFile::PostTimes, total as u64);
        self.begin(
            Rule::Depress {
                inputs: inputs.to_vec(),
                spiked,
            },
            t,
            total,
        );
        true
    }

    /// Starts `potentiate` of every fired neuron's column at step `t` with potentiation
    /// factor `eta`; `false` when nobody fired.
    pub fn begin_potentiate(
        &mut self,
        t: u32,
        eta: i64,
        rounding: Rounding,
        ctr: &mut Counters,
    ) -> bool {
        if self.fired_list.is_empty() {
            return false;
        }
        for &j in &self.fired_list {
            self.last_post[j as usize] = t;
        }
        let total = self.fired_list.len() * self.inputs;
        ctr.rf_write(RegFile::PostTimes, self.fired_list.len() as u64);
        ctr.rf_read(RegFile::PreTimes, total as u64);
        self.begin(Rule::Potentiate { eta, rounding }, t, total);
        true
    }

    fn begin(&mut self, rule: Rule, t: u32, total: usize) {
        self.stream = Some(Stream {
            rule,
            t,
            total,
            next: 0,
            in_flight: VecDeque::new(),
            busy_words: Vec::new(),
            held: None,
        });
    }

    /// Synapse `k` of the stream, as (input, neuron).
    fn synapse(&self, s: &Stream, k: usize) -> (usize, usize) {
        match &s.rule {
            Rule::Depress { inputs, spiked } => {
                (inputs[k / spiked.len()] as usize, spiked[k % spiked.len()])
            }
            Rule::Potentiate { .. } => (k % self.inputs, self.fired_list[k / self.inputs] as usize),
        }
    }

    /// The change of synapse (`i`, `j`) at step `t`, with its rounding draw.
    fn delta(&mut self, rule: &Rule, i: usize, j: usize, t: u32, consts: &FspinnConsts) -> i32 {
        match rule {
            Rule::Depress { .. } => {
                let r = self.rounding.next16() as u32;
                -consts.depression(t - self.last_post[j], r)
            }
            Rule::Potentiate { eta, rounding } => {
                let last = self.last_pre[i];
                let age = (last != NEVER).then(|| t - last);
                let r = self.rounding.next16() as u32;
                consts.potentiation(age, *eta, *rounding, r)
            }
        }
    }

    /// One cycle of the stream: the word that arrives is modified and written back; the next
    /// synapse is accepted (its change drawn) unless one is held by a hazard; a held non-zero
    /// change issues its word read when the word is free and the port takes it. Returns whether
    /// the unit worked (else it stalled on memory).
    pub fn tick(
        &mut self,
        now: u64,
        weights: &mut WeightPort,
        consts: &FspinnConsts,
        host: &mut Host,
        attempt: u32,
    ) -> bool {
        let mut s = self.stream.take().expect("an STDP stream is running");
        s.busy_words.retain(|&(_, _, release)| release >= now);
        let mut worked = false;
        if let Some(d) = weights.tick(now) {
            let rmw = s.in_flight.pop_front().expect("STDP read in flight");
            let word = d.words[0];
            let w = self.layout.get(word, rmw.shift);
            let value = consts.apply_delta(w, rmw.delta);
            host.ctr.op(Unit::Stdp, Op::Add16, 1);
            weights.write_word(rmw.chunk, rmw.word, self.layout.set(word, rmw.shift, value));
            if let Some(b) = s
                .busy_words
                .iter_mut()
                .find(|b| b.0 == rmw.chunk && b.1 == rmw.word && b.2 == u64::MAX)
            {
                b.2 = now;
            }
            host.ctr.stdp_updates += 1;
            host.weight_write(WeightWrite {
                attempt,
                t: s.t,
                input: rmw.input as u32,
                neuron: rmw.neuron as u32,
                value,
                cycle: now,
            });
            worked = true;
        }
        if s.held.is_none() && s.next < s.total {
            let (i, j) = self.synapse(&s, s.next);
            s.next += 1;
            let delta = self.delta(&s.rule, i, j, s.t, consts);
            host.ctr.op(Unit::Stdp, Op::Lfsr16, 1);
            host.ctr.op(Unit::Stdp, Op::Mul16x16, 1);
            worked = true;
            if delta != 0 {
                let (word, shift) = self.layout.lane(j % self.pes);
                s.held = Some(Rmw {
                    input: i,
                    neuron: j,
                    delta,
                    chunk: self.layout.chunk(i, j / self.pes),
                    word,
                    shift,
                });
            }
        }
        if let Some(rmw) = s.held {
            let hazard = s
                .busy_words
                .iter()
                .any(|b| b.0 == rmw.chunk && b.1 == rmw.word);
            if !hazard && weights.can_read() {
                weights.read_word(rmw.chunk, rmw.word, 0);
                s.busy_words.push((rmw.chunk, rmw.word, u64::MAX));
                s.in_flight.push_back(rmw);
                s.held = None;
            }
        }
        self.stream = Some(s);
        worked
    }

    /// Whether the stream has accepted every synapse and its last write has left the port
    /// (then it is dropped and the pass ends).
    pub fn stream_done(&mut self, weights: &WeightPort) -> bool {
        let done = self.stream.as_ref().is_none_or(|s| {
            s.next == s.total && s.held.is_none() && s.in_flight.is_empty() && weights.quiet()
        });
        if done {
            self.stream = None;
        }
        done
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::HwConfig;

    fn unit(inputs: usize, n: usize) -> Stdp {
        let cfg = HwConfig::builtin("small").unwrap();
        let pes = cfg.pe_array.pes as usize;
        Stdp::new(WeightLayout::new(&cfg, n, 8, 8).unwrap(), inputs, n, pes)
    }

    #[test]
    fn potentiation_walks_fired_neurons_ascending_times_every_input() {
        let mut s = unit(3, 5);
        let mut ctr = Counters::default();
        s.clear(&mut ctr);
        assert!(!s.begin_potentiate(4, 1, Rounding::Stochastic, &mut ctr));
        s.set_fired_list(vec![1, 4]);
        assert!(s.begin_potentiate(4, 1, Rounding::Stochastic, &mut ctr));
        let st = s.stream.clone().unwrap();
        let order: Vec<_> = (0..st.total).map(|k| s.synapse(&st, k)).collect();
        assert_eq!(order, [(0, 1), (1, 1), (2, 1), (0, 4), (1, 4), (2, 4)]);
        assert_eq!(
            (s.last_post[1], s.last_post[4], s.last_post[0]),
            (4, 4, NEVER)
        );
        assert_eq!(ctr.regfiles[RegFile::PreTimes as usize].reads, 6);
    }

    #[test]
    fn depression_walks_input_spikes_times_neurons_that_have_spiked() {
        let mut s = unit(4, 3);
        let mut ctr = Counters::default();
        s.clear(&mut ctr);
        assert!(!s.begin_depress(&[0, 2], 5, &mut ctr), "nobody has spiked");
        s.last_post[0] = 1;
        s.last_post[2] = 3;
        assert!(!s.begin_depress(&[], 5, &mut ctr), "no input spike");
        assert!(s.begin_depress(&[1, 3], 5, &mut ctr));
        let st = s.stream.clone().unwrap();
        let order: Vec<_> = (0..st.total).map(|k| s.synapse(&st, k)).collect();
        assert_eq!(order, [(1, 0), (1, 2), (3, 0), (3, 2)]);
    }
}
