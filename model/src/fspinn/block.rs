//! The per-neuron half of a presentation step for one block of neurons: steps 2 and 3's test
//! (integrate, fire?), step 3's reset and threshold bump with step 4 (inhibition), and step 6
//! (count down). Every one of them reads and writes only the block's own neurons, given the
//! number of spikes the whole layer fired, so a layer is one block on one thread, or one block
//! per thread when training splits a step (split.rs), with the same result bit for bit.

use super::present::FspinnArithmetic;

/// The block's threshold offsets: read at inference, bumped at a spike in training.
pub(crate) enum Theta<'w, P> {
    Frozen(&'w [P]),
    Learning(&'w mut [P]),
}

impl<P> Theta<'_, P> {
    fn get(&self) -> &[P] {
        match self {
            Theta::Frozen(th) => th,
            Theta::Learning(th) => th,
        }
    }
}

/// Per-neuron state of the neurons `lo..lo + v.len()` during one attempt.
pub(crate) struct Block<'w, P> {
    pub lo: usize,
    pub v: &'w mut [P],
    pub refractory: &'w mut [u8],
    pub counts: &'w mut [u32],
    pub sums: &'w mut [P],
    pub fired_last: &'w mut [u8],
    pub last_post: &'w mut [u32],
    pub theta: Theta<'w, P>,
    /// This step's spikes of the block: neuron numbers of the layer, ascending.
    pub fired: Vec<u32>,
}

impl<P: Copy + Default> Block<'_, P> {
    /// Steps 2 and 3's test: leak and synaptic input of this step's `inputs`, the inhibition
    /// relayed from the previous step (`relay`: the inhibition and that step's spike count, (a)
    /// off), then which neurons fire, into `self.fired`.
    pub fn integrate<A: FspinnArithmetic<Potential = P>>(
        &mut self,
        a: &A,
        inputs: &[u16],
        weights: &[A::Weight],
        n: usize,
        relay: Option<(P, u32)>,
    ) {
        self.fired.clear();
        let theta = self.theta.get();
        match relay {
            None => a.integrate_and_test(
                self.v,
                self.refractory,
                theta,
                self.sums,
                inputs,
                weights,
                n,
                self.lo,
                &mut self.fired,
            ),
            Some((inhibition, k_prev)) => {
                a.integrate_step(
                    self.v,
                    self.refractory,
                    self.sums,
                    inputs,
                    weights,
                    n,
                    self.lo,
                );
                for (v, &own) in self.v.iter_mut().zip(self.fired_last.iter()) {
                    *v = a.relay_inhibition(*v, inhibition, k_prev, own != 0);
                }
                super::present::find_firing(
                    a,
                    self.v,
                    self.refractory,
                    theta,
                    self.lo,
                    &mut self.fired,
                );
            }
        }
    }

    /// Step 3's reset, count and threshold bump of the block's spikes, then step 4 after the
    /// layer fired `k` spikes: with (a) on, every free neuron of the block loses `inhibition`
    /// per spike; with (a) off, the block records its spikes for the relay of the next step.
    pub fn settle<A: FspinnArithmetic<Potential = P>>(
        &mut self,
        a: &A,
        k: u32,
        inhibition: P,
        direct_inhibition: bool,
    ) {
        let zero = P::default();
        let lo = self.lo;
        for &j in &self.fired {
            let j = j as usize - lo;
            self.v[j] = zero;
            self.refractory[j] = a.refractory_start();
            self.counts[j] += 1;
        }
        if let Theta::Learning(theta) = &mut self.theta {
            for &j in &self.fired {
                let th = &mut theta[j as usize - lo];
                *th = a.bump_theta(*th);
            }
        }
        if k == 0 {
            return;
        }
        if direct_inhibition {
            // Neurons held at reset (refractory, which includes those that just fired) are not
            // inhibited; a neuron that fired with no refractory period is reset after.
            for (v, &r) in self.v.iter_mut().zip(self.refractory.iter()) {
                if r == 0 {
                    *v = a.inhibit(*v, inhibition, k);
                }
            }
            for &j in &self.fired {
                self.v[j as usize - lo] = zero;
            }
        } else {
            self.fired_last.fill(0);
            for &j in &self.fired {
                self.fired_last[j as usize - lo] = 1;
            }
        }
    }

    /// Step 6 at the end of step `t`: spike times of the block's spikes, refractory count-down.
    pub fn count_down(&mut self, t: u32) {
        for &j in &self.fired {
            self.last_post[j as usize - self.lo] = t;
        }
        for r in self.refractory.iter_mut() {
            *r = r.saturating_sub(1);
        }
    }
}
