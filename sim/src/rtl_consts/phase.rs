//! The controller's phases and their codes on `obs_phase` (and in both waveforms).

/// A phase of the controller (docs/architecture.md): the value of the RTL's `phase` register
/// and `obs_phase` output, and of the cycle model's phase. The discriminant is the code.
///
/// `InhibitoryLayer` and `Depress` exist only in the cycle model's baseline-equivalent modes
/// (mechanisms (a) and (b) off), which the RTL does not build; `Other` is the code of a phase
/// name the table does not know (a waveform shows it rather than failing).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Phase {
    Idle = 0,
    Seed = 1,
    Threshold = 2,
    Reset = 3,
    NormSum = 4,
    NormDivide = 5,
    NormScale = 6,
    Generate = 7,
    Integrate = 8,
    InhibitoryLayer = 9,
    Inhibit = 10,
    Depress = 11,
    Potentiate = 12,
    ThetaDecay = 13,
    Adapt = 14,
    Readout = 15,
    Other = 16,
}

impl Phase {
    /// Every phase, in code order (`ALL[c].code() == c`).
    pub const ALL: [Phase; 17] = [
        Phase::Idle,
        Phase::Seed,
        Phase::Threshold,
        Phase::Reset,
        Phase::NormSum,
        Phase::NormDivide,
        Phase::NormScale,
        Phase::Generate,
        Phase::Integrate,
        Phase::InhibitoryLayer,
        Phase::Inhibit,
        Phase::Depress,
        Phase::Potentiate,
        Phase::ThetaDecay,
        Phase::Adapt,
        Phase::Readout,
        Phase::Other,
    ];

    /// Bits of a phase code: the width of `obs_phase` and of the RTL's `phase` register.
    pub const BITS: u32 = 5;

    /// The code on `obs_phase`.
    pub const fn code(self) -> u8 {
        self as u8
    }

    /// The name the cycle model and the docs use (`"norm_sum"`).
    pub const fn name(self) -> &'static str {
        match self {
            Phase::Idle => "idle",
            Phase::Seed => "seed",
            Phase::Threshold => "threshold",
            Phase::Reset => "reset",
            Phase::NormSum => "norm_sum",
            Phase::NormDivide => "norm_divide",
            Phase::NormScale => "norm_scale",
            Phase::Generate => "generate",
            Phase::Integrate => "integrate",
            Phase::InhibitoryLayer => "inhibitory_layer",
            Phase::Inhibit => "inhibit",
            Phase::Depress => "depress",
            Phase::Potentiate => "potentiate",
            Phase::ThetaDecay => "theta_decay",
            Phase::Adapt => "adapt",
            Phase::Readout => "readout",
            Phase::Other => "other",
        }
    }

    /// The phase of a name, `None` for a name the table does not have.
    pub fn from_name(name: &str) -> Option<Phase> {
        Phase::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The phase of a code, `None` past the table.
    pub fn from_code(code: u64) -> Option<Phase> {
        Phase::ALL.get(usize::try_from(code).ok()?).copied()
    }

    /// The code of a phase name; [`Phase::Other`]'s for a name the table does not have.
    pub fn code_of(name: &str) -> u8 {
        Phase::from_name(name).unwrap_or(Phase::Other).code()
    }

    /// Whether the RTL (the FSpiNN mode) has this phase.
    pub const fn in_rtl(self) -> bool {
        !matches!(self, Phase::InhibitoryLayer | Phase::Depress | Phase::Other)
    }
}

impl std::fmt::Display for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

const _: () = {
    // Codes are the positions in ALL, and every code fits BITS.
    let mut i = 0;
    while i < Phase::ALL.len() {
        assert!(Phase::ALL[i] as usize == i);
        i += 1;
    }
    assert!(Phase::ALL.len() <= 1 << Phase::BITS);
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes_round_trip() {
        for p in Phase::ALL {
            assert_eq!(Phase::from_name(p.name()), Some(p));
            assert_eq!(Phase::from_code(p.code() as u64), Some(p));
            assert_eq!(Phase::code_of(p.name()), p.code());
        }
        assert_eq!(Phase::from_name("nap"), None);
        assert_eq!(Phase::code_of("nap"), 16);
        assert_eq!(Phase::from_code(17), None);
        assert_eq!(Phase::from_code(u64::MAX), None);
        assert_eq!(Phase::NormDivide.to_string(), "norm_divide");
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<&str> = Phase::ALL.iter().map(|p| p.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Phase::ALL.len());
    }
}
