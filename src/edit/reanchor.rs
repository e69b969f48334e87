//! Annotations of a document that changed under them: which no longer match ([`flagged`]), and
//! the edits that move them to where their text is now ([`plan`]).
//!
//! Every fragment keeps a copy of its text. A fragment is *flagged* when the document no longer
//! has that text at its offsets (or the offsets run past the end). Re-anchoring looks for the
//! stored text, fragment by fragment:
//!
//! 1. **Exact**: the same chars, at the occurrence nearest to where the fragment is expected —
//!    its old offset, moved by the shift of the annotation placed before it (in file order), so
//!    that after a paragraph was inserted the repeated name stays the one it was.
//! 2. **Tolerant**, when there is no exact occurrence: the same text up to white space (any run
//!    of spaces, tabs and line breaks counts as one space) and letter case (per char; chars
//!    whose lower case is several chars are compared as they are), again nearest. No edit
//!    distance: a changed word is not guessed at.
//!
//! The later fragments of a discontinuous span are looked for near their old distance from the
//! first. An annotation is moved only when all its fragments are found, in order and not
//! overlapping, and the result is a valid annotation; otherwise it is listed as not placed and
//! left exactly as it is (still flagged). Nothing is removed. The moves are [`Edit::Put`]s, one
//! per annotation, applied as one undoable step.

use crate::model::{Annotation, AnnotationId, CharRange, Document, Fragment, Timestamp};
use crate::rules::{Problem, annotation_problems};
use crate::schema::Schema;
use crate::store::AnnotationStore;

use super::Edit;

/// How far around the expected place a match is first looked for, in bytes of the text.
const WINDOW_BYTES: usize = 64 * 1024;

/// How a moved annotation was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// Every fragment's text, exactly.
    Exact,
    /// At least one fragment differs in white space or letter case.
    Tolerant,
}

/// An annotation that re-anchoring moves.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Moved {
    /// Which annotation.
    pub id: AnnotationId,
    /// Its label.
    pub label: String,
    /// Its stored text (fragments joined by " … ").
    pub text: String,
    /// Its fragments' ranges before.
    pub from: Vec<CharRange>,
    /// Its fragments' ranges after.
    pub to: Vec<CharRange>,
    /// How it was found.
    pub how: MatchKind,
}

/// A flagged annotation that re-anchoring cannot place: it stays as it is.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Unplaced {
    /// Which annotation.
    pub id: AnnotationId,
    /// Its label.
    pub label: String,
    /// Its stored text.
    pub text: String,
    /// Its fragments' ranges.
    pub at: Vec<CharRange>,
    /// Why it cannot be placed.
    pub reason: String,
}

/// What re-anchoring a document's annotations would do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Annotations it moves, in file order.
    pub moved: Vec<Moved>,
    /// Flagged annotations it cannot place, in file order.
    pub unplaced: Vec<Unplaced>,
    /// The edits that move them: one [`Edit::Put`] per moved annotation.
    pub edits: Vec<Edit>,
}

impl Plan {
    /// True when nothing is flagged.
    pub fn is_empty(&self) -> bool {
        self.moved.is_empty() && self.unplaced.is_empty()
    }
}

/// True when some fragment of `ann` no longer has its stored text at its offsets in `doc`.
pub fn is_flagged(ann: &Annotation, doc: &Document) -> bool {
    ann.fragments.iter().any(|f| !fragment_matches(f, doc))
}

fn fragment_matches(f: &Fragment, doc: &Document) -> bool {
    f.start < f.end && doc.slice(f.range()) == Some(f.text.as_str())
}

/// The annotations of `store` that no longer match `doc` (see [`is_flagged`]), in file order.
pub fn flagged(store: &AnnotationStore, doc: &Document) -> Vec<AnnotationId> {
    store
        .in_file_order()
        .into_iter()
        .filter(|a| is_flagged(a, doc))
        .map(|a| a.id)
        .collect()
}

/// The edits that move every flagged annotation of `store` to its text in `doc`, and what
/// cannot be placed. `now` becomes the moved annotations' modification time.
pub fn plan(store: &AnnotationStore, doc: &Document, schema: &Schema, now: &Timestamp) -> Plan {
    let mut plan = Plan::default();
    let mut finder = Finder::new(doc);
    let label_of = |id| store.get(id).map(|a| a.label.as_str());
    // Shift of the last annotation placed (new start − old start), as chars.
    let mut shift: i64 = 0;
    for ann in store.in_file_order() {
        if !is_flagged(ann, doc) {
            if let Some(first) = ann.fragments.first() {
                let _ = first;
                shift = 0;
            }
            continue;
        }
        let from: Vec<CharRange> = ann.fragments.iter().map(Fragment::range).collect();
        let unplaced = |reason: String| Unplaced {
            id: ann.id,
            label: ann.label.clone(),
            text: ann.text(),
            at: from.clone(),
            reason,
        };
        let placed = match place(ann, &mut finder, shift) {
            Ok(placed) => placed,
            Err(reason) => {
                plan.unplaced.push(unplaced(reason));
                continue;
            }
        };
        let mut moved = ann.clone();
        let mut how = MatchKind::Exact;
        for (f, (range, kind)) in moved.fragments.iter_mut().zip(&placed) {
            f.start = range.start;
            f.end = range.end;
            f.text = doc.slice(*range).unwrap_or_default().to_owned();
            if *kind == MatchKind::Tolerant {
                how = MatchKind::Tolerant;
            }
        }
        moved.modified = now.clone();
        if let Some(problem) = annotation_problems(&moved, Some(doc), schema, label_of)
            .into_iter()
            .find(Problem::blocks_edit)
        {
            plan.unplaced.push(unplaced(format!(
                "found at {}, but there it would be invalid: {problem}",
                placed[0].0
            )));
            continue;
        }
        shift = (placed[0].0.start as i64).saturating_sub(from[0].start as i64);
        plan.moved.push(Moved {
            id: ann.id,
            label: ann.label.clone(),
            text: ann.text(),
            to: placed.iter().map(|(r, _)| *r).collect(),
            from,
            how,
        });
        plan.edits.push(Edit::Put(Box::new(moved)));
    }
    plan
}

/// New ranges for every fragment of `ann`, or why not.
fn place(
    ann: &Annotation,
    finder: &mut Finder<'_>,
    shift: i64,
) -> Result<Vec<(CharRange, MatchKind)>, String> {
    let Some(first) = ann.fragments.first() else {
        return Err("it has no fragments".into());
    };
    let mut placed: Vec<(CharRange, MatchKind)> = Vec::with_capacity(ann.fragments.len());
    for (i, f) in ann.fragments.iter().enumerate() {
        if f.text.is_empty() {
            return Err(format!("fragment {} has no stored text to look for", i + 1));
        }
        let expected = match placed.first() {
            None => offset_by(f.start, shift),
            Some((first_new, _)) => offset_by(f.start, first_new.start as i64 - first.start as i64),
        };
        let found = finder
            .exact(&f.text, expected)
            .map(|r| (r, MatchKind::Exact))
            .or_else(|| {
                finder
                    .tolerant(&f.text, expected)
                    .map(|r| (r, MatchKind::Tolerant))
            });
        let Some(found) = found else {
            return Err(if ann.fragments.len() == 1 {
                "its text is no longer in the document, not even up to white space and case".into()
            } else {
                format!(
                    "the text of fragment {} ({:?}) is no longer in the document",
                    i + 1,
                    f.text
                )
            });
        };
        if let Some((previous, _)) = placed.last()
            && previous.end > found.0.start
        {
            return Err(format!(
                "its fragments are found out of order or overlapping ({previous} and {})",
                found.0
            ));
        }
        placed.push(found);
    }
    Ok(placed)
}

/// `offset + shift`, clamped to the offsets there are (a hand-edited file may hold any number).
fn offset_by(offset: usize, shift: i64) -> usize {
    let offset = i64::try_from(offset).unwrap_or(i64::MAX);
    usize::try_from(offset.saturating_add(shift)).unwrap_or(0)
}

/// Finds texts in a document, exactly or up to white space and case.
struct Finder<'d> {
    doc: &'d Document,
    /// The document normalised, built the first time a tolerant search needs it.
    normalised: Option<Normalised>,
}

impl<'d> Finder<'d> {
    fn new(doc: &'d Document) -> Self {
        Self {
            doc,
            normalised: None,
        }
    }

    /// The byte offset in the text of char offset `expected` (the end when past it).
    fn byte_of(&self, expected: usize) -> usize {
        self.doc.char_to_byte(expected.min(self.doc.len_chars()))
    }

    /// The occurrence of `needle` nearest to char `expected`.
    fn exact(&self, needle: &str, expected: usize) -> Option<CharRange> {
        let text = self.doc.text();
        let at = self.byte_of(expected);
        let found = nearest_in_window(text, needle, at).or_else(|| nearest(text, needle, at, 0))?;
        let start = self.doc.byte_to_char(found);
        Some(CharRange::new(start, start + needle.chars().count()))
    }

    /// The occurrence of `needle`, up to white space and case, nearest to char `expected`.
    fn tolerant(&mut self, needle: &str, expected: usize) -> Option<CharRange> {
        let needle = Normalised::new(needle).text;
        if needle.trim().is_empty() {
            return None;
        }
        let normalised = self
            .normalised
            .get_or_insert_with(|| Normalised::new(self.doc.text()));
        let at = normalised.byte_of_char(expected);
        let found = nearest_in_window(&normalised.text, &needle, at)
            .or_else(|| nearest(&normalised.text, &needle, at, 0))?;
        let (start, end) = normalised.original(found, found + needle.len());
        Some(CharRange::new(start, end))
    }
}

/// The occurrence of `needle` in `text[window]` nearest to byte `at`, where the window spans
/// [`WINDOW_BYTES`] either side: one found there is nearer than any outside it.
fn nearest_in_window(text: &str, needle: &str, at: usize) -> Option<usize> {
    let mut lo = at.saturating_sub(WINDOW_BYTES);
    while !text.is_char_boundary(lo) {
        lo -= 1;
    }
    let mut hi = (at + WINDOW_BYTES + needle.len()).min(text.len());
    while !text.is_char_boundary(hi) {
        hi += 1;
    }
    let found = nearest(&text[lo..hi], needle, at.saturating_sub(lo), lo)?;
    // A match farther than the window's half-width may have a nearer twin outside it.
    (found.abs_diff(at) <= WINDOW_BYTES || (lo == 0 && hi == text.len())).then_some(found)
}

/// The occurrence of `needle` in `hay` nearest to byte `at` (of `hay`), as an offset plus
/// `base`. Ties go to the earlier one.
fn nearest(hay: &str, needle: &str, at: usize, base: usize) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (i, _) in hay.match_indices(needle) {
        if best.is_none_or(|b| i.abs_diff(at) < b.abs_diff(at)) {
            best = Some(i);
        }
        if i > at {
            break;
        }
    }
    best.map(|b| b + base)
}

/// A text with each run of white space made one space and letters made lower case, and where
/// each of its chars came from.
struct Normalised {
    text: String,
    /// For each char of `text`: its byte offset in `text` and the char offset it came from.
    origin: Vec<(usize, usize)>,
    /// The original's length in chars.
    original_len: usize,
}

impl Normalised {
    fn new(original: &str) -> Self {
        let mut text = String::with_capacity(original.len());
        let mut origin = Vec::new();
        let mut in_space = false;
        let mut original_len = 0;
        for (i, c) in original.chars().enumerate() {
            original_len = i + 1;
            let out = if c.is_whitespace() {
                if in_space {
                    continue;
                }
                in_space = true;
                ' '
            } else {
                in_space = false;
                let mut lower = c.to_lowercase();
                match (lower.next(), lower.next()) {
                    (Some(l), None) => l,
                    _ => c,
                }
            };
            origin.push((text.len(), i));
            text.push(out);
        }
        Self {
            text,
            origin,
            original_len,
        }
    }

    /// The byte offset in `text` of the first char that came from original char `offset` or
    /// later.
    fn byte_of_char(&self, offset: usize) -> usize {
        let i = self.origin.partition_point(|&(_, o)| o < offset);
        self.origin.get(i).map_or(self.text.len(), |&(b, _)| b)
    }

    /// The original char range of `text[start..end]` (byte offsets on char boundaries).
    fn original(&self, start: usize, end: usize) -> (usize, usize) {
        let index = |byte: usize| self.origin.partition_point(|&(b, _)| b < byte);
        let first = index(start);
        let last = index(end);
        let original_start = self.origin.get(first).map_or(self.original_len, |o| o.1);
        // The end: where the next normalised char came from (so a collapsed run of white
        // space inside the match is taken whole), or the end of the text.
        let original_end = self.origin.get(last).map_or(self.original_len, |o| o.1);
        (original_start, original_end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalised_text_maps_back_to_the_original() {
        let n = Normalised::new("Ab  \r\n Cd\tE");
        assert_eq!(n.text, "ab cd e");
        let at = n.text.find("cd e").unwrap();
        assert_eq!(n.original(at, at + 4), (7, 11));
        let at = n.text.find("b cd").unwrap();
        assert_eq!(n.original(at, at + 4), (1, 9));
    }

    #[test]
    fn the_nearest_occurrence_wins() {
        let text = "x ab x ab x ab";
        assert_eq!(nearest(text, "ab", 0, 0), Some(2));
        assert_eq!(nearest(text, "ab", 8, 0), Some(7));
        assert_eq!(nearest(text, "ab", 100, 0), Some(12));
        assert_eq!(nearest_in_window(text, "ab", 11), Some(12));
        assert_eq!(nearest(text, "zz", 3, 0), None);
    }
}
