//! placeholder
use crate::network::Network;
use std::path::PathBuf;
pub fn run(_net: Network, _path: Option<PathBuf>) -> anyhow::Result<()> {
    anyhow::bail!("not yet")
}
