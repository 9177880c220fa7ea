#!/usr/bin/env python3
"""Speed benchmark: Diehl & Cook's (2015) network in Brian2, trained on MNIST images.

Purpose
-------
Gives a reference wall-clock figure (seconds per training image) for the Diehl & Cook
network simulated by Brian2 on the current machine, beside scripts/bindsnet_bench.py, so the
Rust implementation can be compared with both simulators the field uses on the same hardware.

This script is for SPEED ONLY: no labels, no accuracy, nothing saved.

What it runs: the network of `fspinn train --variant baseline` (docs/baseline.md), written
here from its published equations and parameters, not from any other code:
* 784 Poisson inputs at pixel x 0.125 x 2 Hz (63.75 Hz for a white pixel); N conductance-based
  excitatory neurons (tau 100 ms, rest and reset -65 mV, threshold -52 mV + theta - 20 mV,
  theta += 0.05 mV per spike with a 1e7 ms decay, 5 ms refractory, ge / gi with 1 / 2 ms decay,
  reversal 0 / -100 mV); N inhibitory neurons (tau 10 ms, rest -60, reset -45, threshold -40 mV,
  2 ms refractory, inhibitory reversal -85 mV); excitatory -> inhibitory one to one (10.4),
  inhibitory -> excitatory all but self (17 x max(1, 400 / N), the baseline's default size rule);
* input -> excitatory weights uniform in [0.01, 0.31), triplet STDP with event-driven traces
  (pre 20 ms, post1 20 ms, post2 40 ms; nu_pre 1e-4, nu_post 1e-2, weights clipped to [0, 1]);
  each image's columns normalised to sum 78 before it is shown; forward Euler with the
  membrane clipped to [E_inh, E_exc] after each step, as the Rust model does;
* each image: 350 ms with input, 150 ms without (dt 0.5 ms), learning on throughout.
  No repeats of quiet images (the Rust figure includes them; compare per presentation too).
* Brian2's runtime mode with the chosen code generation target (`cython`, the fast default, or
  `numpy`); 2 warm-up images (code generation and compilation), then --images timed.

Install: `venv/bin/pip install brian2 cython` (PyPI).

Run
---
    venv/bin/python scripts/brian2_bench.py --neurons 100 --images 50 --target cython \
        --data-dir $FSPINN_DATA/mnist

Prints one JSON line on stdout. Wall-clock "seconds" is the figure to compare; "cpu_seconds"
and "loadavg_1m" tell whether the machine was busy (then wall time > CPU time).
"""

import argparse
import json
import os
import sys
import time as _time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bindsnet_bench import read_idx_images  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--neurons", type=int, default=400)
    p.add_argument("--images", type=int, default=20, help="timed images")
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--target", choices=["cython", "numpy"], default="cython")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--data-dir", required=True,
                   help="directory with train-images-idx3-ubyte.gz")
    args = p.parse_args()

    import brian2 as b
    from brian2 import Hz, mV, ms
    from importlib import metadata

    b.prefs.codegen.target = args.target
    b.seed(args.seed)
    np.random.seed(args.seed)
    b.defaultclock.dt = 0.5 * ms

    total = args.warmup + args.images
    images = read_idx_images(
        os.path.join(args.data_dir, "train-images-idx3-ubyte.gz"), total)
    if len(images) < total:
        print(f"need {total} images, found {len(images)}", file=sys.stderr)
        return 2

    n = args.neurons
    n_in = 784
    exc = b.NeuronGroup(
        n,
        """
        dv/dt = ((-65*mV - v) + ge * (0*mV - v) + gi * (-100*mV - v)) / (100*ms) : volt (unless refractory)
        dge/dt = -ge / (1*ms) : 1
        dgi/dt = -gi / (2*ms) : 1
        dtheta/dt = -theta / (1e7*ms) : volt
        """,
        threshold="v > theta - 20*mV - 52*mV",
        reset="v = -65*mV; theta += 0.05*mV",
        refractory=5 * ms,
        method="euler",
        name="exc",
    )
    exc.v = -65 * mV
    exc.theta = 20 * mV
    # The membrane bound of docs/baseline.md: forward Euler overshoots once dt / tau_m x gi > 2
    # and the overshoot grows into bursts; the exact solution never leaves [E_inh, E_exc].
    exc.run_regularly("v = clip(v, -100*mV, 0*mV)", when="before_thresholds")
    inh = b.NeuronGroup(
        n,
        """
        dv/dt = ((-60*mV - v) + ge * (0*mV - v) + gi * (-85*mV - v)) / (10*ms) : volt (unless refractory)
        dge/dt = -ge / (1*ms) : 1
        dgi/dt = -gi / (2*ms) : 1
        """,
        threshold="v > -40*mV",
        reset="v = -45*mV",
        refractory=2 * ms,
        method="euler",
        name="inh",
    )
    inh.v = -60 * mV
    inh.run_regularly("v = clip(v, -85*mV, 0*mV)", when="before_thresholds")
    inputs = b.PoissonGroup(n_in, rates=np.zeros(n_in) * Hz, name="inputs")

    stdp = b.Synapses(
        inputs,
        exc,
        """
        w : 1
        post2before : 1
        dpre/dt = -pre / (20*ms) : 1 (event-driven)
        dpost1/dt = -post1 / (20*ms) : 1 (event-driven)
        dpost2/dt = -post2 / (40*ms) : 1 (event-driven)
        """,
        on_pre="ge_post += w; pre = 1.; w = clip(w - 0.0001 * post1, 0, 1)",
        on_post=("post2before = post2; w = clip(w + 0.01 * pre * post2before, 0, 1); "
                 "post1 = 1.; post2 = 1."),
        name="input_exc",
    )
    stdp.connect()  # all to all, row-major: index i * n + j
    stdp.w = 0.01 + 0.3 * np.random.rand(n_in * n)
    e_to_i = b.Synapses(exc, inh, on_pre="ge_post += 10.4", name="exc_inh")
    e_to_i.connect(j="i")
    w_ie = 17.0 * max(1.0, 400.0 / n)
    i_to_e = b.Synapses(inh, exc, on_pre=f"gi_post += {w_ie}", name="inh_exc")
    i_to_e.connect(condition="i != j")
    spikes = b.SpikeMonitor(exc, record=False, name="exc_spikes")
    net = b.Network(exc, inh, inputs, stdp, e_to_i, i_to_e, spikes)

    def show(image: np.ndarray) -> None:
        weights = np.asarray(stdp.w[:]).reshape(n_in, n)
        weights *= 78.0 / np.maximum(weights.sum(axis=0, keepdims=True), 1e-12)
        stdp.w[:] = weights.ravel()
        inputs.rates = image.reshape(-1).astype(np.float64) * 0.125 * 2 * Hz
        net.run(350 * ms, namespace={})
        inputs.rates = np.zeros(n_in) * Hz
        net.run(150 * ms, namespace={})

    for i in range(args.warmup):
        show(images[i])
    spikes_before = int(spikes.num_spikes)
    load = os.getloadavg()[0]
    cpu0 = _time.process_time()
    t0 = _time.perf_counter()
    for i in range(args.warmup, total):
        show(images[i])
    seconds = _time.perf_counter() - t0
    cpu = _time.process_time() - cpu0

    print(json.dumps({
        "tool": "brian2",
        "brian2_version": metadata.version("brian2"),
        "target": args.target,
        "neurons": n,
        "images": args.images,
        "presentation_ms": 350,
        "rest_ms": 150,
        "dt_ms": 0.5,
        "seconds": round(seconds, 4),
        "seconds_per_image": round(seconds / args.images, 5),
        "cpu_seconds": round(cpu, 3),
        "loadavg_1m": round(load, 2),
        "exc_spikes_per_image": (int(spikes.num_spikes) - spikes_before) / args.images,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
