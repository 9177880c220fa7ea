// fspinn_lfsr_next16: one 16-bit draw of the datapath LFSR (docs/datapath.md, "Random numbers").
//
// Combinational, 0 cycles. `state_out` is `state_in` after 16 Galois right shifts with mask
// 0x8020_0003 (x^32 + x^22 + x^2 + x + 1); the draw (`Lfsr32::next16`) is `state_out[15:0]`.
// The 16 steps unroll into a fixed XOR network (at most a few XOR levels per output bit).
// A zero state stays zero: the caller never loads one (seeds go through fspinn_input_seed).
`default_nettype none

module fspinn_lfsr_next16 (
    input  wire [31:0] state_in,
    output reg  [31:0] state_out
);
    localparam [31:0] MASK = 32'h8020_0003;
    integer i;
    always @* begin
        state_out = state_in;
        for (i = 0; i < 16; i = i + 1)
            state_out = {1'b0, state_out[31:1]} ^ ({32{state_out[0]}} & MASK);
    end
endmodule

`default_nettype wire
