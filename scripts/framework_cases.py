#!/usr/bin/env python3
"""Make random test cases whose answers come from the real frameworks.

Writes cases in the neutral form of ../shared/check/sample_cases.json (so
`oracle_check.py` can hold layerlab against them): random sequential networks
built in PyTorch (integer padding, dilation, groups, ceil_mode, batch norm)
and in Keras ("same"/"valid" with strides), with every layer's output shape
and parameter count as the framework reports them, or the index of the first
layer the framework refuses.

Usage: python3 scripts/framework_cases.py N OUT.json [SEED]
then:  python3 ../shared/check/oracle_check.py target/release/layerlab OUT.json

Nested cases (add, concat, block, transposed convolutions, …) built with
torch.nn modules, in the form tree_check.py reads:
       python3 scripts/framework_cases.py --trees N OUT.json [SEED]
then:  python3 ../shared/check/tree_check.py target/release/layerlab OUT.json
(the same as scripts/tree_cases.py; needs torch only).

Sequence, signal and volume cases (embedding, pos_embedding, layernorm,
attention, transformer, lstm/gru/rnn, conv1d/conv3d and their pools, nested
in residual adds and blocks), in the form of ../shared/check/seq_sample.json:
       python3 scripts/framework_cases.py --sequences N OUT.json [SEED]
then:  python3 ../shared/check/tree_check.py target/release/layerlab OUT.json
(the same as scripts/seq_cases.py; needs torch only).

Today's layers (multiply gates, group/instance/RMS norms, grouped-query
attention with rope, qk_norm and windows, mixtures of experts, Mamba, vision
tokens, layer scale, shuffles, slices, shared blocks, the new activations),
in the form of ../shared/check/modern_sample.json:
       python3 scripts/framework_cases.py --modern N OUT.json [SEED]
then:  python3 ../shared/check/tree_check.py target/release/layerlab OUT.json
(the same as scripts/modern_cases.py; needs torch 2.4+ and transformers).
Needs torch and keras (e.g. `pip install torch keras jax`). Not run by CI.
"""
import json
import os
import random
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")


def random_torch_case(rng, i):
    c = rng.choice([1, 3, 4])
    h, w = rng.randint(5, 60), rng.randint(5, 60)
    if rng.random() < 0.6:
        w = h
    layers = []
    channels = c
    for _ in range(rng.randint(1, 6)):
        kind = rng.choice(["conv2d", "conv2d", "maxpool", "avgpool", "batchnorm", "relu", "tanh", "dropout"])
        if kind == "conv2d":
            filters = rng.choice([1, 2, 4, 6, 8, 16, 32])
            groups = rng.choice([g for g in [1, 1, 2, 4] if channels % g == 0 and filters % g == 0])
            layers.append({
                "type": "conv2d", "filters": filters,
                "kernel": [rng.randint(1, 7), rng.randint(1, 7)],
                "stride": [rng.randint(1, 3), rng.randint(1, 3)], "bias": rng.random() < 0.7,
                "padding": [rng.randint(0, 3), rng.randint(0, 3)],
                "dilation": [rng.choice([1, 1, 2, 3])] * 2, "groups": groups,
            })
            channels = filters
        elif kind in ("maxpool", "avgpool"):
            kh, kw = rng.randint(1, 4), rng.randint(1, 4)
            layer = {"type": kind, "kernel": [kh, kw], "padding": [rng.randint(0, kh // 2), rng.randint(0, kw // 2)],
                     "ceil_mode": rng.random() < 0.4}
            if rng.random() < 0.6:
                layer["stride"] = [rng.randint(1, 3), rng.randint(1, 3)]
            layers.append(layer)
        elif kind == "dropout":
            layers.append({"type": "dropout", "rate": 0.25})
        else:
            layers.append({"type": kind})
    layers.append({"type": "flatten"})
    for _ in range(rng.randint(1, 2)):
        layers.append({"type": "dense", "units": rng.choice([1, 10, 32, 84]), "bias": rng.random() < 0.8})
    layers.append({"type": "softmax"})
    return {"name": f"torch-{i:04d}", "input": [c, h, w], "layers": layers}


def torch_expected(case):
    import torch
    from torch import nn

    x = torch.zeros(2, *case["input"])
    outputs, params = [], []
    for index, L in enumerate(case["layers"]):
        t = L["type"]
        try:
            if t == "conv2d":
                m = nn.Conv2d(x.shape[1], L["filters"], L["kernel"], stride=L["stride"], padding=L["padding"],
                              dilation=L["dilation"], groups=L["groups"], bias=L["bias"])
            elif t in ("maxpool", "avgpool"):
                cls = nn.MaxPool2d if t == "maxpool" else nn.AvgPool2d
                m = cls(L["kernel"], stride=L.get("stride"), padding=L["padding"], ceil_mode=L["ceil_mode"])
            elif t == "batchnorm":
                m = nn.BatchNorm2d(x.shape[1]) if x.dim() == 4 else nn.BatchNorm1d(x.shape[1])
            elif t == "flatten":
                m = nn.Flatten()
            elif t == "dense":
                m = nn.Linear(x.shape[1], L["units"], bias=L["bias"])
            elif t == "dropout":
                m = nn.Dropout(L["rate"])
            else:
                m = {"relu": nn.ReLU(), "tanh": nn.Tanh(), "sigmoid": nn.Sigmoid(), "softmax": nn.Softmax(dim=1)}[t]
            m.eval()
            x = m(x)
            if 0 in x.shape:
                raise RuntimeError("empty output")
        except (RuntimeError, ValueError) as e:
            return {"outputs": outputs, "params": params, "total_params": None, "error_at": index,
                    "error_message": str(e)[:200]}
        outputs.append(list(x.shape[1:]))
        params.append(sum(p.numel() for p in m.parameters() if p.requires_grad))
    return {"outputs": outputs, "params": params, "total_params": sum(params), "error_at": None,
            "error_message": None}


def random_keras_case(rng, i):
    c = rng.choice([1, 3, 4])
    h, w = rng.randint(5, 60), rng.randint(5, 60)
    if rng.random() < 0.6:
        w = h
    layers = []
    for _ in range(rng.randint(1, 5)):
        kind = rng.choice(["conv2d", "conv2d", "maxpool", "avgpool", "relu", "sigmoid"])
        if kind == "conv2d":
            stride = [rng.randint(1, 3), rng.randint(1, 3)]
            layers.append({
                "type": "conv2d", "filters": rng.choice([1, 4, 6, 16, 32, 64]),
                "kernel": [rng.randint(1, 7), rng.randint(1, 7)], "stride": stride,
                "bias": rng.random() < 0.8, "padding": rng.choice(["same", "valid"]),
                "dilation": [1 if max(stride) > 1 else rng.choice([1, 1, 2])] * 2, "groups": 1,
            })
        elif kind in ("maxpool", "avgpool"):
            layer = {"type": kind, "kernel": [rng.randint(1, 3), rng.randint(1, 3)],
                     "padding": rng.choice(["same", "valid"])}
            if rng.random() < 0.6:
                layer["stride"] = [rng.randint(1, 3), rng.randint(1, 3)]
            layers.append(layer)
        else:
            layers.append({"type": kind})
    layers.append({"type": "flatten"})
    layers.append({"type": "dense", "units": rng.choice([1, 10, 256]), "bias": True})
    layers.append({"type": "softmax"})
    return {"name": f"keras-{i:04d}", "input": [c, h, w], "layers": layers}


def keras_expected(case):
    import keras
    from keras import layers as kl

    c, h, w = case["input"]
    x = keras.Input(shape=(h, w, c))
    outputs, params = [], []
    for index, L in enumerate(case["layers"]):
        t = L["type"]
        try:
            if t == "conv2d":
                layer = kl.Conv2D(L["filters"], tuple(L["kernel"]), strides=tuple(L["stride"]),
                                  padding=L["padding"], dilation_rate=tuple(L["dilation"]), use_bias=L["bias"])
            elif t in ("maxpool", "avgpool"):
                cls = kl.MaxPooling2D if t == "maxpool" else kl.AveragePooling2D
                layer = cls(tuple(L["kernel"]), strides=tuple(L["stride"]) if "stride" in L else None,
                            padding=L["padding"])
            elif t == "flatten":
                layer = kl.Flatten()
            elif t == "dense":
                layer = kl.Dense(L["units"], use_bias=L["bias"])
            elif t == "softmax":
                layer = kl.Softmax()
            else:
                layer = kl.Activation(t)
            x = layer(x)
            if any(d == 0 for d in x.shape[1:]):
                return None  # Keras lets a pooling output be empty; such cases are left out
        except ValueError as e:
            return {"outputs": outputs, "params": params, "total_params": None, "error_at": index,
                    "error_message": str(e)[:200]}
        shape = list(x.shape[1:])
        outputs.append([shape[2], shape[0], shape[1]] if len(shape) == 3 else shape)
        params.append(sum(int(keras.ops.size(v)) for v in layer.trainable_weights))
    return {"outputs": outputs, "params": params, "total_params": sum(params), "error_at": None,
            "error_message": None}


def main():
    if sys.argv[1] in ("--trees", "--sequences", "--modern"):
        kind = sys.argv.pop(1)
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        if kind == "--trees":
            import tree_cases

            return tree_cases.main()
        if kind == "--modern":
            import modern_cases

            return modern_cases.main()
        import seq_cases

        return seq_cases.main()
    n, out = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    cases = []
    for i in range(n):
        if i % 2 == 0:
            case = random_torch_case(rng, i)
            expected, oracle = torch_expected(case), "pytorch"
        else:
            case = random_keras_case(rng, i)
            expected, oracle = keras_expected(case), "keras"
        if expected is None:
            continue
        case["expected"], case["oracle"] = expected, oracle
        cases.append(case)
    with open(out, "w") as f:
        json.dump(cases, f, indent=1)
    print(f"wrote {len(cases)} cases to {out}")


if __name__ == "__main__":
    main()
