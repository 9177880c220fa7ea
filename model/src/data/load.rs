//! Loading a split from a dataset directory, and checking all files of a dataset without loading it.

use std::path::{Path, PathBuf};

use super::catalog::{self, CatalogEntry, Checksums};
use super::dataset::Dataset;
use super::error::{ChecksumMismatch, DataError};
use super::idx::{self, Expect, IdxData};
use super::kind::{candidate_names, DatasetKind, FileRole, Split};

/// How to load a split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadOptions {
    /// Keep only the first K images and labels (after the whole files were verified),
    /// for quick experiments.
    pub limit: Option<usize>,
    /// Check the files against the catalogued SHA-256 sums. Turn off only for
    /// custom IDX files that are not the published MNIST / Fashion-MNIST.
    pub verify_checksum: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            limit: None,
            verify_checksum: true,
        }
    }
}

/// Loads one split from `dataset_dir` (e.g. `ROOT/mnist`), accepting the files gzipped
/// or not, and verifying structure, counts, labels and (unless turned off) checksums.
pub fn load(
    dataset_dir: &Path,
    kind: DatasetKind,
    split: Split,
    opts: &LoadOptions,
) -> Result<Dataset, DataError> {
    let images_path = find_file(dataset_dir, split, FileRole::Images)?;
    let labels_path = find_file(dataset_dir, split, FileRole::Labels)?;
    let images = read_role(&images_path, kind, FileRole::Images)?;
    if opts.verify_checksum {
        verify(
            &images_path,
            &images,
            &catalog::entry(kind, split, FileRole::Images).checksums,
        )?;
    }
    let labels = read_role(&labels_path, kind, FileRole::Labels)?;
    if opts.verify_checksum {
        verify(
            &labels_path,
            &labels,
            &catalog::entry(kind, split, FileRole::Labels).checksums,
        )?;
    }
    assemble(
        kind,
        split,
        images,
        &images_path,
        labels,
        &labels_path,
        opts.limit,
    )
}

/// Finds the file for `split`/`role` in `dir` under any accepted name (see [`candidate_names`]).
pub fn find_file(dir: &Path, split: Split, role: FileRole) -> Result<PathBuf, DataError> {
    let names = candidate_names(split, role);
    if let Some(p) = names.iter().map(|n| dir.join(n)).find(|p| p.is_file()) {
        return Ok(p);
    }
    let detail = if dir.is_dir() {
        format!(
            "no {split} {} file (looked for {})",
            role.name(),
            names.join(", ")
        )
    } else {
        format!("is not a directory (expected it to hold {})", names[0])
    };
    Err(DataError::MissingFile {
        dir: dir.to_path_buf(),
        detail,
    })
}

/// Reads a file of the given role with the dataset's expected image size.
pub(crate) fn read_role(
    path: &Path,
    kind: DatasetKind,
    role: FileRole,
) -> Result<IdxData, DataError> {
    idx::read_path(path, expect(kind, role))
}

pub(crate) fn expect(kind: DatasetKind, role: FileRole) -> Expect {
    match role {
        FileRole::Images => Expect::Images {
            dims: Some(kind.image_dims()),
        },
        FileRole::Labels => Expect::Labels,
    }
}

/// Errors with [`DataError::Checksum`] unless `data`'s hashes are accepted by `sums`.
pub(crate) fn verify(path: &Path, data: &IdxData, sums: &Checksums) -> Result<(), DataError> {
    if sums.accepts(&data.file_sha256, &data.content_sha256) {
        return Ok(());
    }
    Err(DataError::Checksum(Box::new(ChecksumMismatch {
        path: path.to_path_buf(),
        expected_file: sums.file_sha256.to_string(),
        expected_content: sums.content_sha256.to_string(),
        actual_file: data.file_sha256.clone(),
        actual_content: data.content_sha256.clone(),
        gzipped: data.gzipped,
    })))
}

/// Cross-checks an images and a labels file and turns them into a [`Dataset`].
pub(crate) fn assemble(
    kind: DatasetKind,
    split: Split,
    images: IdxData,
    images_path: &Path,
    labels: IdxData,
    labels_path: &Path,
    limit: Option<usize>,
) -> Result<Dataset, DataError> {
    if images.count != labels.count {
        return Err(DataError::CountMismatch {
            images_path: images_path.to_path_buf(),
            images: images.count,
            labels_path: labels_path.to_path_buf(),
            labels: labels.count,
        });
    }
    if let Some((index, &value)) = labels.data.iter().enumerate().find(|(_, &l)| l > 9) {
        return Err(DataError::BadLabel {
            path: labels_path.to_path_buf(),
            index,
            value,
        });
    }
    let mut ds = Dataset::from_parts(
        kind,
        split,
        images.rows,
        images.cols,
        images.data,
        labels.data,
    )?;
    if let Some(n) = limit {
        ds.truncate(n);
    }
    Ok(ds)
}

/// The outcome of checking one expected file, for `fspinn data check` style reports.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileReport {
    /// The file found, or the standard name in the directory when it is missing.
    pub path: PathBuf,
    /// Size on disk (0 if missing).
    pub bytes: u64,
    /// SHA-256 of the file on disk (empty if it could not be read).
    pub sha256: String,
    /// Whether the file is complete, well-formed and the catalogued one.
    pub ok: bool,
    /// What is wrong, when `ok` is false.
    pub problem: Option<String>,
    /// Number of images or labels in the file (0 if it could not be parsed).
    pub count: usize,
}

/// Verifies all four files of `kind` in `dataset_dir` and reports on each, in the
/// order train images, train labels, test images, test labels. Never fails: every
/// problem (missing, damaged, wrong checksum) ends up in a report.
pub fn check(dataset_dir: &Path, kind: DatasetKind) -> Vec<FileReport> {
    catalog::entries(kind)
        .map(|entry| check_one(dataset_dir, kind, entry))
        .collect()
}

fn check_one(dir: &Path, kind: DatasetKind, entry: &CatalogEntry) -> FileReport {
    let path = match find_file(dir, entry.split, entry.role) {
        Ok(p) => p,
        Err(e) => {
            return FileReport {
                path: dir.join(entry.file_name),
                bytes: 0,
                sha256: String::new(),
                ok: false,
                problem: Some(e.to_string()),
                count: 0,
            }
        }
    };
    match read_role(&path, kind, entry.role) {
        Ok(data) => {
            let problem = verify(&path, &data, &entry.checksums)
                .err()
                .map(|e| e.to_string());
            FileReport {
                path,
                bytes: data.file_bytes,
                sha256: data.file_sha256,
                ok: problem.is_none(),
                problem,
                count: data.count,
            }
        }
        Err(e) => {
            let (sha256, bytes) = idx::hash_file(&path).unwrap_or_default();
            FileReport {
                path,
                bytes,
                sha256,
                ok: false,
                problem: Some(e.to_string()),
                count: 0,
            }
        }
    }
}
