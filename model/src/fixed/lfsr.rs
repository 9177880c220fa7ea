//! The 32-bit Galois LFSR that supplies every random bit of the datapath.
//!
//! Poisson spikes and stochastic rounding in L1, L2 and L3 must see the same bits in the same
//! order, so the generator is specified down to the bit: right-shifting Galois form, feedback
//! polynomial x^32 + x^22 + x^2 + x + 1 (primitive, so every non-zero state lies on one cycle of
//! length 2^32 - 1), mask `0x8020_0003`. Seeding caveats are in `docs/datapath.md`.

/// A 32-bit Galois LFSR, shifting right, with feedback mask [`Lfsr32::MASK`].
///
/// One [`step`](Lfsr32::step) is one shift; a k-bit random draw ([`next_bits`](Lfsr32::next_bits))
/// is k shifts, which the RTL does in one clock cycle with a k-step unrolled XOR network. To
/// checkpoint a generator, save [`state`](Lfsr32::state) and restore it with
/// [`new`](Lfsr32::new): a saved state is never zero, so it is restored unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lfsr32 {
    state: u32,
}

impl Lfsr32 {
    /// Feedback mask of x^32 + x^22 + x^2 + x + 1: bit `e - 1` is set for each term x^e with
    /// 1 <= e <= 32 (bits 31, 21, 1, 0); the constant term is the shifted-out bit itself.
    pub const MASK: u32 = 0x8020_0003;

    /// A generator starting at `seed`.
    ///
    /// A zero seed is replaced by 1: zero is the lock-up state of an LFSR (it maps to itself and
    /// would produce nothing but zeros), so the hardware seed register does the same substitution.
    pub fn new(seed: u32) -> Self {
        Lfsr32 {
            state: if seed == 0 { 1 } else { seed },
        }
    }

    /// The current 32-bit state (never zero).
    pub fn state(&self) -> u32 {
        self.state
    }

    /// One shift: `lsb = s & 1; s >>= 1; if lsb == 1 { s ^= MASK }`.
    pub fn step(&mut self) {
        let lsb = self.state & 1;
        self.state >>= 1;
        if lsb == 1 {
            self.state ^= Self::MASK;
        }
    }

    /// A k-bit random draw: advances `k` shifts and returns the low `k` bits of the new state.
    ///
    /// This is what one draw costs in hardware: one cycle of a k-step unrolled XOR network, whose
    /// output register's low k bits are the draw. Successive draws therefore never share a shift.
    ///
    /// # Panics
    /// If `k` is not in `1..=32`.
    pub fn next_bits(&mut self, k: u32) -> u32 {
        assert!(
            (1..=32).contains(&k),
            "Lfsr32::next_bits: k = {k}, must be in 1..=32"
        );
        for _ in 0..k {
            self.step();
        }
        if k == 32 {
            self.state
        } else {
            self.state & ((1u32 << k) - 1)
        }
    }
}

/// The seed of input channel `channel` for a run seeded with `run_seed`.
///
/// `run_seed ^ (channel + 1) * 0x9E37_79B9` (wrapping 32-bit arithmetic), with a zero result
/// replaced by 1 (the LFSR lock-up state). The multiplier is odd, so distinct channels get
/// distinct products and hence distinct seeds; it is 2^32 divided by the golden ratio, which
/// spreads consecutive channels over the whole state space. One 32-bit multiply and XOR per
/// channel is cheap enough for the host to compute and write into the seed registers; on chip
/// the product can equally be kept as a running sum (add `0x9E37_79B9` per channel).
///
/// Avoid `run_seed == 0`: the step is linear, and with a zero run seed channel `2b - 1`'s seed
/// steps in one shift to channel `b - 1`'s whenever `b * 0x9E37_79B9` has bit 31 clear, so those
/// channel pairs draw nearly the same bits (docs/datapath.md, "Random numbers").
pub fn channel_seed(run_seed: u32, channel: u32) -> u32 {
    let seed = run_seed ^ channel.wrapping_add(1).wrapping_mul(0x9E37_79B9);
    if seed == 0 {
        1
    } else {
        seed
    }
}
