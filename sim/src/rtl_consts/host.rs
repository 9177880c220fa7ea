//! The host address map (docs/rtl.md, "Host address map"): the address spaces, the bit fields
//! of an address in each, and the composition of addresses the testbench writes and reads.

/// A bit field of `host_addr`: `host_addr[lsb +: bits]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// Lowest bit.
    pub lsb: u32,
    /// Width.
    pub bits: u32,
}

impl Field {
    /// How many values the field holds (`2^bits`): a limit of whatever it addresses.
    pub const fn count(self) -> u64 {
        1 << self.bits
    }

    /// `value` placed in the field. Callers keep `value` below [`Field::count`] (the
    /// structural limits of `rtl_params` guarantee it for every address the testbench makes).
    pub const fn place(self, value: u32) -> u32 {
        debug_assert!((value as u64) < self.count());
        value << self.lsb
    }
}

/// `host_addr[31:24]`: the address space.
pub const SPACE_FIELD: Field = Field { lsb: 24, bits: 8 };
/// Space [`Space::Registers`]: the register index.
pub const REGISTER_FIELD: Field = Field { lsb: 0, bits: 8 };
/// Space [`Space::Weights`]: the weight bank.
pub const WEIGHT_BANK_FIELD: Field = Field { lsb: 20, bits: 4 };
/// Space [`Space::Weights`]: the word address within the bank.
pub const WEIGHT_ADDR_FIELD: Field = Field { lsb: 0, bits: 20 };
/// Space [`Space::Neurons`]: the neuron bank (= the PE).
pub const NEURON_BANK_FIELD: Field = Field { lsb: 16, bits: 8 };
/// Space [`Space::Neurons`]: the word address within the bank.
pub const NEURON_ADDR_FIELD: Field = Field { lsb: 0, bits: 16 };
/// Space [`Space::Pixels`]: the lane of the input channel (`channel % LANES`). The host
/// sends the lane and the row apart, so the spike generator writes a row of its pixel SRAM
/// without dividing the channel by LANES.
pub const PIXEL_LANE_FIELD: Field = Field { lsb: 0, bits: 8 };
/// Space [`Space::Pixels`]: the row of the input channel (`channel / LANES`).
pub const PIXEL_ROW_FIELD: Field = Field { lsb: 8, bits: 16 };
/// Space [`Space::Rates`]: the attempt.
pub const RATE_FIELD: Field = Field { lsb: 0, bits: 8 };
/// Space [`Space::Counters`]: the counter index.
pub const INDEX_FIELD: Field = Field { lsb: 0, bits: 16 };
/// Space [`Space::SpikeCounts`]: the PE of the neuron (`neuron % PES`). As for pixels, the
/// host sends the PE and the group apart, so the count memory is read without a divide.
pub const COUNT_PE_FIELD: Field = Field { lsb: 0, bits: 8 };
/// Space [`Space::SpikeCounts`]: the neuron's group, the row of the count memory
/// (`neuron / PES`).
pub const COUNT_GROUP_FIELD: Field = Field { lsb: 8, bits: 16 };

/// An address space of the host port (`host_addr[31:24]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Space {
    /// Network registers (write; read back).
    Registers = 0x00,
    /// Weight SRAM words (on-chip configs).
    Weights = 0x01,
    /// Neuron-state words.
    Neurons = 0x02,
    /// Pixels of the image (8 bits; write only).
    Pixels = 0x03,
    /// `rate_q24` of every attempt (write only).
    Rates = 0x04,
    /// Hardware counters (read; any write clears them all).
    Counters = 0x05,
    /// Spike counts of the last sample, one per neuron (read only).
    SpikeCounts = 0x06,
}

impl Space {
    /// Every space, in code order.
    pub const ALL: [Space; 7] = [
        Space::Registers,
        Space::Weights,
        Space::Neurons,
        Space::Pixels,
        Space::Rates,
        Space::Counters,
        Space::SpikeCounts,
    ];

    /// The value of `host_addr[31:24]`.
    pub const fn code(self) -> u8 {
        self as u8
    }

    /// The Verilog name's suffix (`SPACE_<NAME>` in `rtl/fspinn_consts.vh`).
    pub const fn name(self) -> &'static str {
        match self {
            Space::Registers => "registers",
            Space::Weights => "weights",
            Space::Neurons => "neurons",
            Space::Pixels => "pixels",
            Space::Rates => "rates",
            Space::Counters => "counters",
            Space::SpikeCounts => "spike_counts",
        }
    }

    /// Address `index` of this space (`index` within the low 24 bits).
    pub const fn addr(self, index: u32) -> u32 {
        debug_assert!(index < 1 << SPACE_FIELD.lsb);
        SPACE_FIELD.place(self.code() as u32) | index
    }
}

/// Host address of word `addr` of weight bank `bank`.
pub const fn weight_addr(bank: usize, addr: u32) -> u32 {
    Space::Weights.addr(WEIGHT_BANK_FIELD.place(bank as u32) | WEIGHT_ADDR_FIELD.place(addr))
}

/// Host address of word `addr` of the neuron bank of PE `pe`.
pub const fn neuron_addr(pe: usize, addr: u32) -> u32 {
    Space::Neurons.addr(NEURON_BANK_FIELD.place(pe as u32) | NEURON_ADDR_FIELD.place(addr))
}

/// Host address of the pixel of input channel `channel` on a spike generator of `lanes`
/// lanes: its row and lane (the host divides, the chip does not).
pub const fn pixel_addr(channel: usize, lanes: usize) -> u32 {
    Space::Pixels.addr(
        PIXEL_ROW_FIELD.place((channel / lanes) as u32)
            | PIXEL_LANE_FIELD.place((channel % lanes) as u32),
    )
}

/// Host address of the rate-table entry of attempt `attempt`.
pub const fn rate_addr(attempt: usize) -> u32 {
    Space::Rates.addr(RATE_FIELD.place(attempt as u32))
}

/// Host address of the spike count of neuron `neuron` on an array of `pes` PEs (space
/// [`Space::SpikeCounts`]): its group and PE.
pub const fn spike_count_addr(neuron: usize, pes: usize) -> u32 {
    Space::SpikeCounts.addr(
        COUNT_GROUP_FIELD.place((neuron / pes) as u32)
            | COUNT_PE_FIELD.place((neuron % pes) as u32),
    )
}

/// A hardware counter of space [`Space::Counters`]: cycles while busy, then the reads and
/// writes of every weight bank, then those of every neuron bank. Host accesses are not
/// counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counter {
    /// Cycles while `busy`.
    Cycles,
    /// Reads of weight bank `b`.
    WeightReads(usize),
    /// Writes of weight bank `b`.
    WeightWrites(usize),
    /// Reads of the neuron bank of PE `p`.
    NeuronReads(usize),
    /// Writes of the neuron bank of PE `p`.
    NeuronWrites(usize),
}

impl Counter {
    /// Index of the counter in a chip with `wbanks` weight banks.
    pub const fn index(self, wbanks: usize) -> u32 {
        (match self {
            Counter::Cycles => 0,
            Counter::WeightReads(b) => 1 + 2 * b,
            Counter::WeightWrites(b) => 2 + 2 * b,
            Counter::NeuronReads(p) => 1 + 2 * wbanks + 2 * p,
            Counter::NeuronWrites(p) => 2 + 2 * wbanks + 2 * p,
        }) as u32
    }

    /// Its host address in a chip with `wbanks` weight banks (a write to any address of the
    /// space clears every counter).
    pub const fn addr(self, wbanks: usize) -> u32 {
        Space::Counters.addr(INDEX_FIELD.place(self.index(wbanks)))
    }
}

const _: () = {
    let mut i = 0;
    while i < Space::ALL.len() {
        assert!((Space::ALL[i] as usize) < 1 << SPACE_FIELD.bits);
        i += 1;
    }
    // The fields of one space do not overlap and stay below the space field.
    assert!(WEIGHT_ADDR_FIELD.lsb + WEIGHT_ADDR_FIELD.bits <= WEIGHT_BANK_FIELD.lsb);
    assert!(WEIGHT_BANK_FIELD.lsb + WEIGHT_BANK_FIELD.bits <= SPACE_FIELD.lsb);
    assert!(NEURON_ADDR_FIELD.lsb + NEURON_ADDR_FIELD.bits <= NEURON_BANK_FIELD.lsb);
    assert!(NEURON_BANK_FIELD.lsb + NEURON_BANK_FIELD.bits <= SPACE_FIELD.lsb);
    assert!(PIXEL_LANE_FIELD.lsb + PIXEL_LANE_FIELD.bits <= PIXEL_ROW_FIELD.lsb);
    assert!(PIXEL_ROW_FIELD.lsb + PIXEL_ROW_FIELD.bits <= SPACE_FIELD.lsb);
    assert!(COUNT_PE_FIELD.lsb + COUNT_PE_FIELD.bits <= COUNT_GROUP_FIELD.lsb);
    assert!(COUNT_GROUP_FIELD.lsb + COUNT_GROUP_FIELD.bits <= SPACE_FIELD.lsb);
    assert!(SPACE_FIELD.lsb + SPACE_FIELD.bits == 32);
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_those_of_the_documented_map() {
        assert_eq!(Space::Registers.addr(22), 0x0000_0016);
        assert_eq!(weight_addr(3, 0x1_2345), 0x0131_2345);
        assert_eq!(weight_addr(15, (1 << 20) - 1), 0x01ff_ffff);
        assert_eq!(neuron_addr(255, 0xffff), 0x02ff_ffff);
        assert_eq!(neuron_addr(2, 7), 0x0202_0007);
        // Channel 783 of 16 lanes: row 48, lane 15; of 7 lanes: row 111, lane 6.
        assert_eq!(pixel_addr(783, 16), 0x0300_300f);
        assert_eq!(pixel_addr(783, 7), 0x0300_6f06);
        assert_eq!(rate_addr(254), 0x0400_00fe);
        // Neuron 399 of 16 PEs: group 24, PE 15; of 64 PEs: group 6, PE 15.
        assert_eq!(spike_count_addr(399, 16), 0x0600_180f);
        assert_eq!(spike_count_addr(399, 64), 0x0600_060f);
    }

    #[test]
    fn counters_follow_the_weight_banks() {
        // 2 weight banks: cycles, then (r, w) of banks 0 and 1, then (r, w) of every PE.
        assert_eq!(Counter::Cycles.index(2), 0);
        assert_eq!(Counter::WeightReads(0).index(2), 1);
        assert_eq!(Counter::WeightWrites(1).index(2), 4);
        assert_eq!(Counter::NeuronReads(0).index(2), 5);
        assert_eq!(Counter::NeuronWrites(3).index(2), 12);
        assert_eq!(Counter::NeuronWrites(3).addr(2), 0x0500_000c);
    }
}
