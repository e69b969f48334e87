//! Cross-document groups in memory: an annotator's `links/<annotator>.ron`, changed only by
//! [`GroupEdit`]s, each of which returns the edit that undoes it, like an annotation
//! [`crate::edit::Edit`]. A group ties annotations of several documents that are the same thing
//! (the same promise told in Chinese and Arabic); an annotation is in at most one group of a
//! kind, and a group has at least two members.

use std::collections::BTreeMap;

use thiserror::Error;

use super::cross::CrossLinkFile;
use crate::model::{CrossGroup, CrossMember, GroupId};
use crate::schema::Schema;

/// One change to the groups.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupEdit {
    /// Starts a group with the next free id.
    Create {
        /// A cross-document kind of the schema.
        kind: String,
        /// At least two members.
        members: Vec<CrossMember>,
        /// Free-text note.
        note: String,
    },
    /// Puts a group in exactly as given, replacing one with that id (undo of a removal or of
    /// a change).
    Put(CrossGroup),
    /// Removes a group.
    Remove {
        /// Which group.
        id: GroupId,
    },
    /// Adds a member to a group.
    AddMember {
        /// Which group.
        id: GroupId,
        /// The new member.
        member: CrossMember,
    },
    /// Removes a member from a group that keeps at least two.
    RemoveMember {
        /// Which group.
        id: GroupId,
        /// The member.
        member: CrossMember,
    },
    /// Replaces a group's note.
    SetNote {
        /// Which group.
        id: GroupId,
        /// The new note.
        note: String,
    },
}

/// Why a group edit was refused. The groups are unchanged.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum GroupError {
    /// No group has this id.
    #[error("group {} does not exist", .0.0)]
    UnknownGroup(GroupId),
    /// The schema has no such cross-document kind.
    #[error("{0:?} is not a cross-document kind of the schema")]
    UnknownKind(String),
    /// A group needs two members.
    #[error("a group needs at least two members")]
    TooFewMembers,
    /// The same annotation twice in one group.
    #[error("{} #{} is in the group twice", .0.document, .0.annotation.0)]
    DuplicateMember(CrossMember),
    /// The member's annotation does not exist.
    #[error("{} has no annotation #{}", .0.document, .0.annotation.0)]
    MissingMember(CrossMember),
    /// Every group id has been handed out (the link file came with an id or `next_id` of
    /// 18446744073709551615).
    #[error(
        "no new group id can be given: the link file's ids are used up; `accord validate` names it — renumber its highest group ids and lower next_id"
    )]
    IdsUsedUp,
    /// The member's label is not one the kind groups.
    #[error("a {label} annotation cannot be in a {kind} group")]
    LabelNotAllowed {
        /// The member's label.
        label: String,
        /// The group's kind.
        kind: String,
    },
    /// The annotation is already in another group of this kind.
    #[error("{} #{} is already in {kind} group {}", .member.document, .member.annotation.0, .group.0)]
    AlreadyGrouped {
        /// The member.
        member: CrossMember,
        /// The group it is in.
        group: GroupId,
        /// The kind.
        kind: String,
    },
    /// The annotation is not a member of the group.
    #[error("{} #{} is not in group {}", .member.document, .member.annotation.0, .group.0)]
    NotAMember {
        /// The member.
        member: CrossMember,
        /// The group.
        group: GroupId,
    },
}

/// The groups of one annotator, with the id counter and a revision for "unsaved".
#[derive(Clone, Debug, Default)]
pub struct GroupStore {
    groups: BTreeMap<GroupId, CrossGroup>,
    next_id: u64,
    revision: u64,
}

impl GroupStore {
    /// No groups; ids start at 1.
    pub fn new() -> Self {
        Self {
            next_id: 1,
            ..Self::default()
        }
    }

    /// The groups of a link file as read (not checked: [`crate::validate`] reports problems).
    pub fn from_file(file: CrossLinkFile) -> Self {
        let mut store = Self::new();
        for mut group in file.groups {
            group.members.sort();
            store.next_id = store.next_id.max(group.id.0.saturating_add(1));
            store.groups.insert(group.id, group);
        }
        store.next_id = store.next_id.max(file.next_id);
        store
    }

    /// The link file of these groups for `annotator`.
    pub fn to_file(&self, annotator: &str) -> CrossLinkFile {
        CrossLinkFile {
            next_id: self.next_id,
            groups: self.groups.values().cloned().collect(),
            ..CrossLinkFile::new(annotator)
        }
    }

    /// All groups, by id.
    pub fn groups(&self) -> impl ExactSizeIterator<Item = &CrossGroup> {
        self.groups.values()
    }

    /// The group with this id.
    pub fn get(&self, id: GroupId) -> Option<&CrossGroup> {
        self.groups.get(&id)
    }

    /// True when there is no group.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The groups `member` belongs to.
    pub fn groups_of<'a>(
        &'a self,
        member: &'a CrossMember,
    ) -> impl Iterator<Item = &'a CrossGroup> + 'a {
        self.groups
            .values()
            .filter(move |g| g.members.contains(member))
    }

    /// The group of `kind` that `member` belongs to.
    pub fn group_of_kind(&self, member: &CrossMember, kind: &str) -> Option<&CrossGroup> {
        self.groups
            .values()
            .find(|g| g.kind == kind && g.members.contains(member))
    }

    /// The next id the store will hand out.
    pub fn next_id(&self) -> u64 {
        self.next_id
    }

    /// A number that changes whenever the groups do.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Makes the revision newer than `old`, the revision of the store this one replaces (a
    /// link file reloaded from disk).
    pub(crate) fn continue_revision(&mut self, old: u64) {
        self.revision = self.revision.max(old + 1);
    }

    /// Gives every membership of `from` to `to` instead (an annotation given a new id when
    /// its file was merged). Returns how many groups changed.
    pub(crate) fn rename_member(&mut self, from: &CrossMember, to: &CrossMember) -> usize {
        let mut changed = 0;
        for group in self.groups.values_mut() {
            if let Some(m) = group.members.iter_mut().find(|m| *m == from) {
                *m = to.clone();
                group.members.sort();
                changed += 1;
            }
        }
        if changed > 0 {
            self.revision += 1;
        }
        changed
    }

    /// Applies `edit`. `label_of` gives the label of a member's annotation (`None` when it
    /// does not exist). Returns the edit that undoes it; on error nothing changed.
    pub fn apply<'a>(
        &mut self,
        edit: &GroupEdit,
        schema: &Schema,
        label_of: impl Fn(&CrossMember) -> Option<&'a str>,
    ) -> Result<GroupEdit, GroupError> {
        let inverse = match edit {
            GroupEdit::Create {
                kind,
                members,
                note,
            } => {
                // `u64::MAX` is never handed out: the counter would wrap to ids in use.
                if self.next_id == u64::MAX {
                    return Err(GroupError::IdsUsedUp);
                }
                let group = CrossGroup {
                    id: GroupId(self.next_id),
                    kind: kind.clone(),
                    members: members.clone(),
                    note: note.clone(),
                };
                let group = self.checked(group, schema, &label_of)?;
                let id = group.id;
                self.next_id += 1;
                self.groups.insert(id, group);
                GroupEdit::Remove { id }
            }
            GroupEdit::Put(group) => {
                let group = self.checked(group.clone(), schema, &label_of)?;
                self.next_id = self.next_id.max(group.id.0.saturating_add(1));
                let id = group.id;
                match self.groups.insert(id, group) {
                    Some(old) => GroupEdit::Put(old),
                    None => GroupEdit::Remove { id },
                }
            }
            GroupEdit::Remove { id } => {
                let old = self
                    .groups
                    .remove(id)
                    .ok_or(GroupError::UnknownGroup(*id))?;
                GroupEdit::Put(old)
            }
            GroupEdit::AddMember { id, member } => {
                let mut group = self.existing(*id)?.clone();
                group.members.push(member.clone());
                let group = self.checked(group, schema, &label_of)?;
                self.groups.insert(*id, group);
                GroupEdit::RemoveMember {
                    id: *id,
                    member: member.clone(),
                }
            }
            GroupEdit::RemoveMember { id, member } => {
                let mut group = self.existing(*id)?.clone();
                let before = group.members.len();
                group.members.retain(|m| m != member);
                if group.members.len() == before {
                    return Err(GroupError::NotAMember {
                        member: member.clone(),
                        group: *id,
                    });
                }
                if group.members.len() < 2 {
                    return Err(GroupError::TooFewMembers);
                }
                self.groups.insert(*id, group);
                GroupEdit::AddMember {
                    id: *id,
                    member: member.clone(),
                }
            }
            GroupEdit::SetNote { id, note } => {
                let group = self
                    .groups
                    .get_mut(id)
                    .ok_or(GroupError::UnknownGroup(*id))?;
                let old = std::mem::replace(&mut group.note, note.clone());
                GroupEdit::SetNote { id: *id, note: old }
            }
        };
        self.revision += 1;
        Ok(inverse)
    }

    /// Puts group `id` back exactly as given, or removes it with `None`: replaying the journal
    /// ([`super::journal`]), whose values were checked when they were made.
    pub(crate) fn restore(&mut self, id: GroupId, group: Option<CrossGroup>) {
        match group {
            Some(group) => {
                self.next_id = self.next_id.max(id.0.saturating_add(1));
                self.groups.insert(id, group);
            }
            None => {
                self.groups.remove(&id);
            }
        }
        self.revision += 1;
    }

    /// Raises the id counter to at least `next_id` (replaying the journal).
    pub(crate) fn set_next_id(&mut self, next_id: u64) {
        self.next_id = self.next_id.max(next_id);
    }

    fn existing(&self, id: GroupId) -> Result<&CrossGroup, GroupError> {
        self.groups.get(&id).ok_or(GroupError::UnknownGroup(id))
    }

    /// The group with sorted members, if it follows every rule; its id may be new or replace
    /// an existing group.
    fn checked<'a>(
        &self,
        mut group: CrossGroup,
        schema: &Schema,
        label_of: &impl Fn(&CrossMember) -> Option<&'a str>,
    ) -> Result<CrossGroup, GroupError> {
        let kind = schema
            .group_kind(&group.kind)
            .ok_or_else(|| GroupError::UnknownKind(group.kind.clone()))?;
        group.members.sort();
        if let Some(pair) = group.members.windows(2).find(|p| p[0] == p[1]) {
            return Err(GroupError::DuplicateMember(pair[0].clone()));
        }
        if group.members.len() < 2 {
            return Err(GroupError::TooFewMembers);
        }
        for member in &group.members {
            let label =
                label_of(member).ok_or_else(|| GroupError::MissingMember(member.clone()))?;
            if !kind.allows(label) {
                return Err(GroupError::LabelNotAllowed {
                    label: label.to_owned(),
                    kind: kind.name.clone(),
                });
            }
            if let Some(other) = self
                .group_of_kind(member, &group.kind)
                .filter(|other| other.id != group.id)
            {
                return Err(GroupError::AlreadyGrouped {
                    member: member.clone(),
                    group: other.id,
                    kind: group.kind.clone(),
                });
            }
        }
        Ok(group)
    }
}

/// The edits that link annotations `a` and `b` as the same thing of `kind`: `b` joins `a`'s
/// group (or `a` joins `b`'s), a new group starts when neither has one, and two groups merge
/// into the older one when both have one. `None` when they are already in the same group.
pub fn link_edits(
    groups: &GroupStore,
    a: &CrossMember,
    b: &CrossMember,
    kind: &str,
) -> Option<Vec<GroupEdit>> {
    let group_a = groups.group_of_kind(a, kind);
    let group_b = groups.group_of_kind(b, kind);
    Some(match (group_a, group_b) {
        (Some(ga), Some(gb)) if ga.id == gb.id => return None,
        (Some(g), None) => vec![GroupEdit::AddMember {
            id: g.id,
            member: b.clone(),
        }],
        (None, Some(g)) => vec![GroupEdit::AddMember {
            id: g.id,
            member: a.clone(),
        }],
        (None, None) => vec![GroupEdit::Create {
            kind: kind.to_owned(),
            members: vec![a.clone(), b.clone()],
            note: String::new(),
        }],
        (Some(ga), Some(gb)) => {
            let (keep, merged) = if ga.id < gb.id { (ga, gb) } else { (gb, ga) };
            let mut union = keep.clone();
            union.members.extend(merged.members.iter().cloned());
            if union.note.is_empty() {
                union.note = merged.note.clone();
            }
            vec![GroupEdit::Remove { id: merged.id }, GroupEdit::Put(union)]
        }
    })
}

/// The edits that take `member` out of every group: it leaves the groups that keep two
/// members; a group it would leave with one goes entirely.
pub fn unlink_edits(groups: &GroupStore, member: &CrossMember) -> Vec<GroupEdit> {
    groups
        .groups_of(member)
        .map(|g| {
            if g.members.len() > 2 {
                GroupEdit::RemoveMember {
                    id: g.id,
                    member: member.clone(),
                }
            } else {
                GroupEdit::Remove { id: g.id }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AnnotationId;

    fn member(document: &str, id: u64) -> CrossMember {
        CrossMember {
            document: document.into(),
            annotation: AnnotationId(id),
        }
    }

    /// Every member exists; those with an id over 100 are EVENTs, the rest COMMITMENTs.
    fn label(m: &CrossMember) -> Option<&'static str> {
        Some(if m.annotation.0 > 100 {
            "EVENT"
        } else {
            "COMMITMENT"
        })
    }

    fn apply_all(store: &mut GroupStore, edits: &[GroupEdit]) -> Vec<GroupEdit> {
        let schema = Schema::default_schema();
        let mut inverses: Vec<GroupEdit> = edits
            .iter()
            .map(|e| store.apply(e, &schema, label).unwrap())
            .collect();
        inverses.reverse();
        inverses
    }

    #[test]
    fn linking_starts_joins_and_merges_groups_and_undo_restores_each_state() {
        let schema = Schema::default_schema();
        let mut store = GroupStore::new();
        let (zh, ar, ru, kk) = (
            member("zh.txt", 1),
            member("ar.txt", 2),
            member("ru.txt", 3),
            member("kk.txt", 4),
        );
        let kind = "same_commitment";
        let start = link_edits(&store, &zh, &ar, kind).unwrap();
        assert!(matches!(start.as_slice(), [GroupEdit::Create { .. }]));
        apply_all(&mut store, &start);
        assert_eq!(link_edits(&store, &ar, &zh, kind), None, "already linked");

        let join = link_edits(&store, &ru, &zh, kind).unwrap();
        apply_all(&mut store, &join);
        assert_eq!(store.groups().next().unwrap().members.len(), 3);

        // A second group, then a link between the two merges them into the older.
        apply_all(
            &mut store,
            &[GroupEdit::Create {
                kind: kind.into(),
                members: vec![kk.clone(), member("kk.txt", 9)],
                note: "kk".into(),
            }],
        );
        let before: Vec<CrossGroup> = store.groups().cloned().collect();
        let merge = link_edits(&store, &kk, &ar, kind).unwrap();
        let undo = apply_all(&mut store, &merge);
        let groups: Vec<&CrossGroup> = store.groups().collect();
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].id, GroupId(1));
        assert_eq!(groups[0].members.len(), 5);
        for inverse in &undo {
            store.apply(inverse, &schema, label).unwrap();
        }
        assert_eq!(store.groups().cloned().collect::<Vec<_>>(), before);
    }

    #[test]
    fn the_rules_of_a_group_are_kept() {
        let schema = Schema::default_schema();
        let mut store = GroupStore::new();
        let create = |members: Vec<CrossMember>, kind: &str| GroupEdit::Create {
            kind: kind.into(),
            members,
            note: String::new(),
        };
        let (a, b, c) = (member("a", 1), member("b", 2), member("c", 3));
        assert_eq!(
            store.apply(&create(vec![a.clone()], "same_commitment"), &schema, label),
            Err(GroupError::TooFewMembers)
        );
        assert_eq!(
            store.apply(&create(vec![a.clone(), b.clone()], "nope"), &schema, label),
            Err(GroupError::UnknownKind("nope".into()))
        );
        assert!(matches!(
            store.apply(
                &create(vec![a.clone(), member("b", 101)], "same_commitment"),
                &schema,
                label
            ),
            Err(GroupError::LabelNotAllowed { .. })
        ));
        assert_eq!(
            store.apply(
                &create(vec![a.clone(), b.clone()], "same_commitment"),
                &schema,
                |m| (m.annotation.0 != 2).then_some("COMMITMENT")
            ),
            Err(GroupError::MissingMember(b.clone()))
        );
        store
            .apply(
                &create(vec![a.clone(), b.clone()], "same_commitment"),
                &schema,
                label,
            )
            .unwrap();
        assert!(matches!(
            store.apply(
                &create(vec![a.clone(), c.clone()], "same_commitment"),
                &schema,
                label
            ),
            Err(GroupError::AlreadyGrouped { .. })
        ));
        assert_eq!(
            store.apply(
                &GroupEdit::RemoveMember {
                    id: GroupId(1),
                    member: a.clone()
                },
                &schema,
                label
            ),
            Err(GroupError::TooFewMembers),
            "a group keeps two members; unlinking removes it instead"
        );
        assert_eq!(
            unlink_edits(&store, &a),
            vec![GroupEdit::Remove { id: GroupId(1) }]
        );
        assert_eq!(store.next_id(), 2, "refused edits hand out no id");
    }

    #[test]
    fn the_file_round_trips() {
        let mut store = GroupStore::new();
        apply_all(
            &mut store,
            &[GroupEdit::Create {
                kind: "same_commitment".into(),
                members: vec![member("b", 2), member("a", 1)],
                note: "two billion".into(),
            }],
        );
        let file = store.to_file("alice");
        assert_eq!(file.groups[0].members[0], member("a", 1), "members sorted");
        let again = GroupStore::from_file(file.clone());
        assert_eq!(again.to_file("alice"), file);
        assert_eq!(again.next_id(), 2);
    }
}
