//! `accord diff`: what changed between two versions of an annotation or link file, by
//! annotation id, one line each; also git's diff driver (`--git`, the seven arguments git
//! gives an external diff) and textconv filter (`--textconv`), set up by `accord git setup`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use accord::project::diff::{Version, diff_texts, read_texts};

use super::unreadable;

/// Arguments of `accord diff`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The old and the new version (an annotation file or a `links/<annotator>.ron` file).
    /// With `--git`: the arguments git gives an external diff, `PATH OLD-FILE OLD-HEX
    /// OLD-MODE NEW-FILE NEW-HEX NEW-MODE` (seven; nine for a rename).
    #[arg(value_name = "FILE", num_args = 1..=9, required = true)]
    files: Vec<PathBuf>,
    /// Run as git's external diff (`diff.accord.command`): a header naming the file, then
    /// the changes; `/dev/null` for a side where the file does not exist; exit 0 whether or
    /// not they differ, as git expects. Implied by seven or nine arguments.
    #[arg(long, conflicts_with = "textconv")]
    git: bool,
    /// Print one file as one line per annotation and link, sorted (git's
    /// `diff.accord.textconv`, which `git log -p` and `git show` use). A file Accord cannot
    /// read is printed as it is.
    #[arg(long)]
    textconv: bool,
}

/// Exit 0: no difference, 1: differences, 2: a file cannot be read (with `--git`, 0 unless
/// a file cannot be read).
pub fn run(args: Args, out: &mut super::Out) -> anyhow::Result<ExitCode> {
    let n = args.files.len();
    if args.textconv {
        let [file] = args.files.as_slice() else {
            anyhow::bail!("--textconv takes one file, not {n}");
        };
        return textconv(file, out);
    }
    if args.git || n == 7 || n == 9 {
        return git_diff(&args.files, out);
    }
    let [old, new] = args.files.as_slice() else {
        anyhow::bail!(
            "give two files to compare, the old and the new version (or git's seven arguments with --git), not {n}"
        );
    };
    let named = |path: &Path, read: Result<Option<String>, _>| {
        read.map_err(unreadable)?.ok_or_else(|| {
            anyhow::anyhow!("{}: there is no such file; check the path", path.display())
        })
    };
    let (read_old, read_new) = read_texts(old, new);
    let (old_text, new_text) = (named(old, read_old)?, named(new, read_new)?);
    let changes = diff_texts(Some((&old_text, old)), Some((&new_text, new))).map_err(unreadable)?;
    for c in &changes {
        writeln!(out, "{c}")?;
    }
    Ok(if changes.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn read_text(path: &Path) -> anyhow::Result<Option<String>> {
    accord::project::diff::read_text(path).map_err(unreadable)
}

/// Whether `path` stands for a file that does not exist on that side (git's `/dev/null`).
fn is_absent(path: &Path) -> bool {
    path == Path::new("/dev/null") || path == Path::new("nul")
}

fn textconv(path: &Path, out: &mut super::Out) -> anyhow::Result<ExitCode> {
    if is_absent(path) {
        return Ok(ExitCode::SUCCESS);
    }
    // `accord.ron`, a schema, a file with conflict markers, not UTF-8: as it is, so git
    // still shows the change.
    match read_text(path) {
        Ok(text) => {
            let text = text.unwrap_or_default();
            match Version::parse(&text, path) {
                Ok(version) => write!(out, "{}", version.listing())?,
                Err(_) => out.write_all(text.as_bytes())?,
            }
        }
        Err(_) => {
            let limit = accord::project_dir::Limit::new(
                accord::store::file::MAX_FILE_BYTES,
                "a file git diffs",
            );
            let bytes = accord::project_dir::read_outside(path, limit).map_err(unreadable)?;
            out.write_all(&bytes.unwrap_or_default())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// git's external diff: `PATH OLD-FILE OLD-HEX OLD-MODE NEW-FILE NEW-HEX NEW-MODE [NEW-PATH
/// MESSAGE]`.
fn git_diff(args: &[PathBuf], out: &mut super::Out) -> anyhow::Result<ExitCode> {
    let (path, old, new) = match args {
        [path, old, _, _, new, _, _] => (path, old, new),
        [_, old, _, _, new, _, _, new_path, _] => (new_path, old, new),
        _ => anyhow::bail!(
            "--git takes the seven (or nine) arguments git gives an external diff, not {}",
            args.len()
        ),
    };
    // `None`: the file does not exist on that side; `Some(None)`: it is not UTF-8.
    let side = |file: &Path| -> Option<Option<String>> {
        if is_absent(file) {
            return None;
        }
        // A file that is not UTF-8 is no Accord file: git's line diff shows it.
        Some(read_text(file).ok().map(Option::unwrap_or_default))
    };
    let (o, n) = (side(old), side(new));
    let shown = path.display();
    writeln!(out, "accord diff a/{shown} b/{shown}")?;
    // Both absent or read: `Some(text or nothing)`.
    fn readable(side: &Option<Option<String>>) -> Option<Option<&str>> {
        match side {
            None => Some(None),
            Some(Some(text)) => Some(Some(text.as_str())),
            Some(None) => None,
        }
    }
    if let (Some(o), Some(n)) = (readable(&o), readable(&n))
        && let Ok(changes) =
            diff_texts(o.map(|t| (t, old.as_path())), n.map(|t| (t, new.as_path())))
    {
        for c in &changes {
            writeln!(out, "{c}")?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    // Not both read as Accord files (the project file, a schema, conflict markers): git's
    // own line diff, so the change is still shown.
    let real = |f: &Path| {
        if is_absent(f) {
            PathBuf::from("/dev/null")
        } else {
            f.to_path_buf()
        }
    };
    let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let hunks = accord::git::diff_files(&here, &real(old), &real(new)).map_err(unreadable)?;
    write!(out, "{hunks}")?;
    Ok(ExitCode::SUCCESS)
}
