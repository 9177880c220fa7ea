//! Fixed-point number formats with saturation, and the pure arithmetic operations of the datapath.
//!
//! A value is stored as a raw two's-complement integer `raw` and means `raw / 2^frac`. Every
//! operation computes its exact result in `i64` (wide enough for any sum or product of two raw
//! values), narrows it with [`shift_round`] where it drops fraction bits, and states what happens
//! when the result does not fit the destination format: saturation (clamp to the nearest
//! representable value) everywhere here, never wrap-around.

use super::{shift_round, FixedError, Rounding, MAX_SHIFT};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A fixed-point format: `bits` wide, `frac` of them after the binary point, signed or not.
///
/// Written `sQm.n` / `uQm.n` with `n = frac` and `m = bits - frac` (for signed formats `m`
/// includes the sign bit): `sQ4.4` is 8-bit two's complement in steps of 1/16, range
/// [-8, 7.9375]. Raw values are carried in `i32`, which is why an unsigned format has at most
/// 31 bits. Construct with [`QFormat::new`] or check literals with [`QFormat::validate`]; the
/// methods assume a valid format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QFormat {
    /// Total width in bits, including the sign bit of a signed format (1..=32; unsigned 1..=31).
    pub bits: u8,
    /// Fraction bits: the raw value is scaled by 2^-frac (0..=32; may exceed `bits` for formats
    /// whose values are all below one LSB of the integer part, e.g. small traces).
    pub frac: u8,
    /// Two's complement if true, unsigned (never negative) if false.
    pub signed: bool,
}

impl QFormat {
    /// A checked format, so a bad width is reported where it is written, not where it is used.
    pub fn new(bits: u8, frac: u8, signed: bool) -> Result<Self, FixedError> {
        let fmt = QFormat { bits, frac, signed };
        fmt.validate()?;
        Ok(fmt)
    }

    /// Checks the widths the datapath supports; the error names the offending field.
    pub fn validate(&self) -> Result<(), FixedError> {
        if !(1..=32).contains(&self.bits) {
            return Err(FixedError::InvalidFormat {
                field: "bits",
                value: self.bits.into(),
                reason: "must be between 1 and 32",
            });
        }
        if !self.signed && self.bits > 31 {
            return Err(FixedError::InvalidFormat {
                field: "bits",
                value: self.bits.into(),
                reason: "an unsigned format has at most 31 bits (raw values are carried in i32)",
            });
        }
        if u32::from(self.frac) > MAX_SHIFT {
            return Err(FixedError::InvalidFormat {
                field: "frac",
                value: self.frac.into(),
                reason: "must be at most 32",
            });
        }
        Ok(())
    }

    /// Smallest raw value: `-2^(bits-1)` if signed, 0 if unsigned.
    pub fn min_raw(&self) -> i32 {
        debug_assert!(self.validate().is_ok(), "invalid format {self:?}");
        if self.signed {
            // bits <= 32, so -2^(bits-1) >= -2^31 = i32::MIN.
            (-(1i64 << (self.bits - 1))) as i32
        } else {
            0
        }
    }

    /// Largest raw value: `2^(bits-1) - 1` if signed, `2^bits - 1` if unsigned.
    pub fn max_raw(&self) -> i32 {
        debug_assert!(self.validate().is_ok(), "invalid format {self:?}");
        let magnitude_bits = if self.signed {
            self.bits - 1
        } else {
            self.bits
        };
        // magnitude_bits <= 31, so the result is at most 2^31 - 1 = i32::MAX.
        ((1i64 << magnitude_bits) - 1) as i32
    }

    /// Whether `raw` is representable in this format.
    pub fn contains(&self, raw: i64) -> bool {
        (i64::from(self.min_raw())..=i64::from(self.max_raw())).contains(&raw)
    }

    /// `raw` clamped to `[min_raw, max_raw]`, and whether it had to be clamped (the RTL counts
    /// saturation events, so the flag is part of the result).
    pub fn saturate(&self, raw: i64) -> (i32, bool) {
        let (lo, hi) = (self.min_raw(), self.max_raw());
        if raw < i64::from(lo) {
            (lo, true)
        } else if raw > i64::from(hi) {
            (hi, true)
        } else {
            // lo <= raw <= hi, both i32.
            (raw as i32, false)
        }
    }

    /// The raw value nearest `x` per `rounding`: scale by 2^frac, round, saturate.
    ///
    /// Conversion helper for parameters and test vectors (the only place floats meet the
    /// datapath). The scaled value `y = x * 2^frac` is exact; its fraction is cut to 32 bits by
    /// floor, giving `y ~ n + F / 2^32`, and the result is `n + shift_round(F, 32, rounding,
    /// random)`: floor, round half up, or up with probability ~F/2^32 using all 32 bits of
    /// `random` (a `next_bits(32)` draw). NaN converts to 0; infinities saturate.
    pub fn from_f64(&self, x: f64, rounding: Rounding, random: u32) -> i32 {
        if x.is_nan() {
            return 0;
        }
        let scale = (1u64 << self.frac) as f64;
        // Clamping to one past the range changes nothing: anything at or beyond min_raw - 1 or
        // max_raw + 1 rounds to a value that saturates to the same end in every mode.
        let lo = f64::from(self.min_raw()) - 1.0;
        let hi = f64::from(self.max_raw()) + 1.0;
        let y = (x * scale).clamp(lo, hi);
        let n = y.floor();
        // y - n is exact (|y| < 2^33); times 2^32 is exact; its floor is in [0, 2^32).
        let f = ((y - n) * 4_294_967_296.0).floor() as i64;
        let rounded = n as i64 + shift_round(f, 32, rounding, random);
        self.saturate(rounded).0
    }

    /// The real value of `raw`: `raw / 2^frac` (exact in f64).
    pub fn to_f64(&self, raw: i32) -> f64 {
        f64::from(raw) / (1u64 << self.frac) as f64
    }
}

impl fmt::Display for QFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.signed { 's' } else { 'u' };
        let int_bits = i32::from(self.bits) - i32::from(self.frac);
        write!(f, "{sign}Q{int_bits}.{}", self.frac)
    }
}

/// `a + b` in format `fmt`, saturating at both ends (the exact sum is formed one bit wider, then
/// clamped; never wraps).
///
/// Computed as an i32 saturating add followed by the clamp: where the i32 sum overflows, the
/// exact sum lies beyond the format's range on the same side, so the result is the same as
/// clamping the exact sum, and the loop over a neuron array vectorises.
#[inline]
pub fn sat_add(a: i32, b: i32, fmt: QFormat) -> i32 {
    a.saturating_add(b).clamp(fmt.min_raw(), fmt.max_raw())
}

/// `a - b` in format `fmt`, saturating at both ends (an unsigned result below zero becomes 0).
///
/// Same construction as [`sat_add`].
#[inline]
pub fn sat_sub(a: i32, b: i32, fmt: QFormat) -> i32 {
    a.saturating_sub(b).clamp(fmt.min_raw(), fmt.max_raw())
}

/// `(a * b) / 2^shift`, rounded per `rounding`, saturated to `fmt`.
///
/// The product is exact (`i64` holds any product of two `i32`); `shift` is normally the sum of
/// the operands' fraction bits minus those of `fmt`. Overflow rule: saturate after rounding.
pub fn mul_shift(a: i32, b: i32, shift: u32, rounding: Rounding, random: u32, fmt: QFormat) -> i32 {
    fmt.saturate(shift_round(
        i64::from(a) * i64::from(b),
        shift,
        rounding,
        random,
    ))
    .0
}

/// One step of shift-based exponential decay: `x - shift_round(x, k)`, i.e. `x *= 1 - 2^-k`.
///
/// Overflow rule: none can occur. The subtracted quotient lies between 0 and `x` (inclusive) for
/// every mode and every `k >= 1`, so the result lies between 0 and `x` and stays in `fmt`
/// (`k = 0` gives 0). `fmt` is the format of `x`, checked in debug builds.
///
/// Where the decay stops (fixed points), for `k >= 1`:
/// - `Truncate`: a positive `x` stops at `2^k - 1` (below `2^k` the floor of `x / 2^k` is 0), so
///   it never reaches 0; a negative `x` rises by at least 1 per step and reaches 0.
/// - `Nearest`: a positive `x` stops at `2^(k-1) - 1`, a negative one at `-2^(k-1)` (the
///   quotient is 0 for `-2^(k-1) <= x < 2^(k-1)`).
/// - `Stochastic`: only 0 is absorbing; with a uniform `random`, `E[result] = x * (1 - 2^-k)`
///   exactly, so the decay is unbiased and reaches 0.
pub fn decay_shift(x: i32, k: u32, rounding: Rounding, random: u32, fmt: QFormat) -> i32 {
    debug_assert!(
        fmt.contains(x.into()),
        "decay_shift: {x} not in format {fmt}"
    );
    let decayed = i64::from(x) - shift_round(x.into(), k, rounding, random);
    // Between 0 and x (see above), so it fits in i32.
    decayed as i32
}

/// [`decay_shift`] with [`Rounding::Truncate`] (the membrane leak), computed in 32 bits:
/// `x - (x >> k)`. Equal to `decay_shift(x, k, Rounding::Truncate, _, fmt)` for every `x` and
/// every `k <= MAX_SHIFT` (for `k = 32` the floor of `x / 2^32` is 0 or -1, as `x >> 31` is).
/// The general form computes in i64, which SSE has no arithmetic shift for; this one lets the
/// per-neuron loop vectorise four neurons to a register.
#[inline]
pub fn decay_floor(x: i32, k: u32) -> i32 {
    // Never overflows: x >> k lies between x and 0 (or -1), so the difference between x and 0.
    x - (x >> k.min(31))
}

/// `raw` moved from format `from` to format `to`: fraction bits added by an exact left shift or
/// dropped by [`shift_round`], then saturated to `to` (a negative value into an unsigned format
/// becomes 0).
pub fn requantize(raw: i32, from: QFormat, to: QFormat, rounding: Rounding, random: u32) -> i32 {
    let value = if to.frac >= from.frac {
        // A shift of at most 32 keeps any i32 within i64.
        i64::from(raw) << (to.frac - from.frac)
    } else {
        shift_round(raw.into(), u32::from(from.frac - to.frac), rounding, random)
    };
    to.saturate(value).0
}
