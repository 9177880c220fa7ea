//! Downloading the original .gz files from public mirrors: temp file, full verification, then rename.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::catalog::{self, CatalogEntry};
use super::error::DataError;
use super::idx;
use super::kind::DatasetKind;
use super::load::{expect, find_file, read_role, verify};

/// MNIST mirrors, tried in order (torchvision's, then TensorFlow's); both serve the original files.
pub const MNIST_MIRRORS: &[&str] = &[
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
];

/// The Fashion-MNIST mirror named in the Fashion-MNIST README.
pub const FASHION_MNIST_MIRRORS: &[&str] =
    &["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"];

/// Largest download accepted (the biggest file is 26 MB); a misbehaving server cannot fill the disk.
pub const MAX_DOWNLOAD_BYTES: u64 = 64 << 20;

/// The default mirrors of a dataset, in the order they are tried.
pub fn default_mirrors(kind: DatasetKind) -> &'static [&'static str] {
    match kind {
        DatasetKind::Mnist => MNIST_MIRRORS,
        DatasetKind::FashionMnist => FASHION_MNIST_MIRRORS,
    }
}

/// Downloads the four original .gz files of `kind` into `ROOT/<dir_name>/`, from `mirror`
/// (a base URL; file names are appended) or else from the default mirrors in turn.
///
/// Files already present (under any accepted name) and verified are skipped. Each
/// download goes to a temporary file in the same directory, is checked completely (IDX
/// structure and SHA-256) and only then renamed into place, so an interrupted or bad
/// download never leaves a file that looks valid. Returns the path of each of the four
/// files now in place and verified (downloaded or already present), in catalogue order.
pub fn fetch(
    root: &Path,
    kind: DatasetKind,
    mirror: Option<&str>,
) -> Result<Vec<PathBuf>, DataError> {
    let dir = root.join(kind.dir_name());
    fs::create_dir_all(&dir).map_err(DataError::io(&dir))?;
    let bases: Vec<&str> = match mirror {
        Some(m) => vec![m],
        None => default_mirrors(kind).to_vec(),
    };
    let agent = agent();
    let mut files = Vec::new();
    for entry in catalog::entries(kind) {
        if let Some(present) = already_present(&dir, kind, entry) {
            files.push(present);
            continue;
        }
        let dest = dir.join(entry.file_name);
        let mut failures = Vec::new();
        for base in &bases {
            let url = join_url(base, entry.file_name);
            match download(&agent, &url, &dir, &dest, kind, entry) {
                Ok(()) => break,
                Err(problem) => failures.push(format!("{url}: {problem}")),
            }
        }
        if failures.len() == bases.len() {
            return Err(DataError::Download {
                path: dest,
                detail: failures.join("; "),
            });
        }
        files.push(dest);
    }
    Ok(files)
}

/// The file the loader would pick for `entry`, if it exists and verifies.
fn already_present(dir: &Path, kind: DatasetKind, entry: &CatalogEntry) -> Option<PathBuf> {
    let path = find_file(dir, entry.split, entry.role).ok()?;
    read_role(&path, kind, entry.role)
        .and_then(|data| verify(&path, &data, &entry.checksums))
        .ok()?;
    Some(path)
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(30)))
        .timeout_recv_response(Some(Duration::from_secs(60)))
        .timeout_per_read(Some(Duration::from_secs(60)))
        .user_agent(concat!("fspinn/", env!("CARGO_PKG_VERSION")))
        .build()
        .new_agent()
}

/// `base` + `name`, with exactly one `/` between them.
fn join_url(base: &str, name: &str) -> String {
    format!("{}/{name}", base.trim_end_matches('/'))
}

/// Downloads `url` into a temp file in `dir`, verifies it against `entry`, and renames it to `dest`.
/// Returns a short description of the problem (the caller adds URL and destination).
fn download(
    agent: &ureq::Agent,
    url: &str,
    dir: &Path,
    dest: &Path,
    kind: DatasetKind,
    entry: &CatalogEntry,
) -> Result<(), String> {
    let response = agent.get(url).call().map_err(|e| e.to_string())?;
    let mut body = response
        .into_body()
        .into_with_config()
        .limit(MAX_DOWNLOAD_BYTES)
        .reader();
    let mut tmp = TempFile::create(dir, entry.file_name).map_err(|e| e.to_string())?;
    {
        let mut w = BufWriter::with_capacity(1 << 16, &mut tmp.file);
        io::copy(&mut body, &mut w).map_err(|e| format!("reading the response: {e}"))?;
        w.flush()
            .map_err(|e| format!("{}: {e}", tmp.path.display()))?;
    }
    let len = tmp.file.seek(SeekFrom::End(0)).map_err(|e| e.to_string())?;
    tmp.file
        .seek(SeekFrom::Start(0))
        .map_err(|e| e.to_string())?;
    let data = idx::read_from(
        &tmp.file,
        Some(len),
        Path::new(url),
        expect(kind, entry.role),
    )
    .map_err(|e| format!("the downloaded file is not usable: {e}"))?;
    if !entry
        .checksums
        .accepts(&data.file_sha256, &data.content_sha256)
    {
        return Err(format!(
            "SHA-256 mismatch: downloaded {}, expected {}",
            data.file_sha256, entry.checksums.file_sha256
        ));
    }
    tmp.file
        .sync_all()
        .map_err(|e| format!("{}: {e}", tmp.path.display()))?;
    tmp.persist(dest)
        .map_err(|e| format!("renaming into {}: {e}", dest.display()))
}

/// A temporary file that is deleted on drop unless persisted.
struct TempFile {
    path: PathBuf,
    file: File,
    keep: bool,
}

impl TempFile {
    fn create(dir: &Path, name: &str) -> Result<TempFile, DataError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!(".{name}.{}-{n}.part.tmp", std::process::id()));
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(DataError::io(&path))?;
        Ok(TempFile {
            path,
            file,
            keep: false,
        })
    }

    fn persist(mut self, dest: &Path) -> io::Result<()> {
        fs::rename(&self.path, dest)?;
        self.keep = true;
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_file(&self.path);
        }
    }
}
