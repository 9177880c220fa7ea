// fspinn_host: the host interface (L2 twin: sim/src/accel/host.rs, `Host`). It holds the
// network registers (host space SPACE_REGISTERS; `inhibition` is also updated by the
// controller's adaptation), the rate table (SPACE_RATES, a memory the controller reads), the
// hardware counters (SPACE_COUNTERS: cycles while busy, every bank's reads and writes) and the
// spike counts of the last sample (SPACE_SPIKE_COUNTS, a memory written by the readout sweep),
// decodes the host's accesses to the memories the top holds (weight and neuron banks, pixels)
// and answers host reads. Address map: docs/rtl.md; its fields come from fspinn_consts.vh.
//
// Host reads: registers, counters and spike counts are valid the cycle after host_re; SRAM
// words LATENCY cycles after it (the macro's own read latency), until the next read. The host
// accesses only while the core is idle (busy low).
`default_nettype none

module fspinn_host #(
    parameter integer PES            = 16,
    parameter integer NEURONS_PER_PE = 25,
    parameter integer WBANKS         = 2,
    parameter integer WWORD_BITS     = 64,
    parameter integer NWORD_BITS     = 48,
    parameter integer COUNT_BITS     = 6,
    parameter integer ATTEMPTS       = 16,
    parameter integer ABITS          = (ATTEMPTS > 1) ? $clog2(ATTEMPTS) : 1,
    parameter integer GBITS          = (NEURONS_PER_PE > 1) ? $clog2(NEURONS_PER_PE) : 1
) (
    input  wire                         clk,
    input  wire                         rst,
    input  wire                         host_we,
    input  wire                         host_re,
    input  wire [31:0]                  host_addr,
    input  wire [63:0]                  host_wdata,
    output reg  [63:0]                  host_rdata,
    input  wire                         busy,
    // Host accesses of the memories the top holds (only while idle).
    output wire [WBANKS-1:0]            hw_wbank,   // write weight bank b
    output wire [WBANKS-1:0]            hr_wbank,   // read weight bank b
    output wire [PES-1:0]               hw_nbank,   // write neuron bank p
    output wire [PES-1:0]               hr_nbank,   // read neuron bank p
    output wire                         pix_we,     // write a pixel
    // Network registers.
    output reg  [15:0]                  r_n,
    output reg  [15:0]                  r_steps,
    output reg  [4:0]                   r_leak_shift,
    output reg  signed [15:0]           r_v_thresh,
    output reg  [15:0]                  r_theta_plus,
    output reg  [3:0]                   r_refr_start,
    output reg  signed [5:0]            r_w_to_v,
    output reg  [15:0]                  r_trace_max,
    output reg  [4:0]                   r_trace_bits,
    output reg  [15:0]                  r_half_life,
    output reg  [15:0]                  r_x_tar,
    output reg  [31:0]                  r_eta,
    output reg  [39:0]                  r_norm_target,
    output reg  [5:0]                   r_theta_decay,
    output reg  signed [15:0]           r_inhibition,
    output reg  [15:0]                  r_min_spikes,
    output reg  [15:0]                  r_max_attempts,
    output reg  [15:0]                  r_target,
    output reg  [2:0]                   r_flags,
    output reg  [31:0]                  r_seed,
    output reg                          r_train,
    output reg  signed [15:0]           r_v_max,
    output reg  [15:0]                  r_w_max,
    // The controller's adaptation of `inhibition` (end of an attempt).
    input  wire                         inh_we,
    input  wire signed [15:0]           inh_value,
    // The rate table's read port (the controller's attempt).
    input  wire [ABITS-1:0]             rate_raddr,
    output wire [31:0]                  rate,
    // Bank activity of the cycle (counters) and the banks' read data (host reads).
    input  wire [WBANKS-1:0]            w_re,
    input  wire [WBANKS-1:0]            w_we,
    input  wire [PES-1:0]               n_re,
    input  wire [PES-1:0]               n_we,
    input  wire [WBANKS*WWORD_BITS-1:0] w_rdata,
    input  wire [PES*NWORD_BITS-1:0]    n_rdata,
    // The readout sweep's write of one group's spike counts.
    input  wire                         cnt_we,
    input  wire [PES-1:0]               cnt_wmask,
    input  wire [GBITS-1:0]             cnt_waddr,
    input  wire [PES*COUNT_BITS-1:0]    cnt_wdata
);
    `include "fspinn_consts.vh"

    localparam integer PBITS = (PES > 1) ? $clog2(PES) : 1;
    localparam [31:0] PES32  = PES;
    localparam [31:0] NPP32  = NEURONS_PER_PE;

    wire [HA_SPACE_BITS-1:0] host_space = host_addr[HA_SPACE_LSB +: HA_SPACE_BITS];
    wire host_idle = !busy;
    // The data bus is 64 bits; the widest register (norm_target) takes 40.
    wire unused_host_wdata = ^host_wdata[63:40];

    // ---------------------------------------------------------------- memory strobes
    genvar gb;
    generate
        for (gb = 0; gb < WBANKS; gb = gb + 1) begin : g_wsel
            wire sel = host_idle && host_space == SPACE_WEIGHTS
                       && host_addr[HA_WBANK_LSB +: HA_WBANK_BITS] == gb;
            assign hw_wbank[gb] = sel && host_we;
            assign hr_wbank[gb] = sel && host_re;
        end
        for (gb = 0; gb < PES; gb = gb + 1) begin : g_nsel
            wire sel = host_idle && host_space == SPACE_NEURONS
                       && host_addr[HA_NBANK_LSB +: HA_NBANK_BITS] == gb;
            assign hw_nbank[gb] = sel && host_we;
            assign hr_nbank[gb] = sel && host_re;
        end
    endgenerate
    assign pix_we = host_we && !busy && host_space == SPACE_PIXELS;

    // ---------------------------------------------------------------- rate table
    // ATTEMPTS words; the controller never goes past r_max_attempts - 1, which the host keeps
    // below ATTEMPTS.
    fspinn_sram_1r1w #(.DEPTH(ATTEMPTS), .WIDTH(32), .LATENCY(1)) u_rates (
        .clk(clk), .re(1'b1), .raddr(rate_raddr), .rdata(rate),
        .we(host_we && !busy && host_space == SPACE_RATES
            && {{(32-HA_RATE_BITS){1'b0}}, host_addr[HA_RATE_LSB +: HA_RATE_BITS]} < ATTEMPTS),
        .waddr(host_addr[HA_RATE_LSB +: ABITS]), .wdata(host_wdata[31:0]));

    // ---------------------------------------------------------------- spike counts
    // One row of PES counts per neuron group, written by the readout sweep (the lanes of
    // existing neurons), read by the host: neuron j's address holds its group j / PES and
    // its PE j % PES in two fields (the host splits the index), so the read needs no divide.
    // An address past the array (group >= NEURONS_PER_PE or PE >= PES) reads 0.
    wire [PES*COUNT_BITS-1:0] cnt_rdata;
    function automatic in_array(input [HA_SPACE_LSB-1:0] index);   // the address below the space
        in_array = {{(32-HA_COUNT_GROUP_BITS){1'b0}}, index[HA_COUNT_GROUP_LSB +: HA_COUNT_GROUP_BITS]}
                       < NPP32
                   && {{(32-HA_COUNT_PE_BITS){1'b0}}, index[HA_COUNT_PE_LSB +: HA_COUNT_PE_BITS]}
                       < PES32;
    endfunction
    wire h_cnt_re = host_re && host_space == SPACE_SPIKE_COUNTS
                    && in_array(host_addr[HA_SPACE_LSB-1:0]);
    fspinn_sram_1r1w_mask #(.DEPTH(NEURONS_PER_PE), .LANES(PES), .LANE_BITS(COUNT_BITS)) u_counts (
        .clk(clk), .re(h_cnt_re), .raddr(host_addr[HA_COUNT_GROUP_LSB +: GBITS]), .rdata(cnt_rdata),
        .we(cnt_we), .wmask(cnt_wmask), .waddr(cnt_waddr), .wdata(cnt_wdata));

    // ---------------------------------------------------------------- registers, counters
    // Counters (space 0x05): 0 cycles, then reads and writes of every weight bank, then of
    // every neuron bank. Host accesses are not counted.
    reg [63:0] cnt_cycles;
    reg [63:0] cnt_w_rd [0:WBANKS-1];
    reg [63:0] cnt_w_wr [0:WBANKS-1];
    reg [63:0] cnt_n_rd [0:PES-1];
    reg [63:0] cnt_n_wr [0:PES-1];
    integer x;
    always @(posedge clk) begin
        if (rst) begin
            // Network registers (space 0x00) clear to 0.
            r_n <= 16'd0;
            r_steps <= 16'd0;
            r_leak_shift <= 5'd0;
            r_v_thresh <= 16'sd0;
            r_theta_plus <= 16'd0;
            r_refr_start <= 4'd0;
            r_w_to_v <= 6'sd0;
            r_trace_max <= 16'd0;
            r_trace_bits <= 5'd0;
            r_half_life <= 16'd0;
            r_x_tar <= 16'd0;
            r_eta <= 32'd0;
            r_norm_target <= 40'd0;
            r_theta_decay <= 6'd0;
            r_inhibition <= 16'sd0;
            r_min_spikes <= 16'd0;
            r_max_attempts <= 16'd0;
            r_target <= 16'd0;
            r_flags <= 3'd0;
            r_seed <= 32'd0;
            r_train <= 1'b0;
            r_v_max <= 16'sd0;
            r_w_max <= 16'd0;
        end else begin
            // Host writes of registers while idle.
            if (!busy && host_we && host_space == SPACE_REGISTERS) begin
                case (host_addr[HA_REG_LSB +: HA_REG_BITS])
                    REG_N_NEURONS: r_n <= host_wdata[15:0];
                    REG_STEPS: r_steps <= host_wdata[15:0];
                    REG_LEAK_SHIFT: r_leak_shift <= host_wdata[4:0];
                    REG_V_THRESH: r_v_thresh <= host_wdata[15:0];
                    REG_THETA_PLUS: r_theta_plus <= host_wdata[15:0];
                    REG_REFRACTORY_START: r_refr_start <= host_wdata[3:0];
                    REG_W_TO_V_SHIFT: r_w_to_v <= host_wdata[5:0];
                    REG_TRACE_MAX: r_trace_max <= host_wdata[15:0];
                    REG_TRACE_BITS: r_trace_bits <= host_wdata[4:0];
                    REG_TRACE_HALF_LIFE: r_half_life <= host_wdata[15:0];
                    REG_X_TAR: r_x_tar <= host_wdata[15:0];
                    REG_ETA_POST_Q16: r_eta <= host_wdata[31:0];
                    REG_NORM_TARGET: r_norm_target <= host_wdata[39:0];
                    REG_THETA_DECAY_SHIFT: r_theta_decay <= host_wdata[5:0];
                    REG_INHIBITION: r_inhibition <= host_wdata[15:0];
                    REG_MIN_SPIKES: r_min_spikes <= host_wdata[15:0];
                    REG_MAX_ATTEMPTS: r_max_attempts <= host_wdata[15:0];
                    REG_TARGET_SPIKES: r_target <= host_wdata[15:0];
                    REG_FLAGS: r_flags <= host_wdata[2:0];
                    REG_SAMPLE_SEED: r_seed <= host_wdata[31:0];
                    REG_TRAIN: r_train <= host_wdata[0];
                    REG_V_MAX: r_v_max <= host_wdata[15:0];
                    REG_W_MAX: r_w_max <= host_wdata[15:0];
                    default: ;
                endcase
            end
            if (inh_we) r_inhibition <= inh_value;

            // Counters.
            if (busy) begin
                cnt_cycles <= cnt_cycles + 64'd1;
                for (x = 0; x < WBANKS; x = x + 1) begin
                    if (w_re[x]) cnt_w_rd[x] <= cnt_w_rd[x] + 64'd1;
                    if (w_we[x]) cnt_w_wr[x] <= cnt_w_wr[x] + 64'd1;
                end
                for (x = 0; x < PES; x = x + 1) begin
                    if (n_re[x]) cnt_n_rd[x] <= cnt_n_rd[x] + 64'd1;
                    if (n_we[x]) cnt_n_wr[x] <= cnt_n_wr[x] + 64'd1;
                end
            end
            if (!busy && host_we && host_space == SPACE_COUNTERS) begin
                cnt_cycles <= 64'd0;
                for (x = 0; x < WBANKS; x = x + 1) begin
                    cnt_w_rd[x] <= 64'd0; cnt_w_wr[x] <= 64'd0;
                end
                for (x = 0; x < PES; x = x + 1) begin
                    cnt_n_rd[x] <= 64'd0; cnt_n_wr[x] <= 64'd0;
                end
            end
        end
    end

    // ---------------------------------------------------------------- host reads
    reg [31:0] host_last;
    wire [HA_SPACE_BITS-1:0] host_last_space = host_last[HA_SPACE_LSB +: HA_SPACE_BITS];
    reg [63:0] host_reg;
    reg [63:0] host_mem;
    wire [PBITS-1:0] h_cnt_pe = host_last[HA_COUNT_PE_LSB +: PBITS];
    integer hb;
    always @(*) begin
        host_mem = 64'd0;
        for (hb = 0; hb < WBANKS; hb = hb + 1)
            if ({{(32-HA_WBANK_BITS){1'b0}}, host_last[HA_WBANK_LSB +: HA_WBANK_BITS]} == hb)
                host_mem[WWORD_BITS-1:0] = w_rdata[hb*WWORD_BITS +: WWORD_BITS];
        if (host_last_space == SPACE_NEURONS) begin
            host_mem = 64'd0;
            for (hb = 0; hb < PES; hb = hb + 1)
                if ({{(32-HA_NBANK_BITS){1'b0}}, host_last[HA_NBANK_LSB +: HA_NBANK_BITS]} == hb)
                    host_mem[NWORD_BITS-1:0] = n_rdata[hb*NWORD_BITS +: NWORD_BITS];
        end
        if (host_last_space == SPACE_SPIKE_COUNTS) begin
            host_mem = 64'd0;
            if (in_array(host_last[HA_SPACE_LSB-1:0]))
                host_mem[COUNT_BITS-1:0] = cnt_rdata[h_cnt_pe * COUNT_BITS +: COUNT_BITS];
        end
        host_rdata = (host_last_space == SPACE_WEIGHTS || host_last_space == SPACE_NEURONS
                      || host_last_space == SPACE_SPIKE_COUNTS) ? host_mem : host_reg;
    end
    wire [31:0] hidx = {{(32-HA_INDEX_BITS){1'b0}}, host_addr[HA_INDEX_LSB +: HA_INDEX_BITS]};
    always @(posedge clk) begin
        if (rst) begin
            host_last <= 32'd0;
            host_reg <= 64'd0;
        end else if (host_re) begin
            host_last <= host_addr;
            host_reg <= 64'd0;
            case (host_space)
                // Network registers, zero-extended; the signed ones (v_thresh, w_to_v_shift,
                // inhibition, v_max) sign-extended.
                SPACE_REGISTERS: case (host_addr[HA_REG_LSB +: HA_REG_BITS])
                    REG_N_NEURONS: host_reg <= {48'd0, r_n};
                    REG_STEPS: host_reg <= {48'd0, r_steps};
                    REG_LEAK_SHIFT: host_reg <= {59'd0, r_leak_shift};
                    REG_V_THRESH: host_reg <= {{48{r_v_thresh[15]}}, r_v_thresh};
                    REG_THETA_PLUS: host_reg <= {48'd0, r_theta_plus};
                    REG_REFRACTORY_START: host_reg <= {60'd0, r_refr_start};
                    REG_W_TO_V_SHIFT: host_reg <= {{58{r_w_to_v[5]}}, r_w_to_v};
                    REG_TRACE_MAX: host_reg <= {48'd0, r_trace_max};
                    REG_TRACE_BITS: host_reg <= {59'd0, r_trace_bits};
                    REG_TRACE_HALF_LIFE: host_reg <= {48'd0, r_half_life};
                    REG_X_TAR: host_reg <= {48'd0, r_x_tar};
                    REG_ETA_POST_Q16: host_reg <= {32'd0, r_eta};
                    REG_NORM_TARGET: host_reg <= {24'd0, r_norm_target};
                    REG_THETA_DECAY_SHIFT: host_reg <= {58'd0, r_theta_decay};
                    REG_INHIBITION: host_reg <= {{48{r_inhibition[15]}}, r_inhibition};
                    REG_MIN_SPIKES: host_reg <= {48'd0, r_min_spikes};
                    REG_MAX_ATTEMPTS: host_reg <= {48'd0, r_max_attempts};
                    REG_TARGET_SPIKES: host_reg <= {48'd0, r_target};
                    REG_FLAGS: host_reg <= {61'd0, r_flags};
                    REG_SAMPLE_SEED: host_reg <= {32'd0, r_seed};
                    REG_TRAIN: host_reg <= {63'd0, r_train};
                    REG_V_MAX: host_reg <= {{48{r_v_max[15]}}, r_v_max};
                    REG_W_MAX: host_reg <= {48'd0, r_w_max};
                    default: host_reg <= 64'd0;
                endcase
                SPACE_COUNTERS: begin
                    for (hb = 0; hb < WBANKS; hb = hb + 1) begin
                        if (hidx == 1 + 2 * hb) host_reg <= cnt_w_rd[hb];
                        if (hidx == 2 + 2 * hb) host_reg <= cnt_w_wr[hb];
                    end
                    for (hb = 0; hb < PES; hb = hb + 1) begin
                        if (hidx == 1 + 2 * WBANKS + 2 * hb) host_reg <= cnt_n_rd[hb];
                        if (hidx == 2 + 2 * WBANKS + 2 * hb) host_reg <= cnt_n_wr[hb];
                    end
                    if (hidx == 0) host_reg <= cnt_cycles;
                end
                default: host_reg <= 64'd0;
            endcase
        end
    end
endmodule

`default_nettype wire
