//! MNIST / Fashion-MNIST data: locating, reading (IDX, gzipped or not), verifying, downloading, built-in subset.
//!
//! The data root (from `--data-dir`, else `FSPINN_DATA`) holds one directory per
//! dataset, `mnist/` and `fashion-mnist/`, each with the four standard IDX files
//! (`train-images-idx3-ubyte.gz`, `train-labels-idx1-ubyte.gz`, `t10k-…`). Files are
//! checked against the catalogued SHA-256 sums of the originals (or of their
//! decompressed content, so re-compressed copies such as Debian's are accepted).

mod builtin;
mod catalog;
mod dataset;
mod error;
mod fetch;
pub mod idx;
mod kind;
mod load;
mod locate;

pub use builtin::{builtin, try_builtin, BuiltinFile, BUILTIN_FILES};
pub use catalog::{
    entries as catalog_entries, entry as catalog_entry, CatalogEntry, Checksums, CATALOG,
};
pub use dataset::Dataset;
pub use error::{ChecksumMismatch, DataError};
pub use fetch::{default_mirrors, fetch, FASHION_MNIST_MIRRORS, MAX_DOWNLOAD_BYTES, MNIST_MIRRORS};
pub use kind::{candidate_names, file_stem, DatasetKind, FileRole, Split};
pub use load::{check, find_file, load, FileReport, LoadOptions};
pub use locate::{locate, resolve_root, RootSource, DATA_ENV, DEBIAN_FASHION_MNIST_DIR};
