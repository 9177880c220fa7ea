// Testbench of fspinn_first_set for sim/tests/rtl_units.rs. Reads +n=<count> 64-bit vectors
// from the hex file +vectors=<path> (the low WIDTH bits are the input) and prints
// "R <i> <index> <any>" for each.
`default_nettype none

module tb_fspinn_first_set;
    parameter WIDTH = 16;
    localparam IB = (WIDTH > 1) ? $clog2(WIDTH) : 1;
    reg [63:0] vec [0:65535];
    reg [8*1024-1:0] path;
    integer n, i;
    reg  [63:0]    v;
    wire [IB-1:0]  index;
    wire           any;

    fspinn_first_set #(.WIDTH(WIDTH)) dut (.vec(v[WIDTH-1:0]), .index(index), .any(any));

    initial begin
        if (!$value$plusargs("vectors=%s", path) || !$value$plusargs("n=%d", n)) begin
            $display("ERROR: usage: vvp <sim> +vectors=<file> +n=<count>");
            $finish;
        end
        $readmemh(path, vec, 0, n - 1);
        for (i = 0; i < n; i = i + 1) begin
            v = vec[i];
            #1;
            $display("R %0d %0d %0d", i, index, any);
        end
        $finish;
    end
endmodule

`default_nettype wire
