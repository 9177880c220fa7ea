// Testbench of fspinn_sram_1r1w_mask for sim/tests/rtl_units.rs. Reads +n=<count> cycles of
// port activity (re[3:0], raddr[15:0], we[3:0], wmask[15:0], waddr[15:0], wdata[63:0]) from
// the hex file +vectors=<path>; cycle i's inputs are applied before rising edge i, and after
// that edge it prints "R <i> <rdata>" (rdata during cycle i + 1).
`default_nettype none

module tb_fspinn_sram_1r1w_mask;
    parameter DEPTH = 37;
    parameter LANES = 4;
    parameter LANE_BITS = 8;
    localparam AB = (DEPTH > 1) ? $clog2(DEPTH) : 1;
    localparam VW = 120;
    reg [VW-1:0] vec [0:65535];
    reg [8*1024-1:0] path;
    integer n, i;
    reg clk;
    reg [3:0]  re, we;
    reg [15:0] raddr, waddr, wmask;
    reg [63:0] wdata;
    wire [LANES*LANE_BITS-1:0] rdata;

    fspinn_sram_1r1w_mask #(.DEPTH(DEPTH), .LANES(LANES), .LANE_BITS(LANE_BITS)) dut (
        .clk(clk), .re(re[0]), .raddr(raddr[AB-1:0]), .rdata(rdata),
        .we(we[0]), .wmask(wmask[LANES-1:0]), .waddr(waddr[AB-1:0]),
        .wdata(wdata[LANES*LANE_BITS-1:0]));

    initial clk = 1'b0;
    always #5 clk = ~clk;

    initial begin
        if (!$value$plusargs("vectors=%s", path) || !$value$plusargs("n=%d", n)) begin
            $display("ERROR: usage: vvp <sim> +vectors=<file> +n=<count>");
            $finish;
        end
        $readmemh(path, vec, 0, n - 1);
        for (i = 0; i < n; i = i + 1) begin
            @(negedge clk);
            {re, raddr, we, wmask, waddr, wdata} = vec[i];
            @(posedge clk);
            #1;
            $display("R %0d %0d", i, rdata);
        end
        $finish;
    end
endmodule

`default_nettype wire
