//! Event-driven Poisson input: the spike trains of all input channels for one presentation,
//! bucketed by time step.
//!
//! Each channel is a Bernoulli process with probability `rate * dt` per step, like Brian's
//! `PoissonGroup`. Instead of one draw per channel per step (784 x 700 draws per image), the gaps
//! between spikes are drawn from the matching geometric distribution, so the cost grows with the
//! number of spikes, not with channels x steps.

use crate::rng::Rng;

/// Input spikes of one presentation, as `(step, channel)` events sorted by step then channel.
#[derive(Clone, Debug, Default)]
pub struct SpikeSchedule {
    /// `starts[t]..starts[t + 1]` indexes the channels that fire at step `t`.
    starts: Vec<u32>,
    channels: Vec<u16>,
}

impl SpikeSchedule {
    /// Draws the spike trains for `pixels` at `rate_hz(pixel)` over `steps` steps of `dt_ms`.
    ///
    /// Reuses the schedule's buffers: call it once per presentation on a per-worker schedule.
    pub fn fill(
        &mut self,
        pixels: &[u8],
        rate_per_pixel_hz: f64,
        dt_ms: f64,
        steps: u32,
        rng: &mut Rng,
    ) {
        let mut events: Vec<(u32, u16)> = Vec::with_capacity(4096);
        for (channel, &pixel) in pixels.iter().enumerate() {
            let p = pixel as f64 * rate_per_pixel_hz * dt_ms * 1e-3;
            if p <= 0.0 {
                continue;
            }
            if p >= 1.0 {
                events.extend((0..steps).map(|t| (t, channel as u16)));
                continue;
            }
            // Gap G >= 0 before the next spike: P(G = k) = (1 - p)^k p.
            let log_q = (-p).ln_1p();
            let mut t: u64 = 0;
            loop {
                let gap = (rng.uniform_open0().ln() / log_q).floor();
                t += gap as u64;
                if t >= steps as u64 {
                    break;
                }
                events.push((t as u32, channel as u16));
                t += 1;
            }
        }
        // Counting sort by step keeps channels ascending within a step (they were pushed in order).
        self.starts.clear();
        self.starts.resize(steps as usize + 1, 0);
        for &(t, _) in &events {
            self.starts[t as usize + 1] += 1;
        }
        for t in 0..steps as usize {
            self.starts[t + 1] += self.starts[t];
        }
        self.channels.clear();
        self.channels.resize(events.len(), 0);
        let mut cursor: Vec<u32> = self.starts[..steps as usize].to_vec();
        for &(t, ch) in &events {
            let slot = &mut cursor[t as usize];
            self.channels[*slot as usize] = ch;
            *slot += 1;
        }
    }

    /// Channels firing at step `t`, ascending.
    pub fn at(&self, t: u32) -> &[u16] {
        let t = t as usize;
        &self.channels[self.starts[t] as usize..self.starts[t + 1] as usize]
    }

    /// Total number of input spikes in the presentation.
    pub fn total(&self) -> usize {
        self.channels.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_matches_bernoulli_probability() {
        // 784 channels at pixel 255, 1/4 Hz per unit: p = 63.75 Hz * 0.5 ms = 0.031875 per step.
        let pixels = vec![255u8; 784];
        let mut s = SpikeSchedule::default();
        let mut rng = Rng::from_seed(3);
        let steps = 2000;
        s.fill(&pixels, 0.25, 0.5, steps, &mut rng);
        let expected = 784.0 * steps as f64 * 0.031875;
        let got = s.total() as f64;
        // Standard deviation is sqrt(n p (1 - p)) ~ 221; allow 5 sigma.
        assert!(
            (got - expected).abs() < 5.0 * 221.0,
            "got {got}, expected {expected}"
        );
    }

    #[test]
    fn zero_pixels_never_fire_and_events_are_sorted() {
        let mut pixels = vec![0u8; 784];
        pixels[100] = 200;
        pixels[7] = 50;
        let mut s = SpikeSchedule::default();
        s.fill(&pixels, 1.0, 1.0, 1000, &mut Rng::from_seed(9));
        assert!(s.total() > 0);
        for t in 0..1000 {
            let at = s.at(t);
            assert!(at.windows(2).all(|w| w[0] < w[1]));
            assert!(at.iter().all(|&c| c == 7 || c == 100));
        }
    }

    #[test]
    fn certain_spikes_fire_every_step() {
        let pixels = vec![255u8; 3];
        let mut s = SpikeSchedule::default();
        s.fill(&pixels, 10.0, 1.0, 5, &mut Rng::from_seed(1));
        for t in 0..5 {
            assert_eq!(s.at(t), &[0, 1, 2]);
        }
    }
}
