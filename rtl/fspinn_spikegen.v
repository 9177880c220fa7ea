// fspinn_spikegen: the on-chip Poisson input generator (L2 `SpikeGenUnit`).
//
// LANES channels per cycle. Channel c lives in lane c % LANES at row c / LANES, so in sweep
// cycle k every lane touches row k of its own register files: the pixel, the 16-bit spike
// threshold and the 32-bit LFSR state. Operations (op, held for one cycle):
//   1 seed:      lfsr[c] <= input_seed(sample_seed, c)
//   2 threshold: thr[c]  <= spike_threshold(pixel[c], rate)
//   3 generate:  a channel with thr != 0 draws next16 and spikes when the draw < thr
// `spike` and `draw` (per lane) are combinational outputs of the generate cycle. The host
// writes pixels through pix_we/pix_addr/pix_data while the core is idle.
`default_nettype none

module fspinn_spikegen #(
    parameter integer INPUTS = 784,
    parameter integer LANES  = 16,
    parameter integer ROWS   = (INPUTS + LANES - 1) / LANES,
    parameter integer RBITS  = (ROWS > 1) ? $clog2(ROWS) : 1
) (
    input  wire             clk,
    input  wire [1:0]       op,
    input  wire [RBITS-1:0] row,
    input  wire [31:0]      sample_seed,
    input  wire [31:0]      rate,
    input  wire             pix_we,
    input  wire [15:0]      pix_addr,
    input  wire [7:0]       pix_data,
    output wire [LANES-1:0] spike,
    output wire [LANES-1:0] draw
);
    localparam [1:0] OP_SEED = 2'd1, OP_THRESHOLD = 2'd2, OP_GENERATE = 2'd3;

    genvar l;
    generate
        for (l = 0; l < LANES; l = l + 1) begin : g_lane
            reg [7:0]  pixel [0:ROWS-1];
            reg [15:0] thr   [0:ROWS-1];
            reg [31:0] lfsr  [0:ROWS-1];
            wire [31:0] channel = row * LANES + l;
            wire        valid = channel < INPUTS;
            wire [31:0] seed;
            wire [15:0] threshold;
            wire [31:0] next;
            fspinn_input_seed #(.CHANNEL_BITS(16)) u_seed (
                .sample_seed(sample_seed), .channel(channel[15:0]), .seed(seed));
            fspinn_spike_threshold u_thr (
                .pixel(pixel[row]), .rate_q24(rate), .threshold(threshold));
            fspinn_lfsr_next16 u_lfsr (.state_in(lfsr[row]), .state_out(next));
            wire active = valid && thr[row] != 16'd0;
            assign draw[l]  = op == OP_GENERATE && active;
            assign spike[l] = draw[l] && next[15:0] < thr[row];
            always @(posedge clk) begin
                if (op == OP_SEED && valid) lfsr[row] <= seed;
                if (op == OP_THRESHOLD && valid) thr[row] <= threshold;
                if (draw[l]) lfsr[row] <= next;
                if (pix_we && {16'd0, pix_addr} % LANES == l)
                    pixel[({16'd0, pix_addr} / LANES)] <= pix_data;
            end
        end
    endgenerate
endmodule

`default_nettype wire
