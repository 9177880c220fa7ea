//! `fspinn explore report`: merges the result files of a directory into a table (CSV and JSON),
//! marks the feasible set and the Pareto front, picks the design, draws the plots and writes a
//! Markdown report embedding them. Reads only the directory (its `space.toml` copy gives the
//! constraints, objectives and reward).

use crate::error::{ExploreError, Result};
use crate::plots::{self, Bar, Class, Dot, PlotFiles};
use crate::select::{self, Objective};
use crate::space::Space;
use crate::store::{write_atomic, PointResult, Store};
use crate::versus::{self, Comparison};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The merged report, as written to `report/report.json` and printed by `--json`.
#[derive(Clone, Debug)]
pub struct Report {
    pub json: Value,
    pub markdown: String,
    pub dir: PathBuf,
}

/// Columns of the CSV, in order (every one is a key of a `points` row).
pub const COLUMNS: [&str; 44] = [
    "index",
    "hash",
    "label",
    "dataset",
    "variant",
    "neurons",
    "precision",
    "rounding",
    "quantize",
    "presentation_ms",
    "epochs",
    "train_samples",
    "label_samples",
    "test_samples",
    "seed",
    "config",
    "pes",
    "lanes",
    "weight_sram_banks",
    "weight_sram_depth",
    "clock_mhz",
    "dram",
    "sram_cell",
    "node_nm",
    "accuracy",
    "memory_bytes",
    "memory_saving",
    "hw_accuracy",
    "weights_on_chip",
    "energy_inference_uj",
    "energy_inference_low_uj",
    "energy_inference_high_uj",
    "energy_training_uj",
    "energy_training_low_uj",
    "energy_training_high_uj",
    "pj_per_sop_inference",
    "pj_per_sop_inference_low",
    "pj_per_sop_inference_high",
    "latency_ms",
    "images_per_second",
    "dram_bytes_inference",
    "area_mm2",
    "feasible",
    "pareto",
];

fn row(r: &PointResult, feasible: bool, pareto: bool, violations: &[String]) -> Value {
    let n = &r.network;
    let c = &r.config;
    let m = &r.metrics;
    let hw = m.hardware.as_ref();
    json!({
        "index": r.index,
        "hash": r.hash,
        "label": r.label,
        "dataset": n.dataset.name(),
        "variant": n.variant.to_string(),
        "neurons": n.neurons,
        "precision": n.precision,
        "rounding": n.rounding.map(|x| x.to_string()),
        "quantize": n.quantize.map(|x| x.to_string()),
        "presentation_ms": n.presentation_ms,
        "epochs": n.epochs,
        "train_samples": n.train_samples,
        "label_samples": n.label_samples,
        "test_samples": n.test_samples,
        "seed": n.seed,
        "config": r.hardware.config,
        "pes": c.pe_array.pes,
        "lanes": c.spike_generator.lanes,
        "weight_sram_banks": c.weight_sram.banks,
        "weight_sram_depth": c.weight_sram.depth,
        "clock_mhz": c.clock_mhz,
        "dram": c.dram.kind.as_str(),
        "sram_cell": c.technology.cell,
        "node_nm": c.technology.node_nm,
        "accuracy": m.accuracy,
        "memory_bytes": m.memory_bytes,
        "memory_saving": m.memory_saving,
        "hw_accuracy": hw.map(|h| h.accuracy),
        "weights_on_chip": hw.map(|h| h.weights_on_chip),
        "energy_inference_uj": hw.map(|h| h.inference.energy_uj),
        "energy_inference_low_uj": hw.map(|h| h.inference.energy_band_uj[0]),
        "energy_inference_high_uj": hw.map(|h| h.inference.energy_band_uj[1]),
        "energy_training_uj": hw.and_then(|h| h.training.as_ref().map(|t| t.energy_uj)),
        "energy_training_low_uj": hw.and_then(|h| h.training.as_ref().map(|t| t.energy_band_uj[0])),
        "energy_training_high_uj": hw.and_then(|h| h.training.as_ref().map(|t| t.energy_band_uj[1])),
        "pj_per_sop_inference": hw.and_then(|h| h.inference.energy.pj_per_sop),
        "pj_per_sop_inference_low": hw.and_then(|h| h.inference.energy.pj_per_sop_band.map(|b| b[0])),
        "pj_per_sop_inference_high": hw.and_then(|h| h.inference.energy.pj_per_sop_band.map(|b| b[1])),
        "latency_ms": hw.map(|h| h.inference.latency_ms),
        "images_per_second": hw.map(|h| h.inference.images_per_second),
        "dram_bytes_inference": hw.map(|h| h.inference.dram_read_bytes + h.inference.dram_write_bytes),
        "area_mm2": hw.map(|h| h.area_mm2),
        "feasible": feasible,
        "pareto": pareto,
        "violations": violations,
        "hardware_note": m.hardware_note,
    })
}

fn csv_cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) if s.contains([',', '"', '\n']) => {
            format!("\"{}\"", s.replace('"', "\"\""))
        }
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Loads every finished point of the directory (in point order) and the indices still missing.
/// A damaged result file is an error naming it (rerun the exploration to recompute it); a
/// stale one (computed with another build's network parameters) counts as missing.
pub fn collect(store: &Store, space: &Space) -> Result<(Vec<PointResult>, Vec<usize>)> {
    let mut done = Vec::new();
    let mut missing = Vec::new();
    for p in &space.points {
        match store.load(p) {
            Ok(Some(r)) => done.push(r),
            Ok(None) | Err(ExploreError::Stale { .. }) => missing.push(p.index),
            Err(e) => return Err(e),
        }
    }
    Ok((done, missing))
}

/// Builds the report of `dir` and writes it under `dir/report/`.
pub fn build(dir: &Path) -> Result<Report> {
    let (store, space) = Store::existing(dir)?;
    let (results, missing) = collect(&store, &space)?;
    let out = dir.join("report");
    let plot_dir = out.join("plots");
    std::fs::create_dir_all(&plot_dir).map_err(ExploreError::io(&plot_dir))?;
    let f = &space.file;
    let violations: Vec<Vec<String>> = results
        .iter()
        .map(|r| f.constraints.violations(r))
        .collect();
    let feasible: Vec<usize> = (0..results.len())
        .filter(|&i| violations[i].is_empty())
        .collect();
    let front = select::pareto(&results, &feasible, &f.objectives);
    let weights: Option<Vec<(Objective, f64)>> = f
        .reward
        .as_ref()
        .map(|r| r.iter().map(|(o, w)| (*o, *w)).collect());
    let chosen = select::choose(&results, &front, &f.objectives, weights.as_deref());
    let reward_of = |i: usize| -> Option<f64> {
        let w = weights.as_ref()?;
        let k = front.iter().position(|&j| j == i)?;
        Some(select::rewards(&results, &front, w)[k])
    };
    let rows: Vec<Value> = results
        .iter()
        .enumerate()
        .map(|(i, r)| {
            row(
                r,
                violations[i].is_empty(),
                front.contains(&i),
                &violations[i],
            )
        })
        .collect();

    // CSV.
    let mut csv = COLUMNS.join(",");
    csv.push('\n');
    for r in &rows {
        let cells: Vec<String> = COLUMNS.iter().map(|c| csv_cell(&r[*c])).collect();
        csv.push_str(&cells.join(","));
        csv.push('\n');
    }
    let csv_path = out.join("points.csv");
    write_atomic(&csv_path, csv.as_bytes())?;

    // Plots.
    let class = |i: usize| {
        if Some(i) == chosen {
            Class::Chosen
        } else if front.contains(&i) {
            Class::Front
        } else if violations[i].is_empty() {
            Class::Feasible
        } else {
            Class::Infeasible
        }
    };
    let dots = |x: Objective, y: Objective, xs: f64| -> Vec<Dot> {
        let mut v: Vec<Dot> = (0..results.len())
            .filter_map(|i| {
                let ys = if y == Objective::Accuracy { 100.0 } else { 1.0 };
                Some(Dot {
                    x: x.value(&results[i])? * xs,
                    y: y.value(&results[i])? * ys,
                    x_band: band(x, &results[i]).map(|(l, h)| (l * xs, h * xs)),
                    y_band: band(y, &results[i]).map(|(l, h)| (l * ys, h * ys)),
                    class: class(i),
                })
            })
            .collect();
        // Chosen and front points are drawn last, on top.
        v.sort_by_key(|d| d.class as u8);
        v
    };
    let mut plot_files: Vec<PlotFiles> = Vec::new();
    let mut skipped: Vec<String> = Vec::new();
    let specs = [
        (
            "accuracy_vs_memory",
            "Accuracy vs memory",
            Objective::MemoryBytes,
            1.0 / 1024.0,
            "memory (KiB)",
            Objective::Accuracy,
            "test accuracy (%)",
        ),
        (
            "accuracy_vs_energy",
            "Accuracy vs energy per inference",
            Objective::EnergyInferenceUj,
            1.0,
            "energy per inference (uJ)",
            Objective::Accuracy,
            "test accuracy (%)",
        ),
        (
            "energy_vs_latency",
            "Energy vs latency (inference)",
            Objective::LatencyMs,
            1.0,
            "latency per inference (ms)",
            Objective::EnergyInferenceUj,
            "energy per inference (uJ)",
        ),
    ];
    for (file, title, x, xs, xl, y, yl) in specs {
        let d = dots(x, y, xs);
        if d.is_empty() {
            skipped.push(format!("{title}: no point has both figures"));
            continue;
        }
        plot_files.push(plots::scatter(&plot_dir.join(file), title, xl, yl, &d)?);
    }
    let bars: Vec<Bar> = front
        .iter()
        .filter_map(|&i| {
            let h = results[i].metrics.hardware.as_ref()?;
            Some(Bar {
                label: format!("#{}", results[i].index),
                segments: h
                    .inference
                    .energy
                    .components
                    .iter()
                    .map(|c| (component_group(&c.name), c.total_pj * 1e-6))
                    .collect(),
            })
        })
        .collect();
    if bars.is_empty() {
        skipped.push("Energy breakdown: no front point ran on the cycle model".into());
    } else {
        plot_files.push(plots::stacked_bars(
            &plot_dir.join("energy_breakdown"),
            "Energy per inference by component (Pareto front)",
            "energy per inference (uJ)",
            &bars,
        )?);
    }

    let rel = |p: &Path| p.strip_prefix(&out).unwrap_or(p).display().to_string();
    let plots_json: Vec<Value> = plot_files
        .iter()
        .map(|p| json!({"title": p.title, "svg": rel(&p.svg), "png": rel(&p.png)}))
        .collect();
    let versus = versus::compare(&results);
    let chosen_json = chosen.map(|i| {
        json!({"index": results[i].index, "label": results[i].label, "reward": reward_of(i), "point": rows[i]})
    });
    let json = json!({
        "space": f.name.clone().unwrap_or_else(|| space.origin.clone()),
        "dir": dir.display().to_string(),
        "total_points": space.points.len(),
        "finished": results.len(),
        "missing": missing,
        "objectives": f.objectives.iter().map(|o| o.name()).collect::<Vec<_>>(),
        "constraints": f.constraints,
        "reward": f.reward.as_ref().map(|r| r.iter().map(|(o, w)| (o.name().to_string(), json!(w))).collect::<serde_json::Map<_, _>>()),
        "points": rows,
        "feasible": feasible.iter().map(|&i| results[i].index).collect::<Vec<_>>(),
        "pareto": front.iter().map(|&i| results[i].index).collect::<Vec<_>>(),
        "chosen": chosen_json,
        "versus_baseline": serde_json::to_value(&versus).expect("comparisons serialise"),
        "plots": plots_json,
        "plots_skipped": skipped,
        "csv": rel(&csv_path),
    });
    write_atomic(
        &out.join("report.json"),
        serde_json::to_string_pretty(&json)
            .expect("JSON serialises")
            .as_bytes(),
    )?;
    let markdown = markdown(
        &space,
        &results,
        &rows,
        &front,
        chosen,
        &missing,
        &versus,
        &plot_files,
        &skipped,
        &rel,
    );
    write_atomic(&out.join("report.md"), markdown.as_bytes())?;
    Ok(Report {
        json,
        markdown,
        dir: out,
    })
}

/// The energy model's low/high band of an objective, for error bars (energies only).
fn band(o: Objective, r: &PointResult) -> Option<(f64, f64)> {
    let hw = r.metrics.hardware.as_ref()?;
    let b = match o {
        Objective::EnergyInferenceUj => hw.inference.energy_band_uj,
        Objective::EnergyTrainingUj => hw.training.as_ref()?.energy_band_uj,
        _ => return None,
    };
    Some((b[0], b[1]))
}

/// Groups components into at most ten bar segments: the banks of each SRAM (`wsram0`,
/// `wsram1`, ...) into one, every register file into one, the logic blocks and DRAM by name.
fn component_group(name: &str) -> String {
    let stem = name.trim_end_matches(|c: char| c.is_ascii_digit());
    match stem {
        "wsram" => "weight SRAM".into(),
        "nsram" => "neuron SRAM".into(),
        "isram" => "inhibitory SRAM".into(),
        s if s.ends_with("_rf") || s.ends_with("_fifo") || s.ends_with("_buffer") => {
            "register files".into()
        }
        s => s.to_string(),
    }
}

fn fmt_opt(v: &Value, digits: usize) -> String {
    match v {
        Value::Null => "—".into(),
        Value::Number(n) => match n.as_f64() {
            Some(x) if n.is_f64() => format!("{x:.digits$}"),
            _ => n.to_string(),
        },
        Value::Bool(b) => {
            if *b {
                "yes".into()
            } else {
                "no".into()
            }
        }
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[allow(clippy::too_many_arguments)]
fn markdown(
    space: &Space,
    results: &[PointResult],
    rows: &[Value],
    front: &[usize],
    chosen: Option<usize>,
    missing: &[usize],
    versus: &[Comparison],
    plots: &[PlotFiles],
    skipped: &[String],
    rel: &dyn Fn(&Path) -> String,
) -> String {
    let f = &space.file;
    let mut s = String::new();
    let name = f.name.clone().unwrap_or_else(|| space.origin.clone());
    let _ = writeln!(s, "# Exploration report: {name}\n");
    let _ = writeln!(
        s,
        "{} of {} points finished{}. Objectives: {}. Constraints: {}.\n",
        results.len(),
        space.points.len(),
        if missing.is_empty() {
            String::new()
        } else {
            format!(" (missing: {missing:?})")
        },
        f.objectives
            .iter()
            .map(|o| o.name())
            .collect::<Vec<_>>()
            .join(", "),
        serde_json::to_string(&f.constraints).unwrap_or_default()
    );
    match chosen {
        Some(i) => {
            let _ = writeln!(
                s,
                "**Chosen design:** point {} — {}\n",
                results[i].index, results[i].label
            );
        }
        None => {
            let _ = writeln!(
                s,
                "**Chosen design:** none (no feasible point has every objective)\n"
            );
        }
    }
    let cols = [
        ("index", "#", 0),
        ("label", "point", 0),
        ("accuracy", "accuracy", 4),
        ("memory_bytes", "memory B", 0),
        ("memory_saving", "saving x", 2),
        ("energy_inference_uj", "uJ/inference", 3),
        ("energy_inference_low_uj", "low", 3),
        ("energy_inference_high_uj", "high", 3),
        ("energy_training_uj", "uJ/training img", 3),
        ("energy_training_low_uj", "low", 3),
        ("energy_training_high_uj", "high", 3),
        ("pj_per_sop_inference", "pJ/SOP", 2),
        ("latency_ms", "latency ms", 3),
        ("area_mm2", "area mm2", 3),
        ("weights_on_chip", "on chip", 0),
        ("feasible", "feasible", 0),
    ];
    let table = |s: &mut String, idx: &[usize]| {
        let _ = writeln!(
            s,
            "| {} |",
            cols.iter().map(|c| c.1).collect::<Vec<_>>().join(" | ")
        );
        let _ = writeln!(s, "|{}", "---|".repeat(cols.len()));
        for &i in idx {
            let cells: Vec<String> = cols.iter().map(|c| fmt_opt(&rows[i][c.0], c.2)).collect();
            let _ = writeln!(s, "| {} |", cells.join(" | "));
        }
        s.push('\n');
    };
    let _ = writeln!(s, "## Pareto front ({} points)\n", front.len());
    table(&mut s, front);
    let _ = writeln!(s, "## Plots\n");
    for p in plots {
        let _ = writeln!(
            s,
            "### {}\n\n![{}]({})\n\nPNG: [{}]({})\n",
            p.title,
            p.title,
            rel(&p.svg),
            rel(&p.png),
            rel(&p.png)
        );
    }
    for k in skipped {
        let _ = writeln!(s, "- not drawn: {k}");
    }
    if !versus.is_empty() {
        versus_table(&mut s, versus);
    }
    let _ = writeln!(s, "\n## Every point\n");
    let all: Vec<usize> = (0..results.len()).collect();
    table(&mut s, &all);
    let _ = writeln!(s, "The merged table with every column is `points.csv`; `report.json` has the same rows, the front, the chosen design and the plot files.");
    s
}

/// The paper's claims side by side: each point against the baseline point of the same size,
/// budgets and hardware (`versus`).
fn versus_table(s: &mut String, versus: &[Comparison]) {
    let x = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{v:.2}x"));
    let _ = writeln!(
        s,
        "\n## Against the baseline\n\nEach point against the baseline point that differs only in \
         the network's variant and number format (same dataset, size, presentation, budgets, \
         seed and hardware point). Savings are the baseline's figure over the point's.\n"
    );
    let _ = writeln!(
        s,
        "| # | dataset | point | accuracy | baseline (#) | difference | memory saving | energy saving, inference | energy saving, training image |"
    );
    let _ = writeln!(s, "|{}", "---|".repeat(9));
    for c in versus {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {:.2} % | {:.2} % (#{}) | {:+.2} points | {:.2}x | {} | {} |",
            c.index,
            c.dataset,
            c.label,
            c.accuracy * 100.0,
            c.baseline_accuracy * 100.0,
            c.baseline_index,
            c.accuracy_delta_points,
            c.memory_saving,
            x(c.energy_inference_saving),
            x(c.energy_training_saving),
        );
    }
}
