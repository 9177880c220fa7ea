//! L1 beside L2: runs the fixed-point network and the accelerator on the same image and sample
//! seed and compares every step's spikes, every weight the learning rule wrote, the spike counts
//! and (after training) every weight and threshold.

use crate::accel::Accelerator;
use crate::events::EventLog;
use fspinn_model::fspinn::{FspinnNetwork, FspinnWorkspace};
use serde::Serialize;

/// One difference between L1 and L2, located precisely enough to start debugging.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mismatch {
    pub sample: u64,
    /// What differs.
    pub kind: Divergence,
    pub attempt: u32,
    pub t: u32,
    /// L2 cycle at which it happened (0 when L2 did not produce the entry).
    pub cycle: u64,
    pub expected: String,
    pub actual: String,
}

/// What an L1-L2 mismatch is about; its JSON form is the short text of `Display`
/// (`step`, `weight_write count`, `count of neuron 7`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Divergence {
    /// A step's input spikes or fired neurons.
    Step,
    /// The number of steps the sample took.
    StepCount,
    /// A weight the learning rule wrote.
    WeightWrite,
    /// The number of weight writes.
    WeightWriteCount,
    /// A neuron's spike count read back after the sample.
    Count {
        /// The neuron.
        neuron: usize,
    },
    /// A stored weight after training.
    Weight,
    /// An adaptive threshold after training.
    Theta,
    /// The adapted inhibition strength after training.
    Inhibition,
}

impl std::fmt::Display for Divergence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Divergence::Step => f.write_str("step"),
            Divergence::StepCount => f.write_str("step count"),
            Divergence::WeightWrite => f.write_str("weight_write"),
            Divergence::WeightWriteCount => f.write_str("weight_write count"),
            Divergence::Count { neuron } => write!(f, "count of neuron {neuron}"),
            Divergence::Weight => f.write_str("weight"),
            Divergence::Theta => f.write_str("theta"),
            Divergence::Inhibition => f.write_str("inhibition"),
        }
    }
}

impl Serialize for Divergence {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Totals of one verified run.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Verification {
    pub spikes_compared: u64,
    pub weight_updates_compared: u64,
    pub mismatches: u64,
    /// The first mismatches (at most [`KEEP`]).
    pub first: Vec<Mismatch>,
}

/// Mismatches kept in full.
pub const KEEP: usize = 20;

impl Verification {
    fn push(&mut self, m: Mismatch) {
        self.mismatches += 1;
        if self.first.len() < KEEP {
            self.first.push(m);
        }
    }

    /// Runs one sample on both layers (training both when `train`) and compares. `l1` must hold
    /// the same learned state as the accelerator before the call; both advance.
    #[allow(clippy::too_many_arguments)]
    pub fn run_sample(
        &mut self,
        sample: u64,
        acc: &mut Accelerator,
        l1: &mut FspinnNetwork,
        ws: &mut FspinnWorkspace,
        image: &[u8],
        sample_seed: u32,
        train: bool,
    ) -> Vec<u32> {
        let mut expected = EventLog::default();
        if train {
            l1.train_sample(ws, image, sample_seed, Some(&mut expected));
        } else {
            l1.infer_sample(ws, image, sample_seed, Some(&mut expected));
        }
        acc.record_events(true);
        let out = acc.run_sample(image, sample_seed, train);
        let actual = acc.take_events().unwrap_or_default();
        self.compare_logs(sample, &expected, &actual);
        for (j, (&e, &a)) in ws.counts().iter().zip(&out.counts).enumerate() {
            if e != a {
                self.push(Mismatch {
                    sample,
                    kind: Divergence::Count { neuron: j },
                    attempt: out.attempts.saturating_sub(1),
                    t: 0,
                    cycle: acc.cycle(),
                    expected: e.to_string(),
                    actual: a.to_string(),
                });
            }
        }
        if train {
            self.compare_state(sample, acc, l1);
        }
        out.counts
    }

    fn compare_logs(&mut self, sample: u64, e: &EventLog, a: &EventLog) {
        let steps = e.steps.len().max(a.steps.len());
        for k in 0..steps {
            match (e.steps.get(k), a.steps.get(k)) {
                (Some(x), Some(y)) => {
                    self.spikes_compared += (x.fired.len() + x.inputs.len()) as u64;
                    if x.attempt != y.attempt
                        || x.t != y.t
                        || x.inputs != y.inputs
                        || x.fired != y.fired
                    {
                        self.push(Mismatch {
                            sample,
                            kind: Divergence::Step,
                            attempt: x.attempt,
                            t: x.t,
                            cycle: y.cycle,
                            expected: format!("inputs {:?} fired {:?}", x.inputs, x.fired),
                            actual: format!(
                                "attempt {} t {} inputs {:?} fired {:?}",
                                y.attempt, y.t, y.inputs, y.fired
                            ),
                        });
                    }
                }
                (x, y) => self.push(Mismatch {
                    sample,
                    kind: Divergence::StepCount,
                    attempt: x.or(y).map_or(0, |s| s.attempt),
                    t: x.or(y).map_or(0, |s| s.t),
                    cycle: y.map_or(0, |s| s.cycle),
                    expected: format!("{} steps", e.steps.len()),
                    actual: format!("{} steps", a.steps.len()),
                }),
            }
        }
        let writes = e.weight_writes.len().max(a.weight_writes.len());
        for k in 0..writes {
            match (e.weight_writes.get(k), a.weight_writes.get(k)) {
                (Some(x), Some(y)) => {
                    self.weight_updates_compared += 1;
                    let same = (x.attempt, x.t, x.input, x.neuron, x.value)
                        == (y.attempt, y.t, y.input, y.neuron, y.value);
                    if !same {
                        self.push(Mismatch {
                            sample,
                            kind: Divergence::WeightWrite,
                            attempt: x.attempt,
                            t: x.t,
                            cycle: y.cycle,
                            expected: format!("w[{}][{}] = {}", x.input, x.neuron, x.value),
                            actual: format!(
                                "w[{}][{}] = {} (attempt {} t {})",
                                y.input, y.neuron, y.value, y.attempt, y.t
                            ),
                        });
                    }
                }
                (x, y) => {
                    self.push(Mismatch {
                        sample,
                        kind: Divergence::WeightWriteCount,
                        attempt: x.or(y).map_or(0, |w| w.attempt),
                        t: x.or(y).map_or(0, |w| w.t),
                        cycle: y.map_or(0, |w| w.cycle),
                        expected: format!("{} writes", e.weight_writes.len()),
                        actual: format!("{} writes", a.weight_writes.len()),
                    });
                    break;
                }
            }
        }
    }

    fn compare_state(&mut self, sample: u64, acc: &Accelerator, l1: &FspinnNetwork) {
        let n = l1.n_neurons();
        let codes = acc.weight_codes();
        for (k, (&e, &a)) in l1.weights().iter().zip(&codes).enumerate() {
            if e != a {
                self.push(Mismatch {
                    sample,
                    kind: Divergence::Weight,
                    attempt: 0,
                    t: 0,
                    cycle: acc.cycle(),
                    expected: format!("w[{}][{}] = {e}", k / n, k % n),
                    actual: a.to_string(),
                });
            }
        }
        for (j, (&e, &a)) in l1.theta().iter().zip(&acc.thetas()).enumerate() {
            if e != a {
                self.push(Mismatch {
                    sample,
                    kind: Divergence::Theta,
                    attempt: 0,
                    t: 0,
                    cycle: acc.cycle(),
                    expected: format!("theta[{j}] = {e}"),
                    actual: a.to_string(),
                });
            }
        }
        let l2 = acc.to_network().map(|x| x.inhibition()).unwrap_or(i32::MIN);
        if l1.inhibition() != l2 {
            self.push(Mismatch {
                sample,
                kind: Divergence::Inhibition,
                attempt: 0,
                t: 0,
                cycle: acc.cycle(),
                expected: l1.inhibition().to_string(),
                actual: l2.to_string(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scripts match mismatches by their JSON `kind` text: the typed kinds keep it.
    #[test]
    fn divergence_serialises_as_its_short_text() {
        let m = Mismatch {
            sample: 4,
            kind: Divergence::Count { neuron: 7 },
            attempt: 0,
            t: 0,
            cycle: 9,
            expected: "3".into(),
            actual: "2".into(),
        };
        let j = serde_json::to_value(&m).unwrap();
        assert_eq!(j["kind"], "count of neuron 7");
        assert_eq!(
            serde_json::to_value(Divergence::WeightWriteCount).unwrap(),
            "weight_write count"
        );
        assert_eq!(Divergence::Step.to_string(), "step");
    }
}
