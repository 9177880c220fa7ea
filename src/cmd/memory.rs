//! `fspinn memory`: the analytic memory footprint of a network and its saving against the fp32
//! Diehl & Cook baseline (model in `fspinn_model::memory`, explained in docs/memory.md).

use crate::output;
use anyhow::Result;
use clap::Args;
use fspinn_model::memory::{InhibitoryStorage, MemoryReport, NetworkShape, MNIST_INPUTS};
use fspinn_model::precision::Precision;
use fspinn_model::Variant;

/// Shown after `fspinn memory --help`.
pub const EXAMPLES: &str = "Example:
  fspinn memory --variant fspinn --neurons 400 --precision w4 --json";

#[derive(Args, Debug)]
pub struct MemoryArgs {
    /// Network variant: baseline or fspinn.
    #[arg(long)]
    pub variant: Variant,
    /// Excitatory neurons N (1 to 1048576).
    #[arg(long)]
    pub neurons: u64,
    /// Number formats: fp32, or wB (B-bit weights, 2 <= B <= 16, with the fixed-point state
    /// widths of the datapath).
    #[arg(long)]
    pub precision: Precision,
    /// Input channels (784 for 28 x 28 images).
    #[arg(long, default_value_t = MNIST_INPUTS)]
    pub inputs: u64,
    /// Baseline only: count the fixed inhibitory weights as two dense N x N matrices (as
    /// BindsNET stores them) instead of two scalars.
    #[arg(long)]
    pub dense_inhibition: bool,
    /// Print the table on stderr and one JSON object as the last line of stdout.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: MemoryArgs) -> Result<()> {
    let shape = NetworkShape {
        variant: a.variant,
        neurons: a.neurons,
        inputs: a.inputs,
        precision: a.precision,
        inhibition: if a.dense_inhibition {
            InhibitoryStorage::Dense
        } else {
            InhibitoryStorage::Scalars
        },
    };
    let report = MemoryReport::new(&shape)?;
    let table = render(&report);
    output::report(a.json, &table)?;
    if a.json {
        output::json_line(&serde_json::to_value(&report)?)?;
    }
    Ok(())
}

/// The human-readable form: one row per component, the per-kind sums, the total and the savings.
fn render(r: &MemoryReport) -> String {
    let row = |name: &str,
               kind: &str,
               per: &str,
               count: &str,
               bits_each: &str,
               bits: &str,
               bytes: &str| {
        format!("{name:<22} {kind:<13} {per:<11} {count:>14} {bits_each:>5} {bits:>16} {bytes:>14}")
    };
    let mut lines = vec![
        format!(
            "{} N={} inputs={} precision={}, inhibitory weights: {} (each component packed)",
            r.variant, r.neurons, r.inputs, r.precision, r.inhibitory_storage
        ),
        row(
            "component",
            "kind",
            "per",
            "count",
            "bits",
            "total bits",
            "bytes",
        ),
    ];
    for c in &r.components {
        lines.push(row(
            c.name,
            c.kind.name(),
            c.per.name(),
            &c.count.to_string(),
            &c.bits_each.to_string(),
            &c.bits.to_string(),
            &c.bytes.to_string(),
        ));
    }
    for (label, bytes) in [
        ("weights", r.weights_bytes),
        ("neuron state", r.neuron_state_bytes),
        ("traces", r.traces_bytes),
        ("inhibitory layer", r.inhibitory_bytes),
        ("neuron parameters", r.neuron_params_bytes),
    ] {
        lines.push(format!("{label:<22} {bytes:>14} B"));
    }
    lines.push(format!(
        "{:<22} {:>14} B ({} bits)",
        "total", r.bytes, r.bits
    ));
    lines.push(format!(
        "saving {:.3}x vs the fp32 baseline with scalar inhibitory weights ({} B)",
        r.saving, r.baseline_bytes
    ));
    lines.push(format!(
        "saving {:.3}x vs the fp32 baseline with dense N x N inhibitory matrices ({} B)",
        r.saving_vs_dense, r.baseline_dense_bytes
    ));
    lines.join("\n") + "\n"
}
