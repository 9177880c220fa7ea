//! DRAM channel configuration: geometry and timing, all checked before a channel is built so a
//! bad value is reported by name instead of producing a silently wrong schedule.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The DRAM standard a configuration describes.
///
/// The timing model is the same for every kind (see the module doc); the kind labels the
/// configuration so reports and the DRAMPower memory specification can be matched to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DramKind {
    /// Low-power DDR4, the usual choice for an embedded accelerator.
    Lpddr4,
    /// DDR3, the standard of most published DRAMPower memory specifications.
    Ddr3,
    /// HBM2, a wide stacked interface (one pseudo-channel per `DramChannel`).
    Hbm2,
}

impl DramKind {
    /// Every kind, in declaration order, so callers can list the accepted names.
    pub const ALL: [DramKind; 3] = [DramKind::Lpddr4, DramKind::Ddr3, DramKind::Hbm2];

    /// The lowercase name used in configuration files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            DramKind::Lpddr4 => "lpddr4",
            DramKind::Ddr3 => "ddr3",
            DramKind::Hbm2 => "hbm2",
        }
    }
}

impl fmt::Display for DramKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DramKind {
    type Err = DramConfigError;

    /// Parses the same lowercase names as the configuration file, so a command-line option and
    /// a TOML file accept exactly the same spellings.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DramKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| DramConfigError::UnknownKind {
                value: s.to_owned(),
            })
    }
}

/// Geometry and timing of one DRAM channel.
///
/// All timings are in accelerator clock cycles (the cycles passed to `DramChannel::tick`), not
/// DRAM clock cycles: the model has a single clock, and converting datasheet nanoseconds is
/// the job of whoever writes the configuration (round up).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DramConfig {
    /// DRAM standard (a label; it does not change the timing rules).
    pub kind: DramKind,
    /// Data bus width in bits: a power of two from 8 to 1024.
    pub bus_bits: u32,
    /// Data beats per burst: a power of two from 1 to 64.
    pub burst_length: u32,
    /// Banks in the channel: 1 to 64.
    pub banks: u32,
    /// Bytes in one row (page) of one bank: a power of two, at least one burst.
    pub row_bytes: u32,
    /// Channel capacity in bytes: positive, a multiple of `row_bytes * banks`.
    pub capacity_bytes: u64,
    /// ACT to RD/WR delay (cycles, at least 1).
    pub t_rcd: u32,
    /// RD command to first read data beat (cycles, at least 1).
    pub t_cl: u32,
    /// WR command to first write data beat (cycles, at least 1).
    pub t_cwl: u32,
    /// PRE to ACT delay on the same bank (cycles, at least 1).
    pub t_rp: u32,
    /// Cycles one burst occupies the data bus (at least 1).
    pub t_burst: u32,
}

/// Largest accepted data bus width, in bits (HBM2 pseudo-channel pairs are 128 bits; 1024
/// covers a whole HBM stack modelled as one channel).
const MAX_BUS_BITS: u32 = 1024;
/// Largest accepted burst length, in beats.
const MAX_BURST_LENGTH: u32 = 64;
/// Largest accepted bank count.
const MAX_BANKS: u32 = 64;

impl DramConfig {
    /// Bytes moved by one burst: `bus_bits / 8 * burst_length`. This is the unit of the
    /// address-to-burst split, so it must be known before any request is scheduled.
    ///
    /// Saturates instead of overflowing on an unvalidated configuration.
    pub fn burst_bytes(&self) -> u32 {
        (self.bus_bits / 8).saturating_mul(self.burst_length)
    }

    /// Checks every field, returning the first violation (fields are checked in declaration
    /// order). A channel is never built from an unchecked configuration, because a bad
    /// geometry (e.g. a row smaller than a burst) would make the address mapping meaningless.
    pub fn validate(&self) -> Result<(), DramConfigError> {
        pow2_in("bus_bits", self.bus_bits, 8, MAX_BUS_BITS)?;
        pow2_in("burst_length", self.burst_length, 1, MAX_BURST_LENGTH)?;
        if !(1..=MAX_BANKS).contains(&self.banks) {
            return Err(DramConfigError::OutOfRange {
                field: "banks",
                value: self.banks.into(),
                min: 1,
                max: MAX_BANKS.into(),
            });
        }
        let burst_bytes = self.burst_bytes();
        if !self.row_bytes.is_power_of_two() || self.row_bytes < burst_bytes {
            return Err(DramConfigError::RowBytes {
                value: self.row_bytes,
                burst_bytes,
            });
        }
        let bank_set = u64::from(self.row_bytes) * u64::from(self.banks);
        if self.capacity_bytes == 0 || self.capacity_bytes % bank_set != 0 {
            return Err(DramConfigError::Capacity {
                value: self.capacity_bytes,
                row_bytes: self.row_bytes,
                banks: self.banks,
                bank_set,
            });
        }
        for (field, value) in [
            ("t_rcd", self.t_rcd),
            ("t_cl", self.t_cl),
            ("t_cwl", self.t_cwl),
            ("t_rp", self.t_rp),
            ("t_burst", self.t_burst),
        ] {
            if value == 0 {
                return Err(DramConfigError::ZeroTiming { field });
            }
        }
        Ok(())
    }

    /// Parses a `[dram]`-table body (the fields of `DramConfig`, unknown keys rejected) and
    /// validates it, so a configuration file is either fully usable or reported as wrong.
    pub fn from_toml_str(text: &str) -> Result<Self, DramConfigError> {
        let cfg: DramConfig =
            toml::from_str(text).map_err(|e| DramConfigError::Parse(e.to_string()))?;
        cfg.validate()?;
        Ok(cfg)
    }
}

fn pow2_in(field: &'static str, value: u32, min: u32, max: u32) -> Result<(), DramConfigError> {
    if value.is_power_of_two() && (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(DramConfigError::NotPowerOfTwo {
            field,
            value,
            min,
            max,
        })
    }
}

/// A DRAM configuration value that cannot describe a real channel. Each message starts with
/// `dram.<field> = <value>` so it points at the line of the configuration file to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DramConfigError {
    /// A width or length that must be a power of two within a range.
    #[error("dram.{field} = {value}: must be a power of two from {min} to {max}")]
    NotPowerOfTwo {
        field: &'static str,
        value: u32,
        min: u32,
        max: u32,
    },
    /// A count outside its accepted range.
    #[error("dram.{field} = {value}: must be from {min} to {max}")]
    OutOfRange {
        field: &'static str,
        value: u64,
        min: u64,
        max: u64,
    },
    /// A row that is not a power of two or smaller than one burst (a burst must lie in one row).
    #[error(
        "dram.row_bytes = {value}: must be a power of two and at least one burst \
         (bus_bits / 8 * burst_length = {burst_bytes} bytes)"
    )]
    RowBytes { value: u32, burst_bytes: u32 },
    /// A capacity that is zero or does not hold a whole number of rows in every bank.
    #[error(
        "dram.capacity_bytes = {value}: must be a positive multiple of row_bytes * banks \
         = {row_bytes} * {banks} = {bank_set} bytes (every bank holds whole rows)"
    )]
    Capacity {
        value: u64,
        row_bytes: u32,
        banks: u32,
        bank_set: u64,
    },
    /// A timing of zero cycles (every command and data transfer takes at least one cycle).
    #[error("dram.{field} = 0: must be at least 1 accelerator cycle")]
    ZeroTiming { field: &'static str },
    /// A DRAM kind name that is not one of `lpddr4`, `ddr3`, `hbm2`.
    #[error("dram.kind = {value:?}: must be one of \"lpddr4\", \"ddr3\", \"hbm2\"")]
    UnknownKind { value: String },
    /// A configuration text that is not valid TOML for `DramConfig` (the parser's message
    /// names the key and line).
    #[error("dram configuration: {0}")]
    Parse(String),
}

impl DramConfigError {
    /// The configuration field the error is about (`None` for a text that did not parse),
    /// so tools can highlight the offending key without parsing the message.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            DramConfigError::NotPowerOfTwo { field, .. }
            | DramConfigError::OutOfRange { field, .. }
            | DramConfigError::ZeroTiming { field } => Some(field),
            DramConfigError::RowBytes { .. } => Some("row_bytes"),
            DramConfigError::Capacity { .. } => Some("capacity_bytes"),
            DramConfigError::UnknownKind { .. } => Some("kind"),
            DramConfigError::Parse(_) => None,
        }
    }
}
