//! `fspinn cosim --fuzz K --seed S`: K random valid (hardware config, network) pairs, each
//! with random images and a mode, co-simulated on the cycle model and the RTL (built on demand
//! into the cache). Every mismatch or failure leaves its config, checkpoint and images in
//! `--out` with the one command that reproduces it. The drawing is `fspinn_testbench::fuzz`.

use super::cosim::{build_progress, CosimArgs};
use crate::output;
use anyhow::{bail, Context, Result};
use fspinn_model::data::{self, DatasetKind, LoadOptions, Split};
use fspinn_testbench::fuzz::{self, run::CaseReport, FuzzOptions};
use serde_json::json;
use std::time::Instant;

/// MNIST test images the fuzzer draws from when `FSPINN_DATA` is set.
const DATASET_IMAGES: usize = 1_000;

/// The dataset images to draw from: the first MNIST test images under `FSPINN_DATA` (or
/// `--data-dir`), none when there is no data.
fn dataset_images(a: &CosimArgs) -> Option<Vec<Vec<u8>>> {
    let dir = data::locate(a.data.data_dir.as_deref(), DatasetKind::Mnist).ok()?;
    let opts = LoadOptions {
        limit: Some(DATASET_IMAGES),
        verify_checksum: !a.data.no_verify,
    };
    let set = data::load(&dir, DatasetKind::Mnist, Split::Test, &opts).ok()?;
    Some((0..set.len()).map(|i| set.image(i).to_vec()).collect())
}

/// Runs the campaign of `a.fuzz` cases.
pub fn run(a: &CosimArgs, k: usize) -> Result<()> {
    if k == 0 {
        bail!("--fuzz must be at least 1");
    }
    let seed = a.seed.unwrap_or(1);
    let opts = FuzzOptions {
        max_pes: a.max_pes,
        max_steps: a.max_steps,
        max_samples: a.samples,
        dataset: dataset_images(a),
        ..FuzzOptions::default()
    };
    opts.validate()
        .context("--max-pes, --max-steps or --samples")?;
    super::common::ensure_dir(&a.out, "--out")?;
    // A few samples per model: big models compile at -O0 (docs/rtl.md, "Build time").
    fspinn_testbench::builder::set_quick_builds(true);
    let started = Instant::now();
    let mut reports: Vec<CaseReport> = Vec::new();
    let mut failures = Vec::new();
    let mut text = String::new();
    for index in 0..k {
        let case = match fuzz::draw(seed, index, &opts) {
            Ok(c) => c,
            Err(e) => {
                // A drawer bug: reported as a failure with nothing to reproduce.
                failures.push(json!({ "case": index, "failure": e.to_string() }));
                text += &format!("case {index}: FAILURE {e}\n");
                continue;
            }
        };
        let summary = fuzz::run::CaseSummary::of(&case);
        crate::errln!("fuzz: case {index}/{k}: {}", summary.line())?;
        let r = fuzz::run::run_case(&case, Some(&build_progress));
        let line = format!(
            "case {index}: {} — {} samples, {} cycles, {} events, {} mismatches, build {:.1} s{}, run {:.1} s",
            summary.line(),
            r.samples,
            r.cycles,
            r.events,
            r.mismatches,
            r.build_seconds,
            if r.built { " (built)" } else { " (cached)" },
            r.run_seconds
        );
        crate::errln!("fuzz: {line}")?;
        text += &line;
        text.push('\n');
        if r.failed() {
            let stem = format!("fail-{index}");
            let files = fuzz::repro::write_case(&case, &a.out, &stem)
                .with_context(|| format!("writing the files of case {index}"))?;
            let what = r.failure.clone().unwrap_or_else(|| {
                r.first_mismatches
                    .first()
                    .map(|m| format!("{} mismatches, first: {m}", r.mismatches))
                    .unwrap_or_default()
            });
            text += &format!("  FAILED: {what}\n  reproduce: {}\n", files.command);
            failures.push(json!({
                "case": index,
                "failure": what,
                "config": files.config,
                "model": files.model,
                "data_dir": files.data_dir,
                "command": files.command,
            }));
        }
        reports.push(r);
    }
    let wall = started.elapsed().as_secs_f64();
    let build: f64 = reports.iter().map(|r| r.build_seconds).sum();
    let run: f64 = reports.iter().map(|r| r.run_seconds).sum();
    let samples: usize = reports.iter().map(|r| r.samples).sum();
    let mismatches: u64 = reports.iter().map(|r| r.mismatches).sum();
    let pes: Vec<u32> = reports.iter().map(|r| r.summary.pes).collect();
    let out = json!({
        "seed": seed,
        "configs": k,
        "samples": samples,
        "mismatches": mismatches,
        "failures": failures,
        "built": reports.iter().filter(|r| r.built).count(),
        "build_seconds": build,
        "run_seconds": run,
        "wall_seconds": wall,
        "pes_min": pes.iter().min(),
        "pes_max": pes.iter().max(),
        "cases": reports,
    });
    text += &format!(
        "fuzz seed {seed}: {k} configs, {samples} samples, {mismatches} mismatches, {} failures; build {build:.1} s, run {run:.1} s, wall {wall:.1} s\n",
        failures.len()
    );
    output::report(a.json, &text)?;
    if a.json {
        output::json_line(&out)?;
    }
    if !failures.is_empty() {
        bail!(
            "{} of {k} fuzz cases failed (files in {})",
            failures.len(),
            a.out.display()
        );
    }
    Ok(())
}
