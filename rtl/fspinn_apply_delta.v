// fspinn_apply_delta: a weight after a change (`FspinnConsts::apply_delta`).
//
// Combinational, 0 cycles: w_out = clamp(w + delta, 0, w_max), the sum exact in 34 bits.
`default_nettype none

module fspinn_apply_delta #(
    parameter WEIGHT_BITS = 8
) (
    input  wire        [WEIGHT_BITS-1:0] w,
    input  wire signed [31:0]            delta,
    input  wire        [WEIGHT_BITS-1:0] w_max,
    output wire        [WEIGHT_BITS-1:0] w_out
);
    localparam SW = ((WEIGHT_BITS > 32) ? WEIGHT_BITS : 32) + 2;

    wire signed [SW-1:0] sum = {{(SW - WEIGHT_BITS) {1'b0}}, w} + {{(SW - 32) {delta[31]}}, delta};
    wire signed [SW-1:0] max_ext = {{(SW - WEIGHT_BITS) {1'b0}}, w_max};

    assign w_out = sum[SW-1] ? {WEIGHT_BITS{1'b0}} : (sum > max_ext) ? w_max : sum[WEIGHT_BITS-1:0];
endmodule

`default_nettype wire
