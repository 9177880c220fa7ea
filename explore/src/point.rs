//! One point of a space: a network (trained once, shared) and a hardware design, with the
//! evaluation budgets. A point's identity is a hash of everything that determines its numbers
//! (the network, the fitted hardware config, the budgets, the result schema and the tool
//! version), so result files are named by what they contain and a changed input is never
//! mistaken for a finished point.

use crate::space::Evaluation;
use fspinn_model::data::DatasetKind;
use fspinn_model::fixed::Rounding;
use fspinn_model::fspinn::{FspinnF32Params, FspinnParams};
use fspinn_model::network::NetworkParams;
use fspinn_model::operating_rule;
use fspinn_model::params::BaselineParams;
use fspinn_model::precision::{Precision, Quantize};
use fspinn_model::size_rule::{self, SizeRule};
use fspinn_model::{RunConfig, Variant};
use fspinn_sim::dram::DramKind;
use fspinn_sim::HwConfig;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// Version of the result-file layout; bump when fields change meaning.
pub const SCHEMA: u32 = 3;

/// The tool version that went into every hash: results of another version are recomputed.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Where a network's images come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DataSource {
    Mnist,
    FashionMnist,
    /// The MNIST subset embedded in the binary (1000 training, 300 test images).
    Builtin,
}

impl DataSource {
    /// The dataset kind read from disk, if any.
    pub fn kind(self) -> Option<DatasetKind> {
        match self {
            DataSource::Mnist => Some(DatasetKind::Mnist),
            DataSource::FashionMnist => Some(DatasetKind::FashionMnist),
            DataSource::Builtin => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            DataSource::Mnist => "mnist",
            DataSource::FashionMnist => "fashion-mnist",
            DataSource::Builtin => "builtin",
        }
    }
}

impl fmt::Display for DataSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for DataSource {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "mnist" => Ok(DataSource::Mnist),
            "fashion-mnist" => Ok(DataSource::FashionMnist),
            "builtin" => Ok(DataSource::Builtin),
            _ => Err("valid: mnist, fashion-mnist, builtin".into()),
        }
    }
}

/// The network half of a point: everything `fspinn train` needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkPoint {
    pub dataset: DataSource,
    pub variant: Variant,
    pub neurons: usize,
    /// `fp32` or `wB`.
    pub precision: String,
    /// Weight-update rounding of quantisation-aware training; none when nothing is rounded.
    pub rounding: Option<Rounding>,
    /// `train` (QAT) or `post`; none for f32 networks.
    pub quantize: Option<Quantize>,
    pub presentation_ms: f32,
    pub epochs: u32,
    pub train_samples: usize,
    pub label_samples: usize,
    pub test_samples: usize,
    pub seed: u64,
}

impl NetworkPoint {
    /// A network with the axes that do not apply to it normalised away (see `space`).
    #[allow(clippy::too_many_arguments)]
    pub fn normalised(
        dataset: DataSource,
        variant: Variant,
        neurons: usize,
        precision: Precision,
        rounding: Rounding,
        quantize: Quantize,
        presentation_ms: f32,
        epochs: u32,
        train_samples: usize,
        label_samples: usize,
        test_samples: usize,
        seed: u64,
    ) -> Self {
        let (precision, rounding, quantize) = match (variant, precision, quantize) {
            (Variant::Baseline, _, _) | (Variant::Fspinn, Precision::Fp32, _) => {
                (Precision::Fp32, None, None)
            }
            (Variant::Fspinn, p, Quantize::Post) => (p, None, Some(Quantize::Post)),
            (Variant::Fspinn, p, Quantize::Train) => (p, Some(rounding), Some(Quantize::Train)),
        };
        NetworkPoint {
            dataset,
            variant,
            neurons,
            precision: precision.to_string(),
            rounding,
            quantize,
            presentation_ms,
            epochs,
            train_samples,
            label_samples: label_samples.min(train_samples),
            test_samples,
            seed,
        }
    }

    /// The parsed precision (validated when the space was read).
    pub fn precision(&self) -> Precision {
        self.precision
            .parse()
            .expect("precision names are validated when the space is read")
    }

    /// A short label for tables and plots, e.g. `fspinn N=400 w4 qat/stochastic`.
    pub fn label(&self) -> String {
        let mut s = format!("{} N={} {}", self.variant, self.neurons, self.precision);
        match (self.quantize, self.rounding) {
            (Some(Quantize::Post), _) => s.push_str(" post"),
            (Some(Quantize::Train), Some(r)) => s.push_str(&format!(" qat/{r}")),
            _ => {}
        }
        s
    }

    /// The training run that produces this network (the same parameters `fspinn train` uses).
    pub fn run_config(&self) -> RunConfig {
        let params = match self.variant {
            Variant::Baseline => {
                let mut p = BaselineParams::default();
                p.timing.presentation_ms = self.presentation_ms;
                NetworkParams::Baseline(size_rule::baseline_for_size(
                    p,
                    self.neurons,
                    SizeRule::default_for(self.variant),
                ))
            }
            Variant::Fspinn => {
                // `fspinn train`'s defaults (the precision rule on quantisation-aware training
                // from N = 400, the learning rule from N = 400 on MNIST).
                let mut p = operating_rule::fspinn_start(
                    self.neurons,
                    self.dataset.kind().unwrap_or(DatasetKind::Mnist),
                    self.precision().trained_formats(self.quantize),
                    operating_rule::Rules::defaults(self.neurons),
                    self.epochs,
                );
                p.presentation_ms = self.presentation_ms;
                match (self.precision(), self.quantize) {
                    (Precision::Fp32, _) => NetworkParams::FspinnF32(FspinnF32Params {
                        fspinn: p,
                        post_quantize: false,
                    }),
                    (Precision::Fixed(f), Some(Quantize::Post)) => {
                        p.formats = f;
                        NetworkParams::FspinnF32(FspinnF32Params {
                            fspinn: p,
                            post_quantize: true,
                        })
                    }
                    (Precision::Fixed(_), _) => {
                        if let Some(r) = self.rounding {
                            p.rounding = r;
                        }
                        NetworkParams::Fspinn(p)
                    }
                }
            }
        };
        RunConfig {
            dataset: self.dataset.kind().unwrap_or(DatasetKind::Mnist),
            variant: self.variant,
            neurons: self.neurons,
            train_samples: self.train_samples,
            test_samples: self.test_samples,
            label_samples: self.label_samples,
            epochs: self.epochs,
            seed: self.seed,
            params,
        }
    }

    /// The integer network that stands for this one on the accelerator, if any:
    /// - an integer FSpiNN network (QAT, or post-quantised) runs itself;
    /// - the f32 baseline runs as the baseline-equivalent network (FSpiNN arithmetic with the
    ///   inhibitory layer and STDP at pre and post spikes, 16-bit codes in 32-bit fields, as in
    ///   docs/architecture.md "Modes"), trained with the same budgets;
    /// - an f32 FSpiNN network has no accelerator form (the accelerator computes in integers).
    pub fn hardware_run(&self) -> Option<HardwareNetwork> {
        match (self.variant, self.precision()) {
            (Variant::Fspinn, Precision::Fp32) => None,
            (Variant::Fspinn, Precision::Fixed(_)) => Some(HardwareNetwork::Same),
            (Variant::Baseline, _) => {
                let mut p = FspinnParams {
                    presentation_ms: self.presentation_ms,
                    formats: fspinn_model::precision::FixedFormats::with_weight_bits(16),
                    ..Default::default()
                };
                p.mechanisms.direct_inhibition = false;
                p.mechanisms.post_only_stdp = false;
                let mut c = self.run_config();
                c.variant = Variant::Fspinn;
                c.params = NetworkParams::Fspinn(p);
                Some(HardwareNetwork::BaselineEquivalent(Box::new(c)))
            }
        }
    }
}

/// Which trained network a point runs on the accelerator.
#[derive(Clone, Debug, PartialEq)]
pub enum HardwareNetwork {
    /// The point's own network.
    Same,
    /// The baseline-equivalent integer network, trained by this run config.
    BaselineEquivalent(Box<RunConfig>),
}

/// The hardware half of a point, as the space file chose it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HardwarePoint {
    /// The base config: a shipped name or a file relative to the space file.
    pub config: String,
    pub pes: Option<u32>,
    pub lanes: Option<u32>,
    pub weight_sram_depth: Option<u32>,
    pub weight_sram_banks: Option<u32>,
    pub clock_mhz: Option<f64>,
    pub dram: Option<DramKind>,
    /// SRAM cell type: sets the config's `technology.cell` (priced by the energy model).
    pub sram_cell: Option<String>,
    /// Technology node in nm: sets the config's `technology.node_nm`.
    pub node_nm: Option<u32>,
}

impl HardwarePoint {
    /// A short label, e.g. `small P=16 L=16 B=2 lpddr4`.
    pub fn label(&self, cfg: &HwConfig) -> String {
        format!(
            "{} P={} L={} B={} D={} {}MHz {}",
            self.config,
            cfg.pe_array.pes,
            cfg.spike_generator.lanes,
            cfg.weight_sram.banks,
            cfg.weight_sram.depth,
            cfg.clock_mhz,
            cfg.dram.kind
        )
    }

    /// The base config with the overrides applied and fitted to a network of `neurons`:
    /// `neurons_per_pe = ceil(neurons / pes)` and the neuron SRAM at least that deep.
    pub fn resolve(&self, base: &HwConfig, neurons: usize) -> HwConfig {
        let mut c = base.clone();
        if let Some(p) = self.pes {
            c.pe_array.pes = p;
        }
        if let Some(l) = self.lanes {
            c.spike_generator.lanes = l;
        }
        if let Some(d) = self.weight_sram_depth {
            c.weight_sram.depth = d;
        }
        if let Some(b) = self.weight_sram_banks {
            c.weight_sram.banks = b;
        }
        if let Some(f) = self.clock_mhz {
            c.clock_mhz = f;
        }
        if let Some(k) = self.dram {
            c.dram.kind = k;
        }
        if let Some(cell) = &self.sram_cell {
            c.technology.cell = cell.clone();
        }
        if let Some(n) = self.node_nm {
            c.technology.node_nm = n;
        }
        let n = neurons as u32;
        c.neurons = n;
        c.pe_array.neurons_per_pe = n.div_ceil(c.pe_array.pes).max(1);
        c.neuron_sram.depth = c.neuron_sram.depth.max(c.pe_array.neurons_per_pe);
        c
    }
}

/// One point: its index in the space, its two halves, its fitted hardware and its hash.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub index: usize,
    pub network: NetworkPoint,
    pub hardware: HardwarePoint,
    pub config: HwConfig,
    pub evaluation: Evaluation,
    /// Hex SHA-256 prefix of [`Point::identity`]: the result file's name.
    pub hash: String,
}

impl Point {
    pub fn new(
        index: usize,
        network: NetworkPoint,
        hardware: HardwarePoint,
        base: &HwConfig,
        evaluation: &Evaluation,
    ) -> Self {
        let config = hardware.resolve(base, network.neurons);
        let mut p = Point {
            index,
            network,
            hardware,
            config,
            evaluation: evaluation.clone(),
            hash: String::new(),
        };
        p.hash = hash_json(&p.identity());
        p
    }

    /// Everything the point's numbers depend on (not its index: reordering a space keeps
    /// finished results).
    pub fn identity(&self) -> serde_json::Value {
        serde_json::json!({
            "schema": SCHEMA,
            "tool": TOOL_VERSION,
            "network": self.network,
            "hardware": self.hardware,
            "config": self.config,
            "evaluation": self.evaluation,
        })
    }

    /// A label for tables and plots.
    pub fn label(&self) -> String {
        format!(
            "{} @ {}",
            self.network.label(),
            self.hardware.label(&self.config)
        )
    }
}

/// Hash of a trained network's run: the run config, where its data comes from, and the tool
/// version. Names the network cache files.
pub fn network_hash(config: &RunConfig, data: DataSource) -> String {
    let mut run = serde_json::to_value(config).expect("run configs serialise");
    without_neutral_additions(&mut run);
    hash_json(&serde_json::json!({
        "tool": TOOL_VERSION,
        "data": data,
        "run": run,
    }))
}

/// FSpiNN parameters added after explorations had been run (2026-12-04), each with the value
/// that trains exactly what a network trained before it existed (model/tests/checkpoint_older.rs
/// retrains such networks bit for bit): the default of the first three; `false` for
/// `retire_unrecruited` and `calibrate_readout_inhibition`, whose defaults (`true`) change the
/// networks they act on (the retired offsets, the readout inhibition held after training), so
/// networks of today's defaults get new hashes and are trained again.
fn neutral_additions() -> [(&'static str, serde_json::Value); 5] {
    let Ok(serde_json::Value::Object(defaults)) = serde_json::to_value(FspinnParams::default())
    else {
        unreachable!("FSpiNN parameters serialise as an object");
    };
    let default = |k: &str| {
        defaults
            .get(k)
            .cloned()
            .expect("a parameter of FspinnParams")
    };
    [
        ("potentiation_schedule", default("potentiation_schedule")),
        (
            "potentiation_theta_step_mv",
            default("potentiation_theta_step_mv"),
        ),
        ("recruit_boost", default("recruit_boost")),
        ("retire_unrecruited", serde_json::Value::Bool(false)),
        (
            "calibrate_readout_inhibition",
            serde_json::Value::Bool(false),
        ),
    ]
}

/// Removes from every FSpiNN parameter object in `v` the [`neutral_additions`] that hold their
/// neutral value, so a network keeps the hash it had before they existed (with its cached
/// checkpoint and point results); any other value stays and changes the hash.
fn without_neutral_additions(v: &mut serde_json::Value) {
    use serde_json::Value;
    fn walk(v: &mut Value, neutral: &[(&str, Value)]) {
        match v {
            Value::Object(m) => {
                if m.contains_key(neutral[0].0) {
                    for (k, value) in neutral {
                        if m.get(*k) == Some(value) {
                            m.remove(*k);
                        }
                    }
                }
                m.values_mut().for_each(|x| walk(x, neutral));
            }
            Value::Array(a) => a.iter_mut().for_each(|x| walk(x, neutral)),
            _ => {}
        }
    }
    walk(v, &neutral_additions());
}

/// First 16 hex digits of the SHA-256 of a value's JSON text (keys in serde order, which is
/// fixed by the struct definitions, so the text is canonical).
pub fn hash_json(v: &serde_json::Value) -> String {
    let text = serde_json::to_string(v).expect("JSON values serialise");
    hash_text(&text)
}

/// First 16 hex digits of the SHA-256 of `text`.
pub fn hash_text(text: &str) -> String {
    let d = Sha256::digest(text.as_bytes());
    d.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The run of a network an exploration trained on 2026-12-03 (build 659a88c, `paper.toml`,
    /// FSpiNN 8-bit N = 100 at 350 ms), before `FspinnParams` gained four fields, and the hash
    /// it was cached under.
    const OLD_RUN: &str = r#"{"dataset": "mnist", "variant": "fspinn", "neurons": 100, "train_samples": 60000, "test_samples": 10000, "label_samples": 10000, "epochs": 1, "seed": 1, "params": {"fspinn": {"dt_ms": 1.0, "presentation_ms": 350.0, "rate_per_pixel_hz": 0.125, "start_intensity": 2, "min_spikes": 5, "max_attempts": 16, "leak_shift": 7, "v_thresh_mv": 13.0, "refractory_steps": 5, "theta_plus_mv": 0.05, "theta_decay_shift": null, "theta_target_mv": 25.0, "inhibition_mv": 17.5, "target_spikes": 12, "trace_half_life_steps": 14, "nu_post": 0.01, "x_tar": 0.25, "nu_pre": 0.001, "potentiation_half_life": 20000, "init_max": 0.3, "formats": {"weight_bits": 8, "membrane_bits": 16, "threshold_bits": 16, "trace_bits": 8, "refractory_bits": 4}, "rounding": "stochastic", "mechanisms": {"direct_inhibition": true, "post_only_stdp": true, "per_step_updates": true, "adaptive_potentiation": true, "adaptive_inhibition": true}}}}"#;
    const OLD_HASH: &str = "6084ac25e293c10f";

    #[test]
    fn networks_keep_their_hash_across_neutral_parameter_additions() {
        let run: RunConfig = serde_json::from_str(OLD_RUN).unwrap();
        assert_eq!(network_hash(&run, DataSource::Mnist), OLD_HASH);
        // The hash of the run with one FSpiNN parameter changed.
        let hash_with = |change: fn(&mut FspinnParams)| {
            let mut changed = run.clone();
            let NetworkParams::Fspinn(p) = &mut changed.params else {
                panic!("an FSpiNN run");
            };
            change(p);
            network_hash(&changed, DataSource::Mnist)
        };
        let NetworkParams::Fspinn(p) = &run.params else {
            panic!("an FSpiNN run");
        };
        assert!(!p.retire_unrecruited, "read as trained: off");
        assert!(!p.calibrate_readout_inhibition, "read as evaluated: off");
        // A non-default value of an added field is a different network.
        assert_ne!(hash_with(|p| p.recruit_boost = 1), OLD_HASH);
        // Retiring and choosing the readout inhibition are today's defaults and change the
        // networks they act on: new hashes.
        assert_ne!(hash_with(|p| p.retire_unrecruited = true), OLD_HASH);
        assert_ne!(
            hash_with(|p| p.calibrate_readout_inhibition = true),
            OLD_HASH
        );
        // And so is any other change.
        let mut other = run;
        other.seed = 2;
        assert_ne!(network_hash(&other, DataSource::Mnist), OLD_HASH);
    }

    /// An exploration point trains the network `fspinn train` would: the precision rule on from
    /// N = 400 for quantisation-aware training (tests/cli_train_operating_rule.rs checks the CLI
    /// side with the same values), off below and for post-training quantisation; the learning
    /// rule beyond N = 400 on MNIST, whatever the precision.
    #[test]
    fn points_take_the_precision_rule_where_fspinn_train_does() {
        let learning_over = |neurons: usize, precision: &str, quantize: Quantize, epochs: u32| {
            let point = NetworkPoint::normalised(
                DataSource::Mnist,
                Variant::Fspinn,
                neurons,
                precision.parse().unwrap(),
                Rounding::Stochastic,
                quantize,
                250.0,
                epochs,
                100,
                100,
                100,
                1,
            );
            match point.run_config().params {
                NetworkParams::Fspinn(p) => (p.nu_post, p.theta_target_mv),
                NetworkParams::FspinnF32(p) => (p.fspinn.nu_post, p.fspinn.theta_target_mv),
                NetworkParams::Baseline(_) => panic!("an FSpiNN point"),
            }
        };
        let learning =
            |neurons, precision, quantize| learning_over(neurons, precision, quantize, 1);
        assert_eq!(learning(400, "w8", Quantize::Train), (0.02, 50.0));
        // From N = 800 on MNIST the learning rule adds its factor, x4 in all from N = 1600.
        assert_eq!(learning(4900, "w8", Quantize::Train), (0.04, 100.0));
        assert_eq!(learning(1600, "w4", Quantize::Train), (0.04, 100.0));
        assert_eq!(learning(800, "w4", Quantize::Post), (0.02, 50.0));
        assert_eq!(learning(100, "w8", Quantize::Train), (0.01, 25.0));
        assert_eq!(learning(400, "w4", Quantize::Train), (0.01, 25.0));
        assert_eq!(learning(400, "w8", Quantize::Post), (0.01, 25.0));
        // A point of three passes: the learning rule's own factor stops at x2.
        assert_eq!(learning_over(1600, "w4", Quantize::Train, 3), (0.02, 50.0));
    }
}
