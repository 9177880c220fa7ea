#!/usr/bin/env sh
# Installs what the project needs beyond a Rust toolchain, when it is missing, so that the
# README's two command lines work on a fresh machine:
#   scripts/setup.sh           Verilator (5.006 or newer) and a C++ compiler: `fspinn cosim`
#                              verilates rtl/ and compiles the model at build time
#   scripts/setup.sh --tests   also Icarus Verilog and Yosys, for the RTL checks of the tests,
#                              GTKWave (vcd2fst / fst2vcd: the waveform round trip of
#                              tests/cli_waves.rs) and zlib's headers (`cosim --waves fst`
#                              links Verilator's FST writer with -lz)
# Tools already on PATH are left alone. Installing needs apt-get (Debian 12 ships Verilator
# 5.006) and root; otherwise the script says exactly what to install and exits 1.
# .ci/run calls it with --tests.
set -eu

tools="verilator"
if [ "${1:-}" = "--tests" ]; then
  tools="verilator iverilog yosys vcd2fst zlib"
elif [ -n "${1:-}" ]; then
  echo "usage: scripts/setup.sh [--tests]" >&2
  exit 2
fi

# Debian package of each tool.
package() {
  case "$1" in
    c++) echo g++ ;;
    vcd2fst) echo gtkwave ;;
    zlib) echo zlib1g-dev ;;
    *) echo "$1" ;;
  esac
}

missing=""
# zlib is a library: its header stands for it.
present() {
  case "$1" in
    zlib) [ -f /usr/include/zlib.h ] ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}
for tool in $tools c++; do
  present "$tool" || missing="$missing $(package "$tool")"
done

if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    # shellcheck disable=SC2086 # one word per package
    apt-get install -y $missing >/dev/null 2>&1 \
      || { apt-get update >/dev/null && apt-get install -y $missing >/dev/null; }
  else
    echo "setup: missing:$missing" >&2
    echo "  install them with: sudo apt-get install -y$missing   (Debian 12 or newer)" >&2
    echo "  Verilator 5.006 or newer can also be built from https://verilator.org;" >&2
    echo "  point VERILATOR=/path/to/bin/verilator at it." >&2
    exit 1
  fi
fi

# The build recipe was measured with Verilator 5.006; older ones (Ubuntu 22.04 ships 4.038)
# cannot build the testbench.
verilator="${VERILATOR:-verilator}"
version=$("$verilator" --version 2>/dev/null | sed -n 's/^Verilator \([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
set -- $version
if [ $# -ne 2 ] || [ "$1" -lt 5 ] || { [ "$1" -eq 5 ] && [ "$2" -lt 6 ]; }; then
  echo "setup: $("$verilator" --version 2>/dev/null || echo "$verilator: not runnable") is too old:" >&2
  echo "  Verilator 5.006 or newer is needed (Debian 12: apt-get install -y verilator;" >&2
  echo "  elsewhere build it from https://verilator.org and set VERILATOR=/path/to/bin/verilator)" >&2
  exit 1
fi
for tool in $tools c++; do
  case "$tool" in
    iverilog | yosys) flag=-V ;;
    vcd2fst) flag=--help ;;
    zlib) printf 'setup: %-9s %s\n' zlib /usr/include/zlib.h >&2; continue ;;
    *) flag=--version ;;
  esac
  printf 'setup: %-9s %s\n' "$tool" "$("$tool" $flag 2>/dev/null | head -n1)" >&2
done
