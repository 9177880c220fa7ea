//! Feasibility, Pareto fronts and the chosen design. Objectives name metrics of a result and
//! whether more or less is better; constraints are bounds on them; the reward (Q-SpiNN style)
//! is a weighted sum of min-max normalised objectives (benefits added, costs subtracted).

use crate::error::{ExploreError, Result};
use crate::store::PointResult;
use serde::{Deserialize, Serialize};

/// A metric the exploration can optimise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// L1 test accuracy (maximised).
    Accuracy,
    /// Network storage in bytes (minimised).
    MemoryBytes,
    /// Energy per inference in uJ on the cycle model (minimised).
    EnergyInferenceUj,
    /// Energy per training image in uJ (minimised).
    EnergyTrainingUj,
    /// Latency of one inference in ms at the clock (minimised).
    LatencyMs,
    /// Chip area in mm^2 (minimised).
    AreaMm2,
}

impl Objective {
    pub const ALL: [Objective; 6] = [
        Objective::Accuracy,
        Objective::MemoryBytes,
        Objective::EnergyInferenceUj,
        Objective::EnergyTrainingUj,
        Objective::LatencyMs,
        Objective::AreaMm2,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Objective::Accuracy => "accuracy",
            Objective::MemoryBytes => "memory_bytes",
            Objective::EnergyInferenceUj => "energy_inference_uj",
            Objective::EnergyTrainingUj => "energy_training_uj",
            Objective::LatencyMs => "latency_ms",
            Objective::AreaMm2 => "area_mm2",
        }
    }

    /// Whether larger values are better.
    pub fn maximise(self) -> bool {
        self == Objective::Accuracy
    }

    /// The metric's value in a result; none when the point has no such figure (e.g. no
    /// accelerator form, or no training images run).
    pub fn value(self, r: &PointResult) -> Option<f64> {
        let m = &r.metrics;
        let hw = m.hardware.as_ref();
        match self {
            Objective::Accuracy => Some(m.accuracy),
            Objective::MemoryBytes => Some(m.memory_bytes as f64),
            Objective::EnergyInferenceUj => hw.map(|h| h.inference.energy_uj),
            Objective::EnergyTrainingUj => {
                hw.and_then(|h| h.training.as_ref().map(|t| t.energy_uj))
            }
            Objective::LatencyMs => hw.map(|h| h.inference.latency_ms),
            Objective::AreaMm2 => hw.map(|h| h.area_mm2),
        }
    }
}

/// Bounds every chosen design must meet (all optional).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Constraints {
    pub min_accuracy: Option<f64>,
    pub max_memory_bytes: Option<f64>,
    pub max_energy_inference_uj: Option<f64>,
    pub max_energy_training_uj: Option<f64>,
    pub max_latency_ms: Option<f64>,
    pub max_area_mm2: Option<f64>,
}

impl Constraints {
    /// (objective, bound, is lower bound) for every bound given.
    fn bounds(&self) -> Vec<(Objective, f64, bool, &'static str)> {
        let mut v = Vec::new();
        let mut add = |o, b: Option<f64>, lower, name| {
            if let Some(b) = b {
                v.push((o, b, lower, name));
            }
        };
        add(Objective::Accuracy, self.min_accuracy, true, "min_accuracy");
        add(
            Objective::MemoryBytes,
            self.max_memory_bytes,
            false,
            "max_memory_bytes",
        );
        add(
            Objective::EnergyInferenceUj,
            self.max_energy_inference_uj,
            false,
            "max_energy_inference_uj",
        );
        add(
            Objective::EnergyTrainingUj,
            self.max_energy_training_uj,
            false,
            "max_energy_training_uj",
        );
        add(
            Objective::LatencyMs,
            self.max_latency_ms,
            false,
            "max_latency_ms",
        );
        add(Objective::AreaMm2, self.max_area_mm2, false, "max_area_mm2");
        v
    }

    /// Bounds must be finite and non-negative; accuracy at most 1.
    pub fn check(&self, origin: &str) -> Result<()> {
        for (o, b, _, name) in self.bounds() {
            let bad = !b.is_finite() || b < 0.0 || (o == Objective::Accuracy && b > 1.0);
            if bad {
                return Err(ExploreError::Space {
                    origin: origin.into(),
                    field: format!("constraints.{name}"),
                    value: b.to_string(),
                    reason: "must be finite and non-negative (accuracy: a fraction 0 to 1)".into(),
                });
            }
        }
        Ok(())
    }

    /// Why `r` violates the constraints (empty: feasible). A bounded metric the point does not
    /// have (no accelerator run) is a violation: the point cannot show it meets the bound.
    pub fn violations(&self, r: &PointResult) -> Vec<String> {
        self.bounds()
            .into_iter()
            .filter_map(|(o, b, lower, name)| match o.value(r) {
                None => Some(format!("{name}: no {} figure", o.name())),
                Some(v) if lower && v < b => Some(format!("{name}: {v} < {b}")),
                Some(v) if !lower && v > b => Some(format!("{name}: {v} > {b}")),
                _ => None,
            })
            .collect()
    }
}

/// Whether `a` dominates `b`: at least as good in every objective, better in one.
fn dominates(a: &[f64], b: &[f64], obj: &[Objective]) -> bool {
    let mut better = false;
    for ((x, y), o) in a.iter().zip(b).zip(obj) {
        let (x, y) = if o.maximise() { (*x, *y) } else { (-*x, -*y) };
        if x < y {
            return false;
        }
        if x > y {
            better = true;
        }
    }
    better
}

/// The objective vector of a result, if it has every objective.
pub fn vector(r: &PointResult, obj: &[Objective]) -> Option<Vec<f64>> {
    obj.iter().map(|o| o.value(r)).collect()
}

/// Indices (into `results`) of the non-dominated points among `candidates`, in input order.
/// Points missing an objective are not on the front.
pub fn pareto(results: &[PointResult], candidates: &[usize], obj: &[Objective]) -> Vec<usize> {
    let vecs: Vec<(usize, Vec<f64>)> = candidates
        .iter()
        .filter_map(|&i| vector(&results[i], obj).map(|v| (i, v)))
        .collect();
    vecs.iter()
        .filter(|(_, v)| !vecs.iter().any(|(_, w)| dominates(w, v, obj)))
        .map(|(i, _)| *i)
        .collect()
}

/// The reward of each front point: sum over weighted objectives of the weight times the value
/// normalised to [0, 1] over the front (benefits added, costs subtracted).
pub fn rewards(results: &[PointResult], front: &[usize], weights: &[(Objective, f64)]) -> Vec<f64> {
    let mut out = vec![0.0; front.len()];
    for &(o, w) in weights {
        let vals: Vec<Option<f64>> = front.iter().map(|&i| o.value(&results[i])).collect();
        let present: Vec<f64> = vals.iter().flatten().copied().collect();
        let lo = present.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = present.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        for (k, v) in vals.iter().enumerate() {
            let norm = match v {
                Some(v) if hi > lo => (v - lo) / (hi - lo),
                Some(_) => 0.0,
                // No figure: the worst value, so it is never preferred.
                None => {
                    if o.maximise() {
                        0.0
                    } else {
                        1.0
                    }
                }
            };
            out[k] += if o.maximise() { w * norm } else { -w * norm };
        }
    }
    out
}

/// The chosen design among the front: the highest reward if weights are given, else the most
/// accurate, ties broken by the other objectives in order, then by point index.
pub fn choose(
    results: &[PointResult],
    front: &[usize],
    obj: &[Objective],
    weights: Option<&[(Objective, f64)]>,
) -> Option<usize> {
    if front.is_empty() {
        return None;
    }
    let key = |i: usize| -> Vec<f64> {
        let mut v: Vec<f64> = vec![Objective::Accuracy.value(&results[i]).unwrap_or(0.0)];
        v.extend(
            obj.iter()
                .filter(|o| !o.maximise())
                .map(|o| -o.value(&results[i]).unwrap_or(f64::INFINITY)),
        );
        v
    };
    let order = |a: &usize, b: &usize| {
        let (ka, kb) = (key(*a), key(*b));
        ka.partial_cmp(&kb)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(results[*b].index.cmp(&results[*a].index))
    };
    match weights {
        Some(w) => {
            let r = rewards(results, front, w);
            let best = (0..front.len()).max_by(|&a, &b| {
                r[a].partial_cmp(&r[b])
                    .unwrap_or(std::cmp::Ordering::Equal)
                    .then(order(&front[a], &front[b]))
            })?;
            Some(front[best])
        }
        None => front.iter().copied().max_by(order),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dominance_respects_directions() {
        let o = [Objective::Accuracy, Objective::MemoryBytes];
        // More accurate and smaller dominates.
        assert!(dominates(&[0.9, 10.0], &[0.8, 20.0], &o));
        // Equal is not domination.
        assert!(!dominates(&[0.9, 10.0], &[0.9, 10.0], &o));
        // A trade-off: neither dominates.
        assert!(!dominates(&[0.9, 20.0], &[0.8, 10.0], &o));
        assert!(!dominates(&[0.8, 10.0], &[0.9, 20.0], &o));
        // Better in one, equal in the other.
        assert!(dominates(&[0.9, 10.0], &[0.9, 11.0], &o));
    }
}
