//! One annotator's editing session over a project: a store per document and the
//! cross-document groups, changed together in undoable steps, and saving what changed. Files
//! changed on disk meanwhile are found and reloaded, or held as conflicts ([`disk`]).

mod disk;
pub mod journal;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use thiserror::Error;

use super::change::DocumentChange;
use super::groups::{GroupEdit, GroupError, GroupStore, link_edits, unlink_edits};
use super::lock::{AnnotatorLock, LockError};
use super::{DocId, Project};
use crate::edit::{self, Edit, EditContext, EditError, History};
use crate::model::{
    Annotation, AnnotationId, AttributeValue, CharRange, CrossMember, Document, Timestamp,
};
use crate::project::rejections::RejectionsFile;
use crate::project_dir::ProjectDir;
use crate::store::{AnnotationFile, AnnotationStore, DocumentStamp, StoreError};
use journal::{Journal, JournalError, Recovery, StepKind};

pub use disk::{DiskEvent, Resolution};

/// Whether a document's annotations (or the groups) can be edited.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreStatus {
    /// Editable. The file exists or will be created on first save.
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
    /// The file on disk as last loaded or saved, and a change to it not yet resolved.
    disk: disk::Synced,
}

impl DocState {
    /// True when there are changes not yet saved.
    pub fn is_dirty(&self) -> bool {
        self.store.revision() != self.saved_revision
    }

    /// Takes the store as what the file holds (replaying the journal changed nothing in it).
    fn mark_saved(&mut self) {
        self.saved_revision = self.store.revision();
    }
}

/// The cross-document groups in the session (`links/<annotator>.ron`).
#[derive(Debug)]
pub struct GroupState {
    /// The groups.
    pub store: GroupStore,
    /// Editable or why not.
    pub status: StoreStatus,
    saved_revision: u64,
    /// The file on disk as last loaded or saved, and a change to it not yet resolved.
    disk: disk::Synced,
}

impl GroupState {
    /// True when there are changes not yet saved.
    pub fn is_dirty(&self) -> bool {
        self.store.revision() != self.saved_revision
    }

    /// Takes the groups as what the file holds (see [`DocState::mark_saved`]).
    fn mark_saved(&mut self) {
        self.saved_revision = self.store.revision();
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
    /// A change to the cross-document groups was refused.
    #[error("cross-document groups: {0}")]
    Group(#[from] GroupError),
    /// The document's annotations (or the groups) cannot be edited.
    #[error("{document} is read-only: {reason}")]
    Locked {
        /// The document's file (or the link file).
        document: String,
        /// Why.
        reason: String,
    },
    /// Saving failed; the edits are still in memory.
    #[error(transparent)]
    Save(#[from] StoreError),
    /// The step could not be recorded in the journal, so it was taken back.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// A change to the label set was refused, or its file could not be written.
    #[error("label set: {0}")]
    Schema(String),
    /// [`Workspace::resolve`] on a file that has no unresolved change on disk.
    #[error("{document} has no change on disk to resolve")]
    NoConflict {
        /// The annotation or link file.
        document: String,
    },
}

/// One change of a step: an edit of one document's annotations, or of the groups.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// An edit of a document's annotations.
    Doc(DocId, Edit),
    /// An edit of the annotator's cross-document groups.
    Groups(GroupEdit),
    /// An edit of the label set, written to the project's schema file at once: the label set
    /// is every annotator's, so it is never held unsaved. Applied before the step's edits of
    /// annotations, undone before theirs are (a renamed label exists when annotations are
    /// relabelled to it, either way); see `schema_first`.
    Schema(crate::schema::edit::SchemaEdit),
    /// A label changed in the other annotators' files (a label renamed), written at once
    /// under their locks.
    Others(super::relabel::OthersRelabel),
    /// Suggestions rejected or taken back, written to the annotator's rejections file at
    /// once (so undo brings a rejected suggestion back).
    Rejections(RejectionEdit),
}

/// Rejections added and removed ([`Change::Rejections`]); its inverse swaps the two.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RejectionEdit {
    /// Rejections to add.
    pub add: Vec<crate::project::rejections::Rejection>,
    /// Rejections to remove.
    pub remove: Vec<crate::project::rejections::Rejection>,
}

/// One step of the history: changes applied together, all or none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Step(pub Vec<Change>);

impl Step {
    /// True when the step changes nothing.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Number of changes.
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl From<Vec<(DocId, Edit)>> for Step {
    fn from(edits: Vec<(DocId, Edit)>) -> Self {
        Step(edits.into_iter().map(|(d, e)| Change::Doc(d, e)).collect())
    }
}

impl From<Vec<Change>> for Step {
    fn from(changes: Vec<Change>) -> Self {
        Step(changes)
    }
}

/// What applying a step did: the step that undoes it (also recorded for undo), and the
/// annotations it created, so a caller can select what it just made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// The inverse step.
    pub inverse: Step,
    /// Annotations that exist now and did not before.
    pub created: Vec<(DocId, AnnotationId)>,
}

/// A file of the workspace that is saved on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WorkspaceFile {
    /// A document's annotation file.
    Doc(DocId),
    /// The cross-document link file.
    Groups,
}

/// What a span reference is made to point at: a span that exists, or one created with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefTarget {
    /// An annotation of the same document.
    Existing(AnnotationId),
    /// A new span with this label over this range.
    New {
        /// Its label.
        label: String,
        /// Its text.
        range: CharRange,
    },
}

/// What deleting an annotation takes with it (for "are you sure?").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ties {
    /// Relations from or to it.
    pub relations: usize,
    /// Attribute references to it (a commitment's actors, target, deadline).
    pub references: usize,
    /// Cross-document groups it is a member of.
    pub groups: usize,
}

impl Ties {
    /// True when it is tied to nothing.
    pub fn is_empty(&self) -> bool {
        *self == Ties::default()
    }
}

/// An annotator's session.
#[derive(Debug)]
pub struct Workspace {
    /// The open project.
    pub project: Project,
    /// Whose annotations are edited.
    pub annotator: String,
    /// Who makes the edits: the annotator, or the reviewer editing the curated set.
    pub author: String,
    docs: Vec<DocState>,
    groups: GroupState,
    history: History<Step>,
    /// Bumped by every applied step (undo and redo too) and every file taken from disk.
    revision: u64,
    /// Annotations with a merge conflict to decide, in all documents: counted again with each
    /// revision, so a view showing it every frame does not walk the documents.
    merge_conflicts: usize,
    /// The steps not saved yet, on disk ([`journal`]); `None` when read-only.
    journal: Option<Journal>,
    /// What opening put back from the journal.
    recovered: Option<Recovery>,
    /// Temporary files of saves an interrupted run left, removed as this opened.
    removed_unfinished: Vec<PathBuf>,
    /// The annotator's lock (released when the workspace is dropped), or why everything is
    /// read-only.
    lock: Result<AnnotatorLock, LockError>,
    /// Changes on disk that saves came upon, for the next [`Workspace::check_disk`].
    disk_events: Vec<DiskEvent>,
    /// Where the next [`Workspace::check_disk_some`] goes on from: an index into the tracked
    /// files (every document's slot, then the group file).
    disk_sweep: usize,
    /// The suggestions the annotator rejected, or why their file could not be read (then
    /// none are remembered, and rejecting is refused so the file is not written over).
    rejections: Result<RejectionsFile, String>,
}

impl Workspace {
    /// Takes the annotator's lock and loads the annotator's annotations for every document
    /// that opened, and their groups. When the lock is held by another Accord (or cannot be
    /// taken), everything opens read-only, with the reason in each document's status.
    pub fn open(project: Project, annotator: &str) -> Self {
        Self::open_as(project, annotator, annotator)
    }

    /// Like [`Workspace::open`], with edits recorded as `author`'s: a reviewer (`author`)
    /// editing the curated set (`annotator` is then `curated`).
    pub fn open_as(project: Project, annotator: &str, author: &str) -> Self {
        Self::open_trusting(project, annotator, author, journal::Trust::OwnOnly)
    }

    /// Like [`Workspace::open_as`], replaying the journal's records as `trust` says: with
    /// [`journal::Trust::AcceptForeign`], also those written for this annotator on another
    /// machine or in another folder (`accord recover --accept-foreign`).
    pub fn open_trusting(
        project: Project,
        annotator: &str,
        author: &str,
        trust: journal::Trust,
    ) -> Self {
        let lock = AnnotatorLock::acquire(&project.root, annotator);
        Self::open_with(project, annotator, author, trust, lock)
    }

    /// Like [`Workspace::open_trusting`], with the annotator's lock taken already by a
    /// command ([`super::lock::Writers`], [`super::lock::Writers::take`]): a command that
    /// writes before it opens the workspace (`accord recover --journal`) keeps the lock from
    /// the first write to the last. A lock of another annotator or project is not used: the
    /// lock is then taken here.
    pub fn open_locked(
        project: Project,
        annotator: &str,
        trust: journal::Trust,
        lock: AnnotatorLock,
    ) -> Self {
        let lock = if lock.path() == AnnotatorLock::path_for(&project.root, annotator) {
            Ok(lock)
        } else {
            AnnotatorLock::acquire(&project.root, annotator)
        };
        Self::open_with(project, annotator, annotator, trust, lock)
    }

    /// Like [`Workspace::open`], counting each document's annotation file in `progress`;
    /// `None` when `progress` was stopped before every file was read: then the journal is not
    /// replayed, nothing is written, and the lock is let go.
    pub fn open_counted(
        project: Project,
        annotator: &str,
        progress: &super::OpenProgress,
    ) -> Option<Self> {
        if progress.is_stopped() {
            return None;
        }
        let lock = AnnotatorLock::acquire(&project.root, annotator);
        let docs = read_states(&project, annotator, || progress.next_file()).ok()?;
        Some(Self::assemble(
            project,
            annotator,
            annotator,
            journal::Trust::OwnOnly,
            lock,
            docs,
        ))
    }

    fn open_with(
        project: Project,
        annotator: &str,
        author: &str,
        trust: journal::Trust,
        lock: Result<AnnotatorLock, LockError>,
    ) -> Self {
        let docs = super::unstoppable(read_states(&project, annotator, super::never_stopped));
        Self::assemble(project, annotator, author, trust, lock, docs)
    }

    /// The workspace of the annotation files read: the groups, the lock's verdict, the
    /// journal replayed.
    fn assemble(
        project: Project,
        annotator: &str,
        author: &str,
        trust: journal::Trust,
        lock: Result<AnnotatorLock, LockError>,
        mut docs: Vec<DocState>,
    ) -> Self {
        let bad_name = bad_annotator_name(annotator);
        let mut groups = match &bad_name {
            Some(why) => GroupState {
                store: GroupStore::new(),
                status: StoreStatus::Locked(why.clone()),
                saved_revision: 0,
                disk: disk::Synced::default(),
            },
            None => load_groups(&project.dir, &project.links_path(annotator)),
        };
        if let (Err(e), None) = (&lock, &bad_name) {
            log::warn!("{e}");
            let statuses = docs.iter_mut().map(|d| &mut d.status);
            for status in statuses.chain([&mut groups.status]) {
                if *status == StoreStatus::Editable {
                    *status = StoreStatus::Locked(e.to_string());
                }
            }
        }
        // Edits a crash kept from being saved come back, once the lock says they are ours.
        let (journal, recovered) = match (&lock, &bad_name) {
            (Ok(_), None) => journal::recover(&project, annotator, &mut docs, &mut groups, trust),
            _ => (None, None),
        };
        // What a killed run left: only once the lock says this one may write.
        let removed_unfinished = match &lock {
            Ok(_) => project.dir.remove_unfinished_saves(),
            Err(_) => Vec::new(),
        };
        let rejections = match &bad_name {
            Some(why) => Err(why.clone()),
            None => RejectionsFile::load(&project.dir, annotator).map_err(|e| e.to_string()),
        };
        Self {
            rejections,
            project,
            annotator: annotator.to_owned(),
            author: author.to_owned(),
            docs,
            groups,
            history: History::new(),
            revision: 0,
            journal,
            recovered,
            removed_unfinished,
            lock,
            disk_events: Vec::new(),
            disk_sweep: 0,
            merge_conflicts: 0,
        }
        .counted()
    }

    fn counted(mut self) -> Self {
        self.count_conflicts();
        self
    }

    /// Something changed annotations or groups: views derived from them are out of date.
    fn changed(&mut self) {
        self.revision += 1;
        self.count_conflicts();
    }

    fn count_conflicts(&mut self) {
        self.merge_conflicts = self.docs.iter().map(|d| d.store.conflicted().len()).sum();
    }

    /// The suggestions the annotator rejected (none when their file could not be read).
    pub fn rejections(&self) -> &RejectionsFile {
        static NONE: std::sync::OnceLock<RejectionsFile> = std::sync::OnceLock::new();
        match &self.rejections {
            Ok(file) => file,
            Err(_) => NONE.get_or_init(RejectionsFile::default),
        }
    }

    /// Why the rejections file could not be read, if it could not.
    pub fn rejections_problem(&self) -> Option<&str> {
        self.rejections.as_ref().err().map(String::as_str)
    }

    /// Annotations with a merge conflict to decide, in all documents.
    pub fn merge_conflicts(&self) -> usize {
        self.merge_conflicts
    }

    /// What opening put back from the journal of a session that stopped before saving (a
    /// crash, a kill, a power cut), to tell the annotator once (its `Display` is one
    /// sentence); `None` when there was nothing to put back or report.
    pub fn recovery(&self) -> Option<&Recovery> {
        self.recovered.as_ref()
    }

    /// The temporary files of saves that a run stopped midway left behind (a killed import,
    /// a crash during a save), removed as this workspace opened: to tell the annotator once.
    pub fn removed_unfinished(&self) -> &[PathBuf] {
        &self.removed_unfinished
    }

    /// The journal of steps not saved yet, while this workspace may write it.
    pub fn journal_path(&self) -> Option<&Path> {
        self.journal.as_ref().map(Journal::path)
    }

    /// Empties the journal without saving, so the unsaved edits are not recovered at the next
    /// start: for when the annotator chose to close without saving. (A journal with edits that
    /// could not be put back is kept aside, as at a save.)
    pub fn forget_unsaved_edits(&mut self) -> std::io::Result<()> {
        match (&mut self.journal, &self.lock) {
            (Some(journal), Ok(lock)) => journal.fold(lock),
            _ => Ok(()),
        }
    }

    /// The annotator's lock while this workspace holds it, or why it does not (another Accord
    /// holds it: [`LockError::Held`] names the process and host; everything is then
    /// read-only).
    pub fn lock(&self) -> Result<&AnnotatorLock, &LockError> {
        self.lock.as_ref()
    }

    /// Marks the lock as in use, so an Accord that judges it by its lock file alone (on another
    /// machine, where the file system has no OS locks) does not take it for stale (saving does
    /// this too). The window calls it every few minutes. An error means the lock
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

    /// The cross-document groups and whether they can be edited.
    pub fn groups(&self) -> &GroupState {
        &self.groups
    }

    /// Annotation `id` of `doc` as a member of a cross-document group.
    pub fn member(&self, doc: DocId, id: AnnotationId) -> CrossMember {
        CrossMember {
            document: self.file_name(doc).to_owned(),
            annotation: id,
        }
    }

    /// Where a group member is: its document and annotation, if both exist.
    pub fn locate(&self, member: &CrossMember) -> Option<(DocId, AnnotationId)> {
        let doc = self.project.document_index(&member.document)?;
        self.store(doc).get(member.annotation)?;
        Some((doc, member.annotation))
    }

    /// True when any document or the groups have unsaved changes.
    pub fn is_dirty(&self) -> bool {
        self.docs.iter().any(DocState::is_dirty) || self.groups.is_dirty()
    }

    /// Number of files with unsaved changes.
    pub fn dirty_count(&self) -> usize {
        self.docs.iter().filter(|d| d.is_dirty()).count() + usize::from(self.groups.is_dirty())
    }

    /// What deleting annotation `id` of `doc` would also take away.
    pub fn ties(&self, doc: DocId, id: AnnotationId) -> Ties {
        let store = self.store(doc);
        Ties {
            relations: store.links_of(id).count(),
            references: store.referrers_of(id).filter(|a| a.id != id).count(),
            groups: self.groups.store.groups_of(&self.member(doc, id)).count(),
        }
    }

    /// The step that links two annotations (of any documents) as the same thing of `kind`:
    /// it joins a group one of them is in, starts one, or merges two. `None` when they are
    /// already linked that way.
    pub fn link_step(
        &self,
        a: (DocId, AnnotationId),
        b: (DocId, AnnotationId),
        kind: &str,
    ) -> Option<Step> {
        let (a, b) = (self.member(a.0, a.1), self.member(b.0, b.1));
        let edits = link_edits(&self.groups.store, &a, &b, kind)?;
        Some(Step(edits.into_iter().map(Change::Groups).collect()))
    }

    /// Applies a step (changes on one or more documents and the groups) as one undoable
    /// unit: all or nothing. The inverse is recorded for undo and returned with what the step
    /// created. Removing an annotation also takes it out of its groups.
    pub fn apply(&mut self, step: impl Into<Step>) -> Result<Applied, WorkspaceError> {
        let step = self.with_group_consequences(step.into());
        let mut created = Vec::new();
        let inverse = self.apply_step(&step, &mut created, StepKind::Apply)?;
        self.history.record(inverse.clone());
        Ok(Applied { inverse, created })
    }

    /// The step that makes `rename` everywhere, as one undoable unit: the label set (unless
    /// `with_schema` is false: the caller's own schema change goes with it), every other
    /// annotator's files, and this annotator's annotations. Returns it with how many of this
    /// annotator's annotations it changes.
    pub fn rename_step(&self, rename: super::relabel::Rename, with_schema: bool) -> (Step, usize) {
        let mut changes = Vec::new();
        if with_schema {
            changes.push(Change::Schema(rename.schema_edit()));
        }
        let mut own = 0;
        for doc in self.doc_ids() {
            for annotation in self.store(doc).annotations() {
                let edits = rename.own_edits(annotation);
                own += usize::from(!edits.is_empty());
                changes.extend(edits.into_iter().map(|e| Change::Doc(doc, e)));
            }
        }
        changes.push(Change::Others(super::relabel::OthersRelabel {
            rename,
            only: None,
        }));
        (Step(changes), own)
    }

    /// Undoes the last step. `Ok(false)` when there is nothing to undo.
    pub fn undo(&mut self) -> Result<bool, WorkspaceError> {
        let mut history = std::mem::take(&mut self.history);
        let result = history.undo(|step| self.apply_step(step, &mut Vec::new(), StepKind::Undo));
        self.history = history;
        result.transpose().map(|r| r.is_some())
    }

    /// Redoes the last undone step. `Ok(false)` when there is nothing to redo.
    pub fn redo(&mut self) -> Result<bool, WorkspaceError> {
        let mut history = std::mem::take(&mut self.history);
        let result = history.redo(|step| self.apply_step(step, &mut Vec::new(), StepKind::Redo));
        self.history = history;
        result.transpose().map(|r| r.is_some())
    }

    /// A number that changes whenever an edit, undo or redo changes any annotation or group:
    /// views cache what they derive from the whole workspace (the ledger, the threads) by it.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The step that makes `target` a value of span-reference attribute `attribute` of
    /// annotation `owner` (added to the list when the attribute takes many, else replacing
    /// it): the "pick" of a commitment's actors, target or deadline. A new span is created in
    /// the same step, so one undo removes both.
    pub fn reference_step(
        &self,
        doc: DocId,
        owner: AnnotationId,
        attribute: &str,
        target: RefTarget,
    ) -> Result<Step, WorkspaceError> {
        let store = self.store(doc);
        let unknown = |id| WorkspaceError::Edit {
            document: self.file_name(doc).to_owned(),
            source: EditError::UnknownAnnotation(id),
        };
        let ann = store.get(owner).ok_or_else(|| unknown(owner))?;
        let many = self
            .project
            .schema
            .label(&ann.label)
            .and_then(|l| l.attributes.iter().find(|a| a.name == attribute))
            .is_some_and(|a| {
                matches!(
                    a.kind,
                    crate::schema::AttributeKind::SpanRef { many: true, .. }
                )
            });
        let mut ids = match (many, ann.attributes.get(attribute)) {
            (true, Some(AttributeValue::Refs(ids))) => ids.clone(),
            _ => Vec::new(),
        };
        let mut edits = Vec::new();
        let id = match target {
            RefTarget::Existing(id) => {
                store.get(id).ok_or_else(|| unknown(id))?;
                id
            }
            RefTarget::New { label, range } => {
                edits.push((
                    doc,
                    Edit::Add {
                        label,
                        ranges: vec![range],
                        attributes: Default::default(),
                        source: None,
                    },
                ));
                // The id the store hands out next: the add comes first in the step.
                AnnotationId(store.next_id())
            }
        };
        if !ids.contains(&id) {
            ids.push(id);
        }
        edits.push((
            doc,
            Edit::SetAttribute {
                id: owner,
                name: attribute.to_owned(),
                value: Some(AttributeValue::Refs(ids)),
            },
        ));
        Ok(edits.into())
    }

    /// True when there is something to undo / redo.
    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    /// True when there is something to redo.
    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    /// The edits that give every match a span labelled `label`, except the matches that
    /// already have exactly such a span: "label all matches" as one undoable step.
    pub fn label_matches(&self, matches: &[(DocId, CharRange)], label: &str) -> Vec<(DocId, Edit)> {
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
                        source: None,
                    },
                )
            })
            .collect()
    }

    /// The step with, before each removal of an annotation, the group edits that take it
    /// out of its groups (undo puts the annotation back first, then the memberships).
    fn with_group_consequences(&self, step: Step) -> Step {
        let mut out = Vec::with_capacity(step.0.len());
        for change in step.0 {
            if let Change::Doc(doc, edit) = &change {
                let mut removed = Vec::new();
                removed_ids(edit, &mut removed);
                for id in removed {
                    let member = self.member(*doc, id);
                    out.extend(
                        unlink_edits(&self.groups.store, &member)
                            .into_iter()
                            .map(Change::Groups),
                    );
                }
            }
            out.push(change);
        }
        Step(out)
    }

    fn apply_step(
        &mut self,
        step: &Step,
        created: &mut Vec<(DocId, AnnotationId)>,
        kind: StepKind,
    ) -> Result<Step, WorkspaceError> {
        let now = Timestamp::now();
        // The groups before, for the journal: what the step changes in them.
        let groups_before = (self.journal.is_some()
            && step.0.iter().any(|c| matches!(c, Change::Groups(_))))
        .then(|| self.groups.store.clone());
        let mut done: Vec<Change> = Vec::with_capacity(step.len());
        let mut counters = Vec::with_capacity(step.len());
        for change in schema_first(&step.0) {
            if let Change::Doc(doc, _) = change
                && let Some(state) = self.docs.get(doc.0)
            {
                counters.push((*doc, state.store.counters()));
            }
            match self.apply_change(change, &now) {
                Ok((inverse, new)) => {
                    done.push(inverse);
                    created.extend(new);
                }
                Err(e) => {
                    done.reverse();
                    // In the order an undo takes: a label the step removed is back before
                    // its spans are relabelled to it.
                    let done = schema_first(&done).cloned().collect();
                    self.roll_back(done, counters, &now);
                    created.clear();
                    return Err(e);
                }
            }
        }
        done.reverse();
        done = schema_first(&done).cloned().collect();
        // On disk before the step counts as done; a step that cannot be recorded is taken back.
        if let Err(e) = self.journal_step(kind, &now, &done, groups_before.as_ref()) {
            self.roll_back(done, counters, &now);
            if let Some(groups) = groups_before {
                self.groups.store = groups;
            }
            created.clear();
            return Err(e.into());
        }
        self.changed();
        Ok(Step(done))
    }

    /// Takes back the changes of a step that failed half way: `inverses` newest first.
    fn roll_back(
        &mut self,
        inverses: Vec<Change>,
        counters: Vec<(DocId, crate::store::Counters)>,
        now: &Timestamp,
    ) {
        for inverse in inverses {
            if let Err(e) = self.apply_change(&inverse, now) {
                log::error!("rolling back a failed step failed: {e}");
            }
        }
        // Oldest last, so each store gets the counters it had before the step.
        for (doc, c) in counters.into_iter().rev() {
            self.docs[doc.0].store.restore_counters(c);
        }
    }

    /// Appends a step just applied (`inverse`: what undoes it) to the journal and flushes it.
    fn journal_step(
        &mut self,
        kind: StepKind,
        now: &Timestamp,
        inverse: &[Change],
        groups_before: Option<&GroupStore>,
    ) -> Result<(), JournalError> {
        let (Some(journal), Ok(lock)) = (&mut self.journal, &self.lock) else {
            return Ok(());
        };
        let line = journal::record_step(
            &journal.owner().clone(),
            kind,
            now,
            inverse,
            &self.project,
            &self.docs,
            groups_before,
            &self.groups.store,
        )
        .map_err(|detail| JournalError::Unrecordable {
            path: journal.path().to_path_buf(),
            detail,
        })?;
        journal.append(&line, lock)
    }

    /// Appends to the journal that `file` was taken from disk ([`journal::record_from_disk`]).
    fn journal_from_disk(
        &mut self,
        kind: StepKind,
        file: WorkspaceFile,
        on_disk: &journal::OnDisk<'_>,
        groups_before: Option<&GroupStore>,
    ) -> Result<(), JournalError> {
        let (Some(journal), Ok(lock)) = (&mut self.journal, &self.lock) else {
            return Ok(());
        };
        let line = journal::record_from_disk(
            &journal.owner().clone(),
            kind,
            &Timestamp::now(),
            file,
            on_disk,
            &self.project,
            &self.docs,
            groups_before,
            &self.groups.store,
        )
        .map_err(|detail| JournalError::Unrecordable {
            path: journal.path().to_path_buf(),
            detail,
        })?;
        journal.append(&line, lock)
    }

    /// Folds the journal into the files once nothing is left unsaved.
    fn fold_journal_if_saved(&mut self) {
        if self.is_dirty() {
            return;
        }
        if let (Some(journal), Ok(lock)) = (&mut self.journal, &self.lock)
            && let Err(e) = journal.fold(lock)
        {
            // Harmless: replaying what is saved changes nothing.
            log::warn!(
                "could not empty the journal {}: {e}",
                journal.path().display()
            );
        }
    }

    /// Applies one change; returns its inverse and the annotations it created.
    fn apply_change(
        &mut self,
        change: &Change,
        now: &Timestamp,
    ) -> Result<(Change, Vec<(DocId, AnnotationId)>), WorkspaceError> {
        match change {
            Change::Doc(doc, edit) => {
                if let Edit::Relabel { id, label } = edit {
                    self.check_groups_accept(*doc, *id, label)?;
                }
                let applied = self.apply_one(*doc, edit, now)?;
                let created = applied.created.into_iter().map(|id| (*doc, id)).collect();
                Ok((Change::Doc(*doc, applied.inverse), created))
            }
            Change::Groups(edit) => {
                if let StoreStatus::Locked(reason) | StoreStatus::NoDocument(reason) =
                    &self.groups.status
                {
                    return Err(WorkspaceError::Locked {
                        document: format!("links/{}.ron", self.annotator),
                        reason: reason.clone(),
                    });
                }
                let (project, docs) = (&self.project, &self.docs);
                let label_of = |m: &CrossMember| {
                    let doc = project.document_index(&m.document)?;
                    docs.get(doc.0)?
                        .store
                        .get(m.annotation)
                        .map(|a| a.label.as_str())
                };
                let inverse = self.groups.store.apply(edit, &project.schema, label_of)?;
                Ok((Change::Groups(inverse), Vec::new()))
            }
            Change::Others(change) => {
                let inverse =
                    super::relabel::relabel_others(&self.project, &self.annotator, change)
                        .map_err(WorkspaceError::Schema)?;
                Ok((Change::Others(inverse), Vec::new()))
            }
            Change::Rejections(edit) => {
                let document = format!(
                    "annotations/{}/{}",
                    self.annotator,
                    crate::project::rejections::REJECTIONS_FILE
                );
                if let Err(reason) = &self.lock {
                    return Err(WorkspaceError::Locked {
                        document,
                        reason: reason.to_string(),
                    });
                }
                let file = self
                    .rejections
                    .as_mut()
                    .map_err(|reason| WorkspaceError::Locked {
                        document: document.clone(),
                        reason: reason.clone(),
                    })?;
                // Only what really changes goes into the inverse: rejecting twice, then
                // undoing once, keeps the first rejection.
                let mut changed = file.clone();
                let removed: Vec<_> = edit
                    .remove
                    .iter()
                    .filter(|r| changed.rejected.remove(*r))
                    .cloned()
                    .collect();
                let added: Vec<_> = edit
                    .add
                    .iter()
                    .filter(|r| changed.rejected.insert((*r).clone()))
                    .cloned()
                    .collect();
                changed.save(&self.project.dir)?;
                *file = changed;
                Ok((
                    Change::Rejections(RejectionEdit {
                        add: removed,
                        remove: added,
                    }),
                    Vec::new(),
                ))
            }
            Change::Schema(_) if !self.project.schema_problems.is_empty() => {
                // Saving the label set now would write only what could be read of the file,
                // dropping the items with mistakes.
                Err(WorkspaceError::Schema(
                    "the schema file has mistakes (see `accord validate`); fix them in the file and open the project again before changing the label set here, or what could not be read would be lost".to_owned(),
                ))
            }
            Change::Schema(edit) => {
                if let Err(reason) = &self.lock {
                    return Err(WorkspaceError::Locked {
                        document: "the label set".to_owned(),
                        reason: reason.to_string(),
                    });
                }
                let mut schema = (*self.project.schema).clone();
                let inverse = edit
                    .clone()
                    .apply(&mut schema)
                    .map_err(|e| WorkspaceError::Schema(e.to_string()))?;
                self.project
                    .save_schema(schema)
                    .map_err(|e| WorkspaceError::Schema(e.to_string()))?;
                Ok((Change::Schema(inverse), Vec::new()))
            }
        }
    }

    /// Refuses to relabel an annotation as a label one of its groups cannot hold.
    fn check_groups_accept(
        &self,
        doc: DocId,
        id: AnnotationId,
        label: &str,
    ) -> Result<(), WorkspaceError> {
        let member = self.member(doc, id);
        for group in self.groups.store.groups_of(&member) {
            if let Some(kind) = self.project.schema.group_kind(&group.kind)
                && !kind.allows(label)
            {
                return Err(GroupError::LabelNotAllowed {
                    label: label.to_owned(),
                    kind: kind.name.clone(),
                }
                .into());
            }
        }
        Ok(())
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
            author: &self.author,
            now,
        };
        edit::apply_and_report(&mut state.store, &ctx, edit).map_err(|source| {
            WorkspaceError::Edit {
                document: slot.file().to_owned(),
                source,
            }
        })
    }

    /// Saves every file with unsaved changes. Returns one result per saved file; a failed
    /// one stays dirty so the caller can retry. The link file waits while a document whose
    /// annotations it newly links fails to save ([`StoreError::WaitsFor`]).
    pub fn save_all(&mut self) -> Vec<(WorkspaceFile, Result<PathBuf, StoreError>)> {
        let dirty: Vec<DocId> = self
            .doc_ids()
            .filter(|d| self.docs[d.0].is_dirty())
            .collect();
        if (!dirty.is_empty() || self.groups.is_dirty())
            && let Ok(lock) = &self.lock
        {
            // A failure shows in the saves themselves.
            let _ = lock.refresh();
        }
        // In an order where a kill between any two writes leaves files that agree — every
        // group member an annotation of its file — so the files are valid even before the
        // journal is replayed: documents first, so the groups never name an annotation not yet
        // written; a document that lost an annotation the saved groups still name keeps it
        // until the groups are saved, and is written again after them.
        let kept = self.named_by_saved_groups(&dirty);
        let mut results: Vec<_> = dirty
            .iter()
            .map(|d| {
                let keep = kept.get(d).map_or(&[][..], Vec::as_slice);
                (WorkspaceFile::Doc(*d), self.save_file(*d, keep))
            })
            .collect();
        if self.groups.is_dirty() {
            // Nor may the groups name what a document that failed to write does not have.
            let unwritten: Vec<DocId> = results
                .iter()
                .filter_map(|(file, result)| match (file, result) {
                    (WorkspaceFile::Doc(doc), Err(_)) => Some(*doc),
                    _ => None,
                })
                .collect();
            let saved = match self.link_file_waits_for(&unwritten) {
                Some(doc) => Err(StoreError::WaitsFor {
                    path: self.file_path(WorkspaceFile::Groups),
                    document: self.file_path(WorkspaceFile::Doc(doc)),
                }),
                None => self.save_groups_file(),
            };
            let groups_written = saved.is_ok() && !self.groups.is_dirty();
            results.push((WorkspaceFile::Groups, saved));
            if groups_written {
                for doc in kept.keys() {
                    let first = results
                        .iter_mut()
                        .find(|(file, result)| *file == WorkspaceFile::Doc(*doc) && result.is_ok());
                    if let Some((_, result)) = first {
                        *result = self.save_file(*doc, &[]);
                    }
                }
            }
        }
        self.fold_journal_if_saved();
        results
    }

    /// Saves one document's annotations atomically.
    ///
    /// Panics when `doc` is not a document of this project.
    ///
    /// Refused while the file is in conflict with its version on disk, and when it changed on
    /// disk since it was loaded or saved here ([`StoreError::ChangedOnDisk`]; see
    /// [`Workspace::check_disk`]).
    ///
    /// An annotation deleted here that the saved groups still name stays in the file, and the
    /// document unsaved, until the groups are saved ([`Self::save_all`]).
    pub fn save(&mut self, doc: DocId) -> Result<PathBuf, StoreError> {
        let kept = self.named_by_saved_groups(&[doc]);
        let path = self.save_file(doc, kept.get(&doc).map_or(&[][..], Vec::as_slice))?;
        self.fold_journal_if_saved();
        Ok(path)
    }

    /// Saves the cross-document groups atomically (never when they could not be read, nor
    /// while the link file is in conflict with its version on disk, as for [`Self::save`]).
    pub fn save_groups(&mut self) -> Result<PathBuf, StoreError> {
        let path = self.save_groups_file()?;
        self.fold_journal_if_saved();
        Ok(path)
    }

    /// Writes `doc`'s annotations, with `keep` (annotations deleted here, at their value on
    /// disk) too; then the document is still unsaved.
    fn save_file(&mut self, doc: DocId, keep: &[Annotation]) -> Result<PathBuf, StoreError> {
        let slot = &self.project.documents[doc.0];
        let path = self.project.annotation_path(&self.annotator, slot.file());
        if slot.doc().is_none() || self.docs[doc.0].status != StoreStatus::Editable {
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
        if !self.before_save(WorkspaceFile::Doc(doc))? {
            return Ok(path);
        }
        let slot = &self.project.documents[doc.0];
        let state = &mut self.docs[doc.0];
        let Some(document) = slot.doc() else {
            return Ok(path);
        };
        let stamp = DocumentStamp::of(document);
        let text = if keep.is_empty() {
            AnnotationFile::store_to_ron(&state.store, &stamp, &self.annotator, &path)?
        } else {
            let mut with_kept = state.store.clone();
            for annotation in keep {
                with_kept.put(annotation.clone());
            }
            AnnotationFile::store_to_ron(&with_kept, &stamp, &self.annotator, &path)?
        };
        let written = crate::store::fingerprint::write(&self.project.dir, &path, &text)?;
        if keep.is_empty() {
            state.saved_revision = state.store.revision();
            state.changed = None;
        }
        state.disk.saved(written, text);
        Ok(path)
    }

    fn save_groups_file(&mut self) -> Result<PathBuf, StoreError> {
        let path = self.project.links_path(&self.annotator);
        if self.groups.status != StoreStatus::Editable {
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
        if !self.before_save(WorkspaceFile::Groups)? {
            return Ok(path);
        }
        let text = self.groups.store.to_file(&self.annotator).to_ron(&path)?;
        let written = crate::store::fingerprint::write(&self.project.dir, &path, &text)?;
        self.groups.saved_revision = self.groups.store.revision();
        self.groups.disk.saved(written, text);
        Ok(path)
    }
}

/// The annotations an edit removes (a removal, or removals inside a batch).
fn removed_ids(edit: &Edit, out: &mut Vec<AnnotationId>) {
    match edit {
        Edit::Remove { id } => out.push(*id),
        Edit::Batch(edits) => edits.iter().for_each(|e| removed_ids(e, out)),
        _ => {}
    }
}

/// Why an annotator name cannot be written under: a folder name that would leave
/// `annotations/` (e.g. `../x`) opens everything read-only rather than ever writing there.
fn bad_annotator_name(annotator: &str) -> Option<String> {
    super::check_annotator_name(annotator)
        .err()
        .map(|why| format!("{why}; choose another name"))
}

/// Each document's annotations as `annotator`'s file holds them, read on every core (most of
/// opening a big project), `next` asked before each: its error ends the reading.
fn read_states<E: Send>(
    project: &Project,
    annotator: &str,
    next: impl Fn() -> Result<(), E> + Sync,
) -> Result<Vec<DocState>, E> {
    let bad_name = bad_annotator_name(annotator);
    let empty = |status| DocState {
        store: AnnotationStore::new(),
        status,
        changed: None,
        saved_revision: 0,
        disk: disk::Synced::default(),
    };
    project
        .documents
        .par_iter()
        .map(|slot| {
            next()?;
            Ok(match (&slot.document, &bad_name) {
                (Err(e), _) => empty(StoreStatus::NoDocument(e.to_string())),
                (Ok(_), Some(why)) => empty(StoreStatus::Locked(why.clone())),
                (Ok(doc), None) => load_state(
                    &project.dir,
                    &project.annotation_path(annotator, slot.file()),
                    doc,
                ),
            })
        })
        .collect()
}

fn load_groups(dir: &ProjectDir, path: &Path) -> GroupState {
    let (loaded, disk) = disk::read_links(dir, path);
    match loaded {
        Ok(file) => {
            let store = file.map_or_else(GroupStore::new, GroupStore::from_file);
            GroupState {
                saved_revision: store.revision(),
                store,
                status: StoreStatus::Editable,
                disk,
            }
        }
        Err(e) => {
            log::error!("{e}");
            GroupState {
                store: GroupStore::new(),
                status: disk::unreadable_status(&e),
                saved_revision: 0,
                disk,
            }
        }
    }
}

fn load_state(dir: &ProjectDir, path: &Path, doc: &Document) -> DocState {
    let (loaded, disk) = disk::read_annotations(dir, path);
    let (store, status, changed) = disk::open_store(loaded, doc);
    DocState {
        saved_revision: store.revision(),
        store,
        status,
        changed,
        disk,
    }
}

/// A step's changes in the order they are applied: other annotators' files first (the change
/// most likely to be refused, by a lock someone holds, so a refusal finds nothing written),
/// then the label set, then the rest; each group in its order.
fn schema_first(changes: &[Change]) -> impl Iterator<Item = &Change> {
    let others = |c: &&Change| matches!(c, Change::Others(_));
    let schema = |c: &&Change| matches!(c, Change::Schema(_));
    changes
        .iter()
        .filter(others)
        .chain(changes.iter().filter(schema))
        .chain(changes.iter().filter(move |c| !others(c) && !schema(c)))
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
            source: None,
        }
    }

    /// A rejection is written at once and undone like an edit; rejecting the same suggestion
    /// twice and undoing once keeps it rejected.
    #[test]
    fn rejections_are_undone_as_steps_and_kept_when_made_twice() {
        use crate::project::rejections::Rejection;
        let (dir, mut ws) = workspace();
        let rejection = Rejection {
            document: "a.txt".into(),
            start: 0,
            end: 9,
            label: "COUNTRY".into(),
            text: "Қазақстан".into(),
            suggester: crate::model::Suggester::Project,
        };
        let reject = || {
            Step(vec![Change::Rejections(RejectionEdit {
                add: vec![rejection.clone()],
                remove: Vec::new(),
            })])
        };
        let on_disk = || {
            crate::project::rejections::RejectionsFile::load(
                &ProjectDir::new(dir.path()).unwrap(),
                "alice",
            )
            .unwrap()
            .rejected
            .len()
        };
        ws.apply(reject()).unwrap();
        assert_eq!(on_disk(), 1);
        ws.apply(reject()).unwrap();
        assert!(ws.undo().unwrap());
        assert_eq!(
            ws.rejections().rejected.len(),
            1,
            "the first rejection stays"
        );
        assert_eq!(on_disk(), 1);
        assert!(ws.undo().unwrap());
        assert!(ws.rejections().rejected.is_empty());
        assert_eq!(on_disk(), 0);
        assert!(ws.redo().unwrap());
        assert_eq!(on_disk(), 1);
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

    #[test]
    fn groups_link_across_documents_follow_deletions_and_undo_and_save() {
        let (dir, mut ws) = workspace();
        let (a, b) = (DocId(0), DocId(1));
        ws.apply(vec![(a, add("COUNTRY", 0, 9)), (b, add("COUNTRY", 0, 9))])
            .unwrap();
        let (ka, kb) = ((a, AnnotationId(1)), (b, AnnotationId(1)));
        let link = ws.link_step(ka, kb, "same_entity").unwrap();
        ws.apply(link).unwrap();
        assert!(
            ws.link_step(kb, ka, "same_entity").is_none(),
            "already linked"
        );
        assert_eq!(ws.groups().store.groups().len(), 1);
        assert_eq!(ws.ties(a, AnnotationId(1)).groups, 1);

        // A label the group cannot hold is refused; deleting a member takes the group (two
        // members) with it, and one undo brings both back.
        let relabel = Edit::Relabel {
            id: AnnotationId(1),
            label: "EVENT".into(),
        };
        assert!(matches!(
            ws.apply(vec![(a, relabel)]),
            Err(WorkspaceError::Group(GroupError::LabelNotAllowed { .. }))
        ));
        ws.apply(vec![(
            a,
            Edit::Remove {
                id: AnnotationId(1),
            },
        )])
        .unwrap();
        assert!(ws.groups().store.is_empty());
        assert!(ws.undo().unwrap());
        assert_eq!(ws.groups().store.groups().len(), 1);
        assert!(ws.store(a).get(AnnotationId(1)).is_some());

        // Saving writes the link file next to the annotation files, and it reloads.
        let saved: Vec<WorkspaceFile> = ws
            .save_all()
            .into_iter()
            .map(|(f, r)| {
                r.unwrap();
                f
            })
            .collect();
        assert!(saved.contains(&WorkspaceFile::Groups));
        assert!(!ws.is_dirty());
        let again = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
        assert_eq!(
            again.groups().store.to_file("alice"),
            ws.groups().store.to_file("alice")
        );
    }

    #[test]
    fn an_unreadable_link_file_is_never_written() {
        let (dir, _) = workspace();
        let path = dir.path().join("links/alice.ron");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "(format: 1, broken").unwrap();
        let mut ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
        assert!(matches!(ws.groups().status, StoreStatus::Locked(_)));
        let (a, b) = (DocId(0), DocId(1));
        ws.apply(vec![(a, add("COUNTRY", 0, 9)), (b, add("COUNTRY", 0, 9))])
            .unwrap();
        let link = ws
            .link_step((a, AnnotationId(1)), (b, AnnotationId(1)), "same_entity")
            .unwrap();
        assert!(matches!(ws.apply(link), Err(WorkspaceError::Locked { .. })));
        for (_, r) in ws.save_all() {
            r.unwrap();
        }
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "(format: 1, broken"
        );
    }
}
