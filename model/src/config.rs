//! What a run is: dataset, network variant and size, sample counts, seed and every parameter.
//! Written into every checkpoint and every JSON result, so any figure can be reproduced.

use crate::data::DatasetKind;
use crate::network::NetworkParams;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Which network is simulated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Variant {
    /// Diehl & Cook 2015 as the authors coded it (f32, inhibitory layer, triplet STDP).
    Baseline,
    /// FSpiNN: direct lateral inhibition, STDP at post spikes only, cheap rule, fixed point.
    Fspinn,
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Variant::Baseline => f.write_str("baseline"),
            Variant::Fspinn => f.write_str("fspinn"),
        }
    }
}

impl FromStr for Variant {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "baseline" => Ok(Variant::Baseline),
            "fspinn" => Ok(Variant::Fspinn),
            other => Err(format!(
                "unknown variant `{other}`; valid: baseline, fspinn"
            )),
        }
    }
}

/// A complete, reproducible description of a training run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunConfig {
    pub dataset: DatasetKind,
    pub variant: Variant,
    pub neurons: usize,
    /// Training images used per epoch (the first K of the training set, in order).
    pub train_samples: usize,
    /// Test images evaluated (the first K of the test set).
    pub test_samples: usize,
    /// Training images (the last K of those trained on) shown without learning to assign labels.
    pub label_samples: usize,
    pub epochs: u32,
    pub seed: u64,
    /// Every parameter of the network; its kind matches `variant`.
    pub params: NetworkParams,
}

impl RunConfig {
    /// Training presentations in the whole run.
    pub fn total_train_samples(&self) -> u64 {
        self.train_samples as u64 * self.epochs as u64
    }
}
