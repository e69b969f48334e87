//! Commitments you can follow, driven like a user would: picking a commitment's actors and
//! target in the text (and making its deadline on the spot), a relation made by keyboard,
//! drawn, deleted and undone, a link across documents made in two panes, the Threads panel,
//! the ledger, and deleting what others depend on.

use crate::ui_support::*;
use accord::model::{AnnotationId, AttributeValue, CharRange};
use accord::project::DocId;
use accord::project::{CrossLinkFile, Project};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};

type H = Harness<'static, accord::ui::AccordApp>;

/// The texts attribute `name` of `id` points at.
fn refs(h: &H, doc: DocId, id: AnnotationId, name: &str) -> Vec<String> {
    let store = ws(h).store(doc);
    match store.get(id).unwrap().attributes.get(name) {
        Some(AttributeValue::Refs(ids)) => {
            ids.iter().map(|i| store.get(*i).unwrap().text()).collect()
        }
        None => Vec::new(),
        other => panic!("{other:?}"),
    }
}

/// Clicks a char of annotation `id` in `pane`, scrolled into view.
fn click_span(h: &mut H, pane: usize, doc: DocId, id: AnnotationId, nth_char: usize) {
    let range = ws(h).store(doc).get(id).unwrap().extent();
    let pane_id = pane_id(h, pane);
    h.state_mut().push(accord::ui::Action::ScrollTo {
        pane: pane_id,
        range,
    });
    h.run_steps(3);
    click_char(h, pane, range.start + nth_char);
}

#[test]
fn pick_mode_fills_actors_and_target_and_a_deadline_is_made_on_the_spot() {
    let project = sample_project();
    let mut h = harness(project.path());
    let zh = doc_index(&h, ZH);
    let kz = label(&mut h, 0, zh, "哈萨克斯坦", 0, Key::C);
    let tj = label(&mut h, 0, zh, "塔吉克斯坦", 0, Key::C);
    let commitment = label(
        &mut h,
        0,
        zh,
        "在未来五年内将双边贸易额增至20亿美元",
        0,
        Key::K,
    );
    let money = label(&mut h, 0, zh, "20亿美元", 0, Key::M);

    // Select the commitment (a char of it outside the MONEY span) and pick its actors.
    click_span(&mut h, 0, zh, commitment, 8);
    assert_eq!(app_state(&h).selected_annotation(), Some((zh, commitment)));
    h.get_by_label("⌖ Pick actors in the text").click();
    h.run_steps(2);
    click_span(&mut h, 0, zh, kz, 1);
    click_span(&mut h, 0, zh, tj, 1);
    assert_eq!(
        refs(&h, zh, commitment, "actors"),
        vec!["哈萨克斯坦", "塔吉克斯坦"]
    );
    // A span the attribute does not take is refused: the MONEY is no actor.
    click_span(&mut h, 0, zh, money, 1);
    assert_eq!(refs(&h, zh, commitment, "actors").len(), 2);
    press(&mut h, Modifiers::NONE, Key::Escape);
    assert_eq!(app_state(&h).mode, accord::ui::state::Mode::Select);

    // The target takes one span: picking it ends the pick.
    click_span(&mut h, 0, zh, commitment, 8);
    h.get_by_label("⌖ Pick target in the text").click();
    h.run_steps(2);
    click_span(&mut h, 0, zh, money, 1);
    assert_eq!(refs(&h, zh, commitment, "target"), vec!["20亿美元"]);
    assert_eq!(app_state(&h).mode, accord::ui::state::Mode::Select);

    // While the commitment is selected, what it points at is drawn outlined when on screen.
    click_span(&mut h, 0, zh, commitment, 8);
    let references = |h: &H| -> Vec<String> {
        drawn(h, 0, Role::Mark)
            .into_iter()
            .map(|(label, _)| label)
            .filter(|l| l.ends_with("of the selected annotation"))
            .collect()
    };
    for (id, attribute) in [(kz, "actors"), (tj, "actors"), (money, "target")] {
        let range = ws(&h).store(zh).get(id).unwrap().extent();
        let pane = pane_id(&h, 0);
        h.state_mut()
            .push(accord::ui::Action::ScrollTo { pane, range });
        h.run_steps(3);
        assert_eq!(app_state(&h).selected_annotation(), Some((zh, commitment)));
        let a = ws(&h).store(zh).get(id).unwrap();
        let expected = format!(
            "{} {} “{}”, {attribute} of the selected annotation",
            a.label,
            a.id,
            a.text()
        );
        assert!(
            references(&h).contains(&expected),
            "{expected} outlined: {:?}",
            references(&h)
        );
    }
    click_span(&mut h, 0, zh, kz, 1);
    assert!(references(&h).is_empty(), "a country points at nothing");
    click_span(&mut h, 0, zh, commitment, 8);

    // The deadline has no span yet: select its text and press DATE's key, in one step.
    h.get_by_label("⌖ Pick deadline in the text").click();
    h.run_steps(2);
    let before = ws(&h).store(zh).len();
    let deadline = find(&h, zh, "在未来五年内", 0);
    let (from, to) = drag_points(&mut h, 0, deadline, false);
    drag(&mut h, from, to);
    h.key_press(Key::D);
    h.run_steps(2);
    assert_eq!(refs(&h, zh, commitment, "deadline"), vec!["在未来五年内"]);
    assert_eq!(ws(&h).store(zh).len(), before + 1);
    assert_eq!(
        app_state(&h).selected_annotation(),
        Some((zh, commitment)),
        "the commitment stays selected"
    );
    // One undo takes the new DATE span and the deadline away together.
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(ws(&h).store(zh).len(), before);
    assert!(refs(&h, zh, commitment, "deadline").is_empty());
    assert_eq!(refs(&h, zh, commitment, "target"), vec!["20亿美元"]);
}

#[test]
fn a_relation_made_by_keyboard_is_drawn_deleted_and_undone() {
    let project = sample_project();
    let mut h = harness(project.path());
    let ru = doc_index(&h, RU);
    let country = label(&mut h, 0, ru, "Казахстан", 0, Key::C);
    let person = label(&mut h, 0, ru, "Касым-Жомарт Токаев", 0, Key::P);

    // The person is selected: Ctrl+R, step to the country with Alt+↑/↓, Enter.
    press(&mut h, Modifiers::COMMAND, Key::R);
    assert!(matches!(
        app_state(&h).mode,
        accord::ui::state::Mode::Relate { .. }
    ));
    press(&mut h, Modifiers::ALT, Key::ArrowDown);
    assert_eq!(app_state(&h).mode.candidate(), Some(country));
    press(&mut h, Modifiers::NONE, Key::Enter);
    let links: Vec<_> = ws(&h).store(ru).links().cloned().collect();
    assert_eq!(links.len(), 1);
    let link = links[0].clone();
    assert_eq!(
        (link.kind.as_str(), link.from, link.to),
        ("represents", person, country)
    );

    // Drawn: an arc from above the person to above the country, both on screen.
    h.run_steps(2);
    let arc_name = format!(
        "relation represents: PERSON #{} → COUNTRY #{}",
        person.0, country.0
    );
    let arcs = |h: &H| drawn(h, 0, Role::GraphicsObject);
    let (_, arc) = arcs(&h)
        .into_iter()
        .find(|(label, _)| *label == arc_name)
        .unwrap_or_else(|| panic!("{arc_name} is drawn whole: {:?}", arcs(&h)));
    let (a, b) = (
        span_rect(&h, 0, person).unwrap(),
        span_rect(&h, 0, country).unwrap(),
    );
    // It runs from the top middle of one span to the top middle of the other, above both.
    let (left, right) = if a.center().x < b.center().x {
        (a, b)
    } else {
        (b, a)
    };
    assert!(
        (arc.left() - left.center().x).abs() < 4.0,
        "{arc:?} {a:?} {b:?}"
    );
    assert!(
        (arc.right() - right.center().x).abs() < 4.0,
        "{arc:?} {a:?} {b:?}"
    );
    assert!(
        (arc.bottom() - a.top().max(b.top())).abs() < 1.0,
        "it ends on the text: {arc:?} {a:?} {b:?}"
    );
    assert!(
        arc.top() < a.top().min(b.top()) - 5.0,
        "it rises above the text"
    );

    // Deleted from the details panel, then undone.
    h.get_by_label(&format!("Delete relation represents #{}", link.id.0))
        .click();
    h.run_steps(3);
    assert_eq!(ws(&h).store(ru).links().len(), 0);
    assert!(arcs(&h).iter().all(|(label, _)| *label != arc_name));
    press(&mut h, Modifiers::COMMAND, Key::Z);
    h.run_steps(1);
    assert_eq!(ws(&h).store(ru).link(link.id), Some(&link));
    assert!(arcs(&h).iter().any(|(label, _)| *label == arc_name));

    // Shift+drag from the country to the person: located_in does not fit (a COUNTRY is in
    // nothing), so nothing is made and the status says why.
    let (from, to) = (
        span_rect(&h, 0, country).unwrap().center(),
        span_rect(&h, 0, person).unwrap().center(),
    );
    drag_with(&mut h, from, to, Modifiers::SHIFT);
    assert_eq!(ws(&h).store(ru).links().len(), 1);
    let message = app_state(&h).status.message.clone().unwrap();
    assert!(
        message.error && message.text.contains("No relation"),
        "{message:?}"
    );
}

#[test]
fn a_link_across_documents_made_in_two_panes_persists_and_undo_removes_it() {
    let project = sample_project();
    let mut h = harness(project.path());
    let (zh, ar) = (doc_index(&h, ZH), doc_index(&h, AR));
    press(&mut h, Modifiers::COMMAND, Key::N);
    assert_eq!(app_state(&h).panes.len(), 2);
    let ar_commitment = label(
        &mut h,
        1,
        ar,
        "زيادة مؤشرات التجارة الثنائية السنوية إلى ملياري دولار",
        0,
        Key::K,
    );
    let zh_commitment = label(&mut h, 0, zh, "将双边贸易额增至20亿美元", 0, Key::K);
    assert_eq!(
        app_state(&h).selected_elsewhere(),
        Some((ar, ar_commitment))
    );

    press(&mut h, Modifiers::COMMAND, Key::L);
    let groups: Vec<_> = ws(&h).groups().store.groups().cloned().collect();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].kind, "same_commitment");
    // Both are on screen: a line joins them across the panes.
    h.run_steps(2);
    let lines = |h: &H| -> Vec<(String, egui::Rect)> {
        h.query_all_by_role(Role::GraphicsObject)
            .filter_map(|n| {
                let label = n.accesskit_node().label()?;
                label.starts_with("thread ").then(|| (label, n.rect()))
            })
            .collect()
    };
    let drawn_lines = lines(&h);
    assert_eq!(drawn_lines.len(), 1, "{drawn_lines:?}");
    assert_eq!(
        drawn_lines[0].0,
        format!(
            "thread same_commitment #{}: {ZH} COMMITMENT {zh_commitment} ↔ {AR} COMMITMENT {ar_commitment}",
            groups[0].id.0
        )
    );
    // From the right end of the Chinese span (left pane) to the Arabic one (right pane).
    let zh_rect = span_rect(&h, 0, zh_commitment).unwrap();
    let ar_rect = span_rect(&h, 1, ar_commitment).unwrap();
    let line = drawn_lines[0].1;
    assert!(
        (line.left() - zh_rect.right()).abs() < 1.0,
        "{line:?} {zh_rect:?}"
    );
    assert!(
        (line.right() - ar_rect.left()).abs() < 1.0,
        "{line:?} {ar_rect:?}"
    );
    // Through the gaps between lines: no point of its path is on a char of either pane.
    let view = |file: &str| h.get_by_label(&format!("Text of {file}")).rect();
    let route = accord::ui::panes::route_between(zh_rect, view(ZH), ar_rect, view(AR));
    let bounds = route.iter().fold(egui::Rect::NOTHING, |r, p| {
        r.union(egui::Rect::from_min_max(*p, *p))
    });
    assert!(
        (bounds.min - line.min).length() < 1.0 && (bounds.max - line.max).length() < 1.0,
        "the line drawn is the route {route:?}: {line:?}"
    );
    for (pane, doc, span, a, b) in [
        (0, zh, zh_commitment, route[0], route[1]),
        (1, ar, ar_commitment, route[2], route[3]),
    ] {
        let extent = ws(&h).store(doc).get(span).unwrap().extent();
        let len = ws(&h).document(doc).unwrap().len_chars();
        let near = extent.start.saturating_sub(150)..(extent.end + 150).min(len);
        let pane = pane_id(&h, pane);
        for c in near {
            for r in h.state_mut().text_rects(pane, CharRange::new(c, c + 1)) {
                for t in 0..=40 {
                    let p = a + (b - a) * (t as f32 / 40.0);
                    let inside = p.x > r.left()
                        && p.x < r.right()
                        && p.y > r.top() + 0.5
                        && p.y < r.bottom() - 0.5;
                    assert!(!inside, "the line crosses char {c} {r:?} at {p:?}");
                }
            }
        }
    }

    // It follows scrolling: scroll the Arabic pane so its span leaves the screen, no line.
    let end = ws(&h).document(ar).unwrap().len_chars();
    let pane = pane_id(&h, 1);
    h.state_mut().push(accord::ui::Action::ScrollTo {
        pane,
        range: CharRange::new(end - 1, end),
    });
    h.run_steps(4);
    assert!(lines(&h).is_empty());

    press(&mut h, Modifiers::COMMAND, Key::S);
    let reread = |root: &std::path::Path| {
        let project = Project::open(root).unwrap();
        CrossLinkFile::load(&project.links_path("tester"))
            .unwrap()
            .groups
    };
    let saved = reread(project.path());
    assert_eq!(saved.len(), 1);
    let mut members: Vec<_> = saved[0]
        .members
        .iter()
        .map(|m| (m.document.clone(), m.annotation))
        .collect();
    members.sort();
    let mut want = vec![
        (ZH.to_owned(), zh_commitment),
        (AR.to_owned(), ar_commitment),
    ];
    want.sort();
    assert_eq!(members, want);

    // Undo takes the link (not the spans) away, also from the file; redo brings it back.
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(ws(&h).groups().store.groups().count(), 0);
    assert!(ws(&h).store(zh).get(zh_commitment).is_some());
    press(&mut h, Modifiers::COMMAND, Key::S);
    assert!(reread(project.path()).is_empty());
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    press(&mut h, Modifiers::COMMAND, Key::S);
    assert_eq!(reread(project.path()).len(), 1);

    // A new window on the project has the link, and its line between the panes.
    drop(h);
    let h2 = harness(project.path());
    assert_eq!(ws(&h2).groups().store.groups().count(), 1);
}

#[test]
fn the_threads_panel_lists_the_sample_thread_in_date_order_and_a_click_reveals_a_member() {
    let project = annotated_sample_project();
    let mut h = harness_as(project.path(), "aigerim");
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::T);
    h.run_steps(2);
    // The 2-billion thread: the Russian text (August 2024) first, then the days without a
    // year, then the undated Kazakh text.
    let heading = |doc: &str, lang: &str| format!("{doc} · {lang}");
    let top = |h: &H, label: &str| {
        h.get_all_by_label(label)
            .map(|n| n.rect().top())
            .fold(f32::INFINITY, f32::min)
    };
    let order = [
        heading(RU, "ru"),
        heading(ZH, "zh"),
        heading(AR, "ar"),
        heading(KK, "kk"),
    ];
    let tops: Vec<f32> = order.iter().map(|l| top(&h, l)).collect();
    assert!(tops.iter().all(|t| t.is_finite()), "{order:?}: {tops:?}");
    assert!(tops.windows(2).all(|w| w[0] < w[1]), "{order:?}: {tops:?}");
    assert!(
        h.get_all_by_label("Not placed in time (no date, or no year in the text):")
            .count()
            >= 1
    );
    // Dates as people write them: the Russian text's month, the Chinese text's day without a
    // year, never ISO's "--05-20".
    assert!(h.query_all_by_label("Aug 2024").next().is_some());
    assert!(h.query_all_by_label("20 May").next().is_some());
    assert!(h.query_all_by_label("undated").next().is_some());
    assert!(
        h.query_all_by_label_contains("--").next().is_none(),
        "no date reads --MM-DD"
    );

    // A click on the Kazakh member opens its document and selects the commitment.
    let kk = doc_index(&h, KK);
    h.get_all_by_label(&heading(KK, "kk"))
        .next()
        .unwrap()
        .click();
    h.run_steps(4);
    let links = CrossLinkFile::load(&project.path().join("links/aigerim.ron")).unwrap();
    let thread = links
        .groups
        .iter()
        .find(|g| g.kind == "same_commitment")
        .unwrap();
    let member = thread.members.iter().find(|m| m.document == KK).unwrap();
    assert_eq!(app_state(&h).active_doc(), Some(kk));
    assert_eq!(
        app_state(&h).selected_annotation(),
        Some((kk, member.annotation))
    );
    let active = app_state(&h).pane_index(app_state(&h).active).unwrap();
    assert!(
        span_rect(&h, active, member.annotation).is_some(),
        "scrolled into view"
    );
}

#[test]
fn the_ledger_lists_every_commitment_filters_and_a_row_shows_it() {
    let project = annotated_sample_project();
    let mut h = harness_as(project.path(), "aigerim");
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::K);
    h.run_steps(2);
    let total = accord::commitments::ledger(ws(&h)).len();
    let incomplete = accord::commitments::ledger(ws(&h))
        .iter()
        .filter(|r| !r.missing.is_empty())
        .count();
    h.get_by_label(&format!(
        "{total} of {total} shown · {incomplete} incomplete"
    ));
    // Filter on a kind.
    let pledges = accord::commitments::ledger(ws(&h))
        .iter()
        .filter(|r| {
            r.kind.as_deref() == Some("pledge")
                || [&r.document, &r.text].iter().any(|t| t.contains("pledge"))
        })
        .count();
    let field = h.get_by_role_and_label(Role::TextInput, "Filter commitments");
    field.focus();
    h.run_steps(1);
    h.get_by_role_and_label(Role::TextInput, "Filter commitments")
        .type_text("pledge");
    h.run_steps(3);
    h.get_by_label(&format!(
        "{pledges} of {total} shown · {incomplete} incomplete"
    ));
    // A row's kind cell: clicking it shows that commitment.
    // (Its Document cell: the Kind column may lie under the side panel's edge.)
    let y = h
        .get_all_by_role_and_label(Role::Label, "pledge")
        .next()
        .unwrap()
        .rect()
        .center()
        .y;
    let x = h.get_by_label("Document").rect().center().x;
    click_at(&mut h, egui::pos2(x, y));
    h.run_steps(2);
    let (doc, id) = app_state(&h)
        .selected_annotation()
        .expect("a row selects its commitment");
    let ann = ws(&h).store(doc).get(id).unwrap();
    assert_eq!(ann.label, "COMMITMENT");
    assert_eq!(
        ann.attributes.get("kind"),
        Some(&AttributeValue::Enum("pledge".into()))
    );
}

#[test]
fn deleting_a_span_others_depend_on_asks_first_and_undo_restores_everything() {
    let project = sample_project();
    let mut h = harness(project.path());
    let zh = doc_index(&h, ZH);
    let commitment = label(&mut h, 0, zh, "将双边贸易额增至20亿美元", 0, Key::K);
    let money = label(&mut h, 0, zh, "20亿美元", 0, Key::M);
    click_span(&mut h, 0, zh, commitment, 1);
    h.get_by_label("⌖ Pick target in the text").click();
    h.run_steps(2);
    click_span(&mut h, 0, zh, money, 1);
    assert_eq!(refs(&h, zh, commitment, "target"), vec!["20亿美元"]);

    click_span(&mut h, 0, zh, money, 1);
    assert_eq!(app_state(&h).selected_annotation(), Some((zh, money)));
    press(&mut h, Modifiers::NONE, Key::Delete);
    h.get_by_label(&format!("Delete MONEY #{}?", money.0));
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert!(ws(&h).store(zh).get(money).is_some(), "cancel keeps it");

    press(&mut h, Modifiers::NONE, Key::Delete);
    h.get_by_label("Delete").click();
    h.run_steps(2);
    assert!(ws(&h).store(zh).get(money).is_none());
    assert!(
        refs(&h, zh, commitment, "target").is_empty(),
        "the reference goes with it"
    );
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(ws(&h).store(zh).get(money).is_some());
    assert_eq!(refs(&h, zh, commitment, "target"), vec!["20亿美元"]);
}

#[test]
fn a_relation_on_the_first_line_is_drawn_inside_the_view_named_and_shown_once_made() {
    let project = sample_project();
    let mut h = harness(project.path());
    let zh = doc_index(&h, ZH);
    // Only the selected span's relations are drawn.
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::R);
    assert!(!app_state(&h).settings.all_relations);
    // Both on the document's first line, its title.
    let person = label(&mut h, 0, zh, "哈萨克斯坦总统", 0, Key::P);
    let country = label(&mut h, 0, zh, "塔吉克斯坦", 0, Key::C);
    press(&mut h, Modifiers::NONE, Key::Escape);
    h.run_steps(2);
    let (from, to) = (
        span_rect(&h, 0, person).unwrap().center(),
        span_rect(&h, 0, country).unwrap().center(),
    );
    drag_with(&mut h, from, to, Modifiers::SHIFT);
    assert_eq!(ws(&h).store(zh).links().count(), 1, "related");

    // Drawn although "All relations" is off: the new relation's span is selected.
    h.run_steps(2);
    let arc_name = format!(
        "relation represents: PERSON #{} → COUNTRY #{}",
        person.0, country.0
    );
    let arc = drawn(&h, 0, Role::GraphicsObject)
        .into_iter()
        .find(|(label, _)| *label == arc_name)
        .map(|(_, rect)| rect)
        .unwrap_or_else(|| panic!("{arc_name} is drawn"));
    // Inside the document's view, not under the pane's header above it.
    let view = h
        .get_by_label("Text of kz-tj-joint-statement.zh.txt")
        .rect();
    let name = drawn(&h, 0, Role::Label)
        .into_iter()
        .find(|(label, _)| label == "represents")
        .map(|(_, rect)| rect)
        .expect("the arc carries its kind");
    for (what, rect) in [("arc", arc), ("its name", name)] {
        assert!(
            rect.top() >= view.top() && view.contains_rect(rect),
            "the {what} {rect:?} is inside the view {view:?}"
        );
    }
    let first_line = span_rect(&h, 0, person).unwrap();
    assert!(
        arc.top() < first_line.top() - 5.0,
        "it rises above the first line: {arc:?} {first_line:?}"
    );
    // The name sits on the arc, between its ends.
    assert!(name.center().x > arc.left() && name.left() < arc.right());
}
