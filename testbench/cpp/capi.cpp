// Narrow C ABI around one verilated FSpiNN top (`Vfspinn`, verilated with the `-G` parameters
// of one config and network) and its VerilatedContext. It is compiled with the model into a
// shared library per parameter set (testbench/src/builder.rs) and loaded at run time by
// testbench/src/bridge.rs; plain C types only, so no C++ crosses the boundary and the Rust
// side needs no C++ toolchain to build.
//
// Timescale: one clock cycle is FSPINN_HALF_PERIOD * 2 time units (the config's clock period,
// the unit set by --timescale-override). Cycle c is two halves: `low()` evaluates clk=0 at
// time c * period with the inputs the testbench set since the last edge (the combinational
// outputs of the cycle settle here), `rise()` the rising edge clk=1 at c * period + period / 2
// (registers change here); `tick()` is both. Time is counted from `time_origin`, which the
// testbench sets to the first cycle of a sample so the VCD starts at 0 there.
//
// Speed (docs/rtl.md, "Co-simulation speed"): every `eval()` of Verilator 5.006 evaluates the
// input-combinational region once, so a cycle is exactly two evaluations: the testbench sets
// the inputs of a cycle and calls `low()` (not a separate `eval()` and then `tick()`), and the
// outputs come back from the half-cycle call itself (`FspinnPortsOut`), not from extra calls.
//
// No half-cycle glitches from testbench inputs: the testbench sets the inputs of cycle c after
// that cycle's rising edge (as a synchronous device's outputs change just after the edge), so
// the edge's dump is deferred until the next low half (or the close): the model is settled
// with the new inputs and dumped at the edge's timestamp, and registers and inputs change
// together. Dumping the edge at once would show the new registers with the previous cycle's
// inputs for half a cycle (a write strobe computed from `dram_resp_valid`, say, pulsed for
// P/2).
//
// Built with or without tracing (VM_TRACE, from Verilator's `--trace`/`--trace-fst` or their
// absence): a model verilated without tracing keeps fewer signals in memory and runs faster;
// its trace calls fail with a message instead.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "Vfspinn.h"
#include "verilated.h"

// One trace format per build: `--trace` (VCD) or `--trace-fst` (FST, VM_TRACE_FST=1); the
// generated model's trace() takes only that format's writer. No tracing: no writer at all.
#if VM_TRACE && VM_TRACE_FST
#include "verilated_fst_c.h"
using Tracer = VerilatedFstC;
static constexpr uint32_t kTraceFormat = 1;
#elif VM_TRACE
#include "verilated_vcd_c.h"
using Tracer = VerilatedVcdC;
static constexpr uint32_t kTraceFormat = 0;
#else
// A stand-in with the calls the shim makes, never instantiated (trace_open refuses).
struct Tracer {
    void dump(uint64_t) {}
    void close() {}
};
static constexpr uint32_t kTraceFormat = 2;
#endif

#define FSPINN_API extern "C" __attribute__((visibility("default")))

// Bumped whenever a signature or the PortsOut layout changes (bridge.rs checks it).
static constexpr uint32_t kAbiVersion = 5;
// Words of `spike_mask` and `dram_req_wdata` copied into FspinnPortsOut (the first ones; the
// full-width readers below serve wider ports).
static constexpr size_t kMaskWords = 4;
static constexpr size_t kWdataWords = 2;
static constexpr int kTraceDepth = 99;

extern "C" {
// Mirrors `bridge::PortsOut` (#[repr(C)]).
struct FspinnPortsOut {
    uint64_t host_rdata;
    uint64_t dram_req_addr;
    uint8_t busy;
    uint8_t done;
    uint8_t spike_valid;
    uint8_t wupd_valid;
    uint8_t dram_req_valid;
    uint8_t dram_req_write;
    uint8_t obs_attempt;
    uint8_t obs_phase;
    uint16_t spike_neuron;
    uint16_t wupd_input;
    uint16_t wupd_neuron;
    uint16_t wupd_value;
    uint16_t obs_timestep;
    uint16_t dram_req_bytes;
    uint64_t spike_mask[kMaskWords];
    uint64_t dram_req_wdata[kWdataWords];
};
}

namespace {

// Ports of 64 bits or fewer are a CData/SData/IData/QData; wider ones a VlWide of 32-bit
// words, low word first.
template <std::size_t W>
void set_wide(VlWide<W>& port, const uint64_t* data, size_t n) {
    for (std::size_t i = 0; i < W; ++i) {
        const size_t word = i / 2;
        const uint64_t v = word < n ? data[word] : 0;
        port[i] = static_cast<EData>(i % 2 == 0 ? v : v >> 32);
    }
}
template <class T>
void set_wide(T& port, const uint64_t* data, size_t n) {
    port = static_cast<T>(n > 0 ? data[0] : 0);
}

template <std::size_t W>
size_t get_wide(const VlWide<W>& port, uint64_t* out, size_t n) {
    const size_t words = (W + 1) / 2;
    const size_t m = words < n ? words : n;
    for (size_t k = 0; k < m; ++k) {
        const uint64_t lo = port[2 * k];
        const uint64_t hi = 2 * k + 1 < W ? static_cast<uint64_t>(port[2 * k + 1]) : 0;
        out[k] = lo | (hi << 32);
    }
    return m;
}
template <class T>
size_t get_wide(const T& port, uint64_t* out, size_t n) {
    if (n == 0) return 0;
    out[0] = static_cast<uint64_t>(port);
    return 1;
}

template <std::size_t W>
size_t words_of(const VlWide<W>&) { return (W + 1) / 2; }
template <class T>
size_t words_of(const T&) { return 1; }

struct Instance {
    std::unique_ptr<VerilatedContext> ctx;
    std::unique_ptr<Vfspinn> top;
    std::unique_ptr<Tracer> vcd;
    // Full hierarchical names ("TOP.fspinn_top.busy") to trace; empty: everything.
    std::vector<std::string> scope;
    uint64_t cycles = 0;
    uint64_t half_period = 1;
    uint64_t origin = 0;  // time of cycle `origin_cycle` in the VCD: 0
    uint64_t origin_cycle = 0;
    // A rising edge whose dump waits for the inputs of its cycle (see the top of the file).
    bool edge_pending = false;
    uint64_t edge_time = 0;
    // The trace open at that edge (a trace opened after it starts with the next low half).
    const Tracer* edge_trace = nullptr;

    uint64_t vcd_time() const {
        const uint64_t t = ctx->time();
        const uint64_t o = origin_cycle * 2 * half_period;
        return t >= o ? t - o : 0;
    }
    uint64_t origin_time() const { return origin_cycle * 2 * half_period; }
    void dump() {
        if (vcd) vcd->dump(vcd_time());
    }
    // Dumps the deferred rising edge with the inputs set since, into the trace that was open
    // at the edge; an edge before the time origin is not written (time 0 is written by the
    // next cycle's low half).
    void flush_edge() {
        if (!edge_pending) return;
        edge_pending = false;
        if (!vcd || vcd.get() != edge_trace || edge_time < origin_time()) return;
        top->eval();
        vcd->dump(edge_time - origin_time());
    }
};

Instance* inst(void* p) { return static_cast<Instance*>(p); }
const Instance* inst(const void* p) { return static_cast<const Instance*>(p); }

}  // namespace

FSPINN_API uint32_t fspinn_rtl_abi_version() { return kAbiVersion; }

// Deterministic: every variable starts at zero (randReset(0)); tracing is enabled on the
// context before the model exists, so a VCD can be opened at any time later. `half_period`:
// time units per half clock cycle.
FSPINN_API void* fspinn_rtl_new(uint64_t half_period) {
    auto* i = new Instance();
    i->ctx = std::make_unique<VerilatedContext>();
    i->ctx->randReset(0);
#if VM_TRACE
    i->ctx->traceEverOn(true);
#endif
    i->top = std::make_unique<Vfspinn>(i->ctx.get(), "TOP");
    i->half_period = half_period > 0 ? half_period : 1;
    i->top->clk = 0;
    i->top->eval();
    return i;
}

FSPINN_API void fspinn_rtl_free(void* p) {
    Instance* i = inst(p);
    if (!i) return;
    if (i->vcd) {
        i->flush_edge();
        i->vcd->close();
    }
    i->vcd.reset();
    i->top->final();
    delete i;
}

// Scalar inputs, numbered as `bridge::Input`.
FSPINN_API void fspinn_rtl_set(void* p, uint32_t port, uint64_t v) {
    Vfspinn& m = *inst(p)->top;
    switch (port) {
        case 0: m.rst = v != 0; break;
        case 1: m.host_we = v != 0; break;
        case 2: m.host_re = v != 0; break;
        case 3: m.host_addr = static_cast<uint32_t>(v); break;
        case 4: m.host_wdata = v; break;
        case 5: m.start = v != 0; break;
        case 6: m.dram_req_ready = v != 0; break;
        case 7: m.dram_resp_valid = v != 0; break;
        default: break;
    }
}

// Word i of `words` is bits [64i+63:64i]; missing words are zero, extra ones ignored.
FSPINN_API void fspinn_rtl_set_dram_resp_rdata(void* p, const uint64_t* words, size_t n) {
    set_wide(inst(p)->top->dram_resp_rdata, words, n);
}

namespace {
void read_outputs(const Vfspinn& m, FspinnPortsOut* o) {
    o->host_rdata = m.host_rdata;
    o->dram_req_addr = m.dram_req_addr;
    o->busy = m.busy;
    o->done = m.done;
    o->spike_valid = m.spike_valid;
    o->wupd_valid = m.wupd_valid;
    o->dram_req_valid = m.dram_req_valid;
    o->dram_req_write = m.dram_req_write;
    o->obs_attempt = m.obs_attempt;
    o->obs_phase = m.obs_phase;
    o->spike_neuron = m.spike_neuron;
    o->wupd_input = m.wupd_input;
    o->wupd_neuron = m.wupd_neuron;
    o->wupd_value = m.wupd_value;
    o->obs_timestep = m.obs_timestep;
    o->dram_req_bytes = m.dram_req_bytes;
    std::memset(o->spike_mask, 0, sizeof o->spike_mask);
    get_wide(m.spike_mask, o->spike_mask, kMaskWords);
    std::memset(o->dram_req_wdata, 0, sizeof o->dram_req_wdata);
    get_wide(m.dram_req_wdata, o->dram_req_wdata, kWdataWords);
}
}  // namespace

FSPINN_API void fspinn_rtl_outputs(const void* p, FspinnPortsOut* o) {
    read_outputs(*inst(p)->top, o);
}

FSPINN_API size_t fspinn_rtl_dram_req_wdata(const void* p, uint64_t* out, size_t n) {
    return get_wide(inst(p)->top->dram_req_wdata, out, n);
}

// Observation port `which` (numbered as `bridge::Obs`: 0..4 the weight banks' re, we, raddr,
// waddr, wdata; 5..9 the neuron banks' ones) into `out`, 64 bits a word; returns the words
// written (0 for an unknown port).
FSPINN_API size_t fspinn_rtl_obs(const void* p, uint32_t which, uint64_t* out, size_t n) {
    const Vfspinn& m = *inst(p)->top;
    switch (which) {
        case 0: return get_wide(m.obs_wbank_re, out, n);
        case 1: return get_wide(m.obs_wbank_we, out, n);
        case 2: return get_wide(m.obs_wbank_raddr, out, n);
        case 3: return get_wide(m.obs_wbank_waddr, out, n);
        case 4: return get_wide(m.obs_wbank_wdata, out, n);
        case 5: return get_wide(m.obs_nbank_re, out, n);
        case 6: return get_wide(m.obs_nbank_we, out, n);
        case 7: return get_wide(m.obs_nbank_raddr, out, n);
        case 8: return get_wide(m.obs_nbank_waddr, out, n);
        case 9: return get_wide(m.obs_nbank_wdata, out, n);
        default: return 0;
    }
}

// Width of the DRAM data ports in 64-bit words (DRAM_WORDS).
FSPINN_API size_t fspinn_rtl_dram_words(const void* p) {
    return words_of(inst(p)->top->dram_resp_rdata);
}

// Settles combinational logic after input changes without a clock edge.
FSPINN_API void fspinn_rtl_eval(void* p) { inst(p)->top->eval(); }

// The low half of the current cycle (see the timescale note above): settles the inputs set
// since the last edge with clk=0 and dumps it when tracing (a pending edge first). Writes the
// outputs to `o` unless it is null.
FSPINN_API void fspinn_rtl_low(void* p, FspinnPortsOut* o) {
    Instance* i = inst(p);
    i->flush_edge();
    i->top->clk = 0;
    i->top->eval();
    i->dump();
    i->ctx->timeInc(i->half_period);
    if (o) read_outputs(*i->top, o);
}

// The rising edge ending the current cycle; its dump waits for the next low half or the
// close. Writes the outputs after the edge to `o` unless it is null.
FSPINN_API void fspinn_rtl_rise(void* p, FspinnPortsOut* o) {
    Instance* i = inst(p);
    i->top->clk = 1;
    i->top->eval();
    i->edge_pending = true;
    i->edge_time = i->ctx->time();
    i->edge_trace = i->vcd.get();
    i->ctx->timeInc(i->half_period);
    ++i->cycles;
    if (o) read_outputs(*i->top, o);
}

// One full clock cycle: the low half, then the rising edge.
FSPINN_API void fspinn_rtl_tick(void* p, FspinnPortsOut* o) {
    fspinn_rtl_low(p, nullptr);
    fspinn_rtl_rise(p, o);
}

FSPINN_API uint64_t fspinn_rtl_cycles(const void* p) { return inst(p)->cycles; }
FSPINN_API uint64_t fspinn_rtl_time(const void* p) { return inst(p)->ctx->time(); }

// The cycle whose clock-low half is time 0 in the VCD (the first cycle of a sample).
FSPINN_API void fspinn_rtl_set_time_origin(void* p, uint64_t cycle) {
    inst(p)->origin_cycle = cycle;
}

// 0: this build writes VCD, 1: FST, 2: it was built without tracing.
FSPINN_API uint32_t fspinn_rtl_trace_format() { return kTraceFormat; }

// Adds one full hierarchical name (a signal, or a scope: everything under it) to trace;
// Verilator's dumpvars matches whole name components, so the testbench expands a glob into
// names first. Applies to the next open.
FSPINN_API void fspinn_rtl_trace_scope_add(void* p, const char* name) {
    inst(p)->scope.emplace_back(name);
}
FSPINN_API void fspinn_rtl_trace_scope_clear(void* p) { inst(p)->scope.clear(); }

namespace {
int fail_with(char* err, size_t err_len, const std::string& msg) {
    if (err && err_len > 0) {
        std::strncpy(err, msg.c_str(), err_len - 1);
        err[err_len - 1] = 0;
    }
    return -1;
}

#if VM_TRACE
// A writer for the hierarchy, with the scope applied (dumpvars before open).
std::unique_ptr<Tracer> new_tracer(Instance* i, bool scoped) {
    auto t = std::make_unique<Tracer>();
    i->top->trace(t.get(), kTraceDepth);
    if (scoped)
        for (const auto& name : i->scope) t->dumpvars(kTraceDepth, name);
    return t;
}
#endif

// Bridge.rs turns this message into its typed error (TraceError::Untraced) by the format code
// 2; the text is for a direct caller of the C ABI.
constexpr const char* kUntraced = "this model was built without tracing";
}  // namespace

// Opens a trace of the hierarchy (or of the scope's signals); 0 on success, else -1 with a
// message in `err`.
FSPINN_API int fspinn_rtl_trace_open(void* p, const char* path, char* err, size_t err_len) {
    Instance* i = inst(p);
    if (i->vcd) return fail_with(err, err_len, "a trace is already open");
#if !VM_TRACE
    (void)path;
    return fail_with(err, err_len, kUntraced);
#else
    try {
        auto t = new_tracer(i, true);
        t->open(path);
        if (!t->isOpen()) return fail_with(err, err_len, std::string("cannot open ") + path);
        i->vcd = std::move(t);
    } catch (const std::exception& e) {
        return fail_with(err, err_len, e.what());
    }
    return 0;
#endif
}

// Writes the header of a trace of the whole hierarchy (no values) to `path` and closes it:
// the names a scope pattern is matched against. Leaves an open trace alone.
FSPINN_API int fspinn_rtl_trace_probe(void* p, const char* path, char* err, size_t err_len) {
    Instance* i = inst(p);
#if !VM_TRACE
    (void)i;
    (void)path;
    return fail_with(err, err_len, kUntraced);
#else
    try {
        auto t = new_tracer(i, false);
        t->open(path);
        if (!t->isOpen()) return fail_with(err, err_len, std::string("cannot open ") + path);
        t->dump(0);
        t->close();
    } catch (const std::exception& e) {
        return fail_with(err, err_len, e.what());
    }
    return 0;
#endif
}

// Flushes and closes the VCD, if any.
FSPINN_API void fspinn_rtl_trace_close(void* p) {
    Instance* i = inst(p);
    if (i->vcd) {
        i->flush_edge();
        i->vcd->close();
        i->vcd.reset();
    }
}

FSPINN_API int fspinn_rtl_trace_is_open(const void* p) { return inst(p)->vcd != nullptr; }
