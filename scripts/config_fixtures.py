#!/usr/bin/env python3
"""Writes the Hugging Face `config.json` fixtures of `layerlab import
config.json` and the numbers transformers gives for them.

For each listed `model_type`, a published model's settings (named beside
it) go through transformers' own config class and out as the config.json it
would save (`to_json_string(use_diff=True)`: only what differs from the
defaults, so the importer's defaults are tested too). The class its
`architectures` entry names is built from it on the meta device (no weights,
no memory) and its parameters counted as PyTorch counts them (a tied head
once); a forward pass on meta tensors gives the output shape.

Writes tests/fixtures/config/<name>.json and tests/fixtures/config/expected.json.
Usage: python3 scripts/config_fixtures.py   (needs torch and transformers;
       use a pip virtual environment outside the repository). Not run by CI.
"""
import json
import os

import torch
import transformers

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "config")

# name: (model_type, architecture, settings of the published model it copies)
CASES = {
    "llama3-8b": ("llama", "LlamaForCausalLM", dict(
        vocab_size=128256, hidden_size=4096, intermediate_size=14336, num_hidden_layers=32,
        num_attention_heads=32, num_key_value_heads=8, max_position_embeddings=8192,
        rope_theta=500000.0, rms_norm_eps=1e-5)),
    "llama-tiny-base": ("llama", "LlamaModel", dict(
        vocab_size=1000, hidden_size=64, intermediate_size=172, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=128,
        attention_bias=True, mlp_bias=True, head_dim=24)),
    "mistral-7b": ("mistral", "MistralForCausalLM", dict(
        vocab_size=32000, hidden_size=4096, intermediate_size=14336, num_hidden_layers=32,
        num_attention_heads=32, num_key_value_heads=8, max_position_embeddings=32768,
        sliding_window=4096)),
    "mixtral-8x7b": ("mixtral", "MixtralForCausalLM", dict(
        vocab_size=32000, hidden_size=4096, intermediate_size=14336, num_hidden_layers=32,
        num_attention_heads=32, num_key_value_heads=8, max_position_embeddings=32768,
        num_local_experts=8, num_experts_per_tok=2)),
    "qwen2-0.5b": ("qwen2", "Qwen2ForCausalLM", dict(
        vocab_size=151936, hidden_size=896, intermediate_size=4864, num_hidden_layers=24,
        num_attention_heads=14, num_key_value_heads=2, max_position_embeddings=32768,
        tie_word_embeddings=True)),
    "qwen3-0.6b": ("qwen3", "Qwen3ForCausalLM", dict(
        vocab_size=151936, hidden_size=1024, intermediate_size=3072, num_hidden_layers=28,
        num_attention_heads=16, num_key_value_heads=8, head_dim=128,
        max_position_embeddings=40960, tie_word_embeddings=True)),
    "qwen1.5-moe-a2.7b": ("qwen2_moe", "Qwen2MoeForCausalLM", dict(
        vocab_size=151936, hidden_size=2048, intermediate_size=5632, num_hidden_layers=24,
        num_attention_heads=16, num_key_value_heads=16, moe_intermediate_size=1408,
        shared_expert_intermediate_size=5632, num_experts=60, num_experts_per_tok=4,
        max_position_embeddings=8192)),
    "qwen3-30b-a3b": ("qwen3_moe", "Qwen3MoeForCausalLM", dict(
        vocab_size=151936, hidden_size=2048, intermediate_size=6144, num_hidden_layers=48,
        num_attention_heads=32, num_key_value_heads=4, head_dim=128, moe_intermediate_size=768,
        num_experts=128, num_experts_per_tok=8, max_position_embeddings=40960)),
    "gemma-3-1b": ("gemma3_text", "Gemma3ForCausalLM", dict(
        vocab_size=262144, hidden_size=1152, intermediate_size=6912, num_hidden_layers=26,
        num_attention_heads=4, num_key_value_heads=1, head_dim=256, sliding_window=512,
        max_position_embeddings=32768)),
    "gemma-2b": ("gemma", "GemmaForCausalLM", dict(
        vocab_size=256000, hidden_size=2048, intermediate_size=16384, num_hidden_layers=18,
        num_attention_heads=8, num_key_value_heads=1, head_dim=256,
        max_position_embeddings=8192, hidden_act="gelu_pytorch_tanh")),
    "gemma2-2b": ("gemma2", "Gemma2ForCausalLM", dict(
        vocab_size=256000, hidden_size=2304, intermediate_size=9216, num_hidden_layers=26,
        num_attention_heads=8, num_key_value_heads=4, head_dim=256,
        max_position_embeddings=8192, sliding_window=4096)),
    "phi-2": ("phi", "PhiForCausalLM", dict(
        vocab_size=51200, hidden_size=2560, intermediate_size=10240, num_hidden_layers=32,
        num_attention_heads=32, max_position_embeddings=2048, partial_rotary_factor=0.4)),
    "phi3-mini": ("phi3", "Phi3ForCausalLM", dict(
        vocab_size=32064, hidden_size=3072, intermediate_size=8192, num_hidden_layers=32,
        num_attention_heads=32, num_key_value_heads=32, max_position_embeddings=4096,
        sliding_window=2047)),
    "gpt2": ("gpt2", "GPT2LMHeadModel", dict()),
    "gpt2-base": ("gpt2", "GPT2Model", dict(n_layer=2, n_inner=1000)),
    "pythia-160m": ("gpt_neox", "GPTNeoXForCausalLM", dict(
        vocab_size=50304, hidden_size=768, intermediate_size=3072, num_hidden_layers=12,
        num_attention_heads=12, rotary_pct=0.25, max_position_embeddings=2048)),
    "falcon-7b": ("falcon", "FalconForCausalLM", dict(
        vocab_size=65024, hidden_size=4544, num_hidden_layers=32, num_attention_heads=71,
        multi_query=True, parallel_attn=True, bias=False, new_decoder_architecture=False,
        max_position_embeddings=2048)),
    "falcon-40b": ("falcon", "FalconForCausalLM", dict(
        vocab_size=65024, hidden_size=8192, num_hidden_layers=60, num_attention_heads=128,
        num_kv_heads=8, new_decoder_architecture=True, parallel_attn=True, bias=False,
        max_position_embeddings=2048)),
    "falcon-rw-1b": ("falcon", "FalconForCausalLM", dict(
        vocab_size=50304, hidden_size=2048, num_hidden_layers=24, num_attention_heads=32,
        alibi=True, bias=True, multi_query=False, parallel_attn=False,
        new_decoder_architecture=False)),
    "gpt-j-6b": ("gptj", "GPTJForCausalLM", dict()),
    "starcoder2-3b": ("starcoder2", "Starcoder2ForCausalLM", dict(
        vocab_size=49152, hidden_size=3072, intermediate_size=12288, num_hidden_layers=30,
        num_attention_heads=24, num_key_value_heads=2, max_position_embeddings=16384)),
    "starcoder2-tiny-base": ("starcoder2", "Starcoder2Model", dict(
        vocab_size=1000, hidden_size=64, intermediate_size=200, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, use_bias=False)),
    "opt-125m": ("opt", "OPTForCausalLM", dict(
        vocab_size=50272, hidden_size=768, ffn_dim=3072, num_hidden_layers=12,
        num_attention_heads=12, max_position_embeddings=2048, word_embed_proj_dim=768)),
    "opt-350m": ("opt", "OPTForCausalLM", dict(
        vocab_size=50272, hidden_size=1024, ffn_dim=4096, num_hidden_layers=24,
        num_attention_heads=16, max_position_embeddings=2048, word_embed_proj_dim=512,
        do_layer_norm_before=False)),
    "bloom-560m": ("bloom", "BloomForCausalLM", dict(
        vocab_size=250880, hidden_size=1024, n_layer=24, n_head=16)),
    "bert-base-uncased": ("bert", "BertForMaskedLM", dict()),
    "bert-base-model": ("bert", "BertModel", dict()),
    "bert-base-sst2": ("bert", "BertForSequenceClassification", dict(num_labels=2)),
    "roberta-base-mnli": ("roberta", "RobertaForSequenceClassification", dict(
        vocab_size=50265, max_position_embeddings=514, type_vocab_size=1, num_labels=3)),
    "distilbert-sst2": ("distilbert", "DistilBertForSequenceClassification", dict(num_labels=2)),
    "roberta-base": ("roberta", "RobertaForMaskedLM", dict(
        vocab_size=50265, max_position_embeddings=514, type_vocab_size=1)),
    "distilbert-base-uncased": ("distilbert", "DistilBertForMaskedLM", dict()),
    "albert-base-v2": ("albert", "AlbertForMaskedLM", dict(
        vocab_size=30000, hidden_size=768, num_attention_heads=12, intermediate_size=3072,
        embedding_size=128)),
    "albert-base-model": ("albert", "AlbertModel", dict(
        vocab_size=30000, hidden_size=768, num_attention_heads=12, intermediate_size=3072,
        embedding_size=128)),
    "electra-small-generator": ("electra", "ElectraForMaskedLM", dict()),
    "electra-base-discriminator-model": ("electra", "ElectraModel", dict(
        embedding_size=768, hidden_size=768, intermediate_size=3072, num_attention_heads=12)),
    "electra-small-sst2": ("electra", "ElectraForSequenceClassification", dict(num_labels=2)),
    "vit-base-patch16-224": ("vit", "ViTForImageClassification", dict(
        num_labels=1000)),
    "vit-base-model": ("vit", "ViTModel", dict()),
    # q and k norms over all heads, norms after each half only.
    "olmo2-1b": ("olmo2", "Olmo2ForCausalLM", dict(
        vocab_size=100352, hidden_size=2048, intermediate_size=8192, num_hidden_layers=16,
        num_attention_heads=16)),
    "mamba-130m": ("mamba", "MambaForCausalLM", dict(
        vocab_size=50280, hidden_size=768, num_hidden_layers=24, state_size=16,
        expand=2, conv_kernel=4)),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    expected = {}
    for name, (model_type, arch, settings) in CASES.items():
        config = transformers.AutoConfig.for_model(model_type, architectures=[arch], **settings)
        if hasattr(config, "_attn_implementation"):
            config._attn_implementation = "eager"
        with open(os.path.join(OUT, f"{name}.json"), "w") as f:
            f.write(config.to_json_string(use_diff=True))
        with torch.device("meta"):
            model = getattr(transformers, arch)(config)
        total = sum(p.numel() for p in model.parameters())
        case = {"model_type": model_type, "architecture": arch, "total_params": total}
        try:
            if model_type == "vit":
                size = config.image_size
                x = torch.zeros(1, config.num_channels, size, size, device="meta")
                out = model(pixel_values=x)
            else:
                length = min(getattr(config, "max_position_embeddings", None)
                             or getattr(config, "n_positions", None) or 2048, 2048)
                ids = torch.zeros(1, length, dtype=torch.long, device="meta")
                out = model(input_ids=ids)
                case["length"] = length
            first = out[0] if isinstance(out, tuple) else next(iter(out.values()))
            case["output"] = list(first.shape[1:])
        except Exception as e:  # a shape the importer must still be checked on
            case["forward"] = f"{type(e).__name__}: {e}"[:200]
        expected[name] = case
        print(f"{name:26} {arch:28} {total:>15,} {case.get('output')}")
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
