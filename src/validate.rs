//! `accord validate`: every problem in a project, as a list of findings.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::check::{Problem, annotation_problems, link_problems};
use crate::model::{AnnotationId, Document, DocumentError};
use crate::project::{
    ANNOTATIONS_DIR, CrossLinkFile, LINKS_DIR, Project, ProjectError, check_annotator_name,
};
use crate::store::file::{migrate, parse_versioned, read_text};
use crate::store::{AnnotationFile, StoreError};

/// What kind of problem a finding is; stable names for `--json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// A document or annotation file could not be read.
    Unreadable,
    /// A document is empty.
    EmptyDocument,
    /// A document is binary.
    BinaryDocument,
    /// A document is not UTF-8.
    NotUtf8,
    /// A path leaves the project folder.
    OutsideProject,
    /// An annotation or link file is not valid RON or not the right shape.
    BadRon,
    /// A file from a newer Accord.
    NewerFormat,
    /// A format number that never existed.
    UnknownFormat,
    /// The document changed since it was annotated.
    DocumentChanged,
    /// An annotation file whose document is not in the project.
    OrphanFile,
    /// An annotator folder whose name cannot be one.
    BadAnnotatorName,
    /// A fragment is empty, out of range, overlapping, or splits a cluster.
    BadRange,
    /// A fragment's copied text differs from the document.
    TextMismatch,
    /// A label not in the schema.
    UnknownLabel,
    /// An attribute the label does not have, or a value of the wrong type.
    BadAttribute,
    /// A required attribute is missing.
    MissingRequired,
    /// Two annotations or links share an id, or `next_id` would reuse one.
    DuplicateId,
    /// A link or reference to an annotation that does not exist.
    Dangling,
    /// A relation or group kind not in the schema.
    UnknownRelation,
}

/// One problem, located as precisely as possible.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The file, relative to the project folder.
    pub file: String,
    /// 1-based line in that file, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The kind of problem.
    pub kind: FindingKind,
    /// What is wrong and what to do.
    pub message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

/// The result of validating a project.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The project folder.
    pub project: PathBuf,
    /// Documents in the project.
    pub documents: usize,
    /// Annotation and link files read.
    pub files_checked: usize,
    /// Annotations checked.
    pub annotations_checked: usize,
    /// Every finding, by file then line.
    pub findings: Vec<Finding>,
}

impl Report {
    /// True when nothing was found.
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }
}

/// Validates a whole project. Errs only when the project itself cannot be read.
pub fn validate(root: &Path) -> Result<Report, ProjectError> {
    let project = Project::open(root)?;
    let mut v = Validator {
        project: &project,
        findings: Vec::new(),
        files_checked: 0,
        annotations_checked: 0,
        ids: HashMap::new(),
    };
    v.documents();
    v.annotation_files();
    v.link_files();
    let mut findings = v.findings;
    findings.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    Ok(Report {
        project: root.to_path_buf(),
        documents: project.documents.len(),
        files_checked: v.files_checked,
        annotations_checked: v.annotations_checked,
        findings,
    })
}

struct Validator<'p> {
    project: &'p Project,
    findings: Vec<Finding>,
    files_checked: usize,
    annotations_checked: usize,
    /// (annotator, document file) → annotation ids, for cross-document members.
    ids: HashMap<(String, String), HashSet<AnnotationId>>,
}

impl Validator<'_> {
    fn push(&mut self, file: &str, line: Option<usize>, kind: FindingKind, message: String) {
        self.findings.push(Finding {
            file: file.to_owned(),
            line,
            column: None,
            kind,
            message,
        });
    }

    fn rel(&self, path: &Path) -> String {
        path.strip_prefix(&self.project.root)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned()
    }

    fn documents(&mut self) {
        for slot in &self.project.documents {
            let Err(e) = &slot.document else { continue };
            let kind = match e {
                DocumentError::Io { .. } => FindingKind::Unreadable,
                DocumentError::Empty { .. } => FindingKind::EmptyDocument,
                DocumentError::Binary { .. } => FindingKind::BinaryDocument,
                DocumentError::NotUtf8 { .. } => FindingKind::NotUtf8,
                DocumentError::OutsideProject { .. } => FindingKind::OutsideProject,
            };
            self.push(&slot.entry.file, None, kind, e.to_string());
        }
    }

    fn store_error(&mut self, e: &StoreError) {
        let (path, line, column, kind) = match e {
            StoreError::Parse {
                path, line, column, ..
            } => (path, Some(*line), Some(*column), FindingKind::BadRon),
            StoreError::NewerFormat { path, .. } => (path, None, None, FindingKind::NewerFormat),
            StoreError::UnknownFormat { path, .. } => {
                (path, None, None, FindingKind::UnknownFormat)
            }
            StoreError::DuplicateId { path, .. } => (path, None, None, FindingKind::DuplicateId),
            StoreError::Io { path, .. } | StoreError::Encode { path, .. } => {
                (path, None, None, FindingKind::Unreadable)
            }
        };
        let file = self.rel(path);
        self.findings.push(Finding {
            file,
            line,
            column,
            kind,
            message: e.to_string(),
        });
    }

    fn annotation_files(&mut self) {
        let dir = self.project.root.join(ANNOTATIONS_DIR);
        for annotator_dir in sorted_entries(&dir) {
            if !annotator_dir.is_dir() {
                continue;
            }
            let annotator = file_name(&annotator_dir);
            if let Err(why) = check_annotator_name(&annotator) {
                let rel = self.rel(&annotator_dir);
                self.push(&rel, None, FindingKind::BadAnnotatorName, why);
                continue;
            }
            for path in sorted_entries(&annotator_dir) {
                if path.extension().is_some_and(|e| e == "ron") && path.is_file() {
                    self.annotation_file(&annotator, &path);
                }
            }
        }
    }

    fn annotation_file(&mut self, annotator: &str, path: &Path) {
        self.files_checked += 1;
        let rel = self.rel(path);
        let doc_file = file_name(path).trim_end_matches(".ron").to_owned();
        if let Err(e) = crate::project::resolve_inside(&self.project.root, &rel) {
            self.push(&rel, None, FindingKind::OutsideProject, e.to_string());
            return;
        }
        let parsed = read_text(path).and_then(|text| migrate(&text, path).map(|f| (f, text)));
        let (file, text): (AnnotationFile, String) = match parsed {
            Ok(f) => f,
            Err(e) => return self.store_error(&e),
        };
        let line_of = |id: u64| find_id_line(&text, id);
        let Some(doc_index) = self.project.document_index(&doc_file) else {
            self.push(
                &rel,
                None,
                FindingKind::OrphanFile,
                format!(
                    "annotations for {doc_file:?}, which is not a document of this project; add it to accord.ron or delete this file"
                ),
            );
            return;
        };
        if file.document.file != doc_file {
            self.push(
                &rel,
                None,
                FindingKind::OrphanFile,
                format!(
                    "the file says it annotates {:?} but is stored as {doc_file:?}; rename one of them",
                    file.document.file
                ),
            );
        }
        if file.annotator != annotator {
            self.push(
                &rel,
                None,
                FindingKind::BadAnnotatorName,
                format!(
                    "the file says annotator {:?} but lies in the folder of {annotator:?}",
                    file.annotator
                ),
            );
        }
        let document: Option<&Document> = self.project.documents[doc_index].doc();
        if let Some(doc) = document
            && !file.document.matches(doc)
        {
            self.push(
                &rel,
                None,
                FindingKind::DocumentChanged,
                format!(
                    "{doc_file} changed since it was annotated ({} chars then, {} now): restore the original text or re-annotate; spans that no longer match are listed below",
                    file.document.chars,
                    doc.len_chars()
                ),
            );
        }

        // Ids: duplicates and next_id.
        let mut seen: HashMap<u64, usize> = HashMap::new();
        for id in file
            .annotations
            .iter()
            .map(|a| a.id.0)
            .chain(file.links.iter().map(|l| l.id.0))
        {
            *seen.entry(id).or_default() += 1;
        }
        let mut duplicates: Vec<u64> = seen
            .iter()
            .filter(|(_, n)| **n > 1)
            .map(|(id, _)| *id)
            .collect();
        duplicates.sort_unstable();
        for id in duplicates {
            self.push(
                &rel,
                line_of(id),
                FindingKind::DuplicateId,
                format!("id {id} is used {} times; ids must be unique", seen[&id]),
            );
        }
        if let Some(max) = seen.keys().max()
            && file.next_id <= *max
        {
            self.push(
                &rel,
                None,
                FindingKind::DuplicateId,
                format!(
                    "next_id is {} but id {max} exists: new annotations would reuse ids; set next_id to {}",
                    file.next_id,
                    max + 1
                ),
            );
        }

        let labels: BTreeMap<AnnotationId, &str> = file
            .annotations
            .iter()
            .map(|a| (a.id, a.label.as_str()))
            .collect();
        let label_of = |id: AnnotationId| labels.get(&id).copied();
        let schema = &self.project.schema;
        let mut found = Vec::new();
        for ann in &file.annotations {
            self.annotations_checked += 1;
            for p in annotation_problems(ann, document, schema, label_of) {
                found.push((
                    line_of(ann.id.0),
                    format!("annotation {}: {p}", ann.id),
                    kind_of(&p),
                ));
            }
        }
        for link in &file.links {
            for p in link_problems(link, schema, label_of) {
                found.push((line_of(link.id.0), format!("{}: {p}", link.id), kind_of(&p)));
            }
        }
        for (line, message, kind) in found {
            self.push(&rel, line, kind, message);
        }
        self.ids.insert(
            (annotator.to_owned(), doc_file),
            labels.keys().copied().collect(),
        );
    }

    fn link_files(&mut self) {
        let dir = self.project.root.join(LINKS_DIR);
        for path in sorted_entries(&dir) {
            if !(path.is_file() && path.extension().is_some_and(|e| e == "ron")) {
                continue;
            }
            self.files_checked += 1;
            let rel = self.rel(&path);
            let parsed =
                read_text(&path).and_then(|text| parse_versioned(&text, &path).map(|f| (f, text)));
            let (file, text): (CrossLinkFile, String) = match parsed {
                Ok(f) => f,
                Err(e) => {
                    self.store_error(&e);
                    continue;
                }
            };
            let mut seen = HashSet::new();
            for group in &file.groups {
                let line = find_id_line(&text, group.id.0);
                if !seen.insert(group.id) {
                    self.push(
                        &rel,
                        line,
                        FindingKind::DuplicateId,
                        format!("group id {} is used twice", group.id.0),
                    );
                }
                if group.id.0 >= file.next_id {
                    self.push(
                        &rel,
                        line,
                        FindingKind::DuplicateId,
                        format!(
                            "group {} is at or above next_id {}: raise next_id",
                            group.id.0, file.next_id
                        ),
                    );
                }
                if self.project.schema.group_kind(&group.kind).is_none() {
                    self.push(
                        &rel,
                        line,
                        FindingKind::UnknownRelation,
                        format!(
                            "group {}: kind {:?} is not a cross-document kind of the schema",
                            group.id.0, group.kind
                        ),
                    );
                }
                if group.members.len() < 2 {
                    self.push(
                        &rel,
                        line,
                        FindingKind::Dangling,
                        format!("group {} has fewer than two members", group.id.0),
                    );
                }
                for m in &group.members {
                    let message = if self.project.document_index(&m.document).is_none() {
                        format!(
                            "group {}: document {:?} is not in the project",
                            group.id.0, m.document
                        )
                    } else if !self
                        .ids
                        .get(&(file.annotator.clone(), m.document.clone()))
                        .is_some_and(|ids| ids.contains(&m.annotation))
                    {
                        format!(
                            "group {}: {} has no annotation {} by {}",
                            group.id.0, m.document, m.annotation, file.annotator
                        )
                    } else {
                        continue;
                    };
                    self.push(&rel, line, FindingKind::Dangling, message);
                }
            }
        }
    }
}

fn kind_of(p: &Problem) -> FindingKind {
    match p {
        Problem::UnknownLabel(_) => FindingKind::UnknownLabel,
        Problem::NoFragments
        | Problem::EmptyRange(_)
        | Problem::OutOfBounds { .. }
        | Problem::OverlappingFragments(..)
        | Problem::SplitsCluster { .. } => FindingKind::BadRange,
        Problem::TextMismatch { .. } => FindingKind::TextMismatch,
        Problem::UnknownAttribute { .. } | Problem::WrongType { .. } => FindingKind::BadAttribute,
        Problem::MissingRequired(_) => FindingKind::MissingRequired,
        Problem::DanglingReference { .. } | Problem::SelfLink => FindingKind::Dangling,
        Problem::LabelNotAllowed { .. } => FindingKind::BadAttribute,
        Problem::UnknownRelation(_) => FindingKind::UnknownRelation,
    }
}

/// The line where `id: N` is written: annotations and links are pretty-printed one field per
/// line, so this locates them in files Accord wrote (and most hand-edited ones).
fn find_id_line(text: &str, id: u64) -> Option<usize> {
    let needle = format!("id: {id},");
    text.lines()
        .position(|l| {
            let l = l.trim_start().trim_start_matches('(');
            l.starts_with(&needle)
        })
        .map(|i| i + 1)
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    paths.sort();
    paths
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
