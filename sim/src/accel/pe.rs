//! The twin of `fspinn_pe`: one PE lane's neuron arithmetic, per cycle. The RTL instantiates
//! one `fspinn_pe` per lane in a generate loop; the cycle model holds one [`Pe`] per lane
//! (`Accelerator` has `pes` of them) and the controller calls the lane's method for the work
//! of the cycle. Every method calls L1's operation (`FspinnConsts::leak`, `integrate`, `fires`,
//! ...) and counts it, so the lane cannot compute differently from L1.
//!
//! The lane's state register holds the neuron it works on during `integrate` (from the cycle
//! its word arrives to the cycle it is written back); the other passes stream a word through
//! the lane in one cycle and use the stateless operations.

use crate::counters::{Counters, Op, Unit};
use crate::layout::NeuronState;
use fspinn_model::fspinn::FspinnConsts;

/// One PE lane: the state register of the neuron it integrates.
#[derive(Clone, Debug, Default)]
pub struct Pe {
    state: NeuronState,
}

impl Pe {
    /// `integrate`, the cycle the neuron's word arrives: the refractory count-down of the
    /// previous step's end (L1 counts down at the end of a step, the hardware on the next read,
    /// which no operation in between can tell apart), then the leak of a free neuron.
    pub fn load(&mut self, mut st: NeuronState, consts: &FspinnConsts, ctr: &mut Counters) {
        st.refractory = st.refractory.saturating_sub(1);
        if st.refractory == 0 {
            st.v = consts.leak(st.v);
            ctr.op(Unit::PeArray, Op::Shift16, 1);
            ctr.op(Unit::PeArray, Op::Sub16, 1);
        }
        self.state = st;
    }

    /// `integrate`, one weight chunk: the lane's weight code `w` joins the membrane of a free
    /// neuron (one synaptic operation either way: the lane was offered the spike).
    pub fn accumulate(&mut self, w: u16, consts: &FspinnConsts, ctr: &mut Counters) {
        ctr.synaptic_ops += 1;
        if self.state.refractory == 0 {
            self.state.v = consts.integrate(self.state.v, w);
            ctr.op(Unit::PeArray, Op::Add16, 1);
        }
    }

    /// `integrate`, the group's last cycle: the inhibition relayed from the previous step
    /// (`relay` neurons fired then; mechanism (a) off, else 0), the fire test, and for a firing
    /// neuron the reset, the refractory start, the spike count and (training) the threshold
    /// bump. `fired_before`: whether this neuron was among the relayed ones. Returns whether it
    /// fires; [`Pe::state`] is then the word to write back.
    pub fn fire(
        &mut self,
        relay: (i32, u32),
        fired_before: bool,
        train: bool,
        consts: &FspinnConsts,
        ctr: &mut Counters,
    ) -> bool {
        let st = &mut self.state;
        let (inhibition, relayed) = relay;
        if relayed > 0 {
            st.v = consts.relay_inhibition(st.v, inhibition, relayed, fired_before);
            ctr.op(Unit::PeArray, Op::Sub16, 1);
        }
        ctr.op(Unit::PeArray, Op::Cmp16, 1);
        let fire = consts.fires(st.v, st.refractory, st.theta);
        if fire {
            st.v = 0;
            st.refractory = consts.refractory_start();
            st.count += 1;
            if train {
                st.theta = consts.bump_theta(st.theta);
                ctr.op(Unit::PeArray, Op::Add16, 1);
            }
        }
        fire
    }

    /// The state register (the word `integrate` writes back).
    pub fn state(&self) -> &NeuronState {
        &self.state
    }

    /// `inhibit`: a free neuron's membrane drops by `inhibition * fired` (the product is the
    /// controller's, once per pass); a refractory neuron is left alone (`None`: no write).
    pub fn inhibit(
        st: NeuronState,
        inhibition: i32,
        fired: u32,
        consts: &FspinnConsts,
        ctr: &mut Counters,
    ) -> Option<NeuronState> {
        (st.refractory == 0).then(|| {
            ctr.op(Unit::PeArray, Op::Sub16, 1);
            NeuronState {
                v: consts.inhibit(st.v, inhibition, fired),
                ..st
            }
        })
    }

    /// `inhibitory_layer` (baseline-equivalent mode): the inhibitory partner of an excitatory
    /// neuron records whether it fired; the word it stores.
    pub fn inhibitory_neuron(fired: bool, ctr: &mut Counters) -> u64 {
        ctr.op(Unit::PeArray, Op::Cmp16, 1);
        fired as u64
    }

    /// `theta_decay`: the threshold offset decays by `theta >> shift`, stochastically rounded
    /// with the 32-bit draw `r`.
    pub fn decay_theta(
        st: NeuronState,
        shift: u32,
        r: u32,
        consts: &FspinnConsts,
        ctr: &mut Counters,
    ) -> NeuronState {
        ctr.op(Unit::PeArray, Op::Sub16, 1);
        NeuronState {
            theta: consts.decay_theta(st.theta, shift, r),
            ..st
        }
    }

    /// `norm_scale`: the lane's weight code scaled by its neuron's normalisation factor.
    pub fn normalize_weight(w: u16, factor: i64, consts: &FspinnConsts, ctr: &mut Counters) -> u16 {
        ctr.op(Unit::PeArray, Op::Mul32x32, 1);
        consts.normalize_weight(w, factor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fspinn_model::fspinn::FspinnParams;

    fn consts() -> FspinnConsts {
        FspinnConsts::new(&FspinnParams::default()).unwrap()
    }

    #[test]
    fn a_free_lane_leaks_integrates_and_fires_once_over_threshold() {
        let c = consts();
        let mut ctr = Counters::default();
        let mut pe = Pe::default();
        let v0 = c.v_thresh - 10;
        pe.load(
            NeuronState {
                v: v0,
                theta: 0,
                refractory: 1,
                count: 2,
            },
            &c,
            &mut ctr,
        );
        // Refractory 1 counts down to 0 on the read: the neuron is free and leaks.
        assert_eq!(pe.state().refractory, 0);
        assert_eq!(pe.state().v, c.leak(v0));
        let mut v = c.leak(v0);
        while !c.fires(v, 0, 0) {
            pe.accumulate(c.w_max as u16, &c, &mut ctr);
            v = c.integrate(v, c.w_max as u16);
            assert_eq!(pe.state().v, v);
        }
        let adds = ctr.op_count(Unit::PeArray, Op::Add16);
        assert_eq!(ctr.synaptic_ops, adds);
        assert!(pe.fire((0, 0), false, true, &c, &mut ctr));
        let st = *pe.state();
        assert_eq!(
            (st.v, st.refractory, st.count),
            (0, c.refractory_start(), 3)
        );
        assert_eq!(st.theta, c.bump_theta(0));
        assert_eq!(ctr.op_count(Unit::PeArray, Op::Cmp16), 1);
    }

    #[test]
    fn a_refractory_lane_neither_leaks_nor_integrates_nor_fires() {
        let c = consts();
        let mut ctr = Counters::default();
        let mut pe = Pe::default();
        let st = NeuronState {
            v: c.v_thresh + 100,
            theta: 7,
            refractory: 3,
            count: 1,
        };
        pe.load(st, &c, &mut ctr);
        pe.accumulate(5, &c, &mut ctr);
        assert_eq!(ctr.synaptic_ops, 1, "the lane was offered the spike");
        assert_eq!(ctr.op_count(Unit::PeArray, Op::Add16), 0);
        assert!(!pe.fire((0, 0), false, true, &c, &mut ctr));
        assert_eq!(
            *pe.state(),
            NeuronState {
                refractory: 2,
                ..st
            }
        );
        assert_eq!(Pe::inhibit(st, 3, 2, &c, &mut ctr), None);
        let free = NeuronState {
            refractory: 0,
            ..st
        };
        assert_eq!(
            Pe::inhibit(free, 3, 2, &c, &mut ctr).map(|s| s.v),
            Some(c.inhibit(free.v, 3, 2))
        );
        assert_eq!(ctr.op_count(Unit::PeArray, Op::Sub16), 1);
    }
}
