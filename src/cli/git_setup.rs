//! `accord git setup`: git diffs and merges the project's annotation files by annotation id,
//! and leaves journals and locks alone ([`accord::project::git_setup`]).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use accord::project::git_setup::GitSetup;
use accord::project::{Project, SchemaSource};
use anyhow::Context as _;

use super::{project_or_cwd, unreadable};

/// Arguments of `accord git`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    command: GitCommand,
}

/// The subcommands of `accord git`.
#[derive(Debug, clap::Subcommand)]
enum GitCommand {
    /// Register Accord's diff and merge drivers for the project in the git work tree it is in
    /// (`.gitattributes`, the repository's config) and ignore journals and locks
    /// (`.gitignore`). Running it again changes nothing.
    Setup {
        /// Project folder (default: the current folder).
        project: Option<PathBuf>,
    },
}

/// Exit 0: set up (or already was), 2: not in a work tree, or git or a file failed.
pub fn run(args: Args, out: &mut super::Out) -> anyhow::Result<ExitCode> {
    let GitCommand::Setup { project } = args.command;
    let root = project_or_cwd(project);
    let project = Project::open(&root).map_err(unreadable)?;
    let schema_file = match &project.file.schema {
        SchemaSource::File(file) => Some(file.as_str()),
        _ => None,
    };
    let setup = GitSetup::for_project(&project.root, schema_file).map_err(unreadable)?;
    let exe = std::env::current_exe().context("cannot tell where this accord program is")?;
    let report = setup.run(&exe).map_err(unreadable)?;
    writeln!(out, "{report}")?;
    Ok(ExitCode::SUCCESS)
}
