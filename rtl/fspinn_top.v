// fspinn_top: the FSpiNN accelerator (docs/architecture.md), cycle for cycle the L2 model of
// sim/src/accel.rs in its FSpiNN mode (direct inhibition, post-only STDP, per-step updates)
// with the weights on chip (WEIGHTS_ON_CHIP = 1, the banks) or in DRAM (WEIGHTS_ON_CHIP = 0,
// the DRAM port: one transaction at a time, sim/src/weight_port.rs). Ports and host address
// map: docs/rtl.md.
//
// On chip, a chunk of WPC words is read (and written) in CPC = ceil(WPC / WBANKS) cycles,
// word q from bank q % WBANKS at address chunk * CPC + q / WBANKS (sim/src/layout.rs). This
// version requires WLAT >= 1, NLAT >= 1, and off chip a DRAM whose transactions take at least
// NLAT cycles; the cycle model covers the other shapes.
`default_nettype none

module fspinn_top #(
    parameter integer PES             = 16,
    parameter integer NEURONS_PER_PE  = 25,
    parameter integer INPUTS          = 784,
    parameter integer LANES           = 16,
    parameter integer WBANKS          = 2,
    parameter integer WWORD_BITS      = 64,
    parameter integer WDEPTH          = 19600,
    parameter integer WLAT            = 1,
    parameter integer NWORD_BITS      = 48,
    parameter integer NDEPTH          = 32,
    parameter integer NLAT            = 1,
    parameter integer WEIGHT_BITS     = 8,
    parameter integer STEP_BITS       = 9,
    parameter integer COUNT_BITS      = 6,
    parameter integer DRAM_WORDS      = 2,
    parameter integer WEIGHTS_ON_CHIP = 1,
    parameter integer ATTEMPTS        = 16
) (
    input  wire                    clk,
    input  wire                    rst,
    input  wire                    host_we,
    input  wire                    host_re,
    input  wire [31:0]             host_addr,
    input  wire [63:0]             host_wdata,
    output reg  [63:0]             host_rdata,
    input  wire                    start,
    output wire                    busy,
    output wire                    done,
    output wire                    spike_valid,
    output wire [15:0]             spike_neuron,
    output wire [PES-1:0]          spike_mask,
    output wire                    wupd_valid,
    output wire [15:0]             wupd_input,
    output wire [15:0]             wupd_neuron,
    output wire [15:0]             wupd_value,
    output wire [15:0]             obs_timestep,
    output wire [7:0]              obs_attempt,
    output wire [4:0]              obs_phase,
    output wire                    dram_req_valid,
    output wire                    dram_req_write,
    output wire [39:0]             dram_req_addr,
    output wire [15:0]             dram_req_bytes,
    output wire [64*DRAM_WORDS-1:0] dram_req_wdata,
    input  wire                    dram_req_ready,
    input  wire                    dram_resp_valid,
    input  wire [64*DRAM_WORDS-1:0] dram_resp_rdata,
    // Observation ports for the lock-step testbench (docs/rtl.md, "Lock step"): the
    // controller's drive of every SRAM bank's ports in the cycle, bank b in bit b (enables) or
    // field b (addresses, data); host accesses (only while busy is low) are not included, so
    // the ports do not depend on the host inputs. Plain wires, no logic: a synthesis flow may
    // leave them unconnected.
    output wire [WBANKS-1:0]                              obs_wbank_re,
    output wire [WBANKS-1:0]                              obs_wbank_we,
    output wire [WBANKS*((WDEPTH > 1) ? $clog2(WDEPTH) : 1)-1:0] obs_wbank_raddr,
    output wire [WBANKS*((WDEPTH > 1) ? $clog2(WDEPTH) : 1)-1:0] obs_wbank_waddr,
    output wire [WBANKS*WWORD_BITS-1:0]                   obs_wbank_wdata,
    output wire [PES-1:0]                                 obs_nbank_re,
    output wire [PES-1:0]                                 obs_nbank_we,
    output wire [PES*((NDEPTH > 1) ? $clog2(NDEPTH) : 1)-1:0] obs_nbank_raddr,
    output wire [PES*((NDEPTH > 1) ? $clog2(NDEPTH) : 1)-1:0] obs_nbank_waddr,
    output wire [PES*NWORD_BITS-1:0]                      obs_nbank_wdata
);
    // Phase codes, host address map, register indices, neuron-word fields, divider latency:
    // generated from sim/src/rtl_consts/ (docs/rtl.md, "Shared constants").
    `include "fspinn_consts.vh"

    // ---------------------------------------------------------------- derived sizes
    localparam integer NMAX      = PES * NEURONS_PER_PE;
    localparam integer PER_WORD  = WWORD_BITS / WEIGHT_BITS;
    localparam integer WPC       = (PES + PER_WORD - 1) / PER_WORD;  // words per chunk
    localparam integer CPC       = (WPC + WBANKS - 1) / WBANKS;      // cycles per chunk (on chip)
    localparam integer ROWS      = (INPUTS + LANES - 1) / LANES;
    localparam integer RBITS     = (ROWS > 1) ? $clog2(ROWS) : 1;
    localparam integer WABITS    = (WDEPTH > 1) ? $clog2(WDEPTH) : 1;
    localparam integer NABITS    = (NDEPTH > 1) ? $clog2(NDEPTH) : 1;

    // ---------------------------------------------------------------- limits
    // Checked at elaboration (and before building, in sim/src/rtl_params.rs): a shape beyond
    // them instantiates a module that does not exist, whose name says which limit failed.
    generate
        if (PES < 1 || PES > (1 << HA_NBANK_BITS)) begin : g_limit_pes
            fspinn_unsupported_PES_must_be_1_to_256 u_limit ();
        end
        if (WBANKS < 1 || WBANKS > (1 << HA_WBANK_BITS)) begin : g_limit_wbanks
            fspinn_unsupported_WBANKS_must_be_1_to_16 u_limit ();
        end
        if (WWORD_BITS > 64) begin : g_limit_wword
            fspinn_unsupported_WWORD_BITS_above_64 u_limit ();
        end
        if (ATTEMPTS < 1 || ATTEMPTS > 255) begin : g_limit_attempts
            fspinn_unsupported_ATTEMPTS_must_be_1_to_255 u_limit ();
        end
        if (WEIGHT_BITS < 1 || WEIGHT_BITS > 16) begin : g_limit_wbits
            fspinn_unsupported_WEIGHT_BITS_must_be_1_to_16 u_limit ();
        end
        // The controller moves on with the dividers' handshake (`last`), which comes one
        // cycle per dividend bit (40) after the start: the table's latency must be that.
        if (DIV_CYCLES != 40) begin : g_limit_div
            fspinn_unsupported_DIV_CYCLES_must_be_the_dividers_40 u_limit ();
        end
        // The fired-neuron walk reads the next group's row while a neuron's INPUTS synapses
        // are accepted: at least two cycles per neuron.
        if (INPUTS < 2) begin : g_limit_inputs
            fspinn_unsupported_INPUTS_below_2 u_limit ();
        end
        if (NWORD_BITS < COUNT_LSB + COUNT_BITS) begin : g_limit_nword
            fspinn_unsupported_NWORD_BITS_below_36_plus_COUNT_BITS u_limit ();
        end
    endgenerate

    // ---------------------------------------------------------------- network registers
    reg [15:0] r_n, r_steps;
    reg [4:0]  r_leak_shift;
    reg signed [15:0] r_v_thresh;
    reg [15:0] r_theta_plus;
    reg [3:0]  r_refr_start;
    reg signed [5:0] r_w_to_v;
    reg [15:0] r_trace_max;
    reg [4:0]  r_trace_bits;
    reg [15:0] r_half_life;
    reg [15:0] r_x_tar;
    reg [31:0] r_eta;
    reg [39:0] r_norm_target;
    reg [5:0]  r_theta_decay;
    reg signed [15:0] r_inhibition;
    reg [15:0] r_min_spikes, r_max_attempts, r_target;
    reg [2:0]  r_flags;
    reg [31:0] r_seed;
    reg        r_train;
    reg signed [15:0] r_v_max;
    reg [15:0] r_w_max;

    // ---------------------------------------------------------------- controller state
    reg [PHASE_BITS-1:0] phase;
    reg [31:0] k;          // cycle within the pass (or within the group)
    reg [31:0] grp;        // neuron group
    reg [31:0] t;          // time step
    reg [7:0]  attempt;
    // The rate of the attempt running (ATTEMPTS entries; the controller never goes past
    // r_max_attempts - 1, which the host keeps below ATTEMPTS).
    localparam integer ABITS = (ATTEMPTS > 1) ? $clog2(ATTEMPTS) : 1;
    reg [31:0] req, recv;  // chunks requested / received
    reg [31:0] n_in;       // input spikes of this step
    reg [15:0] fired_step; // neurons fired in this step
    reg [15:0] spikes_att; // neurons fired in this attempt
    reg [31:0] rlfsr;      // STDP rounding LFSR
    reg [31:0] dlfsr;      // theta decay LFSR

    localparam integer LBITS = (LANES > 1) ? $clog2(LANES) : 1;
    localparam integer PBITS = (PES > 1) ? $clog2(PES) : 1;
    wire [31:0] groups = ({16'd0, r_n} + PES - 1) / PES;
    wire [31:0] kk = k;
    assign busy = phase != P_IDLE;
    assign obs_phase = phase;
    assign obs_timestep = t[15:0];
    assign obs_attempt = attempt;
    wire [1:0] rmode = r_flags[FLAG_ROUNDING_LSB +: FLAG_ROUNDING_BITS];
    wire [HA_SPACE_BITS-1:0] host_space = host_addr[HA_SPACE_LSB +: HA_SPACE_BITS];

    // The rate table (host space SPACE_RATES) is a memory of ATTEMPTS words. The threshold pass
    // needs the attempt's rate from its first cycle, and the read has one cycle of latency:
    // seed and threshold read the running attempt, every other phase reads the next one
    // (an attempt's threshold pass follows the seed pass or the last phase of the previous
    // attempt, in which `attempt` is still the previous one).
    wire [8:0]       attempt_next = {1'b0, attempt} + 9'd1;
    wire             rate_cur = phase == P_SEED || phase == P_THRESHOLD
                                || {23'd0, attempt_next} >= ATTEMPTS;
    wire [ABITS-1:0] rate_raddr = rate_cur ? attempt[ABITS-1:0] : attempt_next[ABITS-1:0];
    wire [31:0]      rate;
    wire unused_attempt_hi = ^{attempt, attempt_next};   // below ATTEMPTS where used
    fspinn_sram_1r1w #(.DEPTH(ATTEMPTS), .WIDTH(32), .LATENCY(1)) u_rates (
        .clk(clk), .re(1'b1), .raddr(rate_raddr), .rdata(rate),
        .we(host_we && !busy && host_space == SPACE_RATES
            && {{(32-HA_RATE_BITS){1'b0}}, host_addr[HA_RATE_LSB +: HA_RATE_BITS]} < ATTEMPTS),
        .waddr(host_addr[HA_RATE_LSB +: ABITS]), .wdata(host_wdata[31:0]));

    // ---------------------------------------------------------------- spike generator
    reg  [1:0]       sg_op;
    wire [LANES-1:0] sg_spike;
    wire [RBITS-1:0] sg_row;   // the row of this sweep cycle (the unit's own counter)
    fspinn_spikegen #(.INPUTS(INPUTS), .LANES(LANES)) u_spikegen (
        .clk(clk), .rst(rst), .op(sg_op), .sample_seed(r_seed),
        .rate(rate),
        .pix_we(host_we && !busy && host_space == SPACE_PIXELS),
        .pix_addr(host_addr[HA_PIXEL_LSB +: HA_PIXEL_BITS]), .pix_data(host_wdata[7:0]),
        .row(sg_row), .spike(sg_spike));

    // ---------------------------------------------------------------- per-input memories
    // Last spike time of every input (STDP unit): ROWS rows of LANES fields {valid, step},
    // written in the generate cycle of the row (only the lanes that spiked: write mask),
    // cleared row by row in the threshold pass (which precedes every attempt's reset, where
    // L2 clears them; nothing reads them in between). Read by the potentiate walk one row per
    // cycle: each cycle reads the row of the synapse accepted in the next cycle.
    localparam integer PT_BITS = STEP_BITS + 1;
    wire [LANES*PT_BITS-1:0] pt_rdata;
    wire [RBITS-1:0]         pt_raddr;
    wire                     pt_we = phase == P_THRESHOLD || (phase == P_GENERATE && sg_spike != {LANES{1'b0}});
    wire [LANES-1:0]         pt_wmask = (phase == P_THRESHOLD) ? {LANES{1'b1}} : sg_spike;
    wire [PT_BITS-1:0]       pt_entry = (phase == P_THRESHOLD) ? {PT_BITS{1'b0}} : {1'b1, t[STEP_BITS-1:0]};
    fspinn_sram_1r1w_mask #(.DEPTH(ROWS), .LANES(LANES), .LANE_BITS(PT_BITS)) u_pre_times (
        .clk(clk), .re(1'b1), .raddr(pt_raddr), .rdata(pt_rdata),
        .we(pt_we), .wmask(pt_wmask), .waddr(sg_row), .wdata({LANES{pt_entry}}));

    // Input spikes of the step: a bitmap of ROWS rows of LANES bits (row r = channels
    // r * LANES ..), written in the generate cycle of the row, and a register of the rows with
    // any spike (`in_occ`, ROWS bits). The integrate pass walks the spikes in ascending channel
    // order, one per chunk request, with priority encoders: the lowest unconsumed lane of the
    // current row, the next non-empty row after it. Each cycle reads the row that is current
    // in the next cycle; a read of the row written in the same cycle (the last generate cycle
    // reading the first non-empty row) takes the written word (`bm_fwd`).
    wire [LANES-1:0] bm_rdata;
    wire [RBITS-1:0] bm_raddr;
    wire             bm_we = phase == P_GENERATE;
    fspinn_sram_1r1w #(.DEPTH(ROWS), .WIDTH(LANES), .LATENCY(1)) u_in_spikes (
        .clk(clk), .re(1'b1), .raddr(bm_raddr), .rdata(bm_rdata),
        .we(bm_we), .waddr(sg_row), .wdata(sg_spike));


    // ---------------------------------------------------------------- memories
    reg               w_re   [0:WBANKS-1];
    reg [WABITS-1:0]  w_raddr[0:WBANKS-1];
    wire [WWORD_BITS-1:0] w_rdata[0:WBANKS-1];
    reg               w_we   [0:WBANKS-1];
    reg [WABITS-1:0]  w_waddr[0:WBANKS-1];
    reg [WWORD_BITS-1:0] w_wdata[0:WBANKS-1];
    reg               n_re   [0:PES-1];
    reg [NABITS-1:0]  n_raddr[0:PES-1];
    wire [NWORD_BITS-1:0] n_rdata[0:PES-1];
    reg               n_we   [0:PES-1];
    reg [NABITS-1:0]  n_waddr[0:PES-1];
    reg [NWORD_BITS-1:0] n_wdata[0:PES-1];

    wire host_idle = !busy;
    genvar gb;
    generate
        for (gb = 0; gb < WBANKS; gb = gb + 1) begin : g_wbank
            wire hw = host_idle && host_we && host_space == SPACE_WEIGHTS
                      && host_addr[HA_WBANK_LSB +: HA_WBANK_BITS] == gb;
            wire hr = host_idle && host_re && host_space == SPACE_WEIGHTS
                      && host_addr[HA_WBANK_LSB +: HA_WBANK_BITS] == gb;
            wire                  m_re    = w_re[gb] | hr;
            wire [WABITS-1:0]     m_raddr = hr ? host_addr[WABITS-1:0] : w_raddr[gb];
            wire                  m_we    = w_we[gb] | hw;
            wire [WABITS-1:0]     m_waddr = hw ? host_addr[WABITS-1:0] : w_waddr[gb];
            wire [WWORD_BITS-1:0] m_wdata = hw ? host_wdata[WWORD_BITS-1:0] : w_wdata[gb];
            fspinn_sram_1r1w #(.DEPTH(WDEPTH), .WIDTH(WWORD_BITS), .LATENCY(WLAT)) u_mem (
                .clk(clk), .re(m_re), .raddr(m_raddr), .rdata(w_rdata[gb]),
                .we(m_we), .waddr(m_waddr), .wdata(m_wdata));
            assign obs_wbank_re[gb] = w_re[gb];
            assign obs_wbank_we[gb] = w_we[gb];
            assign obs_wbank_raddr[gb*WABITS +: WABITS] = w_raddr[gb];
            assign obs_wbank_waddr[gb*WABITS +: WABITS] = w_waddr[gb];
            assign obs_wbank_wdata[gb*WWORD_BITS +: WWORD_BITS] = w_wdata[gb];
        end
        for (gb = 0; gb < PES; gb = gb + 1) begin : g_nbank
            wire hw = host_idle && host_we && host_space == SPACE_NEURONS
                      && host_addr[HA_NBANK_LSB +: HA_NBANK_BITS] == gb;
            wire hr = host_idle && host_re && host_space == SPACE_NEURONS
                      && host_addr[HA_NBANK_LSB +: HA_NBANK_BITS] == gb;
            wire                  m_re    = n_re[gb] | hr;
            wire [NABITS-1:0]     m_raddr = hr ? host_addr[NABITS-1:0] : n_raddr[gb];
            wire                  m_we    = n_we[gb] | hw;
            wire [NABITS-1:0]     m_waddr = hw ? host_addr[NABITS-1:0] : n_waddr[gb];
            wire [NWORD_BITS-1:0] m_wdata = hw ? host_wdata[NWORD_BITS-1:0] : n_wdata[gb];
            fspinn_sram_1r1w #(.DEPTH(NDEPTH), .WIDTH(NWORD_BITS), .LATENCY(NLAT)) u_mem (
                .clk(clk), .re(m_re), .raddr(m_raddr), .rdata(n_rdata[gb]),
                .we(m_we), .waddr(m_waddr), .wdata(m_wdata));
            assign obs_nbank_re[gb] = n_re[gb];
            assign obs_nbank_we[gb] = n_we[gb];
            assign obs_nbank_raddr[gb*NABITS +: NABITS] = n_raddr[gb];
            assign obs_nbank_waddr[gb*NABITS +: NABITS] = n_waddr[gb];
            assign obs_nbank_wdata[gb*NWORD_BITS +: NWORD_BITS] = n_wdata[gb];
        end
    endgenerate

    // Neuron-state word fields: {count, refractory, theta, v}. Each accessor takes the whole
    // word and reads its own field (the rest of the word is another accessor's).
    /* verilator lint_off UNUSEDSIGNAL */
    function [V_BITS-1:0] f_v(input [NWORD_BITS-1:0] w); f_v = w[V_LSB +: V_BITS]; endfunction
    function [TH_BITS-1:0] f_th(input [NWORD_BITS-1:0] w); f_th = w[TH_LSB +: TH_BITS]; endfunction
    function [REF_BITS-1:0] f_r(input [NWORD_BITS-1:0] w); f_r = w[REF_LSB +: REF_BITS]; endfunction
    function [COUNT_BITS-1:0] f_c(input [NWORD_BITS-1:0] w); f_c = w[COUNT_LSB +: COUNT_BITS]; endfunction
    /* verilator lint_on UNUSEDSIGNAL */
    function [NWORD_BITS-1:0] pack(input [COUNT_BITS-1:0] c, input [REF_BITS-1:0] r,
                                   input [TH_BITS-1:0] th, input [V_BITS-1:0] v);
        begin
            pack = {NWORD_BITS{1'b0}};
            pack[V_LSB +: V_BITS] = v;
            pack[TH_LSB +: TH_BITS] = th;
            pack[REF_LSB +: REF_BITS] = r;
            pack[COUNT_LSB +: COUNT_BITS] = c;
        end
    endfunction

    // ---------------------------------------------------------------- DRAM port state
    // One transaction at a time (sim/src/weight_port.rs, DRAM mode): `d_inf` in flight,
    // `dq_*` produced but not yet accepted by the channel; the tags of the read in flight.
    localparam integer WBYTES = WWORD_BITS / 8;
    localparam integer CHUNK_BYTES = WPC * WBYTES;
    reg        d_inf, d_inf_write;
    reg        dq_valid, dq_write;
    reg [39:0] dq_addr;
    reg [15:0] dq_bytes;
    reg [64*DRAM_WORDS-1:0] dq_wdata;
    reg [31:0] d_i, d_j;
    reg signed [31:0] d_delta;
    wire d_resp   = dram_resp_valid && d_inf;
    wire d_arrive = d_resp && !d_inf_write;          // read data in this cycle
    wire d_busy   = d_inf && !dram_resp_valid;       // still in flight after this cycle's completion
    // A read arriving in norm_scale or potentiate is written back: requested in this cycle,
    // before any read.
    wire d_new_write = (WEIGHTS_ON_CHIP == 0) && d_arrive
                       && (phase == P_NORM_SCALE || phase == P_POTENTIATE);
    // L2's `can_read` off chip: nothing queued or in flight.
    wire d_can_read = !dq_valid && !d_busy && !d_new_write;

    // Chunks over several cycles (CPC > 1, on chip): `wc` read groups of the chunk being read
    // are still to be issued after this cycle's (group CPC - wc next), `ws` write groups of
    // the chunk being written back (norm_scale); the early groups' words are kept in
    // `asm_word` as they arrive, the scaled words to write in `ws_word`.
    reg [31:0] wc, wc_base, wc_tag;
    reg [31:0] ws, ws_base;
    wire [31:0] wc_g = CPC - wc;
    wire [31:0] ws_g = CPC - ws;
    /* verilator lint_off UNUSEDSIGNAL */ // read only when CPC > 1 (g_chip_early)
    reg [WWORD_BITS-1:0] asm_word [0:WPC-1];
    /* verilator lint_on UNUSEDSIGNAL */
    reg [WWORD_BITS-1:0] ws_word [0:WPC-1];
    // The words arriving now: from the banks, or from the DRAM (word 0 in bits [63:0]).
    wire [WWORD_BITS-1:0] rd_word [0:WPC-1];
    genvar gq;
    generate
        for (gq = 0; gq < WPC; gq = gq + 1) begin : g_rdword
            if (WEIGHTS_ON_CHIP != 0 && gq >= (CPC - 1) * WBANKS) begin : g_chip
                assign rd_word[gq] = w_rdata[gq - (CPC - 1) * WBANKS];
            end else if (WEIGHTS_ON_CHIP != 0) begin : g_chip_early
                assign rd_word[gq] = asm_word[gq];
            end else begin : g_dram
                assign rd_word[gq] = dram_resp_rdata[gq * WWORD_BITS +: WWORD_BITS];
            end
        end
    endgenerate

    // ---------------------------------------------------------------- read pipelines
    // Weight reads: valid/tag per stage; the read issued in cycle c arrives in c + WLAT.
    reg [WLAT-1:0]    wg_valid;              // a group of bank reads (chunk reads)
    reg [31:0]        wg_idx   [0:WLAT-1];   // its group within the chunk
    reg [WLAT-1:0]    wp_valid;
    reg [31:0]        wp_i     [0:WLAT-1];   // input of the chunk / synapse
    reg [31:0]        wp_j     [0:WLAT-1];   // neuron of the synapse (STDP)
    reg signed [31:0] wp_delta [0:WLAT-1];   // its change (STDP)
    wire              w_arrive = (WEIGHTS_ON_CHIP != 0) ? wp_valid[WLAT-1] : d_arrive;
    wire [31:0]       wa_i = (WEIGHTS_ON_CHIP != 0) ? wp_i[WLAT-1] : d_i;
    wire [31:0]       wa_j = (WEIGHTS_ON_CHIP != 0) ? wp_j[WLAT-1] : d_j;
    wire signed [31:0] wa_delta = (WEIGHTS_ON_CHIP != 0) ? wp_delta[WLAT-1] : d_delta;
    // Theta-decay draws travel with the neuron read they belong to.
    reg [31:0]        np_rand [0:NLAT-1];
    wire [31:0]       na_rand = np_rand[NLAT-1];

    // The weight code of lane p in the words arriving now.
    function [WEIGHT_BITS-1:0] lane_w(input integer p);
        lane_w = rd_word[p / PER_WORD][(p % PER_WORD) * WEIGHT_BITS +: WEIGHT_BITS];
    endfunction
    function lane_ok(input [31:0] g, input integer p);
        lane_ok = (g * PES + p) < {16'd0, r_n};
    endfunction

    localparam integer DELAY = (NLAT > WLAT) ? NLAT - WLAT : 0;

    // ---------------------------------------------------------------- per-PE datapath
    reg signed [V_BITS-1:0] acc_v  [0:PES-1];
    reg [TH_BITS-1:0]       acc_th [0:PES-1];
    reg [REF_BITS-1:0]      acc_r  [0:PES-1];
    reg [COUNT_BITS-1:0]    acc_c  [0:PES-1];
    reg [31:0]              sum    [0:PES-1];
    wire [39:0]             factor [0:PES-1];
    wire [NWORD_BITS-1:0]   pe_integrate_word [0:PES-1];
    wire [NWORD_BITS-1:0]   pe_inhibit_word   [0:PES-1];
    wire                    pe_free           [0:PES-1];
    wire [NWORD_BITS-1:0]   pe_reset_word     [0:PES-1];
    wire [NWORD_BITS-1:0]   pe_decay_word     [0:PES-1];
    wire [WEIGHT_BITS-1:0]  pe_scaled         [0:PES-1];
    wire [PES-1:0]          fire_mask;

    // The dividers' handshake: started together by the last column sum; the controller leaves
    // norm_divide in the cycle every divider computes its last quotient bit (`last`, 40
    // cycles after the start, L2's DIVIDER_CYCLES), and the quotients are used from the next
    // cycle on. (`done` comes a cycle later, when the quotient is already in use.)
    wire [PES-1:0] div_last;
    wire [PES-1:0] unused_div_done, unused_div_busy;
    wire integrate_arrive  = phase == P_INTEGRATE && kk == NLAT;
    wire integrate_arrived = phase == P_INTEGRATE && kk >= NLAT;
    wire [31:0] applied_now = recv + ((phase == P_INTEGRATE && w_arrive) ? 32'd1 : 32'd0);
    wire integrate_done = integrate_arrived && applied_now == n_in;
    wire norm_sum_last = phase == P_NORM_SUM && w_arrive && recv == INPUTS - 1;

    genvar gp;
    generate
        for (gp = 0; gp < PES; gp = gp + 1) begin : g_pe
            wire ok = lane_ok(grp, gp);
            wire [NWORD_BITS-1:0] rd = n_rdata[gp];
            // Arrival: the previous step's count-down, then the leak of a free neuron.
            wire [REF_BITS-1:0] r_in = f_r(rd);
            wire [REF_BITS-1:0] r_dec = (r_in == 4'd0) ? r_in : r_in - 4'd1;
            wire signed [V_BITS-1:0] v_leaked;
            fspinn_leak #(.V_BITS(V_BITS)) u_leak (
                .v(f_v(rd)), .leak_shift(r_leak_shift), .v_out(v_leaked));
            wire signed [V_BITS-1:0] v0 = integrate_arrive
                ? ((r_dec == 4'd0) ? v_leaked : f_v(rd)) : acc_v[gp];
            wire [REF_BITS-1:0]   r0  = integrate_arrive ? r_dec : acc_r[gp];
            wire [TH_BITS-1:0]    th0 = integrate_arrive ? f_th(rd) : acc_th[gp];
            wire [COUNT_BITS-1:0] c0  = integrate_arrive ? f_c(rd) : acc_c[gp];
            wire signed [V_BITS-1:0] v_added;
            fspinn_integrate #(.V_BITS(V_BITS), .WEIGHT_BITS(WEIGHT_BITS)) u_int (
                .v(v0), .w(lane_w(gp)), .w_to_v_shift(r_w_to_v), .v_out(v_added));
            wire add = phase == P_INTEGRATE && w_arrive && r0 == 4'd0;
            wire signed [V_BITS-1:0] v1 = add ? v_added : v0;
            wire fires;
            fspinn_fire #(.V_BITS(V_BITS), .THETA_BITS(TH_BITS), .REF_BITS(REF_BITS)) u_fire (
                .v(v1), .refractory(r0), .theta(th0), .v_thresh(r_v_thresh), .fires(fires));
            wire [TH_BITS-1:0] th_bumped;
            fspinn_bump_theta #(.THETA_BITS(TH_BITS)) u_bump (
                .theta(th0), .theta_plus(r_theta_plus), .theta_out(th_bumped));
            assign fire_mask[gp] = integrate_done && ok && fires;
            assign pe_integrate_word[gp] = fires
                ? pack(c0 + 1'b1, r_refr_start, r_train ? th_bumped : th0, {V_BITS{1'b0}})
                : pack(c0, r0, th0, v1);
            // Inhibition sweep: free neurons lose inhibition * k.
            wire signed [V_BITS-1:0] v_inh;
            fspinn_inhibit #(.V_BITS(V_BITS), .K_BITS(16)) u_inh (
                .v(f_v(rd)), .inhibition(r_inhibition), .k(fired_step), .v_out(v_inh));
            assign pe_free[gp] = f_r(rd) == 4'd0;
            assign pe_inhibit_word[gp] = pack(f_c(rd), f_r(rd), f_th(rd), v_inh);
            assign pe_reset_word[gp] = pack({COUNT_BITS{1'b0}}, 4'd0, f_th(rd), {V_BITS{1'b0}});
            // Theta decay.
            wire [TH_BITS-1:0] th_decayed;
            fspinn_decay_theta #(.THETA_BITS(TH_BITS)) u_decay (
                .theta(f_th(rd)), .shift(r_theta_decay), .random(na_rand), .theta_out(th_decayed));
            assign pe_decay_word[gp] = pack(f_c(rd), f_r(rd), th_decayed, f_v(rd));
            // Normalisation: column sum, divider, scaling.
            wire [31:0] sum_final = sum[gp] + {{(32-WEIGHT_BITS){1'b0}}, lane_w(gp)};
            fspinn_divider u_div (
                .clk(clk), .rst(rst), .start(norm_sum_last),
                .dividend({r_norm_target[23:0], 16'd0}), .divisor(sum_final),
                .quotient(factor[gp]), .done(unused_div_done[gp]), .busy(unused_div_busy[gp]),
                .last(div_last[gp]));
            fspinn_normalize_weight #(.WEIGHT_BITS(WEIGHT_BITS)) u_norm (
                .w(lane_w(gp)), .factor(factor[gp]), .w_out(pe_scaled[gp]));
            always @(posedge clk) begin
                if (integrate_arrive || (phase == P_INTEGRATE && w_arrive)) begin
                    acc_v[gp] <= v1;
                    acc_r[gp] <= r0;
                    acc_th[gp] <= th0;
                    acc_c[gp] <= c0;
                end
                if (phase == P_NORM_SUM) begin
                    if (kk == 0) sum[gp] <= 32'd0;
                    else if (w_arrive) sum[gp] <= sum_final;
                end
            end
        end
    endgenerate

    // ---------------------------------------------------------------- STDP unit
    // Who fired in this step: a bitmap of one PES-bit row per neuron group (the spike
    // buffer), written when the group's integration ends, and a register of the groups with
    // any spike (`f_occ`). The potentiate walk goes through the fired neurons in ascending
    // order with priority encoders over a row and over `f_occ`.
    localparam integer GROUPS_MAX = NEURONS_PER_PE;
    localparam integer GBITS = (GROUPS_MAX > 1) ? $clog2(GROUPS_MAX) : 1;
    wire [PES-1:0]   f_rdata;
    wire [GBITS-1:0] f_raddr;
    fspinn_sram_1r1w #(.DEPTH(GROUPS_MAX), .WIDTH(PES), .LATENCY(1)) u_fired (
        .clk(clk), .re(1'b1), .raddr(f_raddr), .rdata(f_rdata),
        .we(integrate_done), .waddr(grp[GBITS-1:0]), .wdata(fire_mask));

    // The synapse accepted in this cycle: input syn_i (row pt_row, lane pt_lane of the
    // last-spike times) of neuron syn_j (group syn_g, lane syn_l; the fired lanes of that
    // group in syn_fired).
    reg  [31:0] syn_i, syn_j;
    reg  [RBITS-1:0] pt_row;
    reg  [LBITS-1:0] pt_lane;
    reg  [GBITS-1:0] syn_g;
    reg  [PBITS-1:0] syn_l;
    reg  [PES-1:0]   syn_fired;
    reg         syn_more;     // synapses left to accept in this potentiate pass
    wire        syn_i_last = syn_i == INPUTS - 1;
    localparam integer LAST_LANE_I = LANES - 1;
    localparam [LBITS-1:0] LAST_LANE = LAST_LANE_I[LBITS-1:0];
    // The row of the synapse accepted in the next cycle (row 0 outside the walk).
    assign pt_raddr = (phase != P_POTENTIATE || (accept && syn_i_last)) ? {RBITS{1'b0}}
                    : (accept && pt_lane == LAST_LANE) ? pt_row + 1'b1 : pt_row;
    wire [PT_BITS-1:0] pt_now = pt_rdata[pt_lane * PT_BITS +: PT_BITS];
    wire [31:0] rl_next;
    fspinn_lfsr_next16 u_rlfsr (.state_in(rlfsr), .state_out(rl_next));
    wire [STEP_BITS-1:0] pre_age = t[STEP_BITS-1:0] - pt_now[STEP_BITS-1:0];
    wire signed [31:0] syn_delta;
    fspinn_potentiation #(.STEP_BITS(STEP_BITS), .HL_BITS(16), .TRACE_W(16)) u_pot (
        .pre_age(pre_age), .pre_never(!pt_now[STEP_BITS]), .eta_post_q16(r_eta),
        .x_tar(r_x_tar), .trace_max(r_trace_max), .trace_bits(r_trace_bits),
        .half_life(r_half_life), .mode(rmode), .random(rl_next[15:0]), .delta(syn_delta));
    // Off chip, a non-zero synapse whose read cannot be issued is held (no further synapse is
    // accepted, no draw) until the port is free.
    reg         held;
    reg  [31:0] held_i, held_j;
    reg signed [31:0] held_delta;
    wire accept = phase == P_POTENTIATE && syn_more && !held;
    wire syn_nz = accept && syn_delta != 32'sd0;
    wire syn_want = syn_nz || (phase == P_POTENTIATE && held);
    wire syn_read = (WEIGHTS_ON_CHIP != 0) ? syn_nz : (syn_want && d_can_read);
    wire held_next = (WEIGHTS_ON_CHIP == 0) && syn_want && !d_can_read;
    wire [31:0] rs_i = held ? held_i : syn_i;    // the synapse whose word is read now
    wire [31:0] rs_j = held ? held_j : syn_j;
    wire signed [31:0] rs_delta = held ? held_delta : syn_delta;
    // The arriving word of a read-modify-write.
    wire [31:0] wa_lane = wa_j % PES;
    wire [31:0] wa_q = wa_lane / PER_WORD;       // word of the chunk
    wire [31:0] wa_bank = wa_q % WBANKS;         // its bank and row on chip
    wire [31:0] wa_row = wa_q / WBANKS;
    wire [31:0] wa_shift = (wa_lane % PER_WORD) * WEIGHT_BITS;
    reg [WWORD_BITS-1:0] wa_word;
    reg [WEIGHT_BITS-1:0] wa_old;
    integer wb;
    always @(*) begin
        wa_word = w_rdata[0];
        for (wb = 1; wb < WBANKS; wb = wb + 1)
            if (wa_bank == wb) wa_word = w_rdata[wb];
        if (WEIGHTS_ON_CHIP == 0) wa_word = rd_word[0];   // a one-word DRAM read
        wa_old = {WEIGHT_BITS{1'b0}};
        for (wb = 0; wb < PER_WORD; wb = wb + 1)
            if (wa_shift == wb * WEIGHT_BITS) wa_old = wa_word[wb * WEIGHT_BITS +: WEIGHT_BITS];
    end
    wire [WEIGHT_BITS-1:0] wa_new;
    fspinn_apply_delta #(.WEIGHT_BITS(WEIGHT_BITS)) u_apply (
        .w(wa_old), .delta(wa_delta), .w_max(r_w_max[WEIGHT_BITS-1:0]), .w_out(wa_new));
    wire stdp_write = phase == P_POTENTIATE && w_arrive;
    // The arriving word with the synapse's new code.
    reg [WWORD_BITS-1:0] wa_mod;
    always @(*) begin
        wa_mod = wa_word;
        for (wb = 0; wb < PER_WORD; wb = wb + 1)
            if (wa_shift == wb * WEIGHT_BITS) wa_mod[wb * WEIGHT_BITS +: WEIGHT_BITS] = wa_new;
    end
    // The fired-neuron walk: the next fired lane of group syn_g after syn_l, else the first
    // fired lane of the next group with any firing (its row read in the previous cycle: the
    // bitmap's read address is that group during the walk, the first such group before it).
    reg [GROUPS_MAX-1:0] f_occ;
    reg [GROUPS_MAX-1:0] g_above;
    reg [PES-1:0]        l_above;
    integer ab;
    always @(*) begin
        for (ab = 0; ab < GROUPS_MAX; ab = ab + 1) g_above[ab] = ab > {{(32-GBITS){1'b0}}, syn_g};
        for (ab = 0; ab < PES; ab = ab + 1) l_above[ab] = ab > {{(32-PBITS){1'b0}}, syn_l};
    end
    wire [GBITS-1:0] f_first_g, f_next_g;
    wire [PBITS-1:0] rest_l, row_l;
    wire             f_next_any, rest_any, unused_f_first_any, unused_row_any;
    fspinn_first_set #(.WIDTH(GROUPS_MAX)) u_f_first (
        .vec(f_occ), .index(f_first_g), .any(unused_f_first_any));
    fspinn_first_set #(.WIDTH(GROUPS_MAX)) u_f_next (
        .vec(f_occ & g_above), .index(f_next_g), .any(f_next_any));
    fspinn_first_set #(.WIDTH(PES)) u_f_rest (
        .vec(syn_fired & l_above), .index(rest_l), .any(rest_any));
    fspinn_first_set #(.WIDTH(PES)) u_f_row (
        .vec(f_rdata), .index(row_l), .any(unused_row_any));
    assign f_raddr = (phase == P_POTENTIATE) ? f_next_g : f_first_g;
    wire nf_none = !rest_any && !f_next_any;    // no fired neuron after syn_j
    localparam [31:0] PES32 = PES;
    wire [31:0] f_first_j = {{(32-GBITS){1'b0}}, f_first_g} * PES32 + {{(32-PBITS){1'b0}}, row_l};
    wire [31:0] f_rest_j  = {{(32-GBITS){1'b0}}, syn_g} * PES32 + {{(32-PBITS){1'b0}}, rest_l};
    wire [31:0] f_next_j  = {{(32-GBITS){1'b0}}, f_next_g} * PES32 + {{(32-PBITS){1'b0}}, row_l};
    // In flight after this cycle: a read issued now, or one in a stage that arrives later.
    reg stdp_pending;
    integer s;
    always @(*) begin
        stdp_pending = syn_read;
        for (s = 0; s < WLAT - 1; s = s + 1) stdp_pending = stdp_pending | wp_valid[s];
    end
    wire stdp_last_chip = phase == P_POTENTIATE
                          && !(syn_more && !(syn_i_last && nf_none)) && !stdp_pending;
    wire syn_left = syn_more && !(accept && syn_i_last && nf_none);

    // Seeds of the learning unit's LFSRs (docs/datapath.md).
    wire [31:0] rseed, dseed;
    fspinn_input_seed #(.CHANNEL_BITS(32)) u_rseed (
        .sample_seed(r_seed), .channel(32'h0001_0000 + {24'd0, attempt}), .seed(rseed));
    fspinn_input_seed #(.CHANNEL_BITS(32)) u_dseed (
        .sample_seed(r_seed), .channel(32'h0002_0000 + {24'd0, attempt}), .seed(dseed));
    wire [31:0] dl_in = (kk == 0) ? dseed : dlfsr;
    wire [31:0] dl1, dl2;
    fspinn_lfsr_next16 u_dl1 (.state_in(dl_in), .state_out(dl1));
    fspinn_lfsr_next16 u_dl2 (.state_in(dl1), .state_out(dl2));

    wire [15:0] fired_now = popcount(fire_mask);
    function [15:0] popcount(input [PES-1:0] m);
        integer x;
        begin
            popcount = 16'd0;
            for (x = 0; x < PES; x = x + 1) popcount = popcount + {15'd0, m[x]};
        end
    endfunction
    wire signed [V_BITS-1:0] inh_adapted;
    fspinn_adapt_inhibition #(.V_BITS(V_BITS), .COUNT_BITS(16)) u_adapt (
        .inhibition(r_inhibition), .spikes(spikes_att), .target(r_target),
        .v_thresh(r_v_thresh), .v_max(r_v_max), .inhibition_out(inh_adapted));

    // ---------------------------------------------------------------- outputs
    assign spike_valid  = |fire_mask;
    assign spike_neuron = grp[15:0];
    assign spike_mask   = fire_mask;
    assign wupd_valid   = stdp_write;
    assign wupd_input   = wa_i[15:0];
    assign wupd_neuron  = wa_j[15:0];
    assign wupd_value   = {{(16-WEIGHT_BITS){1'b0}}, wa_new};
    assign done = (phase == P_READOUT) && kk == groups + NLAT - 1;

    // ---------------------------------------------------------------- memory requests
    // Sweeps over neuron groups: read group k, the data of group k - NLAT arrives.
    wire sweep = phase == P_RESET || phase == P_INHIBIT || phase == P_READOUT;
    wire [31:0] sweep_arrive = kk - NLAT;
    // The input spike of the next chunk request: the walk over the step's spike bitmap.
    reg  [ROWS-1:0]  in_occ;      // rows with any spike in this step
    reg  [ROWS-1:0]  occ_now, r_above;
    reg  [RBITS-1:0] cur_row;     // the row of the walk
    reg  [LANES-1:0] consumed;    // its lanes already requested
    reg              bm_fwd;
    reg  [LANES-1:0] bm_fwd_word;
    integer ob;
    always @(*) begin
        occ_now = in_occ;
        if (phase == P_GENERATE) occ_now[sg_row] = sg_spike != {LANES{1'b0}};
        for (ob = 0; ob < ROWS; ob = ob + 1) r_above[ob] = ob > {{(32-RBITS){1'b0}}, cur_row};
    end
    wire [RBITS-1:0] first_row, next_row;
    wire [LBITS-1:0] in_lane;
    wire             unused_first_any, unused_next_any, unused_lane_any;
    fspinn_first_set #(.WIDTH(ROWS)) u_in_first (
        .vec(occ_now), .index(first_row), .any(unused_first_any));
    fspinn_first_set #(.WIDTH(ROWS)) u_in_next (
        .vec(occ_now & r_above), .index(next_row), .any(unused_next_any));
    wire [LANES-1:0] bm_word = bm_fwd ? bm_fwd_word : bm_rdata;
    wire [LANES-1:0] bm_left = bm_word & ~consumed;
    fspinn_first_set #(.WIDTH(LANES)) u_in_lane (
        .vec(bm_left), .index(in_lane), .any(unused_lane_any));
    reg [LANES-1:0] in_onehot;
    integer oh;
    always @(*) for (oh = 0; oh < LANES; oh = oh + 1) in_onehot[oh] = oh == {{(32-LBITS){1'b0}}, in_lane};
    wire in_row_last = (bm_left & ~in_onehot) == {LANES{1'b0}};
    // A new walk starts with every group (the state of the generate pass's last cycle, or of
    // the cycle a group ends).
    wire bm_restart = (phase == P_GENERATE && kk == ROWS - 1) || integrate_done;
    assign bm_raddr = bm_restart ? first_row : (int_read && in_row_last) ? next_row : cur_row;
    localparam [31:0] LANES32 = LANES;
    wire [31:0] in_channel = {{(32-RBITS){1'b0}}, cur_row} * LANES32 + {{(32-LBITS){1'b0}}, in_lane};
    always @(posedge clk) begin
        bm_fwd <= bm_we && sg_row == bm_raddr;
        bm_fwd_word <= sg_spike;
        if (phase == P_GENERATE) in_occ[sg_row] <= sg_spike != {LANES{1'b0}};
        if (bm_restart) begin
            cur_row <= first_row;
            consumed <= {LANES{1'b0}};
        end else if (int_read) begin
            if (in_row_last) begin
                cur_row <= next_row;
                consumed <= {LANES{1'b0}};
            end else begin
                consumed <= consumed | in_onehot;
            end
        end
    end
    wire [31:0] chunk_int  = grp * INPUTS + in_channel;
    wire [31:0] chunk_norm = grp * INPUTS + req;
    wire [31:0] chunk_scale = grp * INPUTS + recv;
    wire [31:0] syn_q = {{(32-PBITS){1'b0}}, syn_l} / PER_WORD;
    wire [31:0] chunk_syn = {{(32-GBITS){1'b0}}, syn_g} * INPUTS + syn_i;
    wire [31:0] chunk_wa  = (wa_j / PES) * INPUTS + wa_i;
    /* verilator lint_off UNSIGNED */ // kk >= 0 when DELAY is 0
    wire int_want = phase == P_INTEGRATE && kk >= DELAY && req < n_in;
    /* verilator lint_on UNSIGNED */
    wire norm_want = (phase == P_NORM_SUM || phase == P_NORM_SCALE) && req < INPUTS;
    // On chip a new chunk read waits until the groups of the previous one are issued.
    wire w_can_read = (WEIGHTS_ON_CHIP != 0) ? wc == 0 : d_can_read;
    wire int_read = int_want && w_can_read;
    wire norm_read = norm_want && w_can_read;
    // The scaled words of the chunk arriving in norm_scale.
    reg [WWORD_BITS-1:0] sc_word [0:WPC-1];
    integer sq, sp;
    always @(*) begin
        for (sq = 0; sq < WPC; sq = sq + 1) begin
            sc_word[sq] = rd_word[sq];
            for (sp = 0; sp < PES; sp = sp + 1)
                if (sp / PER_WORD == sq && lane_ok(grp, sp))
                    sc_word[sq][(sp % PER_WORD) * WEIGHT_BITS +: WEIGHT_BITS] = pe_scaled[sp];
        end
    end

    // ---------------------------------------------------------------- DRAM requests
    // Byte addresses of WeightLayout::dram_chunk_addr / dram_word_addr.
    localparam [39:0] CB40 = {8'd0, CHUNK_BYTES[31:0]};
    localparam [39:0] WB40 = {8'd0, WBYTES[31:0]};
    wire [31:0] chunk_rs = (rs_j / PES) * INPUTS + rs_i;
    wire [31:0] rs_q = (rs_j % PES) / PER_WORD;
    wire d_new_req = (WEIGHTS_ON_CHIP == 0) && (d_new_write || int_read || norm_read || syn_read);
    // Zero of the DRAM data width: a parameter, not a replication, which lint (-Wall) flags
    // as WIDTHCONCAT above 8k bits (128 words; a chunk of 256 16-bit words exists).
    localparam [64*DRAM_WORDS-1:0] DRAM_ZERO = 0;
    reg [39:0] d_new_addr;
    reg [15:0] d_new_bytes;
    reg [64*DRAM_WORDS-1:0] d_new_wdata;
    integer dw;
    always @(*) begin
        d_new_addr = 40'd0;
        d_new_bytes = CHUNK_BYTES[15:0];
        d_new_wdata = DRAM_ZERO;
        if (d_new_write && phase == P_NORM_SCALE) begin
            d_new_addr = {8'd0, chunk_scale} * CB40;
            for (dw = 0; dw < WPC; dw = dw + 1)
                d_new_wdata[dw * WWORD_BITS +: WWORD_BITS] = sc_word[dw];
        end else if (d_new_write) begin
            d_new_addr = {8'd0, chunk_wa} * CB40 + {8'd0, wa_q} * WB40;
            d_new_bytes = WBYTES[15:0];
            d_new_wdata[WWORD_BITS-1:0] = wa_mod;
        end else if (int_read) begin
            d_new_addr = {8'd0, chunk_int} * CB40;
        end else if (norm_read) begin
            d_new_addr = {8'd0, chunk_norm} * CB40;
        end else if (syn_read) begin
            d_new_addr = {8'd0, chunk_rs} * CB40 + {8'd0, rs_q} * WB40;
            d_new_bytes = WBYTES[15:0];
        end
    end
    // The request fields are zero while no request is presented (always, on chip).
    assign dram_req_valid = dq_valid || d_new_req;
    assign dram_req_write = dq_valid ? dq_write : d_new_req && d_new_write;
    assign dram_req_addr  = dq_valid ? dq_addr : (d_new_req ? d_new_addr : 40'd0);
    assign dram_req_bytes = dq_valid ? dq_bytes : (d_new_req ? d_new_bytes : 16'd0);
    assign dram_req_wdata = dq_valid ? dq_wdata : (d_new_req ? d_new_wdata : DRAM_ZERO);
    wire d_taken = dram_req_valid && dram_req_ready;
    always @(posedge clk) begin
        if (rst) begin
            d_inf <= 1'b0;
            dq_valid <= 1'b0;
            held <= 1'b0;
        end else begin
            if (d_resp) d_inf <= 1'b0;
            if (d_taken) begin
                d_inf <= 1'b1;
                d_inf_write <= dram_req_write;
                dq_valid <= 1'b0;
            end else if (d_new_req && !dq_valid) begin
                dq_valid <= 1'b1;
                dq_write <= d_new_write;
                dq_addr <= d_new_addr;
                dq_bytes <= d_new_bytes;
                dq_wdata <= d_new_wdata;
            end
            if (WEIGHTS_ON_CHIP == 0 && (int_read || norm_read)) d_i <= req;
            if (WEIGHTS_ON_CHIP == 0 && syn_read) begin
                d_i <= rs_i; d_j <= rs_j; d_delta <= rs_delta;
            end
            held <= held_next;
            if (syn_nz && held_next) begin
                held_i <= syn_i; held_j <= syn_j; held_delta <= syn_delta;
            end
        end
    end
    // Last cycle of a potentiate pass: no synapse left, none held, the port quiet afterwards.
    wire stdp_last_dram = phase == P_POTENTIATE && !syn_left && !held_next
                          && !dq_valid && !d_new_req && !d_busy;
    wire stdp_last = (WEIGHTS_ON_CHIP != 0) ? stdp_last_chip : stdp_last_dram;
    // Last cycle of a norm_scale pass: the last chunk arrived (on chip) or its write completed.
    // On chip with CPC > 1: the cycle the last chunk's last write group is issued.
    wire scale_end = (WEIGHTS_ON_CHIP == 0) ? (d_resp && d_inf_write && recv == INPUTS)
                   : (CPC == 1) ? (w_arrive && recv == INPUTS - 1)
                   : (ws == 1 && recv == INPUTS);
    // Bank rows (on chip: chunk * CPC + group).
    wire [31:0] chunk_int_row   = chunk_int * CPC;
    wire [31:0] chunk_norm_row  = chunk_norm * CPC;
    wire [31:0] chunk_scale_row = chunk_scale * CPC;
    wire [31:0] wc_row = wc_base + wc_g;
    wire [31:0] ws_row = ws_base + ws_g;
    wire [31:0] syn_row = chunk_syn * CPC + syn_q / WBANKS;
    wire [31:0] wa_addr = chunk_wa * CPC + wa_row;
    // Rows are computed in 32 bits; a bank has WABITS of address.
    wire unused_row_top = ^{chunk_int_row[31:WABITS], chunk_norm_row[31:WABITS],
                            chunk_scale_row[31:WABITS], wc_row[31:WABITS], ws_row[31:WABITS],
                            syn_row[31:WABITS], wa_addr[31:WABITS]};
    // On chip the DRAM port's read data is not used (nor are the banks with the weights in
    // DRAM, whose drive is forced idle above).
    wire unused_dram_rdata = ^dram_resp_rdata;
    // The host data bus is 64 bits; narrower words and registers use its low bits.
    wire unused_host_wdata = ^host_wdata;
    // Theta decay walks the neurons in index order: neuron j = a * PES + p is read (lane
    // td_rp, address td_ra) and NLAT cycles later written (td_wp, td_wa); counters, no divide.
    reg [PBITS-1:0]  td_rp, td_wp;
    reg [NABITS-1:0] td_ra, td_wa;
    localparam integer LAST_PE_I = PES - 1;
    localparam [PBITS-1:0] LAST_PE = LAST_PE_I[PBITS-1:0];
    wire td_read  = phase == P_THETA_DECAY && kk < {16'd0, r_n};
    wire td_write = phase == P_THETA_DECAY && kk >= NLAT;
    always @(posedge clk) begin
        if (phase != P_THETA_DECAY) begin
            td_rp <= {PBITS{1'b0}}; td_ra <= {NABITS{1'b0}};
            td_wp <= {PBITS{1'b0}}; td_wa <= {NABITS{1'b0}};
        end else begin
            if (td_read) begin
                td_rp <= (td_rp == LAST_PE) ? {PBITS{1'b0}} : td_rp + 1'b1;
                if (td_rp == LAST_PE) td_ra <= td_ra + 1'b1;
            end
            if (td_write) begin
                td_wp <= (td_wp == LAST_PE) ? {PBITS{1'b0}} : td_wp + 1'b1;
                if (td_wp == LAST_PE) td_wa <= td_wa + 1'b1;
            end
        end
    end
    integer b, p;
    always @(*) begin
        for (b = 0; b < WBANKS; b = b + 1) begin
            w_re[b] = 1'b0; w_raddr[b] = {WABITS{1'b0}};
            w_we[b] = 1'b0; w_waddr[b] = {WABITS{1'b0}}; w_wdata[b] = {WWORD_BITS{1'b0}};
            // Group 0 of a chunk in the cycle it starts, groups 1.. in the next CPC - 1.
            if (int_read && b < WPC) begin
                w_re[b] = 1'b1; w_raddr[b] = chunk_int_row[WABITS-1:0];
            end
            if (norm_read && b < WPC) begin
                w_re[b] = 1'b1; w_raddr[b] = chunk_norm_row[WABITS-1:0];
            end
            if (wc != 0 && wc_g * WBANKS + b < WPC) begin
                w_re[b] = 1'b1; w_raddr[b] = wc_row[WABITS-1:0];
            end
            if (phase == P_NORM_SCALE && w_arrive && b < WPC) begin
                w_we[b] = 1'b1; w_waddr[b] = chunk_scale_row[WABITS-1:0];
                w_wdata[b] = sc_word[b];
            end
            if (ws != 0 && ws_g * WBANKS + b < WPC) begin
                w_we[b] = 1'b1; w_waddr[b] = ws_row[WABITS-1:0];
                w_wdata[b] = ws_word[ws_g * WBANKS + b];
            end
            if (syn_read && syn_q % WBANKS == b) begin
                w_re[b] = 1'b1; w_raddr[b] = syn_row[WABITS-1:0];
            end
            if (stdp_write && wa_bank == b) begin
                w_we[b] = 1'b1; w_waddr[b] = wa_addr[WABITS-1:0];
                w_wdata[b] = wa_mod;
            end
            if (WEIGHTS_ON_CHIP == 0) begin
                w_re[b] = 1'b0; w_we[b] = 1'b0;
            end
        end
        for (p = 0; p < PES; p = p + 1) begin
            n_re[p] = 1'b0; n_raddr[p] = {NABITS{1'b0}};
            n_we[p] = 1'b0; n_waddr[p] = {NABITS{1'b0}}; n_wdata[p] = {NWORD_BITS{1'b0}};
            if (sweep && kk < groups && lane_ok(kk, p)) begin
                n_re[p] = 1'b1; n_raddr[p] = kk[NABITS-1:0];
            end
            if (sweep && kk >= NLAT && lane_ok(sweep_arrive, p)) begin
                n_waddr[p] = sweep_arrive[NABITS-1:0];
                if (phase == P_RESET) begin
                    n_we[p] = 1'b1; n_wdata[p] = pe_reset_word[p];
                end
                if (phase == P_INHIBIT && pe_free[p]) begin
                    n_we[p] = 1'b1; n_wdata[p] = pe_inhibit_word[p];
                end
            end
            if (phase == P_INTEGRATE && kk == 0 && lane_ok(grp, p)) begin
                n_re[p] = 1'b1; n_raddr[p] = grp[NABITS-1:0];
            end
            if (integrate_done && lane_ok(grp, p)) begin
                n_we[p] = 1'b1; n_waddr[p] = grp[NABITS-1:0]; n_wdata[p] = pe_integrate_word[p];
            end
            if (td_read && {{(32-PBITS){1'b0}}, td_rp} == p) begin
                n_re[p] = 1'b1; n_raddr[p] = td_ra;
            end
            if (td_write && {{(32-PBITS){1'b0}}, td_wp} == p) begin
                n_we[p] = 1'b1; n_waddr[p] = td_wa; n_wdata[p] = pe_decay_word[p];
            end
        end
        case (phase)
            P_SEED: sg_op = 2'd1;
            P_THRESHOLD: sg_op = 2'd2;
            P_GENERATE: sg_op = 2'd3;
            default: sg_op = 2'd0;
        endcase
    end

    // ---------------------------------------------------------------- controller
    wire [15:0] fired_total = fired_step + fired_now;
    // Where a step goes after its last pass.
    task automatic end_of_step;
        begin
            k <= 32'd0;
            if (t + 32'd1 < {16'd0, r_steps}) begin
                t <= t + 32'd1;
                phase <= P_GENERATE;
                n_in <= 32'd0;
            end else if (r_train) begin
                phase <= P_THETA_DECAY;
            end else begin
                end_of_attempt;
            end
        end
    endtask
    task automatic end_of_attempt;
        begin
            k <= 32'd0;
            if (spikes_att >= r_min_spikes || {8'd0, attempt} + 16'd1 >= r_max_attempts) begin
                phase <= P_READOUT;
            end else begin
                attempt <= attempt + 8'd1;
                phase <= P_THRESHOLD;
            end
        end
    endtask

    // Counters (space 0x05): 0 cycles, then reads and writes of every weight bank, then of
    // every neuron bank.
    reg [63:0] cnt_cycles;
    reg [63:0] cnt_w_rd [0:WBANKS-1];
    reg [63:0] cnt_w_wr [0:WBANKS-1];
    reg [63:0] cnt_n_rd [0:PES-1];
    reg [63:0] cnt_n_wr [0:PES-1];
    // Spike counts of the last sample for the host (space 0x06): one row of PES counts per
    // neuron group, written by the readout sweep (the lanes of existing neurons), read by the
    // host (neuron j at row j / PES, lane j % PES: host path only).
    wire [PES*COUNT_BITS-1:0] cnt_rdata;
    reg  [PES*COUNT_BITS-1:0] ro_wdata;
    reg  [PES-1:0]            ro_mask;
    integer ri;
    always @(*)
        for (ri = 0; ri < PES; ri = ri + 1) begin
            ro_mask[ri] = lane_ok(sweep_arrive, ri);
            ro_wdata[ri*COUNT_BITS +: COUNT_BITS] = f_c(n_rdata[ri]);
        end
    localparam [31:0] NMAX32 = NMAX;
    wire [31:0] h_cnt_idx = {{(32-HA_INDEX_BITS){1'b0}}, host_addr[HA_INDEX_LSB +: HA_INDEX_BITS]};
    wire        h_cnt_re = host_re && host_space == SPACE_SPIKE_COUNTS && h_cnt_idx < NMAX32;
    wire [31:0] h_cnt_row = h_cnt_idx / PES32;
    wire unused_h_cnt_row = ^h_cnt_row[31:GBITS];   // below NEURONS_PER_PE when read
    fspinn_sram_1r1w_mask #(.DEPTH(GROUPS_MAX), .LANES(PES), .LANE_BITS(COUNT_BITS)) u_counts (
        .clk(clk), .re(h_cnt_re), .raddr(h_cnt_row[GBITS-1:0]), .rdata(cnt_rdata),
        .we(phase == P_READOUT && kk >= NLAT), .wmask(ro_mask),
        .waddr(sweep_arrive[GBITS-1:0]), .wdata(ro_wdata));

    integer x;
    // The spikes of this generate cycle.
    reg [31:0] gen_count;
    integer g;
    always @(*) begin
        gen_count = 32'd0;
        for (g = 0; g < LANES; g = g + 1) gen_count = gen_count + {31'd0, sg_spike[g]};
    end
    always @(posedge clk) begin
        if (rst) begin
            phase <= P_IDLE;
            k <= 32'd0;
            t <= 32'd0;
            attempt <= 8'd0;
            wc <= 32'd0;
            ws <= 32'd0;
            // Network registers (space 0x00) clear to 0.
            r_n <= 16'd0;
            r_steps <= 16'd0;
            r_leak_shift <= 5'd0;
            r_v_thresh <= 16'sd0;
            r_theta_plus <= 16'd0;
            r_refr_start <= 4'd0;
            r_w_to_v <= 6'sd0;
            r_trace_max <= 16'd0;
            r_trace_bits <= 5'd0;
            r_half_life <= 16'd0;
            r_x_tar <= 16'd0;
            r_eta <= 32'd0;
            r_norm_target <= 40'd0;
            r_theta_decay <= 6'd0;
            r_inhibition <= 16'sd0;
            r_min_spikes <= 16'd0;
            r_max_attempts <= 16'd0;
            r_target <= 16'd0;
            r_flags <= 3'd0;
            r_seed <= 32'd0;
            r_train <= 1'b0;
            r_v_max <= 16'sd0;
            r_w_max <= 16'd0;
        end else begin
            // Host writes of registers while idle.
            if (!busy && host_we && host_space == SPACE_REGISTERS) begin
                case (host_addr[HA_REG_LSB +: HA_REG_BITS])
                    REG_N_NEURONS: r_n <= host_wdata[15:0];
                    REG_STEPS: r_steps <= host_wdata[15:0];
                    REG_LEAK_SHIFT: r_leak_shift <= host_wdata[4:0];
                    REG_V_THRESH: r_v_thresh <= host_wdata[15:0];
                    REG_THETA_PLUS: r_theta_plus <= host_wdata[15:0];
                    REG_REFRACTORY_START: r_refr_start <= host_wdata[3:0];
                    REG_W_TO_V_SHIFT: r_w_to_v <= host_wdata[5:0];
                    REG_TRACE_MAX: r_trace_max <= host_wdata[15:0];
                    REG_TRACE_BITS: r_trace_bits <= host_wdata[4:0];
                    REG_TRACE_HALF_LIFE: r_half_life <= host_wdata[15:0];
                    REG_X_TAR: r_x_tar <= host_wdata[15:0];
                    REG_ETA_POST_Q16: r_eta <= host_wdata[31:0];
                    REG_NORM_TARGET: r_norm_target <= host_wdata[39:0];
                    REG_THETA_DECAY_SHIFT: r_theta_decay <= host_wdata[5:0];
                    REG_INHIBITION: r_inhibition <= host_wdata[15:0];
                    REG_MIN_SPIKES: r_min_spikes <= host_wdata[15:0];
                    REG_MAX_ATTEMPTS: r_max_attempts <= host_wdata[15:0];
                    REG_TARGET_SPIKES: r_target <= host_wdata[15:0];
                    REG_FLAGS: r_flags <= host_wdata[2:0];
                    REG_SAMPLE_SEED: r_seed <= host_wdata[31:0];
                    REG_TRAIN: r_train <= host_wdata[0];
                    REG_V_MAX: r_v_max <= host_wdata[15:0];
                    REG_W_MAX: r_w_max <= host_wdata[15:0];
                    default: ;
                endcase
            end

            // Counters.
            if (busy) begin
                cnt_cycles <= cnt_cycles + 64'd1;
                for (x = 0; x < WBANKS; x = x + 1) begin
                    if (w_re[x]) cnt_w_rd[x] <= cnt_w_rd[x] + 64'd1;
                    if (w_we[x]) cnt_w_wr[x] <= cnt_w_wr[x] + 64'd1;
                end
                for (x = 0; x < PES; x = x + 1) begin
                    if (n_re[x]) cnt_n_rd[x] <= cnt_n_rd[x] + 64'd1;
                    if (n_we[x]) cnt_n_wr[x] <= cnt_n_wr[x] + 64'd1;
                end
            end
            if (!busy && host_we && host_space == SPACE_COUNTERS) begin
                cnt_cycles <= 64'd0;
                for (x = 0; x < WBANKS; x = x + 1) begin
                    cnt_w_rd[x] <= 64'd0; cnt_w_wr[x] <= 64'd0;
                end
                for (x = 0; x < PES; x = x + 1) begin
                    cnt_n_rd[x] <= 64'd0; cnt_n_wr[x] <= 64'd0;
                end
            end

            // Read pipelines.
            // A chunk is complete when its last group arrives: it enters the pipeline in its
            // last issue cycle (the first when CPC = 1).
            wp_valid[0] <= ((int_read || norm_read) && CPC == 1) || wc == 1 || syn_read;
            wp_i[0] <= (CPC > 1 && wc == 1) ? wc_tag : ((int_read || norm_read) ? req : syn_i);
            wg_valid[0] <= (WEIGHTS_ON_CHIP != 0) && (int_read || norm_read || wc != 0);
            wg_idx[0] <= (int_read || norm_read) ? 32'd0 : wc_g;
            for (x = 1; x < WLAT; x = x + 1) begin
                wg_valid[x] <= wg_valid[x-1];
                wg_idx[x] <= wg_idx[x-1];
            end
            if (CPC > 1 && wg_valid[WLAT-1] && wg_idx[WLAT-1] < CPC - 1)
                for (x = 0; x < WBANKS; x = x + 1)
                    if (wg_idx[WLAT-1] * WBANKS + x < WPC)
                        asm_word[wg_idx[WLAT-1] * WBANKS + x] <= w_rdata[x];
            if (WEIGHTS_ON_CHIP != 0 && CPC > 1) begin
                if (int_read || norm_read) begin
                    wc <= CPC - 1;
                    wc_base <= (int_read ? chunk_int : chunk_norm) * CPC;
                    wc_tag <= req;
                end else if (wc != 0) begin
                    wc <= wc - 32'd1;
                end
                if (phase == P_NORM_SCALE && w_arrive) begin
                    ws <= CPC - 1;
                    ws_base <= chunk_scale * CPC;
                    for (x = 0; x < WPC; x = x + 1) ws_word[x] <= sc_word[x];
                end else if (ws != 0) begin
                    ws <= ws - 32'd1;
                end
            end
            wp_j[0] <= syn_j;
            wp_delta[0] <= syn_delta;
            for (x = 1; x < WLAT; x = x + 1) begin
                wp_valid[x] <= wp_valid[x-1];
                wp_i[x] <= wp_i[x-1];
                wp_j[x] <= wp_j[x-1];
                wp_delta[x] <= wp_delta[x-1];
            end
            np_rand[0] <= {dl2[15:0], dl1[15:0]};
            for (x = 1; x < NLAT; x = x + 1) np_rand[x] <= np_rand[x-1];

            k <= k + 32'd1;
            case (phase)
                P_IDLE: begin
                    k <= 32'd0;
                    if (start) begin
                        phase <= P_SEED;
                        attempt <= 8'd0;
                    end
                end
                P_SEED: if (kk == ROWS - 1) begin
                    phase <= P_THRESHOLD; k <= 32'd0;
                end
                P_THRESHOLD: if (kk == ROWS - 1) begin
                    phase <= P_RESET; k <= 32'd0;
                end
                P_RESET: begin
                    if (kk == 0) begin
                        f_occ <= {GROUPS_MAX{1'b0}};
                        spikes_att <= 16'd0;
                        rlfsr <= rseed;
                    end
                    if (kk == groups + NLAT - 1) begin
                        k <= 32'd0; grp <= 32'd0; t <= 32'd0; req <= 32'd0; recv <= 32'd0;
                        n_in <= 32'd0;
                        phase <= r_train ? P_NORM_SUM : P_GENERATE;
                    end
                end
                P_NORM_SUM: begin
                    if (norm_read) req <= req + 32'd1;
                    if (w_arrive) recv <= recv + 32'd1;
                    if (norm_sum_last) begin
                        phase <= P_NORM_DIVIDE; k <= 32'd0;
                    end
                end
                P_NORM_DIVIDE: if (div_last == {PES{1'b1}}) begin
                    phase <= P_NORM_SCALE; k <= 32'd0; req <= 32'd0; recv <= 32'd0;
                end
                P_NORM_SCALE: begin
                    if (norm_read) req <= req + 32'd1;
                    if (w_arrive) recv <= recv + 32'd1;
                    if (scale_end) begin
                        k <= 32'd0; req <= 32'd0; recv <= 32'd0;
                        if (grp + 32'd1 < groups) begin
                            grp <= grp + 32'd1; phase <= P_NORM_SUM;
                        end else begin
                            grp <= 32'd0; t <= 32'd0; n_in <= 32'd0; phase <= P_GENERATE;
                        end
                    end
                end
                P_GENERATE: begin
                    n_in <= n_in + gen_count;
                    if (kk == ROWS - 1) begin
                        phase <= P_INTEGRATE; k <= 32'd0; grp <= 32'd0; req <= 32'd0;
                        recv <= 32'd0; fired_step <= 16'd0;
                    end
                end
                P_INTEGRATE: begin
                    if (int_read) req <= req + 32'd1;
                    if (w_arrive) recv <= recv + 32'd1;
                    if (integrate_done) begin
                        f_occ[grp[GBITS-1:0]] <= fire_mask != {PES{1'b0}};
                        fired_step <= fired_total;
                        spikes_att <= spikes_att + fired_now;
                        k <= 32'd0; req <= 32'd0; recv <= 32'd0;
                        if (grp + 32'd1 < groups) begin
                            grp <= grp + 32'd1;
                        end else if (fired_total != 16'd0) begin
                            phase <= P_INHIBIT;
                        end else begin
                            end_of_step;
                        end
                    end
                end
                P_INHIBIT: if (kk == groups + NLAT - 1) begin
                    k <= 32'd0;
                    if (r_train) begin
                        phase <= P_POTENTIATE;
                        syn_i <= 32'd0; pt_row <= {RBITS{1'b0}}; pt_lane <= {LBITS{1'b0}};
                        syn_g <= f_first_g; syn_l <= row_l; syn_fired <= f_rdata;
                        syn_j <= f_first_j; syn_more <= 1'b1;
                    end else begin
                        end_of_step;
                    end
                end
                P_POTENTIATE: begin
                    if (accept) begin
                        rlfsr <= rl_next;
                        if (syn_i_last) begin
                            syn_i <= 32'd0; pt_row <= {RBITS{1'b0}}; pt_lane <= {LBITS{1'b0}};
                            if (nf_none) begin
                                syn_more <= 1'b0;
                            end else if (rest_any) begin
                                syn_l <= rest_l; syn_j <= f_rest_j;
                            end else begin
                                syn_g <= f_next_g; syn_l <= row_l; syn_fired <= f_rdata;
                                syn_j <= f_next_j;
                            end
                        end else begin
                            syn_i <= syn_i + 32'd1;
                            if (pt_lane == LAST_LANE) begin
                                pt_row <= pt_row + 1'b1; pt_lane <= {LBITS{1'b0}};
                            end else begin
                                pt_lane <= pt_lane + 1'b1;
                            end
                        end
                    end
                    if (stdp_last) end_of_step;
                end
                P_THETA_DECAY: begin
                    if (kk < {16'd0, r_n}) dlfsr <= dl2;
                    if (kk == {16'd0, r_n} + NLAT - 1) begin
                        phase <= P_ADAPT; k <= 32'd0;
                    end
                end
                P_ADAPT: begin
                    if (r_flags[0]) r_inhibition <= inh_adapted;
                    end_of_attempt;
                end
                P_READOUT: begin
                    if (done) begin
                        phase <= P_IDLE; k <= 32'd0;
                    end
                end
                default: phase <= P_IDLE;
            endcase
        end
    end

    // ---------------------------------------------------------------- host reads
    // Registers, counters and spike counts: valid the cycle after host_re. SRAM words: valid
    // LATENCY cycles after host_re (the macro's own read latency), until the next read.
    reg [31:0] host_last;
    wire [HA_SPACE_BITS-1:0] host_last_space = host_last[HA_SPACE_LSB +: HA_SPACE_BITS];
    reg [63:0] host_reg;
    reg [63:0] host_mem;
    wire [31:0] h_cnt_last = {{(32-HA_INDEX_BITS){1'b0}}, host_last[HA_INDEX_LSB +: HA_INDEX_BITS]};
    wire [31:0] h_cnt_lane = h_cnt_last % PES32;
    wire unused_h_cnt_lane = ^h_cnt_lane[31:PBITS];  // below PES
    integer hb;
    always @(*) begin
        host_mem = 64'd0;
        for (hb = 0; hb < WBANKS; hb = hb + 1)
            if ({{(32-HA_WBANK_BITS){1'b0}}, host_last[HA_WBANK_LSB +: HA_WBANK_BITS]} == hb)
                host_mem[WWORD_BITS-1:0] = w_rdata[hb];
        if (host_last_space == SPACE_NEURONS) begin
            host_mem = 64'd0;
            for (hb = 0; hb < PES; hb = hb + 1)
                if ({{(32-HA_NBANK_BITS){1'b0}}, host_last[HA_NBANK_LSB +: HA_NBANK_BITS]} == hb)
                    host_mem[NWORD_BITS-1:0] = n_rdata[hb];
        end
        if (host_last_space == SPACE_SPIKE_COUNTS) begin
            host_mem = 64'd0;
            if (h_cnt_last < NMAX32)
                host_mem[COUNT_BITS-1:0] = cnt_rdata[h_cnt_lane[PBITS-1:0] * COUNT_BITS +: COUNT_BITS];
        end
        host_rdata = (host_last_space == SPACE_WEIGHTS || host_last_space == SPACE_NEURONS
                      || host_last_space == SPACE_SPIKE_COUNTS) ? host_mem : host_reg;
    end
    wire [31:0] hidx = {{(32-HA_INDEX_BITS){1'b0}}, host_addr[HA_INDEX_LSB +: HA_INDEX_BITS]};
    always @(posedge clk) begin
        if (rst) begin
            host_last <= 32'd0;
            host_reg <= 64'd0;
        end else if (host_re) begin
            host_last <= host_addr;
            host_reg <= 64'd0;
            case (host_space)
                // Network registers, zero-extended; the signed ones (v_thresh, w_to_v_shift,
                // inhibition, v_max) sign-extended.
                SPACE_REGISTERS: case (host_addr[HA_REG_LSB +: HA_REG_BITS])
                    REG_N_NEURONS: host_reg <= {48'd0, r_n};
                    REG_STEPS: host_reg <= {48'd0, r_steps};
                    REG_LEAK_SHIFT: host_reg <= {59'd0, r_leak_shift};
                    REG_V_THRESH: host_reg <= {{48{r_v_thresh[15]}}, r_v_thresh};
                    REG_THETA_PLUS: host_reg <= {48'd0, r_theta_plus};
                    REG_REFRACTORY_START: host_reg <= {60'd0, r_refr_start};
                    REG_W_TO_V_SHIFT: host_reg <= {{58{r_w_to_v[5]}}, r_w_to_v};
                    REG_TRACE_MAX: host_reg <= {48'd0, r_trace_max};
                    REG_TRACE_BITS: host_reg <= {59'd0, r_trace_bits};
                    REG_TRACE_HALF_LIFE: host_reg <= {48'd0, r_half_life};
                    REG_X_TAR: host_reg <= {48'd0, r_x_tar};
                    REG_ETA_POST_Q16: host_reg <= {32'd0, r_eta};
                    REG_NORM_TARGET: host_reg <= {24'd0, r_norm_target};
                    REG_THETA_DECAY_SHIFT: host_reg <= {58'd0, r_theta_decay};
                    REG_INHIBITION: host_reg <= {{48{r_inhibition[15]}}, r_inhibition};
                    REG_MIN_SPIKES: host_reg <= {48'd0, r_min_spikes};
                    REG_MAX_ATTEMPTS: host_reg <= {48'd0, r_max_attempts};
                    REG_TARGET_SPIKES: host_reg <= {48'd0, r_target};
                    REG_FLAGS: host_reg <= {61'd0, r_flags};
                    REG_SAMPLE_SEED: host_reg <= {32'd0, r_seed};
                    REG_TRAIN: host_reg <= {63'd0, r_train};
                    REG_V_MAX: host_reg <= {{48{r_v_max[15]}}, r_v_max};
                    REG_W_MAX: host_reg <= {48'd0, r_w_max};
                    default: host_reg <= 64'd0;
                endcase
                SPACE_COUNTERS: begin
                    for (hb = 0; hb < WBANKS; hb = hb + 1) begin
                        if (hidx == 1 + 2 * hb) host_reg <= cnt_w_rd[hb];
                        if (hidx == 2 + 2 * hb) host_reg <= cnt_w_wr[hb];
                    end
                    for (hb = 0; hb < PES; hb = hb + 1) begin
                        if (hidx == 1 + 2 * WBANKS + 2 * hb) host_reg <= cnt_n_rd[hb];
                        if (hidx == 2 + 2 * WBANKS + 2 * hb) host_reg <= cnt_n_wr[hb];
                    end
                    if (hidx == 0) host_reg <= cnt_cycles;
                end
                default: host_reg <= 64'd0;
            endcase
        end
    end
endmodule

`default_nettype wire
