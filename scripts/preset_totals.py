#!/usr/bin/env python3
"""Builds presets from assets/ out of torch.nn modules, runs each on its own
input, and prints PyTorch's parameter total (shared weights counted once) and
output shape beside layerlab's, so a preset's numbers are PyTorch's own.
(The image presets are checked by make_presets.py and check_export.py.)

Usage: python3 scripts/preset_totals.py target/release/layerlab [NAME ...]
       (default: the sequence, 1-D and 3-D presets)
Needs torch (Debian: apt-get install python3-torch). Not run by CI.
"""
import json
import os
import subprocess
import sys
import tomllib

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seq_cases  # noqa: E402  (its `run` knows every layer kind)


def spec(table):
    """A layer table as the case scripts write specs: branches and layers."""
    s = {k: v for k, v in table.items() if k not in ("branch", "layer")}
    if "branch" in table:
        s["branches"] = [[spec(t) for t in b.get("layer", [])] for b in table["branch"]]
    if isinstance(table.get("layer"), list):
        s["layers"] = [spec(t) for t in table["layer"]]
    return s


def torch_total(path):
    net = tomllib.load(open(path, "rb"))
    dims = net["input"]
    x = torch.zeros(1, *dims)
    modules, embeddings = [], []
    with torch.no_grad():
        for table in net["layer"]:
            s = spec(table)
            if s["type"] == "dense" and s.get("tied"):
                # Tied to the embedding of the same size: the same tensor.
                m = torch.nn.Linear(x.shape[-1], s["units"], bias=s.get("bias", True))
                m.weight = next(e.weight for e in embeddings if e.weight.shape == m.weight.shape)
                modules.append(m)
                x = m(x)
                continue
            found = []
            x = seq_cases.run(s, x, found)
            modules += found
            embeddings += [m for m in found if isinstance(m, torch.nn.Embedding)]
    unique = {id(p): p for m in modules for p in m.parameters()}
    return sum(p.numel() for p in unique.values()), list(x.shape[1:])


def main():
    binary = sys.argv[1]
    names = sys.argv[2:] or ["gpt2", "bert-base", "lstm-tagger", "ecg1d", "c3d-small"]
    bad = 0
    assets = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "assets")
    for path in (os.path.join(assets, n + ".toml") for n in names):
        total, shape = torch_total(path)
        got = json.loads(subprocess.run([binary, "summary", path, "--format", "json"],
                                        capture_output=True, text=True).stdout)
        ours = got["total_params"]
        last = got["layers"][-1]["output"]
        ok = ours == total and last == shape
        bad += not ok
        print(f"{'ok ' if ok else 'BAD'} {os.path.basename(path):22} torch {total:>12,} {shape}  layerlab {ours:>12,} {last}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
