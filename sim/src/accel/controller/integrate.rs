//! The controller's `integrate` pass (docs/architecture.md, "`integrate`, per group"): per
//! neuron group, read the state, request one weight chunk per input spike of the step, hand
//! the state and the chunks to the PE lanes as they arrive, and in the group's last cycle let
//! the lanes fire and write the group back. The arithmetic is the lanes' ([`Pe`](crate::accel::pe::Pe)); the fired
//! bookkeeping is the STDP unit's.

use super::super::weight_port::WeightData;
use super::super::Accelerator;
use crate::counters::{Activity, Op, RegFile, Unit};
use crate::events::SpikeEvent;
use crate::rtl_consts::Phase;
use std::collections::VecDeque;

impl Accelerator {
    /// `integrate` for the step's input spikes `inputs` (ascending channels); returns the
    /// number of neurons that fired.
    pub(super) fn pass_integrate(&mut self, inputs: &[u16], train: bool) -> u32 {
        self.ctl.enter(Phase::Integrate);
        let nlat = self.cfg.neuron_sram.read_latency as u64;
        let wlat = self.cfg.weight_sram.read_latency as u64;
        // Weight reads start late enough that on-chip data never arrives before the state.
        let delay = nlat.saturating_sub(wlat);
        let relay = (self.ctl.inhibition, self.ctl.relay_pending);
        let mut fired_list = Vec::new();
        // The chunks that arrived before the state (off chip), in order.
        let mut pending: VecDeque<WeightData> = VecDeque::new();
        let s = inputs.len();
        for a in 0..self.groups {
            let live = self.live(a);
            let s0 = self.ctl.cycle;
            let mut requested = 0usize;
            let mut applied = 0usize;
            let mut arrived = false;
            self.host.ctr.rf_read(RegFile::SpikeBuffer, 1);
            loop {
                let now = self.ctl.cycle;
                let k = now - s0;
                let mut worked = false;
                if k == nlat {
                    for (p, pe) in self.lanes.iter_mut().enumerate().take(live) {
                        let (_, w) = self.neuron_banks[p].tick(now).expect("state on time");
                        pe.load(self.word_fmt.unpack(w), &self.consts, &mut self.host.ctr);
                    }
                    arrived = true;
                    worked = true;
                }
                if let Some(d) = self.weights.tick(now) {
                    pending.push_back(d);
                }
                if arrived {
                    if let Some(d) = pending.pop_front() {
                        let layout = self.weights.layout();
                        for (p, pe) in self.lanes.iter_mut().enumerate().take(live) {
                            let (q, shift) = layout.lane(p);
                            let w = layout.get(d.words[q], shift);
                            pe.accumulate(w, &self.consts, &mut self.host.ctr);
                        }
                        applied += 1;
                        worked = true;
                    }
                }
                let done = arrived && applied == s;
                if done {
                    self.fire_group(a, live, relay, train, &mut fired_list);
                    self.host.ctr.rf_write(RegFile::SpikeBuffer, 1);
                    self.host.ctr.op(Unit::PeArray, Op::Popcount, 1);
                }
                if k == 0 {
                    for p in 0..live {
                        self.neuron_banks[p].read(now, a as u32, a as u32);
                    }
                }
                if k >= delay && requested < s && self.weights.can_read() {
                    let chunk = self.weights.layout().chunk(inputs[requested] as usize, a);
                    self.weights.read_chunk(chunk, requested as u32);
                    self.host.ctr.rf_read(RegFile::InputSpikeFifo, 1);
                    requested += 1;
                }
                self.weights.issue(now);
                self.ctl.set(
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
        let fired = fired_list.len() as u32;
        self.stdp.set_fired_list(fired_list);
        fired
    }

    /// The last cycle of group `a`: every live lane relays inhibition, tests and fires, and
    /// writes its neuron back; the firing ones join `fired_list` and the output ports.
    fn fire_group(
        &mut self,
        a: usize,
        live: usize,
        relay: (i32, u32),
        train: bool,
        fired_list: &mut Vec<u32>,
    ) {
        let now = self.ctl.cycle;
        for (p, pe) in self.lanes.iter_mut().enumerate().take(live) {
            let j = a * self.pes + p;
            let fire = pe.fire(
                relay,
                self.stdp.fired(j),
                train,
                &self.consts,
                &mut self.host.ctr,
            );
            self.stdp.record_fire(j, fire);
            if fire {
                fired_list.push(j as u32);
                self.host.spike(
                    SpikeEvent {
                        attempt: self.ctl.attempt,
                        t: self.ctl.timestep,
                        neuron: j as u32,
                        cycle: now,
                    },
                    a as u32,
                    p,
                );
            }
            let word = self.word_fmt.pack(pe.state());
            self.neuron_banks[p].write(a as u32, word);
        }
    }
}
