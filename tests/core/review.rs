//! Review in the core: the two sample annotators' spans as review items (agreement, boundary
//! and label conflicts, spans only one annotator made, nested spans kept apart), decisions
//! into the curated set with who proposed them, undo, saving and reading back, and the
//! curated export leaving out what was rejected.

use std::collections::BTreeMap;

use accord::edit::Edit;
use accord::model::{AttributeValue, CharRange, ReviewState};
use accord::project::{DocId, Project, Workspace};
use accord::review::{
    CURATED, Decision, ItemStatus, Layers, ReviewItem, accept_agreed_step, comment_step,
    decision_step, review_items,
};
use accord::store::{AnnotationFile, AnnotationStore};

const ZH: &str = "kz-tj-joint-statement.zh.txt";
const ANNOTATORS: [&str; 2] = ["aigerim", "dilnoza"];

/// A copy of the whole sample project (annotations and links included).
fn annotated_copy() -> tempfile::TempDir {
    fn copy(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let path = entry.unwrap().path();
            let target = to.join(path.file_name().unwrap());
            if path.is_dir() {
                copy(&path, &target);
            } else if !path.to_string_lossy().ends_with(".lock") {
                std::fs::copy(&path, &target).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(&crate::common::sample_dir(), dir.path());
    dir
}

struct Review {
    ws: Workspace,
    layers: Layers,
    doc: DocId,
}

impl Review {
    fn open(root: &std::path::Path) -> Self {
        let ws = Workspace::open_as(Project::open(root).unwrap(), CURATED, "rustam");
        let doc = ws.project.document_index(ZH).unwrap();
        let mut layers = Layers::default();
        for a in ANNOTATORS {
            layers.load(&ws.project, a, doc).unwrap();
        }
        Self { ws, layers, doc }
    }

    fn stores(&self) -> Vec<(&str, &AnnotationStore)> {
        ANNOTATORS
            .iter()
            .map(|a| (*a, self.layers.get(a, self.doc).unwrap()))
            .collect()
    }

    fn items(&self) -> Vec<ReviewItem> {
        review_items(
            &self.ws.project.schema,
            &self.stores(),
            self.ws.store(self.doc),
        )
    }

    fn item_at(&self, text: &str, status: ItemStatus) -> ReviewItem {
        let doc = self.ws.document(self.doc).unwrap();
        self.items()
            .into_iter()
            .find(|i| {
                i.status == status
                    && i.versions
                        .iter()
                        .any(|v| v.ranges.len() == 1 && doc.slice(v.ranges[0]) == Some(text))
            })
            .unwrap_or_else(|| panic!("an item {status:?} with a version {text:?}"))
    }

    fn decide(&mut self, item: &ReviewItem, decision: Decision) {
        let items = self.items();
        let index = items.iter().position(|i| i == item).unwrap();
        let step =
            decision_step(&self.ws, self.doc, &items, index, decision, &self.stores()).unwrap();
        self.ws.apply(step).unwrap();
    }
}

#[test]
fn the_sample_annotators_agree_mostly_and_their_disagreements_are_items() {
    let dir = annotated_copy();
    let r = Review::open(dir.path());
    let items = r.items();
    let count = |s: ItemStatus| items.iter().filter(|i| i.status == s).count();
    assert!(
        count(ItemStatus::Agree) > 50,
        "{}",
        count(ItemStatus::Agree)
    );
    // The generator's deliberate disagreements in the Chinese text.
    let boundary = r.item_at("托卡耶夫总统", ItemStatus::BoundaryConflict);
    let labels: Vec<(&str, &str)> = boundary
        .versions
        .iter()
        .map(|v| (v.annotator.as_str(), v.label.as_str()))
        .collect();
    assert_eq!(labels, vec![("aigerim", "PERSON"), ("dilnoza", "PERSON")]);
    assert_eq!(boundary.extent, CharRange::new(121, 127));
    let label = r.item_at("亚洲相互协作与信任措施会议", ItemStatus::LabelConflict);
    let labels: Vec<&str> = label.versions.iter().map(|v| v.label.as_str()).collect();
    assert_eq!(labels, vec!["ORG", "EVENT"]);
    let only = r.item_at("达娜", ItemStatus::OnlySome);
    assert_eq!(only.missing, vec!["aigerim".to_owned()]);
    assert!(items.iter().all(|i| i.decision.is_none()));
    // Every span of both annotators is in exactly one item.
    let spans: usize = r.stores().iter().map(|(_, s)| s.len()).sum();
    assert_eq!(items.iter().map(|i| i.versions.len()).sum::<usize>(), spans);
    assert!(items.iter().all(|i| {
        let mut names: Vec<&str> = i.versions.iter().map(|v| v.annotator.as_str()).collect();
        names.dedup();
        names.len() == i.versions.len()
    }));
}

#[test]
fn nested_spans_stay_two_items_and_a_shifted_boundary_is_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.txt"),
        "The Ministry of Foreign Affairs of Kazakhstan met.",
    )
    .unwrap();
    let project = Project::open(dir.path()).unwrap();
    let schema = project.schema.clone();
    let doc = project.documents[0].doc().unwrap().clone();
    let store = |spans: &[(&str, usize, usize)]| {
        let mut ws_store = AnnotationStore::new();
        let ctx = accord::edit::EditContext {
            schema: &schema,
            document: &doc,
            author: "x",
            now: &crate::common::fixed_now(),
        };
        for (label, s, e) in spans {
            accord::edit::apply(
                &mut ws_store,
                &ctx,
                &Edit::Add {
                    label: (*label).into(),
                    ranges: vec![CharRange::new(*s, *e)],
                    attributes: BTreeMap::new(),
                    source: None,
                },
            )
            .unwrap();
        }
        ws_store
    };
    // Both mark the ministry (4..44) and Kazakhstan in it (34..44); b's ministry starts at 0.
    let a = store(&[("ORG", 4, 44), ("COUNTRY", 34, 44)]);
    let b = store(&[("ORG", 0, 44), ("COUNTRY", 34, 44)]);
    let items = review_items(&schema, &[("a", &a), ("b", &b)], &AnnotationStore::new());
    let summary: Vec<(CharRange, ItemStatus, usize)> = items
        .iter()
        .map(|i| (i.extent, i.status, i.versions.len()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (CharRange::new(0, 44), ItemStatus::BoundaryConflict, 2),
            (CharRange::new(34, 44), ItemStatus::Agree, 2),
        ]
    );
}

#[test]
fn accept_on_a_tie_decides_nothing_and_names_the_versions_with_their_text() {
    let dir = annotated_copy();
    let r = Review::open(dir.path());
    let items = r.items();
    let boundary = r.item_at("托卡耶夫总统", ItemStatus::BoundaryConflict);
    let index = items.iter().position(|i| *i == boundary).unwrap();
    let err = decision_step(&r.ws, r.doc, &items, index, Decision::Accept, &r.stores())
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("a tie: "), "{err}");
    assert!(
        err.contains("1 aigerim: PERSON “托卡耶夫总统”")
            && err.contains("2 dilnoza: PERSON “托卡耶夫”")
            && err.contains("(1–2)"),
        "{err}"
    );
    // Taking a version still works.
    assert!(decision_step(&r.ws, r.doc, &items, index, Decision::Take(1), &r.stores()).is_ok());
}

#[test]
fn decisions_go_to_the_curated_set_with_who_proposed_them_and_undo_and_save() {
    let dir = annotated_copy();
    let mut r = Review::open(dir.path());
    let boundary = r.item_at("托卡耶夫总统", ItemStatus::BoundaryConflict);
    let k = boundary.version_of("dilnoza").unwrap();
    r.decide(&boundary, Decision::Take(k));
    let label = r.item_at("亚洲相互协作与信任措施会议", ItemStatus::LabelConflict);
    r.decide(&label, Decision::Reject);
    let only = r.item_at("达娜", ItemStatus::OnlySome);
    r.decide(&only, Decision::Accept);

    let curated = r.ws.store(r.doc);
    let decided: Vec<(String, ReviewState, Vec<String>, String)> = curated
        .in_file_order()
        .iter()
        .map(|a| {
            (
                a.text(),
                a.review.state,
                a.review.proposed_by.clone(),
                a.review.reviewer.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        decided,
        vec![
            (
                "托卡耶夫".into(),
                ReviewState::Accepted,
                vec!["dilnoza".into()],
                "rustam".into()
            ),
            (
                "亚洲相互协作与信任措施会议".into(),
                ReviewState::Rejected,
                vec!["aigerim".into()],
                "rustam".into()
            ),
            (
                "达娜".into(),
                ReviewState::Accepted,
                vec!["dilnoza".into()],
                "rustam".into()
            ),
        ]
    );
    // The items now read as decided; deciding again replaces the decision under its id.
    let again = r.item_at("托卡耶夫总统", ItemStatus::BoundaryConflict);
    let (id, state) = again.decision.unwrap();
    assert_eq!(state, ReviewState::Accepted);
    let k = again.version_of("aigerim").unwrap();
    r.decide(&again, Decision::Take(k));
    let ann = r.ws.store(r.doc).get(id).unwrap();
    assert_eq!(
        (ann.text(), ann.review.proposed_by.clone()),
        ("托卡耶夫总统".into(), vec!["aigerim".to_owned()])
    );
    // A comment on an undecided item keeps it undecided.
    let items = r.items();
    let index = items
        .iter()
        .position(|i| i.status == ItemStatus::Agree && i.decision.is_none())
        .unwrap();
    let other = items[index].clone();
    let step = comment_step(
        &r.ws,
        r.doc,
        &items,
        index,
        "check the guideline",
        &r.stores(),
    )
    .unwrap();
    r.ws.apply(step).unwrap();
    let commented = r
        .items()
        .into_iter()
        .find(|i| i.extent == other.extent && i.layer == other.layer)
        .unwrap();
    assert!(!commented.is_decided());
    let (cid, _) = commented.decision.unwrap();
    assert_eq!(
        r.ws.store(r.doc).get(cid).unwrap().note,
        "check the guideline"
    );

    // Undo: the comment, then the second decision (the first is back).
    r.ws.undo().unwrap();
    r.ws.undo().unwrap();
    let ann = r.ws.store(r.doc).get(id).unwrap();
    assert_eq!(ann.review.proposed_by, vec!["dilnoza".to_owned()]);
    assert_eq!(r.ws.store(r.doc).len(), 3);

    // Saved and read back as written.
    for (_, result) in r.ws.save_all() {
        result.unwrap();
    }
    let path = r.ws.project.annotation_path(CURATED, ZH);
    let file = AnnotationFile::load(&path).unwrap();
    let before: Vec<_> =
        r.ws.store(r.doc)
            .in_file_order()
            .into_iter()
            .cloned()
            .collect();
    let mut after = file.annotations.clone();
    after.sort_by_key(|a| (a.extent().start, a.id));
    assert_eq!(after, before);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("proposed_by: [\"dilnoza\"]"), "{text}");
    let report = accord::validate::validate(dir.path()).unwrap();
    assert!(report.is_clean(), "{:#?}", report.findings);

    // The curated export leaves the rejected one out.
    let out = dir.path().join("exports/gold.jsonl");
    let options = accord::formats::ExportOptions {
        format: accord::formats::Format::Jsonl,
        out: out.clone(),
        source: accord::formats::AnnotationSource::Curated,
        documents: Vec::new(),
        labels: Vec::new(),
        include_undecided: false,
    };
    accord::formats::export(dir.path(), &options, &mut |_| {
        std::ops::ControlFlow::Continue(())
    })
    .unwrap();
    let exported = std::fs::read_to_string(&out).unwrap();
    let zh_line: serde_json::Value = exported
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["meta"]["file"] == ZH)
        .unwrap();
    let spans: Vec<String> = zh_line["spans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        spans,
        vec![
            "[121,125,\"PERSON\"]".to_owned(),
            "[2038,2040,\"PERSON\"]".to_owned()
        ],
        "the rejected ORG is left out"
    );
}

#[test]
fn taking_a_commitment_brings_the_spans_it_points_at_and_accepting_agreed_is_one_step() {
    let dir = annotated_copy();
    let mut r = Review::open(dir.path());
    let doc = r.ws.document(r.doc).unwrap().clone();
    let commitment = r
        .items()
        .into_iter()
        .find(|i| {
            i.versions.iter().any(|v| {
                v.label == "COMMITMENT"
                    && doc
                        .slice(v.ranges[0])
                        .is_some_and(|t| t.contains("20亿美元"))
            })
        })
        .unwrap();
    r.decide(&commitment, Decision::Take(0));
    let curated = r.ws.store(r.doc);
    let taken = curated
        .annotations()
        .find(|a| a.label == "COMMITMENT")
        .unwrap();
    let Some(AttributeValue::Refs(actors)) = taken.attributes.get("actors") else {
        panic!("{taken:?}");
    };
    let actor_texts: Vec<String> = actors
        .iter()
        .map(|a| curated.get(*a).unwrap().text())
        .collect();
    assert_eq!(actor_texts, vec!["哈萨克斯坦", "塔吉克斯坦"]);
    let Some(AttributeValue::Refs(target)) = taken.attributes.get("target") else {
        panic!("{taken:?}");
    };
    assert_eq!(curated.get(target[0]).unwrap().text(), "20亿美元");
    // Those spans are now decided items too.
    let items = r.items();
    let money = items
        .iter()
        .find(|i| {
            i.versions
                .iter()
                .any(|v| v.label == "MONEY" && doc.slice(v.ranges[0]) == Some("20亿美元"))
        })
        .unwrap();
    assert!(money.is_decided());

    let before = r.ws.store(r.doc).len();
    let agreed = items
        .iter()
        .filter(|i| i.status == ItemStatus::Agree && i.decision.is_none())
        .count();
    let step = accept_agreed_step(&r.ws, r.doc, &items, &r.stores()).unwrap();
    r.ws.apply(step).unwrap();
    assert!(r.ws.store(r.doc).len() >= before + agreed);
    assert!(
        r.items()
            .iter()
            .filter(|i| i.status == ItemStatus::Agree)
            .all(ReviewItem::is_decided)
    );
    r.ws.undo().unwrap();
    assert_eq!(r.ws.store(r.doc).len(), before);
}

/// Two annotations of a curated file with the same label and fragments: each a duplicate.
fn duplicates(store: &AnnotationStore) -> Vec<String> {
    let mut seen = std::collections::HashMap::new();
    let mut out = Vec::new();
    for a in store.in_file_order() {
        let key = (
            a.label.clone(),
            a.fragments.iter().map(|f| f.range()).collect::<Vec<_>>(),
        );
        if let Some(first) = seen.insert(key, a.id) {
            out.push(format!(
                "{} {} “{}” again as {}",
                a.label,
                first,
                a.text(),
                a.id
            ));
        }
    }
    out
}

#[test]
fn accepting_commitments_then_all_agreed_makes_each_item_one_annotation() {
    // First at once (commitments and the spans they point at accepted in one step), then
    // after accepting the commitments one by one (their majority version, or version 1 or 2).
    for take in [Some(usize::MAX), None, Some(0), Some(1)] {
        let dir = annotated_copy();
        let mut r = Review::open(dir.path());
        // Their actors, targets and deadlines come along with the commitments.
        while take != Some(usize::MAX) {
            let next = r.items().into_iter().find(|i| {
                i.decision.is_none() && i.versions.iter().any(|v| v.label == "COMMITMENT")
            });
            let Some(item) = next else { break };
            let decision = match take {
                Some(k) if k < item.versions.len() => Decision::Take(k),
                _ if item.clear_majority().is_some() => Decision::Accept,
                _ => Decision::Take(0),
            };
            r.decide(&item, decision);
        }
        let items = r.items();
        let step = accept_agreed_step(&r.ws, r.doc, &items, &r.stores()).unwrap();
        r.ws.apply(step).unwrap();
        let curated = r.ws.store(r.doc);
        assert_eq!(duplicates(curated), Vec::<String>::new());
        // Every agreed item is decided, by one annotation each.
        let items = r.items();
        let decided: Vec<_> = items
            .iter()
            .filter(|i| i.status == ItemStatus::Agree)
            .map(|i| i.decision.map(|(id, _)| id))
            .collect();
        assert!(decided.iter().all(Option::is_some), "{decided:?}");
        // Saved, the curated file validates; a span written twice into it would not.
        for (_, saved) in r.ws.save_all() {
            saved.unwrap();
        }
        let report = accord::validate::validate(dir.path()).unwrap();
        assert!(report.is_clean(), "{:#?}", report.findings);
        if take.is_none() {
            let path = r.ws.project.annotation_path(CURATED, ZH);
            let mut file = AnnotationFile::load(&path).unwrap();
            let mut twice = file.annotations[0].clone();
            twice.id = accord::model::AnnotationId(file.next_id);
            file.next_id += 1;
            file.annotations.push(twice);
            std::fs::write(&path, file.to_ron(&path).unwrap()).unwrap();
            let report = accord::validate::validate(dir.path()).unwrap();
            assert!(
                report
                    .findings
                    .iter()
                    .any(|f| f.kind == accord::validate::FindingKind::DuplicateSpan
                        && f.message.contains("again")),
                "{:#?}",
                report.findings
            );
        }
    }
}

/// "Accept all agreed" on every sample document, saved: the curated files, their times
/// written as `T`, are `tests/golden/curated-agreed/<document>.ron`. Each agreed item is one
/// annotation proposed by both annotators; a commitment's actors, targets and deadlines are
/// those same annotations. `ACCORD_BLESS=1` rewrites the golden files after a deliberate
/// change.
#[test]
fn accepting_all_agreed_on_the_samples_gives_the_golden_curated_files() {
    let dir = annotated_copy();
    let mut ws = Workspace::open_as(Project::open(dir.path()).unwrap(), CURATED, "rustam");
    let mut layers = Layers::default();
    for doc in ws.doc_ids().collect::<Vec<_>>() {
        for a in ANNOTATORS {
            layers.load(&ws.project, a, doc).unwrap();
        }
        let stores: Vec<(&str, &AnnotationStore)> = ANNOTATORS
            .iter()
            .map(|a| (*a, layers.get(a, doc).unwrap()))
            .collect();
        let items = review_items(&ws.project.schema, &stores, ws.store(doc));
        let step = accept_agreed_step(&ws, doc, &items, &stores).unwrap();
        ws.apply(step).unwrap();
        assert_eq!(duplicates(ws.store(doc)), Vec::<String>::new());
    }
    for (_, saved) in ws.save_all() {
        saved.unwrap();
    }
    let golden =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/curated-agreed");
    let bless = std::env::var_os("ACCORD_BLESS").is_some();
    for slot in &ws.project.documents {
        let path = ws.project.annotation_path(CURATED, slot.file());
        let text = std::fs::read_to_string(&path).unwrap();
        // Times vary from run to run: `"2026-12-06T10:00:00Z"` → `"T"`.
        let mut normal = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some(i) = rest.find("\"20") {
            let (before, from) = rest.split_at(i);
            normal.push_str(before);
            match from[1..].find('"') {
                Some(end) if from[1..=end].len() == 20 && from.as_bytes()[11] == b'T' => {
                    normal.push_str("\"T\"");
                    rest = &from[end + 2..];
                }
                _ => {
                    normal.push('"');
                    rest = &from[1..];
                }
            }
        }
        normal.push_str(rest);
        let expected_path = golden.join(format!("{}.ron", slot.file()));
        if bless {
            std::fs::create_dir_all(&golden).unwrap();
            std::fs::write(&expected_path, &normal).unwrap();
        }
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
        assert_eq!(
            normal,
            expected,
            "{} differs from its golden file",
            slot.file()
        );
    }
}
