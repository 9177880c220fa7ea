//! What both variants share about presenting an image: Diehl & Cook show an image again, one
//! intensity step louder, while the excitatory layer answers with too few spikes; and how a
//! training step of a large layer is split across threads.

use crate::baseline::PresentationStats;

/// Runs `attempt(0)`, `attempt(1)`, ... until one makes at least `min_spikes` excitatory spikes
/// or `max_attempts` were made; returns the statistics summed over the attempts.
pub(crate) fn repeat_while_quiet(
    max_attempts: u32,
    min_spikes: u32,
    mut attempt: impl FnMut(u32) -> PresentationStats,
) -> PresentationStats {
    let mut total = PresentationStats::default();
    for a in 0..max_attempts {
        let stats = attempt(a);
        total.accumulate(&stats);
        if stats.exc_spikes >= min_spikes as u64 {
            break;
        }
    }
    total
}

/// Layers from this size on split a training step's integration across threads: below it, a
/// step's integration (a few microseconds at N = 1024) is too short to pay for waking a second
/// thread every step.
pub const PARALLEL_MIN_NEURONS: usize = 1024;

/// How many blocks step 2 of a training step is split into for a layer of `n` neurons with
/// `threads` worker threads: one per thread for large layers, else one.
pub fn integration_blocks(n: usize, threads: usize) -> usize {
    if n >= PARALLEL_MIN_NEURONS {
        threads.clamp(1, n / 256)
    } else {
        1
    }
}
