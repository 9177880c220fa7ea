//! The result store: one JSON file per point in `DIR/points/<hash>.json`, written atomically
//! (temporary sibling, fsync, rename), and the copy of the space file in `DIR/space.toml`.
//! A file is trusted only if it parses, has this schema, carries the hash it is named by and
//! its embedded digest matches its content; anything else is recomputed, so a torn or edited
//! file can never enter a report.

use crate::energy::EnergySummary;
use crate::error::{ExploreError, Result};
use crate::point::{hash_json, HardwarePoint, NetworkPoint, Point, SCHEMA};
use crate::space::{Evaluation, Space};
use fspinn_sim::HwConfig;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Everything measured at one point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointResult {
    pub schema: u32,
    pub hash: String,
    pub index: usize,
    pub label: String,
    pub network: NetworkPoint,
    pub hardware: HardwarePoint,
    pub config: HwConfig,
    pub evaluation: Evaluation,
    /// Name of the trained network in `DIR/networks/`.
    pub network_hash: String,
    /// The network that ran on the accelerator, when it is not the point's own.
    pub hardware_network_hash: Option<String>,
    pub metrics: Metrics,
    /// Wall times: the only fields that differ between two runs of the same point.
    pub timing: Timing,
    /// Hash of this object with `digest` empty: detects a damaged or edited file.
    pub digest: String,
}

/// What the framework optimises, per point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metrics {
    /// L1 test accuracy on the network's `test_samples` images.
    pub accuracy: f64,
    /// Storage of weights, state, traces and parameters (docs/memory.md).
    pub memory_bytes: u64,
    /// The fp32 Diehl & Cook network of the same size over this one.
    pub memory_saving: f64,
    /// The cycle model's figures; none when the network has no accelerator form.
    pub hardware: Option<HardwareMetrics>,
    /// Why `hardware` is empty, when it is.
    pub hardware_note: Option<String>,
}

/// The cycle model's figures for one point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HardwareMetrics {
    /// The modelled chip with every structural parameter, the config's hash and the weight
    /// placement: the object `fspinn sim --json` prints as `hardware`.
    pub chip: fspinn_sim::hardware::HardwareSummary,
    pub weights_on_chip: bool,
    pub weight_storage_bits: u32,
    /// Accuracy of the accelerator's network on the inference images.
    pub accuracy: f64,
    pub inference: PhaseMetrics,
    pub training: Option<PhaseMetrics>,
    /// On-chip area from the energy model (SRAM macros, register files, logic); the
    /// per-component split is in `inference.energy.components`.
    pub area_mm2: f64,
}

/// Per-image figures of one phase on the cycle model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseMetrics {
    pub images: u64,
    pub energy_uj: f64,
    /// Low and high figure of `energy_uj` (the energy model's band).
    pub energy_band_uj: [f64; 2],
    pub cycles: f64,
    pub latency_ms: f64,
    pub images_per_second: f64,
    pub synaptic_ops: f64,
    pub dram_read_bytes: f64,
    pub dram_write_bytes: f64,
    pub energy: EnergySummary,
}

/// Wall times of a point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timing {
    /// Training time spent by this run (0 when the network came from the cache).
    pub train_seconds: f64,
    pub point_seconds: f64,
}

impl PointResult {
    /// Sets `digest` from the content. The digest is taken over the JSON *text* parsed back
    /// into a value, exactly as `load` sees it, so float formatting cannot make a sound file
    /// look damaged.
    pub fn seal(mut self) -> Self {
        self.digest = String::new();
        let text = serde_json::to_string(&self).expect("results serialise");
        self.digest = digest_of_text(&text).expect("own output parses");
        self
    }

    /// The result with the wall times zeroed, for comparing two runs.
    pub fn without_timing(&self) -> Self {
        let mut c = self.clone();
        c.timing = Timing {
            train_seconds: 0.0,
            point_seconds: 0.0,
        };
        c.digest = String::new();
        c
    }
}

/// The digest of a result's JSON text: its value with `digest` emptied, hashed.
fn digest_of_text(text: &str) -> Option<String> {
    let mut v: serde_json::Value = serde_json::from_str(text).ok()?;
    v.as_object_mut()?
        .insert("digest".into(), serde_json::Value::String(String::new()));
    Some(hash_json(&v))
}

/// The output directory of one space.
#[derive(Clone, Debug)]
pub struct Store {
    pub dir: PathBuf,
}

impl Store {
    /// Opens `dir` for `space`: creates it, and writes or checks `space.toml` (a directory
    /// holds the results of one space; the copy lets `report` read constraints and objectives).
    pub fn open(dir: &Path, space: &Space) -> Result<Store> {
        for d in [dir.to_path_buf(), dir.join("points"), dir.join("networks")] {
            std::fs::create_dir_all(&d).map_err(ExploreError::io(&d))?;
        }
        let copy = dir.join("space.toml");
        match std::fs::read_to_string(&copy) {
            Ok(old) if old == space.text => {}
            Ok(_) => {
                return Err(ExploreError::OutDir {
                    dir: dir.to_path_buf(),
                    reason: format!(
                        "holds the results of another space (its space.toml differs from {}); \
                         use another --out, or delete the directory",
                        space.origin
                    ),
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                write_atomic(&copy, space.text.as_bytes())?
            }
            Err(e) => return Err(ExploreError::io(&copy)(e)),
        }
        Ok(Store {
            dir: dir.to_path_buf(),
        })
    }

    /// Opens an existing directory for reading (the report).
    pub fn existing(dir: &Path) -> Result<(Store, Space)> {
        let copy = dir.join("space.toml");
        if !copy.exists() {
            return Err(ExploreError::OutDir {
                dir: dir.to_path_buf(),
                reason: "no space.toml: not an exploration directory (run `fspinn explore \
                         --space S --out DIR` first)"
                    .into(),
            });
        }
        let text = std::fs::read_to_string(&copy).map_err(ExploreError::io(&copy))?;
        // Config files named in the space are relative to the original space file; the copy
        // lives elsewhere, so the recorded `base` is the directory the run was started with.
        let base = std::fs::read_to_string(dir.join("space.base"))
            .map(PathBuf::from)
            .unwrap_or_else(|_| PathBuf::from("."));
        let space = Space::from_toml_str(&text, &copy.display().to_string(), &base)?;
        Ok((
            Store {
                dir: dir.to_path_buf(),
            },
            space,
        ))
    }

    /// Records where relative hardware config paths are resolved (for `report`).
    pub fn record_base(&self, base: &Path) -> Result<()> {
        let abs = std::fs::canonicalize(base).unwrap_or_else(|_| base.to_path_buf());
        let p = self.dir.join("space.base");
        write_atomic(&p, abs.display().to_string().as_bytes())
    }

    pub fn point_path(&self, p: &Point) -> PathBuf {
        self.dir.join("points").join(format!("{}.json", p.hash))
    }

    pub fn network_dir(&self) -> PathBuf {
        self.dir.join("networks")
    }

    /// The finished result of `p`, if a valid one exists; `Err` explains why a file that
    /// exists was rejected (the caller recomputes it).
    pub fn load(&self, p: &Point) -> Result<Option<PointResult>> {
        let path = self.point_path(p);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(ExploreError::io(&path)(e)),
        };
        let bad = |reason: String| ExploreError::Result {
            path: path.clone(),
            reason,
        };
        let r: PointResult =
            serde_json::from_str(&text).map_err(|e| bad(format!("not a result file: {e}")))?;
        if r.schema != SCHEMA {
            return Err(bad(format!(
                "schema {} (this tool writes {SCHEMA})",
                r.schema
            )));
        }
        if r.hash != p.hash {
            return Err(bad(format!("holds point {} instead of {}", r.hash, p.hash)));
        }
        if digest_of_text(&text).as_deref() != Some(r.digest.as_str()) {
            return Err(bad("digest mismatch: the file was damaged or edited".into()));
        }
        // The point's hash names what the space says (variant, size, precision, budgets); the
        // parameters that follow from it are the build's defaults and rules, which change
        // between builds (e.g. a size rule adopted). A result computed with other parameters
        // is stale, not finished.
        let held: Vec<String> = std::iter::once(r.network_hash.clone())
            .chain(r.hardware_network_hash.clone())
            .collect();
        let wanted = crate::runner::network_hashes(p);
        if held != wanted {
            return Err(ExploreError::Stale {
                path: path.clone(),
                reason: format!(
                    "computed with network {}, and this build trains network {} for the point \
                     (its defaults differ from those of the build that ran it)",
                    held.join(" + "),
                    wanted.join(" + ")
                ),
            });
        }
        Ok(Some(r))
    }

    /// Whether `p` has a valid result (a damaged one counts as missing).
    pub fn is_done(&self, p: &Point) -> bool {
        matches!(self.load(p), Ok(Some(_)))
    }

    /// Writes a result atomically.
    pub fn save(&self, r: &PointResult, p: &Point) -> Result<()> {
        let text = serde_json::to_string_pretty(r).expect("results serialise");
        write_atomic(&self.point_path(p), text.as_bytes())
    }
}

/// Writes `bytes` to `path` atomically (the checkpoint module's writer: one implementation).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    fspinn_model::checkpoint::write_atomic(path, bytes).map_err(|e| ExploreError::Model {
        context: format!("writing {}", path.display()),
        source: e,
    })
}
