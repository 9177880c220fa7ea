//! The FSpiNN network in the integer datapath (layer L1): weights, thresholds and the presentation
//! of an image, step by step in the order of docs/datapath.md ("Network datapath"):
//! 1 input spikes from the LFSR generator; 2 leak, refractory count-down and synaptic
//! accumulation; 3 fire, reset, theta; 4 lateral inhibition; 5 learn at post spikes.

use super::consts::FspinnConsts;
use super::params::{FspinnParams, PotentiationSchedule};
use super::present::{self, ColumnCache, FspinnArithmetic};
use super::state::FspinnWorkspace;
use crate::baseline::PresentationStats;
use crate::error::ModelError;
use crate::fixed::{input_seed, Lfsr32, Rounding};
use crate::rng::Rng;
use std::ops::AddAssign;

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
    if p.mechanisms.adaptive_potentiation && p.potentiation_schedule == PotentiationSchedule::Images
    {
        (samples_seen / p.potentiation_half_life.max(1) as u64).min(MAX_HALVINGS) as u32
    } else {
        0
    }
}

/// The most halvings mechanism (e) applies to `nu_post`.
pub const MAX_HALVINGS: u64 = 3;

/// Mechanism (e) per neuron, shared by the integer and the f32 network: the (doublings,
/// halvings) of `nu_post` for a neuron whose threshold offset has reached `steps` whole
/// `potentiation_theta_step_mv` steps, after `samples_seen` training images; the neuron's rate is
/// `nu_post * 2^(doublings - halvings)`. `None` when every neuron learns at the layer's rate
/// ([`potentiation_factor`]): the image schedule without `recruit_boost`, or (e) off.
///
/// - `wins`: `recruit_boost` doublings, and one halving per step up to `3 + recruit_boost`, so
///   a neuron below one step learns `2^recruit_boost` times faster than `nu_post` and one past
///   `3 + recruit_boost` steps at `nu_post / 8`, the image schedule's last stage.
/// - `images` with `recruit_boost`: the layer's halvings, and `recruit_boost` doublings for a
///   neuron still below one step (a recruit's first wins imprint their images strongly).
pub fn neuron_rate_shifts(p: &FspinnParams, samples_seen: u64, steps: u32) -> Option<(u32, u32)> {
    if !p.mechanisms.adaptive_potentiation {
        return None;
    }
    let boost = p.recruit_boost;
    match p.potentiation_schedule {
        PotentiationSchedule::Wins => Some((boost, steps.min(MAX_HALVINGS as u32 + boost))),
        PotentiationSchedule::Images if boost > 0 => Some((
            if steps == 0 { boost } else { 0 },
            potentiation_halvings(p, samples_seen),
        )),
        PotentiationSchedule::Images => None,
    }
}

/// The potentiation factor (Q16) after `samples_seen` training images: `eta_post` halved by
/// mechanism (e) once per `potentiation_half_life` images, at most three times. The host of the
/// accelerator computes it per image and writes it into a register.
pub fn potentiation_factor(p: &FspinnParams, c: &FspinnConsts, samples_seen: u64) -> i64 {
    c.potentiation_rate(potentiation_halvings(p, samples_seen))
}

/// Sets every threshold offset below `floor` to `top` and returns how many: the retiring step
/// of both FSpiNN networks (integer offsets and f32 mV).
pub(crate) fn retire_below<T: PartialOrd + Copy>(theta: &mut [T], floor: T, top: T) -> usize {
    let mut retired = 0;
    for th in theta.iter_mut().filter(|th| **th < floor) {
        *th = top;
        retired += 1;
    }
    retired
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
    /// The normalisation's column statistics between training attempts (not stored: a network
    /// built from parts starts without them).
    columns: ColumnCache<ColumnStats>,
}

impl FspinnNetwork {
    /// A fresh network: weights uniform in [0, init_max), thresholds at 0.
    pub fn new(
        params: FspinnParams,
        n_inputs: usize,
        n_neurons: usize,
        rng: &mut Rng,
    ) -> Result<Self, ModelError> {
        crate::limits::check_shape(n_inputs, n_neurons)?;
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
        if let Some(i) = weights.iter().position(|&w| w as i32 > consts.w_max) {
            return Err(ModelError::Shape(format!(
                "weights[{i}] = {}: the weight code does not fit {} bits",
                weights[i], params.formats.weight_bits
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
            columns: ColumnCache::default(),
        })
    }

    pub fn params(&self) -> &FspinnParams {
        &self.params
    }

    /// The threshold offset a recruited neuron has reached by the end of training: half of
    /// `theta_target_mv`, in membrane units. After one pass the offsets are bimodal: neurons
    /// that trained hold 20-80 mV, the ones that never took images under 11 mV
    /// (docs/fspinn.md, "Retiring unrecruited neurons").
    pub fn recruited_offset(&self) -> i32 {
        let half = f64::from(self.params.theta_target_mv) / 2.0;
        self.consts.theta_fmt.from_f64(half, Rounding::Nearest, 0)
    }

    /// The threshold offset of a retired neuron: the top of its format, beyond any membrane
    /// potential (`v_thresh + theta` then exceeds the membrane format's maximum).
    pub fn retired_offset(&self) -> i32 {
        self.consts.theta_fmt.max_raw()
    }

    /// Retires the neurons training never recruited (offset below [`Self::recruited_offset`])
    /// by setting their offset to [`Self::retired_offset`]: they no longer fire, so they take
    /// no label and no test image. Returns how many; a second call retires none.
    pub fn retire_unrecruited(&mut self) -> usize {
        let (floor, top) = (self.recruited_offset(), self.retired_offset());
        retire_below(&mut self.theta, floor, top)
    }

    /// Neurons whose offset is [`Self::retired_offset`].
    pub fn retired(&self) -> usize {
        let top = self.retired_offset();
        self.theta.iter().filter(|&&th| th == top).count()
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
    /// The lateral inhibition per spike in mV.
    pub fn inhibition_mv(&self) -> f64 {
        self.consts.v_fmt.to_f64(self.inhibition)
    }
    /// The inhibition the design starts from (`inhibition_mv`), in mV as the datapath holds it.
    pub fn start_inhibition_mv(&self) -> f64 {
        self.consts.v_fmt.to_f64(self.consts.inhibition)
    }
    /// Sets the lateral inhibition to `mv`, rounded to nearest in the membrane format and held
    /// in mechanism (f)'s range (a quarter of the threshold up to the format's top), so a value
    /// set here is one (f) could have reached; returns the value held, mV.
    pub fn set_inhibition_mv(&mut self, mv: f64) -> f64 {
        let raw = self.consts.v_fmt.from_f64(mv, Rounding::Nearest, 0);
        self.inhibition = self.consts.hold_inhibition(raw);
        self.inhibition_mv()
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
        observer: Option<&mut dyn StepObserver>,
    ) -> PresentationStats {
        let stats = present::train_sample(
            &self.consts,
            &self.params,
            self.samples_seen,
            &mut self.weights,
            &mut self.theta,
            &mut self.inhibition,
            &mut self.columns,
            ws,
            image,
            sample_seed,
            observer,
        );
        self.samples_seen += 1;
        stats
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
        observer: Option<&mut dyn StepObserver>,
    ) -> PresentationStats {
        present::infer_sample(
            &self.consts,
            &self.params,
            &self.weights,
            &self.theta,
            self.inhibition,
            ws,
            image,
            sample_seed,
            observer,
        )
    }
}

/// The integer datapath as the presentation loop's arithmetic: every method is a datapath
/// operation of datapath.rs (shared with the cycle model), or a loop over them in the order
/// the software model has always used (the vectorised step 2, the normalisation).
impl FspinnArithmetic for FspinnConsts {
    type Weight = u16;
    type Potential = i32;
    type Delta = i32;
    type Rate = i64;
    type Columns = ColumnStats;

    #[inline]
    fn steps(&self) -> u32 {
        self.steps
    }

    /// The step's synaptic input is summed per neuron first (a vectorised row add per input
    /// spike), then leak and the saturating add per free neuron: the same result as adding
    /// spike by spike (FspinnConsts::integrate_sum).
    #[inline]
    fn integrate_step(
        &self,
        v: &mut [i32],
        refractory: &[u8],
        sums: &mut [i32],
        inputs: &[u16],
        weights: &[u16],
        n: usize,
        lo: usize,
    ) {
        self.accumulate_rows_from(sums, weights, inputs, n, lo);
        for ((v, &r), &sum) in v.iter_mut().zip(refractory).zip(sums.iter()) {
            // Computed for every neuron and kept for the free ones: a select, not a branch, so
            // the loop vectorises.
            let free = self.integrate_sum(self.leak(*v), sum);
            *v = if r == 0 { free } else { *v };
        }
    }

    /// One pass over the block, 16 neurons at a time: the step's weight codes summed in 16-bit
    /// lanes held in registers, then leak, add, and the fire test of the 16 neurons, so that no
    /// per-neuron array is written and read back between steps 2 and 3. (With 32 lanes LLVM
    /// split them unevenly and reloaded them through the stack, a store-forwarding stall.)
    /// Weights wider than 8 bits in membrane units, or more than 128 input spikes in a step,
    /// take the two-pass form.
    #[allow(clippy::too_many_arguments)]
    fn integrate_and_test(
        &self,
        v: &mut [i32],
        refractory: &[u8],
        theta: &[i32],
        sums: &mut [i32],
        inputs: &[u16],
        weights: &[u16],
        n: usize,
        lo: usize,
        fired: &mut Vec<u32>,
    ) {
        const LANES: usize = 16;
        let narrow = self.w_to_v_shift >= 0 && (self.w_max << self.w_to_v_shift) <= 255;
        if !narrow || inputs.len() > 128 {
            self.integrate_step(v, refractory, sums, inputs, weights, n, lo);
            present::find_firing(self, v, refractory, theta, lo, fired);
            return;
        }
        let shift = self.w_to_v_shift as u32;
        let m = v.len();
        let groups = v
            .chunks_mut(LANES)
            .zip(refractory.chunks(LANES))
            .zip(theta.chunks(LANES));
        for (g, ((v, r), th)) in groups.enumerate() {
            let first = lo + g * LANES;
            if let (Ok(v), Ok(r), Ok(th)) = (
                <&mut [i32; LANES]>::try_from(&mut *v),
                <&[u8; LANES]>::try_from(r),
                <&[i32; LANES]>::try_from(th),
            ) {
                // 128 inputs x 255 < 2^15: the 16-bit lanes cannot overflow.
                // The codes are summed and the sum shifted once: (sum w) << s = sum (w << s),
                // as no sum reaches 2^15.
                let mut acc = [0u16; LANES];
                for &i in inputs {
                    let at = i as usize * n + first;
                    for (a, &w) in acc.iter_mut().zip(&weights[at..at + LANES]) {
                        *a += w;
                    }
                }
                for ((v, &r), &sum) in v.iter_mut().zip(r).zip(&acc) {
                    let free = self.integrate_sum(self.leak(*v), (sum as i32) << shift);
                    *v = if r == 0 { free } else { *v };
                }
                let any = v
                    .iter()
                    .zip(r)
                    .zip(th)
                    .fold(false, |any, ((&v, &r), &th)| any | self.fires(v, r, th));
                if any {
                    for k in 0..LANES {
                        if self.fires(v[k], r[k], th[k]) {
                            fired.push((first + k) as u32);
                        }
                    }
                }
            } else {
                // The last, partial group of the block.
                let tail = m - g * LANES;
                let sums = &mut sums[..tail];
                self.accumulate_rows_from(sums, weights, inputs, n, first);
                for ((v, &r), &sum) in v.iter_mut().zip(r).zip(sums.iter()) {
                    let free = self.integrate_sum(self.leak(*v), sum);
                    *v = if r == 0 { free } else { *v };
                }
                present::find_firing(self, v, r, th, first, fired);
            }
        }
    }

    #[inline]
    fn relay_inhibition(&self, v: i32, inhibition: i32, k_prev: u32, fired_prev: bool) -> i32 {
        FspinnConsts::relay_inhibition(self, v, inhibition, k_prev, fired_prev)
    }

    #[inline]
    fn fires(&self, v: i32, refractory: u8, theta: i32) -> bool {
        FspinnConsts::fires(self, v, refractory, theta)
    }

    #[inline]
    fn refractory_start(&self) -> u8 {
        FspinnConsts::refractory_start(self)
    }

    #[inline]
    fn bump_theta(&self, theta: i32) -> i32 {
        FspinnConsts::bump_theta(self, theta)
    }

    #[inline]
    fn inhibit(&self, v: i32, inhibition: i32, fired: u32) -> i32 {
        FspinnConsts::inhibit(self, v, inhibition, fired)
    }

    #[inline]
    fn potentiate(
        &self,
        pre_age: Option<u32>,
        rate: i64,
        rounding: Rounding,
        lfsr: &mut Lfsr32,
    ) -> i32 {
        let random = lfsr.next16() as u32;
        self.potentiation(pre_age, rate, rounding, random)
    }

    #[inline]
    fn depress(&self, post_age: u32, lfsr: &mut Lfsr32) -> i32 {
        let random = lfsr.next16() as u32;
        self.depression(post_age, random)
    }

    #[inline]
    fn apply_delta(&self, weight: u16, delta: i32) -> u16 {
        FspinnConsts::apply_delta(self, weight, delta)
    }

    #[inline]
    fn negate(delta: i32) -> i32 {
        -delta
    }

    #[inline]
    fn weight_code(weight: u16) -> Option<u16> {
        Some(weight)
    }

    fn scaled_rate(&self, doublings: u32, halvings: u32) -> i64 {
        self.scaled_potentiation_rate(doublings, halvings)
    }

    fn theta_steps(&self, theta: i32) -> u32 {
        FspinnConsts::theta_steps(self, theta)
    }

    /// Scales each neuron's weight column to sum to 78 (in weight units): one integer division
    /// per neuron, one multiply per weight, rounded to nearest.
    fn normalize(&self, weights: &mut [u16], n: usize) -> u64 {
        self.normalize_cached(weights, n, &mut ColumnCache::default())
    }

    /// [`normalize`](Self::normalize) with the column statistics kept between calls: only the
    /// columns learning touched since (the neurons that fired) and those the last
    /// normalisation moved are read again, a few dozen of thousands at N = 4900, where reading
    /// the whole layer every attempt took a fifth of the training time.
    fn normalize_cached(
        &self,
        weights: &mut [u16],
        n: usize,
        cache: &mut ColumnCache<ColumnStats>,
    ) -> u64 {
        let touched = std::mem::take(&mut cache.touched);
        let all = std::mem::replace(&mut cache.all, false);
        // Codes below 2^15 take the near-one path, which needs each column's largest weights too.
        if self.w_max >= 1 << 15 {
            cache.stats = None;
            let sums = present::column_sums(weights, n, |w| w as u32);
            let factors: Vec<i64> = sums.iter().map(|&s| self.norm_factor(s as i64)).collect();
            present::scale_columns(weights, &factors, |w, f| self.normalize_weight(w, f));
            return weights.len() as u64;
        }
        let top = self.w_max as u16;
        match cache.stats.as_mut() {
            Some(stats) if !all && stats.sums.len() == n => {
                for &j in &touched {
                    stats.refresh(weights, n, j as usize, top);
                }
            }
            _ => cache.stats = Some(column_stats(weights, n, top)),
        }
        let Some(stats) = cache.stats.as_mut() else {
            unreachable!("the statistics were just computed")
        };
        let factors: Vec<i64> = stats
            .sums
            .iter()
            .map(|&s| self.norm_factor(s as i64))
            .collect();
        // Factors are near one (2^16) once training has started: then the 16-bit form, which
        // vectorises best; else the general one. Both give normalize_weight's result.
        let deltas: Option<Vec<i16>> = factors
            .iter()
            .map(|&f| i16::try_from(f - (1 << 16)).ok())
            .collect();
        let Some(deltas) = deltas else {
            present::scale_columns(weights, &factors, |w, f| self.normalize_weight(w, f));
            cache.stats = None;
            return weights.len() as u64;
        };
        // Once training has started, a column's factor almost never moves any of its weights:
        // `w + round(w * delta / 2^16)` is `w` unless the product reaches half a unit, and a
        // weight clamped at the top cannot rise. The product grows with `w`, so the column's
        // largest weight (its largest below the top, for a factor above one) decides. Measured
        // at N = 400, 4-bit weights: about one column in 400 changes per attempt. Rescaling
        // only those gives what rescaling every weight gives.
        let moves = |j: usize| {
            let d = deltas[j] as i32;
            if d > 0 {
                stats.max_below_top[j] as i32 * d >= 1 << 15
            } else {
                (stats.max[j] as i32) * d < -(1 << 15)
            }
        };
        let moving: Vec<usize> = (0..n).filter(|&j| moves(j)).collect();
        if moving.len() * 8 < n {
            for &j in &moving {
                for w in weights.iter_mut().skip(j).step_by(n) {
                    *w = self.normalize_weight_near_one(*w, deltas[j]);
                }
                stats.refresh(weights, n, j, top);
            }
        } else {
            present::scale_columns(weights, &deltas, |w, d| {
                self.normalize_weight_near_one(w, d)
            });
            cache.stats = None;
        }
        weights.len() as u64
    }

    /// Stochastically rounded with two 16-bit draws per neuron from the attempt's decay stream.
    fn decay_thetas(&self, theta: &mut [i32], shift: u32, sample_seed: u32, attempt: u32) {
        let mut decay_lfsr = Lfsr32::new(input_seed(sample_seed, DECAY_STREAM + attempt));
        for th in theta.iter_mut() {
            let r = decay_lfsr.next16() as u32 | (decay_lfsr.next16() as u32) << 16;
            *th = self.decay_theta(*th, shift, r);
        }
    }

    fn adapt_inhibition(&self, inhibition: i32, spikes: u64, target: u32) -> i32 {
        FspinnConsts::adapt_inhibition(self, inhibition, spikes, target)
    }
}

/// What the integer normalisation needs of each neuron's weight column, in one pass over the
/// layer (row by row, so that it vectorises): the sum, the largest weight, and the largest
/// weight below the top code (0 when there is none).
#[derive(Clone, Debug)]
pub(crate) struct ColumnStats {
    sums: Vec<u32>,
    max: Vec<i16>,
    max_below_top: Vec<i16>,
}

impl ColumnStats {
    /// Reads column `j` again (strided, one weight per row), after it changed.
    fn refresh(&mut self, weights: &[u16], n: usize, j: usize, top: u16) {
        let (mut sum, mut max, mut below) = (0u32, 0u16, 0u16);
        for &w in weights.iter().skip(j).step_by(n) {
            sum += w as u32;
            max = max.max(w);
            below = below.max(if w < top { w } else { 0 });
        }
        self.sums[j] = sum;
        self.max[j] = max as i16;
        self.max_below_top[j] = below as i16;
    }
}

/// [`ColumnStats`] of codes below 2^15 (the near-one path). The maxima are taken as i16, which
/// SSE2 compares in one instruction, and the sums in 16 bits when no column can reach 2^16
/// (4-bit codes and 784 inputs: at most 11,760), eight lanes to a register instead of four.
fn column_stats(weights: &[u16], n: usize, top: u16) -> ColumnStats {
    debug_assert!(top < 1 << 15);
    let rows = weights.len() / n.max(1);
    if (rows as u64) * (top as u64) < 1 << 16 {
        column_stats_in::<u16>(weights, n, top as i16)
    } else {
        column_stats_in::<u32>(weights, n, top as i16)
    }
}

fn column_stats_in<S>(weights: &[u16], n: usize, top: i16) -> ColumnStats
where
    S: Copy + Default + From<u16> + AddAssign + Into<u32>,
{
    let mut sums = vec![S::default(); n];
    let mut max = vec![0i16; n];
    let mut max_below_top = vec![0i16; n];
    for row in weights.chunks_exact(n) {
        let columns = sums
            .iter_mut()
            .zip(max.iter_mut())
            .zip(max_below_top.iter_mut());
        for (((s, m), b), &w) in columns.zip(row) {
            *s += S::from(w);
            let w = w as i16;
            *m = (*m).max(w);
            *b = (*b).max(if w < top { w } else { 0 });
        }
    }
    ColumnStats {
        sums: sums.into_iter().map(Into::into).collect(),
        max,
        max_below_top,
    }
}
