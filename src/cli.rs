//! The command line: `layerlab [FILE | --preset NAME]` opens the explorer,
//! `layerlab summary …` prints the table, `layerlab presets` lists presets.

mod localized;

use crate::config::{self, Config};
use crate::engine::analyze;
use crate::export::{self, Framework};
use crate::file::{self, FileError};
use crate::lang::{self, Lang};
use crate::memory::{AttentionKernel, Budget, Dtype, Optimizer, Setting};
use crate::network::{Kernels, Network, Shape};
use crate::presets::{self, PRESETS};
use crate::report::{self, Format, diff, sweep};
use crate::tui::app::Session;
use crate::tui::theme::{self, ThemeName};
use crate::units::or_dash;
use clap::error::ErrorKind;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "layerlab",
    version,
    about = "Explore neural-network architectures: output shapes and parameter counts, live",
    subcommand_negates_reqs = true
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    source: Source,
    /// Language of everything layerlab says: en or ru. Default: from LC_ALL / LANG.
    #[arg(long, global = true, value_enum)]
    lang: Option<Lang>,
    /// Colours of the explorer: dark, light (white backgrounds, projectors)
    /// or mono (no colour). Default: mono when NO_COLOR is set, else dark.
    #[arg(long, value_enum)]
    theme: Option<ThemeName>,
    /// Only ASCII on screen: +-| borders, x for ×. Default: on when the locale is not UTF-8 or TERM is linux or dumb.
    #[arg(long, conflicts_with = "no_ascii")]
    ascii: bool,
    /// Box lines and symbols even where ASCII mode would be chosen.
    #[arg(long)]
    no_ascii: bool,
}

/// How `summary` counts memory.
#[derive(clap::Args, Debug)]
struct MemoryArgs {
    /// Bytes per value for memory: fp32 (4), fp16 or bf16 (2), fp8 or int8 (1); weights only: int4 (½), GGUF's q4_0 and q8_0 (18 and 34 bytes per 32), q4_k, q5_k, q6_k (144, 176, 210 per 256), computing in fp16.
    #[arg(long, value_enum, default_value_t = Dtype::Fp32)]
    dtype: Dtype,
    /// Bytes per value of the KV cache (inference), if not those of --dtype.
    #[arg(long, value_enum, value_name = "DTYPE")]
    kv_dtype: Option<Dtype>,
    /// Fine-tune with LoRA adapters of this rank: 8 (every dense and attention projection) or 8:q,v.
    #[arg(long, value_name = "RANK[:TARGETS]", value_parser = crate::memory::Lora::parse)]
    lora: Option<crate::memory::Lora>,
    /// Fine-tune with these top-level layers frozen, as the table numbers them: 1-8 (a block freezes all its passes). Their weights keep no gradients or optimizer state; frozen first layers keep nothing for backward.
    #[arg(long, value_name = "LAYERS", value_parser = crate::memory::Freeze::parse, requires = "train", conflicts_with = "lora")]
    freeze: Option<crate::memory::Freeze>,
    /// Count memory for training with this optimizer (the peak of one step: what every layer keeps for backward, gradients, its state), not inference.
    #[arg(long, value_enum, value_name = "OPTIMIZER")]
    train: Option<Optimizer>,
    /// Samples per batch (per GPU), for the activations' memory.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=i64::MAX as u64))]
    batch: u64,
    /// How attention runs in training: eager keeps the h·L·L weights, flash (a fused kernel) keeps none.
    #[arg(long, value_enum, default_value_t = AttentionKernel::Eager, requires = "train")]
    attention: AttentionKernel,
    /// Activation checkpointing: each pass of a top-level block keeps only its input and is recomputed in backward.
    #[arg(long, requires = "train")]
    checkpoint: bool,
    /// Mixed precision: master weights and optimizer state in this format (fp32), the model in --dtype.
    #[arg(long, value_enum, value_name = "DTYPE", requires = "train")]
    master: Option<Dtype>,
    /// Data-parallel GPUs that share the model's state under --zero.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    shard: u64,
    /// ZeRO stage: 1 divides the optimizer state among the --shard GPUs, 2 the gradients too, 3 the weights too.
    #[arg(long, value_name = "STAGE", value_parser = clap::value_parser!(u8).range(1..=3), requires = "train")]
    zero: Option<u8>,
    /// Memory outside the network, counted as its own line: the CUDA context and the framework's workspace (e.g. 500MiB). Default 0.
    #[arg(long, value_name = "BYTES", default_value = "0", value_parser = crate::memory::parse_bytes)]
    overhead: u64,
}

impl MemoryArgs {
    /// Settings that cannot be counted together, refused with what to write.
    fn check(&self) -> Result<(), String> {
        if self.train.is_some() && self.dtype.weights_only() && self.lora.is_none() {
            return Err(t!("cli-quantized-training", dtype = self.dtype.name()));
        }
        Ok(())
    }

    fn setting(&self) -> Setting {
        Setting {
            dtype: self.dtype,
            train: self.train,
            batch: self.batch,
            kv_dtype: self.kv_dtype,
            attention: self.attention,
            checkpoint: self.checkpoint,
            master: self.master,
            zero: self.zero.map(|stage| crate::memory::Zero {
                stage,
                shards: self.shard,
            }),
            overhead: self.overhead,
            lora: self.lora,
            freeze: self.freeze,
        }
    }
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
        #[command(flatten)]
        memory: MemoryArgs,
        /// Limits to hold the network to, e.g. memory=8GiB,params=5M,macs=1G; over any, the exit status is 1.
        #[arg(long, value_name = "LIMITS", value_parser = Budget::parse)]
        budget: Option<Budget>,
    },
    /// List the built-in networks with their parameter totals.
    Presets,
    /// Compare two networks layer by layer (the first is the baseline).
    ///
    /// Give two files, two `--preset`s, or one of each (the preset is then the baseline).
    Diff {
        /// Architecture files (TOML).
        #[arg(num_args = 0..=2)]
        files: Vec<PathBuf>,
        /// A built-in network; may be given twice.
        #[arg(long, value_parser = presets::names().collect::<Vec<_>>())]
        preset: Vec<String>,
        #[arg(long, value_enum, default_value_t = PairFormat::Table)]
        format: PairFormat,
        /// Count conv kernels as PyTorch/Keras do (full) or as the problem set does (shared).
        #[arg(long, value_enum)]
        kernels: Option<Kernels>,
        /// Use this input for both instead of their files', and for a PyTorch printout (which does not say it): C,H,W (e.g. 3,32,32), H×W×C or one number for a sequence's length.
        #[arg(long, value_name = "SHAPE", value_parser = Shape::parse)]
        input: Option<Shape>,
    },
    /// Print (or write) a Python module that builds the network in PyTorch or Keras.
    Export {
        #[command(flatten)]
        source: Source,
        /// What to write: PyTorch or Keras code, or an SVG drawing of the network.
        #[arg(long, value_enum)]
        to: Target,
        /// Write the module to this file instead of printing it.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// The drawing's width in pixels (its height follows, about 16:9).
        #[arg(long, value_name = "PIXELS", default_value_t = 1600, value_parser = clap::value_parser!(u32).range(200..=20000))]
        width: u32,
        /// The drawing's colours: light (the default, for slides and paper), dark or mono.
        #[arg(long, value_enum)]
        theme: Option<ThemeName>,
    },
    /// Read a PyTorch printout (print(model)) or a Keras model.to_json() file (or .keras) and write it as a layerlab file.
    Import {
        /// The printout (text), the Keras JSON, or the .keras file.
        file: PathBuf,
        /// The input shape, e.g. 3,224,224: a printout does not say it; for a Keras file it replaces the file's.
        #[arg(long, value_name = "SHAPE", value_parser = Shape::parse)]
        input: Option<Shape>,
        /// Write the layerlab file here instead of printing it.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Count the parameters and weight bytes of a .safetensors or .gguf file from its header alone (any model on a hub), by dtype and by module.
    Weights {
        /// The .safetensors or .gguf file (only its header is read).
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = PairFormat::Table)]
        format: PairFormat,
    },
    /// Try a range of square input sizes or sequence lengths: which are valid, the output shape, parameters and MACs at each.
    Sweep {
        #[command(flatten)]
        source: Source,
        /// Input sides (or sequence lengths) to try, both ends included: FROM..TO (e.g. 8..64, 128..4096).
        #[arg(long, value_parser = sweep::parse_sizes)]
        sizes: (u64, u64),
        #[arg(long, value_enum, default_value_t = PairFormat::Table)]
        format: PairFormat,
        /// Draw parameters, MACs and memory against the input size as line charts, after the table.
        #[arg(long)]
        plot: bool,
    },
}

/// The formats of `diff` and `sweep`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum PairFormat {
    Table,
    Json,
}

#[derive(Args, Debug)]
struct Source {
    /// An architecture file (TOML).
    file: Option<PathBuf>,
    /// A built-in network instead of a file (see `layerlab presets`).
    #[arg(long, conflicts_with = "file", value_parser = presets::names().collect::<Vec<_>>())]
    preset: Option<String>,
    /// Count conv kernels as PyTorch/Keras do (full) or as the problem set does (shared).
    #[arg(long, value_enum)]
    kernels: Option<Kernels>,
    /// Use this input instead of the file's, and for a PyTorch printout (which does not say it): C,H,W (e.g. 3,32,32), H×W×C (e.g. 32x32x3), or one number for a sequence's or signal's length (e.g. 2048).
    #[arg(long, value_name = "SHAPE", value_parser = Shape::parse)]
    input: Option<Shape>,
}

/// Runs the command line and returns the process's exit status:
/// 0 on success, 2 when the input (file, preset, arguments) is not valid.
pub fn main() -> ExitCode {
    // The language is needed before clap parses, for its help and errors;
    // the settings file may name it.
    let args: Vec<String> = std::env::args().collect();
    let env = |name: &str| std::env::var(name).ok();
    let flag = lang_from_args(&args);
    let settings = config::path(env).map(|p| config::load(&p)).transpose();
    let settings = settings.map(|loaded| {
        loaded.map(|(config, warning)| {
            if let Some(w) = warning {
                eprintln!("{}: {w}", t!("cli-warning"));
            }
            config
        })
    });
    let chosen = settings
        .as_ref()
        .ok()
        .copied()
        .flatten()
        .and_then(|c| c.lang);
    let lang = flag.or(chosen).unwrap_or_else(|| Lang::from_env(env));
    lang::scoped(lang, || match settings {
        Ok(settings) => run(lang, settings.unwrap_or_default()),
        Err(e) => {
            eprintln!("{}: {e}", error());
            ExitCode::from(2)
        }
    })
}

/// The command line, in `lang`, with the user's settings file.
fn run(lang: Lang, settings: Config) -> ExitCode {
    let cli = match parse() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    match cli.command {
        Some(Command::Summary {
            source,
            format,
            memory,
            budget,
        }) => summary_command(&settings, &source, format, &memory, budget),
        Some(Command::Presets) => emit(&presets_table()),
        Some(Command::Export {
            source,
            to: Target::Svg,
            output,
            width,
            theme,
        }) => {
            let look = match theme.or(settings.theme) {
                Some(ThemeName::Dark) => crate::diagram::Look::Dark,
                Some(ThemeName::Mono) => crate::diagram::Look::Mono,
                Some(ThemeName::Light) | None => crate::diagram::Look::Light,
            };
            let options = crate::diagram::Options { look, width };
            draw_command(&settings, &source, &options, output.as_deref())
        }
        Some(Command::Export {
            source, to, output, ..
        }) => {
            let framework = match to {
                Target::Keras => Framework::Keras,
                _ => Framework::Pytorch,
            };
            export_command(&settings, &source, framework, output.as_deref())
        }
        Some(Command::Diff {
            files,
            preset,
            format,
            kernels,
            input,
        }) => diff_command(files, preset, format, kernels, input),
        Some(Command::Weights { file, format }) => weights_command(&file, format),
        Some(Command::Import {
            file,
            input,
            output,
        }) => import_command(&file, input, output.as_deref()),
        Some(Command::Sweep {
            source,
            sizes,
            format,
            plot,
        }) => sweep_command(&settings, &source, sizes, format, plot),
        None => explore(&cli, &settings, lang),
    }
}

/// The network a command names, with the kernel convention applied:
/// `--kernels` wins; else the settings' convention, for files that do not
/// name one. `None` when it cannot be read (the reason is on stderr).
fn network_for(
    settings: &Config,
    source: &Source,
    explorer: bool,
) -> Option<(Network, Option<file::Source>)> {
    let (mut net, file) = load_with_source(source, explorer)?;
    convention(settings, &mut net, file.as_ref(), source.kernels);
    if let Some(shape) = source.input {
        with_input(&mut net, shape);
    }
    Some((net, file))
}

/// `--input` in place of the network's own input.
fn with_input(net: &mut Network, shape: Shape) {
    net.input = match shape {
        // One number on a sequence or signal network is its length.
        Shape::Flat(n) => crate::smallest::with_length(net, n).unwrap_or(shape),
        _ => shape,
    };
}

fn convention(
    settings: &Config,
    net: &mut Network,
    source: Option<&file::Source>,
    flag: Option<Kernels>,
) {
    if let Some(k) = flag {
        net.kernels = k;
    } else if let Some(k) = settings.kernels
        && !source.is_some_and(|s| s.states("kernels"))
    {
        net.kernels = k;
    }
}

/// `summary`: the table (or JSON, Markdown, …) with the memory and the
/// budget; 1 when over a budget, each limit named on stderr.
fn summary_command(
    settings: &Config,
    source: &Source,
    format: Format,
    memory: &MemoryArgs,
    budget: Option<crate::memory::Budget>,
) -> ExitCode {
    if let Err(e) = memory.check() {
        eprintln!("layerlab: {e}");
        return ExitCode::from(2);
    }
    let Some((net, _)) = network_for(settings, source, false) else {
        return ExitCode::from(2);
    };
    if let Some(Err(e)) = memory.freeze.map(|f| f.check(&net)) {
        eprintln!("layerlab: {e}");
        return ExitCode::from(2);
    }
    let color = format == Format::Table
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let analysis = analyze(&net);
    let fit = report::Fit {
        setting: memory.setting(),
        // --budget stands in for the file's [budget].
        budget: budget.unwrap_or(net.budget),
    };
    // Streamed: a huge network's summary never exists whole.
    let shown = {
        use std::io::Write;
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        done(
            report::write_for(&net, &analysis, format, color, &fit, &mut out)
                .and_then(|()| out.flush()),
        )
    };
    // Over a budget: each limit exceeded on stderr, and status 1,
    // so a CI job can hold a model to its budget.
    let over: Vec<_> = (fit.uses(&net, &analysis).into_iter())
        .filter(|u| !u.ok)
        .collect();
    if over.is_empty() || shown != ExitCode::SUCCESS {
        return shown;
    }
    for u in &over {
        eprintln!("{}", report::budget_line(u));
    }
    ExitCode::from(1)
}

/// `export`: PyTorch or Keras code, to stdout or `output`.
fn export_command(
    settings: &Config,
    source: &Source,
    to: export::Framework,
    output: Option<&std::path::Path>,
) -> ExitCode {
    let Some((net, _)) = network_for(settings, source, false) else {
        return ExitCode::from(2);
    };
    let code = match export::export(&net, &analyze(&net), to) {
        Ok(code) => code,
        Err(e) => {
            eprintln!(
                "{}: {} {}: {e}",
                error(),
                t!("cli-cannot-export-to"),
                to.name()
            );
            return ExitCode::from(2);
        }
    };
    let Some(path) = output else {
        return emit(&code);
    };
    if !write_output(path, code.as_bytes()) {
        return ExitCode::FAILURE;
    }
    let (shown, name) = (shown_path(path), to.name());
    eprintln!(
        "{}",
        t!(
            "cli-wrote-shown-name-module",
            shown = shown.to_string(),
            name = name.to_string()
        )
    );
    ExitCode::SUCCESS
}

/// `export --to svg`: the drawing, to stdout or `output`. A broken network
/// is drawn too, up to its red layer.
fn draw_command(
    settings: &Config,
    source: &Source,
    options: &crate::diagram::Options,
    output: Option<&std::path::Path>,
) -> ExitCode {
    let Some((net, _)) = network_for(settings, source, false) else {
        return ExitCode::from(2);
    };
    let svg = crate::diagram::svg(&net, &analyze(&net), options);
    let Some(path) = output else {
        return emit(&svg);
    };
    if !write_output(path, svg.as_bytes()) {
        return ExitCode::FAILURE;
    }
    eprintln!(
        "{}",
        t!(
            "cli-wrote-drawing",
            shown = shown_path(path),
            width = options.width.to_string()
        )
    );
    ExitCode::SUCCESS
}

/// `sweep`: the network at every input size from `from` to `to`.
fn sweep_command(
    settings: &Config,
    source: &Source,
    (from, to): (u64, u64),
    format: PairFormat,
    plot: bool,
) -> ExitCode {
    let Some((net, _)) = network_for(settings, source, false) else {
        return ExitCode::from(2);
    };
    emit(&match format {
        PairFormat::Table if plot => {
            sweep::table(&net, from, to) + "\n" + &sweep::plot(&net, from, to)
        }
        PairFormat::Table => sweep::table(&net, from, to),
        PairFormat::Json => pretty(&sweep::to_json(&net, from, to)) + "\n",
    })
}

/// No command: the explorer, on the file or preset given (LeNet without).
fn explore(cli: &Cli, settings: &Config, lang: Lang) -> ExitCode {
    let ascii = match (cli.ascii, cli.no_ascii, settings.ascii) {
        (true, _, _) => true,
        (_, true, _) => false,
        (_, _, Some(chosen)) => chosen,
        _ => crate::ascii::wanted_by(|name| std::env::var(name).ok()),
    };
    // A PyTorch printout or Keras model opens through import (in the
    // explorer, which asks what a printout does not say).
    let importing =
        (cli.source.file.as_deref()).is_some_and(|p| crate::tui::importable(p).is_some());
    let loaded = if importing {
        Some((Network::empty("imported"), None))
    } else {
        network_for(settings, &cli.source, true)
    };
    let Some((mut net, source)) = loaded else {
        return ExitCode::from(2);
    };
    if importing {
        convention(settings, &mut net, None, cli.source.kernels);
    }
    let path = cli.source.file.clone();
    let preset = match (&cli.source.file, &cli.source.preset) {
        (None, Some(name)) => Some(name.clone()),
        (None, None) => Some("lenet".to_string()),
        (Some(_), _) => None,
    };
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme = match cli.theme.or(settings.theme) {
        Some(name) => name.theme(),
        None if no_color => &theme::MONO,
        None => &theme::DARK,
    };
    let session = Session { theme, lang, ascii };
    match crate::tui::run(net, source, path, preset, session, cli.source.input) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{}: {e:#}", error());
            ExitCode::from(2)
        }
    }
}

/// `import`: the model read and written as a layerlab file (to stdout, or
/// `output`); 2 with every problem listed when it cannot be read.
fn import_command(
    path: &std::path::Path,
    input: Option<Shape>,
    output: Option<&std::path::Path>,
) -> ExitCode {
    // The path as given may hold escape sequences: never echoed raw.
    let shown = crate::text::visible(&path.display().to_string()).into_owned();
    if crate::import::safetensors::is_safetensors(path) {
        eprintln!("{}: {shown}: {}", error(), t!("cli-import-safetensors"));
        return ExitCode::from(2);
    }
    let text = match file::read_model(path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("{}: {shown}: {}", error(), crate::text::visible(&e));
            return ExitCode::from(2);
        }
    };
    let name = path
        .file_stem()
        .map_or("imported".into(), |s| s.to_string_lossy().into_owned());
    let imported = match crate::import::import(&text, input, &name) {
        Ok(imported) => imported,
        Err(problems) => {
            for p in &problems {
                match p.line {
                    Some(line) => eprintln!(
                        "{}: {shown}:{line}: {}",
                        error(),
                        crate::text::visible(&p.message)
                    ),
                    None => eprintln!("{}: {shown}: {}", error(), crate::text::visible(&p.message)),
                }
            }
            return ExitCode::from(2);
        }
    };
    let toml = crate::import::file_text(&imported);
    // What the file's comments say was implied, guessed or left out, said
    // on the terminal too: a count that differs is never silent.
    // Each once, with how many times it was said (a block's note in each
    // of its 36 copies is one line).
    let mut said: Vec<(&String, usize)> = Vec::new();
    for note in imported
        .header
        .iter()
        .skip(1)
        .chain(imported.notes.values())
    {
        match said.iter_mut().find(|(s, _)| *s == note) {
            Some((_, n)) => *n += 1,
            None => said.push((note, 1)),
        }
    }
    for (note, n) in said {
        let times = if n > 1 {
            format!(" (×{n})")
        } else {
            String::new()
        };
        eprintln!("{}: {}{times}", t!("cli-note"), crate::text::visible(note));
    }
    // What was read, in a line on stderr: the count a user compares.
    let analysis = analyze(&imported.net);
    let params = or_dash(analysis.totals.params);
    let out_shape = analysis
        .rows
        .last()
        .and_then(|r| r.output)
        .map_or("—".to_string(), |s| s.to_string());
    match output {
        None => {
            let shown = emit(&toml);
            eprintln!(
                "{}",
                t!("cli-imported", params = params, output = out_shape)
            );
            shown
        }
        Some(to) => {
            if !write_output(to, toml.as_bytes()) {
                return ExitCode::FAILURE;
            }
            eprintln!(
                "{}",
                t!(
                    "cli-imported-to",
                    to = shown_path(to),
                    params = params,
                    output = out_shape
                )
            );
            ExitCode::SUCCESS
        }
    }
}

/// A path as the terminal may show it: escape sequences in a file name
/// are written out, never sent raw.
fn shown_path(path: &std::path::Path) -> String {
    crate::text::visible(&path.display().to_string()).into_owned()
}

/// Writes an `-o` file, or says on stderr why not. Only a regular file (or
/// none) is written: a FIFO, a device or a link to one is refused rather
/// than replaced by a regular file (as root, `-o /dev/null` would have
/// replaced the system's).
fn write_output(path: &std::path::Path, bytes: &[u8]) -> bool {
    let refused = match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => Some(t!("cli-output-not-a-file")),
        _ => None,
    };
    let result = match refused {
        Some(why) => Err(why),
        None => file::write_atomic(path, bytes).map_err(|e| e.to_string()),
    };
    match result {
        Ok(()) => true,
        Err(e) => {
            eprintln!(
                "{}: {} {}: {}",
                error(),
                t!("cli-cannot-write"),
                shown_path(path),
                crate::text::visible(&e)
            );
            false
        }
    }
}

/// `weights`: a safetensors header added up.
fn weights_command(path: &std::path::Path, format: PairFormat) -> ExitCode {
    use crate::import::safetensors;
    // The path as given may hold escape sequences: never echoed raw.
    let shown = crate::text::visible(&path.display().to_string()).into_owned();
    // A GGUF file (llama.cpp's) or a safetensors file, by its first bytes.
    let tensors = if crate::import::gguf::is_gguf(path) {
        crate::import::gguf::read(path)
    } else {
        safetensors::read(path)
    };
    let summary = tensors.and_then(|t| safetensors::summary(&t));
    let s = match summary {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{}: {shown}: {}", error(), crate::text::visible(&e));
            return ExitCode::from(2);
        }
    };
    if format == PairFormat::Json {
        let json = serde_json::json!({
            "tensors": s.tensors,
            "params": s.params,
            "buffers": s.buffers,
            "bytes": s.bytes,
            "by_dtype": s.by_dtype.iter().map(|(d, (n, b))| (d.clone(), serde_json::json!({"values": n, "bytes": b}))).collect::<serde_json::Map<_, _>>(),
            "by_module": s.by_module.iter().map(|(m, (t, n))| serde_json::json!({"module": m, "tensors": t, "params": n})).collect::<Vec<_>>(),
        });
        return emit(&(pretty(&json) + "\n"));
    }
    let mut out = t!(
        "weights-line",
        path = shown,
        tensors = crate::units::thousands(s.tensors as u64),
        params = crate::units::thousands(s.params),
        bytes = crate::units::bytes(s.bytes)
    ) + "\n";
    if s.buffers > 0 {
        out.push_str(&t!(
            "weights-buffers",
            n = crate::units::thousands(s.buffers)
        ));
        out.push('\n');
    }
    for (dtype, (n, b)) in &s.by_dtype {
        out.push_str(&format!(
            "  {dtype:<8} {:>18}  {}\n",
            crate::units::thousands(*n),
            crate::units::bytes(*b)
        ));
    }
    let width = s
        .by_module
        .keys()
        .map(|m| crate::text::width(m))
        .max()
        .unwrap_or(0)
        .max(6);
    out.push_str(&format!(
        "\n{:<width$}  {:>8}  {:>18}\n",
        t!("weights-module"),
        t!("weights-tensors"),
        t!("weights-params")
    ));
    for (module, (tensors, n)) in &s.by_module {
        out.push_str(&format!(
            "{:<width$}  {:>8}  {:>18}\n",
            crate::text::visible(module),
            tensors,
            crate::units::thousands(*n)
        ));
    }
    emit(&out)
}

/// `--lang ru` or `--lang=ru` anywhere on the command line.
fn lang_from_args(args: &[String]) -> Option<Lang> {
    args.iter()
        .zip(args.iter().skip(1))
        .find(|(a, _)| *a == "--lang")
        .map(|(_, v)| v.as_str())
        .or_else(|| args.iter().find_map(|a| a.strip_prefix("--lang=")))
        .and_then(Lang::from_name)
}

/// Parses the command line, in the current language; on `--help`,
/// `--version` or a usage error, prints it and gives the exit status.
fn parse() -> Result<Cli, ExitCode> {
    let mut command = Cli::command();
    // clap speaks English; any other language comes from the catalogue.
    if lang::get() != Lang::En {
        command = localized::translate(command);
    }
    let error = match command.try_get_matches() {
        Ok(matches) => match Cli::from_arg_matches(&matches) {
            Ok(cli) => return Ok(cli),
            Err(e) => e,
        },
        Err(e) => e,
    };
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = error.print();
            Err(ExitCode::SUCCESS)
        }
        _ if lang::get() != Lang::En => {
            eprintln!("{}", localized::error_text(&error));
            Err(ExitCode::from(2))
        }
        _ => {
            let _ = error.print();
            Err(ExitCode::from(2))
        }
    }
}

fn no_source() -> FileError {
    FileError {
        path: String::new(),
        line: None,
        message: t!("cli-give-an-architecture-file-or"),
    }
}

/// The network named on the command line, with the document it was read
/// from (for saving into it, and the convention it states), or `None` after
/// printing why not. For the explorer, a file that does not exist yet starts
/// a new network and no source at all opens LeNet.
fn load_with_source(source: &Source, explorer: bool) -> Option<(Network, Option<file::Source>)> {
    let read = |r: Result<(Network, file::Source), FileError>| r.map(|(n, s)| (n, Some(s)));
    let result = match (&source.file, &source.preset) {
        // A new file in a folder that is not there could never be saved:
        // said at the start, not at the first Ctrl+s.
        (Some(path), _)
            if explorer
                && !path.exists()
                && path
                    .parent()
                    .is_some_and(|d| !d.as_os_str().is_empty() && !d.is_dir()) =>
        {
            Err(FileError {
                path: shown_path(path),
                line: None,
                message: t!(
                    "cli-no-such-folder",
                    folder = path.parent().map(shown_path).unwrap_or_default()
                ),
            })
        }
        (Some(path), _) if explorer && !path.exists() => {
            let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
            Ok((Network::empty(stem.as_deref().unwrap_or("untitled")), None))
        }
        // The explorer asks a printout's input and imports it itself,
        // unless --input gave it.
        (Some(path), _)
            if (!explorer || source.input.is_some()) && crate::tui::importable(path).is_some() =>
        {
            crate::import::load(path, source.input).map(|net| (net, None))
        }
        (Some(path), _) if explorer => read(file::load_source(path)),
        (Some(path), _) => read(file::load_for_reading(path)),
        (None, Some(name)) => read(presets::load_source(name)),
        (None, None) if explorer => read(presets::load_source("lenet")),
        (None, None) => Err(no_source()),
    };
    result.map_err(|e| eprintln!("{}: {e}", error())).ok()
}

/// The word before an error message.
fn error() -> String {
    t!("cli-error")
}

fn pretty(json: &serde_json::Value) -> String {
    serde_json::to_string_pretty(json).unwrap_or_default()
}

/// `diff`: two sources, a preset first when mixed with a file.
fn diff_command(
    files: Vec<PathBuf>,
    presets: Vec<String>,
    format: PairFormat,
    kernels: Option<Kernels>,
    input: Option<Shape>,
) -> ExitCode {
    let sides: Vec<(Result<Network, FileError>, String)> = presets
        .iter()
        .map(|name| {
            let source = t!("cli-preset-name", name = name.to_string());
            (presets::load(name), source)
        })
        .chain(
            files
                .iter()
                .map(|p| (crate::import::load(p, input), p.display().to_string())),
        )
        .collect();
    let count = sides.len();
    let Ok([(base, base_source), (other, other_source)]) = <[_; 2]>::try_from(sides) else {
        eprintln!(
            "{}: {}",
            error(),
            t!(
                "cli-diff-compares-two-networks-give",
                count = count.to_string()
            )
        );
        return ExitCode::from(2);
    };
    let (mut base, mut other) = match (base, other) {
        (Ok(b), Ok(o)) => (b, o),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("{}: {e}", error());
            return ExitCode::from(2);
        }
    };
    // Both sides counted by one convention when `--kernels` names it, at
    // one input when `--input` does.
    if let Some(k) = kernels {
        base.kernels = k;
        other.kernels = k;
    }
    if let Some(shape) = input {
        with_input(&mut base, shape);
        with_input(&mut other, shape);
    }
    let (base_analysis, other_analysis) = (analyze(&base), analyze(&other));
    let a = diff::Side {
        net: &base,
        analysis: &base_analysis,
        source: base_source,
    };
    let b = diff::Side {
        net: &other,
        analysis: &other_analysis,
        source: other_source,
    };
    emit(&match format {
        PairFormat::Table => diff::table(&a, &b),
        PairFormat::Json => pretty(&diff::to_json(&a, &b)) + "\n",
    })
}

/// Writes a command's output. A reader that stopped reading (`| head`) is
/// no error: exit quietly, as Unix tools do. Any other failure (a full
/// disk) is said, with status 1.
fn emit(text: &str) -> ExitCode {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    done(out.write_all(text.as_bytes()).and_then(|()| out.flush()))
}

/// The exit status after writing the output: see `emit`.
fn done(written: std::io::Result<()>) -> ExitCode {
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}: {}: {e}", error(), t!("cli-cannot-write-the-output"));
            ExitCode::FAILURE
        }
    }
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
                    Some(i) => t!("cli-breaks-at-layer", a1 = (i + 1).to_string()),
                    None => {
                        let (f, sh) = (or_dash(full.totals.params), or_dash(shared.totals.params));
                        // The count decides the plural; `f` is how it is written.
                        let count = full.totals.params.unwrap_or(0);
                        // Without convolutions the conventions agree: say it once.
                        let mut text = if full.totals.params == shared.totals.params {
                            t!("cli-f-params", f = f, count = count)
                        } else {
                            t!("cli-f-params-sh-shared", f = f, sh = sh, count = count)
                        };
                        if full.totals.active_params != full.totals.params {
                            let active = or_dash(full.totals.active_params);
                            text.push_str(&t!("cli-active-params", active = active));
                        }
                        text
                    }
                };
                format!("{:width$}  {:52}  {total}", p.name, p.describe())
            }
            Err(e) => format!("{:width$}  {e}", p.name),
        };
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// What `export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Target {
    Pytorch,
    Keras,
    Svg,
}
