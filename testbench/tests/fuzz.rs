//! The co-simulation fuzzer (`fspinn_testbench::fuzz`, `fspinn cosim --fuzz`): a small
//! campaign co-simulates with no mismatch, draws are reproducible and within the RTL's limits,
//! and the shapes the fuzzer opened up (several words per bank per chunk, 255 attempts) stay
//! exact, as regression tests.

use fspinn_model::data::{builtin, Split};
use fspinn_model::fspinn::{FspinnNetwork, FspinnParams};
use fspinn_model::precision::FixedFormats;
use fspinn_model::rng::Rng;
use fspinn_sim::{Accelerator, HwConfig};
use fspinn_testbench::cosim::{compare_sample, RtlAccelerator};
use fspinn_testbench::fuzz::{self, FuzzOptions};

/// Runs `images` on both models from one state, inference then training; returns the events
/// compared.
fn cosim(cfg: &HwConfig, net: &FspinnNetwork, images: &[&[u8]]) -> u64 {
    let bits = net.params().formats.weight_bits as u32;
    let mut model = Accelerator::new(cfg, net, bits).unwrap();
    let mut rtl = RtlAccelerator::open(&model, None).unwrap();
    let mut events = 0;
    for (k, train) in [false, true].into_iter().enumerate() {
        for (i, image) in images.iter().enumerate() {
            let sample = (k * images.len() + i) as u64;
            let (m, t) = compare_sample(
                sample,
                &mut model,
                &mut rtl,
                image,
                91 + sample as u32,
                train,
            );
            assert!(m.is_empty(), "{} sample {sample}: {m:#?}", cfg.name);
            events += t.spikes_compared + t.weight_updates_compared;
        }
    }
    events
}

fn short_net(weight_bits: u8, neurons: usize, steps: f32) -> FspinnNetwork {
    let params = FspinnParams {
        presentation_ms: steps,
        formats: FixedFormats::with_weight_bits(weight_bits),
        ..FspinnParams::default()
    };
    FspinnNetwork::new(params, 784, neurons, &mut Rng::from_seed(5)).unwrap()
}

/// Words per chunk above the bank count (refused before): the small config with one weight
/// bank (2 words per chunk, 2 cycles per chunk), and 16 PEs of 8-bit weights in 16-bit words
/// over 3 banks (8 words per chunk, 3 cycles, the last one with 2 words).
#[test]
fn several_words_per_bank_per_chunk_match_the_cycle_model() {
    let data = builtin(Split::Train);
    let images = [data.image(0), data.image(1)];
    let mut cfg = HwConfig::builtin("small").unwrap();
    cfg.name = "one-bank".into();
    cfg.weight_sram.banks = 1;
    cfg.weight_sram.depth = 2 * 19_600;
    let events = cosim(&cfg, &short_net(8, 400, 60.0), &images);
    assert!(events > 0);
    let mut cfg = HwConfig::builtin("small").unwrap();
    cfg.name = "three-banks".into();
    cfg.weight_sram.banks = 3;
    cfg.weight_sram.word_bits = 16;
    cfg.weight_sram.read_latency = 2;
    cfg.neurons = 100;
    cfg.weight_sram.depth = 7 * 784 * 3;
    let net = short_net(8, 100, 60.0);
    let layout = Accelerator::new(&cfg, &net, 8).unwrap().layout().clone();
    assert_eq!((layout.words_per_chunk, layout.cycles_per_chunk), (8, 3));
    assert!(layout.on_chip);
    assert!(cosim(&cfg, &net, &images) > 0);
}

/// As many presentations as the model allows (64, `fspinn_model::limits::ATTEMPTS`; the RTL
/// takes 255) of a blank image (no spike ever reaches `min_spikes`): the RTL's 255-entry rate
/// table (built for more than 16 attempts) and the attempt counter.
#[test]
fn the_most_attempts_match_the_cycle_model() {
    let most = fspinn_model::limits::ATTEMPTS.max as u32;
    let params = FspinnParams {
        presentation_ms: 3.0,
        max_attempts: most,
        min_spikes: 1,
        ..FspinnParams::default()
    };
    let net = FspinnNetwork::new(params, 784, 16, &mut Rng::from_seed(5)).unwrap();
    let mut cfg = HwConfig::builtin("small").unwrap();
    cfg.neurons = 16;
    cfg.pe_array.neurons_per_pe = 1;
    cfg.neuron_sram.depth = 1;
    cfg.weight_sram.depth = 784;
    let mut model = Accelerator::new(&cfg, &net, 8).unwrap();
    let mut rtl = RtlAccelerator::open(&model, None).unwrap();
    let blank = vec![0u8; 784];
    let (m, t) = compare_sample(0, &mut model, &mut rtl, &blank, 7, false);
    assert!(m.is_empty(), "{m:#?}");
    // Every attempt ran: at least 3 steps of a 49-cycle generate pass each.
    assert!(t.cycles_model > most as u64 * 3 * 49, "{t:?}");
    let design = fspinn_sim::rtl_params::design(&model).unwrap();
    assert!(design.structure.contains(&("ATTEMPTS", 255)));
}

/// Small draws for CI: every case builds (or loads) and co-simulates with no mismatch.
#[test]
fn a_small_campaign_has_no_mismatch() {
    // The options of `fspinn cosim --fuzz 3 --seed 11 --max-pes 8 --max-steps 40 --samples 2`
    // (tests/cli_cosim_fuzz.rs), so both share the cached models.
    let opts = FuzzOptions {
        max_pes: 8,
        max_steps: 40,
        max_samples: 2,
        ..FuzzOptions::default()
    };
    for k in 0..3 {
        let case = fuzz::draw(11, k, &opts).unwrap();
        let r = fuzz::run::run_case(&case, None);
        assert!(
            !r.failed(),
            "case {k}: {}\n{:?} {:#?}",
            r.summary.line(),
            r.failure,
            r.first_mismatches
        );
        assert_eq!(r.samples, case.images.len());
    }
}

/// Same seed, same draws; every draw within the RTL's limits; the whole 1-256 PE range is
/// covered in 30 cases.
#[test]
fn draws_are_reproducible_valid_and_cover_the_pe_range() {
    let opts = FuzzOptions::default();
    let mut pes = Vec::new();
    for k in 0..30 {
        let a = fuzz::draw(5, k, &opts).unwrap();
        let b = fuzz::draw(5, k, &opts).unwrap();
        assert_eq!(a.cfg, b.cfg);
        assert_eq!(a.net.weights(), b.net.weights());
        assert_eq!(a.images, b.images);
        assert_eq!((a.seed, a.train), (b.seed, b.train));
        let acc =
            Accelerator::new(&a.cfg, &a.net, a.net.params().formats.weight_bits as u32).unwrap();
        fspinn_sim::rtl_params::design(&acc).unwrap();
        let (cfg, net) = fuzz::repro::through_files(&a).unwrap();
        assert_eq!(cfg, a.cfg);
        assert_eq!(net.weights(), a.net.weights());
        pes.push(a.cfg.pe_array.pes);
    }
    assert_eq!(pes[9], 256);
    assert!(pes.iter().filter(|&&p| p > 128).count() >= 3, "{pes:?}");
    assert!(
        pes.iter().filter(|&&p| (65..=128).contains(&p)).count() >= 3,
        "{pes:?}"
    );
    assert!(pes.iter().any(|&p| p <= 4), "{pes:?}");
    assert_ne!(
        fuzz::draw(5, 0, &opts).unwrap().cfg,
        fuzz::draw(6, 0, &opts).unwrap().cfg
    );
}

/// A chunk of 256 words (256 PEs of 16-bit weights in 16-bit words, on chip over 16 banks):
/// its DRAM data port is 16,384 bits, where lint (-Wall, as the builder runs it) flagged the
/// port's zero written as a replication (WIDTHCONCAT), which failed the build. Lints the RTL
/// with the builder's Verilator options for those parameters (no C++ compile).
#[test]
fn a_256_word_chunk_lints_clean() {
    let Ok(v) = fspinn_testbench::builder::find_verilator() else {
        eprintln!("skipped: no Verilator");
        return;
    };
    let mut cfg = HwConfig::builtin("small").unwrap();
    cfg.pe_array.pes = 256;
    cfg.pe_array.neurons_per_pe = 1;
    cfg.neurons = 256;
    cfg.neuron_sram.depth = 1;
    cfg.weight_sram.banks = 16;
    cfg.weight_sram.word_bits = 16;
    cfg.weight_sram.depth = 784 * 16;
    let net = fspinn_sim::rtl_params::RtlNetwork {
        neurons: 256,
        weight_bits: 16,
        steps: 250,
        refractory_steps: 5,
        max_attempts: 16,
    };
    let params = fspinn_sim::rtl_params::parameters(&cfg, &net).unwrap();
    assert!(params.contains(&("DRAM_WORDS", 256)), "{params:?}");
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(&v.path);
    for f in fspinn_testbench::builder::verilator_flags(&params, fspinn_sim::waves::WaveFormat::Vcd)
    {
        cmd.arg(if f == "--cc" {
            "--lint-only".to_string()
        } else {
            f
        });
    }
    for (name, text) in fspinn_testbench::builder::RTL_SOURCES {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        cmd.arg(p);
    }
    // The generated constants header that fspinn_top.v includes.
    for (name, text) in fspinn_testbench::builder::rtl_headers() {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    cmd.arg(format!("-I{}", dir.path().display()));
    let o = cmd.output().unwrap();
    let text = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success() && !text.contains("%Warning"), "{text}");
}
