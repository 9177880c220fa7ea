// Testbench of fspinn_fire for sim/tests/rtl_units.rs. Reads +n=<count> vectors from
// the hex file +vectors=<path>, fields v[31:0], refractory[3:0], theta[31:0], v_thresh[31:0],
// applies each and prints "R <index> <outputs...>" in decimal.
// The comparison with the Rust reference is done by the Rust test.
`default_nettype none

module tb_fspinn_fire;
    parameter V_BITS = 16;
    parameter THETA_BITS = 16;
    localparam VW = 100;
    reg [VW-1:0] vec [0:65535];
    reg [8*1024-1:0] path;
    integer n, i;
    reg [31:0] v;
    reg [3:0] refractory;
    reg [31:0] theta;
    reg [31:0] v_thresh;
    wire  fires;

    fspinn_fire #(.V_BITS(V_BITS), .THETA_BITS(THETA_BITS), .REF_BITS(4)) dut (
        .v(v[V_BITS-1:0]), .refractory(refractory), .theta(theta[THETA_BITS-1:0]),
        .v_thresh(v_thresh[V_BITS-1:0]), .fires(fires));

    initial begin
        if (!$value$plusargs("vectors=%s", path) || !$value$plusargs("n=%d", n)) begin
            $display("ERROR: usage: vvp <sim> +vectors=<file> +n=<count>");
            $finish;
        end
        $readmemh(path, vec, 0, n - 1);
        for (i = 0; i < n; i = i + 1) begin
            {v, refractory, theta, v_thresh} = vec[i];
            #1;
            $display("R %0d %0d", i, fires);
        end
        $finish;
    end
endmodule

`default_nettype wire
