// fspinn_input_seed: the LFSR seed of one channel for one sample (`fixed::input_seed`).
//
// Combinational, 0 cycles: seed = fmix32(sample_seed ^ fmix32(channel + 0x9E37_79B9)), with 0
// replaced by 1. `channel` is zero-extended to 32 bits. CHANNEL_BITS defaults to 16 (784 input
// channels); the STDP rounding and theta-decay generators use channels 0x10000 + attempt and
// 0x20000 + attempt, which need CHANNEL_BITS >= 18 (any width up to 32 is exact).
// The inner hash depends only on the channel, so a design may replace it with a ROM.
`default_nettype none

module fspinn_input_seed #(
    parameter CHANNEL_BITS = 16
) (
    input  wire [31:0]             sample_seed,
    input  wire [CHANNEL_BITS-1:0] channel,
    output wire [31:0]             seed
);
    localparam [31:0] CHANNEL_OFFSET = 32'h9E37_79B9;
    wire [31:0] channel_key = {{(32 - CHANNEL_BITS) {1'b0}}, channel} + CHANNEL_OFFSET;
    wire [31:0] channel_hash;
    wire [31:0] mixed;

    fspinn_fmix32 u_channel_hash (.x(channel_key), .y(channel_hash));
    fspinn_fmix32 u_sample_hash (.x(sample_seed ^ channel_hash), .y(mixed));

    assign seed = (mixed == 32'd0) ? 32'd1 : mixed;
endmodule

`default_nettype wire
