//! Criterion benchmarks of the fixed-point input spike generator: one 700-step presentation of an
//! MNIST image, and the table-driven 16-bit LFSR draw against 16 single shifts.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use fspinn_model::data::{self, Split};
use fspinn_model::fixed::{rate_q24, sample_seed, Lfsr32, SpikeGenerator};
use std::hint::black_box;

/// Diehl & Cook presentation: 350 ms at dt 0.5 ms.
const STEPS: usize = 700;

fn bench(c: &mut Criterion) {
    let train = data::builtin(Split::Train);
    let image = train.image(0);
    let rate = rate_q24(0.125, 2, 0.5);

    let mut group = c.benchmark_group("spikegen");
    group.bench_function("presentation_700_steps", |b| {
        let mut gen = SpikeGenerator::new(image.len());
        let mut out = Vec::with_capacity(image.len());
        let mut index = 0u64;
        b.iter(|| {
            gen.start(image, rate, sample_seed(1, 2, 0, index));
            index += 1;
            let mut spikes = 0usize;
            for _ in 0..STEPS {
                gen.step(&mut out);
                spikes += out.len();
            }
            black_box((spikes, gen.draws()))
        });
    });

    const DRAWS: u64 = 1000;
    group.throughput(Throughput::Elements(DRAWS));
    group.bench_function("next16_x1000", |b| {
        let mut lfsr = Lfsr32::new(1);
        b.iter(|| {
            let mut acc = 0u32;
            for _ in 0..DRAWS {
                acc ^= u32::from(lfsr.next16());
            }
            black_box(acc)
        });
    });
    group.bench_function("next_bits16_x1000", |b| {
        let mut lfsr = Lfsr32::new(1);
        b.iter(|| {
            let mut acc = 0u32;
            for _ in 0..DRAWS {
                acc ^= lfsr.next_bits(16);
            }
            black_box(acc)
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
