//! Whole-run properties of the f32 FSpiNN network (layer L0) on the built-in subset of real MNIST
//! images (1000 training, 300 test): it learns, it agrees with the integer network (L1) within
//! the stated tolerance, post-training quantisation works end to end, and checkpoints resume
//! exactly in the current format.

use fspinn_model::data::{self, DatasetKind, Split};
use fspinn_model::fspinn::{FspinnF32Params, FspinnParams};
use fspinn_model::network::{Network, NetworkParams};
use fspinn_model::{checkpoint, RunConfig, Trainer, Variant};
use std::path::Path;

fn config(
    neurons: usize,
    train: usize,
    test: usize,
    epochs: u32,
    params: NetworkParams,
) -> RunConfig {
    RunConfig {
        dataset: DatasetKind::Mnist,
        variant: Variant::Fspinn,
        neurons,
        train_samples: train,
        test_samples: test,
        label_samples: train,
        epochs,
        seed: 3,
        params,
    }
}

fn float(post_quantize: bool, weight_bits: u8) -> NetworkParams {
    let mut fspinn = FspinnParams::default();
    fspinn.formats.weight_bits = weight_bits;
    NetworkParams::FspinnF32(FspinnF32Params {
        fspinn,
        post_quantize,
    })
}

fn integer(weight_bits: u8) -> NetworkParams {
    let mut p = FspinnParams::default();
    p.formats.weight_bits = weight_bits;
    NetworkParams::Fspinn(p)
}

fn run_to_end(mut t: Trainer) -> (Vec<u8>, f64) {
    let train = data::builtin(Split::Train);
    let test = data::builtin(Split::Test);
    while !t.training_done() {
        t.step(&train);
    }
    let acc = t.evaluate(&train, &test).unwrap().test_accuracy;
    (checkpoint::to_bytes(&t), acc)
}

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(f)
}

fn full_run_accuracy(params: NetworkParams, seed: u64) -> f64 {
    let train = data::builtin(Split::Train);
    let test = data::builtin(Split::Test);
    let mut cfg = config(100, train.len(), test.len(), 1, params);
    cfg.seed = seed;
    run_to_end(Trainer::new(cfg, 784).unwrap()).1
}

#[test]
fn float_short_training_learns_far_above_chance() {
    let acc = full_run_accuracy(float(false, 8), 3);
    // Chance is 10 %; the integer network's test asks for 25 % after the same 1000 images.
    assert!(acc > 0.25, "f32 FSpiNN accuracy {acc} after 1000 images");
}

/// The L0 vs L1 contract (DESIGN.md section 2): same parameters, seeds and input spikes; the
/// f32 network and the 16-bit integer network reach the same accuracy within 8 points, averaged
/// over four seeds (one 1000-image run varies by about +-10 points from seed to seed).
#[test]
fn float_and_integer_w16_accuracy_agree_within_tolerance() {
    let seeds = [1u64, 2, 3, 4];
    let mean = |params: &dyn Fn() -> NetworkParams| {
        let accs: Vec<f64> = seeds
            .iter()
            .map(|&s| full_run_accuracy(params(), s))
            .collect();
        eprintln!("accuracies {accs:?}");
        accs.iter().sum::<f64>() / accs.len() as f64
    };
    let f = mean(&|| float(false, 8));
    let i = mean(&|| integer(16));
    eprintln!("mean accuracy: f32 {f:.4}, integer w16 {i:.4}");
    assert!((f - i).abs() <= 0.08, "f32 {f} vs w16 {i}");
    assert!(f > 0.25 && i > 0.25, "f32 {f}, w16 {i}");
}

#[test]
fn float_resume_and_thread_count_reproduce_the_run_exactly() {
    let cfg = config(20, 50, 40, 2, float(false, 8));
    let (whole, acc) = in_pool(1, || run_to_end(Trainer::new(cfg.clone(), 784).unwrap()));
    let (two, acc_two) = in_pool(2, || run_to_end(Trainer::new(cfg.clone(), 784).unwrap()));
    assert_eq!(acc, acc_two);
    assert!(whole == two, "thread count changed the f32 checkpoint");
    let (again, _) = in_pool(2, || run_to_end(Trainer::new(cfg.clone(), 784).unwrap()));
    assert!(whole == again, "the same run twice differs");

    let train = data::builtin(Split::Train);
    let mut first = Trainer::new(cfg.clone(), 784).unwrap();
    for _ in 0..63 {
        first.step(&train);
    }
    let saved = checkpoint::to_bytes(&first);
    assert_eq!(
        &saved[8..12],
        &checkpoint::FORMAT_VERSION.to_le_bytes(),
        "f32 FSpiNN is written in the current format"
    );
    let resumed = checkpoint::from_bytes(&saved, Path::new("f.ckpt")).unwrap();
    assert!(matches!(resumed.network, Network::FspinnF32(_)));
    let (after, acc_after) = run_to_end(resumed);
    assert_eq!(acc, acc_after);
    assert!(whole == after, "resumed f32 checkpoint differs");

    let mut other = cfg;
    other.seed = 4;
    let (different, _) = run_to_end(Trainer::new(other, 784).unwrap());
    assert!(whole != different, "the seed changes nothing");
}

#[test]
fn post_quantised_run_tests_the_integer_network_and_resumes_exactly() {
    let cfg = config(20, 50, 40, 2, float(true, 4));
    let (whole, acc) = run_to_end(Trainer::new(cfg.clone(), 784).unwrap());

    // Mid-training the run holds the f32 network; resuming gives the same end state.
    let train = data::builtin(Split::Train);
    let test = data::builtin(Split::Test);
    let mut first = Trainer::new(cfg.clone(), 784).unwrap();
    for _ in 0..63 {
        first.step(&train);
    }
    let resumed =
        checkpoint::from_bytes(&checkpoint::to_bytes(&first), Path::new("q.ckpt")).unwrap();
    assert!(matches!(resumed.network, Network::FspinnF32(_)));
    let (after, acc_after) = run_to_end(resumed);
    assert_eq!(acc, acc_after);
    assert!(whole == after, "resumed post-quantised checkpoint differs");

    // The finished run holds the 4-bit integer network, equal to quantising the f32 one and
    // retiring the neurons training never recruited.
    let done = checkpoint::from_bytes(&whole, Path::new("q.ckpt")).unwrap();
    let Network::Fspinn(int) = &done.network else {
        panic!("a finished post-quantised run holds the integer network");
    };
    assert_eq!(int.params().formats.weight_bits, 4);
    assert!(int.weights().iter().all(|&w| w <= 15));
    let mut float_run = Trainer::new(cfg, 784).unwrap();
    while !float_run.training_done() {
        float_run.step(&train);
    }
    let Network::FspinnF32(f) = &float_run.network else {
        panic!("training runs the f32 network");
    };
    // Quantised, then (`retire_unrecruited`, the default) its unrecruited neurons retired.
    let mut q = f.quantize().unwrap();
    assert!(
        q.retire_unrecruited() > 0,
        "20 neurons on 50 images leave some unrecruited"
    );
    assert_eq!(q.weights(), int.weights());
    assert_eq!(q.theta(), int.theta());
    assert_eq!(q.inhibition(), int.inhibition());
    // Evaluating a loaded, already converted run converts nothing again.
    let mut again = done;
    let acc_again = again.evaluate(&train, &test).unwrap().test_accuracy;
    assert_eq!(acc_again, acc);
}

#[test]
fn every_variant_writes_the_current_format_and_reads_it_back() {
    for params in [integer(8), float(false, 8), float(true, 4)] {
        let t = Trainer::new(config(5, 10, 10, 1, params), 784).unwrap();
        let bytes = checkpoint::to_bytes(&t);
        assert_eq!(&bytes[8..12], &checkpoint::FORMAT_VERSION.to_le_bytes());
        let back = checkpoint::from_bytes(&bytes, Path::new("i.ckpt")).unwrap();
        assert_eq!(checkpoint::to_bytes(&back), bytes);
    }
}
