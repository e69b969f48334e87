//! The annotator's workspace driven like a user would: drag + hotkey, save, relabel, delete,
//! resize, undo/redo across documents, panes, find + label all, the details panel.

use crate::ui_support::*;
use accord::model::{AttributeValue, CharRange};
use accord::project::DocId;
use accord::store::AnnotationFile;
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::{NodeT as _, Queryable as _};

fn annotations(
    h: &egui_kittest::Harness<'_, accord::ui::AccordApp>,
    doc: DocId,
) -> Vec<(String, Vec<CharRange>, String)> {
    ws(h)
        .store(doc)
        .in_file_order()
        .into_iter()
        .map(|a| {
            (
                a.label.clone(),
                a.fragments.iter().map(|f| f.range()).collect(),
                a.text(),
            )
        })
        .collect()
}

/// Drags over `needle` in `pane` (showing `doc`) and presses `key`.
fn label_by_drag(
    h: &mut egui_kittest::Harness<'_, accord::ui::AccordApp>,
    pane: usize,
    doc: DocId,
    needle: &str,
    rtl: bool,
    key: Key,
) -> CharRange {
    let range = find(h, doc, needle, 0);
    show(h, pane, doc, range);
    let (from, to) = drag_points(h, pane, range, rtl);
    drag(h, from, to);
    assert_eq!(
        selection(h, pane),
        Some(range),
        "the drag selects {needle:?}"
    );
    h.key_press(key);
    h.run_steps(2);
    range
}

#[test]
fn drag_and_hotkey_create_spans_in_arabic_and_chinese_and_ctrl_s_saves_them() {
    let project = sample_project();
    let mut h = harness(project.path());
    let zh = doc_index(&h, ZH);
    let ar = doc_index(&h, AR);
    h.key_press_modifiers(Modifiers::COMMAND, Key::N);
    h.run_steps(2);
    assert_eq!(app_state(&h).panes.len(), 2);

    let money_zh = label_by_drag(&mut h, 0, zh, "20亿美元", false, Key::M);
    let money_ar = label_by_drag(&mut h, 1, ar, "ملياري دولار", true, Key::M);
    assert_eq!(
        annotations(&h, zh),
        vec![("MONEY".to_owned(), vec![money_zh], "20亿美元".to_owned())]
    );
    assert_eq!(
        annotations(&h, ar),
        vec![("MONEY".to_owned(), vec![money_ar], "ملياري دولار".to_owned())]
    );
    assert!(ws(&h).is_dirty());

    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(2);
    let ws = ws(&h);
    assert!(!ws.is_dirty(), "Ctrl+S saved everything");
    for doc in [zh, ar] {
        let path = ws.project.annotation_path("tester", ws.file_name(doc));
        let file = AnnotationFile::load(&path).expect("the saved file loads");
        let saved: Vec<_> = file
            .annotations
            .iter()
            .map(|a| (a.label.clone(), a.text(), a.id))
            .collect();
        let live: Vec<_> = ws
            .store(doc)
            .in_file_order()
            .iter()
            .map(|a| (a.label.clone(), a.text(), a.id))
            .collect();
        assert_eq!(saved, live);
        let reloaded = file.into_store(&path).unwrap();
        assert_eq!(
            reloaded.annotations().cloned().collect::<Vec<_>>(),
            ws.store(doc).annotations().cloned().collect::<Vec<_>>()
        );
    }
}

#[test]
fn relabel_delete_resize_and_undo_redo_across_documents() {
    let project = sample_project();
    let mut h = harness(project.path());
    let zh = doc_index(&h, ZH);
    let ar = doc_index(&h, AR);
    h.key_press_modifiers(Modifiers::COMMAND, Key::N);
    h.run_steps(2);
    let range_zh = label_by_drag(&mut h, 0, zh, "塔吉克斯坦", false, Key::O);
    let range_ar = label_by_drag(&mut h, 1, ar, "طاجيكستان", true, Key::O);
    let after_create = (annotations(&h, zh), annotations(&h, ar));

    // The new Arabic span is selected: relabel it by its hotkey.
    h.key_press(Key::C);
    h.run_steps(2);
    assert_eq!(annotations(&h, ar)[0].0, "COUNTRY");

    // Click the Chinese span to select it, then widen its end by one character.
    let rect = char_rect(&mut h, 0, range_zh.start + 1);
    h.hover_at(rect.center());
    h.run_steps(1);
    h.drag_at(rect.center());
    h.run_steps(1);
    h.drop_at(rect.center());
    h.run_steps(2);
    assert_eq!(
        app_state(&h).selected_annotation().map(|(d, _)| d),
        Some(zh),
        "a click selects the span"
    );
    h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
    h.run_steps(2);
    assert_eq!(
        annotations(&h, zh)[0].1,
        vec![CharRange::new(range_zh.start, range_zh.end + 1)]
    );

    // Delete it.
    h.key_press(Key::Delete);
    h.run_steps(2);
    assert!(annotations(&h, zh).is_empty());

    // Undo three times: delete, resize (zh), relabel (ar) — across both documents.
    for _ in 0..3 {
        h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
        h.run_steps(2);
    }
    assert_eq!((annotations(&h, zh), annotations(&h, ar)), after_create);
    // Redo all three.
    for _ in 0..2 {
        h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
        h.run_steps(2);
    }
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    h.run_steps(2);
    assert!(annotations(&h, zh).is_empty());
    assert_eq!(
        annotations(&h, ar),
        vec![("COUNTRY".to_owned(), vec![range_ar], "طاجيكستان".to_owned())]
    );
}

#[test]
fn two_panes_show_two_documents_and_scroll_independently() {
    let project = sample_project();
    let mut h = harness(project.path());
    let zh = doc_index(&h, ZH);
    let ar = doc_index(&h, AR);
    h.key_press_modifiers(Modifiers::COMMAND, Key::N);
    h.run_steps(3);
    assert_eq!(
        app_state(&h)
            .panes
            .iter()
            .map(|p| p.doc)
            .collect::<Vec<_>>(),
        vec![zh, ar]
    );
    assert!(
        h.query_by_label("Text of kz-tj-joint-statement.zh.txt")
            .is_some()
    );
    assert!(
        h.query_by_label("Text of tj-kz-talks-astana.ar.txt")
            .is_some()
    );

    // Scroll the left pane with the wheel: only it moves.
    let left = h
        .get_by_label("Text of kz-tj-joint-statement.zh.txt")
        .rect()
        .center();
    wheel(&mut h, left, -400.0);
    let (a, b) = (
        h.state().scroll_offset(pane_id(&h, 0)),
        h.state().scroll_offset(pane_id(&h, 1)),
    );
    assert!(a > 100.0, "the left pane scrolled ({a})");
    assert_eq!(b, 0.0, "the right pane did not");
}

#[test]
fn actions_queued_after_a_pane_closes_reach_their_own_pane() {
    let project = sample_project();
    let mut h = harness(project.path());
    for _ in 0..2 {
        h.key_press_modifiers(Modifiers::COMMAND, Key::N);
        h.run_steps(3);
    }
    let panes: Vec<_> = app_state(&h).panes.iter().map(|p| (p.id, p.doc)).collect();
    assert_eq!(panes.len(), 3);
    let (left, middle, right) = (panes[0], panes[1], panes[2]);
    let zh = doc_index(&h, ZH);
    let kk = doc_index(&h, "kz-tj-foreign-ministers.kk.txt");
    assert!(![middle.1, right.1].contains(&kk));
    // In one frame: the middle pane is made active, the left one closed, then the right pane
    // is asked to show another document and to select text, and the middle one to scroll.
    let range = accord::model::CharRange::new(0, 4);
    let state = h.state_mut();
    state.push(accord::ui::Action::Activate(middle.0));
    state.push(accord::ui::Action::ClosePane(left.0));
    state.push(accord::ui::Action::ShowDocument {
        pane: right.0,
        doc: kk,
    });
    state.push(accord::ui::Action::View {
        pane: right.0,
        event: accord::ui::ViewEvent::Selected(range),
    });
    state.push(accord::ui::Action::ScrollTo {
        pane: middle.0,
        range,
    });
    h.run_steps(3);
    let after: Vec<_> = app_state(&h)
        .panes
        .iter()
        .map(|p| (p.id, p.doc, p.selection))
        .collect();
    assert_eq!(
        after,
        vec![
            (middle.0, middle.1, accord::ui::Selection::None),
            (right.0, kk, accord::ui::Selection::Text(range)),
        ],
        "the right pane shows the Kazakh document with the text selected; the middle one is as it was"
    );
    assert_eq!(
        app_state(&h).active,
        right.0,
        "the pane selected in became active"
    );
    // Closing a pane left of the active one keeps the active one active.
    h.state_mut().push(accord::ui::Action::ClosePane(middle.0));
    h.run_steps(2);
    assert_eq!(app_state(&h).active, right.0);
    assert_eq!(app_state(&h).panes.len(), 1);
    // An action for a pane that is gone reaches no pane.
    h.state_mut().push(accord::ui::Action::ShowDocument {
        pane: middle.0,
        doc: zh,
    });
    h.run_steps(2);
    assert_eq!(app_state(&h).panes[0].doc, kk);
}

#[test]
fn find_and_label_all_matches_is_one_undo_step() {
    let project = sample_project();
    let mut h = harness(project.path());
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run_steps(2);
    let field = h.get_by_role_and_label(Role::TextInput, "Find:");
    field.type_text("Тәжікстан");
    h.run_steps(2);
    h.get_by_label("All documents").click();
    h.run_steps(2);
    // The label last picked in the palette is not the one the matches get: it is chosen in
    // the find bar.
    h.get_by_label("PERSON").click();
    h.run_steps(2);
    let expected: Vec<(DocId, CharRange)> = h.state().find_matches().to_vec();
    assert!(
        expected.len() >= 3,
        "Тәжікстан occurs several times in the Kazakh text"
    );
    assert!(
        h.query_by_label_contains("as PERSON").is_none(),
        "the palette's label is not offered for all matches"
    );
    assert!(
        h.get_by_label("Label all matches")
            .accesskit_node()
            .is_disabled(),
        "no label chosen yet"
    );
    h.get_by_label("Label for all matches").click();
    h.run_steps(2);
    // The list's COUNTRY, not the palette's (drawn first).
    h.get_all_by_label("COUNTRY").last().unwrap().click();
    h.run_steps(2);
    h.get_by_role_and_label(
        Role::Button,
        &format!("Label all {} as COUNTRY", expected.len()),
    )
    .click();
    h.run_steps(2);
    let workspace = ws(&h);
    let mut made: Vec<(DocId, CharRange)> = workspace
        .doc_ids()
        .flat_map(|d| {
            workspace
                .store(d)
                .annotations()
                .map(move |a| (d, a.extent()))
                .collect::<Vec<_>>()
        })
        .collect();
    made.sort();
    assert_eq!(made, expected);
    assert!(
        workspace
            .store(expected[0].0)
            .annotations()
            .all(|a| a.label == "COUNTRY" && a.text() == "Тәжікстан")
    );

    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    let ws = ws(&h);
    assert!(
        ws.doc_ids().all(|d| ws.store(d).is_empty()),
        "one undo removes them all"
    );
}

#[test]
fn find_highlights_every_match_on_screen_and_keeps_the_panes_beside_the_side_panel() {
    let project = sample_project();
    let mut h = harness(project.path());
    let kk = doc_index(&h, KK);
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run_steps(2);
    h.get_by_role_and_label(Role::TextInput, "Find:")
        .type_text("Тәжікстан");
    h.run_steps(2);
    h.get_by_label("All documents").click();
    h.run_steps(2);
    // F3 opens the first match, in the Kazakh document.
    press(&mut h, Modifiers::NONE, Key::F3);
    assert_eq!(app_state(&h).panes[0].doc, kk);
    let matches: Vec<CharRange> = h
        .state()
        .find_matches()
        .iter()
        .filter(|(d, _)| *d == kk)
        .map(|(_, r)| *r)
        .collect();
    // Every match on screen is highlighted, not only the current one.
    let drawn_matches: Vec<(String, egui::Rect)> = drawn(&h, 0, Role::Mark)
        .into_iter()
        .filter(|(name, _)| name.starts_with("match "))
        .collect();
    assert!(drawn_matches.len() >= 2, "{drawn_matches:?}");
    for (name, rect) in &drawn_matches {
        let k: usize = name["match ".len()..]
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            name.ends_with(&format!("of {} “Тәжікстан”", matches.len())),
            "{name}"
        );
        let range = matches[k - 1];
        let first = char_rect(&mut h, 0, range.start);
        assert!(rect.contains(first.center()), "{name} is drawn on its text");
    }
    // The bar wraps: the pane stays left of the side panel, its border in sight.
    let text = h.get_by_label(&format!("Text of {KK}")).rect();
    let side = h.get_by_label("Annotation").rect();
    assert!(
        text.right() <= side.left(),
        "the text {text:?} runs under the side panel {side:?}"
    );
    // Closed, the bar highlights nothing.
    press(&mut h, Modifiers::NONE, Key::Escape);
    press(&mut h, Modifiers::NONE, Key::Escape);
    h.run_steps(2);
    assert!(
        drawn(&h, 0, Role::Mark)
            .iter()
            .all(|(name, _)| !name.starts_with("match ")),
        "no match is highlighted once the bar is closed"
    );
}

#[test]
fn details_panel_edits_an_enum_and_a_text_attribute() {
    let project = sample_project();
    let mut h = harness(project.path());
    let zh = doc_index(&h, ZH);
    label_by_drag(&mut h, 0, zh, "将双边贸易额增至20亿美元", false, Key::K);
    let (_, id) = app_state(&h)
        .selected_annotation()
        .expect("the new commitment is selected");

    h.get_by_role_and_label(Role::ComboBox, "kind *").click();
    h.run_steps(2);
    h.get_by_label("pledge").click();
    h.run_steps(2);

    let deadline = h.get_by_role_and_label(Role::TextInput, "deadline");
    deadline.focus();
    h.run_steps(1);
    h.get_by_role_and_label(Role::TextInput, "deadline")
        .type_text("在未来五年内");
    h.run_steps(1);
    h.key_press(Key::Enter);
    h.run_steps(3);

    let ann = ws(&h).store(zh).get(id).unwrap();
    assert_eq!(
        ann.attributes.get("kind"),
        Some(&AttributeValue::Enum("pledge".into()))
    );
    assert_eq!(
        ann.attributes.get("deadline"),
        Some(&AttributeValue::Text("在未来五年内".into()))
    );
    // Each change is its own undo step.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    let ann = ws(&h).store(zh).get(id).unwrap().clone();
    assert_eq!(ann.attributes.get("deadline"), None);
    assert_eq!(
        ann.attributes.get("kind"),
        Some(&AttributeValue::Enum("pledge".into()))
    );
}

#[test]
fn repeated_clicks_cycle_through_stacked_spans_and_ctrl_drag_adds_a_fragment() {
    let project = sample_project();
    let mut h = harness(project.path());
    let zh = doc_index(&h, ZH);
    let outer = label_by_drag(&mut h, 0, zh, "将双边贸易额增至20亿美元", false, Key::K);
    let inner = label_by_drag(&mut h, 0, zh, "20亿美元", false, Key::M);
    let workspace = ws(&h);
    let id_of = |range: CharRange| {
        workspace
            .store(zh)
            .annotations()
            .find(|a| a.extent() == range)
            .unwrap()
            .id
    };
    let (outer_id, inner_id) = (id_of(outer), id_of(inner));

    let click = |h: &mut egui_kittest::Harness<'_, accord::ui::AccordApp>| {
        let p = char_rect(h, 0, inner.start + 2).center();
        h.hover_at(p);
        h.run_steps(1);
        h.drag_at(p);
        h.run_steps(1);
        h.drop_at(p);
        h.run_steps(2);
        app_state(h).selected_annotation().map(|(_, id)| id)
    };
    h.key_press(Key::Escape);
    h.run_steps(1);
    assert_eq!(click(&mut h), Some(inner_id), "the innermost span first");
    assert_eq!(click(&mut h), Some(outer_id), "then the one around it");
    assert_eq!(click(&mut h), Some(inner_id), "and round again");

    // Ctrl+drag over another phrase adds it as a second fragment of the selected span.
    let extra = find(&h, zh, "塔吉克斯坦", 0);
    let pane = pane_id(&h, 0);
    h.state_mut()
        .push(accord::ui::Action::ScrollTo { pane, range: extra });
    h.run_steps(3);
    let (from, to) = drag_points(&mut h, 0, extra, false);
    drag_with(&mut h, from, to, Modifiers::COMMAND);
    let ann = ws(&h).store(zh).get(inner_id).unwrap();
    assert_eq!(
        ann.fragments.iter().map(|f| f.range()).collect::<Vec<_>>(),
        vec![extra, inner]
    );
    assert_eq!(ann.text(), "塔吉克斯坦 … 20亿美元");

    // Ctrl+C copies the selected annotation's text (the window sends it as a copy event).
    h.event(egui::Event::Copy);
    h.run_steps(1);
    assert_eq!(
        app_state(&h).last_copied.as_deref(),
        Some("塔吉克斯坦 … 20亿美元")
    );
}

#[test]
fn a_failed_save_is_shown_kept_in_memory_and_retried() {
    let project = sample_project();
    let mut h = harness(project.path());
    let zh = doc_index(&h, ZH);
    label_by_drag(&mut h, 0, zh, "20亿美元", false, Key::M);
    // A file where the annotator's folder must go makes the save fail. (A file where the
    // annotation file must go would be a change on disk, which the window reports as such.)
    let folder = project.path().join("annotations/tester");
    std::fs::write(&folder, "in the way").unwrap();
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(2);
    let error = app_state(&h)
        .status
        .save_error
        .clone()
        .expect("the failure is reported");
    assert!(error.contains("annotations/tester"), "{error}");
    assert!(ws(&h).is_dirty(), "the edit stays in memory");
    assert!(
        h.query_by_label("NOT SAVED").is_some(),
        "the status bar says so"
    );

    // Once the obstacle is gone, the next autosave writes the file.
    std::fs::remove_file(&folder).unwrap();
    h.state_mut().autosave_tick(1.0e9);
    assert!(app_state(&h).status.save_error.is_none());
    assert!(!ws(&h).is_dirty());
    let file = AnnotationFile::load(&folder.join(format!("{ZH}.ron"))).unwrap();
    assert_eq!(file.annotations[0].text(), "20亿美元");
}

#[test]
fn closing_with_unsaved_changes_asks() {
    let project = sample_project();
    let mut h = harness(project.path());
    let zh = doc_index(&h, ZH);
    assert!(h.state_mut().may_close(), "nothing to lose: close at once");
    label_by_drag(&mut h, 0, zh, "20亿美元", false, Key::M);
    assert!(!h.state_mut().may_close());
    h.run_steps(2);
    assert!(h.query_by_label("Unsaved changes").is_some());
    h.get_by_label("Save and close").click();
    h.run_steps(2);
    assert!(h.state().close_allowed());
    assert!(!ws(&h).is_dirty(), "saved before closing");
}

#[test]
fn synchronised_scrolling_keeps_panes_at_the_same_relative_position() {
    let project = sample_project();
    let mut h = harness(project.path());
    h.key_press_modifiers(Modifiers::COMMAND, Key::N);
    h.run_steps(3);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Y);
    h.run_steps(2);
    assert!(app_state(&h).settings.sync_scroll);
    let left = h
        .get_by_label("Text of kz-tj-joint-statement.zh.txt")
        .rect()
        .center();
    wheel(&mut h, left, -600.0);
    let (a, b) = (
        h.state().scroll_fraction(pane_id(&h, 0)),
        h.state().scroll_fraction(pane_id(&h, 1)),
    );
    assert!(a > 0.1, "the left pane scrolled ({a})");
    assert!((a - b).abs() < 0.02, "the right pane follows: {a} vs {b}");
}

#[test]
fn a_first_start_asks_the_name_before_opening_and_the_name_can_be_changed() {
    let project = annotated_sample_project();
    let mut h = harness_with(project.path(), accord::ui::Settings::default());
    // The name first: nothing is opened (no lock taken) and nothing offered under a
    // placeholder.
    assert!(
        h.query_by_role_and_label(Role::TextInput, "Your name")
            .is_some()
    );
    assert!(
        h.query_by_label("Others have annotated this project")
            .is_none()
    );
    assert!(app_state(&h).workspace.is_none());
    let locks = |root: &std::path::Path| -> Vec<String> {
        std::fs::read_dir(root.join("annotations"))
            .unwrap()
            .filter_map(|e| {
                let name = e.unwrap().file_name().to_string_lossy().into_owned();
                name.contains(".lock").then_some(name)
            })
            .collect()
    };
    assert!(
        locks(project.path()).is_empty(),
        "{:?}",
        locks(project.path())
    );

    h.get_by_role_and_label(Role::TextInput, "Your name")
        .type_text("zarina");
    h.run_steps(2);
    press(&mut h, Modifiers::NONE, Key::Enter);
    h.run_steps(2);
    assert_eq!(ws(&h).annotator, "zarina");
    // New to a project others annotated: now, and under the name given, the offer.
    assert!(
        h.query_by_label("Others have annotated this project")
            .is_some()
    );
    h.get_by_label("Not now").click();
    h.run_steps(2);
    // The first start also offers the getting-started guide, which Escape closes.
    for step in [
        "1. Select",
        "2. Label",
        "3. Commitments",
        "4. Relate",
        "5. Link across documents",
        "6. Review",
        "7. Export",
    ] {
        assert!(h.query_by_label(step).is_some(), "the guide shows {step}");
    }
    press(&mut h, Modifiers::NONE, Key::Escape);
    assert!(h.query_by_label("1. Select").is_none());

    // File > Your name…: the same prompt, filled in, and the project reopens under the new
    // name.
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_label("Your name…").click();
    h.run_steps(2);
    let field = h.get_by_role_and_label(Role::TextInput, "Your name");
    assert_eq!(field.accesskit_node().value().as_deref(), Some("zarina"));
    // Cancel changes nothing.
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert_eq!(ws(&h).annotator, "zarina");
    h.state_mut().push(accord::ui::Action::Run(
        accord::ui::commands::Command::ChangeName,
    ));
    h.run_steps(2);
    for _ in 0.."zarina".len() {
        press(&mut h, Modifiers::NONE, Key::Backspace);
    }
    h.get_by_role_and_label(Role::TextInput, "Your name")
        .type_text("aigerim");
    h.run_steps(2);
    press(&mut h, Modifiers::NONE, Key::Enter);
    h.run_steps(2);
    assert_eq!(ws(&h).annotator, "aigerim");
    assert_eq!(
        app_state(&h).settings.annotator.as_deref(),
        Some("aigerim"),
        "remembered"
    );
    assert!(
        ws(&h).doc_ids().any(|d| !ws(&h).store(d).is_empty()),
        "aigerim's annotations are open"
    );
}

#[test]
fn opening_a_document_path_opens_its_folder_with_that_document_first() {
    let project = sample_project();
    let settings = accord::ui::Settings {
        annotator: Some("tester".to_owned()),
        ..accord::ui::Settings::default()
    };
    let engine = accord::ui::TextEngine::with_fonts(accord::layout::FontSet::bundled().unwrap());
    let app = accord::ui::AccordApp::new(engine, settings, Some(&project.path().join(AR)));
    let ws = app.state().workspace.as_ref().unwrap();
    assert_eq!(ws.project.root, project.path());
    assert_eq!(
        app.state().panes[0].doc,
        ws.project.document_index(AR).unwrap()
    );
}

#[test]
fn with_four_panes_every_pane_keeps_its_text_inside_it() {
    let project = sample_project();
    let mut h = harness(project.path());
    for _ in 0..3 {
        h.key_press_modifiers(Modifiers::COMMAND, Key::N);
        h.run_steps(3);
    }
    assert_eq!(app_state(&h).panes.len(), 4);
    let files: Vec<String> = app_state(&h)
        .panes
        .iter()
        .map(|p| ws(&h).file_name(p.doc).to_owned())
        .collect();
    // A pane runs from its document picker to the next pane's.
    let left_of = |h: &egui_kittest::Harness<'_, accord::ui::AccordApp>, pane: usize| {
        h.get_by_label(&format!("Document in pane {}", pane + 1))
            .rect()
            .left()
    };
    for (pane, file) in files.iter().enumerate() {
        let area = h.get_by_label(&format!("Text of {file}")).rect();
        let left = left_of(&h, pane) - 4.0;
        let right = if pane + 1 < files.len() {
            left_of(&h, pane + 1) - 4.0
        } else {
            area.right()
        };
        let doc_len = ws(&h)
            .document(app_state(&h).panes[pane].doc)
            .unwrap()
            .len_chars();
        let id = pane_id(&h, pane);
        for rect in h
            .state_mut()
            .text_rects(id, CharRange::new(0, doc_len.min(400)))
        {
            if rect.top() > area.bottom() {
                break;
            }
            assert!(
                rect.left() >= left && rect.right() <= right,
                "{file}: text at {rect:?} sticks out of its pane ({left}..{right})"
            );
        }
    }
}

#[test]
fn with_thousands_of_documents_the_palette_stays_in_view_and_a_filter_finds_one() {
    let dir = tempfile::tempdir().unwrap();
    // The first document is unreadable: the window opens on the first one that reads.
    std::fs::write(dir.path().join("doc-0000.txt"), b"\x00binary").unwrap();
    for i in 1..3000 {
        let language = ["kk", "ru", "ar"][i % 3];
        std::fs::write(
            dir.path().join(format!("doc-{i:04}.{language}.txt")),
            format!("Document {i}: Қазақстан мен Тәжікстан."),
        )
        .unwrap();
    }
    let mut h = harness(dir.path());
    let first = ws(&h)
        .document(app_state(&h).panes[0].doc)
        .map(|d| d.file_name.clone());
    assert_eq!(first.as_deref(), Some("doc-0001.ru.txt"));

    // The palette is on screen, below the list, and usable.
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1400.0, 900.0));
    let country = h.get_by_label("COUNTRY").rect();
    assert!(window.contains_rect(country), "COUNTRY at {country:?}");
    h.get_by_label("COUNTRY").click();
    h.run_steps(2);
    assert_eq!(app_state(&h).current_label.as_deref(), Some("COUNTRY"));
    // Only a screenful of rows exists in the accessibility tree: the list is virtualised.
    let rows = (0..3000)
        .filter(|i| {
            h.query_all_by_label_contains(&format!("doc-{i:04}."))
                .next()
                .is_some()
        })
        .count();
    assert!(rows > 5 && rows < 100, "{rows} rows drawn");

    // Typing in the filter leaves the one document, and a click shows it.
    h.get_by_label("Filter documents").click();
    h.run_steps(1);
    h.get_by_label("Filter documents").type_text("2718");
    h.run_steps(3);
    assert!(h.query_all_by_label_contains("doc-1000.").next().is_none());
    let wanted = format!("doc-2718.{}.txt", ["kk", "ru", "ar"][2718 % 3]);
    h.get_by_label_contains(&wanted).click();
    h.run_steps(3);
    let shown = ws(&h).file_name(app_state(&h).panes[0].doc).to_owned();
    assert_eq!(shown, wanted);
}

#[test]
fn an_arabic_note_with_latin_and_digits_is_typed_in_visual_order() {
    let project = sample_project();
    let mut h = harness(project.path());
    let zh = doc_index(&h, ZH);
    label_by_drag(&mut h, 0, zh, "20亿美元", false, Key::M);
    let (_, id) = app_state(&h).selected_annotation().unwrap();

    // Type "note: Astana 2024" in Arabic script with a Latin word and digits, key by key.
    let note = h.get_by_role_and_label(Role::TextInput, "Note");
    note.click();
    h.run_steps(2);
    for c in "ملاحظة Astana 2024".chars() {
        h.get_by_role_and_label(Role::TextInput, "Note")
            .type_text(&c.to_string());
        h.run_steps(1);
    }

    // Right to left: the Latin word and the number sit left of the Arabic word. A click at the
    // field's left end puts the caret before "Astana", a click at its right end before the
    // Arabic word, whatever order the chars were typed in.
    let field = h.get_by_role_and_label(Role::TextInput, "Note").rect();
    let y = field.top() + 12.0;
    for (x, typed) in [(field.left() + 6.0, "#"), (field.right() - 6.0, "!")] {
        h.hover_at(egui::pos2(x, y));
        h.run_steps(1);
        h.drag_at(egui::pos2(x, y));
        h.run_steps(1);
        h.drop_at(egui::pos2(x, y));
        h.run_steps(1);
        h.get_by_role_and_label(Role::TextInput, "Note")
            .type_text(typed);
        h.run_steps(1);
    }
    // Escape leaves the field, which saves the note; the annotation stays selected.
    h.key_press(Key::Escape);
    h.run_steps(3);
    let saved = ws(&h).store(zh).get(id).unwrap().note.clone();
    assert_eq!(saved, "!ملاحظة #Astana 2024");
    assert_eq!(app_state(&h).selected_annotation(), Some((zh, id)));
    // One undo takes the note back.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(3);
    assert_eq!(ws(&h).store(zh).get(id).unwrap().note, "");

    // Typing and then clicking another span does not lose what was typed.
    h.get_by_role_and_label(Role::TextInput, "Note").click();
    h.run_steps(2);
    h.get_by_role_and_label(Role::TextInput, "Note")
        .type_text("يوم 25");
    h.run_steps(2);
    label_by_drag(&mut h, 0, zh, "塔吉克斯坦", false, Key::C);
    assert!(
        app_state(&h)
            .selected_annotation()
            .is_some_and(|(_, other)| other != id)
    );
    assert_eq!(ws(&h).store(zh).get(id).unwrap().note, "يوم 25");
}

#[test]
fn word_wise_edge_moves_leave_the_space_out_in_kazakh_and_arabic() {
    let project = sample_project();
    let mut h = harness(project.path());
    for (file, needle, rtl, after) in [
        (
            "kz-tj-foreign-ministers.kk.txt",
            "Сыртқы істер министрі",
            false,
            "істер министрі",
        ),
        (AR, "جمهورية طاجيكستان", true, "طاجيكستان"),
    ] {
        let doc = doc_index(&h, file);
        label_by_drag(&mut h, 0, doc, needle, rtl, Key::O);
        let id = app_state(&h).selected_annotation().unwrap().1;
        // The start edge moves one word inwards: right in Kazakh, left in Arabic.
        let key = if rtl { Key::ArrowLeft } else { Key::ArrowRight };
        h.key_press_modifiers(Modifiers::COMMAND | Modifiers::ALT, key);
        h.run_steps(2);
        assert_eq!(ws(&h).store(doc).get(id).unwrap().text(), after, "{file}");
    }
}

/// A drag over new text, its release and a label key: the key labels the new text, whether the
/// key lands in the same frame as the release or in the next one, and the span selected
/// before is left as it was.
#[test]
fn a_label_key_after_a_drag_labels_the_drag_in_the_same_frame_and_the_next() {
    let project = sample_project();
    let mut h = harness(project.path());
    let zh = doc_index(&h, ZH);
    label_by_drag(&mut h, 0, zh, "哈萨克斯坦", false, Key::C);
    let first = app_state(&h).selected_annotation().unwrap().1;
    for (occurrence, same_frame) in [(0usize, true), (1, false)] {
        let range = find(&h, zh, "塔吉克斯坦", occurrence);
        show(&mut h, 0, zh, range);
        // The span labelled first is selected again when the drag starts.
        h.state_mut()
            .push(accord::ui::Action::SelectAnnotation { doc: zh, id: first });
        h.run_steps(2);
        let (from, to) = drag_points(&mut h, 0, range, false);
        let button = |pos, pressed| egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: Modifiers::NONE,
        };
        h.hover_at(from);
        h.run_steps(1);
        h.event(button(from, true));
        h.run_steps(1);
        for t in [0.3, 0.6, 1.0] {
            h.hover_at(from + (to - from) * t);
            h.run_steps(1);
        }
        let key = |pressed| egui::Event::Key {
            key: Key::L,
            physical_key: Some(Key::L),
            pressed,
            repeat: false,
            modifiers: Modifiers::NONE,
        };
        if same_frame {
            // The release and the key in one frame's input (the harness's own events go one
            // per frame).
            let events = &mut h.input_mut().events;
            events.extend([button(to, false), key(true), key(false)]);
            h.run_steps(2);
        } else {
            h.event(button(to, false));
            h.run_steps(1);
            h.key_press(Key::L);
            h.run_steps(2);
        }
        let store = ws(&h).store(zh);
        assert_eq!(
            store.get(first).unwrap().label,
            "COUNTRY",
            "same frame: {same_frame}"
        );
        let new = store
            .annotations()
            .find(|a| a.extent() == range)
            .unwrap_or_else(|| panic!("the drag was labelled (same frame: {same_frame})"));
        assert_eq!(new.label, "LOCATION");
    }
}

#[test]
fn an_arabic_document_opened_scrolled_down_says_right_to_left_in_its_header() {
    let project = sample_project();
    let mut h = harness(project.path());
    let ar = doc_index(&h, AR);
    let end = ws(&h).document(ar).unwrap().len_chars();
    // Opened straight at its end: its first paragraph is never laid out.
    let pane = pane_id(&h, 0);
    h.state_mut()
        .push(accord::ui::Action::ShowDocument { pane, doc: ar });
    h.state_mut().push(accord::ui::Action::ScrollTo {
        pane,
        range: CharRange::new(end - 1, end),
    });
    h.run_steps(4);
    let offset = h.state().scroll_offset(pane);
    assert!(offset > 100.0, "scrolled down: {offset}");
    assert!(
        h.query_by_label_contains("ar · RTL").is_some(),
        "the header gives the document's direction"
    );
    assert!(h.query_by_label_contains("ar · LTR").is_none());
}

#[test]
fn in_four_narrow_panes_with_layers_each_header_keeps_its_close_button_and_layers_menu() {
    let project = annotated_sample_project();
    let mut h = harness_as(project.path(), "newbie");
    h.get_by_label("Show them").click();
    h.run_steps(2);
    for _ in 0..3 {
        press(&mut h, Modifiers::COMMAND, Key::N);
    }
    assert_eq!(app_state(&h).panes.len(), 4);
    assert!(app_state(&h).panes.iter().all(|p| p.layers.len() == 2));
    // Each pane's text, left to right.
    let mut texts: Vec<egui::Rect> = h
        .query_all_by_role(Role::Document)
        .filter(|n| {
            n.accesskit_node()
                .label()
                .is_some_and(|l| l.starts_with("Text of"))
        })
        .map(|n| n.rect())
        .collect();
    texts.sort_by(|a, b| a.left().total_cmp(&b.left()));
    assert_eq!(texts.len(), 4);
    let buttons = |label: &str| -> Vec<egui::Rect> {
        let mut rects: Vec<egui::Rect> = h.query_all_by_label(label).map(|n| n.rect()).collect();
        rects.sort_by(|a, b| a.left().total_cmp(&b.left()));
        rects
    };
    let closes = buttons("×");
    let layers = buttons("Layers (3)");
    assert_eq!((closes.len(), layers.len()), (4, 4));
    for (i, text) in texts.iter().enumerate() {
        for (what, rect) in [("×", closes[i]), ("Layers", layers[i])] {
            assert!(
                rect.left() >= text.left() - 4.0 && rect.right() <= text.right() + 4.0,
                "pane {i}'s {what} {rect:?} is within its pane {text:?}"
            );
        }
        assert!(
            layers[i].right() <= closes[i].left(),
            "Layers is not under ×"
        );
    }
}

#[test]
fn escape_closes_the_keyboard_shortcuts_and_an_open_menu_before_anything_else() {
    let project = sample_project();
    let mut h = harness(project.path());
    let zh = doc_index(&h, ZH);
    let id = label(&mut h, 0, zh, "塔吉克斯坦", 0, Key::C);
    press(&mut h, Modifiers::NONE, Key::F1);
    assert!(h.query_all_by_label("Keyboard shortcuts").next().is_some());
    press(&mut h, Modifiers::NONE, Key::Escape);
    assert!(
        h.query_all_by_label("Keyboard shortcuts").next().is_none(),
        "Escape closes F1"
    );
    assert_eq!(
        app_state(&h).selected_annotation(),
        Some((zh, id)),
        "and only that"
    );
    // A popup menu: the pane's Layers.
    h.get_by_label("Layers").click();
    h.run_steps(2);
    assert!(h.query_by_label_contains("Mine (tester)").is_some());
    press(&mut h, Modifiers::NONE, Key::Escape);
    assert!(
        h.query_by_label_contains("Mine (tester)").is_none(),
        "Escape closes the menu"
    );
    assert_eq!(app_state(&h).selected_annotation(), Some((zh, id)));
    // Nothing open: Escape clears the selection, as before.
    press(&mut h, Modifiers::NONE, Key::Escape);
    assert_eq!(app_state(&h).selected_annotation(), None);
}

#[test]
fn the_palette_says_what_its_numbers_count_and_cuts_none_of_them_off() {
    let project = sample_project();
    let mut h = harness(project.path());
    let zh = doc_index(&h, ZH);
    label(&mut h, 0, zh, "哈萨克斯坦", 0, Key::C);
    label(&mut h, 0, zh, "塔吉克斯坦", 0, Key::C);
    // A commitment with nothing filled in yet: incomplete.
    label(&mut h, 0, zh, "将双边贸易额增至20亿美元", 0, Key::K);
    h.run_steps(2);
    assert!(
        h.query_by_label("2 spans").is_some(),
        "COUNTRY's count says what it counts"
    );
    assert!(h.query_by_label("1 span").is_some());
    let incomplete = h.get_by_label("1 incomplete").rect();
    let text = h.get_by_label(&format!("Text of {ZH}")).rect();
    assert!(
        incomplete.right() <= text.left(),
        "“1 incomplete” {incomplete:?} is whole, left of the pane {text:?}"
    );
    // Keys are key caps of their own, not run into the count.
    assert!(h.query_by_label("c").is_some() && h.query_by_label("2").is_some());
}

#[test]
fn the_getting_started_guide_names_keys_that_do_what_it_says() {
    let project = sample_project();
    let mut h = harness(project.path());
    let zh = doc_index(&h, ZH);
    h.state_mut().push(accord::ui::Action::Run(
        accord::ui::commands::Command::GettingStarted,
    ));
    // A window takes a frame to size itself before it is shown.
    h.run_steps(3);
    let relate = h
        .get_by_label_contains("Shift+drag from one span to another")
        .accesskit_node()
        .value()
        .unwrap_or_default();
    // "… select a span, press Ctrl+R and click the other": that key starts a relation.
    let key = relate
        .split("press ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .unwrap()
        .to_owned();
    assert_eq!(key, "Ctrl+R", "{relate}");
    press(&mut h, Modifiers::NONE, Key::Escape);
    label(&mut h, 0, zh, "哈萨克斯坦总统", 0, Key::P);
    press(&mut h, Modifiers::COMMAND, Key::R);
    assert!(matches!(
        app_state(&h).mode,
        accord::ui::state::Mode::Relate { .. }
    ));
}

#[test]
fn a_project_in_a_git_work_tree_is_offered_the_git_setup_whose_button_writes_gitattributes() {
    const OFFER: &str = "does not yet diff and merge annotation files";
    // Not in a work tree: nothing offered.
    let plain = sample_project();
    let h = harness(plain.path());
    assert!(h.query_by_label_contains(OFFER).is_none());

    let project = sample_project();
    let init = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(project.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(init.status.success(), "{init:?}");
    let mut h = harness(project.path());
    h.get_by_label_contains(OFFER);
    // The offer takes nothing away: the window works while it shows.
    assert!(!app_state(&h).panes.is_empty());
    h.get_by_label("Set up git").click();
    h.run_steps(3);
    assert!(h.query_by_label_contains(OFFER).is_none(), "the offer goes");
    let attributes =
        std::fs::read_to_string(project.path().join(".gitattributes")).unwrap_or_default();
    assert!(
        attributes.contains("annotations/**/*.ron merge=accord diff=accord"),
        "{attributes}"
    );
    let ignore = std::fs::read_to_string(project.path().join(".gitignore")).unwrap_or_default();
    assert!(ignore.contains("annotations/.*.journal"), "{ignore}");

    // Set up: not offered again.
    drop(h);
    let h = harness(project.path());
    assert!(h.query_by_label_contains(OFFER).is_none());
}
