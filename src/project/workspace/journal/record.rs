//! The codec: a step ↔ its bytes.
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
//! Writing: [`record_step`] and [`record_from_disk`] turn a step just taken into its line.
//! Reading: [`decode`] turns a journal's bytes into its [`Record`]s, up to the last whole one;
//! a line cut short or damaged is told apart from a whole one of a newer Accord ([`BadLine`]).
//! Nothing here touches a file.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::edit::Edit;
use crate::model::{
    Annotation, AnnotationId, CrossGroup, GroupId, Link, LinkId, Timestamp, sha256_hex,
};
use crate::project::groups::GroupStore;
use crate::project::{Change, DocId, DocState, Project, WorkspaceFile};
use crate::store::{AnnotationStore, DocumentStamp};

/// The record format this program writes.
pub const JOURNAL_FORMAT: u32 = 1;

/// What kind of step a record is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// An edit ([`Workspace::apply`](crate::project::Workspace::apply)).
    Apply,
    /// An undo.
    Undo,
    /// A redo.
    Redo,
    /// A file changed on disk was loaded again
    /// ([`DiskEvent::Reloaded`](crate::project::DiskEvent::Reloaded), or
    /// [`Resolution::Reload`](crate::project::Resolution::Reload)): earlier records of it are
    /// not replayed.
    Reloaded,
    /// The version here was kept over a file changed on disk
    /// ([`Resolution::KeepMine`](crate::project::Resolution::KeepMine)).
    KeptMine,
    /// The version here was merged with a file changed on disk
    /// ([`Resolution::Merge`](crate::project::Resolution::Merge)).
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

// ---------------------------------------------------------------------------------------------
// The record
// ---------------------------------------------------------------------------------------------

/// Whose journal a record belongs to: the annotator, the machine and the project folder it was
/// written for. A journal is replayed only into its owner's files; one committed by mistake,
/// copied from another machine or another project is set aside and offered instead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owner {
    /// The annotator whose files the steps changed.
    pub annotator: String,
    /// The machine ([`crate::project::lock::host_name`]).
    pub host: String,
    /// The project folder, as it really is on that machine.
    pub project: String,
}

impl Owner {
    /// The owner of `annotator`'s journal in `project`, on this machine.
    pub fn of(project: &Project, annotator: &str) -> Self {
        let folder = project
            .root
            .canonicalize()
            .unwrap_or_else(|_| project.root.clone());
        Self {
            annotator: annotator.to_owned(),
            host: crate::project::lock::host_name(),
            project: folder.to_string_lossy().into_owned(),
        }
    }
}

impl std::fmt::Display for Owner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} on {}, for the project at {}",
            self.annotator, self.host, self.project
        )
    }
}

/// One journal line: a step in its applied form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Record {
    /// [`JOURNAL_FORMAT`] when written by this program.
    format: u32,
    /// Whose journal it is (missing in records of an older Accord: they are not replayed
    /// without being accepted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) owner: Option<Owner>,
    /// Edit, undo, redo, or a file taken from disk.
    pub(super) kind: StepKind,
    /// When the step was made (the time stamped on what it changed).
    pub(super) time: Timestamp,
    /// What it changed in each document's annotations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) docs: Vec<DocPart>,
    /// What it changed in the cross-document groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) groups: Option<GroupPart>,
}

/// What a step changed in one document's annotations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct DocPart {
    /// The document (by its file as the project names it) and the text the edit was made on.
    pub(super) document: DocumentStamp,
    /// The store's id counter after the step.
    pub(super) next_id: u64,
    /// The annotations it changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) annotations: Vec<Put<AnnotationId, Annotation>>,
    /// The links it changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) links: Vec<Put<LinkId, Link>>,
    /// The annotation file was taken from disk at this step (reloaded, or a change on disk
    /// resolved), so what earlier records did to it is not replayed: it was saved before the
    /// file changed, or given up by the annotator's choice. The values are then as the file on
    /// disk had them (before) and as this side has them (after).
    #[serde(default, skip_serializing_if = "is_false")]
    pub(super) supersedes_earlier: bool,
}

/// What a step changed in the cross-document groups.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct GroupPart {
    /// The groups' id counter after the step.
    pub(super) next_id: u64,
    /// The groups it changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) groups: Vec<Put<GroupId, CrossGroup>>,
    /// As for [`DocPart::supersedes_earlier`], for the link file.
    #[serde(default, skip_serializing_if = "is_false")]
    pub(super) supersedes_earlier: bool,
}

fn is_false(b: &bool) -> bool {
    !b
}

/// One value a step changed: before and after (`None`: did not exist / no longer exists).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Put<K, V> {
    /// Which annotation, link or group.
    pub(super) id: K,
    /// Its value before the step.
    pub(super) before: Option<V>,
    /// Its value after the step.
    pub(super) after: Option<V>,
}

/// Only the version, read first so a newer record is told apart from a damaged one.
#[derive(Deserialize)]
struct FormatHeader {
    format: u32,
}

impl Record {
    fn new(kind: StepKind, time: &Timestamp, owner: &Owner) -> Self {
        Self {
            format: JOURNAL_FORMAT,
            owner: Some(owner.clone()),
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
    pub(super) fn files(&self, annotator: &str) -> Vec<String> {
        let mut files: Vec<String> = self.docs.iter().map(|d| d.document.file.clone()).collect();
        if self.groups.is_some() {
            files.push(links_name(annotator));
        }
        files
    }
}

/// The link file of `annotator` as messages name it (`links/<annotator>.ron`).
pub(super) fn links_name(annotator: &str) -> String {
    format!("{}/{annotator}.ron", crate::project::LINKS_DIR)
}

// ---------------------------------------------------------------------------------------------
// A step → its line
// ---------------------------------------------------------------------------------------------

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
#[allow(clippy::too_many_arguments)] // the workspace's parts, borrowed apart
pub(in crate::project::workspace) fn record_step(
    owner: &Owner,
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
    let mut record = Record::new(kind, time, owner);
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
pub(in crate::project::workspace) enum OnDisk<'a> {
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
pub(in crate::project::workspace) fn record_from_disk(
    owner: &Owner,
    kind: StepKind,
    time: &Timestamp,
    file: WorkspaceFile,
    on_disk: &OnDisk<'_>,
    project: &Project,
    docs: &[DocState],
    groups_before: Option<&GroupStore>,
    groups: &GroupStore,
) -> Result<Vec<u8>, String> {
    let mut record = Record::new(kind, time, owner);
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
// Bytes → the records
// ---------------------------------------------------------------------------------------------

/// A line that is not a usable record.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum BadLine {
    /// Cut short or damaged: length or checksum do not match.
    Damaged(String),
    /// Whole, but not a record this Accord can read (a newer format).
    Unreadable(String),
}

/// The records of a journal's bytes.
#[derive(Debug, Default)]
pub(super) struct Decoded {
    /// (1-based line, record or why not), up to the last whole record.
    pub(super) lines: Vec<(usize, Result<Record, BadLine>)>,
    /// Bytes up to the end of the last whole record (or whole line kept for a newer Accord).
    pub(super) valid_len: u64,
    /// Lines after that: the torn tail of a write cut short.
    pub(super) torn_lines: usize,
}

/// Reads the records of a journal's bytes, up to the last whole one: a torn or damaged tail is
/// counted, not read, and never makes it panic.
pub(super) fn decode(bytes: &[u8]) -> Decoded {
    let mut out = Decoded::default();
    let mut pos = 0;
    let mut line_no = 0;
    while pos < bytes.len() {
        line_no += 1;
        match bytes[pos..].iter().position(|&b| b == b'\n') {
            Some(n) => {
                // A whole line, read whatever its ending (git's `autocrlf` makes it CRLF). One
                // that does not read is reported, never taken for a torn tail: only the last
                // write can be cut short.
                let line = &bytes[pos..pos + n];
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                out.lines.push((line_no, parse_line(line)));
                pos += n + 1;
                out.valid_len = pos as u64;
            }
            None => {
                // The last record, unfinished: a write the crash cut short.
                out.torn_lines = 1;
                pos = bytes.len();
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn record(n: u64) -> Record {
        Record {
            format: JOURNAL_FORMAT,
            owner: Some(Owner {
                annotator: "alice".into(),
                host: "here".into(),
                project: "/p".into(),
            }),
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
    fn line_endings_do_not_matter_and_a_whole_line_is_never_a_torn_tail() {
        let mut lf = Vec::new();
        for n in 1..=3 {
            lf.extend(record(n).to_line().unwrap());
        }
        // As git's `autocrlf` leaves it.
        let crlf: Vec<u8> = lf
            .iter()
            .flat_map(|&b| {
                if b == b'\n' {
                    vec![b'\r', b'\n']
                } else {
                    vec![b]
                }
            })
            .collect();
        let decoded = decode(&crlf);
        assert_eq!(decoded.torn_lines, 0);
        let read: Vec<&Record> = decoded
            .lines
            .iter()
            .map(|(_, r)| r.as_ref().unwrap())
            .collect();
        assert_eq!(read, vec![&record(1), &record(2), &record(3)]);
        // Whole lines that do not read are reported (kept), whatever they hold.
        let decoded = decode(b"not a record\nnor this\n");
        assert_eq!(decoded.torn_lines, 0);
        assert_eq!(decoded.lines.len(), 2);
        assert!(decoded.lines.iter().all(|(_, r)| r.is_err()));
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
