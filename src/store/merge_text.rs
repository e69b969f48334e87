//! Merging three versions of an annotation file's text ([`merge_annotation_texts`]), as git's
//! merge driver and a Sync do: [`super::merge::merge_stores`] on what differs, in the time it
//! takes to compare the rest.
//!
//! Two annotators' versions of a 100 000-annotation file differ in a few thousand annotations.
//! Reading all three versions into stores, merging 100 000 ids and writing them again took over
//! a second; here the annotations that are byte for byte the same in all three versions (and
//! point at no other annotation) are copied as text (`store::blocks`), and only the rest is
//! read, merged and written. The result is the text the whole merge gives (the tests compare
//! the two on random files). A file the cutter does not follow is merged whole.

use std::path::Path;

use super::blocks::{self, Block, Blocks};
use super::merge::{MergeReport, MergedStore, Renumbering, merge_stores, merge_stores_within};
use super::{AnnotationFile, AnnotationStore, DocumentStamp, LoadedFile, StoreError};
use crate::model::AnnotationId;

/// Which version of a file something is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// The common ancestor.
    Base,
    /// Mine: whose new ids move when both sides handed out the same.
    Mine,
    /// Theirs.
    Theirs,
}

/// An annotation file merged from three versions.
#[derive(Debug)]
pub struct MergedText {
    /// The merged file's text.
    pub text: String,
    /// Annotations in the merged file with a conflict to decide (those it had already
    /// included).
    pub conflicts: usize,
    /// What came from where.
    pub report: MergeReport,
    /// Mine's annotations given new ids, and annotations folded into another.
    pub renumbering: Renumbering,
}

/// Merges three versions of an annotation file (`base` absent: the file is new on both
/// sides). `path` names the file in errors; an error says which version does not read.
pub fn merge_annotation_texts(
    base: Option<&str>,
    mine: &str,
    theirs: &str,
    path: &Path,
) -> Result<MergedText, (Version, StoreError)> {
    if let Some(base) = base
        && let Some(merged) = merge_differences(base, mine, theirs, path)
    {
        return Ok(merged);
    }
    merge_whole(base, mine, theirs, path)
}

/// Reads the three versions (base, mine, theirs) at once: three files of 18 MB take as long
/// as one on three cores. The merge driver reads its files, and its other kinds of files
/// theirs, with it too.
pub fn read_three<I: Send, T: Send>(versions: [I; 3], read: impl Fn(I) -> T + Sync) -> [T; 3] {
    let [base, mine, theirs] = versions;
    let (b, (m, t)) = rayon::join(
        || read(base),
        || rayon::join(|| read(mine), || read(theirs)),
    );
    [b, m, t]
}

fn merge_whole(
    base: Option<&str>,
    mine: &str,
    theirs: &str,
    path: &Path,
) -> Result<MergedText, (Version, StoreError)> {
    let [b, m, t] = read_three([base, Some(mine), Some(theirs)], |text| {
        text.map(|text| AnnotationFile::parse_store(text, path))
    });
    let b = b.transpose().map_err(|e| (Version::Base, e))?;
    let m = m.expect("read").map_err(|e| (Version::Mine, e))?;
    let t = t.expect("read").map_err(|e| (Version::Theirs, e))?;
    let empty = AnnotationStore::new();
    let merged = merge_stores(b.as_ref().map_or(&empty, |b| &b.store), &m.store, &t.store);
    let document = pick(b.as_ref().map(|b| &b.document), &m.document, &t.document);
    let text = AnnotationFile::store_to_ron(&merged.store, document, &m.annotator, path)
        .map_err(|e| (Version::Mine, e))?;
    let conflicts = merged.store.conflicted().len();
    Ok(finish(text, conflicts, merged))
}

fn finish(text: String, conflicts: usize, merged: MergedStore) -> MergedText {
    MergedText {
        text,
        conflicts,
        report: merged.report,
        renumbering: Renumbering {
            mine: merged.renumbered,
            folded: merged.folded,
        },
    }
}

/// The document stamp after a merge: the side that changed it (re-anchored to a new version of
/// the text) wins; mine when both did.
fn pick<'a>(
    base: Option<&'a DocumentStamp>,
    mine: &'a DocumentStamp,
    theirs: &'a DocumentStamp,
) -> &'a DocumentStamp {
    match base {
        Some(b) if b == mine => theirs,
        _ => mine,
    }
}

/// The merge of what differs between the versions, the rest copied as text; `None` when a
/// version cannot be cut into annotations, or reads only whole (the whole merge then says why).
fn merge_differences(base: &str, mine: &str, theirs: &str, path: &Path) -> Option<MergedText> {
    let [Some(b), Some(m), Some(t)] = read_three([base, mine, theirs], blocks::split) else {
        return None;
    };
    // Each version's annotations by id, to walk the three side by side.
    let (base_ids, mine_ids, theirs_ids) = (by_id(&b)?, by_id(&m)?, by_id(&t)?);
    // Copied: the same text in all three versions, pointing at nothing. Flags by position in
    // each version; `kept` their ids, in order.
    let mut copy = [
        vec![false; b.blocks.len()],
        vec![false; m.blocks.len()],
        vec![false; t.blocks.len()],
    ];
    let mut kept: Vec<u64> = Vec::with_capacity(m.blocks.len());
    let (mut in_base, mut in_theirs) = (base_ids.iter().peekable(), theirs_ids.iter().peekable());
    for &(id, at) in &mine_ids {
        let block = &m.blocks[at];
        let (Some(at_base), Some(at_theirs)) =
            (advance_to(&mut in_base, id), advance_to(&mut in_theirs, id))
        else {
            continue;
        };
        if !block.has_refs
            && b.blocks[at_base].text == block.text
            && t.blocks[at_theirs].text == block.text
        {
            copy[0][at_base] = true;
            copy[1][at] = true;
            copy[2][at_theirs] = true;
            kept.push(id);
        }
    }
    let is_kept = |id: u64| kept.binary_search(&id).is_ok();
    // Each version with only what is not copied, read as a store.
    let rest = |parts: &Blocks<'_>, copied: &[bool]| {
        let texts: Vec<&str> = parts
            .blocks
            .iter()
            .zip(copied)
            .filter(|(_, copied)| !**copied)
            .map(|(b, _)| b.text)
            .collect();
        blocks::join(parts.head, &texts, parts.tail)
    };
    let texts = [rest(&b, &copy[0]), rest(&m, &copy[1]), rest(&t, &copy[2])];
    let [Ok(mut sb), Ok(mut sm), Ok(mut st)] = read_three(texts.each_ref(), |text| {
        AnnotationFile::parse_store(text, path)
    }) else {
        return None;
    };
    // A store's counter is above every id in it, the copied ones' too.
    for (store, parts) in [(&mut sb, &b), (&mut sm, &m), (&mut st, &t)] {
        let top = parts.blocks.iter().map(|b| b.id.saturating_add(1)).max();
        store.store.set_next_id(top.unwrap_or(0));
    }
    // A link sharing an id with a copied annotation: the whole merge reports the file.
    let stores: [&LoadedFile; 3] = [&sb, &sm, &st];
    if stores
        .iter()
        .any(|f| f.store.links().any(|l| is_kept(l.id.0)))
    {
        return None;
    }
    let merged = merge_stores_within(&sb.store, &sm.store, &st.store, &|id: AnnotationId| {
        is_kept(id.0)
    });
    let document = pick(Some(&sb.document), &sm.document, &st.document);
    let written =
        AnnotationFile::store_to_ron(&merged.store, document, &sm.annotator, path).ok()?;
    let out = blocks::split(&written)?;
    let mut all: Vec<Block<'_>> = m
        .blocks
        .iter()
        .zip(&copy[1])
        .filter(|(_, copied)| **copied)
        .map(|(b, _)| *b)
        .collect();
    all.extend(out.blocks.iter().copied());
    all.sort_unstable_by_key(Block::file_order);
    let conflicts = all.iter().filter(|b| b.has_conflict).count();
    let texts: Vec<&str> = all.iter().map(|b| b.text).collect();
    let text = blocks::join(out.head, &texts, out.tail);
    Some(finish(text, conflicts, merged))
}

/// Moves along `ids` (id, position) past those below `id`; the position of `id` if it is there.
fn advance_to(
    ids: &mut std::iter::Peekable<std::slice::Iter<'_, (u64, usize)>>,
    id: u64,
) -> Option<usize> {
    while ids.next_if(|(other, _)| *other < id).is_some() {}
    ids.next_if(|(other, _)| *other == id).map(|(_, at)| *at)
}

/// Each block's id and position, by id; `None` when an id is there twice (the whole merge
/// then reports the file).
fn by_id(parts: &Blocks<'_>) -> Option<Vec<(u64, usize)>> {
    let mut ids: Vec<(u64, usize)> = parts
        .blocks
        .iter()
        .enumerate()
        .map(|(at, b)| (b.id, at))
        .collect();
    ids.sort_unstable();
    ids.windows(2).all(|w| w[0].0 != w[1].0).then_some(ids)
}
