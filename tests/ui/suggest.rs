//! Suggestions in the window: a label made by hand proposed where its clitic-prefixed,
//! inflected or space-less forms occur; stepping to one, accepting it (marked with its
//! source), undoing; rejecting one, never proposed again until the rejection is undone; a
//! label's key on a suggestion; all of a label at once; hiding them; the Suggestions tab; an
//! external recommender, and one that is down.

use std::path::Path;

use accord::model::{CharRange, Suggester};
use accord::project::DocId;
use accord::suggest::rejections::REJECTIONS_FILE;
use accord::ui::AccordApp;
use accord::ui::state::Selection;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

use crate::ui_support::*;

#[path = "../../src/suggest/test_server.rs"]
mod test_server;

/// The sample project with its suggestion settings replaced by `settings` (RON of
/// `suggestions: (...)`): only what a test means is proposed.
fn project_suggesting(settings: &str) -> tempfile::TempDir {
    let dir = sample_project();
    let path = dir.path().join("accord.ron");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find("    suggestions:").unwrap();
    let end = start + text[start..].find('\n').unwrap() + 1;
    let text = format!(
        "{}    suggestions: {settings},\n{}",
        &text[..start],
        &text[end..]
    );
    std::fs::write(&path, text).unwrap();
    dir
}

/// Runs frames until the worker's suggestions are of the workspace's latest labels.
fn wait_for_suggestions(h: &mut Harness<'_, AccordApp>) {
    for _ in 0..600 {
        h.run_steps(1);
        if app_state(h).suggestions_settled() {
            h.run_steps(2);
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("no suggestions within 6 s");
}

fn suggested(h: &Harness<'_, AccordApp>, doc: DocId) -> Vec<(CharRange, String, Suggester)> {
    app_state(h)
        .suggestions
        .of(doc)
        .iter()
        .map(|s| (s.range, s.label.clone(), s.suggester.clone()))
        .collect()
}

fn has(h: &Harness<'_, AccordApp>, doc: DocId, start: usize, end: usize, label: &str) -> bool {
    suggested(h, doc)
        .iter()
        .any(|(r, l, _)| *r == CharRange::new(start, end) && l == label)
}

fn active_selection(h: &Harness<'_, AccordApp>) -> Selection {
    app_state(h).active_pane().expect("a pane").selection
}

const CTRL: Modifiers = Modifiers::COMMAND;

#[test]
fn a_hand_label_is_proposed_behind_an_arabic_clitic_accepted_with_its_source_and_undone() {
    let dir = project_suggesting("(tagger: false)");
    let mut h = harness(dir.path());
    let ar = doc_index(&h, AR);
    // The second كازاخستان standing alone (the first is inside وكازاخستان).
    let by_hand = CharRange::new(164, 173);
    assert_eq!(text_of(&h, ar, by_hand), "كازاخستان");
    label(&mut h, 0, ar, "كازاخستان", 1, Key::C);
    wait_for_suggestions(&mut h);
    // وكازاخستان at 46: the stem only, as labelled by hand; never over the hand label.
    assert!(has(&h, ar, 47, 56, "COUNTRY"), "{:?}", suggested(&h, ar));
    assert!(!has(&h, ar, 46, 56, "COUNTRY"));
    assert!(
        !suggested(&h, ar)
            .iter()
            .any(|(r, _, _)| r.overlaps(&by_hand))
    );
    assert!(
        suggested(&h, ar)
            .iter()
            .all(|(_, _, s)| *s == Suggester::Project)
    );

    // F8 goes on from the hand label to the next suggestion; Ctrl+Enter accepts it.
    press(&mut h, Modifiers::NONE, Key::F8);
    assert_eq!(
        active_selection(&h),
        Selection::Suggestion(CharRange::new(346, 355))
    );
    let before = ws(&h).store(ar).len();
    press(&mut h, CTRL, Key::Enter);
    assert_eq!(ws(&h).store(ar).len(), before + 1);
    let Selection::Annotation(id) = active_selection(&h) else {
        panic!("the accepted span is selected: {:?}", active_selection(&h));
    };
    let accepted = ws(&h).store(ar).get(id).unwrap().clone();
    assert_eq!(accepted.extent(), CharRange::new(346, 355));
    assert_eq!(accepted.label, "COUNTRY");
    assert_eq!(
        accepted.source.as_ref().map(|s| &s.suggester),
        Some(&Suggester::Project),
        "the annotation records where it came from"
    );
    assert!(!has(&h, ar, 346, 355, "COUNTRY"), "no ghost over it now");

    // Undo takes the annotation away, and the suggestion comes back.
    press(&mut h, CTRL, Key::Z);
    assert_eq!(ws(&h).store(ar).len(), before);
    wait_for_suggestions(&mut h);
    assert!(has(&h, ar, 346, 355, "COUNTRY"));
}

#[test]
fn a_rejected_suggestion_is_not_proposed_again_until_the_rejection_is_undone() {
    let dir = project_suggesting("(tagger: false)");
    let mut h = harness(dir.path());
    let ar = doc_index(&h, AR);
    label(&mut h, 0, ar, "كازاخستان", 1, Key::C);
    wait_for_suggestions(&mut h);
    // A click on the ghost span selects the suggestion.
    show(&mut h, 0, ar, CharRange::new(47, 56));
    click_char(&mut h, 0, 50);
    assert_eq!(
        active_selection(&h),
        Selection::Suggestion(CharRange::new(47, 56))
    );
    // The details panel says where it comes from.
    assert!(h.query_by_label("project").is_some());
    press(&mut h, CTRL, Key::Delete);
    let file = dir.path().join("annotations/tester").join(REJECTIONS_FILE);
    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(
        saved.contains(&format!(
            "(document: \"{AR}\", start: 47, end: 56, label: \"COUNTRY\", text: \"كازاخستان\", suggester: Project)"
        )),
        "{saved}"
    );
    assert!(!has(&h, ar, 47, 56, "COUNTRY"));
    // Learned again (a new label elsewhere): still not proposed there.
    let ru = doc_index(&h, RU);
    label(&mut h, 0, ru, "Таджикистан", 0, Key::C);
    wait_for_suggestions(&mut h);
    assert!(!has(&h, ar, 47, 56, "COUNTRY"));
    assert!(has(&h, ar, 346, 355, "COUNTRY"), "the others still are");
    // Undo the label, then the rejection: proposed again, and the file forgets it.
    press(&mut h, CTRL, Key::Z);
    press(&mut h, CTRL, Key::Z);
    wait_for_suggestions(&mut h);
    assert!(has(&h, ar, 47, 56, "COUNTRY"));
    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(!saved.contains("start: 47"), "{saved}");
}

#[test]
fn kazakh_and_russian_endings_and_chinese_without_spaces_are_proposed_in_the_window() {
    let dir = project_suggesting("(tagger: false)");
    let mut h = harness(dir.path());
    let (kk, ru, zh) = (doc_index(&h, KK), doc_index(&h, RU), doc_index(&h, ZH));
    label(&mut h, 0, kk, "Тәжікстан", 0, Key::C);
    label(&mut h, 0, ru, "Таджикистан", 0, Key::C);
    label(&mut h, 0, zh, "哈萨克斯坦", 0, Key::C);
    wait_for_suggestions(&mut h);
    assert!(has(&h, kk, 1134, 1146, "COUNTRY"), "Тәжікстанмен");
    assert!(has(&h, kk, 1849, 1861, "COUNTRY"), "Тәжікстанның");
    assert!(has(&h, ru, 2582, 2594, "COUNTRY"), "Таджикистана");
    assert!(has(&h, zh, 51, 56, "COUNTRY"));
    assert!(
        has(&h, zh, 265, 270, "COUNTRY"),
        "inside a run of characters"
    );

    // A label's key on a suggestion accepts it with that label.
    show(&mut h, 0, zh, CharRange::new(51, 56));
    click_char(&mut h, 0, 53);
    assert_eq!(
        active_selection(&h),
        Selection::Suggestion(CharRange::new(51, 56))
    );
    h.key_press(Key::L);
    h.run_steps(3);
    let Selection::Annotation(id) = active_selection(&h) else {
        panic!("{:?}", active_selection(&h));
    };
    let a = ws(&h).store(zh).get(id).unwrap();
    assert_eq!(
        (a.label.as_str(), a.extent()),
        ("LOCATION", CharRange::new(51, 56))
    );
    assert!(a.source.is_some());

    // Every COUNTRY suggestion of the document at once, as one undo.
    wait_for_suggestions(&mut h);
    press(&mut h, Modifiers::NONE, Key::F8);
    assert!(matches!(active_selection(&h), Selection::Suggestion(_)));
    let shown = suggested(&h, zh)
        .iter()
        .filter(|(_, l, _)| l == "COUNTRY")
        .count();
    assert!(shown >= 10, "{shown}");
    let before = ws(&h).store(zh).len();
    press(&mut h, CTRL | Modifiers::SHIFT, Key::Enter);
    assert_eq!(ws(&h).store(zh).len(), before + shown);
    press(&mut h, CTRL, Key::Z);
    assert_eq!(ws(&h).store(zh).len(), before);
    // They are proposed again once the worker has learned that they are not labelled.
    wait_for_suggestions(&mut h);

    // Hidden: none shown, none stepped to.
    press(&mut h, CTRL | Modifiers::SHIFT, Key::U);
    assert!(suggested(&h, zh).is_empty());
    press(&mut h, Modifiers::NONE, Key::F8);
    assert!(!matches!(active_selection(&h), Selection::Suggestion(_)));
    press(&mut h, CTRL | Modifiers::SHIFT, Key::U);
    assert!(!suggested(&h, zh).is_empty());
}

#[test]
fn the_gazetteer_proposes_names_before_anything_is_labelled_and_the_tab_measures_it() {
    let dir = tempfile::tempdir().unwrap();
    crate::common::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_docs"),
        dir.path(),
    );
    // A newcomer: nothing labelled, the gazetteer's names proposed.
    let mut h = harness_as(dir.path(), "newcomer");
    wait_for_suggestions(&mut h);
    let ar = doc_index(&h, AR);
    assert!(
        suggested(&h, ar)
            .iter()
            .any(|(r, l, s)| *r == CharRange::new(47, 56)
                && l == "COUNTRY"
                && *s == Suggester::Gazetteer("central-asia".into())),
        "{:?}",
        suggested(&h, ar),
    );
    drop(h);
    // The Suggestions tab: how good each suggester is on aigerim's labels, and switching the
    // tagger off, written to accord.ron.
    let mut h = harness_as(dir.path(), "aigerim");
    press(&mut h, CTRL | Modifiers::SHIFT, Key::J);
    h.get_by_label("Measure").click();
    let started = std::time::Instant::now();
    while app_state(&h).suggestions.evaluation.is_none() {
        assert!(started.elapsed().as_secs() < 60, "measured within a minute");
        h.run_steps(1);
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    h.run_steps(2);
    assert!(
        h.query_by_label_contains("leave-one-document-out over 5 labelled documents")
            .is_some()
    );
    let evaluation = app_state(&h).suggestions.evaluation.as_ref().unwrap();
    let gazetteer = &evaluation.suggesters["gazetteer:central-asia"];
    assert!(gazetteer.all.precision() > 0.7, "{gazetteer:?}");
    h.get_by_label("A tagger trained on your labels").click();
    h.run_steps(3);
    let file = std::fs::read_to_string(dir.path().join("accord.ron")).unwrap();
    assert!(
        file.contains(
            "suggestions: (gazetteers: [\"gazetteers/central-asia.ron\"], tagger: false)"
        ),
        "{file}"
    );
    assert!(file.contains("// Accord project file."), "comments kept");
}

#[test]
fn an_external_recommender_proposes_in_the_window_and_a_dead_one_is_named() {
    let server = test_server::TestServer::start(test_server::Behaviour::Echo {
        label: "COUNTRY".into(),
        needle: "Қазақстан".into(),
    })
    .unwrap();
    let dir = project_suggesting(&format!(
        "(project: false, tagger: false, external: Some(\"{}\"))",
        server.url
    ));
    let mut h = harness(dir.path());
    let kk = doc_index(&h, KK);
    show(&mut h, 0, kk, CharRange::new(0, 9));
    h.state_mut().push(accord::ui::Action::AskExternal);
    for _ in 0..500 {
        h.run_steps(1);
        if app_state(&h).suggestions.external.is_some() && !suggested(&h, kk).is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(app_state(&h).suggestions.external, Some(Ok(10)));
    assert!(has(&h, kk, 0, 9, "COUNTRY"));
    assert_eq!(
        suggested(&h, kk)[0].2,
        Suggester::External(server.url.clone())
    );

    let dead = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let dir = project_suggesting(&format!("(external: Some(\"{dead}\"))"));
    let mut h = harness(dir.path());
    h.state_mut().push(accord::ui::Action::AskExternal);
    let started = std::time::Instant::now();
    while app_state(&h).suggestions.external.is_none() {
        assert!(started.elapsed().as_secs() < 20, "the window waited");
        h.run_steps(1);
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let Some(Err(e)) = &app_state(&h).suggestions.external else {
        panic!("{:?}", app_state(&h).suggestions.external);
    };
    assert!(e.contains(&dead) && e.contains("cannot reach"), "{e}");
    let status = app_state(&h).status.message.as_ref().unwrap();
    assert!(status.error && status.text.contains(&dead));
}

#[test]
fn labels_saved_before_the_window_opened_are_learned() {
    // The worker reads the saved labels itself; the window sends only what differs from the
    // files. A label saved in an earlier session must propose its other occurrences at once.
    let dir = project_suggesting("(tagger: false, gazetteers: [])");
    let zh_range = {
        let project = accord::project::Project::open(dir.path()).unwrap();
        let mut ws = accord::project::Workspace::open(project, "tester");
        let zh = ws.project.document_index(ZH).unwrap();
        let range = accord::search::find_all(ws.document(zh).unwrap(), "哈萨克斯坦", true)[0];
        ws.apply(vec![(
            zh,
            accord::edit::Edit::Add {
                label: "COUNTRY".into(),
                ranges: vec![range],
                attributes: Default::default(),
                source: None,
            },
        )])
        .unwrap();
        for (_, saved) in ws.save_all() {
            saved.unwrap();
        }
        range
    };
    let mut h = harness(dir.path());
    let zh = doc_index(&h, ZH);
    assert_eq!(ws(&h).store(zh).len(), 1);
    wait_for_suggestions(&mut h);
    assert!(has(&h, zh, 51, 56, "COUNTRY"), "{:?}", suggested(&h, zh));
    assert!(!has(&h, zh, zh_range.start, zh_range.end, "COUNTRY"));
}
