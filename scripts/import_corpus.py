#!/usr/bin/env python3
"""Brings real models into layerlab as a user would, and says how each went.

Each model is built in its own framework on the meta device (no weights are
downloaded or made), printed (`print(model)`) and imported with `layerlab
import`; PyTorch's parameter count (shared weights once) and, where a
forward pass runs on meta tensors, the output shape are held against
layerlab's. Each model is EXACT (both agree), SAID (the count differs by
exactly the parameters the import says on the terminal it leaves out, such
as GoogLeNet's training-only side heads), WRONG (imported, but a number
differs: the worst outcome) or REFUSED (layerlab said why it could not).

Usage: python3 scripts/import_corpus.py target/release/layerlab [SOURCE ...]
       SOURCE: torchvision, timm, cases (hand-made printouts of torch.nn
       modules whose arguments change counts), keras (every Keras
       application and hand-made cases; run with KERAS_BACKEND=torch);
       default all.
       Writes the per-model lines to stdout and a summary per source at the
       end. Needs torch, torchvision, timm (a pip virtual environment outside
       the repository). Not run by CI.
"""
import os
import subprocess
import sys
import tempfile

import torch
from torch import nn

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/release/layerlab"
SOURCES = sys.argv[2:] or ["cases", "torchvision", "timm"]


def truth(model, input_shape):
    total = sum(p.numel() for p in model.parameters())
    out = None
    try:
        model.eval()
        with torch.no_grad():
            device = next(model.parameters(), torch.zeros(0)).device
            y = model(torch.zeros(1, *input_shape, device=device))
        if isinstance(y, (tuple, list)):
            y = y[0]
        if isinstance(y, dict):
            y = next(iter(y.values()))
        out = list(y.shape[1:])
    except Exception:
        pass
    return total, out


def layerlab(text, input_shape, suffix="txt"):
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "model." + suffix)
        dst = os.path.join(d, "model.toml")
        open(src, "w").write(text)
        args = [BIN, "import", src, "-o", dst]
        if input_shape is not None:
            args[3:3] = ["--input", ",".join(str(x) for x in input_shape)]
        r = subprocess.run(args, capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            first = next((l for l in r.stderr.splitlines() if l.strip()), "")
            return None, None, first.replace(src, "model." + suffix)[:160], 0
        s = subprocess.run([BIN, "summary", dst, "--format", "json"],
                           capture_output=True, text=True, timeout=120)
        import json
        j = json.loads(s.stdout)
        last = j["layers"][-1] if j.get("layers") else {}
        import re
        left_out = sum(int(n.replace(",", "")) for n in
                       re.findall(r"left out with its ([\d,]+) parameters", r.stderr))
        return j.get("total_params"), last.get("output"), None, left_out


def judge(name, model, input_shape, tally):
    total, out = truth(model, input_shape)
    got, got_out, why, left_out = layerlab(str(model), input_shape)
    if why is not None:
        verdict = "REFUSED"
        detail = why
    elif got is None:
        # Imported, but a layer is red with its reason (a printout can hide
        # a setting, as AvgPool2d hides ceil_mode): no number is given.
        verdict = "REFUSED"
        detail = "imported with a red layer: no total given"
    elif got == total and (out is None or got_out == out):
        verdict = "EXACT"
        detail = f"{total:,}"
    elif left_out and got + left_out == total and (out is None or got_out == out):
        verdict = "SAID"
        detail = f"{got:,} + {left_out:,} said to be left out = {total:,}"
    else:
        verdict = "WRONG"
        detail = f"layerlab {got} {got_out}, PyTorch {total} {out}"
    tally[verdict] = tally.get(verdict, 0) + 1
    print(f"{verdict:8} {name:36} {detail}", flush=True)


def cases():
    """Modules whose printed arguments change the count."""
    seq = lambda *m: nn.Sequential(*m)  # noqa: E731
    return [
        ("layernorm-no-bias", seq(nn.Linear(8, 8), nn.LayerNorm(8, bias=False)), (4, 8)),
        ("layernorm-no-affine", seq(nn.Linear(8, 8), nn.LayerNorm(8, elementwise_affine=False)), (4, 8)),
        ("rmsnorm", seq(nn.Linear(8, 16), nn.RMSNorm(16)), (4, 8)),
        ("lstm-proj", seq(nn.LSTM(64, 128, proj_size=32)), (10, 64)),
        ("flatten-start2", seq(nn.Conv2d(3, 4, 3), nn.Flatten(start_dim=2)), (3, 8, 8)),
        ("conv-positional-stride", seq(nn.Conv2d(3, 8, 3, 2)), (3, 9, 9)),
        ("conv-positional-all", seq(nn.Conv2d(4, 8, 3, 1, 1, 1, 2, False)), (4, 9, 9)),
        ("pool-stride", seq(nn.MaxPool2d(3, stride=1)), (3, 9, 9)),
        ("pool-stride-pair", seq(nn.MaxPool2d(3, stride=(2, 1))), (3, 9, 9)),
        ("groupnorm", seq(nn.Conv2d(3, 32, 3), nn.GroupNorm(4, 32)), (3, 9, 9)),
        ("instancenorm-affine", seq(nn.Conv2d(3, 8, 3), nn.InstanceNorm2d(8, affine=True)), (3, 9, 9)),
        ("prelu-channels", seq(nn.Conv2d(3, 8, 3), nn.PReLU(8)), (3, 9, 9)),
        ("activations", seq(nn.Conv2d(3, 8, 3), nn.SiLU(), nn.Hardswish(), nn.GELU(approximate="tanh"),
                            nn.LeakyReLU(0.2), nn.Mish(), nn.ELU(), nn.ReLU6(), nn.Hardsigmoid()), (3, 9, 9)),
        ("pixel-shuffle", seq(nn.Conv2d(3, 16, 3), nn.PixelShuffle(2)), (3, 9, 9)),
        ("batchnorm-wrong-channels", seq(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(16)), (3, 9, 9)),
        ("upsample-size", seq(nn.Upsample(size=(20, 20))), (3, 9, 9)),
        ("linear-many", seq(*[nn.Linear(12, 12) for _ in range(3)]), (12,)),
    ]


def torchvision_models():
    import torchvision
    for name in torchvision.models.list_models():
        size = 299 if name == "inception_v3" else 224
        shape = (3, 16, 112, 112) if name in ("r3d_18", "mc3_18", "r2plus1d_18", "s3d",
                                              "mvit_v1_b", "mvit_v2_s", "swin3d_t", "swin3d_s",
                                              "swin3d_b") else (3, size, size)
        if name in ("s3d", "mvit_v1_b", "mvit_v2_s") or name.startswith("swin3d"):
            shape = (3, 16, 224, 224)
        if name.startswith("raft"):
            shape = (3, 224, 224)
        kwargs = {"weights": None}
        if any(k in name for k in ("rcnn", "retinanet", "ssd", "fcos", "deeplab", "fcn", "lraspp")):
            kwargs["weights_backbone"] = None
        model = None
        for device in ("meta", "cpu"):  # RegNet's init copies a tensor: not on meta
            try:
                with torch.device(device):
                    model = torchvision.models.get_model(name, **kwargs)
                break
            except Exception as e:
                error = f"{type(e).__name__}: {e}"
        if model is None:
            print(f"SKIPPED  {name:36} {error}"[:120])
            continue
        yield name, model, shape


def timm_models():
    import timm
    families = ["resnet", "efficientnet", "mobilenetv3", "convnext", "vit", "deit", "regnet",
                "densenet", "dla", "dpn", "cspresnet", "ghostnet", "res2net", "vovnet", "mixer",
                "resnext", "seresnet", "rexnet", "mnasnet", "hrnet", "inception", "xception",
                "swin", "poolformer", "levit", "edgenext", "repvgg", "nfnet", "tinynet", "lcnet"]
    seen = set()
    for fam in families:
        for name in timm.list_models(f"{fam}*")[:4]:
            if name in seen:
                continue
            seen.add(name)
            try:
                with torch.device("meta"):
                    model = timm.create_model(name, pretrained=False)
                cfg = model.pretrained_cfg.get("input_size", (3, 224, 224))
            except Exception as e:
                print(f"SKIPPED  {name:36} {type(e).__name__}: {e}"[:120])
                continue
            yield name, model, tuple(cfg)


def keras_models():
    """Every Keras application, and layers whose settings change counts.
    Keras counts trainable weights; its output is channels last."""
    import keras
    from keras import layers as L
    apps = [n for n in dir(keras.applications) if n[0].isupper()]
    for n in sorted(apps):
        yield n, (lambda n=n: getattr(keras.applications, n)(weights=None))
    seq = lambda shape, *ls: keras.Sequential([keras.Input(shape), *ls])  # noqa: E731
    yield "conv1d-steps-channels", lambda: seq((100, 64), L.Conv1D(32, 3), L.Conv1D(16, 5, strides=2))
    yield "conv1d-causal", lambda: seq((100, 64), L.Conv1D(32, 3, padding="causal"))
    yield "conv1d-then-dense", lambda: seq((100, 64), L.Conv1D(32, 3), L.Dense(8))
    yield "conv1d-flatten-dense", lambda: seq((100, 64), L.Conv1D(32, 3), L.MaxPooling1D(), L.Flatten(), L.Dense(8))
    yield "embedding-conv1d", lambda: seq((50,), L.Embedding(1000, 16), L.Conv1D(8, 3))
    yield "layernorm-no-center", lambda: seq((10, 16), L.Dense(16), L.LayerNormalization(center=False))
    yield "layernorm-plain", lambda: seq((10, 16), L.Dense(16), L.LayerNormalization(center=False, scale=False))
    yield "pool-default", lambda: seq((32, 32, 3), L.Conv2D(8, 3), L.MaxPooling2D(), L.AveragePooling2D(3))


def keras_judge(name, make, tally):
    import keras
    try:
        model = make()
    except Exception as e:
        print(f"SKIPPED  {name:36} {type(e).__name__}: {e}"[:120])
        return
    total = sum(int(w.numpy().size) for w in model.trainable_weights)
    out = list(model.outputs[0].shape[1:])
    if len(out) == 3:
        out = [out[2], out[0], out[1]]
    if len(out) == 2 and name.startswith("conv1d"):
        out = [out[1], out[0]]  # a signal: layerlab's [C, L]
    # A model built for any size says none: give Keras' default, C,H,W.
    dims = list(model.inputs[0].shape[1:])
    given = (dims[2], 224, 224) if None in dims and len(dims) == 3 else None
    if given:
        out = [d if d is not None else 0 for d in out]
    got, got_out, why, _ = layerlab(model.to_json(), given, "json")
    if why is not None:
        verdict, detail = "REFUSED", why
    elif got is None:
        verdict, detail = "REFUSED", "imported with a red layer: no total given"
    elif got == total and (got_out == out or None in out or given):
        verdict, detail = "EXACT", f"{total:,}"
    else:
        verdict, detail = "WRONG", f"layerlab {got} {got_out}, Keras {total} {out}"
    tally[verdict] = tally.get(verdict, 0) + 1
    print(f"{verdict:8} {name:36} {detail}", flush=True)


def main():
    summary = {}
    for source in SOURCES:
        tally = {}
        print(f"== {source}")
        if source == "cases":
            for name, model, shape in cases():
                judge(name, model, shape, tally)
        elif source == "torchvision":
            for name, model, shape in torchvision_models():
                judge(name, model, shape, tally)
        elif source == "keras":
            for name, make in keras_models():
                keras_judge(name, make, tally)
        elif source == "timm":
            for name, model, shape in timm_models():
                judge(name, model, shape, tally)
        summary[source] = tally
    print("== summary")
    for source, tally in summary.items():
        n = sum(tally.values())
        print(f"{source:12} {n:4} models: " + ", ".join(
            f"{k} {tally.get(k, 0)}" for k in ("EXACT", "SAID", "WRONG", "REFUSED")))


if __name__ == "__main__":
    main()
