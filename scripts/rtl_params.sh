# Sourced by the RTL scripts: parses `[CONFIG] [--weight-bits N]` and fills the array `params`
# with the structural parameters of that config in the format `$RTL_PARAMS_FORMAT`, printed by
# `cargo run -p fspinn-sim --example rtl_params` from the typed config (never typed by hand).
# Expects `$me` (the script's name, for messages) and `$tool` (the HDL tool it needs).
config=small
weight_bits=8
config_seen=0
while [ $# -gt 0 ]; do
  case "$1" in
    --weight-bits) weight_bits="${2:?--weight-bits needs a value}"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    -*) echo "$me: unknown option $1" >&2; exit 2 ;;
    *)
      if [ "$config_seen" = 1 ]; then echo "$me: unexpected argument $1" >&2; exit 2; fi
      config="$1"; config_seen=1; shift ;;
  esac
done

command -v "$tool" >/dev/null 2>&1 || { echo "$me: $tool not found on PATH" >&2; exit 1; }
cd "$(dirname "$0")/.."

mapfile -t params < <("${CARGO:-cargo}" run -q -p fspinn-sim --example rtl_params -- "$config" \
  --weight-bits "$weight_bits" --format "$RTL_PARAMS_FORMAT")
[ "${#params[@]}" -gt 0 ] || { echo "$me: rtl_params printed no parameters" >&2; exit 1; }
