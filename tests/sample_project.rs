//! The sample project ships with example annotations (annotator "example"): the
//! Kazakhstan–Tajikistan trade commitment in four languages, its actors, target and deadline,
//! and cross-document groups tying them together. They must always validate clean.
//!
//! They are written by `regenerate_example_annotations`, so every offset is computed from the
//! text rather than typed by hand: `cargo test --test sample_project -- --ignored`.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use accord::edit::Edit;
use accord::model::{AnnotationId, AttributeValue, CharRange, CrossGroup, CrossMember, GroupId};
use accord::project::{CrossLinkFile, Project, Workspace};

const EXAMPLE: &str = "example";

fn sample_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_docs")
}

#[test]
fn the_sample_project_validates_clean() {
    let report = accord::validate::validate(&sample_root()).unwrap();
    assert!(
        report.is_clean(),
        "{}",
        report
            .findings
            .iter()
            .map(|f| f.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(report.documents, 5);
    assert!(
        report.annotations_checked >= 27,
        "{}",
        report.annotations_checked
    );

    let stats = accord::stats::stats(&sample_root()).unwrap();
    assert!(stats.per_label.get("COMMITMENT").copied().unwrap_or(0) >= 4);
    assert_eq!(
        stats.per_annotator.keys().collect::<Vec<_>>(),
        vec![EXAMPLE]
    );

    // The four commitments are one cross-document group, and each one's MONEY target reads
    // "two billion dollars" in its own language.
    let project = Project::open(&sample_root()).unwrap();
    let links = CrossLinkFile::load(&project.links_path(EXAMPLE)).unwrap();
    let same = links
        .groups
        .iter()
        .find(|g| g.kind == "same_commitment")
        .unwrap();
    assert_eq!(same.members.len(), 4);
    let ws = Workspace::open(project, EXAMPLE);
    let mut targets = Vec::new();
    for m in &same.members {
        let doc = ws.project.document_index(&m.document).unwrap();
        let commitment = ws.store(doc).get(m.annotation).unwrap();
        assert_eq!(commitment.label, "COMMITMENT");
        let Some(AttributeValue::Refs(target)) = commitment.attributes.get("target") else {
            panic!("{}: the commitment has a target", m.document);
        };
        targets.push(ws.store(doc).get(target[0]).unwrap().text());
    }
    targets.sort();
    assert_eq!(
        targets,
        vec![
            "2 миллиардов долларов",
            "2 млрд АҚШ долларына",
            "20亿美元",
            "ملياري دولار"
        ]
    );
}

/// What one document gets: plain spans, then the commitment with its attributes.
struct Plan {
    file: &'static str,
    spans: &'static [(&'static str, &'static str)],
    commitment: &'static str,
    kind: &'static str,
    actors: &'static [&'static str],
    target: &'static str,
    deadline: Option<&'static str>,
}

const PLANS: &[Plan] = &[
    Plan {
        file: "kz-tj-joint-statement.zh.txt",
        spans: &[
            ("PERSON", "哈斯穆-卓玛尔特•托卡耶夫"),
            ("PERSON", "埃莫马利·拉赫蒙"),
            ("COUNTRY", "哈萨克斯坦"),
            ("COUNTRY", "塔吉克斯坦"),
            ("LOCATION", "杜尚别"),
            ("DATE", "5月20日"),
            ("MONEY", "20亿美元"),
            ("DATE", "在未来五年内"),
        ],
        commitment: "在未来五年内将双边贸易额增至20亿美元",
        kind: "agreement",
        actors: &["哈萨克斯坦", "塔吉克斯坦"],
        target: "20亿美元",
        deadline: Some("在未来五年内"),
    },
    Plan {
        file: "tj-kz-talks-astana.ar.txt",
        spans: &[
            ("COUNTRY", "طاجيكستان"),
            ("COUNTRY", "كازاخستان"),
            ("LOCATION", "أستانا"),
            ("DATE", "25 أغسطس"),
            ("PERSON", "إمام علي رحمان"),
            ("PERSON", "قاسم جومارت توكاييف"),
            ("MONEY", "ملياري دولار"),
            ("DATE", "المستقبل القريب"),
        ],
        commitment: "زيادة مؤشرات التجارة الثنائية السنوية إلى ملياري دولار",
        kind: "agreement",
        actors: &["طاجيكستان", "كازاخستان"],
        target: "ملياري دولار",
        deadline: Some("المستقبل القريب"),
    },
    Plan {
        file: "kz-tj-alliance-treaty.ru.txt",
        spans: &[
            ("PERSON", "Касым-Жомарт Токаев"),
            ("PERSON", "Эмомали Рахмон"),
            ("MONEY", "2 миллиардов долларов"),
        ],
        commitment: "доведения объемов взаимной торговли до 2 миллиардов долларов",
        kind: "pledge",
        actors: &["Касым-Жомарт Токаев"],
        target: "2 миллиардов долларов",
        deadline: None,
    },
    Plan {
        file: "kz-tj-foreign-ministers.kk.txt",
        spans: &[
            ("COUNTRY", "Қазақстан"),
            ("COUNTRY", "Тәжікстан"),
            ("PERSON", "Ермек Көшербаев"),
            ("MONEY", " 2 млрд АҚШ долларына"),
        ],
        commitment: "тауар айналымын 2 млрд АҚШ долларына жеткізу",
        kind: "reaffirmation",
        actors: &["Қазақстан", "Тәжікстан"],
        target: "2 млрд АҚШ долларына",
        deadline: None,
    },
];

#[test]
#[ignore = "rewrites sample_docs/annotations and sample_docs/links"]
fn regenerate_example_annotations() {
    let root = sample_root();
    let _ = std::fs::remove_dir_all(root.join("annotations").join(EXAMPLE));
    let _ = std::fs::remove_file(root.join("links").join(format!("{EXAMPLE}.ron")));
    let mut ws = Workspace::open(Project::open(&root).unwrap(), EXAMPLE);
    let mut commitments = Vec::new();
    let mut tajikistan = Vec::new();
    for plan in PLANS {
        let doc = ws.project.document_index(plan.file).unwrap();
        let text = ws.document(doc).unwrap().text().to_owned();
        // Char range of the first occurrence (a leading space in the needle anchors it, and is
        // left out of the span).
        let find = |needle: &str| -> CharRange {
            let byte = text
                .find(needle)
                .unwrap_or_else(|| panic!("{needle:?} in {}", plan.file));
            let trimmed = needle.trim_start();
            let start =
                text[..byte].chars().count() + (needle.chars().count() - trimmed.chars().count());
            CharRange::new(start, start + trimmed.chars().count())
        };
        let mut ids: BTreeMap<&str, AnnotationId> = BTreeMap::new();
        for (label, needle) in plan.spans {
            let add = Edit::Add {
                label: (*label).to_owned(),
                ranges: vec![find(needle)],
                attributes: BTreeMap::new(),
            };
            let applied = ws.apply(vec![(doc, add)]).unwrap();
            ids.insert(needle.trim_start(), applied.created[0].1);
        }
        let mut attributes = BTreeMap::new();
        attributes.insert(
            "kind".to_owned(),
            AttributeValue::Enum(plan.kind.to_owned()),
        );
        attributes.insert("status".to_owned(), AttributeValue::Enum("new".to_owned()));
        attributes.insert(
            "actors".to_owned(),
            AttributeValue::Refs(plan.actors.iter().map(|a| ids[a]).collect()),
        );
        attributes.insert(
            "target".to_owned(),
            AttributeValue::Refs(vec![ids[plan.target]]),
        );
        if let Some(deadline) = plan.deadline {
            attributes.insert(
                "deadline".to_owned(),
                AttributeValue::Refs(vec![ids[deadline]]),
            );
        }
        let add = Edit::Add {
            label: "COMMITMENT".to_owned(),
            ranges: vec![find(plan.commitment)],
            attributes,
        };
        let applied = ws.apply(vec![(doc, add)]).unwrap();
        let member = |annotation| CrossMember {
            document: plan.file.to_owned(),
            annotation,
        };
        commitments.push(member(applied.created[0].1));
        for name in ["塔吉克斯坦", "طاجيكستان", "Тәжікстан"] {
            if let Some(id) = ids.get(name) {
                tajikistan.push(member(*id));
            }
        }
    }
    for (_, result) in ws.save_all() {
        result.unwrap();
    }
    let mut links = CrossLinkFile::new(EXAMPLE);
    links.groups = vec![
        CrossGroup {
            id: GroupId(1),
            kind: "same_commitment".to_owned(),
            members: commitments,
            note: "Raise Kazakhstan–Tajikistan trade to 2 billion US dollars.".to_owned(),
        },
        CrossGroup {
            id: GroupId(2),
            kind: "same_entity".to_owned(),
            members: tajikistan,
            note: String::new(),
        },
    ];
    links.next_id = 3;
    links.save(&ws.project.links_path(EXAMPLE)).unwrap();
}
