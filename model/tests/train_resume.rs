//! Whole-run properties on the built-in MNIST subset: resuming from a checkpoint reproduces an
//! uninterrupted run byte for byte, results do not depend on the thread count, and a short
//! training run learns (accuracy far above the 10 % of chance).

use fspinn_model::data::{self, DatasetKind, Split};
use fspinn_model::network::NetworkParams;
use fspinn_model::params::BaselineParams;
use fspinn_model::{checkpoint, RunConfig, Trainer, Variant};
use std::path::Path;

fn config(neurons: usize, train: usize, test: usize, epochs: u32) -> RunConfig {
    RunConfig {
        dataset: DatasetKind::Mnist,
        variant: Variant::Baseline,
        neurons,
        train_samples: train,
        test_samples: test,
        label_samples: train,
        epochs,
        seed: 3,
        params: NetworkParams::Baseline(BaselineParams::default()),
    }
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

#[test]
fn resumed_run_equals_uninterrupted_run() {
    let cfg = config(20, 60, 40, 2);
    let (whole, acc_whole) = run_to_end(Trainer::new(cfg.clone(), 784).unwrap());

    let train = data::builtin(Split::Train);
    let mut first = Trainer::new(cfg, 784).unwrap();
    for _ in 0..77 {
        first.step(&train); // stops inside the second epoch
    }
    let saved = checkpoint::to_bytes(&first);
    let resumed = checkpoint::from_bytes(&saved, Path::new("mid.ckpt")).unwrap();
    assert_eq!(resumed.samples_done, 77);
    let (after, acc_after) = run_to_end(resumed);
    assert_eq!(acc_whole, acc_after);
    assert!(whole == after, "checkpoints differ after resume");
}

#[test]
fn thread_count_does_not_change_results() {
    let cfg = config(30, 80, 60, 1);
    let one = in_pool(1, || run_to_end(Trainer::new(cfg.clone(), 784).unwrap()));
    let two = in_pool(2, || run_to_end(Trainer::new(cfg.clone(), 784).unwrap()));
    let three = in_pool(3, || run_to_end(Trainer::new(cfg.clone(), 784).unwrap()));
    assert_eq!(one.1, two.1);
    assert!(
        one.0 == two.0 && two.0 == three.0,
        "checkpoints differ between thread counts"
    );
}

#[test]
fn different_seeds_give_different_networks() {
    let mut a = config(10, 20, 10, 1);
    let (bytes_a, _) = run_to_end(Trainer::new(a.clone(), 784).unwrap());
    a.seed = 4;
    let (bytes_b, _) = run_to_end(Trainer::new(a, 784).unwrap());
    assert!(bytes_a != bytes_b);
}

#[test]
fn short_training_learns_far_above_chance() {
    // 1000 real MNIST training images, 300 test images, 100 neurons.
    let train = data::builtin(Split::Train);
    let test = data::builtin(Split::Test);
    let cfg = config(100, train.len(), test.len(), 1);
    let (_, acc) = run_to_end(Trainer::new(cfg, 784).unwrap());
    assert!(acc > 0.45, "accuracy {acc} after 1000 images");
}

/// The byte-level damage tests live next to the format (`checkpoint/tests.rs`); this checks
/// the same refusals on a checkpoint of a real 784-input run.
#[test]
fn damaged_checkpoints_are_rejected_with_a_reason() {
    let cfg = config(5, 10, 10, 1);
    let t = Trainer::new(cfg, 784).unwrap();
    let good = checkpoint::to_bytes(&t);
    let p = Path::new("x.ckpt");
    let refusal = |bytes: &[u8]| checkpoint::from_bytes(bytes, p).err().unwrap().to_string();

    let err = refusal(b"hello world, not a checkpoint");
    assert!(err.starts_with("corrupt checkpoint x.ckpt: "), "{err}");
    assert!(err.contains("not an fspinn checkpoint"), "{err}");

    let mut newer = good.clone();
    newer[8..12].copy_from_slice(&99u32.to_le_bytes());
    assert!(refusal(&newer).contains("unknown format version 99"));

    assert!(refusal(&good[..good.len() - 10]).contains("truncated"));

    // 16 bytes XOR 0xFF in the middle of the weights, as in issue 14.
    let mut damaged = good.clone();
    let mid = damaged.len() / 2;
    for b in &mut damaged[mid..mid + 16] {
        *b ^= 0xff;
    }
    let err = refusal(&damaged);
    assert!(err.contains("checksum mismatch"), "{err}");
}

#[test]
fn checkpoint_files_are_written_atomically_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.ckpt");
    let t = Trainer::new(config(5, 10, 10, 1), 784).unwrap();
    checkpoint::save(&t, &path).unwrap();
    checkpoint::save(&t, &path).unwrap(); // overwrite in place
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "no temporary file left behind: {names:?}");
    let back = checkpoint::load(&path).unwrap();
    assert_eq!(checkpoint::to_bytes(&back), checkpoint::to_bytes(&t));
    let err = checkpoint::load(&dir.path().join("missing.ckpt"))
        .err()
        .unwrap();
    assert!(err.to_string().contains("missing.ckpt"), "{err}");
}

fn fspinn_config(neurons: usize, train: usize, test: usize, epochs: u32) -> RunConfig {
    RunConfig {
        variant: Variant::Fspinn,
        params: NetworkParams::Fspinn(fspinn_model::fspinn::FspinnParams::default()),
        ..config(neurons, train, test, epochs)
    }
}

#[test]
fn fspinn_resume_and_thread_count_reproduce_the_run_exactly() {
    let cfg = fspinn_config(20, 50, 40, 2);
    let (whole, acc) = in_pool(1, || run_to_end(Trainer::new(cfg.clone(), 784).unwrap()));
    let (two, acc_two) = in_pool(2, || run_to_end(Trainer::new(cfg.clone(), 784).unwrap()));
    assert_eq!(acc, acc_two);
    assert!(whole == two, "thread count changed the FSpiNN checkpoint");

    let train = data::builtin(Split::Train);
    let mut first = Trainer::new(cfg, 784).unwrap();
    for _ in 0..63 {
        first.step(&train);
    }
    let resumed =
        checkpoint::from_bytes(&checkpoint::to_bytes(&first), Path::new("f.ckpt")).unwrap();
    let (after, acc_after) = run_to_end(resumed);
    assert_eq!(acc, acc_after);
    assert!(whole == after, "resumed FSpiNN checkpoint differs");
}

#[test]
fn fspinn_short_training_learns_far_above_chance() {
    let train = data::builtin(Split::Train);
    let test = data::builtin(Split::Test);
    let cfg = fspinn_config(100, train.len(), test.len(), 1);
    let (_, acc) = run_to_end(Trainer::new(cfg, 784).unwrap());
    // Chance is 10 %. The bar is lower than the baseline's (0.45): FSpiNN learns more slowly
    // over its first 1000 images, and such short runs vary by about 10 points with the seed
    // (docs/fspinn.md, "L0 vs L1 tolerance").
    assert!(acc > 0.25, "FSpiNN accuracy {acc} after 1000 images");
}

/// Large layers split each training step's integration (and the baseline's input propagation)
/// into one block of neurons per thread; every neuron's arithmetic is unchanged, so the trained
/// network must be the same bit for bit. 1100 neurons: above the split size, and not a multiple
/// of the 32-neuron groups, so the last block is a ragged one.
#[test]
fn large_layers_train_bit_identically_on_one_two_and_three_threads() {
    use fspinn_model::fspinn::{FspinnF32Params, FspinnParams};
    use fspinn_model::precision::FixedFormats;
    use fspinn_model::presentation::{
        integration_blocks, set_split_policy, SplitPolicy, PARALLEL_MIN_NEURONS,
    };
    // FSpiNN training chooses between split and whole steps by measured speed; here every
    // attempt splits (the policy only changes speed, so other tests are unaffected).
    set_split_policy(SplitPolicy::Always);
    let n = 1100;
    assert!(n >= PARALLEL_MIN_NEURONS);
    assert_eq!(integration_blocks(n, 2), 2);
    assert_eq!(integration_blocks(n, 3), 3);
    assert_eq!(
        integration_blocks(400, 2),
        1,
        "small layers stay in one block"
    );
    let fixed = |bits| {
        NetworkParams::Fspinn(FspinnParams {
            formats: FixedFormats::with_weight_bits(bits),
            ..FspinnParams::default()
        })
    };
    let f32_params = NetworkParams::FspinnF32(FspinnF32Params {
        fspinn: FspinnParams::default(),
        post_quantize: false,
    });
    let cases = [
        (
            Variant::Baseline,
            NetworkParams::Baseline(BaselineParams::default()),
        ),
        (Variant::Fspinn, fixed(4)),
        (Variant::Fspinn, fixed(12)),
        (Variant::Fspinn, f32_params),
        // The inhibitory layer's relay and per-presentation updates ((a) and (d) off) are
        // per-block work too; (b) off keeps the layer in one block.
        (
            Variant::Fspinn,
            NetworkParams::Fspinn(FspinnParams {
                mechanisms: fspinn_model::fspinn::Mechanisms {
                    direct_inhibition: false,
                    per_step_updates: false,
                    ..Default::default()
                },
                ..FspinnParams::default()
            }),
        ),
    ];
    for (variant, params) in cases {
        let cfg = RunConfig {
            variant,
            params,
            ..config(n, 12, 10, 1)
        };
        let one = in_pool(1, || run_to_end(Trainer::new(cfg.clone(), 784).unwrap()));
        let two = in_pool(2, || run_to_end(Trainer::new(cfg.clone(), 784).unwrap()));
        let three = in_pool(3, || run_to_end(Trainer::new(cfg.clone(), 784).unwrap()));
        assert_eq!(one.1, two.1);
        assert!(
            one.0 == two.0 && one.0 == three.0,
            "{:?}: checkpoints differ between thread counts",
            cfg.params.precision()
        );
    }
}
