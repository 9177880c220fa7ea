//! Runs one point: trains its network (or takes it from the network cache), measures test
//! accuracy and memory, then runs the cycle model on the evaluation images in inference and in
//! training and prices the counts. Pure function of the point: the same point gives the same
//! numbers (only `timing` differs).

use crate::energy;
use crate::error::{ExploreError, Result};
use crate::point::SCHEMA;
use crate::point::{network_hash, DataSource, HardwareNetwork, Point};
use crate::store::{HardwareMetrics, Metrics, PhaseMetrics, PointResult, Store, Timing};
use fspinn_model::data::{self, Dataset, LoadOptions, Split};
use fspinn_model::labels;
use fspinn_model::memory::{InhibitoryStorage, MemoryReport, NetworkShape};
use fspinn_model::network::Network;
use fspinn_model::precision::Precision;
use fspinn_model::{checkpoint, RunConfig, Trainer, Variant};
use fspinn_sim::{Accelerator, SimError};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Loads datasets once per process.
#[derive(Default)]
pub struct DataCache {
    data_dir: Option<PathBuf>,
    sets: HashMap<(DataSource, bool), Dataset>,
}

impl DataCache {
    /// `data_dir` overrides `$FSPINN_DATA` for the on-disk datasets.
    pub fn new(data_dir: Option<PathBuf>) -> Self {
        DataCache {
            data_dir,
            sets: HashMap::new(),
        }
    }

    /// The first `need` images of one split (the whole split is kept for later points).
    fn get(&mut self, src: DataSource, split: Split, need: usize) -> Result<&Dataset> {
        let train = split == Split::Train;
        if !self.sets.contains_key(&(src, train)) {
            let set = match src.kind() {
                None => data::try_builtin(split).map_err(|e| ExploreError::Data {
                    context: "the built-in MNIST subset".into(),
                    source: e,
                })?,
                Some(kind) => {
                    let dir = data::locate(self.data_dir.as_deref(), kind).map_err(|e| {
                        ExploreError::Data {
                            context: format!("locating {kind}"),
                            source: e,
                        }
                    })?;
                    let opts = LoadOptions {
                        limit: None,
                        verify_checksum: true,
                    };
                    data::load(&dir, kind, split, &opts).map_err(|e| ExploreError::Data {
                        context: format!("loading {kind} {split:?} from {}", dir.display()),
                        source: e,
                    })?
                }
            };
            self.sets.insert((src, train), set);
        }
        let set = &self.sets[&(src, train)];
        if set.len() < need {
            return Err(ExploreError::Selection(format!(
                "{src} {split:?} holds {} images, the point needs {need}",
                set.len()
            )));
        }
        Ok(set)
    }
}

/// What the network cache records next to a checkpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct NetworkRecord {
    hash: String,
    run: RunConfig,
    test_accuracy: f64,
    train_seconds: f64,
}

/// A trained, labelled network.
struct Trained {
    hash: String,
    trainer: Trainer,
    test_accuracy: f64,
    /// Wall time spent training it in this process (0 if cached).
    train_seconds: f64,
}

/// Trains `run` on `src`, or loads it from `DIR/networks/<hash>.{ckpt,json}`. The checkpoint
/// is written before the record, both atomically, so a record always has its checkpoint.
fn trained(
    store: &Store,
    data: &mut DataCache,
    run: &RunConfig,
    src: DataSource,
) -> Result<Trained> {
    let hash = network_hash(run, src);
    let dir = store.network_dir();
    let ckpt = dir.join(format!("{hash}.ckpt"));
    let rec_path = dir.join(format!("{hash}.json"));
    if let Ok(text) = std::fs::read_to_string(&rec_path) {
        if let Ok(rec) = serde_json::from_str::<NetworkRecord>(&text) {
            if rec.hash == hash && rec.run == *run {
                if let Ok(trainer) = checkpoint::load(&ckpt) {
                    if trainer.assignments.is_some() && trainer.config == *run {
                        return Ok(Trained {
                            hash,
                            trainer,
                            test_accuracy: rec.test_accuracy,
                            train_seconds: 0.0,
                        });
                    }
                }
            }
        }
    }
    let started = Instant::now();
    let mut trainer = Trainer::new(run.clone(), 28 * 28)
        .map_err(ExploreError::model(format!("network {hash}")))?;
    let train = data.get(src, Split::Train, run.train_samples)?.clone();
    let test = data.get(src, Split::Test, run.test_samples)?.clone();
    trainer
        .check_data(&train)
        .map_err(ExploreError::model(format!("network {hash}")))?;
    while !trainer.training_done() {
        trainer.step(&train);
    }
    let eval = trainer
        .evaluate(&train, &test)
        .map_err(ExploreError::model(format!("evaluating network {hash}")))?;
    let train_seconds = started.elapsed().as_secs_f64();
    checkpoint::save(&trainer, &ckpt)
        .map_err(ExploreError::model(format!("saving {}", ckpt.display())))?;
    let rec = NetworkRecord {
        hash: hash.clone(),
        run: run.clone(),
        test_accuracy: eval.test_accuracy,
        train_seconds,
    };
    crate::store::write_atomic(
        &rec_path,
        serde_json::to_string_pretty(&rec)
            .expect("records serialise")
            .as_bytes(),
    )?;
    Ok(Trained {
        hash,
        trainer,
        test_accuracy: eval.test_accuracy,
        train_seconds,
    })
}

/// Bytes of the network per docs/memory.md.
fn memory(variant: Variant, neurons: usize, precision: Precision) -> Result<u64> {
    let r = MemoryReport::new(&NetworkShape {
        variant,
        neurons: neurons as u64,
        inputs: 28 * 28,
        precision,
        inhibition: InhibitoryStorage::Scalars,
    })
    .map_err(ExploreError::model("memory model"))?;
    Ok(r.bytes)
}

/// Network hashes a point needs trained (its own, and the accelerator's if different), so a
/// scheduler never trains one network twice at once.
pub fn network_hashes(p: &Point) -> Vec<String> {
    let mut v = vec![network_hash(&p.network.run_config(), p.network.dataset)];
    if let Some(HardwareNetwork::BaselineEquivalent(c)) = p.network.hardware_run() {
        v.push(network_hash(&c, p.network.dataset));
    }
    v
}

/// Runs point `p` and stores its result.
pub fn run_point(store: &Store, data: &mut DataCache, p: &Point) -> Result<PointResult> {
    let started = Instant::now();
    let net = &p.network;
    let own = trained(store, data, &net.run_config(), net.dataset)?;
    let mut train_seconds = own.train_seconds;
    let precision = net.precision();
    let memory_bytes = memory(net.variant, net.neurons, precision)?;
    let baseline_bytes = memory(Variant::Baseline, net.neurons, Precision::Fp32)?;
    let (hw_trainer, hw_hash, baseline_mode) = match net.hardware_run() {
        None => (None, None, false),
        Some(HardwareNetwork::Same) => (Some(own.trainer.clone()), None, false),
        Some(HardwareNetwork::BaselineEquivalent(c)) => {
            let t = trained(store, data, &c, net.dataset)?;
            train_seconds += t.train_seconds;
            (Some(t.trainer), Some(t.hash), true)
        }
    };
    let (hardware, hardware_note) = match hw_trainer {
        None => (
            None,
            Some("an f32 FSpiNN network has no accelerator form (the accelerator computes in integers)".to_string()),
        ),
        Some(t) => match simulate(data, p, &t, baseline_mode)? {
            Ok(m) => (Some(m), None),
            Err(reason) => (None, Some(reason)),
        },
    };
    let result = PointResult {
        schema: SCHEMA,
        hash: p.hash.clone(),
        index: p.index,
        label: p.label(),
        network: p.network.clone(),
        hardware: p.hardware.clone(),
        config: p.config.clone(),
        evaluation: p.evaluation.clone(),
        network_hash: own.hash,
        hardware_network_hash: hw_hash,
        metrics: Metrics {
            accuracy: own.test_accuracy,
            memory_bytes,
            memory_saving: baseline_bytes as f64 / memory_bytes as f64,
            hardware,
            hardware_note,
        },
        timing: Timing {
            train_seconds,
            point_seconds: started.elapsed().as_secs_f64(),
        },
        digest: String::new(),
    }
    .seal();
    store.save(&result, p)?;
    Ok(result)
}

/// The cycle model on the evaluation images. The inner `Err` is a design that cannot hold the
/// network (recorded in the result); the outer one a failure of the run itself.
fn simulate(
    data: &mut DataCache,
    p: &Point,
    t: &Trainer,
    baseline_mode: bool,
) -> Result<std::result::Result<HardwareMetrics, String>> {
    let (Network::Fspinn(net), Some(assignments)) = (&t.network, t.assignments.as_ref()) else {
        return Err(ExploreError::Selection(format!(
            "point {}: the accelerator network is not a labelled integer FSpiNN network",
            p.index
        )));
    };
    let storage_bits = if baseline_mode {
        32
    } else {
        net.params().formats.weight_bits as u32
    };
    let new_acc = || match Accelerator::new(&p.config, net, storage_bits) {
        Ok(a) => Ok(Ok(a)),
        Err(e @ (SimError::DoesNotFit(_) | SimError::Unsupported(_) | SimError::Config { .. })) => {
            Ok(Err(format!("the design cannot run this network: {e}")))
        }
        Err(e) => Err(ExploreError::sim(format!("point {}", p.index))(e)),
    };
    let e = &p.evaluation;
    let src = p.network.dataset;
    let seed = t.config.seed;
    let test = data.get(src, Split::Test, e.inference_images as usize)?;
    let mut acc = match new_acc()? {
        Ok(a) => a,
        Err(reason) => return Ok(Err(reason)),
    };
    let mut correct = 0u64;
    for idx in 0..e.inference_images as usize {
        let s = fspinn_sim::spikegen::sample_seed(seed, false, idx as u64);
        let out = acc.run_sample(test.image(idx), s, false);
        if labels::classify(&out.counts, assignments) == test.label(idx) {
            correct += 1;
        }
    }
    let inference = phase(&acc, e.inference_images, p.config.clock_mhz);
    let weights_on_chip = acc.layout().on_chip;
    let chip = fspinn_sim::hardware::HardwareSummary::new(
        &p.config,
        &format!("explore:{}", p.hardware.label(&p.config)),
        acc.layout(),
    );
    let training = if e.training_images > 0 {
        let train = data.get(src, Split::Train, e.training_images as usize)?;
        let mut acc = match new_acc()? {
            Ok(a) => a,
            Err(reason) => return Ok(Err(reason)),
        };
        for idx in 0..e.training_images as usize {
            let s = fspinn_sim::spikegen::sample_seed(seed, true, idx as u64);
            acc.run_sample(train.image(idx), s, true);
        }
        Some(phase(&acc, e.training_images, p.config.clock_mhz))
    } else {
        None
    };
    let area_mm2 = inference.energy.area_mm2;
    Ok(Ok(HardwareMetrics {
        chip,
        weights_on_chip,
        weight_storage_bits: storage_bits,
        accuracy: correct as f64 / e.inference_images as f64,
        inference,
        training,
        area_mm2,
    }))
}

/// Per-image figures of everything `acc` ran.
fn phase(acc: &Accelerator, images: u64, clock_mhz: f64) -> PhaseMetrics {
    let n = images as f64;
    let c = acc.counters();
    let d = acc.weight_port().dram().counters();
    let energy = energy::per_image(acc, images);
    let cycles = c.cycles as f64 / n;
    let latency_s = cycles / (clock_mhz * 1e6);
    PhaseMetrics {
        images,
        energy_uj: energy.total_pj * 1e-6,
        energy_band_uj: [energy.low_pj * 1e-6, energy.high_pj * 1e-6],
        cycles,
        latency_ms: latency_s * 1e3,
        images_per_second: 1.0 / latency_s,
        synaptic_ops: c.synaptic_ops as f64 / n,
        dram_read_bytes: d.read_bytes as f64 / n,
        dram_write_bytes: d.write_bytes as f64 / n,
        energy,
    }
}

/// Runs every point of `indices` that has no valid result; returns how many were run.
pub fn run_points(
    store: &Store,
    data: &mut DataCache,
    points: &[Point],
    indices: impl IntoIterator<Item = usize>,
    mut on_done: impl FnMut(&PointResult),
) -> Result<usize> {
    let mut ran = 0;
    for k in indices {
        let p = &points[k];
        if store.is_done(p) {
            continue;
        }
        let r = run_point(store, data, p)?;
        on_done(&r);
        ran += 1;
    }
    Ok(ran)
}

/// The points of shard `i` of `n` (0-based): a contiguous block, so points sharing a network
/// (adjacent in the enumeration) mostly land in the same shard and train it once.
pub fn shard(total: usize, i: usize, n: usize) -> Result<std::ops::Range<usize>> {
    if n == 0 || i >= n {
        return Err(ExploreError::Selection(format!(
            "--shard {i}/{n}: need 0 <= i < n (shards are numbered from 0, like Slurm array ids)"
        )));
    }
    let per = total.div_ceil(n);
    let start = (i * per).min(total);
    Ok(start..((i + 1) * per).min(total))
}

/// Resolves a hardware config path relative to the directory of the space file.
pub fn space_base(space_path: &Path) -> PathBuf {
    space_path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
