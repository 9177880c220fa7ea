// fspinn_fire: the firing test (`FspinnConsts::fires`, datapath step 3).
//
// Combinational, 0 cycles: fires = (refractory == 0) && v > v_thresh + theta, a signed compare
// of v with the exact (max(V_BITS, THETA_BITS) + 2)-bit sum.
`default_nettype none

module fspinn_fire #(
    parameter V_BITS     = 16,
    parameter THETA_BITS = 16,
    parameter REF_BITS   = 4
) (
    input  wire signed [V_BITS-1:0]     v,
    input  wire        [REF_BITS-1:0]   refractory,
    input  wire        [THETA_BITS-1:0] theta,
    input  wire signed [V_BITS-1:0]     v_thresh,
    output wire                         fires
);
    localparam CW = ((V_BITS > THETA_BITS) ? V_BITS : THETA_BITS) + 2;

    wire signed [CW-1:0] v_ext = {{(CW - V_BITS) {v[V_BITS-1]}}, v};
    wire signed [CW-1:0] thresh_ext = {{(CW - V_BITS) {v_thresh[V_BITS-1]}}, v_thresh};
    wire signed [CW-1:0] theta_ext = {{(CW - THETA_BITS) {1'b0}}, theta};
    wire signed [CW-1:0] limit = thresh_ext + theta_ext;

    assign fires = (refractory == {REF_BITS{1'b0}}) && (v_ext > limit);
endmodule

`default_nettype wire
