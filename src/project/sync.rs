//! Sync: a project's work shared through git — commit the annotator's changes with a message
//! that says what they are, fetch, merge (annotation files by id, through the merge driver
//! `accord git setup` registers), push. What the window's Sync and its tests run, off the UI
//! thread, cancellable; every failure says what happened and leaves the work tree as git left
//! it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use thiserror::Error;

use super::ANNOTATIONS_DIR;
use super::merge_file::{Commits, FileKind, Mine, Versions, merge_texts, renumbering_at};
use crate::git::{GitError, WorkTree};
use crate::store::AnnotationFile;
use crate::store::merge::{ItemChange, three_way};

/// Where a project stands against its remote branch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncStatus {
    /// The branch checked out (`None`: a detached HEAD).
    pub branch: Option<String>,
    /// The remote branch it follows, if any (`origin/main`).
    pub upstream: Option<String>,
    /// Commits here that the remote branch does not have.
    pub ahead: usize,
    /// Commits on the remote branch (as last fetched) not here.
    pub behind: usize,
}

/// Why a sync stopped. Nothing is lost in any case: committed work stays committed, and the
/// work tree is as git left it.
#[derive(Debug, Error)]
pub enum SyncError {
    /// The project is not in a git work tree.
    #[error("{0} is not in a git work tree: `git init` it, or clone the team's repository")]
    NotARepository(PathBuf),
    /// The branch follows no remote branch.
    #[error(
        "the branch {branch} follows no remote branch: push it once with `git push -u origin {branch}`"
    )]
    NoUpstream {
        /// The branch.
        branch: String,
    },
    /// A merge is already under way (or was left unfinished).
    #[error(
        "a git merge is unfinished in this work tree: finish it (`git status` lists the files) or `git merge --abort`, then sync again"
    )]
    MergeInProgress,
    /// The remote could not be reached.
    #[error(
        "cannot reach the remote ({0}); your work is committed here and will be sent on the next sync"
    )]
    Network(String),
    /// The remote refused credentials.
    #[error("the remote refused your credentials ({0}); check them with `git fetch` in a terminal")]
    Authentication(String),
    /// The merge left files git could not merge.
    #[error(
        "the merge stopped with conflicts in {}: they are left as git left them (`git status`); resolve them and commit, or `git merge --abort`",
        .0.join(", ")
    )]
    Conflict(Vec<String>),
    /// The push was refused even after merging what was new.
    #[error("the remote refused the push ({0}); your work is committed here")]
    Rejected(String),
    /// Any other git failure.
    #[error(transparent)]
    Git(#[from] GitError),
}

/// What a sync did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// The message of the commit made of local changes, if there were any.
    pub committed: Option<String>,
    /// Files (relative to the work tree) the merge brought in or changed: the window
    /// reloads these.
    pub changed: Vec<PathBuf>,
    /// True when the push sent commits.
    pub pushed: bool,
}

/// A step of a sync, for a progress line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncStep {
    /// Committing local changes.
    Commit,
    /// Fetching from the remote.
    Fetch,
    /// Merging what came.
    Merge,
    /// Pushing.
    Push,
}

impl SyncStep {
    /// The step as a progress line says it.
    pub fn describe(self) -> &'static str {
        match self {
            SyncStep::Commit => "committing your changes",
            SyncStep::Fetch => "fetching",
            SyncStep::Merge => "merging",
            SyncStep::Push => "pushing",
        }
    }
}

/// Where the project at `root` stands (no network: "behind" is as of the last fetch).
pub fn status(root: &Path) -> Result<SyncStatus, SyncError> {
    let git = WorkTree::containing(root).ok_or_else(|| SyncError::NotARepository(root.into()))?;
    let (branch, upstream) = branch_and_upstream(&git);
    let (mut ahead, mut behind) = (0, 0);
    if upstream.is_some()
        && let Ok(o) = git.run(["rev-list", "--left-right", "--count", "HEAD...@{u}"])
    {
        let mut n = o.stdout.split_whitespace().map(|n| n.parse().unwrap_or(0));
        ahead = n.next().unwrap_or(0);
        behind = n.next().unwrap_or(0);
    }
    Ok(SyncStatus {
        branch,
        upstream,
        ahead,
        behind,
    })
}

/// The branch checked out (`None`: a detached HEAD) and the branch it follows.
fn branch_and_upstream(git: &WorkTree) -> (Option<String>, Option<String>) {
    let branch = git
        .run(["symbolic-ref", "-q", "--short", "HEAD"])
        .ok()
        .map(|o| o.stdout.trim().to_owned());
    let upstream = git
        .run(["rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}"])
        .ok()
        .map(|o| o.stdout.trim().to_owned());
    (branch, upstream)
}

/// Commits the project's changes as `annotator`, fetches, merges the remote branch and
/// pushes; if the remote moved meanwhile, merges again (three tries). `progress` hears each
/// step; `cancel` set stops the git command running (the work tree is then as git left it).
pub fn sync(
    root: &Path,
    annotator: &str,
    cancel: &Arc<AtomicBool>,
    progress: &mut dyn FnMut(SyncStep),
) -> Result<SyncReport, SyncError> {
    let git = WorkTree::containing(root).ok_or_else(|| SyncError::NotARepository(root.into()))?;
    let run = |args: &[&str]| git.run_cancellable(args, cancel);
    if git
        .run(["rev-parse", "-q", "--verify", "MERGE_HEAD"])
        .is_ok()
    {
        return Err(SyncError::MergeInProgress);
    }
    let (branch, upstream) = branch_and_upstream(&git);
    let branch = branch.unwrap_or_else(|| "HEAD".into());
    if upstream.is_none() {
        return Err(SyncError::NoUpstream { branch });
    }
    let mut report = SyncReport::default();

    // Commits (and merge commits) are made as git's user when it has one.
    let (name, email) = identity(&git, annotator);
    let (name, email) = (format!("user.name={name}"), format!("user.email={email}"));
    progress(SyncStep::Commit);
    let project = root
        .canonicalize()
        .unwrap_or_else(|_| root.to_path_buf())
        .to_string_lossy()
        .into_owned();
    // Never a lock, a journal or an unfinished save, whether or not `.gitignore` says so.
    run(&[
        "add",
        "-A",
        "--",
        &project,
        ":(exclude,glob)**/.*.lock",
        ":(exclude,glob)**/.*.lock.live",
        ":(exclude,glob)**/.*.journal",
        ":(exclude,glob)**/.*.journal.*",
        ":(exclude,glob)**/.accord-save-*.tmp",
    ])?;
    let staged = run(&["diff", "--cached", "--name-only", "-z"])?;
    if !staged.stdout.is_empty() {
        let message = commit_message(&git, annotator, &staged.stdout);
        run(&["-c", &name, "-c", &email, "commit", "-q", "-m", &message])?;
        report.committed = Some(message);
    }

    for attempt in 0..3 {
        progress(SyncStep::Fetch);
        run(&["fetch", "--quiet"]).map_err(classify)?;
        progress(SyncStep::Merge);
        let before = run(&["rev-parse", "HEAD"])?.stdout.trim().to_owned();
        if let Err(e) = run(&[
            "-c",
            &name,
            "-c",
            &email,
            "merge",
            "--no-edit",
            "--quiet",
            "@{u}",
        ]) {
            let unmerged = git
                .run(["diff", "--name-only", "--diff-filter=U"])
                .map(|o| o.stdout.lines().map(str::to_owned).collect::<Vec<_>>())
                .unwrap_or_default();
            if unmerged.is_empty() {
                return Err(e.into());
            }
            return Err(SyncError::Conflict(unmerged));
        }
        if follow_renumbered(&git, &before)? {
            run(&[
                "-c",
                &name,
                "-c",
                &email,
                "commit",
                "-q",
                "--amend",
                "--no-edit",
            ])?;
        }
        let changed = run(&["diff", "--name-only", "-z", &before, "HEAD"])?.stdout;
        for path in changed.split('\0').filter(|p| !p.is_empty()) {
            let path = PathBuf::from(path);
            if !report.changed.contains(&path) {
                report.changed.push(path);
            }
        }
        progress(SyncStep::Push);
        match run(&["push", "--quiet"]) {
            Ok(_) => {
                report.pushed = true;
                break;
            }
            Err(e) => match classify(e) {
                SyncError::Rejected(why) if attempt == 2 => return Err(SyncError::Rejected(why)),
                SyncError::Rejected(_) => continue,
                other => return Err(other),
            },
        }
    }
    Ok(report)
}

/// After a merge: a link file both sides changed to the very same text was taken by git as
/// it is, without the merge driver, though the annotation files' merge may have given mine's
/// annotations new ids (the same annotator on two machines adding the same number of
/// annotations and grouping them alike). Merges such a file again as the driver would, so
/// mine's groups follow their annotations, and stages it — through git, the work tree
/// included. True when something was staged (the merge commit is then amended).
fn follow_renumbered(git: &WorkTree, before: &str) -> Result<bool, SyncError> {
    // What each side changed since the merge base (`A...B`); no second parent is a
    // fast-forward, where nothing was merged.
    let changed = |range: &str| -> Option<BTreeSet<String>> {
        let out = git.run(["diff", "--name-only", "-z", range]).ok()?.stdout;
        Some(
            out.split('\0')
                .filter(|p| FileKind::of_path(Path::new(p)) == Some(FileKind::Links))
                .map(str::to_owned)
                .collect(),
        )
    };
    let (Some(ours_changed), Some(theirs_changed)) = (
        changed(&format!("HEAD^2...{before}")),
        changed(&format!("{before}...HEAD^2")),
    ) else {
        return Ok(false);
    };
    if ours_changed.is_disjoint(&theirs_changed) {
        return Ok(false);
    }
    let theirs = git.run(["rev-parse", "HEAD^2"])?.stdout.trim().to_owned();
    let base = git
        .run(["merge-base", before, &theirs])?
        .stdout
        .trim()
        .to_owned();
    let show = |commit: &str, path: &str| {
        git.run(["show", &format!("{commit}:{path}")])
            .ok()
            .map(|o| o.stdout)
    };
    let mut staged = false;
    for path in ours_changed.intersection(&theirs_changed) {
        let (Some(ours), Some(same)) = (show(before, path), show(&theirs, path)) else {
            continue;
        };
        if ours != same {
            continue; // different texts: the driver merged them
        }
        let base_text = show(&base, path).unwrap_or_default();
        let commits = Commits {
            base: Some(&base),
            mine: before,
            theirs: &theirs,
        };
        let versions = Versions {
            base: &base_text,
            ours: &ours,
            theirs: &ours,
        };
        let renumbered = |document: &str| renumbering_at(git, commits, Path::new(path), document);
        let Ok(merged) = merge_texts(
            versions,
            Path::new(path),
            FileKind::Links,
            Mine::Ours,
            &renumbered,
        ) else {
            continue;
        };
        if merged.text == ours {
            continue;
        }
        let blob = git.store_blob(&merged.text)?;
        git.run([
            "update-index",
            "--cacheinfo",
            &format!("100644,{blob},{path}"),
        ])?;
        git.run(["checkout", "--", path])?;
        staged = true;
    }
    Ok(staged)
}

/// The name and e-mail commits are made under: git's own when set; else the annotator's name
/// and no real address, so an annotator's first Sync on a fresh machine does not fail on
/// "Please tell me who you are".
fn identity(git: &WorkTree, annotator: &str) -> (String, String) {
    // Both in one call; none set is exit 1.
    let set = git
        .run(["config", "--get-regexp", r"^user\.(name|email)$"])
        .map(|o| o.stdout)
        .unwrap_or_default();
    let value = |key: &str| {
        set.lines()
            .filter_map(|line| line.split_once(' '))
            .filter(|(k, v)| *k == key && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
            .next_back() // the last one set wins, as in git
    };
    (
        value("user.name").unwrap_or_else(|| annotator.to_owned()),
        value("user.email").unwrap_or_else(|| format!("{annotator}@accord.invalid")),
    )
}

/// Tells apart the failures a user can act on by what git said.
fn classify(e: GitError) -> SyncError {
    let message = e.message().to_owned();
    let lower = message.to_lowercase();
    let first = message.lines().next().unwrap_or_default().to_owned();
    // "[rejected] … (fetch first)" when the remote moved before the push; "cannot lock ref …
    // but expected" when it moved during it.
    if lower.contains("[rejected]")
        || lower.contains("non-fast-forward")
        || lower.contains("fetch first")
        || (lower.contains("[remote rejected]") && lower.contains("but expected"))
    {
        SyncError::Rejected(first)
    } else if lower.contains("authentication failed")
        || lower.contains("permission denied")
        || lower.contains("could not read username")
        || lower.contains("403")
    {
        SyncError::Authentication(first)
    } else if lower.contains("could not resolve host")
        || lower.contains("unable to access")
        || lower.contains("could not read from remote")
        || lower.contains("does not appear to be a git repository")
        || lower.contains("connection")
        || lower.contains("network")
    {
        SyncError::Network(first)
    } else {
        SyncError::Git(e)
    }
}

/// "alice: 2 documents (a.txt, b.txt): 5 added, 1 changed, 0 removed" — who, which
/// documents, how many annotations, from the staged annotation files against HEAD.
fn commit_message(git: &WorkTree, annotator: &str, staged: &str) -> String {
    let mut documents = Vec::new();
    let mut counts: BTreeMap<ItemChange, usize> = BTreeMap::new();
    let mut others = 0;
    for path in staged.split('\0').filter(|p| !p.is_empty()) {
        let p = Path::new(path);
        let is_annotations = p.components().any(|c| c.as_os_str() == ANNOTATIONS_DIR)
            && p.extension().is_some_and(|e| e == "ron");
        if !is_annotations {
            others += 1;
            continue;
        }
        let read = |spec: String| -> Option<crate::store::AnnotationStore> {
            let text = git.run(["show", &spec]).ok()?.stdout;
            AnnotationFile::parse_store(&text, p).ok().map(|f| f.store)
        };
        let old = read(format!("HEAD:{path}")).unwrap_or_default();
        let new = read(format!(":{path}")).unwrap_or_default();
        let map = |s: &crate::store::AnnotationStore| -> BTreeMap<u64, crate::model::Annotation> {
            s.annotations().map(|a| (a.id.0, a.clone())).collect()
        };
        // Old against new: what "theirs" took is what changed.
        for (_, _, outcome) in three_way(&map(&old), &map(&old), &map(&new)) {
            if let crate::store::merge::Outcome::Theirs(change) = outcome {
                *counts.entry(change).or_default() += 1;
            }
        }
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().trim_end_matches(".ron").to_owned())
            .unwrap_or_default();
        documents.push(name);
    }
    let n = |c| counts.get(&c).copied().unwrap_or(0);
    let mut message = if documents.is_empty() {
        format!("{annotator}: project files")
    } else {
        let shown: Vec<&str> = documents.iter().take(5).map(String::as_str).collect();
        let more = if documents.len() > 5 {
            format!(", and {} more", documents.len() - 5)
        } else {
            String::new()
        };
        format!(
            "{annotator}: {} document{} ({}{more}): {} added, {} changed, {} removed",
            documents.len(),
            if documents.len() == 1 { "" } else { "s" },
            shown.join(", "),
            n(ItemChange::Added),
            n(ItemChange::Changed),
            n(ItemChange::Removed),
        )
    };
    if others > 0 && !documents.is_empty() {
        message.push_str(&format!(
            "; {others} other project file{}",
            if others == 1 { "" } else { "s" }
        ));
    }
    message
}
