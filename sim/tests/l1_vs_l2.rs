//! L1 and L2 agree on every spike and every weight, on built-in MNIST images, on chip and with
//! the weights in DRAM, in inference and training, in the FSpiNN and the baseline-equivalent
//! modes.

use fspinn_model::data::{builtin, Split};
use fspinn_model::fspinn::{FspinnNetwork, FspinnParams};
use fspinn_model::precision::FixedFormats;
use fspinn_model::rng::Rng;
use fspinn_sim::verify::Verification;
use fspinn_sim::{Accelerator, HwConfig};

/// A small design: 8 PEs of 4 neurons (N = 30 leaves two lanes empty), 2 banks of 32-bit words.
fn tiny(weight_depth: u32, nlat: u32, wlat: u32) -> HwConfig {
    let text = format!(
        r#"
name = "tiny"
clock_mhz = 100.0
neurons = 30
[pe_array]
pes = 8
neurons_per_pe = 4
[spike_generator]
inputs = 784
lanes = 32
[weight_sram]
banks = 2
word_bits = 32
depth = {weight_depth}
read_latency = {wlat}
[neuron_sram]
word_bits = 48
depth = 4
read_latency = {nlat}
[dram]
kind = "lpddr4"
bus_bits = 32
burst_length = 16
banks = 8
row_bytes = 4096
capacity_bytes = 16777216
"#
    );
    HwConfig::from_toml_str(&text, "tiny").unwrap()
}

fn params(bits: u8, baseline: bool) -> FspinnParams {
    let mut p = FspinnParams {
        formats: FixedFormats::with_weight_bits(bits),
        presentation_ms: 60.0,
        ..Default::default()
    };
    if baseline {
        p.mechanisms.direct_inhibition = false;
        p.mechanisms.post_only_stdp = false;
    }
    p
}

fn run(cfg: &HwConfig, p: FspinnParams, storage: u32, train: bool, images: usize) -> Verification {
    let data = builtin(Split::Train);
    let mut rng = Rng::from_seed(7);
    let mut l1 = FspinnNetwork::new(p, 784, 30, &mut rng).unwrap();
    let mut acc = Accelerator::new(cfg, &l1, storage).unwrap();
    let mut ws = l1.workspace();
    let mut v = Verification::default();
    for k in 0..images {
        v.run_sample(
            k as u64,
            &mut acc,
            &mut l1,
            &mut ws,
            data.image(k),
            1000 + k as u32,
            train,
        );
    }
    assert!(v.spikes_compared > 0);
    v
}

#[test]
fn inference_on_chip_matches_l1() {
    let v = run(&tiny(4096, 1, 1), params(8, false), 8, false, 3);
    assert_eq!(v.mismatches, 0, "{:#?}", v.first);
}

#[test]
fn training_on_chip_matches_l1() {
    let v = run(&tiny(4096, 2, 1), params(8, false), 8, true, 3);
    assert!(v.weight_updates_compared > 0);
    assert_eq!(v.mismatches, 0, "{:#?}", v.first);
}

#[test]
fn training_from_dram_matches_l1() {
    // 16 weight words do not hold 784 x 30 weights: everything streams from DRAM.
    let v = run(&tiny(16, 1, 2), params(4, false), 4, true, 2);
    assert!(v.weight_updates_compared > 0);
    assert_eq!(v.mismatches, 0, "{:#?}", v.first);
}

#[test]
fn baseline_mode_matches_l1() {
    let v = run(&tiny(4096, 1, 1), params(16, true), 32, true, 2);
    assert!(v.weight_updates_compared > 0);
    assert_eq!(v.mismatches, 0, "{:#?}", v.first);
}
