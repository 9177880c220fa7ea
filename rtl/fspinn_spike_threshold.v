// fspinn_spike_threshold: a channel's spike probability per step (`fixed::spike_threshold`).
//
// Combinational, 0 cycles: threshold = min(0xFFFF, (pixel * rate_q24) >> 8). An 8x32 multiplier
// (exact 40-bit product, Q0.24 probability), truncated to Q0.16 and saturated when any bit of
// product[39:24] is set.
`default_nettype none

module fspinn_spike_threshold (
    input  wire [7:0]  pixel,
    input  wire [31:0] rate_q24,
    output wire [15:0] threshold
);
    wire [39:0] product = {32'd0, pixel} * {8'd0, rate_q24};
    assign threshold = (|product[39:24]) ? 16'hFFFF : product[23:8];

    // product[7:0] is the truncated part of the Q0.24 probability.
    wire unused_product_low = &{1'b0, product[7:0]};
endmodule

`default_nettype wire
