// fspinn_stdp: the STDP unit (L2 twin: sim/src/accel/stdp.rs, `Stdp`), FSpiNN's post-only
// rule applied per step. It holds:
//   - the last spike time of every input (ROWS rows of LANES fields {valid, step}, written in
//     the generate cycle of the row, only the lanes that spiked; cleared row by row in the
//     threshold pass, which precedes every attempt's reset, where L2 clears them);
//   - who fired in this step: one PES-bit row per neuron group (the spike buffer, written when
//     the group's integration ends) and a register of the groups with any spike (`f_occ`);
//   - the potentiate walk: every synapse of every fired neuron, neurons in ascending order
//     through priority encoders over a row and over `f_occ`, inputs 0 .. INPUTS-1 one per
//     cycle, each with its potentiation (rounding LFSR, `fspinn_potentiation`);
//   - the read-modify-write of a non-zero change: the read is requested from the weight port
//     (off chip a change the port cannot take yet is held, accepting nothing, until it can),
//     and the arriving word gets the new code (`fspinn_apply_delta`) and is written back.
// The walk reads the last-spike row of the synapse accepted in the next cycle and, before and
// during the walk, the fired row of the next group with any firing.
`default_nettype none

module fspinn_stdp #(
    parameter integer PES             = 16,
    parameter integer NEURONS_PER_PE  = 25,
    parameter integer INPUTS          = 784,
    parameter integer LANES           = 16,
    parameter integer WBANKS          = 2,
    parameter integer WWORD_BITS      = 64,
    parameter integer WDEPTH          = 19600,
    parameter integer WEIGHT_BITS     = 8,
    parameter integer STEP_BITS       = 9,
    parameter integer WEIGHTS_ON_CHIP = 1,
    parameter integer ROWS            = (INPUTS + LANES - 1) / LANES,
    parameter integer RBITS           = (ROWS > 1) ? $clog2(ROWS) : 1,
    parameter integer GBITS           = (NEURONS_PER_PE > 1) ? $clog2(NEURONS_PER_PE) : 1,
    parameter integer BBITS           = (WBANKS > 1) ? $clog2(WBANKS) : 1,
    parameter integer POS_BITS        = (WWORD_BITS / WEIGHT_BITS > 1)
                                        ? $clog2(WWORD_BITS / WEIGHT_BITS) : 1
) (
    input  wire                         clk,
    input  wire                         rst,
    // Controller strobes and state.
    input  wire                         ph_threshold,
    input  wire                         ph_generate,
    input  wire                         ph_potentiate,
    input  wire                         attempt_reset,   // first cycle of an attempt's reset
    input  wire                         walk_start,      // last inhibit cycle of a training step
    input  wire                         integrate_done,  // a group's integration ends
    input  wire [GBITS-1:0]             grp,             // that group
    input  wire [31:0]                  grp_base,        // its first neuron
    input  wire [39:0]                  grp_addr,        // its first chunk's address
    input  wire [PES-1:0]               fire_mask,       // its fired lanes
    input  wire [STEP_BITS-1:0]         t,               // the time step
    input  wire [7:0]                   attempt,
    // The spike generator's row of this cycle.
    input  wire [RBITS-1:0]             sg_row,
    input  wire [LANES-1:0]             sg_spike,
    // Network registers.
    input  wire [31:0]                  r_seed,
    input  wire [31:0]                  r_eta,
    input  wire [15:0]                  r_x_tar,
    input  wire [15:0]                  r_trace_max,
    input  wire [4:0]                   r_trace_bits,
    input  wire [15:0]                  r_half_life,
    input  wire [1:0]                   rmode,
    input  wire [WEIGHT_BITS-1:0]       r_w_max,
    // The weight port: the arriving word and its tags, and whether a read can be issued.
    input  wire                         w_arrive,
    input  wire signed [31:0]           wa_delta,
    input  wire [BBITS-1:0]             wa_bank,         // on chip: the word's bank
    input  wire [POS_BITS-1:0]          wa_pos,          // the synapse's field in the word
    input  wire [WBANKS*WWORD_BITS-1:0] w_rdata,
    input  wire [WWORD_BITS-1:0]        rd_word0,        // word 0 of the chunk (DRAM)
    input  wire                         d_can_read,
    input  wire                         wp_pending,      // a read in a pipeline stage
    input  wire                         d_idle_next,     // DRAM: nothing queued or in flight next
    // The read of a synapse's word (issued now) and its tags.
    output wire                         syn_read,
    output wire [31:0]                  syn_i,
    output wire [31:0]                  syn_j,
    output wire signed [31:0]           syn_delta,
    output wire [31:0]                  rs_i,            // the synapse read now (held or new)
    output wire [31:0]                  rs_j,
    output wire signed [31:0]           rs_delta,
    output wire [39:0]                  rs_addr,         // its word: bank row / byte address
    output wire [BBITS-1:0]             rs_bank,         // on chip: the word's bank
    output wire [POS_BITS-1:0]          rs_pos,          // the synapse's field in the word
    // The write-back of the arriving word (to the address it was read from).
    output wire                         stdp_write,
    output wire [WEIGHT_BITS-1:0]       wa_new,
    output reg  [WWORD_BITS-1:0]        wa_mod,
    // Last cycle of the potentiate pass.
    output wire                         stdp_last
);
    `include "fspinn_consts.vh"

    localparam integer PER_WORD = WWORD_BITS / WEIGHT_BITS;
    localparam integer WPC      = (PES + PER_WORD - 1) / PER_WORD;  // words per chunk
    localparam integer CPC      = (WPC + WBANKS - 1) / WBANKS;      // cycles per chunk (on chip)
    localparam integer LBITS    = (LANES > 1) ? $clog2(LANES) : 1;
    localparam integer PBITS    = (PES > 1) ? $clog2(PES) : 1;
    localparam integer WABITS   = (WDEPTH > 1) ? $clog2(WDEPTH) : 1;
    // A fired row also keeps its group's first neuron and first chunk address (written with
    // the row, from the controller's running sums), so the walk's jumps need no multiply.
    localparam integer FA_BITS  = (WEIGHTS_ON_CHIP != 0) ? WABITS : 40;
    localparam integer FW       = PES + 16 + FA_BITS;
    localparam integer GROUPS_MAX = NEURONS_PER_PE;
    localparam integer PT_BITS  = STEP_BITS + 1;
    localparam integer WBYTES   = WWORD_BITS / 8;
    localparam integer CHUNK_BYTES = WPC * WBYTES;
    // A chunk's address step (as the controller's): bank rows on chip, bytes in DRAM.
    localparam integer CHUNK_STEP_I = (WEIGHTS_ON_CHIP != 0) ? CPC : CHUNK_BYTES;
    localparam [39:0] CHUNK_STEP40 = {8'd0, CHUNK_STEP_I[31:0]};
    localparam [FA_BITS-1:0] CHUNK_STEP = CHUNK_STEP40[FA_BITS-1:0];

    // ---------------------------------------------------------------- last spike times
    // Read by the walk one row per cycle: each cycle reads the row of the synapse accepted in
    // the next cycle.
    wire [LANES*PT_BITS-1:0] pt_rdata;
    wire [RBITS-1:0]         pt_raddr;
    wire                     pt_we = ph_threshold || (ph_generate && sg_spike != {LANES{1'b0}});
    wire [LANES-1:0]         pt_wmask = ph_threshold ? {LANES{1'b1}} : sg_spike;
    wire [PT_BITS-1:0]       pt_entry = ph_threshold ? {PT_BITS{1'b0}} : {1'b1, t};
    fspinn_sram_1r1w_mask #(.DEPTH(ROWS), .LANES(LANES), .LANE_BITS(PT_BITS)) u_pre_times (
        .clk(clk), .re(1'b1), .raddr(pt_raddr), .rdata(pt_rdata),
        .we(pt_we), .wmask(pt_wmask), .waddr(sg_row), .wdata({LANES{pt_entry}}));

    // ---------------------------------------------------------------- fired neurons
    wire [FW-1:0]    f_word;
    wire [GBITS-1:0] f_raddr;
    fspinn_sram_1r1w #(.DEPTH(GROUPS_MAX), .WIDTH(FW), .LATENCY(1)) u_fired (
        .clk(clk), .re(1'b1), .raddr(f_raddr), .rdata(f_word),
        .we(integrate_done), .waddr(grp),
        .wdata({grp_addr[FA_BITS-1:0], grp_base[15:0], fire_mask}));
    wire [PES-1:0]     f_rdata = f_word[PES-1:0];
    wire [15:0]        f_jbase = f_word[PES +: 16];
    wire [FA_BITS-1:0] f_abase = f_word[PES + 16 +: FA_BITS];
    // Neurons are below 2^16 and the group's base fits; addresses fit FA_BITS.
    wire unused_bases = ^{grp_base[31:16], grp_addr};

    // ---------------------------------------------------------------- the walk
    // The synapse accepted in this cycle: input syn_i (row pt_row, lane pt_lane of the
    // last-spike times) of neuron syn_j (group syn_g, lane syn_l; the fired lanes of that
    // group in syn_fired).
    reg  [31:0]      syn_i_q, syn_j_q;
    reg  [RBITS-1:0] pt_row;
    reg  [LBITS-1:0] pt_lane;
    reg  [GBITS-1:0] syn_g;
    reg  [PBITS-1:0] syn_l;
    reg  [PES-1:0]   syn_fired;
    reg  [15:0]      syn_jb;       // the group's first neuron
    reg  [FA_BITS-1:0] syn_ab;     // the group's first chunk address
    reg  [FA_BITS-1:0] syn_ca;     // the synapse's chunk address (syn_ab + syn_i steps)
    reg              syn_more;     // synapses left to accept in this potentiate pass
    reg  [31:0]      rlfsr;        // the rounding LFSR
    reg  [GROUPS_MAX-1:0] f_occ;
    assign syn_i = syn_i_q;
    assign syn_j = syn_j_q;
    wire        syn_i_last = syn_i_q == INPUTS - 1;
    localparam integer LAST_LANE_I = LANES - 1;
    localparam [LBITS-1:0] LAST_LANE = LAST_LANE_I[LBITS-1:0];
    wire accept;
    // The row of the synapse accepted in the next cycle (row 0 outside the walk).
    assign pt_raddr = (!ph_potentiate || (accept && syn_i_last)) ? {RBITS{1'b0}}
                    : (accept && pt_lane == LAST_LANE) ? pt_row + 1'b1 : pt_row;
    wire [PT_BITS-1:0] pt_now = pt_rdata[pt_lane * PT_BITS +: PT_BITS];
    wire [31:0] rl_next;
    fspinn_lfsr_next16 u_rlfsr (.state_in(rlfsr), .state_out(rl_next));
    wire [STEP_BITS-1:0] pre_age = t - pt_now[STEP_BITS-1:0];
    fspinn_potentiation #(.STEP_BITS(STEP_BITS), .HL_BITS(16), .TRACE_W(16)) u_pot (
        .pre_age(pre_age), .pre_never(!pt_now[STEP_BITS]), .eta_post_q16(r_eta),
        .x_tar(r_x_tar), .trace_max(r_trace_max), .trace_bits(r_trace_bits),
        .half_life(r_half_life), .mode(rmode), .random(rl_next[15:0]), .delta(syn_delta));
    // Off chip, a non-zero synapse whose read cannot be issued is held (no further synapse is
    // accepted, no draw) until the port is free.
    reg         held;
    reg  [31:0] held_i, held_j;
    reg signed [31:0] held_delta;
    reg  [FA_BITS-1:0]  held_addr;
    reg  [POS_BITS-1:0] held_pos;
    assign accept = ph_potentiate && syn_more && !held;
    wire syn_nz = accept && syn_delta != 32'sd0;   // a non-zero change accepted now
    wire syn_want = syn_nz || (ph_potentiate && held);
    assign syn_read = (WEIGHTS_ON_CHIP != 0) ? syn_nz : (syn_want && d_can_read);
    wire held_next = (WEIGHTS_ON_CHIP == 0) && syn_want && !d_can_read;
    assign rs_i = held ? held_i : syn_i_q;    // the synapse whose word is read now
    assign rs_j = held ? held_j : syn_j_q;
    assign rs_delta = held ? held_delta : syn_delta;

    // The fired-neuron walk: the next fired lane of group syn_g after syn_l, else the first
    // fired lane of the next group with any firing (its row read in the previous cycle: the
    // bitmap's read address is that group during the walk, the first such group before it).
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
    assign f_raddr = ph_potentiate ? f_next_g : f_first_g;
    wire nf_none = !rest_any && !f_next_any;    // no fired neuron after syn_j
    // The neuron indices: the row's (or the group's) first neuron plus the lane.
    wire [31:0] f_row_j  = {16'd0, f_jbase} + {{(32-PBITS){1'b0}}, row_l};
    wire [31:0] f_rest_j = {16'd0, syn_jb} + {{(32-PBITS){1'b0}}, rest_l};

    // ---------------------------------------------------------------- addresses
    // The word of lane syn_l within a chunk: word q = l / PER_WORD, field l % PER_WORD; on chip
    // bank q % WBANKS at row offset q / WBANKS, in DRAM byte offset q * WBYTES. A table of
    // constants indexed by the lane (each unrolled iteration's x is a constant), not a divider.
    reg [FA_BITS-1:0]  l_off;
    reg [BBITS-1:0]    l_bank;
    reg [POS_BITS-1:0] l_pos;
    reg [39:0]         l_off40;
    integer x, xq;
    // The table's loop temporaries: constants whose low bits are the bank and the field.
    /* verilator lint_off UNUSEDSIGNAL */
    integer xb, xp;
    /* verilator lint_on UNUSEDSIGNAL */
    always @(*) begin
        l_off40 = 40'd0; l_bank = {BBITS{1'b0}}; l_pos = {POS_BITS{1'b0}};
        for (x = 0; x < PES; x = x + 1) begin
            xq = x / PER_WORD;
            xb = xq % WBANKS;
            xp = x % PER_WORD;
            if ({{(32-PBITS){1'b0}}, syn_l} == x) begin
                l_off40 = (WEIGHTS_ON_CHIP != 0) ? {8'd0, xq / WBANKS} : {8'd0, xq * WBYTES};
                l_bank = xb[BBITS-1:0];
                l_pos = xp[POS_BITS-1:0];
            end
        end
        l_off = l_off40[FA_BITS-1:0];
    end
    wire [FA_BITS-1:0] syn_addr = syn_ca + l_off;
    assign rs_addr = {{(40-FA_BITS){1'b0}}, held ? held_addr : syn_addr};
    assign rs_bank = l_bank;
    assign rs_pos = held ? held_pos : l_pos;
    wire unused_l_off40 = ^l_off40;

    always @(posedge clk) begin
        if (rst) begin
            held <= 1'b0;
        end else begin
            held <= held_next;
            if (syn_nz && held_next) begin
                held_i <= syn_i_q; held_j <= syn_j_q; held_delta <= syn_delta;
                held_addr <= syn_addr; held_pos <= l_pos;
            end
            if (attempt_reset) begin
                f_occ <= {GROUPS_MAX{1'b0}};
                rlfsr <= rseed;
            end
            if (integrate_done) f_occ[grp] <= fire_mask != {PES{1'b0}};
            if (walk_start) begin
                syn_i_q <= 32'd0; pt_row <= {RBITS{1'b0}}; pt_lane <= {LBITS{1'b0}};
                syn_g <= f_first_g; syn_l <= row_l; syn_fired <= f_rdata;
                syn_j_q <= f_row_j; syn_more <= 1'b1;
                syn_jb <= f_jbase; syn_ab <= f_abase; syn_ca <= f_abase;
            end
            if (accept) begin
                rlfsr <= rl_next;
                if (syn_i_last) begin
                    syn_i_q <= 32'd0; pt_row <= {RBITS{1'b0}}; pt_lane <= {LBITS{1'b0}};
                    if (nf_none) begin
                        syn_more <= 1'b0;
                    end else if (rest_any) begin
                        syn_l <= rest_l; syn_j_q <= f_rest_j; syn_ca <= syn_ab;
                    end else begin
                        syn_g <= f_next_g; syn_l <= row_l; syn_fired <= f_rdata;
                        syn_j_q <= f_row_j;
                        syn_jb <= f_jbase; syn_ab <= f_abase; syn_ca <= f_abase;
                    end
                end else begin
                    syn_i_q <= syn_i_q + 32'd1;
                    syn_ca <= syn_ca + CHUNK_STEP;
                    if (pt_lane == LAST_LANE) begin
                        pt_row <= pt_row + 1'b1; pt_lane <= {LBITS{1'b0}};
                    end else begin
                        pt_lane <= pt_lane + 1'b1;
                    end
                end
            end
        end
    end

    // Seed of the rounding LFSR (docs/datapath.md).
    wire [31:0] rseed;
    fspinn_input_seed #(.CHANNEL_BITS(32)) u_rseed (
        .sample_seed(r_seed), .channel(32'h0001_0000 + {24'd0, attempt}), .seed(rseed));

    // ---------------------------------------------------------------- read-modify-write
    // The arriving word of a read-modify-write: its bank's data on chip, word 0 of a one-word
    // DRAM read; its field wa_pos gets the new code and the word is written back.
    reg [WWORD_BITS-1:0] wa_word;
    reg [WEIGHT_BITS-1:0] wa_old;
    integer wb;
    always @(*) begin
        wa_word = w_rdata[0 +: WWORD_BITS];
        for (wb = 1; wb < WBANKS; wb = wb + 1)
            if ({{(32-BBITS){1'b0}}, wa_bank} == wb) wa_word = w_rdata[wb*WWORD_BITS +: WWORD_BITS];
        if (WEIGHTS_ON_CHIP == 0) wa_word = rd_word0;   // a one-word DRAM read
        wa_old = {WEIGHT_BITS{1'b0}};
        for (wb = 0; wb < PER_WORD; wb = wb + 1)
            if ({{(32-POS_BITS){1'b0}}, wa_pos} == wb) wa_old = wa_word[wb * WEIGHT_BITS +: WEIGHT_BITS];
    end
    fspinn_apply_delta #(.WEIGHT_BITS(WEIGHT_BITS)) u_apply (
        .w(wa_old), .delta(wa_delta), .w_max(r_w_max), .w_out(wa_new));
    assign stdp_write = ph_potentiate && w_arrive;
    // The arriving word with the synapse's new code.
    always @(*) begin
        wa_mod = wa_word;
        for (wb = 0; wb < PER_WORD; wb = wb + 1)
            if ({{(32-POS_BITS){1'b0}}, wa_pos} == wb) wa_mod[wb * WEIGHT_BITS +: WEIGHT_BITS] = wa_new;
    end

    // ---------------------------------------------------------------- end of the pass
    // In flight after this cycle: a read issued now, or one in a stage that arrives later.
    wire stdp_pending = syn_read || wp_pending;
    wire stdp_last_chip = ph_potentiate
                          && !(syn_more && !(syn_i_last && nf_none)) && !stdp_pending;
    wire syn_left = syn_more && !(accept && syn_i_last && nf_none);
    // Off chip: no synapse left, none held, the port quiet afterwards.
    wire stdp_last_dram = ph_potentiate && !syn_left && !held_next && d_idle_next;
    assign stdp_last = (WEIGHTS_ON_CHIP != 0) ? stdp_last_chip : stdp_last_dram;
endmodule

`default_nettype wire
