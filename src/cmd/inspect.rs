//! `fspinn inspect`: what a trained checkpoint looks like inside (model in
//! `fspinn_model::inspect`): neurons per class, silent neurons, thresholds, inhibition, weights.

use crate::output;
use anyhow::{Context, Result};
use clap::Args;
use fspinn_model::checkpoint;
use fspinn_model::inspect::{summarize, Spread};
use std::path::PathBuf;

pub const EXAMPLES: &str = "Examples:
  fspinn inspect --model n400.ckpt
  fspinn inspect --model n4900.ckpt --json";

#[derive(Args, Debug)]
pub struct InspectArgs {
    /// Checkpoint written by `fspinn train --out` (finished or not).
    #[arg(long, value_name = "CKPT")]
    pub model: PathBuf,
    /// Print one JSON object as the last line of stdout.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: InspectArgs) -> Result<()> {
    let trainer = checkpoint::load(&a.model).context("loading the model")?;
    let s = summarize(&trainer);
    let c = &trainer.config;
    let mut text = String::new();
    let mut line = |l: String| {
        text.push_str(&l);
        text.push('\n');
    };
    line(format!(
        "{}: {} {} N={}, {} training images seen",
        a.model.display(),
        c.dataset,
        c.variant,
        s.neurons,
        s.samples_done
    ));
    line(match (&s.neurons_per_class, s.unassigned_neurons) {
        (Some(per_class), Some(silent)) => {
            format!("  neurons per class {per_class:?}; {silent} silent while labelling (no class)")
        }
        _ => "  labels not assigned yet".to_string(),
    });
    if s.retired_neurons > 0 {
        line(format!(
            "  {} neurons retired after training (never recruited; they do not fire)",
            s.retired_neurons
        ));
    }
    for (name, x, unit) in [
        ("threshold offset theta", &s.theta_mv, " mV"),
        ("share of weights at zero", &s.share_of_weights_at_zero, ""),
        (
            "share of weights at the top",
            &s.share_of_weights_at_top,
            "",
        ),
    ] {
        line(spread(name, x, unit));
    }
    if let Some(inh) = s.inhibition_mv {
        line(format!("  inhibition per spike: {inh:.3} mV"));
    }
    line(format!(
        "  training: {:.2} output spikes per presentation, {:.3} presentations and {:.1} weight updates per image",
        s.output_spikes_per_presentation, s.presentations_per_image, s.weight_updates_per_image
    ));
    output::report(a.json, &text)?;
    if a.json {
        let mut value = serde_json::to_value(&s).context("encoding the summary")?;
        value["model"] = serde_json::json!(a.model.display().to_string());
        value["dataset"] = serde_json::json!(c.dataset.to_string());
        value["variant"] = serde_json::json!(c.variant.to_string());
        value["seed"] = serde_json::json!(c.seed);
        output::json_line(&value)?;
    }
    Ok(())
}

fn spread(name: &str, x: &Spread, unit: &str) -> String {
    format!(
        "  {name}: min {:.3}, p10 {:.3}, median {:.3}, p90 {:.3}, max {:.3}{unit}",
        x.min, x.p10, x.median, x.p90, x.max
    )
}
