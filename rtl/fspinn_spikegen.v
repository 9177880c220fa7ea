// fspinn_spikegen: the on-chip Poisson input generator (L2 `SpikeGenUnit`).
//
// LANES channels per cycle. Channel c lives in lane c % LANES at row c / LANES; the state of
// a row is one word of three SRAMs (ROWS deep): the pixels (LANES x 8 bits, written one pixel
// at a time by the host, so with a per-lane write mask), the 16-bit spike thresholds and the
// 32-bit LFSR states. A pass (op held for ROWS cycles) visits rows 0 .. ROWS-1, one per cycle;
// the unit keeps its own row counter and the row's first channel as counters (no multiply).
// Operations:
//   1 seed:      lfsr[c] <= input_seed(sample_seed, c)
//   2 threshold: thr[c]  <= spike_threshold(pixel[c], rate)
//   3 generate:  a channel with thr != 0 draws next16 and spikes when the draw < thr
//
// The SRAMs have one cycle of read latency, and the row of cycle k must be there in cycle k,
// so each cycle reads the row of the next cycle: row k + 1 inside a pass, row 0 otherwise (the
// first row of whatever pass comes next). No pass writes a row it reads in the same cycle
// (a pass writes row k and reads row k + 1; between passes the row-0 read is repeated every
// cycle, so it sees every earlier write), so the prefetched row is always current.
// `spike` (per lane) is a combinational output of the generate cycle; `row` is the row of the
// cycle. The host writes pixels through pix_we/pix_wrow/pix_wlane/pix_data while the core is
// idle.
`default_nettype none

module fspinn_spikegen #(
    parameter integer INPUTS = 784,
    parameter integer LANES  = 16,
    parameter integer ROWS   = (INPUTS + LANES - 1) / LANES,
    parameter integer RBITS  = (ROWS > 1) ? $clog2(ROWS) : 1,
    parameter integer LBITS  = (LANES > 1) ? $clog2(LANES) : 1
) (
    input  wire             clk,
    input  wire             rst,
    input  wire [1:0]       op,
    input  wire [31:0]      sample_seed,
    input  wire [31:0]      rate,
    input  wire             pix_we,
    input  wire [RBITS-1:0] pix_wrow,    // the host's pixel row (channel / LANES)
    input  wire [LBITS-1:0] pix_wlane,   // and lane (channel % LANES): no divide here
    input  wire [7:0]       pix_data,
    output wire [RBITS-1:0] row,
    output wire [LANES-1:0] spike
);
    localparam [1:0] OP_SEED = 2'd1, OP_THRESHOLD = 2'd2, OP_GENERATE = 2'd3;
    localparam integer LAST_ROW_I = ROWS - 1;
    localparam [RBITS-1:0] LAST_ROW = LAST_ROW_I[RBITS-1:0];
    localparam [16:0] LANES17 = LANES[16:0];

    // Row counter and the row's first channel.
    reg [RBITS-1:0] row_q;
    reg [16:0]      base_q;
    wire            in_pass = op != 2'd0;
    wire            last    = row_q == LAST_ROW;
    wire [RBITS-1:0] row_next = (in_pass && !last) ? row_q + 1'b1 : {RBITS{1'b0}};
    always @(posedge clk) begin
        if (rst) begin
            row_q  <= {RBITS{1'b0}};
            base_q <= 17'd0;
        end else begin
            row_q  <= row_next;
            base_q <= (in_pass && !last) ? base_q + LANES17 : 17'd0;
        end
    end
    assign row = row_q;

    // The three SRAMs: read the next cycle's row, write this cycle's.
    wire [LANES*8-1:0]  pix_row;
    wire [LANES*16-1:0] thr_row;
    wire [LANES*32-1:0] lfsr_row;
    reg  [LANES*16-1:0] thr_wdata;
    reg  [LANES*32-1:0] lfsr_wdata;
    wire [LANES-1:0]    valid;
    wire [LANES-1:0]    draw;

    // Host pixel writes: channel c arrives as its row c / LANES and lane c % LANES (the host
    // splits it), so the write needs only a lane decoder.
    reg  [LANES-1:0] pix_mask;
    integer m;
    always @(*)
        for (m = 0; m < LANES; m = m + 1) pix_mask[m] = {{(32-LBITS){1'b0}}, pix_wlane} == m;

    // A read port that is idle in no cycle: the row of the next cycle (see above).
    fspinn_sram_1r1w_mask #(.DEPTH(ROWS), .LANES(LANES), .LANE_BITS(8)) u_pixels (
        .clk(clk), .re(1'b1), .raddr(row_next), .rdata(pix_row),
        .we(pix_we), .wmask(pix_mask), .waddr(pix_wrow), .wdata({LANES{pix_data}}));
    fspinn_sram_1r1w #(.DEPTH(ROWS), .WIDTH(LANES * 16), .LATENCY(1)) u_thresholds (
        .clk(clk), .re(1'b1), .raddr(row_next), .rdata(thr_row),
        .we(op == OP_THRESHOLD), .waddr(row_q), .wdata(thr_wdata));
    fspinn_sram_1r1w #(.DEPTH(ROWS), .WIDTH(LANES * 32), .LATENCY(1)) u_lfsrs (
        .clk(clk), .re(1'b1), .raddr(row_next), .rdata(lfsr_row),
        .we(op == OP_SEED || (op == OP_GENERATE && draw != {LANES{1'b0}})), .waddr(row_q),
        .wdata(lfsr_wdata));

    genvar l;
    generate
        for (l = 0; l < LANES; l = l + 1) begin : g_lane
            localparam [16:0] L17 = l;
            wire [16:0] channel = base_q + L17;
            assign valid[l] = {15'd0, channel} < INPUTS;
            wire [31:0] seed;
            wire [15:0] threshold;
            wire [31:0] next;
            wire [15:0] thr = thr_row[l*16 +: 16];
            wire [31:0] state = lfsr_row[l*32 +: 32];
            fspinn_input_seed #(.CHANNEL_BITS(16)) u_seed (
                .sample_seed(sample_seed), .channel(channel[15:0]), .seed(seed));
            fspinn_spike_threshold u_thr (
                .pixel(pix_row[l*8 +: 8]), .rate_q24(rate), .threshold(threshold));
            fspinn_lfsr_next16 u_lfsr (.state_in(state), .state_out(next));
            assign draw[l]  = op == OP_GENERATE && valid[l] && thr != 16'd0;
            assign spike[l] = draw[l] && next[15:0] < thr;
            always @(*) begin
                thr_wdata[l*16 +: 16]  = valid[l] ? threshold : 16'd0;
                lfsr_wdata[l*32 +: 32] = (op == OP_SEED) ? seed : (draw[l] ? next : state);
            end
        end
    endgenerate
    // The channel index is below 2^16 (INPUTS <= 65536): its top bit only feeds `valid`.
endmodule

`default_nettype wire
