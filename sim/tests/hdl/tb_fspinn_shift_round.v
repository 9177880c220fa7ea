// Testbench of fspinn_shift_round for sim/tests/rtl_units.rs. Reads +n=<count> vectors from
// the hex file +vectors=<path>, fields value[63:0], shift[7:0], mode[3:0], random[31:0],
// applies each and prints "R <index> <outputs...>" in decimal.
// The comparison with the Rust reference is done by the Rust test.
`default_nettype none

module tb_fspinn_shift_round;
    parameter W = 32;
    localparam VW = 108;
    reg [VW-1:0] vec [0:65535];
    reg [8*1024-1:0] path;
    integer n, i;
    reg [63:0] value;
    reg [7:0] shift;
    reg [3:0] mode;
    reg [31:0] random;
    wire signed [W-1:0] result;

    fspinn_shift_round #(.W(W)) dut (
        .value(value[W-1:0]), .shift(shift[5:0]), .mode(mode[1:0]), .random(random), .result(result));

    initial begin
        if (!$value$plusargs("vectors=%s", path) || !$value$plusargs("n=%d", n)) begin
            $display("ERROR: usage: vvp <sim> +vectors=<file> +n=<count>");
            $finish;
        end
        $readmemh(path, vec, 0, n - 1);
        for (i = 0; i < n; i = i + 1) begin
            {value, shift, mode, random} = vec[i];
            #1;
            $display("R %0d %0d", i, result);
        end
        $finish;
    end
endmodule

`default_nettype wire
