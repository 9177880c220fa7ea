// Testbench of fspinn_normalize_weight for sim/tests/rtl_units.rs. Reads +n=<count> vectors from
// the hex file +vectors=<path>, fields w[15:0], factor[39:0],
// applies each and prints "R <index> <outputs...>" in decimal.
// The comparison with the Rust reference is done by the Rust test.
`default_nettype none

module tb_fspinn_normalize_weight;
    parameter WEIGHT_BITS = 8;
    localparam VW = 56;
    reg [VW-1:0] vec [0:65535];
    reg [8*1024-1:0] path;
    integer n, i;
    reg [15:0] w;
    reg [39:0] factor;
    wire [WEIGHT_BITS-1:0] w_out;

    fspinn_normalize_weight #(.WEIGHT_BITS(WEIGHT_BITS)) dut (.w(w[WEIGHT_BITS-1:0]), .factor(factor), .w_out(w_out));

    initial begin
        if (!$value$plusargs("vectors=%s", path) || !$value$plusargs("n=%d", n)) begin
            $display("ERROR: usage: vvp <sim> +vectors=<file> +n=<count>");
            $finish;
        end
        $readmemh(path, vec, 0, n - 1);
        for (i = 0; i < n; i = i + 1) begin
            {w, factor} = vec[i];
            #1;
            $display("R %0d %0d", i, w_out);
        end
        $finish;
    end
endmodule

`default_nettype wire
