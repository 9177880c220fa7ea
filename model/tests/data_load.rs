//! Real MNIST / Fashion-MNIST from `FSPINN_DATA`: counts, first labels, checks, and accepted copies.
//! Skipped (with a note) when `FSPINN_DATA` is unset.

mod common;

use std::fs;
use std::io::{Read, Write};
use std::time::Instant;

use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use fspinn_model::data::{check, load, locate, DatasetKind, LoadOptions, Split};

fn first_labels(kind: DatasetKind, split: Split, n: usize) -> (usize, Vec<u8>) {
    let root = common::data_root("tests on the real datasets").unwrap();
    let dir = locate(Some(&root), kind).unwrap();
    let start = Instant::now();
    let ds = load(&dir, kind, split, &LoadOptions::default()).unwrap();
    eprintln!(
        "{kind} {split}: {} images in {:?}",
        ds.len(),
        start.elapsed()
    );
    assert_eq!((ds.rows, ds.cols), (28, 28));
    assert_eq!(ds.pixels().len(), ds.len() * 784);
    (ds.len(), ds.labels()[..n].to_vec())
}

#[test]
fn mnist_loads_with_known_counts_and_labels() {
    if common::data_root("tests on the real datasets").is_none() {
        return;
    }
    assert_eq!(
        first_labels(DatasetKind::Mnist, Split::Train, 5),
        (60_000, vec![5, 0, 4, 1, 9])
    );
    assert_eq!(
        first_labels(DatasetKind::Mnist, Split::Test, 5),
        (10_000, vec![7, 2, 1, 0, 4])
    );
}

#[test]
fn fashion_mnist_loads_with_known_counts_and_labels() {
    if common::data_root("tests on the real datasets").is_none() {
        return;
    }
    assert_eq!(
        first_labels(DatasetKind::FashionMnist, Split::Train, 5),
        (60_000, vec![9, 0, 0, 3, 0])
    );
    assert_eq!(
        first_labels(DatasetKind::FashionMnist, Split::Test, 5).0,
        10_000
    );
}

#[test]
fn mnist_pixel_statistics_match_provenance() {
    let Some(root) = common::data_root("tests on the real datasets") else {
        return;
    };
    let ds = load(
        &root.join("mnist"),
        DatasetKind::Mnist,
        Split::Test,
        &LoadOptions::default(),
    )
    .unwrap();
    let mean = ds.pixels().iter().map(|&p| p as f64).sum::<f64>() / ds.pixels().len() as f64;
    assert!((mean - 33.791).abs() < 0.001, "{mean}");
    let ones = ds.labels().iter().filter(|&&l| l == 1).count();
    assert_eq!(ones, 1135);
}

#[test]
fn check_passes_on_the_originals() {
    let Some(root) = common::data_root("tests on the real datasets") else {
        return;
    };
    for kind in DatasetKind::ALL {
        let reports = check(&root.join(kind.dir_name()), kind);
        assert_eq!(reports.len(), 4);
        for r in &reports {
            assert!(r.ok, "{r:?}");
            assert!(r.problem.is_none() && r.bytes > 0 && r.sha256.len() == 64);
        }
        let counts: Vec<usize> = reports.iter().map(|r| r.count).collect();
        assert_eq!(counts, [60_000, 60_000, 10_000, 10_000]);
    }
}

#[test]
fn limit_applies_after_verification() {
    let Some(root) = common::data_root("tests on the real datasets") else {
        return;
    };
    let opts = LoadOptions {
        limit: Some(3),
        verify_checksum: true,
    };
    let ds = load(
        &root.join("fashion-mnist"),
        DatasetKind::FashionMnist,
        Split::Train,
        &opts,
    )
    .unwrap();
    assert_eq!(ds.labels(), &[9, 0, 0]);
}

/// Copies that are not byte-identical (uncompressed, or re-gzipped like Debian's) are
/// accepted through the checksum of the decompressed content; damaged ones are not.
#[test]
fn uncompressed_and_recompressed_copies_verify() {
    let Some(root) = common::data_root("tests on the real datasets") else {
        return;
    };
    let src = root.join("mnist");
    let tmp = tempfile::tempdir().unwrap();
    let raw = |name: &str| {
        let mut v = Vec::new();
        GzDecoder::new(fs::File::open(src.join(format!("{name}.gz"))).unwrap())
            .read_to_end(&mut v)
            .unwrap();
        v
    };
    let images = raw("t10k-images-idx3-ubyte");
    let labels = raw("t10k-labels-idx1-ubyte");
    fs::write(tmp.path().join("t10k-images-idx3-ubyte"), &images).unwrap();
    let mut e = GzEncoder::new(Vec::new(), Compression::best());
    e.write_all(&labels).unwrap();
    fs::write(
        tmp.path().join("t10k-labels-idx1-ubyte.gz"),
        e.finish().unwrap(),
    )
    .unwrap();
    let ds = load(
        tmp.path(),
        DatasetKind::Mnist,
        Split::Test,
        &LoadOptions::default(),
    )
    .unwrap();
    assert_eq!(
        (ds.len(), &ds.labels()[..5]),
        (10_000, &[7u8, 2, 1, 0, 4][..])
    );

    // one changed pixel: structurally fine, but the checksum catches it
    let mut changed = images;
    changed[5000] ^= 1;
    fs::write(tmp.path().join("t10k-images-idx3-ubyte"), &changed).unwrap();
    let msg = load(
        tmp.path(),
        DatasetKind::Mnist,
        Split::Test,
        &LoadOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        msg.contains("SHA-256 mismatch") && msg.contains("--no-verify"),
        "{msg}"
    );
    let opts = LoadOptions {
        limit: None,
        verify_checksum: false,
    };
    assert_eq!(
        load(tmp.path(), DatasetKind::Mnist, Split::Test, &opts)
            .unwrap()
            .len(),
        10_000
    );
    // Fashion-MNIST checksums do not accept MNIST files
    let msg = load(
        &src,
        DatasetKind::FashionMnist,
        Split::Test,
        &LoadOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(msg.contains("SHA-256 mismatch"), "{msg}");
}
