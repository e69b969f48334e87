//! The `accord` binary: a subcommand runs the command line ([`cli`]), no subcommand opens the
//! window. Exit codes: 0 done, 1 findings (validate, check-layout), 2 could not do it.

mod cli;

use std::process::ExitCode;

use clap::Parser as _;

use cli::{Cli, run};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        // The reader went away (`accord stats | head`): nothing is wrong, as ripgrep does.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", cli::printable(&format!("{e:#}")));
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    e.chain().any(|cause| {
        // serde_json keeps the I/O error inside its own error, not as its source.
        cause
            .downcast_ref::<std::io::Error>()
            .map(std::io::Error::kind)
            .or_else(|| cause.downcast_ref::<serde_json::Error>()?.io_error_kind())
            == Some(BrokenPipe)
    })
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
