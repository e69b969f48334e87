//! Re-anchoring the annotations of a changed document: exact matches nearest to where they
//! belong, tolerant matches (white space and case), discontinuous spans, what cannot be placed
//! stays as it was, and one undo takes it all back.

use std::collections::BTreeMap;

use accord::edit::Edit;
use accord::edit::reanchor::MatchKind;
use accord::model::{AnnotationId, CharRange};
use accord::project::{DocId, Project, Workspace};

use crate::common::snapshot;

const BEFORE: &str = "Tokayev met Rahmon in Astana.\nTokayev said the talks went well.\n\
                      Trade will reach two billion dollars.\nRahmon thanked Astana.\n";

/// A project with one document, annotated by alice on `BEFORE`, whose file is then replaced by
/// `after`.
fn changed(annotate: &[&[CharRange]], after: &str) -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), BEFORE).unwrap();
    let mut ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
    for ranges in annotate {
        ws.apply(vec![(
            DocId(0),
            Edit::Add {
                label: "PERSON".into(),
                ranges: ranges.to_vec(),
                attributes: BTreeMap::new(),
                source: None,
            },
        )])
        .unwrap();
    }
    ws.save(DocId(0)).unwrap();
    drop(ws);
    std::fs::write(dir.path().join("a.txt"), after).unwrap();
    let ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
    (dir, ws)
}

fn at(text: &str, needle: &str, nth: usize) -> CharRange {
    let byte = text.match_indices(needle).nth(nth).unwrap().0;
    let start = text[..byte].chars().count();
    CharRange::new(start, start + needle.chars().count())
}

#[test]
fn repeated_names_go_to_the_occurrence_where_they_were() {
    // The second "Tokayev" and the first "Astana" are annotated; a line is inserted above.
    let second = at(BEFORE, "Tokayev", 1);
    let astana = at(BEFORE, "Astana", 0);
    let after = format!("Breaking news.\n{BEFORE}");
    let (_dir, mut ws) = changed(&[&[astana], &[second]], &after);
    assert_eq!(ws.flagged(DocId(0)).len(), 2);
    let plan = ws.reanchor(DocId(0)).unwrap();
    assert!(plan.unplaced.is_empty(), "{plan:?}");
    let to: Vec<CharRange> = plan.moved.iter().map(|m| m.to[0]).collect();
    assert_eq!(to, vec![at(&after, "Astana", 0), at(&after, "Tokayev", 1)]);
    assert!(plan.moved.iter().all(|m| m.how == MatchKind::Exact));
    assert!(ws.flagged(DocId(0)).is_empty());
}

#[test]
fn white_space_and_case_changes_are_matched_tolerantly() {
    let trade = at(BEFORE, "two billion dollars", 0);
    let after = BEFORE.replace("two billion dollars", "Two\n  billion DOLLARS");
    let (_dir, mut ws) = changed(&[&[trade]], &after);
    let plan = ws.reanchor(DocId(0)).unwrap();
    assert_eq!(plan.moved.len(), 1, "{plan:?}");
    assert_eq!(plan.moved[0].how, MatchKind::Tolerant);
    let a = ws.store(DocId(0)).get(AnnotationId(1)).unwrap();
    assert_eq!(a.fragments[0].text, "Two\n  billion DOLLARS");
    assert!(ws.flagged(DocId(0)).is_empty());
}

#[test]
fn what_cannot_be_placed_is_listed_and_left_as_it_was() {
    let rahmon = at(BEFORE, "Rahmon", 0);
    let talks = at(BEFORE, "talks", 0);
    // A discontinuous span: "Tokayev … talks".
    let tokayev = at(BEFORE, "Tokayev", 1);
    let after = BEFORE
        .replace("Rahmon", "Emomali")
        .replacen("Tokayev met", "The president met", 1);
    let (_dir, mut ws) = changed(&[&[rahmon], &[tokayev, talks]], &after);
    let old = snapshot(ws.store(DocId(0)));
    let plan = ws.reanchor(DocId(0)).unwrap();
    assert_eq!(plan.unplaced.len(), 1, "{plan:?}");
    assert_eq!(plan.unplaced[0].id, AnnotationId(1));
    assert!(
        plan.unplaced[0]
            .reason
            .contains("no longer in the document"),
        "{}",
        plan.unplaced[0].reason
    );
    assert_eq!(plan.moved.len(), 1);
    assert_eq!(
        plan.moved[0].to,
        vec![at(&after, "Tokayev", 0), at(&after, "talks", 0)]
    );
    // The unplaced one is untouched and still flagged; nothing was removed.
    let store = ws.store(DocId(0));
    assert_eq!(store.len(), 2);
    assert_eq!(store.get(AnnotationId(1)), old.annotations.first());
    assert_eq!(ws.flagged(DocId(0)), vec![AnnotationId(1)]);
    // Editing the unplaced annotation's note keeps its stored text (it is still flagged).
    ws.apply(vec![(
        DocId(0),
        Edit::SetNote {
            id: AnnotationId(1),
            note: "renamed?".into(),
        },
    )])
    .unwrap();
    assert_eq!(
        ws.store(DocId(0)).get(AnnotationId(1)).unwrap().fragments[0].text,
        "Rahmon"
    );
    // Undo twice: back to exactly what was loaded.
    assert!(ws.undo().unwrap() && ws.undo().unwrap());
    assert_eq!(snapshot(ws.store(DocId(0))), old);
}

/// A document cut short: an annotation past the new end is flagged, moved when its text is
/// still there, and undo puts it back past the end exactly.
#[test]
fn annotations_past_the_end_of_a_shortened_document() {
    let last = at(BEFORE, "Astana", 1);
    let after = "Rahmon thanked Astana.\n";
    let (dir, mut ws) = changed(&[&[last]], after);
    let old = snapshot(ws.store(DocId(0)));
    assert_eq!(ws.flagged(DocId(0)), vec![AnnotationId(1)]);
    let plan = ws.reanchor(DocId(0)).unwrap();
    assert_eq!(plan.moved[0].to, vec![at(after, "Astana", 0)]);
    assert!(ws.undo().unwrap());
    assert_eq!(snapshot(ws.store(DocId(0))), old);
    assert!(ws.redo().unwrap());
    ws.save(DocId(0)).unwrap();
    drop(ws);
    let report = accord::validate::validate(dir.path()).unwrap();
    assert!(report.is_clean(), "{:#?}", report.findings);
}

mod property {
    use proptest::prelude::*;

    use accord::edit::{self, EditContext, reanchor};
    use accord::model::{Document, Timestamp};
    use accord::schema::Schema;
    use accord::store::AnnotationStore;

    use super::*;

    /// Inserts each `(position, text)` (positions as fractions of the length, in chars) into
    /// `text`, outside `keep`; returns the new text and, for each old char offset, where it went.
    fn insert(text: &str, inserts: &[(f64, String)], keep: &[CharRange]) -> (String, Vec<usize>) {
        let chars: Vec<char> = text.chars().collect();
        let mut at: Vec<(usize, &str)> = inserts
            .iter()
            .map(|(f, s)| ((f * chars.len() as f64) as usize, s.as_str()))
            .filter(|(p, _)| !keep.iter().any(|r| r.start < *p && *p < r.end))
            .collect();
        at.sort_by_key(|(p, _)| *p);
        let (mut out, mut map) = (String::new(), Vec::with_capacity(chars.len() + 1));
        let mut next = at.iter().peekable();
        let mut count = 0;
        for i in 0..=chars.len() {
            while let Some((_, s)) = next.next_if(|(p, _)| *p == i) {
                out.push_str(s);
                count += s.chars().count();
            }
            map.push(count);
            if let Some(c) = chars.get(i) {
                out.push(*c);
                count += 1;
            }
        }
        (out, map)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// Text inserted around annotated words: every annotation is found again, exactly, at its
        /// old place moved by what was inserted before it; undo restores the store.
        #[test]
        fn inserted_text_moves_every_annotation_by_what_was_inserted(
            words in proptest::collection::vec(0..40usize, 1..8),
            inserts in proptest::collection::vec((0.0..1.0f64, "[a-zа-я 。\n]{1,12}"), 1..6),
        ) {
            let text = crate::common::sample_documents()[0].text().chars().take(600).collect::<String>();
            let doc = Document::from_text("a.txt", text.clone());
            let schema = Schema::default_schema();
            let now = Timestamp::default();
            let ctx = EditContext { schema: &schema, document: &doc, author: "alice", now: &now };
            // Words: runs of letters, the `words`-th ones.
            let mut runs = Vec::new();
            let mut start = None;
            for (i, c) in text.chars().chain(std::iter::once(' ')).enumerate() {
                match (c.is_alphabetic(), start) {
                    (true, None) => start = Some(i),
                    (false, Some(s)) => { runs.push(CharRange::new(s, i)); start = None; }
                    _ => {}
                }
            }
            let mut store = AnnotationStore::new();
            let mut annotated = Vec::new();
            for w in words {
                let range = runs[w % runs.len()];
                let add = Edit::Add { label: "EVENT".into(), ranges: vec![range], attributes: BTreeMap::new(), source: None };
                if edit::apply(&mut store, &ctx, &add).is_ok() {
                    annotated.push(range);
                }
            }
            let (new_text, map) = insert(&text, &inserts, &annotated);
            let new_doc = Document::from_text("a.txt", new_text.clone());
            let plan = reanchor::plan(&store, &new_doc, &schema, &now);
            prop_assert!(plan.unplaced.is_empty(), "{:?}", plan.unplaced);
            let new_ctx = EditContext { document: &new_doc, ..ctx };
            let before = crate::common::snapshot(&store);
            let mut undo = Vec::new();
            for e in &plan.edits {
                undo.push(edit::apply(&mut store, &new_ctx, e).unwrap());
            }
            for a in store.annotations() {
                let old = before.annotations.iter().find(|o| o.id == a.id).unwrap();
                prop_assert_eq!(new_doc.slice(a.fragments[0].range()), Some(old.fragments[0].text.as_str()));
                // Unique texts land exactly where the old place moved to.
                if new_text.matches(old.fragments[0].text.as_str()).count() == 1 {
                    prop_assert_eq!(a.fragments[0].start, map[old.fragments[0].start]);
                }
            }
            prop_assert!(reanchor::flagged(&store, &new_doc).is_empty());
            for u in undo.iter().rev() {
                edit::apply(&mut store, &new_ctx, u).unwrap();
            }
            prop_assert_eq!(crate::common::snapshot(&store).annotations, before.annotations);
        }
    }
}
