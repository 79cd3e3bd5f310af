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
       SOURCE: torchvision, timm, timm-families (one model of each of
       timm's families), cases (hand-made printouts of torch.nn
       modules whose arguments change counts), keras (every Keras
       application and hand-made cases; run with KERAS_BACKEND=torch);
       transformers (real models' published settings written as the
       config.json transformers saves, imported from it); default all.
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
SOURCES = sys.argv[2:] or ["cases", "torchvision", "timm", "timm-families", "keras", "transformers"]


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
            yield from timm_model(name)


def timm_model(name):
    """timm's `name` on the meta device with its input size, or a SKIPPED
    line when it cannot be built there."""
    import timm
    try:
        with torch.device("meta"):
            model = timm.create_model(name, pretrained=False)
        cfg = model.pretrained_cfg.get("input_size", (3, 224, 224))
    except Exception as e:
        print(f"SKIPPED  {name:36} {type(e).__name__}: {e}"[:120])
        return
    yield name, model, tuple(cfg)


def timm_family_models():
    """One model from each of timm's families (a name's first word, digits
    dropped): the middle one of the family's list, so that no family is
    chosen for how well it imports."""
    import re
    import timm
    families = {}
    for name in timm.list_models():
        families.setdefault(re.sub(r"\d+$", "", name.split("_")[0]), []).append(name)
    for names in families.values():
        yield from timm_model(names[len(names) // 2])


# name: (model_type, class its `architectures` names, the published model's
# settings). Some model types layerlab does not build are here on purpose:
# a corpus of what people use, not of what layerlab knows.
HF_MODELS = {
    "llama-2-7b": ("llama", "LlamaForCausalLM", dict(
        vocab_size=32000, hidden_size=4096, intermediate_size=11008, num_hidden_layers=32,
        num_attention_heads=32, num_key_value_heads=32, max_position_embeddings=4096)),
    "llama-3.2-1b": ("llama", "LlamaForCausalLM", dict(
        vocab_size=128256, hidden_size=2048, intermediate_size=8192, num_hidden_layers=16,
        num_attention_heads=32, num_key_value_heads=8, head_dim=64, tie_word_embeddings=True,
        max_position_embeddings=131072, rope_theta=500000.0, rope_scaling=dict(
            factor=32.0, high_freq_factor=4.0, low_freq_factor=1.0,
            original_max_position_embeddings=8192, rope_type="llama3"))),
    "tinyllama-1.1b": ("llama", "LlamaForCausalLM", dict(
        vocab_size=32000, hidden_size=2048, intermediate_size=5632, num_hidden_layers=22,
        num_attention_heads=32, num_key_value_heads=4, max_position_embeddings=2048)),
    "codellama-7b": ("llama", "LlamaForCausalLM", dict(
        vocab_size=32016, hidden_size=4096, intermediate_size=11008, num_hidden_layers=32,
        num_attention_heads=32, max_position_embeddings=16384, rope_theta=1e6)),
    "smollm2-135m": ("llama", "LlamaForCausalLM", dict(
        vocab_size=49152, hidden_size=576, intermediate_size=1536, num_hidden_layers=30,
        num_attention_heads=9, num_key_value_heads=3, tie_word_embeddings=True,
        max_position_embeddings=8192)),
    "mistral-7b-v0.3": ("mistral", "MistralForCausalLM", dict(
        vocab_size=32768, hidden_size=4096, intermediate_size=14336, num_hidden_layers=32,
        num_attention_heads=32, num_key_value_heads=8, max_position_embeddings=32768,
        sliding_window=None, rope_theta=1e6)),
    "mixtral-8x22b": ("mixtral", "MixtralForCausalLM", dict(
        vocab_size=32768, hidden_size=6144, intermediate_size=16384, num_hidden_layers=56,
        num_attention_heads=48, num_key_value_heads=8, max_position_embeddings=65536,
        num_local_experts=8, num_experts_per_tok=2)),
    "qwen2-7b": ("qwen2", "Qwen2ForCausalLM", dict(
        vocab_size=152064, hidden_size=3584, intermediate_size=18944, num_hidden_layers=28,
        num_attention_heads=28, num_key_value_heads=4, max_position_embeddings=32768)),
    "qwen2.5-coder-1.5b": ("qwen2", "Qwen2ForCausalLM", dict(
        vocab_size=151936, hidden_size=1536, intermediate_size=8960, num_hidden_layers=28,
        num_attention_heads=12, num_key_value_heads=2, tie_word_embeddings=True,
        max_position_embeddings=32768)),
    "qwen3-4b": ("qwen3", "Qwen3ForCausalLM", dict(
        vocab_size=151936, hidden_size=2560, intermediate_size=9728, num_hidden_layers=36,
        num_attention_heads=32, num_key_value_heads=8, head_dim=128, tie_word_embeddings=True,
        max_position_embeddings=40960)),
    "qwen3-8b": ("qwen3", "Qwen3ForCausalLM", dict(
        vocab_size=151936, hidden_size=4096, intermediate_size=12288, num_hidden_layers=36,
        num_attention_heads=32, num_key_value_heads=8, head_dim=128, tie_word_embeddings=False,
        max_position_embeddings=40960)),
    "gemma-7b": ("gemma", "GemmaForCausalLM", dict(
        vocab_size=256000, hidden_size=3072, intermediate_size=24576, num_hidden_layers=28,
        num_attention_heads=16, num_key_value_heads=16, head_dim=256)),
    "gemma-2-9b": ("gemma2", "Gemma2ForCausalLM", dict(
        vocab_size=256000, hidden_size=3584, intermediate_size=14336, num_hidden_layers=42,
        num_attention_heads=16, num_key_value_heads=8, head_dim=256, sliding_window=4096,
        query_pre_attn_scalar=256)),
    "phi-1.5": ("phi", "PhiForCausalLM", dict(
        vocab_size=51200, hidden_size=2048, intermediate_size=8192, num_hidden_layers=24,
        num_attention_heads=32, partial_rotary_factor=0.5, max_position_embeddings=2048)),
    "phi-3-medium": ("phi3", "Phi3ForCausalLM", dict(
        vocab_size=32064, hidden_size=5120, intermediate_size=17920, num_hidden_layers=40,
        num_attention_heads=40, num_key_value_heads=10, max_position_embeddings=4096,
        sliding_window=2047)),
    "gpt2-medium": ("gpt2", "GPT2LMHeadModel", dict(n_embd=1024, n_layer=24, n_head=16)),
    "gpt2-xl": ("gpt2", "GPT2LMHeadModel", dict(n_embd=1600, n_layer=48, n_head=25)),
    "distilgpt2": ("gpt2", "GPT2LMHeadModel", dict(n_layer=6)),
    "pythia-1b": ("gpt_neox", "GPTNeoXForCausalLM", dict(
        vocab_size=50304, hidden_size=2048, intermediate_size=8192, num_hidden_layers=16,
        num_attention_heads=8, rotary_pct=0.25, max_position_embeddings=2048)),
    "falcon-rw-1b": ("falcon", "FalconForCausalLM", dict(
        vocab_size=50304, hidden_size=2048, num_hidden_layers=24, num_attention_heads=32,
        alibi=True, bias=True, multi_query=False, parallel_attn=False,
        new_decoder_architecture=False)),
    "opt-1.3b": ("opt", "OPTForCausalLM", dict(
        hidden_size=2048, ffn_dim=8192, num_hidden_layers=24, num_attention_heads=32,
        word_embed_proj_dim=2048)),
    "bloom-1b1": ("bloom", "BloomForCausalLM", dict(hidden_size=1536, n_layer=24, n_head=16)),
    "bert-large-uncased": ("bert", "BertForMaskedLM", dict(
        hidden_size=1024, num_hidden_layers=24, num_attention_heads=16, intermediate_size=4096)),
    "bert-base-sst2": ("bert", "BertForSequenceClassification", dict(num_labels=2)),
    "roberta-large": ("roberta", "RobertaForMaskedLM", dict(
        vocab_size=50265, hidden_size=1024, num_hidden_layers=24, num_attention_heads=16,
        intermediate_size=4096, max_position_embeddings=514, type_vocab_size=1)),
    "distilbert-multilingual": ("distilbert", "DistilBertForMaskedLM", dict(vocab_size=119547)),
    "albert-large-v2": ("albert", "AlbertForMaskedLM", dict(
        hidden_size=1024, num_attention_heads=16, intermediate_size=4096,
        num_hidden_layers=24, embedding_size=128)),
    "vit-large-patch16-224": ("vit", "ViTForImageClassification", dict(
        hidden_size=1024, num_hidden_layers=24, num_attention_heads=16, intermediate_size=4096,
        num_labels=1000)),
    "vit-base-patch32-384": ("vit", "ViTForImageClassification", dict(
        image_size=384, patch_size=32, num_labels=1000)),
    "mamba-370m": ("mamba", "MambaForCausalLM", dict(
        vocab_size=50280, hidden_size=1024, num_hidden_layers=48)),
    "mamba-2.8b": ("mamba", "MambaForCausalLM", dict(
        vocab_size=50280, hidden_size=2560, num_hidden_layers=64)),
    # Types layerlab does not build: each must be refused with its type named.
    "t5-small": ("t5", "T5ForConditionalGeneration", dict()),
    "deberta-v3-base": ("deberta-v2", "DebertaV2ForMaskedLM", dict(vocab_size=128100)),
    "qwen1.5-moe-a2.7b": ("qwen2_moe", "Qwen2MoeForCausalLM", dict(
        vocab_size=151936, hidden_size=2048, intermediate_size=5632, num_hidden_layers=24,
        num_attention_heads=16, num_key_value_heads=16, moe_intermediate_size=1408,
        shared_expert_intermediate_size=5632, num_experts=60, num_experts_per_tok=4)),
    "qwen3-30b-a3b": ("qwen3_moe", "Qwen3MoeForCausalLM", dict(
        vocab_size=151936, hidden_size=2048, intermediate_size=6144, num_hidden_layers=48,
        num_attention_heads=32, num_key_value_heads=4, head_dim=128, moe_intermediate_size=768,
        num_experts=128, num_experts_per_tok=8, max_position_embeddings=40960)),
    "gemma-3-4b-text": ("gemma3_text", "Gemma3ForCausalLM", dict(
        vocab_size=262208, hidden_size=2560, intermediate_size=10240, num_hidden_layers=34,
        num_attention_heads=8, num_key_value_heads=4, head_dim=256, sliding_window=1024,
        max_position_embeddings=131072)),
    "starcoder2-3b": ("starcoder2", "Starcoder2ForCausalLM", dict(
        vocab_size=49152, hidden_size=3072, intermediate_size=12288, num_hidden_layers=30,
        num_attention_heads=24, num_key_value_heads=2)),
    "gpt-j-6b": ("gptj", "GPTJForCausalLM", dict()),
    "electra-base": ("electra", "ElectraForMaskedLM", dict(
        embedding_size=768, hidden_size=768, intermediate_size=3072, num_attention_heads=12)),
    "olmo-2-1b": ("olmo2", "Olmo2ForCausalLM", dict(
        vocab_size=100352, hidden_size=2048, intermediate_size=8192, num_hidden_layers=16,
        num_attention_heads=16)),
}


def transformers_models():
    """Each model's config.json as `save_pretrained` writes it (only what
    differs from the defaults), and the class it names built on meta."""
    import transformers
    for name, (model_type, arch, settings) in HF_MODELS.items():
        try:
            config = transformers.AutoConfig.for_model(model_type, architectures=[arch], **settings)
            config._attn_implementation = "eager"
            with torch.device("meta"):
                model = getattr(transformers, arch)(config)
        except Exception as e:
            print(f"SKIPPED  {name:36} {type(e).__name__}: {e}"[:120])
            continue
        yield name, model_type, config, model


def hf_judge(name, model_type, config, model, tally):
    total = sum(p.numel() for p in model.parameters())
    length = None if model_type == "vit" else 16
    out = None
    try:
        with torch.no_grad():
            if length is None:
                size = config.image_size
                y = model(pixel_values=torch.zeros(1, config.num_channels, size, size, device="meta"))
            else:
                y = model(input_ids=torch.zeros(1, length, dtype=torch.long, device="meta"))
        first = y[0] if isinstance(y, tuple) else next(iter(y.values()))
        out = list(first.shape[1:])
    except Exception:
        pass
    got, got_out, why, _ = layerlab(config.to_json_string(use_diff=True),
                                    None if length is None else (length,), suffix="json")
    if why is not None:
        verdict, detail = "REFUSED", why
    elif got == total and (out is None or got_out == out):
        verdict, detail = "EXACT", f"{total:,}"
    else:
        verdict, detail = "WRONG", f"layerlab {got} {got_out}, transformers {total} {out}"
    tally[verdict] = tally.get(verdict, 0) + 1
    print(f"{verdict:8} {name:36} {detail}", flush=True)


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
    one_d = ("Conv1D", "MaxPooling1D", "AveragePooling1D")
    if len(out) == 2 and any(type(l).__name__ in one_d for l in model.layers):
        out = [out[1], out[0]]  # past a 1-D conv, a signal: layerlab's [C, L]
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
        elif source == "transformers":
            for name, model_type, config, model in transformers_models():
                hf_judge(name, model_type, config, model, tally)
        elif source == "timm":
            for name, model, shape in timm_models():
                judge(name, model, shape, tally)
        elif source == "timm-families":
            for name, model, shape in timm_family_models():
                judge(name, model, shape, tally)
        summary[source] = tally
    print("== summary")
    for source, tally in summary.items():
        n = sum(tally.values())
        print(f"{source:12} {n:4} models: " + ", ".join(
            f"{k} {tally.get(k, 0)}" for k in ("EXACT", "SAID", "WRONG", "REFUSED")))


if __name__ == "__main__":
    main()
