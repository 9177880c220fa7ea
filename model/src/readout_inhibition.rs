//! Choosing the lateral inhibition an FSpiNN network reads out with, on the labelling images.
//!
//! Mechanism (f) adapts the inhibition during training toward `target_spikes` per image; the
//! layer fires more than that even at the 128 mV clamp, so (f) spends training against the
//! clamp and dips in the last images, ending on a value that differs from seed to seed (N =
//! 1600: 56 and 76 mV) while the accuracy depends on it (87.15 and 79.94 %; 88.0 and 88.1 % at
//! 40 mV). Training does not need the inhibition it ended on, only the labels and the test do,
//! so once training is done a few values are tried on the labelling images, which are training
//! images: the test set plays no part. Each candidate labels the neurons from one half of the
//! labelling images and is scored by Diehl & Cook's readout on the other half, both ways round;
//! the best candidate (the held value on ties) stays in the network and labels it from all of
//! them (docs/fspinn.md, "Readout inhibition").

use crate::baseline::PresentationStats;
use crate::data::Dataset;
use crate::error::ModelError;
use crate::evaluate;
use crate::labels::{self, ClassResponses};
use crate::network::Network;
use crate::rng::StreamPhase;
use serde::Serialize;
use std::ops::Range;

/// Powers of `sqrt(2)` above the start value that are tried, 0..STEPS: 17.5 to 99 mV with
/// the design's 17.5 mV, the range where (f) spends its dips below the clamp.
const STEPS: i32 = 6;

/// One value tried and how well it read out the held-out labelling images.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Candidate {
    /// Inhibition per spike, mV, as the network holds it.
    pub inhibition_mv: f64,
    /// Diehl & Cook's readout on each half of the labelling images with the labels of the other.
    pub label_accuracy: f64,
}

/// The outcome of the choice, reported with the run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReadoutInhibition {
    /// The inhibition the network held before (the value training ended on, unless chosen
    /// before), mV.
    pub held_mv: f64,
    /// The inhibition it reads out with now, mV.
    pub chosen_mv: f64,
    /// Every value tried, the held one first.
    pub candidates: Vec<Candidate>,
}

/// The values to try: the held one, then `start_mv x 2^(k/2)` for k = 0..STEPS, in that order
/// and without repeats.
pub fn candidates(held_mv: f64, start_mv: f64) -> Vec<f64> {
    let mut values = vec![held_mv];
    for k in 0..STEPS {
        let v = start_mv * 2f64.powf(f64::from(k) / 2.0);
        if !values.contains(&v) {
            values.push(v);
        }
    }
    values
}

/// The values tried around the best of [`candidates`]: a quarter octave either side, halving
/// the grid's step where the choice is made.
pub fn refinements(best_mv: f64) -> [f64; 2] {
    let step = 2f64.powf(0.25);
    [best_mv / step, best_mv * step]
}

/// Diehl & Cook's readout on each half of the labelled images with the neuron labels of the
/// other half, weighted by the halves' sizes: how well spike counts `counts` (`images x n`)
/// read out images the labels did not come from. Fewer than two images score 0.
pub fn split_half_accuracy(counts: &[u32], image_labels: &[u8], n: usize) -> f64 {
    let images = image_labels.len();
    if images < 2 || n == 0 {
        return 0.0;
    }
    let half = images / 2;
    let (first, second) = counts.split_at(half * n);
    let (first_labels, second_labels) = image_labels.split_at(half);
    let on_second = labels::accuracy(
        second,
        second_labels,
        &labels::assign(first, first_labels, n),
    );
    let on_first = labels::accuracy(
        first,
        first_labels,
        &labels::assign(second, second_labels, n),
    );
    (on_second * (images - half) as f64 + on_first * half as f64) / images as f64
}

/// The labelling images' class responses (what labels the neurons) and presentation
/// statistics with the readout inhibition the network keeps: when `choose` is set and the
/// network's parameters ask for the choice ([`Network::readout_inhibition_to_calibrate`]), every
/// candidate is measured and the best one is set in `network`; otherwise the network is measured
/// as it is and no choice is reported.
pub fn label_responses(
    network: &mut Network,
    train: &Dataset,
    range: Range<usize>,
    seed: u64,
    choose: bool,
) -> Result<(ClassResponses, PresentationStats, Option<ReadoutInhibition>), ModelError> {
    let measure =
        |net: &Network| evaluate::responses(net, train, range.clone(), seed, StreamPhase::Label);
    let image_labels = &train.labels()[range.clone()];
    let to_calibrate = network.readout_inhibition_to_calibrate().filter(|_| choose);
    let Some((held_mv, start_mv)) = to_calibrate else {
        let (counts, stats) = measure(network);
        let responses = ClassResponses::measure(&counts, image_labels, network.n_neurons());
        return Ok((responses, stats, None));
    };
    let mut search = Search {
        image_labels,
        tried: Vec::new(),
        best: None,
    };
    for value in candidates(held_mv, start_mv) {
        search.try_value(network, value, &measure)?;
    }
    for value in refinements(search.best_mv()) {
        search.try_value(network, value, &measure)?;
    }
    let Search { tried, best, .. } = search;
    let (index, responses, stats) = best.expect("the held value is always tried");
    let chosen_mv = tried[index].inhibition_mv;
    network.set_inhibition_mv(chosen_mv);
    Ok((
        responses,
        stats,
        Some(ReadoutInhibition {
            held_mv,
            chosen_mv,
            candidates: tried,
        }),
    ))
}

/// The values tried so far and the best one's labelling responses.
struct Search<'a> {
    image_labels: &'a [u8],
    tried: Vec<Candidate>,
    /// Index into `tried`, the class responses and the statistics of the best value (its
    /// per-image counts are not kept: at N = 4900 they are 196 MB).
    best: Option<(usize, ClassResponses, PresentationStats)>,
}

impl Search<'_> {
    /// Sets `value` in the network and scores it, unless the format folded it onto a value
    /// already tried; a strictly higher score takes the lead, so ties keep the earlier value.
    fn try_value(
        &mut self,
        network: &mut Network,
        value: f64,
        measure: &impl Fn(&Network) -> (Vec<u32>, PresentationStats),
    ) -> Result<(), ModelError> {
        let held = network.set_inhibition_mv(value).ok_or_else(|| {
            ModelError::Shape("the baseline has no readout inhibition to choose".into())
        })?;
        if self.tried.iter().any(|c| c.inhibition_mv == held) {
            return Ok(());
        }
        let (counts, stats) = measure(network);
        let score = split_half_accuracy(&counts, self.image_labels, network.n_neurons());
        let leads = self
            .best
            .as_ref()
            .is_none_or(|(i, _, _)| score > self.tried[*i].label_accuracy);
        self.tried.push(Candidate {
            inhibition_mv: held,
            label_accuracy: score,
        });
        if leads {
            let responses =
                ClassResponses::measure(&counts, self.image_labels, network.n_neurons());
            self.best = Some((self.tried.len() - 1, responses, stats));
        }
        Ok(())
    }

    /// The best value so far, mV (0 before any).
    fn best_mv(&self) -> f64 {
        self.best
            .as_ref()
            .map_or(0.0, |(i, _, _)| self.tried[*i].inhibition_mv)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_start_with_the_held_value_and_climb_by_sqrt2() {
        let c = candidates(55.0, 17.5);
        assert_eq!(c.len(), 1 + STEPS as usize);
        assert_eq!(c[0], 55.0);
        assert_eq!(c[1], 17.5);
        assert!((c[3] - 35.0).abs() < 1e-9);
        assert!((c[6] - 17.5 * 2f64.powf(2.5)).abs() < 1e-9);
        assert_eq!(candidates(35.0, 35.0)[..2], [35.0, 35.0 * 2f64.sqrt()]);
    }

    #[test]
    fn refinements_halve_the_grid_step_around_the_best() {
        let [below, above] = refinements(35.0);
        assert!((above / 35.0 - 2f64.powf(0.25)).abs() < 1e-12);
        assert!((35.0 / below - 2f64.powf(0.25)).abs() < 1e-12);
        assert!(below > 35.0 / 2f64.sqrt() && above < 35.0 * 2f64.sqrt());
    }

    #[test]
    fn split_half_accuracy_scores_labels_learned_on_the_other_half() {
        // Two neurons: neuron 0 answers class 0, neuron 1 class 1, on both halves.
        let counts = [3, 0, 0, 2, 4, 1, 0, 5];
        let image_labels = [0, 1, 0, 1];
        assert_eq!(split_half_accuracy(&counts, &image_labels, 2), 1.0);
        // The second half swaps the neurons' roles: every image is read wrong.
        let swapped = [3, 0, 0, 2, 0, 4, 5, 0];
        assert_eq!(split_half_accuracy(&swapped, &image_labels, 2), 0.0);
        assert_eq!(
            split_half_accuracy(&counts[..2], &image_labels[..1], 2),
            0.0
        );
    }
}
