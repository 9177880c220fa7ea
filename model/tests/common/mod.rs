//! Helpers shared by the model's integration tests.

use std::path::PathBuf;

/// The real-data root from `FSPINN_DATA`, or `None` (with a note naming what is skipped) when it
/// is unset. A relative path may be relative to the current directory or to the workspace root
/// (CI sets `../shared/data`); a set variable that points at no `mnist/` directory is an error.
pub fn data_root(skipping: &str) -> Option<PathBuf> {
    let Some(v) = std::env::var_os("FSPINN_DATA").filter(|v| !v.is_empty()) else {
        eprintln!("note: FSPINN_DATA is not set; skipping {skipping}");
        return None;
    };
    let p = PathBuf::from(v);
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let found = [p.clone(), workspace.join(&p)]
        .into_iter()
        .find(|c| c.join("mnist").is_dir());
    Some(found.unwrap_or_else(|| panic!("FSPINN_DATA={} has no mnist/ directory", p.display())))
}
