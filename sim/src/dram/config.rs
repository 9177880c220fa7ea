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

/// Geometry of one DRAM channel. Its timing is not written here: it comes from the preset of
/// `kind` (datasheet values in the device clock, [`DramKind::preset`]) and is converted to the
/// accelerator clock by [`DramConfig::timing`], so changing `clock_mhz` can never leave stale
/// cycle counts behind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DramConfig {
    /// DRAM standard: selects the timing and current preset.
    pub kind: DramKind,
    /// Data bus width in bits: a power of two from 8 to 1024.
    pub bus_bits: u32,
    /// Data beats per burst: a power of two from 1 to 64.
    pub burst_length: u32,
    /// Banks in the channel: 1 to 64.
    pub banks: u32,
    /// Bytes in one row (page) of one bank across the whole bus: a power of two, at least one
    /// burst (LPDDR4 x32 from two x16 dies: 2 x 2 KiB = 4 KiB).
    pub row_bytes: u32,
    /// Channel capacity in bytes: positive, a multiple of `row_bytes * banks`.
    pub capacity_bytes: u64,
}

/// The channel's timing in accelerator cycles (what the scheduler and its rule checker use).
/// Built from a preset by [`DramConfig::timing`]; tests build it directly to pin cycles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DramTiming {
    /// ACT to RD/WR on the same bank.
    pub t_rcd: u32,
    /// RD command to first read data beat.
    pub t_cl: u32,
    /// WR command to first write data beat.
    pub t_cwl: u32,
    /// PRE to ACT on the same bank.
    pub t_rp: u32,
    /// Cycles one burst occupies the data bus.
    pub t_burst: u32,
    /// ACT to PRE on the same bank (minimum row active time).
    pub t_ras: u32,
    /// Write recovery: end of the write data to PRE of that bank.
    pub t_wr: u32,
    /// ACT to ACT on different banks.
    pub t_rrd: u32,
    /// Window in which at most four ACTs may be issued.
    pub t_faw: u32,
    /// All-bank refresh interval (refresh `k` is due at cycle `k * t_refi`).
    pub t_refi: u64,
    /// All-bank refresh cycle time: no command for `t_rfc` cycles after REF.
    pub t_rfc: u32,
}

impl DramTiming {
    /// Every timing must be at least one cycle (a zero would let two commands share a cycle
    /// or make refresh never end).
    pub fn validate(&self) -> Result<(), DramConfigError> {
        for (field, value) in [
            ("t_rcd", u64::from(self.t_rcd)),
            ("t_cl", u64::from(self.t_cl)),
            ("t_cwl", u64::from(self.t_cwl)),
            ("t_rp", u64::from(self.t_rp)),
            ("t_burst", u64::from(self.t_burst)),
            ("t_ras", u64::from(self.t_ras)),
            ("t_wr", u64::from(self.t_wr)),
            ("t_rrd", u64::from(self.t_rrd)),
            ("t_faw", u64::from(self.t_faw)),
            ("t_refi", self.t_refi),
            ("t_rfc", u64::from(self.t_rfc)),
        ] {
            if value == 0 {
                return Err(DramConfigError::ZeroTiming { field });
            }
        }
        Ok(())
    }
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
        Ok(())
    }

    /// The timing in accelerator cycles at `clock_mhz`: every datasheet time (device cycles x
    /// tCK, ns) is rounded **up** to whole accelerator cycles (at least 1), except the refresh
    /// interval, rounded **down** (refreshing late would break the retention guarantee). The
    /// burst occupies `burst_length / data_rate` device cycles. This is the one place where
    /// nanoseconds become cycles.
    pub fn timing(&self, clock_mhz: f64) -> Result<DramTiming, DramConfigError> {
        if !(clock_mhz.is_finite() && clock_mhz > 0.0) {
            return Err(DramConfigError::Clock { clock_mhz });
        }
        let p = self.kind.preset();
        let t = p.timing;
        let cycles = |n: f64| -> u32 {
            // ns * MHz / 1000 = cycles; the epsilon absorbs binary rounding of exact multiples.
            let c = (n * t.tck_ns * clock_mhz / 1000.0 - 1e-9).ceil();
            (c.max(1.0)).min(f64::from(u32::MAX)) as u32
        };
        let burst = f64::from(self.burst_length) / f64::from(t.data_rate);
        let refi = (f64::from(t.refi) * t.tck_ns * clock_mhz / 1000.0 + 1e-9).floor();
        Ok(DramTiming {
            t_rcd: cycles(t.rcd.into()),
            t_cl: cycles(t.rl.into()),
            t_cwl: cycles(t.wl.into()),
            t_rp: cycles(t.rp.into()),
            t_burst: cycles(burst),
            t_ras: cycles(t.ras.into()),
            t_wr: cycles(t.wr.into()),
            t_rrd: cycles(t.rrd.into()),
            t_faw: cycles(t.faw.into()),
            t_refi: (refi.max(1.0)) as u64,
            t_rfc: cycles(t.rfc.into()),
        })
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
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
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
    /// A clock the timing cannot be converted to.
    #[error("clock_mhz = {clock_mhz}: DRAM timing needs a positive, finite accelerator clock")]
    Clock { clock_mhz: f64 },
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
            DramConfigError::Parse(_) | DramConfigError::Clock { .. } => None,
        }
    }
}
