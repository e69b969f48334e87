//! Crash safety: every step is in the annotator's journal before `apply`/`undo`/`redo` return,
//! and opening the project puts back what was not saved — after a torn write, a partial save,
//! an undo, a group edit — without ever overwriting a file changed since. The crash test kills
//! a process that edits in a loop, at random moments, many times.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use accord::edit::Edit;
use accord::model::{AnnotationId, CharRange, ReviewState, sha256_hex};
use accord::project::journal::{StepKind, journal_path};
use accord::project::lock::{AnnotatorLock, LockHolder, host_name};
use accord::project::{
    DocId, Project, Resolution, StoreStatus, Workspace, WorkspaceError, WorkspaceFile,
};
use accord::review::{CURATED, Decision, ItemStatus, Layers, decision_step, review_items};
use accord::store::AnnotationFile;

use crate::common::folder_bytes;

const KK: &str = "Қазақстан мен Тәжікстан ынтымақтастықты нығайтады. Астана мен Душанбе \
                  арасындағы сауда екі миллиард долларға жетеді. Тоқаев пен Рахмон келісті.\n";
const AR: &str = "كازاخستان وطاجيكستان توقعان اتفاقية في أستانا. قال الرئيس رحمون إن التجارة \
                  ستبلغ ملياري دولار. وزير الخارجية زار دوشنبه.\n";
const ZH: &str = "哈萨克斯坦和塔吉克斯坦 在阿斯塔纳 签署 联合声明。 两国 贸易额 将达到 二十亿美元。 \
                  托卡耶夫 与 拉赫蒙 会谈。\n";

/// A project of three short documents (Kazakh, Arabic, Chinese), default schema.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fill(dir.path());
    dir
}

fn fill(root: &Path) {
    for (file, text) in [("a.kk.txt", KK), ("b.ar.txt", AR), ("c.zh.txt", ZH)] {
        std::fs::write(root.join(file), text.repeat(3)).unwrap();
    }
}

fn open(root: &Path) -> Workspace {
    Workspace::open(Project::open(root).unwrap(), "alice")
}

fn add(label: &str, start: usize, end: usize) -> Edit {
    Edit::Add {
        label: label.into(),
        ranges: vec![CharRange::new(start, end)],
        attributes: BTreeMap::new(),
        source: None,
    }
}

/// Everything a workspace holds, by file and id, as JSON values: annotations (with their
/// times), links and groups.
fn state(ws: &Workspace) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for doc in ws.doc_ids() {
        let file = ws.file_name(doc);
        for a in ws.store(doc).annotations() {
            out.insert(
                format!("{file} a{}", a.id.0),
                serde_json::to_value(a).unwrap(),
            );
        }
        for l in ws.store(doc).links() {
            out.insert(
                format!("{file} l{}", l.id.0),
                serde_json::to_value(l).unwrap(),
            );
        }
    }
    for g in ws.groups().store.groups() {
        out.insert(
            format!("groups g{}", g.id.0),
            serde_json::to_value(g).unwrap(),
        );
    }
    out
}

/// The id counters too: replay gives the ids the annotator saw, and the next ones.
fn counters(ws: &Workspace) -> Vec<u64> {
    ws.doc_ids()
        .map(|d| ws.store(d).next_id())
        .chain([ws.groups().store.next_id()])
        .collect()
}

fn fingerprint(state: &BTreeMap<String, Value>) -> String {
    sha256_hex(&serde_json::to_vec(state).unwrap())
}

fn journal_of(root: &Path) -> PathBuf {
    journal_path(root, "alice")
}

fn journal_lines(root: &Path) -> usize {
    std::fs::read(journal_of(root))
        .map(|b| b.iter().filter(|&&c| c == b'\n').count())
        .unwrap_or(0)
}

fn save_all_ok(ws: &mut Workspace) {
    for (file, result) in ws.save_all() {
        result.unwrap_or_else(|e| panic!("{file:?}: {e}"));
    }
}

// ---------------------------------------------------------------------------------------------
// Journaling and replay
// ---------------------------------------------------------------------------------------------

#[test]
fn undo_and_redo_are_journaled_and_come_back_with_the_same_ids_and_times() {
    let dir = project();
    let mut ws = open(dir.path());
    let (a, b) = (DocId(0), DocId(1));
    ws.apply(vec![(a, add("COUNTRY", 0, 9)), (b, add("COUNTRY", 0, 9))])
        .unwrap();
    ws.apply(vec![(a, add("COUNTRY", 14, 23))]).unwrap();
    ws.apply(vec![(
        a,
        Edit::SetNote {
            id: AnnotationId(2),
            note: "Тәжікстан".into(),
        },
    )])
    .unwrap();
    assert!(ws.undo().unwrap());
    assert!(ws.undo().unwrap());
    assert!(ws.redo().unwrap());
    ws.apply(vec![(
        a,
        Edit::SetReview {
            id: AnnotationId(1),
            state: ReviewState::Accepted,
        },
    )])
    .unwrap();
    assert_eq!(journal_lines(dir.path()), 7, "one record per step");
    let (expected, next_ids) = (state(&ws), counters(&ws));
    assert!(ws.recovery().is_none());
    drop(ws);

    let mut again = open(dir.path());
    assert_eq!(state(&again), expected);
    assert_eq!(counters(&again), next_ids);
    assert!(again.is_dirty(), "recovered edits are not saved yet");
    let recovery = again.recovery().expect("recovered").clone();
    assert_eq!(recovery.recovered, 7);
    assert!(recovery.is_complete() && !recovery.torn_tail);
    let sentence = recovery.to_string();
    assert!(
        sentence.starts_with("Recovered 7 edits not saved")
            && sentence.contains("in a.kk.txt")
            && sentence.contains("1 in b.ar.txt"),
        "{sentence}"
    );
    assert_eq!(recovery.files[0].file, WorkspaceFile::Doc(a));

    // Saving folds the journal in: it is empty, and the next opening recovers nothing.
    save_all_ok(&mut again);
    assert_eq!(std::fs::metadata(journal_of(dir.path())).unwrap().len(), 0);
    drop(again);
    let third = open(dir.path());
    assert!(third.recovery().is_none());
    assert!(!third.is_dirty());
    assert_eq!(state(&third), expected);
}

#[test]
fn replay_is_harmless_for_what_a_partial_save_wrote() {
    let dir = project();
    let mut ws = open(dir.path());
    let (a, b, c) = (DocId(0), DocId(1), DocId(2));
    ws.apply(vec![(a, add("COUNTRY", 0, 9))]).unwrap();
    ws.apply(vec![(b, add("COUNTRY", 0, 9)), (c, add("COUNTRY", 0, 5))])
        .unwrap();
    ws.apply(vec![(
        a,
        Edit::Relabel {
            id: AnnotationId(1),
            label: "ORG".into(),
        },
    )])
    .unwrap();
    // b's file cannot be written: a folder is in its way.
    let blocked = ws.project.annotation_path("alice", "b.ar.txt");
    std::fs::create_dir_all(blocked.join("in-the-way")).unwrap();
    let results = ws.save_all();
    assert_eq!(results.iter().filter(|(_, r)| r.is_err()).count(), 1);
    assert!(journal_lines(dir.path()) == 3, "the journal stays whole");
    // More edits after the partial save, to a saved file too.
    ws.apply(vec![(a, add("PERSON", 14, 23))]).unwrap();
    ws.undo().unwrap();
    ws.apply(vec![(c, add("ORG", 6, 11))]).unwrap();
    let (expected, next_ids) = (state(&ws), counters(&ws));
    drop(ws);
    std::fs::remove_dir_all(&blocked).unwrap();

    for round in 0..2 {
        // Twice without saving: replaying over what was replayed before changes nothing either.
        let ws = open(dir.path());
        assert_eq!(state(&ws), expected, "round {round}");
        assert_eq!(counters(&ws), next_ids, "round {round}");
        let recovery = ws.recovery().unwrap();
        assert!(recovery.is_complete(), "{recovery}");
        // Saved: the first edit and the relabel. Put back: the second edit, half saved (c, not
        // b), the add and its undo after the save, and the last one; a's file comes back to
        // what it holds, so only b and c have unsaved changes.
        assert_eq!(recovery.already_saved, 2, "round {round}");
        assert_eq!(recovery.recovered, 4, "round {round}");
        let files: Vec<&str> = recovery.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(files, ["b.ar.txt", "c.zh.txt"], "round {round}");
        assert!(!ws.doc_state(a).is_dirty(), "round {round}");
    }

    // A crash after every file was saved but before the journal was emptied: nothing to do.
    let mut ws = open(dir.path());
    let journal = std::fs::read(journal_of(dir.path())).unwrap();
    save_all_ok(&mut ws);
    drop(ws);
    std::fs::write(journal_of(dir.path()), &journal).unwrap();
    let ws = open(dir.path());
    assert!(ws.recovery().is_none(), "{:?}", ws.recovery());
    assert!(!ws.is_dirty());
    assert_eq!(state(&ws), expected);
}

/// Found by [`acknowledged_edits_survive_sigkill`] in CI: a link was added, undone, and its
/// target relabelled to what the link may not point at; everything was saved, and the kill came
/// before the journal was emptied. Replaying the link onto the saved file checked it against the
/// saved (later) label and refused it, though the next record takes it away again.
#[test]
fn a_link_replayed_onto_a_later_save_is_checked_with_the_labels_of_its_time() {
    let dir = project();
    let mut ws = open(dir.path());
    let a = DocId(0);
    ws.apply(vec![(a, add("ORG", 0, 9)), (a, add("COUNTRY", 14, 23))])
        .unwrap();
    ws.apply(vec![(
        a,
        Edit::AddLink {
            kind: "located_in".into(),
            from: AnnotationId(1),
            to: AnnotationId(2),
        },
    )])
    .unwrap();
    ws.undo().unwrap();
    // EVENT may not be the target of located_in.
    ws.apply(vec![(
        a,
        Edit::Relabel {
            id: AnnotationId(2),
            label: "EVENT".into(),
        },
    )])
    .unwrap();
    let expected = state(&ws);
    let journal = std::fs::read(journal_of(dir.path())).unwrap();
    save_all_ok(&mut ws);
    drop(ws);
    // The kill: files saved, journal not yet emptied.
    std::fs::write(journal_of(dir.path()), &journal).unwrap();

    let ws = open(dir.path());
    assert!(
        ws.recovery().is_none_or(|r| r.is_complete()),
        "{}",
        ws.recovery().unwrap()
    );
    assert_eq!(state(&ws), expected);
    assert!(!ws.is_dirty());
}

#[test]
fn a_torn_last_record_is_ignored_and_cut_off_before_the_next() {
    let dir = project();
    let mut ws = open(dir.path());
    let a = DocId(0);
    ws.apply(vec![(a, add("COUNTRY", 0, 9))]).unwrap();
    ws.apply(vec![(a, add("COUNTRY", 14, 23))]).unwrap();
    let two = (state(&ws), std::fs::read(journal_of(dir.path())).unwrap());
    ws.apply(vec![(a, add("PERSON", 24, 30))]).unwrap();
    drop(ws);
    let full = std::fs::read(journal_of(dir.path())).unwrap();
    assert!(full.starts_with(&two.1));

    // The third record cut at every point (and garbage after the second) reads as two edits.
    let mut cuts: Vec<Vec<u8>> = (two.1.len() + 1..full.len())
        .step_by(7)
        .map(|n| full[..n].to_vec())
        .collect();
    cuts.push([two.1.clone(), vec![0; 4096]].concat());
    for bytes in &cuts {
        std::fs::write(journal_of(dir.path()), bytes).unwrap();
        let ws = open(dir.path());
        assert_eq!(state(&ws), two.0, "{} bytes", bytes.len());
        let recovery = ws.recovery().unwrap();
        assert!(recovery.torn_tail && recovery.is_complete());
        assert_eq!(recovery.recovered, 2);
    }
    // Whole lines that do not read are no torn tail: they are reported and kept aside, never
    // dropped.
    std::fs::write(
        journal_of(dir.path()),
        [two.1.clone(), b"\xff\xfe\n12 ab {\n".to_vec()].concat(),
    )
    .unwrap();
    let ws = open(dir.path());
    assert_eq!(state(&ws), two.0);
    let recovery = ws.recovery().unwrap();
    assert!(!recovery.torn_tail);
    assert_eq!((recovery.recovered, recovery.not_applied.len()), (2, 2));
    assert!(recovery.kept_as.is_some());
    drop(ws);
    std::fs::write(journal_of(dir.path()), &full[..two.1.len() + 10]).unwrap();

    // The next record goes where the torn one began.
    let mut ws = open(dir.path());
    ws.apply(vec![(a, add("ORG", 24, 30))]).unwrap();
    let expected = state(&ws);
    drop(ws);
    let bytes = std::fs::read(journal_of(dir.path())).unwrap();
    assert!(bytes.starts_with(&two.1));
    assert_eq!(journal_lines(dir.path()), 3);
    let ws = open(dir.path());
    assert_eq!(state(&ws), expected);
    assert!(!ws.recovery().unwrap().torn_tail);
}

#[test]
fn group_edits_and_links_are_journaled() {
    let dir = project();
    let mut ws = open(dir.path());
    let (a, b) = (DocId(0), DocId(1));
    ws.apply(vec![(a, add("COUNTRY", 0, 9)), (b, add("COUNTRY", 0, 9))])
        .unwrap();
    ws.apply(vec![(a, add("ORG", 14, 23))]).unwrap();
    ws.apply(vec![(
        a,
        Edit::AddLink {
            kind: "located_in".into(),
            from: AnnotationId(2),
            to: AnnotationId(1),
        },
    )])
    .unwrap();
    let link = ws
        .link_step((a, AnnotationId(1)), (b, AnnotationId(1)), "same_entity")
        .unwrap();
    ws.apply(link).unwrap();
    assert_eq!(ws.groups().store.groups().len(), 1);
    let linked = state(&ws);
    drop(ws);

    let mut ws = open(dir.path());
    assert_eq!(state(&ws), linked);
    let groups = ws.recovery().unwrap().files.last().unwrap().clone();
    assert_eq!(groups.file, WorkspaceFile::Groups);
    assert_eq!((groups.edits, groups.added), (1, 1));
    assert!(
        ws.recovery()
            .unwrap()
            .to_string()
            .contains("1 in the cross-document groups")
    );
    // Removing a member takes its group and its link with it, in one record; undo brings all back.
    ws.apply(vec![(
        a,
        Edit::Remove {
            id: AnnotationId(1),
        },
    )])
    .unwrap();
    assert!(ws.groups().store.is_empty());
    let removed = state(&ws);
    drop(ws);
    let mut ws = open(dir.path());
    assert_eq!(state(&ws), removed);
    assert!(ws.groups().store.is_empty());
    save_all_ok(&mut ws);
    drop(ws);
    let ws = open(dir.path());
    assert_eq!(state(&ws), removed);
}

#[test]
fn label_all_matches_is_one_record() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.txt"),
        "Astana and Dushanbe. ".repeat(1000),
    )
    .unwrap();
    let mut ws = open(dir.path());
    let matches: Vec<(DocId, CharRange)> = (0..1000)
        .map(|i| (DocId(0), CharRange::new(i * 21, i * 21 + 6)))
        .collect();
    let step = ws.label_matches(&matches, "LOCATION");
    assert_eq!(step.len(), 1000);
    ws.apply(step).unwrap();
    assert_eq!(journal_lines(dir.path()), 1);
    let expected = state(&ws);
    drop(ws);
    let ws = open(dir.path());
    assert_eq!(state(&ws), expected);
    assert_eq!(ws.recovery().unwrap().files[0].added, 1000);
}

#[test]
fn a_read_only_workspace_neither_writes_nor_replays_the_journal() {
    // The lock held by another live process (the one that runs these tests).
    let dir = project();
    let mut ws = open(dir.path());
    ws.apply(vec![(DocId(0), add("COUNTRY", 0, 9))]).unwrap();
    drop(ws);
    let path = AnnotatorLock::path_for(dir.path(), "alice");
    let holder = LockHolder {
        pid: std::os::unix::process::parent_id(),
        host: host_name(),
        since: accord::model::Timestamp("2026-11-23T15:10:00Z".into()),
        serial: 1,
        boot_id: None,
        start_time: None,
        os_lock: false,
    };
    std::fs::write(&path, ron::to_string(&holder).unwrap()).unwrap();
    let before = folder_bytes(dir.path());
    let mut ws = open(dir.path());
    assert!(ws.lock().is_err());
    assert!(ws.recovery().is_none() && ws.journal_path().is_none());
    assert!(
        ws.store(DocId(0)).is_empty(),
        "the holder's journal is its own"
    );
    assert!(ws.apply(vec![(DocId(1), add("COUNTRY", 0, 9))]).is_err());
    let _ = ws.save_all();
    let _ = ws.forget_unsaved_edits();
    drop(ws);
    assert_eq!(folder_bytes(dir.path()), before);

    // A bad annotator name: nothing anywhere.
    let dir = project();
    let before = folder_bytes(dir.path());
    let mut ws = Workspace::open(Project::open(dir.path()).unwrap(), "../x");
    assert!(ws.apply(vec![(DocId(0), add("COUNTRY", 0, 9))]).is_err());
    drop(ws);
    assert_eq!(folder_bytes(dir.path()), before);

    // Opening and closing without an edit writes no journal.
    let ws = open(dir.path());
    drop(ws);
    assert!(!journal_of(dir.path()).exists());
}

#[test]
fn a_file_changed_since_is_detected_and_never_overwritten() {
    let dir = project();
    let mut ws = open(dir.path());
    let a = DocId(0);
    ws.apply(vec![(a, add("COUNTRY", 0, 9))]).unwrap();
    ws.apply(vec![(DocId(1), add("COUNTRY", 0, 9))]).unwrap();
    save_all_ok(&mut ws);
    ws.apply(vec![(
        a,
        Edit::Relabel {
            id: AnnotationId(1),
            label: "ORG".into(),
        },
    )])
    .unwrap();
    ws.apply(vec![(DocId(1), add("PERSON", 10, 20))]).unwrap();
    let b_expected: Vec<_> = ws.store(DocId(1)).annotations().cloned().collect();
    drop(ws);

    // Someone else changes annotation 1 of a's file meanwhile.
    let path = Project::open(dir.path())
        .unwrap()
        .annotation_path("alice", "a.kk.txt");
    let mut file = AnnotationFile::load(&path).unwrap();
    file.annotations[0].note = "a colleague's note".into();
    std::fs::write(&path, ron::to_string(&file).unwrap()).unwrap();
    let theirs = std::fs::read(&path).unwrap();

    let mut ws = open(dir.path());
    let recovery = ws.recovery().unwrap().clone();
    assert_eq!(recovery.not_applied.len(), 1, "{recovery}");
    let n = &recovery.not_applied[0];
    assert_eq!(n.kind, Some(StepKind::Apply));
    assert_eq!(n.files, vec!["a.kk.txt".to_owned()]);
    assert!(
        n.reason.contains("changed by something else"),
        "{}",
        n.reason
    );
    assert!(
        recovery.to_string().contains("could not be put back"),
        "{recovery}"
    );
    let kept = recovery.kept_as.clone().unwrap();
    // Theirs is kept; the other file's edit is back.
    assert_eq!(ws.store(a).get(AnnotationId(1)).unwrap().label, "COUNTRY");
    assert_eq!(
        ws.store(DocId(1))
            .annotations()
            .cloned()
            .collect::<Vec<_>>(),
        b_expected
    );
    save_all_ok(&mut ws);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        theirs,
        "a's file is not written"
    );
    assert!(kept.exists(), "the journal is kept aside");
    assert_eq!(std::fs::metadata(journal_of(dir.path())).unwrap().len(), 0);
    // What validate and the list of annotators see is unchanged by the journal files.
    assert_eq!(ws.project.annotators(), vec!["alice".to_owned()]);
    drop(ws);
    let report = accord::validate::validate(dir.path()).unwrap();
    assert!(report.is_clean(), "{:?}", report.findings);
}

#[test]
fn an_edit_of_a_document_that_changed_since_is_not_applied() {
    let dir = project();
    let mut ws = open(dir.path());
    ws.apply(vec![(DocId(2), add("COUNTRY", 0, 5))]).unwrap();
    drop(ws);
    std::fs::write(dir.path().join("c.zh.txt"), format!("新的一行。\n{ZH}")).unwrap();
    let ws = open(dir.path());
    let recovery = ws.recovery().unwrap();
    assert_eq!(recovery.recovered, 0);
    assert!(
        recovery.not_applied[0]
            .reason
            .contains("c.zh.txt changed since"),
        "{recovery}"
    );
    assert!(ws.store(DocId(2)).is_empty());
}

#[test]
fn a_step_that_cannot_be_recorded_is_not_made() {
    let dir = project();
    let mut ws = open(dir.path());
    let a = DocId(0);
    ws.apply(vec![(a, add("COUNTRY", 0, 9))]).unwrap();
    save_all_ok(&mut ws);
    // A folder where the journal should be: it cannot be opened for writing.
    let journal = journal_of(dir.path());
    std::fs::remove_file(&journal).unwrap();
    std::fs::create_dir(&journal).unwrap();
    let before = (state(&ws), counters(&ws), ws.revision());
    let err = ws
        .apply(vec![
            (a, add("COUNTRY", 14, 23)),
            (DocId(1), add("ORG", 0, 9)),
        ])
        .unwrap_err();
    assert!(matches!(err, WorkspaceError::Journal(_)), "{err:?}");
    assert!(
        err.to_string().contains("it was not made") && err.to_string().contains(".alice.journal"),
        "{err}"
    );
    assert_eq!((state(&ws), counters(&ws), ws.revision()), before);
    assert!(!ws.is_dirty() && !ws.can_redo());
    // Undo is refused the same way and stays possible.
    assert!(ws.undo().is_err());
    assert!(ws.can_undo());
    assert_eq!(state(&ws), before.0);
    std::fs::remove_dir(&journal).unwrap();
    assert!(ws.undo().unwrap());
    assert!(ws.store(a).is_empty());
}

#[test]
fn a_workspace_whose_lock_was_taken_over_records_nothing_more() {
    let dir = project();
    let mut old = open(dir.path());
    old.apply(vec![(DocId(0), add("COUNTRY", 0, 9))]).unwrap();
    let new = open(dir.path());
    assert_eq!(
        new.store(DocId(0)).len(),
        1,
        "the new one recovers the old one's edit"
    );
    let err = old
        .apply(vec![(DocId(0), add("COUNTRY", 14, 23))])
        .unwrap_err();
    assert!(err.to_string().contains("took over the lock"), "{err}");
    assert_eq!(old.store(DocId(0)).len(), 1);
    assert_eq!(journal_lines(dir.path()), 1);
}

#[test]
fn a_document_in_a_sub_folder_comes_back_to_that_document() {
    // Two documents with the same file name, one in a sub-folder.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("news")).unwrap();
    std::fs::write(root.join("d.txt"), KK).unwrap();
    std::fs::write(root.join("news/d.txt"), KK).unwrap();
    std::fs::write(
        root.join("accord.ron"),
        r#"(format: 1, name: "two d.txt", documents: [(file: "d.txt"), (file: "news/d.txt")])"#,
    )
    .unwrap();
    let mut ws = open(root);
    let news = ws.project.document_index("news/d.txt").unwrap();
    ws.apply(vec![(news, add("COUNTRY", 0, 9))]).unwrap();
    let expected = state(&ws);
    drop(ws);
    let ws = open(root);
    assert_eq!(state(&ws), expected);
    assert_eq!(ws.store(news).len(), 1);
    let recovery = ws.recovery().unwrap();
    assert!(recovery.is_complete(), "{recovery}");
    assert_eq!(recovery.files[0].name, "news/d.txt");
}

/// The same annotator on another machine: edits a copy of the project (without the lock and
/// the journal) and saves; the annotator's files that changed are written over ours, in place.
fn colleague(root: &Path, edit: impl FnOnce(&mut Workspace)) {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let (path, target) = (entry.path(), to.join(entry.file_name()));
            if path.is_dir() {
                copy(&path, &target);
            } else {
                std::fs::copy(&path, &target).unwrap();
            }
        }
    }
    let other = tempfile::tempdir().unwrap();
    copy(root, other.path());
    let mut ws = open(other.path());
    edit(&mut ws);
    save_all_ok(&mut ws);
    let files: Vec<PathBuf> = ws
        .doc_ids()
        .map(|d| ws.file_path(WorkspaceFile::Doc(d)))
        .chain([ws.file_path(WorkspaceFile::Groups)])
        .collect();
    drop(ws);
    for theirs in files {
        let rel = theirs.strip_prefix(other.path()).unwrap();
        let Ok(bytes) = std::fs::read(&theirs) else {
            continue;
        };
        if std::fs::read(root.join(rel)).ok().as_ref() != Some(&bytes) {
            std::fs::create_dir_all(root.join(rel).parent().unwrap()).unwrap();
            std::fs::write(root.join(rel), bytes).unwrap();
        }
    }
}

fn relabel(id: u64, label: &str) -> Edit {
    Edit::Relabel {
        id: AnnotationId(id),
        label: label.into(),
    }
}

fn note(id: u64, note: &str) -> Edit {
    Edit::SetNote {
        id: AnnotationId(id),
        note: note.into(),
    }
}

#[test]
fn a_file_reloaded_from_disk_is_not_checked_against_the_edits_before() {
    let dir = project();
    let root = dir.path();
    let (a, b) = (DocId(0), DocId(1));
    let mut ws = open(root);
    ws.apply(vec![(a, add("COUNTRY", 0, 9))]).unwrap();
    ws.apply(vec![(a, add("COUNTRY", 14, 23))]).unwrap();
    ws.apply(vec![(b, add("COUNTRY", 0, 9))]).unwrap();
    // a is saved, b is not: the journal stays.
    ws.save(a).unwrap();
    assert_eq!(journal_lines(root), 3);
    // A colleague deletes the first annotation (back to what the first edit found) and
    // relabels the second; nothing is unsaved in a here, so it is loaded again.
    colleague(root, |ws| {
        ws.apply(vec![(
            a,
            Edit::Remove {
                id: AnnotationId(1),
            },
        )])
        .unwrap();
        ws.apply(vec![(a, relabel(2, "ORG"))]).unwrap();
    });
    let events = ws.check_disk();
    assert_eq!(
        events,
        vec![accord::project::DiskEvent::Reloaded {
            file: WorkspaceFile::Doc(a)
        }]
    );
    ws.apply(vec![(a, add("PERSON", 24, 30))]).unwrap();
    let expected = state(&ws);
    drop(ws);

    let ws = open(root);
    assert_eq!(
        state(&ws),
        expected,
        "the colleague's deletion stays deleted, their label stays, the later edit is back"
    );
    let recovery = ws.recovery().unwrap();
    assert!(recovery.is_complete(), "{recovery}");
    assert_eq!(
        (recovery.superseded, recovery.recovered),
        (2, 2),
        "{recovery:?}"
    );
}

/// A project whose first document alice saved with two annotations, then changed here (not
/// saved) while a colleague changed it on disk: a conflict.
fn conflict_on_a(mine: Edit, theirs: Vec<Edit>) -> (tempfile::TempDir, Workspace) {
    let dir = project();
    let root = dir.path();
    let a = DocId(0);
    let mut ws = open(root);
    ws.apply(vec![(a, add("COUNTRY", 0, 9))]).unwrap();
    ws.apply(vec![(a, add("COUNTRY", 14, 23))]).unwrap();
    save_all_ok(&mut ws);
    ws.apply(vec![(a, mine)]).unwrap();
    colleague(root, |ws| {
        for edit in theirs {
            ws.apply(vec![(a, edit)]).unwrap();
        }
    });
    let events = ws.check_disk();
    assert!(
        matches!(
            events.as_slice(),
            [accord::project::DiskEvent::Conflict { .. }]
        ),
        "{events:?}"
    );
    (dir, ws)
}

#[test]
fn keeping_mine_over_a_file_changed_on_disk_survives_a_crash() {
    let a = DocId(0);
    let (dir, mut ws) = conflict_on_a(
        relabel(1, "ORG"),
        vec![note(1, "their note"), add("PERSON", 24, 30)],
    );
    ws.resolve(WorkspaceFile::Doc(a), Resolution::KeepMine)
        .unwrap();
    ws.apply(vec![(a, add("EVENT", 31, 35))]).unwrap();
    let expected = state(&ws);
    drop(ws);

    let mut ws = open(dir.path());
    assert_eq!(state(&ws), expected, "mine, as chosen, and the edit after");
    assert_eq!(ws.store(a).get(AnnotationId(1)).unwrap().label, "ORG");
    assert!(
        ws.store(a)
            .get(AnnotationId(3))
            .is_some_and(|x| x.label == "EVENT")
    );
    let recovery = ws.recovery().unwrap();
    assert!(recovery.is_complete(), "{recovery}");
    save_all_ok(&mut ws);
    drop(ws);
    let ws = open(dir.path());
    assert_eq!(state(&ws), expected);
    assert!(ws.recovery().is_none());
}

#[test]
fn a_merge_with_a_file_changed_on_disk_survives_a_crash() {
    let a = DocId(0);
    // Both sides change annotation 1 (mine wins); theirs adds annotation 3, and so does
    // mine, which the merge renumbers.
    let (dir, mut ws) = conflict_on_a(
        relabel(1, "ORG"),
        vec![
            note(1, "their note"),
            note(2, "theirs only"),
            add("PERSON", 24, 30),
        ],
    );
    ws.apply(vec![(a, add("EVENT", 31, 35))]).unwrap();
    let report = ws
        .resolve(WorkspaceFile::Doc(a), Resolution::Merge)
        .unwrap();
    assert!(!report.renumbered.is_empty(), "{report}");
    let expected = state(&ws);
    drop(ws);

    let ws = open(dir.path());
    assert_eq!(state(&ws), expected, "the merge as it was made");
    let labels: Vec<(u64, String, String)> = ws
        .store(a)
        .annotations()
        .map(|x| (x.id.0, x.label.clone(), x.note.clone()))
        .collect();
    assert_eq!(
        labels,
        vec![
            (1, "ORG".into(), String::new()),
            (2, "COUNTRY".into(), "theirs only".into()),
            (3, "PERSON".into(), String::new()),
            (4, "EVENT".into(), String::new()),
        ]
    );
    assert!(ws.recovery().unwrap().is_complete());
}

#[test]
fn edits_dropped_by_reloading_a_conflicting_file_stay_dropped() {
    let a = DocId(0);
    let (dir, mut ws) = conflict_on_a(relabel(1, "ORG"), vec![note(1, "their note")]);
    ws.apply(vec![(DocId(1), add("COUNTRY", 0, 9))]).unwrap();
    ws.resolve(WorkspaceFile::Doc(a), Resolution::Reload)
        .unwrap();
    let expected = state(&ws);
    drop(ws);
    let ws = open(dir.path());
    assert_eq!(state(&ws), expected);
    assert_eq!(ws.store(a).get(AnnotationId(1)).unwrap().label, "COUNTRY");
    let recovery = ws.recovery().unwrap();
    assert!(recovery.is_complete(), "{recovery}");
    assert_eq!((recovery.superseded, recovery.recovered), (1, 1));
}

#[test]
fn the_curated_set_has_its_own_journal_and_decisions_come_back_as_the_reviewer_made_them() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for entry in std::fs::read_dir(crate::common::sample_dir()).unwrap() {
        let path = entry.unwrap().path();
        let target = root.join(path.file_name().unwrap());
        if path.is_file() {
            std::fs::copy(&path, target).unwrap();
        } else {
            copy_dir(&path, &target);
        }
    }
    let reviewer = |root: &Path| {
        let ws = Workspace::open_as(Project::open(root).unwrap(), CURATED, "rustam");
        assert!(ws.lock().is_ok());
        ws
    };
    let mut ws = reviewer(root);
    let doc = DocId(0);
    let mut layers = Layers::default();
    for a in ["aigerim", "dilnoza"] {
        layers.load(&ws.project, a, doc).unwrap();
    }
    let stores: Vec<(&str, &accord::store::AnnotationStore)> = ["aigerim", "dilnoza"]
        .iter()
        .map(|a| (*a, layers.get(a, doc).unwrap()))
        .collect();
    let items = review_items(&ws.project.schema, &stores, ws.store(doc));
    let index = items
        .iter()
        .position(|i| i.status == ItemStatus::OnlySome)
        .unwrap();
    let step = decision_step(&ws, doc, &items, index, Decision::Accept, &stores).unwrap();
    ws.apply(step).unwrap();
    let expected = state(&ws);
    assert_eq!(
        ws.journal_path(),
        Some(journal_path(root, CURATED).as_path())
    );
    drop(ws);

    let ws = reviewer(root);
    assert_eq!(state(&ws), expected);
    // Reviewer, proposers and times as made (`state` compares them too).
    let decided = ws.store(doc).annotations().next().unwrap();
    assert_eq!(decided.review.reviewer.as_deref(), Some("rustam"));
    assert!(!decided.review.proposed_by.is_empty());
    assert!(ws.recovery().unwrap().is_complete());
    // The annotators' own journals are untouched: there are none.
    assert!(!journal_path(root, "aigerim").exists());
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Killed at random moments
// ---------------------------------------------------------------------------------------------

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const LABELS: [&str; 5] = ["PERSON", "COUNTRY", "ORG", "LOCATION", "EVENT"];

/// A word of document `doc`: a char range between spaces.
fn random_word(ws: &Workspace, doc: DocId, rng: &mut Rng) -> CharRange {
    let text = ws.document(doc).unwrap().text();
    let chars: Vec<char> = text.chars().collect();
    let mut start = rng.below(chars.len());
    while start > 0 && !chars[start - 1].is_whitespace() {
        start -= 1;
    }
    while start < chars.len() && chars[start].is_whitespace() {
        start += 1;
    }
    let mut end = start;
    while end < chars.len() && !chars[end].is_whitespace() {
        end += 1;
    }
    CharRange::new(start, end.max(start + 1).min(chars.len()))
}

fn random_annotation(ws: &Workspace, doc: DocId, rng: &mut Rng) -> Option<AnnotationId> {
    let store = ws.store(doc);
    store
        .annotations()
        .nth(rng.below(store.len()))
        .map(|a| a.id)
}

/// One random step (an edit, "label all matches", an undo, a redo) or a save.
fn random_op(ws: &mut Workspace, rng: &mut Rng) -> Result<(), WorkspaceError> {
    let doc = DocId(rng.below(ws.len()));
    let label = LABELS[rng.below(LABELS.len())];
    let edit = match rng.below(100) {
        0..=34 => Edit::Add {
            label: label.into(),
            ranges: vec![random_word(ws, doc, rng)],
            attributes: BTreeMap::new(),
            source: None,
        },
        35..=44 => {
            // "Label all matches": many spans in one step.
            let matches: Vec<(DocId, CharRange)> = (0..20 + rng.below(200))
                .map(|_| {
                    let d = DocId(rng.below(ws.len()));
                    (d, random_word(ws, d, rng))
                })
                .collect();
            let step = ws.label_matches(&matches, label);
            return ws.apply(step).map(|_| ());
        }
        45..=54 => match random_annotation(ws, doc, rng) {
            Some(id) => Edit::Relabel {
                id,
                label: label.into(),
            },
            None => return Ok(()),
        },
        55..=62 => match random_annotation(ws, doc, rng) {
            Some(id) => Edit::Remove { id },
            None => return Ok(()),
        },
        63..=67 => match random_annotation(ws, doc, rng) {
            Some(id) => Edit::SetNote {
                id,
                note: format!("заметка {} «ملاحظة» 注释", rng.next() % 1000),
            },
            None => return Ok(()),
        },
        68..=71 => match (
            random_annotation(ws, doc, rng),
            random_annotation(ws, doc, rng),
        ) {
            (Some(from), Some(to)) => Edit::AddLink {
                kind: "located_in".into(),
                from,
                to,
            },
            _ => return Ok(()),
        },
        72..=77 => {
            let other = DocId(rng.below(ws.len()));
            let (Some(x), Some(y)) = (
                random_annotation(ws, doc, rng),
                random_annotation(ws, other, rng),
            ) else {
                return Ok(());
            };
            return match ws.link_step((doc, x), (other, y), "same_entity") {
                Some(step) => ws.apply(step).map(|_| ()),
                None => Ok(()),
            };
        }
        78..=88 => return ws.undo().map(|_| ()),
        89..=94 => return ws.redo().map(|_| ()),
        _ => {
            for (file, result) in ws.save_all() {
                result.unwrap_or_else(|e| panic!("{file:?}: {e}"));
            }
            return Ok(());
        }
    };
    ws.apply(vec![(doc, edit)]).map(|_| ())
}

/// Child of [`acknowledged_edits_survive_sigkill`]: opens the project at `ACCORD_TEST_ROOT`
/// (replaying its journal) and edits, undoes, redoes and saves at random until killed. It
/// prints the fingerprint of what it opened, `TRY n` before each step and `ACK n fingerprint`
/// once the step returned — what the window would show as done.
#[test]
#[ignore = "run as a child process by another test"]
fn child_edits_until_killed() {
    let (Ok(root), Ok(seed)) = (
        std::env::var("ACCORD_TEST_ROOT"),
        std::env::var("ACCORD_TEST_SEED"),
    ) else {
        return;
    };
    let mut rng = Rng(seed.parse::<u64>().unwrap() | 1);
    let mut ws = open(Path::new(&root));
    assert!(ws.lock().is_ok(), "{:?}", ws.lock());
    println!("OPEN {}", fingerprint(&state(&ws)));
    for n in 1.. {
        println!("TRY {n}");
        match random_op(&mut ws, &mut rng) {
            Ok(()) | Err(WorkspaceError::Edit { .. } | WorkspaceError::Group(_)) => {}
            Err(e) => panic!("{e}"),
        }
        println!("ACK {n} {}", fingerprint(&state(&ws)));
    }
}

/// The values the last whole record of the journal at `path` found before it, by the keys of
/// [`state`] (`None`: did not exist).
fn last_record_befores(path: &Path) -> BTreeMap<String, Option<Value>> {
    let bytes = std::fs::read(path).unwrap_or_default();
    let mut last = None;
    for line in bytes.split(|&b| b == b'\n') {
        let mut parts = line.splitn(3, |&b| b == b' ');
        if let (Some(len), Some(sum), Some(json)) = (parts.next(), parts.next(), parts.next())
            && std::str::from_utf8(len).ok().and_then(|l| l.parse().ok()) == Some(json.len())
            && sha256_hex(json).as_bytes() == sum
        {
            last = Some(serde_json::from_slice::<Value>(json).unwrap());
        }
    }
    let mut out = BTreeMap::new();
    let Some(record) = last else {
        return out;
    };
    for part in record["docs"].as_array().into_iter().flatten() {
        let file = part["document"]["file"].as_str().unwrap();
        for (key, tag) in [("annotations", 'a'), ("links", 'l')] {
            for put in part[key].as_array().into_iter().flatten() {
                let before = Some(put["before"].clone()).filter(|v| !v.is_null());
                out.insert(format!("{file} {tag}{}", put["id"]), before);
            }
        }
    }
    for put in record["groups"]["groups"].as_array().into_iter().flatten() {
        let before = Some(put["before"].clone()).filter(|v| !v.is_null());
        out.insert(format!("groups g{}", put["id"]), before);
    }
    out
}

/// What the child printed: the fingerprint it opened, the last acknowledged one, and whether a
/// step was under way when it was killed.
struct ChildLog {
    opened: Option<String>,
    acked: Option<(u64, String)>,
    in_flight: bool,
}

fn read_log(out: &[u8]) -> ChildLog {
    let text = String::from_utf8_lossy(out);
    let mut log = ChildLog {
        opened: None,
        acked: None,
        in_flight: false,
    };
    // Only whole lines: the last one may be cut by the kill.
    let whole = text.rfind('\n').map_or("", |end| &text[..end]);
    for line in whole.lines() {
        // The test harness may have printed the test's name before on the same line.
        let Some(start) = ["OPEN ", "TRY ", "ACK "]
            .iter()
            .filter_map(|m| line.find(m))
            .min()
        else {
            continue;
        };
        let words: Vec<&str> = line[start..].split(' ').collect();
        match words.as_slice() {
            ["OPEN", fp] => log.opened = Some((*fp).to_owned()),
            ["TRY", _] => log.in_flight = true,
            ["ACK", n, fp] => {
                log.acked = Some((n.parse().unwrap(), (*fp).to_owned()));
                log.in_flight = false;
            }
            _ => {}
        }
    }
    log
}

/// How long [`acknowledged_edits_survive_sigkill`] goes on killing, once it killed
/// [`MIN_KILLS`] times.
const CRASH_TIME: Duration = Duration::from_secs(40);
const MIN_KILLS: usize = 50;

/// Starts a process that edits the project in a loop, kills it (SIGKILL) at a random moment,
/// opens the project as the window would, and checks that every step the process acknowledged
/// is there — the step under way when it died may be there too, whole — and that every file is
/// valid. Many times: `ACCORD_CRASH_KILLS` (default 200), fewer when they take more than
/// [`CRASH_TIME`] on a slow machine, but never fewer than [`MIN_KILLS`].
#[test]
fn acknowledged_edits_survive_sigkill() {
    let kills: usize = std::env::var("ACCORD_CRASH_KILLS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    let mut survived = 0;
    let dir = project();
    let root = dir.path();
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut expected = fingerprint(&state(&open(root)));
    let (mut acks, mut in_flight_kept, mut before_open, mut recovered) = (0u64, 0, 0, 0);
    let mut break_leftovers = 0;
    let started = Instant::now();
    for kill in 0..kills {
        if kill >= MIN_KILLS && started.elapsed() > CRASH_TIME {
            break;
        }
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "journal::child_edits_until_killed",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("ACCORD_TEST_ROOT", root)
            .env("ACCORD_TEST_SEED", (rng.next() % 1_000_000_007).to_string())
            .env("RUST_LOG", "off")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (mut stdout, mut stderr) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
        let reader = std::thread::spawn(move || {
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let errors = std::thread::spawn(move || {
                let _ = stderr.read_to_end(&mut err);
                err
            });
            let _ = stdout.read_to_end(&mut out);
            out.extend(errors.join().unwrap());
            out
        });
        std::thread::sleep(Duration::from_micros(5_000 + rng.below(150_000) as u64));
        assert!(
            child.try_wait().unwrap().is_none(),
            "kill {kill}: the child stopped by itself: {}",
            String::from_utf8_lossy(&reader.join().unwrap())
        );
        child.kill().unwrap();
        child.wait().unwrap();
        let log = read_log(&reader.join().unwrap());
        // A kill while the child was breaking the dead one's lock leaves the break lock, which
        // keeps everyone out for half a minute (`lock::BREAK_STALE_AFTER`): remove it, as the
        // annotator would be told to.
        let breaker = root.join("annotations/.alice.lock.break");
        if breaker.exists() {
            std::fs::remove_file(&breaker).unwrap();
            break_leftovers += 1;
        }

        // The files as the kill left them are valid.
        let report = accord::validate::validate(root).unwrap();
        assert!(report.is_clean(), "kill {kill}: {:?}", report.findings);

        let mut ws = open(root);
        assert!(
            ws.lock().is_ok(),
            "kill {kill}: the dead child's lock is taken over"
        );
        let now = state(&ws);
        let got = fingerprint(&now);
        match (&log.opened, &log.acked) {
            (None, _) => {
                before_open += 1;
                assert_eq!(got, expected, "kill {kill}: killed while opening");
            }
            (Some(opened), acked) => {
                assert_eq!(
                    opened, &expected,
                    "kill {kill}: the child opened what the last check left"
                );
                let (n, acked) = acked.clone().unwrap_or((0, opened.clone()));
                acks += n;
                if got != acked {
                    // Only the step under way may be there too, whole: undone, it is what was
                    // acknowledged.
                    assert!(
                        log.in_flight,
                        "kill {kill}: after ACK {n}, not what was acknowledged"
                    );
                    let mut undone = now.clone();
                    for (key, before) in last_record_befores(&journal_of(root)) {
                        match before {
                            Some(v) => undone.insert(key, v),
                            None => undone.remove(&key),
                        };
                    }
                    assert_eq!(
                        fingerprint(&undone),
                        acked,
                        "kill {kill}: after ACK {n}, more than the step under way differs"
                    );
                    in_flight_kept += 1;
                }
            }
        }
        recovered += usize::from(ws.recovery().is_some());
        assert!(
            ws.recovery().is_none_or(|r| r.is_complete()),
            "kill {kill}: {}",
            ws.recovery().unwrap()
        );
        for doc in ws.doc_ids() {
            assert_eq!(ws.doc_state(doc).status, StoreStatus::Editable);
        }
        // Half the time saved here, half left to the next child to replay again.
        if rng.below(2) == 0 {
            save_all_ok(&mut ws);
            let report = accord::validate::validate(root).unwrap();
            assert!(report.is_clean(), "kill {kill}: {:?}", report.findings);
        }
        expected = got;
        drop(ws);
        survived += 1;
    }
    println!(
        "{survived} kills survived in {:.1} s: {acks} acknowledged steps all present, {in_flight_kept} steps under way at the kill found whole, {before_open} kills before the project was open, {recovered} recoveries, {break_leftovers} break locks left by a kill",
        started.elapsed().as_secs_f64()
    );
}
