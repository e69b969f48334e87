//! The binary's command line: argument parsing and the subcommands, one file each, over the
//! library. Output and exit codes only; the work is done by the core.

mod agree;
mod assign;
mod bar;
mod check_layout;
mod commitments;
mod diff;
mod export;
mod git_setup;
mod import;
mod init;
mod merge_file;
mod progress;
mod reanchor;
mod recover;
mod stats;
mod suggest;
mod sync;
mod validate;

use std::io::BufWriter;
use std::path::PathBuf;
use std::process::ExitCode;

use accord::formats::Format;
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

/// The subcommands, one file each.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a project in a folder: a label set (Accord's news set, a schema file, a brat
    /// annotation.conf or a Label Studio config.xml) and documents (files, folders, tables of
    /// texts). Never overwrites a project. Exit 0 created, 1 some files refused, 2 nothing
    /// created.
    Init(init::Args),
    /// List every problem in a project. Exit 0: clean, 1: findings, 2: cannot read the project.
    Validate(validate::Args),
    /// Count documents, chars, and annotations per label, layer, annotator and document.
    Stats(stats::Args),
    /// Lay files out and check that every character can be hit, is drawn with a real glyph,
    /// and sits in the right visual order. Exit 1 if any character fails.
    CheckLayout(check_layout::Args),
    /// Write annotations in another tool's format.
    #[command(about = format_list("Write annotations as", |_| true))]
    Export(export::Args),
    /// Read documents and annotations from another tool's format into a project.
    #[command(about = format_list("Read documents and annotations into a project from", |f| f.can_import()))]
    Import(import::Args),
    /// Agreement between annotators: span F1, Cohen's/Fleiss' κ, Krippendorff's α.
    Agree(agree::Args),
    /// The ledger of commitments: who commits, to what, by when, what kind, how it stands,
    /// which thread; by document date.
    Commitments(commitments::Args),
    /// Move the annotations of documents that changed to where their text is now; print what
    /// moved and what could not be placed. Exit 1 if some could not be placed, 2 if a file
    /// could not be read or written.
    Reanchor(reanchor::Args),
    /// Put back the edits a crash kept from being saved (the annotator's journal), save them,
    /// and print what was recovered per file. Exit 1 if some could not be put back, 2 if a file
    /// could not be read or written or the lock is held.
    Recover(recover::Args),
    /// git's merge driver for annotation, link, project and schema files (set up by
    /// `accord git setup`): merges by id, keeps annotations both sides changed as conflicts
    /// to decide in the window. Exit 0 merged, 1 git must mark a conflict, 2 unreadable.
    MergeFile(merge_file::Args),
    /// Commit the project's changes, fetch, merge by annotation and push, as the window's
    /// Sync does. Exit 0 synced, 1 a merge or push git could not finish, 2 git failed.
    Sync(sync::Args),
    /// What changed between two versions of an annotation or link file, by annotation id: `+`
    /// added, `-` removed, `~` changed (label, fragments, attributes, review…). Exit 0: no
    /// difference, 1: differences, 2: a file cannot be read. Also git's diff driver.
    Diff(diff::Args),
    /// Team work through git: `accord git setup` registers the diff and merge drivers.
    Git(git_setup::Args),
    /// Assign the documents to annotators, round robin with a chosen overlap, into
    /// assignments.ron; the same seed gives the same assignments.
    Assign(assign::Args),
    /// Per annotator: documents assigned, started and finished, annotations, last commit.
    Progress(progress::Args),
    /// Suggestions for an annotator: the forms they (and, if chosen, others) labelled, the
    /// project's gazetteers, a tagger trained on their labels, an external Label Studio ML
    /// backend. Lists them (document, start, end, label, source, score, text), adds them as
    /// pre-annotation (--apply), or measures each suggester (--evaluate). Exit 0, 1 when a
    /// suggester failed (the others still ran), 2 when nothing could be read or written.
    Suggest(suggest::Args),
}

/// Runs a subcommand and returns the process exit code.
pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    // Buffered: stdout alone writes each line as it ends, a system call per line of a 20 MB
    // JSON report. Written out here, once, so that a failed write (a full disk) is an error
    // and a failing exit, not lost in a drop.
    let mut out = Printable::new(BufWriter::with_capacity(1 << 16, std::io::stdout().lock()));
    let result = match command {
        Command::Init(args) => init::run(args, &mut out),
        Command::Validate(args) => validate::run(args, &mut out),
        Command::Stats(args) => stats::run(args, &mut out),
        Command::CheckLayout(args) => check_layout::run(args, &mut out),
        Command::Export(args) => export::run(args, &mut out),
        Command::Import(args) => import::run(args, &mut out),
        Command::Agree(args) => agree::run(args, &mut out),
        Command::Commitments(args) => commitments::run(args, &mut out),
        Command::Reanchor(args) => reanchor::run(args, &mut out),
        Command::Recover(args) => recover::run(args, &mut out),
        // A merge driver writes only the file it merges, and says what it did on stderr.
        Command::MergeFile(args) => merge_file::run(args),
        Command::Sync(args) => sync::run(args, &mut out),
        Command::Diff(args) => diff::run(args, &mut out),
        Command::Git(args) => git_setup::run(args, &mut out),
        Command::Assign(args) => assign::run(args, &mut out),
        Command::Progress(args) => progress::run(args, &mut out),
        Command::Suggest(args) => suggest::run(args, &mut out),
    };
    let flushed = std::io::Write::flush(&mut out);
    let code = result?;
    flushed.context("writing the output")?;
    Ok(code)
}

/// `"{lead} JSONL, spaCy, … or HTML"`: the formats of the registry that `keep`.
fn format_list(lead: &str, keep: fn(Format) -> bool) -> String {
    let titles: Vec<&str> = Format::ALL
        .into_iter()
        .filter(|f| keep(*f))
        .map(Format::title)
        .collect();
    match titles.split_last() {
        Some((last, rest)) if !rest.is_empty() => {
            format!("{lead} {} or {last}", rest.join(", "))
        }
        _ => format!("{lead} {}", titles.join("")),
    }
}

/// `--format NAME`: the registry's formats (those that can be imported, for `import`), each
/// listed in `--help` with what it writes or reads.
pub(crate) fn format_parser(import: bool) -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser as _};
    let values = Format::ALL.into_iter().filter_map(move |f| {
        let help = if import {
            f.import()?.reads
        } else {
            f.spec().writes
        };
        Some(PossibleValue::new(f.name()).help(help))
    });
    PossibleValuesParser::new(values).try_map(|name| name.parse::<Format>())
}

/// Standard output for a subcommand, buffered, with control characters escaped (see
/// [`Printable`]); [`run`] writes it out when the subcommand returns.
pub(crate) type Out = Printable<BufWriter<std::io::StdoutLock<'static>>>;

/// A writer that escapes the characters a terminal would act on instead of showing — C0 and
/// C1 controls (ESC starts the sequences that clear the screen or set the title) but tab,
/// line feed and carriage return, DEL, and the bidi controls that reorder what follows — as
/// `\u{…}`. Names in a project (documents, annotators, labels) come from files anyone could
/// have written; JSON output has none of these raw, so it passes unchanged.
pub(crate) struct Printable<W: std::io::Write> {
    inner: W,
    /// The start of a character split between two writes.
    pending: Vec<u8>,
}

impl<W: std::io::Write> Printable<W> {
    /// Escapes what is written to `inner`.
    pub(crate) fn new(inner: W) -> Self {
        Self {
            inner,
            pending: Vec::new(),
        }
    }
}

/// The escaped form of `text` (see [`Printable`]).
pub(crate) fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

impl<W: std::io::Write> std::io::Write for Printable<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // Most writes are whole characters: no copy unless one was cut off before.
        let joined;
        let mut rest = if self.pending.is_empty() {
            buf
        } else {
            let mut bytes = std::mem::take(&mut self.pending);
            bytes.extend_from_slice(buf);
            joined = bytes;
            joined.as_slice()
        };
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    self.inner.write_all(printable(text).as_bytes())?;
                    break;
                }
                Err(e) => {
                    let (valid, after) = rest.split_at(e.valid_up_to());
                    // Checked by `from_utf8` just now.
                    let valid = std::str::from_utf8(valid).unwrap_or_default();
                    self.inner.write_all(printable(valid).as_bytes())?;
                    match e.error_len() {
                        // A character cut off at the end: wait for its other bytes.
                        None => {
                            self.pending = after.to_vec();
                            break;
                        }
                        // Not UTF-8: passed on as it is.
                        Some(n) => {
                            self.inner.write_all(&after[..n])?;
                            rest = &after[n..];
                        }
                    }
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let pending = std::mem::take(&mut self.pending);
        self.inner.write_all(&pending)?;
        self.inner.flush()
    }
}

impl<W: std::io::Write> Drop for Printable<W> {
    fn drop(&mut self) {
        let _ = std::io::Write::flush(self);
    }
}

/// The project folder given, or the current folder.
pub(crate) fn project_or_cwd(project: Option<PathBuf>) -> PathBuf {
    project.unwrap_or_else(|| PathBuf::from("."))
}

/// Removes the temporary files of saves an interrupted run left in the project at `root`
/// ([`accord::project_dir::ProjectDir::remove_unfinished_saves`]) and says which.
pub(crate) fn remove_unfinished_saves(
    root: &std::path::Path,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    let Ok(dir) = accord::project_dir::ProjectDir::new(root) else {
        return Ok(());
    };
    let removed = dir.remove_unfinished_saves();
    if !removed.is_empty() {
        writeln!(
            out,
            "{}",
            accord::project_dir::atomic::unfinished_note(&removed)
        )?;
    }
    Ok(())
}

/// An error whose message already names its cause (as every error of the core does) as an
/// `anyhow` error: printing it with `{:#}` must not repeat the cause. `main` prints it and
/// exits 2.
pub(crate) fn unreadable(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;

    #[test]
    fn terminal_controls_are_escaped_and_the_rest_kept() {
        let mut out = Printable::new(Vec::new());
        let text = "doc\u{1b}]0;pwned\u{7}.txt\tКазахстан ٢\u{202e}txt.exe\nnext\u{85}";
        // Written a byte at a time, so characters arrive in pieces.
        for b in text.as_bytes() {
            out.write_all(&[*b]).unwrap();
        }
        out.flush().unwrap();
        let written = String::from_utf8(out.inner.clone()).unwrap();
        assert_eq!(
            written,
            "doc\\u{1b}]0;pwned\\u{7}.txt\tКазахстан ٢\\u{202e}txt.exe\nnext\\u{85}"
        );
    }
}
