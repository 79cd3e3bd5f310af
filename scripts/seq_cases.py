#!/usr/bin/env python3
"""Random sequence, 1-D and 3-D networks whose answers come from real PyTorch.

Writes cases in the form of ../shared/check/seq_sample.json: each network as
its architecture file (`toml`) and, for every top-level layer, the output
shape and parameter count PyTorch gives when the same network is built from
torch.nn modules and run, or the top-level layer where PyTorch refuses it.
Three kinds of network: token sequences (embedding, pos_embedding,
layernorm, attention, transformer, lstm/gru/rnn, dense on every position,
residual adds, repeated blocks), signals [C, L] (conv1d and 1-D pooling,
batchnorm, global pooling, recurrent layers reading the signal as PyTorch
does) and volumes [C, D, H, W] (conv3d and 3-D pooling).

Usage: python3 scripts/seq_cases.py N OUT.json [SEED]
then:  python3 ../shared/check/tree_check.py target/release/layerlab OUT.json
Needs torch (Debian: apt-get install python3-torch). Not run by CI.
"""
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tree_cases  # noqa: E402

Refused = tree_cases.Refused
ACT = {**tree_cases.ACT, "gelu": nn.GELU, "softmax": lambda: nn.Softmax(dim=1)}
base_run = tree_cases.run


class Positions(nn.Module):
    """Learned positions (and token types), added: max_len·E + types·E."""

    def __init__(self, max_len, dim, types):
        super().__init__()
        self.pos = nn.Parameter(torch.zeros(max_len + types, dim))
        self.max_len = max_len

    def forward(self, x):
        if x.shape[1] > self.max_len:
            raise Refused("sequence longer than max_len")
        return x + self.pos[: x.shape[1]]


def axes(v, n):
    return tuple(v) if isinstance(v, list) else (v,) * n


def window(spec, x, n):
    """conv1d/conv3d and their pools, on (N, C, L) or (N, C, D, H, W)."""
    t = spec["type"]
    if x.dim() != n + 2:
        raise Refused(f"{t} needs a {n}-D input")
    k = axes(spec["kernel"], n)
    pad = spec.get("padding", 0)
    pad = pad if pad == "same" else axes(pad, n)
    if t.startswith("conv"):
        cls = nn.Conv1d if n == 1 else nn.Conv3d
        m = cls(x.shape[1], spec["filters"], k, stride=axes(spec.get("stride", 1), n), padding=pad,
                dilation=axes(spec.get("dilation", 1), n), groups=spec.get("groups", 1),
                bias=spec.get("bias", True))
        return m, m(x)
    pool = {"maxpool1d": nn.MaxPool1d, "avgpool1d": nn.AvgPool1d,
            "maxpool3d": nn.MaxPool3d, "avgpool3d": nn.AvgPool3d}[t]
    m = pool(k, stride=axes(spec.get("stride", spec["kernel"]), n), padding=pad,
             ceil_mode=spec.get("ceil_mode", False))
    return None, m(x)


def run(spec, x, modules):
    t = spec["type"]
    y, m = None, None
    if t == "embedding":
        if x.dim() != 2:
            raise Refused("embedding needs token ids")
        m = nn.Embedding(spec["vocab"], spec["dim"])
        y = m(x.long())
    elif t == "pos_embedding":
        if x.dim() != 3:
            raise Refused("pos_embedding needs a sequence")
        m = Positions(spec["max_len"], x.shape[2], spec.get("types", 0))
        y = m(x)
    elif t == "layernorm":
        m = nn.LayerNorm(x.shape[-1])
        if not spec.get("bias", True):
            m.bias = None
        y = m(x)
    elif t == "attention":
        if x.dim() != 3:
            raise Refused("attention needs a sequence")
        m = nn.MultiheadAttention(x.shape[2], spec["heads"], bias=spec.get("bias", True), batch_first=True)
        mask = nn.Transformer.generate_square_subsequent_mask(x.shape[1]) if spec.get("causal") else None
        y = m(x, x, x, attn_mask=mask, need_weights=False)[0]
    elif t == "transformer":
        if x.dim() != 3:
            raise Refused("transformer needs a sequence")
        m = nn.TransformerEncoderLayer(x.shape[2], spec["heads"], spec["ff"], batch_first=True)
        y = m.eval()(x)
    elif t in ("lstm", "gru", "rnn"):
        if x.dim() != 3:
            raise Refused("recurrent layers need a sequence")
        cls = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[t]
        m = cls(x.shape[2], spec["hidden"], spec.get("layers", 1), bias=spec.get("bias", True),
                batch_first=True, bidirectional=spec.get("bidirectional", False))
        y = m(x)[0]
    elif t == "first_token":
        if x.dim() != 3:
            raise Refused("first_token needs a sequence")
        y = x[:, 0]
    elif t == "dense" and x.dim() in (2, 3):
        m = nn.Linear(x.shape[-1], spec["units"], bias=spec.get("bias", True))
        y = m(x)
        if "activation" in spec:
            y = ACT[spec["activation"]]()(y)
    elif t in ("conv1d", "maxpool1d", "avgpool1d"):
        m, y = window(spec, x, 1)
        if "activation" in spec:
            y = ACT[spec["activation"]]()(y)
    elif t in ("conv3d", "maxpool3d", "avgpool3d"):
        m, y = window(spec, x, 3)
        if "activation" in spec:
            y = ACT[spec["activation"]]()(y)
    elif t == "batchnorm":
        cls = {2: nn.BatchNorm1d, 3: nn.BatchNorm1d, 4: nn.BatchNorm2d, 5: nn.BatchNorm3d}[x.dim()]
        m = cls(x.shape[1]).eval()
        y = m(x)
    elif t == "global_avgpool" and x.dim() in (3, 5):
        pool = nn.AdaptiveAvgPool1d(1) if x.dim() == 3 else nn.AdaptiveAvgPool3d(1)
        y = torch.flatten(pool(x), 1)
    elif t in ("gelu", "softmax"):
        y = ACT[t]()(x)
    elif t == "dropout":
        y = x
    else:
        return base_run(spec, x, modules)
    if m is not None:
        modules.append(m)
    return y


# Containers in tree_cases call `run` by name: they reach these layers too.
tree_cases.run = run


def residual(branch):
    return {"type": "add", "branches": [branch, []]}


def sequence_item(rng, e):
    """A layer for a sequence of E features, and the features after it."""
    r = rng.random()
    heads = rng.choice([1, 2, 4, 8, 3])
    if r < 0.2:
        return residual([{"type": "layernorm"},
                         {"type": "attention", "heads": heads, "bias": rng.random() < 0.7,
                          "causal": rng.random() < 0.3}]), e
    if r < 0.35:
        ff = rng.choice([2, 4]) * e
        return residual([{"type": "layernorm"}, {"type": "dense", "units": ff, "activation": "gelu"},
                         {"type": "dense", "units": e}]), e
    if r < 0.45:
        return {"type": "transformer", "heads": heads, "ff": rng.choice([16, 32, 64])}, e
    if r < 0.6:
        hidden, bi = rng.choice([8, 16, 32]), rng.random() < 0.4
        spec = {"type": rng.choice(["lstm", "gru", "rnn"]), "hidden": hidden, "layers": rng.randint(1, 3),
                "bidirectional": bi, "bias": rng.random() < 0.8}
        return spec, hidden * (2 if bi else 1)
    if r < 0.7:
        return {"type": "layernorm", "bias": rng.random() < 0.7}, e
    if r < 0.8:
        units = rng.choice([8, 16, 32])
        return {"type": "dense", "units": units}, units
    if r < 0.88:
        return {"type": "block", "repeat": rng.randint(1, 3),
                "layers": [residual([{"type": "layernorm"}, {"type": "attention", "heads": heads}])]}, e
    return {"type": rng.choice(["gelu", "dropout", "relu"])}, e


def tokens_case(rng):
    length, e = rng.choice([4, 8, 16, 32]), rng.choice([8, 16, 24, 32])
    layers = [{"type": "embedding", "vocab": rng.choice([20, 100, 1000]), "dim": e}]
    if rng.random() < 0.6:
        layers.append({"type": "pos_embedding", "max_len": length + rng.choice([-2, 0, 0, 4]),
                       "types": rng.choice([0, 0, 2])})
    for _ in range(rng.randint(1, 4)):
        spec, e = sequence_item(rng, e)
        layers.append(spec)
    if rng.random() < 0.3:
        layers.append({"type": "first_token"})
    layers.append({"type": "dense", "units": rng.choice([2, 10])})
    return [length], torch.zeros(1, length), layers


def signal_case(rng):
    c, length = rng.choice([1, 2, 12]), rng.randint(8, 120)
    layers = []
    for _ in range(rng.randint(1, 5)):
        r = rng.random()
        if r < 0.45:
            k = rng.choice([1, 3, 5, 7])
            stride = rng.choice([1, 1, 2])
            pad = "same" if stride == 1 and rng.random() < 0.2 else rng.choice([0, k // 2])
            spec = {"type": "conv1d", "filters": rng.choice([4, 8, 16]), "kernel": k, "stride": stride,
                    "padding": pad, "dilation": rng.choice([1, 1, 2]), "bias": rng.random() < 0.7}
            if rng.random() < 0.3:
                spec["activation"] = "relu"
            layers.append(spec)
        elif r < 0.7:
            k = rng.choice([2, 3, 4])
            layers.append({"type": rng.choice(["maxpool1d", "avgpool1d"]), "kernel": k,
                           "stride": rng.choice([1, k]), "padding": rng.randint(0, k // 2),
                           "ceil_mode": rng.random() < 0.3})
        elif r < 0.85:
            layers.append({"type": "batchnorm"})
        else:
            layers.append({"type": "relu"})
    r = rng.random()
    if r < 0.4:
        layers += [{"type": "global_avgpool"}, {"type": "dense", "units": 5}]
    elif r < 0.7:
        layers += [{"type": "flatten"}, {"type": "dense", "units": 5}]
    else:
        # A recurrent layer reads [C, L] as L = C steps of E = L features.
        layers += [{"type": "gru", "hidden": 8}, {"type": "dense", "units": 3}]
    return [c, length], torch.zeros(1, c, length), layers


def volume_case(rng):
    c, d, h = rng.choice([1, 3]), rng.randint(2, 16), rng.randint(4, 32)
    layers = []
    for _ in range(rng.randint(1, 4)):
        r = rng.random()
        if r < 0.5:
            k = rng.choice([1, 3, [1, 3, 3], [3, 1, 1]])
            spec = {"type": "conv3d", "filters": rng.choice([4, 8]), "kernel": k,
                    "stride": rng.choice([1, 1, 2, [1, 2, 2]]), "padding": rng.choice([0, 1]),
                    "bias": rng.random() < 0.7}
            if rng.random() < 0.3:
                spec["activation"] = "relu"
            layers.append(spec)
        elif r < 0.8:
            k = rng.choice([2, [1, 2, 2], 3])
            layers.append({"type": rng.choice(["maxpool3d", "avgpool3d"]), "kernel": k,
                           "ceil_mode": rng.random() < 0.2})
        else:
            layers.append({"type": "batchnorm"})
    layers += [{"type": rng.choice(["flatten", "global_avgpool"])}, {"type": "dense", "units": 4}]
    return [c, d, h, h], torch.zeros(1, c, d, h, h), layers


def sequence_case(rng):
    """An [L, E] input straight into sequence layers."""
    length, e = rng.randint(2, 40), rng.choice([4, 8, 13])
    layers = []
    for _ in range(rng.randint(1, 4)):
        spec, e = sequence_item(rng, e)
        layers.append(spec)
    layers.append({"type": "dense", "units": 3})
    return [length, e], torch.zeros(1, length, e), layers


def nonempty(x):
    # PyTorch 1.13's max_pool1d let an output of length 0 through; current
    # PyTorch refuses it ("Invalid computed output size: 0"), as layerlab does.
    if 0 in x.shape:
        raise Refused("empty output")


def case(rng, i):
    make = rng.choice([tokens_case, tokens_case, signal_case, volume_case, sequence_case])
    shape, x, layers = make(rng)
    return tree_cases.built(f"seq-{i:04d}", shape, x, layers, check=nonempty)


def main():
    tree_cases.write(int(sys.argv[1]), sys.argv[2], case, int(sys.argv[3]) if len(sys.argv) > 3 else 1)


if __name__ == "__main__":
    main()
