//! `fspinn explore`: run a design-space exploration (in this process, with `--jobs J` worker
//! processes, one `--point K` or one `--shard i/n`), write a Slurm array script, or report.

use crate::output::{json_line, stdout_text};
use crate::progress::samples_bar;
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use fspinn_explore::runner::{self, DataCache};
use fspinn_explore::{report, slurm, PointResult, Space, Store};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const EXAMPLES: &str = "Examples:
  fspinn explore --space examples/explore/tiny.toml --out tiny-run --jobs 2
  fspinn explore --space S.toml --out DIR --point 3         # one point (a cluster task)
  fspinn explore --space S.toml --out DIR --shard 0/4       # the first quarter of the points
  fspinn explore slurm --space S.toml --out DIR --emit job.sh && sbatch job.sh
  fspinn explore report DIR --json";

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ExploreArgs {
    #[command(subcommand)]
    pub command: Option<ExploreCommand>,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Subcommand, Debug)]
pub enum ExploreCommand {
    /// Merge the results of DIR: CSV, JSON, feasible set, Pareto front, chosen design, plots.
    Report(ReportArgs),
    /// Write an sbatch array script running every point of the space.
    Slurm(SlurmArgs),
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// The space file (TOML; docs/explore.md).
    #[arg(long, value_name = "SPACE.toml")]
    pub space: Option<PathBuf>,
    /// Output directory (results, trained networks, report); shared by all workers.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker processes (each runs `fspinn explore --point K`).
    #[arg(long, default_value_t = 1)]
    pub jobs: usize,
    /// Run only point K (0-based, in the space's enumeration order).
    #[arg(long, value_name = "K", conflicts_with = "shard")]
    pub point: Option<usize>,
    /// Run only shard i of n (0-based): a contiguous block of points.
    #[arg(long, value_name = "i/n")]
    pub shard: Option<String>,
    /// Directory holding `mnist/` and `fashion-mnist/` (default: $FSPINN_DATA).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print one JSON object as the last line of stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// The exploration directory.
    pub dir: PathBuf,
    /// Print the report object (points, pareto, chosen, plots) as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct SlurmArgs {
    #[arg(long, value_name = "SPACE.toml")]
    pub space: PathBuf,
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Where to write the sbatch script.
    #[arg(long, value_name = "job.sh")]
    pub emit: PathBuf,
}

pub fn run(a: ExploreArgs) -> Result<()> {
    match a.command {
        Some(ExploreCommand::Report(r)) => run_report(r),
        Some(ExploreCommand::Slurm(s)) => run_slurm(s),
        None => run_space(a.run),
    }
}

fn open(space_path: &Path, out: &Path) -> Result<(Space, Store)> {
    let space = Space::load(space_path)?;
    let store = Store::open(out, &space)?;
    store.record_base(&runner::space_base(space_path))?;
    Ok((space, store))
}

fn parse_shard(s: &str) -> Result<(usize, usize)> {
    let (i, n) = s
        .split_once('/')
        .with_context(|| format!("--shard {s}: expected i/n, e.g. 0/4"))?;
    let i = i
        .parse()
        .with_context(|| format!("--shard {s}: `{i}` is not a number"))?;
    let n = n
        .parse()
        .with_context(|| format!("--shard {s}: `{n}` is not a number"))?;
    Ok((i, n))
}

fn run_space(a: RunArgs) -> Result<()> {
    let (Some(space_path), Some(out)) = (&a.space, &a.out) else {
        bail!("give --space SPACE.toml and --out DIR (or a subcommand: report, slurm)");
    };
    if a.jobs == 0 {
        bail!("--jobs must be at least 1");
    }
    let (space, store) = open(space_path, out)?;
    let total = space.points.len();
    let mut data = DataCache::new(a.data_dir.clone());
    if let Some(k) = a.point {
        if k >= total {
            bail!(
                "--point {k}: the space has {total} points (0 to {})",
                total.saturating_sub(1)
            );
        }
        let p = &space.points[k];
        let (r, ran) = match store.load(p) {
            Ok(Some(r)) => (r, false),
            other => {
                if let Err(e) = other {
                    crate::errln!("warning: {e}; recomputing")?;
                }
                (runner::run_point(&store, &mut data, p)?, true)
            }
        };
        if a.json {
            json_line(&serde_json::json!({"point": k, "hash": r.hash, "ran": ran, "result": r}))?;
        } else {
            crate::outln!(
                "point {k} ({}): {}",
                r.hash,
                if ran { "done" } else { "already done" }
            )?;
        }
        return Ok(());
    }
    let range = match &a.shard {
        Some(s) => {
            let (i, n) = parse_shard(s)?;
            runner::shard(total, i, n)?
        }
        None => 0..total,
    };
    let pending: Vec<usize> = range
        .clone()
        .filter(|&k| !store.is_done(&space.points[k]))
        .collect();
    let already = range.len() - pending.len();
    let bar = samples_bar(range.len() as u64, already as u64, "explore");
    let mut best: Option<(f64, usize)> = None;
    let mut note = |r: &PointResult, bar: &indicatif::ProgressBar| {
        if best.is_none_or(|(acc, _)| r.metrics.accuracy > acc) {
            best = Some((r.metrics.accuracy, r.index));
        }
        if let Some((acc, k)) = best {
            bar.set_message(format!("best acc {:.1}% (point {k})", acc * 100.0));
        }
        bar.inc(1);
    };
    let ran = if a.jobs == 1 || pending.len() <= 1 {
        runner::run_points(
            &store,
            &mut data,
            &space.points,
            pending.iter().copied(),
            |r| note(r, &bar),
        )?
    } else {
        workers(&a, space_path, out, &space, &store, &pending, |r| {
            note(r, &bar)
        })?
    };
    bar.finish_and_clear();
    let summary = serde_json::json!({
        "points": range.len(), "already_done": already, "ran": ran, "dir": out.display().to_string(),
    });
    if a.shard.is_none() {
        let rep = report::build(out)?;
        if a.json {
            let mut j = summary;
            j["report"] = rep.json;
            json_line(&j)?;
        } else {
            crate::outln!(
                "{} points ({already} already done, {ran} run); report: {}",
                range.len(),
                rep.dir.join("report.md").display()
            )?;
        }
    } else if a.json {
        json_line(&summary)?;
    } else {
        crate::outln!("{} points ({already} already done, {ran} run)", range.len())?;
    }
    Ok(())
}

/// Runs `pending` with up to `--jobs` child processes. A point waits while another running
/// point trains one of its networks, so no network is trained twice at once.
fn workers(
    a: &RunArgs,
    space_path: &Path,
    out: &Path,
    space: &Space,
    store: &Store,
    pending: &[usize],
    mut on_done: impl FnMut(&PointResult),
) -> Result<usize> {
    let exe = std::env::current_exe().context("locating the fspinn executable")?;
    let logs = out.join("logs");
    std::fs::create_dir_all(&logs).with_context(|| format!("creating {}", logs.display()))?;
    let mut queue: Vec<usize> = pending.to_vec();
    let mut running: Vec<(usize, Child, Vec<String>)> = Vec::new();
    let mut busy: HashSet<String> = HashSet::new();
    let mut failed: Vec<String> = Vec::new();
    let mut ran = 0;
    while !queue.is_empty() || !running.is_empty() {
        while running.len() < a.jobs {
            let Some(pos) = queue.iter().position(|&k| {
                runner::network_hashes(&space.points[k])
                    .iter()
                    .all(|h| !busy.contains(h))
            }) else {
                break;
            };
            let k = queue.remove(pos);
            let nets = runner::network_hashes(&space.points[k]);
            let log_path = logs.join(format!("point-{k}.log"));
            let log = std::fs::File::create(&log_path)
                .with_context(|| format!("creating {}", log_path.display()))?;
            let mut cmd = Command::new(&exe);
            cmd.arg("explore")
                .arg("--space")
                .arg(space_path)
                .arg("--out")
                .arg(out)
                .arg("--point")
                .arg(k.to_string())
                .env("RAYON_NUM_THREADS", "1")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(log);
            if let Some(d) = &a.data_dir {
                cmd.arg("--data-dir").arg(d);
            }
            let child = cmd
                .spawn()
                .with_context(|| format!("starting {}", exe.display()))?;
            busy.extend(nets.iter().cloned());
            running.push((k, child, nets));
        }
        std::thread::sleep(Duration::from_millis(50));
        let mut i = 0;
        while i < running.len() {
            match running[i].1.try_wait().context("waiting for a worker")? {
                None => i += 1,
                Some(status) => {
                    let (k, _, nets) = running.swap_remove(i);
                    for h in &nets {
                        busy.remove(h);
                    }
                    match store.load(&space.points[k]) {
                        Ok(Some(r)) if status.success() => {
                            ran += 1;
                            on_done(&r);
                        }
                        _ => failed.push(format!(
                            "point {k} ({status}); see {}",
                            logs.join(format!("point-{k}.log")).display()
                        )),
                    }
                }
            }
        }
    }
    if !failed.is_empty() {
        bail!("{} points failed: {}", failed.len(), failed.join("; "));
    }
    Ok(ran)
}

fn run_report(a: ReportArgs) -> Result<()> {
    let rep = report::build(&a.dir)?;
    if a.json {
        json_line(&rep.json)?;
    } else {
        stdout_text(&rep.markdown)?;
        crate::errln!("written: {}", rep.dir.display())?;
    }
    Ok(())
}

fn run_slurm(a: SlurmArgs) -> Result<()> {
    let (space, _store) = open(&a.space, &a.out)?;
    let abs =
        |p: &Path| std::fs::canonicalize(p).with_context(|| format!("resolving {}", p.display()));
    let exe = std::env::current_exe().context("locating the fspinn executable")?;
    let text = slurm::script(&space, &exe, &abs(&a.space)?, &abs(&a.out)?);
    fspinn_explore::store::write_atomic(&a.emit, text.as_bytes())?;
    crate::outln!(
        "{}: {} points; submit with `sbatch {}`",
        a.emit.display(),
        space.points.len(),
        a.emit.display()
    )?;
    Ok(())
}
