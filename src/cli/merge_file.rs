//! `accord merge-file BASE OURS THEIRS [PATH]`: git's merge driver for a project's files
//! (registered by `accord git setup`). Merges by id ([`accord::project::merge_file`]) and
//! writes the result over OURS, as git expects of a driver; a file that does not parse is left
//! to git's own line merge, with conflict markers, and named.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use accord::git::WorkTree;
use accord::project::merge_file::{
    Commits, FileKind, Merged, Mine, Versions, merge_texts, reads_as, renumbering_at,
};
use accord::store::file::MAX_FILE_BYTES;
use accord::store::merge::Renumbering;
use accord::store::merge_text::read_three;

/// Arguments of `accord merge-file`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The common ancestor's version (git's %O).
    base: PathBuf,
    /// Ours (git's %A): the merged result is written here.
    ours: PathBuf,
    /// Theirs (git's %B).
    theirs: PathBuf,
    /// Where the file lives in the repository (git's %P): says what kind of file it is and
    /// names it in messages. Default: OURS.
    path: Option<PathBuf>,
}

/// Exit 0: merged (annotations changed differently on both sides are kept in the file as
/// conflicts to decide in the window); 1: git must mark the file as conflicted (a file that
/// does not parse, merged by lines with markers; or a label, document entry or project setting
/// changed differently on both sides, ours kept); 2: a version could not be read or the
/// result written.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let shown = args.path.clone().unwrap_or_else(|| args.ours.clone());
    let read = |path: &Path| -> anyhow::Result<String> {
        // Git's temporary copies, not project files: read directly, but bounded like any
        // annotation file.
        let file = std::fs::File::open(path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        let size = file.metadata().map_or(0, |m| m.len()).min(MAX_FILE_BYTES);
        let mut text = String::with_capacity(usize::try_from(size).unwrap_or(0) + 1);
        file.take(MAX_FILE_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        if text.len() as u64 > MAX_FILE_BYTES {
            anyhow::bail!("{} is larger than {MAX_FILE_BYTES} bytes", path.display());
        }
        Ok(text)
    };
    // Three files of up to 18 MB: read at once.
    let (base, ours, theirs) = match read_three([&*args.base, &*args.ours, &*args.theirs], read) {
        [Ok(b), Ok(o), Ok(t)] => (b, o, t),
        [b, o, t] => {
            for e in [b.err(), o.err(), t.err()].into_iter().flatten() {
                eprintln!("accord merge-file: {e}");
            }
            return Ok(ExitCode::from(2));
        }
    };
    let Some(kind) = FileKind::of_path(&shown) else {
        return line_merge(&args, &shown, "it is not a RON file of the project");
    };
    let git = std::env::current_dir()
        .ok()
        .and_then(|d| WorkTree::containing(&d));
    let context = git.as_ref().and_then(MergeContext::find);
    let mine = match context.as_ref() {
        Some(c) if c.rebase => Mine::Theirs,
        _ => Mine::Ours,
    };
    let renumbered = |document: &str| -> Renumbering {
        match (git.as_ref(), context.as_ref()) {
            (Some(git), Some(context)) if kind == FileKind::Links => {
                context.renumbering(git, &shown, document, mine)
            }
            _ => Renumbering::default(),
        }
    };
    // A project or schema file is written by hand, with comments: where git's own line merge
    // is clean and still reads as that kind of file, it is kept as it merged.
    if matches!(kind, FileKind::Project | FileKind::Schema)
        && let Some(text) = clean_line_merge(&args)
        && reads_as(kind, &text, &shown)
    {
        return write_merged(
            &args.ours,
            &shown,
            Merged {
                text,
                conflicts: 0,
                unresolved: Vec::new(),
                report: String::new(),
                renumbered: Default::default(),
            },
        );
    }
    let versions = Versions {
        base: &base,
        ours: &ours,
        theirs: &theirs,
    };
    match merge_texts(versions, &shown, kind, mine, &renumbered) {
        Ok(merged) => write_merged(&args.ours, &shown, merged),
        Err(e) => line_merge(&args, &shown, &e.to_string()),
    }
}

fn write_merged(ours: &Path, shown: &Path, merged: Merged) -> anyhow::Result<ExitCode> {
    if let Err(e) = std::fs::write(ours, merged.text.as_bytes()) {
        eprintln!("accord merge-file: cannot write {}: {e}", ours.display());
        return Ok(ExitCode::from(2));
    }
    let name = shown.display();
    if merged.conflicts > 0 {
        eprintln!(
            "accord merge-file: {name}: {} annotation(s) changed differently on both sides are kept in the file as conflicts: decide them in Accord (Review → Next merge conflict)",
            merged.conflicts
        );
    }
    if !merged.unresolved.is_empty() {
        eprintln!(
            "accord merge-file: {name}: ours was kept where both sides changed the same thing: {}; edit the file and `git add` it",
            merged.unresolved.join("; ")
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// Git's own line merge of the three versions, if it is clean.
fn clean_line_merge(args: &Args) -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["merge-file", "-p", "-q"])
        .arg(&args.ours)
        .arg(&args.base)
        .arg(&args.theirs)
        .stdin(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8(out.stdout).ok())
        .flatten()
}

/// Git's own line merge, with conflict markers, for a file Accord cannot merge by id.
fn line_merge(args: &Args, shown: &Path, why: &str) -> anyhow::Result<ExitCode> {
    eprintln!(
        "accord merge-file: {} cannot be merged by annotation ({why}); merged by lines instead — resolve the conflict markers by hand",
        shown.display()
    );
    let dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let status = std::process::Command::new("git")
        .current_dir(dir)
        .args(["merge-file", "-L", "ours", "-L", "base", "-L", "theirs"])
        .arg(&args.ours)
        .arg(&args.base)
        .arg(&args.theirs)
        .stdin(std::process::Stdio::null())
        .status();
    match status {
        Ok(s) if s.success() => Ok(ExitCode::SUCCESS),
        Ok(_) => Ok(ExitCode::from(1)),
        Err(e) => {
            eprintln!("accord merge-file: cannot run git merge-file: {e}");
            Ok(ExitCode::from(2))
        }
    }
}

/// The commits of the merge git is in the middle of, to read the other files of the project
/// as each side has them (a link file's members follow its annotation files' renumbering).
struct MergeContext {
    ours: String,
    theirs: String,
    base: Option<String>,
    /// In a rebase (or cherry-pick), "theirs" is the commit being replayed: the local work.
    rebase: bool,
}

impl MergeContext {
    /// The commits being merged. While a driver runs, git has not written MERGE_HEAD yet: a
    /// merge names the commit it merges in `GITHEAD_<commit>` in the driver's environment, and
    /// a rebase lists the commit it is replaying last in `rebase-merge/done`.
    fn find(git: &WorkTree) -> Option<Self> {
        let rev = |name: &str| -> Option<String> {
            git.run(["rev-parse", "-q", "--verify", &format!("{name}^{{commit}}")])
                .ok()
                .map(|o| o.stdout.trim().to_owned())
        };
        let ours = rev("HEAD")?;
        let merged = std::env::vars().find_map(|(name, _)| {
            name.strip_prefix("GITHEAD_")
                .filter(|hex| hex.len() >= 40 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
                .map(str::to_owned)
        });
        if let Some(theirs) = merged.or_else(|| rev("MERGE_HEAD")) {
            let base = git
                .run(["merge-base", &ours, &theirs])
                .ok()
                .map(|o| o.stdout.trim().to_owned());
            return Some(Self {
                ours,
                theirs,
                base,
                rebase: false,
            });
        }
        let replayed = ["REBASE_HEAD", "CHERRY_PICK_HEAD"]
            .into_iter()
            .find_map(rev)
            .or_else(|| rebase_pick(git).and_then(|commit| rev(&commit)));
        let theirs = replayed?;
        let base = rev(&format!("{theirs}^"));
        Some(Self {
            ours,
            theirs,
            base,
            rebase: true,
        })
    }

    /// How the merge of `document`'s annotation file (the same annotator's as the link file
    /// at `links_path`) renumbers mine's annotations.
    fn renumbering(
        &self,
        git: &WorkTree,
        links_path: &Path,
        document: &str,
        mine: Mine,
    ) -> Renumbering {
        let (mine, theirs) = match mine {
            Mine::Ours => (&self.ours, &self.theirs),
            Mine::Theirs => (&self.theirs, &self.ours),
        };
        let commits = Commits {
            base: self.base.as_deref(),
            mine,
            theirs,
        };
        renumbering_at(git, commits, links_path, document)
    }
}

/// The commit a rebase is replaying: the last `pick` (or other command naming a commit) in
/// the rebase's `done` list.
fn rebase_pick(git: &WorkTree) -> Option<String> {
    let path = git
        .run(["rev-parse", "--git-path", "rebase-merge/done"])
        .ok()?
        .stdout
        .trim()
        .to_owned();
    let path = git.root().join(path);
    // Git's own small file in the repository's `.git`: a regular file, bounded.
    let limit = accord::project_dir::Limit::new(1 << 20, "git's list of rebased commits");
    let done = accord::project_dir::read_outside(&path, limit).ok()??;
    let done = String::from_utf8_lossy(&done);
    let last = done.lines().rev().find(|l| !l.trim().is_empty())?;
    let mut words = last.split_whitespace();
    let command = words.next()?;
    matches!(
        command,
        "pick" | "p" | "reword" | "r" | "edit" | "e" | "squash" | "s" | "fixup" | "f"
    )
    .then(|| words.find(|w| !w.starts_with('-')))
    .flatten()
    .map(str::to_owned)
}
