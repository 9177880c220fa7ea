// fspinn_bump_theta: threshold adaptation of a neuron that fired in training
// (`FspinnConsts::bump_theta`, datapath step 3).
//
// Combinational, 0 cycles: theta_out = min(2^THETA_BITS - 1, theta + theta_plus), one
// (THETA_BITS + 1)-bit adder and a carry-select saturation. theta_plus is unsigned (a
// non-negative uQ8.8 increment).
`default_nettype none

module fspinn_bump_theta #(
    parameter THETA_BITS = 16
) (
    input  wire [THETA_BITS-1:0] theta,
    input  wire [THETA_BITS-1:0] theta_plus,
    output wire [THETA_BITS-1:0] theta_out
);
    wire [THETA_BITS:0] sum = {1'b0, theta} + {1'b0, theta_plus};
    assign theta_out = sum[THETA_BITS] ? {THETA_BITS{1'b1}} : sum[THETA_BITS-1:0];
endmodule

`default_nettype wire
