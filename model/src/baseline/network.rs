//! The baseline network's learned state (weights, thresholds) and the presentation of an image.
//!
//! Order inside one step of `dt` (docs/baseline.md): 1 integrate every neuron (Euler, as Brian
//! does for these nonlinear equations) and decay conductances; 2 fire, count down refractory
//! counters and reset, excitatory then inhibitory neurons; 3 propagate input, E->I and I->E spikes into conductances; 4 learn: the pre
//! rule for every input spike, then the post rule for every excitatory spike.

use super::neurons::{
    fire_excitatory, fire_inhibitory, integrate_excitatory, integrate_inhibitory, ExcStep, InhStep,
};
use super::plasticity::{Frozen, LearningRule, Plastic, Synapses, Traces};
use super::state::Workspace;
use crate::error::ModelError;
use crate::params::BaselineParams;
use crate::presentation::repeat_while_quiet;
use crate::rng::Rng;
use rayon::prelude::*;

/// Per-step constants derived from the parameters.
#[derive(Clone, Debug)]
struct StepConstants {
    steps: u32,
    k_e: f32,
    ge_e_keep: f32,
    gi_e_keep: f32,
    thresh_base_e: f32,
    clamp_e: f32,
    lock_e: f32,
    k_i: f32,
    ge_i_keep: f32,
    clamp_i: f32,
    theta_keep_per_attempt: f32,
}

impl StepConstants {
    fn new(p: &BaselineParams) -> Self {
        let t = &p.timing;
        let dt = t.dt_ms;
        let attempt_ms = t.presentation_ms as f64 + t.rest_ms as f64;
        StepConstants {
            steps: t.presentation_steps(),
            k_e: dt / p.exc.tau_m_ms,
            ge_e_keep: 1.0 - dt / p.exc.tau_ge_ms,
            gi_e_keep: 1.0 - dt / p.exc.tau_gi_ms,
            thresh_base_e: p.exc.v_thresh - p.exc.theta_offset,
            clamp_e: t.steps_for(p.exc.refractory_ms) as f32,
            lock_e: t.steps_for(p.exc.fire_lockout_ms) as f32,
            k_i: dt / p.inh.tau_m_ms,
            ge_i_keep: 1.0 - dt / p.inh.tau_ge_ms,
            clamp_i: t.steps_for(p.inh.refractory_ms) as f32,
            theta_keep_per_attempt: (-attempt_ms / p.exc.tau_theta_ms as f64).exp() as f32,
        }
    }
}

/// What one image presentation did, summed over its attempts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PresentationStats {
    /// Attempts made (1 unless the network stayed too quiet and the intensity was raised).
    pub attempts: u32,
    pub input_spikes: u64,
    pub exc_spikes: u64,
    pub inh_spikes: u64,
    /// Neuron state updates (excitatory and inhibitory, every step).
    pub neuron_updates: u64,
    /// Synaptic accumulations (input spike x neurons).
    pub synaptic_ops: u64,
    /// STDP weight updates.
    pub weight_updates: u64,
    /// Weights rescaled by the per-image normalisation.
    #[serde(default)]
    pub normalization_ops: u64,
    /// Random draws of the input spike generator (fixed-point datapath only).
    #[serde(default)]
    pub lfsr_draws: u64,
}

impl PresentationStats {
    /// Adds another presentation's figures to these.
    pub fn accumulate(&mut self, o: &PresentationStats) {
        self.attempts += o.attempts;
        self.input_spikes += o.input_spikes;
        self.exc_spikes += o.exc_spikes;
        self.inh_spikes += o.inh_spikes;
        self.neuron_updates += o.neuron_updates;
        self.synaptic_ops += o.synaptic_ops;
        self.weight_updates += o.weight_updates;
        self.normalization_ops += o.normalization_ops;
        self.lfsr_draws += o.lfsr_draws;
    }
}

/// Weights (input-major: `w[i * n + j]` from input i to neuron j) and adaptive thresholds.
#[derive(Clone, Debug)]
pub struct BaselineNetwork {
    params: BaselineParams,
    n_inputs: usize,
    n_neurons: usize,
    weights: Vec<f32>,
    theta: Vec<f32>,
    consts: StepConstants,
    rule: LearningRule,
    traces: Traces,
}

impl BaselineNetwork {
    /// A fresh network with the authors' random initial weights drawn from `rng`.
    pub fn new(
        params: BaselineParams,
        n_inputs: usize,
        n_neurons: usize,
        rng: &mut Rng,
    ) -> Result<Self, ModelError> {
        crate::limits::check_shape(n_inputs, n_neurons)?;
        let s = &params.syn;
        let weights = (0..n_inputs * n_neurons)
            .map(|_| s.init_scale * (rng.uniform() as f32 + s.init_offset))
            .collect();
        let theta = vec![params.exc.theta_init; n_neurons];
        Self::from_parts(params, n_inputs, n_neurons, weights, theta)
    }

    /// Rebuilds a network from stored state, checking that the parts fit together.
    pub fn from_parts(
        params: BaselineParams,
        n_inputs: usize,
        n_neurons: usize,
        weights: Vec<f32>,
        theta: Vec<f32>,
    ) -> Result<Self, ModelError> {
        crate::validate::baseline(&params, n_inputs, n_neurons)?;
        crate::validate::state_shape(weights.len(), theta.len(), n_inputs, n_neurons)?;
        let consts = StepConstants::new(&params);
        let rule = LearningRule::new(&params);
        Ok(BaselineNetwork {
            params,
            n_inputs,
            n_neurons,
            weights,
            theta,
            consts,
            rule,
            traces: Traces::default(),
        })
    }

    pub fn params(&self) -> &BaselineParams {
        &self.params
    }
    pub fn n_inputs(&self) -> usize {
        self.n_inputs
    }
    pub fn n_neurons(&self) -> usize {
        self.n_neurons
    }
    pub fn weights(&self) -> &[f32] {
        &self.weights
    }
    pub fn theta(&self) -> &[f32] {
        &self.theta
    }

    /// A workspace sized for this network.
    pub fn workspace(&self) -> Workspace {
        Workspace::new(self.n_neurons)
    }

    /// Scales each neuron's incoming weights to sum to `norm_total`, as before every training image.
    pub fn normalize(&mut self) {
        let n = self.n_neurons;
        let mut sums = vec![0.0f32; n];
        for row in self.weights.chunks_exact(n) {
            for (s, w) in sums.iter_mut().zip(row) {
                *s += w;
            }
        }
        let total = self.params.syn.norm_total;
        let factors: Vec<f32> = sums
            .iter()
            .map(|&s| if s > 0.0 { total / s } else { 1.0 })
            .collect();
        for row in self.weights.chunks_exact_mut(n) {
            for (w, f) in row.iter_mut().zip(&factors) {
                *w *= f;
            }
        }
    }

    /// Trains on one image: normalise, present with STDP, repeat louder while too quiet.
    /// The spike counts of the last attempt are left in `ws.counts()`.
    pub fn train_image(
        &mut self,
        ws: &mut Workspace,
        image: &[u8],
        rng: &mut Rng,
    ) -> PresentationStats {
        let timing = self.params.timing.clone();
        repeat_while_quiet(timing.max_attempts, timing.min_spikes, |attempt| {
            self.normalize();
            let mut syn = Plastic {
                weights: &mut self.weights,
                theta: &mut self.theta,
                n: self.n_neurons,
                traces: &mut self.traces,
                rule: &self.rule,
                updates: 0,
            };
            let intensity = timing.start_intensity + attempt;
            let mut stats = run_attempt(
                &self.params,
                &self.consts,
                &mut syn,
                ws,
                image,
                intensity,
                rng,
            );
            stats.weight_updates = syn.updates;
            stats.normalization_ops = self.weights.len() as u64;
            let keep = self.consts.theta_keep_per_attempt;
            self.theta.iter_mut().for_each(|t| *t *= keep);
            stats
        })
    }

    /// Shows one image without learning; spike counts are left in `ws.counts()`.
    pub fn infer_image(
        &self,
        ws: &mut Workspace,
        image: &[u8],
        rng: &mut Rng,
    ) -> PresentationStats {
        let timing = &self.params.timing;
        let mut syn = Frozen {
            weights: &self.weights,
            theta: &self.theta,
            n: self.n_neurons,
        };
        repeat_while_quiet(timing.max_attempts, timing.min_spikes, |attempt| {
            let intensity = timing.start_intensity + attempt;
            run_attempt(
                &self.params,
                &self.consts,
                &mut syn,
                ws,
                image,
                intensity,
                rng,
            )
        })
    }
}

/// One attempt: the image at one intensity for `presentation_ms`, then the rest (a state reset).
fn run_attempt<S: Synapses>(
    p: &BaselineParams,
    c: &StepConstants,
    syn: &mut S,
    ws: &mut Workspace,
    image: &[u8],
    intensity: u32,
    rng: &mut Rng,
) -> PresentationStats {
    let n = syn.theta().len();
    ws.reset(p.exc.v_rest, p.inh.v_rest, n);
    syn.begin();
    let rate = p.timing.rate_per_pixel_hz as f64 * intensity as f64;
    ws.schedule
        .fill(image, rate, p.timing.dt_ms as f64, c.steps, rng);
    let mut stats = PresentationStats {
        attempts: 1,
        input_spikes: ws.schedule.total() as u64,
        neuron_updates: 2 * n as u64 * c.steps as u64,
        synaptic_ops: ws.schedule.total() as u64 * n as u64,
        ..Default::default()
    };
    let (e, i) = (&p.exc, &p.inh);
    let exc_step = ExcStep {
        k: c.k_e,
        v_rest: e.v_rest,
        e_exc: e.e_exc,
        e_inh: e.e_inh,
        ge_keep: c.ge_e_keep,
        gi_keep: c.gi_e_keep,
        thresh_base: c.thresh_base_e,
    };
    let inh_step = InhStep {
        k: c.k_i,
        v_rest: i.v_rest,
        e_exc: i.e_exc,
        e_inh: i.e_inh,
        ge_keep: c.ge_i_keep,
        v_thresh: i.v_thresh,
    };
    // Training can split the excitatory layer's integration and input propagation across
    // threads for large layers (each neuron's arithmetic is unchanged, so results are
    // bit-identical), but only under `SplitPolicy::Always` (tests, benchmarks): a rayon join per
    // step costs more than the step, N = 1600 trained 7-8x slower on two threads than on one
    // (docs/baseline.md, "Training speed"). Inference runs one image per thread (evaluate.rs).
    let split = crate::presentation::split_policy() == crate::presentation::SplitPolicy::Always;
    let blocks = if syn.learning() && split {
        crate::presentation::integration_blocks(n, rayon::current_num_threads())
    } else {
        1
    };
    for t in 0..c.steps {
        // 1. Integrate.
        let theta = syn.theta();
        let exc_may_fire = if blocks > 1 {
            let size = n.div_ceil(blocks).next_multiple_of(32);
            ws.v_e
                .par_chunks_mut(size)
                .zip(ws.ge_e.par_chunks_mut(size))
                .zip(ws.gi_e.par_chunks_mut(size))
                .zip(ws.clamp_e.par_chunks_mut(size))
                .zip(ws.lock_e.par_chunks_mut(size))
                .zip(theta.par_chunks(size))
                .map(|(((((v, ge), gi), clamp), lock), theta)| {
                    integrate_excitatory(&exc_step, v, ge, gi, clamp, lock, theta)
                })
                .reduce(|| false, |a, b| a | b)
        } else {
            integrate_excitatory(
                &exc_step,
                &mut ws.v_e,
                &mut ws.ge_e,
                &mut ws.gi_e,
                &mut ws.clamp_e,
                &mut ws.lock_e,
                theta,
            )
        };
        let inh_may_fire =
            integrate_inhibitory(&inh_step, &mut ws.v_i, &mut ws.ge_i, &mut ws.clamp_i);
        // 2. Fire and reset; refractory counters start at steps + 1 (see neurons.rs).
        ws.fired_e.clear();
        if exc_may_fire {
            fire_excitatory(
                c.thresh_base_e,
                &ws.v_e,
                &ws.clamp_e,
                &ws.lock_e,
                theta,
                &mut ws.fired_e,
            );
        }
        for &j in &ws.fired_e {
            let j = j as usize;
            ws.v_e[j] = e.v_reset;
            ws.clamp_e[j] = c.clamp_e + 1.0;
            ws.lock_e[j] = c.lock_e + 1.0;
            ws.counts[j] += 1;
        }
        ws.fired_i.clear();
        if inh_may_fire {
            fire_inhibitory(i.v_thresh, &ws.v_i, &ws.clamp_i, &mut ws.fired_i);
        }
        for &j in &ws.fired_i {
            ws.v_i[j as usize] = i.v_reset;
            ws.clamp_i[j as usize] = c.clamp_i + 1.0;
        }
        // 3. Propagate.
        let inputs = ws.schedule.at(t);
        if blocks > 1 && !inputs.is_empty() {
            let size = n.div_ceil(blocks).next_multiple_of(32);
            let syn = &*syn;
            ws.ge_e
                .par_chunks_mut(size)
                .enumerate()
                .for_each(|(b, ge)| {
                    let lo = b * size;
                    for &ch in inputs {
                        let row = &syn.row(ch as usize)[lo..lo + ge.len()];
                        for (g, w) in ge.iter_mut().zip(row) {
                            *g += w;
                        }
                    }
                });
        } else {
            for &ch in inputs {
                for (g, w) in ws.ge_e.iter_mut().zip(syn.row(ch as usize)) {
                    *g += w;
                }
            }
        }
        for &j in &ws.fired_e {
            ws.ge_i[j as usize] += i.w_ei;
        }
        if !ws.fired_i.is_empty() {
            let all = i.w_ie * ws.fired_i.len() as f32;
            ws.gi_e.iter_mut().for_each(|g| *g += all);
            for &j in &ws.fired_i {
                ws.gi_e[j as usize] -= i.w_ie;
            }
        }
        // 4. Learn.
        for &ch in ws.schedule.at(t) {
            syn.on_input_spike(ch as usize, t);
        }
        for &j in &ws.fired_e {
            syn.on_exc_spike(j as usize, t);
        }
        stats.exc_spikes += ws.fired_e.len() as u64;
        stats.inh_spikes += ws.fired_i.len() as u64;
    }
    stats
}
