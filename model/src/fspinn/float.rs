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
//! Every decision the two networks share is made by the same code: the presentation loop itself
//! (present.rs, generic over the arithmetic; this file only supplies the f32 arithmetic), the
//! repeat-while-quiet rule (`repeat_while_quiet`), the decay shift
//! ([`theta_decay_shift`](super::theta_decay_shift)), the potentiation schedule
//! ([`potentiation_halvings`](super::potentiation_halvings)), the step count and parameter checks
//! (`FspinnConsts`), and the input spikes (the LFSR generator, seeded from the same sample seed).

use super::consts::FspinnConsts;
use super::network::FspinnNetwork;
use super::params::FspinnParams;
use super::present::{self, FspinnArithmetic};
use super::state::FspinnF32Workspace;
use crate::baseline::PresentationStats;
use crate::error::ModelError;
use crate::fixed::{Lfsr32, QFormat, Rounding};
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

/// Learned state of the f32 FSpiNN network.
#[derive(Clone, Debug)]
pub struct FspinnF32Network {
    params: FspinnParams,
    /// The f32 arithmetic of the presentation loop, from `params`.
    arith: F32Arithmetic,
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
        crate::limits::check_shape(n_inputs, n_neurons)?;
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
        let arith = F32Arithmetic::new(&params, steps);
        if n_neurons == 0 || n_inputs == 0 || n_inputs > u16::MAX as usize + 1 {
            return Err(ModelError::Shape(format!(
                "{n_inputs} inputs x {n_neurons} neurons"
            )));
        }
        crate::validate::state_shape(weights.len(), theta.len(), n_inputs, n_neurons)?;
        if let Some(i) = weights.iter().position(|w| !(0.0..=1.0).contains(w)) {
            return Err(ModelError::Shape(format!(
                "weights[{i}] = {}: must be finite, from 0 to 1",
                weights[i]
            )));
        }
        if let Some(i) = theta.iter().position(|t| !(t.is_finite() && *t >= 0.0)) {
            return Err(ModelError::Shape(format!(
                "theta[{i}] = {} mV: must be finite and at least 0",
                theta[i]
            )));
        }
        if !(inhibition.is_finite() && inhibition >= 0.0) {
            return Err(ModelError::Shape(format!(
                "inhibition = {inhibition} mV: must be finite and at least 0"
            )));
        }
        Ok(FspinnF32Network {
            params,
            arith,
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

    /// [`super::FspinnNetwork::retire_unrecruited`] in f32: offsets below half of
    /// `theta_target_mv` become the integer format's top in mV (the value post-training
    /// quantisation gives it). Returns how many.
    pub fn retire_unrecruited(&mut self) -> Result<usize, ModelError> {
        let (floor, top) = (self.params.theta_target_mv / 2.0, self.retired_offset()?);
        Ok(super::network::retire_below(&mut self.theta, floor, top))
    }

    /// The offset of a retired neuron (mV): the integer format's top.
    fn retired_offset(&self) -> Result<f32, ModelError> {
        let fmt = FspinnConsts::new(&self.params)?.theta_fmt;
        Ok(fmt.to_f64(fmt.max_raw()) as f32)
    }

    /// Neurons whose offset is the retired one.
    pub fn retired(&self) -> Result<usize, ModelError> {
        let top = self.retired_offset()?;
        Ok(self.theta.iter().filter(|&&th| th == top).count())
    }
    /// Lateral inhibition in mV.
    pub fn inhibition(&self) -> f32 {
        self.inhibition
    }
    /// [`super::FspinnNetwork::set_inhibition_mv`] in f32: held at (f)'s floor, a quarter of
    /// the threshold, with no ceiling (the f32 network does not saturate); returns the value
    /// held.
    pub fn set_inhibition_mv(&mut self, mv: f64) -> f64 {
        self.inhibition = (mv as f32).max(inhibition_floor(&self.params));
        f64::from(self.inhibition)
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
        let stats = present::train_sample(
            &self.arith,
            &self.params,
            self.samples_seen,
            &mut self.weights,
            &mut self.theta,
            &mut self.inhibition,
            // The f32 normalisation keeps nothing between attempts.
            &mut present::ColumnCache::default(),
            ws,
            image,
            sample_seed,
            None,
        );
        self.samples_seen += 1;
        stats
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
        present::infer_sample(
            &self.arith,
            &self.params,
            &self.weights,
            &self.theta,
            self.inhibition,
            ws,
            image,
            sample_seed,
            None,
        )
    }
}

/// (f) in f32: after each training attempt the inhibition moves exactly 1/16 of its value up
/// when the layer fired more than `target_spikes`, down when fewer; it never goes below a
/// quarter of the firing threshold (the integer network's floor; its ceiling, the membrane
/// format's maximum, has no f32 counterpart).
pub fn adapt_inhibition(p: &FspinnParams, inhibition: f32, spikes: u64) -> f32 {
    adapt(inhibition, spikes, p.target_spikes, inhibition_floor(p))
}

/// (f)'s floor for the inhibition in f32, a quarter of the threshold (the integer network's
/// floor; [`FspinnConsts::hold_inhibition`]).
fn inhibition_floor(p: &FspinnParams) -> f32 {
    p.v_thresh_mv / 4.0
}

/// [`adapt_inhibition`] with the target and the floor given.
fn adapt(inhibition: f32, spikes: u64, target: u32, floor: f32) -> f32 {
    let step = inhibition / 16.0;
    let next = match spikes.cmp(&(target as u64)) {
        std::cmp::Ordering::Greater => inhibition + step,
        std::cmp::Ordering::Less => inhibition - step,
        std::cmp::Ordering::Equal => inhibition,
    };
    next.max(floor)
}

/// The f32 arithmetic of the presentation loop: the design values themselves, added and
/// multiplied in f32 without rounding to formats or saturating, and no random draws.
#[derive(Clone, Debug)]
struct F32Arithmetic {
    steps: u32,
    /// `2^-leak_shift`: the leak is `v -= v * leak`.
    leak: f32,
    refractory_start: u8,
    v_thresh: f32,
    theta_plus: f32,
    trace_half_life: u32,
    x_tar: f32,
    nu_post: f32,
    nu_pre: f32,
    /// (f)'s floor: a quarter of the firing threshold.
    inhibition_floor: f32,
    /// (e), `wins`: the threshold offset per halving (mV).
    theta_step: f32,
}

impl F32Arithmetic {
    fn new(p: &FspinnParams, steps: u32) -> Self {
        F32Arithmetic {
            steps,
            leak: 0.5f32.powi(p.leak_shift as i32),
            refractory_start: (p.refractory_steps + 1) as u8,
            v_thresh: p.v_thresh_mv,
            theta_plus: p.theta_plus_mv,
            trace_half_life: p.trace_half_life_steps,
            x_tar: p.x_tar,
            nu_post: p.nu_post,
            nu_pre: p.nu_pre,
            inhibition_floor: inhibition_floor(p),
            theta_step: p.potentiation_theta_step_mv,
        }
    }
}

impl FspinnArithmetic for F32Arithmetic {
    type Weight = f32;
    type Potential = f32;
    type Delta = f32;
    type Rate = f32;
    type Columns = ();

    #[inline]
    fn steps(&self) -> u32 {
        self.steps
    }

    /// Leak first, then one add per input spike in the order of the spikes (f32 addition does
    /// not reassociate, so no per-step sum: `sums` is unused).
    #[inline]
    fn integrate_step(
        &self,
        v: &mut [f32],
        refractory: &[u8],
        _sums: &mut [f32],
        inputs: &[u16],
        weights: &[f32],
        n: usize,
        lo: usize,
    ) {
        for (v, &r) in v.iter_mut().zip(refractory) {
            if r == 0 {
                *v -= *v * self.leak;
            }
        }
        let m = v.len();
        for &i in inputs {
            let row = &weights[i as usize * n + lo..i as usize * n + lo + m];
            for ((v, &r), &w) in v.iter_mut().zip(refractory).zip(row) {
                if r == 0 {
                    *v += w;
                }
            }
        }
    }

    #[inline]
    fn relay_inhibition(&self, v: f32, inhibition: f32, k_prev: u32, fired_prev: bool) -> f32 {
        let others = k_prev as i32 - fired_prev as i32;
        if others > 0 {
            v - inhibition * others as f32
        } else {
            v
        }
    }

    #[inline]
    fn fires(&self, v: f32, refractory: u8, theta: f32) -> bool {
        refractory == 0 && v > self.v_thresh + theta
    }

    #[inline]
    fn refractory_start(&self) -> u8 {
        self.refractory_start
    }

    #[inline]
    fn bump_theta(&self, theta: f32) -> f32 {
        theta + self.theta_plus
    }

    #[inline]
    fn inhibit(&self, v: f32, inhibition: f32, fired: u32) -> f32 {
        v - inhibition * fired as f32
    }

    /// `nu_post * (x_pre - x_tar)`, unrounded.
    #[inline]
    fn potentiate(
        &self,
        pre_age: Option<u32>,
        rate: f32,
        _rounding: Rounding,
        _lfsr: &mut Lfsr32,
    ) -> f32 {
        rate * (staircase_trace(pre_age, self.trace_half_life) - self.x_tar)
    }

    /// `nu_pre * x_post`, unrounded.
    #[inline]
    fn depress(&self, post_age: u32, _lfsr: &mut Lfsr32) -> f32 {
        self.nu_pre * staircase_trace(Some(post_age), self.trace_half_life)
    }

    /// Clamped to [0, 1].
    #[inline]
    fn apply_delta(&self, weight: f32, delta: f32) -> f32 {
        (weight + delta).clamp(0.0, 1.0)
    }

    #[inline]
    fn negate(delta: f32) -> f32 {
        -delta
    }

    #[inline]
    fn weight_code(_weight: f32) -> Option<u16> {
        None
    }

    fn scaled_rate(&self, doublings: u32, halvings: u32) -> f32 {
        self.nu_post * 2f32.powi(doublings as i32 - halvings as i32)
    }

    fn theta_steps(&self, theta: f32) -> u32 {
        (theta.max(0.0) / self.theta_step) as u32
    }

    /// Scales each column to sum to [`NORM_TARGET`] exactly (weights that would exceed 1 are
    /// clamped to 1, as the integer codes clamp at their maximum).
    fn normalize(&self, weights: &mut [f32], n: usize) -> u64 {
        let sums = present::column_sums(weights, n, |w| w as f64);
        let factors: Vec<f64> = sums
            .iter()
            .map(|&s| if s > 0.0 { NORM_TARGET as f64 / s } else { 1.0 })
            .collect();
        present::scale_columns(weights, &factors, |w, f| (w as f64 * f).min(1.0) as f32);
        weights.len() as u64
    }

    /// `theta -= theta * 2^-shift`, exactly.
    fn decay_thetas(&self, theta: &mut [f32], shift: u32, _sample_seed: u32, _attempt: u32) {
        let decay = 0.5f32.powi(shift as i32);
        for th in theta.iter_mut() {
            *th -= *th * decay;
        }
    }

    fn adapt_inhibition(&self, inhibition: f32, spikes: u64, target: u32) -> f32 {
        adapt(inhibition, spikes, target, self.inhibition_floor)
    }
}
