// fspinn_inhibit: direct lateral inhibition (`FspinnConsts::inhibit`, datapath step 4).
//
// Combinational, 0 cycles: v_out = sat_sub(v, inhibition * k), saturated to signed V_BITS.
// The product of the signed V_BITS inhibition and the unsigned K_BITS count is exact in
// V_BITS + K_BITS + 1 bits (a V_BITS x (K_BITS + 1) signed multiplier), the difference in one
// more bit; the result saturates at both ends.
`default_nettype none

module fspinn_inhibit #(
    parameter V_BITS = 16,
    parameter K_BITS = 16
) (
    input  wire signed [V_BITS-1:0] v,
    input  wire signed [V_BITS-1:0] inhibition,
    input  wire        [K_BITS-1:0] k,
    output wire signed [V_BITS-1:0] v_out
);
    localparam PW = V_BITS + K_BITS + 1;
    localparam DW = PW + 1;

    wire signed [PW-1:0] inh_ext = {{(PW - V_BITS) {inhibition[V_BITS-1]}}, inhibition};
    wire signed [PW-1:0] k_ext = {{(PW - K_BITS) {1'b0}}, k};
    wire signed [PW-1:0] product = inh_ext * k_ext;

    wire signed [DW-1:0] diff = {{(DW - V_BITS) {v[V_BITS-1]}}, v} - {product[PW-1], product};

    // In range when every bit from V_BITS-1 up is a copy of the sign.
    wire [DW-V_BITS:0] top = diff[DW-1:V_BITS-1];
    wire fits = (top == {(DW - V_BITS + 1) {1'b0}}) || (top == {(DW - V_BITS + 1) {1'b1}});
    localparam [V_BITS-1:0] V_MAX = {1'b0, {(V_BITS - 1) {1'b1}}};
    localparam [V_BITS-1:0] V_MIN = {1'b1, {(V_BITS - 1) {1'b0}}};

    assign v_out = fits ? diff[V_BITS-1:0] : (diff[DW-1] ? V_MIN : V_MAX);
endmodule

`default_nettype wire
