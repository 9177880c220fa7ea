//! What changes during a presentation: nothing at inference, thresholds and weights in training.
//!
//! The simulation loop is written once, generic over [`Synapses`]; the frozen implementation
//! compiles its learning hooks away, the plastic one applies the authors' triplet STDP
//! event by event (work only at spikes, traces read from decay tables).

use super::decay::DecayTable;
use crate::params::BaselineParams;

/// Marks a trace that has not been set in this presentation.
const NEVER: u32 = u32::MAX;

/// The synapse and threshold side of a presentation.
pub(crate) trait Synapses: Sync {
    /// Whether this presentation learns (training) rather than only infers.
    fn learning(&self) -> bool;
    /// Weights from input `i` to every neuron.
    fn row(&self, i: usize) -> &[f32];
    /// Adaptive threshold of every neuron.
    fn theta(&self) -> &[f32];
    /// Called once before the first step of an attempt.
    fn begin(&mut self);
    /// Input `i` spiked at step `t` (after synaptic propagation).
    fn on_input_spike(&mut self, i: usize, t: u32);
    /// Excitatory neuron `j` spiked at step `t` (after all input spikes of the step).
    fn on_exc_spike(&mut self, j: usize, t: u32);
}

/// Inference: weights and thresholds are read only.
pub(crate) struct Frozen<'a> {
    pub weights: &'a [f32],
    pub theta: &'a [f32],
    pub n: usize,
}

impl Synapses for Frozen<'_> {
    fn learning(&self) -> bool {
        false
    }
    #[inline]
    fn row(&self, i: usize) -> &[f32] {
        &self.weights[i * self.n..(i + 1) * self.n]
    }
    fn theta(&self) -> &[f32] {
        self.theta
    }
    fn begin(&mut self) {}
    #[inline]
    fn on_input_spike(&mut self, _i: usize, _t: u32) {}
    #[inline]
    fn on_exc_spike(&mut self, _j: usize, _t: u32) {}
}

/// Constants of the learning rule, derived once from the parameters.
#[derive(Clone, Debug)]
pub(crate) struct LearningRule {
    pre: DecayTable,
    post1: DecayTable,
    post2: DecayTable,
    nu_pre: f32,
    nu_post: f32,
    w_max: f32,
    theta_plus: f32,
}

impl LearningRule {
    pub fn new(p: &BaselineParams) -> Self {
        let dt = p.timing.dt_ms;
        LearningRule {
            pre: DecayTable::new(dt, p.syn.tau_pre_ms),
            post1: DecayTable::new(dt, p.syn.tau_post1_ms),
            post2: DecayTable::new(dt, p.syn.tau_post2_ms),
            nu_pre: p.syn.nu_pre,
            nu_post: p.syn.nu_post,
            w_max: p.syn.w_max,
            theta_plus: p.exc.theta_plus,
        }
    }
}

/// Last spike step of every input and neuron, and which of them spiked at all in this attempt:
/// a trace that was never set is zero, so only the listed ones can change a weight.
#[derive(Clone, Debug, Default)]
pub(crate) struct Traces {
    last_pre: Vec<u32>,
    pre_active: Vec<u32>,
    last_post: Vec<u32>,
    post_active: Vec<u32>,
}

/// Training: thresholds adapt and STDP changes weights, as the authors coded it.
pub(crate) struct Plastic<'a> {
    pub weights: &'a mut [f32],
    pub theta: &'a mut [f32],
    pub n: usize,
    pub traces: &'a mut Traces,
    pub rule: &'a LearningRule,
    /// Weight updates applied (one per synapse touched), for the operation counts.
    pub updates: u64,
}

impl Synapses for Plastic<'_> {
    fn learning(&self) -> bool {
        true
    }
    #[inline]
    fn row(&self, i: usize) -> &[f32] {
        &self.weights[i * self.n..(i + 1) * self.n]
    }
    fn theta(&self) -> &[f32] {
        self.theta
    }

    fn begin(&mut self) {
        let n_inputs = self.weights.len() / self.n;
        let tr = &mut *self.traces;
        tr.last_pre.clear();
        tr.last_pre.resize(n_inputs, NEVER);
        tr.last_post.clear();
        tr.last_post.resize(self.n, NEVER);
        tr.pre_active.clear();
        tr.post_active.clear();
    }

    /// `pre = 1; w -= nu_pre * post1`, clipped at 0.
    fn on_input_spike(&mut self, i: usize, t: u32) {
        let tr = &mut *self.traces;
        if tr.last_pre[i] == NEVER {
            tr.pre_active.push(i as u32);
        }
        tr.last_pre[i] = t;
        let row = &mut self.weights[i * self.n..(i + 1) * self.n];
        for &j in &tr.post_active {
            let j = j as usize;
            let post1 = self.rule.post1.after(t - tr.last_post[j]);
            row[j] = (row[j] - self.rule.nu_pre * post1).clamp(0.0, self.rule.w_max);
        }
        self.updates += tr.post_active.len() as u64;
    }

    /// `theta += theta_plus; w += nu_post * pre * post2(before); post1 = post2 = 1`, clipped at w_max.
    fn on_exc_spike(&mut self, j: usize, t: u32) {
        self.theta[j] += self.rule.theta_plus;
        let tr = &mut *self.traces;
        if tr.last_post[j] == NEVER {
            tr.post_active.push(j as u32);
        } else {
            let post2_before = self.rule.post2.after(t - tr.last_post[j]);
            let scale = self.rule.nu_post * post2_before;
            for &i in &tr.pre_active {
                let i = i as usize;
                let pre = self.rule.pre.after(t - tr.last_pre[i]);
                let w = &mut self.weights[i * self.n + j];
                *w = (*w + scale * pre).clamp(0.0, self.rule.w_max);
            }
            self.updates += tr.pre_active.len() as u64;
        }
        tr.last_post[j] = t;
    }
}
