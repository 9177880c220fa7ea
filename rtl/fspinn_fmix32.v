// fspinn_fmix32: the MurmurHash3 32-bit finaliser (`fixed::fmix32`, docs/datapath.md "Seeds").
//
// Combinational, 0 cycles: x ^= x >> 16; x *= 0x85EB_CA6B; x ^= x >> 13; x *= 0xC2B2_AE35;
// x ^= x >> 16, products modulo 2^32. Two 32x32 constant multipliers keeping the low word.
`default_nettype none

module fspinn_fmix32 (
    input  wire [31:0] x,
    output wire [31:0] y
);
    wire [31:0] a = x ^ {16'd0, x[31:16]};
    wire [31:0] b = a * 32'h85EB_CA6B;
    wire [31:0] c = b ^ {13'd0, b[31:13]};
    wire [31:0] d = c * 32'hC2B2_AE35;
    assign y = d ^ {16'd0, d[31:16]};
endmodule

`default_nettype wire
