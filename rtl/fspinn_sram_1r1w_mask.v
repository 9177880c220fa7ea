// fspinn_sram_1r1w_mask: behavioural synchronous SRAM, one read and one write port, with a
// per-lane write mask (a row of LANES fields of LANE_BITS bits); a designer swaps it for a
// memory macro with bit- or byte-write enables and the same timing.
//
// Used for the per-input state that is written one field at a time: the pixels (the host
// writes one pixel of a row) and the last-spike times (a generate cycle writes only the lanes
// that spiked). Timing as `fspinn_sram_1r1w` with LATENCY = 1: a read with re = 1 in cycle c
// presents the row as it was BEFORE any write in c on rdata in cycle c + 1; rdata holds the
// last read row while re is low. A write (we = 1) updates the fields whose wmask bit is set at
// the edge that ends its cycle. Addresses >= DEPTH are not allowed. Contents are not reset.
`default_nettype none

module fspinn_sram_1r1w_mask #(
    parameter DEPTH     = 64,
    parameter LANES     = 16,
    parameter LANE_BITS = 8,
    parameter ADDR_BITS = (DEPTH > 1) ? $clog2(DEPTH) : 1
) (
    input  wire                       clk,
    input  wire                       re,
    input  wire [ADDR_BITS-1:0]       raddr,
    output reg  [LANES*LANE_BITS-1:0] rdata,
    input  wire                       we,
    input  wire [LANES-1:0]           wmask,
    input  wire [ADDR_BITS-1:0]       waddr,
    input  wire [LANES*LANE_BITS-1:0] wdata
);
    reg [LANES*LANE_BITS-1:0] mem [0:DEPTH-1];

    integer l;
    always @(posedge clk) begin
        if (re) rdata <= mem[raddr];
        for (l = 0; l < LANES; l = l + 1)
            if (we && wmask[l]) mem[waddr][l*LANE_BITS +: LANE_BITS] <= wdata[l*LANE_BITS +: LANE_BITS];
    end
endmodule

`default_nettype wire
