//! Words that are names, not prose, on a Russian screen: the models the
//! presets stand for, and every preset's and layer kind's own name.

/// Model and layer names as papers write them.
const MODELS: &[&str] = &[
    "Llama",
    "SwiGLU",
    "RMSNorm",
    "RMS",
    "Mistral",
    "Mixtral",
    "Qwen3",
    "Mamba",
    "ALBERT",
    "base",
    "ViT",
    "ConvNeXt",
    "LayerNorm",
    "EfficientNet",
    "MBConv",
    "squeeze",
    "excitation",
    "SiLU",
    "MobileNetV3",
    "Large",
    "hardswish",
    "hardsigmoid",
];

/// Whether `word` is a name: a model's, a preset's (or a part of one,
/// `llama3` of `llama3-8b`) or a layer kind's.
pub fn named(word: &str) -> bool {
    MODELS.contains(&word)
        || layerlab::presets::names()
            .any(|p| p == word || p.split(['-', '.']).any(|part| part == word))
        || layerlab::layer::Kind::from_name(word).is_some()
}
