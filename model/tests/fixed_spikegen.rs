//! The input spike generator: the 16-bit draw, seeding, thresholds, rates and independence.

use fspinn_model::data::{self, Split};
use fspinn_model::fixed::{
    fmix32, input_seed, rate_q24, sample_seed, spike_threshold, Lfsr32, SpikeGenerator,
};
use std::collections::{HashMap, HashSet};

const N_CHANNELS: u32 = 784;

/// 16 single shifts: the definition `next16` must reproduce.
fn sixteen_steps(state: u32) -> u32 {
    let mut lfsr = Lfsr32::new(state);
    for _ in 0..16 {
        lfsr.step();
    }
    lfsr.state()
}

fn assert_next16_is_sixteen_steps(state: u32) {
    let mut lfsr = Lfsr32::new(state);
    let want = sixteen_steps(state);
    assert_eq!(lfsr.next16(), want as u16, "draw from {state:#010x}");
    assert_eq!(lfsr.state(), want, "state after a draw from {state:#010x}");
}

#[test]
fn next16_from_seed_one_matches_hand_working() {
    // fixed_lfsr.rs works states 1..5 from seed 1: 0x8020_0003, 0xC030_0002, 0x6018_0001,
    // 0xB02C_0003, 0xD836_0002. Continuing (lsb; s >> 1; ^ 0x8020_0003 when lsb = 1):
    // s5  = 0xD836_0002: lsb 0 -> s6  = 0x6C1B_0001
    // s6  = 0x6C1B_0001: lsb 1, >> 1 = 0x360D_8000 -> s7  = 0xB62D_8003
    // s7  = 0xB62D_8003: lsb 1, >> 1 = 0x5B16_C001 -> s8  = 0xDB36_C002
    // s8  = 0xDB36_C002: lsb 0 -> s9  = 0x6D9B_6001
    // s9  = 0x6D9B_6001: lsb 1, >> 1 = 0x36CD_B000 -> s10 = 0xB6ED_B003
    // s10 = 0xB6ED_B003: lsb 1, >> 1 = 0x5B76_D801 -> s11 = 0xDB56_D802
    // s11 = 0xDB56_D802: lsb 0 -> s12 = 0x6DAB_6C01
    // s12 = 0x6DAB_6C01: lsb 1, >> 1 = 0x36D5_B600 -> s13 = 0xB6F5_B603
    // s13 = 0xB6F5_B603: lsb 1, >> 1 = 0x5B7A_DB01 -> s14 = 0xDB5A_DB02
    // s14 = 0xDB5A_DB02: lsb 0 -> s15 = 0x6DAD_6D81
    // s15 = 0x6DAD_6D81: lsb 1, >> 1 = 0x36D6_B6C0 -> s16 = 0xB6F6_B6C3
    // (XOR with the mask flips 0x80 in the top byte, 0x20 in the second, 0x03 in the bottom.)
    // The first draw is the low half of s16; the second draw starts from s16.
    let mut lfsr = Lfsr32::new(1);
    assert_eq!(lfsr.next16(), 0xB6C3);
    assert_eq!(lfsr.state(), 0xB6F6_B6C3);
    // s16 continues one more shift: lsb 1, >> 1 = 0x5B7B_5B61, ^ mask = 0xDB5B_5B62 = s17.
    let mut s = Lfsr32::new(0xB6F6_B6C3);
    s.step();
    assert_eq!(s.state(), 0xDB5B_5B62);
}

#[test]
fn next16_equals_sixteen_steps_on_edge_and_structured_states() {
    for state in [
        1,
        2,
        0x8000_0000,
        0xFFFF_FFFF,
        0xFFFF_0000,
        0x0000_FFFF,
        0x8020_0003,
    ] {
        assert_next16_is_sixteen_steps(state);
    }
    // Every byte value in every byte position exercises each table entry (and the untabled
    // high half) on its own; single bits are the columns of the linear map.
    for k in 0..4 {
        for b in 1..=255u32 {
            assert_next16_is_sixteen_steps(b << (8 * k));
        }
    }
    for bit in 0..32 {
        assert_next16_is_sixteen_steps(1 << bit);
    }
}

#[test]
fn next16_equals_next_bits_16_along_long_streams() {
    // 100,000 consecutive draws from each of three seeds: next16 against next_bits(16), which
    // is 16 step() calls (the state, not just the draw, must agree at every draw).
    for seed in [1, 0xDEAD_BEEF, 0xFFFF_FFFF] {
        let mut fast = Lfsr32::new(seed);
        let mut slow = Lfsr32::new(seed);
        for i in 0..100_000 {
            let r = fast.next16();
            assert_eq!(u32::from(r), slow.next_bits(16), "seed {seed:#x}, draw {i}");
            assert_eq!(fast.state(), slow.state(), "seed {seed:#x}, draw {i}");
        }
    }
}

#[test]
fn high_half_of_the_state_needs_no_table() {
    // From a state whose low 16 bits are zero, the 16 bits shifted out are zero, so no feedback
    // is applied and 16 shifts are a plain >> 16: the reason next16 needs only two tables.
    for high in 1..=0xFFFFu32 {
        assert_eq!(sixteen_steps(high << 16), high);
    }
}

#[test]
fn fmix32_matches_hand_working() {
    // fmix32(0): every step maps 0 to 0.
    assert_eq!(fmix32(0), 0);
    // fmix32(1):
    // x ^= x >> 16:  1 >> 16 = 0, x = 0x0000_0001.
    // x *= 0x85EB_CA6B:  x = 0x85EB_CA6B.
    // x ^= x >> 13:  0x85EB_CA6B >> 12 = 0x0008_5EBC, >> 1 more = 0x0004_2F5E;
    //     high halves 0x85EB ^ 0x0004 = 0x85EF, low halves 0xCA6B ^ 0x2F5E = 0xE535,
    //     x = 0x85EF_E535.
    // x *= 0xC2B2_AE35 (mod 2^32): with a = ah:al, b = bh:bl in 16-bit halves,
    //     a * b mod 2^32 = al*bl + ((ah*bl + al*bh) mod 2^16) << 16.
    //     al*bl = 0xE535 * 0xAE35 = 58,677 * 44,597 = 2,616,818,169
    //           = 39,929 * 65,536 + 31,225 = 0x9BF9_79F9.
    //     ah*bl = 0x85EF * 0xAE35 = 34,287 * 44,597 = 1,529,097,339
    //           = 23,332 * 65,536 + 11,387, low half 0x2C7B.
    //     al*bh = 0xE535 * 0xC2B2 = 58,677 * 49,842 = 2,924,579,034
    //           = 44,625 * 65,536 + 35,034, low half 0x88DA.
    //     high half: 0x9BF9 + 0x2C7B + 0x88DA = 0x1_514E -> 0x514E; x = 0x514E_79F9.
    // x ^= x >> 16:  low half 0x79F9 ^ 0x514E = 0x28B7, x = 0x514E_28B7.
    assert_eq!(fmix32(1), 0x514E_28B7);
}

#[test]
fn input_seed_matches_definition() {
    // input_seed(s, c) = fmix32(s ^ fmix32(c + 0x9E37_79B9)), 0 -> 1; fmix32(0) = 0 and
    // fmix32(1) = 0x514E_28B7 (above). Channel 0x61C8_8647 wraps c + 0x9E37_79B9 to 0
    // (0x61C8_8647 + 0x9E37_79B9 = 0x1_0000_0000), channel 0x61C8_8648 to 1.
    // c + K = 0, s = 1: fmix32(1 ^ 0) = 0x514E_28B7.
    assert_eq!(input_seed(1, 0x61C8_8647), 0x514E_28B7);
    // c + K = 0, s = 0: fmix32(0) = 0, replaced by 1.
    assert_eq!(input_seed(0, 0x61C8_8647), 1);
    // c + K = 1, s = fmix32(1): fmix32(0x514E_28B7 ^ 0x514E_28B7) = 0 -> 1.
    assert_eq!(input_seed(0x514E_28B7, 0x61C8_8648), 1);
    // c + K = 1, s = fmix32(1) ^ 1: fmix32(1) = 0x514E_28B7.
    assert_eq!(input_seed(0x514E_28B6, 0x61C8_8648), 0x514E_28B7);
}

/// The inverse of the odd number `m` modulo 2^32, by Newton's iteration (each step doubles the
/// number of correct low bits; `m * m = 1 mod 8` gives 3 to start with).
fn inverse_mod_2_32(m: u32) -> u32 {
    let mut inv = m;
    for _ in 0..4 {
        inv = inv.wrapping_mul(2u32.wrapping_sub(m.wrapping_mul(inv)));
    }
    assert_eq!(m.wrapping_mul(inv), 1);
    inv
}

/// fmix32 run backwards: `x ^= x >> k` is undone by XOR-ing in `y >> k`, `y >> 2k`, ...
fn fmix32_inverse(mut y: u32) -> u32 {
    y ^= y >> 16;
    y = y.wrapping_mul(inverse_mod_2_32(0xC2B2_AE35));
    y ^= (y >> 13) ^ (y >> 26);
    y = y.wrapping_mul(inverse_mod_2_32(0x85EB_CA6B));
    y ^ (y >> 16)
}

#[test]
fn input_seeds_of_784_channels_are_distinct_for_every_sample_seed() {
    for x in [0, 1, 2, 0x514E_28B7, 0xDEAD_BEEF, u32::MAX] {
        assert_eq!(fmix32(fmix32_inverse(x)), x);
    }
    // Before the 0 -> 1 substitution, seeds are fmix32(s ^ F_c) with F_c = fmix32(c + K): distinct
    // F_c (fmix32 is a bijection) give distinct seeds for every s. The substitution merges
    // channels a and b only if one pre-seed is 0 and the other 1, i.e. s = F_a and
    // s ^ F_b = fmix32^-1(1), i.e. F_a ^ F_b = fmix32^-1(1). No pair does, so no sample seed can
    // give two of the first 784 channels the same seed.
    let f: Vec<u32> = (0..N_CHANNELS)
        .map(|c| fmix32(c.wrapping_add(0x9E37_79B9)))
        .collect();
    let one_pre = fmix32_inverse(1);
    for a in 0..f.len() {
        for b in (a + 1)..f.len() {
            assert_ne!(f[a], f[b], "channels {a}, {b}");
            assert_ne!(f[a] ^ f[b], one_pre, "channels {a}, {b}");
        }
    }
    // And directly for the sample seeds the old formula found hard, plus the all-ones seed.
    for s in [0, 1, u32::MAX] {
        let seeds: HashSet<u32> = (0..N_CHANNELS).map(|c| input_seed(s, c)).collect();
        assert_eq!(seeds.len(), N_CHANNELS as usize, "sample seed {s:#x}");
        assert!(!seeds.contains(&0));
    }
}

#[test]
fn no_channel_seed_is_within_64_shifts_of_another() {
    // The flaw of the former linear seeding: for run seed 0, 198 channel pairs sat one shift
    // apart on the LFSR cycle (and fmix32(s ^ fmix32(c + 1)) still put 3 pairs of sample seed 0
    // within 64 shifts). Here every seed is stepped 64 times and all 65 states of all 784
    // channels must be distinct: a shared state would put two seeds within 64 shifts of each
    // other. For seeds placed at random the expected number of such pairs is
    // 784 * 783 * 2 * 64 / 2 / 2^32 = 0.009. Seeds with few bit transitions are the ones where
    // doubling relations could survive the XOR with the sample seed.
    for s in [0, 1, 2, u32::MAX, 0xFFFF_0000, 0x0000_FFFF, 0x8000_0000] {
        let mut owner: HashMap<u32, u32> = HashMap::new();
        for c in 0..N_CHANNELS {
            let mut lfsr = Lfsr32::new(input_seed(s, c));
            for shift in 0..=64 {
                if let Some(other) = owner.insert(lfsr.state(), c) {
                    panic!("sample seed {s:#x}: channel {c} meets channel {other} after {shift} shifts");
                }
                lfsr.step();
            }
        }
    }
}

#[test]
fn sample_seeds_depend_on_every_coordinate() {
    let base = sample_seed(1, 2, 0, 0);
    assert_eq!(base, sample_seed(1, 2, 0, 0));
    assert_ne!(base, sample_seed(2, 2, 0, 0));
    assert_ne!(base, sample_seed(1, 3, 0, 0));
    assert_ne!(base, sample_seed(1, 2, 1, 0));
    assert_ne!(base, sample_seed(1, 2, 0, 1));
    // Swapping coordinates is not a symmetry.
    assert_ne!(sample_seed(1, 2, 3, 4), sample_seed(1, 2, 4, 3));
    // 10,000 sample indices: 32-bit seeds of random-like values collide with probability
    // 10,000^2 / 2 / 2^32 = 1.2%; these do not.
    let seeds: HashSet<u32> = (0..10_000).map(|i| sample_seed(7, 2, 0, i)).collect();
    assert_eq!(seeds.len(), 10_000);
}

#[test]
fn thresholds_match_hand_arithmetic() {
    // min(0xFFFF, (pixel * rate) >> 8).
    // 255 * 2097 = 534,735 = 2088 * 256 + 207 -> 2088.
    assert_eq!(spike_threshold(255, 2097), 2088);
    // 128 * 2097 = 268,416 = 1048 * 256 + 128 -> 1048.
    assert_eq!(spike_threshold(128, 2097), 1048);
    // 1 * 2097 = 8 * 256 + 49 -> 8.
    assert_eq!(spike_threshold(1, 2097), 8);
    // Truncation: 255 < 256 gives 0, 256 gives 1.
    assert_eq!(spike_threshold(1, 255), 0);
    assert_eq!(spike_threshold(1, 256), 1);
    // Pixel 0 is 0 at any rate, rate 0 is 0 at any pixel.
    assert_eq!(spike_threshold(0, u32::MAX), 0);
    assert_eq!(spike_threshold(255, 0), 0);
    // 255 * 65,792 = 16,776,960 = 65,535 * 256: exactly the largest threshold, unsaturated.
    assert_eq!(spike_threshold(255, 65_792), 0xFFFF);
    // 255 * 65,794 = 16,777,470 = 2^24 + 254 -> 65,536, saturated to 65,535.
    assert_eq!(spike_threshold(255, 65_794), 0xFFFF);
    // 1 * 2^24 -> 65,536, saturated.
    assert_eq!(spike_threshold(1, 1 << 24), 0xFFFF);
    // 255 * (2^32 - 1) = 1,095,216,660,225 needs 40 bits; >> 8 is far above 0xFFFF.
    assert_eq!(spike_threshold(255, u32::MAX), 0xFFFF);
}

#[test]
fn rates_match_hand_arithmetic() {
    // Diehl & Cook input: 1/8 Hz per pixel unit, intensity 2, dt 0.5 ms.
    // 0.125 * 2 * 0.5 ms * 1e-3 = 1.25e-4 per step per unit; * 2^24 = 2097.152 -> 2097.
    assert_eq!(rate_q24(0.125, 2, 0.5), 2097);
    // Pixel 255: 255 * 2097 = 534,735, >> 8 = 2088; P = 2088 / 65536 = 0.0318603515625 per
    // step, against the exact 63.75 Hz * 0.5 ms = 0.031875 (0.05% low).
    let threshold = spike_threshold(255, rate_q24(0.125, 2, 0.5));
    assert_eq!(threshold, 2088);
    assert_eq!(f64::from(threshold) / 65536.0, 0.031_860_351_562_5);
    // Intensity 1: 1048.576 -> 1049. Intensity 3: 3145.728 -> 3146, not 3 * 1049 = 3147.
    assert_eq!(rate_q24(0.125, 1, 0.5), 1049);
    assert_eq!(rate_q24(0.125, 3, 0.5), 3146);
    // Halves round away from zero: 125 / 2^22 Hz * 1 ms * 2^24 / 1000 = 500 / 1000 = 0.5 -> 1,
    // and at intensity 3, 1.5 -> 2 (all operations exact in binary).
    let r = 125.0 / 4_194_304.0;
    assert_eq!(rate_q24(r, 1, 1.0), 1);
    assert_eq!(rate_q24(r, 3, 1.0), 2);
    // Zero intensity, negative and NaN rates give 0; a huge rate saturates.
    assert_eq!(rate_q24(0.125, 0, 0.5), 0);
    assert_eq!(rate_q24(-1.0, 2, 0.5), 0);
    assert_eq!(rate_q24(f64::NAN, 2, 0.5), 0);
    // 1e9 Hz * 1 ms = 1e6 per step per unit, * 2^24 = 1.7e13 > u32::MAX.
    assert_eq!(rate_q24(1e9, 1, 1.0), u32::MAX);
}

/// Spike counts per channel over `steps` steps.
fn count_spikes(gen: &mut SpikeGenerator, steps: usize) -> Vec<u64> {
    let mut counts = vec![0u64; gen.channels()];
    let mut out = Vec::new();
    for _ in 0..steps {
        gen.step(&mut out);
        for &c in &out {
            counts[c as usize] += 1;
        }
    }
    counts
}

#[test]
fn spike_rates_match_thresholds_within_five_sigma() {
    // Over n = 200,000 steps a channel's count is Binomial(n, p), p = threshold / 65536, with
    // sigma = sqrt(n p (1 - p)). For example threshold 2088: n p = 6372.1, sigma = 78.5;
    // threshold 32,768: n p = 100,000, sigma = 223.6; threshold 65,535: n (1 - p) = 3.05
    // expected misses, sigma = 1.75.
    const STEPS: usize = 200_000;
    let pixels = [1u8, 17, 128, 200, 255, 0];
    // Thresholds worked by hand: rate 2097: 8, 35,649 >> 8 = 139, 1048, 419,400 >> 8 = 1638,
    // 2088, 0. Rate 2^16 (p = pixel / 256): 256, 4352, 32,768, 51,200, 65,280, 0. Rate
    // u32::MAX: 65,535 for every non-zero pixel.
    let cases: [(u32, [u16; 6]); 3] = [
        (2097, [8, 139, 1048, 1638, 2088, 0]),
        (1 << 16, [256, 4352, 32_768, 51_200, 65_280, 0]),
        (u32::MAX, [65_535, 65_535, 65_535, 65_535, 65_535, 0]),
    ];
    for (rate, thresholds) in cases {
        let mut gen = SpikeGenerator::new(pixels.len());
        gen.start(&pixels, rate, 12_345);
        assert_eq!(gen.thresholds(), thresholds);
        let counts = count_spikes(&mut gen, STEPS);
        for (c, (&count, &t)) in counts.iter().zip(&thresholds).enumerate() {
            let p = f64::from(t) / 65536.0;
            let mean = STEPS as f64 * p;
            let sigma = (STEPS as f64 * p * (1.0 - p)).sqrt();
            assert!(
                (count as f64 - mean).abs() <= 5.0 * sigma,
                "rate {rate}, channel {c}: {count} spikes, expected {mean:.1} +- {sigma:.1}"
            );
        }
        assert_eq!(counts[5], 0);
    }
}

#[test]
fn zero_threshold_channels_never_spike_and_never_draw() {
    let mut gen = SpikeGenerator::new(5);
    let mut out = Vec::new();
    // All pixels 0: no draws at all.
    gen.start(&[0; 5], 2097, 3);
    for _ in 0..1000 {
        gen.step(&mut out);
        assert!(out.is_empty());
    }
    assert_eq!(gen.draws(), 0);
    // Pixel 1 at rate 255 truncates to threshold 0: no draws either.
    gen.start(&[1; 5], 255, 3);
    gen.step(&mut out);
    assert_eq!(gen.draws(), 0);
    // Two active channels: two draws per step, and only they spike.
    gen.start(&[0, 255, 0, 0, 255], 1 << 16, 3);
    let mut spiked = [false; 5];
    for _ in 0..1000 {
        gen.step(&mut out);
        for &c in &out {
            spiked[c as usize] = true;
        }
    }
    assert_eq!(gen.draws(), 2000);
    assert_eq!(spiked, [false, true, false, false, true]);
}

#[test]
fn inactive_channels_do_not_disturb_the_others() {
    // Each channel has its own LFSR, so whether other channels draw changes none of its spikes.
    let mut quiet = SpikeGenerator::new(5);
    let mut busy = SpikeGenerator::new(5);
    quiet.start(&[255, 0, 128, 0, 255], 1 << 15, 99);
    busy.start(&[255, 77, 128, 255, 255], 1 << 15, 99);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..2000 {
        quiet.step(&mut a);
        busy.step(&mut b);
        b.retain(|&c| c == 0 || c == 2 || c == 4);
        assert_eq!(a, b);
    }
}

/// The generator written out from the definitions, one channel at a time, with 16 single shifts
/// per draw: what L2 and L3 are checked against, rebuilt without `next16` or `SpikeGenerator`.
fn reference_spikes(pixels: &[u8], rates: &[(u32, usize)], seed: u32) -> (Vec<Vec<u16>>, u64) {
    let mut lfsrs: Vec<Lfsr32> = (0..pixels.len() as u32)
        .map(|c| Lfsr32::new(input_seed(seed, c)))
        .collect();
    let mut steps = Vec::new();
    let mut draws = 0;
    for &(rate, n) in rates {
        let thresholds: Vec<u16> = pixels.iter().map(|&p| spike_threshold(p, rate)).collect();
        for _ in 0..n {
            let mut out = Vec::new();
            for (c, lfsr) in lfsrs.iter_mut().enumerate() {
                if thresholds[c] > 0 {
                    draws += 1;
                    if lfsr.next_bits(16) < u32::from(thresholds[c]) {
                        out.push(c as u16);
                    }
                }
            }
            steps.push(out);
        }
    }
    (steps, draws)
}

#[test]
fn generator_matches_reference_on_an_mnist_image_with_a_louder_repeat() {
    let train = data::builtin(Split::Train);
    let image = train.image(0);
    let (r2, r3) = (rate_q24(0.125, 2, 0.5), rate_q24(0.125, 3, 0.5));
    let seed = sample_seed(1, 2, 0, 0);
    let (want, want_draws) = reference_spikes(image, &[(r2, 700), (r3, 700)], seed);

    let mut gen = SpikeGenerator::new(784);
    gen.start(image, r2, seed);
    let active = image
        .iter()
        .filter(|&&p| spike_threshold(p, r2) > 0)
        .count() as u64;
    let mut out = Vec::new();
    for (t, expected) in want.iter().enumerate() {
        if t == 700 {
            // The repeat: thresholds change, streams and the draw count continue.
            assert_eq!(gen.draws(), 700 * active);
            gen.reseed_intensity(image, r3);
            assert_eq!(gen.draws(), 700 * active);
        }
        gen.step(&mut out);
        assert_eq!(&out, expected, "step {t}");
        assert!(out.windows(2).all(|w| w[0] < w[1]), "ascending at step {t}");
    }
    assert_eq!(gen.draws(), want_draws);
    let total: usize = want.iter().map(Vec::len).sum();
    assert!(total > 0);
    // start resets the count and the streams: the first 700 steps come again.
    gen.start(image, r2, seed);
    assert_eq!(gen.draws(), 0);
    for expected in &want[..700] {
        gen.step(&mut out);
        assert_eq!(&out, expected);
    }
}

fn presentation(pixels: &[u8], rate: u32, seed: u32, steps: usize) -> Vec<Vec<u16>> {
    let mut gen = SpikeGenerator::new(pixels.len());
    gen.start(pixels, rate, seed);
    let mut out = Vec::new();
    (0..steps)
        .map(|_| {
            gen.step(&mut out);
            out.clone()
        })
        .collect()
}

#[test]
fn same_seed_repeats_and_other_seeds_differ() {
    let image = data::builtin(Split::Train).image(0).to_vec();
    let rate = rate_q24(0.125, 2, 0.5);
    let a = presentation(&image, rate, 5, 700);
    assert_eq!(a, presentation(&image, rate, 5, 700));
    assert_ne!(a, presentation(&image, rate, 6, 700));
    // A fresh generator and a reused one agree: start leaves nothing behind.
    let mut gen = SpikeGenerator::new(784);
    gen.start(&image, rate, 6);
    let mut out = Vec::new();
    for _ in 0..100 {
        gen.step(&mut out);
    }
    gen.start(&image, rate, 5);
    for expected in &a {
        gen.step(&mut out);
        assert_eq!(&out, expected);
    }
}

/// Spike trains of `steps` steps as one bit set per channel (bit t of word t / 64).
fn spike_bitsets(gen: &mut SpikeGenerator, steps: usize) -> Vec<Vec<u64>> {
    let mut sets = vec![vec![0u64; steps.div_ceil(64)]; gen.channels()];
    let mut out = Vec::new();
    for t in 0..steps {
        gen.step(&mut out);
        for &c in &out {
            sets[c as usize][t / 64] |= 1 << (t % 64);
        }
    }
    sets
}

/// Steps at which both channels spiked, over the first `words` words of their bit sets.
fn coincidences(a: &[u64], b: &[u64], words: usize) -> u64 {
    a[..words]
        .iter()
        .zip(&b[..words])
        .map(|(x, y)| u64::from((x & y).count_ones()))
        .sum()
}

#[test]
fn equal_pixels_give_uncorrelated_spike_trains() {
    // All 784 channels at threshold 128 * 2^15 >> 8 = 16,384, p = 1/4. Independent channels
    // coincide at a step with probability p^2 = 1/16, so over n steps a pair's coincidences are
    // Binomial(n, 1/16): mean n/16, sigma = sqrt(n * (1/16) * (15/16)).
    //  - Adjacent pairs, n = 100,000: mean 6250, sigma = sqrt(5859.4) = 76.5, bound 5 sigma.
    //  - All 306,936 pairs, n = 20,480 (320 words): mean 1280, sigma = sqrt(1200) = 34.6, bound
    //    7 sigma (a normal tail of 2.6e-12 per pair, 8e-7 for all of them). Two seeds one shift
    //    apart, as the former linear seeding made them, coincide when bits 16..14 of one state
    //    are 0, i.e. with probability 1/8: 2560, 37 sigma out.
    // Each channel's count over 100,000 steps: mean n p = 25,000, sigma = sqrt(n p (1 - p)) =
    // 136.9, bound 5 sigma. Sample seed 0 is the case the former seedings got wrong.
    const STEPS: usize = 100_000;
    const ALL_PAIRS_WORDS: usize = 320;
    let binomial = |n: f64, p: f64| (n * p, (n * p * (1.0 - p)).sqrt());
    let (single_mean, single_sigma) = binomial(STEPS as f64, 0.25);
    let (adjacent_mean, adjacent_sigma) = binomial(STEPS as f64, 1.0 / 16.0);
    let (pair_mean, pair_sigma) = binomial((ALL_PAIRS_WORDS * 64) as f64, 1.0 / 16.0);
    for seed in [0, 1] {
        let mut gen = SpikeGenerator::new(784);
        gen.start(&[128; 784], 1 << 15, seed);
        assert!(gen.thresholds().iter().all(|&t| t == 16_384));
        let sets = spike_bitsets(&mut gen, STEPS);
        let words = sets[0].len();
        for (c, set) in sets.iter().enumerate() {
            let k = coincidences(set, set, words);
            assert!(
                (k as f64 - single_mean).abs() <= 5.0 * single_sigma,
                "seed {seed}, channel {c}: {k} spikes"
            );
        }
        for c in 0..783 {
            assert_ne!(sets[c], sets[c + 1], "seed {seed}: channels {c}, {}", c + 1);
            let k = coincidences(&sets[c], &sets[c + 1], words);
            assert!(
                (k as f64 - adjacent_mean).abs() <= 5.0 * adjacent_sigma,
                "seed {seed}: channels {c}, {}: {k} coincidences, expected {adjacent_mean}",
                c + 1
            );
        }
        for a in 0..784 {
            for b in (a + 1)..784 {
                let k = coincidences(&sets[a], &sets[b], ALL_PAIRS_WORDS);
                assert!(
                    (k as f64 - pair_mean).abs() <= 7.0 * pair_sigma,
                    "seed {seed}: channels {a}, {b}: {k} coincidences in {} steps",
                    ALL_PAIRS_WORDS * 64
                );
            }
        }
    }
}

#[test]
#[should_panic(expected = "3 pixels for 4 channels")]
fn start_rejects_wrong_image_size() {
    SpikeGenerator::new(4).start(&[1, 2, 3], 2097, 0);
}

#[test]
#[should_panic(expected = "at most 65536")]
fn new_rejects_more_channels_than_16_bit_indices() {
    SpikeGenerator::new(65_537);
}
