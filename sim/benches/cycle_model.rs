//! Wall time of the cycle model: one N=400 inference and one training image on the small
//! config (the speed goal is "well under a second" per inference).

use criterion::{criterion_group, criterion_main, Criterion};
use fspinn_model::data::{builtin, Split};
use fspinn_model::fspinn::{FspinnNetwork, FspinnParams};
use fspinn_model::rng::Rng;
use fspinn_sim::{Accelerator, HwConfig};

fn bench(c: &mut Criterion) {
    let cfg = HwConfig::builtin("small").unwrap();
    let net =
        FspinnNetwork::new(FspinnParams::default(), 784, 400, &mut Rng::from_seed(1)).unwrap();
    let images = builtin(Split::Test);
    let mut g = c.benchmark_group("cycle_model_n400_small");
    g.sample_size(10);
    let mut acc = Accelerator::new(&cfg, &net, 8).unwrap();
    let mut k = 0usize;
    g.bench_function("inference", |b| {
        b.iter(|| {
            k = (k + 1) % images.len();
            acc.run_sample(images.image(k), k as u32, false)
        })
    });
    let mut acc = Accelerator::new(&cfg, &net, 8).unwrap();
    g.bench_function("training", |b| {
        b.iter(|| {
            k = (k + 1) % images.len();
            acc.run_sample(images.image(k), k as u32, true)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
