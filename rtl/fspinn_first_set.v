// fspinn_first_set: priority encoder, the index of the lowest set bit of `vec` (0 when none)
// and whether any bit is set. The walks over sparse bitmaps use it (the input spikes of a
// row, the rows with any spike, the fired neurons of a group, the groups with any firing)
// instead of scanning every input or neuron.
`default_nettype none

module fspinn_first_set #(
    parameter integer WIDTH = 16,
    parameter integer IBITS = (WIDTH > 1) ? $clog2(WIDTH) : 1
) (
    input  wire [WIDTH-1:0] vec,
    output reg  [IBITS-1:0] index,
    output wire             any
);
    integer x;
    always @(*) begin
        index = {IBITS{1'b0}};
        for (x = WIDTH - 1; x >= 0; x = x - 1)
            if (vec[x]) index = x[IBITS-1:0];
    end
    assign any = vec != {WIDTH{1'b0}};
endmodule

`default_nettype wire
