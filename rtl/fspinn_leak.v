// fspinn_leak: membrane leak of a free neuron (`FspinnConsts::leak`, datapath step 2).
//
// Combinational, 0 cycles: v_out = v - (v >>> leak_shift), i.e. decay_shift with truncation.
// The subtracted quotient lies between 0 and v, so the V_BITS difference is exact (no
// saturation needed); leak_shift 0 gives 0, shifts >= V_BITS subtract the sign (0 or -1).
`default_nettype none

module fspinn_leak #(
    parameter V_BITS = 16
) (
    input  wire signed [V_BITS-1:0] v,
    input  wire        [4:0]        leak_shift,
    output wire signed [V_BITS-1:0] v_out
);
    wire signed [V_BITS-1:0] quotient = v >>> leak_shift;
    assign v_out = v - quotient;
endmodule

`default_nettype wire
