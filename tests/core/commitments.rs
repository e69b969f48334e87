//! Commitments in the core: filling a commitment's actors, target and deadline (an existing
//! span, or one created in the same undoable step), relations found by their ends, the ledger
//! and the threads across documents in date order.

use std::collections::BTreeMap;

use accord::commitments::{ledger, threads};
use accord::edit::Edit;
use accord::model::{AnnotationId, AttributeValue, CharRange};
use accord::project::{DocId, Project, RefTarget, Workspace};

use crate::common::{char_offset_of, sample_project};

const ZH: &str = "kz-tj-joint-statement.zh.txt";
const RU: &str = "kz-tj-alliance-treaty.ru.txt";

/// Adds a span over the first occurrence of `needle`; returns its id.
fn span(ws: &mut Workspace, doc: DocId, label: &str, needle: &str) -> AnnotationId {
    let start = char_offset_of(ws.document(doc).unwrap(), needle);
    let range = CharRange::new(start, start + needle.chars().count());
    let add = Edit::Add {
        label: label.into(),
        ranges: vec![range],
        attributes: BTreeMap::new(),
        source: None,
    };
    ws.apply(vec![(doc, add)]).unwrap().created[0].1
}

fn refs(ws: &Workspace, doc: DocId, id: AnnotationId, name: &str) -> Vec<String> {
    let store = ws.store(doc);
    match store.get(id).unwrap().attributes.get(name) {
        Some(AttributeValue::Refs(ids)) => {
            ids.iter().map(|i| store.get(*i).unwrap().text()).collect()
        }
        None => Vec::new(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn actors_are_added_targets_replaced_and_a_span_made_on_the_spot_is_one_undo() {
    let dir = sample_project();
    let mut ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
    let zh = ws.project.document_index(ZH).unwrap();
    let commitment = span(
        &mut ws,
        zh,
        "COMMITMENT",
        "在未来五年内将双边贸易额增至20亿美元",
    );
    let kz = span(&mut ws, zh, "COUNTRY", "哈萨克斯坦");
    let money = span(&mut ws, zh, "MONEY", "20亿美元");

    let step = ws
        .reference_step(zh, commitment, "actors", RefTarget::Existing(kz))
        .unwrap();
    ws.apply(step).unwrap();
    let step = ws
        .reference_step(zh, commitment, "target", RefTarget::Existing(money))
        .unwrap();
    ws.apply(step).unwrap();
    // A second actor, made from selected text: a new COUNTRY span and the reference at once.
    let start = char_offset_of(ws.document(zh).unwrap(), "塔吉克斯坦");
    let tj = CharRange::new(start, start + 5);
    let before = ws.store(zh).len();
    let step = ws
        .reference_step(
            zh,
            commitment,
            "actors",
            RefTarget::New {
                label: "COUNTRY".into(),
                range: tj,
            },
        )
        .unwrap();
    let applied = ws.apply(step).unwrap();
    assert_eq!(ws.store(zh).len(), before + 1);
    let new = applied.created[0].1;
    assert_eq!(ws.store(zh).get(new).unwrap().label, "COUNTRY");
    assert_eq!(
        refs(&ws, zh, commitment, "actors"),
        vec!["哈萨克斯坦", "塔吉克斯坦"]
    );
    // The target takes one span: picking another replaces it.
    let deadline_like = span(&mut ws, zh, "MONEY", "亿美元");
    let step = ws
        .reference_step(zh, commitment, "target", RefTarget::Existing(deadline_like))
        .unwrap();
    ws.apply(step).unwrap();
    assert_eq!(refs(&ws, zh, commitment, "target"), vec!["亿美元"]);

    // Undo the replacement, the deadline-like span, then the span made on the spot: it and
    // its reference go together.
    ws.undo().unwrap();
    assert_eq!(refs(&ws, zh, commitment, "target"), vec!["20亿美元"]);
    ws.undo().unwrap();
    ws.undo().unwrap();
    assert_eq!(ws.store(zh).len(), before);
    assert_eq!(refs(&ws, zh, commitment, "actors"), vec!["哈萨克斯坦"]);
    ws.redo().unwrap();
    assert_eq!(
        refs(&ws, zh, commitment, "actors"),
        vec!["哈萨克斯坦", "塔吉克斯坦"]
    );

    // A label the attribute does not take is refused and changes nothing.
    let date = span(&mut ws, zh, "DATE", "在未来五年内");
    let revision = ws.revision();
    let step = ws
        .reference_step(zh, commitment, "actors", RefTarget::Existing(date))
        .unwrap();
    assert!(ws.apply(step).is_err());
    assert_eq!(ws.revision(), revision);
    assert_eq!(refs(&ws, zh, commitment, "actors").len(), 2);
}

#[test]
fn relations_are_found_from_either_end_and_follow_undo() {
    let dir = sample_project();
    let mut ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
    let ru = ws.project.document_index(RU).unwrap();
    let person = span(&mut ws, ru, "PERSON", "Касым-Жомарт Токаев");
    let other = span(&mut ws, ru, "PERSON", "Эмомали Рахмон");
    let country = span(&mut ws, ru, "COUNTRY", "Казахстан");
    let link = |kind: &str, from, to| Edit::AddLink {
        kind: kind.into(),
        from,
        to,
    };
    ws.apply(vec![(ru, link("represents", person, country))])
        .unwrap();
    ws.apply(vec![(ru, link("represents", other, country))])
        .unwrap();
    let of = |ws: &Workspace, id| -> Vec<(AnnotationId, AnnotationId)> {
        ws.store(ru).links_of(id).map(|l| (l.from, l.to)).collect()
    };
    assert_eq!(of(&ws, person), vec![(person, country)]);
    assert_eq!(of(&ws, country), vec![(person, country), (other, country)]);
    // Removing the country takes both relations; undo brings them back.
    ws.apply(vec![(ru, Edit::Remove { id: country })]).unwrap();
    assert!(of(&ws, person).is_empty() && of(&ws, other).is_empty());
    assert_eq!(ws.store(ru).links().len(), 0);
    ws.undo().unwrap();
    assert_eq!(of(&ws, country).len(), 2);
    assert_eq!(of(&ws, other), vec![(other, country)]);
}

#[test]
fn the_ledger_and_threads_follow_document_dates() {
    let dir = sample_project();
    // Dates: the Russian text in 2024-08, the Chinese with no year.
    let project_file = std::fs::read_to_string(dir.path().join("accord.ron")).unwrap();
    let project_file = project_file
        .lines()
        .map(|l| {
            let mut l = l.to_owned();
            if l.contains(ZH) && !l.contains("date:") {
                l = l.replacen("language:", "date: Some(\"--05-20\"), language:", 1);
            }
            l
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(dir.path().join("accord.ron"), project_file).unwrap();
    let mut ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
    let (zh, ru) = (
        ws.project.document_index(ZH).unwrap(),
        ws.project.document_index(RU).unwrap(),
    );
    let a = span(&mut ws, zh, "COMMITMENT", "将双边贸易额增至20亿美元");
    let b = span(&mut ws, ru, "COMMITMENT", "до 2 миллиардов долларов");
    let step = ws.link_step((zh, a), (ru, b), "same_commitment").unwrap();
    ws.apply(step).unwrap();

    let rows = ledger(&ws);
    let docs: Vec<&str> = rows.iter().map(|r| r.document.as_str()).collect();
    assert_eq!(
        docs,
        vec![RU, ZH],
        "dated first, the yearless Chinese text last"
    );
    assert_eq!(
        rows[0].missing,
        vec!["kind".to_owned(), "actors".to_owned()]
    );
    assert!(
        rows.iter()
            .all(|r| r.thread == rows[0].thread && r.thread.is_some())
    );

    let all = threads(&ws);
    assert_eq!(all.len(), 1);
    let members: Vec<(&str, Option<String>)> = all[0]
        .members
        .iter()
        .map(|m| (m.document.as_str(), m.when.map(|d| d.to_string())))
        .collect();
    assert_eq!(
        members,
        vec![
            (RU, Some("2024-08".to_owned())),
            (ZH, Some("--05-20".to_owned()))
        ]
    );
    assert_eq!(all[0].members[1].text, "将双边贸易额增至20亿美元");
}
