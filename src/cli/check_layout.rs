//! `accord check-layout`: the layout audit of [`accord::layout::audit`] on any text file.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

/// Arguments of `accord check-layout`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Text files to check.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Line width in pixels.
    #[arg(long, default_value_t = 500.0)]
    width: f32,
    /// How many failures to print per file.
    #[arg(long, default_value_t = 10)]
    show: usize,
}

/// Exit 0 when every character of every file passes, else 1.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut fonts = accord::layout::FontSet::bundled().context("loading the bundled fonts")?;
    let mut all_ok = true;
    let mut out = std::io::stdout().lock();
    for path in &args.files {
        let doc = match accord::model::Document::open(path) {
            Ok(d) => d,
            Err(e) => {
                writeln!(out, "{}: cannot check: {e}", path.display())?;
                all_ok = false;
                continue;
            }
        };
        let report = accord::layout::audit::check_document(&mut fonts, &doc, args.width);
        writeln!(out, "{}: {}", path.display(), report.summary())?;
        for failure in report.failures.iter().take(args.show) {
            writeln!(out, "  {failure}")?;
        }
        all_ok &= report.is_ok();
    }
    Ok(if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
