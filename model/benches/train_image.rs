//! Criterion benchmarks: one training presentation and one inference of an MNIST image, for the
//! f32 baseline and the FSpiNN integer datapath (8-bit and 4-bit weights), at N = 100 and 400;
//! and one training presentation of the large layers (N = 1600, 4900) on one and two threads,
//! which training splits into blocks of neurons (`--threads`, bit-identical results): always
//! split (`2t`), and chosen by measured speed as training does (`2t_auto`, FSpiNN only).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use fspinn_model::data::{self, Split};
use fspinn_model::fspinn::FspinnParams;
use fspinn_model::network::{Network, NetworkParams};
use fspinn_model::params::BaselineParams;
use fspinn_model::precision::FixedFormats;
use fspinn_model::presentation::{set_split_policy, SplitPolicy};
use fspinn_model::rng::{Rng, StreamPhase};
use std::hint::black_box;

/// A network trained on the 1000 built-in images first, so that spiking and weights resemble
/// the rest of a training run rather than its start (where FSpiNN's first normalisations and
/// learning-rate schedule cost more per image than they do over an epoch).
const WARM_UP: usize = 1000;

fn warmed_network(params: &NetworkParams, n: usize) -> Network {
    let train = data::builtin(Split::Train);
    let mut rng = Rng::stream(1, StreamPhase::Init, 0, 0);
    let mut net = Network::new(params, 784, n, &mut rng).unwrap();
    let mut ws = net.workspace();
    for i in 0..WARM_UP {
        let mut r = Rng::stream(1, StreamPhase::Train, 0, i as u64);
        net.train_image(&mut ws, train.image(i), &mut r);
    }
    net
}

fn bench(c: &mut Criterion) {
    let train = data::builtin(Split::Train);
    let variants = [
        (
            "baseline",
            NetworkParams::Baseline(BaselineParams::default()),
        ),
        ("fspinn_w8", NetworkParams::Fspinn(FspinnParams::default())),
        (
            "fspinn_w4",
            NetworkParams::Fspinn(FspinnParams {
                formats: FixedFormats::with_weight_bits(4),
                ..FspinnParams::default()
            }),
        ),
    ];
    for (name, params) in &variants {
        let mut group = c.benchmark_group(*name);
        group.sample_size(30);
        for n in [100usize, 400] {
            let base = warmed_network(params, n);
            group.bench_with_input(BenchmarkId::new("train_image", n), &n, |b, _| {
                let mut net = base.clone();
                let mut ws = net.workspace();
                let mut i = WARM_UP as u64;
                b.iter(|| {
                    let idx = (i % 1000) as usize;
                    let mut r = Rng::stream(1, StreamPhase::Train, 0, i);
                    i += 1;
                    black_box(net.train_image(&mut ws, train.image(idx), &mut r))
                });
            });
            group.bench_with_input(BenchmarkId::new("infer_image", n), &n, |b, _| {
                let mut ws = base.workspace();
                let mut i = 0u64;
                b.iter(|| {
                    let idx = (i % 1000) as usize;
                    let mut r = Rng::stream(1, StreamPhase::Test, 0, i);
                    i += 1;
                    black_box(base.infer_image(&mut ws, train.image(idx), &mut r))
                });
            });
        }
        group.finish();
    }
}

/// Training on 1 and 2 threads at the sizes where a step is split into blocks of neurons:
/// `2t` always splits (FSpiNN), `2t_auto` chooses by measured speed as training does.
fn bench_threads(c: &mut Criterion) {
    let train = data::builtin(Split::Train);
    let variants = [
        (
            "baseline",
            NetworkParams::Baseline(BaselineParams::default()),
        ),
        (
            "fspinn_w4",
            NetworkParams::Fspinn(FspinnParams {
                formats: FixedFormats::with_weight_bits(4),
                ..FspinnParams::default()
            }),
        ),
    ];
    for (name, params) in &variants {
        let mut group = c.benchmark_group(format!("train_threads_{name}"));
        group.sample_size(20);
        for n in [1600usize, 4900] {
            let base = warmed_network(params, n);
            for (threads, policy, label) in [
                (1usize, SplitPolicy::Always, "1t"),
                (2, SplitPolicy::Always, "2t"),
                (2, SplitPolicy::Auto, "2t_auto"),
            ] {
                if label == "2t_auto" && *name == "baseline" {
                    continue;
                }
                set_split_policy(policy);
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                let id = BenchmarkId::new(format!("n{n}"), label);
                group.bench_with_input(id, &n, |b, _| {
                    let mut net = base.clone();
                    let mut ws = net.workspace();
                    let mut i = WARM_UP as u64;
                    pool.install(|| {
                        b.iter(|| {
                            let idx = (i % 1000) as usize;
                            let mut r = Rng::stream(1, StreamPhase::Train, 0, i);
                            i += 1;
                            black_box(net.train_image(&mut ws, train.image(idx), &mut r))
                        })
                    });
                });
            }
        }
        group.finish();
    }
}

criterion_group!(benches, bench, bench_threads);
criterion_main!(benches);
