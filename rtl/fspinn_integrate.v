// fspinn_integrate: one synaptic accumulation (`FspinnConsts::integrate`, datapath step 2).
//
// Combinational, 0 cycles: v_out = sat_add(v, w << s) for s = w_to_v_shift >= 0, or
// sat_add(v, w >> -s) (truncating) for s < 0, saturated to the signed V_BITS range.
// In range: -31 <= s <= 31 and w << s < 2^31 (the model shifts in i32; a network has
// s = 8 - WEIGHT_BITS). Any addend >= 2^V_BITS saturates the sum, so the shifted weight is
// clamped to 2^V_BITS before the (V_BITS + 2)-bit adder.
`default_nettype none

module fspinn_integrate #(
    parameter V_BITS      = 16,
    parameter WEIGHT_BITS = 8
) (
    input  wire signed [V_BITS-1:0]      v,
    input  wire        [WEIGHT_BITS-1:0] w,
    input  wire signed [5:0]             w_to_v_shift,
    output wire signed [V_BITS-1:0]      v_out
);
    localparam LW = WEIGHT_BITS + 31;  // w << 31 without loss
    localparam [LW-1:0] CAP = {{(LW - 1) {1'b0}}, 1'b1} << V_BITS;

    wire       right = w_to_v_shift[5];
    wire [5:0] amount = right ? (6'd0 - w_to_v_shift) : w_to_v_shift;

    wire [LW-1:0] w_ext = {31'd0, w};
    wire [LW-1:0] shifted = right ? (w_ext >> amount) : (w_ext << amount);
    wire [V_BITS:0] addend = (shifted >= CAP) ? CAP[V_BITS:0] : shifted[V_BITS:0];

    // v + addend, exact in V_BITS + 2 bits (addend >= 0, so only the top can overflow).
    wire signed [V_BITS+1:0] sum = {{2{v[V_BITS-1]}}, v} + {1'b0, addend};
    wire overflow = (sum[V_BITS+1:V_BITS-1] != 3'b000) && (sum[V_BITS+1:V_BITS-1] != 3'b111);
    localparam [V_BITS-1:0] V_MAX = {1'b0, {(V_BITS - 1) {1'b1}}};

    assign v_out = overflow ? V_MAX : sum[V_BITS-1:0];
endmodule

`default_nettype wire
