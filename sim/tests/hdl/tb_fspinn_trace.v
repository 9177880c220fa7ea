// Testbench of fspinn_trace for sim/tests/rtl_units.rs. Reads +n=<count> vectors from
// the hex file +vectors=<path>, fields age[15:0], never[3:0], trace_max[15:0], trace_bits[7:0], half_life[15:0],
// applies each and prints "R <index> <outputs...>" in decimal.
// The comparison with the Rust reference is done by the Rust test.
`default_nettype none

module tb_fspinn_trace;
    parameter STEP_BITS = 11;
    parameter HL_BITS = 16;
    localparam VW = 60;
    reg [VW-1:0] vec [0:65535];
    reg [8*1024-1:0] path;
    integer n, i;
    reg [15:0] age;
    reg [3:0] never;
    reg [15:0] trace_max;
    reg [7:0] trace_bits;
    reg [15:0] half_life;
    wire [15:0] trace;

    fspinn_trace #(.STEP_BITS(STEP_BITS), .HL_BITS(HL_BITS), .TRACE_W(16)) dut (
        .age(age[STEP_BITS-1:0]), .never(never[0]), .trace_max(trace_max), .trace_bits(trace_bits[4:0]),
        .half_life(half_life[HL_BITS-1:0]), .trace(trace));

    initial begin
        if (!$value$plusargs("vectors=%s", path) || !$value$plusargs("n=%d", n)) begin
            $display("ERROR: usage: vvp <sim> +vectors=<file> +n=<count>");
            $finish;
        end
        $readmemh(path, vec, 0, n - 1);
        for (i = 0; i < n; i = i + 1) begin
            {age, never, trace_max, trace_bits, half_life} = vec[i];
            #1;
            $display("R %0d %0d", i, trace);
        end
        $finish;
    end
endmodule

`default_nettype wire
