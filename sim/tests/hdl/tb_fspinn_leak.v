// Testbench of fspinn_leak for sim/tests/rtl_units.rs. Reads +n=<count> vectors from
// the hex file +vectors=<path>, fields v[31:0], leak_shift[7:0],
// applies each and prints "R <index> <outputs...>" in decimal.
// The comparison with the Rust reference is done by the Rust test.
`default_nettype none

module tb_fspinn_leak;
    parameter V_BITS = 16;
    localparam VW = 40;
    reg [VW-1:0] vec [0:65535];
    reg [8*1024-1:0] path;
    integer n, i;
    reg [31:0] v;
    reg [7:0] leak_shift;
    wire signed [V_BITS-1:0] v_out;

    fspinn_leak #(.V_BITS(V_BITS)) dut (.v(v[V_BITS-1:0]), .leak_shift(leak_shift[4:0]), .v_out(v_out));

    initial begin
        if (!$value$plusargs("vectors=%s", path) || !$value$plusargs("n=%d", n)) begin
            $display("ERROR: usage: vvp <sim> +vectors=<file> +n=<count>");
            $finish;
        end
        $readmemh(path, vec, 0, n - 1);
        for (i = 0; i < n; i = i + 1) begin
            {v, leak_shift} = vec[i];
            #1;
            $display("R %0d %0d", i, v_out);
        end
        $finish;
    end
endmodule

`default_nettype wire
