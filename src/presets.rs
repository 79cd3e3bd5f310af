//! The built-in networks: ordinary architecture files from `assets/`,
//! compiled into the binary so `--preset lenet` works anywhere.

use crate::file::{FileError, Source};
use crate::network::Network;

pub struct Preset {
    pub name: &'static str,
    pub source: &'static str,
}

pub const PRESETS: &[Preset] = &[
    Preset {
        name: "mlp",
        source: include_str!("../assets/mlp.toml"),
    },
    Preset {
        name: "lenet",
        source: include_str!("../assets/lenet.toml"),
    },
    Preset {
        name: "lenet-padded",
        source: include_str!("../assets/lenet-padded.toml"),
    },
    Preset {
        name: "lenet-stride2",
        source: include_str!("../assets/lenet-stride2.toml"),
    },
    Preset {
        name: "lenet5",
        source: include_str!("../assets/lenet5.toml"),
    },
    Preset {
        name: "alexnet",
        source: include_str!("../assets/alexnet.toml"),
    },
    Preset {
        name: "vgg16",
        source: include_str!("../assets/vgg16.toml"),
    },
    Preset {
        name: "resnet18",
        source: include_str!("../assets/resnet18.toml"),
    },
    Preset {
        name: "resnet50",
        source: include_str!("../assets/resnet50.toml"),
    },
    Preset {
        name: "mobilenet_v2",
        source: include_str!("../assets/mobilenet_v2.toml"),
    },
    Preset {
        name: "densenet121",
        source: include_str!("../assets/densenet121.toml"),
    },
    Preset {
        name: "unet",
        source: include_str!("../assets/unet.toml"),
    },
    Preset {
        name: "gpt2",
        source: include_str!("../assets/gpt2.toml"),
    },
    Preset {
        name: "bert-base",
        source: include_str!("../assets/bert-base.toml"),
    },
    Preset {
        name: "lstm-tagger",
        source: include_str!("../assets/lstm-tagger.toml"),
    },
    Preset {
        name: "ecg1d",
        source: include_str!("../assets/ecg1d.toml"),
    },
    Preset {
        name: "c3d-small",
        source: include_str!("../assets/c3d-small.toml"),
    },
    Preset {
        name: "llama3-8b",
        source: include_str!("../assets/llama3-8b.toml"),
    },
    Preset {
        name: "mistral-7b",
        source: include_str!("../assets/mistral-7b.toml"),
    },
    Preset {
        name: "mixtral-8x7b",
        source: include_str!("../assets/mixtral-8x7b.toml"),
    },
    Preset {
        name: "qwen3-0.6b",
        source: include_str!("../assets/qwen3-0.6b.toml"),
    },
    Preset {
        name: "mamba-130m",
        source: include_str!("../assets/mamba-130m.toml"),
    },
    Preset {
        name: "albert-base",
        source: include_str!("../assets/albert-base.toml"),
    },
    Preset {
        name: "vit_b_16",
        source: include_str!("../assets/vit_b_16.toml"),
    },
    Preset {
        name: "convnext_tiny",
        source: include_str!("../assets/convnext_tiny.toml"),
    },
    Preset {
        name: "efficientnet_b0",
        source: include_str!("../assets/efficientnet_b0.toml"),
    },
    Preset {
        name: "mobilenet_v3_large",
        source: include_str!("../assets/mobilenet_v3_large.toml"),
    },
];

impl Preset {
    /// What the preset is, in the current language.
    /// Its message in the catalogue is `preset-NAME` (a `.` in the name
    /// written `_`: Fluent's ids have no dots).
    pub fn describe(&self) -> String {
        crate::i18n::text(&format!("preset-{}", self.name.replace('.', "_")))
    }
}

pub fn names() -> impl Iterator<Item = &'static str> {
    PRESETS.iter().map(|p| p.name)
}

pub fn find(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

/// The preset's network; the error names the preset and lists the others.
pub fn load(name: &str) -> Result<Network, FileError> {
    load_source(name).map(|(net, _)| net)
}

/// The preset's network and its document, so that saving it keeps the
/// preset's comments.
pub fn load_source(name: &str) -> Result<(Network, Source), FileError> {
    let preset = find(name).ok_or_else(|| FileError {
        path: String::new(),
        line: None,
        message: {
            let all = names().collect::<Vec<_>>().join(", ");
            t!(
                "presets-there-is-no-preset-name",
                name = name.to_string(),
                all = all.to_string()
            )
        },
    })?;
    Source::parse(preset.source).map_err(|e| FileError {
        path: t!("presets-preset-name", name = name.to_string()),
        ..e
    })
}
