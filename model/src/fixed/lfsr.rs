//! The 32-bit Galois LFSR that supplies every random bit of the datapath.
//!
//! Poisson spikes and stochastic rounding in L1, L2 and L3 must see the same bits in the same
//! order, so the generator is specified down to the bit: right-shifting Galois form, feedback
//! polynomial x^32 + x^22 + x^2 + x + 1 (primitive, so every non-zero state lies on one cycle of
//! length 2^32 - 1), mask `0x8020_0003`. The 16-bit draw of the spike generator has a table-driven
//! fast path ([`Lfsr32::next16`]). Seeding rules and caveats are in `docs/datapath.md`.

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
        self.state = shift_once(self.state);
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

    /// A 16-bit draw: the same result as `next_bits(16)`, from two table look-ups instead of 16
    /// shifts.
    ///
    /// This is the draw of the input spike generator, made for every active channel at every
    /// time step, so it is the hot loop of the fixed-point model. Sixteen shifts are linear over
    /// GF(2), so the new state is the XOR of the contributions of the old state's bytes, and for
    /// this right-shifting form the high two bytes contribute just `s >> 16`:
    /// `new = (s >> 16) ^ T0[s[7:0]] ^ T1[s[15:8]]`, with `T0`, `T1` two 256-entry tables built at
    /// compile time from [`step`](Lfsr32::step)'s definition. The RTL computes the same function in
    /// one clock cycle with the 16-step unrolled XOR network of `next_bits(16)`; the tables are a
    /// software device only, and the tests check `next16` against 16 single steps.
    pub fn next16(&mut self) -> u16 {
        let s = self.state;
        self.state = (s >> 16)
            ^ NEXT16_TABLES[0][(s & 0xFF) as usize]
            ^ NEXT16_TABLES[1][((s >> 8) & 0xFF) as usize];
        self.state as u16
    }
}

/// One shift of the register, shared by [`Lfsr32::step`] and the table construction so that
/// the two cannot drift apart.
const fn shift_once(state: u32) -> u32 {
    let lsb = state & 1;
    let shifted = state >> 1;
    if lsb == 1 {
        shifted ^ Lfsr32::MASK
    } else {
        shifted
    }
}

/// Sixteen shifts, one at a time: the definition the tables are built from.
const fn shift16(mut state: u32) -> u32 {
    let mut i = 0;
    while i < 16 {
        state = shift_once(state);
        i += 1;
    }
    state
}

/// Contributions of the low two bytes of the state to the state 16 shifts later:
/// `NEXT16_TABLES[k][b] = shift16(b << 8k)`.
///
/// Sixteen shifts are linear over GF(2), so `shift16(s)` is the XOR of `shift16` applied to each
/// byte of `s` in place. The high two bytes need no table: from a state whose low 16 bits are
/// zero, the 16 bits shifted out are those zeros, so no feedback happens and
/// `shift16(x) = x >> 16`. Two tables (2 KiB) instead of four halve the look-ups of the hot loop.
static NEXT16_TABLES: [[u32; 256]; 2] = build_next16_tables();

const fn build_next16_tables() -> [[u32; 256]; 2] {
    let mut tables = [[0u32; 256]; 2];
    let mut k = 0;
    while k < 2 {
        let mut b = 0;
        while b < 256 {
            tables[k][b] = shift16((b as u32) << (8 * k));
            b += 1;
        }
        k += 1;
    }
    tables
}
