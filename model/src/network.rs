//! One type for every network variant, so training, evaluation and checkpoints are written once:
//! the Diehl & Cook baseline in f32 (L0) or FSpiNN in the integer datapath (L1).

use crate::baseline::{self, BaselineNetwork, PresentationStats};
use crate::error::ModelError;
use crate::fspinn::{FspinnNetwork, FspinnParams, FspinnWorkspace};
use crate::params::BaselineParams;
use crate::rng::Rng;
use serde::{Deserialize, Serialize};

/// Parameters of either variant; the variant is implied by which one it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum NetworkParams {
    Baseline(BaselineParams),
    Fspinn(FspinnParams),
}

/// A network of either variant.
// A run holds one network, so the size difference between the variants costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum Network {
    Baseline(BaselineNetwork),
    Fspinn(FspinnNetwork),
}

/// Scratch state matching a [`Network`].
#[derive(Clone, Debug)]
pub enum Workspace {
    Baseline(baseline::Workspace),
    Fspinn(FspinnWorkspace),
}

impl Workspace {
    /// Spike counts of the last presentation, one per excitatory neuron.
    pub fn counts(&self) -> &[u32] {
        match self {
            Workspace::Baseline(w) => w.counts(),
            Workspace::Fspinn(w) => w.counts(),
        }
    }
}

impl Network {
    /// A freshly initialised network drawing its initial weights from `rng`.
    pub fn new(
        params: &NetworkParams,
        n_inputs: usize,
        n_neurons: usize,
        rng: &mut Rng,
    ) -> Result<Self, ModelError> {
        Ok(match params {
            NetworkParams::Baseline(p) => {
                Network::Baseline(BaselineNetwork::new(p.clone(), n_inputs, n_neurons, rng)?)
            }
            NetworkParams::Fspinn(p) => {
                Network::Fspinn(FspinnNetwork::new(p.clone(), n_inputs, n_neurons, rng)?)
            }
        })
    }

    pub fn n_inputs(&self) -> usize {
        match self {
            Network::Baseline(n) => n.n_inputs(),
            Network::Fspinn(n) => n.n_inputs(),
        }
    }

    pub fn n_neurons(&self) -> usize {
        match self {
            Network::Baseline(n) => n.n_neurons(),
            Network::Fspinn(n) => n.n_neurons(),
        }
    }

    pub fn workspace(&self) -> Workspace {
        match self {
            Network::Baseline(n) => Workspace::Baseline(n.workspace()),
            Network::Fspinn(n) => Workspace::Fspinn(n.workspace()),
        }
    }

    /// Trains on one image (the workspace must come from this network).
    pub fn train_image(
        &mut self,
        ws: &mut Workspace,
        image: &[u8],
        rng: &mut Rng,
    ) -> PresentationStats {
        match (self, ws) {
            (Network::Baseline(n), Workspace::Baseline(w)) => n.train_image(w, image, rng),
            (Network::Fspinn(n), Workspace::Fspinn(w)) => n.train_image(w, image, rng),
            _ => panic!("workspace of another network variant"),
        }
    }

    /// Shows one image without learning (the workspace must come from this network).
    pub fn infer_image(
        &self,
        ws: &mut Workspace,
        image: &[u8],
        rng: &mut Rng,
    ) -> PresentationStats {
        match (self, ws) {
            (Network::Baseline(n), Workspace::Baseline(w)) => n.infer_image(w, image, rng),
            (Network::Fspinn(n), Workspace::Fspinn(w)) => n.infer_image(w, image, rng),
            _ => panic!("workspace of another network variant"),
        }
    }
}
