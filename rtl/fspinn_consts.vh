// fspinn_consts.vh: the constants the RTL shares with the Rust side (phase codes, host
// address map, network registers, neuron-word fields, divider latency).
//
// GENERATED from the table in sim/src/rtl_consts/ (fspinn_sim::rtl_consts) by
//   fspinn rtl header --out rtl/fspinn_consts.vh
// Do not edit: change the table and regenerate. sim/tests/rtl_consts_header.rs fails while
// this file differs from the table. docs/rtl.md, "Shared constants".
//
// Include it inside a module body, after the parameter list: the names are localparams of
// the including module. No `ifndef guard: every tool reads the design as one compilation
// unit, where a guard would hide the constants from the second module that includes them.
// A module need not use every constant, hence the UNUSEDPARAM waiver, restored at the end.
/* verilator lint_save */
/* verilator lint_off UNUSEDPARAM */

// Controller phases: the `phase` register and `obs_phase` (rtl_consts::Phase).
localparam integer PHASE_BITS = 5;
localparam [PHASE_BITS-1:0] P_IDLE = 5'd0;
localparam [PHASE_BITS-1:0] P_SEED = 5'd1;
localparam [PHASE_BITS-1:0] P_THRESHOLD = 5'd2;
localparam [PHASE_BITS-1:0] P_RESET = 5'd3;
localparam [PHASE_BITS-1:0] P_NORM_SUM = 5'd4;
localparam [PHASE_BITS-1:0] P_NORM_DIVIDE = 5'd5;
localparam [PHASE_BITS-1:0] P_NORM_SCALE = 5'd6;
localparam [PHASE_BITS-1:0] P_GENERATE = 5'd7;
localparam [PHASE_BITS-1:0] P_INTEGRATE = 5'd8;
localparam [PHASE_BITS-1:0] P_INHIBITORY_LAYER = 5'd9;  // cycle model only (baseline-equivalent mode)
localparam [PHASE_BITS-1:0] P_INHIBIT = 5'd10;
localparam [PHASE_BITS-1:0] P_DEPRESS = 5'd11;  // cycle model only (baseline-equivalent mode)
localparam [PHASE_BITS-1:0] P_POTENTIATE = 5'd12;
localparam [PHASE_BITS-1:0] P_THETA_DECAY = 5'd13;
localparam [PHASE_BITS-1:0] P_ADAPT = 5'd14;
localparam [PHASE_BITS-1:0] P_READOUT = 5'd15;
localparam [PHASE_BITS-1:0] P_OTHER = 5'd16;  // an unknown phase name in a waveform

// Host address map: host_addr[HA_SPACE_LSB +: HA_SPACE_BITS] selects the space, the
// other fields are host_addr[HA_<F>_LSB +: HA_<F>_BITS] (rtl_consts::Space, Field).
localparam integer HA_SPACE_LSB = 24;
localparam integer HA_SPACE_BITS = 8;
localparam [HA_SPACE_BITS-1:0] SPACE_REGISTERS = 8'h00;
localparam [HA_SPACE_BITS-1:0] SPACE_WEIGHTS = 8'h01;
localparam [HA_SPACE_BITS-1:0] SPACE_NEURONS = 8'h02;
localparam [HA_SPACE_BITS-1:0] SPACE_PIXELS = 8'h03;
localparam [HA_SPACE_BITS-1:0] SPACE_RATES = 8'h04;
localparam [HA_SPACE_BITS-1:0] SPACE_COUNTERS = 8'h05;
localparam [HA_SPACE_BITS-1:0] SPACE_SPIKE_COUNTS = 8'h06;
localparam integer HA_REG_LSB = 0;
localparam integer HA_REG_BITS = 8;
localparam integer HA_WBANK_LSB = 20;
localparam integer HA_WBANK_BITS = 4;
localparam integer HA_WADDR_LSB = 0;
localparam integer HA_WADDR_BITS = 20;
localparam integer HA_NBANK_LSB = 16;
localparam integer HA_NBANK_BITS = 8;
localparam integer HA_NADDR_LSB = 0;
localparam integer HA_NADDR_BITS = 16;
localparam integer HA_PIXEL_LANE_LSB = 0;
localparam integer HA_PIXEL_LANE_BITS = 8;
localparam integer HA_PIXEL_ROW_LSB = 8;
localparam integer HA_PIXEL_ROW_BITS = 16;
localparam integer HA_RATE_LSB = 0;
localparam integer HA_RATE_BITS = 8;
localparam integer HA_INDEX_LSB = 0;
localparam integer HA_INDEX_BITS = 16;
localparam integer HA_COUNT_PE_LSB = 0;
localparam integer HA_COUNT_PE_BITS = 8;
localparam integer HA_COUNT_GROUP_LSB = 8;
localparam integer HA_COUNT_GROUP_BITS = 16;

// Network registers (space SPACE_REGISTERS): index, and bits of the flop (rtl_consts::Reg).
localparam [HA_REG_BITS-1:0] REG_N_NEURONS = 8'd0;
localparam integer REG_N_NEURONS_WIDTH = 16;
localparam [HA_REG_BITS-1:0] REG_STEPS = 8'd1;
localparam integer REG_STEPS_WIDTH = 16;
localparam [HA_REG_BITS-1:0] REG_LEAK_SHIFT = 8'd2;
localparam integer REG_LEAK_SHIFT_WIDTH = 5;
localparam [HA_REG_BITS-1:0] REG_V_THRESH = 8'd3;
localparam integer REG_V_THRESH_WIDTH = 16;  // signed
localparam [HA_REG_BITS-1:0] REG_THETA_PLUS = 8'd4;
localparam integer REG_THETA_PLUS_WIDTH = 16;
localparam [HA_REG_BITS-1:0] REG_REFRACTORY_START = 8'd5;
localparam integer REG_REFRACTORY_START_WIDTH = 4;
localparam [HA_REG_BITS-1:0] REG_W_TO_V_SHIFT = 8'd6;
localparam integer REG_W_TO_V_SHIFT_WIDTH = 6;  // signed
localparam [HA_REG_BITS-1:0] REG_TRACE_MAX = 8'd7;
localparam integer REG_TRACE_MAX_WIDTH = 16;
localparam [HA_REG_BITS-1:0] REG_TRACE_BITS = 8'd8;
localparam integer REG_TRACE_BITS_WIDTH = 5;
localparam [HA_REG_BITS-1:0] REG_TRACE_HALF_LIFE = 8'd9;
localparam integer REG_TRACE_HALF_LIFE_WIDTH = 16;
localparam [HA_REG_BITS-1:0] REG_X_TAR = 8'd10;
localparam integer REG_X_TAR_WIDTH = 16;
localparam [HA_REG_BITS-1:0] REG_ETA_POST_Q16 = 8'd11;
localparam integer REG_ETA_POST_Q16_WIDTH = 32;
localparam [HA_REG_BITS-1:0] REG_NORM_TARGET = 8'd12;
localparam integer REG_NORM_TARGET_WIDTH = 40;
localparam [HA_REG_BITS-1:0] REG_THETA_DECAY_SHIFT = 8'd13;
localparam integer REG_THETA_DECAY_SHIFT_WIDTH = 6;
localparam [HA_REG_BITS-1:0] REG_INHIBITION = 8'd14;
localparam integer REG_INHIBITION_WIDTH = 16;  // signed
localparam [HA_REG_BITS-1:0] REG_MIN_SPIKES = 8'd15;
localparam integer REG_MIN_SPIKES_WIDTH = 16;
localparam [HA_REG_BITS-1:0] REG_MAX_ATTEMPTS = 8'd16;
localparam integer REG_MAX_ATTEMPTS_WIDTH = 16;
localparam [HA_REG_BITS-1:0] REG_TARGET_SPIKES = 8'd17;
localparam integer REG_TARGET_SPIKES_WIDTH = 16;
localparam [HA_REG_BITS-1:0] REG_FLAGS = 8'd18;
localparam integer REG_FLAGS_WIDTH = 3;
localparam [HA_REG_BITS-1:0] REG_SAMPLE_SEED = 8'd19;
localparam integer REG_SAMPLE_SEED_WIDTH = 32;
localparam [HA_REG_BITS-1:0] REG_TRAIN = 8'd20;
localparam integer REG_TRAIN_WIDTH = 1;
localparam [HA_REG_BITS-1:0] REG_V_MAX = 8'd21;
localparam integer REG_V_MAX_WIDTH = 16;  // signed
localparam [HA_REG_BITS-1:0] REG_W_MAX = 8'd22;
localparam integer REG_W_MAX_WIDTH = 16;
// Fields of the flags register, and the rounding codes (as on fspinn_shift_round's mode).
localparam integer FLAG_ADAPTIVE_INHIBITION = 0;
localparam integer FLAG_ROUNDING_LSB = 1;
localparam integer FLAG_ROUNDING_BITS = 2;
localparam [FLAG_ROUNDING_BITS-1:0] ROUND_TRUNCATE = 2'd0;
localparam [FLAG_ROUNDING_BITS-1:0] ROUND_NEAREST = 2'd1;
localparam [FLAG_ROUNDING_BITS-1:0] ROUND_STOCHASTIC = 2'd2;

// Neuron-state word, {count, refractory, theta, v} from the top; the count field is
// COUNT_BITS wide, a parameter (rtl_consts::neuron_word).
localparam integer V_LSB = 0;
localparam integer V_BITS = 16;
localparam integer TH_LSB = 16;
localparam integer TH_BITS = 16;
localparam integer REF_LSB = 32;
localparam integer REF_BITS = 4;
localparam integer COUNT_LSB = 36;

// Cycles of the normalisation divider: the norm_divide pass (rtl_consts::DIVIDER_CYCLES).
localparam integer DIV_CYCLES = 40;
/* verilator lint_restore */
