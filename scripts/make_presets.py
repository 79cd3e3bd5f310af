#!/usr/bin/env python3
"""Writes the branching presets in assets/ (resnet18, resnet50, mobilenet_v2,
densenet121, unet) as torchvision builds them, layer for layer. The files are
committed; run this only to regenerate them:  python3 scripts/make_presets.py"""
import os

OUT = os.path.join(os.path.dirname(__file__), "..", "assets")


def conv(f, k, s=1, p=0, groups=1, bias=False, act=None):
    t = {"type": "conv2d", "filters": f, "kernel": k}
    if s != 1:
        t["stride"] = s
    if p:
        t["padding"] = p
    if groups != 1:
        t["groups"] = groups
    if not bias:
        t["bias"] = False
    if act:
        t["activation"] = act
    return t


def bn():
    return {"type": "batchnorm"}


def relu():
    return {"type": "relu"}


def add(*branches, act="relu"):
    t = {"type": "add", "branches": list(branches)}
    if act:
        t["activation"] = act
    return t


def concat(*branches):
    return {"type": "concat", "branches": list(branches)}


def block(layers, repeat=1, name=None):
    t = {"type": "block", "layers": layers}
    if name:
        t["name"] = name
    if repeat != 1:
        t["repeat"] = repeat
    return t


def value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, list):
        return "[" + ", ".join(value(x) for x in v) + "]"
    return str(v)


def write_layers(out, header, layers):
    for l in layers:
        out.append(f"\n[[{header}]]")
        # A block's `layers` is a list of tables; a recurrent layer's is a number.
        body = l.get("layers") if isinstance(l.get("layers"), list) else None
        for k, v in l.items():
            if k != "branches" and not (k == "layers" and body is not None):
                out.append(f"{k} = {value(v)}")
        if body is not None:
            write_layers(out, header + ".layer", body)
        for b in l.get("branches", []):
            out.append(f"\n[[{header}.branch]]")
            write_layers(out, header + ".branch.layer", b)


def save(name, comment, input_, layers):
    out = [comment.rstrip(), f'name = "{name}"', f"input = {value(input_)}"]
    write_layers(out, "layer", layers)
    with open(os.path.join(OUT, name + ".toml"), "w") as f:
        f.write("\n".join(out) + "\n")


def stem():
    return [conv(64, 7, 2, 3), bn(), relu(), {"type": "maxpool", "kernel": 3, "stride": 2, "padding": 1}]


def head(features):
    return [{"type": "adaptive_avgpool", "output": 1}, {"type": "flatten"}, {"type": "dense", "units": 1000}]


def basic(planes, stride=1, down=False):
    body = [conv(planes, 3, stride, 1), bn(), relu(), conv(planes, 3, 1, 1), bn()]
    skip = [conv(planes, 1, stride), bn()] if down else []
    return add(body, skip)


def bottleneck(planes, stride=1, down=False):
    body = [conv(planes, 1), bn(), relu(), conv(planes, 3, stride, 1), bn(), relu(), conv(planes * 4, 1), bn()]
    skip = [conv(planes * 4, 1, stride), bn()] if down else []
    return add(body, skip)


def resnet18():
    layers = stem()
    layers.append(block([basic(64)], repeat=2, name="layer1"))
    for i, planes in enumerate([128, 256, 512]):
        layers.append(block([basic(planes, 2, True), basic(planes)], name=f"layer{i + 2}"))
    save("resnet18", """# ResNet-18 (He et al., 2015) as torchvision builds it: 11,689,512 parameters.
# Each residual block is an `add` of its body and a skip; the first block of
# layers 2-4 halves the image and projects the skip with a 1×1 convolution.
""", [3, 224, 224], layers + head(512))


def resnet50():
    layers = stem()
    for i, (planes, n, stride) in enumerate([(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)]):
        inner = [bottleneck(planes, stride, True), block([bottleneck(planes)], repeat=n - 1)]
        layers.append(block(inner, name=f"layer{i + 1}"))
    save("resnet50", """# ResNet-50 as torchvision builds it (v1.5: the stride is in the 3×3
# convolution): 25,557,032 parameters. Bottleneck blocks: 1×1 down, 3×3, 1×1 up.
""", [3, 224, 224], layers + head(2048))


def mobilenet_v2():
    layers = [conv(32, 3, 2, 1), bn(), relu()]
    channels = 32
    for t, c, n, s in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]:
        def inverted(inp, stride):
            hidden = inp * t
            body = []
            if t != 1:
                body += [conv(hidden, 1), bn(), relu()]
            body += [conv(hidden, 3, stride, 1, groups=hidden), bn(), relu(), conv(c, 1), bn()]
            if stride == 1 and inp == c:
                return add(body, [], act=None)
            return block(body)
        first = inverted(channels, s)
        stage = [first] + ([block([inverted(c, 1)], repeat=n - 1)] if n > 1 else [])
        layers.append(block(stage, name=f"t{t} c{c} n{n} s{s}") if len(stage) > 1 else first)
        channels = c
    layers += [conv(1280, 1), bn(), relu(), {"type": "adaptive_avgpool", "output": 1}, {"type": "flatten"},
               {"type": "dropout", "rate": 0.2}, {"type": "dense", "units": 1000}]
    save("mobilenet_v2", """# MobileNetV2 (Sandler et al., 2018) as torchvision builds it: 3,504,872
# parameters. Inverted residuals: 1×1 expand, 3×3 depthwise (groups = channels),
# 1×1 project; a skip `add` where the block keeps its shape. ReLU6 is written
# as relu (the same shapes and parameters).
""", [3, 224, 224], layers)


def densenet121():
    layers = stem()
    channels = 64
    for i, n in enumerate([6, 12, 24, 16]):
        dense_layer = concat([], [bn(), relu(), conv(128, 1), bn(), relu(), conv(32, 3, 1, 1)])
        layers.append(block([dense_layer], repeat=n, name=f"denseblock{i + 1}"))
        channels += 32 * n
        if i < 3:
            channels //= 2
            layers.append(block([bn(), relu(), conv(channels, 1), {"type": "avgpool", "kernel": 2}],
                                name=f"transition{i + 1}"))
    layers += [bn(), relu(), {"type": "adaptive_avgpool", "output": 1}, {"type": "flatten"},
               {"type": "dense", "units": 1000}]
    save("densenet121", """# DenseNet-121 (Huang et al., 2017) as torchvision builds it: 7,978,856
# parameters. Each dense layer concatenates its input with 32 new channels
# (bn, relu, 1×1 to 128, bn, relu, 3×3 to 32); a transition halves channels and image.
""", [3, 224, 224], layers)


def unet():
    def double(f):
        return [conv(f, 3, 1, 1), bn(), relu(), conv(f, 3, 1, 1), bn(), relu()]

    def level(depth, f):
        """The part of the U below a skip: down, deeper levels, up."""
        down = [{"type": "maxpool", "kernel": 2}] + double(f * 2)
        if depth > 1:
            down += [concat([], level(depth - 1, f * 2))] + double(f * 2)
        return down + [{"type": "conv_transpose2d", "filters": f, "kernel": 2, "stride": 2}]

    layers = double(16) + [concat([], level(3, 16))] + double(16) + [conv(2, 1, bias=True)]
    save("unet", """# A small U-Net (Ronneberger et al., 2015) for two-class segmentation of a
# 64×64 grey image: three 2× steps down and back up, each encoder map joined to
# the decoder's by a `concat` whose first branch is the identity (the skip).
# The input must divide by 8: try `[`/`]` on the input to see the joins break.
""", [1, 64, 64], layers)


if __name__ == "__main__":
    for make in (resnet18, resnet50, mobilenet_v2, densenet121, unet):
        make()
