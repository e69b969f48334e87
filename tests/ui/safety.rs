//! Nothing lost, in the window: a file changed on disk while changed here is never
//! overwritten and the user chooses (here: merge by id); a document whose text changed offers
//! re-anchoring, and undo puts everything back; a second Accord for the same annotator is
//! read-only and says who holds the lock; the pane header names a legacy encoding.

use crate::ui_support::*;
use accord::edit::Edit;
use accord::model::{AnnotationId, Timestamp};
use accord::project::lock::{AnnotatorLock, LockHolder, host_name};
use accord::project::{Project, Workspace};
use accord::store::AnnotationFile;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

type H = Harness<'static, accord::ui::AccordApp>;

/// Steps the window (a quarter of a second each) until `label` shows, for at most `steps`.
fn wait_for(h: &mut H, label: &str, steps: usize) {
    for _ in 0..steps {
        if h.query_by_label_contains(label).is_some() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.run_steps(1);
    }
    panic!("{label:?} never showed");
}

#[test]
fn a_file_changed_on_disk_while_changed_here_is_merged_by_id_when_the_user_says_so() {
    let project = annotated_sample_project();
    let mut h = harness_as(project.path(), "aigerim");
    let zh = doc_index(&h, ZH);
    // My unsaved span.
    let range = find(&h, zh, "人道主义", 0);
    show(&mut h, 0, zh, range);
    let (from, to) = drag_points(&mut h, 0, range, false);
    drag(&mut h, from, to);
    press(&mut h, Modifiers::NONE, Key::E);
    let (_, mine) = app_state(&h).selected_annotation().unwrap();
    assert!(ws(&h).is_dirty());

    // A colleague's version, made elsewhere, deletes an annotation and lands by a rename, as
    // `git pull` does.
    let file = Project::open(project.path())
        .unwrap()
        .annotation_path("aigerim", ZH);
    let elsewhere = annotated_sample_project();
    let theirs_removed: AnnotationId = {
        let mut other = Workspace::open(Project::open(elsewhere.path()).unwrap(), "aigerim");
        let doc = other.project.document_index(ZH).unwrap();
        let id = other
            .store(doc)
            .annotations()
            .find(|a| {
                other.store(doc).referrers_of(a.id).next().is_none()
                    && other.store(doc).links_of(a.id).next().is_none()
            })
            .unwrap()
            .id;
        other.apply(vec![(doc, Edit::Remove { id })]).unwrap();
        for (_, saved) in other.save_all() {
            saved.unwrap();
        }
        id
    };
    let staged = project.path().join("staged.tmp");
    std::fs::copy(
        Project::open(elsewhere.path())
            .unwrap()
            .annotation_path("aigerim", ZH),
        &staged,
    )
    .unwrap();
    std::fs::rename(&staged, &file).unwrap();
    let theirs_bytes = std::fs::read(&file).unwrap();

    wait_for(&mut h, "changed on disk", 200);
    // Saving waits for the answer: the file on disk is still theirs.
    press(&mut h, Modifiers::COMMAND, Key::S);
    assert_eq!(
        std::fs::read(&file).unwrap(),
        theirs_bytes,
        "nothing overwritten"
    );
    h.get_by_label("Merge").click();
    h.run_steps(3);
    let store = ws(&h).store(zh);
    assert!(store.get(mine).is_some(), "my span is kept");
    assert!(
        store.get(theirs_removed).is_none(),
        "their deletion is taken"
    );
    press(&mut h, Modifiers::COMMAND, Key::S);
    let saved = AnnotationFile::load_store(&file).unwrap().store;
    assert!(saved.get(mine).is_some_and(|a| a.label == "EVENT"));
    assert!(saved.get(theirs_removed).is_none());
}

#[test]
fn a_changed_document_offers_re_anchoring_and_undo_puts_everything_back() {
    let project = annotated_sample_project();
    let doc_path = project.path().join(ZH);
    let text = std::fs::read_to_string(&doc_path).unwrap();
    std::fs::write(&doc_path, format!("【更新】{text}")).unwrap();
    let mut h = harness_as(project.path(), "aigerim");
    let zh = doc_index(&h, ZH);
    let before: Vec<_> = ws(&h)
        .store(zh)
        .annotations()
        .map(|a| (a.id, a.extent()))
        .collect();
    let flagged = ws(&h).flagged(zh).len();
    assert!(flagged > 0);
    h.get_by_label_contains(&format!("{flagged} annotation(s) no longer match"));
    h.get_by_label("Re-anchor").click();
    h.run_steps(3);
    assert!(ws(&h).flagged(zh).is_empty(), "every span found its text");
    let document = ws(&h).document(zh).unwrap();
    for a in ws(&h).store(zh).annotations() {
        for f in &a.fragments {
            let range = accord::model::CharRange::new(f.start, f.end);
            assert_eq!(document.slice(range).unwrap(), f.text, "#{}", a.id.0);
        }
    }
    h.get_by_label_contains(&format!("{flagged} annotation(s) moved"));
    press(&mut h, Modifiers::COMMAND, Key::Z);
    let after_undo: Vec<_> = ws(&h)
        .store(zh)
        .annotations()
        .map(|a| (a.id, a.extent()))
        .collect();
    assert_eq!(after_undo, before);
}

#[cfg(unix)]
#[test]
fn a_second_accord_for_the_same_annotator_is_read_only_and_names_the_holder() {
    let project = annotated_sample_project();
    let path = AnnotatorLock::path_for(project.path(), "aigerim");
    let live = std::os::unix::process::parent_id();
    let holder = LockHolder {
        pid: live,
        host: host_name(),
        since: Timestamp("2026-11-24T09:00:00Z".into()),
        serial: 1,
        boot_id: None,
        start_time: None,
        os_lock: false,
    };
    std::fs::write(&path, ron::to_string(&holder).unwrap()).unwrap();
    let mut h = harness_as(project.path(), "aigerim");
    h.get_by_label("READ-ONLY");
    let banner = format!("process {live} on {}", host_name());
    assert!(
        h.query_all_by_label_contains(&banner).next().is_some(),
        "the pane says who holds the lock"
    );
    let zh = doc_index(&h, ZH);
    let range = find(&h, zh, "人道主义", 0);
    show(&mut h, 0, zh, range);
    let (from, to) = drag_points(&mut h, 0, range, false);
    drag(&mut h, from, to);
    let count = ws(&h).store(zh).len();
    press(&mut h, Modifiers::NONE, Key::E);
    assert_eq!(ws(&h).store(zh).len(), count, "nothing can be added");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        ron::to_string(&holder).unwrap(),
        "the other's lock is left alone"
    );
}

#[test]
fn the_pane_header_names_a_legacy_encoding() {
    let project = sample_project();
    let path = project.path().join(RU);
    let text = std::fs::read_to_string(&path).unwrap();
    let (bytes, _, lossy) = encoding_rs::WINDOWS_1251.encode(&text);
    assert!(!lossy);
    std::fs::write(&path, &bytes).unwrap();
    let mut h = harness(project.path());
    let ru = doc_index(&h, RU);
    let pane = pane_id(&h, 0);
    h.state_mut()
        .push(accord::ui::Action::ShowDocument { pane, doc: ru });
    h.run_steps(3);
    h.get_by_label_contains("windows-1251");
    assert_eq!(
        ws(&h).document(ru).unwrap().text(),
        text,
        "offsets are into the decoded text"
    );
}

#[test]
fn work_a_crash_left_unsaved_is_recovered_and_the_window_says_so() {
    let project = annotated_sample_project();
    let added = {
        // A session that stops without saving: its workspace is dropped, as a crash would.
        let mut ws = Workspace::open(Project::open(project.path()).unwrap(), "aigerim");
        let zh = ws.project.document_index(ZH).unwrap();
        let text = ws.document(zh).unwrap().text().to_owned();
        let start = text.find("人道主义").unwrap();
        let start = text[..start].chars().count();
        let applied = ws
            .apply(vec![(
                zh,
                Edit::Add {
                    label: "EVENT".into(),
                    ranges: vec![accord::model::CharRange::new(start, start + 4)],
                    attributes: Default::default(),
                    source: None,
                },
            )])
            .unwrap();
        applied.created[0].1
    };
    let mut h = harness_as(project.path(), "aigerim");
    h.get_by_label("Unsaved work recovered");
    h.get_by_label_contains("Recovered 1 edit");
    let zh = doc_index(&h, ZH);
    assert_eq!(ws(&h).store(zh).get(added).unwrap().label, "EVENT");
    assert!(
        ws(&h).is_dirty(),
        "recovered, to be saved with the next save"
    );
    h.get_by_label("OK").click();
    h.run_steps(2);
    assert!(h.query_by_label("Unsaved work recovered").is_none());
}

#[test]
fn closing_without_saving_is_not_undone_by_the_journal() {
    let project = annotated_sample_project();
    let mut h = harness_as(project.path(), "aigerim");
    let zh = doc_index(&h, ZH);
    let count = ws(&h).store(zh).len();
    let range = find(&h, zh, "人道主义", 0);
    show(&mut h, 0, zh, range);
    let (from, to) = drag_points(&mut h, 0, range, false);
    drag(&mut h, from, to);
    press(&mut h, Modifiers::NONE, Key::E);
    assert_eq!(ws(&h).store(zh).len(), count + 1);
    h.state_mut().push(accord::ui::Action::AnswerClose(
        accord::ui::CloseAnswer::Discard,
    ));
    h.run_steps(2);
    drop(h);
    let h = harness_as(project.path(), "aigerim");
    assert!(h.query_by_label("Unsaved work recovered").is_none());
    assert_eq!(
        ws(&h).store(zh).len(),
        count,
        "the dropped span stays dropped"
    );
}
