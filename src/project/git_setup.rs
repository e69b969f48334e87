//! `accord git setup`: the git work tree a project is in is told how to diff and merge its
//! annotation files by annotation id, and to leave each annotator's journal and lock alone.
//!
//! - `.gitattributes` at the top of the work tree (committed, so every clone has it) gives the
//!   project's annotation files, link files, `accord.ron` and schema file the attributes
//!   `merge=accord diff=accord`, with paths from the top (the project may be a subfolder).
//! - The repository's own configuration (`.git/config`, which a clone does not copy, so each
//!   member of a team runs the setup once) says what `accord` means there: `diff.accord.command`
//!   (`git diff` lists changed annotations, `accord diff --git`), `diff.accord.textconv`
//!   (`git log -p` and `git show` diff one line per annotation, `accord diff --textconv`) and
//!   the merge driver `merge.accord.driver` (`accord merge-file %O %A %B %P`), each with the
//!   full path of the running `accord`.
//! - `.gitignore` at the top: journals, locks and the temporary files of saves.
//!
//! Lines already there are kept as they are and never written twice, so running it again
//! changes nothing. Both files are written through [`crate::project_dir`] opened on the top of
//! the work tree: a `.gitattributes` that is a link out of it is refused.

use std::path::{Path, PathBuf};

use thiserror::Error;

use super::{ANNOTATIONS_DIR, LINKS_DIR, PROJECT_FILE};
use crate::git::{GitError, WorkTree};
use crate::project_dir::{FsError, Limit, ProjectDir};

/// The name of Accord's diff and merge drivers in git's attributes and configuration.
pub const DRIVER: &str = "accord";

/// The most of a `.gitattributes` or `.gitignore` Accord reads: 1 MiB.
const LIMIT: Limit = Limit::new(1024 * 1024, "a .gitattributes or .gitignore file");

/// The first line Accord adds to each file, so a reader knows where the lines come from.
const COMMENT: &str = "# Accord (accord git setup): annotation files diff and merge by id; journals and locks stay local";

/// Why git could not be set up.
#[derive(Debug, Error)]
pub enum GitSetupError {
    /// The project is in no git work tree.
    #[error(
        "{0} is not in a git work tree; run `git init` there (or clone the team's repository) first"
    )]
    NotInWorkTree(PathBuf),
    /// The project's folder could not be placed inside the work tree's.
    #[error("cannot tell where {project} is inside the git work tree {root}: {detail}")]
    Outside {
        /// The project folder.
        project: PathBuf,
        /// The top of the work tree.
        root: PathBuf,
        /// Why.
        detail: String,
    },
    /// git failed.
    #[error("{0}")]
    Git(#[from] GitError),
    /// Reading or writing `.gitattributes` or `.gitignore` failed.
    #[error("{0}")]
    File(#[from] FsError),
}

/// The git work tree of one project, and where the project is in it.
#[derive(Clone, Debug)]
pub struct GitSetup {
    tree: WorkTree,
    /// The project folder, from the top of the work tree, with `/` after each folder ("" at
    /// the top).
    prefix: String,
    /// The schema file, relative to the project, when it is a file of its own.
    schema_file: Option<String>,
}

/// What is already set up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Status {
    /// The drivers are in the repository's configuration.
    pub config: bool,
    /// `.gitattributes` has the project's lines.
    pub attributes: bool,
    /// `.gitignore` has the project's lines.
    pub ignore: bool,
}

impl Status {
    /// True when nothing is left to set up.
    pub fn is_complete(&self) -> bool {
        self.config && self.attributes && self.ignore
    }
}

/// What [`GitSetup::run`] changed, one sentence each; empty when everything was set up already.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SetupReport {
    /// The changes.
    pub changes: Vec<String>,
    /// The top of the work tree.
    pub root: PathBuf,
}

impl std::fmt::Display for SetupReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.changes.is_empty() {
            write!(
                f,
                "git in {} was already set up for Accord; nothing changed",
                self.root.display()
            )
        } else {
            write!(
                f,
                "git in {}: {}",
                self.root.display(),
                self.changes.join("; ")
            )
        }
    }
}

impl GitSetup {
    /// The work tree the project at `project_root` is in; `schema_file` is the project's own
    /// schema file (relative to the project), if it has one.
    pub fn for_project(
        project_root: &Path,
        schema_file: Option<&str>,
    ) -> Result<Self, GitSetupError> {
        let tree = WorkTree::containing(project_root)
            .ok_or_else(|| GitSetupError::NotInWorkTree(project_root.to_path_buf()))?;
        let outside = |detail: String| GitSetupError::Outside {
            project: project_root.to_path_buf(),
            root: tree.root().to_path_buf(),
            detail,
        };
        let project = project_root
            .canonicalize()
            .map_err(|e| outside(e.to_string()))?;
        let top = tree
            .root()
            .canonicalize()
            .map_err(|e| outside(e.to_string()))?;
        let rel = project
            .strip_prefix(&top)
            .map_err(|_| outside("it is not under the top of the work tree".into()))?;
        let mut prefix = String::new();
        for part in rel.components() {
            let part = part
                .as_os_str()
                .to_str()
                .ok_or_else(|| outside("its path is not UTF-8".into()))?;
            prefix.push_str(part);
            prefix.push('/');
        }
        Ok(Self {
            tree,
            prefix,
            schema_file: schema_file.map(str::to_owned),
        })
    }

    /// The top of the work tree.
    pub fn root(&self) -> &Path {
        self.tree.root()
    }

    /// The lines `.gitattributes` needs, paths from the top of the work tree.
    pub fn attribute_lines(&self) -> Vec<String> {
        let attrs = format!("merge={DRIVER} diff={DRIVER}");
        let mut files = vec![
            // The curated set (`annotations/curated/`) is one annotator folder among them.
            format!("{ANNOTATIONS_DIR}/**/*.ron"),
            format!("{LINKS_DIR}/*.ron"),
            PROJECT_FILE.to_owned(),
        ];
        files.extend(self.schema_file.iter().cloned());
        files
            .into_iter()
            .map(|f| format!("{} {attrs}", attribute_pattern(&pattern(&self.prefix, &f))))
            .collect()
    }

    /// The lines `.gitignore` needs: each annotator's journal and lock (and journals kept
    /// aside), and the temporary files of saves.
    pub fn ignore_lines(&self) -> Vec<String> {
        [
            format!("{ANNOTATIONS_DIR}/.*.journal"),
            format!("{ANNOTATIONS_DIR}/.*.journal.*.unapplied"),
            format!("{ANNOTATIONS_DIR}/.*.lock"),
            format!("{ANNOTATIONS_DIR}/.*.lock.live"),
            "**/.accord-save-*.tmp".to_owned(),
            "**/.accord-lock-*.tmp".to_owned(),
        ]
        .iter()
        .map(|p| pattern(&self.prefix, p))
        .collect()
    }

    /// The commands git is given for the drivers, with `accord` the program at `exe`.
    pub fn config_values(exe: &Path) -> Vec<(String, String)> {
        let exe = shell_quote(&exe.to_string_lossy());
        vec![
            (
                format!("diff.{DRIVER}.textconv"),
                format!("{exe} diff --textconv"),
            ),
            (
                format!("diff.{DRIVER}.command"),
                format!("{exe} diff --git"),
            ),
            (
                format!("merge.{DRIVER}.name"),
                "Accord annotations by id".to_owned(),
            ),
            (
                format!("merge.{DRIVER}.driver"),
                format!("{exe} merge-file %O %A %B %P"),
            ),
        ]
    }

    /// What is set up already: a few quick `git config` calls and two small reads.
    pub fn status(&self) -> Result<Status, GitSetupError> {
        let keys = self
            .tree
            .local_config_keys(&format!(r"^(diff|merge)\.{DRIVER}\."))?;
        let config = Self::config_values(Path::new("accord"))
            .iter()
            .all(|(key, _)| keys.iter().any(|k| k.eq_ignore_ascii_case(key)));
        let dir = self.top_dir()?;
        let has_all = |name: &str, lines: &[String]| -> Result<bool, GitSetupError> {
            let text = dir
                .read_to_string(&dir.path(name), LIMIT)?
                .unwrap_or_default();
            Ok(missing(&text, lines).is_empty())
        };
        Ok(Status {
            config,
            attributes: has_all(".gitattributes", &self.attribute_lines())?,
            ignore: has_all(".gitignore", &self.ignore_lines())?,
        })
    }

    /// Sets everything up for the program at `exe` (see the module docs). Only what is
    /// missing or different is written.
    pub fn run(&self, exe: &Path) -> Result<SetupReport, GitSetupError> {
        let mut report = SetupReport {
            changes: Vec::new(),
            root: self.root().to_path_buf(),
        };
        let dir = self.top_dir()?;
        for (name, lines) in [
            (".gitattributes", self.attribute_lines()),
            (".gitignore", self.ignore_lines()),
        ] {
            let path = dir.path(name);
            let text = dir.read_to_string(&path, LIMIT)?.unwrap_or_default();
            let add = missing(&text, &lines);
            if add.is_empty() {
                continue;
            }
            let mut new = text.clone();
            if !new.is_empty() && !new.ends_with('\n') {
                new.push('\n');
            }
            if !text.lines().any(|l| l.trim() == COMMENT) {
                new.push_str(COMMENT);
                new.push('\n');
            }
            for line in &add {
                new.push_str(line);
                new.push('\n');
            }
            dir.write(&path, new.as_bytes())?;
            report.changes.push(format!(
                "{} line{} added to {name}",
                add.len(),
                if add.len() == 1 { "" } else { "s" }
            ));
        }
        for (key, value) in Self::config_values(exe) {
            if self.tree.local_config(&key)?.as_deref() != Some(value.as_str()) {
                self.tree.set_local_config(&key, &value)?;
                report.changes.push(format!("{key} set"));
            }
        }
        Ok(report)
    }

    fn top_dir(&self) -> Result<ProjectDir, GitSetupError> {
        ProjectDir::new(self.root()).map_err(|source| {
            GitSetupError::File(FsError::Io {
                path: self.root().to_path_buf(),
                verb: "read",
                source,
            })
        })
    }
}

/// `rest` (a pattern inside the project) from the top of the work tree, with the
/// project's folder names escaped so git matches them literally.
fn pattern(prefix: &str, rest: &str) -> String {
    let mut out = String::new();
    for c in prefix.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    if out.starts_with(['#', '!']) {
        out.insert(0, '\\');
    }
    // A pattern with a `/` in it is from the folder of the file; give it one at the top.
    if !out.contains('/') && !rest.contains('/') {
        out.push('/');
    }
    out + rest
}

/// The lines of `wanted` that `text` does not have (compared without surrounding spaces).
fn missing(text: &str, wanted: &[String]) -> Vec<String> {
    let have: std::collections::HashSet<&str> = text.lines().map(str::trim).collect();
    wanted
        .iter()
        .filter(|w| !have.contains(w.trim()))
        .cloned()
        .collect()
}

/// A `.gitattributes` pattern, in double quotes (C style, as git reads them) when it has
/// spaces or quotes in it.
fn attribute_pattern(pattern: &str) -> String {
    if !pattern.contains(|c: char| c.is_whitespace() || c == '"') {
        return pattern.to_owned();
    }
    let mut out = String::from("\"");
    for c in pattern.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `text` as one word for the shell git runs drivers with.
fn shell_quote(text: &str) -> String {
    if !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:@".contains(c))
    {
        return text.to_owned();
    }
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_paths_reach_git_as_one_word_and_literal_patterns() {
        assert_eq!(shell_quote("/usr/bin/accord"), "/usr/bin/accord");
        assert_eq!(
            shell_quote("/home/o'neil/my apps/accord"),
            r"'/home/o'\''neil/my apps/accord'"
        );
        let line = |prefix: &str| attribute_pattern(&pattern(prefix, "annotations/**/*.ron"));
        assert_eq!(line(""), "annotations/**/*.ron");
        assert_eq!(
            line("my project [v2]/"),
            r#""my project \\[v2\\]/annotations/**/*.ron""#
        );
        assert_eq!(pattern("#x/", "a"), r"\#x/a");
        assert_eq!(pattern("", "accord.ron"), "/accord.ron");
    }
}
