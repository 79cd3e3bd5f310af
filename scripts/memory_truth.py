#!/usr/bin/env python3
"""Holds layerlab's training memory against PyTorch's own accounting.

For each preset, batch and optimizer, one training step is measured with
`torch.distributed._tools.mem_tracker.MemTracker` on fake tensors (no GPU, no
real memory): the model as torchvision or transformers builds it (eager
attention; the presets with no framework model are layerlab's own PyTorch
export), train mode, the preset's input at the batch, cross-entropy over the
output's last dimension, `backward()`, `optimizer.step()` (foreach=False),
`zero_grad()`. The second step's peak is the figure (Adam's state exists by
then). Beside it: `layerlab summary --train OPT --batch B`'s total.

Usage: python3 scripts/memory_truth.py target/release/layerlab [NAME ...]
           [--batches 1,8] [--optimizers sgd,adam] [--detail]
           [--checkpoint] [--freeze FIRST-LAST]
Needs torch 2.5 or later, torchvision and transformers, in a virtual
environment outside the repository. Not run by CI (it needs those).
"""
import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

import torch
import torch.nn.functional as F
from torch._subclasses.fake_tensor import FakeTensorMode
from torch.distributed._tools.mem_tracker import MemTracker

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

TORCHVISION = ["alexnet", "vgg16", "resnet18", "resnet50", "mobilenet_v2", "densenet121",
               "vit_b_16", "convnext_tiny", "efficientnet_b0", "mobilenet_v3_large"]
TRANSFORMERS = ["gpt2", "bert-base", "qwen3-0.6b", "albert-base", "llama3-8b", "mistral-7b",
                "mixtral-8x7b", "mamba-130m"]
EXPORTED = ["mlp", "lenet", "lenet-padded", "lenet5", "unet", "lstm-tagger", "ecg1d", "c3d-small"]
# Models whose attention runs fused in the framework: torchvision's ViT calls
# nn.MultiheadAttention without weights, which takes scaled_dot_product_attention.
FUSED = {"vit_b_16"}
# What a default run measures: every preset small enough to step in a few
# seconds on fake tensors (the 7B-46B LLMs at 4,096-8,192 tokens take long,
# and Mamba's slow path, a Python loop over every token, does not finish).
DEFAULT = EXPORTED + TORCHVISION + ["gpt2", "bert-base", "qwen3-0.6b", "albert-base"]


def exported(binary, name):
    """layerlab's own PyTorch export of the preset, and its input."""
    code = subprocess.run([binary, "export", "--preset", name, "--to", "pytorch"],
                          capture_output=True, text=True, check=True).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(code)
    spec = importlib.util.spec_from_file_location("exported_" + name.replace("-", "_"), f.name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    os.unlink(f.name)
    return module.build, module.INPUT_SHAPE, module.example_input().dtype


def framework(name):
    """A builder of the framework's model and its input shape and dtype."""
    if name in TORCHVISION:
        import torchvision
        return (lambda: getattr(torchvision.models, name)()), (3, 224, 224), torch.float32
    import transformers as tf
    if name == "gpt2":
        config, cls, length = tf.GPT2Config(), tf.GPT2LMHeadModel, 1024
    elif name == "bert-base":
        config, cls, length = tf.BertConfig(), tf.BertModel, 512
    else:
        import preset_totals
        with torch.device("meta"):
            model, (length,) = preset_totals.framework_model(name)
        config, cls = model.config, type(model)
    config._attn_implementation = "eager"
    return (lambda: cls(config)), (length,), torch.long


# The framework's modules in the order of layerlab's top-level layers, for
# --freeze (a torchvision ResNet's children are already so; layerlab's
# flatten, 10, is the functional call in its forward).
def resnet_top(m):
    return list(m.children())[:9] + [None, m.fc]


TOP_LEVEL = {
    "resnet18": resnet_top,
    "resnet50": resnet_top,
    "gpt2": lambda m: [m.transformer.wte, m.transformer.wpe, m.transformer.drop, m.transformer.h,
                       m.transformer.ln_f, m.lm_head],
    "bert-base": lambda m: [m.embeddings.word_embeddings, m.embeddings.position_embeddings,
                            m.embeddings.LayerNorm, m.embeddings.dropout, m.encoder.layer],
    "qwen3-0.6b": lambda m: [m.model.embed_tokens, m.model.layers, m.model.norm, m.lm_head],
}


class _NoHandle:
    def remove(self):
        pass


def _if_trained(register):
    """MemTracker hooks every parameter's gradient; a frozen one has none."""
    return lambda tensor, hook: register(tensor, hook) if tensor.requires_grad else _NoHandle()


def _hook_only_trained():
    torch.Tensor.register_hook = _if_trained(torch.Tensor.register_hook)
    torch.Tensor.register_post_accumulate_grad_hook = _if_trained(
        torch.Tensor.register_post_accumulate_grad_hook)


def frozen_modules(name, model, freeze):
    """The modules `--freeze FIRST-LAST` names (1-based, as layerlab's table)."""
    first, _, last = freeze.partition("-")
    first, last = int(first), int(last or first)
    top = TOP_LEVEL[name](model)
    return [m for m in top[first - 1:last] if m is not None]


def peak(build, shape, dtype, batch, optimizer, checkpoint=False, freeze=None, name=None):
    """MemTracker's peak of the second training step, by kind of memory."""
    # Built on the meta device (initialisers that read values cannot run on
    # fake tensors), then given fake storage.
    with torch.device("meta"):
        model = build()
    with FakeTensorMode(allow_non_fake_inputs=True):
        model = model.to_empty(device="cpu")
        model.train()
        if checkpoint:
            # transformers' own: each decoder or encoder layer recomputed.
            model.gradient_checkpointing_enable({"use_reentrant": False})
        if hasattr(model, "tie_weights"):
            # to_empty (and checkpointing) give a tied head its own copy of
            # the embedding; transformers ties them again where the config says.
            model.tie_weights()
        if freeze:
            for module in frozen_modules(name, model, freeze):
                module.requires_grad_(False)
            if name == "bert-base":
                # BertModel adds token-type embeddings in the same layer.
                model.embeddings.token_type_embeddings.requires_grad_(
                    not any(m is model.embeddings.position_embeddings
                            for m in frozen_modules(name, model, freeze)))
        params = [p for p in model.parameters() if p.requires_grad]
        if optimizer == "adam":
            opt = torch.optim.Adam(params, foreach=False)
        elif optimizer == "momentum":
            opt = torch.optim.SGD(params, lr=0.1, momentum=0.9, foreach=False)
        else:
            opt = torch.optim.SGD(params, lr=0.1, foreach=False)
        tracker = MemTracker()
        tracker.track_external(model, opt)
        with tracker:
            # Made inside the tracker: the batch a step holds is counted.
            if dtype == torch.long:
                x = torch.zeros(batch, *shape, dtype=torch.long)
            else:
                x = torch.randn(batch, *shape)
            for step in range(2):
                out = model(x)
                if not torch.is_tensor(out):
                    out = out.logits if getattr(out, "logits", None) is not None else out.pooler_output
                if isinstance(out, tuple):
                    out = out[0]
                flat = out.reshape(-1, out.shape[-1])
                target = torch.zeros(flat.shape[0], dtype=torch.long)
                F.cross_entropy(flat, target).backward()
                opt.step()
                opt.zero_grad()
                if step == 0:
                    tracker.reset_mod_stats()
        snap = tracker.get_tracker_snapshot("peak")
    parts = {}
    for device in snap.values():
        for kind, value in device.items():
            key = str(kind).split(".")[-1].lower()
            parts[key] = parts.get(key, 0) + value
    return parts


def ours(binary, name, batch, optimizer, checkpoint=False, freeze=None):
    attention = "flash" if name in FUSED else "eager"
    extra = ["--checkpoint"] if checkpoint else []
    extra += ["--freeze", freeze] if freeze else []
    out = subprocess.run([binary, "summary", "--preset", name, "--train", optimizer, "--batch",
                          str(batch), "--attention", attention, "--format", "json", *extra],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)["memory"]


def mib(n):
    return f"{n / 2**20:>10,.1f}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("names", nargs="*")
    parser.add_argument("--batches", default="1,8")
    parser.add_argument("--optimizers", default="sgd,adam")
    parser.add_argument("--detail", action="store_true")
    parser.add_argument("--checkpoint", action="store_true",
                        help="activation checkpointing (transformers' models only)")
    parser.add_argument("--freeze", metavar="LAYERS",
                        help="freeze layerlab's top-level layers FIRST-LAST and the framework's "
                             "modules they are (presets: " + ", ".join(TOP_LEVEL) + ")")
    args = parser.parse_args()
    names = args.names or DEFAULT
    if args.freeze:
        _hook_only_trained()
    print(f"{'preset':20} {'batch':>5} {'opt':5} {'PyTorch MiB':>11} {'layerlab MiB':>12} {'ratio':>6}")
    worst, within5, within10, count = 1.0, 0, 0, 0
    for name in names:
        build, shape, dtype = exported(args.binary, name) if name in EXPORTED else framework(name)
        for batch in (int(b) for b in args.batches.split(",")):
            for optimizer in args.optimizers.split(","):
                truth = peak(build, shape, dtype, batch, optimizer, args.checkpoint, args.freeze, name)
                mine = ours(args.binary, name, batch, optimizer, args.checkpoint, args.freeze)
                ratio = mine["total"] / truth["total"]
                count += 1
                within5 += abs(ratio - 1) <= 0.05
                within10 += abs(ratio - 1) <= 0.10
                worst = max(worst, ratio, 1 / ratio)
                print(f"{name:20} {batch:>5} {optimizer:5} {mib(truth['total']):>11} {mib(mine['total']):>12} {ratio:6.3f}",
                      flush=True)
                if args.detail:
                    print("   torch   " + "  ".join(f"{k} {v / 2**20:,.1f}" for k, v in truth.items() if v))
                    print("   layerlab " + "  ".join(f"{k} {v / 2**20:,.1f}" for k, v in mine.items()
                                                    if isinstance(v, int) and v))
    print(f"{within10}/{count} within 10%, {within5}/{count} within 5%, worst {worst:.3f}×")
    sys.exit(0 if within10 == count else 1)


if __name__ == "__main__":
    main()
