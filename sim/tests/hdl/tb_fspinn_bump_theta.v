// Testbench of fspinn_bump_theta for sim/tests/rtl_units.rs. Reads +n=<count> vectors from
// the hex file +vectors=<path>, fields theta[31:0], theta_plus[31:0],
// applies each and prints "R <index> <outputs...>" in decimal.
// The comparison with the Rust reference is done by the Rust test.
`default_nettype none

module tb_fspinn_bump_theta;
    parameter THETA_BITS = 16;
    localparam VW = 64;
    reg [VW-1:0] vec [0:65535];
    reg [8*1024-1:0] path;
    integer n, i;
    reg [31:0] theta;
    reg [31:0] theta_plus;
    wire [THETA_BITS-1:0] theta_out;

    fspinn_bump_theta #(.THETA_BITS(THETA_BITS)) dut (
        .theta(theta[THETA_BITS-1:0]), .theta_plus(theta_plus[THETA_BITS-1:0]), .theta_out(theta_out));

    initial begin
        if (!$value$plusargs("vectors=%s", path) || !$value$plusargs("n=%d", n)) begin
            $display("ERROR: usage: vvp <sim> +vectors=<file> +n=<count>");
            $finish;
        end
        $readmemh(path, vec, 0, n - 1);
        for (i = 0; i < n; i = i + 1) begin
            {theta, theta_plus} = vec[i];
            #1;
            $display("R %0d %0d", i, theta_out);
        end
        $finish;
    end
endmodule

`default_nettype wire
