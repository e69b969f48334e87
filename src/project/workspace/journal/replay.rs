//! Replay: putting the journal's steps back into the workspace after a crash.
//!
//! **Replay** ([`Workspace::open`](crate::project::Workspace::open), once it holds the lock;
//! `accord recover`) reads the records up to the last whole one: a torn or damaged last record
//! — a write the crash cut short, so an edit never shown as done — is ignored, and cut off
//! before the next record is written. Each record is applied in order, all or nothing. A value
//! is put back where the file has the record's value *before*; where the file already has the
//! value *after* (or the value a later record leaves), that part was saved and stays. So
//! replaying a record twice, or over a file saved after it, changes nothing. Any other value
//! means the file was changed by something else since (a colleague, `git pull`): the record is
//! not applied but reported ([`Recovery::not_applied`]), as is a record for a document that is
//! gone, unreadable or whose text changed. A journal with such records is set aside (renamed,
//! not emptied) at the next save, so nothing the annotator did is thrown away unseen.
//!
//! **Files taken from disk** ([`crate::project::DiskEvent`], [`crate::project::Resolution`]): a
//! file loaded again because it changed on disk while nothing was unsaved here gets a record
//! saying so, and replay does not check what records before it did to that file against it
//! (that was saved before the file changed, or dropped by choice: [`Recovery::superseded`]).
//! Keeping the version here over the changed file, or merging the two, is recorded the same
//! way, with every value that differs from the file on disk as *before* and *after*: a crash
//! before the next save brings the choice back instead of reporting the file as changed by
//! something else.
//!
//! [`recover`] is the one entry: it reads the file (`file`), decodes it (`record`), and
//! replays the records onto the stores as loaded; what came back is a [`Recovery`].

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

use super::file::{Journal, journal_path, read_journal};
use super::record::{BadLine, Owner, Put, Record, StepKind, decode, links_name};
use crate::model::{Annotation, AnnotationId, CrossGroup, GroupId, Link, LinkId, Timestamp};
use crate::project::{DocId, DocState, GroupState, Project, StoreStatus, WorkspaceFile};
use crate::store::AnnotationStore;

/// Which records of a journal are replayed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Trust {
    /// Only those written for this annotator, on this machine, in this project folder.
    #[default]
    OwnOnly,
    /// Also those written for it elsewhere (the annotator said they are theirs). Every value
    /// is still checked like a loaded file.
    AcceptForeign,
}

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
    /// Some records were written for another annotator, machine or project folder: they were
    /// not replayed (see [`Trust`]).
    pub foreign: bool,
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

/// A value before or after a record, borrowed from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum After<'a> {
    Annotation(Option<&'a Annotation>),
    Link(Option<&'a Link>),
    Group(Option<&'a CrossGroup>),
}

/// One record's change of one value.
#[derive(Clone, Copy, Debug)]
struct Change<'a> {
    /// The record's place in the journal.
    index: usize,
    /// What the record found.
    before: After<'a>,
    /// What it left.
    after: After<'a>,
}

/// For every value, the records that change it, in journal order.
type Later<'a> = HashMap<Key<'a>, Vec<Change<'a>>>;

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
    later: Option<&[Change<'a>]>,
    as_after: impl Fn(After<'a>) -> Option<Option<&'a V>>,
) -> Stand {
    if current == put.after.as_ref() {
        Stand::Saved
    } else if current == put.before.as_ref() {
        Stand::Apply
    } else if later
        .into_iter()
        .flatten()
        .any(|c| c.index > index && as_after(c.after).is_some_and(|value| value == current))
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
pub(in crate::project::workspace) fn recover(
    project: &Project,
    annotator: &str,
    docs: &mut [DocState],
    groups: &mut GroupState,
    trust: Trust,
) -> (Option<Journal>, Option<Recovery>) {
    let path = journal_path(&project.root, annotator);
    let owner = Owner::of(project, annotator);
    let bytes = match read_journal(&project.dir, &path) {
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
    let mut journal = Journal::resume(
        project.dir.clone(),
        owner.clone(),
        path.clone(),
        decoded.valid_len,
        bytes.len() as u64,
    );
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
            // Another's journal (committed by mistake, copied from another machine or
            // project): set aside with the rest, and offered, never replayed unasked.
            Ok(record) if record.owner.as_ref() != Some(&owner) && trust == Trust::OwnOnly => {
                recovery.foreign = true;
                let written = match &record.owner {
                    Some(other) => format!("written by {other}"),
                    None => "written by an Accord that did not say whose journal it is".into(),
                };
                recovery.not_applied.push(NotApplied {
                    line,
                    kind: Some(record.kind),
                    time: Some(record.time.clone()),
                    files: record.files(annotator),
                    reason: format!(
                        "{written}, not {owner}; not put back here (if these are your edits, `accord recover --accept-foreign` puts them back)"
                    ),
                });
            }
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
        recovery.kept_as = Some(journal.set_aside());
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
                    .push(Change {
                        index,
                        before: After::Annotation(put.before.as_ref()),
                        after: After::Annotation(put.after.as_ref()),
                    });
            }
            for put in &part.links {
                later
                    .entry(Key::Link(file, put.id))
                    .or_default()
                    .push(Change {
                        index,
                        before: After::Link(put.before.as_ref()),
                        after: After::Link(put.after.as_ref()),
                    });
            }
        }
        if let Some(part) = &record.groups {
            if part.supersedes_earlier {
                taken_from_disk.insert(Part::Groups, index);
            }
            for put in &part.groups {
                later.entry(Key::Group(put.id)).or_default().push(Change {
                    index,
                    before: After::Group(put.before.as_ref()),
                    after: After::Group(put.after.as_ref()),
                });
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

/// Checks what a record would put into a document's annotation file as a loaded file is
/// checked: ids that can grow and say what they are, fragments inside the text and matching
/// it, known labels and relation kinds, references to annotations that exist. A journal is a
/// file like any other: it may come from someone else.
/// `index` is the record's place and `later` every record's changes: an annotation the record
/// does not touch is checked with the label it has between this record and the next that
/// changes it, not the file's — a save the kill cut short can have written a later label.
fn check_values(
    part: &super::record::DocPart,
    document: &crate::model::Document,
    schema: &crate::schema::Schema,
    store: &AnnotationStore,
    index: usize,
    later: &Later<'_>,
) -> Result<(), String> {
    if part.next_id == u64::MAX {
        return Err(format!(
            "its id counter is {}, the largest there is: no new id could follow it",
            u64::MAX
        ));
    }
    // Labels as they are after the record: its own values first, then the file's.
    let after: HashMap<AnnotationId, Option<&str>> = part
        .annotations
        .iter()
        .map(|p| (p.id, p.after.as_ref().map(|a| a.label.as_str())))
        .collect();
    let file = part.document.file.as_str();
    let label_of = |id: AnnotationId| match after.get(&id) {
        Some(label) => *label,
        None => match later
            .get(&Key::Annotation(file, id))
            .and_then(|changes| changes.iter().find(|c| c.index > index))
        {
            Some(Change {
                before: After::Annotation(before),
                ..
            }) => before.map(|a| a.label.as_str()),
            _ => store.get(id).map(|a| a.label.as_str()),
        },
    };
    let links_here: std::collections::HashSet<u64> = part.links.iter().map(|p| p.id.0).collect();
    for put in &part.annotations {
        if put.id.0 == u64::MAX {
            return Err(format!("annotation {} has the largest id there is", put.id));
        }
        let Some(a) = &put.after else { continue };
        if a.id != put.id {
            return Err(format!("annotation {} is given as {}", put.id, a.id));
        }
        if !links_here.contains(&a.id.0) && store.link(LinkId(a.id.0)).is_some() {
            return Err(format!("annotation {} would take the id of a link", a.id));
        }
        let problems = crate::rules::annotation_problems(a, Some(document), schema, label_of);
        if let Some(p) = problems.into_iter().find(|p| {
            !matches!(
                p,
                crate::rules::Problem::MissingRequired(_)
                    | crate::rules::Problem::SplitsCluster { .. }
            )
        }) {
            return Err(format!("annotation {}: {p}", a.id));
        }
    }
    for put in &part.links {
        if put.id.0 == u64::MAX {
            return Err(format!("{} has the largest id there is", put.id));
        }
        let Some(link) = &put.after else { continue };
        if link.id != put.id {
            return Err(format!("{} is given as {}", put.id, link.id));
        }
        if label_of(AnnotationId(link.id.0)).is_some() {
            return Err(format!("{} would take the id of an annotation", link.id));
        }
        if let Some(p) = crate::rules::link_problems(link, schema, label_of).first() {
            return Err(format!("{}: {p}", link.id));
        }
    }
    Ok(())
}

/// Checks what a record would put into the link file: ids that can grow, kinds the schema
/// has.
fn check_groups(
    part: &super::record::GroupPart,
    schema: &crate::schema::Schema,
) -> Result<(), String> {
    if part.next_id == u64::MAX {
        return Err(format!(
            "its id counter is {}, the largest there is: no new id could follow it",
            u64::MAX
        ));
    }
    for put in &part.groups {
        if put.id.0 == u64::MAX {
            return Err(format!("group {} has the largest id there is", put.id.0));
        }
        let Some(group) = &put.after else { continue };
        if group.id != put.id {
            return Err(format!(
                "group {} is given as group {}",
                put.id.0, group.id.0
            ));
        }
        if schema.group_kind(&group.kind).is_none() {
            return Err(format!(
                "group {}: {:?} is not a cross-document kind of the schema",
                group.id.0, group.kind
            ));
        }
    }
    Ok(())
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
        if let Some(document) = slot.doc() {
            check_values(part, document, &project.schema, store, index, later)
                .map_err(|why| format!("{file}: {why}; not put back"))?;
        }
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
        check_groups(part, &project.schema)
            .map_err(|why| format!("{}: {why}; not put back", links_name(annotator)))?;
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
