// Testbench of fspinn_input_seed for sim/tests/rtl_units.rs. Reads +n=<count> vectors from
// the hex file +vectors=<path>, fields sample_seed[31:0], channel[31:0],
// applies each and prints "R <index> <outputs...>" in decimal.
// The comparison with the Rust reference is done by the Rust test.
`default_nettype none

module tb_fspinn_input_seed;
    parameter CHANNEL_BITS = 16;
    localparam VW = 64;
    reg [VW-1:0] vec [0:65535];
    reg [8*1024-1:0] path;
    integer n, i;
    reg [31:0] sample_seed;
    reg [31:0] channel;
    wire [31:0] seed;

    fspinn_input_seed #(.CHANNEL_BITS(CHANNEL_BITS)) dut (
        .sample_seed(sample_seed), .channel(channel[CHANNEL_BITS-1:0]), .seed(seed));

    initial begin
        if (!$value$plusargs("vectors=%s", path) || !$value$plusargs("n=%d", n)) begin
            $display("ERROR: usage: vvp <sim> +vectors=<file> +n=<count>");
            $finish;
        end
        $readmemh(path, vec, 0, n - 1);
        for (i = 0; i < n; i = i + 1) begin
            {sample_seed, channel} = vec[i];
            #1;
            $display("R %0d %0d", i, seed);
        end
        $finish;
    end
endmodule

`default_nettype wire
