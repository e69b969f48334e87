//! Every change to annotations is an [`Edit`] value. [`apply`] validates it against the
//! document and schema, changes the store, and returns the edit that undoes it; on error the
//! store is left exactly as it was. [`History`] keeps inverses for undo and redo. [`edge`]
//! computes the edits that move a span's edges by a cluster or a word; [`reanchor`] the edits
//! that move annotations to where their text is in a changed document.

pub mod edge;
mod history;
pub mod reanchor;

use std::collections::BTreeMap;

use thiserror::Error;

use crate::model::{
    Annotation, AnnotationId, AttributeValue, CharRange, Document, Fragment, Link, LinkId, Review,
    ReviewState, Source, Timestamp,
};
use crate::rules::{Problem, annotation_problems, link_problems};
use crate::schema::Schema;
use crate::store::AnnotationStore;

pub use history::History;

/// What an edit is checked against, and who makes it when.
#[derive(Clone, Copy, Debug)]
pub struct EditContext<'a> {
    /// The project's schema.
    pub schema: &'a Schema,
    /// The annotated document.
    pub document: &'a Document,
    /// The annotator (or reviewer) making the edit.
    pub author: &'a str,
    /// The time stamped on created or changed annotations.
    pub now: &'a Timestamp,
}

/// One change to a store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    /// Creates an annotation with the next free id.
    Add {
        /// Label name.
        label: String,
        /// One range per fragment (several make a discontinuous span).
        ranges: Vec<CharRange>,
        /// Initial attribute values.
        attributes: BTreeMap<String, AttributeValue>,
        /// The suggester it was accepted from; `None` for a span made by hand.
        source: Option<Source>,
    },
    /// Puts an annotation in exactly as given, id included, replacing one with that id. Undo
    /// of a removal and of every change to an annotation is a `Put` of the old value.
    Put(Box<Annotation>),
    /// Removes an annotation, the links touching it and references to it in attributes.
    Remove {
        /// Which annotation.
        id: AnnotationId,
    },
    /// Gives an annotation another label, keeping the attributes the new label also has.
    Relabel {
        /// Which annotation.
        id: AnnotationId,
        /// The new label.
        label: String,
    },
    /// Moves the ends of one fragment.
    ResizeFragment {
        /// Which annotation.
        id: AnnotationId,
        /// Which fragment (in start order).
        index: usize,
        /// Its new range.
        range: CharRange,
    },
    /// Adds a fragment, making the span discontinuous.
    AddFragment {
        /// Which annotation.
        id: AnnotationId,
        /// The new fragment's range; it must not overlap the others.
        range: CharRange,
    },
    /// Removes one fragment of a discontinuous span.
    RemoveFragment {
        /// Which annotation.
        id: AnnotationId,
        /// Which fragment (in start order).
        index: usize,
    },
    /// Sets (or with `None` clears) an attribute.
    SetAttribute {
        /// Which annotation.
        id: AnnotationId,
        /// Attribute name.
        name: String,
        /// The new value.
        value: Option<AttributeValue>,
    },
    /// Replaces the note.
    SetNote {
        /// Which annotation.
        id: AnnotationId,
        /// The new note.
        note: String,
    },
    /// Sets the review state; the context's author is recorded as reviewer.
    SetReview {
        /// Which annotation.
        id: AnnotationId,
        /// The new state.
        state: ReviewState,
    },
    /// Links two annotations with the next free id.
    AddLink {
        /// Relation kind.
        kind: String,
        /// Source annotation.
        from: AnnotationId,
        /// Target annotation.
        to: AnnotationId,
    },
    /// Puts a link in exactly as given (undo of a removal).
    PutLink(Link),
    /// Removes a link.
    RemoveLink {
        /// Which link.
        id: LinkId,
    },
    /// Several edits applied as one: all or none.
    Batch(Vec<Edit>),
}

/// What applying an edit did: the edit that undoes it, and the annotations it brought into
/// being (an [`Edit::Add`]'s new id, or an annotation a [`Edit::Put`] restored).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// The edit that undoes this one.
    pub inverse: Edit,
    /// Annotations that exist now and did not before, in the order they appeared.
    pub created: Vec<AnnotationId>,
}

/// Why an edit was refused. The store is unchanged.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum EditError {
    /// No annotation has this id.
    #[error("annotation {0} does not exist")]
    UnknownAnnotation(AnnotationId),
    /// No link has this id.
    #[error("{0} does not exist")]
    UnknownLink(LinkId),
    /// No fragment has this index.
    #[error("annotation {id} has no fragment {index}")]
    UnknownFragment {
        /// The annotation.
        id: AnnotationId,
        /// The index asked for.
        index: usize,
    },
    /// An id that is already taken.
    #[error("id {0} is already used by another annotation or link")]
    IdInUse(u64),
    /// The same label over the same fragments as another annotation.
    #[error("{0} already marks this text with this label")]
    MarkedTwice(AnnotationId),
    /// Every id has been handed out (a file came with an id or `next_id` of 18446744073709551615).
    #[error(
        "no new id can be given: this annotation file's ids are used up (an id or next_id is 18446744073709551615); `accord validate` names the file — renumber its highest ids and lower next_id"
    )]
    IdsUsedUp,
    /// The result would be invalid.
    #[error(transparent)]
    Invalid(#[from] Problem),
}

/// Applies `edit` to `store`. Returns the edit that undoes it; on error nothing changed.
pub fn apply(
    store: &mut AnnotationStore,
    ctx: &EditContext<'_>,
    edit: &Edit,
) -> Result<Edit, EditError> {
    apply_inner(store, ctx, edit, &mut Vec::new())
}

/// Applies `edit` like [`apply`], and also says which annotations it created.
pub fn apply_and_report(
    store: &mut AnnotationStore,
    ctx: &EditContext<'_>,
    edit: &Edit,
) -> Result<Applied, EditError> {
    let mut created = Vec::new();
    let inverse = apply_inner(store, ctx, edit, &mut created)?;
    Ok(Applied { inverse, created })
}

fn apply_inner(
    store: &mut AnnotationStore,
    ctx: &EditContext<'_>,
    edit: &Edit,
    created: &mut Vec<AnnotationId>,
) -> Result<Edit, EditError> {
    match edit {
        Edit::Add {
            label,
            ranges,
            attributes,
            source,
        } => {
            let mut ann = Annotation {
                id: AnnotationId(store.free_id().ok_or(EditError::IdsUsedUp)?),
                label: label.clone(),
                fragments: ranges
                    .iter()
                    .map(|r| Fragment {
                        start: r.start,
                        end: r.end,
                        text: String::new(),
                    })
                    .collect(),
                attributes: attributes.clone(),
                note: String::new(),
                review: Review::default(),
                author: ctx.author.to_owned(),
                created: ctx.now.clone(),
                modified: ctx.now.clone(),
                source: source.clone(),
                conflict: None,
            };
            ann.fragments.sort_by_key(|f| f.start);
            check_annotation(&mut ann, store, ctx, &[])?;
            check_not_twice(&ann, store)?;
            let id = AnnotationId(store.alloc_id().ok_or(EditError::IdsUsedUp)?);
            debug_assert_eq!(id, ann.id);
            store.put(ann);
            created.push(id);
            Ok(Edit::Remove { id })
        }
        Edit::Put(ann) => {
            let mut ann = (**ann).clone();
            if store.link(LinkId(ann.id.0)).is_some() {
                return Err(EditError::IdInUse(ann.id.0));
            }
            let given = ann.fragments.clone();
            check_annotation(&mut ann, store, ctx, &given)?;
            let id = ann.id;
            Ok(match store.put(ann) {
                Some(old) => Edit::Put(Box::new(old)),
                None => {
                    created.push(id);
                    Edit::Remove { id }
                }
            })
        }
        Edit::Remove { id } => remove(store, ctx, *id),
        Edit::Relabel { id, label } => {
            check_referrers_accept(store, ctx.schema, *id, label)?;
            relabel(store, ctx, *id, label)
        }
        Edit::ResizeFragment { id, index, range } => modify(store, ctx, *id, |ann, _| {
            let fragment = ann
                .fragments
                .get_mut(*index)
                .ok_or(EditError::UnknownFragment {
                    id: ann.id,
                    index: *index,
                })?;
            fragment.start = range.start;
            fragment.end = range.end;
            ann.fragments.sort_by_key(|f| f.start);
            Ok(())
        }),
        Edit::AddFragment { id, range } => modify(store, ctx, *id, |ann, _| {
            ann.fragments.push(Fragment {
                start: range.start,
                end: range.end,
                text: String::new(),
            });
            ann.fragments.sort_by_key(|f| f.start);
            Ok(())
        }),
        Edit::RemoveFragment { id, index } => modify(store, ctx, *id, |ann, _| {
            if *index >= ann.fragments.len() {
                return Err(EditError::UnknownFragment {
                    id: ann.id,
                    index: *index,
                });
            }
            ann.fragments.remove(*index);
            Ok(())
        }),
        Edit::SetAttribute { id, name, value } => modify(store, ctx, *id, |ann, _| {
            match value {
                Some(v) => ann.attributes.insert(name.clone(), v.clone()),
                None => ann.attributes.remove(name),
            };
            Ok(())
        }),
        Edit::SetNote { id, note } => modify(store, ctx, *id, |ann, _| {
            ann.note = note.clone();
            Ok(())
        }),
        Edit::SetReview { id, state } => modify(store, ctx, *id, |ann, _| {
            // Who proposed a curated annotation stays whatever is decided about it.
            let proposed_by = std::mem::take(&mut ann.review.proposed_by);
            ann.review = match state {
                ReviewState::Pending => Review {
                    proposed_by,
                    ..Review::default()
                },
                _ => Review {
                    state: *state,
                    reviewer: Some(ctx.author.to_owned()),
                    time: Some(ctx.now.clone()),
                    proposed_by,
                },
            };
            Ok(())
        }),
        Edit::AddLink { kind, from, to } => {
            let link = Link {
                id: LinkId(store.free_id().ok_or(EditError::IdsUsedUp)?),
                kind: kind.clone(),
                from: *from,
                to: *to,
            };
            check_link(&link, store, ctx.schema)?;
            let id = LinkId(store.alloc_id().ok_or(EditError::IdsUsedUp)?);
            store.put_link(link);
            Ok(Edit::RemoveLink { id })
        }
        Edit::PutLink(link) => {
            if store.get(AnnotationId(link.id.0)).is_some() {
                return Err(EditError::IdInUse(link.id.0));
            }
            check_link(link, store, ctx.schema)?;
            Ok(match store.put_link(link.clone()) {
                Some(old) => Edit::PutLink(old),
                None => Edit::RemoveLink { id: link.id },
            })
        }
        Edit::RemoveLink { id } => {
            let link = store.take_link(*id).ok_or(EditError::UnknownLink(*id))?;
            Ok(Edit::PutLink(link))
        }
        Edit::Batch(edits) => {
            let counters = store.counters();
            let created_before = created.len();
            let mut inverses = Vec::with_capacity(edits.len());
            for edit in edits {
                match apply_inner(store, ctx, edit, created) {
                    Ok(inverse) => inverses.push(inverse),
                    Err(e) => {
                        roll_back(store, ctx, inverses);
                        store.restore_counters(counters);
                        created.truncate(created_before);
                        return Err(e);
                    }
                }
            }
            inverses.reverse();
            Ok(Edit::Batch(inverses))
        }
    }
}

/// Undoes already applied edits, newest first. Inverses of applied edits cannot fail.
fn roll_back(store: &mut AnnotationStore, ctx: &EditContext<'_>, inverses: Vec<Edit>) {
    for inverse in inverses.into_iter().rev() {
        if let Err(e) = apply(store, ctx, &inverse) {
            log::error!("rolling back a failed batch edit failed: {e}");
        }
    }
}

fn relabel(
    store: &mut AnnotationStore,
    ctx: &EditContext<'_>,
    id: AnnotationId,
    label: &str,
) -> Result<Edit, EditError> {
    modify(store, ctx, id, |ann, schema| {
        let new_label = schema
            .label(label)
            .ok_or_else(|| Problem::UnknownLabel(label.to_owned()))?;
        // Keep what the new label also has, with the same type; drop the rest.
        let old_label = schema.label(&ann.label);
        ann.attributes.retain(|name, _| {
            let new = new_label.attribute(name).map(|a| &a.kind);
            let old = old_label.and_then(|l| l.attribute(name)).map(|a| &a.kind);
            new.is_some() && new == old
        });
        ann.label = label.to_owned();
        Ok(())
    })
}

/// Refuses to relabel `id` as `new_label` when an attribute reference or a link to it does not
/// accept that label: the referrer would be left invalid, could no longer be edited, and undoing
/// its removal would be refused. Problems that were already there do not count.
fn check_referrers_accept(
    store: &AnnotationStore,
    schema: &Schema,
    id: AnnotationId,
    new_label: &str,
) -> Result<(), EditError> {
    if schema.label(new_label).is_none() {
        // `relabel` reports the unknown label.
        return Ok(());
    }
    let old_label_of = |other: AnnotationId| store.get(other).map(|a| a.label.as_str());
    let new_label_of = |other: AnnotationId| {
        if other == id {
            Some(new_label)
        } else {
            old_label_of(other)
        }
    };
    let introduced = |before: Vec<Problem>, after: Vec<Problem>| {
        after
            .into_iter()
            .find(|p| matches!(p, Problem::LabelNotAllowed { .. }) && !before.contains(p))
    };
    for referrer in store.referrers_of(id).filter(|a| a.id != id) {
        let before = annotation_problems(referrer, None, schema, old_label_of);
        let after = annotation_problems(referrer, None, schema, new_label_of);
        if let Some(problem) = introduced(before, after) {
            return Err(problem.into());
        }
    }
    for link in store.links_of(id) {
        let before = link_problems(link, schema, old_label_of);
        let after = link_problems(link, schema, new_label_of);
        if let Some(problem) = introduced(before, after) {
            return Err(problem.into());
        }
    }
    Ok(())
}

/// Changes a copy of one annotation with `change`, checks it, and puts it in.
fn modify(
    store: &mut AnnotationStore,
    ctx: &EditContext<'_>,
    id: AnnotationId,
    change: impl FnOnce(&mut Annotation, &Schema) -> Result<(), EditError>,
) -> Result<Edit, EditError> {
    let old = store.get(id).ok_or(EditError::UnknownAnnotation(id))?;
    let mut ann = old.clone();
    change(&mut ann, ctx.schema)?;
    ann.modified = ctx.now.clone();
    let kept = old.fragments.clone();
    check_annotation(&mut ann, store, ctx, &kept)?;
    let moved = |a: &Annotation| {
        (
            a.label.clone(),
            a.fragments.iter().map(Fragment::range).collect::<Vec<_>>(),
        )
    };
    if moved(&ann) != moved(old) {
        check_not_twice(&ann, store)?;
    }
    let old = store.put(ann).ok_or(EditError::UnknownAnnotation(id))?;
    Ok(Edit::Put(Box::new(old)))
}

fn remove(
    store: &mut AnnotationStore,
    ctx: &EditContext<'_>,
    id: AnnotationId,
) -> Result<Edit, EditError> {
    if store.get(id).is_none() {
        return Err(EditError::UnknownAnnotation(id));
    }
    let counters = store.counters();
    // First the links and references, so no annotation is ever left pointing at nothing.
    let mut steps: Vec<Edit> = store
        .links_of(id)
        .map(|l| Edit::RemoveLink { id: l.id })
        .collect();
    for referrer in store.referrers_of(id).filter(|a| a.id != id) {
        for (name, value) in &referrer.attributes {
            if let AttributeValue::Refs(ids) = value
                && ids.contains(&id)
            {
                let rest: Vec<AnnotationId> = ids.iter().copied().filter(|r| *r != id).collect();
                steps.push(Edit::SetAttribute {
                    id: referrer.id,
                    name: name.clone(),
                    value: (!rest.is_empty()).then_some(AttributeValue::Refs(rest)),
                });
            }
        }
    }
    let mut inverses = Vec::with_capacity(steps.len() + 1);
    for step in &steps {
        match apply(store, ctx, step) {
            Ok(inverse) => inverses.push(inverse),
            Err(e) => {
                roll_back(store, ctx, inverses);
                store.restore_counters(counters);
                return Err(e);
            }
        }
    }
    let old = store.take(id).ok_or(EditError::UnknownAnnotation(id))?;
    // Undo puts the annotation back first, then its links and references.
    let mut undo = vec![Edit::Put(Box::new(old))];
    undo.extend(inverses.into_iter().rev());
    Ok(if undo.len() == 1 {
        undo.remove(0)
    } else {
        Edit::Batch(undo)
    })
}

/// Fills in fragment texts and refuses the annotation on its first blocking problem.
///
/// A fragment found in `kept` exactly (range and non-empty text) keeps its text: the edit did
/// not set its range. So a fragment whose document changed under it stays as stored and stays
/// flagged (its text is what re-anchoring looks for) when its annotation's note, label or
/// other fragments are edited, and a `Put` — the undo of every change — restores it exactly.
/// For the same reason such a fragment may lie past the end of a shortened document; a range
/// an edit sets may not.
fn check_annotation(
    ann: &mut Annotation,
    store: &AnnotationStore,
    ctx: &EditContext<'_>,
    kept: &[Fragment],
) -> Result<(), EditError> {
    let is_kept = |f: &Fragment| !f.text.is_empty() && kept.contains(f);
    let mut kept_ranges = Vec::new();
    for f in &mut ann.fragments {
        if is_kept(f) {
            kept_ranges.push(f.range());
        } else {
            f.text = ctx.document.slice(f.range()).unwrap_or_default().to_owned();
        }
    }
    let label_of = |id| store.get(id).map(|a| a.label.as_str());
    match annotation_problems(ann, Some(ctx.document), ctx.schema, label_of)
        .into_iter()
        .filter(|p| !matches!(p, Problem::OutOfBounds { range, .. } if kept_ranges.contains(range)))
        .find(Problem::blocks_edit)
    {
        Some(problem) => Err(problem.into()),
        None => Ok(()),
    }
}

/// Refuses `ann` when another annotation of the store has its label over the same fragments:
/// one thing marked twice (counted twice by agreement, trained on twice).
fn check_not_twice(ann: &Annotation, store: &AnnotationStore) -> Result<(), EditError> {
    let Some(first) = ann.fragments.first() else {
        return Ok(());
    };
    let same = store
        .fragments_in(first.range())
        .into_iter()
        .filter_map(|(_, id)| store.get(id))
        .find(|other| {
            other.id != ann.id
                && other.label == ann.label
                && other
                    .fragments
                    .iter()
                    .map(Fragment::range)
                    .eq(ann.fragments.iter().map(Fragment::range))
        });
    match same {
        Some(other) => Err(EditError::MarkedTwice(other.id)),
        None => Ok(()),
    }
}

fn check_link(link: &Link, store: &AnnotationStore, schema: &Schema) -> Result<(), EditError> {
    let label_of = |id| store.get(id).map(|a| a.label.as_str());
    match link_problems(link, schema, label_of).into_iter().next() {
        Some(problem) => Err(problem.into()),
        None => Ok(()),
    }
}
