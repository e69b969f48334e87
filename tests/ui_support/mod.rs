//! Shared set-up for the egui_kittest tests: the real app over a copy of the sample project,
//! with the bundled fonts installed before the first frame.
#![allow(dead_code)]

use std::path::Path;

use accord::layout::FontSet;
use accord::model::{AnnotationId, CharRange};
use accord::project::{DocId, Workspace};
use accord::ui::state::PaneId;
use accord::ui::{AccordApp, Action, AppState, Settings, TextEngine};
use egui::accesskit::Role;
use egui::{Pos2, Rect, pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};

/// A temporary copy of `sample_docs/` (documents, project file and the gazetteer it names, no
/// annotations).
pub fn sample_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_docs");
    for entry in std::fs::read_dir(&src).expect("sample_docs") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            std::fs::copy(&path, dir.path().join(path.file_name().expect("name"))).expect("copy");
        }
    }
    let gazetteers = dir.path().join("gazetteers");
    std::fs::create_dir(&gazetteers).expect("folder");
    for entry in std::fs::read_dir(src.join("gazetteers")).expect("sample gazetteers") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, gazetteers.join(path.file_name().expect("name"))).expect("copy");
    }
    dir
}

/// The app on `project` as annotator "tester", in a 1400×900 window.
pub fn harness(project: &Path) -> Harness<'static, AccordApp> {
    harness_as(project, "tester")
}

/// The state the app's views read.
pub fn app_state<'h>(harness: &'h Harness<'_, AccordApp>) -> &'h AppState {
    harness.state().state()
}

/// The open workspace.
pub fn ws<'h>(harness: &'h Harness<'_, AccordApp>) -> &'h Workspace {
    app_state(harness)
        .workspace
        .as_ref()
        .expect("a project is open")
}

/// The document with this file name.
pub fn doc_index(harness: &Harness<'_, AccordApp>, file: &str) -> DocId {
    ws(harness)
        .project
        .document_index(file)
        .unwrap_or_else(|| panic!("{file} is not in the project"))
}

/// The `occurrence`-th place `needle` occurs in document `doc`.
pub fn find(
    harness: &Harness<'_, AccordApp>,
    doc: DocId,
    needle: &str,
    occurrence: usize,
) -> CharRange {
    let document = ws(harness).document(doc).expect("document");
    accord::search::find_all(document, needle, true)[occurrence]
}

/// The id of the `index`-th pane from the left. Test helpers name panes by position, as a
/// user sees them; actions name them by id.
pub fn pane_id(harness: &Harness<'_, AccordApp>, index: usize) -> PaneId {
    app_state(harness)
        .panes
        .get(index)
        .unwrap_or_else(|| panic!("there is no pane {index}"))
        .id
}

/// What the `pane`-th pane drew last frame, as AccessKit sees it: each node of `role` under
/// the pane's document node (spans are `Mark`s, relations `GraphicsObject`s, their names
/// `Label`s), with its text and place on screen.
pub fn drawn(harness: &Harness<'_, AccordApp>, pane: usize, role: Role) -> Vec<(String, Rect)> {
    let state = app_state(harness);
    let doc = state.panes[pane].doc;
    // Panes before this one showing the same document have a node of the same name.
    let before = state.panes[..pane].iter().filter(|p| p.doc == doc).count();
    let name = format!("Text of {}", ws(harness).file_name(doc));
    let document = harness
        .query_all_by_label(&name)
        .nth(before)
        .unwrap_or_else(|| panic!("pane {pane} draws {name}"));
    document
        .query_all_by_role(role)
        .map(|n| {
            // A label's text is its value.
            let node = n.accesskit_node();
            let text = node.label().or_else(|| node.value()).unwrap_or_default();
            (text, n.rect())
        })
        .collect()
}

/// Where the `pane`-th pane drew annotation `id` of its document last frame (its first
/// rectangle on screen), as AccessKit sees it.
pub fn span_rect(harness: &Harness<'_, AccordApp>, pane: usize, id: AnnotationId) -> Option<Rect> {
    let doc = app_state(harness).panes[pane].doc;
    let a = ws(harness).store(doc).get(id)?;
    let name = format!("{} {} “", a.label, a.id);
    drawn(harness, pane, Role::Mark)
        .into_iter()
        .find(|(label, _)| label.starts_with(&name))
        .map(|(_, rect)| rect)
}

/// Shows `doc` in the `pane`-th pane and scrolls `range` into view, selecting nothing.
pub fn show(harness: &mut Harness<'_, AccordApp>, pane: usize, doc: DocId, range: CharRange) {
    let pane = pane_id(harness, pane);
    harness.state_mut().push(Action::ShowDocument { pane, doc });
    harness.run_steps(3);
    harness.state_mut().push(Action::ScrollTo { pane, range });
    harness.run_steps(3);
}

/// The on-screen rectangle of one char of the `pane`-th pane.
pub fn char_rect(harness: &mut Harness<'_, AccordApp>, pane: usize, offset: usize) -> Rect {
    let pane = pane_id(harness, pane);
    let rects = harness
        .state_mut()
        .text_rects(pane, CharRange::new(offset, offset + 1));
    *rects
        .first()
        .unwrap_or_else(|| panic!("char {offset} has no rectangle"))
}

/// Points just inside the leading edge of the first char and the trailing edge of the last
/// char of `range`, as a reader sees them (right-to-left text leads on the right).
pub fn drag_points(
    harness: &mut Harness<'_, AccordApp>,
    pane: usize,
    range: CharRange,
    rtl: bool,
) -> (Pos2, Pos2) {
    let first = char_rect(harness, pane, range.start);
    let last = char_rect(harness, pane, range.end - 1);
    let inside = |r: Rect, right: bool| {
        pos2(
            if right {
                r.right() - 1.0
            } else {
                r.left() + 1.0
            },
            r.center().y,
        )
    };
    (inside(first, rtl), inside(last, !rtl))
}

/// Drags from `from` to `to` the way a hand does: press, move in steps, release.
pub fn drag(harness: &mut Harness<'_, AccordApp>, from: Pos2, to: Pos2) {
    drag_with(harness, from, to, egui::Modifiers::NONE);
}

/// A drag with modifier keys held (Alt: exact characters, Ctrl: add a fragment).
pub fn drag_with(
    harness: &mut Harness<'_, AccordApp>,
    from: Pos2,
    to: Pos2,
    modifiers: egui::Modifiers,
) {
    let button = |pos, pressed| egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers,
    };
    harness.event(egui::Event::ModifiersChanged(modifiers));
    harness.hover_at(from);
    harness.run_steps(1);
    harness.event(button(from, true));
    harness.run_steps(1);
    for t in [0.3, 0.6, 1.0] {
        harness.hover_at(from + (to - from) * t);
        harness.run_steps(1);
    }
    harness.event(button(to, false));
    harness.run_steps(1);
    harness.event(egui::Event::ModifiersChanged(egui::Modifiers::NONE));
    harness.remove_cursor();
    harness.run_steps(2);
}

/// The current text selection of `pane`.
pub fn selection(harness: &Harness<'_, AccordApp>, pane: usize) -> Option<CharRange> {
    app_state(harness).panes[pane].selection.text()
}

/// The text of `range` in document `doc`.
pub fn text_of(harness: &Harness<'_, AccordApp>, doc: DocId, range: CharRange) -> String {
    ws(harness)
        .document(doc)
        .and_then(|d| d.slice(range))
        .unwrap_or_default()
        .to_owned()
}

/// Turns the mouse wheel over `pos` by `dy` points (negative scrolls down).
pub fn wheel(harness: &mut Harness<'_, AccordApp>, pos: Pos2, dy: f32) {
    harness.hover_at(pos);
    harness.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: egui::vec2(0.0, dy),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Unknown,
        modifiers: egui::Modifiers::NONE,
    });
    harness.run_steps(10);
}

/// A temporary copy of the whole of `sample_docs/`: documents, project file, and the sample
/// annotators' annotations and links.
pub fn annotated_sample_project() -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("folder");
        for entry in std::fs::read_dir(from).expect("readable folder") {
            let path = entry.expect("entry").path();
            let target = to.join(path.file_name().expect("name"));
            if path.is_dir() {
                copy(&path, &target);
            } else if !path.to_string_lossy().ends_with(".lock") {
                std::fs::copy(&path, &target).expect("copy");
            }
        }
    }
    let dir = tempfile::tempdir().expect("temp dir");
    copy(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_docs"),
        dir.path(),
    );
    dir
}

/// The app on `project` as `annotator`, in a 1400×900 window.
pub fn harness_as(project: &Path, annotator: &str) -> Harness<'static, AccordApp> {
    let settings = Settings {
        annotator: Some(annotator.to_owned()),
        ..Settings::default()
    };
    harness_with(project, settings)
}

/// The app on `project` with `settings` (a first start has none), in a 1400×900 window.
pub fn harness_with(project: &Path, settings: Settings) -> Harness<'static, AccordApp> {
    let engine = TextEngine::with_fonts(FontSet::bundled().expect("fonts"));
    let app = AccordApp::new(engine, settings, Some(project));
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_context_setup(accord::ui::configure)
        .build_ui_state(|ui, app: &mut AccordApp| app.show(ui), app);
    harness.run_steps(3);
    wait_until_open(&mut harness);
    harness
}

/// Runs frames until a big project being read on a worker thread is open (at most a minute).
pub fn wait_until_open(harness: &mut Harness<'_, AccordApp>) {
    for _ in 0..6000 {
        if app_state(harness).opening.is_none() {
            harness.run_steps(2);
            return;
        }
        harness.run_steps(1);
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("the project was not read within a minute");
}

/// Clicks the middle of char `offset` of `pane` (press and release without moving).
pub fn click_char(harness: &mut Harness<'_, AccordApp>, pane: usize, offset: usize) {
    let p = char_rect(harness, pane, offset).center();
    click_at(harness, p);
}

/// Clicks at `p`.
pub fn click_at(harness: &mut Harness<'_, AccordApp>, p: Pos2) {
    harness.hover_at(p);
    harness.run_steps(1);
    harness.drag_at(p);
    harness.run_steps(1);
    harness.drop_at(p);
    harness.run_steps(2);
}

/// The sample documents' file names.
pub const ZH: &str = "kz-tj-joint-statement.zh.txt";
pub const AR: &str = "tj-kz-talks-astana.ar.txt";
pub const RU: &str = "kz-tj-alliance-treaty.ru.txt";
pub const KK: &str = "kz-tj-foreign-ministers.kk.txt";

/// Presses `key` with `modifiers` and lets the window answer.
pub fn press(harness: &mut Harness<'_, AccordApp>, modifiers: egui::Modifiers, key: egui::Key) {
    harness.key_press_modifiers(modifiers, key);
    harness.run_steps(3);
}

/// Drags over the `occurrence`-th `needle` of `doc` in `pane` and presses `key` (a label's
/// key); returns the new annotation's id.
pub fn label(
    harness: &mut Harness<'_, AccordApp>,
    pane: usize,
    doc: DocId,
    needle: &str,
    occurrence: usize,
    key: egui::Key,
) -> AnnotationId {
    let range = find(harness, doc, needle, occurrence);
    show(harness, pane, doc, range);
    let rtl = ws(harness)
        .project
        .slot(doc)
        .unwrap()
        .entry
        .language
        .as_deref()
        == Some("ar");
    let (from, to) = drag_points(harness, pane, range, rtl);
    drag(harness, from, to);
    assert_eq!(
        selection(harness, pane),
        Some(range),
        "the drag selects {needle:?}"
    );
    harness.key_press(key);
    harness.run_steps(2);
    let (d, id) = app_state(harness)
        .selected_annotation()
        .expect("the new span is selected");
    assert_eq!(d, doc);
    assert_eq!(ws(harness).store(doc).get(id).unwrap().extent(), range);
    id
}
