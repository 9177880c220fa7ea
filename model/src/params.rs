//! Parameters of the Diehl & Cook 2015 network, as the authors' Brian code sets them.
//!
//! Units: millivolts, milliseconds, hertz; conductances are dimensionless multiples of 1 nS, as in
//! the original equations. Defaults are the published values (DESIGN.md section 6); every field is
//! serialised into checkpoints so a run can be reproduced from its output alone.

use serde::{Deserialize, Serialize};

/// How an image is shown to the network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timing {
    /// Integration step.
    pub dt_ms: f32,
    /// How long one image drives the inputs.
    pub presentation_ms: f32,
    /// Silent time after an image; see docs/baseline.md for how it is simulated.
    pub rest_ms: f32,
    /// Input rate per pixel unit per intensity step: rate = pixel * intensity * this. 1/8 Hz in
    /// the authors' code, so that the starting intensity 2 gives pixel / 4 Hz (63.75 Hz max).
    pub rate_per_pixel_hz: f32,
    /// Intensity of the first attempt at an image.
    pub start_intensity: u32,
    /// An attempt with fewer excitatory spikes than this is repeated one intensity step higher.
    pub min_spikes: u32,
    /// Upper bound on attempts per image (the authors' code has none; a blank image would loop).
    pub max_attempts: u32,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            dt_ms: 0.5,
            presentation_ms: 350.0,
            rest_ms: 150.0,
            rate_per_pixel_hz: 0.125,
            start_intensity: 2,
            min_spikes: 5,
            max_attempts: 32,
        }
    }
}

impl Timing {
    /// Number of integration steps in one presentation.
    pub fn presentation_steps(&self) -> u32 {
        (self.presentation_ms / self.dt_ms).round() as u32
    }

    /// Number of integration steps a refractory period of `ms` lasts.
    pub fn steps_for(&self, ms: f32) -> u32 {
        (ms / self.dt_ms).round() as u32
    }
}

/// Excitatory LIF neurons with adaptive threshold and conductance synapses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExcitatoryParams {
    pub v_rest: f32,
    pub v_reset: f32,
    pub v_thresh: f32,
    /// The authors fire at `v > v_thresh + theta - offset`, with theta starting at `theta_init`.
    pub theta_offset: f32,
    pub theta_init: f32,
    pub theta_plus: f32,
    pub tau_theta_ms: f32,
    pub tau_m_ms: f32,
    pub tau_ge_ms: f32,
    pub tau_gi_ms: f32,
    pub e_exc: f32,
    pub e_inh: f32,
    /// The membrane is held at reset this long after a spike (Brian's `refractory`).
    pub refractory_ms: f32,
    /// A neuron may fire again only this long after its last spike. The authors' threshold adds
    /// `timer > refrac_e` with `dtimer/dt = 100.0 : ms`, which Brian 1 integrates in SI units:
    /// the timer gains 100 s per second, so it passes 5 ms after 0.05 ms, less than one step.
    /// (Brian 2 ports that wrote `0.1 : second` turned this into a 50 ms lockout.)
    pub fire_lockout_ms: f32,
}

impl Default for ExcitatoryParams {
    fn default() -> Self {
        ExcitatoryParams {
            v_rest: -65.0,
            v_reset: -65.0,
            v_thresh: -52.0,
            theta_offset: 20.0,
            theta_init: 20.0,
            theta_plus: 0.05,
            tau_theta_ms: 1e7,
            tau_m_ms: 100.0,
            tau_ge_ms: 1.0,
            tau_gi_ms: 2.0,
            e_exc: 0.0,
            e_inh: -100.0,
            refractory_ms: 5.0,
            fire_lockout_ms: 0.05,
        }
    }
}

/// The inhibitory layer: one neuron per excitatory neuron, driven one-to-one, inhibiting all others.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InhibitoryParams {
    pub v_rest: f32,
    pub v_reset: f32,
    pub v_thresh: f32,
    pub tau_m_ms: f32,
    pub tau_ge_ms: f32,
    pub e_exc: f32,
    /// Inhibitory reversal potential; no inhibitory input reaches this layer, so it only bounds v.
    pub e_inh: f32,
    pub refractory_ms: f32,
    /// Excitatory neuron j to inhibitory neuron j.
    pub w_ei: f32,
    /// Inhibitory neuron j to every excitatory neuron but j.
    pub w_ie: f32,
}

impl Default for InhibitoryParams {
    fn default() -> Self {
        InhibitoryParams {
            v_rest: -60.0,
            v_reset: -45.0,
            v_thresh: -40.0,
            tau_m_ms: 10.0,
            tau_ge_ms: 1.0,
            e_exc: 0.0,
            e_inh: -85.0,
            refractory_ms: 2.0,
            w_ei: 10.4,
            w_ie: 17.0,
        }
    }
}

/// Input weights and the triplet STDP rule as coded by the authors.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SynapseParams {
    /// Initial weight = init_scale * (U[0,1) + init_offset).
    pub init_scale: f32,
    pub init_offset: f32,
    /// Each neuron's incoming weights are scaled to sum to this before every training image.
    pub norm_total: f32,
    pub w_max: f32,
    pub tau_pre_ms: f32,
    pub tau_post1_ms: f32,
    pub tau_post2_ms: f32,
    /// Depression at a pre spike: w -= nu_pre * post1.
    pub nu_pre: f32,
    /// Potentiation at a post spike: w += nu_post * pre * post2 (value before the spike).
    pub nu_post: f32,
}

impl Default for SynapseParams {
    fn default() -> Self {
        SynapseParams {
            init_scale: 0.3,
            init_offset: 0.01,
            norm_total: 78.0,
            w_max: 1.0,
            tau_pre_ms: 20.0,
            tau_post1_ms: 20.0,
            tau_post2_ms: 40.0,
            nu_pre: 1e-4,
            nu_post: 1e-2,
        }
    }
}

/// Everything that defines the baseline network apart from its size.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineParams {
    pub timing: Timing,
    pub exc: ExcitatoryParams,
    pub inh: InhibitoryParams,
    pub syn: SynapseParams,
}
