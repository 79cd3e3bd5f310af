#!/usr/bin/env python3
"""Fixtures for `layerlab import` (#14), made with the real frameworks.

PyTorch printouts (`print(model)`) of torchvision's VGG-16, AlexNet,
ResNet-18 and MobileNetV2 and of a small Sequential; Keras `model.to_json()`
of VGG16, ResNet50, MobileNetV2 and a Sequential (also saved as a `.keras`
zip). Beside each, `expected.json` holds what the framework says: the
parameter count (trainable, and Keras' non-trainable), the output shape of
a forward pass, and for the Sequential ones every layer's output shape.

    /usr/bin/python3 scripts/import_fixtures.py torch            # torch + torchvision
    KERAS_BACKEND=jax /tmp/kenv/bin/python scripts/import_fixtures.py keras
"""
import json
import os
import sys

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "import")


def load_expected():
    path = os.path.join(OUT, "expected.json")
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    return {}


def save_expected(expected):
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


def torch_fixtures(expected):
    import torch
    import torchvision

    def small():
        return torch.nn.Sequential(
            torch.nn.Conv2d(1, 6, kernel_size=5, padding=2),
            torch.nn.ReLU(),
            torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(6, 16, kernel_size=5),
            torch.nn.BatchNorm2d(16),
            torch.nn.ReLU(inplace=True),
            torch.nn.AvgPool2d(2, stride=2),
            torch.nn.Flatten(),
            torch.nn.Linear(400, 120),
            torch.nn.Dropout(p=0.25),
            torch.nn.Linear(120, 10),
        )

    models = {
        "torch_vgg16": (torchvision.models.vgg16, (3, 224, 224)),
        "torch_alexnet": (torchvision.models.alexnet, (3, 224, 224)),
        "torch_resnet18": (torchvision.models.resnet18, (3, 224, 224)),
        "torch_mobilenet_v2": (torchvision.models.mobilenet_v2, (3, 224, 224)),
        "torch_sequential": (small, (1, 28, 28)),
    }
    for name, (make, shape) in models.items():
        model = make().eval()
        with open(os.path.join(OUT, name + ".txt"), "w") as f:
            f.write(str(model) + "\n")
        shapes = []
        if isinstance(model, torch.nn.Sequential):
            for m in model:
                m.register_forward_hook(lambda m, i, o: shapes.append(list(o.shape[1:])))
        with torch.no_grad():
            out = model(torch.zeros(1, *shape))
        expected[name] = {
            "input": list(shape),
            "params": sum(p.numel() for p in model.parameters()),
            "output": list(out.shape[1:]),
            "shapes": shapes,
        }


def keras_fixtures(expected):
    import keras

    def small():
        return keras.Sequential(
            [
                keras.Input((28, 28, 1)),
                keras.layers.Conv2D(8, 3, padding="same", activation="relu"),
                keras.layers.BatchNormalization(),
                keras.layers.MaxPooling2D(2),
                keras.layers.DepthwiseConv2D(3, use_bias=False),
                keras.layers.ZeroPadding2D(1),
                keras.layers.Conv2D(16, 3, strides=2),
                keras.layers.ReLU(max_value=6.0),
                keras.layers.Flatten(),
                keras.layers.Dropout(0.5),
                keras.layers.Dense(10, activation="softmax"),
            ]
        )

    apps = keras.applications
    models = {
        "keras_vgg16": lambda: apps.VGG16(weights=None),
        "keras_resnet50": lambda: apps.ResNet50(weights=None),
        "keras_mobilenet_v2": lambda: apps.MobileNetV2(weights=None),
        "keras_sequential": small,
    }
    for name, make in models.items():
        model = make()
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            f.write(model.to_json(indent=1) + "\n")
        trainable = sum(int(w.numpy().size) for w in model.trainable_weights)
        frozen = sum(int(w.numpy().size) for w in model.non_trainable_weights)
        shapes = []
        shape = (None,) + tuple(model.inputs[0].shape[1:])
        if isinstance(model, keras.Sequential):
            for layer in model.layers:
                shape = layer.compute_output_shape(shape)
                s = list(shape[1:])
                # channels last → layerlab's C, H, W
                shapes.append([s[-1]] + s[:-1] if len(s) == 3 else s)
            model.save(os.path.join(OUT, name + ".keras"))
            out = list(shape[1:])
        else:
            out = list(model.outputs[0].shape[1:])
        expected[name] = {
            "input": list(model.inputs[0].shape[1:]),
            "params": trainable,
            "non_trainable": frozen,
            "output": out,
            "shapes": shapes,
        }


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    expected = load_expected()
    which = sys.argv[1:] or ["torch", "keras"]
    if "torch" in which:
        torch_fixtures(expected)
    if "keras" in which:
        keras_fixtures(expected)
    save_expected(expected)
