//! The only place in the crate with `unsafe`: loading a verilated model's shared library (built
//! by [`crate::builder`], C ABI in `cpp/capi.cpp`) with `libloading`, calling into it, and the
//! advisory file lock of the model cache. Everything here is crate-private; [`crate::Rtl`] is
//! the safe interface.

#![allow(unsafe_code)]

use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_void, CString};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// ABI version `cpp/capi.cpp` exports; a library of another version is rebuilt.
pub(crate) const ABI_VERSION: u32 = 5;

/// Words of `spike_mask` in [`PortsOut`] (`kMaskWords` in `cpp/capi.cpp`).
pub(crate) const MASK_WORDS: usize = 4;
/// Words of `dram_req_wdata` in [`PortsOut`] (`kWdataWords` in `cpp/capi.cpp`).
pub(crate) const WDATA_WORDS: usize = 2;

/// Every scalar output port of `fspinn_top` (mirrors `FspinnPortsOut` in `cpp/capi.cpp`).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct PortsOut {
    pub host_rdata: u64,
    pub dram_req_addr: u64,
    pub busy: u8,
    pub done: u8,
    pub spike_valid: u8,
    pub wupd_valid: u8,
    pub dram_req_valid: u8,
    pub dram_req_write: u8,
    pub obs_attempt: u8,
    pub obs_phase: u8,
    pub spike_neuron: u16,
    pub wupd_input: u16,
    pub wupd_neuron: u16,
    pub wupd_value: u16,
    pub obs_timestep: u16,
    pub dram_req_bytes: u16,
    /// The first [`MASK_WORDS`] words of `spike_mask`.
    pub spike_mask: [u64; MASK_WORDS],
    /// The first [`WDATA_WORDS`] words of `dram_req_wdata`.
    pub dram_req_wdata: [u64; WDATA_WORDS],
}

/// What a model library can trace, from `fspinn_rtl_trace_format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TraceKind {
    Vcd,
    Fst,
    /// Built without tracing.
    None,
}

/// Scalar inputs, numbered as `fspinn_rtl_set` in `cpp/capi.cpp`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Input {
    Rst = 0,
    HostWe = 1,
    HostRe = 2,
    HostAddr = 3,
    HostWdata = 4,
    Start = 5,
    DramReqReady = 6,
    DramRespValid = 7,
}

/// Observation ports of the SRAM banks, numbered as `fspinn_rtl_obs` in `cpp/capi.cpp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Obs {
    WbankRe = 0,
    WbankWe = 1,
    WbankRaddr = 2,
    WbankWaddr = 3,
    WbankWdata = 4,
    NbankRe = 5,
    NbankWe = 6,
    NbankRaddr = 7,
    NbankWaddr = 8,
    NbankWdata = 9,
}

type Ptr = *mut c_void;
type CPtr = *const c_void;

/// The functions of one loaded library (copied out of their symbols; valid while `_lib` is).
struct Api {
    new: unsafe extern "C" fn(u64) -> Ptr,
    free: unsafe extern "C" fn(Ptr),
    set: unsafe extern "C" fn(Ptr, u32, u64),
    set_dram_resp_rdata: unsafe extern "C" fn(Ptr, *const u64, usize),
    outputs: unsafe extern "C" fn(CPtr, *mut PortsOut),
    dram_req_wdata: unsafe extern "C" fn(CPtr, *mut u64, usize) -> usize,
    dram_words: unsafe extern "C" fn(CPtr) -> usize,
    obs: unsafe extern "C" fn(CPtr, u32, *mut u64, usize) -> usize,
    eval: unsafe extern "C" fn(Ptr),
    low: unsafe extern "C" fn(Ptr, *mut PortsOut),
    rise: unsafe extern "C" fn(Ptr, *mut PortsOut),
    tick: unsafe extern "C" fn(Ptr, *mut PortsOut),
    cycles: unsafe extern "C" fn(CPtr) -> u64,
    time: unsafe extern "C" fn(CPtr) -> u64,
    set_time_origin: unsafe extern "C" fn(Ptr, u64),
    trace_open: unsafe extern "C" fn(Ptr, *const c_char, *mut c_char, usize) -> c_int,
    trace_close: unsafe extern "C" fn(Ptr),
    trace_is_open: unsafe extern "C" fn(CPtr) -> c_int,
    trace_format: unsafe extern "C" fn() -> u32,
    trace_scope_add: unsafe extern "C" fn(Ptr, *const c_char),
    trace_scope_clear: unsafe extern "C" fn(Ptr),
    trace_probe: unsafe extern "C" fn(Ptr, *const c_char, *mut c_char, usize) -> c_int,
    _lib: libloading::Library,
}

/// A loaded model library, shared by every instance made from it.
pub(crate) struct Library {
    api: Api,
    path: PathBuf,
}

impl std::fmt::Debug for Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Library").field("path", &self.path).finish()
    }
}

/// Libraries stay loaded for the life of the process (unloading Verilator's runtime, which
/// keeps thread-local and static state, is not safe), one per path.
fn loaded() -> &'static Mutex<HashMap<PathBuf, Arc<Library>>> {
    static LOADED: OnceLock<Mutex<HashMap<PathBuf, Arc<Library>>>> = OnceLock::new();
    LOADED.get_or_init(|| Mutex::new(HashMap::new()))
}

impl Library {
    /// Loads the library at `path` (once per process) and checks its ABI version.
    pub(crate) fn load(path: &Path) -> Result<Arc<Library>, String> {
        let mut map = loaded().lock().unwrap_or_else(|e| e.into_inner());
        if let Some(lib) = map.get(path) {
            return Ok(lib.clone());
        }
        // SAFETY: the library is one this crate built from `cpp/capi.cpp` (its cache entry was
        // checked against its checksum); its initialisers are Verilator's and the C++ runtime's.
        let lib = unsafe { libloading::Library::new(path) }
            .map_err(|e| format!("loading {}: {e}", path.display()))?;
        macro_rules! sym {
            ($name:literal) => {
                // SAFETY: the signature is the one `cpp/capi.cpp` defines for this name (the
                // ABI version below guards against an older library).
                *unsafe { lib.get(concat!($name, "\0").as_bytes()) }
                    .map_err(|e| format!("{}: symbol {}: {e}", path.display(), $name))?
            };
        }
        let version: unsafe extern "C" fn() -> u32 = sym!("fspinn_rtl_abi_version");
        // SAFETY: no arguments, returns a constant.
        let v = unsafe { version() };
        if v != ABI_VERSION {
            return Err(format!(
                "{}: C ABI version {v}, this build expects {ABI_VERSION}",
                path.display()
            ));
        }
        let api = Api {
            new: sym!("fspinn_rtl_new"),
            free: sym!("fspinn_rtl_free"),
            set: sym!("fspinn_rtl_set"),
            set_dram_resp_rdata: sym!("fspinn_rtl_set_dram_resp_rdata"),
            outputs: sym!("fspinn_rtl_outputs"),
            dram_req_wdata: sym!("fspinn_rtl_dram_req_wdata"),
            dram_words: sym!("fspinn_rtl_dram_words"),
            obs: sym!("fspinn_rtl_obs"),
            eval: sym!("fspinn_rtl_eval"),
            low: sym!("fspinn_rtl_low"),
            rise: sym!("fspinn_rtl_rise"),
            tick: sym!("fspinn_rtl_tick"),
            cycles: sym!("fspinn_rtl_cycles"),
            time: sym!("fspinn_rtl_time"),
            set_time_origin: sym!("fspinn_rtl_set_time_origin"),
            trace_open: sym!("fspinn_rtl_trace_open"),
            trace_close: sym!("fspinn_rtl_trace_close"),
            trace_is_open: sym!("fspinn_rtl_trace_is_open"),
            trace_format: sym!("fspinn_rtl_trace_format"),
            trace_scope_add: sym!("fspinn_rtl_trace_scope_add"),
            trace_scope_clear: sym!("fspinn_rtl_trace_scope_clear"),
            trace_probe: sym!("fspinn_rtl_trace_probe"),
            _lib: lib,
        };
        let lib = Arc::new(Library {
            api,
            path: path.to_path_buf(),
        });
        map.insert(path.to_path_buf(), lib.clone());
        Ok(lib)
    }

    /// Writes the execution counts of an instrumented library (the first stage of a
    /// profile-guided build) to its profile folder; false for an ordinary library, which has
    /// no such function (`cpp/profile.cpp`, linked into that stage only).
    pub(crate) fn profile_dump(&self) -> bool {
        // SAFETY: `fspinn_rtl_profile_dump` takes nothing and returns an int
        // (`cpp/profile.cpp`); gcov's writer runs on the counters of this library only.
        let dump = unsafe {
            self.api
                ._lib
                .get::<unsafe extern "C" fn() -> c_int>(b"fspinn_rtl_profile_dump\0")
        };
        // SAFETY: as above.
        dump.is_ok_and(|f| unsafe { f() } != 0)
    }
}

/// One instance of the verilated top. Not `Send` (the raw pointer): a Verilated model must be
/// evaluated by the thread that built it.
pub(crate) struct Model {
    lib: Arc<Library>,
    ptr: Ptr,
}

impl Drop for Model {
    fn drop(&mut self) {
        // SAFETY: `ptr` came from this library's `fspinn_rtl_new` and is freed once.
        unsafe { (self.lib.api.free)(self.ptr) }
    }
}

// Every method below: SAFETY: `ptr` is a live instance of `lib` (created in `new`, freed only
// in `drop`), buffers are passed with their true lengths, and the C side copies what it keeps.
impl Model {
    /// A new instance at time 0, every variable zero; `half_period` time units per half cycle.
    pub(crate) fn new(lib: Arc<Library>, half_period: u64) -> Self {
        let ptr = unsafe { (lib.api.new)(half_period) };
        assert!(!ptr.is_null(), "fspinn_rtl_new returned null");
        Model { lib, ptr }
    }
    pub(crate) fn set(&mut self, port: Input, v: u64) {
        unsafe { (self.lib.api.set)(self.ptr, port as u32, v) }
    }
    pub(crate) fn set_dram_resp_rdata(&mut self, words: &[u64]) {
        unsafe { (self.lib.api.set_dram_resp_rdata)(self.ptr, words.as_ptr(), words.len()) }
    }
    pub(crate) fn outputs(&self) -> PortsOut {
        let mut o = PortsOut::default();
        unsafe { (self.lib.api.outputs)(self.ptr, &mut o) };
        o
    }
    pub(crate) fn dram_req_wdata(&self, out: &mut [u64]) -> usize {
        unsafe { (self.lib.api.dram_req_wdata)(self.ptr, out.as_mut_ptr(), out.len()) }
    }
    pub(crate) fn dram_words(&self) -> usize {
        unsafe { (self.lib.api.dram_words)(self.ptr) }
    }
    /// Observation port `which` into `out` (64 bits a word); returns the words written.
    pub(crate) fn obs(&self, which: Obs, out: &mut [u64]) -> usize {
        unsafe { (self.lib.api.obs)(self.ptr, which as u32, out.as_mut_ptr(), out.len()) }
    }
    pub(crate) fn eval(&mut self) {
        unsafe { (self.lib.api.eval)(self.ptr) }
    }
    /// One clock cycle, without reading the outputs.
    pub(crate) fn tick(&mut self) {
        unsafe { (self.lib.api.tick)(self.ptr, std::ptr::null_mut()) }
    }
    /// One clock cycle; the outputs after its rising edge.
    pub(crate) fn tick_out(&mut self) -> PortsOut {
        let mut o = PortsOut::default();
        unsafe { (self.lib.api.tick)(self.ptr, &mut o) };
        o
    }
    /// The low half of the current cycle with the inputs set since the last edge; the
    /// outputs it settles to.
    pub(crate) fn low(&mut self) -> PortsOut {
        let mut o = PortsOut::default();
        unsafe { (self.lib.api.low)(self.ptr, &mut o) };
        o
    }
    /// The rising edge ending the current cycle; the outputs after it.
    pub(crate) fn rise(&mut self) -> PortsOut {
        let mut o = PortsOut::default();
        unsafe { (self.lib.api.rise)(self.ptr, &mut o) };
        o
    }
    pub(crate) fn cycles(&self) -> u64 {
        unsafe { (self.lib.api.cycles)(self.ptr) }
    }
    pub(crate) fn time(&self) -> u64 {
        unsafe { (self.lib.api.time)(self.ptr) }
    }
    pub(crate) fn set_time_origin(&mut self, cycle: u64) {
        unsafe { (self.lib.api.set_time_origin)(self.ptr, cycle) }
    }
    /// Opens a trace at `path` (valid UTF-8 without NUL, checked by the caller).
    pub(crate) fn trace_open(&mut self, path: &str) -> Result<(), String> {
        self.call_with_path(self.lib.api.trace_open, path)
    }
    /// Writes the header of a trace of every signal to `path` and closes it.
    pub(crate) fn trace_probe(&mut self, path: &str) -> Result<(), String> {
        self.call_with_path(self.lib.api.trace_probe, path)
    }
    /// What the library traces.
    pub(crate) fn trace_kind(&self) -> TraceKind {
        match unsafe { (self.lib.api.trace_format)() } {
            0 => TraceKind::Vcd,
            1 => TraceKind::Fst,
            _ => TraceKind::None,
        }
    }
    /// The signals the next trace holds: these full names, or every signal when empty.
    pub(crate) fn set_trace_scope(&mut self, names: &[String]) -> Result<(), String> {
        unsafe { (self.lib.api.trace_scope_clear)(self.ptr) };
        for n in names {
            let c = CString::new(n.as_str()).map_err(|_| format!("{n:?} contains a NUL byte"))?;
            unsafe { (self.lib.api.trace_scope_add)(self.ptr, c.as_ptr()) };
        }
        Ok(())
    }
    fn call_with_path(
        &mut self,
        f: unsafe extern "C" fn(Ptr, *const c_char, *mut c_char, usize) -> c_int,
        path: &str,
    ) -> Result<(), String> {
        let c = CString::new(path).map_err(|_| format!("{path:?} contains a NUL byte"))?;
        let mut err = [0 as c_char; 512];
        let rc = unsafe { f(self.ptr, c.as_ptr(), err.as_mut_ptr(), err.len()) };
        if rc == 0 {
            return Ok(());
        }
        let bytes: Vec<u8> = err
            .iter()
            .take_while(|&&b| b != 0)
            .map(|&b| b as u8)
            .collect();
        Err(String::from_utf8_lossy(&bytes).into_owned())
    }
    pub(crate) fn trace_close(&mut self) {
        unsafe { (self.lib.api.trace_close)(self.ptr) }
    }
    pub(crate) fn trace_is_open(&self) -> bool {
        unsafe { (self.lib.api.trace_is_open)(self.ptr) != 0 }
    }
}

/// An exclusive advisory lock on `file` (`flock`), released when the file is closed.
pub(crate) fn lock_exclusive(file: &File) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    loop {
        // SAFETY: `flock` on a file descriptor this process owns; no memory is passed.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) };
        if rc == 0 {
            return Ok(());
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}
