// fspinn_weight_port: the weight memory port (L2 twin: sim/src/accel/weight_port.rs,
// `WeightPort`). With the weights on chip (WEIGHTS_ON_CHIP = 1) it drives the WBANKS banks
// the top holds: a chunk of WPC words is read (and written) in CPC = ceil(WPC / WBANKS)
// cycles, word q from bank q % WBANKS at row chunk * CPC + q / WBANKS (sim/src/layout.rs);
// the early groups' words are kept as they arrive, so the whole chunk arrives in the cycle of
// its last group. With the weights in DRAM (WEIGHTS_ON_CHIP = 0) it owns the DRAM port: one
// transaction at a time, a request queued until the channel takes it, the read's tags kept
// until its completion. Three requesters share it (the integrate walk, normalisation, STDP);
// their reads (`*_read`, which the requesters form from `can_read` / `d_can_read`) and
// write-backs come with their bank rows (on chip) or byte addresses (DRAM). The read
// pipelines carry each read's tags to its arrival (`w_arrive` with `wa_*`).
`default_nettype none

module fspinn_weight_port #(
    parameter integer PES             = 16,
    parameter integer WBANKS          = 2,
    parameter integer WWORD_BITS      = 64,
    parameter integer WDEPTH          = 19600,
    parameter integer WLAT            = 1,
    parameter integer WEIGHT_BITS     = 8,
    parameter integer DRAM_WORDS      = 2,
    parameter integer WEIGHTS_ON_CHIP = 1,
    parameter integer PER_WORD        = WWORD_BITS / WEIGHT_BITS,
    parameter integer WPC             = (PES + PER_WORD - 1) / PER_WORD,
    parameter integer WABITS          = (WDEPTH > 1) ? $clog2(WDEPTH) : 1,
    parameter integer BBITS           = (WBANKS > 1) ? $clog2(WBANKS) : 1,
    parameter integer POS_BITS        = (PER_WORD > 1) ? $clog2(PER_WORD) : 1
) (
    input  wire                          clk,
    input  wire                          rst,
    input  wire                          ph_norm_scale,
    input  wire                          ph_potentiate,
    // Chunk reads: the integrate walk's and normalisation's (tag: the chunk's input `req`).
    // Addresses are a chunk's first bank row on chip, its byte address in DRAM.
    input  wire                          int_read,
    input  wire [39:0]                   int_addr,
    input  wire                          norm_read,
    input  wire [39:0]                   norm_addr,
    input  wire [31:0]                   req,
    // The scaled chunk written back in norm_scale (the one arriving now).
    input  wire [39:0]                   scale_addr,
    input  wire [WPC*WWORD_BITS-1:0]     sc_words,
    // STDP: the synapse's one-word read and the arriving word's write-back.
    input  wire                          syn_read,
    input  wire [31:0]                   syn_i,
    input  wire [31:0]                   syn_j,
    input  wire signed [31:0]            syn_delta,
    input  wire [31:0]                   rs_i,
    input  wire [31:0]                   rs_j,
    input  wire signed [31:0]            rs_delta,
    input  wire [39:0]                   rs_addr,      // its word: bank row / byte address
    input  wire [BBITS-1:0]              rs_bank,      // on chip: the word's bank
    input  wire [POS_BITS-1:0]           rs_pos,       // the synapse's field (a tag)
    input  wire                          stdp_write,   // write the arriving word back
    input  wire [WWORD_BITS-1:0]         wa_mod,
    // Whether a new read can be issued in this cycle (`can_read`; off chip `d_can_read`).
    output wire                          can_read,
    output wire                          d_can_read,
    // The read arriving in this cycle: its words and tags.
    output wire                          w_arrive,
    output wire [31:0]                   wa_i,
    output wire [31:0]                   wa_j,
    output wire signed [31:0]            wa_delta,
    output wire [BBITS-1:0]              wa_bank,
    output wire [POS_BITS-1:0]           wa_pos,
    output wire [WPC*WWORD_BITS-1:0]     rd_words,
    // For the requesters' end conditions.
    output wire                          wp_pending,   // a read in a stage arriving later
    output wire                          d_idle_next,  // DRAM: nothing queued or in flight next
    output wire                          d_write_done, // DRAM: a write completes now
    output wire                          ws_last,      // on chip: last write group of a chunk
    // The banks (the top holds them).
    output reg  [WBANKS-1:0]             w_re,
    output reg  [WBANKS*WABITS-1:0]      w_raddr,
    output reg  [WBANKS-1:0]             w_we,
    output reg  [WBANKS*WABITS-1:0]      w_waddr,
    output reg  [WBANKS*WWORD_BITS-1:0]  w_wdata,
    input  wire [WBANKS*WWORD_BITS-1:0]  w_rdata,
    // The DRAM channel.
    output wire                          dram_req_valid,
    output wire                          dram_req_write,
    output wire [39:0]                   dram_req_addr,
    output wire [15:0]                   dram_req_bytes,
    output wire [64*DRAM_WORDS-1:0]      dram_req_wdata,
    input  wire                          dram_req_ready,
    input  wire                          dram_resp_valid,
    input  wire [64*DRAM_WORDS-1:0]      dram_resp_rdata
);
    localparam integer CPC    = (WPC + WBANKS - 1) / WBANKS;      // cycles per chunk (on chip)
    localparam integer WBYTES = WWORD_BITS / 8;
    localparam integer CHUNK_BYTES = WPC * WBYTES;

    // ---------------------------------------------------------------- DRAM port state
    // `d_inf` in flight, `dq_*` produced but not yet accepted by the channel; the tags of the
    // read in flight.
    reg        d_inf, d_inf_write;
    reg        dq_valid, dq_write;
    reg [39:0] dq_addr;
    reg [15:0] dq_bytes;
    reg [64*DRAM_WORDS-1:0] dq_wdata;
    reg [31:0] d_i, d_j;
    reg signed [31:0] d_delta;
    reg [39:0] d_addr;
    reg [POS_BITS-1:0] d_pos;
    wire d_resp   = dram_resp_valid && d_inf;
    wire d_arrive = d_resp && !d_inf_write;          // read data in this cycle
    wire d_busy   = d_inf && !dram_resp_valid;       // still in flight after this cycle's completion
    // A read arriving in norm_scale or potentiate is written back: requested in this cycle,
    // before any read.
    wire d_new_write = (WEIGHTS_ON_CHIP == 0) && d_arrive && (ph_norm_scale || ph_potentiate);
    // L2's `can_read` off chip: nothing queued or in flight.
    assign d_can_read = !dq_valid && !d_busy && !d_new_write;
    assign d_write_done = d_resp && d_inf_write;

    // Chunks over several cycles (CPC > 1, on chip): `wc` read groups of the chunk being read
    // are still to be issued after this cycle's, `ws` write groups of the chunk being written
    // back (norm_scale); the next group's row and first word (`*_row`, `*_off`) step with
    // them. The early groups' words are kept in `asm_word` as they arrive (the group's first
    // word travels with the read: `wg_off`), the scaled words to write in `ws_word`.
    reg [31:0] wc, wc_tag, wc_off;
    reg [31:0] ws, ws_off;
    reg [WABITS-1:0] wc_row, ws_row;
    localparam [31:0] WBANKS32 = WBANKS;
    localparam [31:0] LAST_OFF = (CPC - 1) * WBANKS;   // first word of a chunk's last group
    wire [WABITS-1:0] first_row = int_read ? int_addr[WABITS-1:0] : norm_addr[WABITS-1:0];
    assign ws_last = ws == 32'd1;
    /* verilator lint_off UNUSEDSIGNAL */ // read only when CPC > 1 (g_chip_early)
    reg [WWORD_BITS-1:0] asm_word [0:WPC-1];
    /* verilator lint_on UNUSEDSIGNAL */
    reg [WWORD_BITS-1:0] ws_word [0:WPC-1];
    // The words arriving now: from the banks, or from the DRAM (word 0 in bits [63:0]).
    genvar gq;
    generate
        for (gq = 0; gq < WPC; gq = gq + 1) begin : g_rdword
            if (WEIGHTS_ON_CHIP != 0 && gq >= (CPC - 1) * WBANKS) begin : g_chip
                assign rd_words[gq*WWORD_BITS +: WWORD_BITS]
                    = w_rdata[(gq - (CPC - 1) * WBANKS)*WWORD_BITS +: WWORD_BITS];
            end else if (WEIGHTS_ON_CHIP != 0) begin : g_chip_early
                assign rd_words[gq*WWORD_BITS +: WWORD_BITS] = asm_word[gq];
            end else begin : g_dram
                assign rd_words[gq*WWORD_BITS +: WWORD_BITS]
                    = dram_resp_rdata[gq * WWORD_BITS +: WWORD_BITS];
            end
        end
    endgenerate

    // ---------------------------------------------------------------- read pipelines
    // Weight reads: valid/tag per stage; the read issued in cycle c arrives in c + WLAT.
    reg [WLAT-1:0]    wg_valid;              // a group of bank reads (chunk reads)
    reg [31:0]        wg_off   [0:WLAT-1];   // its group's first word within the chunk
    reg [WLAT-1:0]    wp_valid;
    reg [31:0]        wp_i     [0:WLAT-1];   // input of the chunk / synapse
    reg [31:0]        wp_j     [0:WLAT-1];   // neuron of the synapse (STDP)
    reg signed [31:0] wp_delta [0:WLAT-1];   // its change (STDP)
    reg [39:0]        wp_addr  [0:WLAT-1];   // its word's row and bank, its field (STDP)
    reg [BBITS-1:0]   wp_bank  [0:WLAT-1];
    reg [POS_BITS-1:0] wp_pos  [0:WLAT-1];
    assign w_arrive = (WEIGHTS_ON_CHIP != 0) ? wp_valid[WLAT-1] : d_arrive;
    assign wa_i = (WEIGHTS_ON_CHIP != 0) ? wp_i[WLAT-1] : d_i;
    assign wa_j = (WEIGHTS_ON_CHIP != 0) ? wp_j[WLAT-1] : d_j;
    assign wa_delta = (WEIGHTS_ON_CHIP != 0) ? wp_delta[WLAT-1] : d_delta;
    // The arriving synapse word's address (its write-back goes where it was read from).
    wire [39:0] wa_addr = (WEIGHTS_ON_CHIP != 0) ? wp_addr[WLAT-1] : d_addr;
    assign wa_bank = wp_bank[WLAT-1];
    assign wa_pos = (WEIGHTS_ON_CHIP != 0) ? wp_pos[WLAT-1] : d_pos;
    reg pending;
    integer s;
    always @(*) begin
        pending = 1'b0;
        for (s = 0; s < WLAT - 1; s = s + 1) pending = pending | wp_valid[s];
    end
    assign wp_pending = pending;

    integer x;
    always @(posedge clk) begin
        if (rst) begin
            wc <= 32'd0;
            ws <= 32'd0;
        end else begin
            // A chunk is complete when its last group arrives: it enters the pipeline in its
            // last issue cycle (the first when CPC = 1).
            wp_valid[0] <= ((int_read || norm_read) && CPC == 1) || wc == 1 || syn_read;
            wp_i[0] <= (CPC > 1 && wc == 1) ? wc_tag : ((int_read || norm_read) ? req : syn_i);
            wg_valid[0] <= (WEIGHTS_ON_CHIP != 0) && (int_read || norm_read || wc != 0);
            wg_off[0] <= (int_read || norm_read) ? 32'd0 : wc_off;
            for (x = 1; x < WLAT; x = x + 1) begin
                wg_valid[x] <= wg_valid[x-1];
                wg_off[x] <= wg_off[x-1];
            end
            if (CPC > 1 && wg_valid[WLAT-1] && wg_off[WLAT-1] < LAST_OFF)
                for (x = 0; x < WBANKS; x = x + 1)
                    if (wg_off[WLAT-1] + x < WPC)
                        asm_word[wg_off[WLAT-1] + x] <= w_rdata[x*WWORD_BITS +: WWORD_BITS];
            if (WEIGHTS_ON_CHIP != 0 && CPC > 1) begin
                if (int_read || norm_read) begin
                    wc <= CPC - 1;
                    wc_row <= first_row + 1'b1;
                    wc_off <= WBANKS32;
                    wc_tag <= req;
                end else if (wc != 0) begin
                    wc <= wc - 32'd1;
                    wc_row <= wc_row + 1'b1;
                    wc_off <= wc_off + WBANKS32;
                end
                if (ph_norm_scale && w_arrive) begin
                    ws <= CPC - 1;
                    ws_row <= scale_addr[WABITS-1:0] + 1'b1;
                    ws_off <= WBANKS32;
                    for (x = 0; x < WPC; x = x + 1) ws_word[x] <= sc_words[x*WWORD_BITS +: WWORD_BITS];
                end else if (ws != 0) begin
                    ws <= ws - 32'd1;
                    ws_row <= ws_row + 1'b1;
                    ws_off <= ws_off + WBANKS32;
                end
            end
            wp_j[0] <= syn_j;
            wp_delta[0] <= syn_delta;
            wp_addr[0] <= rs_addr;
            wp_bank[0] <= rs_bank;
            wp_pos[0] <= rs_pos;
            for (x = 1; x < WLAT; x = x + 1) begin
                wp_valid[x] <= wp_valid[x-1];
                wp_i[x] <= wp_i[x-1];
                wp_j[x] <= wp_j[x-1];
                wp_delta[x] <= wp_delta[x-1];
                wp_addr[x] <= wp_addr[x-1];
                wp_bank[x] <= wp_bank[x-1];
                wp_pos[x] <= wp_pos[x-1];
            end
        end
    end

    // ---------------------------------------------------------------- DRAM requests
    wire d_new_req = (WEIGHTS_ON_CHIP == 0) && (d_new_write || int_read || norm_read || syn_read);
    // Zero of the DRAM data width: a parameter, not a replication, which lint (-Wall) flags
    // as WIDTHCONCAT above 8k bits (128 words; a chunk of 256 16-bit words exists).
    localparam [64*DRAM_WORDS-1:0] DRAM_ZERO = 0;
    reg [39:0] d_new_addr;
    reg [15:0] d_new_bytes;
    reg [64*DRAM_WORDS-1:0] d_new_wdata;
    integer dw;
    always @(*) begin
        d_new_addr = 40'd0;
        d_new_bytes = CHUNK_BYTES[15:0];
        d_new_wdata = DRAM_ZERO;
        if (d_new_write && ph_norm_scale) begin
            d_new_addr = scale_addr;
            for (dw = 0; dw < WPC; dw = dw + 1)
                d_new_wdata[dw * WWORD_BITS +: WWORD_BITS] = sc_words[dw * WWORD_BITS +: WWORD_BITS];
        end else if (d_new_write) begin
            d_new_addr = wa_addr;
            d_new_bytes = WBYTES[15:0];
            d_new_wdata[WWORD_BITS-1:0] = wa_mod;
        end else if (int_read) begin
            d_new_addr = int_addr;
        end else if (norm_read) begin
            d_new_addr = norm_addr;
        end else if (syn_read) begin
            d_new_addr = rs_addr;
            d_new_bytes = WBYTES[15:0];
        end
    end
    // The request fields are zero while no request is presented (always, on chip).
    assign dram_req_valid = dq_valid || d_new_req;
    assign dram_req_write = dq_valid ? dq_write : d_new_req && d_new_write;
    assign dram_req_addr  = dq_valid ? dq_addr : (d_new_req ? d_new_addr : 40'd0);
    assign dram_req_bytes = dq_valid ? dq_bytes : (d_new_req ? d_new_bytes : 16'd0);
    assign dram_req_wdata = dq_valid ? dq_wdata : (d_new_req ? d_new_wdata : DRAM_ZERO);
    assign d_idle_next = !dq_valid && !d_new_req && !d_busy;
    wire d_taken = dram_req_valid && dram_req_ready;
    always @(posedge clk) begin
        if (rst) begin
            d_inf <= 1'b0;
            dq_valid <= 1'b0;
        end else begin
            if (d_resp) d_inf <= 1'b0;
            if (d_taken) begin
                d_inf <= 1'b1;
                d_inf_write <= dram_req_write;
                dq_valid <= 1'b0;
            end else if (d_new_req && !dq_valid) begin
                dq_valid <= 1'b1;
                dq_write <= d_new_write;
                dq_addr <= d_new_addr;
                dq_bytes <= d_new_bytes;
                dq_wdata <= d_new_wdata;
            end
            if (WEIGHTS_ON_CHIP == 0 && (int_read || norm_read)) d_i <= req;
            if (WEIGHTS_ON_CHIP == 0 && syn_read) begin
                d_i <= rs_i; d_j <= rs_j; d_delta <= rs_delta;
                d_addr <= rs_addr; d_pos <= rs_pos;
            end
        end
    end

    // ---------------------------------------------------------------- bank drive
    assign can_read = (WEIGHTS_ON_CHIP != 0) ? wc == 32'd0 : d_can_read;
    // On chip an address is a bank row (WABITS); the 40 bits are DRAM byte addresses.
    wire unused_addr_top = ^{int_addr[39:WABITS], norm_addr[39:WABITS], scale_addr[39:WABITS],
                             rs_addr[39:WABITS], wa_addr[39:WABITS]};
    // On chip the DRAM port's read data is not used (nor are the banks with the weights in
    // DRAM, whose drive is forced idle below).
    wire unused_dram_rdata = ^dram_resp_rdata;
    integer b;
    always @(*) begin
        for (b = 0; b < WBANKS; b = b + 1) begin
            w_re[b] = 1'b0; w_raddr[b*WABITS +: WABITS] = {WABITS{1'b0}};
            w_we[b] = 1'b0; w_waddr[b*WABITS +: WABITS] = {WABITS{1'b0}};
            w_wdata[b*WWORD_BITS +: WWORD_BITS] = {WWORD_BITS{1'b0}};
            // Group 0 of a chunk in the cycle it starts, groups 1.. in the next CPC - 1.
            if (int_read && b < WPC) begin
                w_re[b] = 1'b1; w_raddr[b*WABITS +: WABITS] = int_addr[WABITS-1:0];
            end
            if (norm_read && b < WPC) begin
                w_re[b] = 1'b1; w_raddr[b*WABITS +: WABITS] = norm_addr[WABITS-1:0];
            end
            if (wc != 0 && wc_off + b < WPC) begin
                w_re[b] = 1'b1; w_raddr[b*WABITS +: WABITS] = wc_row;
            end
            if (ph_norm_scale && w_arrive && b < WPC) begin
                w_we[b] = 1'b1; w_waddr[b*WABITS +: WABITS] = scale_addr[WABITS-1:0];
                w_wdata[b*WWORD_BITS +: WWORD_BITS] = sc_words[b*WWORD_BITS +: WWORD_BITS];
            end
            if (ws != 0 && ws_off + b < WPC) begin
                w_we[b] = 1'b1; w_waddr[b*WABITS +: WABITS] = ws_row;
                w_wdata[b*WWORD_BITS +: WWORD_BITS] = ws_word[ws_off + b];
            end
            if (syn_read && {{(32-BBITS){1'b0}}, rs_bank} == b) begin
                w_re[b] = 1'b1; w_raddr[b*WABITS +: WABITS] = rs_addr[WABITS-1:0];
            end
            if (stdp_write && {{(32-BBITS){1'b0}}, wa_bank} == b) begin
                w_we[b] = 1'b1; w_waddr[b*WABITS +: WABITS] = wa_addr[WABITS-1:0];
                w_wdata[b*WWORD_BITS +: WWORD_BITS] = wa_mod;
            end
            if (WEIGHTS_ON_CHIP == 0) begin
                w_re[b] = 1'b0; w_we[b] = 1'b0;
            end
        end
    end
endmodule

`default_nettype wire
