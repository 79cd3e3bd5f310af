#!/usr/bin/env python3
"""Random branching networks whose answers come from real PyTorch.

Writes cases in the form of ../shared/check/branch_sample.json: each network
as its architecture file (`toml`: add / concat / block with repeat, nested,
plus conv_transpose2d, upsample, adaptive pooling and zeropad) and, for every
top-level layer, the output shape and parameter count PyTorch gives when the
same network is built from torch.nn modules and run, or the top-level layer
where PyTorch refuses it (`add` is refused when shapes differ: no
broadcasting).

Usage: python3 scripts/tree_cases.py N OUT.json [SEED]
then:  python3 ../shared/check/tree_check.py target/release/layerlab OUT.json
Needs torch (Debian: apt-get install python3-torch). Not run by CI.
"""
import json
import os
import random
import sys

import torch
from torch import nn

# The architecture files are written as the presets are: one TOML writer.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_presets import value, write_layers  # noqa: E402

ACT = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh}


class Refused(Exception):
    pass


def pair(v):
    return tuple(v) if isinstance(v, list) else (v, v)


def run(spec, x, modules):
    """Builds the torch modules for one layer spec on input x (appending
    them to `modules`) and returns the output."""
    t = spec["type"]
    if t == "conv2d":
        m = nn.Conv2d(x.shape[1], spec["filters"], pair(spec["kernel"]), stride=pair(spec.get("stride", 1)),
                      padding=pair(spec.get("padding", 0)), dilation=pair(spec.get("dilation", 1)),
                      groups=spec.get("groups", 1), bias=spec.get("bias", True))
        modules.append(m)
        y = m(x)
        return ACT[spec["activation"]]()(y) if "activation" in spec else y
    if t == "conv_transpose2d":
        m = nn.ConvTranspose2d(x.shape[1], spec["filters"], pair(spec["kernel"]), stride=pair(spec.get("stride", 1)),
                               padding=pair(spec.get("padding", 0)),
                               output_padding=pair(spec.get("output_padding", 0)),
                               dilation=pair(spec.get("dilation", 1)), bias=spec.get("bias", True))
        modules.append(m)
        return m(x)
    if t in ("maxpool", "avgpool"):
        cls = nn.MaxPool2d if t == "maxpool" else nn.AvgPool2d
        k = pair(spec["kernel"])
        m = cls(k, stride=pair(spec.get("stride", spec["kernel"])), padding=pair(spec.get("padding", 0)),
                ceil_mode=spec.get("ceil_mode", False))
        return m(x)
    if t == "batchnorm":
        m = nn.BatchNorm2d(x.shape[1]) if x.dim() == 4 else nn.BatchNorm1d(x.shape[1])
        modules.append(m)
        return m.eval()(x)
    if t in ACT:
        return ACT[t]()(x)
    if t == "flatten":
        return torch.flatten(x, 1)
    if t == "global_avgpool":
        if x.dim() != 4:
            raise Refused("global pooling needs an image")
        return torch.flatten(nn.AdaptiveAvgPool2d(1)(x), 1)
    if t == "dense":
        if x.dim() != 2:
            raise Refused("dense needs a vector")
        m = nn.Linear(x.shape[1], spec["units"], bias=spec.get("bias", True))
        modules.append(m)
        return m(x)
    if t == "upsample":
        return nn.Upsample(scale_factor=pair(spec.get("scale", 2)), mode=spec.get("mode", "nearest"))(x)
    if t == "adaptive_avgpool":
        return nn.AdaptiveAvgPool2d(pair(spec["output"]))(x)
    if t == "adaptive_maxpool":
        return nn.AdaptiveMaxPool2d(pair(spec["output"]))(x)
    if t == "zeropad":
        return nn.ZeroPad2d((spec.get("left", 1), spec.get("right", 1), spec.get("top", 1), spec.get("bottom", 1)))(x)
    if t in ("add", "concat"):
        outs = []
        for branch in spec["branches"]:
            y = x
            for s in branch:
                y = run(s, y, modules)
            outs.append(y)
        if not outs:
            raise Refused("no branches")
        if t == "add":
            if any(o.shape != outs[0].shape for o in outs):
                raise Refused("add: shapes differ")
            y = sum(outs[1:], outs[0])
        else:
            y = torch.cat(outs, dim=1)
        return ACT[spec["activation"]]()(y) if "activation" in spec else y
    if t == "block":
        for _ in range(spec.get("repeat", 1)):
            for s in spec["layers"]:
                x = run(s, x, modules)
        return x
    raise ValueError(t)


def conv(rng, same=False):
    k = rng.choice([1, 3, 3, 5])
    spec = {"type": "conv2d", "filters": rng.choice([4, 8, 8, 16]), "kernel": k,
            "stride": 1 if same else rng.choice([1, 1, 2]), "padding": k // 2 if same else rng.choice([0, k // 2]),
            "bias": rng.random() < 0.5}
    if rng.random() < 0.3:
        spec["activation"] = "relu"
    return spec


def body(rng, depth, same):
    layers = []
    for _ in range(rng.randint(1, 3)):
        r = rng.random()
        if depth < 2 and r < 0.15:
            layers.append(merge(rng, depth + 1))
        elif r < 0.6:
            layers.append(conv(rng, same))
        elif r < 0.75:
            layers.append({"type": "batchnorm"})
        elif r < 0.85:
            layers.append({"type": "relu"})
        else:
            layers.append({"type": "maxpool", "kernel": 3, "stride": 1, "padding": 1} if same
                          else {"type": "maxpool", "kernel": 2})
    return layers


def merge(rng, depth):
    kind = rng.choice(["add", "concat"])
    same = rng.random() < 0.85
    branches = [body(rng, depth, same)]
    for _ in range(rng.randint(1, 2)):
        branches.append([] if rng.random() < 0.5 else body(rng, depth, same))
    spec = {"type": kind, "branches": branches}
    if rng.random() < 0.3:
        spec["activation"] = "relu"
    return spec


def item(rng):
    r = rng.random()
    if r < 0.3:
        return merge(rng, 0)
    if r < 0.45:
        return {"type": "block", "repeat": rng.randint(1, 3), "layers": [merge(rng, 1)] if rng.random() < 0.6
                else body(rng, 1, True)}
    if r < 0.6:
        return conv(rng)
    if r < 0.68:
        k = rng.choice([2, 3, 4])
        return {"type": "conv_transpose2d", "filters": rng.choice([4, 8]), "kernel": k, "stride": rng.choice([1, 2]),
                "padding": rng.choice([0, 1]), "output_padding": rng.choice([0, 0, 1]), "bias": rng.random() < 0.5}
    if r < 0.74:
        return {"type": "upsample", "scale": rng.choice([2, [2, 1]]), "mode": rng.choice(["nearest", "bilinear"])}
    if r < 0.8:
        return {"type": "zeropad", "top": rng.randint(0, 2), "bottom": rng.randint(0, 2),
                "left": rng.randint(0, 2), "right": rng.randint(0, 2)}
    if r < 0.86:
        return {"type": rng.choice(["adaptive_avgpool", "adaptive_maxpool"]),
                "output": [rng.randint(1, 7), rng.randint(1, 7)]}
    if r < 0.93:
        return {"type": "maxpool", "kernel": 2}
    return {"type": "batchnorm"}


def case(rng, i):
    c, h = rng.choice([1, 3, 8]), rng.randint(4, 32)
    layers = [item(rng) for _ in range(rng.randint(2, 5))]
    if rng.random() < 0.5:
        layers += [{"type": "flatten"}, {"type": "dense", "units": 10}]
    return built(f"tree-{i:04d}", [c, h, h], torch.zeros(1, c, h, h), layers)


def built(name, shape, x, layers, check=None):
    """Runs `layers` on `x` in PyTorch (calling `check` on each output) and
    gives the case: the architecture file and, per top-level layer, the
    output shape and parameters, or where PyTorch refused."""
    outputs, params, error_at, message = [], [], None, None
    with torch.no_grad():
        for n, spec in enumerate(layers):
            modules = []
            try:
                x = run(spec, x, modules)
                if check:
                    check(x)
            except Exception as e:  # PyTorch refuses this layer
                error_at, message = n + 1, str(e).splitlines()[0][:200]
                break
            outputs.append(list(x.shape[1:]))
            params.append(sum(p.numel() for m in modules for p in m.parameters()))
    out = [f'name = "{name}"', f"input = {value(shape)}"]
    write_layers(out, "layer", layers)
    return {"name": name, "input": shape, "toml": "\n".join(out) + "\n",
            "expected": {"outputs": outputs, "params": params,
                         "total_params": None if error_at else sum(params),
                         "error_at": error_at, "error_message": message},
            "oracle": f"torch {torch.__version__}"}


def write(n, path, case, seed):
    rng = random.Random(seed)
    torch.manual_seed(0)
    cases = [case(rng, i) for i in range(n)]
    json.dump(cases, open(path, "w"), indent=1)
    broken = sum(1 for c in cases if c["expected"]["error_at"])
    print(f"{n} cases ({broken} that PyTorch refuses) written to {path}")


def main():
    write(int(sys.argv[1]), sys.argv[2], case, int(sys.argv[3]) if len(sys.argv) > 3 else 1)


if __name__ == "__main__":
    main()
