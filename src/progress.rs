//! `accord progress` and the window's Progress panel: per annotator, the documents assigned,
//! started and finished, the annotations made, and their last commit.
//!
//! Read from the files alone: `assignments.ron`, the annotation files (counted, not built:
//! [`AnnotationFile::count_in`]) and `status/<annotator>.ron`; the last commits from one
//! `git log` over `annotations/` when the project is in a git work tree.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Serialize;

use crate::git::{GitError, WorkTree};
use crate::project::assignments::{AssignmentsFile, STATUS_DIR, StatusFile};
use crate::project::{ANNOTATIONS_DIR, CURATED, check_annotator_name};
use crate::project_dir::{Kind, ProjectDir};
use crate::store::AnnotationFile;

/// One annotator's figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AnnotatorProgress {
    /// The annotator.
    pub annotator: String,
    /// Documents `assignments.ron` gives them.
    pub assigned: usize,
    /// Documents of the project they have at least one annotation in.
    pub started: usize,
    /// Documents they marked finished.
    pub finished: usize,
    /// Their annotations in all documents of the project.
    pub annotations: usize,
    /// The last commit that changed `annotations/<annotator>/`, when the project is in a git
    /// work tree and one did.
    pub last_commit: Option<LastCommit>,
}

/// A commit, as `accord progress` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LastCommit {
    /// Author date, ISO 8601 (`2026-12-06T09:12:00+01:00`).
    pub date: String,
    /// Abbreviated hash.
    pub hash: String,
}

/// The progress of a project's annotators.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Documents in the project.
    pub documents: usize,
    /// Annotators per document in `assignments.ron`, when there is one.
    pub overlap: Option<usize>,
    /// The annotators of `assignments.ron` in its order, then the others who have
    /// annotation or status files, by name.
    pub annotators: Vec<AnnotatorProgress>,
    /// Files that could not be read, with why (see `accord validate`).
    pub unreadable_files: Vec<String>,
    /// Why the last commits are missing when git was asked and failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub git_error: Option<String>,
}

/// The figures from the files of the project in `dir` whose documents are `documents` (as
/// `accord.ron` names them); no last commits (see [`with_last_commits`]).
pub fn progress(dir: &ProjectDir, documents: &[String]) -> Progress {
    let mut report = Progress {
        documents: documents.len(),
        ..Progress::default()
    };
    let assignments = match AssignmentsFile::load_in(dir) {
        Ok(a) => a,
        Err(e) => {
            report.unreadable_files.push(e.to_string());
            None
        }
    };
    report.overlap = assignments.as_ref().map(|a| a.overlap);
    let mut names: Vec<String> = Vec::new();
    if let Some(a) = &assignments {
        for entry in &a.annotators {
            if !names.contains(&entry.annotator) && check_annotator_name(&entry.annotator).is_ok() {
                names.push(entry.annotator.clone());
            }
        }
    }
    let mut others = BTreeSet::new();
    for (name, kind) in dir.list(&dir.path(ANNOTATIONS_DIR)).unwrap_or_default() {
        if kind == Kind::Folder && name != CURATED && check_annotator_name(&name).is_ok() {
            others.insert(name);
        }
    }
    for (name, kind) in dir.list(&dir.path(STATUS_DIR)).unwrap_or_default() {
        if let Some(stem) = name.strip_suffix(".ron")
            && kind == Kind::File
            && check_annotator_name(stem).is_ok()
        {
            others.insert(stem.to_owned());
        }
    }
    for name in others {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let in_project: BTreeSet<&str> = documents.iter().map(String::as_str).collect();
    for annotator in names {
        let assigned = assignments
            .as_ref()
            .map_or(0, |a| a.documents_of(&annotator).len());
        let (mut started, mut annotations) = (0, 0);
        for doc in documents {
            let path = dir
                .path(ANNOTATIONS_DIR)
                .join(&annotator)
                .join(format!("{doc}.ron"));
            if matches!(dir.kind(&path), Ok(None)) {
                continue;
            }
            match AnnotationFile::count_in(dir, &path) {
                Ok(n) => {
                    started += usize::from(n > 0);
                    annotations += n;
                }
                Err(e) => report.unreadable_files.push(e.to_string()),
            }
        }
        let finished = match StatusFile::load_in(dir, &annotator) {
            Ok(status) => status
                .finished
                .iter()
                .filter(|d| in_project.contains(d.as_str()))
                .count(),
            Err(e) => {
                report.unreadable_files.push(e.to_string());
                0
            }
        };
        report.annotators.push(AnnotatorProgress {
            annotator,
            assigned,
            started,
            finished,
            annotations,
            last_commit: None,
        });
    }
    report
}

/// [`progress`] with each annotator's last commit, when the project at `root` is in a git
/// work tree (else none, and no error: a project need not use git).
pub fn with_last_commits(dir: &ProjectDir, documents: &[String]) -> Progress {
    let mut report = progress(dir, documents);
    if let Some(tree) = WorkTree::containing(dir.root()) {
        match last_commits(&tree, dir.root()) {
            Ok(commits) => {
                for a in &mut report.annotators {
                    a.last_commit = commits.get(&a.annotator).cloned();
                }
            }
            Err(e) => report.git_error = Some(e.to_string()),
        }
    }
    report
}

/// Marks the start of a commit in the `git log` output (a byte no path or hash holds).
const COMMIT_MARK: char = '\u{1}';

/// The last commit that changed `annotations/<annotator>/` of the project at `root`, for every
/// annotator at once: one `git log` over `annotations/`, newest first, the first commit seen
/// for an annotator's folder being theirs.
pub fn last_commits(
    tree: &WorkTree,
    root: &Path,
) -> Result<BTreeMap<String, LastCommit>, GitError> {
    // The project may be a folder inside the work tree; git names paths from its top.
    let prefix = match (root.canonicalize(), tree.root().canonicalize()) {
        (Ok(project), Ok(top)) => project
            .strip_prefix(&top)
            .map(|p| p.to_path_buf())
            .unwrap_or_default(),
        _ => Default::default(),
    };
    let folder = prefix.join(ANNOTATIONS_DIR);
    let folder_text = folder
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    let out = tree.run([
        std::ffi::OsStr::new("-c"),
        "core.quotePath=false".as_ref(),
        "log".as_ref(),
        "--no-renames".as_ref(),
        format!("--format={COMMIT_MARK}%h%x09%aI").as_ref(),
        "--name-only".as_ref(),
        "--".as_ref(),
        folder.as_os_str(),
    ])?;
    let lead = format!("{folder_text}/");
    let mut found = BTreeMap::new();
    let mut current: Option<LastCommit> = None;
    for line in out.stdout.lines() {
        if let Some(header) = line.strip_prefix(COMMIT_MARK) {
            current = header.split_once('\t').map(|(hash, date)| LastCommit {
                date: date.to_owned(),
                hash: hash.to_owned(),
            });
        } else if let (Some(rest), Some(commit)) = (line.strip_prefix(&lead), &current)
            && let Some((annotator, _)) = rest.split_once('/')
            && !found.contains_key(annotator)
        {
            found.insert(annotator.to_owned(), commit.clone());
        }
    }
    Ok(found)
}

impl Progress {
    /// The table `accord progress` prints.
    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let _ = write!(out, "{} documents", self.documents);
        if let Some(k) = self.overlap {
            let _ = write!(out, ", {k} annotators per document");
        }
        out.push('\n');
        if self.annotators.is_empty() {
            out.push_str("no annotators yet: `accord assign` assigns documents\n");
        }
        let width = self
            .annotators
            .iter()
            .map(|a| a.annotator.chars().count())
            .max()
            .unwrap_or(0)
            .max("annotator".len());
        if !self.annotators.is_empty() {
            let _ = writeln!(
                out,
                "{:width$}  assigned  started  finished  annotations  last commit",
                "annotator"
            );
        }
        for a in &self.annotators {
            let commit = a
                .last_commit
                .as_ref()
                .map_or_else(|| "-".to_owned(), |c| format!("{} {}", c.date, c.hash));
            let _ = writeln!(
                out,
                "{:width$}  {:>8}  {:>7}  {:>8}  {:>11}  {commit}",
                a.annotator, a.assigned, a.started, a.finished, a.annotations
            );
        }
        if let Some(e) = &self.git_error {
            let _ = writeln!(out, "last commits unknown: {e}");
        }
        for f in &self.unreadable_files {
            let _ = writeln!(out, "unreadable: {f}");
        }
        out
    }
}
