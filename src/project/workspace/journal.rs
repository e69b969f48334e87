//! The journal: an annotator's unsaved steps, on disk, so a crash loses nothing shown as done.
//!
//! Every step a [`Workspace`](super::Workspace) applies — an edit, an undo, a redo — is appended to
//! `annotations/.<annotator>.journal` (next to the lock, [`crate::project::lock`]) and flushed to disk
//! (`write`, then `fdatasync`; the folder is synced too when the file is created) before
//! [`Workspace::apply`](super::Workspace::apply), [`Workspace::undo`](super::Workspace::undo) or [`Workspace::redo`](super::Workspace::redo) return `Ok`: the window shows
//! an edit as done only once it survives a crash, a SIGKILL or a power cut. A step that cannot
//! be recorded is taken back in memory and refused ([`JournalError`]).
//!
//! **A record** is one line: the length of its JSON in bytes, the JSON's SHA-256, the JSON.
//!
//! ```text
//! 389 5be0…c1 {"format":1,"kind":"apply","time":"2026-11-23T15:10:00Z","docs":[{"document":{"file":"a.zh.txt","sha256":"9f2c…","chars":2401},"next_id":4,"annotations":[{"id":3,"before":null,"after":{"id":3,"label":"COUNTRY",…}}]}]}
//! ```
//!
//! It holds the step in its applied form: for every annotation, link and cross-document group
//! the step changed, its value before and after (id, fragment texts, author and times as the
//! annotator saw them; `null` for none), and the id counters after the step; documents are
//! named by their file in the project, with the stamp of the text the edit was made on. Replaying puts the values
//! back and computes nothing again, so ids and times are the acknowledged ones. "Label all
//! matches" over thousands of spans is one step: one record, one write, one flush.
//!
//! **A save folds the journal in**: once a save leaves nothing unsaved, the journal is replaced
//! by an empty file through [`crate::project_dir::atomic`]. After a save that wrote only some files the
//! whole journal stays; replaying it is harmless for what was saved (below).
//!
//! **Replay** ([`Workspace::open`](super::Workspace::open), once it holds the lock; `accord recover`) reads the records
//! up to the last whole one: a torn or damaged last record — a write the crash cut short, so an
//! edit never shown as done — is ignored, and cut off before the next record is written. Each
//! record is applied in order, all or nothing. A value is put back where the file has the
//! record's value *before*; where the file already has the value *after* (or the value a later
//! record leaves), that part was saved and stays. So replaying a record twice, or over a file
//! saved after it, changes nothing. Any other value means the file was changed by something
//! else since (a colleague, `git pull`): the record is not applied but reported
//! ([`Recovery::not_applied`]), as is a record for a document that is gone, unreadable or whose
//! text changed. A journal with such records is set aside (renamed, not emptied) at the next
//! save, so nothing the annotator did is thrown away unseen.
//!
//! **Files taken from disk** ([`super::DiskEvent`], [`super::Resolution`]): a file loaded again
//! because it changed on disk while nothing was unsaved here gets a record saying so, and
//! replay does not check what records before it did to that file against it (that was saved
//! before the file changed, or dropped by choice: [`Recovery::superseded`]). Keeping the
//! version here over the changed file, or merging the two, is recorded the same way, with
//! every value that differs from the file on disk as *before* and *after*: a crash before the
//! next save brings the choice back instead of reporting the file as changed by something
//! else.
//!
//! A read-only workspace (the lock is held elsewhere, a bad annotator name) neither reads nor
//! writes the journal, and a workspace whose lock was taken over records nothing more.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{Change, DocState, GroupState, StoreStatus, WorkspaceFile};
use crate::edit::Edit;
use crate::model::{
    Annotation, AnnotationId, CrossGroup, GroupId, Link, LinkId, Timestamp, sha256_hex,
};
use crate::project::groups::GroupStore;
use crate::project::lock::AnnotatorLock;
use crate::project::{DocId, Project};
use crate::store::{AnnotationStore, DocumentStamp};

/// The record format this program writes.
pub const JOURNAL_FORMAT: u32 = 1;

/// The largest journal Accord reads: 256 MiB, as for an annotation file. Saving empties it, and
/// the window saves every 30 seconds.
pub const MAX_JOURNAL_BYTES: u64 = crate::store::file::MAX_FILE_BYTES;

/// Path of `annotator`'s journal in the project at `root`.
pub fn journal_path(root: &Path, annotator: &str) -> PathBuf {
    root.join(crate::project::ANNOTATIONS_DIR)
        .join(format!(".{annotator}.journal"))
}

/// Annotators whose journal in the project at `root` is not empty (what `accord recover` looks
/// at), sorted.
pub fn annotators_with_journal(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join(crate::project::ANNOTATIONS_DIR))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.metadata().is_ok_and(|m| m.is_file() && m.len() > 0))
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_owned();
            let annotator = name.strip_prefix('.')?.strip_suffix(".journal")?;
            crate::project::check_annotator_name(annotator)
                .is_ok()
                .then(|| annotator.to_owned())
        })
        .collect();
    names.sort();
    names
}

/// What kind of step a record is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// An edit ([`Workspace::apply`](super::Workspace::apply)).
    Apply,
    /// An undo.
    Undo,
    /// A redo.
    Redo,
    /// A file changed on disk was loaded again ([`super::DiskEvent::Reloaded`], or
    /// [`super::Resolution::Reload`]): earlier records of it are not replayed.
    Reloaded,
    /// The version here was kept over a file changed on disk ([`super::Resolution::KeepMine`]).
    KeptMine,
    /// The version here was merged with a file changed on disk ([`super::Resolution::Merge`]).
    Merged,
}

impl StepKind {
    /// Lower-case name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Apply => "edit",
            Self::Undo => "undo",
            Self::Redo => "redo",
            Self::Reloaded => "reload from disk",
            Self::KeptMine => "keeping this version over the one on disk",
            Self::Merged => "merge with the file on disk",
        }
    }
}

/// Why a step could not be recorded. The step was taken back: nothing changed.
#[derive(Debug, Error)]
pub enum JournalError {
    /// Writing or flushing the journal failed.
    #[error(
        "cannot record the edit in {path}: {source}; it was not made. Free some disk space or make the folder writable and try again (saving still works for what is done)"
    )]
    Io {
        /// The journal.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// Another Accord took over the annotator's lock: it owns the journal now.
    #[error(
        "the edit was not made: another Accord took over the lock {lock}, and only it may write {path}; close the other Accord and open the project again"
    )]
    LockLost {
        /// The journal.
        path: PathBuf,
        /// The lock file.
        lock: PathBuf,
    },
    /// The step's undo holds an edit that is not the inverse of one (a bug).
    #[error("cannot record the edit in {path}: {detail}; it was not made")]
    Unrecordable {
        /// The journal.
        path: PathBuf,
        /// What was wrong.
        detail: String,
    },
}

// ---------------------------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------------------------

/// One journal line: a step in its applied form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Record {
    /// [`JOURNAL_FORMAT`] when written by this program.
    format: u32,
    kind: StepKind,
    /// When the step was made (the time stamped on what it changed).
    time: Timestamp,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    docs: Vec<DocPart>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    groups: Option<GroupPart>,
}

/// What a step changed in one document's annotations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct DocPart {
    /// The document (by its file as the project names it) and the text the edit was made on.
    document: DocumentStamp,
    /// The store's id counter after the step.
    next_id: u64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    annotations: Vec<Put<AnnotationId, Annotation>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    links: Vec<Put<LinkId, Link>>,
    /// The annotation file was taken from disk at this step (reloaded, or a change on disk
    /// resolved), so what earlier records did to it is not replayed: it was saved before the
    /// file changed, or given up by the annotator's choice. The values are then as the file on
    /// disk had them (before) and as this side has them (after).
    #[serde(default, skip_serializing_if = "is_false")]
    supersedes_earlier: bool,
}

/// What a step changed in the cross-document groups.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct GroupPart {
    /// The groups' id counter after the step.
    next_id: u64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    groups: Vec<Put<GroupId, CrossGroup>>,
    /// As for [`DocPart::supersedes_earlier`], for the link file.
    #[serde(default, skip_serializing_if = "is_false")]
    supersedes_earlier: bool,
}

fn is_false(b: &bool) -> bool {
    !b
}

/// One value a step changed: before and after (`None`: did not exist / no longer exists).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Put<K, V> {
    id: K,
    before: Option<V>,
    after: Option<V>,
}

/// Only the version, read first so a newer record is told apart from a damaged one.
#[derive(Deserialize)]
struct FormatHeader {
    format: u32,
}

impl Record {
    fn new(kind: StepKind, time: &Timestamp) -> Self {
        Self {
            format: JOURNAL_FORMAT,
            kind,
            time: time.clone(),
            docs: Vec::new(),
            groups: None,
        }
    }

    fn is_empty(&self) -> bool {
        self.docs.is_empty() && self.groups.is_none()
    }

    /// The record as one journal line.
    fn to_line(&self) -> Result<Vec<u8>, serde_json::Error> {
        let json = serde_json::to_vec(self)?;
        let mut line = format!("{} {} ", json.len(), sha256_hex(&json)).into_bytes();
        line.reserve(json.len() + 1);
        line.extend_from_slice(&json);
        line.push(b'\n');
        Ok(line)
    }

    /// Names of the files the record changes, for messages.
    fn files(&self, annotator: &str) -> Vec<String> {
        let mut files: Vec<String> = self.docs.iter().map(|d| d.document.file.clone()).collect();
        if self.groups.is_some() {
            files.push(links_name(annotator));
        }
        files
    }
}

fn links_name(annotator: &str) -> String {
    format!("{}/{annotator}.ron", crate::project::LINKS_DIR)
}

/// The annotation and link values a step's inverse says were there before it, per document.
#[derive(Default)]
struct Befores {
    annotations: BTreeMap<AnnotationId, Option<Annotation>>,
    links: BTreeMap<LinkId, Option<Link>>,
}

/// Collects the values `inverse` would put back. The inverse lists the newest change first, so
/// a value met again is older, and the oldest is what was there before the step.
fn collect_befores(inverse: &Edit, into: &mut Befores) -> Result<(), String> {
    match inverse {
        Edit::Put(old) => {
            into.annotations.insert(old.id, Some((**old).clone()));
        }
        Edit::Remove { id } => {
            into.annotations.insert(*id, None);
        }
        Edit::PutLink(old) => {
            into.links.insert(old.id, Some(old.clone()));
        }
        Edit::RemoveLink { id } => {
            into.links.insert(*id, None);
        }
        Edit::Batch(edits) => {
            for edit in edits {
                collect_befores(edit, into)?;
            }
        }
        other => return Err(format!("{other:?} is not the inverse of an edit")),
    }
    Ok(())
}

/// The record of a step just applied: `inverse` is what undoes it, `docs` and `groups` the state
/// after it, `groups_before` the groups before it (when it changed them). Empty when the step
/// changed nothing.
pub(super) fn record_step(
    kind: StepKind,
    time: &Timestamp,
    inverse: &[Change],
    project: &Project,
    docs: &[DocState],
    groups_before: Option<&GroupStore>,
    groups: &GroupStore,
) -> Result<Vec<u8>, String> {
    let mut befores: BTreeMap<DocId, Befores> = BTreeMap::new();
    for change in inverse {
        if let Change::Doc(doc, edit) = change {
            collect_befores(edit, befores.entry(*doc).or_default())?;
        }
    }
    let mut record = Record::new(kind, time);
    for (doc, before) in befores {
        let (document, store) = open_doc(project, docs, doc)?;
        record.docs.push(DocPart {
            document,
            next_id: store.next_id(),
            annotations: changed(before.annotations, |id| store.get(id)),
            links: changed(before.links, |id| store.link(id)),
            supersedes_earlier: false,
        });
    }
    if let Some(old) = groups_before {
        record.groups = group_changes(old, groups);
    }
    if record.is_empty() {
        return Ok(Vec::new());
    }
    record.to_line().map_err(|e| e.to_string())
}

/// What a file of the workspace holds on disk, for the record of taking it from there.
pub(super) enum OnDisk<'a> {
    /// What is here: the file was just loaded.
    AsHere,
    /// These annotations (none when the file is gone).
    Annotations(&'a AnnotationStore),
    /// These groups (none when the file is gone).
    Groups(&'a GroupStore),
}

/// The record of `file` taken from disk (a reload, or a change on disk resolved): replay skips
/// what earlier records did to it, and puts back what differs here from `on_disk`. A merge of
/// annotations may also have renamed group members: `groups_before` is then the groups before.
#[allow(clippy::too_many_arguments)] // the workspace's parts, borrowed apart
pub(super) fn record_from_disk(
    kind: StepKind,
    time: &Timestamp,
    file: WorkspaceFile,
    on_disk: &OnDisk<'_>,
    project: &Project,
    docs: &[DocState],
    groups_before: Option<&GroupStore>,
    groups: &GroupStore,
) -> Result<Vec<u8>, String> {
    let mut record = Record::new(kind, time);
    match file {
        WorkspaceFile::Doc(doc) => {
            let (document, store) = open_doc(project, docs, doc)?;
            let (annotations, links) = match on_disk {
                OnDisk::Annotations(disk) => (
                    differences(
                        disk.annotations().chain(store.annotations()).map(|a| a.id),
                        |id| disk.get(id),
                        |id| store.get(id),
                    ),
                    differences(
                        disk.links().chain(store.links()).map(|l| l.id),
                        |id| disk.link(id),
                        |id| store.link(id),
                    ),
                ),
                OnDisk::AsHere | OnDisk::Groups(_) => (Vec::new(), Vec::new()),
            };
            record.docs.push(DocPart {
                document,
                next_id: store.next_id(),
                annotations,
                links,
                supersedes_earlier: true,
            });
            if let Some(old) = groups_before {
                record.groups = group_changes(old, groups);
            }
        }
        WorkspaceFile::Groups => {
            let puts = match on_disk {
                OnDisk::Groups(disk) => differences(
                    disk.groups().chain(groups.groups()).map(|g| g.id),
                    |id| disk.get(id),
                    |id| groups.get(id),
                ),
                OnDisk::AsHere | OnDisk::Annotations(_) => Vec::new(),
            };
            record.groups = Some(GroupPart {
                next_id: groups.next_id(),
                groups: puts,
                supersedes_earlier: true,
            });
        }
    }
    record.to_line().map_err(|e| e.to_string())
}

/// Document `doc`'s stamp, under the name the project gives it (documents may be in
/// sub-folders), and its annotations.
fn open_doc<'a>(
    project: &Project,
    docs: &'a [DocState],
    doc: DocId,
) -> Result<(DocumentStamp, &'a AnnotationStore), String> {
    let (Some(slot), Some(state)) = (project.slot(doc), docs.get(doc.0)) else {
        return Err(format!("{doc} is not open"));
    };
    let Some(document) = slot.doc() else {
        return Err(format!("{} is not open", slot.file()));
    };
    let mut stamp = DocumentStamp::of(document);
    slot.file().clone_into(&mut stamp.file);
    Ok((stamp, &state.store))
}

/// The groups a step changed, from the groups before and after it; `None` when it changed
/// nothing in them.
fn group_changes(old: &GroupStore, new: &GroupStore) -> Option<GroupPart> {
    let puts = differences(
        old.groups().chain(new.groups()).map(|g| g.id),
        |id| old.get(id),
        |id| new.get(id),
    );
    (!puts.is_empty() || old.next_id() != new.next_id()).then(|| GroupPart {
        next_id: new.next_id(),
        groups: puts,
        supersedes_earlier: false,
    })
}

/// The values that differ now from `before`.
fn changed<'a, K: Copy + Ord, V: Clone + PartialEq + 'a>(
    before: BTreeMap<K, Option<V>>,
    now: impl Fn(K) -> Option<&'a V>,
) -> Vec<Put<K, V>> {
    before
        .into_iter()
        .filter_map(|(id, before)| {
            let after = now(id);
            (before.as_ref() != after).then(|| Put {
                id,
                before,
                after: after.cloned(),
            })
        })
        .collect()
}

/// The values of `ids` that differ between `before` and `after`.
fn differences<'a, K: Copy + Ord, V: Clone + PartialEq + 'a>(
    ids: impl Iterator<Item = K>,
    before: impl Fn(K) -> Option<&'a V>,
    after: impl Fn(K) -> Option<&'a V>,
) -> Vec<Put<K, V>> {
    let ids: BTreeSet<K> = ids.collect();
    ids.into_iter()
        .filter_map(|id| {
            let (b, a) = (before(id), after(id));
            (b != a).then(|| Put {
                id,
                before: b.cloned(),
                after: a.cloned(),
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/// A line that is not a usable record.
#[derive(Debug, PartialEq, Eq)]
enum BadLine {
    /// Cut short or damaged: length or checksum do not match.
    Damaged(String),
    /// Whole, but not a record this Accord can read (a newer format).
    Unreadable(String),
}

/// The records of a journal's bytes.
#[derive(Debug, Default)]
struct Decoded {
    /// (1-based line, record or why not), up to the last whole record.
    lines: Vec<(usize, Result<Record, BadLine>)>,
    /// Bytes up to the end of the last whole record (or whole line kept for a newer Accord).
    valid_len: u64,
    /// Lines after that: the torn tail of a write cut short.
    torn_lines: usize,
}

fn decode(bytes: &[u8]) -> Decoded {
    let mut out = Decoded::default();
    let mut pos = 0;
    let mut line_no = 0;
    let mut lines = Vec::new();
    while pos < bytes.len() {
        line_no += 1;
        let (parsed, next) = match bytes[pos..].iter().position(|&b| b == b'\n') {
            Some(n) => (parse_line(&bytes[pos..pos + n]), pos + n + 1),
            None => (
                Err(BadLine::Damaged("the line has no end".into())),
                bytes.len(),
            ),
        };
        if !matches!(parsed, Err(BadLine::Damaged(_))) {
            out.valid_len = next as u64;
            // Everything before is in the middle, not the tail.
            out.lines.append(&mut lines);
            out.lines.push((line_no, parsed));
        } else {
            lines.push((line_no, parsed));
        }
        pos = next;
    }
    out.torn_lines = lines.len();
    out
}

fn parse_line(line: &[u8]) -> Result<Record, BadLine> {
    let damaged = |why: &str| BadLine::Damaged(why.to_owned());
    let mut parts = line.splitn(3, |&b| b == b' ');
    let (Some(len), Some(sum), Some(json)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(damaged("not a journal record"));
    };
    let len: usize = std::str::from_utf8(len)
        .ok()
        .and_then(|l| l.parse().ok())
        .ok_or_else(|| damaged("not a journal record"))?;
    if json.len() != len {
        return Err(damaged("cut short"));
    }
    if sha256_hex(json).as_bytes() != sum {
        return Err(damaged("its checksum does not match"));
    }
    let header: FormatHeader = serde_json::from_slice(json)
        .map_err(|e| BadLine::Unreadable(format!("not a record Accord understands: {e}")))?;
    if header.format > JOURNAL_FORMAT {
        return Err(BadLine::Unreadable(format!(
            "written by a newer Accord (journal format {}, this one reads up to {JOURNAL_FORMAT}); update Accord",
            header.format
        )));
    }
    serde_json::from_slice(json)
        .map_err(|e| BadLine::Unreadable(format!("not a record Accord understands: {e}")))
}

/// The journal's bytes, `None` when there is none; an error when it exists but must not be
/// touched (unreadable, a link, too large).
fn read_journal(path: &Path) -> Result<Option<Vec<u8>>, String> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read the journal {}: {e}", path.display())),
    };
    if !meta.is_file() {
        return Err(format!(
            "the journal {} is not a plain file; move it away",
            path.display()
        ));
    }
    if meta.len() > MAX_JOURNAL_BYTES {
        return Err(format!(
            "the journal {} is {} bytes, more than the {MAX_JOURNAL_BYTES} Accord reads; move it away (it holds unsaved edits)",
            path.display(),
            meta.len()
        ));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_JOURNAL_BYTES).read_to_end(&mut bytes))
        .map_err(|e| format!("cannot read the journal {}: {e}", path.display()))?;
    Ok(Some(bytes))
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/// An annotator's journal, open for appending while the workspace holds the lock.
#[derive(Debug)]
pub(super) struct Journal {
    path: PathBuf,
    /// Open for appending once the first record is written.
    file: Option<std::fs::File>,
    /// Bytes of whole records: a torn tail past them is cut off before the next record.
    len: u64,
    /// Bytes on disk, as far as known (torn tail included).
    disk_len: u64,
    /// Where the journal goes when it is folded, instead of being emptied: it holds records
    /// that could not be applied.
    set_aside: Option<PathBuf>,
}

impl Journal {
    /// The journal file.
    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one record (a line from [`record_step`]) and flushes it to disk. On error the
    /// journal is as it was: whatever part of the line got written is cut off again (or, when
    /// even that fails, before the next record).
    pub(super) fn append(&mut self, line: &[u8], lock: &AnnotatorLock) -> Result<(), JournalError> {
        if line.is_empty() {
            return Ok(());
        }
        if !lock.is_held() {
            self.file = None;
            return Err(JournalError::LockLost {
                path: self.path.clone(),
                lock: lock.path().to_path_buf(),
            });
        }
        if self.file.is_none() {
            let file = self.open().map_err(|e| io_error(&self.path, e))?;
            self.file = Some(file);
        }
        let Some(file) = &mut self.file else {
            return Ok(());
        };
        match file.write_all(line).and_then(|()| file.sync_data()) {
            Ok(()) => {
                self.len += line.len() as u64;
                self.disk_len = self.len;
                Ok(())
            }
            Err(e) => {
                self.disk_len = self.disk_len.max(self.len + line.len() as u64);
                if file
                    .set_len(self.len)
                    .and_then(|()| file.sync_data())
                    .is_ok()
                {
                    self.disk_len = self.len;
                } else {
                    // Opened and cut again before the next record.
                    self.file = None;
                }
                Err(io_error(&self.path, e))
            }
        }
    }

    /// Opens the journal for appending, creating it (and syncing its folder) when there is
    /// none, and cutting off a torn tail.
    fn open(&mut self) -> std::io::Result<std::fs::File> {
        let existed = match std::fs::symlink_metadata(&self.path) {
            Ok(m) if !m.is_file() => {
                return Err(std::io::Error::other(
                    "it is not a plain file; move it away",
                ));
            }
            Ok(_) => true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => return Err(e),
        };
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        let on_disk = file.metadata()?.len();
        if on_disk > self.len {
            file.set_len(self.len)?;
            file.sync_data()?;
        } else if on_disk < self.len {
            // Shortened by something else: go on from what is there.
            self.len = on_disk;
        }
        self.disk_len = self.len;
        if !existed {
            sync_folder(&self.path);
        }
        Ok(file)
    }

    /// Folds the journal into the saved files: replaces it by an empty file atomically (or, when
    /// it holds records that could not be applied, renames it aside first).
    pub(super) fn fold(&mut self, lock: &AnnotatorLock) -> std::io::Result<()> {
        if self.disk_len == 0 && self.set_aside.is_none() {
            return Ok(());
        }
        if !lock.is_held() {
            return Err(std::io::Error::other(
                "another Accord took over the lock and the journal",
            ));
        }
        self.file = None;
        if let Some(aside) = &self.set_aside {
            std::fs::rename(&self.path, aside)?;
            log::warn!(
                "the journal with edits that could not be applied is kept as {}",
                aside.display()
            );
            self.set_aside = None;
        }
        crate::project_dir::atomic::write_atomic(&self.path, b"")?;
        self.len = 0;
        self.disk_len = 0;
        Ok(())
    }
}

fn io_error(path: &Path, source: std::io::Error) -> JournalError {
    JournalError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn sync_folder(path: &Path) {
    if let Some(dir) = path.parent()
        && let Ok(d) = std::fs::File::open(dir)
    {
        let _ = d.sync_all();
    }
}

// ---------------------------------------------------------------------------------------------
// Replay
// ---------------------------------------------------------------------------------------------

/// What opening a workspace put back from the journal: shown to the annotator once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recovery {
    /// The journal.
    pub journal: PathBuf,
    /// Edits (steps: edits, undos, redos) put back.
    pub recovered: usize,
    /// Edits the saved files already had.
    pub already_saved: usize,
    /// Edits of files that were loaded again from disk afterwards (changed there, or a change
    /// there resolved): the file on disk has them, or the annotator chose to drop them.
    pub superseded: usize,
    /// What was put back, per file, in project order (the groups last).
    pub files: Vec<RecoveredFile>,
    /// Edits that could not be put back, and why.
    pub not_applied: Vec<NotApplied>,
    /// An unfinished last record was ignored: an edit that had not been shown as done.
    pub torn_tail: bool,
    /// Where the journal is kept (at the next save) because some of it could not be applied.
    pub kept_as: Option<PathBuf>,
}

/// What was put back in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecoveredFile {
    /// Which file.
    pub file: WorkspaceFile,
    /// The document's file name, or `links/<annotator>.ron`.
    pub name: String,
    /// Edits that changed it.
    pub edits: usize,
    /// Annotations, links or groups that exist again or anew.
    pub added: usize,
    /// Annotations, links or groups changed.
    pub changed: usize,
    /// Annotations, links or groups removed.
    pub removed: usize,
}

/// An edit of the journal that could not be put back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotApplied {
    /// Its line in the journal (1-based).
    pub line: usize,
    /// Edit, undo or redo, when the record could be read.
    pub kind: Option<StepKind>,
    /// When it was made, when the record could be read.
    pub time: Option<Timestamp>,
    /// The files it changes.
    pub files: Vec<String>,
    /// Why it was not applied.
    pub reason: String,
}

impl fmt::Display for NotApplied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}", self.line)?;
        if let (Some(kind), Some(time)) = (self.kind, &self.time) {
            write!(f, " ({} at {time}", kind.name())?;
            if !self.files.is_empty() {
                write!(f, " in {}", self.files.join(", "))?;
            }
            write!(f, ")")?;
        }
        write!(f, ": {}", self.reason)
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl fmt::Display for Recovery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.recovered > 0 {
            let files: Vec<String> = self
                .files
                .iter()
                .map(|file| match file.file {
                    WorkspaceFile::Groups => {
                        format!("{} in the cross-document groups", file.edits)
                    }
                    WorkspaceFile::Doc(_) => format!("{} in {}", file.edits, file.name),
                })
                .collect();
            write!(
                f,
                "Recovered {} not saved when Accord last stopped ({}); they are back and will be saved with the next save.",
                plural(self.recovered, "edit", "edits"),
                files.join(", ")
            )?;
        } else {
            write!(f, "No unsaved edits to recover.")?;
        }
        if let Some(first) = self.not_applied.first() {
            write!(
                f,
                " {} could not be put back: {first}",
                plural(self.not_applied.len(), "edit", "edits")
            )?;
            if self.not_applied.len() > 1 {
                write!(f, " (and {} more)", self.not_applied.len() - 1)?;
            }
            match &self.kept_as {
                Some(path) => write!(
                    f,
                    ". The journal is kept as {} when the annotations are saved.",
                    path.display()
                )?,
                None => write!(f, ".")?,
            }
        }
        Ok(())
    }
}

impl Recovery {
    /// True when every edit of the journal was put back (or was already saved).
    pub fn is_complete(&self) -> bool {
        self.not_applied.is_empty()
    }
}

/// Which values of which file a record touches, for the "already saved" check.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key<'a> {
    Annotation(&'a str, AnnotationId),
    Link(&'a str, LinkId),
    Group(GroupId),
}

/// A value after a record, borrowed from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum After<'a> {
    Annotation(Option<&'a Annotation>),
    Link(Option<&'a Link>),
    Group(Option<&'a CrossGroup>),
}

/// For every value, the records that change it and what they leave, in journal order.
type Later<'a> = HashMap<Key<'a>, Vec<(usize, After<'a>)>>;

/// How a value of the files stands to one record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stand {
    /// The file has the value before the record: put the value after.
    Apply,
    /// The file has the value after the record, or one a later record leaves: saved already
    /// (the later records take it on from there).
    Saved,
    /// Something else: the file changed since.
    Conflict,
}

fn stand<'a, V: PartialEq>(
    current: Option<&V>,
    put: &'a Put<impl Copy, V>,
    index: usize,
    later: Option<&[(usize, After<'a>)]>,
    as_after: impl Fn(After<'a>) -> Option<Option<&'a V>>,
) -> Stand {
    if current == put.after.as_ref() {
        Stand::Saved
    } else if current == put.before.as_ref() {
        Stand::Apply
    } else if later
        .into_iter()
        .flatten()
        .any(|(i, after)| *i > index && as_after(*after).is_some_and(|value| value == current))
    {
        Stand::Saved
    } else {
        Stand::Conflict
    }
}

/// Reads `annotator`'s journal and replays it onto `docs` and `groups`, as loaded from the
/// files. Returns the journal to append to and what was recovered; `None` for the journal when
/// it exists but cannot be read, in which case everything is made read-only (nothing would
/// ever write over it).
pub(super) fn recover(
    project: &Project,
    annotator: &str,
    docs: &mut [DocState],
    groups: &mut GroupState,
) -> (Option<Journal>, Option<Recovery>) {
    let path = journal_path(&project.root, annotator);
    let bytes = match read_journal(&path) {
        Ok(bytes) => bytes.unwrap_or_default(),
        Err(why) => {
            log::error!("{why}");
            let why = format!("{why}; the annotations are shown read-only until it is");
            for status in docs
                .iter_mut()
                .map(|d| &mut d.status)
                .chain([&mut groups.status])
            {
                if *status == StoreStatus::Editable {
                    *status = StoreStatus::Locked(why.clone());
                }
            }
            return (None, None);
        }
    };
    let decoded = decode(&bytes);
    let mut journal = Journal {
        path: path.clone(),
        file: None,
        len: decoded.valid_len,
        disk_len: bytes.len() as u64,
        set_aside: None,
    };
    if decoded.lines.is_empty() && decoded.torn_lines == 0 {
        return (Some(journal), None);
    }
    let mut recovery = Recovery {
        journal: path.clone(),
        torn_tail: decoded.torn_lines > 0,
        ..Recovery::default()
    };
    if recovery.torn_tail {
        log::info!(
            "{}: ignored an unfinished last record (an edit not yet shown as done when Accord stopped)",
            path.display()
        );
    }
    let mut records = Vec::new();
    for (line, parsed) in decoded.lines {
        match parsed {
            Ok(record) => records.push((line, record)),
            Err(BadLine::Damaged(why) | BadLine::Unreadable(why)) => {
                recovery.not_applied.push(NotApplied {
                    line,
                    kind: None,
                    time: None,
                    files: Vec::new(),
                    reason: format!("the record cannot be read: {why}"),
                });
            }
        }
    }
    replay(project, annotator, docs, groups, &records, &mut recovery);
    recovery.not_applied.sort_by_key(|n| n.line);
    if !recovery.not_applied.is_empty() {
        let stamp: String = Timestamp::now()
            .0
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        let aside = path.with_file_name(format!(".{annotator}.journal.{stamp}.unapplied"));
        recovery.kept_as = Some(aside.clone());
        journal.set_aside = Some(aside);
        for n in &recovery.not_applied {
            log::warn!("{}: not applied: {n}", path.display());
        }
    }
    if recovery.recovered == 0 && recovery.not_applied.is_empty() {
        return (Some(journal), None);
    }
    log::warn!("{recovery}");
    (Some(journal), Some(recovery))
}

/// Which file a record part is about, for finding the last record that took it from disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Part<'a> {
    Doc(&'a str),
    Groups,
}

fn replay(
    project: &Project,
    annotator: &str,
    docs: &mut [DocState],
    groups: &mut GroupState,
    records: &[(usize, Record)],
    recovery: &mut Recovery,
) {
    let mut later: Later<'_> = HashMap::new();
    // Per file, the last record that took it from disk: records before it are not replayed
    // on that file.
    let mut taken_from_disk: HashMap<Part<'_>, usize> = HashMap::new();
    for (index, (_, record)) in records.iter().enumerate() {
        for part in &record.docs {
            let file = part.document.file.as_str();
            if part.supersedes_earlier {
                taken_from_disk.insert(Part::Doc(file), index);
            }
            for put in &part.annotations {
                later
                    .entry(Key::Annotation(file, put.id))
                    .or_default()
                    .push((index, After::Annotation(put.after.as_ref())));
            }
            for put in &part.links {
                later
                    .entry(Key::Link(file, put.id))
                    .or_default()
                    .push((index, After::Link(put.after.as_ref())));
            }
        }
        if let Some(part) = &record.groups {
            if part.supersedes_earlier {
                taken_from_disk.insert(Part::Groups, index);
            }
            for put in &part.groups {
                later
                    .entry(Key::Group(put.id))
                    .or_default()
                    .push((index, After::Group(put.after.as_ref())));
            }
        }
    }
    let superseded =
        |part: Part<'_>, index: usize| taken_from_disk.get(&part).is_some_and(|&last| index < last);
    let mut per_file: HashMap<WorkspaceFile, RecoveredFile> = HashMap::new();
    let mut originals = Originals::default();
    for (index, (line, record)) in records.iter().enumerate() {
        let not_applied = |reason: String| NotApplied {
            line: *line,
            kind: Some(record.kind),
            time: Some(record.time.clone()),
            files: record.files(annotator),
            reason,
        };
        let plan = match plan_record(
            project,
            annotator,
            docs,
            groups,
            record,
            index,
            &later,
            &superseded,
        ) {
            Ok(plan) => plan,
            Err(reason) => {
                recovery.not_applied.push(not_applied(reason));
                continue;
            }
        };
        // A reload is no edit of the annotator's: it only says where replay starts.
        if record.kind != StepKind::Reloaded {
            if plan.is_superseded() {
                recovery.superseded += 1;
            } else if plan.is_saved() {
                recovery.already_saved += 1;
            } else {
                recovery.recovered += 1;
            }
        }
        apply_plan(
            docs,
            groups,
            record,
            &plan,
            annotator,
            &mut per_file,
            &mut originals,
        );
    }
    // A file whose values all came back to what it holds (an edit and its undo, both after it
    // was saved) has nothing unsaved after all.
    for file in originals.unchanged(docs, groups) {
        per_file.remove(&file);
        match file {
            WorkspaceFile::Doc(doc) => docs[doc.0].mark_saved(),
            WorkspaceFile::Groups => groups.mark_saved(),
        }
    }
    if per_file.is_empty() {
        recovery.already_saved += recovery.recovered;
        recovery.recovered = 0;
    }
    let mut files: Vec<RecoveredFile> = per_file.into_values().collect();
    // Project order, the groups last.
    files.sort_by_key(|f| match f.file {
        WorkspaceFile::Doc(d) => (0, d.0),
        WorkspaceFile::Groups => (1, 0),
    });
    recovery.files = files;
}

/// What to do with one part of a record (a document's, or the groups').
#[derive(Debug)]
enum PartPlan {
    /// The file was taken from disk by a later record: nothing of this part is replayed.
    Superseded,
    /// A stand per value, in the part's order (annotations, then links; or groups).
    Replay {
        /// The document (`None` for the groups).
        doc: Option<DocId>,
        values: Vec<Stand>,
    },
}

/// What to do with each part of a record: the documents' parts in order, then the groups'.
struct Plan {
    docs: Vec<PartPlan>,
    groups: Option<PartPlan>,
}

impl Plan {
    fn parts(&self) -> impl Iterator<Item = &PartPlan> {
        self.docs.iter().chain(&self.groups)
    }

    /// True when every part is about a file a later record took from disk.
    fn is_superseded(&self) -> bool {
        self.parts().all(|p| matches!(p, PartPlan::Superseded))
    }

    /// True when nothing is to be put back.
    fn is_saved(&self) -> bool {
        self.parts().all(|p| match p {
            PartPlan::Superseded => true,
            PartPlan::Replay { values, .. } => values.iter().all(|s| *s == Stand::Saved),
        })
    }
}

#[allow(clippy::too_many_arguments)] // the replay's state, borrowed apart
fn plan_record<'a>(
    project: &Project,
    annotator: &str,
    docs: &[DocState],
    groups: &GroupState,
    record: &'a Record,
    index: usize,
    later: &Later<'a>,
    superseded: &impl Fn(Part<'a>, usize) -> bool,
) -> Result<Plan, String> {
    let mut plan = Plan {
        docs: Vec::with_capacity(record.docs.len()),
        groups: None,
    };
    for part in &record.docs {
        let file = part.document.file.as_str();
        if superseded(Part::Doc(file), index) {
            plan.docs.push(PartPlan::Superseded);
            continue;
        }
        let doc = project
            .document_index(file)
            .ok_or_else(|| format!("{file} is no longer a document of the project"))?;
        let (Some(slot), Some(state)) = (project.slot(doc), docs.get(doc.0)) else {
            return Err(format!("{file} is no longer a document of the project"));
        };
        match (&state.status, slot.doc()) {
            (StoreStatus::Editable, Some(document)) => {
                if !part.document.matches(document) {
                    return Err(format!(
                        "{file} changed since the edit was made (its text is not the one the edit was made on)"
                    ));
                }
            }
            (StoreStatus::Locked(reason) | StoreStatus::NoDocument(reason), _) => {
                return Err(format!("{file}: {reason}"));
            }
            (StoreStatus::Editable, None) => return Err(format!("{file} could not be opened")),
        }
        let store = &state.store;
        let conflict = |what: String| {
            format!(
                "{file}: {what} is neither as the edit found it nor as it left it: the annotation file was changed by something else since (or an earlier edit could not be put back)"
            )
        };
        let mut values = Vec::with_capacity(part.annotations.len() + part.links.len());
        for put in &part.annotations {
            let s = stand(
                store.get(put.id),
                put,
                index,
                later.get(&Key::Annotation(file, put.id)).map(Vec::as_slice),
                |a| match a {
                    After::Annotation(v) => Some(v),
                    _ => None,
                },
            );
            if s == Stand::Conflict {
                return Err(conflict(format!("annotation {}", put.id)));
            }
            values.push(s);
        }
        for put in &part.links {
            let s = stand(
                store.link(put.id),
                put,
                index,
                later.get(&Key::Link(file, put.id)).map(Vec::as_slice),
                |a| match a {
                    After::Link(v) => Some(v),
                    _ => None,
                },
            );
            if s == Stand::Conflict {
                return Err(conflict(put.id.to_string()));
            }
            values.push(s);
        }
        plan.docs.push(PartPlan::Replay {
            doc: Some(doc),
            values,
        });
    }
    if let Some(part) = &record.groups {
        if superseded(Part::Groups, index) {
            plan.groups = Some(PartPlan::Superseded);
            return Ok(plan);
        }
        if let StoreStatus::Locked(reason) | StoreStatus::NoDocument(reason) = &groups.status {
            return Err(format!("{}: {reason}", links_name(annotator)));
        }
        let mut values = Vec::with_capacity(part.groups.len());
        for put in &part.groups {
            let s = stand(
                groups.store.get(put.id),
                put,
                index,
                later.get(&Key::Group(put.id)).map(Vec::as_slice),
                |a| match a {
                    After::Group(v) => Some(v),
                    _ => None,
                },
            );
            if s == Stand::Conflict {
                return Err(format!(
                    "{}: group {} is neither as the edit found it nor as it left it: the link file was changed by something else since (or an earlier edit could not be put back)",
                    links_name(annotator),
                    put.id.0
                ));
            }
            values.push(s);
        }
        plan.groups = Some(PartPlan::Replay { doc: None, values });
    }
    Ok(plan)
}

fn apply_plan(
    docs: &mut [DocState],
    groups: &mut GroupState,
    record: &Record,
    plan: &Plan,
    annotator: &str,
    per_file: &mut HashMap<WorkspaceFile, RecoveredFile>,
    originals: &mut Originals,
) {
    for (part, part_plan) in record.docs.iter().zip(&plan.docs) {
        let PartPlan::Replay {
            doc: Some(doc),
            values,
        } = part_plan
        else {
            continue;
        };
        let (anns, links) = values.split_at(part.annotations.len());
        let store: &mut AnnotationStore = &mut docs[doc.0].store;
        let mut counts = Counts::default();
        for (put, s) in part.annotations.iter().zip(anns) {
            if *s == Stand::Apply {
                counts.count(put);
                originals
                    .annotations
                    .entry((*doc, put.id))
                    .or_insert_with(|| store.get(put.id).cloned());
                match &put.after {
                    Some(a) => {
                        store.put(a.clone());
                    }
                    None => {
                        store.take(put.id);
                    }
                }
            }
        }
        for (put, s) in part.links.iter().zip(links) {
            if *s == Stand::Apply {
                counts.count(put);
                originals
                    .links
                    .entry((*doc, put.id))
                    .or_insert_with(|| store.link(put.id).cloned());
                match &put.after {
                    Some(l) => {
                        store.put_link(l.clone());
                    }
                    None => {
                        store.take_link(put.id);
                    }
                }
            }
        }
        store.set_next_id(part.next_id);
        counts.add_to(per_file, WorkspaceFile::Doc(*doc), &part.document.file);
    }
    if let (Some(part), Some(PartPlan::Replay { values, .. })) = (&record.groups, &plan.groups) {
        let mut counts = Counts::default();
        for (put, s) in part.groups.iter().zip(values) {
            if *s == Stand::Apply {
                counts.count(put);
                originals
                    .groups
                    .entry(put.id)
                    .or_insert_with(|| groups.store.get(put.id).cloned());
                groups.store.restore(put.id, put.after.clone());
            }
        }
        groups.store.set_next_id(part.next_id);
        counts.add_to(per_file, WorkspaceFile::Groups, &links_name(annotator));
    }
}

/// The values replay changed, as the files had them.
#[derive(Default)]
struct Originals {
    annotations: HashMap<(DocId, AnnotationId), Option<Annotation>>,
    links: HashMap<(DocId, LinkId), Option<Link>>,
    groups: HashMap<GroupId, Option<CrossGroup>>,
}

impl Originals {
    /// The files replay changed whose values are all back to what the files hold.
    fn unchanged(&self, docs: &[DocState], groups: &GroupState) -> Vec<WorkspaceFile> {
        let mut touched: HashMap<WorkspaceFile, bool> = HashMap::new();
        for ((doc, id), original) in &self.annotations {
            let same = docs[doc.0].store.get(*id) == original.as_ref();
            *touched.entry(WorkspaceFile::Doc(*doc)).or_insert(true) &= same;
        }
        for ((doc, id), original) in &self.links {
            let same = docs[doc.0].store.link(*id) == original.as_ref();
            *touched.entry(WorkspaceFile::Doc(*doc)).or_insert(true) &= same;
        }
        for (id, original) in &self.groups {
            let same = groups.store.get(*id) == original.as_ref();
            *touched.entry(WorkspaceFile::Groups).or_insert(true) &= same;
        }
        touched
            .into_iter()
            .filter_map(|(file, same)| same.then_some(file))
            .collect()
    }
}

#[derive(Default)]
struct Counts {
    added: usize,
    changed: usize,
    removed: usize,
}

impl Counts {
    fn count<K, V>(&mut self, put: &Put<K, V>) {
        match (&put.before, &put.after) {
            (None, Some(_)) => self.added += 1,
            (Some(_), None) => self.removed += 1,
            _ => self.changed += 1,
        }
    }

    fn add_to(
        self,
        per_file: &mut HashMap<WorkspaceFile, RecoveredFile>,
        file: WorkspaceFile,
        name: &str,
    ) {
        if self.added + self.changed + self.removed == 0 {
            return;
        }
        let entry = per_file.entry(file).or_insert_with(|| RecoveredFile {
            file,
            name: name.to_owned(),
            edits: 0,
            added: 0,
            changed: 0,
            removed: 0,
        });
        entry.edits += 1;
        entry.added += self.added;
        entry.changed += self.changed;
        entry.removed += self.removed;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(n: u64) -> Record {
        Record {
            format: JOURNAL_FORMAT,
            kind: StepKind::Apply,
            time: Timestamp(format!("2026-11-23T15:10:{n:02}Z")),
            docs: Vec::new(),
            groups: Some(GroupPart {
                next_id: n + 1,
                groups: vec![Put {
                    id: GroupId(n),
                    before: None,
                    after: None,
                }],
                supersedes_earlier: false,
            }),
        }
    }

    #[test]
    fn a_record_cut_anywhere_is_ignored_and_the_ones_before_are_read() {
        let mut bytes = Vec::new();
        for n in 1..=3 {
            bytes.extend(record(n).to_line().unwrap());
        }
        let whole = decode(&bytes);
        assert_eq!(whole.lines.len(), 3);
        assert_eq!(whole.valid_len, bytes.len() as u64);
        assert_eq!(whole.torn_lines, 0);
        let two = record(1).to_line().unwrap().len() + record(2).to_line().unwrap().len();
        for cut in two + 1..bytes.len() {
            let torn = decode(&bytes[..cut]);
            let read: Vec<&Record> = torn
                .lines
                .iter()
                .map(|(_, r)| r.as_ref().unwrap())
                .collect();
            assert_eq!(read, vec![&record(1), &record(2)], "cut at {cut}");
            assert_eq!(torn.valid_len, two as u64);
            assert_eq!(torn.torn_lines, 1);
        }
    }

    #[test]
    fn damage_in_the_middle_is_reported_and_the_rest_read() {
        let mut bytes = record(1).to_line().unwrap();
        let mut second = record(2).to_line().unwrap();
        let at = second.len() - 5;
        second[at] ^= 0x20;
        bytes.extend(&second);
        bytes.extend(record(3).to_line().unwrap());
        // Garbage after the last record: a write of zeros cut short.
        bytes.extend([0u8; 100]);
        let decoded = decode(&bytes);
        assert_eq!(decoded.lines.len(), 3);
        assert!(matches!(decoded.lines[1].1, Err(BadLine::Damaged(_))));
        assert_eq!(decoded.lines[2].1.as_ref().unwrap(), &record(3));
        assert_eq!(decoded.torn_lines, 1);
        assert_eq!(decoded.valid_len, bytes.len() as u64 - 100);
    }

    #[test]
    fn a_record_of_a_newer_accord_is_kept_and_reported() {
        let json = br#"{"format":2,"kind":"apply","time":"x"}"#;
        let mut bytes = format!("{} {} ", json.len(), sha256_hex(json)).into_bytes();
        bytes.extend(json);
        bytes.push(b'\n');
        let decoded = decode(&bytes);
        assert_eq!(decoded.valid_len, bytes.len() as u64, "not cut off");
        let Err(BadLine::Unreadable(why)) = &decoded.lines[0].1 else {
            panic!("{:?}", decoded.lines)
        };
        assert!(why.contains("newer Accord"), "{why}");
    }

    #[test]
    fn no_input_makes_the_reader_panic() {
        let line = record(1).to_line().unwrap();
        for bytes in [
            &b""[..],
            b"\n\n\n",
            b"12",
            b"99999999999999999999999 x y\n",
            b"5 abc {}\n",
            b"\xff\xfe 1 2\n",
            &line[..line.len() - 1],
        ] {
            let _ = decode(bytes);
        }
    }
}
