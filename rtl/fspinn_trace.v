// fspinn_trace: a spike trace from the age of its spike (`FspinnConsts::trace`).
//
// Combinational, 0 cycles:
//   trace = 0                        if never (no spike yet in this attempt)
//   trace = 0                        if h >= trace_bits
//   trace = trace_max >> h           otherwise, with h = floor(age / half_life).
// half_life >= 1 (the model divides by it; half_life = 0 here gives trace 0).
//
// Division by the run-time half-life. Only h < 32 matters (trace_bits is 5 bits, and any h
// >= trace_bits gives 0), so the divider computes h saturated at 31:
//   one comparator          age >= half_life << 5   -> h saturates to 31;
//   five restoring stages   for i = 4 .. 0: if rem >= half_life << i { rem -= half_life << i;
//                           h[i] = 1 }, starting from rem = age (< 32 * half_life after the
//                           comparator, so 5 quotient bits are exact).
// Cost: 6 compare/subtract stages of DW = STEP_BITS + HL_BITS + 5 bits (constant-zero bits of
// the shifted divisor and of the remainder prune away), a 5-bit compare with trace_bits and a
// TRACE_W-bit right shifter, in a 6-deep ripple chain. Yosys 0.23 `synth` with the defaults
// (STEP_BITS 11, HL_BITS 16, TRACE_W 16): about 1,190 generic gates, no flops. A full
// STEP_BITS-stage array divider would need about twice the stages; a comparison chain against
// k * half_life for k = 1..31 needs 31 comparators plus the multiples.
`default_nettype none

module fspinn_trace #(
    parameter STEP_BITS = 11,
    parameter HL_BITS   = 16,
    parameter TRACE_W   = 16
) (
    input  wire [STEP_BITS-1:0] age,
    input  wire                 never,
    input  wire [TRACE_W-1:0]   trace_max,
    input  wire [4:0]           trace_bits,
    input  wire [HL_BITS-1:0]   half_life,
    output wire [TRACE_W-1:0]   trace
);
    localparam DW = STEP_BITS + HL_BITS + 5;

    wire [DW-1:0] age_ext = {{(DW - STEP_BITS) {1'b0}}, age};
    wire [DW-1:0] hl_ext = {{(DW - HL_BITS) {1'b0}}, half_life};

    reg [DW-1:0] rem;
    reg [4:0]    quotient;
    integer      i;
    always @* begin
        rem = age_ext;
        quotient = 5'd0;
        for (i = 4; i >= 0; i = i - 1) begin
            if (rem >= (hl_ext << i)) begin
                rem = rem - (hl_ext << i);
                quotient[i] = 1'b1;
            end
        end
    end

    wire       saturated = age_ext >= (hl_ext << 5);
    wire [4:0] halvings = saturated ? 5'd31 : quotient;

    assign trace = (never || halvings >= trace_bits) ? {TRACE_W{1'b0}} : (trace_max >> halvings);
endmodule

`default_nettype wire
