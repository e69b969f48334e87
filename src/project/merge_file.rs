//! Merging two versions of a project file against the version both came from, as git's merge
//! driver (`accord merge-file BASE OURS THEIRS PATH`) does: annotation files (the curated
//! set's too) by annotation id ([`crate::store::merge`]), link files by group id, `accord.ron`
//! by document and schema files by label, relation and group kind name.
//!
//! Annotations changed differently on both sides become conflicts kept in the file as data
//! ([`crate::model::Annotation::conflict`]), decided later in the window: the merge itself
//! always succeeds for them. What has no room for a second version — a document entry, a label
//! definition, a scalar field of `accord.ron` — changed differently on both sides keeps ours
//! and is listed in [`Merged::unresolved`], so the driver can tell git to stop there.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Serialize;
use thiserror::Error;

use super::{CrossLinkFile, LINKS_DIR, PROJECT_FILE, ProjectFile};
use crate::git::WorkTree;
use crate::model::{AnnotationId, CrossGroup, CrossMember, GroupId};
use crate::schema::Schema;
use crate::store::StoreError;
use crate::store::file::to_pretty_ron;
use crate::store::merge::{self, Item, MergeReport, Outcome, Renumbering};
use crate::store::merge_text::{Version, merge_annotation_texts};

/// Which kind of project file a path holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// `annotations/<annotator>/<document>.ron`, the curated set's included.
    Annotations,
    /// `links/<annotator>.ron`.
    Links,
    /// `accord.ron`.
    Project,
    /// A schema file.
    Schema,
}

impl FileKind {
    /// The kind of file at `path` (relative to the repository or absolute), by where it is.
    pub fn of_path(path: &Path) -> Option<FileKind> {
        if path.extension().is_none_or(|e| e != "ron") {
            return None;
        }
        let parts: Vec<String> = path
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let n = parts.len();
        if parts.last().is_some_and(|f| f == PROJECT_FILE) {
            Some(FileKind::Project)
        } else if parts[..n.saturating_sub(2)]
            .iter()
            .any(|p| p == super::ANNOTATIONS_DIR)
        {
            Some(FileKind::Annotations)
        } else if n >= 2 && parts[n - 2] == LINKS_DIR {
            Some(FileKind::Links)
        } else {
            Some(FileKind::Schema)
        }
    }
}

/// Why a merge could not be done by id: the driver falls back to git's line merge.
#[derive(Debug, Error)]
pub enum MergeFileError {
    /// One version does not parse as the kind of file its path says.
    #[error("the {side} version of {path} cannot be read: {message}")]
    Unreadable {
        /// "base", "ours" or "theirs".
        side: &'static str,
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// The merged file could not be written as text.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A file merged by id.
#[derive(Debug)]
pub struct Merged {
    /// The merged file's text.
    pub text: String,
    /// Annotations left with both versions for someone to decide.
    pub conflicts: usize,
    /// Changes on both sides to what has no room for two versions (ours was kept), one
    /// sentence each: git should mark the file as conflicted.
    pub unresolved: Vec<String>,
    /// What came from where, for the driver's message.
    pub report: String,
    /// Annotations of ours given new ids (annotation files only).
    pub renumbered: BTreeMap<AnnotationId, AnnotationId>,
}

/// Which side's new ids move when both handed out the same ones, and whose version of a
/// conflict is the one in place: the side whose work is not yet shared. In a merge that is
/// ours (the local branch); in a rebase git calls the commit being replayed "theirs".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mine {
    /// The `OURS` version.
    Ours,
    /// The `THEIRS` version.
    Theirs,
}

/// The three versions of a file.
#[derive(Clone, Copy, Debug)]
pub struct Versions<'a> {
    /// The common ancestor's text (empty when the file is new on both sides).
    pub base: &'a str,
    /// Ours.
    pub ours: &'a str,
    /// Theirs.
    pub theirs: &'a str,
}

fn unreadable(side: &'static str, path: &Path, message: impl ToString) -> MergeFileError {
    MergeFileError::Unreadable {
        side,
        path: path.display().to_string(),
        message: message.to_string(),
    }
}

/// Merges the three versions of the file at `path`. `renumbered(document)` gives, for a link
/// file, how the same merge renumbers that document's annotations of mine (see
/// [`crate::store::merge_text::MergedText::renumbering`]); annotation and other files do not ask.
pub fn merge_texts(
    versions: Versions<'_>,
    path: &Path,
    kind: FileKind,
    mine: Mine,
    renumbered: &dyn Fn(&str) -> Renumbering,
) -> Result<Merged, MergeFileError> {
    let (mine_text, theirs_text, mine_side, theirs_side) = match mine {
        Mine::Ours => (versions.ours, versions.theirs, "ours", "theirs"),
        Mine::Theirs => (versions.theirs, versions.ours, "theirs", "ours"),
    };
    let sides = [
        (versions.base, "base"),
        (mine_text, mine_side),
        (theirs_text, theirs_side),
    ];
    match kind {
        FileKind::Annotations => {
            for (text, side) in &sides[1..] {
                if text.trim().is_empty() {
                    return Err(unreadable(side, path, "it is empty"));
                }
            }
            let base = Some(versions.base).filter(|b| !b.trim().is_empty());
            let merged = merge_annotation_texts(base, mine_text, theirs_text, path).map_err(
                |(version, e)| {
                    let side = match version {
                        Version::Base => "base",
                        Version::Mine => mine_side,
                        Version::Theirs => theirs_side,
                    };
                    unreadable(side, path, e)
                },
            )?;
            Ok(Merged {
                text: merged.text,
                conflicts: merged.conflicts,
                unresolved: Vec::new(),
                report: merged.report.to_string(),
                renumbered: merged.renumbering.mine,
            })
        }
        FileKind::Links => {
            let (base, m, t) = read_sides(path, sides, |text, side| {
                CrossLinkFile::parse(text, path).map_err(|e| unreadable(side, path, e))
            })?;
            let base = base.unwrap_or_else(|| CrossLinkFile::new(&m.annotator));
            let mut mine_file = m;
            // Members that point at annotations of mine the same merge renumbers.
            let mut maps: BTreeMap<String, Renumbering> = BTreeMap::new();
            let mut map_of = |document: &str| {
                maps.entry(document.to_owned())
                    .or_insert_with(|| renumbered(document))
                    .clone()
            };
            for group in &mut mine_file.groups {
                for member in &mut group.members {
                    if let Some(new) = map_of(&member.document).mine.get(&member.annotation) {
                        member.annotation = *new;
                    }
                }
                group.members.sort();
                group.members.dedup();
            }
            let (mut groups, next_id, mut report) = merge_groups(&base, &mine_file, &t);
            // Members folded into another annotation by the annotation files' merge.
            for group in &mut groups {
                for member in &mut group.members {
                    if let Some(kept) = map_of(&member.document).folded.get(&member.annotation) {
                        member.annotation = *kept;
                    }
                }
                group.members.sort();
                group.members.dedup();
            }
            groups.retain(|g| {
                let keep = g.members.len() >= 2;
                if !keep {
                    report.dropped.push(format!(
                        "group #{}: fewer than two members were left",
                        g.id.0
                    ));
                }
                keep
            });
            let file = CrossLinkFile {
                format: crate::project::LINKS_FORMAT,
                annotator: mine_file.annotator.clone(),
                next_id,
                groups,
            };
            Ok(Merged {
                text: file.to_ron(path)?,
                conflicts: 0,
                unresolved: Vec::new(),
                report: report.to_string(),
                renumbered: BTreeMap::new(),
            })
        }
        FileKind::Project => {
            let (base, m, t) = read_sides(path, sides, |text, side| {
                read_project(text).map_err(|e| unreadable(side, path, e))
            })?;
            let base = base.unwrap_or_else(|| m.clone());
            let mut unresolved = Vec::new();
            let mut field = |name: &str, b: &dyn Fn(&ProjectFile) -> String| {
                let (bb, mm, tt) = (b(&base), b(&m), b(&t));
                if bb != mm && bb != tt && mm != tt {
                    unresolved.push(format!("{name} was changed on both sides"));
                }
                mm == bb
            };
            let take_name = field("the project name", &|p| p.name.clone());
            let take_schema = field("the schema", &|p| format!("{:?}", p.schema));
            let take_default = field("the default annotator", &|p| {
                format!("{:?}", p.default_annotator)
            });
            let mut merged = m.clone();
            if take_name {
                merged.name = t.name.clone();
            }
            if take_schema {
                merged.schema = t.schema.clone();
            }
            if take_default {
                merged.default_annotator = t.default_annotator.clone();
            }
            merged.format = m.format.max(t.format);
            merged.documents = keyed(
                &base.documents,
                &m.documents,
                &t.documents,
                |d| d.file.clone(),
                "document",
                &mut unresolved,
            );
            Ok(Merged {
                text: pretty(&merged, path)?,
                conflicts: 0,
                report: String::new(),
                unresolved,
                renumbered: BTreeMap::new(),
            })
        }
        FileKind::Schema => {
            let (base, m, t) = read_sides(path, sides, |text, side| {
                Schema::from_ron(text).map_err(|e| unreadable(side, path, e))
            })?;
            let base = base.unwrap_or_else(|| m.clone());
            let mut unresolved = Vec::new();
            let merged = Schema {
                labels: keyed(
                    &base.labels,
                    &m.labels,
                    &t.labels,
                    |l| l.name.clone(),
                    "label",
                    &mut unresolved,
                ),
                relations: keyed(
                    &base.relations,
                    &m.relations,
                    &t.relations,
                    |r| r.name.clone(),
                    "relation kind",
                    &mut unresolved,
                ),
                cross_document: keyed(
                    &base.cross_document,
                    &m.cross_document,
                    &t.cross_document,
                    |g| g.name.clone(),
                    "group kind",
                    &mut unresolved,
                ),
            };
            if let Err(e) = merged.check() {
                unresolved.push(format!("the merged schema does not hold together: {e}"));
            }
            Ok(Merged {
                text: pretty(&merged, path)?,
                conflicts: 0,
                report: String::new(),
                unresolved,
                renumbered: BTreeMap::new(),
            })
        }
    }
}

/// Reads base, mine and theirs ([`merge_texts`]'s `sides`) at once, one per core (each may
/// be a whole 100 000-annotation file). An empty base is a file new on both sides; mine and
/// theirs must have something.
fn read_project(text: &str) -> Result<ProjectFile, String> {
    crate::ron_io::from_str(text).map_err(|e| e.message)
}

/// True when `text` reads as a file of this kind (a line merge of a hand-written project or
/// schema file is kept as git merged it only if it does).
pub fn reads_as(kind: FileKind, text: &str, path: &Path) -> bool {
    match kind {
        FileKind::Annotations => crate::store::AnnotationFile::parse_store(text, path).is_ok(),
        FileKind::Links => CrossLinkFile::parse(text, path).is_ok(),
        FileKind::Project => read_project(text).is_ok(),
        FileKind::Schema => Schema::from_ron(text).is_ok(),
    }
}

fn read_sides<T: Send>(
    path: &Path,
    sides: [(&str, &'static str); 3],
    read: impl Fn(&str, &'static str) -> Result<T, MergeFileError> + Sync,
) -> Result<(Option<T>, T, T), MergeFileError> {
    let read = |(text, side): (&str, &'static str)| {
        if text.trim().is_empty() {
            return Ok(None);
        }
        read(text, side).map(Some)
    };
    let [b, m, t] = crate::store::merge_text::read_three(sides, read);
    let [_, mine, theirs] = sides;
    let empty = |side: &'static str| unreadable(side, path, "it is empty");
    Ok((
        b?,
        m?.ok_or_else(|| empty(mine.1))?,
        t?.ok_or_else(|| empty(theirs.1))?,
    ))
}

fn pretty<T: Serialize>(value: &T, path: &Path) -> Result<String, MergeFileError> {
    Ok(to_pretty_ron(value, path)?)
}

/// Three-way merge of a list of named things, in mine's order with theirs' additions after
/// the item they follow in theirs. Changed differently on both sides: mine, listed in
/// `unresolved`.
fn keyed<T: Clone + PartialEq>(
    base: &[T],
    mine: &[T],
    theirs: &[T],
    key: impl Fn(&T) -> String,
    what: &str,
    unresolved: &mut Vec<String>,
) -> Vec<T> {
    let map = |items: &[T]| -> BTreeMap<String, T> {
        items.iter().map(|i| (key(i), i.clone())).collect()
    };
    let (b, m, t) = (map(base), map(mine), map(theirs));
    let mut value: BTreeMap<String, Option<T>> = BTreeMap::new();
    let names: BTreeSet<String> = b.keys().chain(m.keys()).chain(t.keys()).cloned().collect();
    for name in names {
        let (bb, mm, tt) = (b.get(&name), m.get(&name), t.get(&name));
        let v = if mm == tt || tt == bb {
            mm
        } else if mm == bb {
            tt
        } else {
            unresolved.push(format!(
                "{what} {name:?} was changed differently on both sides"
            ));
            mm.or(tt)
        };
        value.insert(name, v.cloned());
    }
    // Mine's order, then each of theirs' additions after its predecessor in theirs.
    let mut order: Vec<String> = mine.iter().map(&key).collect();
    for (i, item) in theirs.iter().enumerate() {
        let name = key(item);
        if order.contains(&name) {
            continue;
        }
        let at = theirs[..i]
            .iter()
            .rev()
            .find_map(|p| order.iter().position(|o| *o == key(p)))
            .map_or(0, |p| p + 1);
        order.insert(at, name);
    }
    order
        .into_iter()
        .filter_map(|name| value.remove(&name).flatten())
        .collect()
}

/// Three-way merge of two link files' groups by id: groups both sides changed keep the
/// members both kept, plus those either added; mine's new groups that collide with theirs
/// get new ids, and a group both added with the same kind and members is there once.
/// Groups left with fewer than two members are dropped and listed. Returns the groups, the
/// next id and the report.
pub fn merge_groups(
    base: &CrossLinkFile,
    mine: &CrossLinkFile,
    theirs: &CrossLinkFile,
) -> (Vec<CrossGroup>, u64, MergeReport) {
    let by_id = |f: &CrossLinkFile| -> BTreeMap<u64, CrossGroup> {
        f.groups.iter().map(|g| (g.id.0, g.clone())).collect()
    };
    let (base_groups, theirs_groups) = (by_id(base), by_id(theirs));
    let mut report = MergeReport::default();
    // A group both added alike is theirs.
    let theirs_added: BTreeMap<(&str, &[CrossMember]), u64> = theirs
        .groups
        .iter()
        .filter(|g| !base_groups.contains_key(&g.id.0))
        .map(|g| ((g.kind.as_str(), g.members.as_slice()), g.id.0))
        .collect();
    let mut folded = BTreeMap::new();
    for g in mine
        .groups
        .iter()
        .filter(|g| !base_groups.contains_key(&g.id.0))
    {
        if let Some(&same) = theirs_added.get(&(g.kind.as_str(), g.members.as_slice())) {
            folded.insert(g.id.0, same);
        }
    }
    let mine_groups = by_id(mine);
    let rest: BTreeMap<u64, CrossGroup> = mine_groups
        .iter()
        .filter(|(id, _)| !folded.contains_key(id))
        .map(|(k, v)| (*k, v.clone()))
        .collect();
    let mut fresh = mine.next_id.max(theirs.next_id).max(base.next_id);
    let colliding = merge::colliding_ids(
        &base_groups,
        base.next_id,
        &rest,
        &theirs_groups,
        theirs.next_id,
        &mut fresh,
    );
    let mine_groups: BTreeMap<u64, CrossGroup> = mine_groups
        .into_values()
        .map(|mut g| {
            if let Some(same) = folded.get(&g.id.0).and_then(|t| theirs_groups.get(t)) {
                return (same.id.0, same.clone());
            }
            if let Some(new) = colliding.get(&g.id.0) {
                report.renumbered.push((Item::Group(g.id), *new));
                g.id = GroupId(*new);
            }
            (g.id.0, g)
        })
        .collect();
    let mut groups = Vec::new();
    for (id, value, outcome) in merge::three_way(&base_groups, &mine_groups, &theirs_groups) {
        report.record(Item::Group(GroupId(id)), outcome);
        let value = if outcome == Outcome::Both {
            both_changed(
                base_groups.get(&id),
                mine_groups.get(&id),
                theirs_groups.get(&id),
            )
        } else {
            value
        };
        if let Some(g) = value {
            if g.members.len() < 2 {
                report
                    .dropped
                    .push(format!("group #{id}: fewer than two members were left"));
            } else {
                groups.push(g);
            }
        }
    }
    (groups, fresh, report)
}

/// A group both sides changed: the members both kept, plus those either added (kind and note
/// mine where both changed them).
fn both_changed(
    base: Option<&CrossGroup>,
    mine: Option<&CrossGroup>,
    theirs: Option<&CrossGroup>,
) -> Option<CrossGroup> {
    let (m, t) = match (mine, theirs) {
        (Some(m), Some(t)) => (m, t),
        // Removed on one side, changed on the other: the changed group stays.
        (m, t) => return m.or(t).cloned(),
    };
    let empty = Vec::new();
    let b = base.map_or(&empty, |b| &b.members);
    let keep = |x: &CrossMember| {
        let (in_m, in_t, in_b) = (m.members.contains(x), t.members.contains(x), b.contains(x));
        // Kept by both, or added by either.
        if in_b { in_m && in_t } else { in_m || in_t }
    };
    let mut members: Vec<CrossMember> = m
        .members
        .iter()
        .chain(&t.members)
        .filter(|x| keep(x))
        .cloned()
        .collect();
    members.sort();
    members.dedup();
    let pick = |f: fn(&CrossGroup) -> &String| -> String {
        match base {
            Some(b) if f(b) == f(m) => f(t).clone(),
            _ => f(m).clone(),
        }
    };
    Some(CrossGroup {
        id: m.id,
        kind: pick(|g| &g.kind),
        members,
        note: pick(|g| &g.note),
    })
}

/// Three commits of a merge: the common ancestor (none when the histories share none), mine
/// and theirs (see [`Mine`]).
#[derive(Clone, Copy, Debug)]
pub struct Commits<'a> {
    /// The merge base.
    pub base: Option<&'a str>,
    /// Mine.
    pub mine: &'a str,
    /// Theirs.
    pub theirs: &'a str,
}

/// How merging `document`'s annotation file at these commits renumbers mine's annotations, for
/// the link file at `links_path` (relative to the work tree; the same annotator's): what the
/// annotation file's merge driver did or does, worked out again from the same three versions.
pub fn renumbering_at(
    git: &WorkTree,
    commits: Commits<'_>,
    links_path: &Path,
    document: &str,
) -> Renumbering {
    let (Some(annotator), Some(project)) = (
        links_path.file_stem(),
        links_path
            .parent()
            .filter(|p| p.file_name().is_some_and(|n| n == LINKS_DIR))
            .and_then(Path::parent),
    ) else {
        return Renumbering::default();
    };
    let file = project
        .join(super::ANNOTATIONS_DIR)
        .join(annotator)
        .join(format!("{document}.ron"));
    let text = |commit: Option<&str>| -> Option<String> {
        let spec = format!("{}:{}", commit?, file.to_string_lossy().replace('\\', "/"));
        Some(git.run(["show", &spec]).ok()?.stdout)
    };
    let (Some(mine), Some(theirs)) = (text(Some(commits.mine)), text(Some(commits.theirs))) else {
        return Renumbering::default();
    };
    let base = text(commits.base);
    merge_annotation_texts(base.as_deref(), &mine, &theirs, &file)
        .map(|merged| merged.renumbering)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CrossMember;

    fn group(id: u64, members: &[(&str, u64)]) -> CrossGroup {
        CrossGroup {
            id: GroupId(id),
            kind: "same".into(),
            members: members
                .iter()
                .map(|(d, a)| CrossMember {
                    document: (*d).into(),
                    annotation: AnnotationId(*a),
                })
                .collect(),
            note: String::new(),
        }
    }

    fn file(groups: Vec<CrossGroup>, next_id: u64) -> CrossLinkFile {
        CrossLinkFile {
            next_id,
            groups,
            ..CrossLinkFile::new("alice")
        }
    }

    #[test]
    fn groups_added_on_both_sides_are_all_kept_and_changed_groups_merge_their_members() {
        let base = file(vec![group(1, &[("a", 1), ("b", 1)])], 2);
        // Mine adds a member to 1 and a new group 2; theirs removes b#1 from 1 (adding c#1)
        // and adds another group 2, and the same group as mine's (folded).
        let mine = file(
            vec![
                group(1, &[("a", 1), ("b", 1), ("d", 1)]),
                group(2, &[("a", 2), ("b", 2)]),
                group(3, &[("a", 5), ("b", 5)]),
            ],
            4,
        );
        let theirs = file(
            vec![
                group(1, &[("a", 1), ("c", 1)]),
                group(2, &[("a", 3), ("b", 3)]),
                group(3, &[("a", 5), ("b", 5)]),
            ],
            4,
        );
        let (groups, next, report) = merge_groups(&base, &mine, &theirs);
        let members = |id: u64| -> Vec<(String, u64)> {
            groups
                .iter()
                .find(|g| g.id.0 == id)
                .unwrap()
                .members
                .iter()
                .map(|m| (m.document.clone(), m.annotation.0))
                .collect()
        };
        assert_eq!(
            members(1),
            vec![("a".into(), 1), ("c".into(), 1), ("d".into(), 1)]
        );
        assert_eq!(members(2), vec![("a".into(), 3), ("b".into(), 3)]);
        assert_eq!(members(3), vec![("a".into(), 5), ("b".into(), 5)]);
        assert_eq!(members(4), vec![("a".into(), 2), ("b".into(), 2)]);
        assert_eq!(groups.len(), 4, "{report}");
        assert_eq!(next, 5);
    }

    #[test]
    fn schema_labels_added_on_both_sides_are_all_kept_in_order() {
        let base = Schema::default_schema();
        let mut mine = base.clone();
        let mut theirs = base.clone();
        let mut a = base.labels[0].clone();
        a.name = "MINE".into();
        a.hotkey = None;
        mine.labels.push(a);
        let mut b = base.labels[0].clone();
        b.name = "THEIRS".into();
        b.hotkey = None;
        theirs.labels.insert(1, b);
        let text = |s: &Schema| to_pretty_ron(s, Path::new("schema.ron")).unwrap();
        let merged = merge_texts(
            Versions {
                base: &text(&base),
                ours: &text(&mine),
                theirs: &text(&theirs),
            },
            Path::new("schema.ron"),
            FileKind::Schema,
            Mine::Ours,
            &|_| Renumbering::default(),
        )
        .unwrap();
        assert!(merged.unresolved.is_empty(), "{:?}", merged.unresolved);
        let schema = Schema::from_ron(&merged.text).unwrap();
        let names: Vec<&str> = schema.labels.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names[1], "THEIRS");
        assert_eq!(names.last(), Some(&"MINE"));
        assert_eq!(names.len(), base.labels.len() + 2);
    }
}
