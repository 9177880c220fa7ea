//! Inference over many images in parallel, with results independent of the thread count: every
//! image draws from its own random stream and results are collected in image order.

use crate::baseline::PresentationStats;
use crate::data::Dataset;
use crate::network::Network;
use crate::rng::{Rng, StreamPhase};
use rayon::prelude::*;
use std::ops::Range;

/// Spike counts of every neuron for every image of `range` (`images x n`, row per image), and the
/// summed presentation statistics.
pub fn responses(
    net: &Network,
    data: &Dataset,
    range: Range<usize>,
    seed: u64,
    phase: StreamPhase,
) -> (Vec<u32>, PresentationStats) {
    let per_image: Vec<(Vec<u32>, PresentationStats)> = range
        .into_par_iter()
        .map_init(
            || net.workspace(),
            |ws, idx| {
                let mut rng = Rng::stream(seed, phase, 0, idx as u64);
                let stats = net.infer_image(ws, data.image(idx), &mut rng);
                (ws.counts().to_vec(), stats)
            },
        )
        .collect();
    let mut counts = Vec::with_capacity(per_image.len() * net.n_neurons());
    let mut total = PresentationStats::default();
    for (c, s) in per_image {
        counts.extend_from_slice(&c);
        total.accumulate(&s);
    }
    (counts, total)
}
