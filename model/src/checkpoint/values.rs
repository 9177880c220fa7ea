//! Range checks on a decoded checkpoint body, each naming the field: a checksum only proves the
//! file is what some program wrote, not that the values are ones training can produce.

use super::{Body, LearnedState};
use crate::network::NetworkParams;

/// The first value of `values` that `ok` rejects, as `field[index] = value`.
fn first_bad<T: Copy + std::fmt::Display>(
    field: &str,
    values: &[T],
    ok: impl Fn(T) -> bool,
    rule: &str,
) -> Result<(), String> {
    match values.iter().position(|&v| !ok(v)) {
        Some(i) => Err(format!("{field}[{i}] = {}: {rule}", values[i])),
        None => Ok(()),
    }
}

/// Checks the values behind the shapes that the networks' constructors check.
pub(super) fn check_body(body: &Body) -> Result<(), String> {
    let c = &body.config;
    crate::limits::check_run(c).map_err(|e| e.to_string())?;
    if body.samples_done > c.total_train_samples() {
        return Err(format!(
            "samples_done = {} is more than the run's {} training presentations",
            body.samples_done,
            c.total_train_samples()
        ));
    }
    let expected = (c.neurons as u64).checked_mul(body.n_inputs as u64);
    let (weights, theta) = match &body.state {
        LearnedState::Baseline { weights, theta }
        | LearnedState::FspinnF32 { weights, theta, .. } => (weights.len(), theta.len()),
        LearnedState::Fspinn { weights, theta, .. } => (weights.len(), theta.len()),
    };
    if expected != Some(weights as u64) || theta != c.neurons {
        return Err(format!(
            "{weights} weights and {theta} thresholds do not fit {} neurons x {} inputs",
            c.neurons, body.n_inputs
        ));
    }
    match (&body.state, &c.params) {
        (LearnedState::Baseline { weights, theta }, NetworkParams::Baseline(p)) => {
            // Initial weights are at most init_scale x (1 + init_offset); STDP clips weights to
            // [0, w_max]; the per-image normalisation scales a neuron's non-negative weights to
            // sum to norm_total, so none exceeds it.
            let s = &p.syn;
            let max = s
                .w_max
                .max(s.norm_total)
                .max(s.init_scale * (1.0 + s.init_offset));
            first_bad(
                "weights",
                weights,
                |w: f32| (0.0..=max).contains(&w),
                &format!("weights must be finite, from 0 to {max}"),
            )?;
            first_bad(
                "theta",
                theta,
                |t: f32| t.is_finite() && t >= 0.0,
                "thresholds must be finite and at least 0",
            )?;
        }
        // The f32 network's constructor checks its weights, thresholds and inhibition.
        (LearnedState::FspinnF32 { .. }, _) => {}
        (
            LearnedState::Fspinn {
                weights,
                theta,
                inhibition,
                ..
            },
            params,
        ) => {
            let p = match params {
                NetworkParams::Fspinn(p) => p,
                NetworkParams::FspinnF32(f) => &f.fspinn,
                NetworkParams::Baseline(_) => {
                    return Err("parameters and learned state are of different variants".into())
                }
            };
            let consts = crate::fspinn::FspinnConsts::new(p).map_err(|e| e.to_string())?;
            // The weight codes are checked by the network's constructor.
            let _ = weights;
            let (lo, hi) = (consts.theta_fmt.min_raw(), consts.theta_fmt.max_raw());
            first_bad(
                "theta",
                theta,
                |t: i32| (lo..=hi).contains(&t),
                &format!("threshold codes must be from {lo} to {hi}"),
            )?;
            let hi = consts.v_fmt.max_raw();
            if !(0..=hi).contains(inhibition) {
                return Err(format!(
                    "inhibition = {inhibition}: the code must be from 0 to {hi}"
                ));
            }
        }
        _ => return Err("parameters and learned state are of different variants".into()),
    }
    if let Some(a) = &body.assignments {
        if a.len() != c.neurons {
            return Err(format!(
                "{} label assignments for {} neurons",
                a.len(),
                c.neurons
            ));
        }
        if let Some(i) = a.iter().position(|l| l.is_some_and(|l| l > 9)) {
            return Err(format!(
                "assignments[{i}] = {}: classes are 0 to 9",
                a[i].unwrap_or_default()
            ));
        }
    }
    Ok(())
}
