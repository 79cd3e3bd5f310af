//! The command line: `layerlab [FILE | --preset NAME]` opens the explorer,
//! `layerlab summary …` prints the table, `layerlab presets` lists presets.

use crate::engine::analyze;
use crate::file::{self, FileError};
use crate::network::{Kernels, Network};
use crate::presets::{self, PRESETS};
use crate::report::{self, Format};
use crate::units::or_dash;
use clap::{Args, Parser, Subcommand};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "layerlab",
    version,
    about = "Explore neural-network architectures: output shapes and parameter counts, live",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    source: Source,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print every layer's output shape and parameters, and the totals.
    Summary {
        #[command(flatten)]
        source: Source,
        /// How to print the table.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Count conv kernels as PyTorch/Keras do (full) or as the problem set does (shared).
        #[arg(long, value_parser = ["full", "shared"])]
        kernels: Option<String>,
    },
    /// List the built-in networks with their parameter totals.
    Presets,
}

#[derive(Args, Debug)]
struct Source {
    /// An architecture file (TOML).
    file: Option<PathBuf>,
    /// A built-in network instead of a file (see `layerlab presets`).
    #[arg(long, conflicts_with = "file", value_parser = presets::names().collect::<Vec<_>>())]
    preset: Option<String>,
}

/// Runs the command line and returns the process's exit status:
/// 0 on success, 2 when the input (file, preset, arguments) is not valid.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Summary {
            source,
            format,
            kernels,
        }) => {
            let Some(net) = load(&source, false) else {
                return ExitCode::from(2);
            };
            let mut net = net;
            if let Some(k) = kernels.as_deref().and_then(Kernels::from_name) {
                net.kernels = k;
            }
            let color = format == Format::Table
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            print!("{}", report::render(&net, &analyze(&net), format, color));
            ExitCode::SUCCESS
        }
        Some(Command::Presets) => {
            print!("{}", presets_table());
            ExitCode::SUCCESS
        }
        None => {
            let Some(net) = load(&cli.source, true) else {
                return ExitCode::from(2);
            };
            let path = cli.source.file.clone();
            let preset = match (&cli.source.file, &cli.source.preset) {
                (None, Some(name)) => Some(name.clone()),
                (None, None) => Some("lenet".to_string()),
                (Some(_), _) => None,
            };
            match crate::tui::run(net, path, preset) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// The network named on the command line, or `None` after printing why not.
/// For the explorer, a file that does not exist yet starts a new network and
/// no source at all opens LeNet.
fn load(source: &Source, explorer: bool) -> Option<Network> {
    let result: Result<Network, FileError> = match (&source.file, &source.preset) {
        (Some(path), _) if explorer && !path.exists() => {
            let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
            Ok(Network::empty(stem.as_deref().unwrap_or("untitled")))
        }
        (Some(path), _) => file::load(path),
        (None, Some(name)) => presets::load(name),
        (None, None) if explorer => presets::load("lenet"),
        (None, None) => Err(FileError {
            path: String::new(),
            line: None,
            message: "give an architecture file or --preset NAME (see `layerlab presets`)".into(),
        }),
    };
    result.map_err(|e| eprintln!("error: {e}")).ok()
}

fn presets_table() -> String {
    let mut out = String::new();
    let width = PRESETS.iter().map(|p| p.name.len()).max().unwrap_or(0);
    for p in PRESETS {
        let line = match presets::load(p.name) {
            Ok(net) => {
                let full = analyze(&net);
                let shared = analyze(&Network {
                    kernels: Kernels::Shared,
                    ..net
                });
                let total = match full.error_at {
                    Some(i) => format!("breaks at layer {}", i + 1),
                    None => format!(
                        "{} params ({} shared)",
                        or_dash(full.totals.params),
                        or_dash(shared.totals.params)
                    ),
                };
                format!("{:width$}  {:52}  {total}", p.name, p.about)
            }
            Err(e) => format!("{:width$}  {e}", p.name),
        };
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
