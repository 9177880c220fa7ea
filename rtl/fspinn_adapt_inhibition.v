// fspinn_adapt_inhibition: mechanism (f), the inhibition after a training attempt
// (`FspinnConsts::adapt_inhibition`).
//
// Combinational, 0 cycles: step = max(inhibition >>> 4, 1);
//   next = inhibition + step  if spikes > target
//          inhibition - step  if spikes < target
//          inhibition         otherwise
//   inhibition_out = clamp(next, v_thresh >>> 2, v_max)  (low bound tested first)
// In range: v_thresh >>> 2 <= v_max (the model asserts it). The sum is exact in V_BITS + 2
// bits; two COUNT_BITS comparators, one adder, two signed compares.
`default_nettype none

module fspinn_adapt_inhibition #(
    parameter V_BITS     = 16,
    parameter COUNT_BITS = 32
) (
    input  wire signed [V_BITS-1:0]     inhibition,
    input  wire        [COUNT_BITS-1:0] spikes,
    input  wire        [COUNT_BITS-1:0] target,
    input  wire signed [V_BITS-1:0]     v_thresh,
    input  wire signed [V_BITS-1:0]     v_max,
    output wire signed [V_BITS-1:0]     inhibition_out
);
    localparam NW = V_BITS + 2;

    wire signed [V_BITS-1:0] sixteenth = inhibition >>> 4;
    wire signed [V_BITS-1:0] one = {{(V_BITS - 1) {1'b0}}, 1'b1};
    wire signed [V_BITS-1:0] step = (sixteenth < one) ? one : sixteenth;

    wire signed [NW-1:0] inh_ext = {{2{inhibition[V_BITS-1]}}, inhibition};
    wire signed [NW-1:0] step_ext = {{2{step[V_BITS-1]}}, step};
    wire signed [NW-1:0] next = (spikes > target) ? (inh_ext + step_ext)
                              : (spikes < target) ? (inh_ext - step_ext) : inh_ext;

    wire signed [V_BITS-1:0] low = v_thresh >>> 2;
    wire signed [NW-1:0] low_ext = {{2{low[V_BITS-1]}}, low};
    wire signed [NW-1:0] max_ext = {{2{v_max[V_BITS-1]}}, v_max};

    assign inhibition_out = (next < low_ext) ? low : (next > max_ext) ? v_max : next[V_BITS-1:0];
endmodule

`default_nettype wire
