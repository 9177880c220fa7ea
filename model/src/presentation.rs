//! What both variants share about presenting an image: Diehl & Cook show an image again, one
//! intensity step louder, while the excitatory layer answers with too few spikes; and how a
//! training step of a large layer is split across threads.

use crate::baseline::PresentationStats;
use std::sync::atomic::{AtomicU8, Ordering};

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

/// Whether FSpiNN training splits the steps of a large layer across threads (split.rs). The
/// results are the same bit for bit either way; only the speed differs, and which is faster
/// depends on the machine's load: split steps meet once per step, so a helper thread that is
/// not running (more runnable threads than cores) stalls every step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SplitPolicy {
    /// Measure both and use the faster (the default; see [`SplitChooser`]).
    Auto,
    /// Always split a layer of at least [`PARALLEL_MIN_NEURONS`] neurons (tests, benchmarks).
    Always,
    /// Never split.
    Never,
}

static SPLIT_POLICY: AtomicU8 = AtomicU8::new(0);

/// Sets the [`SplitPolicy`] of the process.
pub fn set_split_policy(policy: SplitPolicy) {
    let code = match policy {
        SplitPolicy::Auto => 0,
        SplitPolicy::Always => 1,
        SplitPolicy::Never => 2,
    };
    SPLIT_POLICY.store(code, Ordering::Relaxed);
}

/// The [`SplitPolicy`] of the process.
pub fn split_policy() -> SplitPolicy {
    match SPLIT_POLICY.load(Ordering::Relaxed) {
        1 => SplitPolicy::Always,
        2 => SplitPolicy::Never,
        _ => SplitPolicy::Auto,
    }
}

/// Chooses, attempt by attempt, between one thread and split steps from the measured time of
/// each: mostly the faster so far, and now and then the other, so that a change of load is
/// noticed. Both start unmeasured and are tried first. The other way is probed once every
/// [`SplitChooser::PROBE_EVERY`] attempts, and half as often after each probe that finds it
/// still slower (down to once in 64 times that), since a split step on a loaded machine can
/// take tens of times longer than on one thread.
#[derive(Clone, Debug, Default)]
pub struct SplitChooser {
    /// Running mean of the seconds per attempt, one thread and split (0: not measured yet).
    mean: [f64; 2],
    since_probe: u32,
    /// Probes of the slower way that found it still slower, in a row (at most 6).
    backoff: u32,
    probing: bool,
}

impl SplitChooser {
    /// Attempts between two probes of the slower way, before backing off.
    pub const PROBE_EVERY: u32 = 100;

    /// Whether the next attempt splits.
    pub fn choose(&mut self) -> bool {
        match split_policy() {
            SplitPolicy::Always => return true,
            SplitPolicy::Never => return false,
            SplitPolicy::Auto => {}
        }
        if self.mean[1] == 0.0 {
            return true;
        }
        if self.mean[0] == 0.0 {
            return false;
        }
        let faster = self.mean[1] < self.mean[0];
        self.since_probe += 1;
        if self.since_probe >= Self::PROBE_EVERY << self.backoff {
            self.since_probe = 0;
            self.probing = true;
            return !faster;
        }
        faster
    }

    /// Records that an attempt took `seconds`, split or not.
    pub fn record(&mut self, split: bool, seconds: f64) {
        let m = &mut self.mean[split as usize];
        *m = if *m == 0.0 {
            seconds
        } else {
            *m + (seconds - *m) / 8.0
        };
        if std::mem::take(&mut self.probing) {
            let still_slower = (self.mean[1] < self.mean[0]) != split;
            self.backoff = if still_slower {
                (self.backoff + 1).min(6)
            } else {
                0
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Under the default policy: both ways are measured first, then the faster is taken, with
    /// one probe of the slower in every PROBE_EVERY attempts; a slower split loses its turn
    /// and wins it back when it becomes faster.
    #[test]
    fn the_chooser_takes_the_faster_way_and_probes_the_other() {
        if split_policy() != SplitPolicy::Auto {
            return; // another test of this binary forced a policy
        }
        let mut c = SplitChooser::default();
        assert!(c.choose(), "split is measured first");
        c.record(true, 5e-3);
        assert!(!c.choose(), "then one thread");
        c.record(false, 1e-3);
        let picks: Vec<bool> = (0..SplitChooser::PROBE_EVERY)
            .map(|_| {
                let split = c.choose();
                c.record(split, if split { 5e-3 } else { 1e-3 });
                split
            })
            .collect();
        assert_eq!(picks.iter().filter(|&&s| s).count(), 1, "one probe");
        // The probes that find splitting still slower come ever less often.
        let picks: Vec<bool> = (0..(63 * SplitChooser::PROBE_EVERY))
            .map(|_| {
                let split = c.choose();
                c.record(split, if split { 5e-3 } else { 1e-3 });
                split
            })
            .collect();
        // 200 + 400 + 800 + 1600 + 3200 attempts: five probes, the next after 6400 more.
        assert_eq!(picks.iter().filter(|&&s| s).count(), 5);
        // Splitting becomes faster: the probes pull its mean down until it is preferred.
        let mut split_runs = 0;
        for _ in 0..(2000 * SplitChooser::PROBE_EVERY) {
            let split = c.choose();
            c.record(split, if split { 0.5e-3 } else { 1e-3 });
            split_runs += split as u32;
        }
        assert!(c.choose(), "split is now the faster");
        // About 17 probes (at most 64 x PROBE_EVERY apart) bring its mean below 1 ms.
        assert!(split_runs > 900 * SplitChooser::PROBE_EVERY);
    }
}
