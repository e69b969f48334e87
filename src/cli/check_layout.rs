//! `accord check-layout`: the layout audit of [`accord::layout::audit`] on any text file, as a
//! summary per file or (`--json`) every line with its widths and every failure.

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
    /// Print JSON: per file its counts, failures and `lines` (paragraph, start, end, width,
    /// available).
    #[arg(long)]
    json: bool,
}

/// One file's result, for `--json`.
#[derive(serde::Serialize)]
struct FileReport {
    file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(flatten)]
    report: accord::layout::audit::LayoutReport,
}

/// Exit 0 when every character of every file passes, else 1.
pub fn run(args: Args, out: &mut super::Out) -> anyhow::Result<ExitCode> {
    let mut fonts = accord::layout::FontSet::bundled().context("loading the bundled fonts")?;
    let mut all_ok = true;
    let mut reports = Vec::new();
    for path in &args.files {
        let file = path.display().to_string();
        let doc = match accord::model::Document::open(path) {
            Ok(d) => d,
            Err(e) => {
                all_ok = false;
                if args.json {
                    reports.push(FileReport {
                        file,
                        error: Some(e.to_string()),
                        report: Default::default(),
                    });
                } else {
                    writeln!(out, "{file}: cannot check: {e}")?;
                }
                continue;
            }
        };
        let report = accord::layout::audit::check_document(&mut fonts, &doc, args.width);
        all_ok &= report.is_ok();
        if args.json {
            reports.push(FileReport {
                file,
                error: None,
                report,
            });
        } else {
            writeln!(out, "{file}: {}", report.summary())?;
            for failure in report.failures.iter().take(args.show) {
                writeln!(out, "  {failure}")?;
            }
        }
    }
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &reports).context("writing JSON")?;
        writeln!(out)?;
    }
    Ok(if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
