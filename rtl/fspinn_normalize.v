// fspinn_normalize: the weight normalisation's shared sequencing (L2 twin:
// sim/src/accel/normalize.rs, `Normalize`). Before a training sample every neuron group's
// columns are normalised in three passes the controller steps through: norm_sum (read the
// group's INPUTS chunks; each PE lane adds its weight to its column sum), norm_divide (the
// lanes' dividers, started together by the last sum, end with their `last` handshake) and
// norm_scale (read the chunks again and write back each lane's scaled weight, fspinn_pe's
// fspinn_normalize_weight). The per-lane arithmetic (sum, divider, scaling) is in fspinn_pe;
// this block holds what the lanes share: the chunk reads of both passes, the last-sum and
// end-of-scale conditions, the dividers' joint handshake and the scaled chunk assembled from
// the lanes' codes (lanes without a neuron in the group keep the word's old code).
`default_nettype none

module fspinn_normalize #(
    parameter integer PES             = 16,
    parameter integer INPUTS          = 784,
    parameter integer WBANKS          = 2,
    parameter integer WWORD_BITS      = 64,
    parameter integer WEIGHT_BITS     = 8,
    parameter integer WEIGHTS_ON_CHIP = 1,
    parameter integer PER_WORD        = WWORD_BITS / WEIGHT_BITS,
    parameter integer WPC             = (PES + PER_WORD - 1) / PER_WORD
) (
    input  wire                       ph_norm_sum,
    input  wire                       ph_norm_scale,
    input  wire [31:0]                grp_inputs,   // group * INPUTS: the group's first chunk
    input  wire [31:0]                req,          // chunks requested in this pass
    input  wire [31:0]                recv,         // chunks received in this pass
    // The weight port.
    input  wire                       can_read,
    input  wire                       w_arrive,
    input  wire                       d_write_done,
    input  wire                       ws_last,
    input  wire [WPC*WWORD_BITS-1:0]  rd_words,
    // The lanes.
    input  wire [PES-1:0]             div_last,
    input  wire [PES-1:0]             lane_ok,
    input  wire [PES*WEIGHT_BITS-1:0] scaled,
    // Sequencing.
    output wire                       norm_read,
    output wire [31:0]                norm_row,
    output wire [39:0]                norm_daddr,
    output wire [31:0]                scale_row,
    output wire [39:0]                scale_daddr,
    output reg  [WPC*WWORD_BITS-1:0]  sc_words,
    output wire                       norm_sum_last,
    output wire                       divided,
    output wire                       scale_end
);
    localparam integer CPC    = (WPC + WBANKS - 1) / WBANKS;      // cycles per chunk (on chip)
    localparam integer WBYTES = WWORD_BITS / 8;
    localparam integer CHUNK_BYTES = WPC * WBYTES;
    localparam [39:0] CB40 = {8'd0, CHUNK_BYTES[31:0]};

    wire norm_want = (ph_norm_sum || ph_norm_scale) && req < INPUTS;
    assign norm_read = norm_want && can_read;
    assign norm_sum_last = ph_norm_sum && w_arrive && recv == INPUTS - 1;
    assign divided = div_last == {PES{1'b1}};
    // Last cycle of a norm_scale pass: the last chunk arrived (on chip) or its write completed.
    // On chip with CPC > 1: the cycle the last chunk's last write group is issued.
    assign scale_end = (WEIGHTS_ON_CHIP == 0) ? (d_write_done && recv == INPUTS)
                     : (CPC == 1) ? (w_arrive && recv == INPUTS - 1)
                     : (ws_last && recv == INPUTS);

    wire [31:0] chunk_norm  = grp_inputs + req;
    wire [31:0] chunk_scale = grp_inputs + recv;
    assign norm_row = chunk_norm * CPC;
    assign scale_row = chunk_scale * CPC;
    assign norm_daddr = {8'd0, chunk_norm} * CB40;
    assign scale_daddr = {8'd0, chunk_scale} * CB40;

    // The scaled words of the chunk arriving in norm_scale.
    integer sq, sp;
    always @(*) begin
        sc_words = rd_words;
        for (sq = 0; sq < WPC; sq = sq + 1)
            for (sp = 0; sp < PES; sp = sp + 1)
                if (sp / PER_WORD == sq && lane_ok[sp])
                    sc_words[sq * WWORD_BITS + (sp % PER_WORD) * WEIGHT_BITS +: WEIGHT_BITS]
                        = scaled[sp * WEIGHT_BITS +: WEIGHT_BITS];
    end
endmodule

`default_nettype wire
