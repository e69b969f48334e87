//! Adjudication: what several annotators said about a document, as review items, and the
//! decisions a reviewer makes about them in the curated set ([`CURATED`]).
//!
//! An item is one thing the annotators marked (or some of them did): the spans of one layer
//! that are the same, or overlap without a second span of the same annotator. Identical spans
//! (same fragments) are grouped first; then groups that overlap and share no annotator are
//! merged, biggest overlap first, so a boundary disagreement is one item while an
//! organisation and the place nested in it stay two. Each item is marked:
//! [`ItemStatus::BoundaryConflict`] (fragments differ), else [`ItemStatus::LabelConflict`]
//! (labels differ), else [`ItemStatus::OnlySome`] (some annotators have no span), else
//! [`ItemStatus::Agree`].
//!
//! A decision is a curated annotation: a copy of one annotator's version (label, fragments,
//! attributes, with the spans its references point at copied along), with the review state
//! (accepted, rejected, edited; pending when only a comment was made), the reviewer, the time
//! and the annotators who proposed that version. Deciding again replaces it under the same id,
//! so what refers to it stays valid. Every decision is one undoable step of the curated
//! workspace.
//!
//! [`Layers`] reads other annotators' stores read-only, for review and for showing them next
//! to one's own.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use thiserror::Error;

use crate::edit::Edit;
use crate::model::{
    Annotation, AnnotationId, AttributeValue, CharRange, Fragment, Review, ReviewState, Timestamp,
};
use crate::project::{DocId, Project, Step, Workspace};
use crate::schema::{Layer, Schema};
use crate::store::fingerprint::{RACY_WINDOW, Stat};
use crate::store::{AnnotationFile, AnnotationStore};

pub use crate::project::CURATED;

/// How the annotators' spans of an item compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItemStatus {
    /// Their spans cover different characters.
    BoundaryConflict,
    /// Same characters, different labels.
    LabelConflict,
    /// They agree, but some annotators have no span here.
    OnlySome,
    /// Every annotator has the same span with the same label.
    Agree,
}

impl ItemStatus {
    /// True for everything but full agreement.
    pub fn is_disagreement(self) -> bool {
        self != ItemStatus::Agree
    }

    /// A short name for lists and the legend.
    pub fn name(self) -> &'static str {
        match self {
            ItemStatus::BoundaryConflict => "boundary conflict",
            ItemStatus::LabelConflict => "label conflict",
            ItemStatus::OnlySome => "only some annotators",
            ItemStatus::Agree => "all agree",
        }
    }
}

/// One annotator's span in an item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    /// Whose.
    pub annotator: String,
    /// Its id in that annotator's file.
    pub id: AnnotationId,
    /// Its label.
    pub label: String,
    /// Its fragments.
    pub ranges: Vec<CharRange>,
    /// The suggester it was accepted from, when it was machine-proposed.
    pub suggested: Option<crate::model::Suggester>,
}

impl Version {
    fn same_as(&self, other: &Version) -> bool {
        self.label == other.label && self.ranges == other.ranges
    }
}

/// One thing the annotators marked, with their versions and what the curated set decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewItem {
    /// From the first character of any version to the last.
    pub extent: CharRange,
    /// The layer of its spans.
    pub layer: Layer,
    /// One per annotator who marked it, in the annotators' order.
    pub versions: Vec<Version>,
    /// The annotators who did not.
    pub missing: Vec<String>,
    /// How the versions compare.
    pub status: ItemStatus,
    /// The curated annotation deciding it, and its review state.
    pub decision: Option<(AnnotationId, ReviewState)>,
}

impl ReviewItem {
    /// True when a decision other than "pending" was made.
    pub fn is_decided(&self) -> bool {
        matches!(self.decision, Some((_, state)) if state != ReviewState::Pending)
    }

    /// The version most annotators share (the first of those on a tie).
    pub fn majority(&self) -> usize {
        let mut best = (0, 0);
        for (i, v) in self.versions.iter().enumerate() {
            let n = self.versions.iter().filter(|w| w.same_as(v)).count();
            if n > best.1 {
                best = (i, n);
            }
        }
        best.0
    }

    /// The version more annotators share than any other, or `None` on a tie (two versions
    /// shared by as many annotators): what Accept takes.
    pub fn clear_majority(&self) -> Option<usize> {
        let count = |v: &Version| self.versions.iter().filter(|w| w.same_as(v)).count();
        let best = self.majority();
        let top = count(self.versions.get(best)?);
        let rivals = self
            .versions
            .iter()
            .filter(|v| !v.same_as(&self.versions[best]) && count(v) == top)
            .count();
        (rivals == 0).then_some(best)
    }

    /// The version annotator `name` made, if any.
    pub fn version_of(&self, name: &str) -> Option<usize> {
        self.versions.iter().position(|v| v.annotator == name)
    }
}

/// The review items of one document: the spans of `annotators` (name and store, in the
/// order the reviewer chose) by layer, grouped as the module explains, by position; each
/// with the curated annotation that decides it, if any.
pub fn review_items(
    schema: &Schema,
    annotators: &[(&str, &AnnotationStore)],
    curated: &AnnotationStore,
) -> Vec<ReviewItem> {
    let layer_of = |label: &str| schema.label(label).map_or(Layer::Entity, |l| l.layer);
    // Identical spans first: (layer, fragments) → versions.
    let mut same: BTreeMap<SpanKey, Vec<Version>> = BTreeMap::new();
    for (name, store) in annotators {
        for ann in store.annotations() {
            let ranges: Vec<CharRange> = ann.fragments.iter().map(Fragment::range).collect();
            let key = (
                layer_key(layer_of(&ann.label)),
                ranges.iter().map(|r| (r.start, r.end)).collect(),
            );
            same.entry(key).or_default().push(Version {
                annotator: (*name).to_owned(),
                id: ann.id,
                label: ann.label.clone(),
                ranges,
                suggested: ann.source.as_ref().map(|s| s.suggester.clone()),
            });
        }
    }
    let mut groups: Vec<Group> = same
        .into_iter()
        .map(|((layer, _), versions)| Group::new(layer, versions))
        .collect();
    merge_overlapping(&mut groups);

    let order: HashMap<&str, usize> = annotators
        .iter()
        .enumerate()
        .map(|(i, (n, _))| (*n, i))
        .collect();
    let mut items: Vec<ReviewItem> = groups
        .into_iter()
        .filter(|g| !g.versions.is_empty())
        .map(|mut g| {
            g.versions
                .sort_by_key(|v| (order.get(v.annotator.as_str()).copied(), v.id));
            let missing = annotators
                .iter()
                .map(|(n, _)| *n)
                .filter(|n| !g.versions.iter().any(|v| v.annotator == *n))
                .map(str::to_owned)
                .collect::<Vec<_>>();
            let first = &g.versions[0];
            let status = if g.versions.iter().any(|v| v.ranges != first.ranges) {
                ItemStatus::BoundaryConflict
            } else if g.versions.iter().any(|v| v.label != first.label) {
                ItemStatus::LabelConflict
            } else if !missing.is_empty() {
                ItemStatus::OnlySome
            } else {
                ItemStatus::Agree
            };
            ReviewItem {
                extent: g.extent,
                layer: if g.layer == 0 {
                    Layer::Entity
                } else {
                    Layer::Commitment
                },
                versions: g.versions,
                missing,
                status,
                decision: None,
            }
        })
        .collect();
    items.sort_by_key(|i| (i.extent.start, i.extent.end, layer_key(i.layer)));
    attach_decisions(&mut items, schema, curated);
    items
}

/// A layer and the fragments' (start, end): what identical spans share.
type SpanKey = (u8, Vec<(usize, usize)>);

fn layer_key(layer: Layer) -> u8 {
    match layer {
        Layer::Entity => 0,
        Layer::Commitment => 1,
    }
}

/// Spans grouped so far: one layer, at most one span per annotator once merged.
struct Group {
    layer: u8,
    extent: CharRange,
    versions: Vec<Version>,
}

impl Group {
    fn new(layer: u8, versions: Vec<Version>) -> Self {
        let extent = versions[0]
            .ranges
            .first()
            .map_or(CharRange::new(0, 0), |f| {
                CharRange::new(f.start, versions[0].ranges.last().map_or(f.end, |l| l.end))
            });
        Self {
            layer,
            extent,
            versions,
        }
    }

    fn has_annotator(&self, name: &str) -> bool {
        self.versions.iter().any(|v| v.annotator == name)
    }
}

/// Characters two sets of fragments share.
fn shared_chars(a: &[CharRange], b: &[CharRange]) -> usize {
    a.iter()
        .flat_map(|x| {
            b.iter()
                .map(move |y| x.end.min(y.end).saturating_sub(x.start.max(y.start)))
        })
        .sum()
}

/// Merges groups of one layer that overlap and share no annotator, biggest overlap first:
/// every overlapping pair is found once (groups sorted by start, so each is compared only
/// with those starting before it ends), then merged greedily.
fn merge_overlapping(groups: &mut Vec<Group>) {
    groups.sort_by_key(|g| (g.layer, g.extent.start, g.extent.end));
    let mut pairs: Vec<(usize, usize, usize)> = Vec::new();
    for i in 0..groups.len() {
        for j in i + 1..groups.len() {
            let (a, b) = (&groups[i], &groups[j]);
            if b.layer != a.layer || b.extent.start >= a.extent.end {
                break;
            }
            let shared = shared_chars(&a.versions[0].ranges, &b.versions[0].ranges);
            if shared > 0 {
                pairs.push((shared, i, j));
            }
        }
    }
    // Biggest overlap first; on a tie, the earlier pair.
    pairs.sort_by(|x, y| y.0.cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
    // Which group each has been merged into.
    let mut into: Vec<usize> = (0..groups.len()).collect();
    fn root(into: &mut [usize], mut i: usize) -> usize {
        while into[i] != i {
            into[i] = into[into[i]];
            i = into[i];
        }
        i
    }
    for (_, i, j) in pairs {
        let (ri, rj) = (root(&mut into, i), root(&mut into, j));
        if ri == rj {
            continue;
        }
        let clash = groups[rj]
            .versions
            .iter()
            .any(|v| groups[ri].has_annotator(&v.annotator));
        if clash {
            continue;
        }
        let moved = std::mem::take(&mut groups[rj].versions);
        let extent = groups[rj].extent;
        let target = &mut groups[ri];
        target.versions.extend(moved);
        target.extent = CharRange::new(
            target.extent.start.min(extent.start),
            target.extent.end.max(extent.end),
        );
        into[rj] = ri;
    }
    groups.retain(|g| !g.versions.is_empty());
}

/// Gives each item the curated annotation of its layer that is one of its versions (label
/// and fragments); then each item still without one, the one with a version's fragments;
/// then the curated annotation that overlaps it and was proposed by one of its annotators (a
/// decision edited since). Closer matches go first, for every item, so a decision is never
/// taken by an item it is not about while its own item goes without.
fn attach_decisions(items: &mut [ReviewItem], schema: &Schema, curated: &AnnotationStore) {
    let layer_of = |label: &str| schema.label(label).map_or(Layer::Entity, |l| l.layer);
    let mut taken: Vec<AnnotationId> = Vec::new();
    for pass in [Match::Version, Match::Fragments, Match::Proposer] {
        for item in items.iter_mut().filter(|i| i.decision.is_none()) {
            let found = curated
                .fragments_in(item.extent)
                .into_iter()
                .filter_map(|(_, id)| curated.get(id))
                .find(|c| {
                    if taken.contains(&c.id) || layer_of(&c.label) != item.layer {
                        return false;
                    }
                    let ranges =
                        || -> Vec<CharRange> { c.fragments.iter().map(Fragment::range).collect() };
                    match pass {
                        Match::Version => {
                            let ranges = ranges();
                            item.versions
                                .iter()
                                .any(|v| v.ranges == ranges && v.label == c.label)
                        }
                        Match::Fragments => {
                            let ranges = ranges();
                            item.versions.iter().any(|v| v.ranges == ranges)
                        }
                        Match::Proposer => c
                            .review
                            .proposed_by
                            .iter()
                            .any(|p| item.versions.iter().any(|v| &v.annotator == p)),
                    }
                })
                .map(|c| (c.id, c.review.state));
            if let Some((id, _)) = found {
                taken.push(id);
            }
            item.decision = found;
        }
    }
}

/// How closely a curated annotation matches an item, in the order they are tried.
#[derive(Clone, Copy)]
enum Match {
    Version,
    Fragments,
    Proposer,
}

/// What a reviewer decides about an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// The version most annotators share goes into the gold set (refused on a tie: the
    /// reviewer takes a version).
    Accept,
    /// It is not part of the gold set (the decision is kept, so the item reads as done).
    Reject,
    /// Annotator `k`'s version (0-based, in the annotators' order) goes into the gold set.
    Take(usize),
    /// Version `k` is copied into the curated set for the reviewer to edit.
    Edit(usize),
}

/// Why a decision could not be made.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum ReviewError {
    /// The item has no version `k`.
    #[error("the item has no version {}", .0 + 1)]
    NoVersion(usize),
    /// The version's annotation is no longer in its annotator's file.
    #[error("{annotator}'s annotation {id} is gone from their file; reload the layers")]
    Gone {
        /// Whose.
        annotator: String,
        /// Which.
        id: AnnotationId,
    },
    /// Decisions go to the curated set only.
    #[error("decisions go to the curated set, and this workspace is {0}'s")]
    NotCurated(String),
    /// Accept on an item whose versions are split evenly: no version is the majority.
    #[error(
        "a tie: {} — no version is the majority; take one with its number key (1–{})",
        .versions.join("; "),
        .versions.len()
    )]
    Tie {
        /// Each version, numbered, as the reviewer sees it (`1 aigerim: PERSON “托卡耶夫”`).
        versions: Vec<String>,
    },
    /// The curated file's ids are used up.
    #[error(
        "no new id can be given in the curated file of this document: its ids are used up; `accord validate` names the file"
    )]
    IdsUsedUp,
    /// No item has this index.
    #[error("there is no review item {0}")]
    NoItem(usize),
}

/// The step that records `decision` about item `index` of `items` (the review items of
/// document `doc`) in the curated workspace `ws`.
pub fn decision_step(
    ws: &Workspace,
    doc: DocId,
    items: &[ReviewItem],
    index: usize,
    decision: Decision,
    annotators: &[(&str, &AnnotationStore)],
) -> Result<Step, ReviewError> {
    let item = items.get(index).ok_or(ReviewError::NoItem(index))?;
    let (k, state) = match decision {
        Decision::Accept => (
            item.clear_majority().ok_or_else(|| tie(ws, doc, item))?,
            ReviewState::Accepted,
        ),
        // Any version records the rejection; the majority's when there is one.
        Decision::Reject => (item.majority(), ReviewState::Rejected),
        Decision::Take(k) => (k, ReviewState::Accepted),
        Decision::Edit(k) => (k, ReviewState::Edited),
    };
    let mut plan = Plan::new(ws, doc, items)?;
    plan.put_version(index, k, state, None, annotators)?;
    Ok(plan.into_step())
}

/// The error for Accept on a tie, listing the versions with their text.
fn tie(ws: &Workspace, doc: DocId, item: &ReviewItem) -> ReviewError {
    let document = ws.document(doc);
    ReviewError::Tie {
        versions: item
            .versions
            .iter()
            .enumerate()
            .map(|(k, v)| {
                let text: Vec<&str> = v
                    .ranges
                    .iter()
                    .filter_map(|r| document.and_then(|d| d.slice(*r)))
                    .collect();
                format!(
                    "{} {}: {} “{}”",
                    k + 1,
                    v.annotator,
                    v.label,
                    text.join(" … ")
                )
            })
            .collect(),
    }
}

/// The step that puts `comment` on item `index`: the note of its decision, or of a pending
/// copy of the majority version when it is not decided yet.
pub fn comment_step(
    ws: &Workspace,
    doc: DocId,
    items: &[ReviewItem],
    index: usize,
    comment: &str,
    annotators: &[(&str, &AnnotationStore)],
) -> Result<Step, ReviewError> {
    let item = items.get(index).ok_or(ReviewError::NoItem(index))?;
    match item.decision {
        Some((id, _)) => Ok(vec![(
            doc,
            Edit::SetNote {
                id,
                note: comment.to_owned(),
            },
        )]
        .into()),
        None => {
            let mut plan = Plan::new(ws, doc, items)?;
            plan.put_version(
                index,
                item.majority(),
                ReviewState::Pending,
                Some(comment),
                annotators,
            )?;
            Ok(plan.into_step())
        }
    }
}

/// Every agreeing item of the document not decided yet, accepted: one step.
pub fn accept_agreed_step(
    ws: &Workspace,
    doc: DocId,
    items: &[ReviewItem],
    annotators: &[(&str, &AnnotationStore)],
) -> Result<Step, ReviewError> {
    let mut plan = Plan::new(ws, doc, items)?;
    for (index, item) in items.iter().enumerate() {
        if item.status == ItemStatus::Agree && item.decision.is_none() {
            plan.put_version(index, 0, ReviewState::Accepted, None, annotators)?;
        }
    }
    Ok(plan.into_step())
}

/// The puts of one step, with the ids they will have. Each item is one curated annotation:
/// its decision's id when it has one, else the id given to it in this step — whether it is
/// decided itself or copied in because a decision refers to one of its spans.
struct Plan<'w> {
    ws: &'w Workspace,
    doc: DocId,
    items: &'w [ReviewItem],
    next_id: u64,
    now: Timestamp,
    puts: Vec<Annotation>,
    /// Ids given in this step to items (by index) that had no decision.
    given: HashMap<usize, AnnotationId>,
}

impl<'w> Plan<'w> {
    fn new(ws: &'w Workspace, doc: DocId, items: &'w [ReviewItem]) -> Result<Self, ReviewError> {
        if ws.annotator != CURATED {
            return Err(ReviewError::NotCurated(ws.annotator.clone()));
        }
        Ok(Self {
            ws,
            doc,
            items,
            next_id: ws.store(doc).next_id(),
            now: Timestamp::now(),
            puts: Vec::new(),
            given: HashMap::new(),
        })
    }

    fn into_step(self) -> Step {
        let doc = self.doc;
        self.puts
            .into_iter()
            .map(|a| (doc, Edit::Put(Box::new(a))))
            .collect::<Vec<_>>()
            .into()
    }

    /// A new id (never one in use: the counter stops short of `u64::MAX`).
    fn fresh_id(&mut self) -> Result<AnnotationId, ReviewError> {
        if self.next_id == u64::MAX {
            return Err(ReviewError::IdsUsedUp);
        }
        let id = AnnotationId(self.next_id);
        self.next_id += 1;
        Ok(id)
    }

    /// The curated id of item `index`: its decision's, the one given in this step, or a new
    /// one (and whether it is new).
    fn item_id(&mut self, index: usize) -> Result<(AnnotationId, bool), ReviewError> {
        if let Some((id, _)) = self.items[index].decision {
            return Ok((id, false));
        }
        if let Some(id) = self.given.get(&index) {
            return Ok((*id, false));
        }
        let id = self.fresh_id()?;
        self.given.insert(index, id);
        Ok((id, true))
    }

    /// Puts `annotation`, replacing what this step put under its id before (in place, so it
    /// stays before what refers to it).
    fn put(&mut self, annotation: Annotation) {
        match self.puts.iter_mut().find(|a| a.id == annotation.id) {
            Some(slot) => *slot = annotation,
            None => self.puts.push(annotation),
        }
    }

    /// The curated id of the span `source` of `annotator` that a chosen version refers to:
    /// the curated annotation of its item (decided already, or put in this step), else one
    /// put now as accepted, as that item's. A span in no item is matched by label and
    /// fragments.
    fn id_for(
        &mut self,
        source: &Annotation,
        annotator: &str,
    ) -> Result<AnnotationId, ReviewError> {
        let item = self.items.iter().position(|i| {
            i.versions
                .iter()
                .any(|v| v.annotator == annotator && v.id == source.id)
        });
        let (id, proposed_by) = match item {
            Some(index) => {
                let (id, new) = self.item_id(index)?;
                if !new {
                    return Ok(id);
                }
                let versions = &self.items[index].versions;
                let version = versions
                    .iter()
                    .find(|v| v.annotator == annotator && v.id == source.id);
                let proposed_by = versions
                    .iter()
                    .filter(|v| version.is_some_and(|w| v.same_as(w)))
                    .map(|v| v.annotator.clone())
                    .collect();
                (id, proposed_by)
            }
            None => {
                let ranges: Vec<CharRange> = source.fragments.iter().map(Fragment::range).collect();
                let same = |a: &Annotation| {
                    a.label == source.label
                        && a.fragments
                            .iter()
                            .map(Fragment::range)
                            .eq(ranges.iter().copied())
                };
                if let Some(a) = self.puts.iter().find(|a| same(a)) {
                    return Ok(a.id);
                }
                let curated = self.ws.store(self.doc);
                if let Some(extent) = ranges.first()
                    && let Some(id) = curated
                        .fragments_in(*extent)
                        .into_iter()
                        .map(|(_, id)| id)
                        .find(|id| curated.get(*id).is_some_and(same))
                {
                    return Ok(id);
                }
                (self.fresh_id()?, vec![annotator.to_owned()])
            }
        };
        let mut copy = self.copy(source, id, ReviewState::Accepted, proposed_by);
        // One level of references: the spans a commitment points at point at nothing.
        copy.attributes
            .retain(|_, v| !matches!(v, AttributeValue::Refs(_)));
        self.put(copy);
        Ok(id)
    }

    fn copy(
        &self,
        source: &Annotation,
        id: AnnotationId,
        state: ReviewState,
        proposed_by: Vec<String>,
    ) -> Annotation {
        let decided = state != ReviewState::Pending;
        Annotation {
            id,
            label: source.label.clone(),
            fragments: source.fragments.clone(),
            attributes: source.attributes.clone(),
            note: String::new(),
            review: Review {
                state,
                reviewer: decided.then(|| self.ws.author.clone()),
                time: decided.then(|| self.now.clone()),
                proposed_by,
            },
            author: self.ws.author.clone(),
            created: self.now.clone(),
            modified: self.now.clone(),
            source: None,
            conflict: None,
        }
    }

    fn put_version(
        &mut self,
        index: usize,
        k: usize,
        state: ReviewState,
        note: Option<&str>,
        annotators: &[(&str, &AnnotationStore)],
    ) -> Result<(), ReviewError> {
        let item = &self.items[index];
        let version = item.versions.get(k).ok_or(ReviewError::NoVersion(k))?;
        let store = annotators
            .iter()
            .find(|(n, _)| *n == version.annotator)
            .map(|(_, s)| *s);
        let gone = || ReviewError::Gone {
            annotator: version.annotator.clone(),
            id: version.id,
        };
        let source = store.and_then(|s| s.get(version.id)).ok_or_else(gone)?;
        let proposed_by: Vec<String> = item
            .versions
            .iter()
            .filter(|v| v.same_as(version))
            .map(|v| v.annotator.clone())
            .collect();
        let annotator = version.annotator.clone();
        // Deciding again keeps the id, so what refers to the decision stays valid.
        let (id, _) = self.item_id(index)?;
        let mut copy = self.copy(source, id, state, proposed_by);
        let old = self.ws.store(self.doc).get(id);
        copy.note = match (note, old) {
            (Some(n), _) => n.to_owned(),
            (None, Some(old)) => old.note.clone(),
            (None, None) => String::new(),
        };
        if let Some(old) = old {
            copy.created = old.created.clone();
        }
        // References point at the curated annotations of the spans they point at.
        let mut attributes = copy.attributes.clone();
        for value in attributes.values_mut() {
            if let AttributeValue::Refs(ids) = value {
                let mut mapped = Vec::new();
                for r in ids.iter() {
                    if let Some(target) = store.and_then(|s| s.get(*r)) {
                        mapped.push(self.id_for(target, &annotator)?);
                    }
                }
                *ids = mapped;
            }
        }
        attributes.retain(|_, v| !matches!(v, AttributeValue::Refs(ids) if ids.is_empty()));
        copy.attributes = attributes;
        // After the spans it refers to (put by `id_for` above), so its references are valid
        // when it goes in.
        self.put(copy);
        Ok(())
    }
}

/// Other annotators' annotations, read from their files when first asked for and never
/// written: the layers shown next to one's own, and what review compares. Read again when
/// their file changes on disk (a `git pull` brings a colleague's work): [`Layers::reload_changed`].
#[derive(Debug, Default)]
pub struct Layers {
    stores: HashMap<(String, DocId), LayerFile>,
}

/// One annotator's store of one document, and the file's stat when it was read.
#[derive(Debug)]
struct LayerFile {
    store: Result<AnnotationStore, String>,
    /// `None` when there was no file (or it could not be looked at).
    stat: Option<Stat>,
    /// The file was changed so shortly before it was read that its stat cannot prove a later
    /// change of the same size in the same tick did not happen: read again at the next look.
    racy: bool,
}

impl Layers {
    /// Forgets everything read (another project, or the files changed).
    pub fn clear(&mut self) {
        self.stores.clear();
    }

    /// `annotator`'s store of `doc`, read if it was not: empty when they have no file, the
    /// error when the file cannot be read.
    pub fn load(
        &mut self,
        project: &Project,
        annotator: &str,
        doc: DocId,
    ) -> Result<&AnnotationStore, &str> {
        let key = (annotator.to_owned(), doc);
        if !self.stores.contains_key(&key) {
            self.stores
                .insert(key.clone(), read_layer(project, annotator, doc));
        }
        self.stores[&key].store.as_ref().map_err(String::as_str)
    }

    /// `annotator`'s store of `doc` if it was read and could be.
    pub fn get(&self, annotator: &str, doc: DocId) -> Option<&AnnotationStore> {
        self.stores
            .get(&(annotator.to_owned(), doc))
            .and_then(|l| l.store.as_ref().ok())
    }

    /// Reads again the layers whose file changed on disk since it was read (come, gone, or
    /// replaced): one `stat` per layer read, and a read only of the files that changed.
    /// Returns those read again, with the error of one that can no longer be read.
    pub fn reload_changed(&mut self, project: &Project) -> Vec<(String, DocId, Option<String>)> {
        let mut reloaded = Vec::new();
        for ((annotator, doc), layer) in &mut self.stores {
            if !layer.racy && stat_of(project, annotator, *doc) == layer.stat {
                continue;
            }
            let again = read_layer(project, annotator, *doc);
            let changed = again.stat != layer.stat
                || match (&again.store, &layer.store) {
                    (Ok(new), Ok(old)) => new.annotations().ne(old.annotations()),
                    (Err(new), Err(old)) => new != old,
                    _ => true,
                };
            *layer = again;
            if changed {
                reloaded.push((annotator.clone(), *doc, layer.store.as_ref().err().cloned()));
            }
        }
        reloaded.sort();
        reloaded
    }
}

/// The annotation file of `annotator` for `doc`.
fn layer_path(project: &Project, annotator: &str, doc: DocId) -> Option<std::path::PathBuf> {
    project
        .slot(doc)
        .map(|s| project.annotation_path(annotator, s.file()))
}

/// The stat of that file, `None` when there is none (or it leads out of the project).
fn stat_of(project: &Project, annotator: &str, doc: DocId) -> Option<Stat> {
    let path = layer_path(project, annotator, doc)?;
    let real = project.dir.resolve(&path).ok()?;
    std::fs::metadata(real).ok().map(|m| Stat::of(&m))
}

fn read_layer(project: &Project, annotator: &str, doc: DocId) -> LayerFile {
    // The stat first: a change while reading is then seen at the next look.
    let stat = stat_of(project, annotator, doc);
    let racy = stat.is_some_and(|s| {
        s.modified
            .and_then(|m| std::time::SystemTime::now().duration_since(m).ok())
            .is_none_or(|age| age < RACY_WINDOW)
    });
    let store = layer_path(project, annotator, doc)
        .filter(|p| project.has(p))
        .map_or(Ok(AnnotationStore::new()), |p| {
            AnnotationFile::load_store_in(&project.dir, &p)
                .map(|l| l.store)
                .map_err(|e| e.to_string())
        });
    LayerFile { store, stat, racy }
}

impl fmt::Display for ItemStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
