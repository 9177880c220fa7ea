// Testbench of fspinn_sram_1r1w for sim/tests/rtl_units.rs. Reads +n=<count> cycles of port
// activity (re[3:0], raddr[15:0], we[3:0], waddr[15:0], wdata[31:0]) from the hex file
// +vectors=<path>; cycle i's inputs are applied before rising edge i, and after that edge it
// prints "R <i> <rdata>" (rdata during cycle i + 1). The Rust test compares the cycles in which
// a read is due with the cycle model's SramBank.
`default_nettype none

module tb_fspinn_sram_1r1w;
    parameter DEPTH = 37;
    parameter WIDTH = 24;
    parameter LATENCY = 1;
    localparam AB = (DEPTH > 1) ? $clog2(DEPTH) : 1;
    localparam VW = 72;
    reg [VW-1:0] vec [0:65535];
    reg [8*1024-1:0] path;
    integer n, i;
    reg clk;
    reg [3:0]  re, we;
    reg [15:0] raddr, waddr;
    reg [31:0] wdata;
    wire [WIDTH-1:0] rdata;

    fspinn_sram_1r1w #(.DEPTH(DEPTH), .WIDTH(WIDTH), .LATENCY(LATENCY)) dut (
        .clk(clk), .re(re[0]), .raddr(raddr[AB-1:0]), .rdata(rdata),
        .we(we[0]), .waddr(waddr[AB-1:0]), .wdata(wdata[WIDTH-1:0]));

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
            {re, raddr, we, waddr, wdata} = vec[i];
            @(posedge clk);
            #1;
            $display("R %0d %0d", i, rdata);
        end
        $finish;
    end
endmodule

`default_nettype wire
