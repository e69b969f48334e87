//! placeholder
pub fn run(_p: Option<std::path::PathBuf>) -> anyhow::Result<()> {
    Ok(())
}
