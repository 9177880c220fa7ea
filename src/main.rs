//! `fspinn`: train, evaluate, inspect and size FSpiNN spiking networks, run them on the
//! cycle-accurate accelerator model and co-simulate that model against the RTL, from the command
//! line.

mod cmd;
mod output;
mod progress;

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// FSpiNN: memory- and energy-efficient STDP spiking networks, their golden models and accelerator.
#[derive(Parser)]
#[command(name = "fspinn", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Short training and evaluation on the built-in MNIST subset (no data directory needed).
    #[command(after_help = "Example:\n  fspinn demo\n  fspinn demo --neurons 50 --json")]
    Demo(cmd::demo::DemoArgs),
    /// Train a network, assign labels to its neurons and measure test accuracy.
    #[command(after_help = cmd::train::EXAMPLES)]
    Train(cmd::train::TrainArgs),
    /// Evaluate a trained checkpoint on a test set.
    #[command(after_help = cmd::eval::EXAMPLES)]
    Eval(cmd::eval::EvalArgs),
    /// What a trained checkpoint looks like inside: neurons per class, silent neurons,
    /// thresholds, inhibition and weights.
    #[command(after_help = cmd::inspect::EXAMPLES)]
    Inspect(cmd::inspect::InspectArgs),
    /// Memory footprint of a network and its saving against the fp32 baseline.
    #[command(after_help = cmd::memory::EXAMPLES)]
    Memory(cmd::memory::MemoryArgs),
    /// Co-simulate the Verilog (Verilator) against the cycle model; with no options, a short
    /// default run on built-in MNIST images that writes VCDs and prints a report.
    #[command(after_help = cmd::cosim::EXAMPLES)]
    Cosim(cmd::cosim::CosimArgs),
    /// Build the RTL of a config into the model cache; list or clean the cache.
    #[command(subcommand, after_help = cmd::rtl::EXAMPLES)]
    Rtl(cmd::rtl::RtlCommand),
    /// Synthesize the RTL of a config with Yosys: cells, flops, logic and SRAM area per block;
    /// with a Liberty file and OpenSTA, worst slack and fmax.
    #[command(after_help = cmd::synth::EXAMPLES)]
    Synth(cmd::synth::SynthArgs),
    /// Cycle-accurate accelerator model: cycles, memory accesses, energy, waveforms, L1 check.
    #[command(after_help = cmd::sim::EXAMPLES)]
    Sim(cmd::sim::SimArgs),
    /// Energy per sample on the modelled accelerator, as a table per component.
    #[command(after_help = cmd::sim::ENERGY_EXAMPLES)]
    Energy(cmd::sim::SimArgs),
    /// Design-space exploration: train, simulate and price every point of a space file;
    /// Pareto fronts, the chosen design and plots (docs/explore.md).
    #[command(after_help = cmd::explore::EXAMPLES)]
    Explore(cmd::explore::ExploreArgs),
    /// Check or download the MNIST and Fashion-MNIST files.
    #[command(subcommand)]
    Data(cmd::data::DataCommand),
}

/// Runs the command; a user error is printed once on one line (`error: a: b: c`, exit 1), a
/// closed reader ends the run quietly (exit 141, see `output`).
fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if output::is_reader_gone(&e) => ExitCode::from(output::READER_GONE_EXIT),
        Err(e) => {
            output::print_error(&e);
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let matches = <Cli as clap::CommandFactory>::command().get_matches();
    let mut cli = <Cli as clap::FromArgMatches>::from_arg_matches(&matches)?;
    // Whether --variant was typed (a model's own mode must not be contradicted silently).
    if let Command::Sim(a) | Command::Energy(a) = &mut cli.command {
        let sub = matches.subcommand().map(|(_, m)| m);
        a.variant_given = sub.is_some_and(|m| {
            m.value_source("variant") == Some(clap::parser::ValueSource::CommandLine)
        });
    }
    match cli.command {
        Command::Demo(a) => cmd::demo::run(a),
        Command::Train(a) => cmd::train::run(a),
        Command::Eval(a) => cmd::eval::run(a),
        Command::Inspect(a) => cmd::inspect::run(a),
        Command::Memory(a) => cmd::memory::run(a),
        Command::Cosim(a) => cmd::cosim::run(a),
        Command::Rtl(c) => cmd::rtl::run(c),
        Command::Synth(a) => cmd::synth::run(a),
        Command::Sim(a) => cmd::sim::run(a),
        Command::Energy(a) => cmd::sim::run_energy(a),
        Command::Data(c) => cmd::data::run(c),
        Command::Explore(a) => cmd::explore::run(a),
    }
}
