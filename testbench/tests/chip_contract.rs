//! Properties every implementation of the accelerator must have, written once against the
//! `Chip` trait and run on the cycle model and on the verilated RTL; then the two side by side
//! through the same trait.

use fspinn_model::data::{builtin, Split};
use fspinn_model::fspinn::{FspinnNetwork, FspinnParams};
use fspinn_model::rng::Rng;
use fspinn_sim::{Accelerator, Chip, HwConfig};
use fspinn_testbench::cosim::RtlAccelerator;

fn network() -> FspinnNetwork {
    let p = FspinnParams {
        presentation_ms: 60.0,
        ..Default::default()
    };
    FspinnNetwork::new(p, 784, 40, &mut Rng::from_seed(9)).unwrap()
}

/// The two implementations, loaded with the same network.
fn chips() -> (Accelerator, RtlAccelerator) {
    let cfg = HwConfig::builtin("small").unwrap();
    let model = Accelerator::new(&cfg, &network(), 8).unwrap();
    let rtl = RtlAccelerator::load_from(&model);
    (model, rtl)
}

fn blank_image_makes_no_spike(chip: &mut dyn Chip) {
    let r = chip.run(&[0u8; 784], 1, false).unwrap();
    assert!(
        r.spikes.is_empty(),
        "{}: spikes from a blank image",
        chip.name()
    );
    assert!(r.counts.iter().all(|&c| c == 0), "{}", chip.name());
    assert!(r.weight_writes.is_empty());
}

fn inference_changes_no_state(chip: &mut dyn Chip) {
    let image = builtin(Split::Test);
    let (w, th, inh) = (
        chip.read_weights(),
        chip.read_thetas(),
        chip.read_inhibition(),
    );
    let r = chip.run(image.image(0), 2, false).unwrap();
    assert!(
        !r.spikes.is_empty(),
        "{}: a digit makes spikes",
        chip.name()
    );
    assert!(r.weight_writes.is_empty(), "{}", chip.name());
    assert_eq!(chip.read_weights(), w, "{}: weights", chip.name());
    assert_eq!(chip.read_thetas(), th, "{}: thresholds", chip.name());
    assert_eq!(chip.read_inhibition(), inh, "{}: inhibition", chip.name());
    // The same image and seed again: the same run.
    assert_eq!(
        chip.run(image.image(0), 2, false).unwrap(),
        r,
        "{}: repeatable",
        chip.name()
    );
}

fn training_writes_what_it_reports(chip: &mut dyn Chip) {
    let image = builtin(Split::Train);
    let r = chip.run(image.image(1), 3, true).unwrap();
    assert!(
        !r.weight_writes.is_empty(),
        "{}: training writes weights",
        chip.name()
    );
    let w = chip.read_weights();
    let n = 40;
    // The last write to each synapse in the last attempt is what the memory holds
    // (normalisation rescales every column before each attempt, nothing after its steps).
    let final_attempt = r.weight_writes.iter().map(|x| x.attempt).max().unwrap();
    let mut last = std::collections::HashMap::new();
    for x in r
        .weight_writes
        .iter()
        .filter(|x| x.attempt == final_attempt)
    {
        last.insert((x.input, x.neuron), x.value);
    }
    assert!(!last.is_empty());
    for ((i, j), v) in last {
        assert_eq!(
            w[i as usize * n + j as usize],
            v,
            "{}: w[{i}][{j}]",
            chip.name()
        );
    }
    assert!(
        chip.read_thetas().iter().any(|&t| t > 0),
        "{}: thresholds grew",
        chip.name()
    );
}

#[test]
fn properties_hold_on_the_model() {
    let (mut model, _) = chips();
    blank_image_makes_no_spike(&mut model);
    inference_changes_no_state(&mut model);
    training_writes_what_it_reports(&mut model);
}

#[test]
fn properties_hold_on_the_rtl() {
    let (_, mut rtl) = chips();
    blank_image_makes_no_spike(&mut rtl);
    inference_changes_no_state(&mut rtl);
    training_writes_what_it_reports(&mut rtl);
}

#[test]
fn model_and_rtl_agree_through_the_trait() {
    let (mut model, mut rtl) = chips();
    let images = builtin(Split::Train);
    for (k, train) in [(0usize, true), (1, false), (2, true)] {
        let a = Chip::run(&mut model, images.image(k), 40 + k as u32, train).unwrap();
        let b = Chip::run(&mut rtl, images.image(k), 40 + k as u32, train).unwrap();
        assert_eq!(a, b, "sample {k}");
    }
    assert_eq!(model.read_weights(), rtl.read_weights());
    assert_eq!(model.read_thetas(), rtl.read_thetas());
    assert_eq!(
        Chip::read_inhibition(&mut model),
        Chip::read_inhibition(&mut rtl)
    );
}

/// One comparison over any two chips: the model against the RTL (lock step, the RTL checked
/// cycle by cycle), the RTL's port trace checked by the model, and the model against a clone
/// of itself (a snapshot runs exactly as the original).
#[test]
fn one_comparison_over_any_two_chips() {
    use fspinn_sim::chip::compare;
    let (mut model, mut rtl) = chips();
    let mut twin = model.clone();
    let mut twin2 = model.clone();
    let images = builtin(Split::Train);
    let c1 = compare(0, &mut model, &mut rtl, images.image(0), 9, true, true).unwrap();
    assert!(c1.mismatches.is_empty(), "{:?}", c1.mismatches);
    assert!(!c1.reference.weight_writes.is_empty());
    assert_eq!(c1.reference.accesses, c1.chip.accesses);
    let c2 = compare(1, &mut rtl, &mut model, images.image(1), 10, false, true).unwrap();
    assert!(c2.mismatches.is_empty(), "{:?}", c2.mismatches);
    assert!(!c2.reference.spikes.is_empty());
    let c3 = compare(0, &mut twin, &mut twin2, images.image(0), 9, true, true).unwrap();
    assert!(c3.mismatches.is_empty(), "{:?}", c3.mismatches);
    assert_eq!(
        c3.reference, c1.reference,
        "the clone ran the sample as the original"
    );
    // A different seed on one side is caught, cycle by cycle, by the same function.
    let mut other = twin.clone();
    let (r, rec) = twin.run_recorded(images.image(2), 11, false).unwrap();
    let (_, first) = other
        .run_checked(2, images.image(2), 12, false, &rec, true)
        .unwrap();
    let m = first.expect("another seed diverges");
    assert!(m.cycle() < r.cycles, "{m}");
}
