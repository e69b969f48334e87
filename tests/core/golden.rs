//! Golden files of formats 1 and 2, written and checked by hand against the sample documents:
//! `tests/golden/format-1.ron` (the Chinese joint statement), `format-1.ar.ron` (the Arabic
//! talks in Astana) and `links-format-1.ron` (alice's cross-document groups between them);
//! `format-2.ron` is the first with three of its annotations accepted from suggestions.
//!
//! Every later Accord must keep loading them. Whether today's writer reproduces them byte for
//! byte is a separate test: if the writer's layout changes on purpose, that test is updated,
//! the loading tests are not.

use accord::model::{
    Annotation, AnnotationId, AttributeValue, Document, ReviewState, Source, Suggester,
};
use accord::project::{CrossLinkFile, Project, StoreStatus, Workspace};
use accord::store::{AnnotationFile, AnnotationStore};

use crate::common::{AR, ZH, golden, golden_project};

fn load(name: &str) -> (AnnotationFile, AnnotationStore) {
    let path = golden(name);
    let file = AnnotationFile::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let store = file
        .clone()
        .into_store(&path)
        .unwrap_or_else(|e| panic!("{e}"));
    (file, store)
}

fn sample(file: &str) -> Document {
    Document::open(&crate::common::sample_dir().join(file)).unwrap()
}

fn texts(store: &AnnotationStore, id: u64) -> Vec<&str> {
    let ann = store
        .get(AnnotationId(id))
        .unwrap_or_else(|| panic!("annotation {id}"));
    ann.fragments.iter().map(|f| f.text.as_str()).collect()
}

fn refs(ids: &[u64]) -> AttributeValue {
    AttributeValue::Refs(ids.iter().map(|&i| AnnotationId(i)).collect())
}

#[test]
fn chinese_golden_file_loads_with_the_expected_annotations() {
    let (file, store) = load("format-1.ron");
    let doc = sample(ZH);
    assert_eq!(file.format, 1);
    assert_eq!(file.annotator, "alice");
    assert_eq!(file.document.file, ZH);
    assert!(
        file.document.matches(&doc),
        "the golden file was made for this very text"
    );
    assert_eq!(store.len(), 9);
    assert_eq!(store.links().count(), 3);
    assert_eq!(
        store.next_id(),
        14,
        "id 9 was removed and is never handed out again"
    );

    let money = store.get(AnnotationId(7)).unwrap();
    assert_eq!(money.label, "MONEY");
    assert_eq!(
        (money.fragments[0].start, money.fragments[0].end),
        (613, 618)
    );
    assert_eq!(texts(&store, 7), ["20亿美元"]);

    let commitment = store.get(AnnotationId(10)).unwrap();
    assert_eq!(commitment.label, "COMMITMENT");
    assert_eq!(
        texts(&store, 10),
        [
            "两国总统指示各自政府",
            "在未来五年内将双边贸易额增至20亿美元"
        ]
    );
    assert_eq!(
        commitment.attributes["kind"],
        AttributeValue::Enum("agreement".into())
    );
    assert_eq!(commitment.attributes["actors"], refs(&[1, 3]));
    assert_eq!(commitment.attributes["target"], refs(&[7]));
    assert_eq!(commitment.attributes["deadline"], refs(&[8]));
    assert_eq!(
        commitment.note,
        "Discontinuous: \"采取新的措施\" (take new measures) is left out."
    );
    assert_eq!(texts(&store, 1), ["哈萨克斯坦"]);
    assert_eq!(texts(&store, 3), ["塔吉克斯坦"]);
    assert_eq!(texts(&store, 8), ["在未来五年内"]);

    let dushanbe = store.get(AnnotationId(6)).unwrap();
    assert_eq!(dushanbe.review.state, ReviewState::Accepted);
    assert_eq!(dushanbe.review.reviewer.as_deref(), Some("bob"));
    let pending = store.get(AnnotationId(1)).unwrap();
    assert_eq!(pending.review.state, ReviewState::Pending);

    // File order is by start: the commitment (582) comes before the date (599) it contains.
    let order: Vec<u64> = file.annotations.iter().map(|a| a.id.0).collect();
    assert_eq!(order, [1, 2, 3, 4, 5, 6, 10, 8, 7]);

    for a in store.annotations() {
        for f in &a.fragments {
            assert_eq!(
                doc.slice(f.range()),
                Some(f.text.as_str()),
                "{} {}..{}",
                a.id,
                f.start,
                f.end
            );
        }
    }
}

#[test]
fn arabic_golden_file_loads_with_the_expected_annotations() {
    let (file, store) = load("format-1.ar.ron");
    let doc = sample(AR);
    assert!(file.document.matches(&doc));
    assert_eq!(store.len(), 10);
    assert_eq!(store.links().count(), 4);
    assert_eq!(texts(&store, 8), ["ملياري دولار"]);
    assert_eq!(
        texts(&store, 3),
        ["عُقدت في أستانا اجتماعات ومفاوضات رفيعة المستوى"],
        "the damma is kept"
    );
    let commitment = store.get(AnnotationId(10)).unwrap();
    assert_eq!(commitment.attributes["actors"], refs(&[4, 5]));
    assert_eq!(commitment.attributes["target"], refs(&[8]));
    assert_eq!(commitment.review.state, ReviewState::Edited);
    assert_eq!(commitment.note, "الطرفان = both sides");
    let party = store.links().find(|l| l.kind == "party_to").unwrap();
    assert_eq!((party.from.0, party.to.0), (4, 3));
    for a in store.annotations() {
        for f in &a.fragments {
            assert_eq!(
                doc.slice(f.range()),
                Some(f.text.as_str()),
                "{} {}..{}",
                a.id,
                f.start,
                f.end
            );
        }
    }
}

#[test]
fn golden_cross_document_file_loads() {
    let links = CrossLinkFile::load(&golden("links-format-1.ron")).unwrap();
    assert_eq!(links.annotator, "alice");
    assert_eq!(links.next_id, 4);
    let kinds: Vec<&str> = links.groups.iter().map(|g| g.kind.as_str()).collect();
    assert_eq!(kinds, ["same_commitment", "same_entity", "same_entity"]);
    let commitment = &links.groups[0];
    assert_eq!(commitment.members.len(), 2);
    assert_eq!(commitment.members[0].document, ZH);
    assert_eq!(commitment.members[1].document, AR);
    assert_eq!(commitment.members[1].annotation, AnnotationId(10));
}

#[test]
fn golden_files_validate_clean_against_the_sample_documents() {
    let dir = golden_project();
    let report = accord::validate::validate(dir.path()).unwrap();
    assert!(report.is_clean(), "{:#?}", report.findings);
    assert_eq!(report.files_checked, 3);
    assert_eq!(report.annotations_checked, 19);

    let ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
    for doc in [ZH, AR] {
        let d = ws.project.document_index(doc).unwrap();
        assert_eq!(ws.doc_state(d).status, StoreStatus::Editable, "{doc}");
        assert!(!ws.doc_state(d).is_dirty());
    }
    assert_eq!(ws.store(ws.project.document_index(ZH).unwrap()).len(), 9);
}

/// Format 2 added where an accepted suggestion came from: each annotation's `source` reads
/// back, and one made by hand has none.
#[test]
fn format_2_golden_file_loads_with_the_suggesters_of_accepted_suggestions() {
    let (file, store) = load("format-2.ron");
    assert_eq!(file.format, 2);
    let source = |id| store.get(AnnotationId(id)).unwrap().source.clone();
    assert_eq!(
        source(1),
        Some(Source {
            suggester: Suggester::Gazetteer("central-asia".into()),
            score: 1000
        })
    );
    assert_eq!(source(2).unwrap().suggester, Suggester::Tagger);
    assert_eq!(
        source(3).unwrap().suggester,
        Suggester::External("http://127.0.0.1:9090".into())
    );
    assert_eq!(source(4), None, "made by hand");
    // Otherwise it is the format-1 file: a version-1 file reads as version 2 without sources.
    let (_, old) = load("format-1.ron");
    let without_source = |s: &AnnotationStore| {
        s.annotations()
            .map(|a| Annotation {
                source: None,
                ..a.clone()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(without_source(&store), without_source(&old));
}

/// Today's writer writes the golden files as they are, but for the version, which a file
/// read as version 1 takes when it is written again.
#[test]
fn golden_files_resave_to_identical_bytes() {
    for name in ["format-1.ron", "format-1.ar.ron", "format-2.ron"] {
        let (file, store) = load(name);
        let resaved = AnnotationFile::from_store(&store, file.document.clone(), &file.annotator);
        let text = resaved.to_ron(&golden(name)).unwrap();
        let want = std::fs::read_to_string(golden(name)).unwrap().replacen(
            "    format: 1,",
            "    format: 2,",
            1,
        );
        assert_eq!(
            text, want,
            "today's writer no longer writes {name} as it was"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("alice.ron");
    CrossLinkFile::load(&golden("links-format-1.ron"))
        .unwrap()
        .save(&path)
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        std::fs::read_to_string(golden("links-format-1.ron")).unwrap()
    );
}
