//! Wall time of one N=400 inference on the small config: the cycle model alone, the verilated
//! RTL alone (the build without tracing that runs without waveforms use, and the VCD-capable
//! build with no trace open), and the two in lock step with every comparison (the issue's
//! goal: under one second for the co-simulation, the model at least 10x faster than the RTL).
//! docs/rtl.md, "Co-simulation speed", has the figures and how they were taken.

use criterion::{criterion_group, criterion_main, Criterion};
use fspinn_model::data::{builtin, Split};
use fspinn_model::fspinn::{FspinnNetwork, FspinnParams};
use fspinn_model::rng::Rng;
use fspinn_sim::{Accelerator, HwConfig};
use fspinn_testbench::cosim::{compare_sample, RtlAccelerator};
use fspinn_testbench::Tracing;

fn bench(c: &mut Criterion) {
    let cfg = HwConfig::builtin("small").unwrap();
    let net =
        FspinnNetwork::new(FspinnParams::default(), 784, 400, &mut Rng::from_seed(1)).unwrap();
    let images = builtin(Split::Test);
    let image = images.image(0);
    let mut g = c.benchmark_group("n400_small_inference");
    g.sample_size(10);
    let mut model = Accelerator::new(&cfg, &net, 8).unwrap();
    g.bench_function("cycle_model", |b| {
        b.iter(|| model.run_sample(image, 5, false))
    });
    let model = Accelerator::new(&cfg, &net, 8).unwrap();
    let eta = model.potentiation_factor();
    let open = |tracing: Tracing| RtlAccelerator::open_for(&model, tracing, None).unwrap();
    let mut rtl = open(Tracing::Off);
    g.bench_function("rtl", |b| b.iter(|| rtl.run_sample(image, 5, false, eta)));
    let mut rtl = open(Tracing::Vcd);
    g.bench_function("rtl_traced", |b| {
        b.iter(|| rtl.run_sample(image, 5, false, eta))
    });
    let mut model = Accelerator::new(&cfg, &net, 8).unwrap();
    let mut rtl = RtlAccelerator::open_for(&model, Tracing::Off, None).unwrap();
    g.bench_function("cosim", |b| {
        b.iter(|| {
            let (m, _) = compare_sample(0, &mut model, &mut rtl, image, 5, false);
            assert!(m.is_empty());
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
