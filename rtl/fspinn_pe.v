// fspinn_pe: one processing-element lane (L2 twin: sim/src/accel/pe.rs, `Pe`), instantiated
// once per lane by fspinn_top's generate loop. The lane owns neuron LANE of every neuron group
// (neuron j = group * PES + LANE) and drives its neuron bank's ports:
//   - integrate: on the group's read (arrival) the previous step's refractory count-down and
//     the leak of a free neuron, then one weight per arriving chunk (a free neuron only), then
//     fire (reset, refractory start, theta bump in training) when the group ends;
//   - inhibit sweep: free neurons lose inhibition * fired_step; reset sweep: v, refractory and
//     count cleared; theta decay: the lane's neurons in index order with the walk's draws;
//   - normalisation: the column sum of the group's weights, the divider (the factor) and the
//     scaled weight of the chunk arriving in norm_scale.
// The sequencing (which group, which cycle) is the controller's: this module only sees
// strobes, the group's and the sweep's base neuron indices and bank addresses.
`default_nettype none

module fspinn_pe #(
    parameter integer LANE        = 0,
    parameter integer NWORD_BITS  = 48,
    parameter integer NDEPTH      = 32,
    parameter integer WEIGHT_BITS = 8,
    parameter integer COUNT_BITS  = 6,
    parameter integer NABITS      = (NDEPTH > 1) ? $clog2(NDEPTH) : 1
) (
    input  wire                   clk,
    input  wire                   rst,
    // Controller strobes.
    input  wire                   ph_integrate,      // phase integrate
    input  wire                   ph_norm_sum,       // phase norm_sum
    input  wire                   ph_reset,          // phase reset (a sweep)
    input  wire                   ph_inhibit,        // phase inhibit (a sweep)
    input  wire                   k_zero,            // first cycle of the pass / group
    input  wire                   integrate_arrive,  // the group's neuron words arrive
    input  wire                   integrate_done,    // last cycle of the group's integration
    input  wire                   w_arrive,          // a weight chunk arrives
    input  wire                   norm_sum_last,     // the last column-sum chunk arrives
    // Neuron indices (first neuron of a group) and bank addresses of the current accesses.
    input  wire [31:0]            grp_base,          // group * PES of the integrated group
    input  wire [NABITS-1:0]      grp_addr,
    input  wire                   sweep_rd,          // a sweep reads group sweep_raddr
    input  wire [31:0]            sweep_rd_base,
    input  wire [NABITS-1:0]      sweep_raddr,
    input  wire                   sweep_wr,          // a sweep's data arrives (group sweep_waddr)
    input  wire [31:0]            sweep_wr_base,
    input  wire [NABITS-1:0]      sweep_waddr,
    input  wire                   td_read,           // theta decay reads this lane
    input  wire [NABITS-1:0]      td_raddr,
    input  wire                   td_write,          // theta decay writes this lane
    input  wire [NABITS-1:0]      td_waddr,
    input  wire [31:0]            td_rand,           // the draws of the neuron being written
    input  wire [15:0]            fired_step,        // neurons fired in this step
    // Network registers.
    input  wire [15:0]            r_n,
    input  wire [4:0]             r_leak_shift,
    input  wire signed [5:0]      r_w_to_v,
    input  wire signed [15:0]     r_v_thresh,
    input  wire [15:0]            r_theta_plus,
    input  wire [3:0]             r_refr_start,
    input  wire                   r_train,
    input  wire signed [15:0]     r_inhibition,
    input  wire [5:0]             r_theta_decay,
    input  wire [23:0]            r_norm_target,
    // The lane's weight code in the arriving chunk, and its neuron bank's read data.
    input  wire [WEIGHT_BITS-1:0] w,
    input  wire [NWORD_BITS-1:0]  n_rdata,
    // Results.
    output wire                   fire,              // fires at the end of the group
    output wire                   ok,                // the lane holds a neuron in this group
    output wire                   div_last,          // the divider's handshake
    output wire [WEIGHT_BITS-1:0] scaled,            // the normalised weight
    output wire                   sweep_wr_ok,       // the arriving sweep group has this lane
    output wire [COUNT_BITS-1:0]  count,             // spike count of the arriving word
    // Neuron bank drive.
    output reg                    n_re,
    output reg  [NABITS-1:0]      n_raddr,
    output reg                    n_we,
    output reg  [NABITS-1:0]      n_waddr,
    output reg  [NWORD_BITS-1:0]  n_wdata
);
    `include "fspinn_consts.vh"

    localparam [31:0] LANE32 = LANE;

    // Neuron-state word fields: {count, refractory, theta, v}. Each accessor takes the whole
    // word and reads its own field (the rest of the word is another accessor's).
    /* verilator lint_off UNUSEDSIGNAL */
    function [V_BITS-1:0] f_v(input [NWORD_BITS-1:0] wd); f_v = wd[V_LSB +: V_BITS]; endfunction
    function [TH_BITS-1:0] f_th(input [NWORD_BITS-1:0] wd); f_th = wd[TH_LSB +: TH_BITS]; endfunction
    function [REF_BITS-1:0] f_r(input [NWORD_BITS-1:0] wd); f_r = wd[REF_LSB +: REF_BITS]; endfunction
    function [COUNT_BITS-1:0] f_c(input [NWORD_BITS-1:0] wd); f_c = wd[COUNT_LSB +: COUNT_BITS]; endfunction
    /* verilator lint_on UNUSEDSIGNAL */
    function [NWORD_BITS-1:0] pack(input [COUNT_BITS-1:0] c, input [REF_BITS-1:0] r,
                                   input [TH_BITS-1:0] th, input [V_BITS-1:0] v);
        begin
            pack = {NWORD_BITS{1'b0}};
            pack[V_LSB +: V_BITS] = v;
            pack[TH_LSB +: TH_BITS] = th;
            pack[REF_LSB +: REF_BITS] = r;
            pack[COUNT_LSB +: COUNT_BITS] = c;
        end
    endfunction

    // Whether neuron base + LANE exists (below n_neurons).
    assign ok = grp_base + LANE32 < {16'd0, r_n};
    wire sweep_rd_ok = sweep_rd_base + LANE32 < {16'd0, r_n};
    assign sweep_wr_ok = sweep_wr_base + LANE32 < {16'd0, r_n};

    reg signed [V_BITS-1:0] acc_v;
    reg [TH_BITS-1:0]       acc_th;
    reg [REF_BITS-1:0]      acc_r;
    reg [COUNT_BITS-1:0]    acc_c;
    reg [31:0]              sum;
    wire [39:0]             factor;

    wire [NWORD_BITS-1:0] rd = n_rdata;
    // Arrival: the previous step's count-down, then the leak of a free neuron.
    wire [REF_BITS-1:0] r_in = f_r(rd);
    wire [REF_BITS-1:0] r_dec = (r_in == 4'd0) ? r_in : r_in - 4'd1;
    wire signed [V_BITS-1:0] v_leaked;
    fspinn_leak #(.V_BITS(V_BITS)) u_leak (
        .v(f_v(rd)), .leak_shift(r_leak_shift), .v_out(v_leaked));
    wire signed [V_BITS-1:0] v0 = integrate_arrive
        ? ((r_dec == 4'd0) ? v_leaked : f_v(rd)) : acc_v;
    wire [REF_BITS-1:0]   r0  = integrate_arrive ? r_dec : acc_r;
    wire [TH_BITS-1:0]    th0 = integrate_arrive ? f_th(rd) : acc_th;
    wire [COUNT_BITS-1:0] c0  = integrate_arrive ? f_c(rd) : acc_c;
    wire signed [V_BITS-1:0] v_added;
    fspinn_integrate #(.V_BITS(V_BITS), .WEIGHT_BITS(WEIGHT_BITS)) u_int (
        .v(v0), .w(w), .w_to_v_shift(r_w_to_v), .v_out(v_added));
    wire add = ph_integrate && w_arrive && r0 == 4'd0;
    wire signed [V_BITS-1:0] v1 = add ? v_added : v0;
    wire fires;
    fspinn_fire #(.V_BITS(V_BITS), .THETA_BITS(TH_BITS), .REF_BITS(REF_BITS)) u_fire (
        .v(v1), .refractory(r0), .theta(th0), .v_thresh(r_v_thresh), .fires(fires));
    wire [TH_BITS-1:0] th_bumped;
    fspinn_bump_theta #(.THETA_BITS(TH_BITS)) u_bump (
        .theta(th0), .theta_plus(r_theta_plus), .theta_out(th_bumped));
    assign fire = integrate_done && ok && fires;
    wire [NWORD_BITS-1:0] integrate_word = fires
        ? pack(c0 + 1'b1, r_refr_start, r_train ? th_bumped : th0, {V_BITS{1'b0}})
        : pack(c0, r0, th0, v1);
    // Inhibition sweep: free neurons lose inhibition * k.
    wire signed [V_BITS-1:0] v_inh;
    fspinn_inhibit #(.V_BITS(V_BITS), .K_BITS(16)) u_inh (
        .v(f_v(rd)), .inhibition(r_inhibition), .k(fired_step), .v_out(v_inh));
    wire free = f_r(rd) == 4'd0;
    wire [NWORD_BITS-1:0] inhibit_word = pack(f_c(rd), f_r(rd), f_th(rd), v_inh);
    wire [NWORD_BITS-1:0] reset_word = pack({COUNT_BITS{1'b0}}, 4'd0, f_th(rd), {V_BITS{1'b0}});
    // Theta decay.
    wire [TH_BITS-1:0] th_decayed;
    fspinn_decay_theta #(.THETA_BITS(TH_BITS)) u_decay (
        .theta(f_th(rd)), .shift(r_theta_decay), .random(td_rand), .theta_out(th_decayed));
    wire [NWORD_BITS-1:0] decay_word = pack(f_c(rd), f_r(rd), th_decayed, f_v(rd));
    assign count = f_c(rd);
    // Normalisation: column sum, divider, scaling. The dividers of all lanes start together
    // with the last column sum; the controller leaves norm_divide on their `last` (`done`
    // comes a cycle later, when the quotient is already in use).
    wire unused_div_done, unused_div_busy;
    wire [31:0] sum_final = sum + {{(32-WEIGHT_BITS){1'b0}}, w};
    fspinn_divider u_div (
        .clk(clk), .rst(rst), .start(norm_sum_last),
        .dividend({r_norm_target, 16'd0}), .divisor(sum_final),
        .quotient(factor), .done(unused_div_done), .busy(unused_div_busy),
        .last(div_last));
    fspinn_normalize_weight #(.WEIGHT_BITS(WEIGHT_BITS)) u_norm (
        .w(w), .factor(factor), .w_out(scaled));

    always @(posedge clk) begin
        if (integrate_arrive || (ph_integrate && w_arrive)) begin
            acc_v <= v1;
            acc_r <= r0;
            acc_th <= th0;
            acc_c <= c0;
        end
        if (ph_norm_sum) begin
            if (k_zero) sum <= 32'd0;
            else if (w_arrive) sum <= sum_final;
        end
    end

    // The lane's neuron bank: sweeps, the group's read and write-back, theta decay.
    always @(*) begin
        n_re = 1'b0; n_raddr = {NABITS{1'b0}};
        n_we = 1'b0; n_waddr = {NABITS{1'b0}}; n_wdata = {NWORD_BITS{1'b0}};
        if (sweep_rd && sweep_rd_ok) begin
            n_re = 1'b1; n_raddr = sweep_raddr;
        end
        if (sweep_wr && sweep_wr_ok) begin
            n_waddr = sweep_waddr;
            if (ph_reset) begin
                n_we = 1'b1; n_wdata = reset_word;
            end
            if (ph_inhibit && free) begin
                n_we = 1'b1; n_wdata = inhibit_word;
            end
        end
        if (ph_integrate && k_zero && ok) begin
            n_re = 1'b1; n_raddr = grp_addr;
        end
        if (integrate_done && ok) begin
            n_we = 1'b1; n_waddr = grp_addr; n_wdata = integrate_word;
        end
        if (td_read) begin
            n_re = 1'b1; n_raddr = td_raddr;
        end
        if (td_write) begin
            n_we = 1'b1; n_waddr = td_waddr; n_wdata = decay_word;
        end
    end
endmodule

`default_nettype wire
