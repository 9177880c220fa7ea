//! A co-simulation run as a library: the cycle model and the RTL opened for one config and
//! network, samples compared in lock step one after another, the totals and mismatches kept,
//! the model snapshot of the first failing sample kept for its waveform, and a typed
//! [`CosimReport`] at the end (what `fspinn cosim --json` prints, serialised by serde).
//!
//! ```no_run
//! # fn demo(model: fspinn_sim::Accelerator, images: &[Vec<u8>]) -> Result<(), fspinn_testbench::RtlError> {
//! use fspinn_testbench::session::CosimSession;
//! let mut s = CosimSession::open(model, None)?;
//! for (k, image) in images.iter().enumerate() {
//!     s.compare(image, 100 + k as u32, false, None)?;
//! }
//! assert_eq!(s.mismatch_count(), 0);
//! # Ok(()) }
//! ```

use crate::cosim::{
    compare_sample_traced, replay_traced, CosimTotals, Replay, RtlAccelerator, WaveSetup,
};
use fspinn_sim::energy::EnergyTable;
use fspinn_sim::hardware::HardwareSummary;
use fspinn_sim::lockstep::Mismatch;
use fspinn_sim::Accelerator;
use serde::Serialize;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Mismatches kept in full in a report (the count covers all of them).
pub const KEPT_MISMATCHES: usize = 20;

/// The model and the RTL of one config and network, compared sample by sample.
pub struct CosimSession {
    /// The cycle model (reference).
    pub model: Accelerator,
    /// The RTL under test.
    pub rtl: RtlAccelerator,
    /// Stop the RTL at a sample's first divergence (else run it on and make the end-of-sample
    /// checks too).
    pub stop_at_first: bool,
    /// Keep a snapshot of the model before each sample until one fails (for its waveform).
    pub keep_snapshot: bool,
    /// Format and signal filter of every waveform the session writes.
    pub waves: WaveSetup,
    totals: CosimTotals,
    mismatches: Vec<Mismatch>,
    mismatch_count: u64,
    samples: u64,
    failed: Option<Failure>,
    load_seconds: f64,
    started: Instant,
}

/// The first failing sample: its index, the cycle of its first mismatch, and the model as it
/// was before it.
struct Failure {
    sample: u64,
    cycle: u64,
    snapshot: Option<Accelerator>,
}

impl CosimSession {
    /// Opens the RTL for `model`'s config and network (built into the cache on first use,
    /// `progress` hears of each stage) and loads it with the model's state. The RTL is the
    /// build without tracing (faster; it writes no waveform, see [`open_with`](Self::open_with)).
    pub fn open(
        model: Accelerator,
        progress: Option<crate::builder::Progress>,
    ) -> Result<Self, crate::RtlError> {
        Self::open_with(model, WaveSetup::default(), progress)
    }

    /// [`open`](Self::open) with the waveforms in `waves`' format and filtered by its scope
    /// (an FST-tracing RTL is its own build); with `waves.enabled` false the RTL is the faster
    /// build without tracing ([`crate::Tracing::Off`]), as [`open`](Self::open) gives.
    pub fn open_with(
        model: Accelerator,
        waves: WaveSetup,
        progress: Option<crate::builder::Progress>,
    ) -> Result<Self, crate::RtlError> {
        let t = Instant::now();
        let mut rtl = RtlAccelerator::open_for(&model, waves.tracing(), progress)?;
        rtl.rtl().set_trace_scope(waves.scope.clone());
        Ok(CosimSession {
            model,
            rtl,
            stop_at_first: true,
            keep_snapshot: false,
            waves,
            totals: CosimTotals::default(),
            mismatches: Vec::new(),
            mismatch_count: 0,
            samples: 0,
            failed: None,
            load_seconds: t.elapsed().as_secs_f64(),
            started: Instant::now(),
        })
    }

    /// Compares the next sample (index = samples compared so far), the RTL's VCD of its cycles
    /// `trace.1` written to `trace.0`; returns this sample's mismatches.
    pub fn compare(
        &mut self,
        image: &[u8],
        sample_seed: u32,
        train: bool,
        trace: Option<(&Path, Range<u64>)>,
    ) -> Result<Vec<Mismatch>, crate::RtlError> {
        if self.samples == 0 {
            self.started = Instant::now();
        }
        let k = self.samples;
        let snapshot = (self.keep_snapshot && self.failed.is_none()).then(|| self.model.clone());
        let (m, t) = compare_sample_traced(
            k,
            &mut self.model,
            &mut self.rtl,
            image,
            sample_seed,
            train,
            trace,
            self.stop_at_first,
        )?;
        self.samples += 1;
        self.totals.add(&t);
        if !m.is_empty() {
            self.mismatch_count += m.len() as u64;
            if self.failed.is_none() {
                self.failed = Some(Failure {
                    sample: k,
                    cycle: m.iter().map(|x| x.cycle()).min().unwrap_or(0),
                    snapshot,
                });
            }
            let room = KEPT_MISMATCHES.saturating_sub(self.mismatches.len());
            self.mismatches.extend(m.iter().take(room).cloned());
        }
        Ok(m)
    }

    /// Samples compared.
    pub fn samples(&self) -> u64 {
        self.samples
    }

    /// Mismatches found so far.
    pub fn mismatch_count(&self) -> u64 {
        self.mismatch_count
    }

    /// The first [`KEPT_MISMATCHES`] mismatches.
    pub fn mismatches(&self) -> &[Mismatch] {
        &self.mismatches
    }

    /// The summed totals.
    pub fn totals(&self) -> &CosimTotals {
        &self.totals
    }

    /// The first failing sample and the cycle of its first mismatch.
    pub fn first_failure(&self) -> Option<(u64, u64)> {
        self.failed.as_ref().map(|f| (f.sample, f.cycle))
    }

    /// Seconds the RTL took to build (if needed), load and receive the network.
    pub fn load_seconds(&self) -> f64 {
        self.load_seconds
    }

    /// Re-runs the first failing sample from its snapshot (needs [`keep_snapshot`]
    /// (Self::keep_snapshot)) with both VCDs around its first mismatch; `None` when no sample
    /// failed or no snapshot was kept.
    #[allow(clippy::too_many_arguments)]
    pub fn trace_failure(
        &self,
        refault: Option<&dyn Fn(&mut RtlAccelerator)>,
        image: &[u8],
        sample_seed: u32,
        train: bool,
        model_vcd: &Path,
        rtl_vcd: &Path,
    ) -> Result<Option<Replay>, crate::RtlError> {
        let Some(f) = &self.failed else {
            return Ok(None);
        };
        let Some(snap) = &f.snapshot else {
            return Ok(None);
        };
        replay_traced(
            snap,
            refault,
            f.sample,
            image,
            sample_seed,
            train,
            f.cycle,
            model_vcd,
            rtl_vcd,
            &self.waves,
        )
        .map(Some)
    }

    /// The report of the run so far; `hardware` describes the config (its source), the
    /// energy comes from the model's counters and the default 45 nm table.
    pub fn report(&self, hardware: HardwareSummary, train: bool, seed: u64) -> CosimReport {
        let done = self.samples.max(1);
        let usage = fspinn_sim::usage::usage(&self.model);
        let energy = EnergyTable::default_45nm().estimate(&usage).scaled(done);
        let wall = self.started.elapsed().as_secs_f64();
        CosimReport {
            config: self.model.config().name.clone(),
            hardware,
            neurons: self.model.neurons(),
            weight_bits: self.model.params().formats.weight_bits as u32,
            dataset: String::new(),
            train,
            samples: self.samples,
            offset: 0,
            seed,
            mismatches: self.mismatch_count,
            first_mismatches: self.mismatches.clone(),
            totals: self.totals,
            energy: EnergySummary {
                energy_per_sample_uj: energy.total_pj * 1e-6,
                dynamic_per_sample_uj: energy.dynamic_pj * 1e-6,
                static_per_sample_uj: energy.static_pj * 1e-6,
                pj_per_sop: energy.pj_per_sop,
            },
            wall_seconds: wall,
            wall_seconds_per_sample: wall / done as f64,
            rtl_load_seconds: self.load_seconds,
            first_failure: self
                .first_failure()
                .map(|(sample, cycle)| FailureAt { sample, cycle }),
            vcd_model: None,
            vcd_rtl: None,
            vcd_mismatch_model: None,
            vcd_mismatch_rtl: None,
            test_accuracy: None,
            waves_format: self.waves.format.extension(),
            vcd_scope: self.waves.scope.as_ref().map(|p| p.as_str().to_string()),
            vcd_signals_model: None,
            vcd_signals_rtl: None,
        }
    }
}

/// Energy per sample from the model's counters (45 nm table).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EnergySummary {
    /// Total energy per sample, uJ.
    pub energy_per_sample_uj: f64,
    /// Its dynamic part, uJ.
    pub dynamic_per_sample_uj: f64,
    /// Its static part, uJ.
    pub static_per_sample_uj: f64,
    /// Energy per synaptic operation, pJ.
    pub pj_per_sop: Option<f64>,
}

/// The first failing sample and the cycle of its first mismatch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FailureAt {
    /// Sample index in the run.
    pub sample: u64,
    /// Cycle from the sample's first cycle.
    pub cycle: u64,
}

/// What one co-simulation run found (`fspinn cosim --json`).
#[derive(Clone, Debug, Serialize)]
pub struct CosimReport {
    /// The config's name.
    pub config: String,
    /// The modelled chip.
    pub hardware: HardwareSummary,
    /// Excitatory neurons of the network.
    pub neurons: usize,
    /// Weight code width.
    pub weight_bits: u32,
    /// Where the images came from (set by the caller).
    pub dataset: String,
    /// Learning on chip.
    pub train: bool,
    /// Samples compared.
    pub samples: u64,
    /// Index of the first image (set by the caller).
    pub offset: usize,
    /// Seed of the input spikes.
    pub seed: u64,
    /// Mismatches found.
    pub mismatches: u64,
    /// The first [`KEPT_MISMATCHES`] of them.
    pub first_mismatches: Vec<Mismatch>,
    /// Cycles, spikes, weight writes, bank accesses and DRAM requests compared.
    #[serde(flatten)]
    pub totals: CosimTotals,
    /// Energy per sample from the model.
    pub energy: EnergySummary,
    /// Seconds from the first sample to the report.
    pub wall_seconds: f64,
    /// The same per sample.
    pub wall_seconds_per_sample: f64,
    /// Seconds to build (if needed) and load the RTL.
    pub rtl_load_seconds: f64,
    /// The first failing sample, if any.
    pub first_failure: Option<FailureAt>,
    /// The model's VCD of the first sample (none without waveforms).
    pub vcd_model: Option<PathBuf>,
    /// The RTL's VCD of the first sample.
    pub vcd_rtl: Option<PathBuf>,
    /// The model's VCD around the first mismatch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vcd_mismatch_model: Option<PathBuf>,
    /// The RTL's VCD around the first mismatch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vcd_mismatch_rtl: Option<PathBuf>,
    /// Accuracy of the model's classification (inference with assignments only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_accuracy: Option<f64>,
    /// Waveform file format (`vcd` or `fst`).
    pub waves_format: &'static str,
    /// The `--vcd-scope` pattern, when the waveforms are filtered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vcd_scope: Option<String>,
    /// Signals the model's waveform holds under the scope (with a scope only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vcd_signals_model: Option<usize>,
    /// Signals the RTL's waveform holds under the scope (with a scope only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vcd_signals_rtl: Option<usize>,
}
