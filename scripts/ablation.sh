#!/usr/bin/env bash
# FSpiNN ablation: train with each mechanism switched off in turn and print one table row each
# (accuracy, STDP weight updates and neuron updates per training image, memory).
# Usage: FSPINN_DATA=../shared/data scripts/ablation.sh [NEURONS] [TRAIN_SAMPLES] [PRECISION]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100}
k=${2:-60000}
precision=${3:-w8}
cargo build --release --quiet
bin=target/release/fspinn
printf '| mechanism off | test accuracy | weight updates / image | neuron updates / image | train s |\n|---|---|---|---|---|\n'
for off in none direct_inhibition post_only_stdp per_step_updates adaptive_potentiation adaptive_inhibition; do
  args=(train --variant fspinn --precision "$precision" --neurons "$n" --train-samples "$k"
        --test-samples 10000 --seed 1 --json)
  [ "$off" != none ] && args+=(--set "mechanisms.$off=false")
  "$bin" "${args[@]}" 2>/dev/null | tail -n 1 | python3 -c "
import json, sys
d = json.loads(sys.stdin.read()); o = d['train_ops']; k = d['samples_done']
print(f\"| $off | {d['test_accuracy']*100:.2f} % | {o['weight_updates']/k:.0f} | {o['neuron_updates']/k:.0f} | {d['train_seconds']:.0f} |\")"
done
