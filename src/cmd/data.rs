//! `fspinn data check|fetch`: verify the dataset files, or download the originals.

use crate::output;
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use fspinn_model::data::{self, DatasetKind};
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum DataCommand {
    /// Verify magic numbers, sizes and SHA-256 of every file.
    #[command(
        after_help = "Example:\n  fspinn data check --data-dir ../shared/data\n  FSPINN_DATA=../shared/data fspinn data check --dataset mnist --json"
    )]
    Check(DataArgs),
    /// Download the original files from the public mirrors and verify them.
    #[command(
        after_help = "Example:\n  fspinn data fetch --data-dir ~/datasets\n  fspinn data fetch --data-dir ~/datasets --dataset mnist --mirror http://127.0.0.1:8000/"
    )]
    Fetch(FetchArgs),
}

#[derive(Args, Debug)]
pub struct DataArgs {
    /// Directory holding `mnist/` and `fashion-mnist/` [default: $FSPINN_DATA].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Only this dataset [default: both].
    #[arg(long)]
    pub dataset: Option<DatasetKind>,
    /// Print one JSON object as the last line of stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct FetchArgs {
    #[command(flatten)]
    pub common: DataArgs,
    /// Base URL to download from instead of the public mirrors (file names are appended).
    #[arg(long, value_name = "URL")]
    pub mirror: Option<String>,
}

fn kinds(only: Option<DatasetKind>) -> Vec<DatasetKind> {
    only.map(|k| vec![k])
        .unwrap_or_else(|| vec![DatasetKind::Mnist, DatasetKind::FashionMnist])
}

pub fn run(c: DataCommand) -> Result<()> {
    match c {
        DataCommand::Check(a) => check(a),
        DataCommand::Fetch(a) => fetch(a),
    }
}

fn check(a: DataArgs) -> Result<()> {
    let mut all_ok = true;
    let mut reports = Vec::new();
    for kind in kinds(a.dataset) {
        let dir = match data::locate(a.data_dir.as_deref(), kind) {
            Ok(d) => d,
            Err(e) => {
                all_ok = false;
                output::report(a.json, &format!("{kind}: {e}\n"))?;
                reports.push(
                    serde_json::json!({"dataset": kind, "ok": false, "problem": e.to_string()}),
                );
                continue;
            }
        };
        for r in data::check(&dir, kind) {
            all_ok &= r.ok;
            let status = if r.ok { "ok" } else { "FAILED" };
            output::report(
                a.json,
                &format!(
                    "{status:6} {} ({} bytes, {} items){}\n",
                    r.path.display(),
                    r.bytes,
                    r.count,
                    r.problem
                        .as_deref()
                        .map(|p| format!(": {p}"))
                        .unwrap_or_default()
                ),
            )?;
            reports.push(serde_json::json!({
                "dataset": kind, "path": r.path, "bytes": r.bytes, "sha256": r.sha256,
                "items": r.count, "ok": r.ok, "problem": r.problem,
            }));
        }
    }
    if a.json {
        output::json_line(&serde_json::json!({"ok": all_ok, "files": reports}))?;
    }
    if !all_ok {
        bail!("some dataset files are missing or invalid (listed above)");
    }
    Ok(())
}

fn fetch(a: FetchArgs) -> Result<()> {
    let Some((root, _)) = data::resolve_root(a.common.data_dir.as_deref()) else {
        bail!("name the directory to download into with --data-dir DIR or FSPINN_DATA");
    };
    let mut fetched = Vec::new();
    for kind in kinds(a.common.dataset) {
        let files = data::fetch(&root, kind, a.mirror.as_deref())
            .with_context(|| format!("fetching {kind} into {}", root.display()))?;
        for f in &files {
            output::report(a.common.json, &format!("ok     {}\n", f.display()))?;
        }
        fetched.extend(files);
    }
    if a.common.json {
        output::json_line(&serde_json::json!({"ok": true, "files": fetched}))?;
    }
    Ok(())
}
