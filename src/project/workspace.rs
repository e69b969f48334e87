//! One annotator's editing session over a project: a store per document, edits across
//! documents with one undo history, and saving what changed.

use std::path::PathBuf;

use thiserror::Error;

use super::Project;
use crate::edit::{self, Edit, EditContext, EditError, History};
use crate::model::{Document, Timestamp};
use crate::store::{AnnotationFile, AnnotationStore, DocumentStamp, StoreError};

/// Whether a document's annotations can be edited.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreStatus {
    /// Editable. The annotation file exists or will be created on first save.
    Editable,
    /// Shown but not editable, and never written, because saving could destroy data: the
    /// annotation file is unreadable, or the document changed since it was annotated.
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

/// One step of the history: edits on documents (by index), applied together.
pub type Step = Vec<(usize, Edit)>;

/// An annotator's session.
#[derive(Debug)]
pub struct Workspace {
    /// The open project.
    pub project: Project,
    /// Whose annotations are edited.
    pub annotator: String,
    docs: Vec<DocState>,
    history: History<Step>,
}

impl Workspace {
    /// Loads the annotator's annotations for every document that opened.
    pub fn open(project: Project, annotator: &str) -> Self {
        // An annotator name is a folder name: one that would leave `annotations/` (e.g.
        // `../x`) opens everything read-only rather than ever writing there.
        let bad_name = super::check_annotator_name(annotator).err();
        let docs = project
            .documents
            .iter()
            .map(|slot| match (&slot.document, &bad_name) {
                (Err(e), _) => DocState {
                    store: AnnotationStore::new(),
                    status: StoreStatus::NoDocument(e.to_string()),
                    saved_revision: 0,
                },
                (Ok(_), Some(why)) => DocState {
                    store: AnnotationStore::new(),
                    status: StoreStatus::Locked(format!("{why}; choose another name")),
                    saved_revision: 0,
                },
                (Ok(doc), None) => {
                    load_state(&project.annotation_path(annotator, slot.file()), doc)
                }
            })
            .collect();
        Self {
            project,
            annotator: annotator.to_owned(),
            docs,
            history: History::new(),
        }
    }

    /// The state of document `doc`.
    pub fn doc_state(&self, doc: usize) -> &DocState {
        &self.docs[doc]
    }

    /// The store of document `doc`.
    pub fn store(&self, doc: usize) -> &AnnotationStore {
        &self.docs[doc].store
    }

    /// The document `doc`, if it opened.
    pub fn document(&self, doc: usize) -> Option<&Document> {
        self.project.documents.get(doc).and_then(|d| d.doc())
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

    /// Applies a step (edits on one or more documents) as one undoable unit: all or nothing.
    /// Returns the inverse step, which is also recorded for undo.
    pub fn apply(&mut self, step: Step) -> Result<Step, WorkspaceError> {
        let inverse = self.apply_step(&step)?;
        self.history.record(inverse.clone());
        Ok(inverse)
    }

    /// Undoes the last step. `Ok(false)` when there is nothing to undo.
    pub fn undo(&mut self) -> Result<bool, WorkspaceError> {
        let mut history = std::mem::take(&mut self.history);
        let result = history.undo(|step| self.apply_step(step));
        self.history = history;
        result.transpose().map(|r| r.is_some())
    }

    /// Redoes the last undone step. `Ok(false)` when there is nothing to redo.
    pub fn redo(&mut self) -> Result<bool, WorkspaceError> {
        let mut history = std::mem::take(&mut self.history);
        let result = history.redo(|step| self.apply_step(step));
        self.history = history;
        result.transpose().map(|r| r.is_some())
    }

    /// True when there is something to undo / redo.
    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    /// True when there is something to redo.
    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    fn apply_step(&mut self, step: &Step) -> Result<Step, WorkspaceError> {
        let now = Timestamp::now();
        let mut done: Step = Vec::with_capacity(step.len());
        let mut counters = Vec::with_capacity(step.len());
        for (doc, edit) in step {
            if let Some(state) = self.docs.get(*doc) {
                counters.push((*doc, state.store.counters()));
            }
            match self.apply_one(*doc, edit, &now) {
                Ok(inverse) => done.push((*doc, inverse)),
                Err(e) => {
                    for (doc, inverse) in done.into_iter().rev() {
                        if let Err(e) = self.apply_one(doc, &inverse, &now) {
                            log::error!("rolling back a failed step failed: {e}");
                        }
                    }
                    // Oldest last, so each store gets the counters it had before the step.
                    for (doc, c) in counters.into_iter().rev() {
                        self.docs[doc].store.restore_counters(c);
                    }
                    return Err(e);
                }
            }
        }
        done.reverse();
        Ok(done)
    }

    fn apply_one(
        &mut self,
        doc: usize,
        edit: &Edit,
        now: &Timestamp,
    ) -> Result<Edit, WorkspaceError> {
        let (Some(slot), Some(state)) = (self.project.documents.get(doc), self.docs.get_mut(doc))
        else {
            return Err(WorkspaceError::Locked {
                document: format!("document #{doc}"),
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
        edit::apply(&mut state.store, &ctx, edit).map_err(|source| WorkspaceError::Edit {
            document: slot.file().to_owned(),
            source,
        })
    }

    /// Saves every document with unsaved changes. Returns one result per saved document;
    /// a failed one stays dirty so the caller can retry.
    pub fn save_all(&mut self) -> Vec<(usize, Result<PathBuf, StoreError>)> {
        let dirty: Vec<usize> = (0..self.docs.len())
            .filter(|&i| self.docs[i].is_dirty())
            .collect();
        dirty.into_iter().map(|i| (i, self.save(i))).collect()
    }

    /// Saves one document's annotations atomically.
    pub fn save(&mut self, doc: usize) -> Result<PathBuf, StoreError> {
        let slot = &self.project.documents[doc];
        let state = &mut self.docs[doc];
        let path = self.project.annotation_path(&self.annotator, slot.file());
        let Some(document) = slot.doc() else {
            return Ok(path);
        };
        if state.status != StoreStatus::Editable {
            return Ok(path);
        }
        AnnotationFile::save_store(
            &state.store,
            &DocumentStamp::of(document),
            &self.annotator,
            &path,
        )?;
        state.saved_revision = state.store.revision();
        Ok(path)
    }
}

fn load_state(path: &std::path::Path, doc: &Document) -> DocState {
    if !path.exists() {
        return DocState {
            store: AnnotationStore::new(),
            status: StoreStatus::Editable,
            saved_revision: 0,
        };
    }
    let loaded = AnnotationFile::load_store(path).map(|file| (file.store, file.document));
    match loaded {
        Ok((store, stamp)) => {
            let status = if stamp.matches(doc) {
                StoreStatus::Editable
            } else {
                let reason = format!(
                    "{} changed since it was annotated ({} chars then, {} now; SHA-256 {} then, {} now). \
                     The annotations are shown read-only and will not be saved: restore the original \
                     document, or run `accord validate` to see which spans no longer match.",
                    doc.file_name,
                    stamp.chars,
                    doc.len_chars(),
                    short_hash(&stamp.sha256),
                    short_hash(doc.sha256()),
                );
                log::warn!("{reason}");
                StoreStatus::Locked(reason)
            };
            let saved_revision = store.revision();
            DocState {
                store,
                status,
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
                saved_revision: 0,
            }
        }
    }
}

fn short_hash(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}
