//! Co-simulating one case: the config and network read back from the files that reproduce it,
//! the RTL built (or taken from the cache) for them, every sample compared with
//! [`crate::cosim::compare_sample`] (the one call site of the comparison in the fuzzer).

use super::{repro, Case};
use crate::session::CosimSession;
use fspinn_model::fixed::Rounding;
use fspinn_sim::lockstep::Mismatch;
use fspinn_sim::Accelerator;
use serde::Serialize;
use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

/// What a case was, in a few fields (the JSON summary line of the campaign).
#[derive(Clone, Debug, Serialize)]
pub struct CaseSummary {
    /// Index in the campaign.
    pub case: usize,
    /// PEs, neurons per PE, network neurons.
    pub pes: u32,
    /// Neurons of the network.
    pub neurons: usize,
    /// Spike-generator lanes.
    pub lanes: u32,
    /// Weight banks, word bits, depth, read latency.
    pub weight_sram: [u32; 4],
    /// Neuron word bits, depth, read latency.
    pub neuron_sram: [u32; 3],
    /// Words per chunk and cycles per chunk (words per chunk over banks, rounded up).
    pub chunk: [usize; 2],
    /// Weights on chip (else in DRAM, of `dram`).
    pub on_chip: bool,
    /// DRAM kind.
    pub dram: String,
    /// Core clock.
    pub clock_mhz: f64,
    /// Weight code width.
    pub weight_bits: u8,
    /// Steps per presentation, refractory steps, most attempts, least spikes.
    pub steps: u32,
    /// Refractory steps.
    pub refractory_steps: u32,
    /// Presentations per sample at most.
    pub max_attempts: u32,
    /// STDP rounding.
    pub rounding: &'static str,
    /// Mechanisms (e) adaptive potentiation and (f) adaptive inhibition.
    pub adaptive: [bool; 2],
    /// Training samples the network saw on the model before.
    pub pretrained: usize,
    /// On-chip learning during the co-simulation.
    pub train: bool,
    /// Kinds of the images.
    pub stimuli: Vec<&'static str>,
    /// Run seed of the co-simulation.
    pub seed: u64,
    /// Draws replaced because they fell outside the RTL's limits.
    pub redraws: u32,
}

impl CaseSummary {
    /// The summary of `case`.
    pub fn of(case: &Case) -> Self {
        let c = &case.cfg;
        let p = case.net.params();
        let layout = fspinn_sim::layout::WeightLayout::new(
            c,
            case.net.n_neurons(),
            p.formats.weight_bits as u32,
            p.formats.weight_bits as u32,
        )
        .ok();
        CaseSummary {
            case: case.index,
            pes: c.pe_array.pes,
            neurons: case.net.n_neurons(),
            lanes: c.spike_generator.lanes,
            weight_sram: [
                c.weight_sram.banks,
                c.weight_sram.word_bits,
                c.weight_sram.depth,
                c.weight_sram.read_latency,
            ],
            neuron_sram: [
                c.neuron_sram.word_bits,
                c.neuron_sram.depth,
                c.neuron_sram.read_latency,
            ],
            chunk: layout
                .as_ref()
                .map_or([0, 0], |l| [l.words_per_chunk, l.cycles_per_chunk]),
            on_chip: layout.as_ref().is_some_and(|l| l.on_chip),
            dram: c.dram.kind.to_string(),
            clock_mhz: c.clock_mhz,
            weight_bits: p.formats.weight_bits,
            steps: case.net.consts().steps,
            refractory_steps: p.refractory_steps,
            max_attempts: p.max_attempts,
            rounding: match p.rounding {
                Rounding::Truncate => "truncate",
                Rounding::Nearest => "nearest",
                Rounding::Stochastic => "stochastic",
            },
            adaptive: [
                p.mechanisms.adaptive_potentiation,
                p.mechanisms.adaptive_inhibition,
            ],
            pretrained: case.pretrained,
            train: case.train,
            stimuli: case.stimuli.clone(),
            seed: case.seed,
            redraws: case.redraws,
        }
    }

    /// One line for the text output.
    pub fn line(&self) -> String {
        format!(
            "PES {} N {} lanes {} wbanks {} x {}b x {} lat {} nsram {}b x {} lat {} chunk {}w/{}c {} {} MHz w{} steps {} refr {} att {} {} adapt {:?} pre {} {} [{}]",
            self.pes,
            self.neurons,
            self.lanes,
            self.weight_sram[0],
            self.weight_sram[1],
            self.weight_sram[2],
            self.weight_sram[3],
            self.neuron_sram[0],
            self.neuron_sram[1],
            self.neuron_sram[2],
            self.chunk[0],
            self.chunk[1],
            if self.on_chip { "on-chip".to_string() } else { format!("dram:{}", self.dram) },
            self.clock_mhz,
            self.weight_bits,
            self.steps,
            self.refractory_steps,
            self.max_attempts,
            self.rounding,
            self.adaptive,
            self.pretrained,
            if self.train { "train" } else { "infer" },
            self.stimuli.join(",")
        )
    }
}

/// The outcome of co-simulating one case.
#[derive(Clone, Debug, Serialize)]
pub struct CaseReport {
    /// What was drawn.
    #[serde(flatten)]
    pub summary: CaseSummary,
    /// The RTL was built for this case (else it came from the cache).
    pub built: bool,
    /// Seconds to get the RTL ready: build (when not cached), load, network written.
    pub build_seconds: f64,
    /// Seconds co-simulating the samples.
    pub run_seconds: f64,
    /// Samples compared.
    pub samples: usize,
    /// Cycles of the model over the samples.
    pub cycles: u64,
    /// Spikes and weight writes compared.
    pub events: u64,
    /// Differences found.
    pub mismatches: u64,
    /// The first few of them.
    pub first_mismatches: Vec<Mismatch>,
    /// Why the case could not be co-simulated (a refusal, a build error, a panic).
    pub failure: Option<String>,
}

impl CaseReport {
    /// Whether the case needs reproducing: a mismatch or a failure.
    pub fn failed(&self) -> bool {
        self.mismatches > 0 || self.failure.is_some()
    }
}

/// Co-simulates `case`; `progress` hears of the RTL build's stages. Never panics: a refusal,
/// a build error or a panic in either model is the report's `failure`.
pub fn run_case(case: &Case, progress: Option<crate::builder::Progress>) -> CaseReport {
    let mut report = CaseReport {
        summary: CaseSummary::of(case),
        built: false,
        build_seconds: 0.0,
        run_seconds: 0.0,
        samples: 0,
        cycles: 0,
        events: 0,
        mismatches: 0,
        first_mismatches: Vec::new(),
        failure: None,
    };
    let outcome = catch_unwind(AssertUnwindSafe(|| compare(case, progress, &mut report)));
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(e)) => report.failure = Some(e),
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            report.failure = Some(format!("panic: {msg}"));
        }
    }
    report
}

fn compare(
    case: &Case,
    progress: Option<crate::builder::Progress>,
    report: &mut CaseReport,
) -> Result<(), String> {
    let (cfg, net) = repro::through_files(case).map_err(|e| e.to_string())?;
    let bits = net.params().formats.weight_bits as u32;
    let model = Accelerator::new(&cfg, &net, bits).map_err(|e| e.to_string())?;
    let built = Cell::new(false);
    let hear = |stage: &str, t: Duration| {
        if stage != "loaded" {
            built.set(true);
        }
        if let Some(p) = progress {
            p(stage, t);
        }
    };
    let started = Instant::now();
    let mut session = CosimSession::open(model, Some(&hear)).map_err(|e| e.to_string())?;
    report.build_seconds = started.elapsed().as_secs_f64();
    report.built = built.get();
    let started = Instant::now();
    for (k, image) in case.images.iter().enumerate() {
        let seed = fspinn_sim::spikegen::sample_seed(case.seed, case.train, k as u64);
        let m = session
            .compare(image, seed, case.train, None)
            .map_err(|e| e.to_string())?;
        report.samples += 1;
        report.mismatches += m.len() as u64;
        let room = 5usize.saturating_sub(report.first_mismatches.len());
        report.first_mismatches.extend(m.into_iter().take(room));
        if report.mismatches > 0 {
            // The RTL stopped at the divergence, mid-sample: later samples would not compare.
            break;
        }
    }
    let t = session.totals();
    report.cycles = t.cycles_model;
    report.events = t.spikes_compared + t.weight_updates_compared;
    report.run_seconds = started.elapsed().as_secs_f64();
    Ok(())
}
