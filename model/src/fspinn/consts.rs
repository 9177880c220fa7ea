//! The integers the datapath computes with, derived once from [`FspinnParams`]: every real-valued
//! design number is rounded to nearest here, and nowhere else.

use super::params::FspinnParams;
use crate::error::ModelError;
use crate::fixed::QFormat;

/// Integer constants and formats of the FSpiNN datapath (docs/datapath.md, "Network datapath").
#[derive(Clone, Debug)]
pub struct FspinnConsts {
    pub steps: u32,
    /// Membrane leak per step: `v -= v >> leak_shift`.
    pub leak_shift: u32,
    /// Steps a neuron is held after the step it fired in.
    pub refractory_steps: u32,
    /// Membrane potential relative to rest, signed, 8 integer bits (mV).
    pub v_fmt: QFormat,
    /// Adaptive threshold offset, unsigned, same fraction as the membrane.
    pub theta_fmt: QFormat,
    /// Largest weight code (unsigned B bits, value = code / 2^B).
    pub w_max: i32,
    /// Left shift turning a weight code into membrane units (negative: right shift).
    pub w_to_v_shift: i32,
    pub v_thresh: i32,
    pub theta_plus: i32,
    pub inhibition: i32,
    pub trace_max: i32,
    pub trace_bits: u32,
    pub trace_half_life: u32,
    pub x_tar: i32,
    /// STDP rates in weight LSBs per unit trace, Q16.
    pub eta_post_q16: i64,
    pub eta_pre_q16: i64,
    /// Weight-sum target of each neuron's column, in weight codes.
    pub norm_target: i64,
    /// Mechanism (e) with the `wins` schedule: the threshold offset per halving of a neuron's
    /// rate, in membrane units (at least 1).
    pub theta_step: i32,
}

fn mv(x: f32, frac: u8) -> i32 {
    (x as f64 * (1u64 << frac) as f64).round() as i32
}

impl FspinnConsts {
    /// A trace `age` steps after its spike: the maximum halved once per half-life (a shifter, no
    /// per-step work); `None` (never spiked) reads as 0.
    #[inline]
    pub fn trace(&self, age: Option<u32>) -> i32 {
        match age {
            Some(a) => {
                let halvings = a / self.trace_half_life;
                if halvings >= self.trace_bits {
                    0
                } else {
                    self.trace_max >> halvings
                }
            }
            None => 0,
        }
    }

    pub fn new(p: &FspinnParams) -> Result<Self, ModelError> {
        let f = &p.formats;
        let bad =
            |field: &'static str, value: String, reason: &'static str| ModelError::InvalidParam {
                field,
                value,
                reason,
            };
        if !(2..=16).contains(&f.weight_bits) {
            return Err(bad(
                "formats.weight_bits",
                f.weight_bits.to_string(),
                "must be 2 to 16",
            ));
        }
        if !(12..=24).contains(&f.membrane_bits) || f.threshold_bits != f.membrane_bits {
            return Err(bad(
                "formats.membrane_bits",
                f.membrane_bits.to_string(),
                "must be 12 to 24 and equal to threshold_bits",
            ));
        }
        if !(4..=16).contains(&f.trace_bits) {
            return Err(bad(
                "formats.trace_bits",
                f.trace_bits.to_string(),
                "must be 4 to 16",
            ));
        }
        if p.refractory_steps + 1 >= 1 << f.refractory_bits {
            return Err(bad(
                "refractory_steps",
                p.refractory_steps.to_string(),
                "does not fit formats.refractory_bits",
            ));
        }
        if !(p.dt_ms > 0.0 && p.presentation_ms >= p.dt_ms) {
            return Err(bad(
                "presentation_ms",
                p.presentation_ms.to_string(),
                "must be at least dt_ms > 0",
            ));
        }
        crate::limits::check_timing(
            ["presentation_ms", "presentation_ms"],
            p.presentation_ms,
            0.0,
            p.dt_ms,
        )?;
        crate::limits::ATTEMPTS.check(p.max_attempts as u64)?;
        if p.leak_shift == 0
            || p.leak_shift > 16
            || p.trace_half_life_steps == 0
            || p.max_attempts == 0
        {
            return Err(bad(
                "leak_shift",
                p.leak_shift.to_string(),
                "leak_shift must be 1 to 16, theta_decay_shift 1 to 32, trace_half_life_steps and max_attempts at least 1",
            ));
        }
        if !(p.potentiation_theta_step_mv.is_finite()
            && mv(p.potentiation_theta_step_mv, f.membrane_bits - 8) >= 1)
        {
            return Err(bad(
                "potentiation_theta_step_mv",
                p.potentiation_theta_step_mv.to_string(),
                "must be at least one LSB of the threshold format (1/256 mV at 16 bits)",
            ));
        }
        if p.recruit_boost > 8 {
            return Err(bad(
                "recruit_boost",
                p.recruit_boost.to_string(),
                "must be 0 to 8",
            ));
        }
        if p.recruit_boost > 0 && !p.mechanisms.adaptive_potentiation {
            return Err(bad(
                "recruit_boost",
                p.recruit_boost.to_string(),
                "needs mechanisms.adaptive_potentiation (it is part of mechanism (e))",
            ));
        }
        let vfrac = f.membrane_bits - 8;
        let v_fmt = QFormat::new(f.membrane_bits, vfrac, true)?;
        let theta_fmt = QFormat::new(f.threshold_bits, vfrac, false)?;
        let w_fmt = QFormat::new(f.weight_bits, f.weight_bits, false)?;
        let b = f.weight_bits as u32;
        let t = f.trace_bits as u32;
        let trace_max = (1i32 << t) - 1;
        Ok(FspinnConsts {
            steps: (p.presentation_ms / p.dt_ms).round() as u32,
            leak_shift: p.leak_shift,
            refractory_steps: p.refractory_steps,
            v_fmt,
            theta_fmt,
            w_max: w_fmt.max_raw(),
            w_to_v_shift: vfrac as i32 - b as i32,
            v_thresh: mv(p.v_thresh_mv, vfrac),
            theta_plus: mv(p.theta_plus_mv, vfrac),
            inhibition: mv(p.inhibition_mv, vfrac),
            trace_max,
            trace_bits: t,
            trace_half_life: p.trace_half_life_steps,
            x_tar: (p.x_tar as f64 * trace_max as f64).round() as i32,
            eta_post_q16: (p.nu_post as f64 * (1u64 << b) as f64 * 65536.0 / trace_max as f64)
                .round() as i64,
            eta_pre_q16: (p.nu_pre as f64 * (1u64 << b) as f64 * 65536.0 / trace_max as f64).round()
                as i64,
            norm_target: (78.0f64 * (1u64 << b) as f64).round() as i64,
            theta_step: mv(p.potentiation_theta_step_mv, vfrac),
        })
    }
}
