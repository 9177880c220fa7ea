//! The datapath LFSR against hand-worked states, its period and draw uniformity.

use fspinn_model::fixed::{input_seed, Lfsr32};

#[test]
fn mask_is_the_polynomial() {
    // x^32 + x^22 + x^2 + x + 1: bit e-1 for e in {32, 22, 2, 1}:
    // bit 31 = 0x8000_0000, bit 21 = 0x0020_0000, bit 1 = 0x2, bit 0 = 0x1 -> 0x8020_0003.
    assert_eq!(Lfsr32::MASK, 0x8020_0003);
}

#[test]
fn first_states_from_seed_one_match_hand_working() {
    // s0 = 0x0000_0001: lsb 1; s >> 1 = 0x0000_0000; ^ mask = 0x8020_0003.
    // s1 = 0x8020_0003: lsb 1; s >> 1 = 0x4010_0001; ^ mask = 0xC030_0002.
    // s2 = 0xC030_0002: lsb 0; s >> 1 = 0x6018_0001.
    // s3 = 0x6018_0001: lsb 1; s >> 1 = 0x300C_0000; ^ mask: 0x30^0x80 = 0xB0, 0x0C^0x20 = 0x2C,
    //      0x0000^0x0003 = 0x0003 -> 0xB02C_0003.
    // s4 = 0xB02C_0003: lsb 1; s >> 1 = 0x5816_0001; ^ mask: 0x58^0x80 = 0xD8, 0x16^0x20 = 0x36,
    //      0x0001^0x0003 = 0x0002 -> 0xD836_0002.
    let expected = [
        0x8020_0003,
        0xC030_0002,
        0x6018_0001,
        0xB02C_0003,
        0xD836_0002,
    ];
    let mut lfsr = Lfsr32::new(1);
    assert_eq!(lfsr.state(), 1);
    for want in expected {
        lfsr.step();
        assert_eq!(lfsr.state(), want, "expected {want:#010x}");
    }
}

#[test]
fn small_draws_match_hand_working() {
    // From seed 1 (states worked above): next_bits(2) advances to s2 = 0xC030_0002, low 2 bits
    // 0b10 = 2; next_bits(2) again advances to s4 = 0xB02C_0003, low 2 bits 0b11 = 3; then
    // next_bits(1) advances to s5 = 0xD836_0002, low bit 0.
    let mut lfsr = Lfsr32::new(1);
    assert_eq!(lfsr.next_bits(2), 2);
    assert_eq!(lfsr.next_bits(2), 3);
    assert_eq!(lfsr.next_bits(1), 0);
    // next_bits(4) from seed 1 -> s4 = 0xB02C_0003, low nibble 3.
    assert_eq!(Lfsr32::new(1).next_bits(4), 3);
}

#[test]
fn next_bits_equals_single_steps() {
    for k in [1, 3, 5, 16, 17, 31, 32] {
        let mut drawn = Lfsr32::new(0x1234_5678);
        let mut stepped = Lfsr32::new(0x1234_5678);
        for _ in 0..100 {
            let bits = drawn.next_bits(k);
            for _ in 0..k {
                stepped.step();
            }
            let mask = if k == 32 { u32::MAX } else { (1 << k) - 1 };
            assert_eq!(bits, stepped.state() & mask, "k = {k}");
            assert_eq!(drawn.state(), stepped.state(), "k = {k}");
        }
    }
}

#[test]
#[should_panic(expected = "must be in 1..=32")]
fn next_bits_rejects_zero_width() {
    Lfsr32::new(1).next_bits(0);
}

#[test]
#[should_panic(expected = "must be in 1..=32")]
fn next_bits_rejects_more_than_32() {
    Lfsr32::new(1).next_bits(33);
}

#[test]
fn zero_seed_is_replaced_by_one() {
    let mut zero = Lfsr32::new(0);
    assert_eq!(zero.state(), 1);
    zero.step();
    // Same first state as seed 1 (hand working above), not the lock-up 0.
    assert_eq!(zero.state(), 0x8020_0003);
}

#[test]
fn restoring_a_saved_state_continues_the_stream() {
    let mut a = Lfsr32::new(99);
    a.next_bits(13);
    let mut b = Lfsr32::new(a.state());
    for _ in 0..50 {
        assert_eq!(a.next_bits(7), b.next_bits(7));
    }
}

#[test]
fn no_repeated_state_in_first_million_steps() {
    let mut lfsr = Lfsr32::new(1);
    let mut states = Vec::with_capacity(1_000_001);
    states.push(lfsr.state());
    for _ in 0..1_000_000 {
        lfsr.step();
        states.push(lfsr.state());
    }
    assert!(states.iter().all(|&s| s != 0));
    states.sort_unstable();
    states.dedup();
    assert_eq!(states.len(), 1_000_001);
}

/// The linear map of one step over GF(2), as the images of the 32 unit vectors.
type Gf2Matrix = [u32; 32];

fn apply(m: &Gf2Matrix, v: u32) -> u32 {
    (0..32)
        .filter(|i| v >> i & 1 == 1)
        .fold(0, |acc, i| acc ^ m[i])
}

fn compose(a: &Gf2Matrix, b: &Gf2Matrix) -> Gf2Matrix {
    let mut c = [0u32; 32];
    for (i, col) in c.iter_mut().enumerate() {
        *col = apply(a, b[i]);
    }
    c
}

fn power(m: &Gf2Matrix, mut e: u64) -> Gf2Matrix {
    let mut result: Gf2Matrix = std::array::from_fn(|i| 1 << i);
    let mut base = *m;
    while e > 0 {
        if e & 1 == 1 {
            result = compose(&base, &result);
        }
        base = compose(&base, &base);
        e >>= 1;
    }
    result
}

#[test]
fn period_is_maximal() {
    // One step is linear over GF(2) (a shift and a conditional XOR of a constant selected by a
    // state bit), so n steps are the n-th power of its matrix M; build M from step() itself.
    let m: Gf2Matrix = std::array::from_fn(|i| {
        let mut lfsr = Lfsr32::new(1 << i);
        lfsr.step();
        lfsr.state()
    });
    // Spot check against the hand-worked step from state 1.
    assert_eq!(m[0], 0x8020_0003);
    // 2^32 - 1 = 3 * 5 * 17 * 257 * 65537 (the Fermat numbers F0..F4).
    let period: u64 = (1 << 32) - 1;
    let primes = [3u64, 5, 17, 257, 65537];
    assert_eq!(primes.iter().product::<u64>(), period);
    // If M^N * 1 = 1 and M^(N/p) * 1 != 1 for every prime p | N, the orbit of state 1 has length
    // exactly N = 2^32 - 1, i.e. it visits every non-zero state: every seed is on that one cycle.
    assert_eq!(apply(&power(&m, period), 1), 1);
    for p in primes {
        assert_ne!(apply(&power(&m, period / p), 1), 1, "period divides N/{p}");
    }
}

#[test]
fn sixteen_bit_draws_are_roughly_uniform() {
    // 100,000 draws of next_bits(16). A uniform 16-bit value has mean 32767.5 and standard
    // deviation 65536 / sqrt(12) = 18918; the mean of 100,000 draws has standard deviation
    // 18918 / 316.2 = 59.8. The bound, 1% of the mean = 327.7, is 5.5 of those: loose enough for
    // any decent generator, tight enough to catch a missing high bit (mean 16383.5) or a stuck one.
    const DRAWS: u32 = 100_000;
    let mut lfsr = Lfsr32::new(input_seed(2024, 0));
    let mut sum = 0u64;
    let mut ones = [0u32; 16];
    let mut bins = [0u32; 16];
    for _ in 0..DRAWS {
        let x = lfsr.next_bits(16);
        assert!(x < 1 << 16);
        sum += u64::from(x);
        for (bit, count) in ones.iter_mut().enumerate() {
            *count += x >> bit & 1;
        }
        bins[(x >> 12) as usize] += 1;
    }
    let mean = sum as f64 / f64::from(DRAWS);
    assert!((mean - 32767.5).abs() < 327.675, "mean {mean}");
    // Each bit is set with frequency 1/2; its standard deviation over 100,000 draws is
    // 0.5 / 316.2 = 0.00158, so +-0.01 is 6.3 of those. This catches a stuck low bit, which
    // barely moves the mean.
    for (bit, &count) in ones.iter().enumerate() {
        let freq = f64::from(count) / f64::from(DRAWS);
        assert!(
            (freq - 0.5).abs() < 0.01,
            "bit {bit} set with frequency {freq}"
        );
    }
    // Chi-square of the 16 bins of the top 4 bits (6250 expected each), 15 degrees of freedom:
    // its 99.9% quantile is 37.7; the bound 60 is loose but fails for lumpy output.
    let expected = f64::from(DRAWS) / 16.0;
    let chi2: f64 = bins
        .iter()
        .map(|&n| (f64::from(n) - expected).powi(2) / expected)
        .sum();
    assert!(chi2 < 60.0, "chi-square {chi2}, bins {bins:?}");
}
