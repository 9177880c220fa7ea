//! CPU time of the verilated RTL alone (no lock step) per N-neuron inference sample, for the
//! co-simulation speed work (docs/rtl.md, "Co-simulation speed"):
//! `cargo run --release -p fspinn-testbench --example rtl_speed -- small 5 [max-cycles]`.
//! The thread's CPU time comes from /proc/thread-self/schedstat, so a loaded machine inflates
//! the wall time but not the figure.

use fspinn_model::data::{builtin, Split};
use fspinn_model::fspinn::{FspinnNetwork, FspinnParams};
use fspinn_model::rng::Rng;
use fspinn_sim::{Accelerator, HwConfig};
use fspinn_testbench::cosim::RtlAccelerator;
use fspinn_testbench::Tracing;

fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = args.first().map_or("small", String::as_str);
    let samples: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(3);
    let limit: Option<u64> = args.get(2).and_then(|s| s.parse().ok()).filter(|&l| l > 0);
    let tracing = match args.get(3).map_or("off", String::as_str) {
        "vcd" => Tracing::Vcd,
        "fst" => Tracing::Fst,
        _ => Tracing::Off,
    };
    let cfg = HwConfig::builtin(config).expect("a shipped config");
    let neurons = cfg.neurons as usize;
    let net = FspinnNetwork::new(
        FspinnParams::default(),
        784,
        neurons,
        &mut Rng::from_seed(1),
    )
    .expect("network");
    let images = builtin(Split::Test);
    let model = Accelerator::new(&cfg, &net, 8).expect("accelerator");
    let eta = model.potentiation_factor();
    let mut rtl = RtlAccelerator::open_for(&model, tracing, None).expect("the RTL");
    rtl.set_cycle_limit(limit);
    let mut cycles = 0;
    let (t0, w0) = (cpu_ns(), std::time::Instant::now());
    for s in 0..samples {
        let r = rtl.run_sample(images.image(s), 5, false, eta);
        cycles += r.cycles;
    }
    let cpu = (cpu_ns() - t0) as f64 * 1e-9;
    let wall = w0.elapsed().as_secs_f64();
    println!(
        "{config} ({tracing:?}): {samples} samples, {cycles} cycles, cpu {cpu:.3} s ({:.1} ms/sample, {:.0} cycles/s), wall {wall:.3} s",
        cpu * 1e3 / samples as f64,
        cycles as f64 / cpu
    );
}
