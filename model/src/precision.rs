//! Number formats of a network: 32-bit float everywhere, or fixed point with a chosen weight width.
//!
//! The CLI spells these `fp32` or `wB` (B-bit weights, 2 <= B <= 16); the state formats that go
//! with a weight width are fixed by the datapath contract (docs/datapath.md), so one short name
//! identifies a complete, reproducible datapath.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Bit widths of every stored quantity of the fixed-point datapath.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixedFormats {
    /// Synaptic weight (unsigned).
    pub weight_bits: u8,
    /// Membrane potential (signed, relative to rest).
    pub membrane_bits: u8,
    /// Adaptive threshold offset theta (unsigned).
    pub threshold_bits: u8,
    /// Pre- and post-synaptic STDP traces (unsigned).
    pub trace_bits: u8,
    /// Refractory counter (unsigned, in time steps).
    pub refractory_bits: u8,
}

impl FixedFormats {
    /// The formats that go with `weight_bits`-bit weights.
    pub fn with_weight_bits(weight_bits: u8) -> Self {
        FixedFormats {
            weight_bits,
            membrane_bits: 16,
            threshold_bits: 16,
            trace_bits: 8,
            refractory_bits: 4,
        }
    }
}

/// How numbers are represented.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Precision {
    /// IEEE 754 single precision for every quantity (the baseline).
    Fp32,
    /// Integer arithmetic with the given widths.
    Fixed(FixedFormats),
}

impl Precision {
    /// Bits of one stored weight.
    pub fn weight_bits(&self) -> u32 {
        match self {
            Precision::Fp32 => 32,
            Precision::Fixed(f) => f.weight_bits as u32,
        }
    }

    /// The formats a network of this precision learns in when quantised as `quantize` says
    /// (unset: quantisation-aware training): Some for quantisation-aware training, None for the
    /// f32 network and post-training quantisation, which learn unrounded. Where the operating
    /// rules ask "does the integer network learn?" (`operating_rule::fspinn_start`).
    pub fn trained_formats(&self, quantize: Option<Quantize>) -> Option<FixedFormats> {
        match (self, quantize) {
            (Precision::Fixed(f), None | Some(Quantize::Train)) => Some(*f),
            _ => None,
        }
    }
}

impl fmt::Display for Precision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Precision::Fp32 => f.write_str("fp32"),
            Precision::Fixed(x) => write!(f, "w{}", x.weight_bits),
        }
    }
}

impl FromStr for Precision {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s == "fp32" {
            return Ok(Precision::Fp32);
        }
        let bits = s
            .strip_prefix('w')
            .and_then(|b| b.parse::<u8>().ok())
            .ok_or_else(|| {
                format!(
                    "unknown precision `{s}`; valid: fp32, or wB with 2 <= B <= 16 (e.g. w8, w4)"
                )
            })?;
        if !(2..=16).contains(&bits) {
            return Err(format!(
                "precision `{s}`: weight width must be between 2 and 16 bits"
            ));
        }
        Ok(Precision::Fixed(FixedFormats::with_weight_bits(bits)))
    }
}

/// When a fixed-point FSpiNN network gets its integer weights (`--quantize`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Quantize {
    /// Quantisation-aware training: the integer network itself learns (weight updates rounded
    /// with `--rounding`).
    Train,
    /// Post-training quantisation: the f32 network learns, then its weights and state are
    /// rounded to nearest into the integer network, which labels and tests.
    Post,
}

impl fmt::Display for Quantize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Quantize::Train => "train",
            Quantize::Post => "post",
        })
    }
}

impl FromStr for Quantize {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "train" => Ok(Quantize::Train),
            "post" => Ok(Quantize::Post),
            other => Err(format!(
                "unknown quantisation `{other}`; valid: train, post"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_bad_names_are_explained() {
        for name in ["fp32", "w2", "w4", "w8", "w16"] {
            assert_eq!(name.parse::<Precision>().unwrap().to_string(), name);
        }
        assert_eq!("w4".parse::<Precision>().unwrap().weight_bits(), 4);
        assert!("w1"
            .parse::<Precision>()
            .unwrap_err()
            .contains("between 2 and 16"));
        assert!("w17"
            .parse::<Precision>()
            .unwrap_err()
            .contains("between 2 and 16"));
        assert!("int8"
            .parse::<Precision>()
            .unwrap_err()
            .contains("valid: fp32"));
        for q in ["train", "post"] {
            assert_eq!(q.parse::<Quantize>().unwrap().to_string(), q);
        }
        assert!("pre"
            .parse::<Quantize>()
            .unwrap_err()
            .contains("valid: train, post"));
    }
}
