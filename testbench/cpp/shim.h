// Narrow C++ wrapper around a verilated FSpiNN top (`Vfspinn_small`, weights on chip, or
// `Vfspinn_large`, weights in DRAM) and its VerilatedContext, so that the Rust side
// (src/bridge.rs, via cxx) sees one small class with plain integer setters and getters instead
// of Verilator's generated headers. The model is chosen at construction; both are linked in.
//
// Timescale: the model is verilated with `--timescale-override 1ns/1ns`; one clock period is
// 2 time units (2 ns in the VCD, not the chip's real period). `tick()` of clock cycle c (c =
// cycles() before the call) evaluates clk=0 at time 2c (inputs set since the last tick show
// up here) and the rising edge clk=1 at time 2c+1 (registers change here).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "rust/cxx.h"

class VerilatedContext;
class VerilatedVcdC;

namespace fspinn {

// Shared with Rust; defined by the cxx-generated header of src/bridge.rs.
struct PortsOut;

// The ports of one verilated model (implemented in shim.cpp for each prefix).
class Model {
public:
    virtual ~Model() = default;
    virtual void set_clk(bool v) = 0;
    virtual void set_rst(bool v) = 0;
    virtual void set_host_we(bool v) = 0;
    virtual void set_host_re(bool v) = 0;
    virtual void set_host_addr(uint32_t v) = 0;
    virtual void set_host_wdata(uint64_t v) = 0;
    virtual void set_start(bool v) = 0;
    virtual void set_dram_req_ready(bool v) = 0;
    virtual void set_dram_resp_valid(bool v) = 0;
    virtual void set_dram_resp_rdata(const uint64_t* words, size_t n) = 0;
    virtual PortsOut outputs() const = 0;
    virtual size_t dram_req_wdata(uint64_t* out, size_t n) const = 0;
    virtual size_t dram_words() const = 0;
    virtual void eval() = 0;
    virtual void trace(VerilatedVcdC* vcd, int depth) = 0;
    virtual void final() = 0;
};

class Shim {
public:
    // Deterministic: every variable starts at zero (randReset(0)); tracing is enabled on the
    // context before the model exists, so a VCD can be opened at any time later. `large`
    // selects `Vfspinn_large`, else `Vfspinn_small`.
    explicit Shim(bool large);
    ~Shim();
    Shim(const Shim&) = delete;
    Shim& operator=(const Shim&) = delete;

    // Inputs (docs/rtl.md); they take effect at the next eval()/tick().
    void set_rst(bool v);
    void set_host_we(bool v);
    void set_host_re(bool v);
    void set_host_addr(uint32_t v);
    void set_host_wdata(uint64_t v);
    void set_start(bool v);
    void set_dram_req_ready(bool v);
    void set_dram_resp_valid(bool v);
    // Word i of `words` is bits [64i+63:64i]; missing words are zero, extra ones ignored.
    void set_dram_resp_rdata(rust::Slice<const uint64_t> words);

    // Every scalar output port as it is now.
    PortsOut outputs() const;
    // `dram_req_wdata` into `out` (same word order); returns the number of words written.
    size_t dram_req_wdata(rust::Slice<uint64_t> out) const;
    // Width of the DRAM data ports in 64-bit words (the DRAM_WORDS the model was built with).
    size_t dram_words() const;

    // Settles combinational logic after input changes without a clock edge.
    void eval();
    // One full clock cycle (see the timescale note above), dumping both edges when tracing.
    void tick();
    uint64_t cycles() const;
    // Simulation time in time units (ns).
    uint64_t time() const;

    // Opens a VCD of the whole hierarchy (depth 99); throws when a trace is already open or
    // the file cannot be opened.
    void trace_open(rust::Str path);
    // Flushes and closes the VCD, if any.
    void trace_close();
    bool trace_is_open() const;

private:
    void dump();

    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<Model> model_;
    std::unique_ptr<VerilatedVcdC> vcd_;
    uint64_t cycles_ = 0;
};

std::unique_ptr<Shim> new_shim();
std::unique_ptr<Shim> new_shim_large();

}  // namespace fspinn
