//! Errors of the fixed-point module: a bad number format or an unknown rounding-mode name.

/// Why a fixed-point format or a rounding mode was rejected; each variant names the bad field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FixedError {
    /// A [`QFormat`](super::QFormat) field is out of the range the datapath supports.
    #[error("invalid fixed-point format: `{field}` = {value}: {reason}")]
    InvalidFormat {
        field: &'static str,
        value: u32,
        reason: &'static str,
    },
    /// A rounding-mode name that is not one of the three modes.
    #[error("unknown rounding mode `{0}`; valid: truncate, nearest, stochastic")]
    UnknownRounding(String),
}
