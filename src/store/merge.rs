//! Merging two versions of a file by id, against the version both came from (three-way).
//!
//! When an annotation file changed on disk while this program had unsaved changes to it, there
//! are three versions: the base (the file as this program last loaded or saved it), mine (the
//! store in memory) and theirs (the file on disk now). Item by item, by id:
//!
//! | mine vs base | theirs vs base | result |
//! |---|---|---|
//! | same | changed, added or removed | theirs |
//! | changed, added or removed | same | mine |
//! | the same change on both sides | | that change |
//! | changed | changed differently | **a conflict**: mine, carrying theirs in its [`Annotation::conflict`] |
//! | removed | changed | **a conflict**: theirs, marked "removed on the other side" |
//! | changed | removed | **a conflict**: mine, marked "removed on the other side" |
//!
//! Conflicts are listed in [`MergeReport::both`]; nothing is lost and nothing is decided
//! until someone picks a version in the window. Two versions that differ only in who made
//! them and when are no conflict. A relation link changed on both sides keeps the version that
//! exists, mine first.
//!
//! Ids come from one counter per file, so both sides may have handed out the same new id to
//! different annotations. Theirs keep their ids (they are on disk and may be referred to from
//! elsewhere); mine that mark the same text with the same label as one of theirs become that
//! one (a span both added is there once); the others that collide are given new ids above both
//! counters, and the references to them (links, span-reference attributes) follow
//! ([`MergeReport::renumbered`], [`Renumbering`]). The merged
//! counter is the largest of all. Links and span references that point at an annotation the
//! merge left out are dropped and listed ([`MergeReport::dropped`]).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use super::AnnotationStore;
use crate::model::{
    Annotation, AnnotationId, AttributeValue, GroupId, Link, LinkId, MergeConflict,
};

/// How one side changed an item against the base.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItemChange {
    /// Not in the base.
    Added,
    /// In the base, different now.
    Changed,
    /// In the base, gone now.
    Removed,
}

/// An item of a file merged by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Item {
    /// An annotation.
    Annotation(AnnotationId),
    /// A link between two annotations of a document.
    Link(LinkId),
    /// A cross-document group.
    Group(GroupId),
}

impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Item::Annotation(id) => write!(f, "annotation {id}"),
            Item::Link(id) => write!(f, "{id}"),
            Item::Group(id) => write!(f, "group #{}", id.0),
        }
    }
}

/// Where one item of a three-way merge comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Both sides agree (unchanged, or the same change on both).
    Same,
    /// Only the file on disk changed it: theirs is taken.
    Theirs(ItemChange),
    /// Only this side changed it: mine is kept.
    Mine(ItemChange),
    /// Both changed it, differently (or one removed what the other changed): a conflict.
    Both,
}

/// What a merge took from where, or — before one is chosen — what differs between the file
/// on disk and the unsaved changes here (the same classification).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergeReport {
    /// Items added, changed or removed only in the file on disk: taken from it.
    pub taken: Vec<(Item, ItemChange)>,
    /// Items added, changed or removed only here: kept.
    pub kept: Vec<(Item, ItemChange)>,
    /// Items changed on both sides, differently: kept as conflicts with both versions.
    pub both: Vec<Item>,
    /// Items added here whose id the file on disk had used meanwhile, with their new id.
    pub renumbered: Vec<(Item, u64)>,
    /// Links, references and group members left out because what they point at is gone,
    /// one sentence each.
    pub dropped: Vec<String>,
}

impl MergeReport {
    /// True when neither side changed anything.
    pub fn is_empty(&self) -> bool {
        *self == MergeReport::default()
    }

    /// Adds `item` to the list its outcome belongs in.
    pub fn record(&mut self, item: Item, outcome: Outcome) {
        match outcome {
            Outcome::Same => {}
            Outcome::Theirs(c) => self.taken.push((item, c)),
            Outcome::Mine(c) => self.kept.push((item, c)),
            Outcome::Both => self.both.push(item),
        }
    }
}

fn count(changes: &[(Item, ItemChange)]) -> String {
    let n = |k| changes.iter().filter(|(_, c)| *c == k).count();
    format!(
        "{} added, {} changed, {} removed",
        n(ItemChange::Added),
        n(ItemChange::Changed),
        n(ItemChange::Removed)
    )
}

impl fmt::Display for MergeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "on disk: {}; here: {}",
            count(&self.taken),
            count(&self.kept)
        )?;
        if !self.both.is_empty() {
            let items: Vec<String> = self.both.iter().map(Item::to_string).collect();
            write!(
                f,
                "; changed on both sides (both versions kept, to decide in the details): {}",
                items.join(", ")
            )?;
        }
        if !self.renumbered.is_empty() {
            write!(f, "; {} given new ids", self.renumbered.len())?;
        }
        if !self.dropped.is_empty() {
            write!(f, "; left out: {}", self.dropped.join("; "))?;
        }
        Ok(())
    }
}

/// Three-way merge of maps by key (see the module docs): each key of any side with the value
/// it ends up with (`None`: removed) and where that comes from.
pub fn three_way<K: Ord + Copy, V: PartialEq + Clone>(
    base: &BTreeMap<K, V>,
    mine: &BTreeMap<K, V>,
    theirs: &BTreeMap<K, V>,
) -> Vec<(K, Option<V>, Outcome)> {
    let keys: BTreeSet<K> = base
        .keys()
        .chain(mine.keys())
        .chain(theirs.keys())
        .copied()
        .collect();
    keys.into_iter()
        .map(|k| {
            let (b, m, t) = (base.get(&k), mine.get(&k), theirs.get(&k));
            let change = |side: Option<&V>| match (b, side) {
                (None, _) => ItemChange::Added,
                (Some(_), None) => ItemChange::Removed,
                (Some(_), Some(_)) => ItemChange::Changed,
            };
            let (value, outcome) = if m == t {
                (m, Outcome::Same)
            } else if m == b {
                (t, Outcome::Theirs(change(t)))
            } else if t == b {
                (m, Outcome::Mine(change(m)))
            } else {
                (m, Outcome::Both)
            };
            (k, value.cloned(), outcome)
        })
        .collect()
}

/// The ids this side handed out since the base that the other side may have handed out too:
/// at or above the base's counter, below theirs, not in the base, and not the very same item
/// on both sides. Each gets a new id from `fresh` on, in order.
pub fn colliding_ids<V: PartialEq>(
    base: &BTreeMap<u64, V>,
    base_next: u64,
    mine: &BTreeMap<u64, V>,
    theirs: &BTreeMap<u64, V>,
    theirs_next: u64,
    fresh: &mut u64,
) -> BTreeMap<u64, u64> {
    let mut map = BTreeMap::new();
    for (id, value) in mine {
        let new_here = !base.contains_key(id) && *id >= base_next;
        if new_here && *id < theirs_next && theirs.get(id) != Some(value) {
            map.insert(*id, *fresh);
            *fresh += 1;
        }
    }
    map
}

/// An annotation or a link (they share one id counter per file), borrowed from a side until
/// the merge has to change it: a merge of two 100 000-annotation files copies only what
/// it renumbers and what it finally keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // short-lived, one per id, mostly borrowed
enum Entry<'a> {
    Annotation(Cow<'a, Annotation>),
    Link(Cow<'a, Link>),
}

fn entries(store: &AnnotationStore) -> BTreeMap<u64, Entry<'_>> {
    store
        .annotations()
        .map(|a| (a.id.0, Entry::Annotation(Cow::Borrowed(a))))
        .chain(
            store
                .links()
                .map(|l| (l.id.0, Entry::Link(Cow::Borrowed(l)))),
        )
        .collect()
}

fn renumber_refs(a: &mut Annotation, map: &BTreeMap<u64, u64>) {
    for value in a.attributes.values_mut() {
        if let AttributeValue::Refs(ids) = value {
            for id in ids.iter_mut() {
                if let Some(new) = map.get(&id.0) {
                    *id = AnnotationId(*new);
                }
            }
        }
    }
}

/// What makes two annotations added independently on both sides the same one: the label and
/// the text they mark.
fn same_mark(a: &Annotation, b: &Annotation) -> bool {
    a.label == b.label
        && a.fragments.len() == b.fragments.len()
        && a.fragments
            .iter()
            .zip(&b.fragments)
            .all(|(x, y)| x.start == y.start && x.end == y.end)
}

/// True when `a` and `b` say the same, whoever made them and when: an annotation both sides
/// added is taken once, without a conflict, when only its author and times differ.
fn same_content(a: &Annotation, b: &Annotation) -> bool {
    same_mark(a, b) && a.attributes == b.attributes && a.note == b.note
}

/// How merging `mine` and `theirs` renumbers annotations: mine's that moved, and either
/// side's folded into another ([`MergedStore::renumbered`], [`MergedStore::folded`]); a link
/// file's merge works it out from the same three versions of an annotation file
/// ([`super::merge_text::MergedText::renumbering`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Renumbering {
    /// Mine's annotations given other ids: old → new.
    pub mine: BTreeMap<AnnotationId, AnnotationId>,
    /// Annotations (ids after the above) folded into another: old → kept.
    pub folded: BTreeMap<AnnotationId, AnnotationId>,
}

/// Which sides changed an annotation the merge keeps: only changes of different sides fold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sides {
    Mine,
    Theirs,
    /// The same change on both.
    Both,
}

/// The first id neither side nor the base has handed out.
fn first_fresh(base: &AnnotationStore, mine: &AnnotationStore, theirs: &AnnotationStore) -> u64 {
    mine.next_id().max(theirs.next_id()).max(base.next_id())
}

/// The new ids of `mine`'s additions: those that mark the same text with the same label as
/// one of `theirs`'s additions become that one (so a span both added is there once), links
/// both added likewise, and the rest that collide with an id `theirs` handed out get fresh
/// ids from `fresh` on.
fn renumber_map(
    base: &AnnotationStore,
    mine: &AnnotationStore,
    theirs: &AnnotationStore,
    fresh: &mut u64,
) -> BTreeMap<u64, u64> {
    let added = |id: u64| base.get(AnnotationId(id)).is_none();
    // Their additions by what they mark, to find the same span added on both sides.
    let mut theirs_added: BTreeMap<Mark<'_>, AnnotationId> = BTreeMap::new();
    for a in theirs.annotations() {
        if added(a.id.0) {
            let key: Vec<(usize, usize)> = a.fragments.iter().map(|f| (f.start, f.end)).collect();
            theirs_added.entry((a.label.as_str(), key)).or_insert(a.id);
        }
    }
    let mut map: BTreeMap<u64, u64> = BTreeMap::new();
    for a in mine.annotations() {
        if !added(a.id.0) || theirs.get(a.id) == Some(a) {
            continue;
        }
        let key: Vec<(usize, usize)> = a.fragments.iter().map(|f| (f.start, f.end)).collect();
        if let Some(&same) = theirs_added.get(&(a.label.as_str(), key)) {
            if same != a.id {
                map.insert(a.id.0, same.0);
            }
            continue;
        }
    }
    let base_entries = entries(base);
    let mut mine_entries = entries(mine);
    mine_entries.retain(|id, _| !map.contains_key(id));
    let theirs_entries = entries(theirs);
    let colliding = colliding_ids(
        &base_entries,
        base.next_id(),
        &mine_entries,
        &theirs_entries,
        theirs.next_id(),
        fresh,
    );
    // A link both sides added between the same two annotations is taken once.
    let theirs_links: BTreeMap<(&str, u64, u64), u64> = theirs
        .links()
        .filter(|l| base.link(l.id).is_none())
        .map(|l| ((l.kind.as_str(), l.from.0, l.to.0), l.id.0))
        .collect();
    let moved = |id: u64| map.get(&id).or(colliding.get(&id)).copied().unwrap_or(id);
    let mut result = colliding.clone();
    result.extend(map.iter().map(|(k, v)| (*k, *v)));
    for l in mine.links().filter(|l| base.link(l.id).is_none()) {
        let key = (l.kind.as_str(), moved(l.from.0), moved(l.to.0));
        if let Some(&same) = theirs_links.get(&key) {
            result.insert(l.id.0, same);
        }
    }
    result
}

/// A label and the ranges of its fragments.
type Mark<'a> = (&'a str, Vec<(usize, usize)>);

/// A merged store of one document's annotations: see the module docs.
#[derive(Debug)]
pub struct MergedStore {
    /// The annotations and links after the merge.
    pub store: AnnotationStore,
    /// What came from where.
    pub report: MergeReport,
    /// My annotations and links that were given new ids: old → new.
    pub renumbered: BTreeMap<AnnotationId, AnnotationId>,
    /// Annotations (of either side, by their id after renumbering) that turned out to mark
    /// the same text with the same label as another, and were folded into it: old → kept.
    pub folded: BTreeMap<AnnotationId, AnnotationId>,
}

/// The version kept of an item both sides changed differently, with the other carried in
/// its [`Annotation::conflict`]: mine where it exists, else theirs (the side that changed
/// what mine removed). Links have no room for another version: the one that exists is kept.
fn with_conflict<'a>(mine: Option<Entry<'a>>, theirs: Option<Entry<'a>>) -> Option<Entry<'a>> {
    let other_of = |e: Option<Entry>| match e {
        Some(Entry::Annotation(a)) => {
            let mut a = a.into_owned();
            a.conflict = None;
            Some(a)
        }
        _ => None,
    };
    match (mine, theirs) {
        (Some(Entry::Annotation(mut a)), theirs) => {
            if let Some(Entry::Annotation(t)) = &theirs
                && same_content(&a, t)
            {
                // Only who and when differ: no decision to ask for.
                return Some(Entry::Annotation(a));
            }
            a.to_mut().conflict = Some(Box::new(MergeConflict {
                other: other_of(theirs),
            }));
            Some(Entry::Annotation(a))
        }
        (None, Some(Entry::Annotation(mut t))) => {
            t.to_mut().conflict = Some(Box::new(MergeConflict { other: None }));
            Some(Entry::Annotation(t))
        }
        (Some(link @ Entry::Link(_)), _) | (None, Some(link @ Entry::Link(_))) => Some(link),
        (None, None) => None,
    }
}

/// Merges `mine` and `theirs`, both changed from `base`, by id (see the module docs).
pub fn merge_stores(
    base: &AnnotationStore,
    mine: &AnnotationStore,
    theirs: &AnnotationStore,
) -> MergedStore {
    merge_stores_within(base, mine, theirs, &|_| false)
}

/// [`merge_stores`] of part of a file: the annotations for which `outside` is true are not in
/// these stores but are the same in all three versions and stay in the merged file (a merge
/// of big files reads only what differs, [`super::merge_text`]). What the stores hold may
/// point at them; neither they nor anything the merge keeps unchanged is folded, so the result
/// is the part of what [`merge_stores`] of the whole files gives.
pub fn merge_stores_within(
    base: &AnnotationStore,
    mine: &AnnotationStore,
    theirs: &AnnotationStore,
    outside: &dyn Fn(AnnotationId) -> bool,
) -> MergedStore {
    let base_entries = entries(base);
    let theirs_entries = entries(theirs);
    let mut fresh = first_fresh(base, mine, theirs);
    let map = renumber_map(base, mine, theirs, &mut fresh);
    let mut report = MergeReport::default();
    // Mine with the colliding ids moved, and every reference to them.
    let mine_entries: BTreeMap<u64, Entry> = entries(mine)
        .into_values()
        .map(|entry| match entry {
            Entry::Annotation(mut a) => {
                if let Some(new) = map.get(&a.id.0) {
                    report.renumbered.push((Item::Annotation(a.id), *new));
                    a.to_mut().id = AnnotationId(*new);
                }
                if a.referenced_ids().any(|r| map.contains_key(&r.0)) {
                    renumber_refs(a.to_mut(), &map);
                }
                // Folded into the same span theirs added: theirs stands unless mine says
                // something else about it.
                if let Some(Entry::Annotation(t)) = theirs_entries.get(&a.id.0)
                    && base.get(a.id).is_none()
                    && same_content(&a, t)
                {
                    return (a.id.0, Entry::Annotation(t.clone()));
                }
                (a.id.0, Entry::Annotation(a))
            }
            Entry::Link(mut l) => {
                if let Some(new) = map.get(&l.id.0) {
                    report.renumbered.push((Item::Link(l.id), *new));
                    l.to_mut().id = LinkId(*new);
                }
                for (end, new) in [(l.from, 0), (l.to, 1)] {
                    if let Some(id) = map.get(&end.0) {
                        let l = l.to_mut();
                        *(if new == 0 { &mut l.from } else { &mut l.to }) = AnnotationId(*id);
                    }
                }
                (l.id.0, Entry::Link(l))
            }
        })
        .collect();

    let mut annotations = BTreeMap::new();
    let mut links = Vec::new();
    // Which sides changed each annotation kept, for folding.
    let mut changed_by: HashMap<AnnotationId, Sides> = HashMap::new();
    for (id, value, outcome) in three_way(&base_entries, &mine_entries, &theirs_entries) {
        // An id that is an annotation on one side and a link on the other is reported as what
        // it ends up as (or was).
        let item = |entry: &Entry| match entry {
            Entry::Annotation(_) => Item::Annotation(AnnotationId(id)),
            Entry::Link(_) => Item::Link(LinkId(id)),
        };
        let shown = value
            .as_ref()
            .or_else(|| base_entries.get(&id))
            .or_else(|| mine_entries.get(&id))
            .or_else(|| theirs_entries.get(&id));
        if let Some(entry) = shown {
            report.record(item(entry), outcome);
        }
        let value = if outcome == Outcome::Both {
            with_conflict(
                mine_entries.get(&id).cloned(),
                theirs_entries.get(&id).cloned(),
            )
        } else {
            value
        };
        match value {
            Some(Entry::Annotation(a)) => {
                let sides = match outcome {
                    Outcome::Mine(_) => Some(Sides::Mine),
                    Outcome::Theirs(_) => Some(Sides::Theirs),
                    Outcome::Same
                        if !matches!(base_entries.get(&id),
                            Some(Entry::Annotation(b)) if **b == *a) =>
                    {
                        Some(Sides::Both)
                    }
                    Outcome::Same | Outcome::Both => None,
                };
                if let Some(sides) = sides {
                    changed_by.insert(a.id, sides);
                }
                annotations.insert(a.id, a);
            }
            Some(Entry::Link(l)) => links.push(l),
            None => {}
        }
    }
    // One side relabelled or moved an annotation onto what the other added: one thing, kept
    // once (the lowest id, which existed first). Only changes of different sides fold: what
    // one side did alone (two spans it marked alike) is that side's, as it left it. Keyed by
    // label and first fragment, borrowed.
    let mut marks: HashMap<(&str, usize, usize), Vec<AnnotationId>> = HashMap::new();
    let mut folded: BTreeMap<AnnotationId, AnnotationId> = BTreeMap::new();
    for a in annotations.values().filter(|a| a.conflict.is_none()) {
        let (Some(first), Some(sides)) = (a.fragments.first(), changed_by.get(&a.id)) else {
            continue;
        };
        let seen = marks
            .entry((a.label.as_str(), first.start, first.end))
            .or_default();
        let fold_into = seen
            .iter()
            .find(|other| changed_by[*other] != *sides && same_mark(&annotations[*other], a));
        match fold_into {
            Some(kept) => {
                folded.insert(a.id, *kept);
            }
            None => seen.push(a.id),
        }
    }
    drop(marks);
    if !folded.is_empty() {
        let raw: BTreeMap<u64, u64> = folded.iter().map(|(k, v)| (k.0, v.0)).collect();
        for (gone, kept) in &folded {
            if let Some(a) = annotations.remove(gone) {
                report.dropped.push(format!(
                    "annotation {gone} marked the same text as {kept} ({}): kept once",
                    a.label
                ));
            }
        }
        for a in annotations.values_mut() {
            if a.referenced_ids().any(|r| raw.contains_key(&r.0)) {
                renumber_refs(a.to_mut(), &raw);
            }
        }
        for l in &mut links {
            if raw.contains_key(&l.from.0) || raw.contains_key(&l.to.0) {
                let l = l.to_mut();
                for end in [&mut l.from, &mut l.to] {
                    if let Some(new) = raw.get(&end.0) {
                        *end = AnnotationId(*new);
                    }
                }
            }
        }
        let mut seen = BTreeSet::new();
        links.retain(|l| seen.insert((l.kind.clone(), l.from, l.to)));
    }
    // What points at an annotation the merge left out.
    let present = |r: &AnnotationId, annotations: &BTreeMap<AnnotationId, Cow<Annotation>>| {
        annotations.contains_key(r) || outside(*r)
    };
    let gone: Vec<AnnotationId> = annotations
        .values()
        .filter(|a| a.referenced_ids().any(|r| !present(&r, &annotations)))
        .map(|a| a.id)
        .collect();
    for id in gone {
        let present = |r: &AnnotationId| present(r, &annotations);
        let mut a = annotations[&id].clone().into_owned();
        let label = a.label.clone();
        for (name, value) in a.attributes.iter_mut() {
            if let AttributeValue::Refs(ids) = value {
                for r in ids.iter().filter(|r| !present(r)) {
                    report.dropped.push(format!(
                        "the reference from {label} {id} ({name}) to {r}, which is gone"
                    ));
                }
                ids.retain(|r| present(r));
            }
        }
        a.attributes
            .retain(|_, v| !matches!(v, AttributeValue::Refs(ids) if ids.is_empty()));
        annotations.insert(id, Cow::Owned(a));
    }
    let mut store = AnnotationStore::new();
    let present = |r: &AnnotationId| annotations.contains_key(r) || outside(*r);
    for l in &links {
        if !present(&l.from) || !present(&l.to) {
            report.dropped.push(format!(
                "{} {} from {} to {}, whose annotation is gone",
                l.id, l.kind, l.from, l.to
            ));
        }
    }
    let links: Vec<Cow<Link>> = links
        .into_iter()
        .filter(|l| present(&l.from) && present(&l.to))
        .collect();
    for a in annotations.into_values() {
        store.put(a.into_owned());
    }
    for l in links {
        store.put_link(l.into_owned());
    }
    store.set_next_id(fresh);
    MergedStore {
        store,
        report,
        renumbered: map
            .into_iter()
            .filter(|(old, _)| mine.get(AnnotationId(*old)).is_some())
            .map(|(old, new)| (AnnotationId(old), AnnotationId(new)))
            .collect(),
        folded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-char annotation at `start`.
    fn ann(id: u64, label: &str, start: usize) -> Annotation {
        Annotation::fixture(id, label, &[(start, start + 1)])
    }

    fn store(annotations: &[Annotation], links: &[Link], next_id: u64) -> AnnotationStore {
        let mut s = AnnotationStore::new();
        annotations.iter().cloned().for_each(|a| {
            s.put(a);
        });
        links.iter().cloned().for_each(|l| {
            s.put_link(l);
        });
        s.set_next_id(next_id);
        s
    }

    #[test]
    fn each_side_keeps_what_only_it_changed_and_mine_wins_on_both() {
        let base = store(&[ann(1, "A", 0), ann(2, "B", 2), ann(3, "C", 4)], &[], 4);
        // Mine: relabel 1, remove 3, add 4 (and a link 5 from it to 2).
        let link = Link {
            id: LinkId(5),
            kind: "rel".into(),
            from: AnnotationId(4),
            to: AnnotationId(2),
        };
        let mine = store(
            &[ann(1, "A2", 0), ann(2, "B", 2), ann(4, "D", 6)],
            &[link],
            6,
        );
        // Theirs: relabel 1 differently, relabel 2, add 4 (another annotation: collides).
        let theirs = store(
            &[
                ann(1, "A3", 0),
                ann(2, "B3", 2),
                ann(3, "C", 4),
                ann(4, "E", 8),
            ],
            &[],
            5,
        );
        let merged = merge_stores(&base, &mine, &theirs);
        let labels: Vec<(u64, &str)> = merged
            .store
            .annotations()
            .map(|a| (a.id.0, a.label.as_str()))
            .collect();
        assert_eq!(labels, vec![(1, "A2"), (2, "B3"), (4, "E"), (6, "D")]);
        let link = merged.store.links().next().unwrap();
        assert_eq!((link.id.0, link.from.0, link.to.0), (5, 6, 2));
        assert_eq!(merged.store.next_id(), 7);
        assert_eq!(merged.report.both, vec![Item::Annotation(AnnotationId(1))]);
        assert_eq!(
            merged.report.renumbered,
            vec![(Item::Annotation(AnnotationId(4)), 6)]
        );
        assert!(
            merged
                .report
                .taken
                .contains(&(Item::Annotation(AnnotationId(2)), ItemChange::Changed))
        );
        assert!(
            merged
                .report
                .kept
                .contains(&(Item::Annotation(AnnotationId(3)), ItemChange::Removed))
        );
    }

    #[test]
    fn links_to_what_the_other_side_removed_are_dropped() {
        let base = store(&[ann(1, "A", 0), ann(2, "B", 2)], &[], 3);
        let link = Link {
            id: LinkId(3),
            kind: "rel".into(),
            from: AnnotationId(1),
            to: AnnotationId(2),
        };
        let mine = store(&[ann(1, "A", 0), ann(2, "B", 2)], &[link], 4);
        let theirs = store(&[ann(1, "A", 0)], &[], 3);
        let merged = merge_stores(&base, &mine, &theirs);
        assert_eq!(merged.store.len(), 1);
        assert_eq!(merged.store.links().len(), 0);
        assert_eq!(merged.report.dropped.len(), 1, "{}", merged.report);
    }
}
