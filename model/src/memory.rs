//! Analytic memory model: how many bits each network variant stores, component by component, at a
//! given precision, and the saving against the fp32 Diehl & Cook baseline (docs/memory.md).
//!
//! The model counts what a simulator or accelerator must keep between time steps: synaptic
//! weights, per-neuron state, STDP traces, the inhibitory layer and the shared constants. Each
//! component is an array of `count` values of `bits_each` bits, packed: it occupies
//! `ceil(count * bits_each / 8)` bytes. The saving is always taken against the fp32 baseline of
//! the same size, in two forms, because the two ways of storing the baseline's fixed inhibitory
//! weights differ by 8 N^2 bytes and would otherwise hide how much of a saving is real.

use crate::config::Variant;
use crate::error::ModelError;
use crate::precision::Precision;
use serde::Serialize;

/// Input channels of an MNIST / Fashion-MNIST network (28 x 28 pixels).
pub const MNIST_INPUTS: u64 = 784;

/// Largest neuron or input count accepted: 2^20. Beyond that the model describes no network
/// anyone simulates (the dense baseline alone would need 8 TiB) and a typo is far likelier.
pub const MAX_SIZE: u64 = 1 << 20;

/// Width of a shared scalar constant at every precision. There are a few dozen of them, so their
/// width changes a total by under 100 bytes; keeping them at 32 bits claims no saving for them.
pub const SCALAR_BITS: u32 = 32;

/// Fields of `params::ExcitatoryParams`, each a shared scalar (tested against its serde form).
pub const EXCITATORY_PARAM_FIELDS: u64 = 14;
/// Fields of `params::InhibitoryParams`, including the two inhibitory weights `w_ei` and `w_ie`.
pub const INHIBITORY_PARAM_FIELDS: u64 = 10;
/// Of the inhibitory fields, the two weights; they are counted in the inhibitory layer's
/// component (as scalars or as dense matrices), never twice.
pub const INHIBITORY_WEIGHT_FIELDS: u64 = 2;
/// Fields of `params::SynapseParams`.
pub const SYNAPSE_PARAM_FIELDS: u64 = 9;
/// Scalars FSpiNN adds: the lateral inhibition strength, the adaptive potentiation factor and the
/// depression factor of its cheaper STDP rule.
pub const FSPINN_EXTRA_SCALARS: u64 = 3;

/// How the baseline keeps its fixed E->I (one-to-one) and I->E (all-but-self) weights.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InhibitoryStorage {
    /// Two scalars (10.4 and 17.0): all a simulator needs, since the weights never change. The
    /// honest reference for a saving.
    Scalars,
    /// Two dense N x N matrices, as BindsNET's `DiehlAndCook2015` stores them (`exc * diag(1)` and
    /// `-inh * (1 - diag(1))`); what a user of such a simulator actually pays.
    Dense,
}

/// Which memory a component belongs to; the report sums bytes per kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Input -> excitatory synaptic weights (learned).
    Weights,
    /// Per-neuron dynamic state of the excitatory layer.
    NeuronState,
    /// Shared constants of the neuron models and the learning rule.
    NeuronParams,
    /// STDP traces.
    Traces,
    /// Everything the baseline's inhibitory layer adds (state and weights).
    Inhibitory,
}

impl Kind {
    /// The name the JSON uses, for tables.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Weights => "weights",
            Kind::NeuronState => "neuron_state",
            Kind::NeuronParams => "neuron_params",
            Kind::Traces => "traces",
            Kind::Inhibitory => "inhibitory",
        }
    }
}

/// What one stored value is attached to, which decides how its count scales.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Per {
    /// One per input -> excitatory synapse: inputs x N.
    Synapse,
    /// One per ordered neuron pair: N x N (dense inhibitory matrices).
    NeuronPair,
    /// One per neuron: N.
    Neuron,
    /// One per input channel.
    Input,
    /// One for the whole network.
    Shared,
}

impl Per {
    /// The name the JSON uses, for tables.
    pub fn name(self) -> &'static str {
        match self {
            Per::Synapse => "synapse",
            Per::NeuronPair => "neuron_pair",
            Per::Neuron => "neuron",
            Per::Input => "input",
            Per::Shared => "shared",
        }
    }
}

/// One stored array: `count` values of `bits_each` bits, packed into `bytes`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Component {
    /// Stable identifier (`exc_v`, `pre_trace`, ...) that tables and tests refer to.
    pub name: &'static str,
    /// Which per-kind sum of the report it goes into.
    pub kind: Kind,
    /// What `count` scales with, so a reader can extrapolate to other sizes.
    pub per: Per,
    /// Values stored.
    pub count: u64,
    /// Width of one value at the chosen precision.
    pub bits_each: u32,
    /// `count * bits_each`.
    pub bits: u64,
    /// `ceil(bits / 8)`: the array is packed, values may straddle bytes.
    pub bytes: u64,
    /// One line on what the value is, for readers of the JSON.
    pub what: &'static str,
}

/// The network whose memory is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NetworkShape {
    /// Decides which components exist at all.
    pub variant: Variant,
    /// Excitatory neurons N.
    pub neurons: u64,
    /// Input channels.
    pub inputs: u64,
    /// Decides the width of every per-synapse, per-neuron and per-input value.
    pub precision: Precision,
    /// Only meaningful for the baseline; FSpiNN has no inhibitory layer and requires `Scalars`.
    pub inhibition: InhibitoryStorage,
}

impl NetworkShape {
    /// The reference every saving is measured against: the fp32 baseline of the same size.
    pub fn fp32_baseline(neurons: u64, inputs: u64, inhibition: InhibitoryStorage) -> Self {
        NetworkShape {
            variant: Variant::Baseline,
            neurons,
            inputs,
            precision: Precision::Fp32,
            inhibition,
        }
    }

    fn validate(&self) -> Result<(), ModelError> {
        for (field, value) in [("neurons", self.neurons), ("inputs", self.inputs)] {
            if value == 0 {
                return Err(ModelError::InvalidParam {
                    field,
                    value: value.to_string(),
                    reason: "must be at least 1",
                });
            }
            if value > MAX_SIZE {
                return Err(ModelError::InvalidParam {
                    field,
                    value: value.to_string(),
                    reason: "must be at most 1048576 (2^20)",
                });
            }
        }
        if self.variant == Variant::Fspinn && self.inhibition == InhibitoryStorage::Dense {
            return Err(ModelError::InvalidParam {
                field: "inhibition",
                value: "dense".into(),
                reason:
                    "FSpiNN has no inhibitory layer, so there are no inhibitory matrices to store",
            });
        }
        Ok(())
    }
}

/// Bits of each stored quantity at a precision. At fp32 everything is a 32-bit word (the
/// refractory counter too: the baseline simulators keep it as a float time).
#[derive(Clone, Copy, Debug)]
struct Widths {
    weight: u32,
    membrane: u32,
    threshold: u32,
    trace: u32,
    refractory: u32,
}

impl Widths {
    fn of(p: Precision) -> Self {
        match p {
            Precision::Fp32 => Widths {
                weight: 32,
                membrane: 32,
                threshold: 32,
                trace: 32,
                refractory: 32,
            },
            Precision::Fixed(f) => Widths {
                weight: f.weight_bits.into(),
                membrane: f.membrane_bits.into(),
                threshold: f.threshold_bits.into(),
                trace: f.trace_bits.into(),
                refractory: f.refractory_bits.into(),
            },
        }
    }
}

/// Unreachable within `MAX_SIZE`, but the arithmetic is checked so that raising the limit can
/// never turn into a silently wrapped count.
fn overflow() -> ModelError {
    ModelError::InvalidParam {
        field: "neurons x inputs",
        value: "(product)".into(),
        reason: "the bit count overflows 64 bits",
    }
}

fn component(
    name: &'static str,
    kind: Kind,
    per: Per,
    count: u64,
    bits_each: u32,
    what: &'static str,
) -> Result<Component, ModelError> {
    let bits = count.checked_mul(bits_each.into()).ok_or_else(overflow)?;
    Ok(Component {
        name,
        kind,
        per,
        count,
        bits_each,
        bits,
        bytes: bits.div_ceil(8),
        what,
    })
}

/// Every component a network stores, in a fixed order (weights, state, traces, inhibitory,
/// parameters). Errors for sizes outside 1..=2^20 and for dense inhibition on FSpiNN.
pub fn components(shape: &NetworkShape) -> Result<Vec<Component>, ModelError> {
    shape.validate()?;
    let n = shape.neurons;
    let inputs = shape.inputs;
    let w = Widths::of(shape.precision);
    let synapses = inputs.checked_mul(n).ok_or_else(overflow)?;
    let mut out = vec![component(
        "input_to_exc_weights",
        Kind::Weights,
        Per::Synapse,
        synapses,
        w.weight,
        "learned input -> excitatory weights",
    )?];
    match shape.variant {
        Variant::Baseline => {
            use Kind::{Inhibitory, NeuronParams, NeuronState, Traces};
            out.extend([
                component(
                    "exc_v",
                    NeuronState,
                    Per::Neuron,
                    n,
                    w.membrane,
                    "excitatory membrane potential",
                )?,
                component(
                    "exc_ge",
                    NeuronState,
                    Per::Neuron,
                    n,
                    w.membrane,
                    "excitatory conductance (input synapses)",
                )?,
                component(
                    "exc_gi",
                    NeuronState,
                    Per::Neuron,
                    n,
                    w.membrane,
                    "inhibitory conductance (from the inhibitory layer)",
                )?,
                component(
                    "exc_theta",
                    NeuronState,
                    Per::Neuron,
                    n,
                    w.threshold,
                    "adaptive threshold",
                )?,
                component(
                    "exc_refractory",
                    NeuronState,
                    Per::Neuron,
                    n,
                    w.refractory,
                    "refractory counter",
                )?,
                component(
                    "pre_trace",
                    Traces,
                    Per::Input,
                    inputs,
                    w.trace,
                    "pre-synaptic STDP trace",
                )?,
                component(
                    "post1_trace",
                    Traces,
                    Per::Neuron,
                    n,
                    w.trace,
                    "post-synaptic trace read at pre spikes (depression)",
                )?,
                component(
                    "post2_trace",
                    Traces,
                    Per::Neuron,
                    n,
                    w.trace,
                    "slow post-synaptic trace of the triplet rule (potentiation)",
                )?,
                component(
                    "inh_v",
                    Inhibitory,
                    Per::Neuron,
                    n,
                    w.membrane,
                    "inhibitory membrane potential",
                )?,
                component(
                    "inh_ge",
                    Inhibitory,
                    Per::Neuron,
                    n,
                    w.membrane,
                    "inhibitory neurons' excitatory conductance",
                )?,
                component(
                    "inh_refractory",
                    Inhibitory,
                    Per::Neuron,
                    n,
                    w.refractory,
                    "inhibitory refractory counter",
                )?,
            ]);
            match shape.inhibition {
                InhibitoryStorage::Scalars => out.extend([
                    component(
                        "exc_to_inh_weight",
                        Inhibitory,
                        Per::Shared,
                        1,
                        SCALAR_BITS,
                        "fixed one-to-one E->I weight (10.4) as a scalar",
                    )?,
                    component(
                        "inh_to_exc_weight",
                        Inhibitory,
                        Per::Shared,
                        1,
                        SCALAR_BITS,
                        "fixed all-but-self I->E weight (17.0) as a scalar",
                    )?,
                ]),
                InhibitoryStorage::Dense => {
                    let pairs = n.checked_mul(n).ok_or_else(overflow)?;
                    out.extend([
                        component(
                            "exc_to_inh_weights",
                            Inhibitory,
                            Per::NeuronPair,
                            pairs,
                            w.weight,
                            "E->I weights as a dense N x N matrix (diagonal)",
                        )?,
                        component(
                            "inh_to_exc_weights",
                            Inhibitory,
                            Per::NeuronPair,
                            pairs,
                            w.weight,
                            "I->E weights as a dense N x N matrix (all but the diagonal)",
                        )?,
                    ]);
                }
            }
            let scalars = EXCITATORY_PARAM_FIELDS + INHIBITORY_PARAM_FIELDS
                - INHIBITORY_WEIGHT_FIELDS
                + SYNAPSE_PARAM_FIELDS;
            out.push(component(
                "shared_params",
                NeuronParams,
                Per::Shared,
                scalars,
                SCALAR_BITS,
                "exc, inh (but its two weights) and syn fields of BaselineParams",
            )?);
        }
        Variant::Fspinn => {
            use Kind::{NeuronParams, NeuronState, Traces};
            let scalars = EXCITATORY_PARAM_FIELDS + SYNAPSE_PARAM_FIELDS + FSPINN_EXTRA_SCALARS;
            out.extend([
                component("exc_v", NeuronState, Per::Neuron, n, w.membrane, "membrane potential (current-based: spikes add straight to it, no conductances)")?,
                component("exc_theta", NeuronState, Per::Neuron, n, w.threshold, "adaptive threshold")?,
                component("exc_refractory", NeuronState, Per::Neuron, n, w.refractory, "refractory counter")?,
                component("pre_trace", Traces, Per::Input, inputs, w.trace, "pre-synaptic STDP trace")?,
                component("post_trace", Traces, Per::Neuron, n, w.trace, "post-synaptic STDP trace (one; no triplet post2)")?,
                component(
                    "shared_params",
                    NeuronParams,
                    Per::Shared,
                    scalars,
                    SCALAR_BITS,
                    "exc and syn fields of BaselineParams, plus inhibition strength, potentiation and depression factors",
                )?,
            ]);
        }
    }
    Ok(out)
}

/// Sum of the packed bytes of a list of components (each packed on its own).
fn total_bytes(cs: &[Component]) -> Result<u64, ModelError> {
    cs.iter()
        .try_fold(0u64, |acc, c| acc.checked_add(c.bytes))
        .ok_or_else(overflow)
}

/// Total packed bytes of a network: the sum over its components.
pub fn footprint_bytes(shape: &NetworkShape) -> Result<u64, ModelError> {
    total_bytes(&components(shape)?)
}

/// The memory of one network and its savings against the fp32 baseline; `fspinn memory` prints it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MemoryReport {
    pub variant: Variant,
    pub neurons: u64,
    pub inputs: u64,
    /// `fp32` or `wB`, as the CLI spells it.
    pub precision: String,
    /// How this network keeps its inhibitory weights: `scalars`, `dense`, or `none` (FSpiNN).
    pub inhibitory_storage: &'static str,
    /// Every stored array, in the order of the docs/memory.md tables.
    pub components: Vec<Component>,
    /// Per-kind sums of the components' bytes, so a sweep can plot them without re-summing.
    pub weights_bytes: u64,
    pub neuron_state_bytes: u64,
    pub neuron_params_bytes: u64,
    pub traces_bytes: u64,
    pub inhibitory_bytes: u64,
    /// Unpacked sum of every component's bits.
    pub bits: u64,
    /// Total: the sum of the components' packed bytes.
    pub bytes: u64,
    /// The fp32 baseline of the same N and inputs with scalar inhibitory weights.
    pub baseline_bytes: u64,
    /// `baseline_bytes / bytes`.
    pub saving: f64,
    /// The fp32 baseline with dense N x N inhibitory matrices (BindsNET-style).
    pub baseline_dense_bytes: u64,
    /// `baseline_dense_bytes / bytes`.
    pub saving_vs_dense: f64,
}

impl MemoryReport {
    /// Counts `shape` and both fp32 baselines of its size.
    pub fn new(shape: &NetworkShape) -> Result<Self, ModelError> {
        let components = components(shape)?;
        let kind_bytes = |k: Kind| {
            components
                .iter()
                .filter(|c| c.kind == k)
                .map(|c| c.bytes)
                .sum::<u64>()
        };
        let bits = components
            .iter()
            .try_fold(0u64, |acc, c| acc.checked_add(c.bits))
            .ok_or_else(overflow)?;
        let bytes = total_bytes(&components)?;
        let baseline_bytes = footprint_bytes(&NetworkShape::fp32_baseline(
            shape.neurons,
            shape.inputs,
            InhibitoryStorage::Scalars,
        ))?;
        let baseline_dense_bytes = footprint_bytes(&NetworkShape::fp32_baseline(
            shape.neurons,
            shape.inputs,
            InhibitoryStorage::Dense,
        ))?;
        let inhibitory_storage = match (shape.variant, shape.inhibition) {
            (Variant::Fspinn, _) => "none",
            (Variant::Baseline, InhibitoryStorage::Scalars) => "scalars",
            (Variant::Baseline, InhibitoryStorage::Dense) => "dense",
        };
        Ok(MemoryReport {
            variant: shape.variant,
            neurons: shape.neurons,
            inputs: shape.inputs,
            precision: shape.precision.to_string(),
            inhibitory_storage,
            weights_bytes: kind_bytes(Kind::Weights),
            neuron_state_bytes: kind_bytes(Kind::NeuronState),
            neuron_params_bytes: kind_bytes(Kind::NeuronParams),
            traces_bytes: kind_bytes(Kind::Traces),
            inhibitory_bytes: kind_bytes(Kind::Inhibitory),
            components,
            bits,
            bytes,
            baseline_bytes,
            saving: baseline_bytes as f64 / bytes as f64,
            baseline_dense_bytes,
            saving_vs_dense: baseline_dense_bytes as f64 / bytes as f64,
        })
    }
}
