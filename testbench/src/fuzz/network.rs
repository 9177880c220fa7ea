//! Drawing the network: its shape, every FSpiNN parameter the RTL takes as a register (leak,
//! threshold, adaptive threshold, inhibition and its adaptation, STDP trace and potentiation
//! factor with its halving schedule, normalisation target, the three roundings), fresh
//! weights from a drawn seed, and a few training samples on the model (L1) so weights,
//! thresholds, inhibition and the potentiation schedule are not all fresh.

use super::{stimuli, Draws, FuzzOptions};
use fspinn_model::fixed::Rounding;
use fspinn_model::fspinn::{FspinnNetwork, FspinnParams};
use fspinn_model::precision::FixedFormats;
use fspinn_model::rng::Rng;
use fspinn_model::ModelError;
use fspinn_sim::HwConfig;

/// What the chip's structure depends on, drawn before the chip.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    /// Excitatory neurons.
    pub neurons: u32,
    /// Weight code width, 2 to 16.
    pub weight_bits: u32,
    /// Time steps per presentation (1 ms each).
    pub steps: u32,
    /// Refractory steps (the RTL's field holds up to 14).
    pub refractory_steps: u32,
    /// Presentations of a sample at most (1 to the model's 64; the RTL takes 255).
    pub max_attempts: u32,
}

/// Steps one sample may take at most (attempts x steps), to bound a case's run time.
pub const STEP_BUDGET: u64 = 6_000;
/// Neuron groups x steps one sample may take at most (the passes are per group).
pub const GROUP_STEP_BUDGET: u64 = 40_000;

/// The shape: steps and attempts within [`STEP_BUDGET`] (as many attempts as the model
/// allows, 64, when the steps are few, 1 case in 10),
/// then as many neurons as [`GROUP_STEP_BUDGET`] allows, log-uniform, so partial and several
/// neuron groups both occur.
pub fn draw_shape(d: &mut Draws, pes: u32, opts: &FuzzOptions) -> Shape {
    let steps = d.log_range(1, opts.max_steps as u64) as u32;
    let most = (STEP_BUDGET / steps as u64).clamp(1, fspinn_model::limits::ATTEMPTS.max);
    let max_attempts = if d.chance(0.1) {
        most
    } else {
        d.log_range(1, most)
    } as u32;
    let groups = (GROUP_STEP_BUDGET / (steps as u64 * max_attempts as u64)).max(1);
    let max_n = (opts.max_neurons as u64).min(groups * pes as u64).max(1);
    Shape {
        neurons: d.log_range(1, max_n) as u32,
        weight_bits: d.range(2, 16) as u32,
        steps,
        refractory_steps: d.range(0, 14) as u32,
        max_attempts,
    }
}

/// FSpiNN parameters for `shape`, every mechanism the RTL implements drawn on or off.
pub fn draw_params(d: &mut Draws, shape: &Shape) -> FspinnParams {
    let mut p = FspinnParams {
        presentation_ms: shape.steps as f32,
        dt_ms: 1.0,
        refractory_steps: shape.refractory_steps,
        max_attempts: shape.max_attempts,
        formats: FixedFormats::with_weight_bits(shape.weight_bits as u8),
        ..FspinnParams::default()
    };
    p.rate_per_pixel_hz = d.real(0.03, 0.5) as f32;
    p.start_intensity = d.range(1, 4) as u32;
    p.min_spikes = d.range(0, 8) as u32;
    p.leak_shift = d.range(1, 12) as u32;
    p.v_thresh_mv = d.real(2.0, 30.0) as f32;
    p.theta_plus_mv = d.real(0.0, 1.0) as f32;
    p.theta_decay_shift = d.chance(0.5).then(|| d.range(0, 20) as u32);
    p.inhibition_mv = d.real(0.0, 40.0) as f32;
    p.target_spikes = d.range(1, 30) as u32;
    p.trace_half_life_steps = d.range(1, 40) as u32;
    p.nu_post = d.real(0.001, 0.2) as f32;
    p.x_tar = d.real(0.0, 0.6) as f32;
    p.potentiation_half_life = d.log_range(1, 20_000) as u32;
    p.init_max = d.real(0.02, 1.0) as f32;
    p.rounding = d.pick(&[Rounding::Truncate, Rounding::Nearest, Rounding::Stochastic]);
    p.mechanisms.adaptive_potentiation = d.chance(0.5);
    p.mechanisms.adaptive_inhibition = d.chance(0.5);
    p
}

/// A network of `shape` for `cfg`: fresh weights from a drawn seed, then 0 to 2 training
/// samples on the model (L1); returns it and the samples it saw.
pub fn draw(
    d: &mut Draws,
    shape: &Shape,
    cfg: &HwConfig,
) -> Result<(FspinnNetwork, usize), ModelError> {
    let params = draw_params(d, shape);
    let mut rng = Rng::from_seed(d.bits());
    let mut net = FspinnNetwork::new(
        params,
        cfg.spike_generator.inputs as usize,
        shape.neurons as usize,
        &mut rng,
    )?;
    let pretrain = d.below(3) as usize;
    let mut ws = net.workspace();
    for _ in 0..pretrain {
        let (image, _) = stimuli::draw(d, None);
        net.train_sample(&mut ws, &image, d.bits() as u32, None);
    }
    Ok((net, pretrain))
}
