#!/usr/bin/env bash
# BindsNET's work (issue 16), our side: the f32 baseline at N = 100 on the first 6,000 training
# and the first 1,000 test images, over seeds, with Diehl & Cook's input (the default: 63.75 Hz
# for a white pixel, 350 ms) and with BindsNET's (127.5 Hz, 250 ms). Each run's JSON goes to
# DIR/<input>_s<seed>.json (temporary name, renamed when the run ends; a rerun skips finished
# runs), then one line per input: every seed's accuracy, the mean and the standard deviation.
# BindsNET's own side, on the same images: scripts/bindsnet_accuracy.py (docs/results.md).
# Usage: FSPINN_DATA=../shared/data scripts/bindsnet-work.sh DIR [SEEDS]
#   SEEDS default "0 1 ... 19" (3-10 s a run on one thread).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:?usage: scripts/bindsnet-work.sh DIR [SEEDS]}
seeds=${2:-$(seq -s ' ' 0 19)}
mkdir -p "$dir"
cargo build --release --quiet
bin=target/release/fspinn
for input in diehl-cook bindsnet; do
  case $input in
    diehl-cook) flags=() ;;
    bindsnet) flags=(--set timing.rate_per_pixel_hz=0.25 --set timing.presentation_ms=250) ;;
  esac
  for s in $seeds; do
    out="$dir/${input}_s$s.json"
    [ -s "$out" ] && continue
    "$bin" train --variant baseline --neurons 100 --train-samples 6000 --test-samples 1000 \
      --seed "$s" --threads 1 --json "${flags[@]}" | tail -n 1 > "$out.tmp"
    mv "$out.tmp" "$out"
  done
done
python3 - "$dir" $seeds <<'EOF'
import json, statistics, sys
d, seeds = sys.argv[1], sys.argv[2:]
for input in ("diehl-cook", "bindsnet"):
    acc = [100 * json.load(open(f"{d}/{input}_s{s}.json"))["test_accuracy"] for s in seeds]
    sd = statistics.stdev(acc) if len(acc) > 1 else 0.0
    print(f"{input:10s} mean {statistics.mean(acc):.2f} % sd {sd:.2f} over seeds "
          f"{' '.join(seeds)}: {' '.join(f'{a:.1f}' for a in acc)}")
EOF
