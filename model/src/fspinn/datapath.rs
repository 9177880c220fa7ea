//! The per-neuron and per-synapse operations of the FSpiNN datapath, each a small pure function
//! over raw integers. The fixed-point network (L1) and the cycle model (L2) both call these and
//! nothing else for arithmetic, so the two cannot compute differently; the RTL (L3) implements
//! each as a combinational block of the same name. docs/datapath.md, "Network datapath", is the
//! written contract.

use super::consts::FspinnConsts;
use crate::fixed::{decay_floor, decay_shift, sat_add, sat_sub, shift_round, Rounding};

impl FspinnConsts {
    /// Step 2, leak of a neuron that is not refractory: `v - floor(v / 2^leak_shift)`, the
    /// truncating [`decay_shift`](crate::fixed::decay_shift) in its 32-bit form
    /// ([`decay_floor`]), which the per-neuron loop vectorises (the datapath and its RTL leaf
    /// take any shift up to MAX_SHIFT; `new` allows 1..=16).
    #[inline]
    pub fn leak(&self, v: i32) -> i32 {
        decay_floor(v, self.leak_shift)
    }

    /// Step 2, what one synaptic event adds: the weight code moved to membrane units (a left
    /// shift for codes of at most 8 bits, a truncating right shift for wider ones). Always in
    /// [0, 256).
    #[inline]
    pub fn weight_in_membrane_units(&self, weight: u16) -> i32 {
        if self.w_to_v_shift >= 0 {
            (weight as i32) << self.w_to_v_shift
        } else {
            (weight as i32) >> -self.w_to_v_shift
        }
    }

    /// Step 2, one synaptic accumulation: the weight code moved to membrane units, added with
    /// saturation.
    #[inline]
    pub fn integrate(&self, v: i32, weight: u16) -> i32 {
        sat_add(v, self.weight_in_membrane_units(weight), self.v_fmt)
    }

    /// Step 2 for every input spike of a step at once: `sum` is the sum of
    /// [`weight_in_membrane_units`](Self::weight_in_membrane_units) over the step's input spikes
    /// (see [`accumulate_row`](Self::accumulate_row)). Equal to [`integrate`](Self::integrate)
    /// applied once per spike, in any order: every addend is non-negative and `v` starts inside
    /// the membrane format, so saturating once at the top gives what saturating after each add
    /// gives. The software model sums a row of weights per input spike in a vectorisable loop
    /// and saturates once per neuron; the hardware saturates per add, with the same result.
    #[inline]
    pub fn integrate_sum(&self, v: i32, sum: i32) -> i32 {
        // v is in the membrane format (at most 24 bits) and 0 <= sum < 2^24, so v + sum cannot
        // leave i32 and cannot fall below v: a plain add and the upper clamp are sat_add's
        // result, without the saturating add that SSE lacks for 32-bit lanes (debug builds
        // check the premise).
        debug_assert!(self.v_fmt.contains(v.into()) && (0..1 << 24).contains(&sum));
        (v + sum).min(self.v_fmt.max_raw())
    }

    /// Step 2: adds one input spike's weight row, in membrane units, to the per-neuron sums for
    /// [`integrate_sum`](Self::integrate_sum). A sum stays below 2^24 for up to 65,536 inputs.
    #[inline]
    pub fn accumulate_row(&self, sums: &mut [i32], row: &[u16]) {
        // One branch per row, not per weight, so that the loops vectorise.
        if self.w_to_v_shift >= 0 {
            let s = self.w_to_v_shift as u32;
            for (sum, &w) in sums.iter_mut().zip(row) {
                *sum += (w as i32) << s;
            }
        } else {
            let s = (-self.w_to_v_shift) as u32;
            for (sum, &w) in sums.iter_mut().zip(row) {
                *sum += (w as i32) >> s;
            }
        }
    }

    /// Step 2 for all of a step's input spikes: `sums[j]` becomes the sum over `inputs` of
    /// [`weight_in_membrane_units`](Self::weight_in_membrane_units) of `weights[i * n + j]`,
    /// exactly what [`accumulate_row`](Self::accumulate_row) gives row by row (integer sums, so
    /// the order does not matter). When a weight is at most 255 membrane units (weights of up
    /// to 8 bits), 32 neurons at a time are summed over up to 128 rows in 16-bit lanes held in
    /// registers (128 x 255 < 2^15, so they cannot overflow), which vectorises eight to a
    /// register and reads each row once without writing the sums back per row.
    pub fn accumulate_rows(&self, sums: &mut [i32], weights: &[u16], inputs: &[u16], n: usize) {
        self.accumulate_rows_from(sums, weights, inputs, n, 0);
    }

    /// [`accumulate_rows`](Self::accumulate_rows) for the block of neurons `lo..lo +
    /// sums.len()`: `sums[k]` is neuron `lo + k`'s sum. Each neuron's sum is the same integer
    /// whatever the block, which lets training split a step's neurons across threads.
    pub fn accumulate_rows_from(
        &self,
        sums: &mut [i32],
        weights: &[u16],
        inputs: &[u16],
        n: usize,
        lo: usize,
    ) {
        const LANES: usize = 32;
        const BATCH: usize = 128;
        sums.fill(0);
        let m = sums.len();
        let row = |i: u16| &weights[i as usize * n + lo..i as usize * n + lo + m];
        let narrow = self.w_to_v_shift >= 0 && (self.w_max << self.w_to_v_shift) <= 255;
        if !narrow {
            for &i in inputs {
                self.accumulate_row(sums, row(i));
            }
            return;
        }
        let shift = self.w_to_v_shift as u32;
        let blocks = m / LANES * LANES;
        for batch in inputs.chunks(BATCH) {
            for (b, block) in sums[..blocks].chunks_exact_mut(LANES).enumerate() {
                let mut acc = [0i16; LANES];
                for &i in batch {
                    let lanes = &row(i)[b * LANES..(b + 1) * LANES];
                    for (a, &w) in acc.iter_mut().zip(lanes) {
                        *a += (w << shift) as i16;
                    }
                }
                for (sum, &a) in block.iter_mut().zip(&acc) {
                    *sum += a as i32;
                }
            }
            for &i in batch {
                self.accumulate_row(&mut sums[blocks..], &row(i)[blocks..]);
            }
        }
    }

    /// Step 2 with mechanism (a) off: the inhibitory layer relays the previous step's `k_prev`
    /// spikes, all but the neuron's own (`fired_prev`).
    #[inline]
    pub fn relay_inhibition(&self, v: i32, inhibition: i32, k_prev: u32, fired_prev: bool) -> i32 {
        let others = k_prev as i32 - fired_prev as i32;
        if others > 0 {
            sat_sub(v, inhibition * others, self.v_fmt)
        } else {
            v
        }
    }

    /// Step 3: a free neuron fires when its potential exceeds the threshold plus its offset.
    #[inline]
    pub fn fires(&self, v: i32, refractory: u8, theta: i32) -> bool {
        // `&`, not `&&`: both sides are cheap, and a branch-free test vectorises.
        (refractory == 0) & (v > self.v_thresh + theta)
    }

    /// The refractory count a neuron takes when it fires: counted down at the end of every step,
    /// so it is held for `refractory_steps` steps after this one.
    #[inline]
    pub fn refractory_start(&self) -> u8 {
        (self.refractory_steps + 1) as u8
    }

    /// Step 3 in training: the threshold offset of a neuron that fired grows by `theta_plus`.
    #[inline]
    pub fn bump_theta(&self, theta: i32) -> i32 {
        self.theta_fmt
            .saturate(theta as i64 + self.theta_plus as i64)
            .0
    }

    /// Step 4 (mechanism (a) on): a free neuron loses `inhibition` per neuron that fired.
    #[inline]
    pub fn inhibit(&self, v: i32, inhibition: i32, fired: u32) -> i32 {
        sat_sub(v, inhibition * fired as i32, self.v_fmt)
    }

    /// Step 5, potentiation at a post spike: the change of one input weight from that input's
    /// trace (`age` steps since its spike, `None` if it has not spiked), with the potentiation
    /// factor `eta_post_q16` of this image and one 16-bit draw for stochastic rounding.
    #[inline]
    pub fn potentiation(
        &self,
        pre_age: Option<u32>,
        eta_post_q16: i64,
        rounding: Rounding,
        random: u32,
    ) -> i32 {
        let diff = (self.trace(pre_age) - self.x_tar) as i64;
        shift_round(diff * eta_post_q16, 16, rounding, random) as i32
    }

    /// Step 5 with mechanism (b) off: the depression of one weight at an input spike, from the
    /// post trace of a neuron that spiked `post_age` steps ago (always stochastically rounded).
    #[inline]
    pub fn depression(&self, post_age: u32, random: u32) -> i32 {
        let x_post = self.trace(Some(post_age)) as i64;
        shift_round(x_post * self.eta_pre_q16, 16, Rounding::Stochastic, random) as i32
    }

    /// Mechanism (e) with the `wins` schedule: how many whole `theta_step`s a neuron's threshold
    /// offset has reached (a few compares against constants in hardware).
    #[inline]
    pub fn theta_steps(&self, theta: i32) -> u32 {
        (theta.max(0) / self.theta_step) as u32
    }

    /// The potentiation factor `eta_post * 2^(doublings - halvings)` (Q16), truncating.
    #[inline]
    pub fn scaled_potentiation_rate(&self, doublings: u32, halvings: u32) -> i64 {
        (self.eta_post_q16 << doublings) >> halvings
    }

    /// A weight after a change, clamped to the code range.
    #[inline]
    pub fn apply_delta(&self, weight: u16, delta: i32) -> u16 {
        (weight as i32 + delta).clamp(0, self.w_max) as u16
    }

    /// Normalisation, per neuron: the Q16 factor that scales a column summing to `sum` to the
    /// target (2^16, i.e. unchanged, for an all-zero column).
    #[inline]
    pub fn norm_factor(&self, sum: i64) -> i64 {
        if sum > 0 {
            (self.norm_target << 16) / sum
        } else {
            1 << 16
        }
    }

    /// Normalisation, per weight: `min(w_max, round_nearest(w * factor / 2^16))`.
    #[inline]
    pub fn normalize_weight(&self, weight: u16, factor: i64) -> u16 {
        shift_round(weight as i64 * factor, 16, Rounding::Nearest, 0).clamp(0, self.w_max as i64)
            as u16
    }

    /// [`normalize_weight`](Self::normalize_weight) for a factor near one, `2^16 + delta`, in
    /// 16 x 16-bit products that vectorise eight to a register where the 64-bit products of the
    /// general form take two: `w * factor = w * 2^16 + w * delta`, so the rounded quotient is
    /// `w + floor(p / 2^16) + bit 15 of p` with `p = w * delta`. Equal to
    /// `normalize_weight(weight, 2^16 + delta)` for `weight < 2^15` (weights of at most 15 bits).
    #[inline]
    pub fn normalize_weight_near_one(&self, weight: u16, delta: i16) -> u16 {
        debug_assert!(weight < 1 << 15);
        let w = weight as i16 as i32;
        let p = w * delta as i32;
        (w + (p >> 16) + ((p >> 15) & 1)).clamp(0, self.w_max) as u16
    }

    /// After a training attempt: the threshold offset decays by `theta >> shift`, stochastically
    /// rounded with a 32-bit draw.
    #[inline]
    pub fn decay_theta(&self, theta: i32, shift: u32, random: u32) -> i32 {
        decay_shift(theta, shift, Rounding::Stochastic, random, self.theta_fmt)
    }

    /// (f): after each training attempt, move the inhibition 1/16 of the way up when the layer
    /// fired more than the target, down when fewer (a shift and an add in hardware).
    pub fn adapt_inhibition(&self, inhibition: i32, spikes: u64, target: u32) -> i32 {
        let step = (inhibition >> 4).max(1);
        let next = match spikes.cmp(&(target as u64)) {
            std::cmp::Ordering::Greater => inhibition + step,
            std::cmp::Ordering::Less => inhibition - step,
            std::cmp::Ordering::Equal => inhibition,
        };
        self.hold_inhibition(next)
    }

    /// (f)'s range for the inhibition: from a quarter of the threshold up to the membrane
    /// format's top. Every value the register takes, adapted or set after training, is in it.
    pub fn hold_inhibition(&self, inhibition: i32) -> i32 {
        inhibition.clamp(self.v_thresh >> 2, self.v_fmt.max_raw())
    }
}
