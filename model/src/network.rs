//! One type for every network variant, so training, evaluation and checkpoints are written once:
//! the Diehl & Cook baseline in f32 (L0), FSpiNN in the integer datapath (L1) or FSpiNN in f32
//! (L0).

use crate::baseline::{self, BaselineNetwork, PresentationStats};
use crate::error::ModelError;
use crate::fixed::Rounding;
use crate::fspinn::{
    FspinnF32Network, FspinnF32Params, FspinnF32Workspace, FspinnNetwork, FspinnParams,
    FspinnWorkspace,
};
use crate::params::BaselineParams;
use crate::precision::{Precision, Quantize};
use crate::rng::Rng;
use serde::{Deserialize, Serialize};

/// Parameters of either variant; the variant is implied by which one it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum NetworkParams {
    Baseline(BaselineParams),
    /// FSpiNN in the integer datapath, trained with quantisation (`--quantize train`).
    Fspinn(FspinnParams),
    /// FSpiNN in f32 (`--precision fp32`, or `--quantize post`). Appended last so that the
    /// serialised form of the other variants, and with it every older checkpoint, is unchanged.
    FspinnF32(FspinnF32Params),
}

/// What `rounding` reports for an f32 network: the datapath rounds nothing itself; every f32
/// operation rounds its exact result to nearest, ties to even (IEEE 754).
pub const FP32_ROUNDING: &str = "ieee754-nearest-even";

impl NetworkParams {
    /// The number formats the run is tested in: fp32, or the integer formats (also for
    /// post-training quantisation, whose tested network is the integer one).
    pub fn precision(&self) -> Precision {
        match self {
            NetworkParams::Baseline(_) => Precision::Fp32,
            NetworkParams::Fspinn(p) => Precision::Fixed(p.formats),
            NetworkParams::FspinnF32(f) if f.post_quantize => Precision::Fixed(f.fspinn.formats),
            NetworkParams::FspinnF32(_) => Precision::Fp32,
        }
    }

    /// How the weights were quantised; `None` when the tested network is f32.
    pub fn quantize(&self) -> Option<Quantize> {
        match self {
            NetworkParams::Baseline(_) => None,
            NetworkParams::Fspinn(_) => Some(Quantize::Train),
            NetworkParams::FspinnF32(f) => f.post_quantize.then_some(Quantize::Post),
        }
    }

    /// The rounding of the run, as reported: the weight-update rounding of quantisation-aware
    /// training; `nearest` (the conversion; the integer network then only infers) after
    /// post-training quantisation; [`FP32_ROUNDING`] for f32 networks.
    pub fn rounding_name(&self) -> &'static str {
        match self {
            NetworkParams::Fspinn(p) => p.rounding.name(),
            NetworkParams::FspinnF32(f) if f.post_quantize => Rounding::Nearest.name(),
            NetworkParams::Baseline(_) | NetworkParams::FspinnF32(_) => FP32_ROUNDING,
        }
    }
}

/// A network of either variant.
// A run holds one network, so the size difference between the variants costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum Network {
    Baseline(BaselineNetwork),
    Fspinn(FspinnNetwork),
    FspinnF32(FspinnF32Network),
}

/// Scratch state matching a [`Network`].
#[derive(Clone, Debug)]
pub enum Workspace {
    Baseline(baseline::Workspace),
    Fspinn(FspinnWorkspace),
    FspinnF32(FspinnF32Workspace),
}

impl Workspace {
    /// Spike counts of the last presentation, one per excitatory neuron.
    pub fn counts(&self) -> &[u32] {
        match self {
            Workspace::Baseline(w) => w.counts(),
            Workspace::Fspinn(w) => w.counts(),
            Workspace::FspinnF32(w) => w.counts(),
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
            NetworkParams::FspinnF32(f) => Network::FspinnF32(FspinnF32Network::new(
                f.fspinn.clone(),
                n_inputs,
                n_neurons,
                rng,
            )?),
        })
    }

    /// Retires an FSpiNN network's unrecruited neurons when its parameters ask for it
    /// ([`crate::fspinn::FspinnParams::retire_unrecruited`]); returns how many. The baseline
    /// keeps Diehl & Cook's network as it is.
    pub fn retire_unrecruited(&mut self) -> Result<usize, ModelError> {
        Ok(match self {
            Network::Baseline(_) => 0,
            Network::Fspinn(n) if n.params().retire_unrecruited => n.retire_unrecruited(),
            Network::FspinnF32(n) if n.params().retire_unrecruited => n.retire_unrecruited()?,
            Network::Fspinn(_) | Network::FspinnF32(_) => 0,
        })
    }

    /// The inhibition an FSpiNN network holds and the design's start value (`inhibition_mv`),
    /// both mV, when its parameters ask for the readout inhibition to be chosen after training
    /// ([`crate::fspinn::FspinnParams::calibrate_readout_inhibition`], with mechanism (f) on);
    /// `None` otherwise (the baseline's inhibition is Diehl & Cook's constant).
    pub fn readout_inhibition_to_calibrate(&self) -> Option<(f64, f64)> {
        let wanted = |p: &crate::fspinn::FspinnParams| {
            p.calibrate_readout_inhibition && p.mechanisms.adaptive_inhibition
        };
        match self {
            Network::Fspinn(n) if wanted(n.params()) => {
                Some((n.inhibition_mv(), n.start_inhibition_mv()))
            }
            Network::FspinnF32(n) if wanted(n.params()) => Some((
                f64::from(n.inhibition()),
                f64::from(n.params().inhibition_mv),
            )),
            _ => None,
        }
    }

    /// Sets an FSpiNN network's lateral inhibition (mV, held in its format and range) and
    /// returns the value held; the baseline has no such state and returns `None`.
    pub fn set_inhibition_mv(&mut self, mv: f64) -> Option<f64> {
        match self {
            Network::Baseline(_) => None,
            Network::Fspinn(n) => Some(n.set_inhibition_mv(mv)),
            Network::FspinnF32(n) => Some(n.set_inhibition_mv(mv)),
        }
    }

    /// Neurons retired after training (0 for the baseline and for networks never retired).
    pub fn retired_neurons(&self) -> Result<usize, ModelError> {
        Ok(match self {
            Network::Baseline(_) => 0,
            Network::Fspinn(n) => n.retired(),
            Network::FspinnF32(n) => n.retired()?,
        })
    }

    pub fn n_inputs(&self) -> usize {
        match self {
            Network::Baseline(n) => n.n_inputs(),
            Network::Fspinn(n) => n.n_inputs(),
            Network::FspinnF32(n) => n.n_inputs(),
        }
    }

    pub fn n_neurons(&self) -> usize {
        match self {
            Network::Baseline(n) => n.n_neurons(),
            Network::Fspinn(n) => n.n_neurons(),
            Network::FspinnF32(n) => n.n_neurons(),
        }
    }

    pub fn workspace(&self) -> Workspace {
        match self {
            Network::Baseline(n) => Workspace::Baseline(n.workspace()),
            Network::Fspinn(n) => Workspace::Fspinn(n.workspace()),
            Network::FspinnF32(n) => Workspace::FspinnF32(n.workspace()),
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
            (Network::FspinnF32(n), Workspace::FspinnF32(w)) => n.train_image(w, image, rng),
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
            (Network::FspinnF32(n), Workspace::FspinnF32(w)) => n.infer_image(w, image, rng),
            _ => panic!("workspace of another network variant"),
        }
    }
}
