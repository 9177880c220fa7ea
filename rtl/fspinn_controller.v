// fspinn_controller: the phase FSM of a sample (L2 twin: sim/src/accel/controller.rs,
// `Controller`), written as two processes: the `*_q` registers and one combinational block
// that computes their next values `*_d`. It sequences a sample (docs/architecture.md):
// seed, then per attempt threshold, reset, per step [norm_sum, norm_divide, norm_scale per
// group before the first step of a training sample,] generate, integrate per group, inhibit,
// potentiate (training), and after the steps theta_decay (training) and adapt; readout at the
// end. It counts the cycle within a pass (`k`), the neuron group, the time step, the attempt,
// the chunks requested and received in a pass and the input and output spikes of the step.
//
// It also walks what only it can order: the input spikes of a step (a bitmap of ROWS rows of
// LANES bits, u_in_spikes, read one row per cycle, the lowest unconsumed lane of
// the current row and the next non-empty row by priority encoders, one spike per chunk
// request), the theta-decay sweep (neurons in index order, with its LFSR's draws travelling
// with the neuron reads) and the sweeps over neuron groups (read group k, the data of group
// k - NLAT arrives). It leaves norm_divide on the dividers' handshake (`divided`: every lane's
// `last`, DIV_CYCLES after the start).
`default_nettype none

module fspinn_controller #(
    parameter integer PES             = 16,
    parameter integer NEURONS_PER_PE  = 25,
    parameter integer INPUTS          = 784,
    parameter integer LANES           = 16,
    parameter integer WBANKS          = 2,
    parameter integer WWORD_BITS      = 64,
    parameter integer NDEPTH          = 32,
    parameter integer NLAT            = 1,
    parameter integer WLAT            = 1,
    parameter integer WEIGHT_BITS     = 8,
    parameter integer ATTEMPTS        = 16,
    parameter integer WEIGHTS_ON_CHIP = 1,
    parameter integer WDEPTH          = 19600,
    parameter integer PHASE_W         = 5,
    parameter integer ROWS            = (INPUTS + LANES - 1) / LANES,
    parameter integer RBITS           = (ROWS > 1) ? $clog2(ROWS) : 1,
    parameter integer PBITS           = (PES > 1) ? $clog2(PES) : 1,
    parameter integer NABITS          = (NDEPTH > 1) ? $clog2(NDEPTH) : 1,
    parameter integer GBITS           = (NEURONS_PER_PE > 1) ? $clog2(NEURONS_PER_PE) : 1,
    parameter integer ABITS           = (ATTEMPTS > 1) ? $clog2(ATTEMPTS) : 1
) (
    input  wire                clk,
    input  wire                rst,
    input  wire                start,
    // Network registers.
    input  wire [15:0]         r_n,
    input  wire [15:0]         r_steps,
    input  wire                r_train,
    input  wire [15:0]         r_min_spikes,
    input  wire [15:0]         r_max_attempts,
    input  wire                r_adaptive,      // flags: adaptive inhibition
    input  wire [31:0]         r_seed,
    input  wire signed [15:0]  r_inhibition,
    input  wire [15:0]         r_target,
    input  wire signed [15:0]  r_v_thresh,
    input  wire signed [15:0]  r_v_max,
    // The blocks' conditions.
    input  wire [RBITS-1:0]    sg_row,          // spike generator: the row of this cycle
    input  wire [LANES-1:0]    sg_spike,        // and its spikes
    input  wire                can_read,        // weight port: a chunk read can be issued
    input  wire                w_arrive,        // weight port: a read arrives
    input  wire                norm_read,       // normalisation reads a chunk
    input  wire                norm_sum_last,   // the last column-sum chunk arrives
    input  wire                divided,         // every divider's `last`
    input  wire                scale_end,       // the last scaled chunk is written
    input  wire [PES-1:0]      fire_mask,       // the lanes firing at the end of the group
    input  wire                stdp_last,       // last cycle of the potentiate pass
    // State.
    output wire [PHASE_W-1:0]  phase,
    output wire                busy,
    output wire                done,
    output wire [31:0]         t,
    output wire [7:0]          attempt,
    output wire [31:0]         grp,
    output wire [31:0]         req,
    output wire [31:0]         recv,
    output wire [31:0]         n_in,
    output wire [15:0]         fired_step,
    // Phase strobes.
    output wire                ph_threshold,
    output wire                ph_reset,
    output wire                ph_norm_sum,
    output wire                ph_norm_scale,
    output wire                ph_generate,
    output wire                ph_integrate,
    output wire                ph_inhibit,
    output wire                ph_potentiate,
    output wire                k_zero,
    output wire [1:0]          sg_op,           // spike generator: 1 seed, 2 threshold, 3 generate
    output wire [ABITS-1:0]    rate_raddr,
    // Integrate.
    output wire                integrate_arrive,
    output wire                integrate_done,
    output wire [31:0]         grp_base,        // grp * PES: the group's first neuron
    output wire [39:0]         grp_addr,        // the group's first chunk's address
    output wire [39:0]         req_addr,        // req chunks on: req * CHUNK_STEP
    output wire [39:0]         recv_addr,       // recv * CHUNK_STEP
    output wire                int_read,
    output wire [39:0]         int_addr,        // the chunk of the next input spike
    // STDP.
    output wire                attempt_reset,
    output wire                walk_start,
    // Sweeps over neuron groups.
    output wire                sweep_rd,
    output wire [31:0]         sweep_rd_base,
    output wire [NABITS-1:0]   sweep_raddr,
    output wire                sweep_wr,
    output wire [31:0]         sweep_wr_base,
    output wire [NABITS-1:0]   sweep_waddr,
    output wire                cnt_we,          // readout: write the group's spike counts
    output wire [GBITS-1:0]    cnt_waddr,
    // Theta decay.
    output wire                td_read,
    output wire [PBITS-1:0]    td_rp,
    output wire [NABITS-1:0]   td_ra,
    output wire                td_write,
    output wire [PBITS-1:0]    td_wp,
    output wire [NABITS-1:0]   td_wa,
    output wire [31:0]         td_rand,
    // Adaptive inhibition.
    output wire                inh_we,
    output wire signed [15:0]  inh_value
);
    `include "fspinn_consts.vh"

    localparam integer PER_WORD = WWORD_BITS / WEIGHT_BITS;
    localparam integer WPC      = (PES + PER_WORD - 1) / PER_WORD;  // words per chunk
    localparam integer CPC      = (WPC + WBANKS - 1) / WBANKS;      // cycles per chunk (on chip)
    localparam integer LBITS    = (LANES > 1) ? $clog2(LANES) : 1;
    localparam integer WBYTES   = WWORD_BITS / 8;
    localparam integer CHUNK_BYTES = WPC * WBYTES;
    // A chunk's address: its first bank row on chip (CPC rows per chunk), its byte address in
    // DRAM (WeightLayout::dram_chunk_addr). Every address is a running sum stepped with the
    // loops (no multiply or divide by a parameter on the address paths).
    localparam integer CHUNK_STEP_I = (WEIGHTS_ON_CHIP != 0) ? CPC : CHUNK_BYTES;
    localparam [39:0] CHUNK_STEP = {8'd0, CHUNK_STEP_I[31:0]};
    localparam [39:0] GROUP_STEP = CHUNK_STEP * INPUTS;   // a group's INPUTS chunks
    localparam [31:0] PES32     = PES;
    localparam [31:0] NLAT_PES  = NLAT * PES;
    localparam [31:0] NLAT1_PES = (NLAT - 1) * PES;
    localparam integer DELAY    = (NLAT > WLAT) ? NLAT - WLAT : 0;

    generate
        if (PHASE_W != PHASE_BITS) begin : g_limit_phase
            fspinn_unsupported_PHASE_W_must_be_PHASE_BITS u_limit ();
        end
    endgenerate

    // ---------------------------------------------------------------- state
    reg [PHASE_BITS-1:0] phase_q, phase_d;
    reg [31:0] k_q, k_d;                  // cycle within the pass (or within the group)
    reg [31:0] grp_q, grp_d;              // neuron group
    reg [31:0] t_q, t_d;                  // time step
    reg [7:0]  attempt_q, attempt_d;
    reg [31:0] req_q, req_d;              // chunks requested
    reg [31:0] recv_q, recv_d;            // chunks received
    reg [31:0] n_in_q, n_in_d;            // input spikes of this step
    reg [15:0] fired_step_q, fired_step_d;  // neurons fired in this step
    reg [15:0] spikes_att_q, spikes_att_d;  // neurons fired in this attempt
    reg [31:0] dlfsr_q, dlfsr_d;          // theta decay LFSR
    // Running products of the counters (updated with them): k * PES, grp * PES, and the
    // addresses grp * GROUP_STEP, req * CHUNK_STEP, recv * CHUNK_STEP.
    reg [31:0] kp_q, kp_d, gp_q, gp_d;
    reg [39:0] ga_q, ga_d, ra_q, ra_d, va_q, va_d;
    reg        k_clear, grp_clear, grp_inc, req_clear, req_inc, recv_clear, recv_inc;

    wire [31:0] kk = k_q;
    assign phase = phase_q;
    assign t = t_q;
    assign attempt = attempt_q;
    assign grp = grp_q;
    assign req = req_q;
    assign recv = recv_q;
    assign n_in = n_in_q;
    assign fired_step = fired_step_q;
    assign busy = phase_q != P_IDLE;
    assign ph_threshold = phase_q == P_THRESHOLD;
    assign ph_reset = phase_q == P_RESET;
    assign ph_norm_sum = phase_q == P_NORM_SUM;
    assign ph_norm_scale = phase_q == P_NORM_SCALE;
    assign ph_generate = phase_q == P_GENERATE;
    assign ph_integrate = phase_q == P_INTEGRATE;
    assign ph_inhibit = phase_q == P_INHIBIT;
    assign ph_potentiate = phase_q == P_POTENTIATE;
    wire ph_readout = phase_q == P_READOUT;
    wire ph_theta_decay = phase_q == P_THETA_DECAY;
    assign k_zero = kk == 32'd0;
    assign sg_op = (phase_q == P_SEED) ? 2'd1 : ph_threshold ? 2'd2 : ph_generate ? 2'd3 : 2'd0;

    // The rate table: the threshold pass needs the attempt's rate from its first cycle, and
    // the read has one cycle of latency: seed and threshold read the running attempt, every
    // other phase reads the next one (an attempt's threshold pass follows the seed pass or the
    // last phase of the previous attempt, in which `attempt` is still the previous one).
    wire [8:0] attempt_next = {1'b0, attempt_q} + 9'd1;
    wire       rate_cur = phase_q == P_SEED || ph_threshold || {23'd0, attempt_next} >= ATTEMPTS;
    assign rate_raddr = rate_cur ? attempt_q[ABITS-1:0] : attempt_next[ABITS-1:0];
    wire unused_attempt_hi = ^{attempt_q, attempt_next};   // below ATTEMPTS where used

    // ---------------------------------------------------------------- group sweeps
    // Group k is read and group k - NLAT arrives; the sweep ends when group k - NLAT + 1 is
    // past the last (its first neuron, (k - NLAT + 1) * PES, at or above n_neurons: the cycle
    // k = ceil(n / PES) + NLAT - 1).
    wire sweep = ph_reset || ph_inhibit || ph_readout;
    wire [31:0] sweep_arrive = kk - NLAT;
    wire unused_sweep_arrive = ^sweep_arrive;   // only its low (address) bits are used
    wire [31:0] sweep_next_base = kp_q - NLAT1_PES;
    wire sweep_end = kk + 32'd1 >= NLAT && sweep_next_base >= {16'd0, r_n};
    assign sweep_rd = sweep && kp_q < {16'd0, r_n};
    assign sweep_rd_base = kp_q;
    assign sweep_raddr = kk[NABITS-1:0];
    assign sweep_wr = sweep && kk >= NLAT;
    assign sweep_wr_base = kp_q - NLAT_PES;
    assign sweep_waddr = sweep_arrive[NABITS-1:0];
    assign done = ph_readout && sweep_end;
    assign cnt_we = ph_readout && kk >= NLAT;
    assign cnt_waddr = sweep_arrive[GBITS-1:0];
    assign grp_base = gp_q;
    assign grp_addr = ga_q;
    assign req_addr = ra_q;
    assign recv_addr = va_q;
    // Another group after this one: its first neuron below n_neurons.
    wire grp_more = gp_q + PES32 < {16'd0, r_n};
    assign attempt_reset = ph_reset && k_zero;
    assign walk_start = ph_inhibit && sweep_end && r_train;

    // ---------------------------------------------------------------- integrate
    assign integrate_arrive = ph_integrate && kk == NLAT;
    wire integrate_arrived = ph_integrate && kk >= NLAT;
    wire [31:0] applied_now = recv_q + ((ph_integrate && w_arrive) ? 32'd1 : 32'd0);
    assign integrate_done = integrate_arrived && applied_now == n_in_q;
    /* verilator lint_off UNSIGNED */ // kk >= 0 when DELAY is 0
    wire int_want = ph_integrate && kk >= DELAY && req_q < n_in_q;
    /* verilator lint_on UNSIGNED */
    assign int_read = int_want && can_read;

    // The input spike of the next chunk request: the walk over the step's spike bitmap
    // (row r = channels r * LANES ..), written in the generate cycle of the row, and a
    // register of the rows with any spike (`in_occ`). Each cycle reads the row that is current
    // in the next cycle; a read of the row written in the same cycle (the last generate cycle
    // reading the first non-empty row) takes the written word (`bm_fwd`). A row also keeps
    // its first chunk's address offset within a group (row * LANES chunks), a running sum of
    // the generate pass written with the row, so the walk's jumps need no multiply.
    localparam integer WABITS  = (WDEPTH > 1) ? $clog2(WDEPTH) : 1;
    localparam integer IA_BITS = (WEIGHTS_ON_CHIP != 0) ? WABITS : 40;
    localparam [39:0] ROW_STEP40 = CHUNK_STEP * LANES;
    localparam [IA_BITS-1:0] ROW_STEP = ROW_STEP40[IA_BITS-1:0];
    wire [LANES+IA_BITS-1:0] bm_rdata;
    wire [RBITS-1:0]         bm_raddr;
    wire                     bm_we = ph_generate;
    reg  [IA_BITS-1:0]       gen_base;    // the generate pass's row * ROW_STEP
    reg  [ROWS-1:0]  in_occ;      // rows with any spike in this step
    reg  [ROWS-1:0]  occ_now, r_above;
    reg  [RBITS-1:0] cur_row;     // the row of the walk
    reg  [LANES-1:0] consumed;    // its lanes already requested
    reg              bm_fwd;
    reg  [LANES-1:0] bm_fwd_word;
    reg  [IA_BITS-1:0] bm_fwd_base;
    fspinn_sram_1r1w #(.DEPTH(ROWS), .WIDTH(LANES + IA_BITS), .LATENCY(1)) u_in_spikes (
        .clk(clk), .re(1'b1), .raddr(bm_raddr), .rdata(bm_rdata),
        .we(bm_we), .waddr(sg_row), .wdata({gen_base, sg_spike}));
    integer ob;
    always @(*) begin
        occ_now = in_occ;
        if (ph_generate) occ_now[sg_row] = sg_spike != {LANES{1'b0}};
        for (ob = 0; ob < ROWS; ob = ob + 1) r_above[ob] = ob > {{(32-RBITS){1'b0}}, cur_row};
    end
    wire [RBITS-1:0] first_row, next_row;
    wire [LBITS-1:0] in_lane;
    wire             unused_first_any, unused_next_any, unused_lane_any;
    fspinn_first_set #(.WIDTH(ROWS)) u_in_first (
        .vec(occ_now), .index(first_row), .any(unused_first_any));
    fspinn_first_set #(.WIDTH(ROWS)) u_in_next (
        .vec(occ_now & r_above), .index(next_row), .any(unused_next_any));
    wire [LANES-1:0]   bm_word = bm_fwd ? bm_fwd_word : bm_rdata[LANES-1:0];
    wire [IA_BITS-1:0] bm_base = bm_fwd ? bm_fwd_base : bm_rdata[LANES +: IA_BITS];
    wire [LANES-1:0] bm_left = bm_word & ~consumed;
    fspinn_first_set #(.WIDTH(LANES)) u_in_lane (
        .vec(bm_left), .index(in_lane), .any(unused_lane_any));
    reg [LANES-1:0] in_onehot;
    integer oh;
    always @(*) for (oh = 0; oh < LANES; oh = oh + 1) in_onehot[oh] = oh == {{(32-LBITS){1'b0}}, in_lane};
    wire in_row_last = (bm_left & ~in_onehot) == {LANES{1'b0}};
    // A new walk starts with every group (the state of the generate pass's last cycle, or of
    // the cycle a group ends).
    wire bm_restart = (ph_generate && kk == ROWS - 1) || integrate_done;
    assign bm_raddr = bm_restart ? first_row : (int_read && in_row_last) ? next_row : cur_row;
    // The spike's chunk within the group: the row's offset plus the lane's, a table of
    // constants indexed by the lane (each unrolled iteration's x is a constant).
    reg [39:0] lane_off;
    reg [39:0] lane_off_x;
    integer lx;
    always @(*) begin
        lane_off = 40'd0;
        for (lx = 0; lx < LANES; lx = lx + 1) begin
            lane_off_x = CHUNK_STEP * lx;
            if ({{(32-LBITS){1'b0}}, in_lane} == lx) lane_off = lane_off_x;
        end
    end
    wire [IA_BITS-1:0] in_offset = bm_base + lane_off[IA_BITS-1:0];
    wire unused_lane_off = ^lane_off;
    always @(posedge clk) begin
        bm_fwd <= bm_we && sg_row == bm_raddr;
        bm_fwd_word <= sg_spike;
        bm_fwd_base <= gen_base;
        gen_base <= (ph_generate && kk != ROWS - 1) ? gen_base + ROW_STEP : {IA_BITS{1'b0}};
        if (ph_generate) in_occ[sg_row] <= sg_spike != {LANES{1'b0}};
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
    assign int_addr = ga_q + {{(40-IA_BITS){1'b0}}, in_offset};

    // The spikes of this generate cycle, and of this group's integration.
    reg [31:0] gen_count;
    integer g;
    always @(*) begin
        gen_count = 32'd0;
        for (g = 0; g < LANES; g = g + 1) gen_count = gen_count + {31'd0, sg_spike[g]};
    end
    reg [15:0] fired_now;
    integer x;
    always @(*) begin
        fired_now = 16'd0;
        for (x = 0; x < PES; x = x + 1) fired_now = fired_now + {15'd0, fire_mask[x]};
    end
    wire [15:0] fired_total = fired_step_q + fired_now;

    // ---------------------------------------------------------------- theta decay
    // Neuron j = a * PES + p is read (lane td_rp, address td_ra) and NLAT cycles later written
    // (td_wp, td_wa); counters, no divide. Its draws travel with the read.
    reg [PBITS-1:0]  td_rp_q, td_wp_q;
    reg [NABITS-1:0] td_ra_q, td_wa_q;
    localparam integer LAST_PE_I = PES - 1;
    localparam [PBITS-1:0] LAST_PE = LAST_PE_I[PBITS-1:0];
    assign td_read  = ph_theta_decay && kk < {16'd0, r_n};
    assign td_write = ph_theta_decay && kk >= NLAT;
    assign td_rp = td_rp_q;
    assign td_ra = td_ra_q;
    assign td_wp = td_wp_q;
    assign td_wa = td_wa_q;
    always @(posedge clk) begin
        if (!ph_theta_decay) begin
            td_rp_q <= {PBITS{1'b0}}; td_ra_q <= {NABITS{1'b0}};
            td_wp_q <= {PBITS{1'b0}}; td_wa_q <= {NABITS{1'b0}};
        end else begin
            if (td_read) begin
                td_rp_q <= (td_rp_q == LAST_PE) ? {PBITS{1'b0}} : td_rp_q + 1'b1;
                if (td_rp_q == LAST_PE) td_ra_q <= td_ra_q + 1'b1;
            end
            if (td_write) begin
                td_wp_q <= (td_wp_q == LAST_PE) ? {PBITS{1'b0}} : td_wp_q + 1'b1;
                if (td_wp_q == LAST_PE) td_wa_q <= td_wa_q + 1'b1;
            end
        end
    end
    // Seed of the theta-decay LFSR (docs/datapath.md); two draws per neuron.
    wire [31:0] dseed;
    fspinn_input_seed #(.CHANNEL_BITS(32)) u_dseed (
        .sample_seed(r_seed), .channel(32'h0002_0000 + {24'd0, attempt_q}), .seed(dseed));
    wire [31:0] dl_in = k_zero ? dseed : dlfsr_q;
    wire [31:0] dl1, dl2;
    fspinn_lfsr_next16 u_dl1 (.state_in(dl_in), .state_out(dl1));
    fspinn_lfsr_next16 u_dl2 (.state_in(dl1), .state_out(dl2));
    reg [31:0] np_rand [0:NLAT-1];
    assign td_rand = np_rand[NLAT-1];
    integer n;
    always @(posedge clk) begin
        np_rand[0] <= {dl2[15:0], dl1[15:0]};
        for (n = 1; n < NLAT; n = n + 1) np_rand[n] <= np_rand[n-1];
    end

    // ---------------------------------------------------------------- adaptive inhibition
    fspinn_adapt_inhibition #(.V_BITS(16), .COUNT_BITS(16)) u_adapt (
        .inhibition(r_inhibition), .spikes(spikes_att_q), .target(r_target),
        .v_thresh(r_v_thresh), .v_max(r_v_max), .inhibition_out(inh_value));
    assign inh_we = phase_q == P_ADAPT && r_adaptive;

    // ---------------------------------------------------------------- next state
    reg end_step, end_attempt;
    always @(*) begin
        phase_d = phase_q;
        t_d = t_q;
        attempt_d = attempt_q;
        n_in_d = n_in_q;
        fired_step_d = fired_step_q;
        spikes_att_d = spikes_att_q;
        dlfsr_d = dlfsr_q;
        k_clear = 1'b0; grp_clear = 1'b0; grp_inc = 1'b0;
        req_clear = 1'b0; req_inc = 1'b0; recv_clear = 1'b0; recv_inc = 1'b0;
        end_step = 1'b0;
        end_attempt = 1'b0;
        case (phase_q)
            P_IDLE: begin
                k_clear = 1'b1;
                if (start) begin
                    phase_d = P_SEED;
                    attempt_d = 8'd0;
                end
            end
            P_SEED: if (kk == ROWS - 1) begin
                phase_d = P_THRESHOLD; k_clear = 1'b1;
            end
            P_THRESHOLD: if (kk == ROWS - 1) begin
                phase_d = P_RESET; k_clear = 1'b1;
            end
            P_RESET: begin
                if (k_zero) spikes_att_d = 16'd0;
                if (sweep_end) begin
                    k_clear = 1'b1; grp_clear = 1'b1; t_d = 32'd0; req_clear = 1'b1; recv_clear = 1'b1;
                    n_in_d = 32'd0;
                    phase_d = r_train ? P_NORM_SUM : P_GENERATE;
                end
            end
            P_NORM_SUM: begin
                if (norm_read) req_inc = 1'b1;
                if (w_arrive) recv_inc = 1'b1;
                if (norm_sum_last) begin
                    phase_d = P_NORM_DIVIDE; k_clear = 1'b1;
                end
            end
            P_NORM_DIVIDE: if (divided) begin
                phase_d = P_NORM_SCALE; k_clear = 1'b1; req_clear = 1'b1; recv_clear = 1'b1;
            end
            P_NORM_SCALE: begin
                if (norm_read) req_inc = 1'b1;
                if (w_arrive) recv_inc = 1'b1;
                if (scale_end) begin
                    k_clear = 1'b1; req_clear = 1'b1; recv_clear = 1'b1;
                    if (grp_more) begin
                        grp_inc = 1'b1; phase_d = P_NORM_SUM;
                    end else begin
                        grp_clear = 1'b1; t_d = 32'd0; n_in_d = 32'd0; phase_d = P_GENERATE;
                    end
                end
            end
            P_GENERATE: begin
                n_in_d = n_in_q + gen_count;
                if (kk == ROWS - 1) begin
                    phase_d = P_INTEGRATE; k_clear = 1'b1; grp_clear = 1'b1; req_clear = 1'b1;
                    recv_clear = 1'b1; fired_step_d = 16'd0;
                end
            end
            P_INTEGRATE: begin
                if (int_read) req_inc = 1'b1;
                if (w_arrive) recv_inc = 1'b1;
                if (integrate_done) begin
                    fired_step_d = fired_total;
                    spikes_att_d = spikes_att_q + fired_now;
                    k_clear = 1'b1; req_clear = 1'b1; recv_clear = 1'b1;
                    if (grp_more) begin
                        grp_inc = 1'b1;
                    end else if (fired_total != 16'd0) begin
                        phase_d = P_INHIBIT;
                    end else begin
                        end_step = 1'b1;
                    end
                end
            end
            P_INHIBIT: if (sweep_end) begin
                k_clear = 1'b1;
                if (r_train) phase_d = P_POTENTIATE;
                else end_step = 1'b1;
            end
            P_POTENTIATE: if (stdp_last) end_step = 1'b1;
            P_THETA_DECAY: begin
                if (kk < {16'd0, r_n}) dlfsr_d = dl2;
                if (kk == {16'd0, r_n} + NLAT - 1) begin
                    phase_d = P_ADAPT; k_clear = 1'b1;
                end
            end
            P_ADAPT: end_attempt = 1'b1;
            P_READOUT: if (done) begin
                phase_d = P_IDLE; k_clear = 1'b1;
            end
            default: phase_d = P_IDLE;
        endcase
        // Where a step goes after its last pass.
        if (end_step) begin
            k_clear = 1'b1;
            if (t_q + 32'd1 < {16'd0, r_steps}) begin
                t_d = t_q + 32'd1;
                phase_d = P_GENERATE;
                n_in_d = 32'd0;
            end else if (r_train) begin
                phase_d = P_THETA_DECAY;
            end else begin
                end_attempt = 1'b1;
            end
        end
        // Where an attempt goes after its last step.
        if (end_attempt) begin
            k_clear = 1'b1;
            if (spikes_att_q >= r_min_spikes || {8'd0, attempt_q} + 16'd1 >= r_max_attempts) begin
                phase_d = P_READOUT;
            end else begin
                attempt_d = attempt_q + 8'd1;
                phase_d = P_THRESHOLD;
            end
        end
        // The counters and their running products (a clear wins over a step: it comes last
        // in every branch that has both).
        k_d = k_clear ? 32'd0 : k_q + 32'd1;
        kp_d = k_clear ? 32'd0 : kp_q + PES32;
        grp_d = grp_clear ? 32'd0 : grp_inc ? grp_q + 32'd1 : grp_q;
        gp_d = grp_clear ? 32'd0 : grp_inc ? gp_q + PES32 : gp_q;
        ga_d = grp_clear ? 40'd0 : grp_inc ? ga_q + GROUP_STEP : ga_q;
        req_d = req_clear ? 32'd0 : req_inc ? req_q + 32'd1 : req_q;
        ra_d = req_clear ? 40'd0 : req_inc ? ra_q + CHUNK_STEP : ra_q;
        recv_d = recv_clear ? 32'd0 : recv_inc ? recv_q + 32'd1 : recv_q;
        va_d = recv_clear ? 40'd0 : recv_inc ? va_q + CHUNK_STEP : va_q;
    end

    always @(posedge clk) begin
        if (rst) begin
            phase_q <= P_IDLE;
            k_q <= 32'd0;
            kp_q <= 32'd0;
            t_q <= 32'd0;
            attempt_q <= 8'd0;
        end else begin
            phase_q <= phase_d;
            k_q <= k_d;
            kp_q <= kp_d;
            grp_q <= grp_d;
            gp_q <= gp_d;
            ga_q <= ga_d;
            t_q <= t_d;
            attempt_q <= attempt_d;
            req_q <= req_d;
            ra_q <= ra_d;
            recv_q <= recv_d;
            va_q <= va_d;
            n_in_q <= n_in_d;
            fired_step_q <= fired_step_d;
            spikes_att_q <= spikes_att_d;
            dlfsr_q <= dlfsr_d;
        end
    end
endmodule

`default_nettype wire
