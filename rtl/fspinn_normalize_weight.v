// fspinn_normalize_weight: one weight of a normalised column
// (`FspinnConsts::normalize_weight`).
//
// Combinational, 0 cycles: w_out = min(2^WEIGHT_BITS - 1, round_nearest(w * factor / 2^16)),
// with factor the unsigned Q16 column factor of fspinn_divider. A WEIGHT_BITS x 40 multiplier
// (exact), bit 15 of the product added to bits [.. : 16] (round half up), then saturation.
// The maximum code is 2^WEIGHT_BITS - 1 (the model's w_max: storage width = code width).
`default_nettype none

module fspinn_normalize_weight #(
    parameter WEIGHT_BITS = 8
) (
    input  wire [WEIGHT_BITS-1:0] w,
    input  wire [39:0]            factor,
    output wire [WEIGHT_BITS-1:0] w_out
);
    localparam PW = WEIGHT_BITS + 40;
    localparam RW = PW - 16 + 1;

    wire [PW-1:0] product = {40'd0, w} * {{WEIGHT_BITS{1'b0}}, factor};
    wire [RW-1:0] rounded = {1'b0, product[PW-1:16]} + {{(RW - 1) {1'b0}}, product[15]};

    assign w_out = (|rounded[RW-1:WEIGHT_BITS]) ? {WEIGHT_BITS{1'b1}} : rounded[WEIGHT_BITS-1:0];

    // product[14:0] is below the rounding bit.
    wire unused_product_low = &{1'b0, product[14:0]};
endmodule

`default_nettype wire
