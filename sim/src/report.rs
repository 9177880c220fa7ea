//! What one run of the cycle model measured (`fspinn sim --json`, `fspinn energy --json`), as
//! one typed report: the counters, bank and DRAM activity and the energy estimate come from the
//! accelerator after the run, so the CLI only describes the run and prints the report. Scripts
//! and the tests read its JSON field by field, so a field renamed here is a breaking change.

use crate::counters::{Accesses, Op, RegFile, Unit, UnitCycles};
use crate::dram::{DramCounters, DramEnergy};
use crate::energy::{ComponentKind, ComponentSummary, EnergyReport, Technology, Usage};
use crate::hardware::HardwareSummary;
use crate::verify::{Mismatch, Verification};
use crate::Accelerator;
use serde::Serialize;
use std::collections::BTreeMap;

/// What the caller chose for a run: the parts of the report the accelerator cannot know.
#[derive(Clone, Debug)]
pub struct RunDescription {
    /// `fspinn` or `baseline` (the baseline-equivalent mode).
    pub variant: &'static str,
    /// Where the images came from (`mnist`, `fashion-mnist`, `builtin-mnist`).
    pub dataset: String,
    /// Learning on chip (training split) rather than inference (test split).
    pub train: bool,
    /// Images presented.
    pub samples: usize,
    /// Index of the first image.
    pub offset: usize,
    /// Seed of the input spikes (and of fresh weights).
    pub seed: u64,
    /// Bits a weight occupies in memory (32 for the baseline-equivalent mode's fields).
    pub weight_storage_bits: u32,
    /// Wall-clock seconds the samples took.
    pub wall_seconds: f64,
}

/// The whole run's energy, in pJ, with the table that priced it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunEnergy {
    /// Which table priced the run.
    pub table: String,
    /// Dynamic energy of the run, pJ.
    pub dynamic_pj: f64,
    /// Static (leakage) energy of the run, pJ.
    pub static_pj: f64,
    /// Their sum, pJ.
    pub total_pj: f64,
    /// What was priced at 0 pJ for lack of data, or looks suspicious.
    pub warnings: Vec<String>,
}

/// The DRAM channel's counters with DRAMPower's breakdown of their energy (whole run; none when
/// the weights are on chip).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DramReport {
    /// Commands, bytes, row hits and busy cycles.
    #[serde(flatten)]
    pub counters: DramCounters,
    /// DRAMPower's energy of those commands.
    pub energy_pj: Option<DramEnergy>,
}

/// L1 beside L2 (`--verify`): what was compared and what differed.
#[derive(Clone, Debug, Serialize)]
pub struct VerificationSummary {
    /// Differences found.
    pub l1_mismatches: u64,
    /// Step spike sets compared.
    pub spikes_compared: u64,
    /// Weight writes compared.
    pub weight_updates_compared: u64,
    /// The first differences in full.
    pub first_mismatches: Vec<Mismatch>,
}

impl From<&Verification> for VerificationSummary {
    fn from(v: &Verification) -> Self {
        VerificationSummary {
            l1_mismatches: v.mismatches,
            spikes_compared: v.spikes_compared,
            weight_updates_compared: v.weight_updates_compared,
            first_mismatches: v.first.clone(),
        }
    }
}

/// What one `fspinn sim` run measured.
#[derive(Clone, Debug, Serialize)]
pub struct SimReport {
    /// The config's name.
    pub config: String,
    /// Clock of the config, MHz.
    pub clock_mhz: f64,
    /// `fspinn` or `baseline`.
    pub variant: &'static str,
    /// Excitatory neurons.
    pub neurons: usize,
    /// Weight code width.
    pub weight_bits: u32,
    /// Bits a weight occupies in memory.
    pub weight_storage_bits: u32,
    /// The weights live in on-chip SRAM (else in DRAM).
    pub weights_on_chip: bool,
    /// The modelled chip.
    pub hardware: HardwareSummary,
    /// Where the images came from.
    pub dataset: String,
    /// `train` or `test`.
    pub split: &'static str,
    /// Learning on chip.
    pub train: bool,
    /// Images presented.
    pub samples: usize,
    /// Index of the first image.
    pub offset: usize,
    /// Seed of the input spikes.
    pub seed: u64,
    /// Clock cycles of the run.
    pub cycles: u64,
    /// The same per sample.
    pub cycles_per_sample: f64,
    /// Time per sample at the config's clock.
    pub seconds_per_sample: f64,
    /// Presentations (an image shown again when the layer answered too quietly).
    pub attempts: u64,
    /// Time steps simulated.
    pub timesteps: u64,
    /// Input spikes generated.
    pub input_spikes: u64,
    /// Excitatory spikes.
    pub output_spikes: u64,
    /// Synaptic accumulations, the denominator of pJ/SOP.
    pub synaptic_ops: u64,
    /// Weights the STDP unit changed.
    pub stdp_updates: u64,
    /// Busy, stalled and idle cycles of every unit.
    pub unit_cycles: BTreeMap<&'static str, UnitCycles>,
    /// Cycles the controller spent in every phase.
    pub phase_cycles: BTreeMap<&'static str, u64>,
    /// Operations of every unit (only those that happened).
    pub ops: BTreeMap<&'static str, BTreeMap<&'static str, u64>>,
    /// Reads and writes of every SRAM bank and register file.
    pub accesses: BTreeMap<String, Accesses>,
    /// The DRAM channel.
    pub dram: DramReport,
    /// Energy of the whole run.
    pub energy: RunEnergy,
    /// Energy per sample, µJ.
    pub energy_per_sample_uj: f64,
    /// Its dynamic part, µJ.
    pub dynamic_per_sample_uj: f64,
    /// Its static part, µJ.
    pub static_per_sample_uj: f64,
    /// Energy per synaptic operation, pJ.
    pub pj_per_sop: Option<f64>,
    /// Low and high pJ/SOP from the table's bands.
    pub pj_per_sop_band: Option<[f64; 2]>,
    /// Low and high energy per sample, µJ.
    pub energy_band_uj: [f64; 2],
    /// On-chip area, mm².
    pub area_mm2: f64,
    /// Node and cell type the SRAMs were priced at.
    pub technology: Technology,
    /// Every component's energy per sample.
    pub components: Vec<ComponentSummary>,
    /// Wall-clock seconds of the run.
    pub wall_seconds: f64,
    /// The same per sample.
    pub wall_seconds_per_sample: f64,
    /// Accuracy of a trained model's classification (inference only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_accuracy: Option<f64>,
    /// L1 beside L2, with `--verify`.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub verification: Option<VerificationSummary>,
}

impl SimReport {
    /// Reads the accelerator's counters after a run of `run.samples` samples; `usage` and
    /// `energy` are that run's usage and its (whole-run) energy estimate.
    pub fn new(
        acc: &Accelerator,
        hardware: HardwareSummary,
        run: &RunDescription,
        usage: &Usage,
        energy: &EnergyReport,
    ) -> SimReport {
        let cfg = acc.config();
        let ctr = acc.counters();
        let samples = run.samples.max(1);
        let per_sample = energy.scaled(samples as u64);
        let summary = per_sample.summary();
        let accesses = acc
            .weight_port()
            .banks()
            .iter()
            .chain(acc.neuron_banks())
            .chain(acc.inhibitory_banks())
            .map(|b| {
                let a = Accesses {
                    reads: b.reads,
                    writes: b.writes,
                };
                (b.name().to_string(), a)
            })
            .chain(
                RegFile::ALL
                    .iter()
                    .map(|rf| (rf.name().to_string(), ctr.regfiles[*rf as usize])),
            )
            .collect();
        let ops = Unit::ALL
            .iter()
            .map(|u| {
                let done = Op::ALL
                    .iter()
                    .filter(|o| ctr.op_count(*u, **o) > 0)
                    .map(|o| (o.name(), ctr.op_count(*u, *o)))
                    .collect();
                (u.name(), done)
            })
            .collect();
        let dram_energy = usage.components.iter().find_map(|c| match &c.kind {
            ComponentKind::Dram { energy, .. } => Some(energy.clone()),
            _ => None,
        });
        SimReport {
            config: cfg.name.clone(),
            clock_mhz: cfg.clock_mhz,
            variant: run.variant,
            neurons: acc.neurons(),
            weight_bits: acc.params().formats.weight_bits as u32,
            weight_storage_bits: run.weight_storage_bits,
            weights_on_chip: acc.layout().on_chip,
            hardware,
            dataset: run.dataset.clone(),
            split: if run.train { "train" } else { "test" },
            train: run.train,
            samples: run.samples,
            offset: run.offset,
            seed: run.seed,
            cycles: ctr.cycles,
            cycles_per_sample: ctr.cycles as f64 / samples as f64,
            seconds_per_sample: ctr.cycles as f64 / (cfg.clock_mhz * 1e6) / samples as f64,
            attempts: ctr.attempts,
            timesteps: ctr.timesteps,
            input_spikes: ctr.input_spikes,
            output_spikes: ctr.output_spikes,
            synaptic_ops: ctr.synaptic_ops,
            stdp_updates: ctr.stdp_updates,
            unit_cycles: Unit::ALL
                .iter()
                .map(|u| (u.name(), ctr.units[*u as usize]))
                .collect(),
            phase_cycles: ctr.phase_cycles(),
            ops,
            accesses,
            dram: DramReport {
                counters: acc.weight_port().dram().counters().clone(),
                energy_pj: dram_energy,
            },
            energy: RunEnergy {
                table: energy.table.clone(),
                dynamic_pj: energy.dynamic_pj,
                static_pj: energy.static_pj,
                total_pj: energy.total_pj,
                warnings: energy.warnings.clone(),
            },
            energy_per_sample_uj: per_sample.total_pj * 1e-6,
            dynamic_per_sample_uj: per_sample.dynamic_pj * 1e-6,
            static_per_sample_uj: per_sample.static_pj * 1e-6,
            pj_per_sop: summary.pj_per_sop,
            pj_per_sop_band: summary.pj_per_sop_band,
            energy_band_uj: summary.energy_band_uj,
            area_mm2: summary.area_mm2,
            technology: summary.technology,
            components: summary.components,
            wall_seconds: run.wall_seconds,
            wall_seconds_per_sample: run.wall_seconds / samples as f64,
            test_accuracy: None,
            verification: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::energy::EnergyTable;
    use crate::HwConfig;
    use fspinn_model::fspinn::{FspinnNetwork, FspinnParams};
    use fspinn_model::rng::{Rng, StreamPhase};

    /// A few samples on the small config: the report's totals are the accelerator's counters,
    /// per-sample figures divide by the samples, and the JSON keeps the field names scripts
    /// read.
    #[test]
    fn report_reads_the_counters_and_keeps_the_json_names() {
        let cfg = HwConfig::builtin("small").unwrap();
        let inputs = cfg.spike_generator.inputs as usize;
        let mut rng = Rng::stream(3, StreamPhase::Init, 0, 0);
        let net = FspinnNetwork::new(FspinnParams::default(), inputs, 20, &mut rng).unwrap();
        let mut acc = Accelerator::new(&cfg, &net, 8).unwrap();
        let image: Vec<u8> = (0..inputs).map(|i| ((i * 37) % 256) as u8).collect();
        for k in 0..2 {
            acc.run_sample(&image, 11 + k, false);
        }
        let usage = crate::usage::usage(&acc);
        let energy = EnergyTable::default_45nm().estimate(&usage);
        let hardware = HardwareSummary::new(&cfg, "builtin:small", acc.layout());
        let run = RunDescription {
            variant: "fspinn",
            dataset: "test-pattern".into(),
            train: false,
            samples: 2,
            offset: 0,
            seed: 3,
            weight_storage_bits: 8,
            wall_seconds: 1.0,
        };
        let r = SimReport::new(&acc, hardware, &run, &usage, &energy);
        assert_eq!(r.cycles, acc.counters().cycles);
        assert!(r.cycles > 0 && r.synaptic_ops > 0);
        assert_eq!(r.cycles_per_sample, r.cycles as f64 / 2.0);
        assert!((r.energy_per_sample_uj * 2.0 - energy.total_pj * 1e-6).abs() < 1e-9);
        assert_eq!(r.split, "test");
        let phase_total: u64 = r.phase_cycles.values().sum();
        assert_eq!(phase_total, r.cycles);
        let j = serde_json::to_value(&r).unwrap();
        for key in [
            "cycles_per_sample",
            "energy_per_sample_uj",
            "pj_per_sop",
            "accesses",
            "hardware",
            "weights_on_chip",
            "weight_storage_bits",
        ] {
            assert!(j.get(key).is_some(), "missing {key}");
        }
        assert_eq!(j["dram"]["requests"], 0);
        assert!(j["dram"]["energy_pj"].is_null());
        assert!(j["accesses"]["wsram0"]["reads"].as_u64().unwrap() > 0);
        assert!(j.get("test_accuracy").is_none());
        assert!(j.get("l1_mismatches").is_none());
    }
}
