// Testbench of fspinn_adapt_inhibition for sim/tests/rtl_units.rs. Reads +n=<count> vectors from
// the hex file +vectors=<path>, fields inhibition[31:0], spikes[31:0], target[31:0], v_thresh[31:0], v_max[31:0],
// applies each and prints "R <index> <outputs...>" in decimal.
// The comparison with the Rust reference is done by the Rust test.
`default_nettype none

module tb_fspinn_adapt_inhibition;
    parameter V_BITS = 16;
    localparam VW = 160;
    reg [VW-1:0] vec [0:65535];
    reg [8*1024-1:0] path;
    integer n, i;
    reg [31:0] inhibition;
    reg [31:0] spikes;
    reg [31:0] target;
    reg [31:0] v_thresh;
    reg [31:0] v_max;
    wire signed [V_BITS-1:0] inhibition_out;

    fspinn_adapt_inhibition #(.V_BITS(V_BITS), .COUNT_BITS(32)) dut (
        .inhibition(inhibition[V_BITS-1:0]), .spikes(spikes), .target(target), .v_thresh(v_thresh[V_BITS-1:0]),
        .v_max(v_max[V_BITS-1:0]), .inhibition_out(inhibition_out));

    initial begin
        if (!$value$plusargs("vectors=%s", path) || !$value$plusargs("n=%d", n)) begin
            $display("ERROR: usage: vvp <sim> +vectors=<file> +n=<count>");
            $finish;
        end
        $readmemh(path, vec, 0, n - 1);
        for (i = 0; i < n; i = i + 1) begin
            {inhibition, spikes, target, v_thresh, v_max} = vec[i];
            #1;
            $display("R %0d %0d", i, inhibition_out);
        end
        $finish;
    end
endmodule

`default_nettype wire
