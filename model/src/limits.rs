//! The one table of limits on every size, count, duration and thread count a run accepts.
//!
//! Each limit is checked before anything is allocated or simulated, so a typo such as
//! `--neurons 1000000000` is a clear error instead of an allocation abort, hours of simulation
//! or a thousand threads. The limits sit far above every run in the FSpiNN paper and in this
//! project's results, and each says why it is where it is. The CLI adds the flag's name.

use crate::config::RunConfig;
use crate::error::ModelError;

/// One bound: what it limits, the largest accepted value and the reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// The quantity, as named in configs and checkpoints (e.g. `neurons`).
    pub what: &'static str,
    /// The largest accepted value.
    pub max: u64,
    /// Why the bound is there (shown in the error).
    pub why: &'static str,
}

/// Excitatory neurons of a network.
pub const NEURONS: Limit = Limit {
    what: "neurons",
    max: 1 << 16,
    why: "the paper's largest network has 6400 neurons; 65536 x 784 inputs is already 205 MB of f32 weights per copy",
};
/// Inputs (pixels) of a network.
pub const INPUTS: Limit = Limit {
    what: "inputs",
    max: 1 << 16,
    why: "input indices are 16-bit in the datapath",
};
/// Images of one split used by a run (train, test or label samples, `sim --samples`).
pub const SAMPLES: Limit = Limit {
    what: "samples",
    max: 10_000_000,
    why: "more images than any IDX data set this tool reads holds (MNIST: 60000 + 10000)",
};
/// The index of the first image a run starts at (`--offset`).
pub const OFFSET: Limit = Limit {
    what: "offset",
    max: 10_000_000,
    why: "past the end of any IDX data set this tool reads",
};
/// Passes over the training images.
pub const EPOCHS: Limit = Limit {
    what: "epochs",
    max: 1000,
    why: "the paper trains for 1 to 3 epochs; 1000 is far beyond any run",
};
/// Total training presentations of a run (samples x epochs).
pub const PRESENTATIONS: Limit = Limit {
    what: "train_samples x epochs",
    max: 100_000_000,
    why: "1e8 presentations is over 1600 passes over MNIST's 60000 training images",
};
/// Simulated milliseconds of one presentation or rest period.
pub const PRESENTATION_MS: Limit = Limit {
    what: "presentation_ms",
    max: 10_000,
    why: "the paper presents each image for 350 ms; 10 s of biological time per image is far beyond any useful run",
};
/// Time steps of one presentation (presentation_ms / dt_ms).
pub const STEPS: Limit = Limit {
    what: "presentation_steps",
    max: 100_000,
    why: "a presentation is simulated step by step; the paper's 350 ms at 0.5 ms is 700 steps",
};
/// Attempts per image when the network stays too quiet.
pub const ATTEMPTS: Limit = Limit {
    what: "max_attempts",
    max: 64,
    why: "each attempt re-presents the image at a higher input rate; 64 bounds the time one image can take to 64 presentations",
};
/// Worker threads.
pub const THREADS: Limit = Limit {
    what: "threads",
    max: 1024,
    why: "one thread per core is the useful maximum; more only adds scheduling overhead and memory",
};

/// Every limit, for documentation and tests.
pub const ALL: [Limit; 10] = [
    NEURONS,
    INPUTS,
    SAMPLES,
    OFFSET,
    EPOCHS,
    PRESENTATIONS,
    PRESENTATION_MS,
    STEPS,
    ATTEMPTS,
    THREADS,
];

impl Limit {
    /// Accepts `value` if it is at most the limit.
    pub fn check(&self, value: u64) -> Result<(), ModelError> {
        self.check_field(self.what, value)
    }

    /// [`Limit::check`] for a field with its own name (e.g. `train_samples` under [`SAMPLES`]).
    pub fn check_field(&self, field: &'static str, value: u64) -> Result<(), ModelError> {
        if value <= self.max {
            Ok(())
        } else {
            Err(self.exceeded(field, value.to_string()))
        }
    }

    /// Accepts a finite `value` of at most the limit (non-finite values are refused too).
    pub fn check_f64(&self, field: &'static str, value: f64) -> Result<(), ModelError> {
        if value.is_finite() && value <= self.max as f64 {
            Ok(())
        } else {
            Err(self.exceeded(field, value.to_string()))
        }
    }

    fn exceeded(&self, field: &'static str, value: String) -> ModelError {
        ModelError::Limit {
            what: field,
            value,
            max: self.max,
            why: self.why,
        }
    }
}

/// Checks the sizes and counts of a run (also applied to every checkpoint on load).
pub fn check_run(c: &RunConfig) -> Result<(), ModelError> {
    NEURONS.check(c.neurons as u64)?;
    SAMPLES.check_field("train_samples", c.train_samples as u64)?;
    SAMPLES.check_field("test_samples", c.test_samples as u64)?;
    SAMPLES.check_field("label_samples", c.label_samples as u64)?;
    EPOCHS.check(c.epochs as u64)?;
    PRESENTATIONS.check(c.total_train_samples())?;
    Ok(())
}

/// Checks a network's size before its weights are allocated.
pub fn check_shape(n_inputs: usize, n_neurons: usize) -> Result<(), ModelError> {
    INPUTS.check(n_inputs as u64)?;
    NEURONS.check(n_neurons as u64)
}

/// Checks the simulated time of one presentation (and of the rest between images) and its
/// number of steps, before anything is sized or simulated by them; `fields` name the
/// presentation and rest fields in the error.
pub fn check_timing(
    fields: [&'static str; 2],
    presentation_ms: f32,
    rest_ms: f32,
    dt_ms: f32,
) -> Result<(), ModelError> {
    PRESENTATION_MS.check_f64(fields[0], presentation_ms as f64)?;
    PRESENTATION_MS.check_f64(fields[1], rest_ms as f64)?;
    if dt_ms > 0.0 {
        STEPS.check_f64(
            STEPS.what,
            (presentation_ms / dt_ms).max(rest_ms / dt_ms) as f64,
        )?;
    }
    Ok(())
}

/// Checks the index of the first image and the number of images a command reads (`--offset`,
/// `--samples`) and returns the index one past the last, which cannot overflow.
pub fn check_window(offset: usize, samples: usize) -> Result<usize, ModelError> {
    OFFSET.check(offset as u64)?;
    SAMPLES.check(samples as u64)?;
    Ok(offset + samples)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_name_the_field_the_value_and_the_bound() {
        let e = NEURONS.check(1_000_000_000).unwrap_err().to_string();
        assert!(
            e.starts_with("neurons = 1000000000 is above the limit of 65536: "),
            "{e}"
        );
        assert!(NEURONS.check(65_536).is_ok());
        let e = check_window(usize::MAX, 1).unwrap_err().to_string();
        assert!(e.contains("offset = 18446744073709551615"), "{e}");
        let e = check_window(0, usize::MAX).unwrap_err().to_string();
        assert!(e.contains("samples = 18446744073709551615"), "{e}");
        assert_eq!(check_window(10, 5).unwrap(), 15);
        let e = check_timing(["presentation_ms", "rest_ms"], 1e9, 0.0, 0.5)
            .unwrap_err()
            .to_string();
        assert!(e.contains("presentation_ms = 1000000000 is above"), "{e}");
        let e = check_timing(["presentation_ms", "rest_ms"], 350.0, 0.0, 1e-6)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("presentation_steps = 350000000 is above the limit of 100000"),
            "{e}"
        );
        let e = check_timing(["p", "r"], f32::NAN, 0.0, 0.5).unwrap_err();
        assert!(e.to_string().contains("p = NaN"), "{e}");
        assert!(check_timing(["p", "r"], 350.0, 150.0, 0.5).is_ok());
    }

    #[test]
    fn every_limit_says_why() {
        for l in ALL {
            assert!(l.max > 0 && l.why.len() > 20, "{l:?}");
        }
    }
}
