// fspinn_sram_1r1w: behavioural synchronous SRAM, one read and one write port (the L2
// `SramBank`); a designer swaps it for a memory macro with the same timing.
//
// A read with re = 1 in cycle c (sampled at the rising edge that ends c) captures the word as
// it was BEFORE any write in the same cycle and presents it on rdata in cycle c + LATENCY
// (after LATENCY rising edges: edge c captures, LATENCY - 1 pipeline registers follow). A write
// (we = 1) commits at the edge that ends its cycle, so a read in c + 1 sees it. LATENCY is
// 1..8. rdata keeps the last captured word (shifted through the pipeline) when no read is
// issued; only the cycle c + LATENCY is guaranteed. Addresses >= DEPTH are not allowed
// (writes to them are dropped, reads return an unspecified word). Memory contents are not
// reset.
`default_nettype none

module fspinn_sram_1r1w #(
    parameter DEPTH     = 256,
    parameter WIDTH     = 32,
    parameter LATENCY   = 1,
    parameter ADDR_BITS = (DEPTH > 1) ? $clog2(DEPTH) : 1
) (
    input  wire                 clk,
    input  wire                 re,
    input  wire [ADDR_BITS-1:0] raddr,
    output wire [WIDTH-1:0]     rdata,
    input  wire                 we,
    input  wire [ADDR_BITS-1:0] waddr,
    input  wire [WIDTH-1:0]     wdata
);
    reg [WIDTH-1:0] mem [0:DEPTH-1];
    reg [WIDTH-1:0] captured;

    always @(posedge clk) begin
        if (we) mem[waddr] <= wdata;
        if (re) captured <= mem[raddr];
    end

    generate
        if (LATENCY == 1) begin : g_direct
            assign rdata = captured;
        end else begin : g_pipe
            reg [WIDTH-1:0] stage [0:LATENCY-2];
            integer k;
            always @(posedge clk) begin
                stage[0] <= captured;
                for (k = 1; k < LATENCY - 1; k = k + 1)
                    stage[k] <= stage[k-1];
            end
            assign rdata = stage[LATENCY-2];
        end
    endgenerate
endmodule

`default_nettype wire
