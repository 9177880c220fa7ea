//! The drawer's random numbers: one xoshiro stream per (campaign seed, case, attempt).

use fspinn_model::rng::{Rng, StreamPhase};

/// Tags the fuzzer's streams apart from the training streams of the same seed.
const FUZZ_EPOCH: u64 = 0xF022_0000;

/// A stream of draws for one attempt at one case.
#[derive(Clone, Debug)]
pub struct Draws(Rng);

impl Draws {
    /// The stream of attempt `attempt` at case `case` of campaign `seed`.
    pub fn new(seed: u64, case: u64, attempt: u32) -> Self {
        Draws(Rng::stream(
            seed,
            StreamPhase::Init,
            FUZZ_EPOCH + attempt as u64,
            case,
        ))
    }
    /// Uniform in `0..n` (`n >= 1`).
    pub fn below(&mut self, n: u64) -> u64 {
        // Multiply-shift: unbiased enough for a fuzzer, no rejection loop.
        ((self.0.next_u64() as u128 * n as u128) >> 64) as u64
    }
    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    /// Log-uniform in `lo..=hi` (`lo >= 1`): small values as likely per octave as large ones.
    pub fn log_range(&mut self, lo: u64, hi: u64) -> u64 {
        let (a, b) = ((lo as f64).ln(), ((hi + 1) as f64).ln());
        let x = (a + self.0.uniform() * (b - a)).exp() as u64;
        x.clamp(lo, hi)
    }
    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.0.uniform() < p
    }
    /// Uniform real in `lo..hi`.
    pub fn real(&mut self, lo: f64, hi: f64) -> f64 {
        lo + self.0.uniform() * (hi - lo)
    }
    /// One of `xs`.
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }
    /// The next raw 64 bits.
    pub fn bits(&mut self) -> u64 {
        self.0.next_u64()
    }
}
