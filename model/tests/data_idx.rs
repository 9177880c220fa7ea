//! IDX reader and loader on small hand-made files: every error case, and valid files parsed exactly.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;
use flate2::Compression;
use fspinn_model::data::{
    self, check, idx, load, DataError, Dataset, DatasetKind, FileRole, LoadOptions, Split,
};

const PIX: usize = 28 * 28;

fn images_idx(count: u32, rows: u32, cols: u32, pixels: &[u8]) -> Vec<u8> {
    let mut v = 0x0000_0803u32.to_be_bytes().to_vec();
    for d in [count, rows, cols] {
        v.extend_from_slice(&d.to_be_bytes());
    }
    v.extend_from_slice(pixels);
    v
}

fn labels_idx(count: u32, labels: &[u8]) -> Vec<u8> {
    let mut v = 0x0000_0801u32.to_be_bytes().to_vec();
    v.extend_from_slice(&count.to_be_bytes());
    v.extend_from_slice(labels);
    v
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// Pixel value of image `i` at position `p` in the test pattern.
fn pattern(i: usize, p: usize) -> u8 {
    ((i * 31 + p * 7) % 256) as u8
}

fn pixels(n: usize) -> Vec<u8> {
    (0..n)
        .flat_map(|i| (0..PIX).map(move |p| pattern(i, p)))
        .collect()
}

/// A directory with train images/labels written as given (`None` = leave the file out).
fn dir_with(images: Option<(&str, Vec<u8>)>, labels: Option<(&str, Vec<u8>)>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [images, labels].into_iter().flatten() {
        fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

fn no_verify() -> LoadOptions {
    LoadOptions {
        limit: None,
        verify_checksum: false,
    }
}

fn load_train(dir: &Path, opts: &LoadOptions) -> Result<Dataset, DataError> {
    load(dir, DatasetKind::Mnist, Split::Train, opts)
}

fn good_pair(n: usize) -> (Vec<u8>, Vec<u8>) {
    let labels: Vec<u8> = (0..n).map(|i| (i * 3 % 10) as u8).collect();
    (
        images_idx(n as u32, 28, 28, &pixels(n)),
        labels_idx(n as u32, &labels),
    )
}

/// Loads with checksums off and returns the error message, asserting it names `file`.
fn load_err(dir: &tempfile::TempDir, file: &str) -> (DataError, String) {
    let err = load_train(dir.path(), &no_verify()).unwrap_err();
    let msg = err.to_string();
    let path = dir.path().join(file);
    assert!(
        msg.contains(&path.display().to_string()),
        "message should name {}: {msg}",
        path.display()
    );
    (err, msg)
}

const IMG: &str = "train-images-idx3-ubyte";
const LAB: &str = "train-labels-idx1-ubyte";
const IMG_GZ: &str = "train-images-idx3-ubyte.gz";
const LAB_GZ: &str = "train-labels-idx1-ubyte.gz";

#[test]
fn valid_raw_file_parses_exactly() {
    let (img, lab) = good_pair(3);
    let dir = dir_with(Some((IMG, img)), Some((LAB, lab)));
    let ds = load_train(dir.path(), &no_verify()).unwrap();
    assert_eq!(
        (ds.len(), ds.rows, ds.cols, ds.pixels_per_image()),
        (3, 28, 28, PIX)
    );
    assert!(!ds.is_empty());
    assert_eq!(ds.labels(), &[0, 3, 6]);
    assert_eq!(ds.label(2), 6);
    for i in 0..3 {
        let im = ds.image(i);
        assert_eq!(im.len(), PIX);
        assert!(im.iter().enumerate().all(|(p, &v)| v == pattern(i, p)));
    }
    assert_eq!(ds.image(1)[5], pattern(1, 5));
    assert_eq!(ds.iter().count(), 3);
    assert_eq!((ds.kind, ds.split), (DatasetKind::Mnist, Split::Train));
}

#[test]
fn gzip_is_detected_by_magic_not_name() {
    let (img, lab) = good_pair(2);
    // gzipped content under the uncompressed name, and raw content under the .gz name
    let dir = dir_with(Some((IMG, gz(&img))), Some((LAB_GZ, lab.clone())));
    let ds = load_train(dir.path(), &no_verify()).unwrap();
    assert_eq!(ds.len(), 2);
    assert_eq!(ds.image(1)[100], pattern(1, 100));

    let dir = dir_with(Some((IMG_GZ, gz(&img))), Some((LAB_GZ, gz(&lab))));
    let ds = load_train(dir.path(), &no_verify()).unwrap();
    assert_eq!(ds.labels(), &[0, 3]);

    // the dotted spelling of the original archives is accepted too
    let dir = dir_with(
        Some(("train-images.idx3-ubyte", img)),
        Some(("train-labels.idx1-ubyte.gz", gz(&lab))),
    );
    assert_eq!(load_train(dir.path(), &no_verify()).unwrap().len(), 2);
}

#[test]
fn gz_is_preferred_over_raw_when_both_exist() {
    let (img, lab) = good_pair(2);
    let (img4, lab4) = good_pair(4);
    let dir = dir_with(Some((IMG, img)), Some((LAB, lab)));
    fs::write(dir.path().join(IMG_GZ), gz(&img4)).unwrap();
    fs::write(dir.path().join(LAB_GZ), gz(&lab4)).unwrap();
    assert_eq!(load_train(dir.path(), &no_verify()).unwrap().len(), 4);
}

#[test]
fn limit_keeps_the_first_items() {
    let (img, lab) = good_pair(5);
    let dir = dir_with(Some((IMG, img)), Some((LAB, lab)));
    let opts = LoadOptions {
        limit: Some(2),
        verify_checksum: false,
    };
    let ds = load_train(dir.path(), &opts).unwrap();
    assert_eq!(ds.len(), 2);
    assert_eq!(ds.labels(), &[0, 3]);
    assert_eq!(ds.pixels().len(), 2 * PIX);
    assert_eq!(ds.image(1)[7], pattern(1, 7));
    let opts = LoadOptions {
        limit: Some(0),
        verify_checksum: false,
    };
    assert!(load_train(dir.path(), &opts).unwrap().is_empty());
    let opts = LoadOptions {
        limit: Some(99),
        verify_checksum: false,
    };
    assert_eq!(load_train(dir.path(), &opts).unwrap().len(), 5);
}

#[test]
fn bad_magic_names_file_found_and_expected() {
    let (_, lab) = good_pair(2);
    // a labels file where the images file should be
    let dir = dir_with(Some((IMG_GZ, gz(&lab))), Some((LAB, lab.clone())));
    let (err, msg) = load_err(&dir, IMG_GZ);
    assert!(matches!(
        err,
        DataError::BadMagic {
            found: 0x801,
            expected: 0x803,
            ..
        }
    ));
    assert!(
        msg.contains(
            "train-images-idx3-ubyte.gz: bad magic number 0x00000801, expected 0x00000803 \
             (IDX unsigned-byte 3-D images)"
        ),
        "{msg}"
    );
    assert!(msg.contains("labels file"), "{msg}");

    // not IDX at all
    let dir = dir_with(
        Some((IMG, b"hello, world, this is text".to_vec())),
        Some((LAB, lab.clone())),
    );
    let (_, msg) = load_err(&dir, IMG);
    assert!(msg.contains("not an IDX file"), "{msg}");

    // float element type
    let mut img = images_idx(1, 28, 28, &[0; PIX * 4]);
    img[2] = 0x0d;
    let dir = dir_with(Some((IMG, img)), Some((LAB, labels_idx(1, &[1]))));
    let (_, msg) = load_err(&dir, IMG);
    assert!(
        msg.contains("0x00000d03") && msg.contains("element type 0x0d"),
        "{msg}"
    );

    // an images file where the labels should be
    let (img, _) = good_pair(1);
    let dir = dir_with(Some((IMG, img.clone())), Some((LAB, img)));
    let (_, msg) = load_err(&dir, LAB);
    assert!(
        msg.contains("expected 0x00000801") && msg.contains("3 dimension(s), expected 1"),
        "{msg}"
    );
}

#[test]
fn wrong_dims_are_rejected() {
    let lab = labels_idx(1, &[1]);
    let dir = dir_with(
        Some((IMG, images_idx(1, 20, 20, &[0; 400]))),
        Some((LAB, lab.clone())),
    );
    let (err, msg) = load_err(&dir, IMG);
    assert!(matches!(err, DataError::BadDims { .. }));
    assert!(msg.contains("20x20, expected 28x28"), "{msg}");

    let dir = dir_with(
        Some((IMG, images_idx(1, 0, 28, &[]))),
        Some((LAB, lab.clone())),
    );
    let (_, msg) = load_err(&dir, IMG);
    assert!(msg.contains("non-zero"), "{msg}");

    // the generic reader accepts other sizes when none is required
    let r = idx::read_from(
        &images_idx(2, 2, 3, &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])[..],
        None,
        Path::new("mem"),
        idx::Expect::Images { dims: None },
    )
    .unwrap();
    assert_eq!((r.count, r.rows, r.cols), (2, 2, 3));
    assert_eq!(r.data[11], 12);
}

#[test]
fn truncated_files_are_reported() {
    let (img, lab) = good_pair(2);
    let short = img[..img.len() - PIX].to_vec();
    // raw: caught from the file length, before reading
    let dir = dir_with(Some((IMG, short.clone())), Some((LAB, lab.clone())));
    let (err, msg) = load_err(&dir, IMG);
    assert!(matches!(err, DataError::Truncated { .. }), "{msg}");
    assert!(msg.contains("2 images"), "{msg}");

    // gz: a complete gzip stream holding too little
    let dir = dir_with(Some((IMG_GZ, gz(&short))), Some((LAB, lab.clone())));
    let (err, msg) = load_err(&dir, IMG_GZ);
    assert!(matches!(err, DataError::Truncated { .. }), "{msg}");

    // gz: the gzip file itself cut short
    let full = gz(&img);
    let dir = dir_with(
        Some((IMG_GZ, full[..full.len() / 2].to_vec())),
        Some((LAB, lab.clone())),
    );
    let (err, msg) = load_err(&dir, IMG_GZ);
    assert!(
        matches!(err, DataError::Truncated { .. } | DataError::Gzip { .. }),
        "{msg}"
    );

    // cut inside the header, raw and gz, and empty
    for bytes in [img[..10].to_vec(), gz(&img[..10]), Vec::new()] {
        let dir = dir_with(Some((IMG, bytes)), Some((LAB, lab.clone())));
        let (err, msg) = load_err(&dir, IMG);
        assert!(matches!(err, DataError::Truncated { .. }), "{msg}");
        assert!(msg.contains("header"), "{msg}");
    }

    // labels truncated
    let dir = dir_with(Some((IMG, img)), Some((LAB, lab[..lab.len() - 1].to_vec())));
    let (err, _) = load_err(&dir, LAB);
    assert!(matches!(err, DataError::Truncated { .. }));
}

#[test]
fn trailing_data_is_reported() {
    let (img, lab) = good_pair(2);
    let mut long = img.clone();
    long.extend_from_slice(&[0; 10]);
    let dir = dir_with(Some((IMG, long.clone())), Some((LAB, lab.clone())));
    let (err, msg) = load_err(&dir, IMG);
    assert!(matches!(err, DataError::TrailingData { .. }), "{msg}");

    let dir = dir_with(Some((IMG_GZ, gz(&long))), Some((LAB, lab.clone())));
    let (err, msg) = load_err(&dir, IMG_GZ);
    assert!(matches!(err, DataError::TrailingData { .. }), "{msg}");

    let mut lab_long = lab.clone();
    lab_long.push(1);
    let dir = dir_with(Some((IMG, img.clone())), Some((LAB_GZ, gz(&lab_long))));
    let (err, _) = load_err(&dir, LAB_GZ);
    assert!(matches!(err, DataError::TrailingData { .. }));

    // garbage after the gzip stream is a damaged gzip file
    let mut after = gz(&img);
    after.extend_from_slice(b"garbage!");
    let dir = dir_with(Some((IMG_GZ, after)), Some((LAB, lab)));
    let (err, msg) = load_err(&dir, IMG_GZ);
    assert!(matches!(err, DataError::TrailingData { .. }), "{msg}");
    assert!(msg.contains("not gzip"), "{msg}");
}

#[test]
fn concatenated_gzip_members_are_one_stream() {
    let (img, lab) = good_pair(3);
    let cut = 1000;
    let mut two = gz(&img[..cut]);
    two.extend_from_slice(&gz(&img[cut..]));
    let dir = dir_with(Some((IMG_GZ, two)), Some((LAB, lab)));
    let ds = load_train(dir.path(), &no_verify()).unwrap();
    assert_eq!(ds.len(), 3);
    assert_eq!(ds.image(2)[783], pattern(2, 783));
}

#[test]
fn huge_header_counts_in_tiny_files_do_not_allocate() {
    let lab = labels_idx(1, &[1]);
    // 4e9 images of 28x28 would be ~3 TB: must fail at once, raw, gz, and unknown length
    let huge = images_idx(4_000_000_000, 28, 28, &[7; 84]);
    assert!(huge.len() == 100);
    let dir = dir_with(Some((IMG, huge.clone())), Some((LAB, lab.clone())));
    let (err, msg) = load_err(&dir, IMG);
    assert!(matches!(err, DataError::Truncated { .. }), "{msg}");
    assert!(msg.contains("4000000000 images"), "{msg}");

    let dir = dir_with(Some((IMG_GZ, gz(&huge))), Some((LAB, lab.clone())));
    let (err, msg) = load_err(&dir, IMG_GZ);
    assert!(matches!(err, DataError::TooLarge { .. }), "{msg}");

    let err = idx::read_from(
        &huge[..],
        None,
        Path::new("stream"),
        idx::Expect::Images {
            dims: Some((28, 28)),
        },
    )
    .unwrap_err();
    assert!(matches!(err, DataError::Truncated { .. }), "{err}");

    // maximum dims overflow 64 bits
    let err = idx::read_from(
        &images_idx(u32::MAX, u32::MAX, u32::MAX, &[])[..],
        Some(16),
        Path::new("max"),
        idx::Expect::Images { dims: None },
    )
    .unwrap_err();
    assert!(matches!(err, DataError::TooLarge { .. }), "{err}");

    let dir = dir_with(
        Some((IMG, good_pair(1).0)),
        Some((LAB, labels_idx(u32::MAX, &[1, 2]))),
    );
    let (err, _) = load_err(&dir, LAB);
    assert!(matches!(err, DataError::Truncated { .. }));
}

#[test]
fn count_mismatch_names_both_files() {
    let (img, _) = good_pair(2);
    let dir = dir_with(
        Some((IMG, img)),
        Some((LAB_GZ, gz(&labels_idx(3, &[1, 2, 3])))),
    );
    let (err, msg) = load_err(&dir, IMG);
    assert!(matches!(
        err,
        DataError::CountMismatch {
            images: 2,
            labels: 3,
            ..
        }
    ));
    assert!(
        msg.contains(LAB_GZ) && msg.contains("2 images") && msg.contains("3 labels"),
        "{msg}"
    );
}

#[test]
fn out_of_range_label_is_rejected() {
    let (img, _) = good_pair(2);
    let dir = dir_with(Some((IMG, img)), Some((LAB, labels_idx(2, &[3, 12]))));
    let (err, msg) = load_err(&dir, LAB);
    assert!(
        matches!(
            err,
            DataError::BadLabel {
                index: 1,
                value: 12,
                ..
            }
        ),
        "{msg}"
    );
}

#[test]
fn missing_files_are_reported() {
    let (img, _) = good_pair(1);
    let dir = dir_with(Some((IMG, img)), None);
    let err = load_train(dir.path(), &no_verify()).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, DataError::MissingFile { .. }));
    assert!(
        msg.contains(&dir.path().display().to_string()) && msg.contains(LAB_GZ),
        "{msg}"
    );

    let nowhere = dir.path().join("no-such-dir");
    let msg = load_train(&nowhere, &no_verify()).unwrap_err().to_string();
    assert!(
        msg.contains("no-such-dir") && msg.contains("not a directory"),
        "{msg}"
    );
}

#[test]
fn checksum_mismatch_explains_and_offers_no_verify() {
    let (img, lab) = good_pair(2);
    let dir = dir_with(Some((IMG_GZ, gz(&img))), Some((LAB, lab)));
    let err = load_train(dir.path(), &LoadOptions::default()).unwrap_err();
    let msg = err.to_string();
    let DataError::Checksum(c) = &err else {
        panic!("expected a checksum error, got {msg}");
    };
    assert!(c.gzipped);
    let expected = data::catalog_entry(DatasetKind::Mnist, Split::Train, FileRole::Images);
    for needle in [
        IMG_GZ,
        expected.checksums.file_sha256,
        expected.checksums.content_sha256,
        c.actual_file.as_str(),
        c.actual_content.as_str(),
        "--no-verify",
        "verify_checksum: false",
    ] {
        assert!(msg.contains(needle), "missing {needle:?} in {msg}");
    }
}

#[test]
fn corrupt_gzip_stream_is_reported() {
    let (img, lab) = good_pair(3);
    let mut bad = gz(&img);
    let mid = bad.len() / 2;
    for b in &mut bad[mid..mid + 8] {
        *b ^= 0x5a;
    }
    let dir = dir_with(Some((IMG_GZ, bad)), Some((LAB, lab.clone())));
    let (err, msg) = load_err(&dir, IMG_GZ);
    assert!(matches!(err, DataError::Gzip { .. }), "{msg}");

    // damaged CRC in the trailer
    let mut bad_crc = gz(&img);
    let n = bad_crc.len();
    bad_crc[n - 8] ^= 0xff;
    let dir = dir_with(Some((IMG_GZ, bad_crc)), Some((LAB, lab.clone())));
    let (err, msg) = load_err(&dir, IMG_GZ);
    assert!(matches!(err, DataError::Gzip { .. }), "{msg}");
    assert!(msg.contains("damaged gzip stream"), "{msg}");

    // gzip magic followed by junk
    let dir = dir_with(
        Some((
            IMG_GZ,
            vec![0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
        )),
        Some((LAB, lab)),
    );
    let (err, msg) = load_err(&dir, IMG_GZ);
    assert!(
        matches!(err, DataError::Gzip { .. } | DataError::Truncated { .. }),
        "{msg}"
    );
}

#[test]
fn check_reports_every_file_without_panicking() {
    let (img, lab) = good_pair(2);
    let dir = dir_with(Some((IMG_GZ, gz(&img))), Some((LAB, lab[..5].to_vec())));
    let reports = check(dir.path(), DatasetKind::Mnist);
    assert_eq!(reports.len(), 4);
    assert!(reports.iter().all(|r| !r.ok && r.problem.is_some()));
    // wrong checksum: parsed, counted, hashed
    assert_eq!(reports[0].path, dir.path().join(IMG_GZ));
    assert_eq!(reports[0].count, 2);
    assert_eq!(reports[0].sha256.len(), 64);
    assert!(reports[0].problem.as_ref().unwrap().contains("SHA-256"));
    // truncated: hashed but not counted
    assert_eq!(reports[1].path, dir.path().join(LAB));
    assert_eq!((reports[1].bytes, reports[1].count), (5, 0));
    assert_eq!(reports[1].sha256.len(), 64);
    // missing test files
    assert_eq!(
        reports[2].path,
        dir.path().join("t10k-images-idx3-ubyte.gz")
    );
    assert_eq!(
        reports[3].path,
        dir.path().join("t10k-labels-idx1-ubyte.gz")
    );
    assert_eq!((reports[3].bytes, reports[3].sha256.as_str()), (0, ""));

    let nowhere: PathBuf = dir.path().join("absent");
    assert!(check(&nowhere, DatasetKind::FashionMnist)
        .iter()
        .all(|r| !r.ok));
}

#[test]
fn from_parts_checks_lengths_and_labels() {
    let ds = Dataset::from_parts(
        DatasetKind::FashionMnist,
        Split::Test,
        2,
        2,
        vec![1; 8],
        vec![0, 9],
    )
    .unwrap();
    assert_eq!(
        (ds.len(), ds.image(1), ds.label(1)),
        (2, &[1u8, 1, 1, 1][..], 9)
    );
    for (rows, cols, pixels, labels) in [
        (2, 2, vec![0; 7], vec![0, 1]),
        (0, 2, vec![], vec![]),
        (2, 2, vec![0; 8], vec![0, 10]),
        (usize::MAX, 2, vec![], vec![0]),
    ] {
        let err = Dataset::from_parts(DatasetKind::Mnist, Split::Train, rows, cols, pixels, labels)
            .unwrap_err();
        assert!(matches!(err, DataError::Shape { .. }), "{err}");
    }
}

#[test]
fn names_parse_and_print() {
    for kind in DatasetKind::ALL {
        assert_eq!(kind.to_string().parse::<DatasetKind>().unwrap(), kind);
        assert_eq!(kind.dir_name(), kind.to_string());
    }
    assert_eq!(
        "fashion-mnist".parse::<DatasetKind>().unwrap(),
        DatasetKind::FashionMnist
    );
    let msg = "cifar".parse::<DatasetKind>().unwrap_err().to_string();
    assert!(
        msg.contains("cifar") && msg.contains("mnist, fashion-mnist"),
        "{msg}"
    );
    assert_eq!(DatasetKind::FashionMnist.class_names()[9], "Ankle boot");
    assert_eq!(DatasetKind::Mnist.class_names()[3], "3");
    assert_eq!("test".parse::<Split>().unwrap(), Split::Test);
    assert!("val".parse::<Split>().is_err());
    assert_eq!(
        serde_json::to_string(&DatasetKind::FashionMnist).unwrap(),
        "\"fashion-mnist\""
    );
}

#[test]
fn errors_are_thread_safe_and_small() {
    fn assert_error<E: std::error::Error + Send + Sync + 'static>() {}
    assert_error::<DataError>();
    // kept small so errors embedding it (and Result<_, DataError>) stay cheap
    assert!(
        std::mem::size_of::<DataError>() <= 72,
        "{}",
        std::mem::size_of::<DataError>()
    );
}
