#!/usr/bin/env bash
# Verilator lint of the whole accelerator (every rtl/fspinn_*.v, top fspinn_top) with all
# warnings on: the design must stay warning-free, since the Verilated co-simulation model
# (testbench/) is built from the same files with -Wall. The structural parameters come from the
# typed config through `cargo run -p fspinn-sim --example rtl_params` (-GNAME=VALUE), so the
# lint sees the widths the chip is built with. Testbenches live in sim/tests/hdl/, not in rtl/.
#
# Usage: scripts/lint.sh [CONFIG] [--weight-bits N]   (default: small, 8)
# Fails on any Verilator warning or error.
set -euo pipefail

me=lint.sh; tool=verilator; RTL_PARAMS_FORMAT=verilator
# shellcheck source=rtl_params.sh
source "$(dirname "$0")/rtl_params.sh"

out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
verilator --lint-only -Wall -Irtl --top-module fspinn_top "${params[@]}" rtl/fspinn_*.v \
  >"$out" 2>&1 || status=$?
cat "$out"
# Verilator exits non-zero on a warning under -Wall; the grep also catches a tool that doesn't.
if [ "$status" != 0 ] || grep -q '%Warning\|%Error' "$out"; then
  echo "lint.sh: FAILED (verilator exit $status) for config $config" >&2
  exit 1
fi
echo "lint.sh: fspinn_top ($config, w$weight_bits) is clean under verilator --lint-only -Wall"
