//! Hardware configs: the shipped ones load, impossible designs are refused with an error naming
//! the field, and networks that do not fit are refused or streamed from DRAM as documented.

use fspinn_model::fspinn::{FspinnNetwork, FspinnParams, PotentiationSchedule};
use fspinn_model::precision::FixedFormats;
use fspinn_model::rng::Rng;
use fspinn_sim::layout::WeightLayout;
use fspinn_sim::{Accelerator, HwConfig, SimError};

const SMALL: &str = include_str!("../configs/small.toml");

fn with(find: &str, replace: &str) -> Result<HwConfig, SimError> {
    assert!(SMALL.contains(find), "test edits an existing line: {find}");
    HwConfig::from_toml_str(&SMALL.replacen(find, replace, 1), "edited.toml")
}

fn message(r: Result<HwConfig, SimError>) -> String {
    r.expect_err("config must be refused").to_string()
}

#[test]
fn shipped_configs_load() {
    let small = HwConfig::builtin("small").unwrap();
    assert_eq!((small.neurons, small.pe_array.pes), (400, 16));
    let large = HwConfig::builtin("large").unwrap();
    assert_eq!(large.neurons, 4900);
    assert!(HwConfig::builtin("medium").is_none());
}

#[test]
fn impossible_designs_name_the_field() {
    let cases = [
        ("pes = 16", "pes = 0", "pe_array.pes = 0"),
        ("lanes = 16", "lanes = 800", "spike_generator.lanes = 800"),
        (
            "word_bits = 64",
            "word_bits = 12",
            "weight_sram.word_bits = 12",
        ),
        (
            "read_latency = 1",
            "read_latency = 0",
            "weight_sram.read_latency = 0",
        ),
        ("depth = 32", "depth = 8", "neuron_sram.depth = 8"),
        ("clock_mhz = 200.0", "clock_mhz = -5.0", "clock_mhz = -5"),
        ("neurons = 400", "neurons = 401", "neurons = 401"),
        ("bus_bits = 32", "bus_bits = 12", "bus_bits"),
    ];
    for (find, replace, expected) in cases {
        let m = message(with(find, replace));
        assert!(m.contains("edited.toml"), "{m}");
        assert!(m.contains(expected), "`{replace}` gave: {m}");
    }
}

#[test]
fn unknown_and_missing_fields_are_refused() {
    let m = message(with("lanes = 16", "lanes = 16\nlane = 4"));
    assert!(m.contains("edited.toml") && m.contains("lane"), "{m}");
    let m = message(with("clock_mhz = 200.0\n", ""));
    assert!(m.contains("clock_mhz"), "{m}");
}

fn network(bits: u8, n: usize) -> FspinnNetwork {
    let p = FspinnParams {
        formats: FixedFormats::with_weight_bits(bits),
        ..Default::default()
    };
    FspinnNetwork::new(p, 784, n, &mut Rng::from_seed(1)).unwrap()
}

#[test]
fn weights_go_off_chip_exactly_when_they_do_not_fit() {
    let small = HwConfig::builtin("small").unwrap();
    // 8-bit weights: 784 x 400 bytes in 2 x 19,600 words of 8 bytes, exactly full.
    assert!(WeightLayout::new(&small, 400, 8, 8).unwrap().on_chip);
    assert!(!WeightLayout::new(&small, 400, 32, 16).unwrap().on_chip);
    assert!(!WeightLayout::new(&small, 401, 8, 8).unwrap().on_chip);
    let large = HwConfig::builtin("large").unwrap();
    assert!(!WeightLayout::new(&large, 4900, 8, 8).unwrap().on_chip);
}

#[test]
fn networks_that_cannot_run_are_refused() {
    let small = HwConfig::builtin("small").unwrap();
    let e = Accelerator::new(&small, &network(8, 401), 8).err().unwrap();
    assert!(e.to_string().contains("401 neurons"), "{e}");
    let narrow = with("word_bits = 48", "word_bits = 32").unwrap();
    let e = Accelerator::new(&narrow, &network(8, 400), 8)
        .err()
        .unwrap();
    assert!(e.to_string().contains("neuron_sram.word_bits is 32"), "{e}");
    let mut p = FspinnParams::default();
    p.mechanisms.per_step_updates = false;
    let net = FspinnNetwork::new(p, 784, 20, &mut Rng::from_seed(1)).unwrap();
    let e = Accelerator::new(&small, &net, 8).err().unwrap();
    assert!(e.to_string().contains("mechanism (d)"), "{e}");
    // A learning rate per neuron (mechanism (e) per neuron) is refused, naming the fields.
    for (schedule, boost) in [
        (PotentiationSchedule::Wins, 0),
        (PotentiationSchedule::Images, 2),
    ] {
        let p = FspinnParams {
            potentiation_schedule: schedule,
            recruit_boost: boost,
            ..Default::default()
        };
        let net = FspinnNetwork::new(p, 784, 20, &mut Rng::from_seed(1)).unwrap();
        let e = Accelerator::new(&small, &net, 8).err().unwrap().to_string();
        assert!(
            e.contains("potentiation_schedule") && e.contains("recruit_boost"),
            "{e}"
        );
    }
    // With (e) off the schedule changes nothing, and the accelerator runs it.
    let mut p = FspinnParams {
        potentiation_schedule: PotentiationSchedule::Wins,
        ..Default::default()
    };
    p.mechanisms.adaptive_potentiation = false;
    let net = FspinnNetwork::new(p, 784, 20, &mut Rng::from_seed(1)).unwrap();
    assert!(Accelerator::new(&small, &net, 8).is_ok());
}

/// Sizes that would make the model allocate gigabytes are refused before anything is allocated.
#[test]
fn huge_memories_and_networks_are_refused_before_allocation() {
    let e = message(with("depth = 19600", "depth = 4000000000"));
    assert!(e.contains("weight_sram.depth = 4000000000"), "{e}");
    assert!(e.contains("16777216 words"), "{e}");
    let e = message(with("depth = 32", "depth = 100000000"));
    assert!(e.contains("neuron_sram.depth = 100000000"), "{e}");
    let big = SMALL
        .replacen("neurons = 400", "neurons = 1000000", 1)
        .replacen("neurons_per_pe = 25", "neurons_per_pe = 65536", 1)
        .replacen("depth = 32", "depth = 65536", 1);
    let e = message(HwConfig::from_toml_str(&big, "big.toml"));
    assert!(e.contains("neurons = 1000000"), "{e}");
    assert!(e.contains("at most 65536"), "{e}");
}
