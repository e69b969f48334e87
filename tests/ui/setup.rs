//! Setting a project up from the window: File → New project… with documents dropped onto it,
//! annotating it, and finding everything as left after a restart; documents dropped onto an
//! open project; the guidelines of a label.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use accord::layout::FontSet;
use accord::project::Project;
use accord::ui::{AccordApp, Settings, TextEngine};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

use crate::ui_support::*;

/// A file dropped onto the window, as eframe hands it over.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

fn drop_onto_window(h: &mut Harness<'_, AccordApp>, paths: &[PathBuf]) {
    for path in paths {
        h.input_mut()
            .dropped_files
            .push(Arc::new(Dropped(path.clone())));
    }
    h.run_steps(2);
}

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_docs")
}

/// Runs frames until the documents being added are in (a worker thread adds them).
fn wait_for_adding(h: &mut Harness<'_, AccordApp>) {
    for _ in 0..400 {
        h.run_steps(1);
        if !h.state().adding_busy() {
            h.run_steps(3);
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("the documents were not added within 4 s");
}

fn type_into(h: &mut Harness<'_, AccordApp>, field: &str, text: &str) {
    h.get_by_role_and_label(Role::TextInput, field).focus();
    h.run_steps(1);
    h.get_by_role_and_label(Role::TextInput, field)
        .type_text(text);
    h.run_steps(2);
}

#[test]
fn a_project_made_in_the_window_is_found_as_left_after_a_restart() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("two stories");
    let settings = Settings {
        annotator: Some("tester".to_owned()),
        ..Settings::default()
    };
    let engine = TextEngine::with_fonts(FontSet::bundled().unwrap());
    let app = AccordApp::new(engine, settings, None);
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_context_setup(accord::ui::fonts::install)
        .build_ui_state(|ui, app: &mut AccordApp| app.show(ui), app);
    h.run_steps(3);
    // The start screen offers it; so does File → New project… (Ctrl+Shift+N).
    h.get_by_label_contains("New project…");
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::N);
    h.get_by_label("New project");
    type_into(&mut h, "Project folder", &folder.display().to_string());
    type_into(&mut h, "Project name", "Две истории");
    drop_onto_window(&mut h, &[samples().join(ZH), samples().join(AR)]);
    h.get_by_label(&samples().join(ZH).display().to_string());
    h.get_by_label("Create project").click();
    h.run_steps(2);
    wait_for_adding(&mut h);

    assert_eq!(ws(&h).project.name(), "Две истории");
    let files: Vec<&str> = ws(&h).project.documents.iter().map(|d| d.file()).collect();
    assert_eq!(files, [ZH, AR]);
    // The first document is open in a pane, ready to annotate.
    let zh = doc_index(&h, ZH);
    assert_eq!(app_state(&h).active_pane().map(|p| p.doc), Some(zh));
    let id = label(&mut h, 0, zh, "塔吉克斯坦", 0, Key::C);
    let range = find(&h, zh, "塔吉克斯坦", 0);
    press(&mut h, Modifiers::COMMAND, Key::S);
    assert!(!ws(&h).is_dirty());
    drop(h);

    // Restarted on the folder: the project, its documents and the span as they were left.
    let mut h = harness(&folder);
    h.run_steps(2);
    assert_eq!(ws(&h).project.name(), "Две истории");
    let zh = doc_index(&h, ZH);
    let span = ws(&h).store(zh).get(id).expect("the span is there").clone();
    assert_eq!(span.label, "COUNTRY");
    assert_eq!(span.extent(), range);
    assert_eq!(Project::open(&folder).unwrap().documents.len(), 2);
}

#[test]
fn a_folder_dropped_onto_an_open_project_adds_its_texts_and_says_what_it_left_out() {
    let project = sample_project();
    let incoming = tempfile::tempdir().unwrap();
    std::fs::write(
        incoming.path().join("statement.txt"),
        "Президенты Казахстана и Таджикистана подписали совместное заявление.",
    )
    .unwrap();
    std::fs::write(
        incoming.path().join("scan.png"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
    )
    .unwrap();
    let mut h = harness(project.path());
    let before = ws(&h).project.documents.len();
    drop_onto_window(&mut h, &[incoming.path().to_path_buf()]);
    wait_for_adding(&mut h);

    let listed = &ws(&h).project;
    assert_eq!(listed.documents.len(), before + 1);
    let added = listed
        .document_index("statement.txt")
        .expect("the text is added");
    assert_eq!(
        listed.slot(added).unwrap().entry.language.as_deref(),
        Some("ru")
    );
    // The document list shows it; the binary file is named with the reason.
    h.get_by_label_contains("statement.txt [ru]");
    h.get_by_label_contains("scan.png: it is not a text file");
    assert!(
        h.get_all_by_label_contains("Added 1 document; 1 left out")
            .next()
            .is_some()
    );
}

#[test]
fn a_labels_guideline_is_shown_at_its_section() {
    let project = sample_project();
    // Long sections: COUNTRY's starts far below the panel's bottom, and can be scrolled to
    // the top.
    let filler = "Titles, ranks and roles are not part of the name.\n\n".repeat(60);
    std::fs::write(
        project.path().join("guidelines.md"),
        format!(
            "# Guidelines\n\nRead this first.\n\n## PERSON\n\nFull names, without titles.\n\n{filler}## COUNTRY\n\nStates, as named in the text: Қазақстан, طاجيكستان.\n\n{filler}"
        ),
    )
    .unwrap();
    let mut h = harness(project.path());
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::H);
    let country_heading = |h: &Harness<'_, AccordApp>| {
        // The palette names COUNTRY too: the heading is the one in the side panel.
        h.get_all_by_label("COUNTRY")
            .map(|n| n.rect())
            .find(|r| r.left() > 1000.0)
            .expect("the COUNTRY heading")
    };
    h.get_by_label("Full names, without titles.");
    assert!(
        country_heading(&h).top() > 900.0,
        "{:?}",
        country_heading(&h)
    );
    // A COUNTRY span selected: its section is scrolled to the top of the panel.
    let zh = doc_index(&h, ZH);
    label(&mut h, 0, zh, "塔吉克斯坦", 0, Key::C);
    // The scroll is animated.
    h.run_steps(40);
    let heading = country_heading(&h);
    assert!(heading.top() < 200.0, "{heading:?}");
    h.get_by_label("States, as named in the text: Қазақстан, طاجيكستان.");
    assert!(h.query_by_label("No section names COUNTRY.").is_none());
}
