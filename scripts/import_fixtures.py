#!/usr/bin/env python3
"""Fixtures for `layerlab import` (#14), made with the real frameworks.

PyTorch printouts (`print(model)`) of torchvision's VGG-16, AlexNet,
ResNet-18 and MobileNetV2 and of a small Sequential; Keras `model.to_json()`
of VGG16, ResNet50, MobileNetV2 and a Sequential (also saved as a `.keras`
zip). Beside each, `expected.json` holds what the framework says: the
parameter count (trainable, and Keras' non-trainable), the output shape of
a forward pass, and for the Sequential ones every layer's output shape.

Today's models (#21): torchvision's EfficientNet, MobileNetV3, ConvNeXt,
ViT, RegNetY, ShuffleNetV2, SqueezeNet, DenseNet, GoogLeNet, Inception v3,
FCN, DeepLabV3, the video R(2+1)D and S3D and a quantizable ResNet, timm's ResNet-D, SE-ResNet, EfficientNet-GN and
ConvNeXt, built on the meta device; and small Sequentials of torch.nn
modules whose printed arguments change the count (`LayerNorm(bias=False)`,
`Conv2d(3, 8, 3, 2)`), or that layerlab must refuse (`refuse`: a phrase of
the reason).

    /usr/bin/python3 scripts/import_fixtures.py torch            # torch + torchvision
    /tmp/tv/bin/python scripts/import_fixtures.py modern         # + timm, torch 2.4 or later
    KERAS_BACKEND=torch /tmp/tv/bin/python scripts/import_fixtures.py keras_modern
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


def hf_llama_tiny():
    import torch
    import transformers
    config = transformers.LlamaConfig(
        vocab_size=1000, hidden_size=64, intermediate_size=172, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2)
    with torch.device("meta"):
        return transformers.LlamaForCausalLM(config)


def modern_fixtures(expected):
    import timm
    import torch
    import torchvision
    from torch import nn

    tv = torchvision.models
    big = {
        "torch_efficientnet_b0": (lambda: tv.efficientnet_b0(), (3, 224, 224)),
        "torch_mobilenet_v3_small": (lambda: tv.mobilenet_v3_small(), (3, 224, 224)),
        "torch_convnext_tiny": (lambda: tv.convnext_tiny(), (3, 224, 224)),
        "torch_vit_b_32": (lambda: tv.vit_b_32(), (3, 224, 224)),
        "torch_regnet_y_400mf": (lambda: tv.regnet_y_400mf(), (3, 224, 224)),
        "torch_shufflenet_v2_x0_5": (lambda: tv.shufflenet_v2_x0_5(), (3, 224, 224)),
        "torch_squeezenet1_1": (lambda: tv.squeezenet1_1(), (3, 224, 224)),
        "torch_densenet121": (lambda: tv.densenet121(), (3, 224, 224)),
        "torch_googlenet": (lambda: tv.googlenet(), (3, 224, 224)),
        "torch_fcn_resnet50": (lambda: tv.segmentation.fcn_resnet50(weights_backbone=None),
                               (3, 224, 224)),
        "torch_quantizable_resnet18": (lambda: tv.quantization.resnet18(), (3, 224, 224)),
        # Inception v3's InceptionA-E: pools that forward calls, E's split 3x3s.
        "torch_inception_v3": (lambda: tv.inception_v3(init_weights=False), (3, 299, 299)),
        # ASPP: a pooled branch scaled back to the map's size in forward.
        "torch_deeplabv3_mobilenet_v3_large": (
            lambda: tv.segmentation.deeplabv3_mobilenet_v3_large(weights_backbone=None), (3, 224, 224)),
        # LRASPP reads its backbone at two depths (low_classifier + gated high), then scales up.
        "torch_lraspp_mobilenet_v3_large": (
            lambda: tv.segmentation.lraspp_mobilenet_v3_large(weights_backbone=None), (3, 224, 224)),
        # The video ResNets' blocks (conv1/conv2 Sequentials), AdaptiveAvgPool3d.
        "torch_r2plus1d_18": (lambda: tv.video.r2plus1d_18(), (3, 16, 112, 112)),
        # S3D: SepInceptionBlock3D (branch0-3), the mean its forward ends with.
        "torch_s3d": (lambda: tv.video.s3d(), (3, 16, 224, 224)),
        "timm_resnet50d": (lambda: timm.create_model("resnet50d"), (3, 224, 224)),
        # ResNet-D's avg_down shortcut pools with ceil_mode=True, which an
        # AvgPool2d printout never shows: at 176×176 (its own size) it matters.
        "timm_resnet10t": (lambda: timm.create_model("resnet10t"), (3, 176, 176)),
        # MetaFormerBlock: two residual halves, GroupNorm1, Scale() per channel.
        "timm_poolformer_s12": (lambda: timm.create_model("poolformer_s12"), (3, 224, 224)),
        # timm's DenseLayer: torchvision's without ReLU children (BatchNormAct2d).
        "timm_densenet121": (lambda: timm.create_model("densenet121"), (3, 224, 224)),
        # RepVggBlock as trained: k×k, 1×1 and a BatchNorm of the input, summed.
        "timm_repvgg_a0": (lambda: timm.create_model("repvgg_a0"), (3, 224, 224)),
        # GhostModule (a concat of a conv and its cheap operation), GhostBottleneck.
        "timm_ghostnet_100": (lambda: timm.create_model("ghostnet_100"), (3, 224, 224)),
        # ByobNet's BottleneckBlock, its shortcut printed first, added last.
        "timm_resnext26ts": (lambda: timm.create_model("resnext26ts"), (3, 256, 256)),
        "timm_seresnet18": (lambda: timm.create_model("seresnet18"), (3, 224, 224)),
        # timm's RegNet Bottleneck (act3 after the sum, shortcut as printed).
        "timm_regnetx_002": (lambda: timm.create_model("regnetx_002"), (3, 224, 224)),
        # PreBottleneck: the shortcut taken after norm1.
        "timm_regnetv_040": (lambda: timm.create_model("regnetv_040"), (3, 224, 224)),
        # XceptionModule (shortcut or identity; no_skip: none) and the pre-activation one.
        "timm_xception41": (lambda: timm.create_model("xception41"), (3, 299, 299)),
        "timm_xception41p": (lambda: timm.create_model("xception41p"), (3, 299, 299)),
        # CSPNet's CrossStage (channels split in halves, one through the blocks).
        "timm_cspresnet50": (lambda: timm.create_model("cspresnet50"), (3, 256, 256)),
        # CSPDarkNet's DarkBlock (added to its input, no activation after).
        "timm_cspdarknet53": (lambda: timm.create_model("cspdarknet53"), (3, 256, 256)),
        # VoVNet's OsaBlock: the input and each conv's output concatenated.
        "timm_ese_vovnet19b_dw": (lambda: timm.create_model("ese_vovnet19b_dw"), (3, 224, 224)),
        # InceptionDWConv2d's channel split, MetaNeXtBlock's unprinted gamma.
        "timm_inception_next_atto": (lambda: timm.create_model("inception_next_atto"), (3, 224, 224)),
        # Res2Net's Bottle2neck: chained splits (each part after the last's result).
        "timm_res2net50d": (lambda: timm.create_model("res2net50d"), (3, 224, 224)),
        # DPN's DualPathBlock: residual and dense parts of one tensor (b: split last conv).
        "timm_dpn48b": (lambda: timm.create_model("dpn48b"), (3, 224, 224)),
        "timm_dpn68": (lambda: timm.create_model("dpn68"), (3, 224, 224)),
        # NormFreeBlock (pre-activation), ScaledStdConv2d's unprinted gain per filter.
        "timm_nfnet_f0": (lambda: timm.create_model("nfnet_f0"), (3, 192, 192)),
        "timm_nf_regnet_b1": (lambda: timm.create_model("nf_regnet_b1"), (3, 240, 240)),
        # BiT: PreActBottleneck, StdConv2d, ConstantPad2d(value=0).
        "timm_resnetv2_50x1_bit": (lambda: timm.create_model("resnetv2_50x1_bit"), (3, 224, 224)),
        # RmsNorm2d() prints nothing: a norm over the channels that come.
        "timm_convnext_atto_rms": (lambda: timm.create_model("convnext_atto_rms"), (3, 224, 224)),
        # MLP-Mixer: PatchEmbed's tokens, MixerBlock's transposes, the tokens' mean.
        "timm_mixer_s16_224": (lambda: timm.create_model("mixer_s16_224"), (3, 224, 224)),
        # DLA's DlaTree: tensors kept for the bottom-right root (level_root from its width).
        "timm_dla34": (lambda: timm.create_model("dla34"), (3, 224, 224)),
        "timm_dla60_res2net": (lambda: timm.create_model("dla60_res2net"), (3, 224, 224)),
        # BlurPool2d() prints nothing: a fixed blur at stride 2 (no weights).
        "timm_efficientnet_blur_b0": (lambda: timm.create_model("efficientnet_blur_b0"), (3, 224, 224)),
        # EcaModule: a Conv1d along the channels' means; MixedConv2d's channel split;
        # the legacy SENet blocks (one ReLU printed, used after each norm).
        "timm_ecaresnet26t": (lambda: timm.create_model("ecaresnet26t"), (3, 256, 256)),
        "timm_mixnet_s": (lambda: timm.create_model("mixnet_s"), (3, 224, 224)),
        "timm_legacy_seresnet18": (lambda: timm.create_model("legacy_seresnet18"), (3, 224, 224)),
        # ByobNet's BasicBlock (attn after its first conv), MobileOneBlock's branches.
        "timm_gernet_s": (lambda: timm.create_model("gernet_s"), (3, 224, 224)),
        "timm_mobileone_s0": (lambda: timm.create_model("mobileone_s0"), (3, 224, 224)),
        # ConvNeXt V2: GlobalResponseNorm in the MLP, no gamma.
        "timm_convnextv2_atto": (lambda: timm.create_model("convnextv2_atto"), (3, 224, 224)),
        # GhostModuleV2: the gate from a pooled short_conv, scaled back to size.
        "timm_ghostnetv2_100": (lambda: timm.create_model("ghostnetv2_100"), (3, 224, 224)),
        "timm_efficientnet_b0_gn": (lambda: timm.create_model("efficientnet_b0_gn"), (3, 224, 224)),
        "timm_convnext_atto": (lambda: timm.create_model("convnext_atto"), (3, 224, 224)),
        # MetaFormer: StarReLU (s and b unprinted), LayerNormNoBias, a fused-qkv
        # Attention on the stage's tokens (CAFormer); GroupNorm1NoBias (PoolFormer v2).
        "timm_caformer_s18": (lambda: timm.create_model("caformer_s18"), (3, 224, 224)),
        "timm_poolformerv2_s12": (lambda: timm.create_model("poolformerv2_s12"), (3, 224, 224)),
        # ResNeSt's SplitAttn and SKNet's SelectiveKernel: groups weighed by a gate, summed.
        "timm_resnest14d": (lambda: timm.create_model("resnest14d"), (3, 224, 224)),
        "timm_skresnet18": (lambda: timm.create_model("skresnet18"), (3, 224, 224)),
        # GCNet's GlobalContext: a softmax-weighted context added (mlp_add) or gating (mlp_scale).
        "timm_gcresnext26ts": (lambda: timm.create_model("gcresnext26ts"), (3, 256, 256)),
        # StarNet's Block (act(f1) * f2); RepViT's distilled head (two heads' mean).
        "timm_starnet_s1": (lambda: timm.create_model("starnet_s1"), (3, 224, 224)),
        "timm_repvit_m0_9": (lambda: timm.create_model("repvit_m0_9"), (3, 224, 224)),
        # GluMlp's halves (gMixer); ResMLP's Affine and its ResBlock's unprinted ls1/ls2.
        "timm_gmixer_12_224": (lambda: timm.create_model("gmixer_12_224"), (3, 224, 224)),
        "timm_resmlp_12_224": (lambda: timm.create_model("resmlp_12_224"), (3, 224, 224)),
        # HGNet's HighPerfGpuBlock (OSA-like, `(0-4): 5 x` layers each kept) and EseModule.
        "timm_hgnet_tiny": (lambda: timm.create_model("hgnet_tiny"), (3, 224, 224)),
        # SelecSLS: blocks carry [x, skip]; SelectSeq takes x.
        "timm_selecsls42b": (lambda: timm.create_model("selecsls42b"), (3, 224, 224)),
        # FastViT: RepMixer (mixer − norm), large and small kernels summed, the
        # attention stage on the map's positions, MobileOneBlock's squeeze-excitation.
        "timm_fastvit_sa12": (lambda: timm.create_model("fastvit_sa12"), (3, 256, 256)),
        # MambaOut: channels-last norms and Linears read on the map, GatedConvBlock's split.
        "timm_mambaout_femto": (lambda: timm.create_model("mambaout_femto"), (3, 224, 224)),
        "timm_test_mambaout": (lambda: timm.create_model("test_mambaout"), (3, 160, 160)),
        # CSPNeXt's layer, SPP bottleneck and blocks; SE-DarkNet's attn between its convs.
        "timm_cspnext_tiny": (lambda: timm.create_model("cspnext_tiny"), (3, 224, 224)),
        "timm_sedarknet21": (lambda: timm.create_model("sedarknet21"), (3, 256, 256)),
        # gMLP's GatedMlp: fc1's halves, the spatial gate along the tokens.
        "timm_gmlp_ti16_224": (lambda: timm.create_model("gmlp_ti16_224"), (3, 224, 224)),
        # FasterNet: Partial_conv3's split, MLPBlock's skip from before it, downsample first.
        "timm_fasternet_t0": (lambda: timm.create_model("fasternet_t0"), (3, 224, 224)),
        # RepGhostNet: the ghost module's cheap and fusion branches summed, its bottleneck.
        "timm_repghostnet_050": (lambda: timm.create_model("repghostnet_050"), (3, 224, 224)),
    }
    for name, (make, shape) in big.items():
        for device in ("meta", "cpu"):  # RegNet's init copies a tensor
            try:
                with torch.device(device):
                    model = make().eval()
                break
            except NotImplementedError:
                continue
        with open(os.path.join(OUT, name + ".txt"), "w") as f:
            f.write(str(model) + "\n")
        device = next(model.parameters()).device
        with torch.no_grad():
            out = model(torch.zeros(1, *shape, device=device))
        if isinstance(out, dict):
            out = out["out"]
        case = {
            "input": list(shape),
            "params": sum(p.numel() for p in model.parameters()),
            "output": list(out.shape[1:]),
            "shapes": [],
        }
        if name == "torch_googlenet":
            aux = sum(p.numel() for m in (model.aux1, model.aux2) for p in m.parameters())
            case["left_out"] = aux
        if name == "torch_inception_v3":
            case["left_out"] = sum(p.numel() for p in model.AuxLogits.parameters())
        expected[name] = case

    seq = nn.Sequential
    small = {
        "torch_layernorm_no_bias": (seq(nn.Linear(8, 8), nn.LayerNorm(8, bias=False)), (4, 8)),
        "torch_groupnorm_no_bias": (seq(nn.Conv2d(3, 8, 3), nn.GroupNorm(2, 8, bias=False)), (3, 9, 9)),
        "torch_layernorm_no_affine": (seq(nn.Linear(8, 8), nn.LayerNorm(8, elementwise_affine=False)), (4, 8)),
        "torch_rmsnorm": (seq(nn.Linear(8, 16), nn.RMSNorm(16)), (4, 8)),
        "torch_batchnorm_affine_bias": (seq(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4, bias=False),
                                            nn.BatchNorm2d(4, affine=False)), (3, 8, 8)),
        "torch_conv_positional": (seq(nn.Conv2d(3, 8, 3, 2), nn.Conv2d(8, 8, 3, 1, 1, 1, 2, False)), (3, 9, 9)),
        "torch_pool_stride": (seq(nn.MaxPool2d(3, stride=1), nn.AvgPool2d(2, stride=(2, 1))), (3, 9, 9)),
        "torch_norms": (seq(nn.Conv2d(3, 32, 3), nn.GroupNorm(4, 32), nn.InstanceNorm2d(32, affine=True),
                            nn.PReLU(32), nn.PixelShuffle(2), nn.ChannelShuffle(2)), (3, 9, 9)),
        "torch_activations": (seq(nn.Conv2d(3, 8, 3), nn.SiLU(), nn.Hardswish(), nn.GELU(approximate="tanh"),
                                  nn.LeakyReLU(0.2), nn.Mish(), nn.ELU(), nn.ReLU6(), nn.Hardsigmoid(),
                                  nn.PReLU()), (3, 9, 9)),
    }
    refused = {
        "torch_batchnorm_channels": (seq(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(16)), (3, 9, 9), "16 input channels"),
        # A transformers model's printout cannot say if its head is tied: its config.json can.
        "hf_llama_tiny": (hf_llama_tiny(), (16,), "import its config.json"),
    }
    # Read as more layers than PyTorch's modules (Flatten(start_dim=2) is two
    # to_tokens): the count and output compared, not each module's shape.
    whole = {
        "torch_flatten_start2": (seq(nn.Conv2d(3, 4, 3), nn.Flatten(start_dim=2)), (3, 8, 8)),
        "torch_upsample_size": (seq(nn.Upsample(size=(20, 20)), nn.Conv2d(3, 4, 3)), (3, 9, 9)),
        "torch_lstm_proj": (seq(nn.LSTM(64, 128, proj_size=32)), (10, 64)),
    }
    cases = [(n, m, s, True) for n, (m, s) in small.items()]
    cases += [(n, m, s, False) for n, (m, s) in whole.items()]
    for name, model, shape, each in cases:
        shapes = []
        if each:
            for m in model:
                m.register_forward_hook(lambda m, i, o: shapes.append(list(o.shape[1:])))
        with torch.no_grad():
            out = model(torch.zeros(1, *shape))
        out = out[0] if isinstance(out, tuple) else out  # an LSTM's (output, state)
        with open(os.path.join(OUT, name + ".txt"), "w") as f:
            f.write(str(model) + "\n")
        expected[name] = {
            "input": list(shape),
            "params": sum(p.numel() for p in model.parameters()),
            "output": list(out.shape[1:]),
            "shapes": shapes,
        }
    for name, (model, shape, why) in refused.items():
        with open(os.path.join(OUT, name + ".txt"), "w") as f:
            f.write(str(model) + "\n")
        expected[name] = {
            "input": list(shape),
            "params": sum(p.numel() for p in model.parameters()),
            "refuse": why,
        }


def keras_modern_fixtures(expected):
    """Keras layers whose settings change counts (#24): a Conv1D reads
    (steps, channels), causal or not; a Conv1D over an embedding is refused;
    LayerNormalization's and BatchNormalization's center and scale; pooling
    defaults; applications whose layers are Sequentials, Dense on maps,
    plain-number arithmetic."""
    import keras
    from keras import layers as L

    def seq(shape, *ls):
        return keras.Sequential([keras.Input(shape), *ls])

    exact = {
        "keras_conv1d": seq((100, 64), L.Conv1D(32, 3), L.Conv1D(16, 5, strides=2)),
        "keras_layernorm_scale_only": seq((10, 16), L.Dense(16), L.LayerNormalization(center=False)),
        "keras_layernorm_plain": seq((10, 16), L.Dense(16), L.LayerNormalization(center=False, scale=False)),
        "keras_pool_default": seq((32, 32, 3), L.Conv2D(8, 3), L.MaxPooling2D(), L.AveragePooling2D(3)),
        # BatchNormalization without its scale (Inception's) or its shift.
        "keras_batchnorm_center_scale": seq((8, 8, 3), L.Conv2D(4, 3), L.BatchNormalization(scale=False),
                                            L.Conv2D(4, 3), L.BatchNormalization(center=False),
                                            L.BatchNormalization(center=False, scale=False)),
        # padding="causal": the length and weights of "same", at strides 1 and 2.
        "keras_conv1d_causal": seq((100, 64), L.Conv1D(32, 3, padding="causal"),
                                   L.Conv1D(16, 4, strides=2, dilation_rate=1, padding="causal")),
        # A Dense on a signal's channels: a 1x1 Conv1D on layerlab's [C, L].
        "keras_conv1d_dense": seq((100, 64), L.Conv1D(32, 3), L.Dense(8)),
        # Sequentials used as layers, Dense and LayerNormalization on a map's
        # channels, LayerScale.
        "keras_convnext_tiny": keras.applications.ConvNeXtTiny(weights=None),
        # x + 3.0 and x * (1/6): hard sigmoid and hard swish from constants.
        "keras_mobilenet_v3_small": keras.applications.MobileNetV3Small(
            weights=None, input_shape=(224, 224, 3)),
    }
    # A Conv1D on an embedding in a chain: the sequence turned to [C, L]
    # once; a text CNN: pooled over its steps, then a Dense.
    exact["keras_embedding_conv1d"] = seq((50,), L.Embedding(1000, 16), L.Conv1D(8, 3))
    exact["keras_text_cnn"] = seq((50,), L.Embedding(1000, 16), L.Conv1D(8, 3, activation="relu"),
                                  L.MaxPooling1D(), L.Conv1D(8, 3), L.GlobalMaxPooling1D(), L.Dense(4))
    inp = keras.Input((50,))
    x = L.Embedding(1000, 16)(inp)
    branched = keras.Model(inp, L.Add()([L.Conv1D(16, 1)(x), L.Dense(16)(x)]))
    refused = {
        # Beside a branch that reads the sequence as it is: not turned.
        "keras_embedding_conv1d_branch": (branched, "(steps, channels)"),
    }
    for name, model in exact.items():
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            # The applications are big: written without indentation.
            f.write(model.to_json(indent=None if "_v3_" in name or "convnext" in name else 1) + "\n")
        out = list(model.outputs[0].shape[1:])
        # channels last → layerlab's C, H, W; a signal (steps, channels) → [C, L]
        out = [out[2], out[0], out[1]] if len(out) == 3 else out
        if name in ("keras_conv1d", "keras_conv1d_dense", "keras_conv1d_causal",
                    "keras_embedding_conv1d"):
            out = [out[1], out[0]]
        expected[name] = {
            "input": list(model.inputs[0].shape[1:]),
            "params": sum(int(w.numpy().size) for w in model.trainable_weights),
            "non_trainable": sum(int(w.numpy().size) for w in model.non_trainable_weights),
            "output": out,
            "shapes": [],
        }
    for name, (model, why) in refused.items():
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            f.write(model.to_json(indent=1) + "\n")
        expected[name] = {
            "input": list(model.inputs[0].shape[1:]),
            "params": sum(int(w.numpy().size) for w in model.trainable_weights),
            "refuse": why,
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
    if "modern" in which:
        modern_fixtures(expected)
    if "keras_modern" in which:
        keras_modern_fixtures(expected)
    save_expected(expected)
