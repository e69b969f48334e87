//! File → Export… and File → Import… driven as a user would: the dialog opened by its
//! shortcut, options clicked, paths typed, the work run in the background to its end (or
//! cancelled half-way), and the result checked on disk and in the window's state.

use std::ops::ControlFlow;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::ui_support::*;
use accord::formats::{AnnotationSource, ExportOptions, Format};
use accord::model::CharRange;
use accord::store::AnnotationFile;
use accord::ui::{AccordApp, Action};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

const ZH: &str = "kz-tj-joint-statement.zh.txt";

/// Steps the window until the export or import has ended.
fn wait_until_done(h: &mut Harness<'_, AccordApp>) {
    let start = Instant::now();
    while h.state().exchange_busy() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the export or import never ended"
        );
        std::thread::sleep(Duration::from_millis(5));
        h.run_steps(1);
    }
    h.run_steps(3);
}

/// Steps the window until a widget labelled `label` shows.
fn wait_for_label(h: &mut Harness<'_, AccordApp>, label: &str) {
    let start = Instant::now();
    while h.query_by_label(label).is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{label:?} never showed"
        );
        std::thread::sleep(Duration::from_millis(5));
        h.run_steps(1);
    }
}

/// Replaces the text of the field labelled `label` with `text`.
fn type_into(h: &mut Harness<'_, AccordApp>, label: &str, text: &str) {
    h.get_by_role_and_label(Role::TextInput, label).focus();
    h.run_steps(1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run_steps(1);
    h.get_by_role_and_label(Role::TextInput, label)
        .type_text(text);
    h.run_steps(2);
    // Leave the field, as a click elsewhere would.
    h.key_press(Key::Escape);
    h.run_steps(2);
}

/// The error the dialog shows.
fn shown_error(h: &Harness<'_, AccordApp>) -> String {
    h.get_by_label_contains("The import failed")
        .value()
        .expect("a label's text is its value")
}

fn click(h: &mut Harness<'_, AccordApp>, label: &str) {
    h.get_by_label(label).click();
    h.run_steps(3);
}

/// Every fragment of an annotation file as `(start, end, label, text)`, sorted.
fn spans_of_file(path: &Path) -> Vec<(usize, usize, String, String)> {
    let file = AnnotationFile::load(path).unwrap();
    let mut spans: Vec<_> = file
        .annotations
        .iter()
        .flat_map(|a| {
            a.fragments
                .iter()
                .map(|f| (f.start, f.end, a.label.clone(), f.text.clone()))
        })
        .collect();
    spans.sort();
    spans
}

#[test]
fn export_writes_jsonl_with_the_spans_after_saving_unsaved_ones() {
    let project = annotated_sample_project();
    let mut h = harness_as(project.path(), "aigerim");
    // An unsaved span: the export must save it first and carry it.
    let zh = doc_index(&h, ZH);
    let open = find(&h, zh, "开放", 0);
    h.state_mut().push(Action::Reveal {
        doc: zh,
        range: open,
    });
    h.run_steps(2);
    h.state_mut().push(Action::Label("EVENT".into()));
    h.run_steps(2);
    assert!(ws(&h).is_dirty(), "the new span is not saved yet");

    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    h.run_steps(3);
    h.get_by_label("Export annotations");
    h.get_by_label("1 document has unsaved changes: saved before the export.");
    click(&mut h, "JSONL");
    click(&mut h, "aigerim (you)");
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("corpus.jsonl");
    type_into(&mut h, "Save to", &out.display().to_string());
    click(&mut h, "Export");
    wait_until_done(&mut h);
    h.get_by_label("Export finished");
    assert!(!ws(&h).is_dirty(), "saved before exporting");

    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5, "one line per document");
    let mut seen_new = false;
    for line in &lines {
        let file = line["meta"]["file"].as_str().unwrap();
        assert_eq!(line["meta"]["annotator"], "aigerim");
        let chars: Vec<char> = line["text"].as_str().unwrap().chars().collect();
        let mut spans: Vec<(usize, usize, String, String)> = line["spans"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let (start, end) = (
                    s[0].as_u64().unwrap() as usize,
                    s[1].as_u64().unwrap() as usize,
                );
                let text: String = chars[start..end].iter().collect();
                (start, end, s[2].as_str().unwrap().to_owned(), text)
            })
            .collect();
        spans.sort();
        let saved = project
            .path()
            .join("annotations/aigerim")
            .join(format!("{file}.ron"));
        assert_eq!(spans, spans_of_file(&saved), "the spans of {file}");
        assert!(!spans.is_empty(), "{file} has annotations");
        if file == ZH {
            seen_new = spans.contains(&(open.start, open.end, "EVENT".into(), "开放".into()));
        }
    }
    assert!(seen_new, "the span made before exporting is exported");
}

#[test]
fn an_export_shows_its_progress_and_cancel_leaves_nothing_written() {
    let project = annotated_sample_project();
    let mut h = harness_as(project.path(), "aigerim");
    // The worker waits at each progress report until released or cancelled.
    h.state_mut().hold_exchange(true);
    h.state_mut()
        .push(Action::Run(accord::ui::commands::Command::Export));
    h.run_steps(3);
    click(&mut h, "brat");
    click(&mut h, "dilnoza");
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("brat");
    type_into(&mut h, "Save to", &out.display().to_string());
    click(&mut h, "Export");
    wait_for_label(&mut h, "Step 1 of 3: reading 1 of 5");
    assert!(h.state().exchange_busy());
    h.get_by_label(&format!("Exporting to {}", out.display()));
    click(&mut h, "Cancel");
    wait_until_done(&mut h);
    h.get_by_label("Cancelled: nothing was written.");
    assert!(!out.exists(), "a cancelled export writes nothing");

    // The form is still there: run it again, to its end.
    h.state_mut().hold_exchange(false);
    click(&mut h, "Export");
    wait_until_done(&mut h);
    h.get_by_label("Export finished");
    h.get_by_label(&format!(
        "Exported 5 documents and {} annotations by dilnoza as brat to {}.",
        count_annotations(&project.path().join("annotations/dilnoza")),
        out.display()
    ));
    assert!(out.join("annotation.conf").is_file());
    let anns = std::fs::read_dir(&out)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "ann")
        })
        .count();
    assert_eq!(anns, 5);
    click(&mut h, "Close");
    assert!(h.query_by_label("Export finished").is_none(), "closed");
}

fn count_annotations(folder: &Path) -> usize {
    std::fs::read_dir(folder)
        .unwrap()
        .map(|e| {
            AnnotationFile::load(&e.unwrap().path())
                .unwrap()
                .annotations
                .len()
        })
        .sum()
}

/// A brat export of aigerim's annotations (made by the core), and a window on another copy
/// of the sample, as "tester", with File → Import… filled in to bring it into a new project.
/// Import is not yet clicked.
struct BratImport {
    /// The project the export was made from.
    source: tempfile::TempDir,
    /// Holds the export and, once imported, the new project.
    _folder: tempfile::TempDir,
    /// The new project's folder.
    into: std::path::PathBuf,
    /// The project open in the window.
    _open_now: tempfile::TempDir,
    h: Harness<'static, AccordApp>,
}

/// See [`BratImport`]; with `hold`, the import waits at each progress report once started.
fn brat_import_dialog(hold: bool) -> BratImport {
    let source = annotated_sample_project();
    let folder = tempfile::tempdir().unwrap();
    let options = ExportOptions {
        format: Format::Brat,
        out: folder.path().join("brat"),
        source: AnnotationSource::Annotator("aigerim".into()),
        documents: Vec::new(),
        labels: Vec::new(),
        include_undecided: false,
    };
    accord::formats::export(source.path(), &options, &mut |_| ControlFlow::Continue(())).unwrap();

    let open_now = sample_project();
    let mut h = harness_as(open_now.path(), "tester");
    h.state_mut().hold_exchange(hold);
    let into = folder.path().join("new project");
    h.key_press_modifiers(Modifiers::COMMAND, Key::I);
    h.run_steps(3);
    h.get_by_label("Import annotations");
    click(&mut h, "brat");
    type_into(&mut h, "Source", &options.out.display().to_string());
    type_into(&mut h, "Into project", &into.display().to_string());
    BratImport {
        source,
        _folder: folder,
        into,
        _open_now: open_now,
        h,
    }
}

#[test]
fn import_brings_a_brat_export_into_a_new_project_and_opens_it() {
    // Every field is bound, so that the folders live to the end of the test.
    let BratImport {
        source,
        into,
        mut h,
        _folder,
        _open_now,
    } = brat_import_dialog(false);
    h.get_by_label("A new project folder: created, and opened when the import is done.");
    click(&mut h, "Import");
    wait_until_done(&mut h);
    h.get_by_label("Import finished");

    // The new project is open, with the documents and tester's annotations.
    let ws = ws(&h);
    assert_eq!(
        ws.project.root.canonicalize().unwrap(),
        into.canonicalize().unwrap()
    );
    assert_eq!(ws.annotator, "tester");
    let mut files: Vec<&str> = ws.project.documents.iter().map(|d| d.file()).collect();
    files.sort_unstable();
    let mut expected: Vec<String> = std::fs::read_dir(source.path().join("annotations/aigerim"))
        .unwrap()
        .map(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .trim_end_matches(".ron")
                .to_owned()
        })
        .collect();
    expected.sort_unstable();
    assert_eq!(files, expected);
    let mut total = 0;
    for doc in ws.doc_ids() {
        let file = ws.file_name(doc);
        let original = std::fs::read_to_string(source.path().join(file)).unwrap();
        assert_eq!(
            ws.document(doc).unwrap().text(),
            original.trim_start_matches('\u{feff}'),
            "{file}: the text"
        );
        let mut got: Vec<(usize, usize, String, String)> = ws
            .store(doc)
            .in_file_order()
            .iter()
            .flat_map(|a| {
                a.fragments
                    .iter()
                    .map(|f| (f.start, f.end, a.label.clone(), f.text.clone()))
            })
            .collect();
        got.sort();
        let want = spans_of_file(
            &source
                .path()
                .join(format!("annotations/aigerim/{file}.ron")),
        );
        assert_eq!(got, want, "{file}: the imported spans");
        total += ws.store(doc).in_file_order().len();
    }
    assert!(total > 100, "the sample has many annotations ({total})");
}

#[test]
fn import_refuses_unknown_labels_and_existing_files_until_told() {
    let src = tempfile::tempdir().unwrap();
    let brat = src.path().join("brat");
    std::fs::create_dir_all(&brat).unwrap();
    std::fs::write(brat.join("a.txt"), "Treaty of Astana was signed.").unwrap();
    std::fs::write(brat.join("a.ann"), "T1\tTREATY 0 16\tTreaty of Astana\n").unwrap();
    let into = src.path().join("project");

    let open_now = sample_project();
    let mut h = harness_as(open_now.path(), "tester");
    h.key_press_modifiers(Modifiers::COMMAND, Key::I);
    h.run_steps(3);
    click(&mut h, "brat");
    type_into(&mut h, "Source", &brat.display().to_string());
    type_into(&mut h, "Into project", &into.display().to_string());
    click(&mut h, "Import");
    wait_until_done(&mut h);
    let refused = shown_error(&h);
    assert!(
        refused.contains("label \"TREATY\"") && refused.contains("add them to the schema"),
        "{refused}"
    );
    assert!(!into.join("a.txt").exists() && !into.join("accord.ron").exists());
    assert!(
        ws(&h)
            .project
            .root
            .ends_with(open_now.path().file_name().unwrap()),
        "the project open stays open"
    );

    click(&mut h, "Add them to the schema");
    click(&mut h, "Import");
    wait_until_done(&mut h);
    h.get_by_label("Import finished");
    h.get_by_label("Added to the schema: label \"TREATY\"");
    let ws_now = ws(&h);
    assert!(ws_now.project.schema.label("TREATY").is_some());
    let doc = ws_now.project.document_index("a.txt").unwrap();
    let spans: Vec<(String, Vec<CharRange>)> = ws_now
        .store(doc)
        .in_file_order()
        .iter()
        .map(|a| {
            (
                a.label.clone(),
                a.fragments.iter().map(|f| f.range()).collect(),
            )
        })
        .collect();
    assert_eq!(spans, vec![("TREATY".into(), vec![CharRange::new(0, 16)])]);

    // The same again: tester's file for a.txt exists now.
    click(&mut h, "Import again…");
    click(&mut h, "Import");
    wait_until_done(&mut h);
    let refused = shown_error(&h);
    assert!(
        refused.contains("would be replaced") && refused.contains("Replace existing"),
        "{refused}"
    );
    click(&mut h, "Replace existing annotation files");
    h.get_by_label(
        "The annotator's annotation files for the imported documents are replaced: the annotations in them now are lost.",
    );
    click(&mut h, "Import");
    wait_until_done(&mut h);
    h.get_by_label("Import finished");
    let replaced = into.join("annotations/tester/a.txt.ron");
    h.get_by_label(&format!("Replaced: {}", replaced.display()));
}

/// Closing the window while an import runs (what the app does on exit): the import is
/// stopped before it writes anything, the window does not wait on a held worker, and the
/// folder it was going into is left empty, without temporary files.
#[test]
fn closing_the_window_during_an_import_leaves_nothing_half_written() {
    let BratImport {
        source: _source,
        into,
        mut h,
        _folder,
        _open_now,
    } = brat_import_dialog(true);
    click(&mut h, "Import");
    wait_for_label(&mut h, "Step 1 of 3: reading 1 of 5");
    assert!(h.state().exchange_busy());

    h.state_mut().end_exchange();
    assert!(!h.state().exchange_busy(), "the import has ended");
    // Had the worker been left running instead of stopped, releasing it would let it write.
    h.state_mut().hold_exchange(false);
    std::thread::sleep(Duration::from_millis(500));
    let left: Vec<_> = std::fs::read_dir(&into)
        .map(|entries| entries.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "nothing is written: {left:?}");
}
