#!/usr/bin/env python3
"""Check `layerlab export` against real frameworks.

For every preset and every `tests/fixtures/export_*.toml`, export the network
to PyTorch and to Keras, build it in the framework, and compare every layer's
output shape and parameter count with `layerlab summary --format json`.
Exported modules name layerlab's layer n `l{n}` (padding before it
`l{n}_pad`, its activation `l{n}_<name>`), which is how layers are matched.

Usage: python3 scripts/check_export.py [BIN] [--cases CASES.json]
BIN: target/release/layerlab. CASES: networks as `scripts/tree_cases.py`
or `scripts/seq_cases.py` write them (random branching, sequence, signal and
volume networks); those layerlab finds valid are exported and checked too.
Weights shared by a tied head count once, where they first appear. Keras's
LSTM and SimpleRNN keep one bias vector per gate where PyTorch keeps two:
the Keras module lists the difference per layer (KERAS_DIFFERS) and the
check takes it into account. A container (add, concat, block) is compared as
a whole: what leaves it and every parameter inside it.
PyTorch modules are built and run on the meta device (torch 2.4 or later,
for nn.RMSNorm): no weights, no memory, so the LLM presets check too.
Needs torch and/or keras (with any backend, e.g. `pip install keras jax`);
a framework that is not installed is skipped and said so. Keras allocates
real weights, so networks above 400M parameters are checked in PyTorch only. Not run by CI.
"""
import glob
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARGS = [a for a in sys.argv[1:]]
CASES = None
if "--cases" in ARGS:
    i = ARGS.index("--cases")
    CASES = ARGS[i + 1]
    del ARGS[i:i + 2]
BIN = ARGS[0] if ARGS else os.path.join(ROOT, "target", "release", "layerlab")
os.environ.setdefault("KERAS_BACKEND", "jax")
# Keras has no meta device: it allocates every weight, so the LLM presets
# (billions of parameters) are left to the PyTorch check.
KERAS_LARGEST = 400_000_000


def run(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, check=True).stdout


def sources():
    names = [line.split()[0] for line in run("presets").splitlines() if line.strip()]
    for name in names:
        yield name, ["--preset", name]
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "fixtures", "export_*.toml"))):
        yield os.path.basename(path), [path]
    if CASES:
        tmp = tempfile.mkdtemp()
        for case in json.load(open(CASES)):
            path = os.path.join(tmp, case["name"] + ".toml")
            with open(path, "w") as f:
                f.write(case["toml"])
            yield case["name"], [path]


def load_module(code, tmp, name):
    path = os.path.join(tmp, name + ".py")
    with open(path, "w") as f:
        f.write(code)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def own(name, n):
    """The module or layer names that belong to layerlab's layer n."""
    return name == f"l{n}" or name.startswith(f"l{n}_")


def check_torch(module, summary):
    import torch

    # On the meta device: shapes and parameters without memory, so an 8B
    # model checks on a laptop.
    with torch.device("meta"):
        model = module.build().eval()
    shapes = {}
    for name, sub in model.named_children():
        if re.fullmatch(r"l\d+", name):
            sub.register_forward_hook(lambda m, i, o, name=name: shapes.__setitem__(name, list(o.shape[1:])))
    example = getattr(module, "example_input", None)
    with torch.device("meta"), torch.no_grad():
        model(example() if example else torch.zeros(1, *summary["input"]))
    problems = []
    seen = set()  # a tied weight counts once, where it first appears
    for layer in summary["layers"]:
        n = layer["index"]
        params = 0
        for name, sub in model.named_children():
            for p in sub.parameters() if own(name, n) else []:
                if id(p) not in seen:
                    seen.add(id(p))
                    params += p.numel()
        if shapes.get(f"l{n}") != layer["output"]:
            problems.append(f"layer {n}: output {shapes.get(f'l{n}')}, layerlab {layer['output']}")
        if params != layer["params"]:
            problems.append(f"layer {n}: {params} params, layerlab {layer['params']}")
    return problems


def check_keras(module, summary):
    import keras

    model = module.build()
    problems = []
    seen = set()
    # Where Keras counts differently (its LSTM and SimpleRNN keep one bias
    # vector per gate, PyTorch two), the module says by how much per layer.
    differs = getattr(module, "KERAS_DIFFERS", {})
    for layer in summary["layers"]:
        n = layer["index"]
        shape = list(model.get_layer(f"l{n}").output.shape[1:])
        if len(shape) in (3, 4):  # channels last → first (images, volumes)
            shape = [shape[-1], *shape[:-1]]
        params = 0
        for l in model.layers:
            for w in l.trainable_weights if own(l.name, n) else []:
                if id(w) not in seen:
                    seen.add(id(w))
                    params += int(keras.ops.size(w))
        params += sum(d for name, d in differs.items() if own(name, n))
        if shape != layer["output"]:
            problems.append(f"layer {n}: output {shape}, layerlab {layer['output']}")
        if params != layer["params"]:
            problems.append(f"layer {n}: {params} params, layerlab {layer['params']}")
    return problems


def main():
    frameworks = []
    for name, check in [("torch", check_torch), ("keras", check_keras)]:
        if importlib.util.find_spec(name) is None:
            print(f"{name} is not installed: skipping it")
        else:
            frameworks.append((name, check))
    total = bad = refused = 0
    with tempfile.TemporaryDirectory() as tmp:
        for label, args in sources():
            summary = json.loads(run("summary", *args, "--format", "json"))
            if summary["error_at"] is not None:
                continue  # a broken network is refused by export, by design
            for name, check in frameworks:
                if name == "keras" and summary["total_params"] > KERAS_LARGEST:
                    print(f"{label} (keras): skipped, Keras would hold real weights")
                    continue
                total += 1
                to = "pytorch" if name == "torch" else "keras"
                try:
                    code = run("export", *args, "--to", to)
                except subprocess.CalledProcessError as e:
                    # layerlab says why it cannot write this faithfully.
                    refused += 1
                    print(f"{label} ({name}): refused by layerlab: {e.stderr.strip()[:160]}")
                    continue
                module_name = re.sub(r"\W", "_", f"{to}_{label}")
                try:
                    problems = check(load_module(code, tmp, module_name), summary)
                except Exception as e:  # the framework refused to build it
                    problems = [f"{type(e).__name__}: {e}"]
                if problems:
                    bad += 1
                    print(f"{label} ({name}): " + "; ".join(problems[:3]))
                else:
                    print(f"{label} ({name}): every layer matches")
    print(f"{total - bad - refused}/{total - refused} exports match ({refused} refused by layerlab)")
    sys.exit(1 if bad or total == refused else 0)


if __name__ == "__main__":
    main()
