//! Verilator co-simulation of the FSpiNN RTL (layer L3, docs/rtl.md).
//!
//! The RTL is verilated on demand for any parameter set ([`builder`]: `rtl/*.v`, top
//! `fspinn_top`, with the `-G` parameters of `fspinn_sim::rtl_params`) into a shared library
//! in a per-user cache, and loaded at run time ([`Rtl::open`]); [`Rtl`] drives it cycle by
//! cycle from safe Rust, so testbenches can compare the RTL against the cycle model
//! (`fspinn-sim`, L2). Nothing is verilated at `cargo build` time: the crate builds without
//! Verilator, and only opening a model needs it. [`params`] holds the small config's
//! parameters (and [`params::large`] the large one's) as constants, for tests.
//!
//! Conventions (docs/rtl.md): inputs are set before a rising edge and outputs are sampled
//! after it; [`Rtl::tick`] is one full clock cycle and returns the outputs after its rising
//! edge. Time is in ps, one clock period of the config a cycle: cycle `c` (the value of
//! [`Rtl::cycle`] before the tick, counted from the time origin) has its low half at
//! `c * period` (input changes appear here) and its rising edge at `c * period + period / 2`
//! (register changes appear here).
//!
//! ```no_run
//! use fspinn_testbench::Rtl;
//! let mut rtl = Rtl::new();
//! rtl.reset();
//! rtl.host_write(0x0000_0001, 42); // network register 1, `steps`
//! assert_eq!(rtl.host_read(0x0000_0001), 42);
//! ```

#![deny(unsafe_code)]
#![warn(missing_docs)]

mod bridge;
pub mod builder;
pub mod chip;
pub mod cosim;
mod error;
pub mod fuzz;
pub mod params;
mod probe;
pub mod session;
mod vcd_filter;

use std::path::Path;
use std::sync::Arc;

use fspinn_sim::waves::{ScopePattern, WaveFormat};

pub use builder::{BuildError, Tracing};
pub use error::{RtlError, TraceError};
pub use params::DRAM_WORDS;

use bridge::{Input, Library, Model, Obs, PortsOut, TraceKind};
use fspinn_sim::sram::PortActivity;

/// Cycles [`Rtl::reset`] holds `rst` high: enough for any synchronous reset chain of a few
/// register stages.
pub const RESET_CYCLES: u64 = 4;

/// Words of [`Outputs::spike_mask`]: PES <= 256 (`fspinn_sim::rtl_params::MAX_PES`).
pub const SPIKE_MASK_WORDS: usize = 4;

// The outputs come across the C ABI in one struct holding exactly these words.
const _: () = assert!(SPIKE_MASK_WORDS == bridge::MASK_WORDS && DRAM_WORDS == bridge::WDATA_WORDS);

/// Clock period of the shipped configs (200 MHz), in ps: the default of [`Rtl::new`].
pub const DEFAULT_PERIOD_PS: u64 = 5_000;

/// The shipped parameter sets the tests use by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RtlModel {
    /// The "small" config, N = 400, weights on chip ([`params`]).
    Small,
    /// The "large" config, N = 4900, weights in DRAM ([`params::large`]).
    Large,
}

impl RtlModel {
    /// The hardware config.
    pub fn config_name(self) -> &'static str {
        match self {
            RtlModel::Small => params::CONFIG,
            RtlModel::Large => params::large::CONFIG,
        }
    }

    /// Its Verilog parameters, as passed to Verilator.
    pub fn parameters(self) -> &'static [(&'static str, u64)] {
        match self {
            RtlModel::Small => params::PARAMETERS,
            RtlModel::Large => params::large::PARAMETERS,
        }
    }

    /// Width of its DRAM data ports in 64-bit words.
    pub fn dram_words(self) -> usize {
        match self {
            RtlModel::Small => params::DRAM_WORDS,
            RtlModel::Large => params::large::DRAM_WORDS,
        }
    }

    /// The shipped set whose structural parameters are `params`, if any.
    pub fn for_parameters(params: &[(&'static str, u64)]) -> Option<Self> {
        [RtlModel::Small, RtlModel::Large]
            .into_iter()
            .find(|m| m.parameters() == params)
    }
}

/// Every output port of `fspinn_top`, sampled after a rising edge (docs/rtl.md, "Ports").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Outputs {
    /// Data of the `host_re` of the previous cycle.
    pub host_rdata: u64,
    /// A sample is running (from the cycle after `start` until `done`).
    pub busy: bool,
    /// Last cycle of the sample.
    pub done: bool,
    /// A neuron fired in this cycle.
    pub spike_valid: bool,
    /// The neuron that fired.
    pub spike_neuron: u16,
    /// Which PEs of group `spike_neuron` fired (bit `p % 64` of word `p / 64`: neuron
    /// `spike_neuron * PES + p`); see [`Outputs::pe_fired`].
    pub spike_mask: [u64; SPIKE_MASK_WORDS],
    /// The STDP unit writes a weight in this cycle.
    pub wupd_valid: bool,
    /// Input (pre-synaptic) index of the written weight.
    pub wupd_input: u16,
    /// Neuron (post-synaptic) index of the written weight.
    pub wupd_neuron: u16,
    /// The weight code written.
    pub wupd_value: u16,
    /// Controller time step.
    pub obs_timestep: u16,
    /// Controller attempt (sample re-runs with a higher rate).
    pub obs_attempt: u8,
    /// Controller phase code (`fspinn_sim::rtl_consts::Phase`).
    pub obs_phase: u8,
    /// A DRAM request is presented.
    pub dram_req_valid: bool,
    /// The request writes (else reads).
    pub dram_req_write: bool,
    /// Byte address of the request (40 bits).
    pub dram_req_addr: u64,
    /// Bytes of the request.
    pub dram_req_bytes: u16,
    /// Write data of the request, 64-bit word `i` = bits `[64i+63:64i]`: the first
    /// [`DRAM_WORDS`] words (all of them for the small model; [`Rtl::dram_req_wdata`] has all
    /// words of any model).
    pub dram_req_wdata: [u64; DRAM_WORDS],
}

impl Outputs {
    /// Whether PE `p` fired (bit `p` of `spike_mask`).
    pub fn pe_fired(&self, p: usize) -> bool {
        self.spike_mask
            .get(p / 64)
            .is_some_and(|w| w >> (p % 64) & 1 == 1)
    }
}

/// The verilated `fspinn_top` with its own Verilator context, loaded from the model cache.
///
/// Not `Send`: a Verilated model must be evaluated by the thread that built it. Separate
/// instances (one per test thread, say) are independent.
pub struct Rtl {
    model: Model,
    params: Vec<(&'static str, u64)>,
    period_ps: u64,
    banks: [BankGroup; 2],
    /// Signals of the next trace (all when `None`).
    scope: Option<ScopePattern>,
    /// A scoped VCD being written: the full trace, the file, the pattern.
    filter: Option<(std::path::PathBuf, std::path::PathBuf, ScopePattern)>,
    /// The last trace's error (see [`Rtl::take_trace_error`]).
    trace_error: Option<TraceError>,
}

/// One kind of SRAM bank (weight or neuron) as its observation ports pack it, with scratch
/// buffers for reading them.
#[derive(Debug, Clone)]
struct BankGroup {
    count: usize,
    addr_bits: usize,
    data_bits: usize,
    ports: [Obs; 5],
    re: Vec<u64>,
    we: Vec<u64>,
    raddr: Vec<u64>,
    waddr: Vec<u64>,
    wdata: Vec<u64>,
}

/// `width` (<= 64) bits of `words` from bit `offset`.
fn bits_at(words: &[u64], offset: usize, width: usize) -> u64 {
    let (w, b) = (offset / 64, offset % 64);
    let lo = words.get(w).copied().unwrap_or(0) >> b;
    let hi = if b > 0 && b + width > 64 {
        words.get(w + 1).copied().unwrap_or(0) << (64 - b)
    } else {
        0
    };
    let v = lo | hi;
    if width >= 64 {
        v
    } else {
        v & ((1u64 << width) - 1)
    }
}

fn clog2(depth: u64) -> usize {
    if depth > 1 {
        (64 - (depth - 1).leading_zeros()) as usize
    } else {
        1
    }
}

impl BankGroup {
    fn new(params: &[(&'static str, u64)], names: [&str; 3], ports: [Obs; 5]) -> Self {
        let get = |n: &str| params.iter().find(|p| p.0 == n).map_or(0, |p| p.1);
        let count = get(names[0]) as usize;
        let words = |bits: usize| vec![0u64; bits.div_ceil(64).max(1)];
        let addr_bits = clog2(get(names[1]));
        let data_bits = get(names[2]) as usize;
        BankGroup {
            count,
            addr_bits,
            data_bits,
            ports,
            re: words(count),
            we: words(count),
            raddr: words(count * addr_bits),
            waddr: words(count * addr_bits),
            wdata: words(count * data_bits),
        }
    }

    fn read(&mut self, model: &Model, base: u32, out: &mut Vec<(u32, PortActivity)>) {
        if self.count == 0 {
            return;
        }
        model.obs(self.ports[0], &mut self.re);
        model.obs(self.ports[1], &mut self.we);
        let any_re = self.re.iter().any(|&w| w != 0);
        let any_we = self.we.iter().any(|&w| w != 0);
        if !any_re && !any_we {
            return;
        }
        if any_re {
            model.obs(self.ports[2], &mut self.raddr);
        }
        if any_we {
            model.obs(self.ports[3], &mut self.waddr);
            model.obs(self.ports[4], &mut self.wdata);
        }
        for b in 0..self.count {
            let re = self.re[b / 64] >> (b % 64) & 1 == 1;
            let we = self.we[b / 64] >> (b % 64) & 1 == 1;
            if !re && !we {
                continue;
            }
            let mut a = PortActivity {
                read_enable: re,
                write_enable: we,
                ..PortActivity::default()
            };
            if re {
                a.read_addr = bits_at(&self.raddr, b * self.addr_bits, self.addr_bits) as u32;
            }
            if we {
                a.write_addr = bits_at(&self.waddr, b * self.addr_bits, self.addr_bits) as u32;
                a.write_data = bits_at(&self.wdata, b * self.data_bits, self.data_bits);
            }
            out.push((base + b as u32, a));
        }
    }
}

impl Default for Rtl {
    /// [`Rtl::new`].
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Rtl {
    /// Finishes a scoped VCD still open (filters it into its file).
    fn drop(&mut self) {
        if self.filter.is_some() {
            self.trace_close();
        }
    }
}

impl std::fmt::Debug for Rtl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rtl")
            .field("parameters", &self.params)
            .field("cycle", &self.cycle())
            .field("tracing", &self.is_tracing())
            .finish()
    }
}

impl Rtl {
    /// The RTL for the structural parameters `params` (as `fspinn_sim::rtl_params` gives
    /// them), built into the cache first if needed (`progress` hears of each stage), at time
    /// 0 with every register and input at zero (deterministic: Verilator's random
    /// initialisation is off), one clock cycle every `period_ps`. Call [`Rtl::reset`] before
    /// use, as on a chip. It can write VCDs; [`Rtl::open_for`] with [`Tracing::Off`] gives
    /// the faster model that cannot.
    pub fn open(
        params: &[(&'static str, u64)],
        period_ps: u64,
        progress: Option<builder::Progress>,
    ) -> Result<Self, BuildError> {
        Self::open_for(params, period_ps, Tracing::Vcd, progress)
    }

    /// [`Rtl::open`] for a model that traces `tracing` (a [`WaveFormat`] or
    /// [`Tracing::Off`]): Verilator builds one trace format or none into a model, so each is
    /// a separate build and cache entry; the untraced one runs faster.
    pub fn open_for(
        params: &[(&'static str, u64)],
        period_ps: u64,
        tracing: impl Into<Tracing>,
        progress: Option<builder::Progress>,
    ) -> Result<Self, BuildError> {
        Self::open_trained(params, period_ps, tracing, progress, None)
    }

    /// [`Rtl::open_for`], built profile-guided when `train` is given and the build qualifies
    /// ([`builder::profile_guided`]: the untraced model at the usual optimisation): `train`
    /// runs a few representative samples on an instrumented model (a fresh `Rtl`, reset by
    /// it), whose counters then guide the compilation of the model returned here. Only the
    /// speed depends on the training: every model computes the same cycles.
    pub fn open_trained(
        params: &[(&'static str, u64)],
        period_ps: u64,
        tracing: impl Into<Tracing>,
        progress: Option<builder::Progress>,
        train: Option<&dyn Fn(Rtl) -> Result<(), String>>,
    ) -> Result<Self, BuildError> {
        let run = |path: &std::path::Path| -> Result<(), String> {
            let lib = Library::load(path)?;
            if let Some(train) = train {
                train(Self::from_library(lib.clone(), params, period_ps))?;
            }
            if lib.profile_dump() {
                Ok(())
            } else {
                Err(format!("{}: not an instrumented model", path.display()))
            }
        };
        let path = builder::model_library_trained(
            params,
            tracing,
            progress,
            train.is_some().then_some(&run as builder::Train),
        )?;
        let lib = Library::load(&path).map_err(BuildError::Load)?;
        Ok(Self::from_library(lib, params, period_ps))
    }

    fn from_library(lib: Arc<Library>, params: &[(&'static str, u64)], period_ps: u64) -> Self {
        let period_ps = period_ps.max(2);
        use Obs::*;
        let banks = [
            BankGroup::new(
                params,
                ["WBANKS", "WDEPTH", "WWORD_BITS"],
                [WbankRe, WbankWe, WbankRaddr, WbankWaddr, WbankWdata],
            ),
            BankGroup::new(
                params,
                ["PES", "NDEPTH", "NWORD_BITS"],
                [NbankRe, NbankWe, NbankRaddr, NbankWaddr, NbankWdata],
            ),
        ];
        Self {
            model: Model::new(lib, period_ps / 2),
            params: params.to_vec(),
            period_ps: period_ps / 2 * 2,
            banks,
            scope: None,
            filter: None,
            trace_error: None,
        }
    }

    /// The small model ([`RtlModel::Small`]) at the shipped 200 MHz.
    ///
    /// # Panics
    /// When the model cannot be built (no Verilator): a convenience for tests and examples;
    /// programs use [`Rtl::open`].
    pub fn new() -> Self {
        Self::with_model(RtlModel::Small)
    }

    /// [`Rtl::new`] for the small model, spelled out.
    pub fn new_small() -> Self {
        Self::with_model(RtlModel::Small)
    }

    /// The large model ([`RtlModel::Large`], weights in DRAM), as [`Rtl::new`].
    pub fn new_large() -> Self {
        Self::with_model(RtlModel::Large)
    }

    /// A shipped model, as [`Rtl::new`] (panics when it cannot be built).
    pub fn with_model(model: RtlModel) -> Self {
        Self::open(model.parameters(), DEFAULT_PERIOD_PS, None)
            .unwrap_or_else(|e| panic!("building the {} RTL: {e}", model.config_name()))
    }

    /// The shipped set this model was built for, if it is one.
    pub fn model(&self) -> Option<RtlModel> {
        RtlModel::for_parameters(&self.params)
    }

    /// The structural parameters it was built with.
    pub fn parameters(&self) -> &[(&'static str, u64)] {
        &self.params
    }

    /// Clock period in ps (the VCD's time unit is 1 ps).
    pub fn period_ps(&self) -> u64 {
        self.period_ps
    }

    /// Holds `rst` high for [`RESET_CYCLES`] cycles with every other input idle, then
    /// releases it (it is sampled low from the next edge on).
    pub fn reset(&mut self) {
        self.idle_inputs();
        self.model.set(Input::Rst, 1);
        for _ in 0..RESET_CYCLES {
            self.model.tick();
        }
        self.model.set(Input::Rst, 0);
        self.model.eval();
    }

    fn idle_inputs(&mut self) {
        let m = &mut self.model;
        for p in [
            Input::HostWe,
            Input::HostRe,
            Input::HostAddr,
            Input::HostWdata,
            Input::Start,
            Input::DramReqReady,
            Input::DramRespValid,
        ] {
            m.set(p, 0);
        }
        m.set_dram_resp_rdata(&[]);
    }

    /// One host write (one cycle with `host_we`); the host port is only defined while `busy`
    /// is low, so the caller keeps to that as the hardware's host would.
    pub fn host_write(&mut self, addr: u32, data: u64) {
        let m = &mut self.model;
        m.set(Input::HostAddr, addr as u64);
        m.set(Input::HostWdata, data);
        m.set(Input::HostWe, 1);
        m.tick();
        m.set(Input::HostWe, 0);
    }

    /// One host read, two cycles: a cycle with `host_re`, after whose edge `host_rdata` holds
    /// the data (docs/rtl.md) and is sampled, then an idle cycle, so that reads and writes
    /// never overlap whatever the design does with `host_rdata` afterwards.
    pub fn host_read(&mut self, addr: u32) -> u64 {
        let m = &mut self.model;
        m.set(Input::HostAddr, addr as u64);
        m.set(Input::HostRe, 1);
        m.tick();
        m.set(Input::HostRe, 0);
        let data = m.outputs().host_rdata;
        m.tick();
        data
    }

    /// Drives `start` (held until changed; the contract wants a one-cycle pulse, see
    /// [`Rtl::start`]).
    pub fn set_start(&mut self, v: bool) {
        self.model.set(Input::Start, v as u64);
    }

    /// A one-cycle `start` pulse; returns the outputs after its edge (cycle 0 of the sample).
    pub fn start(&mut self) -> Outputs {
        self.model.set(Input::Start, 1);
        let out = self.tick();
        self.model.set(Input::Start, 0);
        out
    }

    /// Drives `dram_req_ready`: the channel accepts a request in this cycle.
    pub fn set_dram_req_ready(&mut self, v: bool) {
        self.model.set(Input::DramReqReady, v as u64);
    }

    /// Drives `dram_resp_valid`: a transaction completes in this cycle.
    pub fn set_dram_resp_valid(&mut self, v: bool) {
        self.model.set(Input::DramRespValid, v as u64);
    }

    /// Drives `dram_resp_rdata` of the small model's width ([`DRAM_WORDS`] words).
    pub fn set_dram_resp_rdata(&mut self, words: &[u64; DRAM_WORDS]) {
        self.model.set_dram_resp_rdata(words);
    }

    /// Drives `dram_resp_rdata` of any model: word `i` = bits `[64i+63:64i]`, missing words
    /// zero, extra ones ignored.
    pub fn set_dram_resp_words(&mut self, words: &[u64]) {
        self.model.set_dram_resp_rdata(words);
    }

    /// Every word of `dram_req_wdata` as it is now ([`Rtl::dram_words`] of them).
    pub fn dram_req_wdata(&self) -> Vec<u64> {
        let mut words = vec![0u64; self.model.dram_words()];
        let n = self.model.dram_req_wdata(&mut words);
        words.truncate(n);
        words
    }

    /// Settles combinational logic after input changes, without a clock edge, and returns
    /// the outputs.
    pub fn eval(&mut self) -> Outputs {
        self.model.eval();
        self.outputs()
    }

    /// One full clock cycle; returns the outputs after its rising edge.
    pub fn tick(&mut self) -> Outputs {
        Self::convert(&self.model.tick_out())
    }

    /// The first half of a cycle split in two (the lock step with the DRAM port,
    /// `cosim`): settles the inputs set since the last edge with the clock low and returns the
    /// outputs of the cycle; [`Rtl::rise`] ends it. Together they are one [`Rtl::tick`] whose
    /// outputs are read before the edge, in two model evaluations where
    /// [`Rtl::eval`] + [`Rtl::tick`] take three.
    pub fn low(&mut self) -> Outputs {
        Self::convert(&self.model.low())
    }

    /// The rising edge that ends the cycle [`Rtl::low`] began; returns the outputs after it.
    pub fn rise(&mut self) -> Outputs {
        Self::convert(&self.model.rise())
    }

    /// The outputs as they are now (after the last evaluation).
    pub fn outputs(&self) -> Outputs {
        Self::convert(&self.model.outputs())
    }

    fn convert(p: &PortsOut) -> Outputs {
        Outputs {
            host_rdata: p.host_rdata,
            busy: p.busy != 0,
            done: p.done != 0,
            spike_valid: p.spike_valid != 0,
            spike_neuron: p.spike_neuron,
            spike_mask: p.spike_mask,
            wupd_valid: p.wupd_valid != 0,
            wupd_input: p.wupd_input,
            wupd_neuron: p.wupd_neuron,
            wupd_value: p.wupd_value,
            obs_timestep: p.obs_timestep,
            obs_attempt: p.obs_attempt,
            obs_phase: p.obs_phase,
            dram_req_valid: p.dram_req_valid != 0,
            dram_req_write: p.dram_req_write != 0,
            dram_req_addr: p.dram_req_addr,
            dram_req_bytes: p.dram_req_bytes,
            dram_req_wdata: p.dram_req_wdata,
        }
    }

    /// Rising edges since construction (reset cycles included).
    pub fn cycle(&self) -> u64 {
        self.model.cycles()
    }

    /// Simulated time in ps since construction (one [`Rtl::period_ps`] per cycle).
    pub fn time_ps(&self) -> u64 {
        self.model.time()
    }

    /// Makes the current cycle time 0 of the next VCD (so a sample's first cycle is at 0 and
    /// cycle `k` of it at `k * period`, as in the cycle model's VCD). Set it before opening.
    pub fn set_time_origin_here(&mut self) {
        let c = self.cycle();
        self.model.set_time_origin(c);
    }

    /// Width of the DRAM data ports in 64-bit words as the model has it.
    pub fn dram_words(&self) -> usize {
        self.model.dram_words()
    }

    /// The trace format this model writes (`None`: built without tracing).
    pub fn trace_format(&self) -> Option<WaveFormat> {
        match self.model.trace_kind() {
            TraceKind::Vcd => Some(WaveFormat::Vcd),
            TraceKind::Fst => Some(WaveFormat::Fst),
            TraceKind::None => None,
        }
    }

    /// What this model was built to trace.
    pub fn tracing(&self) -> Tracing {
        self.trace_format().into()
    }

    /// Limits the next traces to the signals whose full hierarchical name
    /// (`TOP.fspinn_top.g_wbank[3].u_mem.we`) matches `scope` (`None`: every signal).
    pub fn set_trace_scope(&mut self, scope: Option<ScopePattern>) {
        self.scope = scope;
    }

    /// The full names of the signals the next trace holds (every traced signal without a
    /// scope); an error when a scope matches none.
    pub fn traced_signals(&mut self) -> Result<Vec<String>, TraceError> {
        let (names, keep) = self.scoped_names()?;
        Ok(names
            .into_iter()
            .zip(keep)
            .filter(|(_, k)| *k)
            .map(|(n, _)| n.full)
            .collect())
    }

    /// Every traced signal and whether the scope keeps it (an error when it keeps none).
    fn scoped_names(&mut self) -> Result<(Vec<probe::TracedName>, Vec<bool>), TraceError> {
        static PROBES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let k = PROBES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let fst = match self.model.trace_kind() {
            TraceKind::Vcd => false,
            TraceKind::Fst => true,
            TraceKind::None => return Err(TraceError::Untraced),
        };
        let path = std::env::temp_dir().join(format!(
            "fspinn-trace-probe-{}-{k}.{}",
            std::process::id(),
            if fst { "fst" } else { "vcd" }
        ));
        let text = path.to_string_lossy().into_owned();
        let probe_err = |message| TraceError::Probe {
            path: path.clone(),
            message,
        };
        let names = self
            .model
            .trace_probe(&text)
            .and_then(|()| probe::names(&path, fst))
            .map_err(probe_err);
        let _ = std::fs::remove_file(&path);
        let names = names?;
        let keep: Vec<bool> = names
            .iter()
            .map(|n| self.scope.as_ref().is_none_or(|p| p.matches(&n.full)))
            .collect();
        if let Some(p) = &self.scope {
            if !keep.contains(&true) {
                return Err(TraceError::NoMatch {
                    pattern: p.as_str().to_string(),
                });
            }
        }
        Ok((names, keep))
    }

    /// Starts a trace (VCD or FST, [`Rtl::trace_format`]) of the hierarchy, or of the signals
    /// of [`Rtl::set_trace_scope`], at `path` from the next cycle on; full tracing costs
    /// ~200 bytes per cycle, so trace windows rather than whole runs.
    pub fn trace_open(&mut self, path: impl AsRef<Path>) -> Result<(), TraceError> {
        let path = path.as_ref();
        if self.is_tracing() {
            return Err(TraceError::AlreadyOpen);
        }
        if self.model.trace_kind() == TraceKind::None {
            return Err(TraceError::Untraced);
        }
        path.to_str()
            .ok_or_else(|| TraceError::NonUtf8Path(path.to_path_buf()))?;
        // FST: Verilator's dumpvars selects the signals. VCD: its dumpvars writes an invalid
        // file in 5.006 (`vcd_filter`), so the full trace goes to a temporary file that is
        // filtered into `path` when closed.
        let mut decls: Vec<String> = Vec::new();
        let mut target = path.to_path_buf();
        if let Some(p) = self.scope.clone() {
            if self.model.trace_kind() == TraceKind::Fst {
                let (names, keep) = self.scoped_names()?;
                decls = probe::dumpvars(&names, &keep);
            } else {
                let mut tmp = path.as_os_str().to_owned();
                tmp.push(".full.tmp");
                target = tmp.into();
                self.filter = Some((target.clone(), path.to_path_buf(), p));
            }
        }
        let text = target
            .to_str()
            .ok_or_else(|| TraceError::NonUtf8Path(target.clone()))?;
        self.model
            .set_trace_scope(&decls)
            .map_err(|message| TraceError::Open {
                path: path.to_path_buf(),
                message,
            })?;
        // Creating the file here gives an `io::Error` with a reason (and rejects NUL bytes,
        // which the C string would otherwise cut the name at); Verilator truncates it again.
        std::fs::File::create(&target).map_err(|source| TraceError::Create {
            path: target.clone(),
            source,
        })?;
        self.model
            .trace_open(text)
            .map_err(|message| TraceError::Open {
                path: path.to_path_buf(),
                message,
            })
    }

    /// Flushes and closes the trace; does nothing when none is open. A scoped VCD is filtered
    /// into its file here; an error doing so is kept for [`Rtl::take_trace_error`].
    pub fn trace_close(&mut self) {
        self.model.trace_close();
        if let Some((tmp, dst, pattern)) = self.filter.take() {
            let r = vcd_filter::filter(&tmp, &dst, &pattern);
            let _ = std::fs::remove_file(&tmp);
            if let Err(source) = r {
                self.trace_error = Some(TraceError::Create { path: dst, source });
            }
        }
    }

    /// The error of the last trace written, if any (a scoped VCD that could not be filtered
    /// into its file); taking it clears it.
    pub fn take_trace_error(&mut self) -> Option<TraceError> {
        self.trace_error.take()
    }

    /// Whether a VCD is being written.
    pub fn is_tracing(&self) -> bool {
        self.model.trace_is_open()
    }

    /// Every SRAM bank whose ports read or write in the current cycle (after the last edge),
    /// from the observation ports of `fspinn_top`: bank index (weight banks, then neuron
    /// banks) and its port inputs; addresses and data are those of the enabled ports only.
    pub fn active_bank_ports(&mut self, out: &mut Vec<(u32, PortActivity)>) {
        out.clear();
        let wbanks = self.banks[0].count as u32;
        let [w, n] = &mut self.banks;
        w.read(&self.model, 0, out);
        n.read(&self.model, wbanks, out);
    }
}
