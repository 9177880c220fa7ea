//! Parameters of the FSpiNN network: the real-valued design (mV, ms) that `FspinnConsts` turns
//! into the integers of the datapath, and the switches of every FSpiNN mechanism for ablation.
//! docs/fspinn.md gives each mechanism's formula and reason.

use crate::fixed::Rounding;
use crate::precision::FixedFormats;
use serde::{Deserialize, Serialize};

/// Which FSpiNN mechanisms are on; each can be turned off alone to measure what it contributes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mechanisms {
    /// (a) A spike lowers every other neuron's potential at once, instead of going through an
    /// inhibitory neuron layer (off: a layer of N inhibitory neurons relays it one step later).
    pub direct_inhibition: bool,
    /// (b) Weights change only at post-synaptic spikes (off: also depression at every input spike).
    pub post_only_stdp: bool,
    /// (d) Weight changes are applied in the step they arise (off: accumulated per presentation
    /// and applied at its end).
    pub per_step_updates: bool,
    /// (e) The potentiation factor halves as training advances (off: constant).
    pub adaptive_potentiation: bool,
    /// (f) The inhibition strength follows network activity (off: the fixed `inhibition_mv`).
    pub adaptive_inhibition: bool,
}

impl Default for Mechanisms {
    fn default() -> Self {
        Mechanisms {
            direct_inhibition: true,
            post_only_stdp: true,
            per_step_updates: true,
            adaptive_potentiation: true,
            adaptive_inhibition: true,
        }
    }
}

/// What mechanism (e)'s clock counts: the layer's training images, or each neuron's own wins.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PotentiationSchedule {
    /// The rate of the whole layer halves every `potentiation_half_life` training images.
    #[default]
    Images,
    /// A neuron's rate halves once per `potentiation_theta_step_mv` of its own threshold offset
    /// (a count of its wins, minus the slow decay): a neuron recruited late learns at the full
    /// rate however many images the layer has seen (docs/fspinn.md, "(e) Adaptive
    /// potentiation").
    Wins,
}

/// As written in parameters and `--set` (`"images"`, `"wins"`), for messages.
impl std::fmt::Display for PotentiationSchedule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PotentiationSchedule::Images => "images",
            PotentiationSchedule::Wins => "wins",
        })
    }
}

/// The FSpiNN network's design values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FspinnParams {
    pub dt_ms: f32,
    pub presentation_ms: f32,
    /// Input spike probability per step per pixel unit per intensity step: rate = pixel * intensity
    /// * this, as in the baseline (1/8 Hz).
    pub rate_per_pixel_hz: f32,
    pub start_intensity: u32,
    pub min_spikes: u32,
    pub max_attempts: u32,
    /// Membrane leak: v -= v >> leak_shift every step (tau = 2^shift steps).
    pub leak_shift: u32,
    /// Firing threshold above rest, before theta.
    pub v_thresh_mv: f32,
    pub refractory_steps: u32,
    pub theta_plus_mv: f32,
    /// Threshold decay after every training attempt: theta -= theta >> shift, stochastically
    /// rounded. `None` derives the shift from the network size (mechanism (f)'s companion, see
    /// docs/fspinn.md): theta settles near `theta_plus * (target_spikes / N) * 2^shift`, so the
    /// shift that keeps it near `theta_target_mv` is `round(log2(theta_target_mv * N /
    /// (theta_plus_mv * target_spikes)))`.
    pub theta_decay_shift: Option<u32>,
    /// Where the derived decay lets a typical neuron's threshold offset settle.
    pub theta_target_mv: f32,
    /// Lateral inhibition per spike (mV), the start value when it adapts.
    pub inhibition_mv: f32,
    /// (f) Target number of excitatory spikes per presentation that the inhibition adapts toward.
    pub target_spikes: u32,
    /// Traces halve every this many steps after their spike: x = x_max >> (age / half_life).
    pub trace_half_life_steps: u32,
    /// STDP: at a post spike, w += nu_post * (x_pre - x_tar), w in [0, 1).
    pub nu_post: f32,
    pub x_tar: f32,
    /// Depression at input spikes when `post_only_stdp` is off: w -= nu_pre * x_post.
    pub nu_pre: f32,
    /// (e) The potentiation factor halves every this many training images.
    pub potentiation_half_life: u32,
    /// (e)'s clock. Absent in parameters and checkpoints written before it existed: `images`,
    /// as they trained.
    #[serde(default, deserialize_with = "since_checkpoint_v5")]
    pub potentiation_schedule: PotentiationSchedule,
    /// (e) with the `wins` schedule: the threshold offset (mV) per halving of a neuron's rate.
    #[serde(
        default = "default_theta_step_mv",
        deserialize_with = "theta_step_since_checkpoint_v5"
    )]
    pub potentiation_theta_step_mv: f32,
    /// Recruiting: a neuron whose threshold offset is below one `potentiation_theta_step_mv`
    /// learns `2^recruit_boost` times faster, so that its first wins imprint their images
    /// strongly (`wins`: then one halving per step, at most `3 + recruit_boost`; `images`: then
    /// the layer's rate). 0: off.
    #[serde(default, deserialize_with = "since_checkpoint_v5")]
    pub recruit_boost: u32,
    /// Once training is done, neurons that training never recruited (threshold offset still
    /// below half of `theta_target_mv`) are retired before labelling: their offset is set to
    /// the top of its format, so they never fire and the images they would take (on random
    /// weights) go to trained neurons. One pass at N >= 1600 leaves 40-50 % of the neurons
    /// untrained (docs/fspinn.md, "Retiring unrecruited neurons"). A host step on the
    /// network's state: the datapath, cycle model and RTL run the retired network unchanged.
    /// Absent in parameters and checkpoints written before it existed: off, as they trained.
    #[serde(default, deserialize_with = "since_checkpoint_v6")]
    pub retire_unrecruited: bool,
    /// Once training is done, the lateral inhibition the network reads out with is chosen on
    /// the labelling images instead of kept at the value mechanism (f) ended training on.
    /// During training (f) presses against its clamp (the layer fires more than
    /// `target_spikes` even at 128 mV) and dips to 55-100 mV in the last images, so the value
    /// it ends on is a draw, and the accuracy follows it (N = 1600: seed 1 ends at 56 mV,
    /// 87.15 %; seed 2 at 76 mV, 79.94 %). The candidates are that value and `inhibition_mv`
    /// x 2^(k/2), k = 0..5; each labels half the labelling images and is scored by
    /// Diehl & Cook's readout on the other half, and both ways round; the best takes the
    /// labels (docs/fspinn.md, "Readout inhibition"). Only with mechanism (f) on. A host step
    /// on the network's state, like retiring: the datapath, cycle model and RTL read the
    /// chosen value unchanged. Absent in parameters and checkpoints written before it
    /// existed: off, as they were evaluated.
    #[serde(default, deserialize_with = "since_checkpoint_v7")]
    pub calibrate_readout_inhibition: bool,
    /// Initial weights U[0, init_max).
    pub init_max: f32,
    pub formats: FixedFormats,
    pub rounding: Rounding,
    pub mechanisms: Mechanisms,
}

impl Default for FspinnParams {
    fn default() -> Self {
        FspinnParams {
            dt_ms: 1.0,
            presentation_ms: 250.0,
            rate_per_pixel_hz: 0.125,
            start_intensity: 2,
            min_spikes: 5,
            max_attempts: 16,
            leak_shift: 7,
            v_thresh_mv: 13.0,
            refractory_steps: 5,
            theta_plus_mv: 0.05,
            theta_decay_shift: None,
            theta_target_mv: 25.0,
            inhibition_mv: 17.5,
            target_spikes: 12,
            trace_half_life_steps: 14,
            nu_post: 0.01,
            x_tar: 0.25,
            nu_pre: 0.001,
            potentiation_half_life: 20_000,
            potentiation_schedule: PotentiationSchedule::Images,
            potentiation_theta_step_mv: default_theta_step_mv(),
            recruit_boost: 0,
            retire_unrecruited: true,
            calibrate_readout_inhibition: true,
            init_max: 0.3,
            formats: FixedFormats::with_weight_bits(8),
            rounding: Rounding::Stochastic,
            mechanisms: Mechanisms::default(),
        }
    }
}

impl FspinnParams {
    /// Whether neurons learn at rates of their own (mechanism (e) with the `wins` schedule or
    /// `recruit_boost`): the cycle model and the RTL hold one potentiation factor per image, so
    /// they refuse such a network (the field names are in their error).
    pub fn per_neuron_rate(&self) -> bool {
        super::network::neuron_rate_shifts(self, 0, 0).is_some()
    }
}

/// The `wins` schedule's step: picked from the offsets one pass leaves at N = 400 (25-36 mV,
/// p10-p90) so that a typical neuron there halves once or twice in a pass, as the image
/// schedule does (not fitted; docs/fspinn.md has what it measures).
fn default_theta_step_mv() -> f32 {
    16.0
}

thread_local! {
    /// The checkpoint format whose parameter layout is being decoded, 0 for today's
    /// ([`with_checkpoint_layout`]).
    static CHECKPOINT_LAYOUT: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Runs `decode` with [`FspinnParams`] read in the layout of checkpoint format `version`:
/// format 4 did not have `potentiation_schedule`, `potentiation_theta_step_mv` and
/// `recruit_boost`, formats 4 and 5 not `retire_unrecruited`, formats 4 to 6 not
/// `calibrate_readout_inhibition`. A checkpoint body is postcard,
/// which is not self-describing: fields are read in order with no names, so
/// `#[serde(default)]` cannot tell a missing field from the next one, and an older body read
/// with today's layout fails. Under this flag the missing fields consume no input and take the
/// values the network trained with (`images`, no boost, not retired, not calibrated). Self-describing formats
/// (JSON reports, space files) are never decoded under it and use `#[serde(default)]` as usual.
pub(crate) fn with_checkpoint_layout<R>(version: u32, decode: impl FnOnce() -> R) -> R {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            CHECKPOINT_LAYOUT.with(|f| f.set(0));
        }
    }
    CHECKPOINT_LAYOUT.with(|f| f.set(version));
    let _reset = Reset;
    decode()
}

/// Whether the layout being decoded predates checkpoint format `version`.
fn layout_before(version: u32) -> bool {
    CHECKPOINT_LAYOUT.with(|f| matches!(f.get(), v if v != 0 && v < version))
}

/// A field added with checkpoint format 5: its default under an older layout, else read.
fn since_checkpoint_v5<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    if layout_before(5) {
        Ok(T::default())
    } else {
        T::deserialize(d)
    }
}

/// [`since_checkpoint_v5`] for `potentiation_theta_step_mv`, whose default is not `0.0`.
fn theta_step_since_checkpoint_v5<'de, D>(d: D) -> Result<f32, D::Error>
where
    D: serde::Deserializer<'de>,
{
    if layout_before(5) {
        Ok(default_theta_step_mv())
    } else {
        f32::deserialize(d)
    }
}

/// A switch added with checkpoint format 6: `false` (off, as networks trained before it) under
/// an older layout, else read.
fn since_checkpoint_v6<'de, D>(d: D) -> Result<bool, D::Error>
where
    D: serde::Deserializer<'de>,
{
    switch_since(d, 6)
}

/// [`since_checkpoint_v6`] for a switch added with checkpoint format 7.
fn since_checkpoint_v7<'de, D>(d: D) -> Result<bool, D::Error>
where
    D: serde::Deserializer<'de>,
{
    switch_since(d, 7)
}

/// A switch added with checkpoint format `version`: off under an older layout, else read.
fn switch_since<'de, D>(d: D, version: u32) -> Result<bool, D::Error>
where
    D: serde::Deserializer<'de>,
{
    if layout_before(version) {
        Ok(false)
    } else {
        bool::deserialize(d)
    }
}

/// An FSpiNN run in f32 (layer L0), optionally quantised after training.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FspinnF32Params {
    /// The design values, shared with the integer network. The f32 network never rounds, so
    /// `formats` and `rounding` do not affect its training; with `post_quantize`, `formats` names
    /// the integer network it becomes.
    pub fspinn: FspinnParams,
    /// Post-training quantisation (`--quantize post`): once trained, the network is rounded into
    /// the integer network of `fspinn.formats`, which assigns labels and is tested.
    pub post_quantize: bool,
}
