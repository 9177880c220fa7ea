//! Checks that parameters describe a network that can be simulated, with an error naming the field.

use crate::error::ModelError;
use crate::params::BaselineParams;

fn invalid(field: &'static str, value: impl ToString, reason: &'static str) -> ModelError {
    ModelError::InvalidParam {
        field,
        value: value.to_string(),
        reason,
    }
}

fn positive(field: &'static str, v: f32) -> Result<(), ModelError> {
    if v.is_finite() && v > 0.0 {
        Ok(())
    } else {
        Err(invalid(field, v, "must be a positive finite number"))
    }
}

/// Forward Euler needs `dt <= tau` for every decaying quantity, or the decay factor goes negative.
fn euler_stable(field: &'static str, tau: f32, dt: f32) -> Result<(), ModelError> {
    positive(field, tau)?;
    if dt > tau {
        return Err(invalid(
            field,
            tau,
            "must be at least timing.dt_ms (forward Euler)",
        ));
    }
    Ok(())
}

/// Validates the baseline parameters for a network of `n_inputs` x `n_neurons`.
pub fn baseline(p: &BaselineParams, n_inputs: usize, n_neurons: usize) -> Result<(), ModelError> {
    if n_neurons == 0 {
        return Err(invalid("neurons", n_neurons, "must be at least 1"));
    }
    if n_inputs == 0 {
        return Err(invalid("inputs", n_inputs, "must be at least 1"));
    }
    crate::limits::check_shape(n_inputs, n_neurons)?;
    let t = &p.timing;
    crate::limits::check_timing(
        ["timing.presentation_ms", "timing.rest_ms"],
        t.presentation_ms,
        t.rest_ms,
        t.dt_ms,
    )?;
    crate::limits::ATTEMPTS.check_field("timing.max_attempts", t.max_attempts as u64)?;
    positive("timing.dt_ms", t.dt_ms)?;
    positive("timing.presentation_ms", t.presentation_ms)?;
    if t.presentation_ms < t.dt_ms {
        return Err(invalid(
            "timing.presentation_ms",
            t.presentation_ms,
            "must be at least one step",
        ));
    }
    if !(t.rest_ms.is_finite() && t.rest_ms >= 0.0) {
        return Err(invalid(
            "timing.rest_ms",
            t.rest_ms,
            "must be zero or positive",
        ));
    }
    positive("timing.rate_per_pixel_hz", t.rate_per_pixel_hz)?;
    if t.max_attempts == 0 {
        return Err(invalid(
            "timing.max_attempts",
            t.max_attempts,
            "must be at least 1",
        ));
    }
    euler_stable("exc.tau_m_ms", p.exc.tau_m_ms, t.dt_ms)?;
    euler_stable("exc.tau_ge_ms", p.exc.tau_ge_ms, t.dt_ms)?;
    euler_stable("exc.tau_gi_ms", p.exc.tau_gi_ms, t.dt_ms)?;
    euler_stable("inh.tau_m_ms", p.inh.tau_m_ms, t.dt_ms)?;
    euler_stable("inh.tau_ge_ms", p.inh.tau_ge_ms, t.dt_ms)?;
    positive("exc.tau_theta_ms", p.exc.tau_theta_ms)?;
    positive("syn.tau_pre_ms", p.syn.tau_pre_ms)?;
    positive("syn.tau_post1_ms", p.syn.tau_post1_ms)?;
    positive("syn.tau_post2_ms", p.syn.tau_post2_ms)?;
    positive("syn.w_max", p.syn.w_max)?;
    positive("syn.norm_total", p.syn.norm_total)?;
    Ok(())
}

/// Checks that stored weights and thresholds fit an `n_inputs` x `n_neurons` network, for every
/// variant (a checkpoint could hold anything).
pub fn state_shape(
    weights: usize,
    theta: usize,
    n_inputs: usize,
    n_neurons: usize,
) -> Result<(), ModelError> {
    if weights != n_inputs * n_neurons || theta != n_neurons {
        return Err(ModelError::Shape(format!(
            "weights hold {weights} values and theta {theta}, expected {n_inputs} x {n_neurons} and {n_neurons}"
        )));
    }
    Ok(())
}
