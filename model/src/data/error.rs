//! The error type of the data module: every message names the file (or URL) and what is wrong with it.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// Everything that can go wrong while finding, reading, verifying or downloading a dataset.
///
/// Messages are meant to be shown to a user as they are: each names the file
/// (or directory / URL) and the problem, and says what to do where that is not obvious.
/// Underlying I/O errors are part of the message rather than a `source()`, so
/// printing the error chain does not repeat them.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    /// Opening or reading a file failed at the operating-system level.
    #[error("{}: {err}", path.display())]
    Io { path: PathBuf, err: io::Error },

    /// None of the accepted file names for an expected file exists in the dataset directory.
    #[error("{}: {detail}", dir.display())]
    MissingFile { dir: PathBuf, detail: String },

    /// The IDX magic number is not the one expected (wrong file, wrong element type or dimension count).
    /// `detail` says what was expected and why the number found does not fit.
    #[error(
        "{}: bad magic number {found:#010x}, expected {expected:#010x} {detail}",
        path.display()
    )]
    BadMagic {
        path: PathBuf,
        found: u32,
        expected: u32,
        detail: String,
    },

    /// The dimensions in the IDX header are unusable (zero, or not the dataset's image size).
    #[error("{}: bad dimensions: {detail}", path.display())]
    BadDims { path: PathBuf, detail: String },

    /// The file holds less data than its header promises.
    #[error("{}: truncated: {detail}", path.display())]
    Truncated { path: PathBuf, detail: String },

    /// The file holds more data than its header promises.
    #[error("{}: trailing data: {detail}", path.display())]
    TrailingData { path: PathBuf, detail: String },

    /// The header claims more data than the file could possibly hold, so it is not even read.
    #[error("{}: implausible header: {detail}", path.display())]
    TooLarge { path: PathBuf, detail: String },

    /// The file starts like gzip but the compressed stream is damaged.
    #[error("{}: damaged gzip stream: {err}", path.display())]
    Gzip { path: PathBuf, err: io::Error },

    /// The image and label files of one split disagree on the number of items.
    #[error(
        "{}: {images} images, but {} has {labels} labels",
        images_path.display(),
        labels_path.display()
    )]
    CountMismatch {
        images_path: PathBuf,
        images: usize,
        labels_path: PathBuf,
        labels: usize,
    },

    /// A label is not a valid class index (0..=9).
    #[error("{}: label {value} at index {index} is out of range 0..=9", path.display())]
    BadLabel {
        path: PathBuf,
        index: usize,
        value: u8,
    },

    /// The file is well-formed but is not the catalogued original (nor a re-compressed copy of it).
    #[error("{0}")]
    Checksum(Box<ChecksumMismatch>),

    /// No data directory could be determined, or the one given lacks the dataset.
    #[error(
        "{detail}. Pass --data-dir DIR (a directory holding mnist/ and fashion-mnist/), \
         set FSPINN_DATA=DIR, or run `fspinn data fetch` to download the files"
    )]
    NoDataDir { detail: String },

    /// A download failed on every mirror tried; `detail` lists each URL and its failure.
    #[error("{}: download failed: {detail}", path.display())]
    Download { path: PathBuf, detail: String },

    /// A dataset name on the command line or in a config is not known.
    #[error("unknown dataset '{name}': expected one of mnist, fashion-mnist")]
    UnknownDataset { name: String },

    /// A split name on the command line or in a config is not known.
    #[error("unknown split '{name}': expected one of train, test")]
    UnknownSplit { name: String },

    /// In-memory parts handed to `Dataset::from_parts` do not fit together.
    #[error("inconsistent dataset parts: {detail}")]
    Shape { detail: String },
}

/// Details of a [`DataError::Checksum`] (boxed to keep `DataError` small).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChecksumMismatch {
    /// The file that failed verification.
    pub path: PathBuf,
    /// Catalogued SHA-256 of the original (gzip) file.
    pub expected_file: String,
    /// Catalogued SHA-256 of the decompressed content.
    pub expected_content: String,
    /// SHA-256 of the file as stored.
    pub actual_file: String,
    /// SHA-256 of its decompressed content (same as `actual_file` for uncompressed files).
    pub actual_content: String,
    /// Whether the file was gzip-compressed.
    pub gzipped: bool,
}

impl fmt::Display for ChecksumMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: SHA-256 mismatch: ", self.path.display())?;
        if self.gzipped {
            write!(
                f,
                "the file has {} and its decompressed content {}",
                self.actual_file, self.actual_content
            )?;
        } else {
            write!(f, "the (uncompressed) file has {}", self.actual_content)?;
        }
        write!(
            f,
            "; expected {} (original .gz) or {} (decompressed content). The file is damaged \
             or not the original; for custom IDX files turn verification off (--no-verify, or \
             LoadOptions {{ verify_checksum: false, .. }})",
            self.expected_file, self.expected_content
        )
    }
}

impl DataError {
    /// Builds an [`DataError::Io`] for `path`; a small helper for `map_err`.
    pub(crate) fn io(path: &Path) -> impl FnOnce(io::Error) -> DataError + '_ {
        move |err| DataError::Io {
            path: path.to_path_buf(),
            err,
        }
    }
}
