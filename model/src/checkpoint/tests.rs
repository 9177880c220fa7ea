//! Damage and range tests of the checkpoint format: every byte of a small checkpoint of each
//! variant flipped, every truncation, and sealed bodies (valid checksum) holding bad values.

use super::*;
use crate::data::DatasetKind;
use crate::fspinn::{FspinnF32Params, FspinnParams};
use crate::params::BaselineParams;

const INPUTS: usize = 16;

fn trainer(params: NetworkParams, variant: crate::Variant) -> Trainer {
    let config = RunConfig {
        dataset: DatasetKind::Mnist,
        variant,
        neurons: 3,
        train_samples: 10,
        test_samples: 10,
        label_samples: 10,
        epochs: 1,
        seed: 5,
        params,
    };
    let mut t = Trainer::new(config, INPUTS).unwrap();
    t.assignments = Some(vec![Some(1), None, Some(9)]);
    t
}

fn variants() -> [(&'static str, Trainer); 3] {
    use crate::Variant::{Baseline, Fspinn};
    [
        (
            "baseline",
            trainer(NetworkParams::Baseline(BaselineParams::default()), Baseline),
        ),
        (
            "fspinn integer",
            trainer(NetworkParams::Fspinn(FspinnParams::default()), Fspinn),
        ),
        (
            "fspinn f32",
            trainer(
                NetworkParams::FspinnF32(FspinnF32Params {
                    fspinn: FspinnParams::default(),
                    post_quantize: false,
                }),
                Fspinn,
            ),
        ),
    ]
}

/// A refusal in plain words, with the file named and none of the decoder's jargon.
fn assert_clean(result: Result<Trainer, ModelError>, what: &str) -> String {
    let err = match result {
        Ok(_) => panic!("{what}: damaged checkpoint accepted"),
        Err(e) => e.to_string(),
    };
    assert!(
        err.starts_with("corrupt checkpoint x.ckpt: ")
            || err.starts_with("checkpoint x.ckpt was written by an older build"),
        "{what}: {err}"
    );
    for jargon in ["Serde", "serde", "varint", "Deserial", "usize"] {
        assert!(!err.contains(jargon), "{what}: {err}");
    }
    err
}

#[test]
fn every_flipped_byte_and_bit_and_every_truncation_is_refused() {
    let p = Path::new("x.ckpt");
    for (name, t) in variants() {
        let good = to_bytes(&t);
        assert!(from_bytes(&good, p).is_ok(), "{name}: intact file loads");
        for i in 0..good.len() {
            let mut bad = good.clone();
            bad[i] ^= 0xff;
            let err = assert_clean(from_bytes(&bad, p), &format!("{name}: byte {i} ^ 0xff"));
            assert!(err.starts_with("corrupt"), "{name}: byte {i}: {err}");
            let mut bad = good.clone();
            bad[i] ^= 1 << (i % 8);
            assert_clean(
                from_bytes(&bad, p),
                &format!("{name}: bit {} of byte {i}", i % 8),
            );
        }
        for n in 0..good.len() {
            assert_clean(from_bytes(&good[..n], p), &format!("{name}: {n} bytes"));
        }
        let mut longer = good.clone();
        longer.push(0);
        assert_clean(from_bytes(&longer, p), &format!("{name}: a byte appended"));
    }
}

#[test]
fn header_damage_is_explained() {
    let p = Path::new("x.ckpt");
    let good = to_bytes(&variants()[0].1);
    let err = assert_clean(from_bytes(b"hello world, not a checkpoint", p), "text");
    assert!(err.contains("FSPINNCK"), "{err}");
    let mut newer = good.clone();
    newer[8..12].copy_from_slice(&99u32.to_le_bytes());
    let err = assert_clean(from_bytes(&newer, p), "version 99");
    assert!(err.contains("unknown format version 99"), "{err}");
    let err = assert_clean(from_bytes(&good[..good.len() - 10], p), "truncated");
    assert!(err.contains("truncated"), "{err}");
    let mut edited = good.clone();
    let last = edited.len() - 1;
    edited[last] ^= 4;
    let err = assert_clean(from_bytes(&edited, p), "edited");
    assert!(err.contains("checksum mismatch"), "{err}");
}

#[test]
fn older_formats_are_refused_as_written_by_an_older_build() {
    let p = Path::new("x.ckpt");
    let t = &variants()[1].1;
    let good = to_bytes(t);
    // A version 2 file: magic, version, body length, body (no checksum).
    let body = &good[HEADER_LEN..];
    let mut old = MAGIC.to_vec();
    old.extend_from_slice(&2u32.to_le_bytes());
    old.extend_from_slice(&(body.len() as u64).to_le_bytes());
    old.extend_from_slice(body);
    let err = assert_clean(from_bytes(&old, p), "version 2");
    assert!(err.contains("older build (format version 2"), "{err}");
    assert!(matches!(
        from_bytes(&old, p),
        Err(ModelError::OldCheckpoint { found: 2, .. })
    ));
}

/// Decodes, edits and re-seals a body, so the values (not the checksum) are what is tested.
fn resealed(t: &Trainer, edit: impl FnOnce(&mut Body)) -> Vec<u8> {
    let bytes = to_bytes(t);
    let mut body: Body = postcard::from_bytes(&bytes[HEADER_LEN..]).unwrap();
    edit(&mut body);
    seal(&postcard::to_stdvec(&body).unwrap())
}

fn refused(t: &Trainer, edit: impl FnOnce(&mut Body)) -> String {
    assert_clean(
        from_bytes(&resealed(t, edit), Path::new("x.ckpt")),
        "values",
    )
}

#[test]
fn out_of_range_values_are_refused_with_the_field_named() {
    let [(_, base), (_, int), (_, flt)] = variants();
    let cases: Vec<(String, &str)> = vec![
        (
            refused(&base, |b| {
                if let LearnedState::Baseline { weights, .. } = &mut b.state {
                    weights[7] = f32::NAN;
                }
            }),
            "weights[7] = NaN",
        ),
        (
            refused(&base, |b| {
                if let LearnedState::Baseline { weights, .. } = &mut b.state {
                    weights[2] = 1e9;
                }
            }),
            "weights[2] = 1000000000",
        ),
        (
            refused(&base, |b| {
                if let LearnedState::Baseline { theta, .. } = &mut b.state {
                    theta[1] = f32::INFINITY;
                }
            }),
            "theta[1] = inf",
        ),
        (
            refused(&int, |b| {
                if let LearnedState::Fspinn { weights, .. } = &mut b.state {
                    weights[5] = u16::MAX;
                }
            }),
            "weights[5] = 65535",
        ),
        (
            refused(&int, |b| {
                if let LearnedState::Fspinn { theta, .. } = &mut b.state {
                    theta[0] = -1;
                }
            }),
            "theta[0] = -1",
        ),
        (
            refused(&int, |b| {
                if let LearnedState::Fspinn { inhibition, .. } = &mut b.state {
                    *inhibition = i32::MAX;
                }
            }),
            "inhibition = 2147483647",
        ),
        (
            refused(&flt, |b| {
                if let LearnedState::FspinnF32 { weights, .. } = &mut b.state {
                    weights[3] = f32::NAN;
                }
            }),
            "weights[3] = NaN",
        ),
        (
            refused(&flt, |b| {
                if let LearnedState::FspinnF32 { inhibition, .. } = &mut b.state {
                    *inhibition = f32::NEG_INFINITY;
                }
            }),
            "inhibition = -inf",
        ),
        (
            refused(&int, |b| {
                b.assignments = Some(vec![Some(1), Some(10), None])
            }),
            "assignments[1] = 10",
        ),
        (
            refused(&int, |b| b.assignments = Some(vec![Some(1)])),
            "1 label assignments for 3 neurons",
        ),
        (
            refused(&base, |b| b.n_inputs = 17),
            "do not fit 3 neurons x 17 inputs",
        ),
        (
            refused(&base, |b| b.config.neurons = 1_000_000_000),
            "neurons = 1000000000 is above the limit",
        ),
        (refused(&base, |b| b.samples_done = 11), "samples_done = 11"),
        (
            refused(&int, |b| {
                b.config.params = NetworkParams::Baseline(BaselineParams::default())
            }),
            "different variants",
        ),
    ];
    for (err, expected) in cases {
        assert!(err.contains(expected), "expected `{expected}` in: {err}");
    }
}

#[test]
fn a_resealed_unchanged_body_loads_and_round_trips() {
    for (name, t) in variants() {
        let bytes = resealed(&t, |_| {});
        assert_eq!(bytes, to_bytes(&t), "{name}");
        let back = from_bytes(&bytes, Path::new("x.ckpt")).unwrap();
        assert_eq!(to_bytes(&back), bytes, "{name}");
    }
}
