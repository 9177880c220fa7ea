// Testbench of fspinn_decay_theta for sim/tests/rtl_units.rs. Reads +n=<count> vectors from
// the hex file +vectors=<path>, fields theta[31:0], shift[7:0], random[31:0],
// applies each and prints "R <index> <outputs...>" in decimal.
// The comparison with the Rust reference is done by the Rust test.
`default_nettype none

module tb_fspinn_decay_theta;
    parameter THETA_BITS = 16;
    localparam VW = 72;
    reg [VW-1:0] vec [0:65535];
    reg [8*1024-1:0] path;
    integer n, i;
    reg [31:0] theta;
    reg [7:0] shift;
    reg [31:0] random;
    wire [THETA_BITS-1:0] theta_out;

    fspinn_decay_theta #(.THETA_BITS(THETA_BITS)) dut (
        .theta(theta[THETA_BITS-1:0]), .shift(shift[5:0]), .random(random), .theta_out(theta_out));

    initial begin
        if (!$value$plusargs("vectors=%s", path) || !$value$plusargs("n=%d", n)) begin
            $display("ERROR: usage: vvp <sim> +vectors=<file> +n=<count>");
            $finish;
        end
        $readmemh(path, vec, 0, n - 1);
        for (i = 0; i < n; i = i + 1) begin
            {theta, shift, random} = vec[i];
            #1;
            $display("R %0d %0d", i, theta_out);
        end
        $finish;
    end
endmodule

`default_nettype wire
