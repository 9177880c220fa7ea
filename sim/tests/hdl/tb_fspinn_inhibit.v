// Testbench of fspinn_inhibit for sim/tests/rtl_units.rs. Reads +n=<count> vectors from
// the hex file +vectors=<path>, fields v[31:0], inhibition[31:0], k[31:0],
// applies each and prints "R <index> <outputs...>" in decimal.
// The comparison with the Rust reference is done by the Rust test.
`default_nettype none

module tb_fspinn_inhibit;
    parameter V_BITS = 16;
    parameter K_BITS = 16;
    localparam VW = 96;
    reg [VW-1:0] vec [0:65535];
    reg [8*1024-1:0] path;
    integer n, i;
    reg [31:0] v;
    reg [31:0] inhibition;
    reg [31:0] k;
    wire signed [V_BITS-1:0] v_out;

    fspinn_inhibit #(.V_BITS(V_BITS), .K_BITS(K_BITS)) dut (
        .v(v[V_BITS-1:0]), .inhibition(inhibition[V_BITS-1:0]), .k(k[K_BITS-1:0]), .v_out(v_out));

    initial begin
        if (!$value$plusargs("vectors=%s", path) || !$value$plusargs("n=%d", n)) begin
            $display("ERROR: usage: vvp <sim> +vectors=<file> +n=<count>");
            $finish;
        end
        $readmemh(path, vec, 0, n - 1);
        for (i = 0; i < n; i = i + 1) begin
            {v, inhibition, k} = vec[i];
            #1;
            $display("R %0d %0d", i, v_out);
        end
        $finish;
    end
endmodule

`default_nettype wire
