//! Annotations of one document by one annotator, in memory and on disk.
//!
//! [`AnnotationStore`] is what edits change (through [`crate::edit`] only) and what views read.
//! [`file`] is its RON form with a format version; [`fingerprint`] tells whether a file changed
//! on disk since it was read or written, and [`merge`] merges two versions of a store by id
//! against the one they came from ([`merge_text`] three versions of a file's text, reading only
//! what differs); [`diff`] lists what changed between two versions, by id. Files are read and
//! written through [`crate::project_dir`].

pub(crate) mod blocks;
pub mod diff;
mod fast_ron;
pub mod file;
pub mod fingerprint;
pub mod merge;
pub mod merge_text;
mod ron_writer;
mod stamp;

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Annotation, AnnotationId, CharRange, Link, LinkId};

pub use file::{AnnotationFile, LoadedFile, StoreError};
pub use stamp::DocumentStamp;

/// Fragments longer than this are kept aside in the span index, so a range query only has to
/// look this far back from its start.
const LONG_FRAGMENT_CHARS: usize = 1024;

/// Finds the fragments that overlap a char range in O(log n + hits).
#[derive(Clone, Debug, Default)]
struct SpanIndex {
    /// (start, end, id) of every fragment up to [`LONG_FRAGMENT_CHARS`] long.
    short: BTreeSet<(usize, usize, AnnotationId)>,
    /// (start, end, id) of longer fragments: few, scanned whole.
    long: BTreeSet<(usize, usize, AnnotationId)>,
}

impl SpanIndex {
    fn set_for(&mut self, range: CharRange) -> &mut BTreeSet<(usize, usize, AnnotationId)> {
        if range.len() > LONG_FRAGMENT_CHARS {
            &mut self.long
        } else {
            &mut self.short
        }
    }

    fn insert(&mut self, annotation: &Annotation) {
        for f in &annotation.fragments {
            self.set_for(f.range())
                .insert((f.start, f.end, annotation.id));
        }
    }

    fn remove(&mut self, annotation: &Annotation) {
        for f in &annotation.fragments {
            self.set_for(f.range())
                .remove(&(f.start, f.end, annotation.id));
        }
    }

    fn overlapping(&self, range: CharRange) -> Vec<(CharRange, AnnotationId)> {
        // An empty query range finds what contains its position (a caret inside a span).
        let range = if range.is_empty() {
            CharRange::new(range.start, range.start + 1)
        } else {
            range
        };
        let lo = (
            range.start.saturating_sub(LONG_FRAGMENT_CHARS),
            0,
            AnnotationId(0),
        );
        let hi = (range.end, 0, AnnotationId(0));
        let mut hits: Vec<(CharRange, AnnotationId)> = self
            .short
            .range(lo..hi)
            .chain(self.long.iter().take_while(|(s, _, _)| *s < range.end))
            .filter(|(s, e, _)| *e > range.start && *s < range.end)
            .map(|&(s, e, id)| (CharRange::new(s, e), id))
            .collect();
        hits.sort_by_key(|(r, id)| (r.start, *id));
        hits
    }
}

/// The annotations and links of one document by one annotator.
#[derive(Clone, Debug, Default)]
pub struct AnnotationStore {
    annotations: BTreeMap<AnnotationId, Annotation>,
    links: BTreeMap<LinkId, Link>,
    /// (end, link) for both ends of every link: the links of an annotation without scanning
    /// them all (a pane draws the relations of the spans on screen every frame).
    link_ends: BTreeSet<(AnnotationId, LinkId)>,
    /// The next id to hand out (annotations and links share the counter). Never decreases.
    next_id: u64,
    index: SpanIndex,
    /// Bumped by every change, so views can tell when to refresh what they derived.
    revision: u64,
    /// Annotations whose review state is not pending, kept up to date by `put` and `take`.
    reviewed: usize,
    /// Annotations a merge left with two versions ([`Annotation::conflict`]), kept up to date
    /// by `put` and `take`: the window counts and steps through them without a scan.
    conflicted: BTreeSet<AnnotationId>,
}

impl AnnotationStore {
    /// An empty store whose ids start at 1.
    pub fn new() -> Self {
        Self {
            next_id: 1,
            ..Self::default()
        }
    }

    /// Number of annotations.
    pub fn len(&self) -> usize {
        self.annotations.len()
    }

    /// True when there is no annotation.
    pub fn is_empty(&self) -> bool {
        self.annotations.is_empty()
    }

    /// The annotation with this id.
    pub fn get(&self, id: AnnotationId) -> Option<&Annotation> {
        self.annotations.get(&id)
    }

    /// All annotations, by id.
    pub fn annotations(&self) -> impl ExactSizeIterator<Item = &Annotation> + Clone {
        self.annotations.values()
    }

    /// All annotations in file order: by start of the first fragment, then id.
    pub fn in_file_order(&self) -> Vec<&Annotation> {
        let mut all: Vec<&Annotation> = self.annotations.values().collect();
        all.sort_by_key(|a| (a.extent().start, a.id));
        all
    }

    /// The link with this id.
    pub fn link(&self, id: LinkId) -> Option<&Link> {
        self.links.get(&id)
    }

    /// All links, by id.
    pub fn links(&self) -> impl ExactSizeIterator<Item = &Link> + Clone {
        self.links.values()
    }

    /// Links that start or end at `id`, by link id. Cost follows the number of hits.
    pub fn links_of(&self, id: AnnotationId) -> impl Iterator<Item = &Link> {
        let mut last = None;
        self.link_ends
            .range((id, LinkId(0))..=(id, LinkId(u64::MAX)))
            // A link from an annotation to itself is listed once.
            .filter(move |(_, l)| last.replace(*l) != Some(*l))
            .filter_map(|(_, l)| self.links.get(l))
    }

    /// Annotations whose attributes refer to `id`.
    pub fn referrers_of(&self, id: AnnotationId) -> impl Iterator<Item = &Annotation> {
        self.annotations
            .values()
            .filter(move |a| a.referenced_ids().any(|r| r == id))
    }

    /// Fragments overlapping `range` (or containing its position when it is empty), sorted by
    /// start then id. Cost follows the number of hits, not the number of annotations.
    pub fn fragments_in(&self, range: CharRange) -> Vec<(CharRange, AnnotationId)> {
        self.index.overlapping(range)
    }

    /// Number of annotations a reviewer has decided on (state other than pending).
    pub fn reviewed(&self) -> usize {
        self.reviewed
    }

    /// Annotations a merge left with two versions to decide, by id.
    pub fn conflicted(&self) -> &BTreeSet<AnnotationId> {
        &self.conflicted
    }

    /// The next id the store will hand out: above every id in it. `u64::MAX` means the ids
    /// are used up (a file came with an id or `next_id` that high): no id is handed out again.
    pub fn next_id(&self) -> u64 {
        self.next_id
    }

    /// The id a new annotation or link would get, or `None` when the ids are used up.
    pub fn free_id(&self) -> Option<u64> {
        (self.next_id < u64::MAX).then_some(self.next_id)
    }

    /// A number that changes whenever the store does.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    // --- Mutation: only `crate::edit` (and loading) calls these, after validating. ---

    /// Hands out the next id. Never one in use: the counter stays above every id (see
    /// [`Self::put`]), and stops at `u64::MAX` rather than wrapping round to ids in use.
    pub(crate) fn alloc_id(&mut self) -> Option<u64> {
        let id = self.free_id()?;
        self.next_id = id + 1;
        Some(id)
    }

    /// Inserts or replaces an annotation; returns the previous one with that id.
    pub(crate) fn put(&mut self, annotation: Annotation) -> Option<Annotation> {
        self.next_id = self.next_id.max(annotation.id.0.saturating_add(1));
        self.revision += 1;
        self.reviewed += is_reviewed(&annotation) as usize;
        if annotation.conflict.is_some() {
            self.conflicted.insert(annotation.id);
        } else if !self.conflicted.is_empty() {
            self.conflicted.remove(&annotation.id);
        }
        // One lookup: loading a file puts every annotation through here.
        match self.annotations.entry(annotation.id) {
            std::collections::btree_map::Entry::Occupied(mut slot) => {
                self.reviewed -= is_reviewed(slot.get()) as usize;
                self.index.remove(slot.get());
                self.index.insert(&annotation);
                Some(slot.insert(annotation))
            }
            std::collections::btree_map::Entry::Vacant(slot) => {
                self.index.insert(&annotation);
                slot.insert(annotation);
                None
            }
        }
    }

    pub(crate) fn take(&mut self, id: AnnotationId) -> Option<Annotation> {
        let old = self.annotations.remove(&id)?;
        self.index.remove(&old);
        self.reviewed -= is_reviewed(&old) as usize;
        self.conflicted.remove(&id);
        self.revision += 1;
        Some(old)
    }

    pub(crate) fn put_link(&mut self, link: Link) -> Option<Link> {
        self.next_id = self.next_id.max(link.id.0.saturating_add(1));
        self.revision += 1;
        self.link_ends.insert((link.from, link.id));
        self.link_ends.insert((link.to, link.id));
        let old = self.links.insert(link.id, link)?;
        let new = &self.links[&old.id];
        for end in [old.from, old.to] {
            if end != new.from && end != new.to {
                self.link_ends.remove(&(end, old.id));
            }
        }
        Some(old)
    }

    pub(crate) fn take_link(&mut self, id: LinkId) -> Option<Link> {
        let old = self.links.remove(&id)?;
        self.link_ends.remove(&(old.from, id));
        self.link_ends.remove(&(old.to, id));
        self.revision += 1;
        Some(old)
    }

    /// Makes the revision newer than `old`, the revision of a store this one replaces (a
    /// file reloaded from disk), so that nothing cached by revision takes one for the other.
    pub(crate) fn continue_revision(&mut self, old: u64) {
        self.revision = self.revision.max(old + 1);
    }

    pub(crate) fn set_next_id(&mut self, next_id: u64) {
        self.next_id = self.next_id.max(next_id);
    }

    /// The id counter and revision, taken before an edit that may have to be rolled back.
    pub(crate) fn counters(&self) -> Counters {
        Counters {
            next_id: self.next_id,
            revision: self.revision,
        }
    }

    /// Puts back the counters after a failed edit was rolled back, so a refused edit leaves the
    /// store exactly as it was: ids it handed out were never seen outside the edit, and the
    /// content is the same as at `counters`, so the revision may be too.
    pub(crate) fn restore_counters(&mut self, counters: Counters) {
        self.next_id = counters.next_id;
        self.revision = counters.revision;
    }
}

fn is_reviewed(annotation: &Annotation) -> bool {
    annotation.review.state != crate::model::ReviewState::Pending
}

/// See [`AnnotationStore::counters`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Counters {
    next_id: u64,
    revision: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ann(id: u64, ranges: &[(usize, usize)]) -> Annotation {
        Annotation::fixture(id, "PERSON", ranges)
    }

    #[test]
    fn range_query_finds_short_long_and_nested_fragments() {
        let mut store = AnnotationStore::new();
        store.put(ann(1, &[(0, 5)]));
        store.put(ann(2, &[(3, 10), (20, 25)]));
        store.put(ann(3, &[(0, 5000)]));
        store.put(ann(4, &[(4000, 4010)]));
        fn ids(store: &AnnotationStore, r: CharRange) -> Vec<u64> {
            store.fragments_in(r).iter().map(|(_, id)| id.0).collect()
        }
        assert_eq!(ids(&store, CharRange::new(4, 6)), vec![1, 3, 2]);
        assert_eq!(ids(&store, CharRange::new(21, 22)), vec![3, 2]);
        assert_eq!(ids(&store, CharRange::new(4005, 4005)), vec![3, 4]);
        assert_eq!(ids(&store, CharRange::new(5000, 6000)), Vec::<u64>::new());
        store.take(AnnotationId(3));
        assert_eq!(ids(&store, CharRange::new(4, 6)), vec![1, 2]);
        assert_eq!(store.next_id(), 5);
    }

    #[test]
    fn reviewed_count_follows_puts_and_takes() {
        let mut store = AnnotationStore::new();
        let mut a = ann(1, &[(0, 5)]);
        store.put(a.clone());
        assert_eq!(store.reviewed(), 0);
        a.review.state = crate::model::ReviewState::Accepted;
        store.put(a.clone());
        store.put(a.clone());
        assert_eq!(store.reviewed(), 1, "replacing counts once");
        store.put(ann(2, &[(6, 9)]));
        assert_eq!(store.reviewed(), 1);
        store.take(AnnotationId(1));
        assert_eq!(store.reviewed(), 0);
    }

    #[test]
    fn conflicted_follow_puts_and_takes() {
        let mut store = AnnotationStore::new();
        let mut a = ann(1, &[(0, 5)]);
        a.conflict = Some(Box::new(crate::model::MergeConflict { other: None }));
        store.put(a.clone());
        store.put(ann(2, &[(6, 9)]));
        assert_eq!(store.conflicted().len(), 1);
        a.conflict = None;
        store.put(a);
        assert!(store.conflicted().is_empty(), "deciding it clears it");
        let mut b = ann(2, &[(6, 9)]);
        b.conflict = Some(Box::new(crate::model::MergeConflict { other: None }));
        store.put(b);
        store.take(AnnotationId(2));
        assert!(store.conflicted().is_empty());
    }
}
