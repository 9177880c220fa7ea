// fspinn_divider: the column normalisation factor (`FspinnConsts::norm_factor`), sequential.
//
// quotient = floor(dividend / divisor), or 2^16 when divisor = 0 (an all-zero column keeps
// its weights). The controller passes dividend = norm_target << 16 and divisor = the column
// sum S_j. Restoring radix-2 division, one quotient bit per cycle, MSB first: a 32-bit
// remainder register, a 40-bit register that shifts the dividend out and the quotient in, a
// 33-bit subtract/compare, and a 6-bit counter.
//
// Timing (clk rising edges, rst synchronous and active high, clears the control state):
//   edge 0       start = 1 is sampled: operands are captured, busy goes high;
//   edges 1..40  one quotient bit each;
//   after edge 40: done = 1 for exactly one cycle (until edge 41), busy = 0, and `quotient`
//                 is valid; it holds until the next start.
// So done is high in the 41st cycle after the one in which start was high. `last` is high in
// the cycle before done (the 40th after start, whose edge computes the last quotient bit):
// a controller that moves on with `last` uses the quotient from the next cycle on, 40 cycles
// after start (the accelerator's norm_divide phase). A start while busy abandons the running
// division and begins the new one. `quotient` is meaningless while busy.
`default_nettype none

module fspinn_divider (
    input  wire        clk,
    input  wire        rst,
    input  wire        start,
    input  wire [39:0] dividend,
    input  wire [31:0] divisor,
    output wire [39:0] quotient,
    output reg         done,
    output reg         busy,
    output wire        last
);
    localparam [5:0] LAST = 6'd39;

    reg [39:0] work;      // dividend bits not yet used (top), quotient bits so far (bottom)
    reg [31:0] rem;       // partial remainder, always < divisor
    reg [31:0] dvsr;
    reg        dvsr_zero;
    reg [5:0]  count;

    wire [32:0] trial = {rem, work[39]};
    wire        fits = trial >= {1'b0, dvsr};
    wire [32:0] diff = trial - {1'b0, dvsr};
    // When the divisor fits, the difference is < divisor < 2^32; otherwise trial < divisor.
    wire [31:0] rem_next = fits ? diff[31:0] : trial[31:0];

    always @(posedge clk) begin
        if (rst) begin
            busy  <= 1'b0;
            done  <= 1'b0;
            count <= 6'd0;
        end else begin
            done <= 1'b0;
            if (start) begin
                busy  <= 1'b1;
                count <= 6'd0;
            end else if (busy) begin
                count <= count + 6'd1;
                if (count == LAST) begin
                    busy <= 1'b0;
                    done <= 1'b1;
                end
            end
        end
    end

    // Datapath registers: no reset needed (only read after a division has finished).
    always @(posedge clk) begin
        if (start) begin
            work      <= dividend;
            rem       <= 32'd0;
            dvsr      <= divisor;
            dvsr_zero <= (divisor == 32'd0);
        end else if (busy) begin
            work <= {work[38:0], fits};
            rem  <= rem_next;
        end
    end

    assign quotient = dvsr_zero ? 40'h00_0001_0000 : work;
    assign last = busy && !start && count == LAST;

    // diff[32] is always 0 when it is used (see rem_next).
    wire unused_diff_top = diff[32];
endmodule

`default_nettype wire
