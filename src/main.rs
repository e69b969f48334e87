//! The `accord` binary: a subcommand runs the CLI, no subcommand opens the window.

use std::process::ExitCode;

use clap::Parser as _;

use accord::cli::{Cli, run};

fn main() -> ExitCode {
    env_logger::Builder::from_env(
        env_logger::Env::default().default_filter_or("info,icu_provider=error"),
    )
    .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Some(command) => run(command),
        None => open_window(cli.path, cli.annotator),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

#[cfg(feature = "gui")]
fn open_window(
    path: Option<std::path::PathBuf>,
    annotator: Option<String>,
) -> anyhow::Result<ExitCode> {
    accord::ui::run(path, annotator)?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(feature = "gui"))]
fn open_window(
    _path: Option<std::path::PathBuf>,
    _annotator: Option<String>,
) -> anyhow::Result<ExitCode> {
    eprintln!(
        "this accord was built without the window (feature `gui`); use a subcommand, see `accord --help`"
    );
    Ok(ExitCode::from(2))
}
