//! Fixed-point formats, rounding and arithmetic against vectors worked by hand from definitions.
//!
//! Notation in the comments: `>>` is floor division by a power of two, `T`/`N`/`S` the truncate,
//! nearest and stochastic modes, `r` the random draw, `low` the discarded bits `value mod 2^s`.

use fspinn_model::fixed::{
    decay_floor, decay_shift, mul_shift, requantize, sat_add, sat_sub, shift_round, FixedError,
    Lfsr32, QFormat, Rounding,
};
use Rounding::{Nearest, Stochastic, Truncate};

/// sQ4.4: 8-bit two's complement, 4 fraction bits, [-8, 7.9375].
const S44: QFormat = QFormat {
    bits: 8,
    frac: 4,
    signed: true,
};
/// uQ4.4: 8-bit unsigned, 4 fraction bits, [0, 15.9375].
const U44: QFormat = QFormat {
    bits: 8,
    frac: 4,
    signed: false,
};
/// sQ8.8: 16-bit two's complement, 8 fraction bits.
const S88: QFormat = QFormat {
    bits: 16,
    frac: 8,
    signed: true,
};
/// uQ0.8: 8-bit unsigned fraction, [0, 255/256].
const U08: QFormat = QFormat {
    bits: 8,
    frac: 8,
    signed: false,
};
/// sQ32.0: a plain 32-bit integer.
const S32: QFormat = QFormat {
    bits: 32,
    frac: 0,
    signed: true,
};

// ---------------------------------------------------------------- rounding modes

#[test]
fn rounding_names_round_trip_and_bad_names_list_the_valid_ones() {
    for (mode, name) in [
        (Truncate, "truncate"),
        (Nearest, "nearest"),
        (Stochastic, "stochastic"),
    ] {
        assert_eq!(mode.to_string(), name);
        assert_eq!(name.parse::<Rounding>().unwrap(), mode);
        assert_eq!(serde_json::to_string(&mode).unwrap(), format!("\"{name}\""));
        assert_eq!(
            serde_json::from_str::<Rounding>(&format!("\"{name}\"")).unwrap(),
            mode
        );
    }
    let err = "round".parse::<Rounding>().unwrap_err();
    assert_eq!(err, FixedError::UnknownRounding("round".into()));
    let msg = err.to_string();
    assert!(msg.contains("`round`"), "{msg}");
    assert!(
        msg.contains("truncate, nearest, stochastic"),
        "message lists the valid names: {msg}"
    );
    assert!(
        "Truncate".parse::<Rounding>().is_err(),
        "names are lower case"
    );
    assert!(serde_json::from_str::<Rounding>("\"round\"").is_err());
}

#[test]
fn shift_zero_returns_the_value_in_every_mode() {
    for mode in Rounding::ALL {
        for value in [-5, 0, 7, i64::MIN, i64::MAX] {
            for random in [0, 1, u32::MAX] {
                assert_eq!(shift_round(value, 0, mode, random), value);
            }
        }
    }
}

#[test]
fn negative_values_in_each_mode() {
    // -5 / 2 = -2.5. T: floor = -3. N: (-5 + 1) >> 1 = -4 >> 1 = -2 (half up: -2.5 -> -2).
    // S: -5 = -3*2 + 1, low = 1; (low + (r & 1)) carries iff r is odd: even -> -3, odd -> -2.
    assert_eq!(shift_round(-5, 1, Truncate, 0), -3);
    assert_eq!(shift_round(-5, 1, Nearest, 0), -2);
    assert_eq!(shift_round(-5, 1, Stochastic, 0), -3);
    assert_eq!(shift_round(-5, 1, Stochastic, 0xFFFF_FFFE), -3);
    assert_eq!(shift_round(-5, 1, Stochastic, 1), -2);
    assert_eq!(shift_round(-5, 1, Stochastic, 0xFFFF_FFFF), -2);

    // -7 / 4 = -1.75. T: -2. N: (-7 + 2) >> 2 = -5 >> 2 = floor(-1.25) = -2.
    // S: -7 = -2*4 + 1, low = 1: up (to -1) only for r & 3 = 3, probability 1/4 = 0.25,
    // which is the discarded fraction (-1.75 = -2 + 0.25).
    assert_eq!(shift_round(-7, 2, Truncate, 0), -2);
    assert_eq!(shift_round(-7, 2, Nearest, 0), -2);
    for r in 0..3 {
        assert_eq!(shift_round(-7, 2, Stochastic, r), -2, "r = {r}");
    }
    assert_eq!(shift_round(-7, 2, Stochastic, 3), -1);

    // -6 / 4 = -1.5. T: -2. N: (-6 + 2) >> 2 = -4 >> 2 = -1. S: low = 2: up for r & 3 in {2, 3}.
    assert_eq!(shift_round(-6, 2, Truncate, 0), -2);
    assert_eq!(shift_round(-6, 2, Nearest, 0), -1);
    assert_eq!(shift_round(-6, 2, Stochastic, 0), -2);
    assert_eq!(shift_round(-6, 2, Stochastic, 1), -2);
    assert_eq!(shift_round(-6, 2, Stochastic, 2), -1);
    assert_eq!(shift_round(-6, 2, Stochastic, 3), -1);

    // -1 / 16 = -0.0625. T: -1. N: (-1 + 8) >> 4 = 7 >> 4 = 0. S: low = 15: up unless r & 15 = 0.
    assert_eq!(shift_round(-1, 4, Truncate, 0), -1);
    assert_eq!(shift_round(-1, 4, Nearest, 0), 0);
    assert_eq!(shift_round(-1, 4, Stochastic, 0), -1);
    assert_eq!(shift_round(-1, 4, Stochastic, 1), 0);

    // -8 / 16 = -0.5 (a tie). T: -1. N: (-8 + 8) >> 4 = 0. S: low = 8: up for r & 15 >= 8.
    assert_eq!(shift_round(-8, 4, Truncate, 0), -1);
    assert_eq!(shift_round(-8, 4, Nearest, 0), 0);
    assert_eq!(shift_round(-8, 4, Stochastic, 7), -1);
    assert_eq!(shift_round(-8, 4, Stochastic, 8), 0);
}

#[test]
fn positive_values_in_each_mode() {
    // 5 / 2 = 2.5. T: 2. N: 6 >> 1 = 3. S: low = 1, up iff r odd.
    assert_eq!(shift_round(5, 1, Truncate, 0), 2);
    assert_eq!(shift_round(5, 1, Nearest, 0), 3);
    assert_eq!(shift_round(5, 1, Stochastic, 0), 2);
    assert_eq!(shift_round(5, 1, Stochastic, 1), 3);

    // 7 / 4 = 1.75. T: 1. N: 9 >> 2 = 2. S: low = 3, up for r & 3 >= 1 (probability 3/4).
    assert_eq!(shift_round(7, 2, Truncate, 0), 1);
    assert_eq!(shift_round(7, 2, Nearest, 0), 2);
    assert_eq!(shift_round(7, 2, Stochastic, 0), 1);
    for r in 1..4 {
        assert_eq!(shift_round(7, 2, Stochastic, r), 2, "r = {r}");
    }

    // 6 / 4 = 1.5. T: 1. N: 8 >> 2 = 2. S: low = 2, up for r & 3 in {2, 3}.
    assert_eq!(shift_round(6, 2, Truncate, 0), 1);
    assert_eq!(shift_round(6, 2, Nearest, 0), 2);
    assert_eq!(shift_round(6, 2, Stochastic, 1), 1);
    assert_eq!(shift_round(6, 2, Stochastic, 2), 2);

    // 5 / 4 = 1.25. T: 1. N: 7 >> 2 = 1. S: low = 1, up only for r & 3 = 3.
    assert_eq!(shift_round(5, 2, Truncate, 0), 1);
    assert_eq!(shift_round(5, 2, Nearest, 0), 1);
    assert_eq!(shift_round(5, 2, Stochastic, 2), 1);
    assert_eq!(shift_round(5, 2, Stochastic, 3), 2);

    // 1001 / 8 = 125.125. T: 125. N: 1005 >> 3 = 125. S: low = 1, up only for r & 7 = 7.
    assert_eq!(shift_round(1001, 3, Truncate, 0), 125);
    assert_eq!(shift_round(1001, 3, Nearest, 0), 125);
    assert_eq!(shift_round(1001, 3, Stochastic, 6), 125);
    assert_eq!(shift_round(1001, 3, Stochastic, 7), 126);
}

#[test]
fn exact_quotients_are_never_rounded() {
    // 4 / 4 = 1 and 1000 / 8 = 125: low = 0, so N adds 2^(s-1) < 2^s and S adds r < 2^s, and
    // neither reaches the next multiple.
    for mode in Rounding::ALL {
        for r in [0, 1, 2, 3, 7, u32::MAX] {
            assert_eq!(shift_round(4, 2, mode, r), 1);
            assert_eq!(shift_round(1000, 3, mode, r), 125);
            assert_eq!(shift_round(-1000, 3, mode, r), -125);
        }
    }
}

#[test]
fn stochastic_uses_only_the_low_shift_bits_of_the_draw() {
    // 5 / 2: 0xFFFF_FFFE has low bit 0 -> 2. 7 / 4: 0xFFFF_FFFC has low bits 00 -> 1.
    assert_eq!(shift_round(5, 1, Stochastic, 0xFFFF_FFFE), 2);
    assert_eq!(shift_round(7, 2, Stochastic, 0xFFFF_FFFC), 1);
    assert_eq!(shift_round(7, 2, Stochastic, 0xFFFF_FFFD), 2);
}

#[test]
fn widest_shift_and_extreme_values_do_not_overflow() {
    // 3.5 * 2^32 / 2^32: T 3, N 4; S: low = 2^31, up iff r >= 2^31.
    let v = 3 * (1i64 << 32) + (1i64 << 31);
    assert_eq!(shift_round(v, 32, Truncate, 0), 3);
    assert_eq!(shift_round(v, 32, Nearest, 0), 4);
    assert_eq!(shift_round(v, 32, Stochastic, 0x7FFF_FFFF), 3);
    assert_eq!(shift_round(v, 32, Stochastic, 0x8000_0000), 4);
    // -2^31 / 2^32 = -0.5 = -1 + 0.5: T -1, N 0 (half up), S up iff r >= 2^31.
    let v = -(1i64 << 31);
    assert_eq!(shift_round(v, 32, Truncate, 0), -1);
    assert_eq!(shift_round(v, 32, Nearest, 0), 0);
    assert_eq!(shift_round(v, 32, Stochastic, 0x7FFF_FFFF), -1);
    assert_eq!(shift_round(v, 32, Stochastic, 0x8000_0000), 0);
    // i64::MAX / 2 = 2^62 - 0.5: T 2^62 - 1; N rounds the tie up to 2^62 (the naive
    // `(v + 1) >> 1` would overflow); S with r = 1: low 1 + 1 carries -> 2^62.
    assert_eq!(shift_round(i64::MAX, 1, Truncate, 0), (1 << 62) - 1);
    assert_eq!(shift_round(i64::MAX, 1, Nearest, 0), 1 << 62);
    assert_eq!(shift_round(i64::MAX, 1, Stochastic, 1), 1 << 62);
    // i64::MIN / 2^32 = -2^31 exactly, in every mode.
    for mode in Rounding::ALL {
        assert_eq!(shift_round(i64::MIN, 32, mode, u32::MAX), -(1i64 << 31));
    }
}

#[test]
#[should_panic(expected = "exceeds 32")]
fn shift_beyond_32_is_rejected() {
    shift_round(1, 33, Truncate, 0);
}

#[test]
fn stochastic_rounding_is_exact_over_every_draw() {
    // Hermite's identity: for integer v and n >= 1, sum_{r=0}^{n-1} floor((v + r) / n) = v.
    // With n = 2^s this says the mean of S over all 2^s draws is exactly v / 2^s: no bias at all,
    // for negative values too.
    for s in 1..=6u32 {
        for v in -300i64..=300 {
            let sum: i64 = (0..1u32 << s)
                .map(|r| shift_round(v, s, Stochastic, r))
                .sum();
            assert_eq!(sum, v, "v = {v}, shift = {s}");
        }
    }
}

#[test]
fn stochastic_mean_over_lfsr_draws_is_the_exact_quotient() {
    // 100,000 roundings, each with a fresh next_bits(shift) draw. Each result is floor or floor+1,
    // a Bernoulli variable with p = discarded fraction, so the mean has standard deviation
    // sqrt(p(1-p)/100000) <= 0.0016. Tolerance 0.01 (> 6 of those) still rejects the
    // deterministic modes: 7/8 = 0.875 truncates to 0 and rounds to 1 (errors 0.875, 0.125);
    // -13/16 = -0.8125 truncates to -1 and rounds to (-13+8) >> 4 = -1 (error 0.1875).
    const DRAWS: u32 = 100_000;
    for (value, shift, exact) in [(7i64, 3u32, 0.875), (-13, 4, -0.8125), (1, 5, 1.0 / 32.0)] {
        let mut lfsr = Lfsr32::new(0xC0FF_EE00 ^ shift);
        let sum: i64 = (0..DRAWS)
            .map(|_| shift_round(value, shift, Stochastic, lfsr.next_bits(shift)))
            .sum();
        let mean = sum as f64 / f64::from(DRAWS);
        assert!(
            (mean - exact).abs() < 0.01,
            "{value} / 2^{shift}: mean {mean}, exact {exact}"
        );
    }
}

// ---------------------------------------------------------------- formats

#[test]
fn format_ranges() {
    // sQ4.4: -2^7 = -128 -> -8.0, 2^7 - 1 = 127 -> 127/16 = 7.9375.
    assert_eq!((S44.min_raw(), S44.max_raw()), (-128, 127));
    assert_eq!(S44.to_f64(S44.max_raw()), 7.9375);
    assert_eq!(S44.to_f64(S44.min_raw()), -8.0);
    // uQ4.4: 0 and 2^8 - 1 = 255 -> 15.9375.
    assert_eq!((U44.min_raw(), U44.max_raw()), (0, 255));
    assert_eq!(U44.to_f64(255), 15.9375);
    // uQ0.8: 255/256 = 0.99609375.
    assert_eq!(U08.to_f64(255), 0.99609375);
    // The widest formats fill i32 exactly.
    assert_eq!((S32.min_raw(), S32.max_raw()), (i32::MIN, i32::MAX));
    let u31 = QFormat::new(31, 0, false).unwrap();
    assert_eq!((u31.min_raw(), u31.max_raw()), (0, i32::MAX));
    // 1-bit formats: signed {-1, 0}, unsigned {0, 1}.
    let s1 = QFormat::new(1, 0, true).unwrap();
    let u1 = QFormat::new(1, 0, false).unwrap();
    assert_eq!((s1.min_raw(), s1.max_raw()), (-1, 0));
    assert_eq!((u1.min_raw(), u1.max_raw()), (0, 1));
    // sQ0.32 (32 bits, 32 fraction bits): i32::MIN / 2^32 = -0.5.
    let s0_32 = QFormat::new(32, 32, true).unwrap();
    assert_eq!(s0_32.to_f64(i32::MIN), -0.5);
}

#[test]
fn invalid_formats_name_the_field() {
    let cases = [
        (QFormat::new(0, 0, true), "bits", 0),
        (QFormat::new(33, 0, true), "bits", 33),
        (QFormat::new(32, 0, false), "bits", 32),
        (QFormat::new(8, 33, true), "frac", 33),
    ];
    for (result, field, value) in cases {
        match result {
            Err(FixedError::InvalidFormat {
                field: f, value: v, ..
            }) => {
                assert_eq!((f, v), (field, value));
            }
            other => panic!("expected an error naming `{field}`, got {other:?}"),
        }
    }
    let msg = QFormat::new(32, 0, false).unwrap_err().to_string();
    assert!(msg.contains("`bits` = 32") && msg.contains("31"), "{msg}");
    for ok in [S44, U44, S88, U08, S32] {
        assert_eq!(ok.validate(), Ok(()));
    }
}

#[test]
fn format_notation_and_serde() {
    assert_eq!(S44.to_string(), "sQ4.4");
    assert_eq!(U08.to_string(), "uQ0.8");
    assert_eq!(S88.to_string(), "sQ8.8");
    let json = serde_json::to_string(&S44).unwrap();
    assert_eq!(json, r#"{"bits":8,"frac":4,"signed":true}"#);
    assert_eq!(serde_json::from_str::<QFormat>(&json).unwrap(), S44);
    let unknown = r#"{"bits":8,"frac":4,"signed":true,"sign":true}"#;
    assert!(serde_json::from_str::<QFormat>(unknown).is_err());
}

#[test]
fn saturate_at_both_ends() {
    assert_eq!(S44.saturate(127), (127, false));
    assert_eq!(S44.saturate(128), (127, true));
    assert_eq!(S44.saturate(-128), (-128, false));
    assert_eq!(S44.saturate(-129), (-128, true));
    assert_eq!(S44.saturate(i64::MAX), (127, true));
    assert_eq!(S44.saturate(i64::MIN), (-128, true));
    assert_eq!(U44.saturate(-1), (0, true));
    assert_eq!(U44.saturate(0), (0, false));
    assert_eq!(U44.saturate(255), (255, false));
    assert_eq!(U44.saturate(256), (255, true));
    assert_eq!(S32.saturate(1 << 31), (i32::MAX, true));
    assert_eq!(S32.saturate(-(1 << 31)), (i32::MIN, false));
}

// ---------------------------------------------------------------- float conversion

#[test]
fn from_f64_rounds_per_mode_and_saturates() {
    // sQ4.4 scales by 16. 7.9375 -> 127 exactly; 8.0 -> 128 -> 127; -8.0 -> -128;
    // -8.0625 -> -129 -> -128.
    for mode in Rounding::ALL {
        assert_eq!(S44.from_f64(7.9375, mode, 0), 127);
        assert_eq!(S44.from_f64(8.0, mode, 0), 127);
        assert_eq!(S44.from_f64(-8.0, mode, 0), -128);
        assert_eq!(S44.from_f64(-8.0625, mode, 0), -128);
        assert_eq!(S44.from_f64(1e300, mode, 0), 127);
        assert_eq!(S44.from_f64(f64::INFINITY, mode, 0), 127);
        assert_eq!(S44.from_f64(f64::NEG_INFINITY, mode, 0), -128);
        assert_eq!(S44.from_f64(f64::NAN, mode, 0), 0);
        assert_eq!(U44.from_f64(-0.5, mode, 0), 0);
    }
    // 1.03125 * 16 = 16.5 = 16 + 2^31/2^32. T 16, N 17, S up iff r >= 2^31.
    assert_eq!(S44.from_f64(1.03125, Truncate, 0), 16);
    assert_eq!(S44.from_f64(1.03125, Nearest, 0), 17);
    assert_eq!(S44.from_f64(1.03125, Stochastic, 0x7FFF_FFFF), 16);
    assert_eq!(S44.from_f64(1.03125, Stochastic, 0x8000_0000), 17);
    // -1.03125 * 16 = -16.5 = -17 + 0.5. T -17, N -16 (half up), S up iff r >= 2^31.
    assert_eq!(S44.from_f64(-1.03125, Truncate, 0), -17);
    assert_eq!(S44.from_f64(-1.03125, Nearest, 0), -16);
    assert_eq!(S44.from_f64(-1.03125, Stochastic, 0x7FFF_FFFF), -17);
    assert_eq!(S44.from_f64(-1.03125, Stochastic, 0x8000_0000), -16);
    // 0.1 * 16 = 1.6 (to within 1e-16). T 1, N 2. S: fraction ~0.6 * 2^32; 0x5000_0000 is
    // 0.3125 * 2^32 (sum 0.9125 < 1: stays 1), 0x7000_0000 is 0.4375 * 2^32 (sum 1.0375: 2).
    assert_eq!(S44.from_f64(0.1, Truncate, 0), 1);
    assert_eq!(S44.from_f64(0.1, Nearest, 0), 2);
    assert_eq!(S44.from_f64(0.1, Stochastic, 0x5000_0000), 1);
    assert_eq!(S44.from_f64(0.1, Stochastic, 0x7000_0000), 2);
    // The whole 32-bit range: -2^31 and 2^31 - 1 exactly, one beyond saturates.
    assert_eq!(S32.from_f64(-2147483648.0, Nearest, 0), i32::MIN);
    assert_eq!(S32.from_f64(2147483647.0, Nearest, 0), i32::MAX);
    assert_eq!(S32.from_f64(2147483647.5, Nearest, 0), i32::MAX);
    assert_eq!(S32.from_f64(-2147483648.5, Truncate, 0), i32::MIN);
    assert_eq!(S32.from_f64(-2147483648.5, Nearest, 0), i32::MIN);
}

#[test]
fn float_round_trips() {
    // Every raw value of these formats is a float x = raw / 2^frac; converting x back lands on
    // raw exactly in every mode, for any draw (the discarded fraction is 0).
    for fmt in [S44, U44, U08, S88] {
        for raw in fmt.min_raw()..=fmt.max_raw() {
            let x = fmt.to_f64(raw);
            for mode in Rounding::ALL {
                for random in [0, 0x8000_0000, u32::MAX] {
                    assert_eq!(fmt.from_f64(x, mode, random), raw, "{fmt} raw {raw} {mode}");
                }
            }
        }
    }
    let s1_31 = QFormat::new(32, 31, true).unwrap();
    for raw in [i32::MIN, -1, 0, 1, 12345, i32::MAX] {
        assert_eq!(s1_31.from_f64(s1_31.to_f64(raw), Nearest, 0), raw);
    }
    // And a real on the grid survives the trip the other way: 2.6875 = 43/16.
    assert_eq!(S44.to_f64(S44.from_f64(2.6875, Truncate, 0)), 2.6875);
}

#[test]
fn stochastic_conversion_mean_is_the_scaled_value() {
    // uQ0.8: 0.3 * 256 = 76.8, so S gives 76 or 77 with P(77) = 0.8; the mean of 100,000
    // conversions has standard deviation sqrt(0.16 / 100000) = 0.0013. Tolerance 0.01; the
    // deterministic modes are off by 0.8 (T: 76) and 0.2 (N: 77).
    const DRAWS: u32 = 100_000;
    let mut lfsr = Lfsr32::new(7);
    let sum: i64 = (0..DRAWS)
        .map(|_| i64::from(U08.from_f64(0.3, Stochastic, lfsr.next_bits(32))))
        .sum();
    let mean = sum as f64 / f64::from(DRAWS);
    assert!((mean - 76.8).abs() < 0.01, "mean {mean}");
}

// ---------------------------------------------------------------- arithmetic

#[test]
fn sat_add_and_sat_sub_clamp_at_both_ends() {
    // sQ4.4, range [-128, 127].
    assert_eq!(sat_add(100, 27, S44), 127); // exactly the maximum
    assert_eq!(sat_add(100, 28, S44), 127); // 128 clamps
    assert_eq!(sat_add(100, 50, S44), 127); // 150 clamps
    assert_eq!(sat_add(-100, -28, S44), -128); // exactly the minimum
    assert_eq!(sat_add(-100, -50, S44), -128); // -150 clamps
    assert_eq!(sat_add(-100, 50, S44), -50);
    assert_eq!(sat_sub(-100, 50, S44), -128); // -150 clamps
    assert_eq!(sat_sub(100, -50, S44), 127); // 150 clamps
    assert_eq!(sat_sub(3, 5, S44), -2);
    // uQ4.4, range [0, 255]: below zero clamps to 0.
    assert_eq!(sat_sub(3, 5, U44), 0);
    assert_eq!(sat_sub(5, 5, U44), 0);
    assert_eq!(sat_add(250, 5, U44), 255);
    assert_eq!(sat_add(250, 10, U44), 255);
    // 32-bit: the sum is formed wider than i32, so it clamps rather than wraps.
    assert_eq!(sat_add(i32::MAX, 1, S32), i32::MAX);
    assert_eq!(sat_sub(i32::MIN, 1, S32), i32::MIN);
    assert_eq!(sat_sub(0, i32::MIN, S32), i32::MAX);
}

#[test]
fn mul_shift_rounds_then_saturates() {
    // sQ4.4 x sQ4.4 has 8 fraction bits; shift 4 brings it back to sQ4.4.
    // 3.5 (56) * 2.25 (36) = 2016 = 126 * 16 -> 126 = 7.875, exact in every mode.
    for mode in Rounding::ALL {
        assert_eq!(mul_shift(56, 36, 4, mode, 5, S44), 126);
    }
    // 4.0 (64) * 2.0 (32) = 2048 -> 128 -> clamps to 127.
    assert_eq!(mul_shift(64, 32, 4, Truncate, 0, S44), 127);
    // -4.0 * 2.0 = -2048 -> -128, exactly the minimum.
    assert_eq!(mul_shift(-64, 32, 4, Truncate, 0, S44), -128);
    // -4.0 * 2.25 = -2304 -> -144 -> clamps to -128.
    assert_eq!(mul_shift(-64, 36, 4, Nearest, 0, S44), -128);
    // -8 * -8 = 64: 16384 -> 1024 -> clamps to 127.
    assert_eq!(mul_shift(-128, -128, 4, Nearest, 0, S44), 127);
    // 0.5625 (9) * 0.4375 (7) = 63 -> 63/16 = 3.9375. T 3, N (63+8) >> 4 = 4,
    // S low = 15: up for any r & 15 >= 1.
    assert_eq!(mul_shift(9, 7, 4, Truncate, 0, S44), 3);
    assert_eq!(mul_shift(9, 7, 4, Nearest, 0, S44), 4);
    assert_eq!(mul_shift(9, 7, 4, Stochastic, 0, S44), 3);
    assert_eq!(mul_shift(9, 7, 4, Stochastic, 1, S44), 4);
    // -9 * 7 = -63 -> -3.9375 = -4 + 0.0625. T -4, N (-63+8) >> 4 = floor(-3.4375) = -4,
    // S low = 1: up (to -3) only for r & 15 = 15.
    assert_eq!(mul_shift(-9, 7, 4, Truncate, 0, S44), -4);
    assert_eq!(mul_shift(-9, 7, 4, Nearest, 0, S44), -4);
    assert_eq!(mul_shift(-9, 7, 4, Stochastic, 14, S44), -4);
    assert_eq!(mul_shift(-9, 7, 4, Stochastic, 15, S44), -3);
    // uQ4.4: 12.5 (200) * 2.0 (32) = 6400 -> 400 -> clamps to 255.
    assert_eq!(mul_shift(200, 32, 4, Truncate, 0, U44), 255);
    // A negative product into an unsigned format clamps to 0: -1 * 16 = -16 -> -1 -> 0.
    assert_eq!(mul_shift(-1, 16, 4, Truncate, 0, U44), 0);
    // The product is exact in i64: i32::MIN^2 = 2^62, clamps to i32::MAX.
    assert_eq!(mul_shift(i32::MIN, i32::MIN, 0, Truncate, 0, S32), i32::MAX);
    // ... and 2^62 >> 32 = 2^30 fits.
    assert_eq!(mul_shift(i32::MIN, i32::MIN, 32, Truncate, 0, S32), 1 << 30);
}

/// `steps` decays of `x` by `x -= shift_round(x, k)`, with draw `randoms[i]` at step i.
fn decay_sequence(x: i32, k: u32, mode: Rounding, randoms: &[u32]) -> Vec<i32> {
    let mut seq = vec![x];
    let mut x = x;
    for &r in randoms {
        x = decay_shift(x, k, mode, r, S88);
        seq.push(x);
    }
    seq
}

#[test]
fn decay_sequences_worked_by_hand() {
    // k = 2: x -= x >> 2 (T). 100 - 25 = 75; 75 - 18 = 57; 57 - 14 = 43; 43 - 10 = 33;
    // 33 - 8 = 25; 25 - 6 = 19; 19 - 4 = 15; 15 - 3 = 12; 12 - 3 = 9; 9 - 2 = 7; 7 - 1 = 6;
    // 6 - 1 = 5; 5 - 1 = 4; 4 - 1 = 3; 3 - 0 = 3 (stuck at 2^k - 1 = 3).
    assert_eq!(
        decay_sequence(100, 2, Truncate, &[0; 15]),
        [100, 75, 57, 43, 33, 25, 19, 15, 12, 9, 7, 6, 5, 4, 3, 3]
    );
    // k = 2: x -= (x + 2) >> 2 (N). 100 - 25 = 75; 75 - 19 = 56; 56 - 14 = 42; 42 - 11 = 31;
    // 31 - 8 = 23; 23 - 6 = 17; 17 - 4 = 13; 13 - 3 = 10; 10 - 3 = 7; 7 - 2 = 5; 5 - 1 = 4;
    // 4 - 1 = 3; 3 - 1 = 2; 2 - 1 = 1; 1 - 0 = 1 (stuck at 2^(k-1) - 1 = 1).
    assert_eq!(
        decay_sequence(100, 2, Nearest, &[0; 15]),
        [100, 75, 56, 42, 31, 23, 17, 13, 10, 7, 5, 4, 3, 2, 1, 1]
    );
    // Negative, T: -10 >> 2 = -3 -> -7; -7 >> 2 = -2 -> -5; -5 >> 2 = -2 -> -3;
    // -3 >> 2 = -1 -> -2; -2 >> 2 = -1 -> -1; -1 >> 2 = -1 -> 0; 0 stays.
    assert_eq!(
        decay_sequence(-10, 2, Truncate, &[0; 7]),
        [-10, -7, -5, -3, -2, -1, 0, 0]
    );
    // Negative, N: (-10+2) >> 2 = -2 -> -8; (-8+2) >> 2 = -2 -> -6; (-6+2) >> 2 = -1 -> -5;
    // (-5+2) >> 2 = -1 -> -4; (-4+2) >> 2 = -1 -> -3; (-3+2) >> 2 = -1 -> -2;
    // (-2+2) >> 2 = 0 -> -2 (stuck at -2^(k-1) = -2).
    assert_eq!(
        decay_sequence(-10, 2, Nearest, &[0; 7]),
        [-10, -8, -6, -5, -4, -3, -2, -2]
    );
    // S with draws 3, 0, 1, 2: (100+3) >> 2 = 25 -> 75; (75+0) >> 2 = 18 -> 57;
    // (57+1) >> 2 = 14 -> 43; (43+2) >> 2 = 11 -> 32.
    assert_eq!(
        decay_sequence(100, 2, Stochastic, &[3, 0, 1, 2]),
        [100, 75, 57, 43, 32]
    );
}

#[test]
fn decay_fixed_points() {
    for k in 1..=6u32 {
        let p = 1i32 << k; // 2^k
        let h = p / 2; // 2^(k-1)
                       // T: 2^k - 1 stays (quotient 0); 2^k goes to 2^k - 1; -1 goes to 0.
        assert_eq!(decay_shift(p - 1, k, Truncate, 0, S88), p - 1, "k = {k}");
        assert_eq!(decay_shift(p, k, Truncate, 0, S88), p - 1, "k = {k}");
        assert_eq!(decay_shift(-1, k, Truncate, 0, S88), 0, "k = {k}");
        // N: 2^(k-1) - 1 and -2^(k-1) stay; one step further out moves onto them.
        assert_eq!(decay_shift(h - 1, k, Nearest, 0, S88), h - 1, "k = {k}");
        assert_eq!(decay_shift(h, k, Nearest, 0, S88), h - 1, "k = {k}");
        assert_eq!(decay_shift(-h, k, Nearest, 0, S88), -h, "k = {k}");
        assert_eq!(decay_shift(-h - 1, k, Nearest, 0, S88), -h, "k = {k}");
        // S: the truncation fixed point 2^k - 1 still moves when the draw carries
        // (r & (2^k - 1) >= 1).
        assert_eq!(decay_shift(p - 1, k, Stochastic, 1, S88), p - 2, "k = {k}");
    }
    // k = 0: x - x = 0 in every mode.
    for mode in Rounding::ALL {
        assert_eq!(decay_shift(77, 0, mode, 0, S88), 0);
    }
}

#[test]
fn stochastic_decay_is_unbiased_and_reaches_zero() {
    // Over all 2^k draws, sum_r (x - S(x, k, r)) = 2^k x - x (Hermite's identity), i.e. the mean
    // decayed value is exactly x (1 - 2^-k).
    for k in 1..=4u32 {
        for x in [-300, -17, -1, 0, 1, 3, 100, 32767] {
            let sum: i64 = (0..1u32 << k)
                .map(|r| i64::from(decay_shift(x, k, Stochastic, r, S88)))
                .sum();
            assert_eq!(sum, (i64::from(x) << k) - i64::from(x), "x = {x}, k = {k}");
        }
    }
    // With LFSR draws, 100 decays (k = 2) to exactly 0: the mean after n steps is
    // 100 * 0.75^n (< 0.01 at n = 33), and from 1 each step reaches 0 with probability 1/4, so
    // 300 steps leave essentially no chance (0.75^200 < 1e-24) of a correct decay still being
    // above 0. Truncation would stop at 3.
    let mut lfsr = Lfsr32::new(11);
    let mut x = 100;
    for _ in 0..300 {
        x = decay_shift(x, 2, Stochastic, lfsr.next_bits(2), S88);
    }
    assert_eq!(x, 0);
}

// ---------------------------------------------------------------- requantize

#[test]
fn requantize_between_formats() {
    // sQ8.8 -> sQ4.4 drops 4 fraction bits. 296 = 1.15625; 296 / 16 = 18.5.
    // T 18, N (296+8) >> 4 = 19, S: low = 8, up iff r & 15 >= 8.
    assert_eq!(requantize(296, S88, S44, Truncate, 0), 18);
    assert_eq!(requantize(296, S88, S44, Nearest, 0), 19);
    assert_eq!(requantize(296, S88, S44, Stochastic, 7), 18);
    assert_eq!(requantize(296, S88, S44, Stochastic, 8), 19);
    // -296 / 16 = -18.5 = -19 + 0.5. T -19, N (-296+8) >> 4 = -288 >> 4 = -18, S up iff >= 8.
    assert_eq!(requantize(-296, S88, S44, Truncate, 0), -19);
    assert_eq!(requantize(-296, S88, S44, Nearest, 0), -18);
    assert_eq!(requantize(-296, S88, S44, Stochastic, 7), -19);
    assert_eq!(requantize(-296, S88, S44, Stochastic, 8), -18);
    // 8.0 (2048) -> 128 -> clamps to 127. -2049 / 16 = -128.0625: T -129 -> clamps to -128;
    // N (-2049+8) >> 4 = floor(-127.5625) = -128, no clamp needed.
    assert_eq!(requantize(2048, S88, S44, Nearest, 0), 127);
    assert_eq!(requantize(-2049, S88, S44, Truncate, 0), -128);
    assert_eq!(requantize(-2049, S88, S44, Nearest, 0), -128);
    // Widening adds fraction bits exactly: -128 << 4 = -2048, 127 << 4 = 2032.
    assert_eq!(requantize(-128, S44, S88, Truncate, 0), -2048);
    assert_eq!(requantize(127, S44, S88, Truncate, 0), 2032);
    // uQ0.8 -> sQ4.4: 200 = 0.78125; 200 / 16 = 12.5: T 12, N 13.
    assert_eq!(requantize(200, U08, S44, Truncate, 0), 12);
    assert_eq!(requantize(200, U08, S44, Nearest, 0), 13);
    // Signed -> unsigned, same fraction: negative clamps to 0, the rest is unchanged.
    assert_eq!(requantize(-5, S44, U44, Nearest, 0), 0);
    assert_eq!(requantize(100, S44, U44, Nearest, 0), 100);
    // The widest left shift (32 fraction bits added) stays exact in i64 before clamping:
    // i32::MAX * 2^32 clamps to the maximum, i32::MIN * 2^32 = -2^63 to the minimum, 0 stays 0.
    let s0_32 = QFormat::new(32, 32, true).unwrap();
    assert_eq!(requantize(i32::MAX, S32, s0_32, Truncate, 0), i32::MAX);
    assert_eq!(requantize(i32::MIN, S32, s0_32, Truncate, 0), i32::MIN);
    assert_eq!(requantize(0, S32, s0_32, Truncate, 0), 0);
}

/// The 32-bit leak is the truncating decay of the general (64-bit) form: at the ends of the i32
/// range, around zero and at random values, for every shift up to MAX_SHIFT.
#[test]
fn decay_floor_is_the_truncating_decay_shift() {
    let i32_fmt = QFormat {
        bits: 32,
        frac: 0,
        signed: true,
    };
    let mut lfsr = Lfsr32::new(0x1234_5678);
    let mut values = vec![
        i32::MIN,
        i32::MIN + 1,
        -2,
        -1,
        0,
        1,
        2,
        i32::MAX - 1,
        i32::MAX,
    ];
    values.extend((0..2000).map(|_| (lfsr.next16() as u32 | (lfsr.next16() as u32) << 16) as i32));
    values.extend(-70_000..70_000);
    for k in 0..=fspinn_model::fixed::MAX_SHIFT {
        for &x in &values {
            assert_eq!(
                decay_floor(x, k),
                decay_shift(x, k, Truncate, 0, i32_fmt),
                "x = {x}, k = {k}"
            );
        }
    }
    // Worked by hand: 100 - (100 >> 2) = 75; -10 - (-10 >> 2) = -10 + 3 = -7.
    assert_eq!(decay_floor(100, 2), 75);
    assert_eq!(decay_floor(-10, 2), -7);
}
