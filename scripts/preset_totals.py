#!/usr/bin/env python3
"""Builds presets from assets/ out of torch.nn modules, runs each on its own
input, and prints PyTorch's parameter total (shared weights counted once) and
output shape beside layerlab's, so a preset's numbers are PyTorch's own.
(The image presets are checked by make_presets.py and check_export.py.)

Usage: python3 scripts/preset_totals.py target/release/layerlab [NAME ...]
       (default: every preset below; the vision presets need torchvision, the
       LLMs transformers. Today's presets are built as their frameworks build
       them: torchvision's constructors and transformers' classes from the
       published configs, on the meta device: no weights, no memory.)
Needs torch 2.4 or later (nn.RMSNorm): use a pip virtual environment
outside the repository. Not run by CI.
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


def framework_model(name):
    """The real model a modern preset stands for, and its input length or
    shape, built on the meta device."""
    if name in ("vit_b_16", "convnext_tiny", "efficientnet_b0", "mobilenet_v3_large"):
        import torchvision
        with torch.device("meta"):
            return getattr(torchvision.models, name)(), (3, 224, 224)
    import transformers as tf
    llama = dict(vocab_size=128256, hidden_size=4096, intermediate_size=14336, num_hidden_layers=32,
                 num_attention_heads=32, num_key_value_heads=8, tie_word_embeddings=False)
    mistral = dict(llama, vocab_size=32000, sliding_window=4096)
    configs = {
        "llama3-8b": (tf.LlamaConfig(**llama), tf.LlamaForCausalLM, 8192),
        "mistral-7b": (tf.MistralConfig(**mistral), tf.MistralForCausalLM, 8192),
        "mixtral-8x7b": (tf.MixtralConfig(**dict(mistral, sliding_window=None), num_local_experts=8,
                                          num_experts_per_tok=2), tf.MixtralForCausalLM, 4096),
        "qwen3-0.6b": (tf.Qwen3Config(vocab_size=151936, hidden_size=1024, intermediate_size=3072,
                                      num_hidden_layers=28, num_attention_heads=16, num_key_value_heads=8,
                                      head_dim=128, tie_word_embeddings=True), tf.Qwen3ForCausalLM, 4096),
        "mamba-130m": (tf.MambaConfig(vocab_size=50280, hidden_size=768, num_hidden_layers=24, state_size=16,
                                      tie_word_embeddings=True), tf.MambaForCausalLM, 2048),
        "albert-base": (tf.AlbertConfig(vocab_size=30000, embedding_size=128, hidden_size=768,
                                        num_attention_heads=12, intermediate_size=3072), tf.AlbertModel, 512),
    }
    config, cls, length = configs[name]
    with torch.device("meta"):
        return cls(config), (length,)


def framework_total(name):
    model, dims = framework_model(name)
    unique = {id(p): p for p in model.parameters()}
    total = sum(p.numel() for p in unique.values())
    with torch.no_grad():
        if len(dims) == 1:
            out = model(input_ids=torch.zeros(1, *dims, dtype=torch.long, device="meta"))
            out = out.logits if hasattr(out, "logits") else out.pooler_output
        else:
            out = model(torch.zeros(1, *dims, device="meta"))
    return total, list(out.shape[1:])


MODERN = ["llama3-8b", "mistral-7b", "mixtral-8x7b", "qwen3-0.6b", "mamba-130m", "albert-base",
          "vit_b_16", "convnext_tiny", "efficientnet_b0", "mobilenet_v3_large"]


def main():
    binary = sys.argv[1]
    names = sys.argv[2:] or ["gpt2", "bert-base", "lstm-tagger", "ecg1d", "c3d-small"] + MODERN
    bad = 0
    assets = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "assets")
    for path in (os.path.join(assets, n + ".toml") for n in names):
        name = os.path.basename(path)[:-5]
        total, shape = framework_total(name) if name in MODERN else torch_total(path)
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
