//! Finding text in documents and stepping through what was found, in char offsets: the find
//! bar's matches and next/previous annotation both go round the end with [`wrap_step`].

use crate::model::{Annotation, AnnotationId, CharRange, Document};
use crate::project::{DocId, Workspace};
use crate::store::AnnotationStore;

/// Every non-overlapping occurrence of `query` in `doc`, in order. Case-insensitive matching
/// folds each char to its simple lower case, so offsets stay those of the document.
pub fn find_all(doc: &Document, query: &str, match_case: bool) -> Vec<CharRange> {
    let needle: Vec<char> = query.chars().map(|c| fold(c, match_case)).collect();
    if needle.is_empty() {
        return Vec::new();
    }
    let hay: Vec<char> = doc.text().chars().map(|c| fold(c, match_case)).collect();
    let mut hits = Vec::new();
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        if hay[i..i + needle.len()] == needle[..] {
            hits.push(CharRange::new(i, i + needle.len()));
            i += needle.len();
        } else {
            i += 1;
        }
    }
    hits
}

fn fold(c: char, match_case: bool) -> char {
    if match_case {
        return c;
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        // Folding that changes the length (e.g. 'İ') would shift offsets: keep the char.
        _ => c,
    }
}

/// The index after (`forward`) or before `current` in a list of `len` items, going round the
/// ends; from no current item, the first (or last). `None` when the list is empty.
pub fn wrap_step(current: Option<usize>, len: usize, forward: bool) -> Option<usize> {
    if len == 0 {
        return None;
    }
    Some(match (current, forward) {
        (None, true) => 0,
        (None, false) => len - 1,
        (Some(i), true) => (i + 1) % len,
        (Some(i), false) => (i + len - 1) % len,
    })
}

/// The annotation after (or before) `current` in file order (by start, then id), going round
/// the ends; from none, the first (or last).
pub fn step_annotation(
    store: &AnnotationStore,
    current: Option<AnnotationId>,
    forward: bool,
) -> Option<AnnotationId> {
    let order: Vec<AnnotationId> = store.in_file_order().iter().map(|a| a.id).collect();
    let at = current.and_then(|id| order.iter().position(|x| *x == id));
    wrap_step(at, order.len(), forward).map(|i| order[i])
}

/// Annotations near `annotation` that one of its span-reference attributes could point at:
/// those whose label is in `labels` (any when empty), other than itself and those in
/// `exclude`, within `reach` chars of it, nearest first (at most `max`). A range query, so the
/// cost does not grow with the number of annotations in the document.
pub fn reference_candidates(
    store: &AnnotationStore,
    annotation: &Annotation,
    labels: &[String],
    exclude: &[AnnotationId],
    reach: usize,
    max: usize,
) -> Vec<AnnotationId> {
    let extent = annotation.extent();
    let near = CharRange::new(extent.start.saturating_sub(reach), extent.end + reach);
    let mut seen = std::collections::HashSet::new();
    let mut candidates: Vec<(usize, AnnotationId)> = store
        .fragments_in(near)
        .into_iter()
        .filter(|(_, id)| *id != annotation.id && !exclude.contains(id) && seen.insert(*id))
        .filter(|(_, id)| {
            store
                .get(*id)
                .is_some_and(|a| labels.is_empty() || labels.contains(&a.label))
        })
        .map(|(range, id)| (range.start.abs_diff(extent.start), id))
        .collect();
    candidates.sort_unstable();
    candidates.truncate(max);
    candidates.into_iter().map(|(_, id)| id).collect()
}

/// What to look for, and where.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FindQuery {
    /// The text to find.
    pub text: String,
    /// Search every document, not just the active one.
    pub all_documents: bool,
    /// Match upper and lower case exactly.
    pub match_case: bool,
}

/// The matches of a query over a workspace, and the one shown last. Recomputed only when the
/// query or the document searched changes (documents themselves never change).
#[derive(Clone, Debug, Default)]
pub struct Search {
    /// The matches, in document then text order.
    pub matches: Vec<(DocId, CharRange)>,
    /// The match shown last.
    pub current: Option<usize>,
    /// What the matches were computed for.
    searched: Option<(FindQuery, Option<DocId>)>,
}

impl Search {
    /// Finds `query` in the active document (or all), unless that is what was found already.
    pub fn refresh(&mut self, ws: &Workspace, query: &FindQuery, active: Option<DocId>) {
        let key = (
            query.clone(),
            if query.all_documents { None } else { active },
        );
        if self.searched.as_ref() == Some(&key) {
            return;
        }
        self.searched = Some(key);
        self.current = None;
        self.matches.clear();
        let docs: Vec<DocId> = if query.all_documents {
            ws.doc_ids().collect()
        } else {
            active.into_iter().collect()
        };
        for doc in docs {
            if let Some(document) = ws.document(doc) {
                self.matches.extend(
                    find_all(document, &query.text, query.match_case)
                        .into_iter()
                        .map(|r| (doc, r)),
                );
            }
        }
    }

    /// The matches in `doc`: a slice, found by bisection (the matches are in document order,
    /// documents by id), so drawing them costs what is on screen.
    pub fn matches_in(&self, doc: DocId) -> &[(DocId, CharRange)] {
        let start = self.matches.partition_point(|(d, _)| *d < doc);
        let end = self.matches.partition_point(|(d, _)| *d <= doc);
        &self.matches[start..end]
    }

    /// Steps to the next (or previous) match, going round the ends, and returns it.
    pub fn step(&mut self, forward: bool) -> Option<(DocId, CharRange)> {
        self.current = wrap_step(self.current, self.matches.len(), forward);
        self.current.map(|i| self.matches[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_in_chars_across_scripts() {
        let doc = Document::from_text("t.txt", "Қазақстан мен Тәжікстан. ҚАЗАҚСТАН! 20亿美元 20亿");
        assert_eq!(
            find_all(&doc, "қазақстан", false),
            vec![CharRange::new(0, 9), CharRange::new(25, 34)]
        );
        assert_eq!(find_all(&doc, "қазақстан", true), vec![]);
        let hits = find_all(&doc, "20亿", true);
        assert_eq!(hits.len(), 2);
        assert_eq!(doc.slice(hits[1]), Some("20亿"));
    }

    #[test]
    fn stepping_goes_round_both_ends() {
        assert_eq!(wrap_step(None, 0, true), None);
        assert_eq!(wrap_step(None, 3, true), Some(0));
        assert_eq!(wrap_step(None, 3, false), Some(2));
        assert_eq!(wrap_step(Some(2), 3, true), Some(0));
        assert_eq!(wrap_step(Some(0), 3, false), Some(2));
        assert_eq!(wrap_step(Some(1), 3, false), Some(0));
        assert_eq!(wrap_step(Some(0), 1, false), Some(0));
    }
}

#[cfg(test)]
mod store_tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::edit::{Edit, EditContext, apply};
    use crate::model::Timestamp;
    use crate::schema::Schema;

    /// "Токаев и Рахмон подписали договор в Астане" with PERSON, PERSON, LOCATION and a
    /// COMMITMENT over the whole sentence.
    fn store() -> (Document, AnnotationStore) {
        let doc = Document::from_text("r.txt", "Токаев и Рахмон подписали договор в Астане");
        let schema = Schema::default_schema();
        let now = Timestamp::default();
        let ctx = EditContext {
            schema: &schema,
            document: &doc,
            author: "t",
            now: &now,
        };
        let mut store = AnnotationStore::new();
        for (label, start, end) in [
            ("COMMITMENT", 0, 42),
            ("PERSON", 0, 6),
            ("PERSON", 9, 15),
            ("LOCATION", 36, 42),
        ] {
            let add = Edit::Add {
                label: label.into(),
                ranges: vec![CharRange::new(start, end)],
                attributes: BTreeMap::new(),
                source: None,
            };
            apply(&mut store, &ctx, &add).unwrap();
        }
        (doc, store)
    }

    #[test]
    fn annotations_step_in_file_order_and_go_round() {
        let (_, store) = store();
        // File order: by start, then id: #1 (0..42), #2 (0..6), #3, #4.
        let ids = |n| AnnotationId(n);
        assert_eq!(step_annotation(&store, None, true), Some(ids(1)));
        assert_eq!(step_annotation(&store, Some(ids(1)), true), Some(ids(2)));
        assert_eq!(step_annotation(&store, Some(ids(4)), true), Some(ids(1)));
        assert_eq!(step_annotation(&store, Some(ids(1)), false), Some(ids(4)));
        assert_eq!(step_annotation(&store, None, false), Some(ids(4)));
        assert_eq!(step_annotation(&AnnotationStore::new(), None, true), None);
    }

    #[test]
    fn reference_candidates_are_the_allowed_labels_nearest_first() {
        let (_, store) = store();
        let commitment = store.get(AnnotationId(1)).unwrap();
        let people = ["PERSON".to_owned(), "COUNTRY".to_owned()];
        assert_eq!(
            reference_candidates(&store, commitment, &people, &[], 4000, 10),
            vec![AnnotationId(2), AnnotationId(3)]
        );
        assert_eq!(
            reference_candidates(&store, commitment, &people, &[AnnotationId(2)], 4000, 10),
            vec![AnnotationId(3)]
        );
        assert_eq!(
            reference_candidates(&store, commitment, &[], &[], 4000, 2),
            vec![AnnotationId(2), AnnotationId(3)],
            "any label, at most two, never itself"
        );
    }
}
