// Testbench of fspinn_divider for sim/tests/rtl_units.rs. Reads +n=<count> vectors
// (dividend[39:0], divisor[31:0], pre[7:0]) from the hex file +vectors=<path>. After a reset it
// prints "S <done> <busy>". For each vector: if pre > 0, a start with the complemented operands
// is abandoned after pre cycles (a restart while busy); then start is pulsed with the operands
// (sampled at edge 0; the operand inputs are scrambled right after) and the rising edges until
// done are counted. Prints "R <index> <quotient> <edges until done> <done one edge later>
// <busy while done> <quotient one edge later>"; the Rust test compares them.
`default_nettype none

module tb_fspinn_divider;
    localparam VW = 80;
    reg [VW-1:0] vec [0:65535];
    reg [8*1024-1:0] path;
    integer n, i, edges;
    reg clk, rst, start;
    reg [39:0] dividend, dividend_v;
    reg [31:0] divisor, divisor_v;
    reg [7:0]  pre;
    reg [39:0] q_at_done;
    reg        busy_at_done;
    wire [39:0] quotient;
    wire done, busy;

    fspinn_divider dut (
        .clk(clk), .rst(rst), .start(start), .dividend(dividend), .divisor(divisor),
        .quotient(quotient), .done(done), .busy(busy));

    initial clk = 1'b0;
    always #5 clk = ~clk;

    initial begin
        if (!$value$plusargs("vectors=%s", path) || !$value$plusargs("n=%d", n)) begin
            $display("ERROR: usage: vvp <sim> +vectors=<file> +n=<count>");
            $finish;
        end
        $readmemh(path, vec, 0, n - 1);
        rst = 1'b1;
        start = 1'b0;
        dividend = 40'd0;
        divisor = 32'd0;
        @(posedge clk);
        @(posedge clk);
        #1;
        $display("S %0d %0d", done, busy);
        @(negedge clk);
        rst = 1'b0;
        for (i = 0; i < n; i = i + 1) begin
            {dividend_v, divisor_v, pre} = vec[i];
            if (pre != 8'd0) begin
                start = 1'b1;
                dividend = ~dividend_v;
                divisor = ~divisor_v;
                @(negedge clk);
                start = 1'b0;
                repeat (pre - 1) @(negedge clk);
            end
            start = 1'b1;
            dividend = dividend_v;
            divisor = divisor_v;
            @(posedge clk);  // edge 0
            #1;
            start = 1'b0;
            dividend = ~dividend_v;
            divisor = divisor_v ^ 32'h5A5A_A5A5;
            edges = 0;
            while (!done && edges < 100) begin
                @(posedge clk);
                #1;
                edges = edges + 1;
            end
            q_at_done = quotient;
            busy_at_done = busy;
            @(posedge clk);
            #1;
            $display("R %0d %0d %0d %0d %0d %0d", i, q_at_done, edges, done, busy_at_done, quotient);
            @(negedge clk);
        end
        $finish;
    end
endmodule

`default_nettype wire
