//! The on-chip Poisson input spike generator (LFSR-and-compare), its seeds and its thresholds.
//!
//! Each input channel (pixel) has its own [`Lfsr32`], reseeded for every sample from a 32-bit
//! sample seed and the channel index ([`input_seed`]). At every presentation step each channel
//! with a non-zero threshold makes one 16-bit draw `r` ([`Lfsr32::next16`]) and spikes when
//! `r < threshold`, where `threshold = min(0xFFFF, (pixel * rate_q24) >> 8)`
//! ([`spike_threshold`]) is the spike probability per step in unsigned Q0.16. The cycle model
//! (L2) and the RTL (L3) reproduce every spike of [`SpikeGenerator`]; the contract is written out
//! in `docs/datapath.md`, "Input spike generator".

use super::lfsr::Lfsr32;

/// The MurmurHash3 32-bit finaliser: a bijection of `u32` whose output bits each depend on all
/// input bits.
///
/// `x ^= x >> 16; x *= 0x85EB_CA6B; x ^= x >> 13; x *= 0xC2B2_AE35; x ^= x >> 16` (wrapping
/// multiplies). It exists to make seeds non-linear in the channel index and the sample seed: the
/// LFSR is linear over GF(2), so seeds that are linearly related (the former `channel_seed`
/// formula put 198 channel pairs of run seed 0 one shift apart) give correlated streams. The
/// carries of the two multiplies break XOR relations, though not doubling (see [`input_seed`]). Each step is
/// invertible (an xorshift, or a multiply by an odd constant), so distinct inputs give distinct
/// outputs; `fmix32(0) = 0`. In RTL: two 32x32 multipliers keeping the low 32 bits and
/// three XOR layers.
pub fn fmix32(mut x: u32) -> u32 {
    x ^= x >> 16;
    x = x.wrapping_mul(0x85EB_CA6B);
    x ^= x >> 13;
    x = x.wrapping_mul(0xC2B2_AE35);
    x ^ (x >> 16)
}

/// Added to the channel index before hashing (2^32 divided by the golden ratio, odd): it removes
/// the power-of-two ratios between small channel numbers (see [`input_seed`]).
const CHANNEL_OFFSET: u32 = 0x9E37_79B9;

/// The LFSR seed of input channel `channel` for the sample seeded with `sample_seed`.
///
/// `fmix32(sample_seed ^ fmix32(channel + 0x9E37_79B9))` (wrapping `+`), with 0 replaced by 1
/// (the LFSR lock-up state; [`Lfsr32::new`] would do the same). For a fixed sample seed the
/// seeds of distinct channels are distinct (both `fmix32`s and the XOR are bijections), and the
/// only way the 0 -> 1 substitution could merge two channels is excluded for the first 784
/// channels by a test.
///
/// Why the large offset rather than `channel + 1`: multiplying by an odd constant commutes with a
/// left shift and an xorshift nearly does, so `fmix32(2x)` is often `fmix32(x) << 1` up to a bit
/// or two, while an LFSR step whose shifted-out bit is 0 is exactly `>> 1`. With `channel + 1`
/// and sample seed 0, channels 22 and 45 (23 * 2 = 46) got seeds `0x462F_667E` and
/// `0x8C5E_CCFC`, exactly one shift apart, and two more pairs with ratio 2 landed within 64
/// shifts; random placement predicts 0.009 such pairs. Offset channel numbers have no such
/// ratios. `fmix32(channel + 0x9E37_79B9)` does not depend on the sample, so hardware may hold it
/// in a 784-word ROM and spend one `fmix32` per channel per sample.
pub fn input_seed(sample_seed: u32, channel: u32) -> u32 {
    let seed = fmix32(sample_seed ^ fmix32(channel.wrapping_add(CHANNEL_OFFSET)));
    if seed == 0 {
        1
    } else {
        seed
    }
}

/// SplitMix64's increment (2^64 divided by the golden ratio, made odd).
const SPLITMIX_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's output function (Steele, Lea & Flood 2014): a bijection of `u64`.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The 32-bit sample seed of one presentation, derived on the **host** from the run seed and the
/// presentation's coordinates; the chip only receives the result.
///
/// `h = mix64(run_seed + G)`, then `h = mix64((h + G) ^ part)` for `part` in `phase`, `epoch`,
/// `index`; the result is `h >> 32` (`mix64` is SplitMix64's output function, `G` its increment
/// `0x9E37_79B9_7F4A_7C15`, all arithmetic wrapping). `phase` is meant to be a
/// [`StreamPhase`](crate::rng::StreamPhase) as `u64`, so the coordinates are those of the float
/// model's streams. Deriving the seed from coordinates rather than from generator state lets
/// parallel workers take samples in any order and lets a resumed run redraw exactly the spikes
/// of an uninterrupted one. For a fixed prefix, distinct values of a part give distinct `h`
/// (every step is a bijection); the 32-bit truncation makes two samples of one 60,000-image
/// epoch share a seed with probability about 1/3 (birthday bound), which only repeats input
/// noise, never an image.
pub fn sample_seed(run_seed: u64, phase: u64, epoch: u64, index: u64) -> u32 {
    let mut h = mix64(run_seed.wrapping_add(SPLITMIX_GAMMA));
    for part in [phase, epoch, index] {
        h = mix64(h.wrapping_add(SPLITMIX_GAMMA) ^ part);
    }
    (h >> 32) as u32
}

/// The spike threshold of one channel: `min(0xFFFF, (pixel * rate_q24) >> 8)`, unsigned Q0.16.
///
/// `rate_q24` is the spike probability per step per pixel unit in unsigned Q0.24 (see
/// [`rate_q24`]), so `pixel * rate_q24` is the channel's probability in Q0.24 and `>> 8`
/// truncates it to Q0.16, the width of the draw it is compared with. A step spikes when the
/// 16-bit draw `r < threshold`, with probability `threshold / 65536`. Saturating at 0xFFFF (not
/// 65536) keeps the threshold in 16 bits at the cost of a 1/65536 chance of missing a step at
/// full rate, far above any rate the network uses. RTL: an 8x32-bit multiplier (40-bit
/// product), bits `[23:8]` of the product, saturated when any of bits `[39:24]` is set.
pub fn spike_threshold(pixel: u8, rate_q24: u32) -> u16 {
    let q16 = (u64::from(pixel) * u64::from(rate_q24)) >> 8;
    q16.min(0xFFFF) as u16
}

/// Converts a rate in Hz per pixel unit, an intensity multiplier and a time step to the
/// fixed-point rate of [`spike_threshold`]: `round(rate_per_pixel_hz * intensity * dt_ms * 1e-3
/// * 2^24)`, saturating at `u32::MAX`; negative and NaN inputs give 0.
///
/// This is the one floating-point step of the generator and runs on the host, once per
/// intensity: the chip receives the integer. It is evaluated as `rate * intensity * dt_ms * 2^24
/// / 1000` so that for the usual dyadic rates and steps every operation but the last division is
/// exact (Diehl & Cook: `0.125 * 2 * 0.5 * 2^24 = 2,097,152` exactly, `/ 1000 = 2097.152`,
/// rounded to 2097). Round to nearest, halves away from zero ([`f64::round`]). Because of that
/// rounding, the rate at intensity `i` is not `i` times the rate at intensity 1 (1/8 Hz, 0.5 ms:
/// 1049 at intensity 1, 3146 at intensity 3, not 3147), so each intensity's value must come from
/// this function.
pub fn rate_q24(rate_per_pixel_hz: f64, intensity: u32, dt_ms: f64) -> u32 {
    let scaled = rate_per_pixel_hz * f64::from(intensity) * dt_ms * f64::from(1u32 << 24) / 1000.0;
    let rounded = scaled.round();
    if rounded.is_nan() || rounded <= 0.0 {
        0
    } else if rounded >= f64::from(u32::MAX) {
        u32::MAX
    } else {
        rounded as u32
    }
}

/// The input spike generator of one presentation worker: one LFSR and one threshold per channel.
///
/// Use: [`start`](SpikeGenerator::start) once per sample (thresholds and fresh seeds), then
/// [`step`](SpikeGenerator::step) once per presentation step; the rest period between samples
/// makes no draws. For a repeat at a higher intensity, call
/// [`reseed_intensity`](SpikeGenerator::reseed_intensity), not `start`.
///
/// **Contract (L1 = L2 = L3).** At each step, channels are visited in ascending order; a channel
/// whose threshold is 0 makes **no draw** (its LFSR stays put: hardware may clock-gate it),
/// any other channel makes exactly one [`next16`](Lfsr32::next16) draw `r` and spikes iff
/// `r < threshold`. Since every channel has its own LFSR, reseeded per sample, skipping the
/// draws of zero-threshold channels changes no spike of any channel; but the rule is part of the
/// contract because it decides the state of a channel whose threshold later becomes non-zero,
/// and the number of draws the cycle model counts.
#[derive(Clone, Debug)]
pub struct SpikeGenerator {
    thresholds: Vec<u16>,
    lfsrs: Vec<Lfsr32>,
    /// Channels with a non-zero threshold, ascending: the only ones `step` visits.
    active: Vec<u16>,
    draws: u64,
}

impl SpikeGenerator {
    /// A generator for `channels` input channels, all silent until [`start`](Self::start).
    ///
    /// # Panics
    /// If `channels > 65536`: spikes are reported as 16-bit channel indices.
    pub fn new(channels: usize) -> Self {
        assert!(
            channels <= 1 << 16,
            "SpikeGenerator::new: {channels} channels, at most 65536 (16-bit channel indices)"
        );
        SpikeGenerator {
            thresholds: vec![0; channels],
            lfsrs: vec![Lfsr32::new(1); channels],
            active: Vec::with_capacity(channels),
            draws: 0,
        }
    }

    /// Number of input channels.
    pub fn channels(&self) -> usize {
        self.thresholds.len()
    }

    /// The current thresholds (unsigned Q0.16), one per channel.
    pub fn thresholds(&self) -> &[u16] {
        &self.thresholds
    }

    /// Begins a sample: thresholds from `pixels` and `rate_q24`, every channel `c` reseeded with
    /// `input_seed(sample_seed, c)`, draw count reset to 0.
    ///
    /// # Panics
    /// If `pixels.len()` differs from the number of channels.
    pub fn start(&mut self, pixels: &[u8], rate_q24: u32, sample_seed: u32) {
        self.set_thresholds(pixels, rate_q24, "start");
        for (c, lfsr) in self.lfsrs.iter_mut().enumerate() {
            *lfsr = Lfsr32::new(input_seed(sample_seed, c as u32));
        }
        self.draws = 0;
    }

    /// Recomputes the thresholds for a new rate without reseeding: every LFSR stream continues
    /// where it stopped, and the draw count keeps running.
    ///
    /// This is the repeat rule (a sample that made too few excitatory spikes is shown again at
    /// the next intensity): the repeat sees fresh random bits, not a louder replay of the same
    /// ones, and the hardware only rewrites the rate register. A channel whose threshold was 0
    /// has made no draws, so if it becomes active now its stream starts at its seed.
    ///
    /// # Panics
    /// If `pixels.len()` differs from the number of channels.
    pub fn reseed_intensity(&mut self, pixels: &[u8], rate_q24: u32) {
        self.set_thresholds(pixels, rate_q24, "reseed_intensity");
    }

    fn set_thresholds(&mut self, pixels: &[u8], rate_q24: u32, caller: &str) {
        assert_eq!(
            pixels.len(),
            self.thresholds.len(),
            "SpikeGenerator::{caller}: {} pixels for {} channels",
            pixels.len(),
            self.thresholds.len()
        );
        self.active.clear();
        for (c, (threshold, &pixel)) in self.thresholds.iter_mut().zip(pixels).enumerate() {
            *threshold = spike_threshold(pixel, rate_q24);
            if *threshold > 0 {
                self.active.push(c as u16);
            }
        }
    }

    /// One presentation step: clears `out`, then pushes, in ascending order, every channel that
    /// spikes (one draw per channel with a non-zero threshold; see the type's contract).
    pub fn step(&mut self, out: &mut Vec<u16>) {
        out.clear();
        for &c in &self.active {
            let r = self.lfsrs[c as usize].next16();
            if r < self.thresholds[c as usize] {
                out.push(c);
            }
        }
        self.draws += self.active.len() as u64;
    }

    /// 16-bit LFSR draws made since the last [`start`](Self::start), for the operation counts.
    pub fn draws(&self) -> u64 {
        self.draws
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mix64_matches_splitmix64_reference_outputs() {
        // SplitMix64 seeded with 0 outputs mix64(G), mix64(2G), mix64(3G), ...; its first three
        // outputs as published with the reference C code (Vigna, splitmix64.c) and reproduced by
        // every port of it are 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F.
        assert_eq!(mix64(SPLITMIX_GAMMA), 0xE220_A839_7B1D_CDAF);
        assert_eq!(mix64(SPLITMIX_GAMMA.wrapping_mul(2)), 0x6E78_9E6A_A1B9_65F4);
        assert_eq!(mix64(SPLITMIX_GAMMA.wrapping_mul(3)), 0x06C4_5D18_8009_454F);
    }
}
