// fspinn_potentiation: the weight change of one input at a post spike
// (`FspinnConsts::potentiation`, datapath step 5).
//
// Combinational, 0 cycles:
//   delta = shift_round((trace(pre_age) - x_tar) * eta_post_q16, 16, mode, random)
// with the trace of fspinn_trace (pre_never: the input has not spiked, trace 0). The
// difference is (TRACE_W + 1)-bit signed, the product with the unsigned 32-bit rate exact in
// TRACE_W + 34 bits (a (TRACE_W + 1) x 33 signed multiplier), and the rounded quotient is
// returned as its low 32 bits, like the model's `as i32` (a network's deltas are a few
// hundred codes at most). mode: 0 truncate, 1 nearest, 2 stochastic (random[15:0] is the
// `next16` draw; only stochastic uses it).
`default_nettype none

module fspinn_potentiation #(
    parameter STEP_BITS = 11,
    parameter HL_BITS   = 16,
    parameter TRACE_W   = 16
) (
    input  wire        [STEP_BITS-1:0] pre_age,
    input  wire                        pre_never,
    input  wire        [31:0]          eta_post_q16,
    input  wire        [TRACE_W-1:0]   x_tar,
    input  wire        [TRACE_W-1:0]   trace_max,
    input  wire        [4:0]           trace_bits,
    input  wire        [HL_BITS-1:0]   half_life,
    input  wire        [1:0]           mode,
    input  wire        [15:0]          random,
    output wire signed [31:0]          delta
);
    localparam DW = TRACE_W + 1;   // trace - x_tar
    localparam PW = DW + 33;       // (trace - x_tar) * eta, exact

    wire [TRACE_W-1:0] trace;
    fspinn_trace #(
        .STEP_BITS(STEP_BITS),
        .HL_BITS  (HL_BITS),
        .TRACE_W  (TRACE_W)
    ) u_trace (
        .age       (pre_age),
        .never     (pre_never),
        .trace_max (trace_max),
        .trace_bits(trace_bits),
        .half_life (half_life),
        .trace     (trace)
    );

    wire signed [DW-1:0] diff = {1'b0, trace} - {1'b0, x_tar};
    wire signed [PW-1:0] diff_ext = {{(PW - DW) {diff[DW-1]}}, diff};
    wire signed [PW-1:0] eta_ext = {{(PW - 32) {1'b0}}, eta_post_q16};
    wire signed [PW-1:0] product = diff_ext * eta_ext;

    wire signed [PW-1:0] rounded;
    fspinn_shift_round #(
        .W(PW)
    ) u_round (
        .value (product),
        .shift (6'd16),
        .mode  (mode),
        .random({16'd0, random}),
        .result(rounded)
    );

    assign delta = rounded[31:0];

    // Bits above 31 only matter for deltas outside the model's i32, which wraps them too.
    wire unused_rounded_high = &{1'b0, rounded[PW-1:32]};
endmodule

`default_nettype wire
