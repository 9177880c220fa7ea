// fspinn_shift_round: drop `shift` fraction bits with one of three roundings
// (`fixed::shift_round`, docs/datapath.md "Rounding").
//
// Combinational, 0 cycles. With value = q * 2^s + f (q = value >>> s, 0 <= f < 2^s):
//   mode 0 truncate:   q
//   mode 1 nearest:    q + f[s-1]                (round half up)
//   mode 2 stochastic: q + carry(f + random[s-1:0])
//   mode 3:            reserved, behaves as truncate
// shift = 0 returns value in every mode; shift must be 0..32 (the model panics above 32; here
// shifts 33..63 give q = value >>> shift with an unspecified rounding increment).
// The result always fits W bits (|q| < 2^(W-2) for s >= 1, so q + 1 cannot overflow).
// Cost: one W+33-bit arithmetic barrel shifter (constant sign bits prune to W bits), a 33-bit
// mask, a 33-bit adder with a compare for the stochastic carry, and a W-bit incrementer.
`default_nettype none

module fspinn_shift_round #(
    parameter W = 32
) (
    input  wire signed [W-1:0] value,
    input  wire        [5:0]   shift,
    input  wire        [1:0]   mode,
    input  wire        [31:0]  random,
    output wire signed [W-1:0] result
);
    localparam EW = W + 33;

    wire signed [EW-1:0] value_ext = {{33{value[W-1]}}, value};
    wire signed [EW-1:0] quotient = value_ext >>> shift;

    // Low `shift` bits of the (sign-extended) value, and of the random draw.
    wire [32:0] mask = ~({33{1'b1}} << shift);
    wire [32:0] frac = value_ext[32:0] & mask;
    wire [32:0] rand_low = {1'b0, random} & mask;
    // Bit s-1 of the fraction (0 when s = 0: the mask is then empty).
    wire half = |(frac & (mask ^ {1'b0, mask[32:1]}));
    // frac + rand_low < 2^(s+1); it carries into bit s when it exceeds the mask 2^s - 1.
    wire [33:0] sum = {1'b0, frac} + {1'b0, rand_low};
    wire carry = sum > {1'b0, mask};

    wire increment = (mode == 2'd1) ? half : (mode == 2'd2) ? carry : 1'b0;

    assign result = quotient[W-1:0] + {{(W - 1) {1'b0}}, increment};

    // The quotient's upper bits are copies of its sign bit (kept wide so that shifts up to 32
    // stay exact for any W); only the low W bits are the result.
    wire unused_quotient_high = &{1'b0, quotient[EW-1:W]};
endmodule

`default_nettype wire
