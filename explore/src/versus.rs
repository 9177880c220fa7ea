//! "Against the baseline": the FSpiNN paper states its results as ratios to the f32 Diehl & Cook
//! network of the same size (accuracy loss, memory saving, energy saving in training and
//! inference). This pairs every point of another variant with the baseline point that differs
//! from it only in the network's variant and number format, on the same hardware point, so a
//! space like `examples/explore/paper.toml` reads as the paper's claims side by side.

use crate::point::{HardwarePoint, NetworkPoint};
use crate::store::PointResult;
use fspinn_model::Variant;
use serde::Serialize;

/// One point set against its baseline. Ratios are "baseline over this point": above 1 means the
/// point needs less.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// The point's index in the space.
    pub index: usize,
    /// The index of the baseline point it is compared with.
    pub baseline_index: usize,
    /// The dataset's name (point labels do not carry it).
    pub dataset: String,
    pub label: String,
    pub accuracy: f64,
    pub baseline_accuracy: f64,
    /// `accuracy - baseline_accuracy`, in percentage points (negative: a loss).
    pub accuracy_delta_points: f64,
    /// Baseline memory over the point's memory.
    pub memory_saving: f64,
    /// Baseline energy per inference over the point's, on the same hardware point.
    pub energy_inference_saving: Option<f64>,
    /// Baseline energy per training image over the point's, on the same hardware point.
    pub energy_training_saving: Option<f64>,
}

/// What must be equal for two points to be compared: the network without its variant and
/// number format (dataset, size, presentation, budgets, seed), and the whole hardware point.
#[derive(Clone, Debug, PartialEq)]
pub struct PairKey {
    pub is_baseline: bool,
    pub network: NetworkPoint,
    pub hardware: HardwarePoint,
}

impl PairKey {
    /// The key of a result: its network with the variant-specific fields cleared.
    pub fn of(r: &PointResult) -> PairKey {
        let mut network = r.network.clone();
        let is_baseline = network.variant == Variant::Baseline;
        network.variant = Variant::Baseline;
        network.precision = String::new();
        network.rounding = None;
        network.quantize = None;
        PairKey {
            is_baseline,
            network,
            hardware: r.hardware.clone(),
        }
    }
}

/// For every non-baseline key, the position of the first baseline key equal to it (points
/// without a baseline counterpart are left out).
pub fn pair_positions(keys: &[PairKey]) -> Vec<(usize, usize)> {
    keys.iter()
        .enumerate()
        .filter(|(_, k)| !k.is_baseline)
        .filter_map(|(i, k)| {
            keys.iter()
                .position(|b| b.is_baseline && b.network == k.network && b.hardware == k.hardware)
                .map(|b| (i, b))
        })
        .collect()
}

fn saving(baseline: f64, point: f64) -> Option<f64> {
    (point > 0.0 && baseline.is_finite() && point.is_finite()).then(|| baseline / point)
}

/// Every finished non-baseline point with its baseline, in point order.
pub fn compare(results: &[PointResult]) -> Vec<Comparison> {
    let keys: Vec<PairKey> = results.iter().map(PairKey::of).collect();
    pair_positions(&keys)
        .into_iter()
        .map(|(i, b)| {
            let (p, base) = (&results[i], &results[b]);
            let (pm, bm) = (&p.metrics, &base.metrics);
            let (ph, bh) = (pm.hardware.as_ref(), bm.hardware.as_ref());
            let inference = match (ph, bh) {
                (Some(ph), Some(bh)) => saving(bh.inference.energy_uj, ph.inference.energy_uj),
                _ => None,
            };
            let training = match (
                ph.and_then(|h| h.training.as_ref()),
                bh.and_then(|h| h.training.as_ref()),
            ) {
                (Some(pt), Some(bt)) => saving(bt.energy_uj, pt.energy_uj),
                _ => None,
            };
            Comparison {
                index: p.index,
                baseline_index: base.index,
                dataset: p.network.dataset.name().to_string(),
                label: p.label.clone(),
                accuracy: pm.accuracy,
                baseline_accuracy: bm.accuracy,
                accuracy_delta_points: (pm.accuracy - bm.accuracy) * 100.0,
                memory_saving: bm.memory_bytes as f64 / pm.memory_bytes.max(1) as f64,
                energy_inference_saving: inference,
                energy_training_saving: training,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::point::DataSource;

    /// A key as `PairKey::of` leaves it: variant and number format cleared.
    fn key(is_baseline: bool, neurons: usize, config: &str) -> PairKey {
        PairKey {
            is_baseline,
            network: NetworkPoint {
                dataset: DataSource::Builtin,
                variant: Variant::Baseline,
                neurons,
                precision: String::new(),
                rounding: None,
                quantize: None,
                presentation_ms: 350.0,
                epochs: 1,
                train_samples: 100,
                label_samples: 10,
                test_samples: 10,
                seed: 1,
            },
            hardware: HardwarePoint {
                config: config.into(),
                ..HardwarePoint::default()
            },
        }
    }

    #[test]
    fn pairs_only_same_size_and_hardware() {
        let keys = [
            key(true, 100, "small"),
            key(true, 100, "large"),
            key(true, 400, "small"),
            key(false, 100, "large"),
            key(false, 400, "small"),
            key(false, 1600, "small"),
        ];
        // N = 1600 has no baseline: left out.
        assert_eq!(pair_positions(&keys), [(3, 1), (4, 2)]);
    }

    #[test]
    fn a_different_budget_is_not_a_pair() {
        let mut fs = key(false, 100, "small");
        fs.network.train_samples = 200;
        let keys = [key(true, 100, "small"), fs];
        assert!(pair_positions(&keys).is_empty());
    }

    #[test]
    fn savings_are_baseline_over_point() {
        assert_eq!(saving(10.0, 2.0), Some(5.0));
        assert_eq!(saving(10.0, 0.0), None);
    }
}
