//! The presentation rule both variants share: Diehl & Cook show an image again, one intensity
//! step louder, while the excitatory layer answers with too few spikes.

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
