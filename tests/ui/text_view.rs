//! Selecting text with the mouse in the real window: the selection is exactly the characters
//! under the drag, in Arabic (right to left), Chinese and Kazakh. Pointer positions come from
//! our own layout, never hard-coded pixels.

use crate::ui_support::*;
use egui_kittest::kittest::Queryable as _;

#[test]
fn drag_over_an_arabic_phrase_with_digits_selects_it() {
    let project = sample_project();
    let mut h = harness(project.path());
    let doc = doc_index(&h, "tj-kz-talks-astana.ar.txt");
    let phrase = find(&h, doc, "25 أغسطس", 0);
    show(&mut h, 0, doc, phrase);
    let (from, to) = drag_points(&mut h, 0, phrase, true);
    assert!(
        from.x > to.x,
        "Arabic is read from right to left: {from:?} → {to:?}"
    );
    drag(&mut h, from, to);
    let sel = selection(&h, 0).expect("a selection");
    assert_eq!(text_of(&h, doc, sel), "25 أغسطس");
    assert_eq!(sel, phrase);
}

#[test]
fn drag_over_an_arabic_phrase_on_one_line_selects_exactly_it() {
    let project = sample_project();
    let mut h = harness(project.path());
    let doc = doc_index(&h, "tj-kz-talks-astana.ar.txt");
    let phrase = find(&h, doc, "ملياري دولار", 0);
    show(&mut h, 0, doc, phrase);
    let (from, to) = drag_points(&mut h, 0, phrase, true);
    drag(&mut h, from, to);
    let sel = selection(&h, 0).expect("a selection");
    assert_eq!(text_of(&h, doc, sel), "ملياري دولار");
}

#[test]
fn drag_over_a_chinese_phrase_selects_exact_characters() {
    let project = sample_project();
    let mut h = harness(project.path());
    let doc = doc_index(&h, "kz-tj-joint-statement.zh.txt");
    let phrase = find(&h, doc, "20亿美元", 0);
    show(&mut h, 0, doc, phrase);
    let (from, to) = drag_points(&mut h, 0, phrase, false);
    drag(&mut h, from, to);
    let sel = selection(&h, 0).expect("a selection");
    assert_eq!(text_of(&h, doc, sel), "20亿美元");
    assert_eq!(sel, phrase);
}

#[test]
fn drag_inside_a_kazakh_word_snaps_to_the_word_and_alt_keeps_exact_chars() {
    let project = sample_project();
    let mut h = harness(project.path());
    let doc = doc_index(&h, "kz-tj-foreign-ministers.kk.txt");
    let word = find(&h, doc, "Тәжікстан", 0);
    show(&mut h, 0, doc, word);
    // From the second letter to the second-to-last: word snapping takes the whole word.
    let inner = accord::model::CharRange::new(word.start + 1, word.end - 1);
    let (from, to) = drag_points(&mut h, 0, inner, false);
    drag(&mut h, from, to);
    let sel = selection(&h, 0).expect("a selection");
    assert_eq!(text_of(&h, doc, sel), "Тәжікстан");

    // Holding Alt selects exactly the letters dragged over.
    drag_with(&mut h, from, to, egui::Modifiers::ALT);
    let sel = selection(&h, 0).expect("a selection");
    assert_eq!(sel, inner);
    assert_eq!(text_of(&h, doc, sel), "әжікста");
}

#[test]
fn a_spans_tooltip_shows_at_the_pointer_not_over_the_document_picker() {
    let project = sample_project();
    let mut h = harness(project.path());
    let zh = doc_index(&h, ZH);
    let id = label(&mut h, 0, zh, "将双边贸易额增至20亿美元", 0, egui::Key::K);
    press(&mut h, egui::Modifiers::NONE, egui::Key::Escape);
    let p = span_rect(&h, 0, id).unwrap().center();
    h.hover_at(p);
    h.run_steps(6);
    let name = format!("COMMITMENT {id}");
    let tip = h
        .query_all_by_label(&name)
        .next()
        .unwrap_or_else(|| panic!("a tooltip says {name}"))
        .rect();
    let distance = tip.distance_to_pos(p);
    assert!(
        distance < 40.0,
        "the tooltip {tip:?} is by the pointer {p:?} ({distance:.0} away)"
    );
    let picker = h.get_by_label("Document in pane 1").rect();
    assert!(
        !tip.intersects(picker),
        "{tip:?} covers the document picker {picker:?}"
    );
}
