//! `accord validate`: every problem in a project, as a list of findings.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::model::{AnnotationId, Document, DocumentError};
use crate::project::{
    ANNOTATIONS_DIR, CrossLinkFile, LINKS_DIR, Project, ProjectError, check_annotator_name,
};
use crate::project_dir::FsError;
use crate::rules::{Problem, annotation_problems, link_problems};
use crate::store::file::{parse_annotation_file, read_text};
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
    /// A document is damaged UTF-8.
    NotUtf8,
    /// A document's encoding is unknown, uncertain, or does not decode it.
    BadEncoding,
    /// A document or annotation file is larger than Accord reads, or holds more annotations,
    /// fragments or attribute values than it accepts.
    TooLarge,
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
    /// Two annotations of one file have the same label and fragments: one thing marked twice
    /// (a curated set would train on it twice).
    DuplicateSpan,
    /// The project file lists a document twice.
    DuplicateDocument,
    /// A link or reference to an annotation that does not exist.
    Dangling,
    /// A relation or group kind not in the schema.
    UnknownRelation,
    /// A document's date in the project file that is not a date.
    BadDate,
    /// An annotation a merge left with two versions (or changed on one side, removed on the
    /// other), waiting for someone to decide.
    MergeConflict,
    /// `assignments.ron` names a document or annotator that cannot be, or asks for more
    /// annotators per document than it lists.
    BadAssignment,
    /// The schema file has a mistake: the label, relation or kind it is in is left out (or a
    /// key taken twice dropped) until it is fixed.
    BadSchema,
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

/// How many annotation files are read (on every core) before they are checked: enough to keep
/// the cores busy, few enough that a 10,000-document project is not all in memory at once.
const FILES_AT_ONCE: usize = 256;

/// Validates a whole project. Errs only when the project itself cannot be read.
pub fn validate(root: &Path) -> Result<Report, ProjectError> {
    let project = Project::open(root)?;
    let mut v = Validator {
        project: &project,
        findings: Vec::new(),
        files_checked: 0,
        annotations_checked: 0,
        ids: HashMap::new(),
        unreadable: HashSet::new(),
    };
    v.schema();
    v.documents();
    v.annotation_files();
    v.link_files();
    v.assignments();
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

/// An annotation file as read (before it is checked).
enum FileRead {
    /// It is not inside the project (a link out): why.
    Outside(String),
    /// Its parsed content and text, or why it does not read.
    Parsed(Result<(AnnotationFile, String), StoreError>),
}

struct Validator<'p> {
    project: &'p Project,
    findings: Vec<Finding>,
    files_checked: usize,
    annotations_checked: usize,
    /// (annotator, document file) → annotation ids, for cross-document members.
    ids: HashMap<(String, String), HashSet<AnnotationId>>,
    /// (annotator, document file) whose annotation file could not be read: their members
    /// cannot be checked, and the file already has its own finding.
    unreadable: HashSet<(String, String)>,
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

    fn schema(&mut self) {
        let crate::project::SchemaSource::File(file) = &self.project.file.schema else {
            return;
        };
        for problem in &self.project.schema_problems {
            self.findings.push(Finding {
                file: file.clone(),
                line: Some(problem.line),
                column: Some(problem.column),
                kind: FindingKind::BadSchema,
                message: problem.message.clone(),
            });
        }
    }

    fn rel(&self, path: &Path) -> String {
        path.strip_prefix(&self.project.root)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned()
    }

    fn documents(&mut self) {
        for slot in &self.project.documents {
            if let Some(date) = &slot.entry.date
                && slot.entry.when().is_none()
            {
                self.push(
                    crate::project::PROJECT_FILE,
                    None,
                    FindingKind::BadDate,
                    format!(
                        "{}: date {date:?} is not a date; write 2024-08-22, 2024-08 or 2024, \
                         or --08-22 when the text gives no year",
                        slot.entry.file
                    ),
                );
            }
            let Err(e) = &slot.document else { continue };
            let kind = match e {
                DocumentError::File(e) => file_finding(e),
                DocumentError::Empty { .. } => FindingKind::EmptyDocument,
                DocumentError::Binary { .. } => FindingKind::BinaryDocument,
                DocumentError::NotUtf8 { .. } => FindingKind::NotUtf8,
                DocumentError::Undecodable { .. }
                | DocumentError::UnsureEncoding { .. }
                | DocumentError::UnknownEncoding { .. } => FindingKind::BadEncoding,
                DocumentError::ListedTwice { .. } => FindingKind::DuplicateDocument,
            };
            self.push(&slot.entry.file, None, kind, e.to_string());
        }
    }

    fn store_error(&mut self, e: &StoreError, what: &str) {
        let (path, line, column, kind) = match e {
            StoreError::Parse {
                path, line, column, ..
            } => (
                path.as_path(),
                Some(*line),
                Some(*column),
                FindingKind::BadRon,
            ),
            StoreError::NewerFormat { path, .. } => {
                (path.as_path(), None, None, FindingKind::NewerFormat)
            }
            StoreError::UnknownFormat { path, .. } => {
                (path.as_path(), None, None, FindingKind::UnknownFormat)
            }
            StoreError::DuplicateId { path, .. } => {
                (path.as_path(), None, None, FindingKind::DuplicateId)
            }
            StoreError::TooLarge { path, .. }
            | StoreError::TooMany { path, .. }
            | StoreError::NotAsWritten { path, .. } => {
                (path.as_path(), None, None, FindingKind::TooLarge)
            }
            StoreError::File(e) => (e.path(), None, None, file_finding(e)),
            StoreError::Io { path, .. }
            | StoreError::Encode { path, .. }
            | StoreError::LockLost { path, .. }
            | StoreError::ChangedOnDisk { path }
            | StoreError::WaitsFor { path, .. } => {
                (path.as_path(), None, None, FindingKind::Unreadable)
            }
        };
        let file = self.rel(path);
        let message = match e {
            // The finding already says where; the error's own text starts with the location.
            StoreError::Parse { message, .. } => format!(
                "not a valid {what}: {message}; fix the file by hand or restore it from version control"
            ),
            _ => e.to_string(),
        };
        self.findings.push(Finding {
            file,
            line,
            column,
            kind,
            message,
        });
    }

    fn assignments(&mut self) {
        use crate::project::assignments::ASSIGNMENTS_FILE;
        let file = match crate::project::AssignmentsFile::load_in(&self.project.dir) {
            Ok(Some(file)) => file,
            Ok(None) => return,
            Err(e) => return self.store_error(&e, "assignments file"),
        };
        let documents: Vec<&str> = self.project.documents.iter().map(|d| d.file()).collect();
        for message in file.problems(&documents) {
            self.push(ASSIGNMENTS_FILE, None, FindingKind::BadAssignment, message);
        }
    }

    fn annotation_files(&mut self) {
        let dir = self.project.root.join(ANNOTATIONS_DIR);
        for annotator_dir in sorted_entries(&dir) {
            // A folder linked from outside is named, never listed.
            if let Err(e) = self.project.dir.resolve(&annotator_dir) {
                let rel = self.rel(&annotator_dir);
                self.push(&rel, None, FindingKind::OutsideProject, e.to_string());
                continue;
            }
            if !annotator_dir.is_dir() {
                continue;
            }
            let annotator = file_name(&annotator_dir);
            if let Err(why) = check_annotator_name(&annotator) {
                let rel = self.rel(&annotator_dir);
                self.push(&rel, None, FindingKind::BadAnnotatorName, why);
                continue;
            }
            let paths = ron_files_under(&annotator_dir);
            // Read and parsed on every core, a chunk at a time so that only a chunk's files
            // are in memory at once (not a whole team's); checked in order.
            let project = self.project;
            for chunk in paths.chunks(FILES_AT_ONCE) {
                let read: Vec<FileRead> = chunk
                    .par_iter()
                    .map(|path| match project.dir.resolve(path) {
                        Err(e) => FileRead::Outside(e.to_string()),
                        Ok(_) => FileRead::Parsed(read_text(&project.dir, path).and_then(|text| {
                            parse_annotation_file(&text, path).map(|f| (f, text))
                        })),
                    })
                    .collect();
                self.check_annotation_files(&annotator_dir, &annotator, chunk, read);
            }
        }
    }

    /// Checks the files `paths` of `annotator` (in `annotator_dir`) as `read`, in order.
    fn check_annotation_files(
        &mut self,
        annotator_dir: &Path,
        annotator: &str,
        paths: &[PathBuf],
        read: Vec<FileRead>,
    ) {
        for (path, read) in paths.iter().zip(read) {
            // A document in a sub-folder (`sub/a.txt`) has its file at `sub/a.txt.ron`.
            let doc_file = path
                .strip_prefix(annotator_dir)
                .unwrap_or(path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let doc_file = doc_file
                .strip_suffix(".ron")
                .unwrap_or(&doc_file)
                .to_owned();
            self.annotation_file(annotator, path, doc_file, read);
        }
    }

    fn annotation_file(&mut self, annotator: &str, path: &Path, doc_file: String, read: FileRead) {
        self.files_checked += 1;
        let rel = self.rel(path);
        let parsed = match read {
            FileRead::Outside(why) => {
                self.push(&rel, None, FindingKind::OutsideProject, why);
                return;
            }
            FileRead::Parsed(parsed) => parsed,
        };
        let (file, text): (AnnotationFile, String) = match parsed {
            Ok(f) => f,
            Err(e) => {
                self.unreadable.insert((annotator.to_owned(), doc_file));
                return self.store_error(&e, "annotation file");
            }
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
        let document: Option<&Document> = self.project.slot(doc_index).and_then(|s| s.doc());
        if let Some(doc) = document
            && !file.document.matches(doc)
        {
            self.push(
                &rel,
                None,
                FindingKind::DocumentChanged,
                format!(
                    "{doc_file} changed since it was annotated ({} chars then, {} now): run `accord reanchor` to move the annotations to where their text is now (or restore the original text or re-annotate); spans that no longer match are listed below",
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
                format!(
                    "id {id} is used {} times; ids must be unique: give one of them an id at or above `next_id` and raise `next_id`",
                    seen[&id]
                ),
            );
        }
        if let Some(finding) = id_counter_finding(file.next_id, seen.keys().copied(), "annotation")
        {
            self.push(&rel, None, FindingKind::DuplicateId, finding);
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
                    format!("annotation {}: {p}; {}", ann.id, advice(&p)),
                    kind_of(&p),
                ));
            }
        }
        for link in &file.links {
            for p in link_problems(link, schema, label_of) {
                found.push((
                    line_of(link.id.0),
                    format!("{}: {p}; {}", link.id, advice(&p)),
                    kind_of(&p),
                ));
            }
        }
        for ann in &file.annotations {
            if let Some(conflict) = &ann.conflict {
                let other = match &conflict.other {
                    Some(o) => format!("the other version is {} {}", o.label, o.extent()),
                    None => "the other side removed it".to_owned(),
                };
                found.push((
                    line_of(ann.id.0),
                    format!(
                        "annotation {} ({}) has an undecided merge conflict: {other}; decide it in the window (Review → Next merge conflict: keep this version or take the other)",
                        ann.id, ann.label
                    ),
                    FindingKind::MergeConflict,
                ));
            }
        }
        // The same label over the same fragments twice.
        let mut spans: HashMap<SpanKey, AnnotationId> = HashMap::new();
        for ann in &file.annotations {
            let key = (
                ann.label.as_str(),
                ann.fragments.iter().map(|f| (f.start, f.end)).collect(),
            );
            if let Some(first) = spans.insert(key, ann.id) {
                found.push((
                    line_of(ann.id.0),
                    format!(
                        "annotation {} is annotation {first} again ({} over the same text); remove one of them (a curated set would train on it twice)",
                        ann.id, ann.label
                    ),
                    FindingKind::DuplicateSpan,
                ));
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
            // Every `*.ron` here is a link file: one that is a folder, a FIFO or a link out of
            // the project is named by the door, not skipped.
            if path.extension().is_none_or(|e| e != "ron") {
                continue;
            }
            self.files_checked += 1;
            let rel = self.rel(&path);
            let parsed = read_text(&self.project.dir, &path)
                .and_then(|text| CrossLinkFile::parse(&text, &path).map(|f| (f, text)));
            let (file, text): (CrossLinkFile, String) = match parsed {
                Ok(f) => f,
                Err(e) => {
                    self.store_error(&e, "cross-document link file");
                    continue;
                }
            };
            let exhausted =
                file.next_id == u64::MAX || file.groups.iter().any(|g| g.id.0 == u64::MAX);
            if exhausted
                && let Some(finding) =
                    id_counter_finding(file.next_id, file.groups.iter().map(|g| g.id.0), "group")
            {
                self.push(&rel, None, FindingKind::DuplicateId, finding);
            }
            let mut seen = HashSet::new();
            for group in &file.groups {
                let line = find_id_line(&text, group.id.0);
                if !seen.insert(group.id) {
                    self.push(
                        &rel,
                        line,
                        FindingKind::DuplicateId,
                        format!(
                            "group id {} is used twice; give one of them an id at or above `next_id` and raise `next_id`",
                            group.id.0
                        ),
                    );
                }
                if group.id.0 >= file.next_id && group.id.0 < u64::MAX {
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
                            "group {}: kind {:?} is not a cross-document kind of the schema; add it to the schema's `cross_document` kinds or change the group's kind",
                            group.id.0, group.kind
                        ),
                    );
                }
                if group.members.len() < 2 {
                    self.push(
                        &rel,
                        line,
                        FindingKind::Dangling,
                        format!(
                            "group {} has fewer than two members; add a member or delete the group",
                            group.id.0
                        ),
                    );
                }
                for m in &group.members {
                    let message = if self.project.document_index(&m.document).is_none() {
                        format!(
                            "group {}: document {:?} is not in the project; add it to accord.ron or remove the member",
                            group.id.0, m.document
                        )
                    } else if self
                        .unreadable
                        .contains(&(file.annotator.clone(), m.document.clone()))
                    {
                        continue;
                    } else if !self
                        .ids
                        .get(&(file.annotator.clone(), m.document.clone()))
                        .is_some_and(|ids| ids.contains(&m.annotation))
                    {
                        format!(
                            "group {}: {} has no annotation {} by {}; remove the member or restore the annotation",
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

/// What to do about a problem, appended to its finding.
fn advice(p: &Problem) -> &'static str {
    match p {
        Problem::UnknownLabel(_) => "add the label to the schema or relabel the annotation",
        Problem::NoFragments | Problem::EmptyRange(_) => {
            "give the annotation a non-empty range or delete it"
        }
        Problem::OutOfBounds { .. } => "restore the document or fix the offsets",
        Problem::OverlappingFragments(..) => {
            "sort the fragments by start and merge the ones that overlap"
        }
        Problem::SplitsCluster { .. } => {
            "move that end so it does not split a letter from its marks"
        }
        Problem::TextMismatch { .. } => {
            "restore the document, or fix the offsets or the text in the annotation file"
        }
        Problem::UnknownAttribute { .. } => "remove it or add it to the label in the schema",
        Problem::WrongType { .. } => "change the value to one the schema allows",
        Problem::MissingRequired(_) => "fill it in, or make it optional in the schema",
        Problem::DanglingReference { .. } => "remove the reference or restore the annotation",
        Problem::LabelNotAllowed { .. } => "point it at an annotation with an allowed label",
        Problem::UnknownRelation(_) => "add it to the schema's relations or remove the link",
        Problem::SelfLink => "remove the link",
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

/// The `.ron` files under `dir` and its sub-folders (not following folder links), sorted.
/// Every `*.ron` under `dir` (in sub-folders too: a document `sub/a.txt` has its file at
/// `sub/a.txt.ron`), whatever it is — a folder, a FIFO or a link in its place is checked, so
/// the door names it.
fn ron_files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for path in sorted_entries(dir) {
        let is_ron = path.extension().is_some_and(|e| e == "ron");
        let is_real_dir = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
        if is_ron {
            files.push(path);
        } else if is_real_dir {
            files.extend(ron_files_under(&path));
        }
    }
    files
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

/// What is wrong with an id counter `next_id` given the `ids` in use, if anything: it must
/// be above every id (or new ones would reuse them), and below `u64::MAX` (which is never
/// handed out, so a counter there cannot grow). The advice names a number that works.
fn id_counter_finding(next_id: u64, ids: impl Iterator<Item = u64>, what: &str) -> Option<String> {
    let max = ids.max();
    if max == Some(u64::MAX) {
        return Some(format!(
            "an {what} has id {}, the largest there is: no new id could follow it; give it (and any other id near it) a free id below {}, and set next_id just above the highest",
            u64::MAX,
            u64::MAX
        ));
    }
    if next_id == u64::MAX {
        let works = max.map_or(1, |m| m + 1);
        return Some(format!(
            "next_id is {}, the largest there is, so no new id can be given: set next_id to {works}",
            u64::MAX
        ));
    }
    match max {
        Some(max) if next_id <= max => Some(format!(
            "next_id is {next_id} but id {max} exists: new {what}s would reuse ids; set next_id to {}",
            max + 1
        )),
        _ => None,
    }
}

/// A span as the duplicate check compares them: its label and its fragments' offsets.
type SpanKey<'a> = (&'a str, Vec<(usize, usize)>);

/// The finding for a file that could not be read through [`crate::project_dir`].
fn file_finding(e: &FsError) -> FindingKind {
    match e {
        FsError::Outside { .. } => FindingKind::OutsideProject,
        FsError::TooLarge { .. } => FindingKind::TooLarge,
        FsError::NotAFile { .. } | FsError::Io { .. } => FindingKind::Unreadable,
    }
}
