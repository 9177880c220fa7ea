//! The twin of `fspinn_normalize`: before each training attempt every neuron's weight column is
//! scaled to the target sum, one neuron group at a time, in three passes the controller
//! sequences (`norm_sum`, `norm_divide`, `norm_scale`). This block holds the per-lane column
//! sums and quotients; the controller streams the group's chunks through it, one chunk per
//! arrival, and the scaling itself is the PE lane's arithmetic ([`Pe::normalize_weight`]).

use super::pe::Pe;
use super::weight_port::WeightData;
use crate::counters::{Counters, Op, Unit};
use crate::layout::WeightLayout;
use fspinn_model::fspinn::FspinnConsts;

/// Per PE lane: the column sum of the group being normalised and its quotient.
#[derive(Clone, Debug)]
pub struct Normalize {
    layout: WeightLayout,
    sums: Vec<i64>,
    factors: Vec<i64>,
}

impl Normalize {
    /// A block for `pes` lanes of weights stored as `layout` says.
    pub fn new(layout: WeightLayout, pes: usize) -> Self {
        Normalize {
            layout,
            sums: vec![0; pes],
            factors: vec![0; pes],
        }
    }

    /// `norm_sum` starts on a group: the sums are cleared.
    pub fn begin_group(&mut self) {
        self.sums.fill(0);
    }

    /// `norm_sum`, a chunk arrives: each of the `live` lanes adds its weight code.
    pub fn sum_chunk(&mut self, d: &WeightData, live: usize, ctr: &mut Counters) {
        for (p, s) in self.sums.iter_mut().enumerate().take(live) {
            let (q, shift) = self.layout.lane(p);
            *s += self.layout.get(d.words[q], shift) as i64;
            ctr.op(Unit::PeArray, Op::Add32, 1);
        }
    }

    /// `norm_divide`: one sequential divider per lane turns its sum into a factor (the
    /// controller spends the divider's [`crate::config::DIVIDER_CYCLES`] cycles).
    pub fn divide(&mut self, live: usize, consts: &FspinnConsts, ctr: &mut Counters) {
        for (f, &s) in self.factors.iter_mut().zip(&self.sums).take(live) {
            *f = consts.norm_factor(s);
            ctr.op(Unit::PeArray, Op::Div40, 1);
        }
    }

    /// `norm_scale`, a chunk arrives: the words to write back, each `live` lane's weight
    /// scaled by its factor.
    pub fn scale_chunk(
        &self,
        d: WeightData,
        live: usize,
        consts: &FspinnConsts,
        ctr: &mut Counters,
    ) -> Vec<u64> {
        let mut words = d.words;
        for (p, &f) in self.factors.iter().enumerate().take(live) {
            let (q, shift) = self.layout.lane(p);
            let w = Pe::normalize_weight(self.layout.get(words[q], shift), f, consts, ctr);
            words[q] = self.layout.set(words[q], shift, w);
        }
        words
    }
}
