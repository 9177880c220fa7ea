//! The network registers (host space `0x00`): index, name, width and signedness of each, and
//! the bit fields of the `flags` register.

use super::host::{Space, REGISTER_FIELD};

/// A network register of the RTL (docs/rtl.md, "Host address map"). The discriminant is the
/// register's index (host address `0x00_0000nn`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Reg {
    NNeurons = 0,
    Steps = 1,
    LeakShift = 2,
    VThresh = 3,
    ThetaPlus = 4,
    RefractoryStart = 5,
    WToVShift = 6,
    TraceMax = 7,
    TraceBits = 8,
    TraceHalfLife = 9,
    XTar = 10,
    EtaPostQ16 = 11,
    NormTarget = 12,
    ThetaDecayShift = 13,
    Inhibition = 14,
    MinSpikes = 15,
    MaxAttempts = 16,
    TargetSpikes = 17,
    Flags = 18,
    SampleSeed = 19,
    Train = 20,
    VMax = 21,
    WMax = 22,
}

/// What the RTL declares for a register: its flop's width and whether it reads as signed
/// (sign-extended to 64 bits on a host read; zero-extended otherwise).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegSpec {
    /// The register.
    pub reg: Reg,
    /// Name in docs/rtl.md and in errors (`register v_thresh = ...`).
    pub name: &'static str,
    /// Bits of the flop.
    pub width: u32,
    /// Two's complement.
    pub signed: bool,
}

const fn spec(reg: Reg, name: &'static str, width: u32, signed: bool) -> RegSpec {
    RegSpec {
        reg,
        name,
        width,
        signed,
    }
}

/// Every network register, in index order (`REGISTERS[i].reg.index() == i`).
pub const REGISTERS: [RegSpec; 23] = [
    spec(Reg::NNeurons, "n_neurons", 16, false),
    spec(Reg::Steps, "steps", 16, false),
    spec(Reg::LeakShift, "leak_shift", 5, false),
    spec(Reg::VThresh, "v_thresh", 16, true),
    spec(Reg::ThetaPlus, "theta_plus", 16, false),
    spec(Reg::RefractoryStart, "refractory_start", 4, false),
    spec(Reg::WToVShift, "w_to_v_shift", 6, true),
    spec(Reg::TraceMax, "trace_max", 16, false),
    spec(Reg::TraceBits, "trace_bits", 5, false),
    spec(Reg::TraceHalfLife, "trace_half_life", 16, false),
    spec(Reg::XTar, "x_tar", 16, false),
    spec(Reg::EtaPostQ16, "eta_post_q16", 32, false),
    spec(Reg::NormTarget, "norm_target", 40, false),
    spec(Reg::ThetaDecayShift, "theta_decay_shift", 6, false),
    spec(Reg::Inhibition, "inhibition", 16, true),
    spec(Reg::MinSpikes, "min_spikes", 16, false),
    spec(Reg::MaxAttempts, "max_attempts", 16, false),
    spec(Reg::TargetSpikes, "target_spikes", 16, false),
    spec(Reg::Flags, "flags", 3, false),
    spec(Reg::SampleSeed, "sample_seed", 32, false),
    spec(Reg::Train, "train", 1, false),
    spec(Reg::VMax, "v_max", 16, true),
    spec(Reg::WMax, "w_max", 16, false),
];

impl Reg {
    /// Every register, in index order.
    pub const ALL: [Reg; 23] = {
        let mut all = [Reg::NNeurons; 23];
        let mut i = 0;
        while i < REGISTERS.len() {
            all[i] = REGISTERS[i].reg;
            i += 1;
        }
        all
    };

    /// Its row of [`REGISTERS`].
    pub const fn spec(self) -> &'static RegSpec {
        &REGISTERS[self as usize]
    }
    /// Register index.
    pub const fn index(self) -> u32 {
        self as u32
    }
    /// Name in docs/rtl.md.
    pub const fn name(self) -> &'static str {
        self.spec().name
    }
    /// Bits of the flop.
    pub const fn width(self) -> u32 {
        self.spec().width
    }
    /// Read as a signed number.
    pub const fn signed(self) -> bool {
        self.spec().signed
    }
    /// Host address.
    pub const fn addr(self) -> u32 {
        Space::Registers.addr(REGISTER_FIELD.place(self.index()))
    }
    /// The smallest and largest value the register holds (two's complement when signed).
    pub const fn range(self) -> (i128, i128) {
        let w = self.width();
        if self.signed() {
            (-(1i128 << (w - 1)), (1i128 << (w - 1)) - 1)
        } else {
            (0, (1i128 << w) - 1)
        }
    }
}

/// `flags` bit 0: adaptive inhibition (mechanism (f)) on.
pub const FLAG_ADAPTIVE_INHIBITION: u32 = 0;
/// `flags[FLAG_ROUNDING_LSB +: FLAG_ROUNDING_BITS]`: the STDP rounding mode, a
/// [`rounding_code`].
pub const FLAG_ROUNDING_LSB: u32 = 1;
/// Width of the rounding-mode field of `flags`.
pub const FLAG_ROUNDING_BITS: u32 = 2;

/// The code of a rounding mode in `flags` and on the `mode` input of `fspinn_shift_round`
/// (3 is reserved and behaves as truncate there).
pub const fn rounding_code(r: fspinn_model::fixed::Rounding) -> u32 {
    use fspinn_model::fixed::Rounding;
    match r {
        Rounding::Truncate => 0,
        Rounding::Nearest => 1,
        Rounding::Stochastic => 2,
    }
}

/// The `flags` register of a network.
pub const fn flags(adaptive_inhibition: bool, rounding: fspinn_model::fixed::Rounding) -> u32 {
    (adaptive_inhibition as u32) << FLAG_ADAPTIVE_INHIBITION
        | rounding_code(rounding) << FLAG_ROUNDING_LSB
}

const _: () = {
    let mut i = 0;
    while i < REGISTERS.len() {
        assert!(REGISTERS[i].reg as usize == i);
        assert!(REGISTERS[i].width >= 1 && REGISTERS[i].width <= 64);
        i += 1;
    }
    assert!(REGISTERS.len() <= 1 << REGISTER_FIELD.bits);
    assert!(FLAG_ROUNDING_LSB + FLAG_ROUNDING_BITS <= Reg::Flags.width());
    assert!(FLAG_ADAPTIVE_INHIBITION < FLAG_ROUNDING_LSB);
};

#[cfg(test)]
mod tests {
    use super::*;
    use fspinn_model::fixed::Rounding;

    #[test]
    fn the_table_is_indexed_by_register() {
        for (i, r) in Reg::ALL.iter().enumerate() {
            assert_eq!(r.index() as usize, i);
            assert_eq!(r.spec().reg, *r);
        }
        assert_eq!(Reg::VThresh.name(), "v_thresh");
        assert_eq!(Reg::NormTarget.width(), 40);
        assert_eq!(Reg::WToVShift.range(), (-32, 31));
        assert_eq!(Reg::RefractoryStart.range(), (0, 15));
        assert_eq!(Reg::WMax.addr(), 22);
    }

    #[test]
    fn flags_pack_the_documented_bits() {
        // docs/rtl.md: bit 0 adaptive inhibition, bits 2:1 rounding (0 truncate, 1 nearest,
        // 2 stochastic).
        assert_eq!(flags(false, Rounding::Truncate), 0);
        assert_eq!(flags(true, Rounding::Truncate), 1);
        assert_eq!(flags(false, Rounding::Nearest), 2);
        assert_eq!(flags(true, Rounding::Stochastic), 5);
    }
}
