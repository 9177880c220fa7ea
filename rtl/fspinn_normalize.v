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
    input  wire [39:0]                grp_addr,     // the group's first chunk's address
    input  wire [31:0]                req,          // chunks requested in this pass
    input  wire [39:0]                req_addr,     // and their address offset
    input  wire [31:0]                recv,         // chunks received in this pass
    input  wire [39:0]                recv_addr,    // and their address offset
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
    output wire [39:0]                norm_addr,    // the chunk read (row on chip, bytes in DRAM)
    output wire [39:0]                scale_addr,   // the chunk written back
    output reg  [WPC*WWORD_BITS-1:0]  sc_words,
    output wire                       norm_sum_last,
    output wire                       divided,
    output wire                       scale_end
);
    localparam integer CPC    = (WPC + WBANKS - 1) / WBANKS;      // cycles per chunk (on chip)

    wire norm_want = (ph_norm_sum || ph_norm_scale) && req < INPUTS;
    assign norm_read = norm_want && can_read;
    assign norm_sum_last = ph_norm_sum && w_arrive && recv == INPUTS - 1;
    assign divided = div_last == {PES{1'b1}};
    // Last cycle of a norm_scale pass: the last chunk arrived (on chip) or its write completed.
    // On chip with CPC > 1: the cycle the last chunk's last write group is issued.
    assign scale_end = (WEIGHTS_ON_CHIP == 0) ? (d_write_done && recv == INPUTS)
                     : (CPC == 1) ? (w_arrive && recv == INPUTS - 1)
                     : (ws_last && recv == INPUTS);

    // The pass's chunks in order: the controller's running addresses.
    assign norm_addr = grp_addr + req_addr;
    assign scale_addr = grp_addr + recv_addr;

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
