#!/usr/bin/env bash
# Issue 16's size table: `fspinn train` for every cell (MNIST and Fashion-MNIST; N = 100, 400,
# 1600, 4900; the f32 baseline, FSpiNN 4-bit and 8-bit; seeds; one pass), each run's JSON into
# DIR/NAME.json (written under a temporary name and renamed when the run ends). A rerun skips
# finished cells, so the script resumes where a kill stopped it. Then render with
# `python3 scripts/size_table.py DIR [MORE_DIRS]`.
# Usage: FSPINN_DATA=../shared/data scripts/size-table.sh DIR [VARIANTS] [SIZES] [SEEDS] [EPOCHS]
#   VARIANTS from "baseline fspinn-w4 fspinn-w8" (default all), SIZES default "100 400 1600 4900",
#   SEEDS default "1 2", EPOCHS default 1. Full budgets: the baseline at N = 4900 trains for
#   45-60 minutes a pass on 2 cores; every FSpiNN cell at most about 5 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:?usage: scripts/size-table.sh DIR [VARIANTS] [SIZES] [SEEDS] [EPOCHS]}
variants=${2:-baseline fspinn-w4 fspinn-w8}
sizes=${3:-100 400 1600 4900}
seeds=${4:-1 2}
epochs=${5:-1}
mkdir -p "$dir"
cargo build --release --quiet
bin=target/release/fspinn
for n in $sizes; do
  for dataset in mnist fashion-mnist; do
    for v in $variants; do
      for s in $seeds; do
        case $v in
          baseline) args=(--variant baseline) ;;
          fspinn-w4) args=(--variant fspinn --precision w4) ;;
          fspinn-w8) args=(--variant fspinn --precision w8) ;;
          *) echo "unknown variant $v (baseline, fspinn-w4, fspinn-w8)" >&2; exit 2 ;;
        esac
        name="${dataset}_${v}_n${n}_s${s}_e${epochs}"
        [ -s "$dir/$name.json" ] && continue
        echo "$(date +%H:%M:%S) $name" >&2
        "$bin" train --dataset "$dataset" "${args[@]}" --neurons "$n" --seed "$s" \
          --epochs "$epochs" --train-samples 60000 --test-samples 10000 --json \
          --out "$dir/$name.ckpt" 2> "$dir/$name.err" | tail -n 1 > "$dir/$name.json.tmp"
        mv "$dir/$name.json.tmp" "$dir/$name.json"
      done
    done
  done
done
