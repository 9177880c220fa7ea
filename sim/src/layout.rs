//! Where every weight and every neuron's state sits in the accelerator's memories.
//!
//! **Neurons.** Neuron `j` belongs to PE `j % P` and sits at address `j / P` of that PE's
//! neuron-state bank; address `a` of all PEs together is "neuron group" `a` (neurons
//! `a*P .. a*P + P`), processed in one cycle.
//!
//! **Weights, group-major.** The weights of input `i` to neuron group `a` form a *chunk* of `P`
//! weights, each stored in `storage_bits` (the weight code in the low bits). A chunk fills
//! `words_per_chunk = ceil(P / per_word)` words of `word_bits` (`per_word = word_bits /
//! storage_bits` weights per word, lane `p` in word `p / per_word` at bit `(p % per_word) *
//! storage_bits`). Chunk `(i, a)` has index `a * inputs + i`: the chunks of one neuron group are
//! contiguous, so a column update (one neuron, every input) walks consecutive addresses and a
//! group's chunks for successive input spikes stay in one DRAM row as long as possible.
//! On chip, word `q` of a chunk lives in bank `q % banks` at address
//! `chunk * cycles_per_chunk + q / banks`; a chunk is read in `cycles_per_chunk =
//! ceil(words_per_chunk / banks)` cycles with every bank busy. In DRAM, chunk `c` starts at byte
//! `c * words_per_chunk * word_bits / 8` and word `q` at `+ q * word_bits / 8`.

use crate::config::HwConfig;
use crate::error::SimError;
use fspinn_model::fspinn::FspinnConsts;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeightLayout {
    pub pes: usize,
    pub inputs: usize,
    pub groups: usize,
    pub storage_bits: u32,
    pub word_bits: u32,
    pub banks: usize,
    pub per_word: usize,
    pub words_per_chunk: usize,
    pub cycles_per_chunk: usize,
    /// Weights are held in the on-chip SRAM (else streamed from DRAM).
    pub on_chip: bool,
}

impl WeightLayout {
    pub fn new(
        cfg: &HwConfig,
        neurons: usize,
        storage_bits: u32,
        code_bits: u32,
    ) -> Result<Self, SimError> {
        let pes = cfg.pe_array.pes as usize;
        let w = &cfg.weight_sram;
        if storage_bits < code_bits || storage_bits > w.word_bits {
            return Err(SimError::DoesNotFit(format!(
                "{storage_bits}-bit weight storage for {code_bits}-bit weight codes in {}-bit words",
                w.word_bits
            )));
        }
        let per_word = (w.word_bits / storage_bits) as usize;
        let words_per_chunk = pes.div_ceil(per_word);
        let banks = w.banks as usize;
        let cycles_per_chunk = words_per_chunk.div_ceil(banks);
        let groups = neurons.div_ceil(pes);
        let inputs = cfg.spike_generator.inputs as usize;
        let needed = (groups * inputs * cycles_per_chunk) as u64;
        let on_chip = needed <= w.depth as u64;
        let layout = WeightLayout {
            pes,
            inputs,
            groups,
            storage_bits,
            word_bits: w.word_bits,
            banks,
            per_word,
            words_per_chunk,
            cycles_per_chunk,
            on_chip,
        };
        if !on_chip && layout.dram_bytes() > cfg.dram.capacity_bytes {
            return Err(SimError::DoesNotFit(format!(
                "the weights need {} bytes of DRAM, dram.capacity_bytes is {}",
                layout.dram_bytes(),
                cfg.dram.capacity_bytes
            )));
        }
        Ok(layout)
    }

    pub fn chunk(&self, input: usize, group: usize) -> usize {
        group * self.inputs + input
    }
    /// On-chip bank and address of word `q` of a chunk.
    pub fn sram_word(&self, chunk: usize, q: usize) -> (usize, u32) {
        (
            q % self.banks,
            (chunk * self.cycles_per_chunk + q / self.banks) as u32,
        )
    }
    pub fn word_bytes(&self) -> u64 {
        self.word_bits as u64 / 8
    }
    pub fn chunk_bytes(&self) -> u64 {
        self.words_per_chunk as u64 * self.word_bytes()
    }
    pub fn dram_chunk_addr(&self, chunk: usize) -> u64 {
        chunk as u64 * self.chunk_bytes()
    }
    pub fn dram_word_addr(&self, chunk: usize, q: usize) -> u64 {
        self.dram_chunk_addr(chunk) + q as u64 * self.word_bytes()
    }
    pub fn dram_bytes(&self) -> u64 {
        (self.groups * self.inputs) as u64 * self.chunk_bytes()
    }
    /// Word and bit offset of PE lane `p` in a chunk.
    pub fn lane(&self, p: usize) -> (usize, u32) {
        (
            p / self.per_word,
            (p % self.per_word) as u32 * self.storage_bits,
        )
    }
    pub fn get(&self, word: u64, shift: u32) -> u16 {
        let mask = if self.storage_bits >= 64 {
            u64::MAX
        } else {
            (1u64 << self.storage_bits) - 1
        };
        ((word >> shift) & mask) as u16
    }
    pub fn set(&self, word: u64, shift: u32, value: u16) -> u64 {
        let mask = ((1u64 << self.storage_bits) - 1) << shift;
        (word & !mask) | ((value as u64) << shift)
    }
}

/// The state of one excitatory neuron as stored in its PE's bank: membrane, threshold offset,
/// refractory count and spike count of the current attempt.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NeuronState {
    pub v: i32,
    pub theta: i32,
    pub refractory: u8,
    pub count: u32,
}

/// Bit fields of a neuron-state word: `{count, refractory, theta, v}` from the top.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NeuronWordFormat {
    pub v_bits: u32,
    pub theta_bits: u32,
    pub refractory_bits: u32,
    pub count_bits: u32,
}

impl NeuronWordFormat {
    /// The fields of a network; the spike counter is just wide enough for one attempt
    /// (a neuron fires at most once every `refractory_steps + 1` steps).
    pub fn new(c: &FspinnConsts, refractory_bits: u32) -> Self {
        let max_count = c.steps.div_ceil(c.refractory_steps + 1);
        NeuronWordFormat {
            v_bits: c.v_fmt.bits as u32,
            theta_bits: c.theta_fmt.bits as u32,
            refractory_bits,
            count_bits: 32 - max_count.leading_zeros(),
        }
    }
    pub const fn bits(&self) -> u32 {
        self.count_lsb() + self.count_bits
    }
    /// Lowest bit of the membrane field (the word's bottom).
    pub const fn v_lsb(&self) -> u32 {
        0
    }
    /// Lowest bit of the threshold-offset field.
    pub const fn theta_lsb(&self) -> u32 {
        self.v_lsb() + self.v_bits
    }
    /// Lowest bit of the refractory field.
    pub const fn refractory_lsb(&self) -> u32 {
        self.theta_lsb() + self.theta_bits
    }
    /// Lowest bit of the spike-count field (the top field).
    pub const fn count_lsb(&self) -> u32 {
        self.refractory_lsb() + self.refractory_bits
    }
    pub fn pack(&self, s: &NeuronState) -> u64 {
        let field = |x: u64, bits: u32, at: u32| (x & ((1u64 << bits) - 1)) << at;
        field(s.v as i64 as u64, self.v_bits, self.v_lsb())
            | field(s.theta as u64, self.theta_bits, self.theta_lsb())
            | field(
                s.refractory as u64,
                self.refractory_bits,
                self.refractory_lsb(),
            )
            | field(s.count as u64, self.count_bits, self.count_lsb())
    }
    pub fn unpack(&self, w: u64) -> NeuronState {
        let field = |at: u32, bits: u32| (w >> at) & ((1u64 << bits) - 1);
        let raw_v = field(self.v_lsb(), self.v_bits);
        let v = ((raw_v << (64 - self.v_bits)) as i64 >> (64 - self.v_bits)) as i32;
        NeuronState {
            v,
            theta: field(self.theta_lsb(), self.theta_bits) as i32,
            refractory: field(self.refractory_lsb(), self.refractory_bits) as u8,
            count: field(self.count_lsb(), self.count_bits) as u32,
        }
    }
}
