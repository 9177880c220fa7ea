//! The RTL against the cycle model on built-in MNIST images: every spike, weight write, cycle
//! and bank access.

use fspinn_model::data::{builtin, Split};
use fspinn_model::fspinn::{FspinnNetwork, FspinnParams};
use fspinn_model::rng::Rng;
use fspinn_sim::{Accelerator, HwConfig};
use fspinn_testbench::cosim::{compare_sample, RtlAccelerator};

fn run(train: bool, images: usize) {
    let cfg = HwConfig::builtin("small").unwrap();
    let net =
        FspinnNetwork::new(FspinnParams::default(), 784, 400, &mut Rng::from_seed(3)).unwrap();
    let mut model = Accelerator::new(&cfg, &net, 8).unwrap();
    let mut rtl = RtlAccelerator::load_from(&model);
    let data = builtin(if train { Split::Train } else { Split::Test });
    let mut spikes = 0;
    for k in 0..images {
        let (m, totals) = compare_sample(
            k as u64,
            &mut model,
            &mut rtl,
            data.image(k),
            77 + k as u32,
            train,
        );
        assert!(m.is_empty(), "sample {k}: {m:#?}");

        spikes += totals.spikes_compared;
        if train {
            assert!(totals.weight_updates_compared > 0);
        }
    }
    assert!(spikes > 0);
}

#[test]
fn inference_matches_the_cycle_model() {
    run(false, 2);
}

#[test]
fn training_matches_the_cycle_model() {
    run(true, 2);
}

/// An RTL that runs past the model's cycle count plus the margin is reported as a timeout
/// mismatch, and the comparison returns instead of hanging.
#[test]
fn an_rtl_that_does_not_finish_times_out() {
    let cfg = HwConfig::builtin("small").unwrap();
    let net =
        FspinnNetwork::new(FspinnParams::default(), 784, 400, &mut Rng::from_seed(3)).unwrap();
    let mut model = Accelerator::new(&cfg, &net, 8).unwrap();
    let mut rtl = RtlAccelerator::load_from(&model);
    // The RTL alone runs 60,000 steps per attempt instead of 250.
    rtl.rtl()
        .host_write(fspinn_sim::rtl_consts::Reg::Steps.addr(), 60_000);
    let data = builtin(Split::Test);
    // Run on after the first divergence (the lock step would stop there).
    let (m, totals) = fspinn_testbench::cosim::compare_sample_traced(
        0,
        &mut model,
        &mut rtl,
        data.image(0),
        77,
        false,
        None,
        false,
    )
    .unwrap();
    let timeout: Vec<_> = m.iter().filter(|x| x.what() == "timeout").collect();
    assert_eq!(timeout.len(), 1, "{m:#?}");
    let limit = fspinn_testbench::cosim::timeout_cycles(totals.cycles_model);
    assert_eq!(timeout[0].cycle(), limit + 1, "{:?}", timeout[0]);
    assert!(timeout[0].actual().contains("no done"), "{:?}", timeout[0]);
    // The lock step saw the divergence first, as it happened, before the model's last cycle.
    assert!(
        m[0].is_per_cycle() && m[0].cycle() < totals.cycles_model,
        "{m:#?}"
    );
}
