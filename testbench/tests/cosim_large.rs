//! The large config (N = 4900 on 64 PEs, weights streamed from LPDDR4) on the RTL against the
//! cycle model on built-in MNIST images: every spike, weight write, cycle and bank access, and
//! the DRAM channel's counters (requests, bursts, bytes, activates, row hits and misses, busy
//! cycles) of the channel behind the RTL's DRAM port against L2's.

use fspinn_model::data::{builtin, Split};
use fspinn_model::fspinn::{FspinnNetwork, FspinnParams};
use fspinn_model::rng::Rng;
use fspinn_sim::{Accelerator, HwConfig};
use fspinn_testbench::cosim::{compare_sample, RtlAccelerator};
use fspinn_testbench::{params, RtlModel};

fn run(train: bool, images: usize) {
    let cfg = HwConfig::builtin("large").unwrap();
    let net =
        FspinnNetwork::new(FspinnParams::default(), 784, 4900, &mut Rng::from_seed(5)).unwrap();
    let mut model = Accelerator::new(&cfg, &net, 8).unwrap();
    assert!(
        !model.layout().on_chip,
        "the large config streams its weights"
    );
    let mut rtl = RtlAccelerator::load_from(&model);
    assert_eq!(rtl.rtl().model(), Some(RtlModel::Large));
    let data = builtin(if train { Split::Train } else { Split::Test });
    let mut spikes = 0;
    for k in 0..images {
        let (m, totals) = compare_sample(
            k as u64,
            &mut model,
            &mut rtl,
            data.image(k),
            91 + k as u32,
            train,
        );
        assert!(m.is_empty(), "sample {k}: {m:#?}");
        eprintln!("sample {k} (train {train}): {totals:?}");
        assert!(totals.dram_requests_model > 0, "DRAM traffic happened");
        assert_eq!(totals.dram_requests_model, totals.dram_requests_rtl);
        spikes += totals.spikes_compared;
        if train {
            assert!(totals.weight_updates_compared > 0);
        }
    }
    assert!(spikes > 0);
    // The weights the RTL left in its DRAM are L2's.
    let layout = model.layout().clone();
    for chunk in (0..layout.groups * layout.inputs).step_by(97) {
        for q in 0..layout.words_per_chunk {
            assert_eq!(
                rtl.dram_weight_word(&model, chunk, q),
                Some(model.weight_port().peek(chunk, q)),
                "chunk {chunk} word {q}"
            );
        }
    }
}

#[test]
fn large_parameters_are_the_large_configs() {
    let cfg = HwConfig::builtin("large").unwrap();
    let net = fspinn_sim::rtl_params::RtlNetwork {
        neurons: 4900,
        weight_bits: 8,
        steps: 250,
        refractory_steps: 5,
        max_attempts: 16,
    };
    let expected = fspinn_sim::rtl_params::parameters(&cfg, &net).unwrap();
    assert_eq!(params::large::PARAMETERS, expected.as_slice());
    assert_eq!(params::large::WEIGHTS_ON_CHIP, 0);
    assert_eq!(
        RtlModel::for_parameters(&expected),
        Some(RtlModel::Large),
        "the large model is linked in"
    );
    let rtl = fspinn_testbench::Rtl::new_large();
    assert_eq!(rtl.dram_words(), params::large::DRAM_WORDS);
}

#[test]
fn large_inference_matches_the_cycle_model() {
    run(false, 2);
}

#[test]
fn large_training_matches_the_cycle_model() {
    run(true, 1);
}
