//! A small MNIST subset embedded in the binary (first 1000 train / 300 test items) for demos and tests.

use std::path::Path;

use super::catalog::Checksums;
use super::dataset::Dataset;
use super::error::DataError;
use super::idx;
use super::kind::{DatasetKind, FileRole, Split};
use super::load::{assemble, expect};

/// One embedded file of the built-in subset, with the checksums listed in
/// `model/data/mnist-subset/README.md`.
#[derive(Clone, Copy, Debug)]
pub struct BuiltinFile {
    pub split: Split,
    pub role: FileRole,
    pub file_name: &'static str,
    /// Number of images or labels.
    pub count: usize,
    pub checksums: Checksums,
    /// The gzipped IDX bytes.
    pub bytes: &'static [u8],
}

macro_rules! subset_file {
    ($split:ident, $role:ident, $name:literal, $count:literal, $fsha:literal, $csha:literal) => {
        BuiltinFile {
            split: Split::$split,
            role: FileRole::$role,
            file_name: $name,
            count: $count,
            checksums: Checksums {
                file_sha256: $fsha,
                content_sha256: $csha,
            },
            bytes: include_bytes!(concat!("../../data/mnist-subset/", $name)),
        }
    };
}

/// The embedded files: MNIST, first 1000 training and first 300 test images and labels.
pub const BUILTIN_FILES: [BuiltinFile; 4] = [
    subset_file!(
        Train,
        Images,
        "train-images-idx3-ubyte.gz",
        1000,
        "2ac99ff5a3d8394892213fcbf0383ba98c1a173e282a74877fccaae87917f1db",
        "386bb018796babeaca208787b77c1b9db39532c4098951ea35f4694e744eb4b7"
    ),
    subset_file!(
        Train,
        Labels,
        "train-labels-idx1-ubyte.gz",
        1000,
        "2b1badd59c4bc6a1efc4497b4b464fcc1877ebddc952bd4753a017c8b0f7fc26",
        "895f65588e45d05babf0b5fa7aee2a0d782d8143b40b5764e596df91bc9dddeb"
    ),
    subset_file!(
        Test,
        Images,
        "t10k-images-idx3-ubyte.gz",
        300,
        "5a4692a138b43b19b46ac497e8e142ff86e4cd01b052922c25001dbba0770a75",
        "a9a5d0682475616b56440a6cd9a827ca0c60ef0cc87364ccb494b2db9a4798c7"
    ),
    subset_file!(
        Test,
        Labels,
        "t10k-labels-idx1-ubyte.gz",
        300,
        "185791a2ad3289bdf7346985b52c685115943c6759d2aed29463ceb73ae778ba",
        "b526ed4c1d2c33c1a843db264a7d2e7fba30a52835c92ab3aba6dd35265c3c1e"
    ),
];

/// The embedded MNIST subset for `split` (1000 train / 300 test images), so demos and
/// tests work without any data directory. Parsed and checksum-verified like files on disk.
///
/// # Panics
/// Only if the embedded files are damaged, which the crate's tests rule out.
pub fn builtin(split: Split) -> Dataset {
    try_builtin(split).unwrap_or_else(|e| panic!("embedded MNIST subset is damaged: {e}"))
}

/// [`builtin`], returning the error instead of panicking.
pub fn try_builtin(split: Split) -> Result<Dataset, DataError> {
    let file = |role| {
        let f = BUILTIN_FILES
            .iter()
            .find(|f| f.split == split && f.role == role)
            .expect("BUILTIN_FILES covers both splits and roles");
        let path = Path::new("<builtin mnist-subset>").join(f.file_name);
        let data = idx::read_from(
            f.bytes,
            Some(f.bytes.len() as u64),
            &path,
            expect(DatasetKind::Mnist, role),
        )?;
        super::load::verify(&path, &data, &f.checksums)?;
        Ok::<_, DataError>((data, path))
    };
    let (images, images_path) = file(FileRole::Images)?;
    let (labels, labels_path) = file(FileRole::Labels)?;
    assemble(
        DatasetKind::Mnist,
        split,
        images,
        &images_path,
        labels,
        &labels_path,
        None,
    )
}
