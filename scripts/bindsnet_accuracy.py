#!/usr/bin/env python3
"""Accuracy reference: BindsNET's DiehlAndCook2015 trained and tested the way its
examples/mnist/eth_mnist.py does, over a chosen seed, on a chosen number of images.

Purpose
-------
Issue 16 compares this project's baseline with "BindsNET's work" (N = 100, 6,000
training and 1,000 test images), one BindsNET run at 77.4 %. One seed of a 1,000-image
test spreads by several points, so this script measures BindsNET's own seed-to-seed
distribution on the same machine and the same images as `fspinn train --variant
baseline --neurons 100 --train-samples 6000 --test-samples 1000 --seed S`.

What it runs (the procedure of eth_mnist.py in BindsNET 0.3.4, its defaults)
---------------------------------------------------------------------------
* DiehlAndCook2015(n_inpt=784, n_neurons=N, exc=22.5, inh=120, dt=1, norm=78.4,
  theta_plus=0.05, inpt_shape=(1, 28, 28)); torch.manual_seed(seed).
* every image: pixel / 255 * intensity (128) Hz, PoissonEncoder(time=250, dt=1),
  network.run with learning on, then network.reset_state_variables().
* labels as eth_mnist.py assigns them: every update_interval (250) training images,
  assign_labels(spike record of those images, their labels, rates) with the rates
  accumulated over the whole run (alpha = 1); images after the last full interval are
  trained on but not used for labels (as in the example).
* test: network.train(False), each test image run once, all_activity and
  proportion_weighting predictions from the final assignments.
* `--order first` (default) takes the first --train images in file order, the images
  `fspinn train` takes; `--order shuffled` draws them at random under the seed, as the
  example's shuffled DataLoader does (the example also runs n_train + 1 images, its
  `step > n_train` test; this script runs exactly --train). The test images are the
  first --test in file order, as in the example.

Install: see scripts/bindsnet_bench.py (bindsnet==0.3.4 from PyPI in a venv).

Run
---
    venv/bin/python scripts/bindsnet_accuracy.py --neurons 100 --train 6000 \
        --test 1000 --seed 0 --threads 1 --data-dir $FSPINN_DATA/mnist

Prints one JSON line on stdout (accuracies, seed, every parameter, versions, seconds).
"""

import argparse
import json
import os
import sys
import time as _time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bindsnet_bench import read_idx_images, read_idx_labels  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--neurons", type=int, default=100)
    p.add_argument("--train", type=int, default=6000, help="training images")
    p.add_argument("--test", type=int, default=1000, help="test images")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--order", choices=["first", "shuffled"], default="first")
    p.add_argument("--time-ms", type=int, default=250)
    p.add_argument("--intensity", type=float, default=128.0)
    p.add_argument("--exc", type=float, default=22.5)
    p.add_argument("--inh", type=float, default=120.0)
    p.add_argument("--theta-plus", type=float, default=0.05)
    p.add_argument("--update-interval", type=int, default=250)
    p.add_argument("--data-dir", required=True,
                   help="directory with the MNIST IDX .gz files")
    args = p.parse_args()

    import torch
    from importlib import metadata
    from bindsnet.encoding import PoissonEncoder
    from bindsnet.evaluation import all_activity, assign_labels, proportion_weighting
    from bindsnet.models import DiehlAndCook2015
    from bindsnet.network.monitors import Monitor

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    def load(kind: str, limit: int):
        images = read_idx_images(
            os.path.join(args.data_dir, f"{kind}-images-idx3-ubyte.gz"), limit)
        labels = read_idx_labels(
            os.path.join(args.data_dir, f"{kind}-labels-idx1-ubyte.gz"), limit)
        return images, labels

    pool = 60000 if args.order == "shuffled" else args.train
    train_images, train_labels = load("train", pool)
    test_images, test_labels = load("t10k", args.test)
    if len(train_images) < args.train or len(test_images) < args.test:
        print(f"need {args.train} training and {args.test} test images, found "
              f"{len(train_images)} and {len(test_images)}", file=sys.stderr)
        return 2
    if args.order == "shuffled":
        order = torch.randperm(len(train_images))[: args.train].numpy()
    else:
        order = np.arange(args.train)

    time = args.time_ms
    dt = 1.0
    steps = int(time / dt)
    n = args.neurons
    network = DiehlAndCook2015(
        n_inpt=784, n_neurons=n, exc=args.exc, inh=args.inh, dt=dt, norm=78.4,
        theta_plus=args.theta_plus, inpt_shape=(1, 28, 28),
    )
    spikes_ae = Monitor(network.layers["Ae"], state_vars=["s"], time=steps)
    network.add_monitor(spikes_ae, name="Ae_spikes")
    encoder = PoissonEncoder(time=time, dt=dt)

    def present(image: np.ndarray) -> "torch.Tensor":
        rates = torch.from_numpy(image.astype(np.float32) / 255.0 * args.intensity)
        encoded = encoder(rates.view(1, 28, 28)).view(steps, 1, 1, 28, 28)
        network.run(inputs={"X": encoded}, time=time)
        s = spikes_ae.get("s").view(steps, n).clone()
        network.reset_state_variables()
        return s

    started = _time.time()
    interval = args.update_interval
    record = torch.zeros((interval, steps, n))
    assignments = -torch.ones(n)
    proportions = torch.zeros((n, 10))
    rates = torch.zeros((n, 10))
    train_spikes = 0.0
    network.train(True)
    for step, index in enumerate(order):
        s = present(train_images[index])
        train_spikes += float(s.sum())
        record[step % interval] = s
        if (step + 1) % interval == 0:
            # eth_mnist.py assigns labels from each full interval before its next image
            # (for the last one, its extra image n_train + 1).
            block = torch.from_numpy(
                train_labels[order[step + 1 - interval: step + 1]].astype(np.int64))
            assignments, proportions, rates = assign_labels(
                spikes=record, labels=block, n_labels=10, rates=rates)
    trained = _time.time()

    network.train(False)
    correct_all = 0
    correct_proportion = 0
    test_spikes = 0.0
    for i in range(args.test):
        s = present(test_images[i]).view(1, steps, n)
        test_spikes += float(s.sum())
        label = int(test_labels[i])
        correct_all += int(all_activity(
            spikes=s, assignments=assignments, n_labels=10).item() == label)
        correct_proportion += int(proportion_weighting(
            spikes=s, assignments=assignments, proportions=proportions,
            n_labels=10).item() == label)

    out = {
        "tool": "bindsnet",
        "bindsnet_version": metadata.version("bindsnet"),
        "torch_version": torch.__version__,
        "seed": args.seed,
        "neurons": n,
        "train_images": args.train,
        "test_images": args.test,
        "order": args.order,
        "time_ms": time,
        "dt_ms": dt,
        "intensity_hz": args.intensity,
        "exc": args.exc,
        "inh": args.inh,
        "theta_plus": args.theta_plus,
        "update_interval": interval,
        "test_accuracy_all_activity": correct_all / args.test,
        "test_accuracy_proportion": correct_proportion / args.test,
        "train_spikes_per_image": train_spikes / max(args.train, 1),
        "test_spikes_per_image": test_spikes / max(args.test, 1),
        "train_seconds": trained - started,
        "test_seconds": _time.time() - trained,
        "threads": args.threads,
    }
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
