//! layerlab: explore neural-network architectures in the terminal.
//!
//! ```text
//!  file / preset ──► file::parse ──► Network ──► engine::analyze ──► Analysis
//!                                       ▲                               │
//!   key ──► tui::keys ──► Action ──► App::update        report (summary) / tui::view
//! ```
//!
//! `layer` is the catalogue of layer kinds and fields; `engine` infers shapes
//! and counts parameters and knows nothing of terminals or files; `explain`
//! writes a row's formulas out with its numbers; `tui` is the explorer.

#[macro_use]
pub mod i18n;
pub mod arithmetic;
pub mod ascii;
pub mod cli;
pub mod compare;
pub mod config;
pub mod diagram;
pub mod engine;
pub mod explain;
pub mod export;
pub mod family;
pub mod file;
pub mod fixes;
pub mod graph;
pub mod import;
pub mod lang;
pub mod layer;
pub mod memory;
pub mod network;
pub mod outline;
pub mod presets;
pub mod report;
pub mod size;
pub mod smallest;
pub mod text;
pub mod tui;
pub mod units;
pub mod words;
