// fspinn_top: the FSpiNN accelerator (docs/architecture.md), cycle for cycle the L2 model of
// sim/src/accel/ in its FSpiNN mode (direct inhibition, post-only STDP, per-step updates)
// with the weights on chip (WEIGHTS_ON_CHIP = 1, the banks) or in DRAM (WEIGHTS_ON_CHIP = 0,
// the DRAM port: one transaction at a time). Ports and host address map: docs/rtl.md.
//
// The top only instantiates and wires the blocks, each in its own file with a same-named
// Rust twin in sim/src/accel/ (docs/rtl.md, "Blocks"): fspinn_host (registers, counters,
// host reads), fspinn_controller (the phase FSM), fspinn_spikegen, one fspinn_pe per lane,
// fspinn_normalize, fspinn_stdp and fspinn_weight_port; and it holds the memories several
// blocks drive (the blocks' ports, or the host's while idle): the weight banks and the neuron
// banks (one per lane).
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
    output wire [63:0]             host_rdata,
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
    localparam integer PER_WORD  = WWORD_BITS / WEIGHT_BITS;
    localparam integer WPC       = (PES + PER_WORD - 1) / PER_WORD;  // words per chunk
    localparam integer ROWS      = (INPUTS + LANES - 1) / LANES;
    localparam integer RBITS     = (ROWS > 1) ? $clog2(ROWS) : 1;
    localparam integer WABITS    = (WDEPTH > 1) ? $clog2(WDEPTH) : 1;
    localparam integer NABITS    = (NDEPTH > 1) ? $clog2(NDEPTH) : 1;
    localparam integer SG_LBITS  = (LANES > 1) ? $clog2(LANES) : 1;
    localparam integer GBITS     = (NEURONS_PER_PE > 1) ? $clog2(NEURONS_PER_PE) : 1;
    localparam integer PBITS     = (PES > 1) ? $clog2(PES) : 1;
    localparam integer ABITS     = (ATTEMPTS > 1) ? $clog2(ATTEMPTS) : 1;

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
        // The host sends a pixel's lane and row in fields of the pixel space, a spike
        // count's PE and group in fields of the count space (no divide on the chip).
        if (LANES < 1 || LANES > (1 << HA_PIXEL_LANE_BITS)) begin : g_limit_lanes
            fspinn_unsupported_LANES_must_be_1_to_256 u_limit ();
        end
        if (RBITS > HA_PIXEL_ROW_BITS || PES > (1 << HA_COUNT_PE_BITS)
            || GBITS > HA_COUNT_GROUP_BITS) begin : g_limit_host_fields
            fspinn_unsupported_host_address_fields_too_narrow u_limit ();
        end
        if (NWORD_BITS < COUNT_LSB + COUNT_BITS) begin : g_limit_nword
            fspinn_unsupported_NWORD_BITS_below_36_plus_COUNT_BITS u_limit ();
        end
    endgenerate

    localparam integer BBITS = (WBANKS > 1) ? $clog2(WBANKS) : 1;
    localparam integer POS_BITS = (PER_WORD > 1) ? $clog2(PER_WORD) : 1;

    // ---------------------------------------------------------------- wires between blocks
    // Network registers (fspinn_host).
    wire [15:0] r_n, r_steps;
    wire [4:0]  r_leak_shift;
    wire signed [15:0] r_v_thresh;
    wire [15:0] r_theta_plus;
    wire [3:0]  r_refr_start;
    wire signed [5:0] r_w_to_v;
    wire [15:0] r_trace_max;
    wire [4:0]  r_trace_bits;
    wire [15:0] r_half_life;
    wire [15:0] r_x_tar;
    wire [31:0] r_eta;
    wire [39:0] r_norm_target;
    wire [5:0]  r_theta_decay;
    wire signed [15:0] r_inhibition;
    wire [15:0] r_min_spikes, r_max_attempts, r_target;
    wire [2:0]  r_flags;
    wire [31:0] r_seed;
    wire        r_train;
    wire signed [15:0] r_v_max;
    wire [15:0] r_w_max;
    wire [1:0]  rmode = r_flags[FLAG_ROUNDING_LSB +: FLAG_ROUNDING_BITS];
    // The weight code's storage is WEIGHT_BITS wide; the register holds up to 16 bits.
    wire unused_w_max_hi = ^r_w_max;
    // The dividers' dividend is norm_target << 16 in 40 bits (the register reads back whole).
    wire unused_norm_target_hi = ^r_norm_target[39:24];
    // Controller state and strobes (fspinn_controller). `phase` and `n_in` keep their names
    // in the top's scope: the testbench's waveform checks read them there.
    wire [PHASE_BITS-1:0] phase;
    wire [31:0] t, grp, req, recv, n_in;
    wire [7:0]  attempt;
    wire [15:0] fired_step;
    wire ph_threshold, ph_reset, ph_norm_sum, ph_norm_scale, ph_generate, ph_integrate;
    wire ph_inhibit, ph_potentiate, k_zero;
    wire [1:0] sg_op;
    wire [ABITS-1:0] rate_raddr;
    wire [31:0] rate;
    wire integrate_arrive, integrate_done, int_read, attempt_reset, walk_start;
    wire [31:0] grp_base;
    wire [39:0] grp_addr, req_addr, recv_addr, int_addr;
    wire sweep_rd, sweep_wr, cnt_we, td_read, td_write, inh_we;
    wire [31:0] sweep_rd_base, sweep_wr_base, td_rand;
    wire [NABITS-1:0] sweep_raddr, sweep_waddr, td_ra, td_wa;
    wire [PBITS-1:0] td_rp, td_wp;
    wire [GBITS-1:0] cnt_waddr;
    wire signed [15:0] inh_value;
    // n_in is observed only (waveforms); the step and group are used in their low bits.
    wire unused_ctl = ^{n_in, t[31:16], grp[31:16]};
    // Spike generator, input spike bitmap.
    wire [LANES-1:0] sg_spike;
    wire [RBITS-1:0] sg_row;   // the row of this sweep cycle (the unit's own counter)
    wire pix_we;
    // Weight port.
    wire can_read, d_can_read, w_arrive, wp_pending, d_idle_next, d_write_done, ws_last;
    wire [31:0] wa_i, wa_j;
    wire signed [31:0] wa_delta;
    wire [WPC*WWORD_BITS-1:0] rd_words;
    // Normalisation.
    wire norm_read, norm_sum_last, divided, scale_end;
    wire [39:0] norm_addr, scale_addr;
    wire [WPC*WWORD_BITS-1:0] sc_words;
    // STDP.
    wire syn_read, stdp_write, stdp_last;
    wire [31:0] syn_i, syn_j, rs_i, rs_j;
    wire signed [31:0] syn_delta, rs_delta;
    wire [39:0] rs_addr;
    wire [BBITS-1:0] rs_bank, wa_bank;
    wire [POS_BITS-1:0] rs_pos, wa_pos;
    wire [WEIGHT_BITS-1:0] wa_new;
    wire [WWORD_BITS-1:0] wa_mod;
    // The observation ports carry 16-bit input and neuron indices.
    wire unused_wa_hi = ^{wa_i[31:16], wa_j[31:16]};
    // Lanes.
    wire [PES-1:0] fire_mask, lane_ok, div_last, sweep_wr_ok;
    wire [PES*WEIGHT_BITS-1:0] pe_scaled;
    wire [PES*COUNT_BITS-1:0] pe_count;
    // Memory ports: the blocks' drive, the host's strobes, the read data.
    wire [WBANKS-1:0]            w_re, w_we, hw_wbank, hr_wbank;
    wire [WBANKS*WABITS-1:0]     w_raddr, w_waddr;
    wire [WBANKS*WWORD_BITS-1:0] w_wdata, w_rdata;
    wire [PES-1:0]               n_re, n_we, hw_nbank, hr_nbank;
    wire [PES*NABITS-1:0]        n_raddr, n_waddr;
    wire [PES*NWORD_BITS-1:0]    n_wdata, n_rdata;

    // ---------------------------------------------------------------- host interface
    fspinn_host #(
        .PES(PES), .NEURONS_PER_PE(NEURONS_PER_PE), .WBANKS(WBANKS), .WWORD_BITS(WWORD_BITS),
        .NWORD_BITS(NWORD_BITS), .COUNT_BITS(COUNT_BITS), .ATTEMPTS(ATTEMPTS)
    ) u_host (
        .clk(clk), .rst(rst), .host_we(host_we), .host_re(host_re), .host_addr(host_addr),
        .host_wdata(host_wdata), .host_rdata(host_rdata), .busy(busy),
        .hw_wbank(hw_wbank), .hr_wbank(hr_wbank), .hw_nbank(hw_nbank), .hr_nbank(hr_nbank),
        .pix_we(pix_we),
        .r_n(r_n), .r_steps(r_steps), .r_leak_shift(r_leak_shift), .r_v_thresh(r_v_thresh),
        .r_theta_plus(r_theta_plus), .r_refr_start(r_refr_start), .r_w_to_v(r_w_to_v),
        .r_trace_max(r_trace_max), .r_trace_bits(r_trace_bits), .r_half_life(r_half_life),
        .r_x_tar(r_x_tar), .r_eta(r_eta), .r_norm_target(r_norm_target),
        .r_theta_decay(r_theta_decay), .r_inhibition(r_inhibition),
        .r_min_spikes(r_min_spikes), .r_max_attempts(r_max_attempts), .r_target(r_target),
        .r_flags(r_flags), .r_seed(r_seed), .r_train(r_train), .r_v_max(r_v_max),
        .r_w_max(r_w_max),
        .inh_we(inh_we), .inh_value(inh_value), .rate_raddr(rate_raddr), .rate(rate),
        .w_re(w_re), .w_we(w_we), .n_re(n_re), .n_we(n_we), .w_rdata(w_rdata), .n_rdata(n_rdata),
        .cnt_we(cnt_we), .cnt_wmask(sweep_wr_ok), .cnt_waddr(cnt_waddr), .cnt_wdata(pe_count));

    // ---------------------------------------------------------------- controller
    fspinn_controller #(
        .PES(PES), .NEURONS_PER_PE(NEURONS_PER_PE), .INPUTS(INPUTS), .LANES(LANES),
        .WBANKS(WBANKS), .WWORD_BITS(WWORD_BITS), .NDEPTH(NDEPTH), .NLAT(NLAT), .WLAT(WLAT),
        .WEIGHT_BITS(WEIGHT_BITS), .ATTEMPTS(ATTEMPTS), .WEIGHTS_ON_CHIP(WEIGHTS_ON_CHIP),
        .WDEPTH(WDEPTH), .PHASE_W(PHASE_BITS)
    ) u_controller (
        .clk(clk), .rst(rst), .start(start),
        .r_n(r_n), .r_steps(r_steps), .r_train(r_train), .r_min_spikes(r_min_spikes),
        .r_max_attempts(r_max_attempts), .r_adaptive(r_flags[FLAG_ADAPTIVE_INHIBITION]),
        .r_seed(r_seed), .r_inhibition(r_inhibition), .r_target(r_target),
        .r_v_thresh(r_v_thresh), .r_v_max(r_v_max),
        .sg_row(sg_row), .sg_spike(sg_spike), .can_read(can_read),
        .w_arrive(w_arrive), .norm_read(norm_read), .norm_sum_last(norm_sum_last),
        .divided(divided), .scale_end(scale_end), .fire_mask(fire_mask), .stdp_last(stdp_last),
        .phase(phase), .busy(busy), .done(done), .t(t), .attempt(attempt), .grp(grp),
        .req(req), .recv(recv), .n_in(n_in), .fired_step(fired_step),
        .ph_threshold(ph_threshold), .ph_reset(ph_reset), .ph_norm_sum(ph_norm_sum),
        .ph_norm_scale(ph_norm_scale), .ph_generate(ph_generate), .ph_integrate(ph_integrate),
        .ph_inhibit(ph_inhibit), .ph_potentiate(ph_potentiate), .k_zero(k_zero),
        .sg_op(sg_op), .rate_raddr(rate_raddr),
        .integrate_arrive(integrate_arrive), .integrate_done(integrate_done),
        .grp_base(grp_base), .grp_addr(grp_addr), .req_addr(req_addr), .recv_addr(recv_addr),
        .int_read(int_read), .int_addr(int_addr),
        .attempt_reset(attempt_reset), .walk_start(walk_start),
        .sweep_rd(sweep_rd), .sweep_rd_base(sweep_rd_base), .sweep_raddr(sweep_raddr),
        .sweep_wr(sweep_wr), .sweep_wr_base(sweep_wr_base), .sweep_waddr(sweep_waddr),
        .cnt_we(cnt_we), .cnt_waddr(cnt_waddr),
        .td_read(td_read), .td_rp(td_rp), .td_ra(td_ra), .td_write(td_write), .td_wp(td_wp),
        .td_wa(td_wa), .td_rand(td_rand), .inh_we(inh_we), .inh_value(inh_value));
    assign obs_phase = phase;
    assign obs_timestep = t[15:0];
    assign obs_attempt = attempt;

    // ---------------------------------------------------------------- spike generator
    fspinn_spikegen #(.INPUTS(INPUTS), .LANES(LANES)) u_spikegen (
        .clk(clk), .rst(rst), .op(sg_op), .sample_seed(r_seed),
        .rate(rate),
        .pix_we(pix_we),
        .pix_wrow(host_addr[HA_PIXEL_ROW_LSB +: RBITS]),
        .pix_wlane(host_addr[HA_PIXEL_LANE_LSB +: SG_LBITS]), .pix_data(host_wdata[7:0]),
        .row(sg_row), .spike(sg_spike));


    // ---------------------------------------------------------------- memories
    // The banks' ports: the blocks' drive, or the host's access while idle.
    genvar gb;
    generate
        for (gb = 0; gb < WBANKS; gb = gb + 1) begin : g_wbank
            wire                  hw      = hw_wbank[gb];
            wire                  hr      = hr_wbank[gb];
            wire                  m_re    = w_re[gb] | hr;
            wire [WABITS-1:0]     m_raddr = hr ? host_addr[WABITS-1:0] : w_raddr[gb*WABITS +: WABITS];
            wire                  m_we    = w_we[gb] | hw;
            wire [WABITS-1:0]     m_waddr = hw ? host_addr[WABITS-1:0] : w_waddr[gb*WABITS +: WABITS];
            wire [WWORD_BITS-1:0] m_wdata = hw ? host_wdata[WWORD_BITS-1:0]
                                               : w_wdata[gb*WWORD_BITS +: WWORD_BITS];
            fspinn_sram_1r1w #(.DEPTH(WDEPTH), .WIDTH(WWORD_BITS), .LATENCY(WLAT)) u_mem (
                .clk(clk), .re(m_re), .raddr(m_raddr), .rdata(w_rdata[gb*WWORD_BITS +: WWORD_BITS]),
                .we(m_we), .waddr(m_waddr), .wdata(m_wdata));
        end
        for (gb = 0; gb < PES; gb = gb + 1) begin : g_nbank
            wire                  hw      = hw_nbank[gb];
            wire                  hr      = hr_nbank[gb];
            wire                  m_re    = n_re[gb] | hr;
            wire [NABITS-1:0]     m_raddr = hr ? host_addr[NABITS-1:0] : n_raddr[gb*NABITS +: NABITS];
            wire                  m_we    = n_we[gb] | hw;
            wire [NABITS-1:0]     m_waddr = hw ? host_addr[NABITS-1:0] : n_waddr[gb*NABITS +: NABITS];
            wire [NWORD_BITS-1:0] m_wdata = hw ? host_wdata[NWORD_BITS-1:0]
                                               : n_wdata[gb*NWORD_BITS +: NWORD_BITS];
            fspinn_sram_1r1w #(.DEPTH(NDEPTH), .WIDTH(NWORD_BITS), .LATENCY(NLAT)) u_mem (
                .clk(clk), .re(m_re), .raddr(m_raddr), .rdata(n_rdata[gb*NWORD_BITS +: NWORD_BITS]),
                .we(m_we), .waddr(m_waddr), .wdata(m_wdata));
        end
    endgenerate
    // Observation: the blocks' drive of the banks (docs/rtl.md, "Lock step").
    assign obs_wbank_re = w_re;
    assign obs_wbank_we = w_we;
    assign obs_wbank_raddr = w_raddr;
    assign obs_wbank_waddr = w_waddr;
    assign obs_wbank_wdata = w_wdata;
    assign obs_nbank_re = n_re;
    assign obs_nbank_we = n_we;
    assign obs_nbank_raddr = n_raddr;
    assign obs_nbank_waddr = n_waddr;
    assign obs_nbank_wdata = n_wdata;

    // ---------------------------------------------------------------- PE lanes
    genvar gp;
    generate
        for (gp = 0; gp < PES; gp = gp + 1) begin : g_pe
            // The lane's weight code in the arriving words (a fixed slice per lane).
            wire [WEIGHT_BITS-1:0] w = rd_words[(gp / PER_WORD) * WWORD_BITS
                                                + (gp % PER_WORD) * WEIGHT_BITS +: WEIGHT_BITS];
            fspinn_pe #(
                .LANE(gp), .NWORD_BITS(NWORD_BITS), .NDEPTH(NDEPTH), .WEIGHT_BITS(WEIGHT_BITS),
                .COUNT_BITS(COUNT_BITS)
            ) u_pe (
                .clk(clk), .rst(rst),
                .ph_integrate(ph_integrate), .ph_norm_sum(ph_norm_sum), .ph_reset(ph_reset),
                .ph_inhibit(ph_inhibit), .k_zero(k_zero), .integrate_arrive(integrate_arrive),
                .integrate_done(integrate_done), .w_arrive(w_arrive),
                .norm_sum_last(norm_sum_last),
                .grp_base(grp_base), .grp_addr(grp[NABITS-1:0]),
                .sweep_rd(sweep_rd), .sweep_rd_base(sweep_rd_base), .sweep_raddr(sweep_raddr),
                .sweep_wr(sweep_wr), .sweep_wr_base(sweep_wr_base), .sweep_waddr(sweep_waddr),
                .td_read(td_read && {{(32-PBITS){1'b0}}, td_rp} == gp), .td_raddr(td_ra),
                .td_write(td_write && {{(32-PBITS){1'b0}}, td_wp} == gp), .td_waddr(td_wa),
                .td_rand(td_rand), .fired_step(fired_step),
                .r_n(r_n), .r_leak_shift(r_leak_shift), .r_w_to_v(r_w_to_v),
                .r_v_thresh(r_v_thresh), .r_theta_plus(r_theta_plus),
                .r_refr_start(r_refr_start), .r_train(r_train), .r_inhibition(r_inhibition),
                .r_theta_decay(r_theta_decay), .r_norm_target(r_norm_target[23:0]),
                .w(w), .n_rdata(n_rdata[gp*NWORD_BITS +: NWORD_BITS]),
                .fire(fire_mask[gp]), .ok(lane_ok[gp]), .div_last(div_last[gp]),
                .scaled(pe_scaled[gp*WEIGHT_BITS +: WEIGHT_BITS]),
                .sweep_wr_ok(sweep_wr_ok[gp]),
                .count(pe_count[gp*COUNT_BITS +: COUNT_BITS]),
                .n_re(n_re[gp]), .n_raddr(n_raddr[gp*NABITS +: NABITS]), .n_we(n_we[gp]),
                .n_waddr(n_waddr[gp*NABITS +: NABITS]),
                .n_wdata(n_wdata[gp*NWORD_BITS +: NWORD_BITS]));
        end
    endgenerate

    // ---------------------------------------------------------------- normalisation
    fspinn_normalize #(
        .PES(PES), .INPUTS(INPUTS), .WBANKS(WBANKS), .WWORD_BITS(WWORD_BITS),
        .WEIGHT_BITS(WEIGHT_BITS), .WEIGHTS_ON_CHIP(WEIGHTS_ON_CHIP)
    ) u_normalize (
        .ph_norm_sum(ph_norm_sum), .ph_norm_scale(ph_norm_scale), .grp_addr(grp_addr),
        .req(req), .req_addr(req_addr), .recv(recv), .recv_addr(recv_addr),
        .can_read(can_read), .w_arrive(w_arrive),
        .d_write_done(d_write_done), .ws_last(ws_last), .rd_words(rd_words),
        .div_last(div_last), .lane_ok(lane_ok), .scaled(pe_scaled),
        .norm_read(norm_read), .norm_addr(norm_addr), .scale_addr(scale_addr),
        .sc_words(sc_words),
        .norm_sum_last(norm_sum_last), .divided(divided), .scale_end(scale_end));

    // ---------------------------------------------------------------- STDP unit
    fspinn_stdp #(
        .PES(PES), .NEURONS_PER_PE(NEURONS_PER_PE), .INPUTS(INPUTS), .LANES(LANES),
        .WBANKS(WBANKS), .WWORD_BITS(WWORD_BITS), .WDEPTH(WDEPTH), .WEIGHT_BITS(WEIGHT_BITS),
        .STEP_BITS(STEP_BITS), .WEIGHTS_ON_CHIP(WEIGHTS_ON_CHIP)
    ) u_stdp (
        .clk(clk), .rst(rst), .ph_threshold(ph_threshold), .ph_generate(ph_generate),
        .ph_potentiate(ph_potentiate), .attempt_reset(attempt_reset), .walk_start(walk_start),
        .integrate_done(integrate_done), .grp(grp[GBITS-1:0]), .grp_base(grp_base),
        .grp_addr(grp_addr), .fire_mask(fire_mask),
        .t(t[STEP_BITS-1:0]), .attempt(attempt), .sg_row(sg_row), .sg_spike(sg_spike),
        .r_seed(r_seed), .r_eta(r_eta), .r_x_tar(r_x_tar), .r_trace_max(r_trace_max),
        .r_trace_bits(r_trace_bits), .r_half_life(r_half_life), .rmode(rmode),
        .r_w_max(r_w_max[WEIGHT_BITS-1:0]),
        .w_arrive(w_arrive), .wa_delta(wa_delta), .wa_bank(wa_bank), .wa_pos(wa_pos),
        .w_rdata(w_rdata),
        .rd_word0(rd_words[WWORD_BITS-1:0]), .d_can_read(d_can_read), .wp_pending(wp_pending),
        .d_idle_next(d_idle_next),
        .syn_read(syn_read), .syn_i(syn_i), .syn_j(syn_j),
        .syn_delta(syn_delta), .rs_i(rs_i), .rs_j(rs_j), .rs_delta(rs_delta),
        .rs_addr(rs_addr), .rs_bank(rs_bank), .rs_pos(rs_pos),
        .stdp_write(stdp_write), .wa_new(wa_new), .wa_mod(wa_mod), .stdp_last(stdp_last));

    // ---------------------------------------------------------------- weight port
    fspinn_weight_port #(
        .PES(PES), .WBANKS(WBANKS), .WWORD_BITS(WWORD_BITS), .WDEPTH(WDEPTH), .WLAT(WLAT),
        .WEIGHT_BITS(WEIGHT_BITS), .DRAM_WORDS(DRAM_WORDS), .WEIGHTS_ON_CHIP(WEIGHTS_ON_CHIP)
    ) u_weight_port (
        .clk(clk), .rst(rst), .ph_norm_scale(ph_norm_scale), .ph_potentiate(ph_potentiate),
        .int_read(int_read), .int_addr(int_addr), .norm_read(norm_read), .norm_addr(norm_addr),
        .req(req), .scale_addr(scale_addr), .sc_words(sc_words),
        .syn_read(syn_read), .syn_i(syn_i), .syn_j(syn_j), .syn_delta(syn_delta),
        .rs_i(rs_i), .rs_j(rs_j), .rs_delta(rs_delta), .rs_addr(rs_addr), .rs_bank(rs_bank),
        .rs_pos(rs_pos), .stdp_write(stdp_write), .wa_mod(wa_mod),
        .can_read(can_read), .d_can_read(d_can_read), .w_arrive(w_arrive), .wa_i(wa_i),
        .wa_j(wa_j), .wa_delta(wa_delta), .wa_bank(wa_bank), .wa_pos(wa_pos),
        .rd_words(rd_words), .wp_pending(wp_pending),
        .d_idle_next(d_idle_next), .d_write_done(d_write_done), .ws_last(ws_last),
        .w_re(w_re), .w_raddr(w_raddr), .w_we(w_we), .w_waddr(w_waddr), .w_wdata(w_wdata),
        .w_rdata(w_rdata),
        .dram_req_valid(dram_req_valid), .dram_req_write(dram_req_write),
        .dram_req_addr(dram_req_addr), .dram_req_bytes(dram_req_bytes),
        .dram_req_wdata(dram_req_wdata), .dram_req_ready(dram_req_ready),
        .dram_resp_valid(dram_resp_valid), .dram_resp_rdata(dram_resp_rdata));

    // ---------------------------------------------------------------- outputs
    assign spike_valid  = |fire_mask;
    assign spike_neuron = grp[15:0];
    assign spike_mask   = fire_mask;
    assign wupd_valid   = stdp_write;
    assign wupd_input   = wa_i[15:0];
    assign wupd_neuron  = wa_j[15:0];
    assign wupd_value   = {{(16-WEIGHT_BITS){1'b0}}, wa_new};
endmodule

`default_nettype wire
