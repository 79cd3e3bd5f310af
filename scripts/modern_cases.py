#!/usr/bin/env python3
"""Random networks of today's layers whose answers come from a current
PyTorch (2.4 or later: nn.RMSNorm): squeeze-excitation and gated MLPs
(`multiply`), group, instance, RMS and channel layer norms, grouped-query
attention (kv_heads, head_dim, rope, qk_norm, window), mixtures of experts,
Mamba mixers (transformers' own MambaMixer), vision-transformer tokens,
layer scale, pixel and channel shuffles, slices, shared blocks and the new
activations. Cases take the form of ../shared/check/modern_sample.json.

Usage: python3 scripts/modern_cases.py N OUT.json [SEED]
then:  python3 ../shared/check/tree_check.py target/release/layerlab OUT.json
Needs torch and transformers in a virtual environment outside the
repository. Not run by CI.
"""
import math
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seq_cases  # noqa: E402
import tree_cases  # noqa: E402

Refused = tree_cases.Refused
ACT = {**seq_cases.ACT, "silu": nn.SiLU, "hardswish": nn.Hardswish, "hardsigmoid": nn.Hardsigmoid,
       "relu6": nn.ReLU6, "mish": nn.Mish, "elu": nn.ELU, "leaky_relu": nn.LeakyReLU}
tree_cases.ACT.update(ACT)
seq_cases.ACT.update(ACT)
older_run = seq_cases.run


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat([-x[..., half:], x[..., :half]], dim=-1)


class Attention(nn.Module):
    """Grouped-query attention as Llama, Mistral and Qwen write it."""

    def __init__(self, e, spec):
        super().__init__()
        h = spec["heads"]
        if "head_dim" not in spec and e % h:
            raise Refused(f"embed_dim {e} must be divisible by num_heads {h}")
        d = spec.get("head_dim", e // h)
        kv = spec.get("kv_heads", h)
        bias = spec.get("bias", True)
        self.h, self.kv, self.d = h, kv, d
        self.q = nn.Linear(e, h * d, bias=bias)
        self.k = nn.Linear(e, kv * d, bias=bias)
        self.v = nn.Linear(e, kv * d, bias=bias)
        self.o = nn.Linear(h * d, e, bias=spec.get("out_bias", bias))
        self.norms = nn.ModuleList([nn.RMSNorm(d), nn.RMSNorm(d)]) if spec.get("qk_norm") else None
        self.rope, self.window, self.causal = spec.get("rope"), spec.get("window"), spec.get("causal")

    def forward(self, x):
        b, n, _ = x.shape
        q = self.q(x).view(b, n, self.h, self.d).transpose(1, 2)
        k = self.k(x).view(b, n, self.kv, self.d).transpose(1, 2)
        v = self.v(x).view(b, n, self.kv, self.d).transpose(1, 2)
        if self.norms is not None:
            q, k = self.norms[0](q), self.norms[1](k)
        if self.rope:
            pos = torch.arange(n, dtype=torch.float32)[:, None]
            inv = 1.0 / 10000 ** (torch.arange(0, self.d, 2, dtype=torch.float32) / self.d)
            ang = torch.cat([pos * inv, pos * inv], dim=-1)
            q = q * ang.cos() + rotate_half(q) * ang.sin()
            k = k * ang.cos() + rotate_half(k) * ang.sin()
        group = self.h // self.kv
        if group * self.kv != self.h:
            raise Refused(f"{self.kv} key/value heads must divide {self.h} heads")
        k, v = k.repeat_interleave(group, 1), v.repeat_interleave(group, 1)
        i = torch.arange(n)
        mask = torch.ones(n, n, dtype=torch.bool)
        if self.causal:
            mask &= i[:, None] >= i[None, :]
        if self.window:
            mask &= (i[:, None] - i[None, :]).abs() < self.window
        y = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        return self.o(y.transpose(1, 2).reshape(b, n, -1))


class Expert(nn.Module):
    def __init__(self, e, ff, gated, act):
        super().__init__()
        self.gated, self.act = gated, act
        if gated:
            self.gate, self.up, self.down = (nn.Linear(e, ff, bias=False), nn.Linear(e, ff, bias=False),
                                             nn.Linear(ff, e, bias=False))
        else:
            self.up, self.down = nn.Linear(e, ff), nn.Linear(ff, e)

    def forward(self, x):
        return self.down(self.act(self.gate(x)) * self.up(x) if self.gated else self.act(self.up(x)))


class MoE(nn.Module):
    """Mixtral's sparse block, with DeepSeek's shared experts."""

    def __init__(self, e, spec):
        super().__init__()
        act = ACT[spec.get("activation", "silu")]()
        n, self.top_k = spec["experts"], spec["top_k"]
        if self.top_k == 0:
            raise Refused("top_k of 0 routes nothing")
        self.router = nn.Linear(e, n, bias=False)
        self.experts = nn.ModuleList(Expert(e, spec["ff"], spec.get("gated", True), act) for _ in range(n))
        self.shared = nn.ModuleList(Expert(e, spec["ff"], spec.get("gated", True), act)
                                    for _ in range(spec.get("shared_experts", 0)))

    def forward(self, x):
        w, chosen = self.router(x).softmax(-1).topk(self.top_k, dim=-1)
        out = sum((s(x) for s in self.shared), torch.zeros_like(x))
        for k in range(self.top_k):
            for i, ex in enumerate(self.experts):
                out = out + (chosen[..., k] == i).unsqueeze(-1) * w[..., k:k + 1] * ex(x)
        return out


def mamba(e, spec):
    from transformers import MambaConfig
    from transformers.models.mamba.modeling_mamba import MambaMixer
    config = MambaConfig(hidden_size=e, state_size=spec.get("state", 16), conv_kernel=spec.get("conv", 4),
                         expand=spec.get("expand", 2), time_step_rank=spec.get("dt_rank", math.ceil(e / 16)))
    return MambaMixer(config, 0)


class Scale(nn.Module):
    def __init__(self, n, channels_first):
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(n))
        self.channels_first = channels_first

    def forward(self, x):
        return x * (self.gamma.view(-1, *[1] * (x.dim() - 2)) if self.channels_first else self.gamma)


class Cls(nn.Module):
    def __init__(self, t, e):
        super().__init__()
        self.tokens = nn.Parameter(torch.zeros(1, t, e))

    def forward(self, x):
        return torch.cat([self.tokens.expand(x.shape[0], -1, -1), x], dim=1)


def map_channels(spec, x):
    if x.dim() < 3:
        raise Refused(f"{spec['type']} needs a map")
    return x.shape[1]


def norm(spec, x):
    t = spec["type"]
    affine = spec.get("affine", t != "instancenorm")
    if spec.get("over") == "channels":
        c = map_channels(spec, x)
        inner = (nn.LayerNorm(c, elementwise_affine=affine, bias=spec.get("bias", True)) if t == "layernorm"
                 else nn.RMSNorm(c, elementwise_affine=affine))
        return inner, inner(x.movedim(1, -1)).movedim(-1, 1)
    if t == "layernorm":
        m = nn.LayerNorm(x.shape[-1], elementwise_affine=affine, bias=spec.get("bias", True))
    elif t == "rmsnorm":
        m = nn.RMSNorm(x.shape[-1], elementwise_affine=affine)
    elif t == "groupnorm":
        m = nn.GroupNorm(spec["groups"], map_channels(spec, x), affine=affine)
    else:
        c = map_channels(spec, x)
        m = {3: nn.InstanceNorm1d, 4: nn.InstanceNorm2d, 5: nn.InstanceNorm3d}[x.dim()](c, affine=affine)
    return m, m.train()(x)


def shared_block(spec, x, modules):
    """One body, its weights made on the first pass and used on every pass:
    a later pass whose layers would need weights of other shapes fails."""
    first = None
    for _ in range(spec.get("repeat", 1)):
        found = []
        for s in spec["layers"]:
            x = run(s, x, found)
        shapes = [tuple(p.shape) for m in found for p in m.parameters()]
        if first is None:
            first = shapes
            modules += found
        elif shapes != first:
            raise Refused("the shared weights do not fit this pass")
    return x


def run(spec, x, modules):
    t = spec["type"]
    m, y = None, None
    if t in ("layernorm", "rmsnorm", "groupnorm", "instancenorm"):
        m, y = norm(spec, x)
    elif t in ("silu", "hardswish", "hardsigmoid", "relu6", "mish", "elu"):
        y = ACT[t]()(x)
    elif t == "leaky_relu":
        y = nn.LeakyReLU(spec.get("slope", 0.01))(x)
    elif t == "gelu":
        y = nn.GELU(approximate=spec.get("approximate", "none"))(x)
    elif t == "prelu":
        m = nn.PReLU(x.shape[1] if spec.get("per_channel") else 1)
        y = m(x)
    elif t == "multiply":
        outs = []
        for branch in spec["branches"]:
            z = x
            for s in branch:
                z = run(s, z, modules)
            outs.append(z)
        if any(o.dim() != outs[0].dim() for o in outs):
            raise Refused("multiply: ranks differ")
        y = outs[0]
        for o in outs[1:]:
            y = y * o
        if "activation" in spec:
            y = ACT[spec["activation"]]()(y)
    elif t == "attention":
        if x.dim() != 3:
            raise Refused("attention needs a sequence")
        m = Attention(x.shape[2], spec)
        y = m(x)
    elif t == "moe":
        if x.dim() != 3:
            raise Refused("moe needs a sequence")
        m = MoE(x.shape[2], spec)
        y = m(x)
    elif t == "mamba":
        if x.dim() != 3:
            raise Refused("mamba needs a sequence")
        m = mamba(x.shape[2], spec)
        y = m(x)
    elif t == "to_tokens":
        if x.dim() < 3:
            raise Refused("to_tokens needs a map")
        y = x.flatten(2).transpose(1, 2)
    elif t == "to_image":
        if x.dim() != 3:
            raise Refused("to_image needs a sequence")
        y = x.transpose(1, 2).reshape(1, x.shape[2], spec["height"], spec["width"])
    elif t == "cls_token":
        if x.dim() != 3:
            raise Refused("cls_token needs a sequence")
        m = Cls(spec.get("tokens", 1), x.shape[2])
        y = m(x)
    elif t == "layer_scale":
        first = x.dim() in (4, 5)
        m = Scale(x.shape[1] if first else x.shape[-1], first)
        y = m(x)
    elif t == "drop_path":
        y = x
    elif t == "pixel_shuffle":
        if x.dim() != 4:
            raise Refused("pixel_shuffle needs an image")
        y = nn.PixelShuffle(spec["factor"])(x)
    elif t == "channel_shuffle":
        if x.dim() < 3:
            raise Refused("channel_shuffle needs a map")
        y = nn.ChannelShuffle(spec["groups"])(x)
    elif t == "slice":
        start, end = spec["start"], spec["end"]
        if not 0 <= start < end <= x.shape[1]:
            raise Refused(f"slice {start}:{end} of {x.shape[1]}")
        y = x[:, start:end]
    elif t == "block" and spec.get("shared"):
        return shared_block(spec, x, modules)
    else:
        return older_run(spec, x, modules)
    if m is not None:
        modules.append(m)
    return y


# The older runners call `run` by name for what containers hold.
seq_cases.run = run
tree_cases.run = run


def residual(*layers):
    return {"type": "add", "branches": [list(layers), []]}


def se(rng, c):
    squeeze = max(1, c // rng.choice([4, 8]))
    return {"type": "multiply", "branches": [[], [
        {"type": "adaptive_avgpool", "output": 1},
        {"type": "conv2d", "filters": squeeze, "kernel": 1, "activation": rng.choice(["relu", "silu"])},
        {"type": "conv2d", "filters": c + rng.choice([0, 0, 0, 0, 4]), "kernel": 1,
         "activation": rng.choice(["sigmoid", "hardsigmoid"])}]]}


def act(rng):
    return rng.choice(["relu", "silu", "hardswish", "gelu", "mish", "elu", "leaky_relu", "relu6"])


def vision_case(rng):
    c0, h = rng.choice([1, 3]), rng.choice([8, 12, 16, 24, 32])
    c = rng.choice([8, 12, 16, 24])
    layers = [{"type": "conv2d", "filters": c, "kernel": 3, "padding": 1, "bias": False}]
    for _ in range(rng.randint(2, 5)):
        r = rng.random()
        if r < 0.2:
            layers.append(se(rng, c))
        elif r < 0.35:
            layers.append({"type": "groupnorm", "groups": rng.choice([1, 2, 4, 3, 5]),
                           "affine": rng.random() < 0.8})
        elif r < 0.45:
            layers.append({"type": "instancenorm", "affine": rng.random() < 0.5})
        elif r < 0.55:
            layers.append({"type": rng.choice(["layernorm", "rmsnorm"]), "over": "channels"})
        elif r < 0.65:
            layers.append(residual({"type": "conv2d", "filters": c, "kernel": 7, "padding": 3, "groups": c},
                                   {"type": "layernorm", "over": "channels"},
                                   {"type": "conv2d", "filters": 4 * c, "kernel": 1, "activation": "gelu"},
                                   {"type": "conv2d", "filters": c, "kernel": 1},
                                   {"type": "layer_scale"}, {"type": "drop_path", "rate": 0.1}))
        elif r < 0.72:
            layers.append({"type": "channel_shuffle", "groups": rng.choice([2, 4, 3])})
        elif r < 0.8:
            half = c // 2 + rng.choice([0, 0, 0, c])
            layers.append({"type": "concat", "branches": [[{"type": "slice", "start": 0, "end": half}],
                                                          [{"type": "slice", "start": half, "end": c}]]})
        elif r < 0.86:
            layers.append({"type": "prelu", "per_channel": rng.random() < 0.5})
        elif r < 0.92:
            f = rng.choice([2, 3])
            layers += [{"type": "conv2d", "filters": c * f * f // rng.choice([1, 1, 2]), "kernel": 3, "padding": 1},
                       {"type": "pixel_shuffle", "factor": f}]
            c = c * f * f // (f * f)
        else:
            layers.append({"type": act(rng)})
        if rng.random() < 0.25:
            layers.append({"type": "maxpool", "kernel": 2})
    layers += [{"type": "adaptive_avgpool", "output": 1}, {"type": "flatten"},
               {"type": "dense", "units": 10, "activation": rng.choice(["hardswish", "silu", "tanh"])}]
    return [c0, h, h], torch.zeros(1, c0, h, h), layers


def vit_case(rng):
    c0, h, p = 3, rng.choice([16, 24, 32]), rng.choice([4, 8])
    e, heads = rng.choice([16, 24, 32]), rng.choice([2, 4, 3, 5])
    n = (h // p) ** 2
    layers = [{"type": "conv2d", "filters": e, "kernel": p, "stride": p}, {"type": "to_tokens"}]
    cls = rng.random() < 0.7
    if cls:
        layers.append({"type": "cls_token", "tokens": rng.choice([1, 1, 2])})
    length = n + (layers[-1]["tokens"] if cls else 0)
    layers.append({"type": "pos_embedding", "max_len": length + rng.choice([0, 0, 0, -1])})
    body = [residual({"type": "layernorm"}, {"type": "attention", "heads": heads}, {"type": "layer_scale"}),
            residual({"type": "layernorm"}, {"type": "dense", "units": 2 * e, "activation": "gelu"},
                     {"type": "dense", "units": e})]
    layers.append({"type": "block", "repeat": rng.randint(1, 3), "layers": body})
    if not cls and rng.random() < 0.5:
        side = h // p
        layers += [{"type": "to_image", "height": side, "width": side + rng.choice([0, 0, 1])},
                   {"type": "global_avgpool"}]
    else:
        layers += [{"type": "layernorm"}, {"type": "first_token"}]
    layers.append({"type": "dense", "units": 10})
    return [c0, h, h], torch.zeros(1, c0, h, h), layers


def llm_block(rng, e):
    heads = rng.choice([2, 4, 8, 6])
    attention = {"type": "attention", "heads": heads, "kv_heads": rng.choice([1, 2, heads, 3]),
                 "causal": True, "rope": rng.random() < 0.7, "bias": rng.random() < 0.3}
    if rng.random() < 0.3:
        attention["head_dim"] = rng.choice([8, 16, 7])
    if rng.random() < 0.3:
        attention["qk_norm"] = True
    if rng.random() < 0.3:
        attention["window"] = rng.choice([2, 4, 16])
    if rng.random() < 0.2:
        attention["out_bias"] = rng.random() < 0.5
    r = rng.random()
    if r < 0.35:
        ff = rng.choice([16, 32, 48])
        mlp = [{"type": "multiply", "branches": [[{"type": "dense", "units": ff, "bias": False, "activation": "silu"}],
                                                 [{"type": "dense", "units": ff, "bias": False}]]},
               {"type": "dense", "units": e, "bias": False}]
    elif r < 0.7:
        experts = rng.choice([2, 4, 8])
        mlp = [{"type": "moe", "experts": experts, "top_k": rng.choice([1, 2, 2, experts + 1]),
                "ff": rng.choice([8, 16]), "gated": rng.random() < 0.7,
                "shared_experts": rng.choice([0, 0, 1])}]
        if not mlp[0]["gated"]:
            mlp[0]["activation"] = rng.choice(["gelu", "relu", "silu"])
    else:
        mlp = [{"type": "mamba", "state": rng.choice([4, 8, 16]), "conv": rng.choice([2, 3, 4]),
                "expand": rng.choice([1, 2])}]
        if rng.random() < 0.5:
            mlp[0]["dt_rank"] = rng.choice([1, 2, 4])
    return [residual({"type": "rmsnorm"}, attention), residual({"type": "rmsnorm"}, *mlp)]


def llm_case(rng):
    length, e = rng.choice([4, 8, 16]), rng.choice([16, 24, 32])
    layers = [{"type": "embedding", "vocab": rng.choice([50, 256]), "dim": e}]
    block = {"type": "block", "repeat": rng.randint(1, 3), "layers": llm_block(rng, e)}
    if rng.random() < 0.3:
        block["shared"] = True
    layers += [block, {"type": "rmsnorm", "affine": rng.random() < 0.8},
               {"type": "dense", "units": rng.choice([50, 256]), "bias": False}]
    return [length], torch.zeros(1, length), layers


def albert_case(rng):
    c, h = 3, rng.choice([8, 16])
    f = rng.choice([8, 16])
    body = [{"type": "conv2d", "filters": f + rng.choice([0, 0, 4]), "kernel": 3, "padding": 1,
             "stride": rng.choice([1, 1, 2])}, {"type": act(rng)}]
    return [c, h, h], torch.zeros(1, c, h, h), [
        {"type": "conv2d", "filters": f, "kernel": 3, "padding": 1},
        {"type": "block", "repeat": rng.randint(2, 4), "shared": True, "layers": body},
        {"type": "flatten"}, {"type": "dense", "units": 10}]


def nonempty(x):
    if 0 in x.shape:
        raise Refused("empty output")


def case(rng, i):
    make = rng.choice([vision_case, vit_case, llm_case, llm_case, albert_case])
    shape, x, layers = make(rng)
    return tree_cases.built(f"modern-{i:04d}", shape, x, layers, check=nonempty)


def main():
    tree_cases.write(int(sys.argv[1]), sys.argv[2], case, int(sys.argv[3]) if len(sys.argv) > 3 else 1)


if __name__ == "__main__":
    main()
