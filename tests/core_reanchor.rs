//! Re-anchoring the annotations of a changed document: exact matches nearest to where they
//! belong, tolerant matches (white space and case), discontinuous spans, what cannot be placed
//! stays as it was, and one undo takes it all back.

// `allow-unwrap-in-tests` covers `#[test]` functions only; in these files the helpers are
// test code too, and a panic is how they fail.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;

use accord::edit::Edit;
use accord::edit::reanchor::MatchKind;
use accord::model::{AnnotationId, CharRange};
use accord::project::{DocId, Project, Workspace};

use common::snapshot;

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
