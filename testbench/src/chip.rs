//! The RTL as a [`Chip`]: the same interface as the cycle model, so a test written against
//! `Chip` runs on both, and the two can be compared run for run through the trait
//! (`tests/chip_contract.rs`, `model_and_rtl_agree_through_the_trait`).

use crate::cosim::RtlAccelerator;
use fspinn_sim::chip::BankAccesses;
use fspinn_sim::{Chip, SampleRun};

fn space(s: u32, index: u32) -> u32 {
    (s << 24) | index
}

impl Chip for RtlAccelerator {
    fn name(&self) -> &str {
        "rtl"
    }

    fn run(&mut self, image: &[u8], sample_seed: u32, train: bool) -> SampleRun {
        let eta = fspinn_model::fspinn::potentiation_factor(
            &self.params,
            &self.consts,
            self.samples_seen,
        );
        let r = self.run_sample(image, sample_seed, train, eta);
        if train {
            self.samples_seen += 1;
        }
        SampleRun {
            cycles: r.cycles,
            counts: r.counts,
            spikes: r.spikes,
            weight_writes: r.weight_writes,
            accesses: r
                .accesses
                .into_iter()
                .map(|(name, reads, writes)| BankAccesses {
                    name,
                    reads,
                    writes,
                })
                .collect(),
        }
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
        self.rtl().host_read(space(0, 14)) as i64 as i32
    }
}
