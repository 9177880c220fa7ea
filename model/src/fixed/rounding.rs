//! Division by a power of two under the three rounding modes: truncate, nearest, stochastic.
//!
//! Every narrowing in the datapath (a product back to its format, a trace decay, a change of
//! fraction bits) is a right shift, and the rounding mode decides what happens to the discarded
//! bits. The definitions are exact integer formulas, valid for every `i64` input without
//! overflow, so the RTL can reproduce them bit for bit.

use super::FixedError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Largest shift [`shift_round`] accepts: a random draw has at most 32 bits, and no format has
/// more than 32 fraction bits.
pub const MAX_SHIFT: u32 = 32;

/// What a right shift does with the bits it discards; one of the quantization choices FSpiNN
/// explores (its accuracy/cost trade-off is the point of having all three).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rounding {
    /// Floor (toward minus infinity): what an arithmetic right shift (`>>>` in Verilog) gives,
    /// free in hardware; biased by -1/2 LSB on average.
    Truncate,
    /// Round half up: floor(x + 1/2). One adder (or floor plus the first discarded bit); ties go
    /// toward plus infinity, so -2.5 rounds to -2 and 2.5 to 3.
    Nearest,
    /// Round up with probability equal to the discarded fraction, using a random draw: unbiased
    /// in expectation, so small updates survive on average instead of vanishing.
    Stochastic,
}

impl Rounding {
    /// All modes, in the order the documentation lists them.
    pub const ALL: [Rounding; 3] = [Rounding::Truncate, Rounding::Nearest, Rounding::Stochastic];

    /// The name used in configuration files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Rounding::Truncate => "truncate",
            Rounding::Nearest => "nearest",
            Rounding::Stochastic => "stochastic",
        }
    }
}

impl fmt::Display for Rounding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Rounding {
    type Err = FixedError;
    fn from_str(s: &str) -> Result<Self, FixedError> {
        Rounding::ALL
            .into_iter()
            .find(|r| r.name() == s)
            .ok_or_else(|| FixedError::UnknownRounding(s.to_string()))
    }
}

/// `value / 2^shift`, rounded per `rounding`; `random` is consumed only by `Stochastic`.
///
/// Exact definitions (as if computed with unbounded integers; `>>` is floor division):
/// - `Truncate`: `value >> shift`.
/// - `Nearest`: `(value + 2^(shift-1)) >> shift`, i.e. round half up.
/// - `Stochastic`: `(value + (random & (2^shift - 1))) >> shift`; with `random` uniform this
///   rounds up with probability equal to the discarded fraction `(value mod 2^shift) / 2^shift`.
///
/// `shift == 0` returns `value` in every mode. The implementation uses the overflow-free
/// equivalents `(value >> s) + bit[s-1](value)` and `(value >> s) + carry(low + r)`, which is also
/// the cheapest RTL: the floor is wiring, the correction a single carry bit.
///
/// # Panics
/// If `shift > MAX_SHIFT` (32).
pub fn shift_round(value: i64, shift: u32, rounding: Rounding, random: u32) -> i64 {
    assert!(
        shift <= MAX_SHIFT,
        "shift_round: shift = {shift} exceeds {MAX_SHIFT}"
    );
    if shift == 0 {
        return value;
    }
    let floor = value >> shift;
    match rounding {
        Rounding::Truncate => floor,
        // floor((q*2^s + f + 2^(s-1)) / 2^s) = q + [f >= 2^(s-1)] = q + bit s-1 of value.
        Rounding::Nearest => floor + ((value >> (shift - 1)) & 1),
        Rounding::Stochastic => {
            let low_mask = (1i64 << shift) - 1;
            let low = value & low_mask;
            let r = i64::from(random) & low_mask;
            // low + r < 2^(s+1): the quotient gains the carry out of the low part.
            floor + ((low + r) >> shift)
        }
    }
}
