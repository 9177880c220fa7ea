//! The FSpiNN network in f32 (layer L0): the same parameters, mechanisms, order of operations and
//! input spikes as the integer datapath (`FspinnNetwork`, layer L1), with real numbers wherever
//! the integer network rounds or saturates. It is the reference the fixed-point network is
//! measured against (DESIGN.md: "L0 vs L1: accuracy within a stated tolerance, same seeds and
//! inputs") and the starting point of post-training quantisation ([`FspinnF32Network::quantize`]).
//!
//! What is exact here and rounded there (docs/fspinn.md, "The f32 network"):
//! - weights are reals in [0, 1] mV per spike (integer: codes / 2^B, at most 1 - 2^-B);
//! - the leak is `v -= v * 2^-leak_shift` (integer: a truncating shift), the threshold decay
//!   `theta -= theta * 2^-k` (integer: stochastically rounded), normalisation scales by exactly
//!   `78 / sum` (integer: a Q16 factor, rounded to nearest), STDP changes are added unrounded
//!   (integer: `--rounding`), `theta_plus`, `x_tar`, the inhibition and the learning rates are the
//!   design values themselves (integer: rounded to their formats);
//! - the membrane, theta and inhibition do not saturate (integer: 16-bit formats);
//! - the pre and post traces keep mechanism (c)'s shift staircase `2^-floor(age / half_life)`:
//!   the staircase is the cheap rule itself, not a rounding of it, so both networks learn with the
//!   same rule; only the integer's scale `2^T - 1` and its cut to 0 after T halvings are gone.
//!
//! Every decision the two networks share is made by the same function: the repeat-while-quiet
//! rule (`repeat_while_quiet`), the decay shift ([`theta_decay_shift`]), the potentiation
//! schedule ([`potentiation_halvings`]), the step count and parameter checks (`FspinnConsts`),
//! and the input spikes (the LFSR generator, seeded from the same sample seed).

use super::consts::FspinnConsts;
use super::network::{potentiation_halvings, theta_decay_shift, FspinnNetwork, NEVER};
use super::params::FspinnParams;
use crate::baseline::PresentationStats;
use crate::error::ModelError;
use crate::fixed::{QFormat, Rounding, SpikeGenerator};
use crate::presentation::repeat_while_quiet;
use crate::rng::Rng;

/// Weight-sum target of each neuron's column after normalisation (weight units, i.e. mV per
/// spike); the integer network's `norm_target` is this times 2^B codes.
pub const NORM_TARGET: f32 = 78.0;

/// Mechanism (c)'s trace in f32: 1 when the spike was this step, halved once per `half_life`
/// steps after it (a staircase, as the integer shifter), 0 when there was no spike.
#[inline]
pub fn staircase_trace(age: Option<u32>, half_life: u32) -> f32 {
    match age {
        Some(a) => 0.5f32.powi((a / half_life.max(1)).min(200) as i32),
        None => 0.0,
    }
}

/// Scratch state of one f32 presentation worker; reuse it across images.
#[derive(Clone, Debug)]
pub struct FspinnF32Workspace {
    v: Vec<f32>,
    refractory: Vec<u8>,
    counts: Vec<u32>,
    fired: Vec<u32>,
    fired_last: Vec<u8>,
    pending_inhibition: u32,
    inputs: Vec<u16>,
    last_pre: Vec<u32>,
    last_post: Vec<u32>,
    gen: SpikeGenerator,
    batch: Vec<f32>,
}

impl FspinnF32Workspace {
    /// A workspace for a network of `n_inputs` inputs and `n` neurons.
    pub fn new(n_inputs: usize, n: usize) -> Self {
        FspinnF32Workspace {
            v: vec![0.0; n],
            refractory: vec![0; n],
            counts: vec![0; n],
            fired: Vec::new(),
            fired_last: vec![0; n],
            pending_inhibition: 0,
            inputs: Vec::new(),
            last_pre: vec![NEVER; n_inputs],
            last_post: vec![NEVER; n],
            gen: SpikeGenerator::new(n_inputs),
            batch: Vec::new(),
        }
    }

    fn reset(&mut self, n_inputs: usize, n: usize) {
        self.v.clear();
        self.v.resize(n, 0.0);
        self.refractory.clear();
        self.refractory.resize(n, 0);
        self.counts.clear();
        self.counts.resize(n, 0);
        self.fired_last.clear();
        self.fired_last.resize(n, 0);
        self.pending_inhibition = 0;
        self.last_pre.clear();
        self.last_pre.resize(n_inputs, NEVER);
        self.last_post.clear();
        self.last_post.resize(n, NEVER);
    }

    /// Spike counts of the last presentation, one per neuron.
    pub fn counts(&self) -> &[u32] {
        &self.counts
    }

    /// Membrane potentials (mV above rest) at the end of the last presentation, for tests.
    pub fn membrane(&self) -> &[f32] {
        &self.v
    }
}

/// Learned state of the f32 FSpiNN network.
#[derive(Clone, Debug)]
pub struct FspinnF32Network {
    params: FspinnParams,
    steps: u32,
    n_inputs: usize,
    n_neurons: usize,
    /// Weights in mV per input spike, in [0, 1], input-major: `weights[i * n + j]`.
    weights: Vec<f32>,
    /// Threshold offsets in mV.
    theta: Vec<f32>,
    /// Current lateral inhibition in mV (adapts when mechanism (f) is on).
    inhibition: f32,
    /// Training images seen, for the potentiation schedule (e).
    samples_seen: u64,
}

/// The mutable side of a presentation, frozen at inference.
struct Learning<'a> {
    weights: &'a mut [f32],
    theta: &'a mut [f32],
    nu_post: f32,
    updates: u64,
    /// Pending changes when updates are applied per presentation (mechanism (d) off).
    batch: Option<&'a mut Vec<f32>>,
}

impl FspinnF32Network {
    /// A fresh network: weights uniform in [0, init_max), thresholds at 0. It draws the same
    /// numbers as `FspinnNetwork::new`, whose initial codes are these weights' floors on the
    /// 2^-B grid, so both layers start from the same network.
    pub fn new(
        params: FspinnParams,
        n_inputs: usize,
        n_neurons: usize,
        rng: &mut Rng,
    ) -> Result<Self, ModelError> {
        let scale = params.init_max as f64;
        let weights = (0..n_inputs * n_neurons)
            .map(|_| (rng.uniform() * scale).clamp(0.0, 1.0) as f32)
            .collect();
        let inhibition = params.inhibition_mv;
        Self::from_parts(
            params,
            n_inputs,
            n_neurons,
            weights,
            vec![0.0; n_neurons],
            inhibition,
            0,
        )
    }

    /// Rebuilds a network from stored state, checking that the parts fit together.
    pub fn from_parts(
        params: FspinnParams,
        n_inputs: usize,
        n_neurons: usize,
        weights: Vec<f32>,
        theta: Vec<f32>,
        inhibition: f32,
        samples_seen: u64,
    ) -> Result<Self, ModelError> {
        // The integer constants validate the shared design values (step count, refractory
        // counter, shifts) exactly as for the integer network.
        let steps = FspinnConsts::new(&params)?.steps;
        if n_neurons == 0 || n_inputs == 0 || n_inputs > u16::MAX as usize + 1 {
            return Err(ModelError::Shape(format!(
                "{n_inputs} inputs x {n_neurons} neurons"
            )));
        }
        crate::validate::state_shape(weights.len(), theta.len(), n_inputs, n_neurons)?;
        if let Some(w) = weights.iter().find(|w| !(0.0..=1.0).contains(*w)) {
            return Err(ModelError::Shape(format!("weight {w} outside [0, 1]")));
        }
        if let Some(t) = theta.iter().find(|t| !(t.is_finite() && **t >= 0.0)) {
            return Err(ModelError::Shape(format!("threshold offset {t} mV")));
        }
        if !inhibition.is_finite() {
            return Err(ModelError::Shape(format!("inhibition {inhibition} mV")));
        }
        Ok(FspinnF32Network {
            params,
            steps,
            n_inputs,
            n_neurons,
            weights,
            theta,
            inhibition,
            samples_seen,
        })
    }

    pub fn params(&self) -> &FspinnParams {
        &self.params
    }
    pub fn n_inputs(&self) -> usize {
        self.n_inputs
    }
    pub fn n_neurons(&self) -> usize {
        self.n_neurons
    }
    /// Weights in mV per input spike, input-major.
    pub fn weights(&self) -> &[f32] {
        &self.weights
    }
    /// Threshold offsets in mV.
    pub fn theta(&self) -> &[f32] {
        &self.theta
    }
    /// Lateral inhibition in mV.
    pub fn inhibition(&self) -> f32 {
        self.inhibition
    }
    pub fn samples_seen(&self) -> u64 {
        self.samples_seen
    }

    pub fn workspace(&self) -> FspinnF32Workspace {
        FspinnF32Workspace::new(self.n_inputs, self.n_neurons)
    }

    /// Post-training quantisation: the integer network (`params().formats`) closest to this one.
    /// Weight w becomes code `round(w * 2^B)`, saturated at `2^B - 1` (a code c means c / 2^B mV
    /// per spike); theta and the inhibition become membrane units, `round(x * 2^frac)` saturated
    /// to their formats; all round half up (`QFormat::from_f64`, `Nearest`). The potentiation
    /// schedule carries over with `samples_seen`.
    pub fn quantize(&self) -> Result<FspinnNetwork, ModelError> {
        let consts = FspinnConsts::new(&self.params)?;
        let b = self.params.formats.weight_bits;
        let w_fmt = QFormat::new(b, b, false)?;
        let weights = self
            .weights
            .iter()
            .map(|&w| w_fmt.from_f64(w as f64, Rounding::Nearest, 0) as u16)
            .collect();
        let theta = self
            .theta
            .iter()
            .map(|&t| consts.theta_fmt.from_f64(t as f64, Rounding::Nearest, 0))
            .collect();
        let inhibition = consts
            .v_fmt
            .from_f64(self.inhibition as f64, Rounding::Nearest, 0);
        FspinnNetwork::from_parts(
            self.params.clone(),
            self.n_inputs,
            self.n_neurons,
            weights,
            theta,
            inhibition,
            self.samples_seen,
        )
    }

    /// Scales each neuron's weight column to sum to [`NORM_TARGET`] (exactly; weights that would
    /// exceed 1 are clamped to 1, as the integer codes clamp at their maximum). Returns the
    /// weights touched.
    fn normalize(&mut self) -> u64 {
        let n = self.n_neurons;
        let mut sums = vec![0f64; n];
        for row in self.weights.chunks_exact(n) {
            for (s, &w) in sums.iter_mut().zip(row) {
                *s += w as f64;
            }
        }
        let factors: Vec<f64> = sums
            .iter()
            .map(|&s| if s > 0.0 { NORM_TARGET as f64 / s } else { 1.0 })
            .collect();
        for row in self.weights.chunks_exact_mut(n) {
            for (w, &f) in row.iter_mut().zip(&factors) {
                *w = (*w as f64 * f).min(1.0) as f32;
            }
        }
        (self.n_inputs * n) as u64
    }

    /// Trains on one image; the spike counts of the last attempt are left in `ws.counts()`.
    /// Draws the sample seed exactly as the integer network does, so both see the same spikes.
    pub fn train_image(
        &mut self,
        ws: &mut FspinnF32Workspace,
        image: &[u8],
        rng: &mut Rng,
    ) -> PresentationStats {
        let sample_seed = rng.next_u64() as u32;
        self.train_sample(ws, image, sample_seed)
    }

    /// Trains on one image with the given sample seed.
    pub fn train_sample(
        &mut self,
        ws: &mut FspinnF32Workspace,
        image: &[u8],
        sample_seed: u32,
    ) -> PresentationStats {
        let p = self.params.clone();
        let nu_post = p.nu_post * 0.5f32.powi(potentiation_halvings(&p, self.samples_seen) as i32);
        let decay = 0.5f32.powi(theta_decay_shift(&p, self.n_neurons) as i32);
        let total = repeat_while_quiet(p.max_attempts, p.min_spikes, |attempt| {
            let mut stats = PresentationStats {
                normalization_ops: self.normalize(),
                ..Default::default()
            };
            let mut batch = std::mem::take(&mut ws.batch);
            let per_step = p.mechanisms.per_step_updates;
            let (st, updates) = {
                let mut learning = Learning {
                    weights: &mut self.weights,
                    theta: &mut self.theta,
                    nu_post,
                    updates: 0,
                    batch: (!per_step).then_some(&mut batch),
                };
                let st = run_attempt(
                    &p,
                    self.steps,
                    self.n_neurons,
                    self.inhibition,
                    None,
                    Some(&mut learning),
                    ws,
                    image,
                    attempt,
                    sample_seed,
                );
                (st, learning.updates)
            };
            if !per_step {
                for (w, d) in self.weights.iter_mut().zip(batch.iter_mut()) {
                    if *d != 0.0 {
                        *w = (*w + *d).clamp(0.0, 1.0);
                        *d = 0.0;
                    }
                }
            }
            for th in self.theta.iter_mut() {
                *th -= *th * decay;
            }
            ws.batch = batch;
            stats.accumulate(&st);
            stats.weight_updates += updates;
            if p.mechanisms.adaptive_inhibition {
                self.inhibition = adapt_inhibition(&p, self.inhibition, st.exc_spikes);
            }
            stats
        });
        self.samples_seen += 1;
        total
    }

    /// Shows one image without learning; spike counts are left in `ws.counts()`.
    pub fn infer_image(
        &self,
        ws: &mut FspinnF32Workspace,
        image: &[u8],
        rng: &mut Rng,
    ) -> PresentationStats {
        let sample_seed = rng.next_u64() as u32;
        self.infer_sample(ws, image, sample_seed)
    }

    /// Shows one image without learning, with the given sample seed.
    pub fn infer_sample(
        &self,
        ws: &mut FspinnF32Workspace,
        image: &[u8],
        sample_seed: u32,
    ) -> PresentationStats {
        let p = &self.params;
        repeat_while_quiet(p.max_attempts, p.min_spikes, |attempt| {
            run_attempt(
                p,
                self.steps,
                self.n_neurons,
                self.inhibition,
                Some((&self.weights, &self.theta)),
                None,
                ws,
                image,
                attempt,
                sample_seed,
            )
        })
    }
}

/// (f) in f32: after each training attempt the inhibition moves exactly 1/16 of its value up
/// when the layer fired more than `target_spikes`, down when fewer; it never goes below a
/// quarter of the firing threshold (the integer network's floor; its ceiling, the membrane
/// format's maximum, has no f32 counterpart).
pub fn adapt_inhibition(p: &FspinnParams, inhibition: f32, spikes: u64) -> f32 {
    let step = inhibition / 16.0;
    let next = match spikes.cmp(&(p.target_spikes as u64)) {
        std::cmp::Ordering::Greater => inhibition + step,
        std::cmp::Ordering::Less => inhibition - step,
        std::cmp::Ordering::Equal => inhibition,
    };
    next.max(p.v_thresh_mv / 4.0)
}

/// One attempt at one intensity, step by step in the order of docs/datapath.md ("Network
/// datapath"). Weights and thresholds come from `frozen` (inference) or `learning` (training).
#[allow(clippy::too_many_arguments)]
fn run_attempt(
    p: &FspinnParams,
    steps: u32,
    n: usize,
    inhibition: f32,
    frozen: Option<(&[f32], &[f32])>,
    mut learning: Option<&mut Learning<'_>>,
    ws: &mut FspinnF32Workspace,
    image: &[u8],
    attempt: u32,
    sample_seed: u32,
) -> PresentationStats {
    let intensity = p.start_intensity + attempt;
    let n_inputs = image.len();
    ws.reset(n_inputs, n);
    if let Some(l) = learning.as_mut() {
        if let Some(b) = l.batch.as_mut() {
            b.clear();
            b.resize(n_inputs * n, 0.0);
        }
    }
    // The same generator, rates and seeds as the integer network: identical input spikes.
    let rate = crate::fixed::rate_q24(p.rate_per_pixel_hz as f64, intensity, p.dt_ms as f64);
    if attempt == 0 {
        ws.gen.start(image, rate, sample_seed);
    } else {
        ws.gen.reseed_intensity(image, rate);
    }
    let m = &p.mechanisms;
    let leak = 0.5f32.powi(p.leak_shift as i32);
    let refractory_start = (p.refractory_steps + 1) as u8;
    let mut stats = PresentationStats {
        attempts: 1,
        ..Default::default()
    };
    let mut inputs = std::mem::take(&mut ws.inputs);
    for t in 0..steps {
        // 1. Input spikes of this step.
        ws.gen.step(&mut inputs);
        stats.input_spikes += inputs.len() as u64;
        for &i in &inputs {
            ws.last_pre[i as usize] = t;
        }
        // 2. Leak, accumulation, relayed inhibition.
        let weights: &[f32] = match (&frozen, &learning) {
            (Some((w, _)), _) => w,
            (None, Some(l)) => l.weights,
            _ => unreachable!("run_attempt gets frozen or learning state"),
        };
        for (v, &r) in ws.v.iter_mut().zip(&ws.refractory) {
            if r == 0 {
                *v -= *v * leak;
            }
        }
        for &i in &inputs {
            let row = &weights[i as usize * n..(i as usize + 1) * n];
            for ((v, &r), &w) in ws.v.iter_mut().zip(&ws.refractory).zip(row) {
                if r == 0 {
                    *v += w;
                }
            }
        }
        if ws.pending_inhibition > 0 {
            // (a) off: the inhibitory layer relays last step's spikes now.
            let k = ws.pending_inhibition as i32;
            for (v, &own) in ws.v.iter_mut().zip(&ws.fired_last) {
                let others = k - own as i32;
                if others > 0 {
                    *v -= inhibition * others as f32;
                }
            }
            ws.pending_inhibition = 0;
        }
        stats.neuron_updates += n as u64;
        stats.synaptic_ops += (inputs.len() * n) as u64;
        // 3. Fire, reset, theta.
        let theta: &[f32] = match (&frozen, &learning) {
            (Some((_, th)), _) => th,
            (None, Some(l)) => l.theta,
            _ => unreachable!(),
        };
        ws.fired.clear();
        for (j, ((&v, &r), &th)) in ws.v.iter().zip(&ws.refractory).zip(theta).enumerate() {
            if r == 0 && v > p.v_thresh_mv + th {
                ws.fired.push(j as u32);
            }
        }
        for &j in &ws.fired {
            let j = j as usize;
            ws.v[j] = 0.0;
            ws.refractory[j] = refractory_start;
            ws.counts[j] += 1;
        }
        if let Some(l) = learning.as_mut() {
            for &j in &ws.fired {
                l.theta[j as usize] += p.theta_plus_mv;
            }
        }
        // 4. Lateral inhibition.
        let k = ws.fired.len();
        if k > 0 {
            if m.direct_inhibition {
                let drop = inhibition * k as f32;
                for (v, &r) in ws.v.iter_mut().zip(&ws.refractory) {
                    if r == 0 {
                        *v -= drop;
                    }
                }
                for &j in &ws.fired {
                    ws.v[j as usize] = 0.0;
                }
            } else {
                ws.pending_inhibition = k as u32;
                ws.fired_last.fill(0);
                for &j in &ws.fired {
                    ws.fired_last[j as usize] = 1;
                }
                stats.inh_spikes += k as u64;
                stats.neuron_updates += n as u64;
            }
        } else if !m.direct_inhibition {
            stats.neuron_updates += n as u64;
        }
        // 5. Learn.
        if let Some(l) = learning.as_mut() {
            if !m.post_only_stdp {
                for &i in &inputs {
                    depress_row(l, p, ws, i as usize, t, n);
                }
            }
            for &j in &ws.fired {
                potentiate_column(l, p, ws, j as usize, t, n);
            }
        }
        // 6. Count down.
        for &j in &ws.fired {
            ws.last_post[j as usize] = t;
        }
        for r in ws.refractory.iter_mut() {
            *r = r.saturating_sub(1);
        }
        stats.exc_spikes += ws.fired.len() as u64;
    }
    stats.lfsr_draws = ws.gen.draws();
    ws.inputs = inputs;
    stats
}

/// Post-synaptic STDP at a spike of neuron j: `w_ij += nu_post * (x_pre_i - x_tar)`, unrounded,
/// clamped to [0, 1].
fn potentiate_column(
    l: &mut Learning<'_>,
    p: &FspinnParams,
    ws: &FspinnF32Workspace,
    j: usize,
    t: u32,
    n: usize,
) {
    for i in 0..ws.last_pre.len() {
        let age = (ws.last_pre[i] != NEVER).then(|| t - ws.last_pre[i]);
        let delta = l.nu_post * (staircase_trace(age, p.trace_half_life_steps) - p.x_tar);
        if delta == 0.0 {
            continue;
        }
        l.updates += 1;
        let idx = i * n + j;
        match l.batch.as_mut() {
            Some(b) => b[idx] += delta,
            None => l.weights[idx] = (l.weights[idx] + delta).clamp(0.0, 1.0),
        }
    }
}

/// (b) off: depression at an input spike, `w -= nu_pre * x_post` over the neurons that spiked.
fn depress_row(
    l: &mut Learning<'_>,
    p: &FspinnParams,
    ws: &FspinnF32Workspace,
    i: usize,
    t: u32,
    n: usize,
) {
    for j in 0..n {
        if ws.last_post[j] == NEVER {
            continue;
        }
        let x_post = staircase_trace(Some(t - ws.last_post[j]), p.trace_half_life_steps);
        let delta = p.nu_pre * x_post;
        if delta == 0.0 {
            continue;
        }
        l.updates += 1;
        let idx = i * n + j;
        match l.batch.as_mut() {
            Some(b) => b[idx] -= delta,
            None => l.weights[idx] = (l.weights[idx] - delta).clamp(0.0, 1.0),
        }
    }
}
