//! Versioned checkpoint files, written atomically.
//!
//! Layout: 8 magic bytes `FSPINNCK`, a little-endian u32 format version, a little-endian u64 body
//! length, then the body in postcard encoding. The file is written to a temporary sibling, synced,
//! and renamed over the target, so a crash never leaves a half-written checkpoint. The body holds
//! no timestamps or host details: the same run gives byte-identical checkpoints.
//!
//! Versions: 2 holds the baseline and the integer FSpiNN network; 3 adds the f32 FSpiNN network
//! (a variant appended to the parameter and state enums, so a version-2 body reads unchanged).
//! A file is written with the oldest version that can hold it, so baseline and integer
//! checkpoints stay byte-identical to those of earlier builds, and a build that only knows
//! version 2 rejects an f32 FSpiNN checkpoint by its version instead of misreading it.

use crate::baseline::{BaselineNetwork, PresentationStats};
use crate::config::RunConfig;
use crate::error::ModelError;
use crate::fspinn::{FspinnF32Network, FspinnNetwork};
use crate::network::{Network, NetworkParams};
use crate::train::Trainer;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 8] = b"FSPINNCK";
/// The newest format version; bump whenever the body's layout or meaning changes.
pub const FORMAT_VERSION: u32 = 3;
/// The oldest version this build reads (and writes, for content that version can hold).
pub const OLDEST_VERSION: u32 = 2;
const HEADER_LEN: usize = 8 + 4 + 8;

#[derive(Serialize, Deserialize)]
struct Body {
    config: RunConfig,
    n_inputs: u32,
    samples_done: u64,
    train_stats: PresentationStats,
    state: LearnedState,
    assignments: Option<Vec<Option<u8>>>,
}

/// What training changed, per variant.
#[derive(Serialize, Deserialize)]
enum LearnedState {
    Baseline {
        weights: Vec<f32>,
        theta: Vec<f32>,
    },
    Fspinn {
        weights: Vec<u16>,
        theta: Vec<i32>,
        inhibition: i32,
        samples_seen: u64,
    },
    /// Since version 3: the f32 FSpiNN network (weights in mV per spike, theta and inhibition in
    /// mV).
    FspinnF32 {
        weights: Vec<f32>,
        theta: Vec<f32>,
        inhibition: f32,
        samples_seen: u64,
    },
}

/// The oldest format version that can hold a run with these parameters.
fn version_for(params: &NetworkParams) -> u32 {
    match params {
        NetworkParams::Baseline(_) | NetworkParams::Fspinn(_) => OLDEST_VERSION,
        NetworkParams::FspinnF32(_) => 3,
    }
}

/// Encodes a training run as checkpoint bytes.
pub fn to_bytes(t: &Trainer) -> Vec<u8> {
    let body = Body {
        config: t.config.clone(),
        n_inputs: t.network.n_inputs() as u32,
        samples_done: t.samples_done,
        train_stats: t.train_stats,
        state: match &t.network {
            Network::Baseline(n) => LearnedState::Baseline {
                weights: n.weights().to_vec(),
                theta: n.theta().to_vec(),
            },
            Network::Fspinn(n) => LearnedState::Fspinn {
                weights: n.weights().to_vec(),
                theta: n.theta().to_vec(),
                inhibition: n.inhibition(),
                samples_seen: n.samples_seen(),
            },
            Network::FspinnF32(n) => LearnedState::FspinnF32 {
                weights: n.weights().to_vec(),
                theta: n.theta().to_vec(),
                inhibition: n.inhibition(),
                samples_seen: n.samples_seen(),
            },
        },
        assignments: t.assignments.clone(),
    };
    let encoded = postcard::to_stdvec(&body).expect("in-memory serialisation cannot fail");
    let mut out = Vec::with_capacity(HEADER_LEN + encoded.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&version_for(&t.config.params).to_le_bytes());
    out.extend_from_slice(&(encoded.len() as u64).to_le_bytes());
    out.extend_from_slice(&encoded);
    out
}

/// Decodes checkpoint bytes read from `path` (named in errors).
pub fn from_bytes(bytes: &[u8], path: &Path) -> Result<Trainer, ModelError> {
    let corrupt = |reason: String| ModelError::CorruptCheckpoint {
        path: path.to_path_buf(),
        reason,
    };
    if bytes.len() < 8 || &bytes[..8] != MAGIC {
        return Err(ModelError::NotACheckpoint {
            path: path.to_path_buf(),
        });
    }
    if bytes.len() < HEADER_LEN {
        return Err(corrupt(format!(
            "header truncated at {} bytes",
            bytes.len()
        )));
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if !(OLDEST_VERSION..=FORMAT_VERSION).contains(&version) {
        return Err(ModelError::CheckpointVersion {
            path: path.to_path_buf(),
            found: version,
            oldest: OLDEST_VERSION,
            newest: FORMAT_VERSION,
        });
    }
    let len = u64::from_le_bytes(bytes[12..20].try_into().expect("8 bytes"));
    let body_bytes = &bytes[HEADER_LEN..];
    if body_bytes.len() as u64 != len {
        return Err(corrupt(format!(
            "body is {} bytes, header says {len} (truncated or appended to)",
            body_bytes.len()
        )));
    }
    let body: Body = postcard::from_bytes(body_bytes).map_err(|e| corrupt(e.to_string()))?;
    if version < version_for(&body.config.params) {
        return Err(corrupt(format!(
            "version {version} cannot hold an f32 FSpiNN network"
        )));
    }
    let (n_inputs, n) = (body.n_inputs as usize, body.config.neurons);
    let network = match (body.config.params.clone(), body.state) {
        (NetworkParams::Baseline(p), LearnedState::Baseline { weights, theta }) => {
            BaselineNetwork::from_parts(p, n_inputs, n, weights, theta).map(Network::Baseline)
        }
        (
            NetworkParams::Fspinn(p),
            LearnedState::Fspinn {
                weights,
                theta,
                inhibition,
                samples_seen,
            },
        ) => FspinnNetwork::from_parts(p, n_inputs, n, weights, theta, inhibition, samples_seen)
            .map(Network::Fspinn),
        (
            NetworkParams::FspinnF32(f),
            LearnedState::FspinnF32 {
                weights,
                theta,
                inhibition,
                samples_seen,
            },
        ) => FspinnF32Network::from_parts(
            f.fspinn,
            n_inputs,
            n,
            weights,
            theta,
            inhibition,
            samples_seen,
        )
        .map(Network::FspinnF32),
        // A post-quantised run after training: the integer network it was rounded to.
        (
            NetworkParams::FspinnF32(f),
            LearnedState::Fspinn {
                weights,
                theta,
                inhibition,
                samples_seen,
            },
        ) if f.post_quantize => FspinnNetwork::from_parts(
            f.fspinn,
            n_inputs,
            n,
            weights,
            theta,
            inhibition,
            samples_seen,
        )
        .map(Network::Fspinn),
        _ => {
            return Err(corrupt(
                "parameters and learned state are of different variants".into(),
            ))
        }
    }
    .map_err(|e| corrupt(e.to_string()))?;
    if let Some(a) = &body.assignments {
        if a.len() != body.config.neurons {
            return Err(corrupt(format!(
                "{} label assignments for {} neurons",
                a.len(),
                body.config.neurons
            )));
        }
    }
    Ok(Trainer::from_parts(
        body.config,
        network,
        body.samples_done,
        body.train_stats,
        body.assignments,
    ))
}

/// Writes `bytes` to `path` atomically: temporary sibling, fsync, rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ModelError> {
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |source| ModelError::Io { path: p, source }
    };
    let tmp = temp_sibling(path);
    let mut f = std::fs::File::create(&tmp).map_err(io(&tmp))?;
    f.write_all(bytes).map_err(io(&tmp))?;
    f.sync_all().map_err(io(&tmp))?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(|source| {
        let _ = std::fs::remove_file(&tmp);
        ModelError::Io {
            path: path.to_path_buf(),
            source,
        }
    })
}

fn temp_sibling(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(format!(".tmp-{}", std::process::id()));
    path.with_file_name(name)
}

/// Saves a training run to `path` atomically.
pub fn save(t: &Trainer, path: &Path) -> Result<(), ModelError> {
    write_atomic(path, &to_bytes(t))
}

/// Loads a training run from `path`.
pub fn load(path: &Path) -> Result<Trainer, ModelError> {
    let bytes = std::fs::read(path).map_err(|source| ModelError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    from_bytes(&bytes, path)
}
