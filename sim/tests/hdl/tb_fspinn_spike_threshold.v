// Testbench of fspinn_spike_threshold for sim/tests/rtl_units.rs. Reads +n=<count> vectors from
// the hex file +vectors=<path>, fields pixel[7:0], rate_q24[31:0],
// applies each and prints "R <index> <outputs...>" in decimal.
// The comparison with the Rust reference is done by the Rust test.
`default_nettype none

module tb_fspinn_spike_threshold;
    localparam VW = 40;
    reg [VW-1:0] vec [0:65535];
    reg [8*1024-1:0] path;
    integer n, i;
    reg [7:0] pixel;
    reg [31:0] rate_q24;
    wire [15:0] threshold;

    fspinn_spike_threshold dut (.pixel(pixel), .rate_q24(rate_q24), .threshold(threshold));

    initial begin
        if (!$value$plusargs("vectors=%s", path) || !$value$plusargs("n=%d", n)) begin
            $display("ERROR: usage: vvp <sim> +vectors=<file> +n=<count>");
            $finish;
        end
        $readmemh(path, vec, 0, n - 1);
        for (i = 0; i < n; i = i + 1) begin
            {pixel, rate_q24} = vec[i];
            #1;
            $display("R %0d %0d", i, threshold);
        end
        $finish;
    end
endmodule

`default_nettype wire
