//! The controller's weight streams: the normalisation of every neuron group before a training
//! attempt (`norm_sum`, `norm_divide`, `norm_scale`, the [`Normalize`] block's work) and the
//! learning passes of a step (`depress`, `potentiate`, the [`Stdp`] block's stream).
//!
//! [`Normalize`]: crate::accel::normalize::Normalize
//! [`Stdp`]: crate::accel::stdp::Stdp

use super::super::weight_port::WeightData;
use super::super::Accelerator;
use crate::config::DIVIDER_CYCLES;
use crate::counters::{Activity, Unit};
use crate::rtl_consts::Phase;

impl Accelerator {
    /// Before each training attempt, per neuron group: sum the chunks of all inputs, divide,
    /// scale and write the chunks back.
    pub(super) fn pass_normalize(&mut self) {
        for a in 0..self.groups {
            let live = self.live(a);
            self.ctl.enter(Phase::NormSum);
            self.normalize.begin_group();
            self.stream_group(a, false, |acc, d| {
                acc.normalize.sum_chunk(&d, live, &mut acc.host.ctr);
            });
            // One sequential divider per lane.
            self.ctl.enter(Phase::NormDivide);
            self.normalize
                .divide(live, &self.consts, &mut self.host.ctr);
            for _ in 0..DIVIDER_CYCLES {
                self.ctl.set(Unit::PeArray, Activity::Busy);
                self.end_cycle();
            }
            self.ctl.enter(Phase::NormScale);
            self.stream_group(a, true, |acc, d| {
                let chunk = acc.weights.layout().chunk(d.tag as usize, a);
                let words = acc
                    .normalize
                    .scale_chunk(d, live, &acc.consts, &mut acc.host.ctr);
                acc.weights.write_chunk(chunk, words);
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
        let (mut requested, mut received) = (0usize, 0usize);
        while received < self.inputs || (drain && !self.weights.quiet()) {
            let now = self.ctl.cycle;
            if let Some(d) = self.weights.tick(now) {
                on_chunk(self, d);
                received += 1;
            }
            if requested < self.inputs && self.weights.can_read() {
                let chunk = self.weights.layout().chunk(requested, a);
                self.weights.read_chunk(chunk, requested as u32);
                requested += 1;
            }
            self.weights.issue(now);
            self.ctl.set(Unit::PeArray, Activity::Busy);
            self.end_cycle();
        }
    }

    /// Step 5: depression at input spikes (mechanism (b) off), then potentiation of the column
    /// of every neuron that fired, one synapse per cycle through the STDP unit.
    pub(super) fn pass_learn(&mut self, inputs: &[u16], t: u32, eta: i64) {
        if !self.params.mechanisms.post_only_stdp
            && self.stdp.begin_depress(inputs, t, &mut self.host.ctr)
        {
            self.ctl.enter(Phase::Depress);
            self.run_stdp_stream();
        }
        let rounding = self.params.rounding;
        if self
            .stdp
            .begin_potentiate(t, eta, rounding, &mut self.host.ctr)
        {
            self.ctl.enter(Phase::Potentiate);
            self.run_stdp_stream();
        }
    }

    /// Clocks the STDP unit's stream until its last write has left the weight port.
    fn run_stdp_stream(&mut self) {
        loop {
            let now = self.ctl.cycle;
            let worked = self.stdp.tick(
                now,
                &mut self.weights,
                &self.consts,
                &mut self.host,
                self.ctl.attempt,
            );
            self.weights.issue(now);
            self.ctl.set(
                Unit::Stdp,
                if worked {
                    Activity::Busy
                } else {
                    Activity::Stalled
                },
            );
            self.end_cycle();
            if self.stdp.stream_done(&self.weights) {
                break;
            }
        }
    }
}
