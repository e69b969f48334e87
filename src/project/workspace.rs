//! One annotator's editing session over a project: a store per document, edits across
//! documents with one undo history, and saving what changed.

use std::path::PathBuf;

use thiserror::Error;

use super::change::DocumentChange;
use super::lock::{AnnotatorLock, LockError};
use super::{DocId, Project};
use crate::edit::{self, Edit, EditContext, EditError, History};
use crate::model::{AnnotationId, CharRange, Document, Timestamp};
use crate::store::{AnnotationFile, AnnotationStore, DocumentStamp, StoreError};

/// Whether a document's annotations can be edited.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreStatus {
    /// Editable. The annotation file exists or will be created on first save.
    Editable,
    /// Shown but not editable, and never written, because saving could destroy data: the
    /// annotation file is unreadable, or another Accord holds the annotator's lock.
    Locked(String),
    /// The document itself could not be opened.
    NoDocument(String),
}

/// The annotations of one document in the session.
#[derive(Debug)]
pub struct DocState {
    /// The annotations.
    pub store: AnnotationStore,
    /// Editable or why not.
    pub status: StoreStatus,
    /// Set when the document changed since its annotations were saved: it still opens, and
    /// the annotations that no longer match are flagged ([`Workspace::flagged`]). Cleared
    /// once saved (the saved stamp is then the document's).
    pub changed: Option<DocumentChange>,
    /// Store revision at the last load or save.
    saved_revision: u64,
}

impl DocState {
    /// True when there are changes not yet saved.
    pub fn is_dirty(&self) -> bool {
        self.store.revision() != self.saved_revision
    }
}

/// Why a workspace operation failed.
#[derive(Debug, Error)]
pub enum WorkspaceError {
    /// The edit was refused.
    #[error("{document}: {source}")]
    Edit {
        /// The document's file.
        document: String,
        /// Why.
        #[source]
        source: EditError,
    },
    /// The document's annotations cannot be edited.
    #[error("{document} is read-only: {reason}")]
    Locked {
        /// The document's file.
        document: String,
        /// Why.
        reason: String,
    },
    /// Saving failed; the edits are still in memory.
    #[error(transparent)]
    Save(#[from] StoreError),
}

/// One step of the history: edits on documents, applied together.
pub type Step = Vec<(DocId, Edit)>;

/// What applying a step did: the step that undoes it (also recorded for undo), and the
/// annotations it created, so a caller can select what it just made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// The inverse step.
    pub inverse: Step,
    /// Annotations that exist now and did not before.
    pub created: Vec<(DocId, AnnotationId)>,
}

/// An annotator's session.
#[derive(Debug)]
pub struct Workspace {
    /// The open project.
    pub project: Project,
    /// Whose annotations are edited.
    pub annotator: String,
    docs: Vec<DocState>,
    history: History<Step>,
    /// The annotator's lock (released when the workspace is dropped), or why everything is
    /// read-only.
    lock: Result<AnnotatorLock, LockError>,
}

impl Workspace {
    /// Takes the annotator's lock and loads the annotator's annotations for every document
    /// that opened. When the lock is held by another Accord (or cannot be taken), everything
    /// opens read-only, with the reason in each document's status.
    pub fn open(project: Project, annotator: &str) -> Self {
        // An annotator name is a folder name: one that would leave `annotations/` (e.g.
        // `../x`) opens everything read-only rather than ever writing there.
        let bad_name = super::check_annotator_name(annotator).err();
        let lock = AnnotatorLock::acquire(&project.root, annotator);
        let mut docs: Vec<DocState> = project
            .documents
            .iter()
            .map(|slot| match (&slot.document, &bad_name) {
                (Err(e), _) => DocState {
                    store: AnnotationStore::new(),
                    status: StoreStatus::NoDocument(e.to_string()),
                    changed: None,
                    saved_revision: 0,
                },
                (Ok(_), Some(why)) => DocState {
                    store: AnnotationStore::new(),
                    status: StoreStatus::Locked(format!("{why}; choose another name")),
                    changed: None,
                    saved_revision: 0,
                },
                (Ok(doc), None) => {
                    load_state(&project.annotation_path(annotator, slot.file()), doc)
                }
            })
            .collect();
        if let (Err(e), None) = (&lock, &bad_name) {
            log::warn!("{e}");
            for state in &mut docs {
                if state.status == StoreStatus::Editable {
                    state.status = StoreStatus::Locked(e.to_string());
                }
            }
        }
        Self {
            project,
            annotator: annotator.to_owned(),
            docs,
            history: History::new(),
            lock,
        }
    }

    /// The annotator's lock while this workspace holds it, or why it does not (another Accord
    /// holds it: [`LockError::Held`] names the process and host; everything is then
    /// read-only).
    pub fn lock(&self) -> Result<&AnnotatorLock, &LockError> {
        self.lock.as_ref()
    }

    /// Marks the lock as in use, so Accord on another machine does not take it for stale
    /// (saving does this too). The window calls it every few minutes. An error means the lock
    /// was taken over or cannot be written: saves will be refused.
    pub fn refresh_lock(&self) -> std::io::Result<()> {
        match &self.lock {
            Ok(lock) => lock.refresh(),
            Err(e) => Err(std::io::Error::other(e.to_string())),
        }
    }

    /// The state of document `doc`.
    ///
    /// Panics when `doc` is not a document of this project.
    pub fn doc_state(&self, doc: DocId) -> &DocState {
        &self.docs[doc.0]
    }

    /// The store of document `doc`.
    ///
    /// Panics when `doc` is not a document of this project.
    pub fn store(&self, doc: DocId) -> &AnnotationStore {
        &self.docs[doc.0].store
    }

    /// The document `doc`, if it opened.
    pub fn document(&self, doc: DocId) -> Option<&Document> {
        self.project.slot(doc).and_then(|d| d.doc())
    }

    /// The file name of document `doc` as written in the project.
    pub fn file_name(&self, doc: DocId) -> &str {
        self.project.slot(doc).map_or("", |d| d.file())
    }

    /// True when `doc`'s annotations can be edited.
    pub fn is_editable(&self, doc: DocId) -> bool {
        self.docs
            .get(doc.0)
            .is_some_and(|d| d.status == StoreStatus::Editable)
    }

    /// Every document's id, in project order.
    pub fn doc_ids(&self) -> impl ExactSizeIterator<Item = DocId> + use<> {
        self.project.doc_ids()
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// True when the project has no document.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// True when any document has unsaved changes.
    pub fn is_dirty(&self) -> bool {
        self.docs.iter().any(DocState::is_dirty)
    }

    /// Number of documents with unsaved changes.
    pub fn dirty_count(&self) -> usize {
        self.docs.iter().filter(|d| d.is_dirty()).count()
    }

    /// Applies a step (edits on one or more documents) as one undoable unit: all or nothing.
    /// The inverse step is recorded for undo and returned with what the step created.
    pub fn apply(&mut self, step: Step) -> Result<Applied, WorkspaceError> {
        let mut created = Vec::new();
        let inverse = self.apply_step(&step, &mut created)?;
        self.history.record(inverse.clone());
        Ok(Applied { inverse, created })
    }

    /// Undoes the last step. `Ok(false)` when there is nothing to undo.
    pub fn undo(&mut self) -> Result<bool, WorkspaceError> {
        let mut history = std::mem::take(&mut self.history);
        let result = history.undo(|step| self.apply_step(step, &mut Vec::new()));
        self.history = history;
        result.transpose().map(|r| r.is_some())
    }

    /// Redoes the last undone step. `Ok(false)` when there is nothing to redo.
    pub fn redo(&mut self) -> Result<bool, WorkspaceError> {
        let mut history = std::mem::take(&mut self.history);
        let result = history.redo(|step| self.apply_step(step, &mut Vec::new()));
        self.history = history;
        result.transpose().map(|r| r.is_some())
    }

    /// The step that gives every match a span labelled `label`, except the matches that
    /// already have exactly such a span: "label all matches" as one undoable step.
    pub fn label_matches(&self, matches: &[(DocId, CharRange)], label: &str) -> Step {
        matches
            .iter()
            .filter(|(doc, range)| {
                let store = self.store(*doc);
                !store
                    .fragments_in(*range)
                    .iter()
                    .any(|(r, id)| r == range && store.get(*id).is_some_and(|a| a.label == label))
            })
            .map(|(doc, range)| {
                (
                    *doc,
                    Edit::Add {
                        label: label.to_owned(),
                        ranges: vec![*range],
                        attributes: Default::default(),
                    },
                )
            })
            .collect()
    }

    /// True when there is something to undo / redo.
    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    /// True when there is something to redo.
    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    fn apply_step(
        &mut self,
        step: &Step,
        created: &mut Vec<(DocId, AnnotationId)>,
    ) -> Result<Step, WorkspaceError> {
        let now = Timestamp::now();
        let mut done: Step = Vec::with_capacity(step.len());
        let mut counters = Vec::with_capacity(step.len());
        for (doc, edit) in step {
            if let Some(state) = self.docs.get(doc.0) {
                counters.push((*doc, state.store.counters()));
            }
            match self.apply_one(*doc, edit, &now) {
                Ok(applied) => {
                    done.push((*doc, applied.inverse));
                    created.extend(applied.created.into_iter().map(|id| (*doc, id)));
                }
                Err(e) => {
                    for (doc, inverse) in done.into_iter().rev() {
                        if let Err(e) = self.apply_one(doc, &inverse, &now) {
                            log::error!("rolling back a failed step failed: {e}");
                        }
                    }
                    // Oldest last, so each store gets the counters it had before the step.
                    for (doc, c) in counters.into_iter().rev() {
                        self.docs[doc.0].store.restore_counters(c);
                    }
                    created.clear();
                    return Err(e);
                }
            }
        }
        done.reverse();
        Ok(done)
    }

    fn apply_one(
        &mut self,
        doc: DocId,
        edit: &Edit,
        now: &Timestamp,
    ) -> Result<edit::Applied, WorkspaceError> {
        let (Some(slot), Some(state)) = (self.project.slot(doc), self.docs.get_mut(doc.0)) else {
            return Err(WorkspaceError::Locked {
                document: doc.to_string(),
                reason: "the project has no such document".to_owned(),
            });
        };
        let document = match (&state.status, slot.doc()) {
            (StoreStatus::Editable, Some(d)) => d,
            (StoreStatus::Locked(reason) | StoreStatus::NoDocument(reason), _) => {
                return Err(WorkspaceError::Locked {
                    document: slot.file().to_owned(),
                    reason: reason.clone(),
                });
            }
            (StoreStatus::Editable, None) => {
                return Err(WorkspaceError::Locked {
                    document: slot.file().to_owned(),
                    reason: "the document is not open".into(),
                });
            }
        };
        let ctx = EditContext {
            schema: &self.project.schema,
            document,
            author: &self.annotator,
            now,
        };
        edit::apply_and_report(&mut state.store, &ctx, edit).map_err(|source| {
            WorkspaceError::Edit {
                document: slot.file().to_owned(),
                source,
            }
        })
    }

    /// Saves every document with unsaved changes. Returns one result per saved document;
    /// a failed one stays dirty so the caller can retry.
    pub fn save_all(&mut self) -> Vec<(DocId, Result<PathBuf, StoreError>)> {
        let dirty: Vec<DocId> = self
            .doc_ids()
            .filter(|d| self.docs[d.0].is_dirty())
            .collect();
        if !dirty.is_empty()
            && let Ok(lock) = &self.lock
        {
            // A failure shows in the saves themselves.
            let _ = lock.refresh();
        }
        dirty.into_iter().map(|d| (d, self.save(d))).collect()
    }

    /// Saves one document's annotations atomically.
    ///
    /// Panics when `doc` is not a document of this project.
    pub fn save(&mut self, doc: DocId) -> Result<PathBuf, StoreError> {
        let slot = &self.project.documents[doc.0];
        let state = &mut self.docs[doc.0];
        let path = self.project.annotation_path(&self.annotator, slot.file());
        let Some(document) = slot.doc() else {
            return Ok(path);
        };
        if state.status != StoreStatus::Editable {
            return Ok(path);
        }
        if let Ok(lock) = &self.lock
            && !lock.is_held()
        {
            return Err(StoreError::LockLost {
                path,
                lock: lock.path().to_path_buf(),
            });
        }
        AnnotationFile::save_store(
            &state.store,
            &DocumentStamp::of(document),
            &self.annotator,
            &path,
        )?;
        state.saved_revision = state.store.revision();
        state.changed = None;
        Ok(path)
    }
}

fn load_state(path: &std::path::Path, doc: &Document) -> DocState {
    if !path.exists() {
        return DocState {
            store: AnnotationStore::new(),
            status: StoreStatus::Editable,
            changed: None,
            saved_revision: 0,
        };
    }
    let loaded = AnnotationFile::load_store(path).map(|file| (file.store, file.document));
    match loaded {
        Ok((store, stamp)) => {
            // A changed document opens editable: its annotations keep their stored text, the
            // ones that no longer match are flagged, and re-anchoring moves them.
            let changed = (!stamp.matches(doc)).then(|| {
                let change = DocumentChange::new(&stamp, doc, &store);
                log::warn!("{change}");
                change
            });
            let saved_revision = store.revision();
            DocState {
                store,
                status: StoreStatus::Editable,
                changed,
                saved_revision,
            }
        }
        Err(e) => {
            log::error!("{e}");
            DocState {
                store: AnnotationStore::new(),
                status: StoreStatus::Locked(format!(
                    "{e}. Nothing will be written to this file until it loads."
                )),
                changed: None,
                saved_revision: 0,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A project of two documents, opened as "alice".
    fn workspace() -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.txt"),
            "Қазақстан мен Тәжікстан. Қазақстан!",
        )
        .unwrap();
        std::fs::write(dir.path().join("b.ar.txt"), "كازاخستان وطاجيكستان").unwrap();
        let ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
        (dir, ws)
    }

    fn add(label: &str, start: usize, end: usize) -> Edit {
        Edit::Add {
            label: label.into(),
            ranges: vec![CharRange::new(start, end)],
            attributes: Default::default(),
        }
    }

    #[test]
    fn apply_says_what_it_created_across_documents() {
        let (_dir, mut ws) = workspace();
        let (a, b) = (DocId(0), DocId(1));
        let applied = ws
            .apply(vec![(a, add("COUNTRY", 0, 9)), (b, add("COUNTRY", 0, 9))])
            .unwrap();
        assert_eq!(
            applied.created,
            vec![(a, AnnotationId(1)), (b, AnnotationId(1))]
        );
        assert_eq!(ws.dirty_count(), 2);
        // A relabel creates nothing; a refused step reports nothing and changes nothing.
        let relabel = Edit::Relabel {
            id: AnnotationId(1),
            label: "ORG".into(),
        };
        assert!(ws.apply(vec![(a, relabel)]).unwrap().created.is_empty());
        assert!(ws.apply(vec![(a, add("COUNTRY", 3, 3))]).is_err());
        assert_eq!(ws.store(a).len(), 1);
        // Undoing the relabel and the adds, then redoing, brings back the same ids.
        assert!(ws.undo().unwrap() && ws.undo().unwrap());
        assert!(ws.store(a).is_empty() && ws.store(b).is_empty());
        assert!(ws.redo().unwrap());
        assert_eq!(
            ws.store(b).get(AnnotationId(1)).unwrap().text(),
            "كازاخستان"
        );
    }

    #[test]
    fn label_matches_skips_what_is_already_labelled_that_way() {
        let (_dir, mut ws) = workspace();
        let a = DocId(0);
        ws.apply(vec![(a, add("COUNTRY", 0, 9))]).unwrap();
        let matches = vec![(a, CharRange::new(0, 9)), (a, CharRange::new(25, 34))];
        let step = ws.label_matches(&matches, "COUNTRY");
        assert_eq!(step, vec![(a, add("COUNTRY", 25, 34))]);
        // Another label still labels both.
        assert_eq!(ws.label_matches(&matches, "ORG").len(), 2);
        ws.apply(step).unwrap();
        assert!(ws.label_matches(&matches, "COUNTRY").is_empty());
    }
}
