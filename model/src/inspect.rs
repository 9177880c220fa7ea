//! What a trained network looks like inside: how its neurons split over the classes, how many
//! stayed silent, where thresholds and weights sit. Accuracy alone does not say why a larger
//! network learns worse than a smaller one; these figures do (docs/results.md, "Inside trained
//! networks": FSpiNN at N = 1600 and 4900). `fspinn inspect` prints them.

use crate::labels::CLASSES;
use crate::network::Network;
use crate::train::Trainer;
use serde::Serialize;

/// Five points of a distribution over the neurons.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Spread {
    pub min: f64,
    pub p10: f64,
    pub median: f64,
    pub p90: f64,
    pub max: f64,
}

impl Spread {
    fn of(mut values: Vec<f64>) -> Spread {
        values.sort_by(f64::total_cmp);
        let at = |q: f64| {
            values
                .get(((values.len().max(1) - 1) as f64 * q).round() as usize)
                .copied()
                .unwrap_or(0.0)
        };
        Spread {
            min: at(0.0),
            p10: at(0.1),
            median: at(0.5),
            p90: at(0.9),
            max: at(1.0),
        }
    }
}

/// The summary of one trained network.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NetworkSummary {
    pub neurons: usize,
    pub samples_done: u64,
    /// Neurons labelled with each class; `None` before labels are assigned.
    pub neurons_per_class: Option<[usize; CLASSES]>,
    /// Neurons that never fired while labels were assigned, so vote for no class.
    pub unassigned_neurons: Option<usize>,
    /// FSpiNN neurons retired after training (`retire_unrecruited`): they never fire.
    pub retired_neurons: usize,
    /// Adaptive threshold offsets of the neurons not retired, mV.
    pub theta_mv: Spread,
    /// Lateral inhibition per spike, mV (FSpiNN, whose (f) adapts it; `None` for the baseline).
    pub inhibition_mv: Option<f64>,
    /// Each neuron's share of zero weights. Normalisation fixes each neuron's weight sum, so
    /// the mean weight says nothing; how many inputs a neuron has let go of says how far it has
    /// specialised.
    pub share_of_weights_at_zero: Spread,
    /// Each neuron's share of weights at the largest value the format holds.
    pub share_of_weights_at_top: Spread,
    /// Over the training presentations so far.
    pub output_spikes_per_presentation: f64,
    pub presentations_per_image: f64,
    pub weight_updates_per_image: f64,
}

/// Summarises a training run (finished or not).
pub fn summarize(t: &Trainer) -> NetworkSummary {
    let (weights, top, theta_mv, inhibition_mv): (Vec<f64>, f64, Vec<f64>, Option<f64>) =
        match &t.network {
            Network::Baseline(n) => (
                n.weights().iter().map(|&w| w as f64).collect(),
                n.params().syn.w_max as f64,
                n.theta().iter().map(|&x| x as f64).collect(),
                None,
            ),
            Network::Fspinn(n) => {
                let c = n.consts();
                (
                    n.weights().iter().map(|&w| w as f64).collect(),
                    c.w_max as f64,
                    n.theta().iter().map(|&x| c.theta_fmt.to_f64(x)).collect(),
                    Some(c.v_fmt.to_f64(n.inhibition())),
                )
            }
            Network::FspinnF32(n) => (
                n.weights().iter().map(|&w| w as f64).collect(),
                1.0,
                n.theta().iter().map(|&x| x as f64).collect(),
                Some(n.inhibition() as f64),
            ),
        };
    let n = theta_mv.len();
    // A retired neuron holds the largest offset of the network (the format's top).
    let retired = t.network.retired_neurons().unwrap_or(0);
    let top_offset = theta_mv.iter().copied().fold(f64::MIN, f64::max);
    let kept_theta: Vec<f64> = theta_mv
        .iter()
        .copied()
        .filter(|&x| retired == 0 || x < top_offset)
        .collect();
    let rows = weights.len() / n.max(1);
    let mut at_zero = vec![0usize; n];
    let mut at_top = vec![0usize; n];
    for row in weights.chunks_exact(n.max(1)) {
        for (j, &w) in row.iter().enumerate() {
            at_zero[j] += (w <= 0.0) as usize;
            at_top[j] += (w >= top) as usize;
        }
    }
    let per_row = |x: f64| x / rows.max(1) as f64;
    let assignments = t.assignments.as_deref();
    let neurons_per_class = assignments.map(|a| {
        let mut counts = [0usize; CLASSES];
        for class in a.iter().flatten() {
            counts[*class as usize] += 1;
        }
        counts
    });
    let s = &t.train_stats;
    let per = |x: u64, by: u64| if by == 0 { 0.0 } else { x as f64 / by as f64 };
    NetworkSummary {
        neurons: n,
        samples_done: t.samples_done,
        neurons_per_class,
        unassigned_neurons: assignments.map(|a| a.iter().filter(|c| c.is_none()).count()),
        retired_neurons: retired,
        theta_mv: Spread::of(kept_theta),
        inhibition_mv,
        share_of_weights_at_zero: Spread::of(at_zero.iter().map(|&k| per_row(k as f64)).collect()),
        share_of_weights_at_top: Spread::of(at_top.iter().map(|&k| per_row(k as f64)).collect()),
        output_spikes_per_presentation: per(s.exc_spikes, s.attempts as u64),
        presentations_per_image: per(s.attempts as u64, t.samples_done),
        weight_updates_per_image: per(s.weight_updates, t.samples_done),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_picks_the_nearest_ranks() {
        let s = Spread::of((0..=10).rev().map(f64::from).collect());
        assert_eq!(
            s,
            Spread {
                min: 0.0,
                p10: 1.0,
                median: 5.0,
                p90: 9.0,
                max: 10.0
            }
        );
        assert_eq!(Spread::of(vec![]).max, 0.0);
    }
}
