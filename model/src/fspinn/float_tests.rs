//! The f32 network (L0) against hand-worked real-valued recurrences, its input spikes against
//! the integer network's, and the post-training quantisation mapping.

use super::*;
use crate::rng::Rng;

/// Every input with a non-zero pixel spikes on (almost) every step (as in `tests.rs`).
fn loud(mut p: FspinnParams) -> FspinnParams {
    p.rate_per_pixel_hz = 1e9;
    p.min_spikes = 0;
    p.mechanisms.adaptive_inhibition = false;
    p
}

#[test]
fn membrane_leaks_exactly_and_integrates_real_weights_until_threshold() {
    let mut p = loud(FspinnParams::default());
    p.presentation_ms = 100.0;
    let net = FspinnF32Network::from_parts(p, 1, 1, vec![0.5], vec![0.0], 0.0, 0).unwrap();
    let mut ws = net.workspace();
    let stats = net.infer_image(&mut ws, &[255], &mut Rng::from_seed(1));
    assert_eq!(stats.input_spikes, 100, "the loud input spikes every step");
    // By hand: v' = v - v / 128 + 0.5 mV each free step (no truncation: the integer network's
    // `v >> 7` leaks less); fire when v > 13 mV, reset to 0, hold 5 steps.
    let (mut v, mut hold, mut spikes) = (0f32, 0u32, 0u32);
    for _ in 0..100 {
        if hold > 0 {
            hold -= 1;
        } else {
            v -= v * (1.0 / 128.0);
            v += 0.5;
            if v > 13.0 {
                spikes += 1;
                v = 0.0;
                hold = 5;
            }
        }
    }
    assert_eq!(ws.counts(), &[spikes]);
    assert!(spikes >= 2);
    assert_eq!(ws.membrane(), &[v]);
}

#[test]
fn float_and_integer_networks_see_identical_input_spikes() {
    let p = FspinnParams {
        min_spikes: 0,
        ..Default::default()
    };
    let image: Vec<u8> = (0..784).map(|i| ((i * 37) % 256) as u8).collect();
    let int = FspinnNetwork::new(p.clone(), 784, 3, &mut Rng::from_seed(5)).unwrap();
    let flt = FspinnF32Network::new(p, 784, 3, &mut Rng::from_seed(5)).unwrap();
    for seed in [0u32, 1, 0xDEAD_BEEF] {
        let a = int.infer_sample(&mut int.workspace(), &image, seed, None);
        let b = flt.infer_sample(&mut flt.workspace(), &image, seed);
        assert_eq!(a.input_spikes, b.input_spikes, "sample seed {seed}");
        assert_eq!(a.lfsr_draws, b.lfsr_draws, "sample seed {seed}");
        assert!(a.input_spikes > 1000);
    }
    // Same initial draws: each integer code is the floor of the f32 weight on the 2^-8 grid.
    for (&c, &w) in int.weights().iter().zip(flt.weights()) {
        assert_eq!(c as f64, (w as f64 * 256.0).floor());
    }
}

#[test]
fn a_spike_inhibits_every_other_neuron_at_once_or_one_step_later() {
    let mut p = loud(FspinnParams::default());
    p.presentation_ms = 1.0;
    p.v_thresh_mv = 0.25;
    let net =
        FspinnF32Network::from_parts(p.clone(), 1, 2, vec![0.5, 0.125], vec![0.0; 2], 17.0, 0)
            .unwrap();
    let mut ws = net.workspace();
    net.infer_image(&mut ws, &[255], &mut Rng::from_seed(1));
    assert_eq!(ws.counts(), &[1, 0]);
    assert_eq!(ws.membrane(), &[0.0, 0.125 - 17.0]);

    p.mechanisms.direct_inhibition = false;
    let net =
        FspinnF32Network::from_parts(p, 1, 2, vec![0.5, 0.125], vec![0.0; 2], 17.0, 0).unwrap();
    let stats = net.infer_image(&mut ws, &[255], &mut Rng::from_seed(1));
    assert_eq!(ws.membrane(), &[0.0, 0.125]);
    assert_eq!(stats.inh_spikes, 1);
}

#[test]
fn post_spike_moves_each_weight_by_nu_times_trace_minus_target_unrounded() {
    let mut p = loud(FspinnParams::default());
    p.presentation_ms = 1.0;
    p.v_thresh_mv = 0.0;
    p.mechanisms.adaptive_potentiation = false;
    p.nu_post = 0.5;
    p.x_tar = 0.25;
    let mut net =
        FspinnF32Network::from_parts(p.clone(), 2, 1, vec![0.25, 0.25], vec![0.0], 0.0, 0).unwrap();
    let mut ws = net.workspace();
    net.train_image(&mut ws, &[255, 0], &mut Rng::from_seed(3));
    assert_eq!(ws.counts(), &[1]);
    // Normalisation scales the column (0.5) to 78: 39 each, clamped to 1. Input 0 (trace 1):
    // 1 + 0.5 * 0.75 clamps to 1; input 1 (never spiked, trace 0): 1 - 0.5 * 0.25 = 0.875.
    assert_eq!(net.weights(), &[1.0, 0.875]);
    // theta: +0.05 at the spike, then the exact decay theta -= theta * 2^-k after the attempt.
    let k = theta_decay_shift(&p, 1);
    assert_eq!(k, 5, "round(log2(25 * 1 / (0.05 * 12)))");
    let th = 0.05f32;
    assert_eq!(net.theta(), &[th - th * 0.5f32.powi(k as i32)]);
    assert_eq!(net.samples_seen(), 1);
}

#[test]
fn mechanism_e_halves_the_rate_on_the_shared_schedule() {
    let p = FspinnParams {
        potentiation_half_life: 10,
        ..Default::default()
    };
    assert_eq!(potentiation_halvings(&p, 9), 0);
    assert_eq!(potentiation_halvings(&p, 10), 1);
    assert_eq!(potentiation_halvings(&p, 1000), 3);
    let c = FspinnConsts::new(&p).unwrap();
    assert_eq!(potentiation_factor(&p, &c, 25), c.eta_post_q16 >> 2);
}

#[test]
fn inhibition_adapts_by_exactly_one_sixteenth_with_the_integer_floor() {
    let p = FspinnParams::default();
    assert_eq!(adapt_inhibition_f32(&p, 16.0, 20), 17.0);
    assert_eq!(adapt_inhibition_f32(&p, 16.0, 3), 15.0);
    assert_eq!(adapt_inhibition_f32(&p, 16.0, 12), 16.0);
    assert_eq!(
        adapt_inhibition_f32(&p, 3.3, 0),
        3.25,
        "floor: v_thresh / 4"
    );
}

#[test]
fn traces_are_the_shift_staircase_without_the_integer_scale() {
    assert_eq!(staircase_trace(None, 14), 0.0);
    assert_eq!(staircase_trace(Some(0), 14), 1.0);
    assert_eq!(staircase_trace(Some(13), 14), 1.0);
    assert_eq!(staircase_trace(Some(14), 14), 0.5);
    assert_eq!(staircase_trace(Some(28), 14), 0.25);
    // The integer trace is 0 after 8 halvings; the real one keeps halving.
    assert_eq!(staircase_trace(Some(14 * 8), 14), 1.0 / 256.0);
}

#[test]
fn post_training_quantisation_rounds_to_the_nearest_code() {
    let mut p = FspinnParams::default();
    p.formats.weight_bits = 4;
    // Weights in mV per spike; a 4-bit code c is c / 16 mV.
    let weights = vec![0.0, 0.5, 1.0, 0.123, 0.998, 1.0 / 32.0, 0.0937];
    let net = FspinnF32Network::from_parts(p.clone(), 7, 1, weights, vec![0.05], 17.5, 42).unwrap();
    let q = net.quantize().unwrap();
    // 0; 8; 16 saturates at 15; 1.968 -> 2; 15.97 -> 16 -> 15; 0.5 -> 1 (half up); 1.4992 -> 1.
    assert_eq!(q.weights(), &[0, 8, 15, 2, 15, 1, 1]);
    // Membrane units are 2^-8 mV: 0.05 * 256 = 12.8 -> 13, as the integer theta_plus.
    assert_eq!(q.theta(), &[13]);
    assert_eq!(q.inhibition(), 4480, "17.5 * 256");
    assert_eq!(q.samples_seen(), 42);
    assert_eq!(q.params(), &p);

    // 8 bits; theta beyond the 16-bit unsigned format saturates.
    p.formats.weight_bits = 8;
    let net =
        FspinnF32Network::from_parts(p, 2, 1, vec![0.5, 0.0019], vec![300.0], 200.0, 0).unwrap();
    let q = net.quantize().unwrap();
    assert_eq!(q.weights(), &[128, 0]);
    assert_eq!(q.theta(), &[65535]);
    assert_eq!(
        q.inhibition(),
        32767,
        "200 mV saturates the sQ8.8 membrane format"
    );
}

#[test]
fn invalid_parameters_and_state_are_rejected() {
    let p = FspinnParams {
        refractory_steps: 15,
        ..Default::default()
    };
    let e = FspinnF32Network::new(p, 784, 10, &mut Rng::from_seed(0)).unwrap_err();
    assert!(e.to_string().contains("refractory_steps"), "{e}");
    let e =
        FspinnF32Network::from_parts(FspinnParams::default(), 1, 1, vec![1.5], vec![0.0], 1.0, 0)
            .unwrap_err();
    assert!(
        e.to_string()
            .contains("weights[0] = 1.5: must be finite, from 0 to 1"),
        "{e}"
    );
    let e = FspinnF32Network::from_parts(
        FspinnParams::default(),
        1,
        1,
        vec![0.5],
        vec![f32::NAN],
        1.0,
        0,
    )
    .unwrap_err();
    assert!(e.to_string().contains("theta[0] = NaN mV"), "{e}");
}

/// The f32 network follows the same `wins` schedule (nu_post * 2^(doublings - halvings), from
/// the neuron's threshold offset as the image begins), unrounded.
#[test]
fn wins_schedule_sets_each_neurons_rate_unrounded() {
    let mut p = loud(FspinnParams::default());
    p.presentation_ms = 1.0;
    p.v_thresh_mv = 0.0;
    p.nu_post = 0.5;
    p.x_tar = 0.25;
    p.potentiation_half_life = 10;
    p.potentiation_theta_step_mv = 0.25;
    let run = |p: &FspinnParams, theta: f32| {
        let mut net = FspinnF32Network::from_parts(
            p.clone(),
            2,
            1,
            vec![0.25, 0.25],
            vec![theta],
            0.0,
            100_000,
        )
        .unwrap();
        let mut ws = net.workspace();
        net.train_image(&mut ws, &[255, 0], &mut Rng::from_seed(3));
        assert_eq!(ws.counts(), &[1]);
        // Input 1 (trace 0), normalised to 1: 1 - rate * 0.25.
        net.weights()[1]
    };
    assert_eq!(run(&p, 0.0), 1.0 - 0.0625 * 0.25, "images: nu_post / 8");
    p.potentiation_schedule = PotentiationSchedule::Wins;
    assert_eq!(run(&p, 0.0), 0.875, "no win yet: nu_post");
    assert_eq!(run(&p, 0.5), 1.0 - 0.125 * 0.25, "two steps: nu_post / 4");
    p.recruit_boost = 1;
    assert_eq!(run(&p, 0.0), 0.75, "boost: 2 nu_post");
}
