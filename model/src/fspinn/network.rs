//! The FSpiNN network in the integer datapath (layer L1): weights, thresholds and the presentation
//! of an image, step by step in the order of docs/datapath.md ("Network datapath"):
//! 1 input spikes from the LFSR generator; 2 leak, refractory count-down and synaptic
//! accumulation; 3 fire, reset, theta; 4 lateral inhibition; 5 learn at post spikes.

use super::consts::FspinnConsts;
use super::params::FspinnParams;
use super::state::FspinnWorkspace;
use crate::baseline::PresentationStats;
use crate::error::ModelError;
use crate::fixed::{input_seed, Lfsr32, Rounding};
use crate::presentation::repeat_while_quiet;
use crate::rng::Rng;

/// Marks an input or neuron that has not spiked in this presentation.
pub const NEVER: u32 = u32::MAX;
/// The learning unit's LFSRs are seeded like input channels with these channel numbers (plus
/// the attempt), far above any input channel, so that every stream of a sample is hashed apart.
pub const ROUNDING_STREAM: u32 = 0x0001_0000;
/// See [`ROUNDING_STREAM`]: the stream of the threshold decay after a training attempt.
pub const DECAY_STREAM: u32 = 0x0002_0000;

/// Watches a presentation step by step: the cycle model's verifier (`fspinn sim --verify`)
/// records what L1 does and compares it with what the accelerator model did.
pub trait StepObserver {
    /// After step `t` of `attempt`: the input channels that spiked and the neurons that fired,
    /// both ascending.
    fn step(&mut self, attempt: u32, t: u32, inputs: &[u16], fired: &[u32]);
    /// A learning update wrote `value` to the weight from `input` to `neuron` at step `t`
    /// (every non-zero change, in the order the datapath applies them).
    fn weight_write(&mut self, attempt: u32, t: u32, input: usize, neuron: usize, value: u16);
}

/// The threshold decay shift: as configured, or derived from the network size (docs/fspinn.md).
pub fn theta_decay_shift(p: &FspinnParams, n_neurons: usize) -> u32 {
    p.theta_decay_shift.unwrap_or_else(|| {
        let ratio = p.theta_target_mv as f64 * n_neurons as f64
            / (p.theta_plus_mv as f64 * p.target_spikes.max(1) as f64);
        ratio.log2().round().clamp(1.0, 32.0) as u32
    })
}

/// Mechanism (e)'s schedule, shared by the integer and the f32 network: how many times the
/// potentiation factor has halved after `samples_seen` training images (once per
/// `potentiation_half_life` images, at most three times; 0 when (e) is off).
pub fn potentiation_halvings(p: &FspinnParams, samples_seen: u64) -> u32 {
    if p.mechanisms.adaptive_potentiation {
        (samples_seen / p.potentiation_half_life.max(1) as u64).min(3) as u32
    } else {
        0
    }
}

/// The potentiation factor (Q16) after `samples_seen` training images: `eta_post` halved by
/// mechanism (e) once per `potentiation_half_life` images, at most three times. The host of the
/// accelerator computes it per image and writes it into a register.
pub fn potentiation_factor(p: &FspinnParams, c: &FspinnConsts, samples_seen: u64) -> i64 {
    c.eta_post_q16 >> potentiation_halvings(p, samples_seen)
}

/// Learned state of the FSpiNN network.
#[derive(Clone, Debug)]
pub struct FspinnNetwork {
    params: FspinnParams,
    consts: FspinnConsts,
    n_inputs: usize,
    n_neurons: usize,
    /// Weight codes, input-major: `weights[i * n + j]`.
    weights: Vec<u16>,
    /// Threshold offsets in membrane units.
    theta: Vec<i32>,
    /// Current lateral inhibition in membrane units (adapts when mechanism (f) is on).
    inhibition: i32,
    /// Training images seen, for the potentiation schedule (e).
    samples_seen: u64,
}

/// The mutable side of a presentation, frozen at inference.
struct Learning<'a> {
    weights: &'a mut [u16],
    theta: &'a mut [i32],
    eta_post_q16: i64,
    rounding_lfsr: Lfsr32,
    updates: u64,
    /// Pending changes when updates are applied per presentation (mechanism (d) off).
    batch: Option<&'a mut Vec<i32>>,
}

impl FspinnNetwork {
    /// A fresh network: weights uniform in [0, init_max), thresholds at 0.
    pub fn new(
        params: FspinnParams,
        n_inputs: usize,
        n_neurons: usize,
        rng: &mut Rng,
    ) -> Result<Self, ModelError> {
        let consts = FspinnConsts::new(&params)?;
        let scale = params.init_max as f64 * (consts.w_max + 1) as f64;
        let weights = (0..n_inputs * n_neurons)
            .map(|_| ((rng.uniform() * scale) as i64).clamp(0, consts.w_max as i64) as u16)
            .collect();
        let inhibition = consts.inhibition;
        Self::from_parts(
            params,
            n_inputs,
            n_neurons,
            weights,
            vec![0; n_neurons],
            inhibition,
            0,
        )
    }

    /// Rebuilds a network from stored state, checking that the parts fit together.
    pub fn from_parts(
        params: FspinnParams,
        n_inputs: usize,
        n_neurons: usize,
        weights: Vec<u16>,
        theta: Vec<i32>,
        inhibition: i32,
        samples_seen: u64,
    ) -> Result<Self, ModelError> {
        let consts = FspinnConsts::new(&params)?;
        if n_neurons == 0 || n_inputs == 0 || n_inputs > u16::MAX as usize + 1 {
            return Err(ModelError::Shape(format!(
                "{n_inputs} inputs x {n_neurons} neurons"
            )));
        }
        crate::validate::state_shape(weights.len(), theta.len(), n_inputs, n_neurons)?;
        if let Some(w) = weights.iter().find(|&&w| w as i32 > consts.w_max) {
            return Err(ModelError::Shape(format!(
                "weight code {w} does not fit {} bits",
                params.formats.weight_bits
            )));
        }
        Ok(FspinnNetwork {
            params,
            consts,
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
    pub fn weights(&self) -> &[u16] {
        &self.weights
    }
    pub fn theta(&self) -> &[i32] {
        &self.theta
    }
    pub fn inhibition(&self) -> i32 {
        self.inhibition
    }
    pub fn samples_seen(&self) -> u64 {
        self.samples_seen
    }
    /// The integer constants of the datapath, for the cycle model.
    pub fn consts(&self) -> &FspinnConsts {
        &self.consts
    }
    /// The potentiation factor (Q16) of the next training image: `eta_post` halved by
    /// mechanism (e) once per `potentiation_half_life` images seen, at most three times.
    pub fn potentiation_factor(&self) -> i64 {
        potentiation_factor(&self.params, &self.consts, self.samples_seen)
    }

    pub fn workspace(&self) -> FspinnWorkspace {
        FspinnWorkspace::new(self.n_inputs, self.n_neurons)
    }

    /// Scales each neuron's weight column to sum to 78 (in weight units), once per training
    /// image: one integer division per neuron, one multiply per weight, rounded to nearest.
    /// Returns the weights touched.
    fn normalize(&mut self) -> u64 {
        let n = self.n_neurons;
        // u32 cannot overflow: at most 2^16 inputs of at most 2^16 - 1 (from_parts).
        let mut sums = vec![0u32; n];
        for row in self.weights.chunks_exact(n) {
            for (s, &w) in sums.iter_mut().zip(row) {
                *s += w as u32;
            }
        }
        let c = &self.consts;
        let factors: Vec<i64> = sums.iter().map(|&s| c.norm_factor(s as i64)).collect();
        // Factors are near one (2^16) once training has started: then the 16-bit form, which
        // vectorises best; else the general one. Both give normalize_weight's result.
        let near_one: Option<Vec<i16>> = (c.w_max < 1 << 15)
            .then(|| {
                factors
                    .iter()
                    .map(|&f| i16::try_from(f - (1 << 16)).ok())
                    .collect()
            })
            .flatten();
        match near_one {
            Some(deltas) => {
                for row in self.weights.chunks_exact_mut(n) {
                    for (w, &d) in row.iter_mut().zip(&deltas) {
                        *w = c.normalize_weight_near_one(*w, d);
                    }
                }
            }
            None => {
                for row in self.weights.chunks_exact_mut(n) {
                    for (w, &f) in row.iter_mut().zip(&factors) {
                        *w = c.normalize_weight(*w, f);
                    }
                }
            }
        }
        (self.n_inputs * n) as u64
    }

    /// Trains on one image; the spike counts of the last attempt are left in `ws.counts()`.
    pub fn train_image(
        &mut self,
        ws: &mut FspinnWorkspace,
        image: &[u8],
        rng: &mut Rng,
    ) -> PresentationStats {
        let sample_seed = rng.next_u64() as u32;
        self.train_sample(ws, image, sample_seed, None)
    }

    /// Trains on one image with the given sample seed (the host's part of the contract: the cycle
    /// model and the RTL receive the same seed), reporting every step to `observer`.
    pub fn train_sample(
        &mut self,
        ws: &mut FspinnWorkspace,
        image: &[u8],
        sample_seed: u32,
        mut observer: Option<&mut dyn StepObserver>,
    ) -> PresentationStats {
        let p = self.params.clone();
        let eta_post_q16 = self.potentiation_factor();
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
                    eta_post_q16,
                    rounding_lfsr: Lfsr32::new(input_seed(sample_seed, ROUNDING_STREAM + attempt)),
                    updates: 0,
                    batch: (!per_step).then_some(&mut batch),
                };
                let st = run_attempt(
                    &p,
                    &self.consts,
                    self.n_neurons,
                    self.inhibition,
                    None,
                    Some(&mut learning),
                    ws,
                    image,
                    attempt,
                    sample_seed,
                    observer.as_mut().map(|o| &mut **o as &mut dyn StepObserver),
                );
                (st, learning.updates)
            };
            if !per_step {
                apply_batch(&mut batch, &mut self.weights, self.consts.w_max);
            }
            let mut decay_lfsr = Lfsr32::new(input_seed(sample_seed, DECAY_STREAM + attempt));
            let decay = theta_decay_shift(&p, self.n_neurons);
            for th in self.theta.iter_mut() {
                let r = decay_lfsr.next16() as u32 | (decay_lfsr.next16() as u32) << 16;
                *th = self.consts.decay_theta(*th, decay, r);
            }
            ws.batch = batch;
            stats.accumulate(&st);
            stats.weight_updates += updates;
            if p.mechanisms.adaptive_inhibition {
                self.inhibition =
                    self.consts
                        .adapt_inhibition(self.inhibition, st.exc_spikes, p.target_spikes);
            }
            stats
        });
        self.samples_seen += 1;
        total
    }

    /// Shows one image without learning; spike counts are left in `ws.counts()`.
    pub fn infer_image(
        &self,
        ws: &mut FspinnWorkspace,
        image: &[u8],
        rng: &mut Rng,
    ) -> PresentationStats {
        let sample_seed = rng.next_u64() as u32;
        self.infer_sample(ws, image, sample_seed, None)
    }

    /// Shows one image without learning, with the given sample seed, reporting every step.
    pub fn infer_sample(
        &self,
        ws: &mut FspinnWorkspace,
        image: &[u8],
        sample_seed: u32,
        mut observer: Option<&mut dyn StepObserver>,
    ) -> PresentationStats {
        let p = &self.params;
        repeat_while_quiet(p.max_attempts, p.min_spikes, |attempt| {
            run_attempt(
                p,
                &self.consts,
                self.n_neurons,
                self.inhibition,
                Some((&self.weights, &self.theta)),
                None,
                ws,
                image,
                attempt,
                sample_seed,
                observer.as_mut().map(|o| &mut **o as &mut dyn StepObserver),
            )
        })
    }
}

fn apply_batch(batch: &mut [i32], weights: &mut [u16], w_max: i32) {
    for (w, d) in weights.iter_mut().zip(batch.iter_mut()) {
        if *d != 0 {
            *w = (*w as i32 + *d).clamp(0, w_max) as u16;
            *d = 0;
        }
    }
}

/// One attempt at one intensity. Weights and thresholds come from `frozen` (inference) or
/// `learning` (training); exactly one is given.
#[allow(clippy::too_many_arguments)]
fn run_attempt(
    p: &FspinnParams,
    c: &FspinnConsts,
    n: usize,
    inhibition: i32,
    frozen: Option<(&[u16], &[i32])>,
    mut learning: Option<&mut Learning<'_>>,
    ws: &mut FspinnWorkspace,
    image: &[u8],
    attempt: u32,
    sample_seed: u32,
    mut observer: Option<&mut dyn StepObserver>,
) -> PresentationStats {
    let intensity = p.start_intensity + attempt;
    let n_inputs = image.len();
    ws.reset(n_inputs, n);
    if let Some(l) = learning.as_mut() {
        if let Some(b) = l.batch.as_mut() {
            b.clear();
            b.resize(n_inputs * n, 0);
        }
    }
    let rate = crate::fixed::rate_q24(p.rate_per_pixel_hz as f64, intensity, p.dt_ms as f64);
    // The first attempt seeds every channel; a louder repeat only raises the thresholds and the
    // channels' LFSR streams continue where they stopped.
    if attempt == 0 {
        ws.gen.start(image, rate, sample_seed);
    } else {
        ws.gen.reseed_intensity(image, rate);
    }
    let m = &p.mechanisms;
    let mut stats = PresentationStats {
        attempts: 1,
        ..Default::default()
    };
    let mut inputs = std::mem::take(&mut ws.inputs);
    for t in 0..c.steps {
        // 1. Input spikes of this step.
        ws.gen.step(&mut inputs);
        stats.input_spikes += inputs.len() as u64;
        for &i in &inputs {
            ws.last_pre[i as usize] = t;
        }
        // 2. Leak, refractory count-down, accumulation.
        let weights: &[u16] = match (&frozen, &learning) {
            (Some((w, _)), _) => w,
            (None, Some(l)) => l.weights,
            _ => unreachable!("run_attempt gets frozen or learning state"),
        };
        // The step's synaptic input is summed per neuron first (a vectorised row add per input
        // spike), then leak and the saturating add per free neuron: the same result as adding
        // spike by spike (FspinnConsts::integrate_sum).
        ws.input_sum.fill(0);
        for &i in &inputs {
            let row = &weights[i as usize * n..(i as usize + 1) * n];
            c.accumulate_row(&mut ws.input_sum, row);
        }
        for ((v, &r), &sum) in ws.v.iter_mut().zip(&ws.refractory).zip(&ws.input_sum) {
            // Computed for every neuron and kept for the free ones: a select, not a branch, so
            // the loop vectorises.
            let free = c.integrate_sum(c.leak(*v), sum);
            *v = if r == 0 { free } else { *v };
        }
        if ws.pending_inhibition > 0 {
            // (a) off: the inhibitory layer relays last step's spikes now.
            let k = ws.pending_inhibition;
            for j in 0..n {
                ws.v[j] = c.relay_inhibition(ws.v[j], inhibition, k, ws.fired_last[j] != 0);
            }
            ws.pending_inhibition = 0;
        }
        stats.neuron_updates += n as u64;
        stats.synaptic_ops += (inputs.len() * n) as u64;
        // 3. Fire, reset, theta.
        let theta: &[i32] = match (&frozen, &learning) {
            (Some((_, th)), _) => th,
            (None, Some(l)) => l.theta,
            _ => unreachable!(),
        };
        ws.fired.clear();
        for (j, ((&v, &r), &th)) in ws.v.iter().zip(&ws.refractory).zip(theta).enumerate() {
            if c.fires(v, r, th) {
                ws.fired.push(j as u32);
            }
        }
        for &j in &ws.fired {
            let j = j as usize;
            ws.v[j] = 0;
            ws.refractory[j] = c.refractory_start();
            ws.counts[j] += 1;
        }
        if let Some(l) = learning.as_mut() {
            for &j in &ws.fired {
                let th = &mut l.theta[j as usize];
                *th = c.bump_theta(*th);
            }
        }
        // 4. Lateral inhibition.
        let k = ws.fired.len() as i32;
        if k > 0 {
            if m.direct_inhibition {
                // Neurons held at reset (refractory, which includes those that just fired) are
                // not inhibited; a neuron that fired with no refractory period is reset after.
                for j in 0..n {
                    if ws.refractory[j] == 0 {
                        ws.v[j] = c.inhibit(ws.v[j], inhibition, k as u32);
                    }
                }
                for &j in &ws.fired {
                    ws.v[j as usize] = 0;
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
                    depress_row(l, c, ws, i as usize, t, n, &mut observer, attempt);
                }
            }
            for &j in &ws.fired {
                potentiate_column(
                    l,
                    c,
                    ws,
                    j as usize,
                    t,
                    n,
                    p.rounding,
                    &mut observer,
                    attempt,
                );
            }
        }
        if let Some(o) = observer.as_deref_mut() {
            o.step(attempt, t, &inputs, &ws.fired);
        }
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

/// Post-synaptic STDP of FSpiNN: at a spike of neuron j, every input weight moves by
/// `eta * (x_pre - x_tar)`: inputs that spiked recently grow, the others shrink.
#[allow(clippy::too_many_arguments)]
fn potentiate_column(
    l: &mut Learning<'_>,
    c: &FspinnConsts,
    ws: &FspinnWorkspace,
    j: usize,
    t: u32,
    n: usize,
    rounding: Rounding,
    observer: &mut Option<&mut dyn StepObserver>,
    attempt: u32,
) {
    for i in 0..ws.last_pre.len() {
        let age = (ws.last_pre[i] != NEVER).then(|| t - ws.last_pre[i]);
        let random = l.rounding_lfsr.next16() as u32;
        let delta = c.potentiation(age, l.eta_post_q16, rounding, random);
        if delta == 0 {
            continue;
        }
        l.updates += 1;
        let idx = i * n + j;
        match l.batch.as_mut() {
            Some(b) => b[idx] += delta,
            None => {
                let w = &mut l.weights[idx];
                *w = c.apply_delta(*w, delta);
                if let Some(o) = observer.as_deref_mut() {
                    o.weight_write(attempt, t, i, j, *w);
                }
            }
        }
    }
}

/// (b) off: depression at an input spike, `w -= eta_pre * x_post` over the neurons that spiked.
#[allow(clippy::too_many_arguments)]
fn depress_row(
    l: &mut Learning<'_>,
    c: &FspinnConsts,
    ws: &FspinnWorkspace,
    i: usize,
    t: u32,
    n: usize,
    observer: &mut Option<&mut dyn StepObserver>,
    attempt: u32,
) {
    for j in 0..n {
        if ws.last_post[j] == NEVER {
            continue;
        }
        let random = l.rounding_lfsr.next16() as u32;
        let delta = c.depression(t - ws.last_post[j], random);
        if delta == 0 {
            continue;
        }
        l.updates += 1;
        let idx = i * n + j;
        match l.batch.as_mut() {
            Some(b) => b[idx] -= delta,
            None => {
                let w = &mut l.weights[idx];
                *w = c.apply_delta(*w, -delta);
                if let Some(o) = observer.as_deref_mut() {
                    o.weight_write(attempt, t, i, j, *w);
                }
            }
        }
    }
}
