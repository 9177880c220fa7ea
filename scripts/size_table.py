#!/usr/bin/env python3
"""Renders issue 16's size table (markdown) from the JSON of `fspinn train --json` runs
(scripts/size-table.sh) and of `fspinn explore` networks (`DIR/networks/*.json`, which hold
`run`, `test_accuracy` and `train_seconds`), found in the directories given.

One row per dataset and N, one column group per network (the f32 baseline, FSpiNN 4-bit,
FSpiNN 8-bit): accuracy per seed and their mean, training seconds per seed, memory saving
against the baseline (`fspinn memory`). Only runs with each variant's default presentation
(baseline 350 ms, FSpiNN 250 ms) and, for FSpiNN, today's `retire_unrecruited` are read. Runs
of the same cell and seed from several
directories must agree, else the script stops: a table mixes no two builds' answers.

Usage: python3 scripts/size_table.py [--fspinn BIN] [--epochs E] DIR [DIR ...]
"""
import argparse
import glob
import json
import os
import subprocess
import sys


def runs(paths):
    """(dataset, network, N, seed, epochs) -> (accuracy, train seconds, file)."""
    found = {}
    for d in paths:
        files = glob.glob(os.path.join(d, "*.json")) + glob.glob(os.path.join(d, "networks", "*.json"))
        for f in sorted(files):
            try:
                with open(f) as fh:
                    text = fh.read().strip()
            except OSError:
                continue
            # A whole JSON document (explore), or JSON as the last line of stdout (train).
            rec = None
            for candidate in (text, text.splitlines()[-1] if text else ""):
                try:
                    rec = json.loads(candidate)
                    break
                except json.JSONDecodeError:
                    pass
            if not isinstance(rec, dict):
                continue
            run = rec.get("run", rec)
            if "variant" not in run or rec.get("test_accuracy") is None:
                continue
            params = run.get("params", {})
            if run["variant"] == "baseline":
                net = "baseline"
                default = params["baseline"]["timing"]["presentation_ms"] == 350
            elif "fspinn" in params:
                p = params["fspinn"]
                net = "fspinn-w%d" % p["formats"]["weight_bits"]
                # Today's defaults only: 250 ms presentations, unrecruited neurons retired.
                default = p["presentation_ms"] == 250 and p.get("retire_unrecruited", False)
            else:
                continue
            if not default:
                continue
            if run.get("train_samples") != 60000 or run.get("test_samples") != 10000:
                continue
            key = (run["dataset"], net, run["neurons"], run["seed"], run.get("epochs", 1))
            value = (rec["test_accuracy"], rec.get("train_seconds"), f)
            if key in found and abs(found[key][0] - value[0]) > 1e-12:
                sys.exit(f"{f} and {found[key][2]} disagree on {key}: "
                         f"{value[0]} against {found[key][0]} (two builds?)")
            found.setdefault(key, value)
    return found


def memory(binary, variant, n, precision):
    out = subprocess.run([binary, "memory", "--variant", variant, "--neurons", str(n),
                          "--precision", precision, "--json"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="+")
    ap.add_argument("--fspinn", default="target/release/fspinn")
    ap.add_argument("--epochs", type=int, default=1)
    a = ap.parse_args()
    found = runs(a.dirs)
    nets = ["baseline", "fspinn-w4", "fspinn-w8"]
    print("| dataset | N | " + " | ".join(
        f"{n}: accuracy, seeds 1 / 2 | mean | train s" + (" | memory saving" if n != "baseline" else "")
        for n in nets) + " |")
    print("|---|---|" + "|".join(["---|---|---"] + ["---|---|---|---"] * 2) + "|")
    for dataset in ["mnist", "fashion-mnist"]:
        for n in [100, 400, 1600, 4900]:
            cells = []
            for net in nets:
                seeds = sorted(s for (d, m, k, s, e) in found
                               if (d, m, k, e) == (dataset, net, n, a.epochs))
                accs = [found[(dataset, net, n, s, a.epochs)][0] for s in seeds]
                secs = [found[(dataset, net, n, s, a.epochs)][1] for s in seeds]
                acc = " / ".join(f"{100 * x:.2f}" for x in accs) or "not run"
                mean = f"{100 * sum(accs) / len(accs):.2f} %" if len(accs) > 1 else ""
                secs = " / ".join(f"{x:.0f}" if x is not None else "?" for x in secs)
                cell = [acc, mean, secs]
                if net != "baseline" and os.path.exists(a.fspinn):
                    m = memory(a.fspinn, "fspinn", n, net.split("-")[1])
                    cell.append(f"{m['baseline_bytes'] / m['bytes']:.2f}x")
                elif net != "baseline":
                    cell.append("")
                cells += cell
            print(f"| {dataset} | {n} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
