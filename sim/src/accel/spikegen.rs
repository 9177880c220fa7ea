//! The twin of `fspinn_spikegen`: the on-chip Poisson spike generator, `lanes` input channels
//! per cycle, each with its LFSR state, threshold and pixel in register files. It calls the L1
//! primitives (`input_seed`, `spike_threshold`, `Lfsr32::next16`) channel by channel, so its
//! spikes are L1's. Each `*_cycle` method is one clock cycle of a sweep; the controller calls
//! them with its row counter `k`.

use crate::counters::{Counters, Op, RegFile, Unit};
use fspinn_model::fixed::{input_seed, spike_threshold, Lfsr32};
use fspinn_model::rng::{Rng, StreamPhase};

/// The spike-generator seed of image `index` of a run with seed `run_seed`, in training or
/// inference: one derivation for `sim`, `cosim` and `explore`, so the same image of the same
/// run draws the same spikes whichever tool runs it.
pub fn sample_seed(run_seed: u64, train: bool, index: u64) -> u32 {
    let phase = if train {
        StreamPhase::Train
    } else {
        StreamPhase::Test
    };
    Rng::stream(run_seed, phase, 0, index).next_u64() as u32
}

/// The spike generator's register files (in the RTL, SRAMs of `ceil(inputs / lanes)` rows).
#[derive(Clone, Debug)]
pub struct SpikeGen {
    lanes: usize,
    lfsr: Vec<Lfsr32>,
    threshold: Vec<u16>,
    pixels: Vec<u8>,
}

impl SpikeGen {
    pub fn new(inputs: usize, lanes: usize) -> Self {
        SpikeGen {
            lanes,
            lfsr: vec![Lfsr32::new(1); inputs],
            threshold: vec![0; inputs],
            pixels: vec![0; inputs],
        }
    }

    /// Cycles of one sweep over all channels.
    pub fn sweep_cycles(&self) -> usize {
        self.pixels.len().div_ceil(self.lanes)
    }

    fn channels(&self, k: usize) -> std::ops::Range<usize> {
        let start = k * self.lanes;
        start..(start + self.lanes).min(self.pixels.len())
    }

    /// The host writes the image (one pixel per input).
    pub fn load_image(&mut self, image: &[u8], ctr: &mut Counters) {
        self.pixels.copy_from_slice(image);
        ctr.rf_write(RegFile::Pixels, image.len() as u64);
    }

    /// Sweep cycle `k` of seeding: every channel's LFSR from the sample seed.
    pub fn seed_cycle(&mut self, k: usize, sample_seed: u32, ctr: &mut Counters) {
        let r = self.channels(k);
        let n = r.len() as u64;
        for c in r {
            self.lfsr[c] = Lfsr32::new(input_seed(sample_seed, c as u32));
        }
        ctr.op(Unit::SpikeGen, Op::Fmix32, 2 * n);
        ctr.rf_write(RegFile::InputLfsrs, n);
    }

    /// Sweep cycle `k` of threshold computation at the attempt's rate.
    pub fn threshold_cycle(&mut self, k: usize, rate_q24: u32, ctr: &mut Counters) {
        let r = self.channels(k);
        let n = r.len() as u64;
        for c in r {
            self.threshold[c] = spike_threshold(self.pixels[c], rate_q24);
        }
        ctr.rf_read(RegFile::Pixels, n);
        ctr.op(Unit::SpikeGen, Op::Mul8x32, n);
        ctr.rf_write(RegFile::Thresholds, n);
    }

    /// Sweep cycle `k` of a time step: channels with a non-zero threshold draw and compare;
    /// spiking channels are appended to `out` in ascending order. Returns whether any channel
    /// of the cycle drew.
    pub fn generate_cycle(&mut self, k: usize, out: &mut Vec<u16>, ctr: &mut Counters) -> bool {
        let r = self.channels(k);
        let mut draws = 0;
        ctr.rf_read(RegFile::Thresholds, r.len() as u64);
        for c in r {
            let th = self.threshold[c];
            if th == 0 {
                continue;
            }
            draws += 1;
            if self.lfsr[c].next16() < th {
                out.push(c as u16);
            }
        }
        ctr.rf_read(RegFile::InputLfsrs, draws);
        ctr.rf_write(RegFile::InputLfsrs, draws);
        ctr.op(Unit::SpikeGen, Op::Lfsr16, draws);
        ctr.op(Unit::SpikeGen, Op::Cmp16, draws);
        draws > 0
    }
}
