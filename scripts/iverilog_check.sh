#!/usr/bin/env bash
# Compiles the whole accelerator (every rtl/fspinn_*.v, top fspinn_top) with Icarus Verilog in
# strict Verilog-2005 mode with all warnings on: a second, independent front end next to
# Verilator, so constructs one tool accepts and the other rejects are caught before they reach
# a simulator or synthesis flow. The structural parameters come from the typed config through
# `cargo run -p fspinn-sim --example rtl_params` (-P fspinn_top.NAME=VALUE), as for the
# Verilated model. Testbenches live in sim/tests/hdl/, not in rtl/.
#
# Usage: scripts/iverilog_check.sh [CONFIG] [--weight-bits N]   (default: small, 8)
# Fails on any iverilog error; warnings are printed and counted, not fatal.
set -euo pipefail

me=iverilog_check.sh; tool=iverilog; RTL_PARAMS_FORMAT=iverilog
# shellcheck source=rtl_params.sh
source "$(dirname "$0")/rtl_params.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
iverilog -g2005 -Wall -I rtl -s fspinn_top -o "$tmp/fspinn_top.vvp" "${params[@]}" rtl/fspinn_*.v \
  >"$tmp/out" 2>&1 || status=$?
cat "$tmp/out"
errors=$(grep -ci 'error' "$tmp/out" || true)
warnings=$(grep -ci 'warning' "$tmp/out" || true)
if [ "$status" != 0 ] || [ "$errors" != 0 ]; then
  echo "iverilog_check.sh: FAILED (iverilog exit $status, $errors error lines) for config $config" >&2
  exit 1
fi
echo "iverilog_check.sh: fspinn_top ($config, w$weight_bits) compiles with iverilog -g2005 -Wall: 0 errors, $warnings warnings"
