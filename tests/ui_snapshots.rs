//! Small image snapshots of the document view, rendered by wgpu (Mesa's lavapipe on CI):
//! an Arabic paragraph with highlighted phrases containing digits, and a Chinese paragraph.
//! Gated behind the `snapshots` feature: `cargo test --features snapshots --test ui_snapshots`.
//! Update with `UPDATE_SNAPSHOTS=1` after looking at the `.new.png` files.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::Path;

use accord::edit::{Edit, EditContext, apply};
use accord::layout::FontSet;
use accord::model::{Document, Timestamp};
use accord::schema::Schema;
use accord::store::AnnotationStore;
use accord::ui::{DocView, TextEngine, ViewInput};
use egui_kittest::Harness;

struct ViewState {
    engine: TextEngine,
    view: DocView,
    doc: Document,
    store: AnnotationStore,
    schema: Schema,
    language: &'static str,
}

fn view_of(file: &str, language: &'static str, spans: &[(&str, &str)]) -> ViewState {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample_docs")
        .join(file);
    let doc = Document::open(&path).unwrap();
    let schema = Schema::default_schema();
    let mut store = AnnotationStore::new();
    let now = Timestamp("2026-11-23T00:00:00Z".into());
    let ctx = EditContext {
        schema: &schema,
        document: &doc,
        author: "snapshot",
        now: &now,
    };
    for (label, text) in spans {
        let range = accord::search::find_all(&doc, text, true)[0];
        let add = Edit::Add {
            label: (*label).into(),
            ranges: vec![range],
            attributes: BTreeMap::new(),
            source: None,
        };
        apply(&mut store, &ctx, &add).unwrap();
    }
    ViewState {
        engine: TextEngine::with_fonts(FontSet::bundled().unwrap()),
        view: DocView::default(),
        doc,
        store,
        schema,
        language,
    }
}

fn snapshot(name: &str, state: ViewState, scroll_to: &str) {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(480.0, 220.0))
        .with_context_setup(accord::ui::configure)
        .wgpu()
        .build_ui_state(
            |ui, s: &mut ViewState| {
                let input = ViewInput {
                    doc: &s.doc,
                    language: Some(s.language),
                    store: &s.store,
                    schema: &s.schema,
                    selection: accord::ui::Selection::None,
                    style: accord::layout::TextStyle::default(),
                    id: egui::Id::unique("snapshot view"),
                    emphasis: accord::ui::text_view::Emphasis::NONE,
                };
                s.view.show(ui, &mut s.engine, &input);
            },
            state,
        );
    harness.run_steps(2);
    let s = harness.state_mut();
    let range = accord::search::find_all(&s.doc, scroll_to, true)[0];
    s.view.scroll_to_range(&mut s.engine, &s.doc, range);
    harness.run_steps(3);
    harness.snapshot(name);
}

#[test]
fn arabic_paragraph_with_highlighted_phrases_and_digits() {
    let state = view_of(
        "tj-kz-talks-astana.ar.txt",
        "ar",
        &[
            ("DATE", "25 أغسطس"),
            ("LOCATION", "أستانا"),
            ("MONEY", "ملياري دولار"),
        ],
    );
    snapshot("arabic_highlight", state, "25 أغسطس");
}

#[test]
fn chinese_paragraph_with_a_commitment_and_nested_money() {
    let state = view_of(
        "kz-tj-joint-statement.zh.txt",
        "zh",
        &[
            ("COMMITMENT", "在未来五年内将双边贸易额增至20亿美元"),
            ("MONEY", "20亿美元"),
            ("DATE", "未来五年内"),
        ],
    );
    snapshot("chinese_nested", state, "20亿美元");
}
