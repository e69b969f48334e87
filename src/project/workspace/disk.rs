//! Annotation and link files changed on disk while the workspace has them open (a git pull, a
//! colleague, Accord on a second machine).
//!
//! - **Noticing.** [`crate::project::DiskWatch`] names the files that may have changed (file
//!   system events) and [`Workspace::disk_changes`] checks those; [`Workspace::check_disk`]
//!   checks every file (the polling fallback: one `stat` per file, a read only for a file whose
//!   stat changed). Each file's [`Fingerprint`] is taken when it is loaded or saved, so our
//!   own saves, and events about files whose bytes did not change, are not changes.
//! - **Deciding.** Nothing unsaved here: the file is loaded again ([`DiskEvent::Reloaded`]; a
//!   deleted file gives an empty store). Unsaved changes here: a conflict
//!   ([`DiskEvent::Conflict`]) that the user resolves with a [`Resolution`]; until then saving
//!   that file is refused ([`StoreError::ChangedOnDisk`]), and saving checks the disk itself
//!   first, so a change no watcher reported is caught too. A file that no longer reads (bad
//!   RON, a newer format) makes its annotations read-only ([`DiskEvent::Unreadable`]); they
//!   stay as they were here and nothing is written to the file until it reads again.
//! - **Undo.** A reload or merge replaces a store outside the history, so the history forgets
//!   the newest step touching that file and every older step ([`History::forget_through`]):
//!   an undo can never bring back the state that was replaced. Newer steps, on other files,
//!   stay undoable.
//! - **Merging** is by id against the file as last loaded or saved here (kept as text for
//!   that): see [`crate::store::merge`] for annotations and links; groups are merged the same
//!   way here, then kept to the rules (two members at least, one group of a kind per
//!   annotation, members that exist).
//!
//! [`History::forget_through`]: crate::edit::History::forget_through

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::journal::{OnDisk, StepKind};
use super::{
    Change, DocState, GroupEdit, GroupState, GroupStore, StoreStatus, Workspace, WorkspaceError,
    WorkspaceFile,
};
use crate::model::{Annotation, AnnotationId, CrossGroup, CrossMember, Document};
use crate::project::merge_file;
use crate::project::{CrossLinkFile, DocId, DocumentChange};
use crate::project_dir::ProjectDir;
use crate::store::file::CURRENT_FORMAT;
use crate::store::fingerprint::{self, Check, Fingerprint, ReadFile};
use crate::store::merge::{self, MergeReport};
use crate::store::{AnnotationFile, AnnotationStore, LoadedFile, StoreError};

/// What the workspace last read from or wrote to one of its files.
#[derive(Debug, Default)]
pub(super) struct Synced {
    /// The file as last loaded, saved or accepted here; `None`: there was no file.
    fingerprint: Option<Fingerprint>,
    /// Its text then, when it read: the base of a three-way merge (`None`: empty).
    base: Option<String>,
    /// A change on disk the user has not resolved yet.
    conflict: Option<Conflict>,
    /// The file on disk did not read at the last check (the status says why).
    unreadable: bool,
}

impl Synced {
    /// What was just written: the file's fingerprint and text.
    pub(super) fn saved(&mut self, fingerprint: Fingerprint, text: String) {
        self.fingerprint = Some(fingerprint);
        self.base = Some(text);
        self.conflict = None;
        self.unreadable = false;
    }
}

/// The file on disk, changed while there were unsaved changes here.
#[derive(Debug)]
struct Conflict {
    /// The file now (`None`: deleted).
    disk: Option<Fingerprint>,
    /// Its text (`None`: deleted).
    text: Option<String>,
    /// What differs, as a merge would take it.
    differences: MergeReport,
}

/// A change on disk to one of the workspace's files, and what the workspace did about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiskEvent {
    /// There was nothing unsaved here, so the file was loaded again (a deleted file leaves no
    /// annotations, or no groups). Undo no longer reaches past the last change to it.
    Reloaded {
        /// Which file.
        file: WorkspaceFile,
    },
    /// The file changed on disk and there are unsaved changes to it here. Nothing changed in
    /// memory; saving the file is refused until [`Workspace::resolve`] is called with the
    /// user's choice.
    Conflict {
        /// Which file.
        file: WorkspaceFile,
        /// True when the file was deleted on disk.
        deleted: bool,
        /// What differs: `taken` are the changes on disk, `kept` those here, `both` the
        /// items changed on both sides — as [`Resolution::Merge`] would take them.
        differences: MergeReport,
    },
    /// The file on disk cannot be read (not valid RON, a newer format, …). What is here stays
    /// as it was, read-only, and nothing is written to the file until it reads again.
    Unreadable {
        /// Which file.
        file: WorkspaceFile,
        /// Why, and what to do.
        reason: String,
    },
    /// The file on disk is again as it was last loaded or saved here: the conflict, or the
    /// unreadable state, is over; the unsaved changes here are as they were.
    Reverted {
        /// Which file.
        file: WorkspaceFile,
    },
}

/// How the user resolves a conflict between a file changed on disk and the unsaved changes
/// to it here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// Drop the changes here and load the file from disk.
    Reload,
    /// Keep the version here; the next save overwrites the file on disk, as the user chose.
    KeepMine,
    /// Merge by id: what only the file on disk changed is taken, what only this side changed
    /// is kept, and where both changed an item differently, this side's version wins (listed
    /// in the report). The result is unsaved.
    Merge,
}

/// Why the file reads as it does: how [`super::load_state`] and reloads see a file.
pub(super) type Read<T> = (Result<Option<T>, StoreError>, Synced);

/// Reads an annotation file once: the store, and the fingerprint and text for later checks.
pub(super) fn read_annotations(dir: &ProjectDir, path: &Path) -> Read<LoadedFile> {
    read_with(dir, path, AnnotationFile::parse_store)
}

/// Reads a cross-document link file once, like [`read_annotations`].
pub(super) fn read_links(dir: &ProjectDir, path: &Path) -> Read<CrossLinkFile> {
    read_with(dir, path, CrossLinkFile::parse)
}

fn read_with<T>(
    dir: &ProjectDir,
    path: &Path,
    parse: impl Fn(&str, &Path) -> Result<T, StoreError>,
) -> Read<T> {
    match fingerprint::read(dir, path) {
        Ok(None) => (Ok(None), Synced::default()),
        Ok(Some(file)) => parse_read(path, Some(file), parse),
        Err(e) => {
            let synced = Synced {
                fingerprint: stat_only(path),
                unreadable: true,
                ..Synced::default()
            };
            (Err(e), synced)
        }
    }
}

/// A fingerprint of a file that cannot be read: its stat, so that it is looked at again only
/// once the stat changes.
fn stat_only(path: &Path) -> Option<Fingerprint> {
    std::fs::metadata(path)
        .ok()
        .map(|m| Fingerprint::new(fingerprint::Stat::of(&m), [0; 32]))
}

/// Parses a file as read (`None`: absent).
fn parse_read<T>(
    path: &Path,
    file: Option<ReadFile>,
    parse: impl Fn(&str, &Path) -> Result<T, StoreError>,
) -> Read<T> {
    let Some(file) = file else {
        return (Ok(None), Synced::default());
    };
    let mut synced = Synced {
        fingerprint: Some(file.fingerprint.clone()),
        unreadable: true,
        ..Synced::default()
    };
    let parsed = file.into_text(path).and_then(|text| {
        let value = parse(&text, path)?;
        synced.base = Some(text);
        synced.unreadable = false;
        Ok(Some(value))
    });
    (parsed, synced)
}

/// The status of a file that cannot be read.
pub(super) fn unreadable_status(e: &StoreError) -> StoreStatus {
    StoreStatus::Locked(format!(
        "{e}. Nothing will be written to this file until it loads."
    ))
}

/// A document's store, status and change from how its annotation file read.
pub(super) fn open_store(
    loaded: Result<Option<LoadedFile>, StoreError>,
    doc: &Document,
) -> (AnnotationStore, StoreStatus, Option<DocumentChange>) {
    match loaded {
        Ok(None) => (AnnotationStore::new(), StoreStatus::Editable, None),
        Ok(Some(file)) => {
            // A changed document opens editable: its annotations keep their stored text, the
            // ones that no longer match are flagged, and re-anchoring moves them.
            let changed = (!file.document.matches(doc)).then(|| {
                let change = DocumentChange::new(&file.document, doc, &file.store);
                log::warn!("{change}");
                change
            });
            (file.store, StoreStatus::Editable, changed)
        }
        Err(e) => {
            log::error!("{e}");
            (AnnotationStore::new(), unreadable_status(&e), None)
        }
    }
}

/// True when `edit` names a member of document `file`.
fn mentions(edit: &GroupEdit, file: &str) -> bool {
    let is = |m: &CrossMember| m.document == file;
    match edit {
        GroupEdit::Create { members, .. } => members.iter().any(is),
        GroupEdit::Put(group) => group.members.iter().any(is),
        GroupEdit::AddMember { member, .. } | GroupEdit::RemoveMember { member, .. } => is(member),
        GroupEdit::Remove { .. } | GroupEdit::SetNote { .. } => false,
    }
}

/// A link file's text, as [`GroupStore`] reads it (ids and counter made consistent); `None`
/// is an empty file of `annotator`.
fn links_of(text: Option<&str>, path: &Path, annotator: &str) -> Result<CrossLinkFile, StoreError> {
    Ok(match text {
        Some(text) => GroupStore::from_file(CrossLinkFile::parse(text, path)?).to_file(annotator),
        None => CrossLinkFile::new(annotator),
    })
}

/// A file's text parsed into a store; `None` is empty.
fn store_of(text: Option<&str>, path: &Path) -> Result<LoadedFileOrEmpty, StoreError> {
    Ok(match text {
        Some(text) => {
            let file = AnnotationFile::parse_store(text, path)?;
            (file.store, Some(file.document))
        }
        None => (AnnotationStore::new(), None),
    })
}

type LoadedFileOrEmpty = (AnnotationStore, Option<crate::store::DocumentStamp>);

impl Workspace {
    /// Where a file of the workspace is on disk.
    pub fn file_path(&self, file: WorkspaceFile) -> PathBuf {
        match file {
            WorkspaceFile::Doc(doc) => self
                .project
                .annotation_path(&self.annotator, self.file_name(doc)),
            WorkspaceFile::Groups => self.project.links_path(&self.annotator),
        }
    }

    /// Starts watching this workspace's files for changes made by others: pass what
    /// [`crate::project::DiskWatch::poll`] returns to [`Self::disk_changes`].
    pub fn watch(&self) -> Result<crate::project::DiskWatch, crate::project::DiskWatchError> {
        crate::project::DiskWatch::new(&self.project.root, &self.annotator)
    }

    /// Checks every file of the workspace against the disk: the polling fallback for when
    /// there is no watcher, or as a safety net every few seconds. One `stat` per file; a file
    /// is read and hashed only when its size, time or inode changed. Returns what happened,
    /// including changes found by saves since the last check.
    pub fn check_disk(&mut self) -> Vec<DiskEvent> {
        let files = self.tracked_files();
        self.check_files(files)
    }

    /// [`Self::check_disk`] a part at a time: checks the next `at_most` files from where the
    /// last call stopped, so that a window spreads the check of a big project's every file
    /// over frames (one `stat` is a few microseconds; 10,000 files at once were a frame of
    /// 70 ms every few seconds). Returns what happened, and true when this call ended a round
    /// of every file.
    pub fn check_disk_some(&mut self, at_most: usize) -> (Vec<DiskEvent>, bool) {
        let slots = self.tracked_slots();
        let start = self.disk_sweep.min(slots);
        let end = start.saturating_add(at_most.max(1)).min(slots);
        let files = (start..end).filter_map(|i| self.tracked_file(i)).collect();
        let round_done = end == slots;
        self.disk_sweep = if round_done { 0 } else { end };
        (self.check_files(files), round_done)
    }

    /// Checks the files at or under `paths` (from [`crate::project::DiskWatch::poll`]), like
    /// [`Self::check_disk`]. A folder checks every file in it. Paths of other files are
    /// ignored.
    pub fn disk_changes(&mut self, paths: &[PathBuf]) -> Vec<DiskEvent> {
        // A file's path names its document: looked up, not compared with every file's path
        // (a save of ours is an event; a pull that changed thousands of files in a big
        // project compared every path with every file, for seconds).
        let mut slots = Vec::new();
        let mut folders = std::collections::HashSet::new();
        for path in paths {
            match self.tracked_slot_at(path) {
                Some(slot) => slots.push(slot),
                None => drop(folders.insert(path.as_path())),
            }
        }
        if !folders.is_empty() {
            // A folder (or anything else): every file under it, each file's folders looked
            // up among those given.
            slots.extend((0..self.tracked_slots()).filter(|i| {
                self.tracked_file(*i)
                    .is_some_and(|f| self.file_path(f).ancestors().any(|p| folders.contains(p)))
            }));
        }
        slots.sort_unstable();
        slots.dedup();
        let files = slots
            .into_iter()
            .filter_map(|i| self.tracked_file(i))
            .collect();
        self.check_files(files)
    }

    /// The place (see [`Self::tracked_file`]) of the file at `path`, when `path` is the
    /// annotation file of a document or the group file, spelled as [`Self::file_path`] does.
    fn tracked_slot_at(&self, path: &Path) -> Option<usize> {
        let slot = if path == self.project.links_path(&self.annotator) {
            self.len()
        } else {
            let folder = self
                .project
                .root
                .join(super::super::ANNOTATIONS_DIR)
                .join(&self.annotator);
            let relative = path.strip_prefix(folder).ok()?;
            let parts: Option<Vec<&str>> = relative
                .components()
                .map(|c| c.as_os_str().to_str())
                .collect();
            let name = parts?.join("/");
            self.project.document_index(name.strip_suffix(".ron")?)?.0
        };
        let file = self.tracked_file(slot)?;
        (self.file_path(file) == path).then_some(slot)
    }

    /// The differences of a file in conflict with its version on disk, while unresolved.
    pub fn conflict(&self, file: WorkspaceFile) -> Option<&MergeReport> {
        self.synced(file)?.conflict.as_ref().map(|c| &c.differences)
    }

    /// The files in conflict with their version on disk.
    pub fn conflicts(&self) -> Vec<WorkspaceFile> {
        self.tracked_files()
            .into_iter()
            .filter(|f| self.conflict(*f).is_some())
            .collect()
    }

    /// Resolves the conflict on `file` as the user chose. Returns what a merge took from where
    /// (empty for a reload or keeping mine). An error when the file has no conflict.
    pub fn resolve(
        &mut self,
        file: WorkspaceFile,
        how: Resolution,
    ) -> Result<MergeReport, WorkspaceError> {
        let path = self.file_path(file);
        let Some(conflict) = self.synced_mut(file).and_then(|s| s.conflict.take()) else {
            return Err(WorkspaceError::NoConflict {
                document: self.describe(file),
            });
        };
        match how {
            Resolution::Reload => {
                let read = self.reread(file, &path, conflict.disk, conflict.text);
                if let Some(DiskEvent::Unreadable { reason, .. }) = read {
                    log::error!("{reason}");
                }
                Ok(MergeReport::default())
            }
            Resolution::KeepMine => {
                // The choice survives a crash before the next save: the journal gets what
                // differs here from the file on disk.
                if let Err(e) = self.journal_taken_from_disk(
                    file,
                    StepKind::KeptMine,
                    &path,
                    conflict.text.as_deref(),
                    None,
                ) {
                    if let Some(s) = self.synced_mut(file) {
                        s.conflict = Some(conflict);
                    }
                    return Err(e);
                }
                self.accept_disk(file, conflict.disk, conflict.text);
                match file {
                    WorkspaceFile::Doc(doc) => {
                        let state = &mut self.docs[doc.0];
                        let revision = state.store.revision();
                        state.store.continue_revision(revision);
                    }
                    WorkspaceFile::Groups => {
                        let revision = self.groups.store.revision();
                        self.groups.store.continue_revision(revision);
                    }
                }
                log::info!(
                    "{}: keeping the version here over the one on disk",
                    path.display()
                );
                Ok(MergeReport::default())
            }
            Resolution::Merge => {
                // What is here, to take back a merge the journal cannot record.
                let mine = match file {
                    WorkspaceFile::Doc(doc) => {
                        let state = &self.docs[doc.0];
                        Some((doc, state.store.clone(), state.changed.clone()))
                    }
                    WorkspaceFile::Groups => None,
                };
                let groups_before = self.groups.store.clone();
                let merged = match file {
                    WorkspaceFile::Doc(doc) => self.merge_doc(doc, &path, &conflict),
                    WorkspaceFile::Groups => self.merge_groups(&path, &conflict),
                };
                let merged = merged.map_err(WorkspaceError::from).and_then(|report| {
                    self.journal_taken_from_disk(
                        file,
                        StepKind::Merged,
                        &path,
                        conflict.text.as_deref(),
                        Some(&groups_before),
                    )?;
                    Ok(report)
                });
                match merged {
                    Ok(report) => {
                        self.accept_disk(file, conflict.disk, conflict.text);
                        self.forget_history(file);
                        self.changed();
                        log::info!("{}: merged with the file on disk: {report}", path.display());
                        Ok(report)
                    }
                    Err(e) => {
                        // Nothing changed: the conflict stays.
                        if let Some((doc, store, changed)) = mine {
                            let state = &mut self.docs[doc.0];
                            state.store = store;
                            state.changed = changed;
                        }
                        self.groups.store = groups_before;
                        if let Some(s) = self.synced_mut(file) {
                            s.conflict = Some(conflict);
                        }
                        Err(e)
                    }
                }
            }
        }
    }

    /// Before a save of `file`: refuses while it is in conflict, and checks the disk, so that
    /// a change no watcher reported is never overwritten. `Ok(false)`: nothing to write (the
    /// file was reloaded, or no longer reads). When what is on disk cannot even be looked at
    /// (a folder where the file should be), the save goes ahead and its write says why it
    /// fails.
    pub(super) fn before_save(&mut self, file: WorkspaceFile) -> Result<bool, StoreError> {
        let path = self.file_path(file);
        let refused = || StoreError::ChangedOnDisk { path: path.clone() };
        if self.conflict(file).is_some() {
            return Err(refused());
        }
        let Ok(check) = fingerprint::check(&self.project.dir, &path, self.known(file)) else {
            return Ok(true);
        };
        if let Some(event) = self.act_on(file, &path, Ok(check)) {
            let write = matches!(event, DiskEvent::Reverted { .. });
            let conflict = matches!(event, DiskEvent::Conflict { .. });
            self.disk_events.push(event);
            if conflict {
                return Err(refused());
            }
            return Ok(write);
        }
        Ok(true)
    }

    /// The files a check looks at: the annotation file of each document that opened, and
    /// the link file — unless the annotator's name is refused, when nothing is ever read.
    fn tracked_files(&self) -> Vec<WorkspaceFile> {
        (0..self.tracked_slots())
            .filter_map(|i| self.tracked_file(i))
            .collect()
    }

    /// How many places [`Self::tracked_file`] has: every document's, then the group file's.
    fn tracked_slots(&self) -> usize {
        self.len() + 1
    }

    /// The file at place `i` of the files this workspace keeps in step with the disk: the
    /// annotation file of the `i`-th document (none for a document that did not open), then
    /// the group file; none at all for an annotator whose name is not a folder name.
    fn tracked_file(&self, i: usize) -> Option<WorkspaceFile> {
        if super::super::check_annotator_name(&self.annotator).is_err() {
            return None;
        }
        if i < self.len() {
            let doc = DocId(i);
            self.document(doc).map(|_| WorkspaceFile::Doc(doc))
        } else {
            (i == self.len()).then_some(WorkspaceFile::Groups)
        }
    }

    fn synced(&self, file: WorkspaceFile) -> Option<&Synced> {
        match file {
            WorkspaceFile::Doc(doc) => self.docs.get(doc.0).map(|d| &d.disk),
            WorkspaceFile::Groups => Some(&self.groups.disk),
        }
    }

    fn synced_mut(&mut self, file: WorkspaceFile) -> Option<&mut Synced> {
        match file {
            WorkspaceFile::Doc(doc) => self.docs.get_mut(doc.0).map(|d| &mut d.disk),
            WorkspaceFile::Groups => Some(&mut self.groups.disk),
        }
    }

    fn status_mut(&mut self, file: WorkspaceFile) -> Option<&mut StoreStatus> {
        match file {
            WorkspaceFile::Doc(doc) => self.docs.get_mut(doc.0).map(|d| &mut d.status),
            WorkspaceFile::Groups => Some(&mut self.groups.status),
        }
    }

    fn is_file_dirty(&self, file: WorkspaceFile) -> bool {
        match file {
            WorkspaceFile::Doc(doc) => self.docs.get(doc.0).is_some_and(DocState::is_dirty),
            WorkspaceFile::Groups => self.groups.is_dirty(),
        }
    }

    fn describe(&self, file: WorkspaceFile) -> String {
        let path = self.file_path(file);
        path.strip_prefix(&self.project.root)
            .unwrap_or(&path)
            .display()
            .to_string()
    }

    /// The status of a file that reads: editable while this workspace holds the lock.
    fn readable_status(&self) -> StoreStatus {
        match &self.lock {
            Ok(_) => StoreStatus::Editable,
            Err(e) => StoreStatus::Locked(e.to_string()),
        }
    }

    fn check_files(&mut self, files: Vec<WorkspaceFile>) -> Vec<DiskEvent> {
        let mut events = std::mem::take(&mut self.disk_events);
        for file in files {
            events.extend(self.check_file(file));
        }
        events
    }

    /// What the file on disk was last seen as: the version in conflict, else the one last
    /// loaded or saved.
    fn known(&self, file: WorkspaceFile) -> Option<&Fingerprint> {
        let synced = self.synced(file)?;
        match &synced.conflict {
            Some(c) => c.disk.as_ref(),
            None => synced.fingerprint.as_ref(),
        }
    }

    /// Compares one file with the disk and acts on a change.
    fn check_file(&mut self, file: WorkspaceFile) -> Option<DiskEvent> {
        let path = self.file_path(file);
        let check = fingerprint::check(&self.project.dir, &path, self.known(file));
        self.act_on(file, &path, check)
    }

    /// Acts on how the file compares with the disk.
    fn act_on(
        &mut self,
        file: WorkspaceFile,
        path: &Path,
        check: Result<Check, StoreError>,
    ) -> Option<DiskEvent> {
        match check {
            Ok(Check::Same) => None,
            Ok(Check::Touched(now)) => {
                let synced = self.synced_mut(file)?;
                match &mut synced.conflict {
                    Some(c) => c.disk = Some(now),
                    None => synced.fingerprint = Some(now),
                }
                None
            }
            Ok(Check::Changed(now)) => self.changed_on_disk(file, path, now),
            Err(e) => self.unreadable(file, &e, stat_only(path)),
        }
    }

    /// The file on disk is `now` (`None`: deleted), not what was last loaded or saved.
    fn changed_on_disk(
        &mut self,
        file: WorkspaceFile,
        path: &Path,
        now: Option<ReadFile>,
    ) -> Option<DiskEvent> {
        let disk = now.as_ref().map(|f| f.fingerprint.clone());
        let text = match now.map(|f| f.into_text(path)).transpose() {
            Ok(text) => text,
            Err(e) => return self.unreadable(file, &e, disk),
        };
        // Does it read?
        let reads = match (file, &text) {
            (_, None) => Ok(()),
            (WorkspaceFile::Doc(_), Some(t)) => AnnotationFile::parse_store(t, path).map(drop),
            (WorkspaceFile::Groups, Some(t)) => CrossLinkFile::parse(t, path).map(drop),
        };
        if let Err(e) = reads {
            return self.unreadable(file, &e, disk);
        }
        let synced = self.synced(file)?;
        let was = synced.conflict.is_some() || synced.unreadable;
        // Back to what was loaded or saved here: nothing to decide.
        if text.as_deref() == synced.base.as_deref()
            && (text.is_some() || synced.fingerprint.is_none())
        {
            let status = self.readable_status();
            let synced = self.synced_mut(file)?;
            synced.conflict = None;
            synced.unreadable = false;
            synced.fingerprint = disk;
            if let Some(s) = self.status_mut(file) {
                *s = status;
            }
            return was.then_some(DiskEvent::Reverted { file });
        }
        if !self.is_file_dirty(file) {
            return self.reread(file, path, disk, text);
        }
        let deleted = text.is_none();
        let conflict = Conflict {
            disk,
            text,
            differences: MergeReport::default(),
        };
        let differences = match file {
            WorkspaceFile::Doc(doc) => self.preview_doc(doc, path, &conflict),
            WorkspaceFile::Groups => self.preview_groups(path, &conflict),
        };
        let differences = match differences {
            Ok(d) => d,
            Err(e) => return self.unreadable(file, &e, conflict.disk),
        };
        log::warn!(
            "{} changed on disk while there are unsaved changes to it here: {differences}",
            path.display()
        );
        let status = self.readable_status();
        if let Some(s) = self.status_mut(file) {
            *s = status;
        }
        self.synced_mut(file)?.conflict = Some(Conflict {
            differences: differences.clone(),
            ..conflict
        });
        Some(DiskEvent::Conflict {
            file,
            deleted,
            differences,
        })
    }

    /// The file no longer reads: what is here stays, read-only, until it does.
    fn unreadable(
        &mut self,
        file: WorkspaceFile,
        e: &StoreError,
        disk: Option<Fingerprint>,
    ) -> Option<DiskEvent> {
        let status = unreadable_status(e);
        let synced = self.synced_mut(file)?;
        synced.conflict = None;
        synced.unreadable = true;
        synced.fingerprint = disk;
        let old = self.status_mut(file)?;
        if *old == status {
            return None;
        }
        log::error!("{e}");
        let reason = match &status {
            StoreStatus::Locked(reason) => reason.clone(),
            _ => e.to_string(),
        };
        *old = status;
        self.changed();
        Some(DiskEvent::Unreadable { file, reason })
    }

    /// Loads the file again from `text` (as read, with fingerprint `disk`; `None`: deleted),
    /// dropping what is here.
    fn reread(
        &mut self,
        file: WorkspaceFile,
        path: &Path,
        disk: Option<Fingerprint>,
        text: Option<String>,
    ) -> Option<DiskEvent> {
        let status = self.readable_status();
        match file {
            WorkspaceFile::Doc(doc) => {
                let loaded = match &text {
                    Some(t) => AnnotationFile::parse_store(t, path).map(Some),
                    None => Ok(None),
                };
                if let Err(e) = &loaded {
                    return self.unreadable(file, e, disk);
                }
                let document = self.project.slot(doc).and_then(|s| s.doc())?;
                let (mut store, _, changed) = open_store(loaded, document);
                let state = &mut self.docs[doc.0];
                store.continue_revision(state.store.revision());
                state.saved_revision = store.revision();
                state.store = store;
                state.changed = changed;
                state.status = status;
            }
            WorkspaceFile::Groups => {
                let loaded = match &text {
                    Some(t) => CrossLinkFile::parse(t, path),
                    None => Ok(CrossLinkFile::new(&self.annotator)),
                };
                let file_groups = match loaded {
                    Ok(f) => f,
                    Err(e) => return self.unreadable(file, &e, disk),
                };
                let mut store = GroupStore::from_file(file_groups);
                store.continue_revision(self.groups.store.revision());
                self.groups = GroupState {
                    saved_revision: store.revision(),
                    store,
                    status,
                    disk: Synced::default(),
                };
            }
        }
        self.accept_disk(file, disk, text);
        self.forget_history(file);
        self.changed();
        // Replay must not check the journal's older edits of the file against the new version
        // (they were saved before it changed, or dropped by the annotator's choice).
        if let Err(e) = self.journal_taken_from_disk(file, StepKind::Reloaded, path, None, None) {
            log::error!("{e}");
        }
        self.fold_journal_if_saved();
        log::info!("{} changed on disk: loaded again", path.display());
        Some(DiskEvent::Reloaded { file })
    }

    /// Records in the journal that `file` was taken from disk: by a reload (what is here is
    /// the file), or by keeping or merging the version here over the file's text on disk,
    /// `disk_text` (`None`: the file is gone). `groups_before`: the groups before a merge,
    /// which may rename group members.
    fn journal_taken_from_disk(
        &mut self,
        file: WorkspaceFile,
        kind: StepKind,
        path: &Path,
        disk_text: Option<&str>,
        groups_before: Option<&GroupStore>,
    ) -> Result<(), WorkspaceError> {
        if kind == StepKind::Reloaded {
            return Ok(self.journal_from_disk(kind, file, &OnDisk::AsHere, groups_before)?);
        }
        match file {
            WorkspaceFile::Doc(_) => {
                let (theirs, _) = store_of(disk_text, path)?;
                let on_disk = OnDisk::Annotations(&theirs);
                Ok(self.journal_from_disk(kind, file, &on_disk, groups_before)?)
            }
            WorkspaceFile::Groups => {
                let theirs = match disk_text {
                    Some(text) => GroupStore::from_file(CrossLinkFile::parse(text, path)?),
                    None => GroupStore::new(),
                };
                let on_disk = OnDisk::Groups(&theirs);
                Ok(self.journal_from_disk(kind, file, &on_disk, groups_before)?)
            }
        }
    }

    /// Takes the file on disk as the one last loaded: later checks compare with it, and it is
    /// the base of later merges.
    fn accept_disk(
        &mut self,
        file: WorkspaceFile,
        disk: Option<Fingerprint>,
        text: Option<String>,
    ) {
        if let Some(synced) = self.synced_mut(file) {
            *synced = Synced {
                fingerprint: disk,
                base: text,
                conflict: None,
                unreadable: false,
            };
        }
    }

    /// Forgets the steps of the history that a new version of `file` makes stale.
    fn forget_history(&mut self, file: WorkspaceFile) {
        let name = match file {
            WorkspaceFile::Doc(doc) => self.file_name(doc).to_owned(),
            WorkspaceFile::Groups => String::new(),
        };
        self.history.forget_through(|step| {
            step.0.iter().any(|change| match (change, file) {
                (Change::Doc(d, _), WorkspaceFile::Doc(f)) => *d == f,
                (Change::Doc(..), WorkspaceFile::Groups) => false,
                (Change::Groups(_), WorkspaceFile::Groups) => true,
                (Change::Groups(edit), WorkspaceFile::Doc(_)) => mentions(edit, &name),
                (Change::Schema(_) | Change::Others(_) | Change::Rejections(_), _) => false,
            })
        });
    }

    /// For each of `docs`, the annotations the link file as last loaded or saved here names
    /// but the store no longer has, at their value in the document's file as last loaded or
    /// saved. Only while the groups are unsaved: once saved, they name none of them (deleting
    /// an annotation takes it out of its groups).
    pub(super) fn named_by_saved_groups(&self, docs: &[DocId]) -> BTreeMap<DocId, Vec<Annotation>> {
        let mut kept = BTreeMap::new();
        if !self.groups.is_dirty() || docs.is_empty() {
            return kept;
        }
        let Some(saved_groups) = self.saved_groups() else {
            return kept;
        };
        for &doc in docs {
            let file = self.file_name(doc);
            let store = &self.docs[doc.0].store;
            let gone: BTreeSet<AnnotationId> = saved_groups
                .values()
                .flat_map(|g| &g.members)
                .filter(|m| m.document == file && store.get(m.annotation).is_none())
                .map(|m| m.annotation)
                .collect();
            if gone.is_empty() {
                continue;
            }
            let path = self.file_path(WorkspaceFile::Doc(doc));
            let Ok((saved, _)) = store_of(self.docs[doc.0].disk.base.as_deref(), &path) else {
                continue;
            };
            let annotations: Vec<Annotation> = gone
                .iter()
                .filter_map(|id| saved.get(*id).cloned())
                .collect();
            if !annotations.is_empty() {
                kept.insert(doc, annotations);
            }
        }
        kept
    }

    /// The first of `unwritten` (documents whose file could not be written) that the unsaved
    /// groups link annotations of, and the link file as last loaded or saved here does not:
    /// the link file waits for it.
    pub(super) fn link_file_waits_for(&self, unwritten: &[DocId]) -> Option<DocId> {
        if !self.groups.is_dirty() || unwritten.is_empty() {
            return None;
        }
        let saved_groups = self.saved_groups();
        let saved: BTreeSet<&CrossMember> = saved_groups
            .iter()
            .flat_map(|groups| groups.values())
            .flat_map(|g| &g.members)
            .collect();
        unwritten.iter().copied().find(|&doc| {
            let file = self.file_name(doc);
            self.groups
                .store
                .groups()
                .flat_map(|g| &g.members)
                .any(|m| m.document == file && !saved.contains(m))
        })
    }

    /// The groups in the link file as last loaded or saved here (`None`: it did not read).
    fn saved_groups(&self) -> Option<BTreeMap<u64, CrossGroup>> {
        let path = self.file_path(WorkspaceFile::Groups);
        let file = links_of(self.groups.disk.base.as_deref(), &path, &self.annotator).ok()?;
        Some(file.groups.into_iter().map(|g| (g.id.0, g)).collect())
    }

    fn three_stores(
        &self,
        doc: DocId,
        path: &Path,
        conflict: &Conflict,
    ) -> Result<(AnnotationStore, LoadedFileOrEmpty), StoreError> {
        let synced = &self.docs[doc.0].disk;
        let (base, _) = store_of(synced.base.as_deref(), path)?;
        let theirs = store_of(conflict.text.as_deref(), path)?;
        Ok((base, theirs))
    }

    fn preview_doc(
        &self,
        doc: DocId,
        path: &Path,
        conflict: &Conflict,
    ) -> Result<MergeReport, StoreError> {
        let (base, (theirs, _)) = self.three_stores(doc, path, conflict)?;
        Ok(merge::merge_stores(&base, &self.docs[doc.0].store, &theirs).report)
    }

    fn merge_doc(
        &mut self,
        doc: DocId,
        path: &Path,
        conflict: &Conflict,
    ) -> Result<MergeReport, StoreError> {
        let (base, (theirs, stamp)) = self.three_stores(doc, path, conflict)?;
        let merged = merge::merge_stores(&base, &self.docs[doc.0].store, &theirs);
        let mut renamed = 0;
        for (old, new) in &merged.renumbered {
            renamed += self
                .groups
                .store
                .rename_member(&self.member(doc, *old), &self.member(doc, *new));
        }
        if renamed > 0 {
            self.forget_history(WorkspaceFile::Groups);
        }
        let document = self.project.slot(doc).and_then(|s| s.doc());
        let state = &mut self.docs[doc.0];
        let mut store = merged.store;
        // Newer than the store it replaces, so it is unsaved (the saved revision is older).
        store.continue_revision(state.store.revision());
        if let Some(document) = document {
            let then = match (&stamp, &state.changed) {
                (Some(s), _) if !s.matches(document) => Some(s.clone()),
                (_, Some(change)) => Some(change.then.clone()),
                _ => None,
            };
            state.changed = then.map(|then| DocumentChange::new(&then, document, &store));
        }
        state.store = store;
        Ok(merged.report)
    }

    fn preview_groups(&self, path: &Path, conflict: &Conflict) -> Result<MergeReport, StoreError> {
        self.merged_groups(path, conflict).map(|(_, report)| report)
    }

    fn merge_groups(
        &mut self,
        path: &Path,
        conflict: &Conflict,
    ) -> Result<MergeReport, StoreError> {
        let (file, report) = self.merged_groups(path, conflict)?;
        let mut store = GroupStore::from_file(file);
        store.continue_revision(self.groups.store.revision());
        self.groups.store = store;
        Ok(report)
    }

    /// The groups merged by id (see the module docs), as a link file, and the report.
    fn merged_groups(
        &self,
        path: &Path,
        conflict: &Conflict,
    ) -> Result<(CrossLinkFile, MergeReport), StoreError> {
        let base = links_of(self.groups.disk.base.as_deref(), path, &self.annotator)?;
        let theirs = links_of(conflict.text.as_deref(), path, &self.annotator)?;
        let mine = self.groups.store.to_file(&self.annotator);
        let (merged, fresh, mut report) = merge_file::merge_groups(&base, &mine, &theirs);
        // Mine first where a rule has to choose between two groups.
        let mut groups: Vec<(bool, CrossGroup)> = merged
            .into_iter()
            .map(|g| (mine.groups.contains(&g), g))
            .collect();
        groups.sort_by_key(|(mine, g)| (!mine, g.id));

        // Members must exist — judged only where this workspace knows the annotations: a
        // document that opened and whose file is not itself in conflict.
        let exists = |m: &CrossMember| -> Option<bool> {
            let doc = self.project.document_index(&m.document)?;
            let state = self.docs.get(doc.0)?;
            let known = self.document(doc).is_some() && state.disk.conflict.is_none();
            known.then(|| state.store.get(m.annotation).is_some())
        };
        let mut taken: BTreeSet<(String, CrossMember)> = BTreeSet::new();
        let mut kept = Vec::new();
        for (_, mut g) in groups {
            let id = g.id;
            g.members.retain(|m| {
                if exists(m) == Some(false) {
                    report.dropped.push(format!(
                        "{} #{} from group #{}: the annotation is gone",
                        m.document, m.annotation.0, id.0
                    ));
                    return false;
                }
                if !taken.insert((g.kind.clone(), m.clone())) {
                    report.dropped.push(format!(
                        "{} #{} from group #{}: it is in another {} group",
                        m.document, m.annotation.0, id.0, g.kind
                    ));
                    return false;
                }
                true
            });
            if g.members.len() < 2 {
                report
                    .dropped
                    .push(format!("group #{}: fewer than two members were left", id.0));
                continue;
            }
            kept.push(g);
        }
        kept.sort_by_key(|g| g.id);
        let file = CrossLinkFile {
            format: CURRENT_FORMAT,
            annotator: self.annotator.clone(),
            next_id: fresh,
            groups: kept,
        };
        Ok((file, report))
    }
}
