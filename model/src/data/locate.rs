//! Finding the data directory: `--data-dir` flag, then `FSPINN_DATA`, then Debian's Fashion-MNIST package.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

use super::error::DataError;
use super::kind::DatasetKind;

/// Environment variable naming the data root (the directory holding `mnist/` and `fashion-mnist/`).
pub const DATA_ENV: &str = "FSPINN_DATA";

/// Where Debian's `dataset-fashion-mnist` package installs Fashion-MNIST; used as a
/// last resort so Debian users need no configuration.
pub const DEBIAN_FASHION_MNIST_DIR: &str = "/usr/share/datasets/fashion-mnist";

/// Where a data root came from, so messages can tell the user which setting to fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RootSource {
    /// The `--data-dir` command-line flag.
    Flag,
    /// The `FSPINN_DATA` environment variable.
    Env,
}

impl fmt::Display for RootSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RootSource::Flag => "--data-dir",
            RootSource::Env => DATA_ENV,
        })
    }
}

/// The data root: the flag if given, else `FSPINN_DATA` if set and non-empty.
pub fn resolve_root(flag: Option<&Path>) -> Option<(PathBuf, RootSource)> {
    resolve_root_with(flag, std::env::var_os(DATA_ENV))
}

/// [`resolve_root`] with the environment value passed in (testable without touching the environment).
fn resolve_root_with(flag: Option<&Path>, env: Option<OsString>) -> Option<(PathBuf, RootSource)> {
    if let Some(f) = flag {
        return Some((f.to_path_buf(), RootSource::Flag));
    }
    env.filter(|v| !v.is_empty())
        .map(|v| (PathBuf::from(v), RootSource::Env))
}

/// The directory holding `kind`'s files: `ROOT/<dir_name>` for the root from the flag or
/// `FSPINN_DATA`; without either, Debian's Fashion-MNIST directory if it exists (Fashion-MNIST
/// only). Errors say how to provide the data.
pub fn locate(flag: Option<&Path>, kind: DatasetKind) -> Result<PathBuf, DataError> {
    locate_with(
        resolve_root(flag),
        kind,
        Path::new(DEBIAN_FASHION_MNIST_DIR),
    )
}

fn locate_with(
    root: Option<(PathBuf, RootSource)>,
    kind: DatasetKind,
    debian_dir: &Path,
) -> Result<PathBuf, DataError> {
    if let Some((root, source)) = root {
        let dir = root.join(kind.dir_name());
        if dir.is_dir() {
            return Ok(dir);
        }
        let hint = if !root.is_dir() {
            format!(
                "the data root {} (from {source}) does not exist",
                root.display()
            )
        } else if super::load::find_file(
            &root,
            super::kind::Split::Train,
            super::kind::FileRole::Images,
        )
        .is_ok()
        {
            format!(
                "{} does not exist (data root from {source}); {} itself holds IDX files, \
                 but the data root must be its parent, with one sub-directory per dataset",
                dir.display(),
                root.display()
            )
        } else {
            format!("{} does not exist (data root from {source})", dir.display())
        };
        return Err(DataError::NoDataDir { detail: hint });
    }
    if kind == DatasetKind::FashionMnist && debian_dir.is_dir() {
        return Ok(debian_dir.to_path_buf());
    }
    Err(DataError::NoDataDir {
        detail: format!(
            "no data directory for {kind}: no --data-dir given and {DATA_ENV} is not set"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_beats_env_and_empty_env_is_unset() {
        let got = resolve_root_with(Some(Path::new("/a")), Some("/b".into()));
        assert_eq!(got, Some((PathBuf::from("/a"), RootSource::Flag)));
        let got = resolve_root_with(None, Some("/b".into()));
        assert_eq!(got, Some((PathBuf::from("/b"), RootSource::Env)));
        assert_eq!(resolve_root_with(None, Some("".into())), None);
        assert_eq!(resolve_root_with(None, None), None);
    }

    #[test]
    fn locate_uses_root_then_debian_only_for_fashion() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("mnist")).unwrap();
        let debian = tmp.path().join("debian-fashion");
        std::fs::create_dir(&debian).unwrap();
        let root = Some((tmp.path().to_path_buf(), RootSource::Env));

        assert_eq!(
            locate_with(root.clone(), DatasetKind::Mnist, &debian).unwrap(),
            tmp.path().join("mnist")
        );
        // An explicit root without the dataset is an error, not a silent fallback.
        let err = locate_with(root, DatasetKind::FashionMnist, &debian).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("fashion-mnist") && msg.contains("FSPINN_DATA"),
            "{msg}"
        );

        assert_eq!(
            locate_with(None, DatasetKind::FashionMnist, &debian).unwrap(),
            debian
        );
        let msg = locate_with(None, DatasetKind::Mnist, &debian)
            .unwrap_err()
            .to_string();
        for needle in ["--data-dir", "FSPINN_DATA", "fspinn data fetch"] {
            assert!(msg.contains(needle), "{msg}");
        }
        let missing = tmp.path().join("nope");
        let msg = locate_with(None, DatasetKind::FashionMnist, &missing)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("--data-dir"), "{msg}");
    }

    #[test]
    fn locate_hints_when_root_is_a_dataset_dir() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("train-images-idx3-ubyte.gz"), b"x").unwrap();
        let root = Some((tmp.path().to_path_buf(), RootSource::Flag));
        let msg = locate_with(root, DatasetKind::Mnist, Path::new("/nonexistent"))
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("parent") && msg.contains("--data-dir"),
            "{msg}"
        );
    }
}
