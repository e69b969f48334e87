//! The binary's command line: argument parsing and the subcommands, over the library. Output
//! and exit codes only; the work is done by the core.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

/// Accord: annotate multilingual text with entities and commitments.
#[derive(Debug, Parser)]
#[command(
    name = "accord",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// What to do; without one, the annotation window opens.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Project folder (or a document in it) to open in the window. Default: the last project,
    /// else `sample_docs/` when run from the repository.
    pub path: Option<PathBuf>,
    /// Annotate as this name (remembered; asked on first start when not given).
    #[arg(long, value_name = "NAME")]
    pub annotator: Option<String>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every problem in a project. Exit 0: clean, 1: findings, 2: cannot read the project.
    Validate {
        /// Project folder (default: the current folder).
        project: Option<PathBuf>,
        /// Print JSON for machines.
        #[arg(long)]
        json: bool,
    },
    /// Count documents, chars, and annotations per label, layer, annotator and document.
    Stats {
        /// Project folder (default: the current folder).
        project: Option<PathBuf>,
        /// Print JSON for machines.
        #[arg(long)]
        json: bool,
    },
    /// Lay files out and check that every character can be hit, is drawn with a real glyph,
    /// and sits in the right visual order. Exit 1 if any character fails.
    CheckLayout {
        /// Text files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Line width in pixels.
        #[arg(long, default_value_t = 500.0)]
        width: f32,
        /// How many failures to print per file.
        #[arg(long, default_value_t = 10)]
        show: usize,
    },
}

/// Runs a subcommand and returns the process exit code.
pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Validate { project, json } => validate(project, json),
        Command::Stats { project, json } => stats(project, json),
        Command::CheckLayout { files, width, show } => check_layout(&files, width, show),
    }
}

fn project_or_cwd(project: Option<PathBuf>) -> PathBuf {
    project.unwrap_or_else(|| PathBuf::from("."))
}

/// An error whose message already names its cause (as every error of the core does) as an
/// `anyhow` error: printing it with `{:#}` must not repeat the cause. `main` prints it and
/// exits 2.
fn unreadable(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

fn validate(project: Option<PathBuf>, json: bool) -> anyhow::Result<ExitCode> {
    let root = project_or_cwd(project);
    let report = accord::validate::validate(&root).map_err(unreadable)?;
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &report).context("writing JSON")?;
        writeln!(out)?;
    } else {
        for f in &report.findings {
            writeln!(out, "{f}")?;
        }
        writeln!(
            out,
            "{}: {} documents, {} files, {} annotations checked: {}",
            root.display(),
            report.documents,
            report.files_checked,
            report.annotations_checked,
            match report.findings.len() {
                0 => "no problems".to_owned(),
                1 => "1 problem".to_owned(),
                n => format!("{n} problems"),
            }
        )?;
    }
    Ok(if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn stats(project: Option<PathBuf>, json: bool) -> anyhow::Result<ExitCode> {
    let root = project_or_cwd(project);
    let stats = accord::stats::stats(&root).map_err(unreadable)?;
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &stats).context("writing JSON")?;
        writeln!(out)?;
    } else {
        write!(out, "{}", stats.to_text())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn check_layout(files: &[PathBuf], width: f32, show: usize) -> anyhow::Result<ExitCode> {
    let mut fonts = accord::layout::FontSet::bundled().context("loading the bundled fonts")?;
    let mut all_ok = true;
    let mut out = std::io::stdout().lock();
    for path in files {
        let doc = match accord::model::Document::open(path) {
            Ok(d) => d,
            Err(e) => {
                writeln!(out, "{}: cannot check: {e}", path.display())?;
                all_ok = false;
                continue;
            }
        };
        let report = accord::layout::audit::check_document(&mut fonts, &doc, width);
        writeln!(out, "{}: {}", path.display(), report.summary())?;
        for failure in report.failures.iter().take(show) {
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
