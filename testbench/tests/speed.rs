//! The faster ways of running the RTL (docs/rtl.md, "Co-simulation speed") give the same
//! cycles as the plain ones: the model built without tracing (and profile-guided) against the
//! VCD-capable build,
//! and, with the weights in DRAM, a cycle run as `low` + `rise` (two model evaluations)
//! against `eval` + `tick` (three, kept while a VCD window is pending).

use fspinn_model::data::{builtin, Split};
use fspinn_model::fspinn::{FspinnNetwork, FspinnParams};
use fspinn_model::rng::Rng;
use fspinn_sim::waves::WaveFormat;
use fspinn_sim::{Accelerator, HwConfig};
use fspinn_testbench::builder::{self, Tracing};
use fspinn_testbench::cosim::RtlAccelerator;
use fspinn_testbench::{params, TraceError};

fn accelerator(config: &str, neurons: usize) -> Accelerator {
    let cfg = HwConfig::builtin(config).unwrap();
    let net = FspinnNetwork::new(
        FspinnParams::default(),
        784,
        neurons,
        &mut Rng::from_seed(3),
    )
    .unwrap();
    Accelerator::new(&cfg, &net, 8).unwrap()
}

#[test]
fn tracing_is_part_of_the_flags_and_the_key() {
    let p = params::PARAMETERS;
    let flags = |t: Tracing| builder::verilator_flags(p, t);
    assert!(!flags(Tracing::Off)
        .iter()
        .any(|f| f.starts_with("--trace") && f != "--trace-max-array"));
    assert!(flags(Tracing::Vcd).contains(&"--trace".to_string()));
    assert!(flags(Tracing::Fst).contains(&"--trace-fst".to_string()));
    assert_eq!(Tracing::from(WaveFormat::Fst), Tracing::Fst);
    assert_eq!(Tracing::from(None::<WaveFormat>), Tracing::Off);
    assert_eq!(Tracing::default(), Tracing::Off);
    if let Ok(v) = builder::find_verilator() {
        let keys: std::collections::BTreeSet<String> = [Tracing::Off, Tracing::Vcd, Tracing::Fst]
            .into_iter()
            .map(|t| builder::model_key(&v, p, t))
            .collect();
        assert_eq!(keys.len(), 3, "one cache entry per tracing choice");
    }
}

#[test]
fn only_the_untraced_model_is_profile_guided_and_it_has_its_own_entry() {
    let p = params::PARAMETERS;
    assert!(builder::profile_guided(p, Tracing::Off));
    assert!(!builder::profile_guided(p, Tracing::Vcd));
    assert!(!builder::profile_guided(p, Tracing::Fst));
    if let Ok(v) = builder::find_verilator() {
        let plain = builder::entry_key(&v, p, Tracing::Off, false);
        assert_eq!(plain, builder::model_key(&v, p, Tracing::Off));
        let guided = builder::entry_key(&v, p, Tracing::Off, true);
        assert_ne!(
            plain, guided,
            "a profile-guided build is its own cache entry"
        );
        assert_eq!(guided.len(), plain.len());
    }
}

// The untraced model is built profile-guided (trained on an instrumented build first): the
// comparison below is also the check that the profile changes nothing but the speed.
#[test]
fn untraced_model_runs_the_same_sample_and_refuses_waveforms() {
    let model = accelerator("small", 400);
    let eta = model.potentiation_factor();
    let image = builtin(Split::Test).image(2).to_vec();
    let mut fast = RtlAccelerator::open_for(&model, Tracing::Off, None).unwrap();
    let mut traced = RtlAccelerator::open_for(&model, Tracing::Vcd, None).unwrap();
    assert_eq!(fast.rtl().tracing(), Tracing::Off);
    assert_eq!(fast.rtl().trace_format(), None);
    assert_eq!(traced.rtl().trace_format(), Some(WaveFormat::Vcd));
    let a = fast.run_sample(&image, 17, true, eta);
    let b = traced.run_sample(&image, 17, true, eta);
    assert!(a.cycles > 10_000 && !a.timed_out);
    assert!(
        !a.weight_writes.is_empty(),
        "a training sample writes weights"
    );
    assert_eq!(a.cycles, b.cycles);
    assert_eq!(a.spikes, b.spikes);
    assert_eq!(a.weight_writes, b.weight_writes);
    assert_eq!(a.accesses, b.accesses);
    assert_eq!(a.counts, b.counts);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no.vcd");
    assert!(matches!(
        fast.rtl().trace_open(&path),
        Err(TraceError::Untraced)
    ));
    assert!(!path.exists(), "nothing written");
    assert!(matches!(
        fast.rtl().traced_signals(),
        Err(TraceError::Untraced)
    ));
}

#[test]
fn dram_cycles_split_in_halves_match_eval_and_tick() {
    let model = accelerator("large", 4900);
    assert!(!model.layout().on_chip);
    let eta = model.potentiation_factor();
    let image = builtin(Split::Test).image(0).to_vec();
    let dir = tempfile::tempdir().unwrap();
    let mut records = Vec::new();
    for window in [None, Some(0..2)] {
        let mut rtl = RtlAccelerator::open(&model, None).unwrap();
        rtl.set_cycle_limit(Some(40_000));
        if let Some(w) = window {
            // A pending VCD window runs the sample as eval + tick.
            rtl.trace_next(&dir.path().join("w.vcd"), w);
        }
        let (s, rec) = rtl.run_sample_recorded(&image, 9, false, eta).unwrap();
        assert!(s.timed_out, "the limit cuts the sample");
        records.push(rec);
    }
    assert!(
        records[0].dram.len() > 100,
        "DRAM requests in the first 40,000 cycles: {}",
        records[0].dram.len()
    );
    assert_eq!(records[0], records[1]);
}
