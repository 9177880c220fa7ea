//! The RTL as a [`Chip`]: the same interface as the cycle model, so a test written against
//! `Chip` runs on both, and the two can be compared run for run through the trait
//! (`tests/chip_contract.rs`, `model_and_rtl_agree_through_the_trait`).

use crate::cosim::RtlAccelerator;
use fspinn_sim::lockstep::{CycleRecord, Mismatch};
use fspinn_sim::{Chip, ChipError, SampleRun};

fn backend(e: crate::RtlError) -> ChipError {
    ChipError::Backend {
        chip: "rtl".into(),
        source: Box::new(e),
    }
}

impl RtlAccelerator {
    /// The potentiation factor of the next sample (from the training images seen).
    fn eta(&self) -> i64 {
        fspinn_model::fspinn::potentiation_factor(&self.params, &self.consts, self.samples_seen)
    }

    /// One more training image seen (the model counts them the same way).
    fn learned(&mut self, train: bool) {
        if train {
            self.samples_seen += 1;
        }
    }
}

impl Chip for RtlAccelerator {
    fn name(&self) -> &str {
        "rtl"
    }

    fn run(&mut self, image: &[u8], sample_seed: u32, train: bool) -> Result<SampleRun, ChipError> {
        let eta = self.eta();
        let r = self
            .run_sample_traced(image, sample_seed, train, eta, None)
            .map_err(backend)?;
        self.learned(train);
        Ok(RtlAccelerator::to_run(r))
    }

    fn run_recorded(
        &mut self,
        image: &[u8],
        sample_seed: u32,
        train: bool,
    ) -> Result<(SampleRun, CycleRecord), ChipError> {
        let eta = self.eta();
        let (r, rec) = self
            .run_sample_recorded(image, sample_seed, train, eta)
            .map_err(backend)?;
        self.learned(train);
        Ok((RtlAccelerator::to_run(r), rec))
    }

    fn run_checked(
        &mut self,
        sample: u64,
        image: &[u8],
        sample_seed: u32,
        train: bool,
        expected: &CycleRecord,
        stop: bool,
    ) -> Result<(SampleRun, Option<Mismatch>), ChipError> {
        let eta = self.eta();
        // An RTL that runs past the record's cycles plus a margin is a mismatch, never a hang.
        let saved = self.cycle_limit();
        self.set_cycle_limit(Some(crate::cosim::timeout_cycles(expected.cycles)));
        let r = self.run_sample_checked(sample, image, sample_seed, train, eta, expected, stop);
        self.set_cycle_limit(saved);
        let mut r = r.map_err(backend)?;
        self.learned(train);
        let first = r.divergence.take();
        Ok((RtlAccelerator::to_run(r), first))
    }

    fn read_weights(&mut self) -> Vec<u16> {
        let layout = self.layout.clone();
        let n = self.neurons();
        let mut out = vec![0u16; layout.inputs * n];
        for a in 0..layout.groups {
            for i in 0..layout.inputs {
                let chunk = layout.chunk(i, a);
                let words: Vec<u64> = (0..layout.words_per_chunk)
                    .map(|q| {
                        let (bank, addr) = layout.sram_word(chunk, q);
                        self.weight_word(bank, addr)
                    })
                    .collect();
                for p in 0..layout.pes {
                    let j = a * layout.pes + p;
                    if j < n {
                        let (q, shift) = layout.lane(p);
                        out[i * n + j] = layout.get(words[q], shift);
                    }
                }
            }
        }
        out
    }

    fn read_thetas(&mut self) -> Vec<i32> {
        let pes = self.layout.pes;
        let fmt = self.word_fmt;
        (0..self.neurons())
            .map(|j| {
                fmt.unpack(self.neuron_word(j % pes, (j / pes) as u32))
                    .theta
            })
            .collect()
    }

    fn read_inhibition(&mut self) -> i32 {
        let inhibition = fspinn_sim::rtl_consts::Reg::Inhibition;
        self.rtl().host_read(inhibition.addr()) as i64 as i32
    }
}
