//! Versioned checkpoint files, written atomically.
//!
//! Layout (version 7): 8 magic bytes `FSPINNCK`, a little-endian u32 format version, a
//! little-endian u64 body length, the SHA-256 of everything else in the file (magic, version,
//! length and body), then the body in postcard encoding. The checksum makes any damage (a flipped
//! bit, a truncation, bytes appended) a clear "corrupt checkpoint" error instead of a network
//! that loads with wrong weights; the values are then range-checked, field by field, because a
//! checksum only proves the file is what some program wrote.
//!
//! The file is written to a temporary sibling, synced, and renamed over the target, so a crash
//! never leaves a half-written checkpoint. The body holds no timestamps or host details: the same
//! run gives byte-identical checkpoints.
//!
//! History: version 2 held the baseline and the integer FSpiNN network, version 3 added the f32
//! FSpiNN network; neither had a checksum, so this build refuses them as "written by an older
//! build" (retraining is cheap next to trusting a file nobody can check). Version 4 had the same
//! header; its FSpiNN parameters lacked mechanism (e)'s schedule, step and recruiting boost,
//! which are read at the values it trained with; builds 7229d05 to f26a6cf wrote those fields
//! under the version 4 header, so a version 4 body is read in either layout. Version 5 lacked
//! `retire_unrecruited`, read as off (its networks were never retired). Version 6 lacked
//! `calibrate_readout_inhibition`, read as off (its networks read out with the inhibition
//! training ended on).

use crate::baseline::{BaselineNetwork, PresentationStats};
use crate::config::RunConfig;
use crate::error::ModelError;
use crate::fspinn::{FspinnF32Network, FspinnNetwork};
use crate::network::{Network, NetworkParams};
use crate::train::Trainer;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

mod values;

const MAGIC: &[u8; 8] = b"FSPINNCK";
/// The format version this build writes and reads; bump whenever the layout or meaning changes.
pub const FORMAT_VERSION: u32 = 7;
/// Version 4: today's header, FSpiNN parameters without `potentiation_schedule`,
/// `potentiation_theta_step_mv` and `recruit_boost` (read as `images`, the default step, 0),
/// nor `retire_unrecruited` and `calibrate_readout_inhibition` (read as off).
const V4: u32 = 4;
/// Version 5: FSpiNN parameters without `retire_unrecruited` and
/// `calibrate_readout_inhibition` (read as off).
const V5: u32 = 5;
/// Version 6: FSpiNN parameters without `calibrate_readout_inhibition` (read as off).
const V6: u32 = 6;
/// Versions 2 and 3 had no checksum: a damaged file could load silently, so they are refused
/// (with "written by an older build") rather than read.
const UNCHECKED_VERSIONS: std::ops::RangeInclusive<u32> = 2..=3;
/// Length of the version 2/3 header (magic, version, body length), to recognise such files.
const OLD_HEADER_LEN: usize = 8 + 4 + 8;
const DIGEST_LEN: usize = 32;
/// Magic, version, body length, SHA-256.
pub const HEADER_LEN: usize = 8 + 4 + 8 + DIGEST_LEN;

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
    seal(&encoded)
}

/// Wraps an encoded body in a current-version header with its checksum. Public for the fuzz
/// entry point, which seals arbitrary bytes to reach the body decoder behind the checksum.
pub fn seal(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + body.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&[0; DIGEST_LEN]);
    out.extend_from_slice(body);
    let digest = digest(&out);
    out[HEADER_LEN - DIGEST_LEN..HEADER_LEN].copy_from_slice(&digest);
    out
}

/// SHA-256 of a whole file with its digest field skipped.
fn digest(file: &[u8]) -> [u8; DIGEST_LEN] {
    let mut h = Sha256::new();
    h.update(&file[..HEADER_LEN - DIGEST_LEN]);
    h.update(&file[HEADER_LEN..]);
    h.finalize().into()
}

/// Checks the header and the checksum and returns the format version and the body; every
/// failure is in plain words.
fn open<'a>(bytes: &'a [u8], path: &Path) -> Result<(u32, &'a [u8]), ModelError> {
    let corrupt = |reason: String| ModelError::CorruptCheckpoint {
        path: path.to_path_buf(),
        reason,
    };
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err(corrupt(
            "it does not start with the checkpoint marker `FSPINNCK` (not an fspinn checkpoint, or its first bytes are damaged)".into(),
        ));
    }
    if bytes.len() < 12 {
        return Err(corrupt(format!(
            "truncated: {} bytes, the header alone is {HEADER_LEN}",
            bytes.len()
        )));
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if UNCHECKED_VERSIONS.contains(&version)
        && bytes.len() >= OLD_HEADER_LEN
        && u64::from_le_bytes(bytes[12..20].try_into().expect("8 bytes"))
            == (bytes.len() - OLD_HEADER_LEN) as u64
    {
        return Err(ModelError::OldCheckpoint {
            path: path.to_path_buf(),
            found: version,
            current: FORMAT_VERSION,
        });
    }
    if !(V4..=FORMAT_VERSION).contains(&version) {
        return Err(corrupt(format!(
            "unknown format version {version} (this build reads versions {V4} to {FORMAT_VERSION}): the header is damaged, or a newer build wrote the file"
        )));
    }
    if bytes.len() < HEADER_LEN {
        return Err(corrupt(format!(
            "truncated: {} bytes, the header alone is {HEADER_LEN}",
            bytes.len()
        )));
    }
    let len = u64::from_le_bytes(bytes[12..20].try_into().expect("8 bytes"));
    let body = &bytes[HEADER_LEN..];
    if body.len() as u64 != len {
        return Err(corrupt(if (body.len() as u64) < len {
            format!(
                "truncated: the header announces {len} bytes of contents, the file holds {}",
                body.len()
            )
        } else {
            format!(
                "the header announces {len} bytes of contents, the file holds {} (damaged length, or bytes appended)",
                body.len()
            )
        }));
    }
    if digest(bytes)[..] != bytes[HEADER_LEN - DIGEST_LEN..HEADER_LEN] {
        return Err(corrupt(
            "checksum mismatch: the file changed after it was written (damaged on disk or in transfer, or edited)".into(),
        ));
    }
    Ok((version, body))
}

/// Decodes checkpoint bytes read from `path` (named in errors).
pub fn from_bytes(bytes: &[u8], path: &Path) -> Result<Trainer, ModelError> {
    let corrupt = |reason: String| ModelError::CorruptCheckpoint {
        path: path.to_path_buf(),
        reason,
    };
    let (version, body_bytes) = open(bytes, path)?;
    let decode = || postcard::take_from_bytes::<Body>(body_bytes);
    let layout = |version| crate::fspinn::with_checkpoint_layout(version, decode);
    // Builds from 7229d05 to f26a6cf wrote the version 5 layout under the version 4 header,
    // earlier ones the version 4 layout: a version 4 body that does not decode whole as the
    // first is read as the second (docs/checkpoints.md, "Older files").
    let mut decoded = match version {
        V4 | V5 => layout(V5),
        V6 => layout(V6),
        _ => decode(),
    };
    if version == V4 && !matches!(decoded, Ok((_, []))) {
        if let Ok((body, [])) = layout(V4) {
            decoded = Ok((body, &[]));
        }
    }
    let body: Body = match decoded {
        Ok((body, [])) => body,
        Ok((_, rest)) => {
            return Err(corrupt(format!(
                "{} unexpected bytes after the contents (written by a different program?)",
                rest.len()
            )))
        }
        Err(_) => {
            return Err(corrupt(
                "the contents do not decode as a checkpoint although the checksum matches (written by a different or faulty program)".into(),
            ))
        }
    };
    values::check_body(&body).map_err(corrupt)?;
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

#[cfg(test)]
mod tests;
