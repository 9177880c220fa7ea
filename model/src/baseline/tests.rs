//! Golden values from the model equations, worked out independently of the simulation loop.

use super::*;
use crate::params::BaselineParams;
use crate::rng::Rng;

/// Parameters where any pixel > 0 spikes on every step (rate * dt >= 1), so runs are deterministic.
fn certain_input_params() -> BaselineParams {
    let mut p = BaselineParams::default();
    p.timing.rate_per_pixel_hz = 1e6;
    p.timing.min_spikes = 0;
    p
}

#[test]
fn membrane_follows_forward_euler_of_the_conductance_equation() {
    let mut p = certain_input_params();
    p.timing.presentation_ms = 1.5; // 3 steps
    let w = 0.1f32;
    let net = BaselineNetwork::from_parts(p, 1, 1, vec![w], vec![1000.0]).unwrap();
    let mut ws = net.workspace();
    net.infer_image(&mut ws, &[1], &mut Rng::from_seed(0));
    // By hand: tau_m 100 ms, dt 0.5 ms -> k = 0.005; ge halves per step (tau_ge 1 ms), then the
    // input spike adds w at the end of each step.
    let (k, e_rest) = (0.005f64, -65.0f64);
    let (mut v, mut ge) = (e_rest, 0.0f64);
    for _ in 0..3 {
        v += k * ((e_rest - v) + ge * (0.0 - v));
        ge = ge * 0.5 + w as f64;
    }
    assert!(
        (ws.v_e[0] as f64 - v).abs() < 1e-4,
        "v {} expected {v}",
        ws.v_e[0]
    );
    assert!((ws.ge_e[0] as f64 - ge).abs() < 1e-6);
    assert_eq!(ws.counts()[0], 0);
}

#[test]
fn lockout_limits_firing_and_inhibition_spares_the_spiking_neuron() {
    let mut p = certain_input_params();
    // Neuron 0's threshold is far below rest: it fires whenever allowed; neuron 1's is unreachable.
    let net =
        BaselineNetwork::from_parts(p.clone(), 1, 2, vec![0.0, 0.0], vec![-100.0, 1000.0]).unwrap();
    let mut ws = net.workspace();
    net.infer_image(&mut ws, &[0], &mut Rng::from_seed(0));
    // Default: only the 5 ms (10-step) clamp: spikes at steps 0, 11, 22, ... < 700.
    assert_eq!(ws.counts(), &[64, 0]);
    // With a 50 ms lockout (Brian 2 ports): the timer must exceed 50 ms, so every 101 steps.
    p.exc.fire_lockout_ms = 50.0;
    let net = BaselineNetwork::from_parts(p, 1, 2, vec![0.0, 0.0], vec![-100.0, 1000.0]).unwrap();
    net.infer_image(&mut ws, &[0], &mut Rng::from_seed(0));
    assert_eq!(ws.counts(), &[7, 0]);

    // Two steps: exc 0 fires at step 0; inh 0 integrates 10.4 nS of ge at step 1:
    // v = -60 + 0.05 * (0 + 10.4 * 60) = -28.8 > -40, so it fires and inhibits neuron 1 only.
    let mut p2 = certain_input_params();
    p2.timing.presentation_ms = 1.0;
    let net = BaselineNetwork::from_parts(p2, 1, 2, vec![0.0, 0.0], vec![-100.0, 1000.0]).unwrap();
    net.infer_image(&mut ws, &[0], &mut Rng::from_seed(0));
    assert_eq!(ws.v_i[0], -45.0, "inhibitory neuron 0 reset after firing");
    assert_eq!(ws.gi_e, vec![0.0, 17.0]);
    assert_eq!(ws.v_e[0], -65.0, "excitatory neuron 0 clamped at reset");
}

#[test]
fn stdp_matches_the_authors_rule_step_by_step() {
    let mut p = certain_input_params();
    p.syn.norm_total = 0.5; // one input: normalisation sets w = 0.5
    p.exc.fire_lockout_ms = 50.0; // post spikes every 101 steps: at 0, 101, 202
    p.timing.presentation_ms = 150.0; // 300 steps
    p.timing.rest_ms = 0.0;
    let theta0 = -100.0f32;
    let mut net = BaselineNetwork::from_parts(p.clone(), 1, 1, vec![0.3], vec![theta0]).unwrap();
    let mut ws = net.workspace();
    let stats = net.train_image(&mut ws, &[1], &mut Rng::from_seed(0));
    assert_eq!(stats.attempts, 1);
    assert_eq!(ws.counts(), &[3]);

    // By hand: the input spikes every step. At a step, the pre rule runs first (pre = 1, then
    // w -= 1e-4 * post1), then the post rule (w += 1e-2 * pre * post2_before).
    let dt = 0.5f64;
    let mut w = 0.5f64;
    let mut last_post: Option<i64> = None;
    for t in 0..300i64 {
        if let Some(lp) = last_post {
            w -= 1e-4 * (-((t - lp) as f64) * dt / 20.0).exp();
        }
        if t % 101 == 0 {
            if let Some(lp) = last_post {
                w += 1e-2 * 1.0 * (-((t - lp) as f64) * dt / 40.0).exp();
            }
            last_post = Some(t);
        }
    }
    assert!(
        (net.weights()[0] as f64 - w).abs() < 1e-5,
        "w {} expected {w}",
        net.weights()[0]
    );
    // theta: three increments, then decay over one 150 ms attempt with tau 1e7 ms.
    let theta = (theta0 as f64 + 3.0 * 0.05) * (-150.0f64 / 1e7).exp();
    assert!((net.theta()[0] as f64 - theta).abs() < 1e-4);
}

#[test]
fn normalisation_makes_every_column_sum_to_the_target() {
    let p = BaselineParams::default();
    let mut net = BaselineNetwork::new(p, 784, 30, &mut Rng::from_seed(5)).unwrap();
    net.normalize();
    for j in 0..30 {
        let s: f64 = (0..784).map(|i| net.weights()[i * 30 + j] as f64).sum();
        assert!((s - 78.0).abs() < 1e-3, "column {j} sums to {s}");
    }
}

#[test]
fn initial_weights_follow_the_authors_distribution() {
    let net =
        BaselineNetwork::new(BaselineParams::default(), 784, 50, &mut Rng::from_seed(1)).unwrap();
    let w = net.weights();
    let (lo, hi) = (0.3 * 0.01, 0.3 * 1.01);
    assert!(w.iter().all(|&x| x >= lo as f32 && x < hi as f32));
    let mean = w.iter().map(|&x| x as f64).sum::<f64>() / w.len() as f64;
    assert!((mean - 0.3 * 0.51).abs() < 0.005, "mean {mean}");
}

#[test]
fn quiet_images_are_repeated_at_higher_intensity() {
    let p = BaselineParams::default();
    // A network that never fires: every attempt is too quiet, so all attempts are used.
    let net = BaselineNetwork::from_parts(p.clone(), 1, 1, vec![0.0], vec![1000.0]).unwrap();
    let mut ws = net.workspace();
    let stats = net.infer_image(&mut ws, &[255], &mut Rng::from_seed(0));
    assert_eq!(stats.attempts, p.timing.max_attempts);
}

#[test]
fn invalid_parameters_are_named() {
    let mut p = BaselineParams::default();
    p.timing.dt_ms = 2.0; // larger than tau_ge = 1 ms
    let err = BaselineNetwork::from_parts(p, 1, 1, vec![0.0], vec![0.0]).unwrap_err();
    assert!(err.to_string().contains("exc.tau_ge_ms"), "{err}");
    let err = BaselineNetwork::from_parts(BaselineParams::default(), 2, 1, vec![0.0], vec![0.0])
        .unwrap_err();
    assert!(err.to_string().contains("weights hold 1 values"), "{err}");
}

#[test]
fn a_large_inhibitory_volley_cannot_push_the_membrane_past_e_inh() {
    // 40 neurons fire at step 0 and their inhibitory partners at step 1, so the other 10 get
    // gi = 17 * 40 = 680: forward Euler alone would step to -65 + 0.005 * 680 * (-35) = -184 mV.
    let mut p = certain_input_params();
    p.timing.presentation_ms = 1.5;
    let mut theta = vec![-100.0f32; 40];
    theta.extend([20.0f32; 10]);
    let net = BaselineNetwork::from_parts(p, 1, 50, vec![0.0; 50], theta).unwrap();
    let mut ws = net.workspace();
    net.infer_image(&mut ws, &[0], &mut Rng::from_seed(0));
    assert_eq!(ws.counts()[40..], [0; 10]);
    assert!(
        ws.v_e[40..].iter().all(|&v| v == -100.0),
        "{:?}",
        &ws.v_e[40..]
    );
}
