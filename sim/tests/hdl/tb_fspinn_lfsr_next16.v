// Testbench of fspinn_lfsr_next16 for sim/tests/rtl_units.rs. Reads +n=<count> vectors from
// the hex file +vectors=<path>, fields state_in[31:0],
// applies each and prints "R <index> <outputs...>" in decimal.
// The comparison with the Rust reference is done by the Rust test.
`default_nettype none

module tb_fspinn_lfsr_next16;
    localparam VW = 32;
    reg [VW-1:0] vec [0:65535];
    reg [8*1024-1:0] path;
    integer n, i;
    reg [31:0] state_in;
    wire [31:0] state_out;

    fspinn_lfsr_next16 dut (.state_in(state_in), .state_out(state_out));

    initial begin
        if (!$value$plusargs("vectors=%s", path) || !$value$plusargs("n=%d", n)) begin
            $display("ERROR: usage: vvp <sim> +vectors=<file> +n=<count>");
            $finish;
        end
        $readmemh(path, vec, 0, n - 1);
        for (i = 0; i < n; i = i + 1) begin
            {state_in} = vec[i];
            #1;
            $display("R %0d %0d", i, state_out);
        end
        $finish;
    end
endmodule

`default_nettype wire
