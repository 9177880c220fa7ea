//! The space file (TOML): which networks and hardware to try, how each point is evaluated, the
//! constraints, the objectives and the optional reward. Parsed with `deny_unknown_fields`, then
//! validated field by field, then expanded into a deterministic list of points (network axes
//! outermost, in file order; hardware axes innermost), so point `K` is the same point on every
//! machine and every run.

use crate::axis::{Axis, Field};
use crate::error::{ExploreError, Result};
use crate::point::{DataSource, HardwarePoint, NetworkPoint, Point};
use crate::select::{Constraints, Objective};
use fspinn_model::fixed::Rounding;
use fspinn_model::precision::{Precision, Quantize};
use fspinn_model::Variant;
use fspinn_sim::dram::DramKind;
use fspinn_sim::HwConfig;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The whole space file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpaceFile {
    /// A short name for reports.
    #[serde(default)]
    pub name: Option<String>,
    pub network: NetworkAxes,
    #[serde(default)]
    pub hardware: HardwareAxes,
    #[serde(default)]
    pub evaluation: Evaluation,
    #[serde(default)]
    pub constraints: Constraints,
    /// What the Pareto front trades off [default: accuracy, memory, energy per inference].
    #[serde(default = "default_objectives")]
    pub objectives: Vec<Objective>,
    /// Q-SpiNN-style reward weights per objective; the chosen design maximises the reward.
    #[serde(default)]
    pub reward: Option<BTreeMap<Objective, f64>>,
    #[serde(default)]
    pub slurm: SlurmResources,
}

fn default_objectives() -> Vec<Objective> {
    vec![
        Objective::Accuracy,
        Objective::MemoryBytes,
        Objective::EnergyInferenceUj,
    ]
}

/// Network axes: every combination is trained once (L1) and shared by all hardware points.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkAxes {
    /// `mnist`, `fashion-mnist` (from the data directory) or `builtin` (the embedded MNIST
    /// subset: 1000 training, 300 test images).
    #[serde(default = "d_dataset")]
    pub dataset: Axis<String>,
    #[serde(default = "d_variant")]
    pub variant: Axis<String>,
    #[serde(default = "d_neurons")]
    pub neurons: Axis<u64>,
    /// `fp32` or `w2` .. `w16`; a range `{ from = 2, to = 16 }` means w2 .. w16.
    #[serde(default = "d_precision")]
    pub precision: Axis<String>,
    #[serde(default = "d_rounding")]
    pub rounding: Axis<String>,
    /// `qat` (quantisation-aware training; `train` is accepted too) or `post`.
    #[serde(default = "d_quantize")]
    pub quantize: Axis<String>,
    #[serde(default = "d_presentation")]
    pub presentation_ms: Axis<f64>,
    #[serde(default = "d_one")]
    pub epochs: Axis<u64>,
    pub train_samples: Axis<u64>,
    pub label_samples: Axis<u64>,
    pub test_samples: Axis<u64>,
    #[serde(default = "d_one")]
    pub seed: Axis<u64>,
}

fn d_dataset() -> Axis<String> {
    Axis::One("mnist".into())
}
fn d_variant() -> Axis<String> {
    Axis::One("fspinn".into())
}
fn d_neurons() -> Axis<u64> {
    Axis::One(100)
}
fn d_precision() -> Axis<String> {
    Axis::One("w8".into())
}
fn d_rounding() -> Axis<String> {
    Axis::One("stochastic".into())
}
fn d_quantize() -> Axis<String> {
    Axis::One("qat".into())
}
fn d_presentation() -> Axis<f64> {
    Axis::One(350.0)
}
fn d_one() -> Axis<u64> {
    Axis::One(1)
}

/// Hardware axes: a base config (shipped name or TOML file, relative to the space file) and
/// overrides. Every point's config is fitted to its network (`neurons`, `neurons_per_pe`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HardwareAxes {
    #[serde(default = "d_config")]
    pub config: Axis<String>,
    #[serde(default)]
    pub pes: Option<Axis<u64>>,
    #[serde(default)]
    pub lanes: Option<Axis<u64>>,
    #[serde(default)]
    pub weight_sram_depth: Option<Axis<u64>>,
    #[serde(default)]
    pub weight_sram_banks: Option<Axis<u64>>,
    #[serde(default)]
    pub clock_mhz: Option<Axis<f64>>,
    /// DRAM standard: `lpddr4`, `ddr3`, `hbm2` (priced by the energy table's `[dram.<kind>]`).
    #[serde(default)]
    pub dram: Option<Axis<String>>,
    /// SRAM cell type (`itrs-hp`, `itrs-lstp`, `itrs-lop`): sets the config's
    /// `technology.cell`, so the energy model prices the SRAMs and register files with it.
    #[serde(default)]
    pub sram_cell: Option<Axis<String>>,
    /// Technology node in nm (45, 32, 22): sets the config's `technology.node_nm`.
    #[serde(default)]
    pub node_nm: Option<Axis<u64>>,
}

fn d_config() -> Axis<String> {
    Axis::One("small".into())
}

impl Default for HardwareAxes {
    fn default() -> Self {
        HardwareAxes {
            config: d_config(),
            pes: None,
            lanes: None,
            weight_sram_depth: None,
            weight_sram_banks: None,
            clock_mhz: None,
            dram: None,
            sram_cell: None,
            node_nm: None,
        }
    }
}

/// How many images the cycle model runs per point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    /// Test images run in inference on the cycle model (the first K of the test set).
    #[serde(default = "d_inference")]
    pub inference_images: u64,
    /// Training images run with on-chip learning (the first M of the training set).
    #[serde(default = "d_training")]
    pub training_images: u64,
}

fn d_inference() -> u64 {
    10
}
fn d_training() -> u64 {
    5
}

impl Default for Evaluation {
    fn default() -> Self {
        Evaluation {
            inference_images: d_inference(),
            training_images: d_training(),
        }
    }
}

/// Resources of one Slurm array task (`fspinn explore slurm`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlurmResources {
    #[serde(default)]
    pub partition: Option<String>,
    /// Wall-time limit per task, Slurm syntax (`HH:MM:SS`).
    #[serde(default = "d_time")]
    pub time: String,
    #[serde(default = "d_cpus")]
    pub cpus_per_task: u32,
    /// Memory per task in MB.
    #[serde(default = "d_mem")]
    pub mem_mb: u32,
    /// Points per array task (1: one task per point).
    #[serde(default = "d_ppt")]
    pub points_per_task: u32,
}

fn d_time() -> String {
    "01:00:00".into()
}
fn d_cpus() -> u32 {
    1
}
fn d_mem() -> u32 {
    2000
}
fn d_ppt() -> u32 {
    1
}

impl Default for SlurmResources {
    fn default() -> Self {
        SlurmResources {
            partition: None,
            time: d_time(),
            cpus_per_task: d_cpus(),
            mem_mb: d_mem(),
            points_per_task: d_ppt(),
        }
    }
}

/// A parsed, validated space: the file's text (copied into the output directory), its settings,
/// and every point in order.
#[derive(Clone, Debug)]
pub struct Space {
    pub file: SpaceFile,
    pub text: String,
    pub origin: String,
    pub points: Vec<Point>,
}

/// Points with the same network share this many training images at most from the built-in
/// subset.
const BUILTIN_TRAIN: u64 = 1000;
const BUILTIN_TEST: u64 = 300;

impl Space {
    /// Reads, validates and enumerates a space file.
    pub fn load(path: &Path) -> Result<Space> {
        let text = std::fs::read_to_string(path).map_err(ExploreError::io(path))?;
        let base = path.parent().unwrap_or(Path::new("."));
        Space::from_toml_str(&text, &path.display().to_string(), base)
    }

    /// Parses `text`; hardware config files are resolved relative to `base`.
    pub fn from_toml_str(text: &str, origin: &str, base: &Path) -> Result<Space> {
        let file: SpaceFile = toml::from_str(text).map_err(|e| ExploreError::SpaceSyntax {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        let networks = networks(&file, origin)?;
        let hardware = hardware(&file.hardware, origin, base)?;
        check_settings(&file, origin)?;
        let mut points = Vec::with_capacity(networks.len() * hardware.len());
        for net in &networks {
            for (hw, base_cfg) in &hardware {
                let index = points.len();
                points.push(Point::new(
                    index,
                    net.clone(),
                    hw.clone(),
                    base_cfg,
                    &file.evaluation,
                ));
            }
        }
        Ok(Space {
            file,
            text: text.to_string(),
            origin: origin.to_string(),
            points,
        })
    }
}

fn field<'a>(origin: &'a str, name: &'a str) -> Field<'a> {
    Field { origin, name }
}

/// Every distinct network, in enumeration order. Axes that do not apply to a variant are
/// normalised (the baseline is fp32 with no rounding or quantisation; an fp32 FSpiNN network
/// has no rounding; post-training quantisation rounds to nearest), then duplicates dropped.
fn networks(file: &SpaceFile, origin: &str) -> Result<Vec<NetworkPoint>> {
    let n = &file.network;
    let datasets: Vec<DataSource> = n.dataset.parsed(field(origin, "network.dataset"), None)?;
    let variants: Vec<Variant> = n.variant.parsed(field(origin, "network.variant"), None)?;
    let f_neurons = field(origin, "network.neurons");
    let neurons = n.neurons.integers(f_neurons)?;
    for &k in &neurons {
        if !(1..=65_536).contains(&k) {
            return Err(f_neurons.error(k, "must be 1 to 65536"));
        }
    }
    let precisions: Vec<Precision> = n
        .precision
        .parsed(field(origin, "network.precision"), Some("w"))?;
    let roundings: Vec<Rounding> = n.rounding.parsed(field(origin, "network.rounding"), None)?;
    let f_q = field(origin, "network.quantize");
    let quantizes: Vec<Quantize> = n
        .quantize
        .names(f_q)?
        .iter()
        .map(|q| match q.as_str() {
            "qat" | "train" => Ok(Quantize::Train),
            "post" => Ok(Quantize::Post),
            other => Err(f_q.error(format!("\"{other}\""), "valid: qat (or train), post")),
        })
        .collect::<Result<_>>()?;
    let f_pres = field(origin, "network.presentation_ms");
    let presentations = n.presentation_ms.reals(f_pres)?;
    for &p in &presentations {
        if !(1.0..=10_000.0).contains(&p) {
            return Err(f_pres.error(p, "must be 1 to 10000 ms"));
        }
    }
    let positive = |axis: &Axis<u64>, name: &str, min: u64| -> Result<Vec<u64>> {
        let f = field(origin, name);
        let v = axis.integers(f)?;
        if let Some(x) = v.iter().find(|x| **x < min) {
            return Err(f.error(x, format!("must be at least {min}")));
        }
        Ok(v)
    };
    let epochs = positive(&n.epochs, "network.epochs", 1)?;
    let trains = positive(&n.train_samples, "network.train_samples", 1)?;
    let labels = positive(&n.label_samples, "network.label_samples", 1)?;
    let tests = positive(&n.test_samples, "network.test_samples", 1)?;
    let seeds = n.seed.integers(field(origin, "network.seed"))?;
    for &d in &datasets {
        if d == DataSource::Builtin {
            if let Some(t) = trains.iter().find(|t| **t > BUILTIN_TRAIN) {
                return Err(field(origin, "network.train_samples").error(
                    t,
                    format!("the built-in subset holds {BUILTIN_TRAIN} training images"),
                ));
            }
            if let Some(t) = tests.iter().find(|t| **t > BUILTIN_TEST) {
                return Err(field(origin, "network.test_samples").error(
                    t,
                    format!("the built-in subset holds {BUILTIN_TEST} test images"),
                ));
            }
        }
    }
    let mut out: Vec<NetworkPoint> = Vec::new();
    for &dataset in &datasets {
        for &variant in &variants {
            for &neurons in &neurons {
                for &precision in &precisions {
                    for &rounding in &roundings {
                        for &quantize in &quantizes {
                            for &presentation_ms in &presentations {
                                for &epochs in &epochs {
                                    for &train in &trains {
                                        for &label in &labels {
                                            for &test in &tests {
                                                for &seed in &seeds {
                                                    let p = NetworkPoint::normalised(
                                                        dataset,
                                                        variant,
                                                        neurons as usize,
                                                        precision,
                                                        rounding,
                                                        quantize,
                                                        presentation_ms as f32,
                                                        epochs as u32,
                                                        train as usize,
                                                        label as usize,
                                                        test as usize,
                                                        seed,
                                                    );
                                                    if !out.contains(&p) {
                                                        out.push(p);
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Loads a hardware config by shipped name or by path relative to the space file.
pub fn load_config(spec: &str, base: &Path, origin: &str) -> Result<HwConfig> {
    if let Some(cfg) = HwConfig::builtin(spec) {
        return Ok(cfg);
    }
    let path: PathBuf = base.join(spec);
    if !path.exists() {
        return Err(field(origin, "hardware.config").error(
            format!("\"{spec}\""),
            format!(
                "neither a shipped config (small, large) nor a file ({} does not exist)",
                path.display()
            ),
        ));
    }
    HwConfig::load(&path).map_err(ExploreError::sim(format!(
        "{origin}: hardware.config \"{spec}\""
    )))
}

/// Every hardware point with its base config, in enumeration order.
fn hardware(h: &HardwareAxes, origin: &str, base: &Path) -> Result<Vec<(HardwarePoint, HwConfig)>> {
    let configs = h.config.names(field(origin, "hardware.config"))?;
    let opt_int =
        |a: &Option<Axis<u64>>, name: &str, lo: u64, hi: u64| -> Result<Vec<Option<u32>>> {
            match a {
                None => Ok(vec![None]),
                Some(a) => {
                    let f = field(origin, name);
                    a.integers(f)?
                        .into_iter()
                        .map(|x| {
                            if (lo..=hi).contains(&x) {
                                Ok(Some(x as u32))
                            } else {
                                Err(f.error(x, format!("must be {lo} to {hi}")))
                            }
                        })
                        .collect()
                }
            }
        };
    let pes = opt_int(&h.pes, "hardware.pes", 1, 4096)?;
    let lanes = opt_int(&h.lanes, "hardware.lanes", 1, 65_536)?;
    let depths = opt_int(
        &h.weight_sram_depth,
        "hardware.weight_sram_depth",
        1,
        u32::MAX as u64,
    )?;
    let banks = opt_int(&h.weight_sram_banks, "hardware.weight_sram_banks", 1, 256)?;
    let clocks: Vec<Option<f64>> = match &h.clock_mhz {
        None => vec![None],
        Some(a) => {
            let f = field(origin, "hardware.clock_mhz");
            a.reals(f)?
                .into_iter()
                .map(|c| {
                    if c > 0.0 && c <= 10_000.0 {
                        Ok(Some(c))
                    } else {
                        Err(f.error(c, "must be above 0 and at most 10000"))
                    }
                })
                .collect::<Result<_>>()?
        }
    };
    let drams: Vec<Option<DramKind>> = match &h.dram {
        None => vec![None],
        Some(a) => a
            .parsed::<DramKind>(field(origin, "hardware.dram"), None)?
            .into_iter()
            .map(Some)
            .collect(),
    };
    let cells: Vec<Option<String>> = match &h.sram_cell {
        None => vec![None],
        Some(a) => {
            let f = field(origin, "hardware.sram_cell");
            a.names(f)?
                .into_iter()
                .map(|c| {
                    let valid = crate::energy::sram_cells();
                    if valid.contains(&c.as_str()) {
                        Ok(Some(c))
                    } else {
                        Err(f.error(format!("\"{c}\""), format!("valid: {}", valid.join(", "))))
                    }
                })
                .collect::<Result<_>>()?
        }
    };
    let nodes = opt_int(&h.node_nm, "hardware.node_nm", 1, 1000)?;
    if let Some(Some(n)) = nodes
        .iter()
        .find(|n| n.is_some_and(|n| !crate::energy::nodes_nm().contains(&n)))
    {
        return Err(field(origin, "hardware.node_nm").error(
            n,
            format!(
                "valid: {:?} (the nodes of the CACTI data)",
                crate::energy::nodes_nm()
            ),
        ));
    }
    let mut out = Vec::new();
    for c in &configs {
        let cfg = load_config(c, base, origin)?;
        for &pes in &pes {
            for &lanes in &lanes {
                for &depth in &depths {
                    for &banks in &banks {
                        for &clock in &clocks {
                            for &dram in &drams {
                                for cell in &cells {
                                    for &node in &nodes {
                                        check_technology(&cfg, cell, node, origin)?;
                                        out.push((
                                            HardwarePoint {
                                                config: c.clone(),
                                                pes,
                                                lanes,
                                                weight_sram_depth: depth,
                                                weight_sram_banks: banks,
                                                clock_mhz: clock,
                                                dram,
                                                sram_cell: cell.clone(),
                                                node_nm: node,
                                            },
                                            cfg.clone(),
                                        ));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Checks that the base config's technology with the point's cell type and node exists in the
/// CACTI data (`itrs-lstp` exists at 45 nm only, say).
fn check_technology(
    cfg: &HwConfig,
    cell: &Option<String>,
    node: Option<u32>,
    origin: &str,
) -> Result<()> {
    let mut t = cfg.technology.clone();
    if let Some(c) = cell {
        t.cell = c.clone();
    }
    if let Some(n) = node {
        t.node_nm = n;
    }
    t.validate().map_err(|(_, reason)| {
        let (name, value) = if cell.is_some() {
            ("hardware.sram_cell", format!("\"{}\"", t.cell))
        } else {
            ("hardware.node_nm", t.node_nm.to_string())
        };
        field(origin, name).error(value, format!("at node_nm = {}: {reason}", t.node_nm))
    })
}

/// Checks constraints, objectives, reward and Slurm resources.
fn check_settings(file: &SpaceFile, origin: &str) -> Result<()> {
    file.constraints.check(origin)?;
    if file.objectives.is_empty() {
        return Err(field(origin, "objectives").error("[]", "name at least one objective"));
    }
    for (i, o) in file.objectives.iter().enumerate() {
        if file.objectives[..i].contains(o) {
            return Err(field(origin, "objectives").error(o.name(), "listed twice"));
        }
    }
    if let Some(r) = &file.reward {
        for (o, w) in r {
            if !w.is_finite() || *w < 0.0 {
                return Err(ExploreError::Space {
                    origin: origin.into(),
                    field: format!("reward.{}", o.name()),
                    value: w.to_string(),
                    reason: "weights must be finite and non-negative".into(),
                });
            }
        }
        if r.values().all(|w| *w == 0.0) {
            return Err(field(origin, "reward").error("{}", "give at least one positive weight"));
        }
    }
    let e = &file.evaluation;
    if e.inference_images == 0 {
        return Err(field(origin, "evaluation.inference_images").error(0, "must be at least 1"));
    }
    let s = &file.slurm;
    if s.points_per_task == 0 || s.cpus_per_task == 0 || s.mem_mb == 0 {
        return Err(field(origin, "slurm").error(
            format!("{s:?}"),
            "points_per_task, cpus_per_task and mem_mb must be at least 1",
        ));
    }
    if s.time.is_empty()
        || !s
            .time
            .chars()
            .all(|c| c.is_ascii_digit() || c == ':' || c == '-')
    {
        return Err(field(origin, "slurm.time").error(&s.time, "Slurm time syntax, e.g. 01:00:00"));
    }
    if let Some(p) = &s.partition {
        if p.is_empty()
            || !p
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.,".contains(c))
        {
            return Err(field(origin, "slurm.partition").error(p, "letters, digits, - _ . , only"));
        }
    }
    Ok(())
}
