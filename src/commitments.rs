//! Promises followed across documents: the ledger of every commitment (who commits, to what,
//! by when, what kind, how it stands, which thread it belongs to) and the threads — the
//! cross-document groups — with their members in document-date order. What the Threads panel,
//! the ledger table and `accord commitments` show.
//!
//! The ledger reads the attributes named `actors`, `target`, `deadline`, `kind` and `status`
//! of every label of the commitment layer (the default schema's COMMITMENT has them; a schema
//! without them gets empty columns).

use std::path::{Path, PathBuf};

use serde::Serialize;
use thiserror::Error;

use crate::model::{Annotation, AnnotationId, AttributeValue, CrossMember, GroupId};
use crate::project::groups::GroupStore;
use crate::project::{
    CrossLinkFile, DocId, PartialDate, Project, ProjectError, Workspace, by_date,
};
use crate::rules::{Problem, annotation_problems};
use crate::schema::Layer;
use crate::store::{AnnotationFile, AnnotationStore, StoreError};

/// One annotator's annotations and groups, wherever they are held: an open [`Workspace`] or
/// files read by [`project_ledger`].
pub struct Annotations<'a> {
    /// The project.
    pub project: &'a Project,
    /// Whose annotations.
    pub annotator: &'a str,
    /// The annotator's store of each document, by [`DocId`]; `None` where there is none.
    pub stores: Vec<Option<&'a AnnotationStore>>,
    /// The annotator's cross-document groups.
    pub groups: &'a GroupStore,
}

impl<'a> Annotations<'a> {
    /// What an open workspace holds.
    pub fn of_workspace(ws: &'a Workspace) -> Self {
        Self {
            project: &ws.project,
            annotator: &ws.annotator,
            stores: ws.doc_ids().map(|d| Some(ws.store(d))).collect(),
            groups: &ws.groups().store,
        }
    }

    fn store(&self, doc: DocId) -> Option<&'a AnnotationStore> {
        self.stores.get(doc.0).copied().flatten()
    }
}

/// One commitment of the ledger.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LedgerRow {
    /// Whose annotation it is.
    pub annotator: String,
    /// The document's file.
    pub document: String,
    /// The document in the project.
    #[serde(skip)]
    pub doc: DocId,
    /// The document's language tag.
    pub language: Option<String>,
    /// The document's date as written in the project file.
    pub date: Option<String>,
    /// The commitment's id.
    pub annotation: AnnotationId,
    /// Its label.
    pub label: String,
    /// Its text.
    pub text: String,
    /// Who commits: the texts of the referenced spans.
    pub actors: Vec<String>,
    /// What is promised.
    pub target: Option<String>,
    /// By when.
    pub deadline: Option<String>,
    /// What kind of commitment (pledge, agreement, …).
    pub kind: Option<String>,
    /// How it stands (new, reaffirmed, …).
    pub status: Option<String>,
    /// The thread it belongs to, if any: the group's id.
    pub thread: Option<GroupId>,
    /// The thread's note.
    pub thread_note: Option<String>,
    /// Required attributes not filled in.
    pub missing: Vec<String>,
}

/// The value of attribute `name` as text: the texts of referenced spans, or the text itself.
fn attribute_texts(store: &AnnotationStore, ann: &Annotation, name: &str) -> Vec<String> {
    match ann.attributes.get(name) {
        Some(AttributeValue::Refs(ids)) => ids
            .iter()
            .filter_map(|id| store.get(*id))
            .map(Annotation::text)
            .collect(),
        Some(AttributeValue::Text(t) | AttributeValue::Enum(t)) => vec![t.clone()],
        Some(AttributeValue::Bool(b)) => vec![if *b { "yes" } else { "no" }.to_owned()],
        None => Vec::new(),
    }
}

/// Every commitment of the workspace's annotator, by document date (undated last), then
/// document order, then position in the text.
pub fn ledger(ws: &Workspace) -> Vec<LedgerRow> {
    ledger_of(&Annotations::of_workspace(ws))
}

/// [`ledger`] of annotations wherever they are held.
pub fn ledger_of(source: &Annotations<'_>) -> Vec<LedgerRow> {
    let schema = &source.project.schema;
    let groups = source.groups;
    let mut rows = Vec::new();
    for (index, slot) in source.project.documents.iter().enumerate() {
        let doc = DocId(index);
        let (Some(store), Some(document)) = (source.store(doc), slot.doc()) else {
            continue;
        };
        for ann in store.in_file_order() {
            let is_commitment = schema
                .label(&ann.label)
                .is_some_and(|l| l.layer == Layer::Commitment);
            if !is_commitment {
                continue;
            }
            let one = |name: &str| attribute_texts(store, ann, name).into_iter().next();
            let member = CrossMember {
                document: slot.file().to_owned(),
                annotation: ann.id,
            };
            let thread = groups.groups_of(&member).next();
            let label_of = |id| store.get(id).map(|a| a.label.as_str());
            let missing = annotation_problems(ann, Some(document), schema, label_of)
                .into_iter()
                .filter_map(|p| match p {
                    Problem::MissingRequired(name) => Some(name),
                    _ => None,
                })
                .collect();
            rows.push(LedgerRow {
                annotator: source.annotator.to_owned(),
                document: slot.file().to_owned(),
                doc,
                language: slot.entry.language.clone(),
                date: slot.entry.date.clone(),
                annotation: ann.id,
                label: ann.label.clone(),
                text: ann.text(),
                actors: attribute_texts(store, ann, "actors"),
                target: one("target"),
                deadline: one("deadline"),
                kind: one("kind"),
                status: one("status"),
                thread: thread.map(|g| g.id),
                thread_note: thread.map(|g| g.note.clone()),
                missing,
            });
        }
    }
    sort_rows(&mut rows);
    rows
}

/// By document date (undated last), then document order; the sort is stable, so each
/// document's commitments keep their order.
fn sort_rows(rows: &mut [LedgerRow]) {
    rows.sort_by(|a, b| {
        let (da, db) = (
            a.date.as_deref().and_then(PartialDate::parse),
            b.date.as_deref().and_then(PartialDate::parse),
        );
        by_date(&da, &db).then(a.doc.cmp(&b.doc))
    });
}

/// One member of a thread.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ThreadMember {
    /// The document's file.
    pub document: String,
    /// The document in the project, when it is one.
    #[serde(skip)]
    pub doc: Option<DocId>,
    /// The annotation's id.
    pub annotation: AnnotationId,
    /// The document's language.
    pub language: Option<String>,
    /// The document's date as written.
    pub date: Option<String>,
    /// That date read, when it reads as a date.
    pub when: Option<PartialDate>,
    /// The annotation's label, when it exists.
    pub label: Option<String>,
    /// Its text ("" when the annotation is missing).
    pub text: String,
    /// For commitments: the kind.
    pub kind: Option<String>,
    /// For commitments: the status.
    pub status: Option<String>,
}

/// A thread: a cross-document group with its members in date order (undated last).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Thread {
    /// The group's id.
    pub id: GroupId,
    /// Its kind (`same_commitment`, …).
    pub kind: String,
    /// Its note.
    pub note: String,
    /// The members, earliest document first.
    pub members: Vec<ThreadMember>,
}

/// Every thread of the workspace's annotator, by id, members by document date.
pub fn threads(ws: &Workspace) -> Vec<Thread> {
    threads_of(&Annotations::of_workspace(ws))
}

/// [`threads`] of annotations wherever they are held.
pub fn threads_of(source: &Annotations<'_>) -> Vec<Thread> {
    let project = source.project;
    source
        .groups
        .groups()
        .map(|group| {
            let mut members: Vec<ThreadMember> = group
                .members
                .iter()
                .map(|m| {
                    let doc = project.document_index(&m.document);
                    let entry = doc.and_then(|d| project.slot(d)).map(|s| &s.entry);
                    let store = doc.and_then(|d| source.store(d));
                    let ann = store.and_then(|s| s.get(m.annotation));
                    let one = |name: &str| {
                        ann.zip(store)
                            .and_then(|(a, s)| attribute_texts(s, a, name).into_iter().next())
                    };
                    let date = entry.and_then(|e| e.date.clone());
                    ThreadMember {
                        document: m.document.clone(),
                        doc,
                        annotation: m.annotation,
                        language: entry.and_then(|e| e.language.clone()),
                        when: date.as_deref().and_then(PartialDate::parse),
                        date,
                        label: ann.map(|a| a.label.clone()),
                        text: ann.map(Annotation::text).unwrap_or_default(),
                        kind: one("kind"),
                        status: one("status"),
                    }
                })
                .collect();
            members.sort_by(|a, b| by_date(&a.when, &b.when).then(a.doc.cmp(&b.doc)));
            Thread {
                id: group.id,
                kind: group.kind.clone(),
                note: group.note.clone(),
                members,
            }
        })
        .collect()
}

/// Why the ledger of a project could not be read.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// The project folder, file or schema cannot be read.
    #[error(transparent)]
    Project(#[from] ProjectError),
    /// An annotation or link file cannot be read: a ledger without it would mislead.
    #[error("{0}; fix or move the file, then run again (`accord validate` lists every problem)")]
    File(#[from] StoreError),
    /// An annotator was asked for who has no folder.
    #[error("no annotator {name:?} in {}; the annotators are: {}", .project.display(), .known.join(", "))]
    UnknownAnnotator {
        /// The project folder.
        project: PathBuf,
        /// The name asked for.
        name: String,
        /// The annotators there are.
        known: Vec<String>,
    },
}

/// The ledger of a project folder: the commitments of `annotators` (empty: every annotator,
/// the curated set included), read from their files, by document date, then document, then
/// annotator. What `accord commitments` prints.
pub fn project_ledger(root: &Path, annotators: &[String]) -> Result<Vec<LedgerRow>, LedgerError> {
    let project = Project::open(root)?;
    let known = project.annotators();
    let chosen: Vec<String> = if annotators.is_empty() {
        known.clone()
    } else {
        for name in annotators {
            if !known.contains(name) {
                return Err(LedgerError::UnknownAnnotator {
                    project: root.to_path_buf(),
                    name: name.clone(),
                    known,
                });
            }
        }
        annotators.to_vec()
    };
    let mut rows = Vec::new();
    for annotator in &chosen {
        let mut stores = Vec::with_capacity(project.documents.len());
        for slot in &project.documents {
            let path = project.annotation_path(annotator, slot.file());
            stores.push(match AnnotationFile::load_store_in(&project.dir, &path) {
                Ok(loaded) => Some(loaded.store),
                Err(e) if e.is_absent() => None,
                Err(e) => return Err(e.into()),
            });
        }
        let links = project.links_path(annotator);
        let groups = match project.has(&links) {
            true => GroupStore::from_file(CrossLinkFile::load_in(&project.dir, &links)?),
            false => GroupStore::new(),
        };
        rows.extend(ledger_of(&Annotations {
            project: &project,
            annotator,
            stores: stores.iter().map(Option::as_ref).collect(),
            groups: &groups,
        }));
    }
    sort_rows(&mut rows);
    Ok(rows)
}
