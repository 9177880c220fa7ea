// fspinn_top: STUB of the accelerator top (docs/rtl.md).
//
// This file is a placeholder so that the Verilator co-simulation infrastructure (`testbench/`)
// can be built and tested before the real design exists. The real top module replaces this
// file under the same name (rtl/fspinn_top.v); nothing but the ports and parameters below is
// part of the contract.
//
// Ports and parameters are exactly those of docs/rtl.md; parameter defaults are the values of
// the "small" config (fspinn_sim::rtl_params for 400 neurons, 8-bit weights, 250 steps,
// refractory 5); the build passes them again with -G, so the defaults only matter to tools run
// by hand.
//
// Stub behaviour:
//   * host space 0x00: the network registers 0..22 are a 64-bit register file (write, read
//     back); reads of other addresses return 0. `host_rdata` holds the data of the last
//     `host_re` (registered: visible in the cycle after `host_re`).
//   * `start` (while idle) runs a "sample" of `steps` (register 1) cycles: `busy` is high from
//     the cycle after `start` (cycle 0 of the sample) through cycle steps-1, and `done`
//     pulses in that last cycle (so both fall together). `steps` = 0 behaves as 1.
//     `obs_timestep` is the cycle number within the sample (it stays at its last value when
//     idle), `obs_phase` is 8 ("integrate") while busy and 0 ("idle") otherwise.
//   * everything else (spikes, weight updates, DRAM requests, other host spaces) is tied to 0.
//
// Synthesizable Verilog-2005; clean under `verilator --lint-only -Wall`.

// The stub uses only DRAM_WORDS; the others are declared for the contract.
/* verilator lint_off UNUSEDPARAM */
module fspinn_top #(
    parameter integer PES             = 16,
    parameter integer NEURONS_PER_PE  = 25,
    parameter integer INPUTS          = 784,
    parameter integer LANES           = 16,
    parameter integer WBANKS          = 2,
    parameter integer WWORD_BITS      = 64,
    parameter integer WDEPTH          = 19600,
    parameter integer WLAT            = 1,
    parameter integer NWORD_BITS      = 48,
    parameter integer NDEPTH          = 32,
    parameter integer NLAT            = 1,
    parameter integer WEIGHT_BITS     = 8,
    parameter integer STEP_BITS       = 9,
    parameter integer COUNT_BITS      = 6,
    parameter integer DRAM_WORDS      = 2,
    parameter integer WEIGHTS_ON_CHIP = 1
) (
/* verilator lint_on UNUSEDPARAM */
    input  wire                       clk,
    input  wire                       rst,
    // host port
    input  wire                       host_we,
    input  wire                       host_re,
    input  wire [31:0]                host_addr,
    input  wire [63:0]                host_wdata,
    output reg  [63:0]                host_rdata,
    // run control
    input  wire                       start,
    output reg                        busy,
    output wire                       done,
    // observation
    output wire                       spike_valid,
    output wire [15:0]                spike_neuron,
    output wire                       wupd_valid,
    output wire [15:0]                wupd_input,
    output wire [15:0]                wupd_neuron,
    output wire [15:0]                wupd_value,
    output reg  [15:0]                obs_timestep,
    output wire [7:0]                 obs_attempt,
    output wire [4:0]                 obs_phase,
    // DRAM channel
    output wire                       dram_req_valid,
    output wire                       dram_req_write,
    output wire [39:0]                dram_req_addr,
    output wire [15:0]                dram_req_bytes,
    output wire [64*DRAM_WORDS-1:0]   dram_req_wdata,
    input  wire                       dram_req_ready,
    input  wire                       dram_resp_valid,
    input  wire [64*DRAM_WORDS-1:0]   dram_resp_rdata
);

    localparam integer NREGS = 23;
    localparam [7:0] SPACE_NET = 8'h00;
    localparam [4:0] PHASE_IDLE = 5'd0;
    localparam [4:0] PHASE_INTEGRATE = 5'd8;

    reg [63:0] regs [0:NREGS-1];
    reg [31:0] cycle_in_sample;
    integer i;

    wire        is_net = host_addr[31:24] == SPACE_NET;
    wire        reg_hit = is_net && (host_addr[23:0] < NREGS[23:0]);
    wire [4:0]  reg_idx = host_addr[4:0];
    wire [63:0] steps_reg = regs[1];
    wire [31:0] last_cycle = (steps_reg[31:0] == 32'd0) ? 32'd0 : steps_reg[31:0] - 32'd1;

    assign done = busy && (cycle_in_sample == last_cycle);

    // host register file and read port
    always @(posedge clk) begin
        if (rst) begin
            for (i = 0; i < NREGS; i = i + 1) regs[i] <= 64'd0;
            host_rdata <= 64'd0;
        end else begin
            if (host_we && reg_hit) regs[reg_idx] <= host_wdata;
            if (host_re) host_rdata <= reg_hit ? regs[reg_idx] : 64'd0;
        end
    end

    // run control: busy for `steps` cycles, done in the last one
    always @(posedge clk) begin
        if (rst) begin
            busy <= 1'b0;
            cycle_in_sample <= 32'd0;
            obs_timestep <= 16'd0;
        end else if (!busy) begin
            if (start) begin
                busy <= 1'b1;
                cycle_in_sample <= 32'd0;
                obs_timestep <= 16'd0;
            end
        end else if (done) begin
            busy <= 1'b0;
        end else begin
            cycle_in_sample <= cycle_in_sample + 32'd1;
            obs_timestep <= obs_timestep + 16'd1;
        end
    end

    assign obs_phase = busy ? PHASE_INTEGRATE : PHASE_IDLE;
    assign obs_attempt = 8'd0;

    // tied off until the real design exists
    assign spike_valid = 1'b0;
    assign spike_neuron = 16'd0;
    assign wupd_valid = 1'b0;
    assign wupd_input = 16'd0;
    assign wupd_neuron = 16'd0;
    assign wupd_value = 16'd0;
    assign dram_req_valid = 1'b0;
    assign dram_req_write = 1'b0;
    assign dram_req_addr = 40'd0;
    assign dram_req_bytes = 16'd0;
    assign dram_req_wdata = {(64 * DRAM_WORDS) {1'b0}};

    // The inputs and register bits the stub ignores (the linter skips names matching *unused*).
    wire unused_ok = &{1'b0, dram_req_ready, dram_resp_valid, dram_resp_rdata,
                       host_addr[23:5], steps_reg[63:32]};

endmodule
