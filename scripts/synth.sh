#!/usr/bin/env bash
# Yosys synthesis of the FSpiNN accelerator (rtl/, top fspinn_top) for one hardware config: an
# area estimate in generic gates and flops, to see what the RTL costs and how a change moves it.
#
# What is run (Yosys 0.23 or later):
#   read_verilog -lib rtl/fspinn_sram_1r1w.v        the SRAM banks are memory macros: a
#                                                  blackbox, counted as instances, not as gates
#   read_verilog <every other rtl/fspinn_*.v>       (testbenches live in sim/tests/hdl/)
#   chparam -set NAME VALUE ... fspinn_top          the structural parameters, printed by
#                                                  `cargo run -p fspinn-sim --example rtl_params`
#                                                  from the typed config (never typed by hand)
#   synth -flatten -top fspinn_top                  full generic synthesis (default)
#   --fast: the same steps written out, less the slow ones on this design (the 16-write-port
#   register files): `share` (-noshare), the SAT check of `memory_share` (memory -nosat), and
#   `opt -full` (opt -fast instead); still memory_map, techmap and `abc -fast`, so the counts
#   are gate-level. On a shared 2-core machine the full flow ran for more than 20 minutes.
#   --keep-memories: as --fast, but the register files stay memory cells ($mem_v2: counted as
#   macros, like the SRAM banks) instead of being mapped to flops and mux trees; the count is
#   then the datapath and control logic, the number that moves with the design. Minutes
#   instead of the better part of an hour on 2 shared cores.
#   --no-abc: with any of the above, skip ABC (the standard `synth -noabc`): the netlist stays
#   in Yosys' internal gate cells ($_AND_, $_MUX_, $_DFF_P_, ...) as techmap leaves them, not
#   optimised by ABC, so the count is an upper bound of the mapped one. ABC -fast on the
#   flattened small config (300k gates, deep read-mux trees of the register files) ran for over
#   35 minutes without finishing on 2 shared cores.
#   stat                                           saved to --out (default ./synth-CONFIG.txt)
# Everything but the SRAM banks is synthesised, including the flop-based register files of
# fspinn_spikegen and fspinn_top. The full Yosys log goes next to the stat file (*.log).
#
# Usage: scripts/synth.sh [CONFIG] [--out FILE] [--weight-bits N] [--fast | --keep-memories] [--no-abc]
#   CONFIG       small (default), large, a name in sim/configs/, or a TOML path
#   --weight-bits weight precision (default 8); steps 250, refractory 5, config's neurons
# Prints one summary line: cells, flops ($_*DFF*_ and latch cells), SRAM macros, runtime.
set -euo pipefail

config=small
out=""
weight_bits=8
fast=0
no_abc=0
config_seen=0
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="${2:?--out needs a file}"; shift 2 ;;
    --weight-bits) weight_bits="${2:?--weight-bits needs a value}"; shift 2 ;;
    --fast) fast=1; shift ;;
    --keep-memories) fast=2; shift ;;
    --no-abc) no_abc=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    -*) echo "synth.sh: unknown option $1" >&2; exit 2 ;;
    *)
      if [ "$config_seen" = 1 ]; then echo "synth.sh: unexpected argument $1" >&2; exit 2; fi
      config="$1"; config_seen=1; shift ;;
  esac
done
[ -n "$out" ] || out="synth-$(basename "$config" .toml).txt"
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
log="${out%.txt}.log"
[ "$log" != "$out" ] || log="$out.log"

command -v yosys >/dev/null 2>&1 || { echo "synth.sh: yosys not found on PATH" >&2; exit 1; }
cd "$(dirname "$0")/.."

# The structural parameters from the typed config: `-set NAME VALUE` lines.
params=$(cargo run -q -p fspinn-sim --example rtl_params -- "$config" \
  --weight-bits "$weight_bits" --format yosys)
[ -n "$params" ] || { echo "synth.sh: rtl_params printed no parameters" >&2; exit 1; }
chparam="chparam $(echo "$params" | tr '\n' ' ') fspinn_top"

sources=()
for f in rtl/fspinn_*.v; do
  [ "$f" = rtl/fspinn_sram_1r1w.v ] || sources+=("$f")
done

synth_cmd="synth -flatten -top fspinn_top"
if [ "$fast" = 1 ]; then
  synth_cmd="hierarchy -check -top fspinn_top; proc; flatten; opt_expr; opt_clean; check;"
  synth_cmd+=" opt -nodffe -nosdff; fsm; opt; wreduce; peepopt; opt_clean; alumacc; opt;"
  synth_cmd+=" memory -nomap -nosat; opt_clean; opt -fast; memory_map; opt -fast; techmap;"
  synth_cmd+=" opt -fast; abc -fast; opt -fast; hierarchy -check; check"
fi
if [ "$fast" = 2 ]; then
  synth_cmd="hierarchy -check -top fspinn_top; proc; flatten; opt_expr; opt_clean; check;"
  synth_cmd+=" opt -nodffe -nosdff; fsm; opt; wreduce; peepopt; opt_clean; alumacc; opt;"
  synth_cmd+=" memory -nomap -nosat; opt_clean; opt -fast; techmap;"
  synth_cmd+=" opt -fast; abc -fast; opt -fast; hierarchy -check; check"
fi
if [ "$no_abc" = 1 ]; then
  if [ "$fast" = 0 ]; then
    synth_cmd="synth -flatten -noabc -top fspinn_top"
  else
    synth_cmd="${synth_cmd/ abc -fast; opt -fast;/}"
  fi
fi

script=$(mktemp)
trap 'rm -f "$script"' EXIT
{
  echo "read_verilog -lib rtl/fspinn_sram_1r1w.v"
  echo "read_verilog ${sources[*]}"
  echo "$chparam"
  echo "$synth_cmd"
  echo "tee -q -o $out stat"
} >"$script"

echo "synth.sh: config $config, weight bits $weight_bits: $synth_cmd (log: $log)" >&2
start=$(date +%s)
if ! yosys -s "$script" >"$log" 2>&1; then
  echo "synth.sh: yosys failed; last lines of $log:" >&2
  tail -n 30 "$log" >&2
  exit 1
fi
runtime=$(($(date +%s) - start))

# With -flatten, stat reports one module: fspinn_top.
cells=$(awk '/Number of cells:/ { n = $NF } END { print n + 0 }' "$out")
flops=$(awk '$1 ~ /^\$_.*(DFF|DLATCH).*_$/ { s += $2 } END { print s + 0 }' "$out")
srams=$(awk '$1 ~ /fspinn_sram_1r1w/ { s += $2 } END { print s + 0 }' "$out")
mems=$(awk '$1 ~ /^\$mem/ { s += $2 } END { print s + 0 }' "$out")
logic=$((cells - srams - mems))
echo "synth $config w$weight_bits: $cells cells ($logic logic+flop cells, $flops flops, $srams SRAM macros fspinn_sram_1r1w, $mems register-file memories), yosys ${runtime}s, stat: $out"
