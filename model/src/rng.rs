//! Seeded, dependency-free pseudo-random streams for the float model (L0).
//!
//! Every image presentation draws from its own stream, derived from the run seed and the
//! presentation's coordinates (phase, epoch, sample index). That makes a run independent of the
//! order in which parallel workers pick images up, and lets `train --resume` continue with exactly
//! the numbers an uninterrupted run would have drawn, without storing generator state.

/// SplitMix64 step: used to expand seeds into well-mixed generator states.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Which part of a run a stream belongs to, so streams of different phases never coincide.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamPhase {
    /// Initial weights.
    Init = 1,
    /// Training presentations.
    Train = 2,
    /// Inference over training images to assign labels to neurons.
    Label = 3,
    /// Inference over the test set.
    Test = 4,
}

/// xoshiro256++ (Blackman & Vigna): fast, small state, good statistical quality.
#[derive(Clone, Debug)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator whose state is expanded from `seed` by SplitMix64.
    pub fn from_seed(seed: u64) -> Self {
        let mut sm = seed;
        let s = [
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
        ];
        Rng { s }
    }

    /// The stream for one presentation: `(seed, phase, epoch, index)` mixed into one seed.
    pub fn stream(seed: u64, phase: StreamPhase, epoch: u64, index: u64) -> Self {
        let mut mix = seed;
        let mut key = splitmix64(&mut mix);
        for part in [phase as u64, epoch, index] {
            let mut m = key ^ part.wrapping_mul(0xD6E8_FEB8_6659_FD93);
            key = splitmix64(&mut m);
        }
        Rng::from_seed(key)
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[0]
            .wrapping_add(self.s[3])
            .rotate_left(23)
            .wrapping_add(self.s[0]);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1) with 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in (0, 1]: safe to take the logarithm of.
    pub fn uniform_open0(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xoshiro_matches_reference_sequence() {
        // Worked by hand from the xoshiro256++ definition, state {1, 2, 3, 4}:
        // out0 = rotl(1 + 4, 23) + 1; out1 = rotl(7 + rotl(6, 45), 23) + 7 after one state step.
        let mut r = Rng { s: [1, 2, 3, 4] };
        assert_eq!(r.next_u64(), 41_943_041);
        assert_eq!(r.next_u64(), 58_720_359);
    }

    #[test]
    fn streams_differ_by_each_coordinate() {
        let base = Rng::stream(1, StreamPhase::Train, 0, 0).next_u64();
        assert_ne!(base, Rng::stream(2, StreamPhase::Train, 0, 0).next_u64());
        assert_ne!(base, Rng::stream(1, StreamPhase::Test, 0, 0).next_u64());
        assert_ne!(base, Rng::stream(1, StreamPhase::Train, 1, 0).next_u64());
        assert_ne!(base, Rng::stream(1, StreamPhase::Train, 0, 1).next_u64());
        assert_eq!(base, Rng::stream(1, StreamPhase::Train, 0, 0).next_u64());
    }

    #[test]
    fn uniform_mean_is_one_half() {
        let mut r = Rng::from_seed(7);
        let n = 200_000;
        let mean: f64 = (0..n).map(|_| r.uniform()).sum::<f64>() / n as f64;
        assert!((mean - 0.5).abs() < 0.005, "mean {mean}");
    }
}
