#!/usr/bin/env python3
"""Writes the presets of today's architectures in assets/ — the LLMs
(llama3-8b, mistral-7b, mixtral-8x7b, qwen3-0.6b, mamba-130m, albert-base)
from their published Hugging Face configs, and the vision models (vit_b_16,
convnext_tiny, efficientnet_b0, mobilenet_v3_large) as torchvision builds
them. The files are committed; run this only to regenerate them:
    python3 scripts/modern_presets.py
`scripts/preset_totals.py` holds every one against the frameworks."""
from make_presets import add, block, bn, conv, save


def dense(units, bias=True, act=None, tied=False):
    t = {"type": "dense", "units": units}
    if not bias:
        t["bias"] = False
    if act:
        t["activation"] = act
    if tied:
        t["tied"] = True
    return t


def residual(*layers):
    """A pre-norm residual: the layers, summed with the identity."""
    return add(list(layers), [], act=None)


def swiglu(dim, ff, act="silu"):
    """A gated MLP: down(act(gate(x)) · up(x)), no biases."""
    gate = {"type": "multiply", "branches": [[dense(ff, False, act)], [dense(ff, False)]]}
    return [gate, dense(dim, False)]


def decoder(name, source, vocab, dim, layers, heads, kv, ff, length, tied=False,
            head_dim=None, window=None, qk_norm=False, moe=None, comment=""):
    attention = {"type": "attention", "heads": heads, "kv_heads": kv, "bias": False,
                 "causal": True, "rope": True}
    if head_dim:
        attention["head_dim"] = head_dim
    if window:
        attention["window"] = window
    if qk_norm:
        attention["qk_norm"] = True
    mlp = [{"type": "moe", **moe}] if moe else swiglu(dim, ff)
    body = [residual({"type": "rmsnorm"}, attention), residual({"type": "rmsnorm"}, *mlp)]
    net = [{"type": "embedding", "vocab": vocab, "dim": dim},
           block(body, repeat=layers, name="layers"),
           {"type": "rmsnorm"},
           dense(vocab, False, tied=tied)]
    save(name, f"# {source}\n{comment}", [length], net)


def llms():
    decoder("llama3-8b", "Meta-Llama-3-8B as transformers' LlamaForCausalLM holds it (its config.json):",
            128256, 4096, 32, 32, 8, 14336, 8192, comment="""# 8,030,261,248 parameters. 32 pre-norm blocks of grouped-query attention (32
# heads share 8 key/value heads, rotary positions) and a SwiGLU MLP (a
# `multiply` of a SiLU-gated and a plain projection), RMSNorm, an untied head.
""")
    decoder("mistral-7b", "Mistral-7B-v0.1 as transformers' MistralForCausalLM holds it:",
            32000, 4096, 32, 32, 8, 14336, 8192, window=4096, comment="""# 7,241,732,096 parameters. Llama's block with a sliding window: each token
# attends to the 4,096 before it, so 8,192 tokens cost half the L² work.
""")
    decoder("mixtral-8x7b", "Mixtral-8x7B-v0.1 as transformers' MixtralForCausalLM holds it:",
            32000, 4096, 32, 32, 8, 14336, 4096,
            moe={"experts": 8, "top_k": 2, "ff": 14336},
            comment="""# 46,702,792,704 parameters, 12,879,925,248 active: each block's MLP is a
# mixture of 8 SwiGLU experts of which the router picks 2 per token.
""")
    decoder("qwen3-0.6b", "Qwen3-0.6B as transformers' Qwen3ForCausalLM holds it:",
            151936, 1024, 28, 16, 8, 3072, 4096, tied=True, head_dim=128, qk_norm=True,
            comment="""# 596,049,920 parameters. Heads of 128 (16 × 128 = 2,048 > 1,024 features),
# an RMSNorm on queries and keys, and the head tied to the embedding.
""")
    mixer = {"type": "mamba", "state": 16, "conv": 4, "expand": 2}
    save("mamba-130m", """# state-spaces/mamba-130m-hf as transformers' MambaForCausalLM holds it:
# 129,135,360 parameters. 24 residual blocks of RMSNorm and a Mamba (S6)
# mixer: no attention, so no L² and no KV cache; the head is tied.
""", [2048], [{"type": "embedding", "vocab": 50280, "dim": 768},
              block([residual({"type": "rmsnorm"}, mixer)], repeat=24, name="layers"),
              {"type": "rmsnorm"}, dense(50280, False, tied=True)])
    shared = block([{"type": "transformer", "heads": 12, "ff": 3072}], repeat=12, name="shared layer")
    shared["shared"] = True
    save("albert-base", """# albert-base-v2 as transformers' AlbertModel holds it (with its pooler):
# 11,683,584 parameters. Embeddings of 128 projected to 768, then ONE
# post-norm transformer layer run 12 times with the same weights (`shared`):
# BERT-base's depth for a tenth of its parameters.
""", [512], [{"type": "embedding", "vocab": 30000, "dim": 128},
             {"type": "pos_embedding", "max_len": 512, "types": 2},
             {"type": "layernorm"}, dense(768), shared,
             {"type": "first_token"}, dense(768, act="tanh")])


def vit_b_16():
    attention = {"type": "attention", "heads": 12}
    mlp = [dense(3072, act="gelu"), {"type": "dropout", "rate": 0.0}, dense(768), {"type": "dropout", "rate": 0.0}]
    body = [residual({"type": "layernorm"}, attention, {"type": "dropout", "rate": 0.0}),
            residual({"type": "layernorm"}, *mlp)]
    save("vit_b_16", """# ViT-B/16 (Dosovitskiy et al., 2020) as torchvision builds it: 86,567,656
# parameters. 16×16 patches by a strided convolution, tokens, a class token,
# 197 learned positions, 12 pre-norm encoder blocks, the class token's head.
""", [3, 224, 224], [conv(768, 16, 16, bias=True), {"type": "to_tokens"}, {"type": "cls_token"},
                     {"type": "pos_embedding", "max_len": 197}, {"type": "dropout", "rate": 0.0},
                     block(body, repeat=12, name="encoder"), {"type": "layernorm"},
                     {"type": "first_token"}, dense(1000)])


def convnext_tiny():
    def cn(dim, rate):
        return add([conv(dim, 7, 1, 3, groups=dim, bias=True), {"type": "layernorm", "over": "channels"},
                    conv(4 * dim, 1, bias=True, act="gelu"), conv(dim, 1, bias=True),
                    {"type": "layer_scale"}, {"type": "drop_path", "rate": rate}], [], act=None)
    layers = [conv(96, 4, 4, bias=True), {"type": "layernorm", "over": "channels"}]
    depths, dims = [3, 3, 9, 3], [96, 192, 384, 768]
    for i, (n, dim) in enumerate(zip(depths, dims)):
        if i:
            layers += [{"type": "layernorm", "over": "channels"}, conv(dim, 2, 2, bias=True)]
        layers.append(block([cn(dim, 0.1)], repeat=n, name=f"stage {i + 1}"))
    layers += [{"type": "adaptive_avgpool", "output": 1}, {"type": "layernorm", "over": "channels"},
               {"type": "flatten"}, dense(1000)]
    save("convnext_tiny", """# ConvNeXt-T (Liu et al., 2022) as torchvision builds it: 28,589,128
# parameters. Blocks of a 7×7 depthwise convolution, a LayerNorm over channels
# (LayerNorm2d), an inverted MLP (written as 1×1 convolutions: torchvision's
# Linear layers on permuted channels have the same weights), a learned layer
# scale and stochastic depth.
""", [3, 224, 224], layers)


def se(channels, squeeze, act, gate):
    """Squeeze-excitation: the identity times (pool → 1×1 → act → 1×1 → gate)."""
    return {"type": "multiply", "branches": [[], [
        {"type": "adaptive_avgpool", "output": 1}, conv(squeeze, 1, bias=True, act=act),
        conv(channels, 1, bias=True, act=gate)]]}


def efficientnet_b0():
    layers = [conv(32, 3, 2, 1), bn(), {"type": "silu"}]
    channels = 32
    for e, k, s, c, n in [(1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3),
                          (6, 5, 1, 112, 3), (6, 5, 2, 192, 4), (6, 3, 1, 320, 1)]:
        def mbconv(inp, stride):
            hidden = inp * e
            body = []
            if e != 1:
                body += [conv(hidden, 1), bn(), {"type": "silu"}]
            body += [conv(hidden, k, stride, (k - 1) // 2, groups=hidden), bn(), {"type": "silu"},
                     se(hidden, max(1, inp // 4), "silu", "sigmoid"), conv(c, 1), bn()]
            if stride == 1 and inp == c:
                return add(body + [{"type": "drop_path", "rate": 0.2}], [], act=None)
            return block(body)
        stage = [mbconv(channels, s)] + ([block([mbconv(c, 1)], repeat=n - 1)] if n > 1 else [])
        layers.append(block(stage, name=f"e{e} k{k} s{s} c{c}") if len(stage) > 1 else stage[0])
        channels = c
    layers += [conv(1280, 1), bn(), {"type": "silu"}, {"type": "adaptive_avgpool", "output": 1},
               {"type": "flatten"}, {"type": "dropout", "rate": 0.2}, dense(1000)]
    save("efficientnet_b0", """# EfficientNet-B0 (Tan & Le, 2019) as torchvision builds it: 5,288,548
# parameters. MBConv blocks: 1×1 expand, k×k depthwise, squeeze-excitation (a
# `multiply` of the identity and a pooled SiLU/sigmoid gate), 1×1 project.
""", [3, 224, 224], layers)


def mobilenet_v3_large():
    def divisible(v):
        return max(8, int(v + 4) // 8 * 8) if int(v + 4) // 8 * 8 >= 0.9 * v else int(v + 4) // 8 * 8 + 8
    layers = [conv(16, 3, 2, 1), bn(), {"type": "hardswish"}]
    channels = 16
    for k, exp, c, use_se, act, s in [
            (3, 16, 16, False, "relu", 1), (3, 64, 24, False, "relu", 2), (3, 72, 24, False, "relu", 1),
            (5, 72, 40, True, "relu", 2), (5, 120, 40, True, "relu", 1), (5, 120, 40, True, "relu", 1),
            (3, 240, 80, False, "hardswish", 2), (3, 200, 80, False, "hardswish", 1),
            (3, 184, 80, False, "hardswish", 1), (3, 184, 80, False, "hardswish", 1),
            (3, 480, 112, True, "hardswish", 1), (3, 672, 112, True, "hardswish", 1),
            (5, 672, 160, True, "hardswish", 2), (5, 960, 160, True, "hardswish", 1),
            (5, 960, 160, True, "hardswish", 1)]:
        body = []
        if exp != channels:
            body += [conv(exp, 1), bn(), {"type": act}]
        body += [conv(exp, k, s, (k - 1) // 2, groups=exp), bn(), {"type": act}]
        if use_se:
            body.append(se(exp, divisible(exp // 4), "relu", "hardsigmoid"))
        body += [conv(c, 1), bn()]
        layers.append(add(body, [], act=None) if s == 1 and channels == c else block(body))
        channels = c
    layers += [conv(960, 1), bn(), {"type": "hardswish"}, {"type": "adaptive_avgpool", "output": 1},
               {"type": "flatten"}, dense(1280, act="hardswish"), {"type": "dropout", "rate": 0.2},
               dense(1000)]
    save("mobilenet_v3_large", """# MobileNetV3-Large (Howard et al., 2019) as torchvision builds it: 5,483,032
# parameters. Inverted residuals with hardswish, and squeeze-excitation gated
# by hardsigmoid (a `multiply`), on the 15 blocks of the paper's table.
""", [3, 224, 224], layers)


if __name__ == "__main__":
    llms()
    for make in (vit_b_16, convnext_tiny, efficientnet_b0, mobilenet_v3_large):
        make()
