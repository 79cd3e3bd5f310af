#!/usr/bin/env python3
"""Writes tests/fixtures/gguf/tiny.gguf with gguf-py (llama.cpp's own
writer): a few tensors in F32, F16, Q8_0, Q4_K and Q6_K, zero weights, and
metadata of every kind a real file carries (strings, a vocabulary array,
numbers), then reads it back with gguf-py's reader and prints what it
counts, which tests/cli.rs holds `layerlab weights` to.

Usage: python3 scripts/gguf_fixture.py [OUT.gguf]   (needs numpy and gguf)
"""
import sys

import numpy as np
import gguf
from gguf import GGMLQuantizationType as T
from gguf.constants import GGML_QUANT_SIZES

out = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/gguf/tiny.gguf"
w = gguf.GGUFWriter(out, "llama")
w.add_name("tiny")
w.add_context_length(128)
w.add_uint32("llama.block_count", 2)
w.add_float32("llama.rope.freq_base", 10000.0)
w.add_token_list([f"tok{i}" for i in range(100)])
w.add_token_scores([0.0] * 100)
w.add_bool("tokenizer.ggml.add_bos_token", True)

def add(name, shape, kind):
    """`shape` in PyTorch's order (the last dimension moves fastest)."""
    if kind in (T.F32, T.F16):
        data = np.zeros(shape, dtype=np.float32 if kind == T.F32 else np.float16)
        w.add_tensor(name, data)
        return
    # Quantized: gguf-py takes the bytes, a row of whole blocks at a time.
    block, size = GGML_QUANT_SIZES[kind]
    rows, cols = shape
    data = np.zeros((rows, cols // block * size), dtype=np.uint8)
    w.add_tensor(name, data, raw_shape=data.shape, raw_dtype=kind)

add("token_embd.weight", (100, 256), T.F16)
add("blk.0.attn_q.weight", (256, 256), T.Q4_K)
add("blk.0.ffn_down.weight", (256, 512), T.Q8_0)
add("blk.1.attn_q.weight", (256, 256), T.Q6_K)
add("blk.1.ffn_down.weight", (256, 512), T.Q8_0)
add("output_norm.weight", (256,), T.F32)
w.write_header_to_file()
w.write_kv_data_to_file()
w.write_tensors_to_file()
w.close()

r = gguf.GGUFReader(out)
total = sum(int(t.n_elements) for t in r.tensors)
nbytes = sum(int(t.n_bytes) for t in r.tensors)
print(f"{len(r.tensors)} tensors, {total} values, {nbytes} bytes")
for t in r.tensors:
    print(t.name, t.tensor_type.name, list(map(int, t.shape)), int(t.n_elements), int(t.n_bytes))
