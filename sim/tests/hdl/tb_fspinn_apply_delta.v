// Testbench of fspinn_apply_delta for sim/tests/rtl_units.rs. Reads +n=<count> vectors from
// the hex file +vectors=<path>, fields w[15:0], delta[31:0], w_max[15:0],
// applies each and prints "R <index> <outputs...>" in decimal.
// The comparison with the Rust reference is done by the Rust test.
`default_nettype none

module tb_fspinn_apply_delta;
    parameter WEIGHT_BITS = 8;
    localparam VW = 64;
    reg [VW-1:0] vec [0:65535];
    reg [8*1024-1:0] path;
    integer n, i;
    reg [15:0] w;
    reg [31:0] delta;
    reg [15:0] w_max;
    wire [WEIGHT_BITS-1:0] w_out;

    fspinn_apply_delta #(.WEIGHT_BITS(WEIGHT_BITS)) dut (
        .w(w[WEIGHT_BITS-1:0]), .delta(delta), .w_max(w_max[WEIGHT_BITS-1:0]), .w_out(w_out));

    initial begin
        if (!$value$plusargs("vectors=%s", path) || !$value$plusargs("n=%d", n)) begin
            $display("ERROR: usage: vvp <sim> +vectors=<file> +n=<count>");
            $finish;
        end
        $readmemh(path, vec, 0, n - 1);
        for (i = 0; i < n; i = i + 1) begin
            {w, delta, w_max} = vec[i];
            #1;
            $display("R %0d %0d", i, w_out);
        end
        $finish;
    end
endmodule

`default_nettype wire
