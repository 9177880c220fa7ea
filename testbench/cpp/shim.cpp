// See shim.h.
#include "shim.h"

#include <stdexcept>
#include <string>

#include "Vfspinn_large.h"
#include "Vfspinn_small.h"
#include "fspinn-testbench/src/bridge.rs.h"
#include "verilated.h"
#include "verilated_vcd_c.h"

namespace fspinn {
namespace {

constexpr int kTraceDepth = 99;

// Ports of 64 bits or fewer are a QData; wider ones a VlWide of 32-bit words, low word first.
template <std::size_t W>
void set_wide(VlWide<W>& port, const uint64_t* data, size_t n) {
    for (std::size_t i = 0; i < W; ++i) {
        const size_t word = i / 2;
        const uint64_t v = word < n ? data[word] : 0;
        port[i] = static_cast<EData>(i % 2 == 0 ? v : v >> 32);
    }
}
inline void set_wide(QData& port, const uint64_t* data, size_t n) { port = n > 0 ? data[0] : 0; }

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
inline size_t get_wide(const QData& port, uint64_t* out, size_t n) {
    if (n == 0) return 0;
    out[0] = port;
    return 1;
}

template <std::size_t W>
size_t words_of(const VlWide<W>&) { return (W + 1) / 2; }
inline size_t words_of(const QData&) { return 1; }

// The ports of the verilated class `M` (same port list whatever the prefix).
template <class M>
class ModelOf final : public Model {
public:
    explicit ModelOf(VerilatedContext* ctx) : m_(std::make_unique<M>(ctx, "TOP")) {}
    void set_clk(bool v) override { m_->clk = v; }
    void set_rst(bool v) override { m_->rst = v; }
    void set_host_we(bool v) override { m_->host_we = v; }
    void set_host_re(bool v) override { m_->host_re = v; }
    void set_host_addr(uint32_t v) override { m_->host_addr = v; }
    void set_host_wdata(uint64_t v) override { m_->host_wdata = v; }
    void set_start(bool v) override { m_->start = v; }
    void set_dram_req_ready(bool v) override { m_->dram_req_ready = v; }
    void set_dram_resp_valid(bool v) override { m_->dram_resp_valid = v; }
    void set_dram_resp_rdata(const uint64_t* words, size_t n) override {
        set_wide(m_->dram_resp_rdata, words, n);
    }
    PortsOut outputs() const override;
    size_t dram_req_wdata(uint64_t* out, size_t n) const override {
        return get_wide(m_->dram_req_wdata, out, n);
    }
    size_t dram_words() const override { return words_of(m_->dram_resp_rdata); }
    void eval() override { m_->eval(); }
    void trace(VerilatedVcdC* vcd, int depth) override { m_->trace(vcd, depth); }
    void final() override { m_->final(); }

private:
    std::unique_ptr<M> m_;
};

template <class M>
PortsOut ModelOf<M>::outputs() const {
    const M& m = *m_;
    PortsOut o{};
    o.host_rdata = m.host_rdata;
    o.busy = m.busy != 0;
    o.done = m.done != 0;
    o.spike_valid = m.spike_valid != 0;
    o.spike_neuron = m.spike_neuron;
    // PES <= 64: the mask is a plain integer port (a wider one would be a VlWide).
    o.spike_mask = static_cast<uint64_t>(m.spike_mask);
    o.wupd_valid = m.wupd_valid != 0;
    o.wupd_input = m.wupd_input;
    o.wupd_neuron = m.wupd_neuron;
    o.wupd_value = m.wupd_value;
    o.obs_timestep = m.obs_timestep;
    o.obs_attempt = m.obs_attempt;
    o.obs_phase = m.obs_phase;
    o.dram_req_valid = m.dram_req_valid != 0;
    o.dram_req_write = m.dram_req_write != 0;
    o.dram_req_addr = m.dram_req_addr;
    o.dram_req_bytes = m.dram_req_bytes;
    return o;
}

}  // namespace

Shim::Shim(bool large) : ctx_(std::make_unique<VerilatedContext>()) {
    ctx_->randReset(0);
    ctx_->traceEverOn(true);
    if (large) {
        model_ = std::make_unique<ModelOf<Vfspinn_large>>(ctx_.get());
    } else {
        model_ = std::make_unique<ModelOf<Vfspinn_small>>(ctx_.get());
    }
    model_->set_clk(false);
    model_->eval();
}

Shim::~Shim() {
    trace_close();
    if (model_) model_->final();
}

void Shim::set_rst(bool v) { model_->set_rst(v); }
void Shim::set_host_we(bool v) { model_->set_host_we(v); }
void Shim::set_host_re(bool v) { model_->set_host_re(v); }
void Shim::set_host_addr(uint32_t v) { model_->set_host_addr(v); }
void Shim::set_host_wdata(uint64_t v) { model_->set_host_wdata(v); }
void Shim::set_start(bool v) { model_->set_start(v); }
void Shim::set_dram_req_ready(bool v) { model_->set_dram_req_ready(v); }
void Shim::set_dram_resp_valid(bool v) { model_->set_dram_resp_valid(v); }
void Shim::set_dram_resp_rdata(rust::Slice<const uint64_t> words) {
    model_->set_dram_resp_rdata(words.data(), words.size());
}

PortsOut Shim::outputs() const { return model_->outputs(); }

size_t Shim::dram_req_wdata(rust::Slice<uint64_t> out) const {
    return model_->dram_req_wdata(out.data(), out.size());
}

size_t Shim::dram_words() const { return model_->dram_words(); }

void Shim::eval() { model_->eval(); }

void Shim::dump() {
    if (vcd_) vcd_->dump(ctx_->time());
}

void Shim::tick() {
    model_->set_clk(false);
    model_->eval();
    dump();
    ctx_->timeInc(1);
    model_->set_clk(true);
    model_->eval();
    dump();
    ctx_->timeInc(1);
    ++cycles_;
}

uint64_t Shim::cycles() const { return cycles_; }
uint64_t Shim::time() const { return ctx_->time(); }

void Shim::trace_open(rust::Str path) {
    if (vcd_) throw std::runtime_error("a VCD trace is already open");
    auto vcd = std::make_unique<VerilatedVcdC>();
    model_->trace(vcd.get(), kTraceDepth);
    const std::string name(path.data(), path.size());
    vcd->open(name.c_str());
    if (!vcd->isOpen()) throw std::runtime_error("cannot open VCD file " + name);
    vcd_ = std::move(vcd);
}

void Shim::trace_close() {
    if (vcd_) {
        vcd_->close();
        vcd_.reset();
    }
}

bool Shim::trace_is_open() const { return vcd_ != nullptr; }

std::unique_ptr<Shim> new_shim() { return std::make_unique<Shim>(false); }
std::unique_ptr<Shim> new_shim_large() { return std::make_unique<Shim>(true); }

}  // namespace fspinn
