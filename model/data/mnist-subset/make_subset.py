#!/usr/bin/env python3
"""Regenerate the embedded MNIST subset (see README.md).

Usage: python3 make_subset.py MNIST_DIR [OUT_DIR]

MNIST_DIR holds the four original MNIST files (train-images-idx3-ubyte.gz, ...).
Writes the first 1000 training and the first 300 test images/labels as IDX files,
gzipped deterministically (no stored file name, mtime 0, level 9), to OUT_DIR
(default: the directory of this script), and prints their SHA-256 sums.
"""
import gzip
import hashlib
import os
import struct
import sys

SUBSET = {"train": 1000, "t10k": 300}


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4 : 4 + 4 * ndim])
    return magic, dims, data[4 + 4 * ndim :]


def write_gz(path, payload):
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            gz.write(payload)


def main():
    src = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(os.path.abspath(__file__))
    for prefix, n in SUBSET.items():
        for role in ("images-idx3", "labels-idx1"):
            name = f"{prefix}-{role}-ubyte.gz"
            magic, dims, body = read_idx(os.path.join(src, name))
            per_item = 1
            for d in dims[1:]:
                per_item *= d
            header = struct.pack(">I", magic) + struct.pack(">" + "I" * len(dims), n, *dims[1:])
            content = header + body[: n * per_item]
            dest = os.path.join(out, name)
            write_gz(dest, content)
            with open(dest, "rb") as f:
                file_sha = hashlib.sha256(f.read()).hexdigest()
            print(f"{name}: file {file_sha} content {hashlib.sha256(content).hexdigest()} ({len(content)} bytes)")


if __name__ == "__main__":
    main()
