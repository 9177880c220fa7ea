//! The lock step's first divergence: a difference in a bank port, a spike or a weight write is
//! reported at its cycle with its signal, the RTL stops there, and the mismatch waveform is
//! written from a snapshot of the failing sample alone.

use fspinn_model::data::{builtin, Split};
use fspinn_model::fspinn::{FspinnNetwork, FspinnParams};
use fspinn_model::rng::Rng;
use fspinn_sim::lockstep::record_sample;
use fspinn_sim::{Accelerator, HwConfig};
use fspinn_testbench::cosim::{compare_sample, replay_traced, Perturb, RtlAccelerator};

fn chips() -> (Accelerator, RtlAccelerator) {
    let cfg = HwConfig::builtin("small").unwrap();
    let net =
        FspinnNetwork::new(FspinnParams::default(), 784, 400, &mut Rng::from_seed(3)).unwrap();
    let model = Accelerator::new(&cfg, &net, 8).unwrap();
    let rtl = RtlAccelerator::load_from(&model);
    (model, rtl)
}

/// Each perturbation at a cycle where the model shows the signal active is reported exactly
/// there, and the RTL stops in that cycle.
#[test]
fn a_divergence_is_reported_at_its_cycle_with_its_signal() {
    let (model, _) = chips();
    let data = builtin(Split::Train);
    let image = data.image(0);
    // The model's record of the sample tells where each signal is active.
    let (_, rec) = record_sample(&mut model.clone(), image, 21, true);
    let port = rec.ports[rec.ports.len() / 2];
    assert!(port.port.read_enable || port.port.write_enable);
    let read = *rec
        .ports
        .iter()
        .find(|p| p.port.read_enable && p.cycle > 100)
        .unwrap();
    let quiet = (1..rec.cycles)
        .find(|c| rec.spike_cycles.iter().all(|s| s.cycle != *c) && *c > 500)
        .unwrap();
    let write = rec.weight_writes[rec.weight_writes.len() / 2].cycle;
    let name = |b: u32| rec.bank_names[b as usize].clone();
    for (cycle, what, unit, signal) in [
        (
            read.cycle,
            Perturb::BankRaddr(read.bank),
            name(read.bank),
            "raddr",
        ),
        (
            quiet,
            Perturb::SpikeMask,
            "spike_out".to_string(),
            "spike_valid",
        ),
        (write, Perturb::WupdValue, "stdp".to_string(), "wupd_value"),
    ] {
        let (mut m, mut rtl) = chips();
        rtl.perturb_observation(cycle, what);
        let (ms, totals) = compare_sample(4, &mut m, &mut rtl, image, 21, true);
        assert_eq!(ms.len(), 1, "{what:?}: {ms:#?}");
        assert_eq!(ms[0].sample(), 4);
        assert_eq!(ms[0].cycle(), cycle, "{what:?}: {}", ms[0]);
        assert_eq!(ms[0].unit(), unit, "{}", ms[0]);
        assert_eq!(ms[0].signal(), signal, "{}", ms[0]);
        // Stopped at once: the RTL ran up to the divergence only.
        assert_eq!(totals.cycles_rtl, cycle + 1);
        assert!(totals.cycles_model > cycle + 1);
    }
}

/// A real fault in sample 1 (group 0's weights changed in the RTL's memory only) diverges in
/// sample 1; the waveform re-runs only that sample from the model's snapshot on a fresh RTL,
/// finds the same divergence, and its window covers it.
#[test]
fn a_fault_in_a_later_sample_is_traced_from_its_snapshot_alone() {
    let (mut model, mut rtl) = chips();
    let data = builtin(Split::Test);
    let (m0, _) = compare_sample(0, &mut model, &mut rtl, data.image(0), 30, false);
    assert!(m0.is_empty(), "{m0:#?}");
    let snapshot = model.clone();
    rtl.inject_weight_fault();
    let (m1, _) = compare_sample(1, &mut model, &mut rtl, data.image(1), 31, false);
    assert_eq!(m1.len(), 1, "{m1:#?}");
    let first = &m1[0];
    assert_eq!(first.sample(), 1);
    assert!(first.is_per_cycle(), "{first}");
    let dir = tempfile::tempdir().unwrap();
    let (mv, rv) = (dir.path().join("m.vcd"), dir.path().join("r.vcd"));
    let refault = |r: &mut RtlAccelerator| r.inject_weight_fault();
    let replay = replay_traced(
        &snapshot,
        Some(&refault),
        1,
        data.image(1),
        31,
        false,
        first.cycle(),
        &mv,
        &rv,
        &fspinn_testbench::cosim::WaveSetup::default(),
    )
    .unwrap();
    assert_eq!(
        replay.mismatches, m1,
        "the re-run diverges where the run did"
    );
    assert_eq!(replay.rtl_samples, 1, "no earlier sample replayed");
    assert!(
        replay.model_cycles > first.cycle(),
        "the model ran the one sample"
    );
    let at = first.cycle() * 5_000 + 2_500;
    for path in [&mv, &rv] {
        let text = std::fs::read_to_string(path).unwrap();
        let times: Vec<u64> = text
            .lines()
            .filter_map(|l| l.strip_prefix('#').and_then(|t| t.parse().ok()))
            .collect();
        let (lo, hi) = (*times.iter().min().unwrap(), *times.iter().max().unwrap());
        assert!(
            lo <= at && at <= hi,
            "{}: {lo}..{hi} misses {at}",
            path.display()
        );
        assert!(lo >= replay.window.start * 5_000, "{}", path.display());
    }
}
