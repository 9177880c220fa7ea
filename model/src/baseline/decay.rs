//! Look-up tables of exponential decay over whole numbers of steps.
//!
//! STDP traces are set to 1 at a spike and decay exponentially, so a trace's value is a function
//! of the steps since its last spike alone. Reading it from a table when it is needed replaces a
//! multiply per trace per step with nothing, which is what makes the learning event-driven.

/// `table[k] = exp(-k * dt / tau)`, until it underflows f32; later steps read as 0.
#[derive(Clone, Debug)]
pub struct DecayTable {
    table: Vec<f32>,
}

impl DecayTable {
    pub fn new(dt_ms: f32, tau_ms: f32) -> Self {
        let per_step = dt_ms as f64 / tau_ms as f64;
        // exp(-104) is below the smallest f32 subnormal.
        let len = ((104.0 / per_step).ceil() as usize).clamp(1, 1 << 22);
        let table = (0..len)
            .map(|k| (-(k as f64) * per_step).exp() as f32)
            .collect();
        DecayTable { table }
    }

    /// Trace value `steps` after the last spike.
    #[inline]
    pub fn after(&self, steps: u32) -> f32 {
        self.table.get(steps as usize).copied().unwrap_or(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_the_exponential() {
        let d = DecayTable::new(0.5, 20.0);
        assert_eq!(d.after(0), 1.0);
        assert!((d.after(40) - (-1.0f32).exp()).abs() < 1e-7);
        assert_eq!(d.after(1_000_000), 0.0);
    }
}
