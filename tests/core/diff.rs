//! `accord diff` in the core: two versions of an annotation or link file compared by id, one
//! line per added, removed or changed annotation, link or group, and the one-line-per-item
//! listing git's textconv shows.

use std::collections::BTreeMap;
use std::path::Path;

use accord::model::{
    Annotation, AnnotationId, AttributeValue, CrossGroup, CrossMember, Fragment, GroupId, Link,
    LinkId, Review, ReviewState, Timestamp,
};
use accord::project::CrossLinkFile;
use accord::project::diff::{Version, diff, diff_texts};
use accord::store::{AnnotationFile, DocumentStamp};

fn span(id: u64, label: &str, ranges: &[(usize, usize, &str)]) -> Annotation {
    Annotation {
        id: AnnotationId(id),
        label: label.into(),
        fragments: ranges
            .iter()
            .map(|&(start, end, text)| Fragment {
                start,
                end,
                text: text.into(),
            })
            .collect(),
        attributes: BTreeMap::new(),
        note: String::new(),
        review: Review::default(),
        author: "alice".into(),
        created: Timestamp("2026-11-23T15:10:00Z".into()),
        modified: Timestamp("2026-11-23T15:10:00Z".into()),
        source: None,
        conflict: None,
    }
}

fn file(annotations: Vec<Annotation>, links: Vec<Link>) -> AnnotationFile {
    AnnotationFile {
        format: 1,
        document: DocumentStamp {
            file: "tj-kz-talks-astana.ar.txt".into(),
            sha256: "38cd488be18e31c4703c89f8da354d1ae5a9328a3ebf442aeb418e2b32f761f5".into(),
            chars: 2418,
            encoding: None,
        },
        annotator: "alice".into(),
        next_id: 20,
        annotations,
        links,
    }
}

/// The diff's lines; the diff of the files' texts (which reads only the annotations that
/// differ, as `accord diff` does) must say the same.
fn lines(old: &AnnotationFile, new: &AnnotationFile) -> Vec<String> {
    let shown = |changes: &[accord::store::diff::Change]| -> Vec<String> {
        changes.iter().map(ToString::to_string).collect()
    };
    let whole = shown(&accord::store::diff::diff(old, new));
    let path = Path::new("a.ron");
    let (old_text, new_text) = (old.to_ron(path).unwrap(), new.to_ron(path).unwrap());
    let by_text = diff_texts(Some((&old_text, path)), Some((&new_text, path))).unwrap();
    assert_eq!(shown(&by_text), whole, "the texts' diff");
    whole
}

#[test]
fn added_removed_and_relabelled_annotations_read_as_one_line_each_in_document_order() {
    let old = file(
        vec![
            span(1, "PERSON", &[(40, 45, "Rahmon")]),
            span(2, "ORG", &[(613, 618, "مليار")]),
            span(3, "DATE", &[(75, 83, "25 أغسطس")]),
        ],
        vec![],
    );
    let mut new = old.clone();
    new.annotations.remove(0);
    new.annotations[0].label = "MONEY".into();
    new.annotations
        .push(span(12, "COUNTRY", &[(155, 163, "وجمهورية")]));
    assert_eq!(
        lines(&old, &new),
        [
            "- PERSON 40..45 \"Rahmon\" #1",
            "+ COUNTRY 155..163 \"وجمهورية\" #12",
            "~ MONEY 613..618 \"مليار\" #2: label ORG → MONEY",
        ]
    );
    // Nothing changed: no line, whatever the order in the file and the id counter.
    let mut shuffled = old.clone();
    shuffled.annotations.reverse();
    shuffled.next_id = 99;
    assert_eq!(lines(&old, &shuffled), Vec::<String>::new());
}

#[test]
fn a_change_names_each_field_that_changed_with_its_old_and_new_value() {
    let mut before = span(5, "COMMITMENT", &[(10, 20, "will raise")]);
    before
        .attributes
        .insert("status".into(), AttributeValue::Enum("open".into()));
    before
        .attributes
        .insert("agent".into(), AttributeValue::Refs(vec![AnnotationId(1)]));
    let mut after = span(5, "COMMITMENT", &[(11, 20, "ill raise"), (30, 34, "soon")]);
    after
        .attributes
        .insert("status".into(), AttributeValue::Enum("kept".into()));
    after
        .attributes
        .insert("deadline".into(), AttributeValue::Text("2030".into()));
    after.note = "check \"soon\"".into();
    after.review = Review {
        state: ReviewState::Accepted,
        reviewer: Some("bob".into()),
        time: Some(Timestamp("2026-11-24T09:00:00Z".into())),
        proposed_by: vec![],
    };
    after.modified = Timestamp("2026-11-24T09:00:00Z".into());
    let out = lines(
        &file(vec![before], vec![]),
        &file(vec![after.clone()], vec![]),
    );
    assert_eq!(out.len(), 1, "{out:?}");
    let line = &out[0];
    assert!(
        line.starts_with("~ COMMITMENT 11..20,30..34 \"ill raise … soon\" #5: "),
        "{line}"
    );
    for detail in [
        "fragments 10..20 → 11..20,30..34",
        "text \"will raise\" → \"ill raise … soon\"",
        "attribute agent: #1 → (unset)",
        "attribute deadline: (unset) → \"2030\"",
        "attribute status: open → kept",
        "note \"\" → \"check \\\"soon\\\"\"",
        "review pending → accepted by \"bob\"",
    ] {
        assert!(line.contains(detail), "{detail:?} missing from {line}");
    }
    // The time of the change alone is not hidden.
    let mut touched = after.clone();
    touched.modified = Timestamp("2026-11-25T00:00:00Z".into());
    let out = lines(&file(vec![after], vec![]), &file(vec![touched], vec![]));
    assert_eq!(
        out,
        [
            "~ COMMITMENT 11..20,30..34 \"ill raise … soon\" #5: modified 2026-11-24T09:00:00Z → 2026-11-25T00:00:00Z"
        ]
    );
}

#[test]
fn text_is_quoted_so_each_change_stays_one_line_and_arabic_stays_as_written() {
    let arabic = "وجمهورية طاجيكستان";
    let hostile = "a\nb\t\"c\" \\ \u{1b}[2J \u{202e}evil";
    let new = file(
        vec![
            span(1, "COUNTRY", &[(0, 18, arabic)]),
            span(2, "NOTE", &[(20, 40, hostile)]),
        ],
        vec![],
    );
    let out = lines(&file(vec![], vec![]), &new);
    assert_eq!(
        out,
        [
            format!("+ COUNTRY 0..18 \"{arabic}\" #1"),
            "+ NOTE 20..40 \"a\\nb\\t\\\"c\\\" \\\\ \\u{1b}[2J \\u{202e}evil\" #2".to_owned(),
        ]
    );
    for line in &out {
        assert!(!line.contains(['\n', '\u{1b}', '\u{202e}']), "{line:?}");
    }
}

#[test]
fn links_are_compared_by_id_and_the_document_stamp_is_reported() {
    let spans = vec![
        span(1, "PERSON", &[(0, 5, "Rahmon")]),
        span(2, "PERSON", &[(10, 15, "Tokayev")]),
    ];
    let link = |id, kind: &str, from, to| Link {
        id: LinkId(id),
        kind: kind.into(),
        from: AnnotationId(from),
        to: AnnotationId(to),
    };
    let old = file(
        spans.clone(),
        vec![link(3, "meets", 1, 2), link(4, "cites", 2, 1)],
    );
    let mut new = file(
        spans,
        vec![link(3, "meets", 2, 1), link(5, "agrees_with", 1, 2)],
    );
    new.document.sha256 = "ffff".repeat(16);
    new.document.chars = 2420;
    assert_eq!(
        lines(&old, &new),
        [
            "~ document \"tj-kz-talks-astana.ar.txt\": text 2418 chars (sha256 38cd488be18e) → 2420 chars (sha256 ffffffffffff)",
            "+ link agrees_with #1 → #2 #5",
            "~ link meets #2 → #1 #3: from #1 → #2; to #2 → #1",
            "- link cites #2 → #1 #4",
        ]
    );
}

#[test]
fn a_file_that_did_not_exist_on_one_side_lists_everything_as_added_or_removed() {
    let v = Version::Annotations(file(vec![span(1, "PERSON", &[(0, 6, "Rahmon")])], vec![]));
    let added: Vec<String> = diff(None, Some(&v))
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(added, ["+ PERSON 0..6 \"Rahmon\" #1"]);
    let removed: Vec<String> = diff(Some(&v), None)
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(removed, ["- PERSON 0..6 \"Rahmon\" #1"]);
}

#[test]
fn cross_document_groups_show_members_joined_and_left() {
    let member = |doc: &str, id| CrossMember {
        document: doc.into(),
        annotation: AnnotationId(id),
    };
    let group = |id, members: Vec<CrossMember>| CrossGroup {
        id: GroupId(id),
        kind: "same_person".into(),
        members,
        note: String::new(),
    };
    let mut old = CrossLinkFile::new("alice");
    old.groups = vec![
        group(1, vec![member("a.zh.txt", 3), member("b.ar.txt", 4)]),
        group(2, vec![member("a.zh.txt", 7), member("b.ar.txt", 8)]),
    ];
    let mut new = CrossLinkFile::new("alice");
    new.groups = vec![group(1, vec![member("b.ar.txt", 4), member("c.kk.txt", 9)])];
    // Read back from their text, as `accord diff` does.
    let path = Path::new("links/alice.ron");
    let read = |f: &CrossLinkFile| Version::parse(&f.to_ron(path).unwrap(), path).unwrap();
    let out: Vec<String> = diff(Some(&read(&old)), Some(&read(&new)))
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        out,
        [
            "~ group same_person #1: \"b.ar.txt\" #4, \"c.kk.txt\" #9: members - \"a.zh.txt\" #3, + \"c.kk.txt\" #9",
            "- group same_person #2: \"a.zh.txt\" #7, \"b.ar.txt\" #8",
        ]
    );
}

#[test]
fn the_listing_has_one_sorted_line_per_annotation_that_changes_with_any_field() {
    let mut relabelled = span(2, "ORG", &[(613, 618, "مليار")]);
    let old = file(
        vec![relabelled.clone(), span(1, "PERSON", &[(40, 46, "Rahmon")])],
        vec![Link {
            id: LinkId(3),
            kind: "meets".into(),
            from: AnnotationId(1),
            to: AnnotationId(2),
        }],
    );
    let listing = accord::store::diff::listing(&old);
    assert_eq!(
        listing,
        "document \"tj-kz-talks-astana.ar.txt\" (2418 chars, sha256 38cd488be18e) by \"alice\"\n\
         PERSON 40..46 \"Rahmon\" #1 by \"alice\"\n\
         link meets #1 → #2 #3\n\
         ORG 613..618 \"مليار\" #2 by \"alice\"\n"
    );
    relabelled.label = "MONEY".into();
    relabelled
        .attributes
        .insert("currency".into(), AttributeValue::Enum("USD".into()));
    let mut new = old.clone();
    new.annotations[0] = relabelled;
    let after = accord::store::diff::listing(&new);
    assert!(
        after.contains("MONEY 613..618 \"مليار\" #2 currency=USD by \"alice\"\n"),
        "{after}"
    );
    // Reading the file's own text gives the same listing (textconv reads the file).
    let path = Path::new("annotations/alice/x.ron");
    let text = new.to_ron(path).unwrap();
    assert_eq!(Version::parse(&text, path).unwrap().listing(), after);
}
