// fspinn_decay_theta: threshold-offset decay after a training attempt
// (`FspinnConsts::decay_theta`).
//
// Combinational, 0 cycles: theta_out = theta - shift_round(theta, shift, stochastic, random)
// (decay_shift with stochastic rounding and a 32-bit draw), shift 0..32. The subtracted
// quotient lies between 0 and theta, so the THETA_BITS difference is exact.
`default_nettype none

module fspinn_decay_theta #(
    parameter THETA_BITS = 16
) (
    input  wire [THETA_BITS-1:0] theta,
    input  wire [5:0]            shift,
    input  wire [31:0]           random,
    output wire [THETA_BITS-1:0] theta_out
);
    wire signed [THETA_BITS:0] quotient;
    fspinn_shift_round #(
        .W(THETA_BITS + 1)
    ) u_round (
        .value ({1'b0, theta}),
        .shift (shift),
        .mode  (2'd2),
        .random(random),
        .result(quotient)
    );

    assign theta_out = theta - quotient[THETA_BITS-1:0];

    // The quotient is between 0 and theta: its sign bit is always 0.
    wire unused_quotient_sign = quotient[THETA_BITS];
endmodule

`default_nettype wire
