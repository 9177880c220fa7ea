//! The RTL's parameters, derived from the typed hardware config and the network: the one place
//! they come from, so the Verilog and the cycle model cannot describe different chips
//! (docs/rtl.md, "Parameters").
//!
//! They split in two: the *structure* (Verilog parameters, fixed when the RTL is verilated or
//! synthesised: PES, banks, depths, widths, ...) and the *run-time registers* (network
//! constants the host writes before a run). Every limit of the RTL is checked here, before
//! anything is built, with an error naming the field, its value and the limit; the Verilog
//! checks the structural ones again at elaboration (`fspinn_top.v`, "limits").

use crate::accel::Accelerator;
use crate::config::HwConfig;
use crate::error::SimError;
use crate::layout::WeightLayout;
use crate::rtl_consts::{self as consts, Reg};

/// Why a config or network cannot be built as RTL.
#[derive(Debug, thiserror::Error)]
pub enum RtlParamsError {
    /// The config or network itself is invalid (not an RTL question).
    #[error(transparent)]
    Sim(#[from] SimError),
    /// Valid for the cycle model, but beyond what this version of the RTL implements.
    #[error("unsupported by the RTL: {field} = {value}, limit {limit}")]
    Unsupported {
        /// The config field, network parameter or register.
        field: String,
        /// Its value.
        value: i128,
        /// What the RTL accepts, e.g. `<= 256` or `-32768..=32767`.
        limit: String,
    },
}

/// What of the network the RTL's structure depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RtlNetwork {
    /// Excitatory neurons.
    pub neurons: usize,
    /// Weight code width (also the storage width).
    pub weight_bits: u32,
    /// Time steps per presentation.
    pub steps: u32,
    /// Refractory steps after a spike.
    pub refractory_steps: u32,
    /// Presentations of one sample at most (sizes the rate table).
    pub max_attempts: u32,
}

/// The structure and the registers of one RTL instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RtlDesign {
    /// Verilog parameters of `fspinn_top`, in order (`-G<name>=<value>`).
    pub structure: Vec<(&'static str, u64)>,
    /// Network registers (host space `0x00`), checked against their widths.
    pub registers: Vec<RtlRegister>,
    /// `rate_q24` of every attempt (host space `0x04`), `max_attempts` entries.
    pub rates: Vec<u32>,
}

/// A value of one network register (`rtl_consts::REGISTERS`: index, name, width, signedness),
/// checked against the register's width.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RtlRegister {
    /// The register.
    pub reg: Reg,
    /// Value, two's complement in the register's width when it is signed.
    pub value: i64,
}

impl RtlRegister {
    /// The value as the host writes it (the low `width` bits).
    pub fn raw(&self) -> u64 {
        (self.value as u64) & mask(self.reg.width())
    }
    /// Its host address.
    pub fn addr(&self) -> u32 {
        self.reg.addr()
    }
}

fn mask(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

/// Largest PE count: the host addresses a neuron bank with 8 bits (`host_addr[23:16]`).
pub const MAX_PES: u64 = consts::NEURON_BANK_FIELD.count();
/// Largest weight bank count: the host addresses a weight bank with 4 bits (`host_addr[23:20]`).
pub const MAX_WBANKS: u64 = consts::WEIGHT_BANK_FIELD.count();
/// Widest weight word: the host data port is 64 bits.
pub const MAX_WWORD_BITS: u64 = 64;
/// Largest weight-bank depth: 20 bits of word address.
pub const MAX_WDEPTH: u64 = consts::WEIGHT_ADDR_FIELD.count();
/// Largest neuron-bank depth: 16 bits of word address.
pub const MAX_NDEPTH: u64 = consts::NEURON_ADDR_FIELD.count();
/// Most input channels: 16 bits of input index on `wupd_input` and of the generator's
/// channel counter (with one lane, the pixel row field's 16 bits too).
pub const MAX_INPUTS: u64 = consts::PIXEL_ROW_FIELD.count();
/// Most spike-generator lanes: the host addresses a pixel's lane with 8 bits
/// (`host_addr[7:0]` of the pixel space).
pub const MAX_LANES: u64 = consts::PIXEL_LANE_FIELD.count();
/// Fewest input channels: the fired-neuron walk reads the next group's row while a neuron's
/// synapses are accepted, so it needs at least two cycles per neuron (`fspinn_top.v`,
/// `g_limit_inputs`).
pub const MIN_INPUTS: u64 = 2;
/// Most neurons: the `n_neurons` register and `spike_neuron`/`wupd_neuron` are 16 bits.
pub const MAX_NEURONS: u64 = Reg::NNeurons.range().1 as u64;
/// Most presentations of one sample: `attempt` is 8 bits.
pub const MAX_ATTEMPTS: u64 = 255;
/// Most time steps: `obs_timestep` and the `steps` register are 16 bits.
pub const MAX_STEPS: u64 = Reg::Steps.range().1 as u64;
/// Widest weight code: `wupd_value` is 16 bits.
pub const MAX_WEIGHT_BITS: u64 = 16;
/// Weight word width with the weights in DRAM: the port's data words are 64 bits.
pub const DRAM_WORD_BITS: u64 = 64;
/// Smallest `STEP_BITS` built (step numbers up to 255).
pub const MIN_STEP_BITS: u64 = 9;
/// Smallest `COUNT_BITS` built, where the neuron word has room (spike counts up to 63).
pub const MIN_COUNT_BITS: u64 = 6;
/// Rate-table entries (`ATTEMPTS`) built for up to this many attempts; more get 255.
pub const SMALL_RATE_TABLE: u64 = 16;
/// Bits of the neuron word below the spike-count field (`COUNT_LSB`, 36).
const COUNT_AT: u64 = consts::neuron_word(0).count_lsb() as u64;

fn limit(field: &str, value: u64, max: u64) -> Result<(), RtlParamsError> {
    if value > max {
        return Err(RtlParamsError::Unsupported {
            field: field.to_string(),
            value: value as i128,
            limit: format!("<= {max}"),
        });
    }
    Ok(())
}

fn at_least(field: &str, value: u64, min: u64) -> Result<(), RtlParamsError> {
    if value < min {
        return Err(RtlParamsError::Unsupported {
            field: field.to_string(),
            value: value as i128,
            limit: format!(">= {min}"),
        });
    }
    Ok(())
}

fn exactly(field: &str, value: u64, want: u64) -> Result<(), RtlParamsError> {
    if value != want {
        return Err(RtlParamsError::Unsupported {
            field: field.to_string(),
            value: value as i128,
            limit: format!("= {want}"),
        });
    }
    Ok(())
}

/// The structural parameters (`(name, value)` pairs for Verilator's `-G` options, or a Verilog
/// header) of `cfg` running `net`, after checking every structural limit of the RTL.
pub fn parameters(
    cfg: &HwConfig,
    net: &RtlNetwork,
) -> Result<Vec<(&'static str, u64)>, RtlParamsError> {
    cfg.validate()?;
    let layout = WeightLayout::new(cfg, net.neurons, net.weight_bits, net.weight_bits)?;
    // Every structural limit of the RTL, in the order a designer meets them.
    let limits = [
        ("pe_array.pes", cfg.pe_array.pes as u64, MAX_PES),
        (
            "weight_sram.banks",
            cfg.weight_sram.banks as u64,
            MAX_WBANKS,
        ),
        (
            "weight_sram.word_bits",
            cfg.weight_sram.word_bits as u64,
            MAX_WWORD_BITS,
        ),
        (
            "weight_sram.depth",
            cfg.weight_sram.depth as u64,
            MAX_WDEPTH,
        ),
        (
            "neuron_sram.depth",
            cfg.neuron_sram.depth as u64,
            MAX_NDEPTH,
        ),
        (
            "spike_generator.inputs",
            cfg.spike_generator.inputs as u64,
            MAX_INPUTS,
        ),
        (
            "spike_generator.lanes",
            cfg.spike_generator.lanes as u64,
            MAX_LANES,
        ),
        ("neurons", net.neurons as u64, MAX_NEURONS),
        ("weight_bits", net.weight_bits as u64, MAX_WEIGHT_BITS),
        ("steps", net.steps as u64, MAX_STEPS),
        ("max_attempts", net.max_attempts as u64, MAX_ATTEMPTS),
    ];
    for (field, value, max) in limits {
        limit(field, value, max)?;
    }
    at_least(
        "spike_generator.inputs",
        cfg.spike_generator.inputs as u64,
        MIN_INPUTS,
    )?;
    if !layout.on_chip {
        // The DRAM port and the testbench's word image move 64-bit words.
        exactly(
            "weight_sram.word_bits (weights in DRAM)",
            cfg.weight_sram.word_bits as u64,
            DRAM_WORD_BITS,
        )?;
    }
    // Capacities (widths of step numbers and spike counters, entries of the rate table) are
    // rounded up to a few sizes, so that networks that differ only in run-time values share
    // one build (the shipped configs' default network sets the floors).
    let max_count = net.steps.div_ceil(net.refractory_steps + 1);
    let count_needed = (32 - max_count.leading_zeros()) as u64;
    let count_bits = if COUNT_AT + MIN_COUNT_BITS <= cfg.neuron_sram.word_bits as u64 {
        count_needed.max(MIN_COUNT_BITS)
    } else {
        count_needed
    };
    limit(
        "refractory_steps + 1 (refractory field)",
        net.refractory_steps as u64 + 1,
        mask(consts::REFRACTORY_BITS),
    )?;
    limit(
        "neuron word bits needed by the RTL (36 + spike-count bits)",
        COUNT_AT + count_bits,
        cfg.neuron_sram.word_bits as u64,
    )?;
    let step_bits = ((32 - net.steps.leading_zeros() + 1) as u64).max(MIN_STEP_BITS);
    let attempts = if net.max_attempts as u64 <= SMALL_RATE_TABLE {
        SMALL_RATE_TABLE
    } else {
        MAX_ATTEMPTS
    };
    Ok(vec![
        ("PES", cfg.pe_array.pes as u64),
        ("NEURONS_PER_PE", cfg.pe_array.neurons_per_pe as u64),
        ("INPUTS", cfg.spike_generator.inputs as u64),
        ("LANES", cfg.spike_generator.lanes as u64),
        ("WBANKS", cfg.weight_sram.banks as u64),
        ("WWORD_BITS", cfg.weight_sram.word_bits as u64),
        ("WDEPTH", cfg.weight_sram.depth as u64),
        ("WLAT", cfg.weight_sram.read_latency as u64),
        ("NWORD_BITS", cfg.neuron_sram.word_bits as u64),
        ("NDEPTH", cfg.neuron_sram.depth as u64),
        ("NLAT", cfg.neuron_sram.read_latency as u64),
        ("WEIGHT_BITS", net.weight_bits as u64),
        ("STEP_BITS", step_bits),
        ("COUNT_BITS", count_bits),
        ("DRAM_WORDS", layout.words_per_chunk as u64),
        ("WEIGHTS_ON_CHIP", layout.on_chip as u64),
        ("ATTEMPTS", attempts),
    ])
}

/// The same parameters as Verilator command-line options.
pub fn verilator_args(params: &[(&'static str, u64)]) -> Vec<String> {
    params.iter().map(|(k, v)| format!("-G{k}={v}")).collect()
}

/// A value of register `reg`: it must fit the register's width (never truncated on load).
pub fn register(reg: Reg, value: i64) -> Result<RtlRegister, RtlParamsError> {
    let (lo, hi) = reg.range();
    if !(lo..=hi).contains(&(value as i128)) {
        return Err(RtlParamsError::Unsupported {
            field: format!("register {}", reg.name()),
            value: value as i128,
            limit: format!("{lo}..={hi} ({}-bit register)", reg.width()),
        });
    }
    Ok(RtlRegister { reg, value })
}

/// Register `eta_post_q16`, the potentiation factor of the next sample, checked against its
/// width.
pub fn eta_register(eta_post_q16: i64) -> Result<RtlRegister, RtlParamsError> {
    register(Reg::EtaPostQ16, eta_post_q16)
}

/// The network of `acc` as the RTL's structure sees it.
pub fn network_of(acc: &Accelerator) -> RtlNetwork {
    let c = acc.consts();
    RtlNetwork {
        neurons: acc.neurons(),
        weight_bits: acc.params().formats.weight_bits as u32,
        steps: c.steps,
        refractory_steps: c.refractory_steps,
        max_attempts: acc.params().max_attempts,
    }
}

/// The whole RTL design of an L2 accelerator (its config, network and current state):
/// structure, registers and rate table, every value checked against the RTL's limits.
pub fn design(acc: &Accelerator) -> Result<RtlDesign, RtlParamsError> {
    let cfg = acc.config();
    let c = acc.consts();
    let p = acc.params();
    let net = network_of(acc);
    let structure = parameters(cfg, &net)?;
    let fmt = acc.word_format();
    exactly(
        "membrane bits (v_fmt)",
        fmt.v_bits as u64,
        consts::V_BITS as u64,
    )?;
    exactly(
        "threshold bits (theta_fmt)",
        fmt.theta_bits as u64,
        consts::THETA_BITS as u64,
    )?;
    exactly(
        "refractory bits (formats.refractory_bits)",
        fmt.refractory_bits as u64,
        consts::REFRACTORY_BITS as u64,
    )?;
    let m = &p.mechanisms;
    if !(m.direct_inhibition && m.post_only_stdp && m.per_step_updates) {
        return Err(RtlParamsError::Unsupported {
            field: "mechanisms".into(),
            value: 0,
            limit: "the FSpiNN mode only: (a) direct inhibition, (b) post-only STDP and (d) \
                    per-step updates on"
                .into(),
        });
    }
    let registers = vec![
        register(Reg::NNeurons, net.neurons as i64)?,
        register(Reg::Steps, c.steps as i64)?,
        register(Reg::LeakShift, c.leak_shift as i64)?,
        register(Reg::VThresh, c.v_thresh as i64)?,
        register(Reg::ThetaPlus, c.theta_plus as i64)?,
        register(Reg::RefractoryStart, c.refractory_start() as i64)?,
        register(Reg::WToVShift, c.w_to_v_shift as i64)?,
        register(Reg::TraceMax, c.trace_max as i64)?,
        register(Reg::TraceBits, c.trace_bits as i64)?,
        register(Reg::TraceHalfLife, c.trace_half_life as i64)?,
        register(Reg::XTar, c.x_tar as i64)?,
        register(Reg::NormTarget, c.norm_target)?,
        register(Reg::ThetaDecayShift, acc.theta_decay() as i64)?,
        register(Reg::Inhibition, acc.inhibition() as i64)?,
        register(Reg::MinSpikes, p.min_spikes as i64)?,
        register(Reg::MaxAttempts, p.max_attempts as i64)?,
        register(Reg::TargetSpikes, p.target_spikes as i64)?,
        register(
            Reg::Flags,
            consts::flags(m.adaptive_inhibition, p.rounding) as i64,
        )?,
        register(Reg::VMax, c.v_fmt.max_raw() as i64)?,
        register(Reg::WMax, c.w_max as i64)?,
        register(Reg::Train, 0)?,
    ];
    // rate_q24 is a u32: the rate table's 32-bit entries hold any of them.
    let rates = (0..p.max_attempts)
        .map(|a| {
            fspinn_model::fixed::rate_q24(
                p.rate_per_pixel_hz as f64,
                p.start_intensity + a,
                p.dt_ms as f64,
            )
        })
        .collect();
    Ok(RtlDesign {
        structure,
        registers,
        rates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small_net() -> RtlNetwork {
        RtlNetwork {
            neurons: 400,
            weight_bits: 8,
            steps: 250,
            refractory_steps: 5,
            max_attempts: 16,
        }
    }

    fn unsupported(r: Result<Vec<(&'static str, u64)>, RtlParamsError>) -> String {
        match r {
            Err(e @ RtlParamsError::Unsupported { .. }) => e.to_string(),
            other => panic!("expected an RTL limit, got {other:?}"),
        }
    }

    #[test]
    fn small_has_the_documented_parameters() {
        let cfg = HwConfig::builtin("small").unwrap();
        let p = parameters(&cfg, &small_net()).unwrap();
        let get = |n: &str| p.iter().find(|(k, _)| *k == n).unwrap().1;
        assert_eq!(get("PES"), cfg.pe_array.pes as u64);
        assert_eq!(get("STEP_BITS"), 9);
        assert_eq!(get("COUNT_BITS"), 6);
        assert_eq!(get("ATTEMPTS"), 16);
        assert_eq!(get("WEIGHTS_ON_CHIP"), 1);
    }

    #[test]
    fn capacities_share_builds_and_grow_when_needed() {
        let cfg = HwConfig::builtin("small").unwrap();
        let base = parameters(&cfg, &small_net()).unwrap();
        let short = RtlNetwork {
            steps: 2,
            refractory_steps: 0,
            ..small_net()
        };
        assert_eq!(parameters(&cfg, &short).unwrap(), base);
        let long = RtlNetwork {
            steps: 500,
            ..small_net()
        };
        let p = parameters(&cfg, &long).unwrap();
        assert!(p.contains(&("STEP_BITS", 10)), "{p:?}");
        assert!(p.contains(&("COUNT_BITS", 7)), "{p:?}");
    }

    #[test]
    fn pes_up_to_256_accepted_above_refused() {
        let mut cfg = HwConfig::builtin("small").unwrap();
        cfg.pe_array.pes = 256;
        cfg.pe_array.neurons_per_pe = 2;
        cfg.weight_sram.banks = 16;
        cfg.neuron_sram.depth = 2;
        // 256 4-bit weights per chunk: 16 words, one per bank.
        let net = RtlNetwork {
            weight_bits: 4,
            ..small_net()
        };
        let p = parameters(&cfg, &net);
        assert!(p.is_ok(), "{p:?}");
        cfg.pe_array.pes = 400;
        cfg.pe_array.neurons_per_pe = 1;
        cfg.neuron_sram.depth = 1;
        let msg = unsupported(parameters(&cfg, &net));
        assert_eq!(
            msg,
            "unsupported by the RTL: pe_array.pes = 400, limit <= 256"
        );
    }

    #[test]
    fn lanes_up_to_256_accepted_above_refused() {
        let mut cfg = HwConfig::builtin("small").unwrap();
        cfg.spike_generator.lanes = 256;
        assert!(parameters(&cfg, &small_net()).is_ok());
        cfg.spike_generator.lanes = 257;
        let msg = unsupported(parameters(&cfg, &small_net()));
        assert_eq!(
            msg,
            "unsupported by the RTL: spike_generator.lanes = 257, limit <= 256"
        );
    }

    #[test]
    fn one_input_channel_refused_two_accepted() {
        let mut cfg = HwConfig::builtin("small").unwrap();
        cfg.spike_generator.lanes = 1;
        cfg.spike_generator.inputs = 2;
        assert!(parameters(&cfg, &small_net()).is_ok());
        cfg.spike_generator.inputs = 1;
        let msg = unsupported(parameters(&cfg, &small_net()));
        assert_eq!(
            msg,
            "unsupported by the RTL: spike_generator.inputs = 1, limit >= 2"
        );
    }

    #[test]
    fn more_words_per_chunk_than_banks_accepted_on_chip() {
        // Two words per chunk in one bank: a chunk takes two cycles (layout.rs).
        let mut cfg = HwConfig::builtin("small").unwrap();
        cfg.weight_sram.banks = 1;
        cfg.weight_sram.depth *= 2;
        let p = parameters(&cfg, &small_net()).unwrap();
        assert!(p.contains(&("DRAM_WORDS", 2)), "{p:?}");
        assert!(p.contains(&("WEIGHTS_ON_CHIP", 1)), "{p:?}");
    }

    #[test]
    fn weights_in_dram_need_64_bit_words() {
        let mut cfg = HwConfig::builtin("small").unwrap();
        cfg.weight_sram.word_bits = 32;
        cfg.weight_sram.depth = 100;
        let msg = unsupported(parameters(&cfg, &small_net()));
        assert_eq!(
            msg,
            "unsupported by the RTL: weight_sram.word_bits (weights in DRAM) = 32, limit = 64"
        );
    }

    #[test]
    fn max_attempts_up_to_255() {
        let cfg = HwConfig::builtin("small").unwrap();
        let mut net = small_net();
        net.max_attempts = 255;
        let p = parameters(&cfg, &net).unwrap();
        assert!(p.contains(&("ATTEMPTS", 255)), "{p:?}");
        net.max_attempts = 3;
        let p = parameters(&cfg, &net).unwrap();
        assert!(
            p.contains(&("ATTEMPTS", 16)),
            "one build for 1 to 16 attempts"
        );
        net.max_attempts = 256;
        let msg = unsupported(parameters(&cfg, &net));
        assert_eq!(
            msg,
            "unsupported by the RTL: max_attempts = 256, limit <= 255"
        );
    }

    #[test]
    fn too_many_banks_and_long_refractory_refused() {
        let mut cfg = HwConfig::builtin("small").unwrap();
        cfg.weight_sram.banks = 32;
        let msg = unsupported(parameters(&cfg, &small_net()));
        assert!(
            msg.starts_with("unsupported by the RTL: weight_sram.banks = 32"),
            "{msg}"
        );
        let cfg = HwConfig::builtin("small").unwrap();
        let mut net = small_net();
        net.refractory_steps = 15;
        let msg = unsupported(parameters(&cfg, &net));
        assert!(msg.contains("refractory"), "{msg}");
    }

    #[test]
    fn registers_are_never_truncated() {
        let r = register(Reg::RefractoryStart, 15).unwrap();
        assert_eq!(r.raw(), 15);
        let e = register(Reg::RefractoryStart, 16).unwrap_err();
        assert_eq!(
            e.to_string(),
            "unsupported by the RTL: register refractory_start = 16, limit 0..=15 (4-bit register)"
        );
        let r = register(Reg::WToVShift, -32).unwrap();
        assert_eq!(r.raw(), 0b10_0000);
        assert!(register(Reg::WToVShift, -33).is_err());
        assert!(register(Reg::WToVShift, 32).is_err());
        assert!(eta_register(1 << 32).is_err());
        assert!(eta_register(-1).is_err());
    }
}
