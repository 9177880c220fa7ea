//! The cxx bridge to `cpp/shim.h`: the only place in the crate with `unsafe` (the `extern
//! "C++"` block cxx requires it for). Everything here is crate-private; [`crate::Rtl`] is the
//! safe interface.

#![allow(unsafe_code)]

#[cxx::bridge(namespace = "fspinn")]
pub(crate) mod ffi {
    /// Every scalar output port of `fspinn_top`, as the shim reads it (widths as in
    /// docs/rtl.md; `dram_req_wdata` is read separately because its width is a parameter).
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    struct PortsOut {
        host_rdata: u64,
        busy: bool,
        done: bool,
        spike_valid: bool,
        spike_neuron: u16,
        spike_mask: u64,
        wupd_valid: bool,
        wupd_input: u16,
        wupd_neuron: u16,
        wupd_value: u16,
        obs_timestep: u16,
        obs_attempt: u8,
        obs_phase: u8,
        dram_req_valid: bool,
        dram_req_write: bool,
        dram_req_addr: u64,
        dram_req_bytes: u16,
    }

    unsafe extern "C++" {
        include!("shim.h");

        type Shim;

        fn new_shim() -> UniquePtr<Shim>;
        fn new_shim_large() -> UniquePtr<Shim>;

        fn set_rst(self: Pin<&mut Shim>, v: bool);
        fn set_host_we(self: Pin<&mut Shim>, v: bool);
        fn set_host_re(self: Pin<&mut Shim>, v: bool);
        fn set_host_addr(self: Pin<&mut Shim>, v: u32);
        fn set_host_wdata(self: Pin<&mut Shim>, v: u64);
        fn set_start(self: Pin<&mut Shim>, v: bool);
        fn set_dram_req_ready(self: Pin<&mut Shim>, v: bool);
        fn set_dram_resp_valid(self: Pin<&mut Shim>, v: bool);
        fn set_dram_resp_rdata(self: Pin<&mut Shim>, words: &[u64]);

        fn outputs(self: &Shim) -> PortsOut;
        fn dram_req_wdata(self: &Shim, out: &mut [u64]) -> usize;
        fn dram_words(self: &Shim) -> usize;

        fn eval(self: Pin<&mut Shim>);
        fn tick(self: Pin<&mut Shim>);
        fn cycles(self: &Shim) -> u64;
        fn time(self: &Shim) -> u64;

        fn trace_open(self: Pin<&mut Shim>, path: &str) -> Result<()>;
        fn trace_close(self: Pin<&mut Shim>);
        fn trace_is_open(self: &Shim) -> bool;
    }
}
