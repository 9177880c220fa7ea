//! Golden values from the datapath's integer recurrences, worked independently of the loop.

use super::*;
use crate::rng::Rng;

/// Parameters where every input with a non-zero pixel spikes on (almost) every step: the
/// threshold saturates at 0xFFFF, so only a draw of exactly 0xFFFF misses (checked below).
fn loud(mut p: FspinnParams) -> FspinnParams {
    p.rate_per_pixel_hz = 1e9;
    p.min_spikes = 0;
    p.mechanisms.adaptive_inhibition = false;
    p
}

#[test]
fn membrane_leaks_by_shift_and_integrates_weights_until_threshold() {
    let mut p = loud(FspinnParams::default());
    p.presentation_ms = 100.0; // 100 steps
                               // One input, one neuron, weight code 128 of 8 bits = 0.5 mV = 128 membrane LSBs (Q8.8).
    let net = FspinnNetwork::from_parts(p, 1, 1, vec![128], vec![0], 0, 0).unwrap();
    let mut ws = net.workspace();
    let stats = net.infer_image(&mut ws, &[255], &mut Rng::from_seed(1));
    assert_eq!(stats.input_spikes, 100, "the loud input spikes every step");
    // By hand: v' = v - floor(v / 128) + 128 each free step; fire when v > 13 mV = 3328, reset
    // to 0 and hold 5 steps.
    let (mut v, mut hold, mut spikes) = (0i32, 0u32, 0u32);
    for _ in 0..100 {
        if hold > 0 {
            hold -= 1;
        } else {
            v = v - (v >> 7) + 128;
            if v > 3328 {
                spikes += 1;
                v = 0;
                hold = 5;
            }
        }
    }
    assert_eq!(ws.counts(), &[spikes]);
    assert!(spikes >= 2);
    assert_eq!(ws.v[0], v);
}

#[test]
fn a_spike_inhibits_every_other_neuron_at_once() {
    let mut p = loud(FspinnParams::default());
    p.presentation_ms = 1.0;
    p.v_thresh_mv = 0.25; // neuron 0 (weight 0.5 mV) fires on step 0, neuron 1 (0.125 mV) not
    let net =
        FspinnNetwork::from_parts(p.clone(), 1, 2, vec![128, 32], vec![0, 0], 256 * 17, 0).unwrap();
    let mut ws = net.workspace();
    net.infer_image(&mut ws, &[255], &mut Rng::from_seed(1));
    assert_eq!(ws.counts(), &[1, 0]);
    assert_eq!(
        ws.v,
        vec![0, 32 - 17 * 256],
        "neuron 1: +0.125 mV input, -17 mV inhibition"
    );

    // With the inhibitory layer (mechanism (a) off) the same spike arrives one step later.
    p.mechanisms.direct_inhibition = false;
    let net = FspinnNetwork::from_parts(p, 1, 2, vec![128, 32], vec![0, 0], 256 * 17, 0).unwrap();
    net.infer_image(&mut ws, &[255], &mut Rng::from_seed(1));
    assert_eq!(ws.v, vec![0, 32]);
}

#[test]
fn post_spike_moves_each_weight_by_eta_times_trace_minus_target() {
    let mut p = loud(FspinnParams::default());
    p.presentation_ms = 1.0;
    p.v_thresh_mv = 0.0;
    p.rounding = crate::fixed::Rounding::Truncate;
    p.mechanisms.adaptive_potentiation = false;
    p.nu_post = 0.5; // large, so the change is many LSBs
    p.x_tar = 0.25;
    // Two inputs: input 0 spikes (pixel 255), input 1 never (pixel 0); one neuron fires at step 0.
    // Normalisation first scales the column (40 + 40) toward 78 * 256 = 19968 codes: 9984 each,
    // which saturates at the 8-bit maximum 255.
    let mut net = FspinnNetwork::from_parts(p, 2, 1, vec![40, 40], vec![0], 0, 0).unwrap();
    let mut ws = net.workspace();
    net.train_image(&mut ws, &[255, 0], &mut Rng::from_seed(3));
    assert_eq!(ws.counts(), &[1]);
    // By hand: eta = 0.5 * 2^8 * 2^16 / 255 = 32896.25 -> 32896 (Q16); x_tar = 0.25 * 255 -> 64.
    // Input 0: trace 255, diff 191: floor(191 * 32896 / 65536) = floor(95.87) = 95 -> 255 + 95
    // saturates at 255. Input 1: trace 0, diff -64: floor(-64 * 32896 / 65536) = floor(-32.125)
    // = -33 -> 255 - 33 = 222.
    assert_eq!(net.weights(), &[255, 222]);
    // theta grew by 0.05 mV = round(12.8) = 13 LSBs.
    assert_eq!(net.theta(), &[13]);
}

#[test]
fn trace_halves_every_half_life() {
    let c = super::consts::FspinnConsts::new(&FspinnParams::default()).unwrap();
    assert_eq!(c.trace(None), 0);
    assert_eq!(c.trace(Some(0)), 255);
    assert_eq!(c.trace(Some(13)), 255);
    assert_eq!(c.trace(Some(14)), 127);
    assert_eq!(c.trace(Some(28)), 63);
    assert_eq!(c.trace(Some(14 * 8)), 0);
}

#[test]
fn impossible_formats_are_rejected_with_the_field_name() {
    let mut p = FspinnParams::default();
    p.formats.weight_bits = 1;
    let e = FspinnNetwork::new(p, 784, 10, &mut Rng::from_seed(0)).unwrap_err();
    assert!(e.to_string().contains("formats.weight_bits"), "{e}");
    // A 4-bit counter holds 0..=15 and starts at steps + 1.
    let p = FspinnParams {
        refractory_steps: 15,
        ..Default::default()
    };
    let e = FspinnNetwork::new(p, 784, 10, &mut Rng::from_seed(0)).unwrap_err();
    assert!(e.to_string().contains("refractory_steps"), "{e}");
    let e = FspinnNetwork::from_parts(FspinnParams::default(), 1, 1, vec![256], vec![0], 0, 0)
        .unwrap_err();
    assert!(e.to_string().contains("does not fit 8 bits"), "{e}");
}

/// The one-saturation form of step 2 (what L1 runs) against one saturating add per input spike
/// (what the hardware does), near both ends of the membrane range and for narrow and wide
/// weight codes.
#[test]
fn summed_integration_equals_one_saturating_add_per_spike() {
    let mut rng = Rng::from_seed(7);
    for bits in [2u8, 4, 8, 12, 16] {
        let p = FspinnParams {
            formats: crate::precision::FixedFormats::with_weight_bits(bits),
            ..FspinnParams::default()
        };
        let c = FspinnConsts::new(&p).unwrap();
        let (lo, hi) = (c.v_fmt.min_raw(), c.v_fmt.max_raw());
        let mut saturated = 0;
        for case in 0..2000 {
            let v0 = match case % 4 {
                0 => hi - (rng.uniform() * 600.0) as i32,
                1 => lo + (rng.uniform() * 600.0) as i32,
                _ => lo + (rng.uniform() * (hi - lo) as f64) as i32,
            };
            let spikes = (rng.uniform() * 40.0) as usize;
            let row: Vec<u16> = (0..spikes)
                .map(|_| (rng.uniform() * (c.w_max + 1) as f64) as u16)
                .collect();
            let mut one_by_one = c.leak(v0);
            for &w in &row {
                one_by_one = c.integrate(one_by_one, w);
            }
            let mut sums = vec![0i32; 1];
            for &w in &row {
                c.accumulate_row(&mut sums, &[w]);
            }
            assert_eq!(
                c.integrate_sum(c.leak(v0), sums[0]),
                one_by_one,
                "w{bits} v0 {v0}"
            );
            saturated += (one_by_one == hi) as u32;
        }
        assert!(
            saturated > 10,
            "w{bits}: the top of the range was reached {saturated} times"
        );
    }
}

/// The 16-bit normalisation form against the general one over every weight code of 2-15 bit
/// formats (sampled for the widest) and factors across the whole near-one range.
#[test]
fn near_one_normalisation_equals_the_general_form() {
    for bits in [2u8, 4, 8, 15] {
        let p = FspinnParams {
            formats: crate::precision::FixedFormats::with_weight_bits(bits),
            ..FspinnParams::default()
        };
        let c = FspinnConsts::new(&p).unwrap();
        let step = if bits > 8 { 97 } else { 1 };
        for w in (0..=c.w_max as u16).step_by(step) {
            for delta in (i16::MIN..=i16::MAX)
                .step_by(251)
                .chain([i16::MIN, -1, 0, 1, i16::MAX])
            {
                assert_eq!(
                    c.normalize_weight_near_one(w, delta),
                    c.normalize_weight(w, (1 << 16) + delta as i64),
                    "w{bits} code {w} delta {delta}"
                );
            }
        }
    }
}

/// The layer normalisation, which rescales only the columns whose factor moves a weight,
/// against the general per-weight form applied to every weight: columns already at the target,
/// a few columns off it (the per-column path) and most columns off it (the full pass).
#[test]
fn layer_normalisation_equals_rescaling_every_weight() {
    use super::present::FspinnArithmetic;
    let mut rng = Rng::stream(9, crate::rng::StreamPhase::Init, 0, 0);
    for bits in [2u8, 4, 8] {
        let p = FspinnParams {
            formats: crate::precision::FixedFormats::with_weight_bits(bits),
            ..FspinnParams::default()
        };
        let c = FspinnConsts::new(&p).unwrap();
        let (inputs, n) = (784, 64);
        for off_columns in [0usize, 3, 40] {
            // Start from a normalised layer, then push `off_columns` columns off the target.
            let mut weights: Vec<u16> = (0..inputs * n)
                .map(|_| (rng.next_u64() % (c.w_max as u64 + 1)) as u16)
                .collect();
            c.normalize(&mut weights, n);
            for j in 0..off_columns {
                for i in (0..inputs).step_by(7 + j % 5) {
                    let w = &mut weights[i * n + j];
                    *w = (*w + 1 + (j as u16 % 3)).min(c.w_max as u16);
                }
            }
            let mut expected = weights.clone();
            let sums = super::present::column_sums(&expected, n, |w| w as u32);
            let mut moved = 0;
            for row in expected.chunks_exact_mut(n) {
                for (w, &s) in row.iter_mut().zip(&sums) {
                    let before = *w;
                    *w = c.normalize_weight(*w, c.norm_factor(s as i64));
                    moved += (*w != before) as usize;
                }
            }
            c.normalize(&mut weights, n);
            assert_eq!(
                weights, expected,
                "w{bits}, {off_columns} columns off target"
            );
            if off_columns > 0 {
                assert!(moved > 0, "w{bits}: the test must move some weights");
            }
        }
    }
}

/// The blocked 16-bit accumulation of a step's input rows against summing row by row, for
/// weights of 2 to 16 bits, layer sizes with and without a partial block, and steps with more
/// input spikes than one 16-bit batch holds (all at the top code, the worst case).
#[test]
fn accumulating_all_rows_equals_accumulating_row_by_row() {
    let mut rng = Rng::stream(11, crate::rng::StreamPhase::Init, 0, 0);
    for bits in [2u8, 4, 8, 9, 16] {
        let p = FspinnParams {
            formats: crate::precision::FixedFormats::with_weight_bits(bits),
            ..FspinnParams::default()
        };
        let c = FspinnConsts::new(&p).unwrap();
        for n in [1usize, 31, 32, 100, 400] {
            let inputs_total = 784;
            let random: Vec<u16> = (0..inputs_total * n)
                .map(|_| (rng.next_u64() % (c.w_max as u64 + 1)) as u16)
                .collect();
            let top = vec![c.w_max as u16; inputs_total * n];
            for weights in [&random, &top] {
                for spikes in [0usize, 1, 7, 128, 129, 784] {
                    let inputs: Vec<u16> = (0..spikes)
                        .map(|k| ((k * 7919) % inputs_total) as u16)
                        .collect();
                    let mut expected = vec![0i32; n];
                    for &i in &inputs {
                        let i = i as usize;
                        c.accumulate_row(&mut expected, &weights[i * n..(i + 1) * n]);
                    }
                    let mut sums = vec![-1i32; n];
                    c.accumulate_rows(&mut sums, weights, &inputs, n);
                    assert_eq!(sums, expected, "w{bits} n {n} {spikes} spikes");
                }
            }
        }
    }
}

/// The one-pass step of the integer layer (integrate and fire test, 32 neurons at a time)
/// against the two passes it replaces, for weights of 2 to 16 bits, blocks with and without a
/// partial group, blocks starting inside the layer, steps with more input spikes than the
/// 16-bit lanes hold, refractory neurons, and membranes near both ends of the format.
#[test]
fn one_pass_step_equals_integrate_then_fire_test() {
    use super::present::{find_firing, FspinnArithmetic};
    let mut rng = Rng::stream(12, crate::rng::StreamPhase::Init, 0, 0);
    for bits in [2u8, 4, 8, 9, 16] {
        let p = FspinnParams {
            formats: crate::precision::FixedFormats::with_weight_bits(bits),
            ..FspinnParams::default()
        };
        let c = FspinnConsts::new(&p).unwrap();
        let (vmin, vmax) = (c.v_fmt.min_raw(), c.v_fmt.max_raw());
        let n_inputs = 784;
        for (n, lo, m) in [
            (100usize, 0usize, 100usize),
            (1100, 384, 384),
            (1100, 768, 332),
        ] {
            let weights: Vec<u16> = (0..n_inputs * n)
                .map(|_| (rng.next_u64() % (c.w_max as u64 + 1)) as u16)
                .collect();
            for spikes in [0usize, 1, 5, 128, 129] {
                let inputs: Vec<u16> = (0..spikes)
                    .map(|k| ((k * 7919 + spikes) % n_inputs) as u16)
                    .collect();
                let v0: Vec<i32> = (0..m)
                    .map(|k| match k % 5 {
                        0 => vmax - (rng.next_u64() % 600) as i32,
                        1 => vmin + (rng.next_u64() % 600) as i32,
                        _ => c.v_thresh - 2000 + (rng.next_u64() % 4000) as i32,
                    })
                    .collect();
                let refractory: Vec<u8> = (0..m).map(|k| [0, 0, 0, 3][k % 4]).collect();
                let theta: Vec<i32> = (0..m).map(|_| (rng.next_u64() % 1500) as i32).collect();
                let (mut v1, mut sums1, mut fired1) = (v0.clone(), vec![0; m], vec![7]);
                c.integrate_step(&mut v1, &refractory, &mut sums1, &inputs, &weights, n, lo);
                find_firing(&c, &v1, &refractory, &theta, lo, &mut fired1);
                let (mut v2, mut sums2, mut fired2) = (v0.clone(), vec![0; m], vec![7]);
                c.integrate_and_test(
                    &mut v2,
                    &refractory,
                    &theta,
                    &mut sums2,
                    &inputs,
                    &weights,
                    n,
                    lo,
                    &mut fired2,
                );
                let case = format!("w{bits} n {n} block {lo}+{m}, {spikes} spikes");
                assert_eq!(v2, v1, "{case}");
                assert_eq!(fired2, fired1, "{case}");
                if spikes == 5 && bits == 4 {
                    assert!(fired1.len() > 1, "{case}: the test must see spikes");
                }
            }
        }
    }
}

/// The normalisation that keeps its column statistics between calls against the one that reads
/// every column each time, over a sequence of attempts in which learning writes a few columns
/// (reported as touched), writes everywhere (reported as `all`), or pushes many columns off
/// target at once (the whole-layer rescale, after which the statistics are read again).
#[test]
fn cached_normalisation_equals_normalising_from_scratch() {
    use super::present::{ColumnCache, FspinnArithmetic};
    let mut rng = Rng::stream(13, crate::rng::StreamPhase::Init, 0, 0);
    for bits in [4u8, 8, 16] {
        let p = FspinnParams {
            formats: crate::precision::FixedFormats::with_weight_bits(bits),
            ..FspinnParams::default()
        };
        let c = FspinnConsts::new(&p).unwrap();
        let (inputs, n) = (784, 96);
        let mut fresh: Vec<u16> = (0..inputs * n)
            .map(|_| (rng.next_u64() % (c.w_max as u64 + 1)) as u16)
            .collect();
        let mut cached = fresh.clone();
        let mut cache = ColumnCache::default();
        let mut moved = 0;
        for round in 0..40 {
            c.normalize(&mut fresh, n);
            c.normalize_cached(&mut cached, n, &mut cache);
            assert_eq!(cached, fresh, "w{bits} round {round}");
            // Learning: a few columns (or, every tenth round, many) move off target.
            let columns = if round % 10 == 9 { n / 2 } else { 3 };
            for _ in 0..columns {
                let j = (rng.next_u64() % n as u64) as usize;
                for i in (0..inputs).step_by(3 + round % 4) {
                    let w = fresh[i * n + j] as i64 + (rng.next_u64() % 5) as i64 - 2;
                    fresh[i * n + j] = w.clamp(0, c.w_max as i64) as u16;
                    moved += 1;
                }
                cache.touched.push(j as u32);
            }
            if round % 7 == 6 {
                let i = (rng.next_u64() % inputs as u64) as usize;
                fresh[i * n..(i + 1) * n].fill(0);
                cache.all = true;
            }
            cached.copy_from_slice(&fresh);
        }
        assert!(moved > 0);
    }
}

/// Mechanism (e) with the `wins` schedule: a neuron's rate follows its own threshold offset,
/// not the layer's image count (hand-worked as in the test above: eta = 32896 in Q16, input 1
/// never spiked, so its weight (255 after normalisation) moves by floor(-64 * eta' / 2^16)).
#[test]
fn wins_schedule_sets_each_neurons_rate_from_its_threshold_offset() {
    let mut p = loud(FspinnParams::default());
    p.presentation_ms = 1.0;
    p.v_thresh_mv = 0.0;
    p.rounding = crate::fixed::Rounding::Truncate;
    p.nu_post = 0.5;
    p.potentiation_half_life = 10;
    p.potentiation_theta_step_mv = 0.25; // 64 membrane units; theta 128 = two steps
    let run = |p: &FspinnParams, theta: i32| {
        let mut net =
            FspinnNetwork::from_parts(p.clone(), 2, 1, vec![40, 40], vec![theta], 0, 100_000)
                .unwrap();
        let mut ws = net.workspace();
        net.train_image(&mut ws, &[255, 0], &mut Rng::from_seed(3));
        assert_eq!(ws.counts(), &[1], "the neuron fires once");
        net.weights()[1]
    };
    // Images: 100,000 images are past three half-lives, eta >> 3 = 4112: -4.02 -> -5.
    assert_eq!(run(&p, 0), 250);
    // Images with a recruiting boost of 2: below one step (eta << 2) >> 3 = 16448: -16.06 ->
    // -17; two steps: the layer's rate.
    p.recruit_boost = 2;
    assert_eq!(run(&p, 0), 238);
    assert_eq!(run(&p, 128), 250);
    p.recruit_boost = 0;
    p.potentiation_schedule = PotentiationSchedule::Wins;
    // Wins: a neuron that never won keeps the full rate: -32.125 -> -33.
    assert_eq!(run(&p, 0), 222);
    // Two steps of offset: eta >> 2 = 8224: -8.03 -> -9.
    assert_eq!(run(&p, 128), 246);
    // Recruiting boost 2: below one step eta << 2 = 131584: -128.5 -> -129; two steps: eta.
    p.recruit_boost = 2;
    assert_eq!(run(&p, 0), 126);
    assert_eq!(run(&p, 128), 222);
    // (e) off: the constant rate whatever the schedule.
    p.recruit_boost = 0;
    p.mechanisms.adaptive_potentiation = false;
    assert_eq!(run(&p, 128), 222);
}

#[test]
fn per_neuron_rate_shifts_and_steps() {
    let mut p = FspinnParams::default();
    assert_eq!(neuron_rate_shifts(&p, 0, 5), None, "images, no boost");
    p.recruit_boost = 3;
    assert_eq!(neuron_rate_shifts(&p, 0, 0), Some((3, 0)));
    assert_eq!(neuron_rate_shifts(&p, 45_000, 0), Some((3, 2)));
    assert_eq!(neuron_rate_shifts(&p, 45_000, 1), Some((0, 2)), "recruited");
    p.recruit_boost = 0;
    p.potentiation_schedule = PotentiationSchedule::Wins;
    assert_eq!(
        potentiation_halvings(&p, 1_000_000),
        0,
        "no layer-wide halving"
    );
    assert_eq!(neuron_rate_shifts(&p, 1_000_000, 0), Some((0, 0)));
    assert_eq!(neuron_rate_shifts(&p, 0, 2), Some((0, 2)));
    assert_eq!(neuron_rate_shifts(&p, 0, 9), Some((0, 3)), "at most three");
    p.recruit_boost = 2;
    assert_eq!(neuron_rate_shifts(&p, 0, 0), Some((2, 0)));
    assert_eq!(neuron_rate_shifts(&p, 0, 9), Some((2, 5)), "nu_post / 8");
    p.mechanisms.adaptive_potentiation = false;
    assert_eq!(neuron_rate_shifts(&p, 0, 9), None, "(e) off");
    let c = FspinnConsts::new(&FspinnParams {
        potentiation_theta_step_mv: 16.0,
        ..Default::default()
    })
    .unwrap();
    assert_eq!(c.theta_step, 4096);
    assert_eq!(c.theta_steps(0), 0);
    assert_eq!(c.theta_steps(4095), 0);
    assert_eq!(c.theta_steps(4096), 1);
    assert_eq!(c.theta_steps(65535), 15);
    assert_eq!(c.scaled_potentiation_rate(0, 2), c.eta_post_q16 >> 2);
    assert_eq!(c.scaled_potentiation_rate(3, 1), c.eta_post_q16 << 2);
}

#[test]
fn per_neuron_rate_parameters_are_checked_with_the_field_name() {
    let bad = |p: FspinnParams, field: &str| {
        let e = FspinnNetwork::new(p, 784, 10, &mut Rng::from_seed(0)).unwrap_err();
        assert!(e.to_string().contains(field), "{e}");
    };
    let wins = FspinnParams {
        potentiation_schedule: PotentiationSchedule::Wins,
        ..Default::default()
    };
    for step in [0.0, 0.001, -1.0, f32::NAN] {
        let p = FspinnParams {
            potentiation_theta_step_mv: step,
            ..wins.clone()
        };
        bad(p, "potentiation_theta_step_mv");
    }
    bad(
        FspinnParams {
            recruit_boost: 9,
            ..wins
        },
        "recruit_boost",
    );
    let mut off = FspinnParams {
        recruit_boost: 1,
        ..Default::default()
    };
    off.mechanisms.adaptive_potentiation = false;
    bad(off, "recruit_boost");
}

/// Parameters saved before the `wins` schedule existed (no such fields) read as the image
/// schedule they trained with; the new fields round-trip by name.
#[test]
fn parameters_without_the_schedule_fields_load_as_images() {
    let mut v = serde_json::to_value(FspinnParams::default()).unwrap();
    let o = v.as_object_mut().unwrap();
    for k in [
        "potentiation_schedule",
        "potentiation_theta_step_mv",
        "recruit_boost",
    ] {
        assert!(o.remove(k).is_some(), "{k}");
    }
    let old: FspinnParams = serde_json::from_value(v).unwrap();
    assert_eq!(old, FspinnParams::default());
    let mut v = serde_json::to_value(FspinnParams::default()).unwrap();
    v["potentiation_schedule"] = "wins".into();
    let p: FspinnParams = serde_json::from_value(v).unwrap();
    assert_eq!(p.potentiation_schedule, PotentiationSchedule::Wins);
    let mut v = serde_json::to_value(FspinnParams::default()).unwrap();
    v["potentiation_schedule"] = "win".into();
    assert!(serde_json::from_value::<FspinnParams>(v).is_err());
}

#[test]
fn retiring_sets_unrecruited_offsets_to_the_top_and_those_neurons_never_fire() {
    let mut p = loud(FspinnParams::default());
    p.presentation_ms = 200.0; // long enough for v to pass 13 + 40 mV
    let floor = 256 * 25 / 2; // theta_target 25 mV / 2 in Q8.8
    let theta = vec![0, floor - 1, floor, 256 * 40];
    let mut net = FspinnNetwork::from_parts(p, 1, 4, vec![255; 4], theta, 0, 0).unwrap();
    assert_eq!(net.recruited_offset(), floor);
    assert_eq!(net.retired(), 0);
    assert_eq!(net.retire_unrecruited(), 2);
    let top = net.retired_offset();
    assert_eq!(top, 0xFFFF, "uQ8.8: the top of the threshold format");
    assert_eq!(net.theta(), &[top, top, floor, 256 * 40]);
    assert_eq!(net.retired(), 2);
    assert_eq!(net.retire_unrecruited(), 0, "a second call retires none");
    // An input that drives every free neuron to saturation: the retired ones stay silent.
    let mut ws = net.workspace();
    net.infer_image(&mut ws, &[255], &mut Rng::from_seed(1));
    let counts = ws.counts();
    assert_eq!(&counts[..2], &[0, 0]);
    assert!(counts[2] > 0 && counts[3] > 0, "{counts:?}");
}

#[test]
fn a_set_inhibition_is_rounded_to_the_membrane_format_and_held_in_the_adaptive_range() {
    let p = FspinnParams::default();
    let mut net = FspinnNetwork::from_parts(p, 1, 2, vec![0; 2], vec![0; 2], 256 * 56, 0).unwrap();
    assert_eq!(net.inhibition_mv(), 56.0);
    assert_eq!(net.start_inhibition_mv(), 17.5);
    // Nearest Q8.8 code: 35.001 mV is 8960.256 LSBs, held as 8960 = 35 mV.
    assert_eq!(net.set_inhibition_mv(35.001), 35.0);
    assert_eq!(net.inhibition(), 256 * 35);
    // Below (f)'s floor (a quarter of the 13 mV threshold) and above the format's top.
    assert_eq!(net.set_inhibition_mv(1.0), 3.25);
    assert_eq!(net.set_inhibition_mv(500.0), 32767.0 / 256.0);
}
