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

/// The window of an annotator "tester" with no project open (the start screen).
fn window_without_project() -> Harness<'static, AccordApp> {
    let settings = Settings {
        annotator: Some("tester".to_owned()),
        ..Settings::default()
    };
    let engine = TextEngine::with_fonts(FontSet::bundled().unwrap());
    let app = AccordApp::new(engine, settings, None);
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_context_setup(accord::ui::configure)
        .build_ui_state(|ui, app: &mut AccordApp| app.show(ui), app);
    h.run_steps(3);
    h
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
    let mut h = window_without_project();
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

#[test]
fn a_label_set_made_in_the_window_labels_spans_and_stays_after_a_restart() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("own labels");
    let mut h = window_without_project();
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::N);
    type_into(&mut h, "Project folder", &folder.display().to_string());
    h.get_by_label("None yet: add labels in the Labels panel")
        .click();
    h.run_steps(2);
    drop_onto_window(&mut h, &[samples().join(RU), samples().join(KK)]);
    h.get_by_label("Create project").click();
    h.run_steps(2);
    wait_for_adding(&mut h);
    assert!(ws(&h).project.schema.labels.is_empty());

    // Three labels, added and named in the Labels tab; the second gets key G.
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::B);
    for (name, key) in [("ЛИЦО", None), ("GPE", Some("g")), ("SUM", None)] {
        h.get_by_label("➕ Add a label").click();
        h.run_steps(2);
        let field = h.get_by_role_and_label(Role::TextInput, "Label name");
        field.focus();
        h.run_steps(1);
        for _ in 0.."NEW_LABEL".len() {
            h.key_press(Key::Backspace);
        }
        h.run_steps(1);
        h.get_by_role_and_label(Role::TextInput, "Label name")
            .type_text(name);
        h.run_steps(1);
        h.key_press(Key::Enter);
        h.run_steps(3);
        if let Some(key) = key {
            h.get_by_role_and_label(Role::TextInput, "Key").focus();
            h.run_steps(1);
            h.get_by_role_and_label(Role::TextInput, "Key")
                .type_text(key);
            h.run_steps(3);
        }
    }
    let labels: Vec<(String, Option<char>)> = ws(&h)
        .project
        .schema
        .labels
        .iter()
        .map(|l| (l.name.clone(), l.hotkey))
        .collect();
    assert_eq!(
        labels,
        [
            ("ЛИЦО".to_owned(), None),
            ("GPE".to_owned(), Some('g')),
            ("SUM".to_owned(), None)
        ]
    );
    // The new key labels a span.
    // The first document added is open.
    let ru = doc_index(&h, RU);
    assert_eq!(app_state(&h).active_pane().map(|p| p.doc), Some(ru));
    let id = label(&mut h, 0, ru, "Казахстан", 0, Key::G);
    let range = find(&h, ru, "Казахстан", 0);
    press(&mut h, Modifiers::COMMAND, Key::S);
    drop(h);

    let h = harness(&folder);
    let names: Vec<&str> = ws(&h)
        .project
        .schema
        .labels
        .iter()
        .map(|l| l.name.as_str())
        .collect();
    assert_eq!(names, ["ЛИЦО", "GPE", "SUM"]);
    let ru = doc_index(&h, RU);
    let span = ws(&h).store(ru).get(id).unwrap().clone();
    assert_eq!((span.label.as_str(), span.extent()), ("GPE", range));
}

#[test]
fn renaming_a_used_label_relabels_the_spans_and_undo_takes_both_back() {
    let project = sample_project();
    let mut h = harness(project.path());
    let zh = doc_index(&h, ZH);
    let id = label(&mut h, 0, zh, "塔吉克斯坦", 0, Key::C);
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::B);
    h.get_all_by_label_contains("COUNTRY [c]")
        .find(|n| n.rect().left() > 1000.0)
        .unwrap()
        .click();
    h.run_steps(2);
    let name = h.get_by_role_and_label(Role::TextInput, "Label name");
    name.focus();
    h.run_steps(1);
    for _ in 0.."COUNTRY".len() {
        h.key_press(Key::Backspace);
    }
    h.get_by_role_and_label(Role::TextInput, "Label name")
        .type_text("STATE");
    h.key_press(Key::Enter);
    h.run_steps(3);

    let schema_file = project.path().join("schema.ron");
    let on_disk = || {
        accord::schema::Schema::from_ron(&std::fs::read_to_string(&schema_file).unwrap()).unwrap()
    };
    assert_eq!(ws(&h).store(zh).get(id).unwrap().label, "STATE");
    assert!(on_disk().label("STATE").is_some());
    assert!(on_disk().label("COUNTRY").is_none());
    // The project file now names the schema file (it said `Default`), comments kept.
    let project_file = std::fs::read_to_string(project.path().join("accord.ron")).unwrap();
    assert!(
        project_file.contains("schema: File(\"schema.ron\")"),
        "{project_file}"
    );
    assert!(project_file.starts_with("// Accord project file."));
    // References follow: a relation that could point at COUNTRY now points at STATE.
    assert!(
        on_disk()
            .relations
            .iter()
            .any(|r| r.to_labels.iter().any(|l| l == "STATE"))
    );

    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(3);
    assert_eq!(ws(&h).store(zh).get(id).unwrap().label, "COUNTRY");
    assert!(on_disk().label("COUNTRY").is_some());
    assert!(on_disk().label("STATE").is_none());
}

/// How many annotations labelled `label` the annotation files of `annotator` hold.
fn labelled_in_files(root: &Path, annotator: &str, label: &str) -> usize {
    std::fs::read_dir(root.join("annotations").join(annotator))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .map(|p| {
            accord::store::AnnotationFile::load(&p)
                .unwrap()
                .annotations
                .iter()
                .filter(|a| a.label == label)
                .count()
        })
        .sum()
}

fn select_in_labels_tab(h: &mut Harness<'_, AccordApp>, label: &str) {
    press(h, Modifiers::COMMAND | Modifiers::SHIFT, Key::B);
    h.get_all_by_label_contains(&format!("{label} ["))
        .find(|n| n.rect().left() > 1000.0)
        .unwrap()
        .click();
    h.run_steps(2);
}

fn rename_selected(h: &mut Harness<'_, AccordApp>, from: &str, to: &str) {
    h.get_by_role_and_label(Role::TextInput, "Label name")
        .focus();
    h.run_steps(1);
    for _ in 0..from.chars().count() {
        h.key_press(Key::Backspace);
    }
    h.get_by_role_and_label(Role::TextInput, "Label name")
        .type_text(to);
    h.key_press(Key::Enter);
    h.run_steps(3);
}

#[test]
fn renaming_a_label_two_annotators_used_rewrites_both_and_undo_puts_both_back() {
    let project = annotated_sample_project();
    let root = project.path();
    let dilnoza_before = crate::common::folder_bytes(&root.join("annotations/dilnoza"));
    let theirs = labelled_in_files(root, "dilnoza", "COUNTRY");
    let mine = labelled_in_files(root, "aigerim", "COUNTRY");
    assert!(theirs > 0 && mine > 0);
    let mut h = harness_as(root, "aigerim");
    select_in_labels_tab(&mut h, "COUNTRY");
    h.get_by_label_contains(&format!(
        "Spans with it: {mine} of yours, {theirs} of dilnoza's"
    ));
    rename_selected(&mut h, "COUNTRY", "STATE");

    // aigerim's spans in the window, dilnoza's in her files, the label set: all STATE.
    let in_window = |h: &Harness<'_, AccordApp>, label: &str| {
        let ws = ws(h);
        ws.doc_ids()
            .map(|d| {
                ws.store(d)
                    .annotations()
                    .filter(|a| a.label == label)
                    .count()
            })
            .sum::<usize>()
    };
    assert_eq!(in_window(&h, "STATE"), mine);
    assert_eq!(in_window(&h, "COUNTRY"), 0);
    assert_eq!(labelled_in_files(root, "dilnoza", "STATE"), theirs);
    assert_eq!(labelled_in_files(root, "dilnoza", "COUNTRY"), 0);
    assert!(ws(&h).project.schema.label("STATE").is_some());

    // One undo: all three back; dilnoza's files byte for byte as they were.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(3);
    assert_eq!(in_window(&h, "COUNTRY"), mine);
    assert_eq!(labelled_in_files(root, "dilnoza", "COUNTRY"), theirs);
    assert_eq!(
        crate::common::folder_bytes(&root.join("annotations/dilnoza")),
        dilnoza_before
    );
    assert!(ws(&h).project.schema.label("STATE").is_none());
}

#[test]
fn a_rename_is_refused_whole_while_another_annotator_has_the_project_open() {
    let project = annotated_sample_project();
    let root = project.path();
    // dilnoza has it open in another Accord on this machine (a running process holds her
    // lock: init's process id, which is always running).
    let lock = accord::project::lock::AnnotatorLock::path_for(root, "dilnoza");
    let holder = accord::project::lock::LockHolder {
        pid: 1,
        host: gethostname::gethostname().to_string_lossy().into_owned(),
        since: accord::model::Timestamp::now(),
        serial: 1,
        boot_id: None,
        start_time: None,
        os_lock: false,
    };
    std::fs::create_dir_all(lock.parent().unwrap()).unwrap();
    std::fs::write(&lock, ron::to_string(&holder).unwrap()).unwrap();
    let mut h = harness_as(root, "aigerim");
    let mine = labelled_in_files(root, "aigerim", "COUNTRY");
    select_in_labels_tab(&mut h, "COUNTRY");
    rename_selected(&mut h, "COUNTRY", "STATE");

    let ws = ws(&h);
    assert!(ws.project.schema.label("COUNTRY").is_some());
    assert!(ws.project.schema.label("STATE").is_none());
    let in_window: usize = ws
        .doc_ids()
        .map(|d| {
            ws.store(d)
                .annotations()
                .filter(|a| a.label == "COUNTRY")
                .count()
        })
        .sum();
    assert_eq!(in_window, mine);
    assert!(labelled_in_files(root, "dilnoza", "STATE") == 0);
    let schema_on_disk = std::fs::read_to_string(root.join("accord.ron")).unwrap();
    assert!(
        !schema_on_disk.contains("File(\"schema.ron\")"),
        "{schema_on_disk}"
    );
    assert!(!root.join("schema.ron").exists());
    let message = app_state(&h).status.message.as_ref().unwrap();
    assert!(
        message.error && message.text.contains("dilnoza"),
        "{}",
        message.text
    );
}

#[test]
fn a_schema_file_with_mistakes_opens_with_what_reads_and_says_where_the_rest_is_wrong() {
    let project = crate::common::project_with_newcomers_schema();
    let h = harness(project.path());
    // The project is open, with the labels that read.
    let labels: Vec<&str> = ws(&h)
        .project
        .schema
        .labels
        .iter()
        .map(|l| l.name.as_str())
        .collect();
    assert_eq!(labels, ["PERSON", "ORG"]);
    // The notice names each mistake's file, line and column, and what to write.
    h.get_by_label("The label set has mistakes");
    h.get_by_label_contains("schema.ron:4:40: `colour` is not a field of a label: write `color`");
    h.get_by_label_contains("schema.ron:9:9: relation \"works_for\" refers to unknown label");
    // The label set is not changed from the window meanwhile: saving it would drop what did
    // not read.
    let before = std::fs::read(project.path().join("schema.ron")).unwrap();
    let mut h = h;
    h.state_mut().push(accord::ui::Action::EditSchema(
        accord::schema::edit::SchemaEdit::MoveLabel {
            name: "ORG".into(),
            to: 0,
        },
    ));
    h.run_steps(2);
    assert_eq!(
        std::fs::read(project.path().join("schema.ron")).unwrap(),
        before
    );
    assert_eq!(ws(&h).project.schema.labels[0].name, "PERSON");
}

#[test]
fn another_window_sees_a_label_added_in_this_one() {
    let project = annotated_sample_project();
    let mut mine = harness_as(project.path(), "aigerim");
    let mut theirs = harness_as(project.path(), "dilnoza");
    let topic = accord::schema::LabelDef {
        name: "TOPIC".into(),
        layer: accord::schema::Layer::Entity,
        color: accord::schema::Rgb([10, 120, 200]),
        hotkey: Some('t'),
        description: "What the text is about".into(),
        attributes: Vec::new(),
    };
    mine.state_mut().push(accord::ui::Action::EditSchema(
        accord::schema::edit::SchemaEdit::AddLabel {
            at: 9,
            label: topic,
        },
    ));
    mine.run_steps(2);
    assert!(ws(&mine).project.schema.label("TOPIC").is_some());
    // Within a round of the other window's disk check (3 s of frames), it has the label.
    let mut seen = false;
    for _ in 0..400 {
        theirs.run_steps(1);
        if ws(&theirs).project.schema.label("TOPIC").is_some() {
            seen = true;
            break;
        }
    }
    assert!(seen, "the other window never read the new label set");
    theirs.run_steps(2);
    theirs
        .get_all_by_label("TOPIC")
        .next()
        .expect("TOPIC in its palette");
    // This window's own change did not make it reopen (its undo still works).
    mine.run_steps(400);
    mine.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    mine.run_steps(2);
    assert!(ws(&mine).project.schema.label("TOPIC").is_none());
}

#[test]
fn a_document_removed_from_its_rows_menu_leaves_the_list_and_its_annotations_are_kept_aside() {
    let project = annotated_sample_project();
    let root = project.path();
    let mut h = harness_as(root, "aigerim");
    let row_label = format!("{KK} [kk]");
    h.get_all_by_label_contains(&row_label)
        .next()
        .unwrap()
        .click_secondary();
    h.run_steps(2);
    let button = h.get_by_label("Remove from the project…").rect().center();
    click_at(&mut h, button);
    assert!(
        h.query_by_label("Remove a document from the project")
            .is_some(),
        "{:?}",
        app_state(&h).status.message
    );
    h.get_by_label("Remove it").click();
    h.run_steps(4);

    assert!(ws(&h).project.document_index(KK).is_none());
    assert_eq!(ws(&h).project.documents.len(), 4);
    assert!(
        h.query_all_by_label_contains(&format!("{KK} [kk]"))
            .next()
            .is_none()
    );
    for annotator in ["aigerim", "dilnoza"] {
        assert!(root.join(format!("removed/{annotator}/{KK}.ron")).is_file());
        assert!(
            !root
                .join(format!("annotations/{annotator}/{KK}.ron"))
                .exists()
        );
    }
    // The window is editable again (its lock taken back).
    assert!(ws(&h).lock().is_ok());
}

#[test]
fn deleting_a_used_label_relabels_everyones_spans_or_keeps_them_flagged() {
    let project = annotated_sample_project();
    let root = project.path();
    let mine = labelled_in_files(root, "aigerim", "AGREEMENT");
    let theirs = labelled_in_files(root, "dilnoza", "AGREEMENT");
    let dilnoza_before = crate::common::folder_bytes(&root.join("annotations/dilnoza"));
    assert!(mine > 0 && theirs > 0);
    let mut h = harness_as(root, "aigerim");
    let count = |h: &Harness<'_, AccordApp>, label: &str| {
        let ws = ws(h);
        ws.doc_ids()
            .map(|d| {
                ws.store(d)
                    .annotations()
                    .filter(|a| a.label == label)
                    .count()
            })
            .sum::<usize>()
    };
    assert_eq!(count(&h, "AGREEMENT"), mine);
    select_in_labels_tab(&mut h, "AGREEMENT");
    // Used: no plain delete, the two ways instead.
    assert!(h.query_by_label("Delete label").is_none());
    h.get_by_label("Relabel as PERSON and delete");
    h.get_by_label("Delete, keep its spans flagged");
    // Into a label a rule refuses (an EVENT cannot be in a same_entity group, which some
    // AGREEMENT spans are): refused whole, nobody's files changed.
    h.state_mut().push(accord::ui::Action::DeleteLabel {
        name: "AGREEMENT".into(),
        relabel_as: Some("EVENT".into()),
    });
    h.run_steps(3);
    let message = app_state(&h).status.message.clone().unwrap();
    assert!(
        message.error && message.text.contains("same_entity"),
        "{message:?}"
    );
    assert!(ws(&h).project.schema.label("AGREEMENT").is_some());
    assert_eq!(
        count(&h, "AGREEMENT"),
        mine,
        "the refused step is taken back whole"
    );
    assert_eq!(
        crate::common::folder_bytes(&root.join("annotations/dilnoza")),
        dilnoza_before
    );
    // LOCATION into COUNTRY, once located_in may start from a COUNTRY too: every rule then
    // allows it where LOCATION was.
    let mut located_in = ws(&h)
        .project
        .schema
        .relation("located_in")
        .unwrap()
        .clone();
    located_in.from_labels.push("COUNTRY".into());
    h.state_mut().push(accord::ui::Action::EditSchema(
        accord::schema::edit::SchemaEdit::SetRelation {
            name: "located_in".into(),
            relation: located_in,
        },
    ));
    h.run_steps(2);
    let locations = labelled_in_files(root, "dilnoza", "LOCATION");
    let countries = labelled_in_files(root, "dilnoza", "COUNTRY");
    let my_locations = labelled_in_files(root, "aigerim", "LOCATION");
    assert!(locations > 0 && my_locations > 0);
    h.state_mut().push(accord::ui::Action::DeleteLabel {
        name: "LOCATION".into(),
        relabel_as: Some("COUNTRY".into()),
    });
    h.run_steps(3);
    assert!(
        ws(&h).project.schema.label("LOCATION").is_none(),
        "{:?}",
        app_state(&h).status.message
    );
    assert_eq!(count(&h, "LOCATION"), 0);
    assert_eq!(labelled_in_files(root, "dilnoza", "LOCATION"), 0);
    assert_eq!(
        labelled_in_files(root, "dilnoza", "COUNTRY"),
        countries + locations
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(3);
    assert!(ws(&h).project.schema.label("LOCATION").is_some());
    assert_eq!(count(&h, "LOCATION"), my_locations);
    assert_eq!(
        crate::common::folder_bytes(&root.join("annotations/dilnoza")),
        dilnoza_before
    );

    // Kept flagged: the spans keep it; the label set lacks it.
    h.state_mut().push(accord::ui::Action::DeleteLabel {
        name: "AGREEMENT".into(),
        relabel_as: None,
    });
    h.run_steps(3);
    assert!(
        ws(&h).project.schema.label("AGREEMENT").is_none(),
        "{:?}",
        app_state(&h).status.message
    );
    assert_eq!(count(&h, "AGREEMENT"), mine);
    assert_eq!(labelled_in_files(root, "dilnoza", "AGREEMENT"), theirs);
}

#[test]
fn attributes_and_relation_kinds_are_added_in_the_labels_tab() {
    let project = sample_project();
    let mut h = harness(project.path());
    select_in_labels_tab(&mut h, "COUNTRY");
    let type_hinted = |h: &mut Harness<'_, AccordApp>, hint: &str, text: &str| {
        h.get_by_role_and_label(Role::TextInput, hint).focus();
        h.run_steps(1);
        h.get_by_role_and_label(Role::TextInput, hint)
            .type_text(text);
        h.run_steps(2);
    };
    type_hinted(&mut h, "New attribute name", "standing");
    type_hinted(&mut h, "New attribute values", "sovereign, disputed");
    h.get_by_label("Add attribute").click();
    h.run_steps(3);
    let standing = ws(&h)
        .project
        .schema
        .label("COUNTRY")
        .unwrap()
        .attribute("standing")
        .cloned()
        .expect("the attribute is added");
    assert_eq!(
        standing.kind,
        accord::schema::AttributeKind::Enum {
            values: vec!["sovereign".into(), "disputed".into()]
        }
    );
    type_hinted(&mut h, "New value", "observer");
    h.get_by_label("Add value").click();
    h.run_steps(3);
    let values = match &ws(&h)
        .project
        .schema
        .label("COUNTRY")
        .unwrap()
        .attribute("standing")
        .unwrap()
        .kind
    {
        accord::schema::AttributeKind::Enum { values } => values.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(values, ["sovereign", "disputed", "observer"]);
    // A span reference's settings: COMMITMENT's actors take one span only, then.
    h.get_all_by_label_contains("COMMITMENT [")
        .find(|n| n.rect().left() > 1000.0)
        .unwrap()
        .click();
    h.run_steps(2);
    let actors = |h: &Harness<'_, AccordApp>| {
        ws(h)
            .project
            .schema
            .label("COMMITMENT")
            .unwrap()
            .attribute("actors")
            .unwrap()
            .kind
            .clone()
    };
    assert!(matches!(
        actors(&h),
        accord::schema::AttributeKind::SpanRef { many: true, .. }
    ));
    // Below the fold of the panel: scrolled to first.
    h.get_all_by_label("several").next().unwrap().scroll_to_me();
    h.run_steps(3);
    h.get_all_by_label("several").next().unwrap().click();
    h.run_steps(2);
    assert!(matches!(
        actors(&h),
        accord::schema::AttributeKind::SpanRef { many: false, .. }
    ));
    // A relation kind, any label to any label until its lists are ticked.
    h.get_by_label("Relation kinds (links inside a document)")
        .click();
    h.run_steps(2);
    type_hinted(&mut h, "New relation kind", "borders");
    h.get_all_by_label("Add").next().unwrap().click();
    h.run_steps(3);
    let borders = ws(&h).project.schema.relation("borders").cloned().unwrap();
    assert!(borders.from_labels.is_empty() && borders.to_labels.is_empty());
    // Its description, saved when the field is left.
    type_hinted(
        &mut h,
        "Description of relation borders",
        "shares a border with",
    );
    h.get_by_role_and_label(Role::TextInput, "New relation kind")
        .focus();
    h.run_steps(3);
    assert_eq!(
        ws(&h)
            .project
            .schema
            .relation("borders")
            .unwrap()
            .description,
        "shares a border with"
    );
    // Out of the field (Escape), so Ctrl+Z is the window's undo, not the field's.
    h.key_press(Key::Escape);
    h.run_steps(2);
    // All of it in schema.ron, and one undo per change.
    let on_disk = accord::schema::Schema::from_ron(
        &std::fs::read_to_string(project.path().join("schema.ron")).unwrap(),
    )
    .unwrap();
    assert_eq!(on_disk, *ws(&h).project.schema);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(
        ws(&h)
            .project
            .schema
            .relation("borders")
            .unwrap()
            .description,
        ""
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert!(ws(&h).project.schema.relation("borders").is_none());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert!(matches!(
        actors(&h),
        accord::schema::AttributeKind::SpanRef { many: true, .. }
    ));
}

/// How many annotations of `label` in `annotator`'s files have `value` for `attribute`.
fn valued_in_files(
    root: &Path,
    annotator: &str,
    label: &str,
    attribute: &str,
    value: &str,
) -> usize {
    std::fs::read_dir(root.join("annotations").join(annotator))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .map(|p| {
            accord::store::AnnotationFile::load(&p)
                .unwrap()
                .annotations
                .iter()
                .filter(|a| {
                    a.label == label
                        && a.attributes.get(attribute)
                            == Some(&accord::model::AttributeValue::Enum(value.to_owned()))
                })
                .count()
        })
        .sum()
}

#[test]
fn renaming_a_value_renames_it_in_everyones_spans_and_undo_puts_it_back() {
    let project = annotated_sample_project();
    let root = project.path();
    let mine = valued_in_files(root, "aigerim", "COMMITMENT", "kind", "pledge");
    let theirs = valued_in_files(root, "dilnoza", "COMMITMENT", "kind", "pledge");
    assert!(mine > 0 && theirs > 0, "{mine} {theirs}");
    let dilnoza_before = crate::common::folder_bytes(&root.join("annotations/dilnoza"));
    let mut h = harness_as(root, "aigerim");
    select_in_labels_tab(&mut h, "COMMITMENT");
    // The first value of `kind` is offered first: pledge.
    let field = h
        .get_all_by_role_and_label(Role::TextInput, "Value's new name")
        .next()
        .unwrap();
    field.focus();
    h.run_steps(1);
    h.get_all_by_role_and_label(Role::TextInput, "Value's new name")
        .next()
        .unwrap()
        .type_text("promise");
    h.run_steps(2);
    h.get_all_by_label("Rename value").next().unwrap().click();
    h.run_steps(3);

    let in_window = |h: &Harness<'_, AccordApp>, value: &str| {
        let ws = ws(h);
        ws.doc_ids()
            .map(|d| {
                ws.store(d)
                    .annotations()
                    .filter(|a| {
                        a.attributes.get("kind")
                            == Some(&accord::model::AttributeValue::Enum(value.to_owned()))
                    })
                    .count()
            })
            .sum::<usize>()
    };
    assert_eq!(
        in_window(&h, "promise"),
        mine,
        "{:?}",
        app_state(&h).status.message
    );
    assert_eq!(in_window(&h, "pledge"), 0);
    assert_eq!(
        valued_in_files(root, "dilnoza", "COMMITMENT", "kind", "promise"),
        theirs
    );
    let kind = ws(&h)
        .project
        .schema
        .label("COMMITMENT")
        .unwrap()
        .attribute("kind")
        .unwrap()
        .clone();
    assert!(
        matches!(&kind.kind, accord::schema::AttributeKind::Enum { values } if values[0] == "promise")
    );

    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(3);
    assert_eq!(in_window(&h, "pledge"), mine);
    assert_eq!(
        crate::common::folder_bytes(&root.join("annotations/dilnoza")),
        dilnoza_before
    );
}

#[test]
fn renaming_an_attribute_keeps_everyones_values_under_the_new_name() {
    let project = annotated_sample_project();
    let root = project.path();
    let mine = valued_in_files(root, "aigerim", "COMMITMENT", "kind", "pledge");
    let theirs = valued_in_files(root, "dilnoza", "COMMITMENT", "kind", "pledge");
    let dilnoza_before = crate::common::folder_bytes(&root.join("annotations/dilnoza"));
    let mut h = harness_as(root, "aigerim");
    select_in_labels_tab(&mut h, "COMMITMENT");
    h.get_by_role_and_label(Role::TextInput, "New name of kind")
        .focus();
    h.run_steps(1);
    h.get_by_role_and_label(Role::TextInput, "New name of kind")
        .type_text("type");
    h.run_steps(2);
    h.get_all_by_label("Rename attribute")
        .next()
        .unwrap()
        .click();
    h.run_steps(3);
    let pledges = |h: &Harness<'_, AccordApp>, attribute: &str| {
        let ws = ws(h);
        ws.doc_ids()
            .map(|d| {
                ws.store(d)
                    .annotations()
                    .filter(|a| {
                        a.attributes.get(attribute)
                            == Some(&accord::model::AttributeValue::Enum("pledge".into()))
                    })
                    .count()
            })
            .sum::<usize>()
    };
    assert_eq!(
        pledges(&h, "type"),
        mine,
        "{:?}",
        app_state(&h).status.message
    );
    assert_eq!(pledges(&h, "kind"), 0);
    assert_eq!(
        valued_in_files(root, "dilnoza", "COMMITMENT", "type", "pledge"),
        theirs
    );
    assert!(
        ws(&h)
            .project
            .schema
            .label("COMMITMENT")
            .unwrap()
            .attribute("type")
            .is_some()
    );
    h.key_press(Key::Escape);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(3);
    assert_eq!(pledges(&h, "kind"), mine);
    assert_eq!(
        crate::common::folder_bytes(&root.join("annotations/dilnoza")),
        dilnoza_before
    );
}

/// A project named "Many" of `n` one-line documents, listed in its `accord.ron`.
fn many_documents(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut entries = String::new();
    for i in 0..n {
        let file = format!("doc{i:05}.txt");
        std::fs::write(
            dir.path().join(&file),
            format!("Document {i}: Astana and Dushanbe signed a treaty.\n"),
        )
        .expect("write");
        entries.push_str(&format!(
            "        (file: \"{file}\", language: Some(\"en\")),\n"
        ));
    }
    std::fs::write(
        dir.path().join("accord.ron"),
        format!(
            "(\n    format: 1,\n    name: \"Many\",\n    schema: Default,\n    documents: [\n{entries}    ],\n)\n"
        ),
    )
    .expect("write");
    dir
}

#[test]
fn a_big_project_lists_its_documents_at_once_and_shows_the_one_chosen_while_it_was_read() {
    let n = accord::ui::opening::BACKGROUND_FROM + 500;
    let dir = many_documents(n);
    let settings = Settings {
        annotator: Some("tester".to_owned()),
        ..Settings::default()
    };
    let engine = TextEngine::with_fonts(FontSet::bundled().expect("fonts"));
    let app = AccordApp::new(engine, settings, Some(dir.path()));
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_context_setup(accord::ui::configure)
        .build_ui_state(|ui, app: &mut AccordApp| app.show(ui), app);
    // The first frame (the harness draws one) lists the documents from the project file,
    // with how far the reading has got: no file of theirs was needed.
    h.get_by_label("Opening Many");
    h.get_by_label_contains(&format!("of {n} documents · reading"));
    // A document chosen in the list shows first. (Had the reading ended before the click,
    // the click lands on the same row of the project's list: the project is never put in
    // place while a button is held.)
    let row = h.get_by_label_contains("doc00003.txt").rect();
    click_at(&mut h, row.center());
    wait_until_open(&mut h);
    assert_eq!(ws(&h).len(), n);
    let shown: Vec<_> = app_state(&h).panes.iter().map(|p| p.doc).collect();
    assert_eq!(shown, vec![doc_index(&h, "doc00003.txt")]);
    assert!(app_state(&h).opening.is_none());
    h.get_by_label_contains(&format!("{n} of {n} documents"));
}
