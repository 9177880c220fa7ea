//! Prints the RTL's structural parameters for a hardware config, as computed by
//! `fspinn_sim::rtl_params::parameters` (the one place they come from), in the syntax of the
//! tool that consumes them. The scripts in `scripts/` (Yosys synthesis, Icarus Verilog and
//! Verilator checks) call this instead of typing the values by hand.
//!
//! ```text
//! cargo run -q -p fspinn-sim --example rtl_params -- [CONFIG] [OPTIONS]
//!
//!   CONFIG                 built-in name (small, large), sim/configs/NAME.toml, or a TOML path
//!                          (default: small)
//!   --neurons N            network size (default: the config's `neurons`)
//!   --weight-bits N        weight precision, e.g. 8 for w8 (default: 8)
//!   --steps N              time steps per sample (default: 250)
//!   --refractory N         refractory steps (default: 5)
//!   --max-attempts N       presentations of a sample at most (default: 16)
//!   --format F             plain    NAME=VALUE                    (default)
//!                          yosys    -set NAME VALUE               (for `chparam`)
//!                          iverilog -Pfspinn_top.NAME=VALUE
//!                          verilator -GNAME=VALUE
//! ```
//!
//! One parameter per line.

use fspinn_sim::rtl_params;
use fspinn_sim::HwConfig;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const TOP: &str = "fspinn_top";

#[derive(Clone, Copy)]
enum Format {
    Plain,
    Yosys,
    Iverilog,
    Verilator,
}

struct Args {
    config: String,
    neurons: Option<usize>,
    weight_bits: u32,
    steps: u32,
    refractory: u32,
    max_attempts: u32,
    format: Format,
}

const USAGE: &str = "usage: rtl_params [CONFIG] [--neurons N] [--weight-bits N] [--steps N] \
                     [--refractory N] [--max-attempts N] [--format plain|yosys|iverilog|verilator]";

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        config: "small".to_string(),
        neurons: None,
        weight_bits: 8,
        steps: 250,
        refractory: 5,
        max_attempts: 16,
        format: Format::Plain,
    };
    let mut config_seen = false;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "-h" | "--help" => return Err(USAGE.to_string()),
            "--neurons" => args.neurons = Some(number(&arg, &value(&arg)?)?),
            "--weight-bits" => args.weight_bits = number(&arg, &value(&arg)?)?,
            "--steps" => args.steps = number(&arg, &value(&arg)?)?,
            "--refractory" => args.refractory = number(&arg, &value(&arg)?)?,
            "--max-attempts" => args.max_attempts = number(&arg, &value(&arg)?)?,
            "--format" => {
                args.format = match value(&arg)?.as_str() {
                    "plain" => Format::Plain,
                    "yosys" => Format::Yosys,
                    "iverilog" => Format::Iverilog,
                    "verilator" => Format::Verilator,
                    other => return Err(format!("unknown format {other:?}\n{USAGE}")),
                }
            }
            s if s.starts_with('-') => return Err(format!("unknown option {s:?}\n{USAGE}")),
            s if !config_seen => {
                args.config = s.to_string();
                config_seen = true;
            }
            s => return Err(format!("unexpected argument {s:?}\n{USAGE}")),
        }
    }
    Ok(args)
}

fn number<T: std::str::FromStr>(option: &str, text: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("{option}: {text:?} is not a valid number"))
}

/// A built-in config by name, else `sim/configs/NAME.toml`, else a path to a TOML file.
fn load_config(name: &str) -> Result<HwConfig, String> {
    if let Some(cfg) = HwConfig::builtin(name) {
        return Ok(cfg);
    }
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("configs")
        .join(format!("{name}.toml"));
    let path = if shipped.is_file() {
        shipped
    } else {
        PathBuf::from(name)
    };
    if !path.is_file() {
        return Err(format!(
            "no config {name:?}: not a built-in name, not sim/configs/{name}.toml, not a file"
        ));
    }
    HwConfig::load(&path).map_err(|e| e.to_string())
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let cfg = load_config(&args.config)?;
    let neurons = args.neurons.unwrap_or(cfg.neurons as usize);
    let net = rtl_params::RtlNetwork {
        neurons,
        weight_bits: args.weight_bits,
        steps: args.steps,
        refractory_steps: args.refractory,
        max_attempts: args.max_attempts,
    };
    let params = rtl_params::parameters(&cfg, &net)
        .map_err(|e| format!("RTL parameters of config {:?}: {e}", args.config))?;
    for (name, value) in params {
        match args.format {
            Format::Plain => println!("{name}={value}"),
            Format::Yosys => println!("-set {name} {value}"),
            Format::Iverilog => println!("-P{TOP}.{name}={value}"),
            Format::Verilator => println!("-G{name}={value}"),
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("rtl_params: {msg}");
            ExitCode::FAILURE
        }
    }
}
