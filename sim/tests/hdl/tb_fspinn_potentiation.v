// Testbench of fspinn_potentiation for sim/tests/rtl_units.rs. Reads +n=<count> vectors from
// the hex file +vectors=<path>, fields pre_age[15:0], pre_never[3:0], eta_post_q16[31:0], x_tar[15:0], trace_max[15:0], trace_bits[7:0], half_life[15:0], mode[3:0], random[15:0],
// applies each and prints "R <index> <outputs...>" in decimal.
// The comparison with the Rust reference is done by the Rust test.
`default_nettype none

module tb_fspinn_potentiation;
    parameter STEP_BITS = 11;
    parameter HL_BITS = 16;
    localparam VW = 128;
    reg [VW-1:0] vec [0:65535];
    reg [8*1024-1:0] path;
    integer n, i;
    reg [15:0] pre_age;
    reg [3:0] pre_never;
    reg [31:0] eta_post_q16;
    reg [15:0] x_tar;
    reg [15:0] trace_max;
    reg [7:0] trace_bits;
    reg [15:0] half_life;
    reg [3:0] mode;
    reg [15:0] random;
    wire signed [31:0] delta;

    fspinn_potentiation #(.STEP_BITS(STEP_BITS), .HL_BITS(HL_BITS), .TRACE_W(16)) dut (
        .pre_age(pre_age[STEP_BITS-1:0]), .pre_never(pre_never[0]), .eta_post_q16(eta_post_q16), .x_tar(x_tar),
        .trace_max(trace_max), .trace_bits(trace_bits[4:0]), .half_life(half_life[HL_BITS-1:0]), .mode(mode[1:0]),
        .random(random), .delta(delta));

    initial begin
        if (!$value$plusargs("vectors=%s", path) || !$value$plusargs("n=%d", n)) begin
            $display("ERROR: usage: vvp <sim> +vectors=<file> +n=<count>");
            $finish;
        end
        $readmemh(path, vec, 0, n - 1);
        for (i = 0; i < n; i = i + 1) begin
            {pre_age, pre_never, eta_post_q16, x_tar, trace_max, trace_bits, half_life, mode, random} = vec[i];
            #1;
            $display("R %0d %0d", i, delta);
        end
        $finish;
    end
endmodule

`default_nettype wire
