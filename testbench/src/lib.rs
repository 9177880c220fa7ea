//! Verilator co-simulation of the FSpiNN RTL (layer L3, docs/rtl.md).
//!
//! `build.rs` verilates `rtl/*.v` (top `fspinn_top`) twice, with the structural parameters of
//! the "small" config ([`params`], weights on chip) and of the "large" one ([`params::large`],
//! weights in DRAM), and links both models in; [`Rtl`] drives one of them ([`RtlModel`]) cycle
//! by cycle from safe Rust, so testbenches can compare the RTL against the cycle model
//! (`fspinn-sim`, L2).
//!
//! Conventions (docs/rtl.md): inputs are set before a rising edge and outputs are sampled
//! after it; [`Rtl::tick`] is one full clock cycle and returns the outputs after its rising
//! edge. In the VCD one clock period is 2 ns of simulated time: cycle `c` (the value of
//! [`Rtl::cycle`] before the tick) has its falling half at time `2c` (input changes appear
//! here) and its rising edge at `2c + 1` (register changes appear here).
//!
//! ```
//! use fspinn_testbench::Rtl;
//! let mut rtl = Rtl::new();
//! rtl.reset();
//! rtl.host_write(0x0000_0001, 42); // network register 1, `steps`
//! assert_eq!(rtl.host_read(0x0000_0001), 42);
//! ```

#![deny(unsafe_code)]
#![warn(missing_docs)]

mod bridge;
pub mod chip;
pub mod cosim;
mod error;
pub mod params;

use std::path::Path;
use std::pin::Pin;

pub use error::TraceError;
pub use params::DRAM_WORDS;

use bridge::ffi;

/// Cycles [`Rtl::reset`] holds `rst` high: enough for any synchronous reset chain of a few
/// register stages.
pub const RESET_CYCLES: u64 = 4;

/// Host address of network register `index` (space `0x00`, docs/rtl.md).
pub const fn net_reg(index: u32) -> u32 {
    index & 0x00ff_ffff
}

/// Which verilated model an [`Rtl`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RtlModel {
    /// `Vfspinn_small`: the "small" config, N = 400, weights on chip ([`params`]).
    Small,
    /// `Vfspinn_large`: the "large" config, N = 4900, weights in DRAM ([`params::large`]).
    Large,
}

impl RtlModel {
    /// The hardware config the model was verilated for.
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

    /// The linked model whose structural parameters are `params` (as
    /// `fspinn_sim::rtl_params::parameters` gives them), if any.
    pub fn for_parameters(params: &[(&'static str, u64)]) -> Option<Self> {
        [RtlModel::Small, RtlModel::Large]
            .into_iter()
            .find(|m| m.parameters() == params)
    }
}

/// Every output port of `fspinn_top`, sampled after a rising edge (docs/rtl.md, "Ports").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// Which PEs of group `spike_neuron` fired (bit p: neuron `spike_neuron * PES + p`).
    pub spike_mask: u64,
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
    /// Controller phase code (`fspinn_sim::waves::PHASES`).
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

impl Default for Outputs {
    fn default() -> Self {
        Self::from_ports(ffi::PortsOut::default(), [0; DRAM_WORDS])
    }
}

impl Outputs {
    fn from_ports(p: ffi::PortsOut, dram_req_wdata: [u64; DRAM_WORDS]) -> Self {
        Self {
            host_rdata: p.host_rdata,
            busy: p.busy,
            done: p.done,
            spike_valid: p.spike_valid,
            spike_neuron: p.spike_neuron,
            spike_mask: p.spike_mask,
            wupd_valid: p.wupd_valid,
            wupd_input: p.wupd_input,
            wupd_neuron: p.wupd_neuron,
            wupd_value: p.wupd_value,
            obs_timestep: p.obs_timestep,
            obs_attempt: p.obs_attempt,
            obs_phase: p.obs_phase,
            dram_req_valid: p.dram_req_valid,
            dram_req_write: p.dram_req_write,
            dram_req_addr: p.dram_req_addr,
            dram_req_bytes: p.dram_req_bytes,
            dram_req_wdata,
        }
    }
}

/// The verilated `fspinn_top` with its own Verilator context.
///
/// Not `Send`: a Verilated model must be evaluated by the thread that built it. Separate
/// instances (one per test thread, say) are independent.
pub struct Rtl {
    shim: cxx::UniquePtr<ffi::Shim>,
    model: RtlModel,
}

impl Default for Rtl {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Rtl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rtl")
            .field("model", &self.model)
            .field("cycle", &self.cycle())
            .field("tracing", &self.is_tracing())
            .finish()
    }
}

impl Rtl {
    /// The small model ([`RtlModel::Small`]) at time 0 with every register and input at zero
    /// (deterministic: Verilator's random initialisation is off). Call [`Rtl::reset`] before
    /// use, as on a chip.
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

    /// The given model, as [`Rtl::new`].
    pub fn with_model(model: RtlModel) -> Self {
        let shim = match model {
            RtlModel::Small => ffi::new_shim(),
            RtlModel::Large => ffi::new_shim_large(),
        };
        Self { shim, model }
    }

    /// Which verilated model this is.
    pub fn model(&self) -> RtlModel {
        self.model
    }

    fn pin(&mut self) -> Pin<&mut ffi::Shim> {
        self.shim.pin_mut()
    }

    fn shim(&self) -> &ffi::Shim {
        // `new_shim` returns `std::make_unique`, never null.
        self.shim.as_ref().expect("the shim is never null")
    }

    /// Holds `rst` high for [`RESET_CYCLES`] cycles with every other input idle, then
    /// releases it (it is sampled low from the next edge on).
    pub fn reset(&mut self) {
        self.idle_inputs();
        self.pin().set_rst(true);
        for _ in 0..RESET_CYCLES {
            self.pin().tick();
        }
        self.pin().set_rst(false);
        self.pin().eval();
    }

    fn idle_inputs(&mut self) {
        let mut s = self.pin();
        s.as_mut().set_host_we(false);
        s.as_mut().set_host_re(false);
        s.as_mut().set_host_addr(0);
        s.as_mut().set_host_wdata(0);
        s.as_mut().set_start(false);
        s.as_mut().set_dram_req_ready(false);
        s.as_mut().set_dram_resp_valid(false);
        s.as_mut().set_dram_resp_rdata(&[]);
    }

    /// One host write (one cycle with `host_we`); the host port is only defined while `busy`
    /// is low, so the caller keeps to that as the hardware's host would.
    pub fn host_write(&mut self, addr: u32, data: u64) {
        let mut s = self.pin();
        s.as_mut().set_host_addr(addr);
        s.as_mut().set_host_wdata(data);
        s.as_mut().set_host_we(true);
        s.as_mut().tick();
        s.as_mut().set_host_we(false);
    }

    /// One host read, two cycles: a cycle with `host_re`, after whose edge `host_rdata` holds
    /// the data (docs/rtl.md) and is sampled, then an idle cycle, so that reads and writes
    /// never overlap whatever the design does with `host_rdata` afterwards.
    pub fn host_read(&mut self, addr: u32) -> u64 {
        let mut s = self.pin();
        s.as_mut().set_host_addr(addr);
        s.as_mut().set_host_re(true);
        s.as_mut().tick();
        s.as_mut().set_host_re(false);
        let data = s.as_mut().outputs().host_rdata;
        s.as_mut().tick();
        data
    }

    /// Drives `start` (held until changed; the contract wants a one-cycle pulse, see
    /// [`Rtl::start`]).
    pub fn set_start(&mut self, v: bool) {
        self.pin().set_start(v);
    }

    /// A one-cycle `start` pulse; returns the outputs after its edge (cycle 0 of the sample).
    pub fn start(&mut self) -> Outputs {
        self.pin().set_start(true);
        let out = self.tick();
        self.pin().set_start(false);
        out
    }

    /// Drives `dram_req_ready`: the channel accepts a request in this cycle.
    pub fn set_dram_req_ready(&mut self, v: bool) {
        self.pin().set_dram_req_ready(v);
    }

    /// Drives `dram_resp_valid`: a transaction completes in this cycle.
    pub fn set_dram_resp_valid(&mut self, v: bool) {
        self.pin().set_dram_resp_valid(v);
    }

    /// Drives `dram_resp_rdata`, word `i` = bits `[64i+63:64i]`; the array type fixes the
    /// width to the verilated `DRAM_WORDS`.
    pub fn set_dram_resp_rdata(&mut self, words: &[u64; DRAM_WORDS]) {
        self.pin().set_dram_resp_rdata(words);
    }

    /// Drives `dram_resp_rdata` of any model: word `i` = bits `[64i+63:64i]`, missing words
    /// zero, extra ones ignored.
    pub fn set_dram_resp_words(&mut self, words: &[u64]) {
        self.pin().set_dram_resp_rdata(words);
    }

    /// Every word of `dram_req_wdata` as it is now ([`RtlModel::dram_words`] of them).
    pub fn dram_req_wdata(&self) -> Vec<u64> {
        let shim = self.shim();
        let mut words = vec![0u64; shim.dram_words()];
        let n = shim.dram_req_wdata(&mut words);
        words.truncate(n);
        words
    }

    /// Settles combinational logic after input changes, without a clock edge, and returns
    /// the outputs.
    pub fn eval(&mut self) -> Outputs {
        self.pin().eval();
        self.outputs()
    }

    /// One full clock cycle; returns the outputs after its rising edge.
    pub fn tick(&mut self) -> Outputs {
        self.pin().tick();
        self.outputs()
    }

    /// The outputs as they are now (after the last evaluation).
    pub fn outputs(&self) -> Outputs {
        let shim = self.shim();
        let mut wdata = [0u64; DRAM_WORDS];
        shim.dram_req_wdata(&mut wdata);
        Outputs::from_ports(shim.outputs(), wdata)
    }

    /// Rising edges since construction (reset cycles included).
    pub fn cycle(&self) -> u64 {
        self.shim().cycles()
    }

    /// Simulated time in ns (2 per cycle, see the crate documentation).
    pub fn time_ns(&self) -> u64 {
        self.shim().time()
    }

    /// Width of the DRAM data ports in 64-bit words as the linked model has it; equals
    /// [`DRAM_WORDS`] unless the build is inconsistent (checked by the tests).
    pub fn dram_words(&self) -> usize {
        self.shim().dram_words()
    }

    /// Starts a VCD of the whole hierarchy at `path` from the next cycle on; full tracing
    /// costs ~200 bytes per cycle, so trace windows rather than whole runs.
    pub fn trace_open(&mut self, path: impl AsRef<Path>) -> Result<(), TraceError> {
        let path = path.as_ref();
        if self.is_tracing() {
            return Err(TraceError::AlreadyOpen);
        }
        let text = path
            .to_str()
            .ok_or_else(|| TraceError::NonUtf8Path(path.to_path_buf()))?;
        // Creating the file here gives an `io::Error` with a reason (and rejects NUL bytes,
        // which the C string would otherwise cut the name at); Verilator truncates it again.
        std::fs::File::create(path).map_err(|source| TraceError::Create {
            path: path.to_path_buf(),
            source,
        })?;
        self.pin().trace_open(text).map_err(|e| TraceError::Open {
            path: path.to_path_buf(),
            message: e.what().to_string(),
        })
    }

    /// Flushes and closes the VCD; does nothing when none is open.
    pub fn trace_close(&mut self) {
        self.pin().trace_close();
    }

    /// Whether a VCD is being written.
    pub fn is_tracing(&self) -> bool {
        self.shim().trace_is_open()
    }
}
