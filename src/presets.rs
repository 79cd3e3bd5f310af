//! The built-in networks: ordinary architecture files from `assets/`,
//! compiled into the binary so `--preset lenet` works anywhere.

use crate::file::{FileError, Source};
use crate::network::Network;

pub struct Preset {
    pub name: &'static str,
    pub about: &'static str,
    pub about_ru: &'static str,
    pub source: &'static str,
}

pub const PRESETS: &[Preset] = &[
    Preset {
        name: "mlp",
        about: "problem а: 784 → dense 1000 → dense 10",
        about_ru: "задача а: 784 → dense 1000 → dense 10",
        source: include_str!("../assets/mlp.toml"),
    },
    Preset {
        name: "lenet",
        about: "problem б: LeNet on a 28×28 digit",
        about_ru: "задача б: LeNet на цифре 28×28",
        source: include_str!("../assets/lenet.toml"),
    },
    Preset {
        name: "lenet-padded",
        about: "problem в: LeNet, convolutions zero-padded",
        about_ru: "задача в: LeNet, свёртки с дополнением нулями",
        source: include_str!("../assets/lenet-padded.toml"),
    },
    Preset {
        name: "lenet-stride2",
        about: "problem г: LeNet, convolutions at stride 2 (breaks)",
        about_ru: "задача г: LeNet, свёртки с шагом 2 (ломается)",
        source: include_str!("../assets/lenet-stride2.toml"),
    },
    Preset {
        name: "lenet5",
        about: "LeNet-5 (1998): 32×32, tanh, average pooling",
        about_ru: "LeNet-5 (1998): 32×32, tanh, пулинг средним",
        source: include_str!("../assets/lenet5.toml"),
    },
    Preset {
        name: "alexnet",
        about: "AlexNet as in torchvision, 3×224×224",
        about_ru: "AlexNet как в torchvision, 3×224×224",
        source: include_str!("../assets/alexnet.toml"),
    },
    Preset {
        name: "vgg16",
        about: "VGG-16, configuration D, 3×224×224",
        about_ru: "VGG-16, конфигурация D, 3×224×224",
        source: include_str!("../assets/vgg16.toml"),
    },
];

impl Preset {
    /// What the preset is, in the current language.
    pub fn describe(&self) -> &'static str {
        crate::lang::tr(self.about, self.about_ru)
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
            crate::lang::tr(
                format!("there is no preset `{name}`; the presets are: {all}"),
                format!("встроенной сети `{name}` нет; есть: {all}"),
            )
        },
    })?;
    Source::parse(preset.source).map_err(|e| FileError {
        path: crate::lang::tr(format!("preset {name}"), format!("встроенная сеть {name}")),
        ..e
    })
}
