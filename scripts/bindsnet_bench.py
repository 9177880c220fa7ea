#!/usr/bin/env python3
"""Speed benchmark: BindsNET's DiehlAndCook2015 network trained on MNIST images.

Purpose
-------
Gives a reference wall-clock figure (seconds per training image, and the
projected time of one 60,000-image epoch) for BindsNET's Diehl & Cook (2015)
STDP network on the current machine, so the Rust implementation in this repo
can be compared against it on the same hardware.

This script is for SPEED ONLY. It does not assign labels, evaluate accuracy or
save anything; it just runs the network with learning on, the way BindsNET's
examples/mnist/eth_mnist.py does, and times it.

What it runs (mirrors eth_mnist.py)
-----------------------------------
* DiehlAndCook2015(n_inpt=784, n_neurons=N, exc=22.5, inh=17.5, dt=dt,
  norm=78.4, theta_plus=0.05, inpt_shape=(1, 28, 28))
* each image: pixel / 255 * 128 Hz, encoded by PoissonEncoder(time, dt)
  (encoding is inside the timed loop, as the example encodes per sample in its
  data loader), then network.run(inputs={"X": ...}, time=time) with learning
  on, a Monitor on the excitatory layer's spikes ("Ae", "s"), then
  network.reset_state_variables().
* torch.set_num_threads(--threads). 2 warm-up images, then --images timed.
* MNIST is read from IDX .gz files with gzip + numpy (nothing is downloaded).

Install (what was used; PyPI only, Python 3.11, Debian 12)
----------------------------------------------------------
    python3 -m venv venv
    venv/bin/pip install --upgrade pip
    venv/bin/pip install bindsnet==0.3.4
  This pulls torch 2.15.0 (PyPI's Linux wheel is the CUDA build, +cu132, and
  brings ~4 GB of nvidia-* / cuda-toolkit wheels; PyPI has no CPU-only torch
  wheel for Linux x86_64. CUDA is never used here: everything runs on CPU).

Run
---
    venv/bin/python scripts/bindsnet_bench.py --neurons 400 --images 50 \
        --time-ms 250 --dt 1.0 --threads 1 --data-dir /path/to/mnist

Prints one JSON line on stdout. Wall-clock "seconds" is the figure to compare;
"cpu_seconds" and "loadavg_1m" are there to tell whether the machine was busy
with other work during the run (then wall time > CPU time at --threads 1).
"""

import argparse
import gzip
import json
import os
import sys
import time as _time

import numpy as np


def read_idx_images(path: str, limit: int) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        header = f.read(16)
        magic, n, rows, cols = np.frombuffer(header, dtype=">u4")
        if magic != 2051:
            raise ValueError(f"{path}: bad IDX image magic {magic}")
        n = min(int(n), limit)
        data = f.read(n * int(rows) * int(cols))
    return np.frombuffer(data, dtype=np.uint8).reshape(n, int(rows), int(cols))


def read_idx_labels(path: str, limit: int) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        magic, n = np.frombuffer(f.read(8), dtype=">u4")
        if magic != 2049:
            raise ValueError(f"{path}: bad IDX label magic {magic}")
        n = min(int(n), limit)
        return np.frombuffer(f.read(n), dtype=np.uint8)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--neurons", type=int, default=400)
    p.add_argument("--images", type=int, default=50, help="timed images")
    p.add_argument("--time-ms", type=float, default=250.0)
    p.add_argument("--dt", type=float, default=1.0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--intensity", type=float, default=128.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--data-dir", required=True,
                   help="directory with train-images-idx3-ubyte.gz and "
                        "train-labels-idx1-ubyte.gz")
    args = p.parse_args()

    import torch
    import bindsnet
    from importlib import metadata
    from bindsnet.encoding import PoissonEncoder
    from bindsnet.models import DiehlAndCook2015
    from bindsnet.network.monitors import Monitor

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    try:
        bn_version = metadata.version("bindsnet")
    except metadata.PackageNotFoundError:
        bn_version = getattr(bindsnet, "__version__", "unknown")

    total = args.warmup + args.images
    images = read_idx_images(
        os.path.join(args.data_dir, "train-images-idx3-ubyte.gz"), total)
    # Labels are read only to check the files match; the benchmark needs none.
    labels = read_idx_labels(
        os.path.join(args.data_dir, "train-labels-idx1-ubyte.gz"), total)
    if len(images) < total or len(labels) < total:
        print(f"need {total} images, found {len(images)}", file=sys.stderr)
        return 2

    time = int(args.time_ms)
    dt = args.dt
    steps = int(time / dt)

    network = DiehlAndCook2015(
        n_inpt=784,
        n_neurons=args.neurons,
        exc=22.5,
        inh=17.5,
        dt=dt,
        norm=78.4,
        theta_plus=0.05,
        inpt_shape=(1, 28, 28),
    )
    network.train(True)  # learning on (the default; explicit for clarity)

    spikes_ae = Monitor(network.layers["Ae"], state_vars=["s"], time=steps)
    network.add_monitor(spikes_ae, name="Ae_spikes")

    encoder = PoissonEncoder(time=time, dt=dt)
    # eth_mnist.py: ToTensor() (pixel/255) then Lambda(x * intensity) -> Hz.
    rates = torch.from_numpy(images.astype(np.float32) / 255.0 * args.intensity)

    def run_one(i: int) -> int:
        encoded = encoder(rates[i].view(1, 28, 28))  # [steps, 1, 28, 28]
        inputs = {"X": encoded.view(steps, 1, 1, 28, 28)}
        network.run(inputs=inputs, time=time)
        n_spikes = int(spikes_ae.get("s").sum().item())
        network.reset_state_variables()
        return n_spikes

    for i in range(args.warmup):
        run_one(i)

    spike_total = 0
    t0 = _time.perf_counter()
    c0 = _time.process_time()
    for i in range(args.warmup, total):
        spike_total += run_one(i)
    seconds = _time.perf_counter() - t0
    cpu_seconds = _time.process_time() - c0

    spi = seconds / args.images
    out = {
        "tool": "bindsnet",
        "bindsnet_version": bn_version,
        "torch_version": torch.__version__,
        "neurons": args.neurons,
        "images": args.images,
        "time_ms": args.time_ms,
        "dt_ms": dt,
        "threads": args.threads,
        "seconds": round(seconds, 4),
        "seconds_per_image": round(spi, 5),
        "projected_epoch_hours": round(spi * 60000 / 3600, 3),
        # Extra fields (not needed for the comparison): CPU time of this
        # process over the timed loop (all threads), the 1-min load average at
        # the end (to spot a busy machine), and mean excitatory spikes/image.
        "cpu_seconds": round(cpu_seconds, 4),
        "loadavg_1m": round(os.getloadavg()[0], 2),
        "ae_spikes_per_image": round(spike_total / args.images, 2),
    }
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
