//! Annotation and link files changed on disk while a workspace has them open: a colleague's
//! file (the same annotator on another machine, brought in as `git pull` would) reloads when
//! nothing is unsaved here, is a conflict otherwise — saving refused until the user chooses
//! to reload, keep theirs or merge — and our own saves never count as changes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use accord::edit::Edit;
use accord::model::{AnnotationId, CharRange};
use accord::project::{
    DiskEvent, DiskWatch, DocId, Project, Resolution, StoreStatus, Workspace, WorkspaceFile,
};
use accord::store::StoreError;
use accord::store::merge::{Item, ItemChange};

use crate::common::{ZH, char_offset_of, sample_project};

const AR: &str = "tj-kz-talks-astana.ar.txt";
const WHO: &str = "alice";

fn open(root: &Path) -> Workspace {
    let ws = Workspace::open(Project::open(root).unwrap(), WHO);
    assert!(ws.lock().is_ok(), "{:?}", ws.lock().err());
    ws
}

fn doc(ws: &Workspace, file: &str) -> DocId {
    ws.project.document_index(file).unwrap()
}

/// Labels `needle` (its first occurrence) in document `file`; returns the new id.
fn add(ws: &mut Workspace, file: &str, needle: &str, label: &str) -> AnnotationId {
    let d = doc(ws, file);
    let start = char_offset_of(ws.document(d).unwrap(), needle);
    let range = CharRange::new(start, start + needle.chars().count());
    let edit = Edit::Add {
        label: label.into(),
        ranges: vec![range],
        attributes: BTreeMap::new(),
        source: None,
    };
    ws.apply(vec![(d, edit)]).unwrap().created[0].1
}

/// (id, label, text) of every annotation of `file`.
fn annotations(ws: &Workspace, file: &str) -> Vec<(u64, String, String)> {
    ws.store(doc(ws, file))
        .annotations()
        .map(|a| (a.id.0, a.label.clone(), a.text()))
        .collect()
}

fn save(ws: &mut Workspace) {
    for (file, result) in ws.save_all() {
        result.unwrap_or_else(|e| panic!("{file:?}: {e}"));
    }
}

/// Copies the project folder (not the lock files, `annotations/.<name>.lock`).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            copy_tree(&path, &to.join(name));
        } else {
            std::fs::copy(&path, to.join(name)).unwrap();
        }
    }
}

/// The annotator's files of a project: annotation files and the link file, relative paths.
fn annotator_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in [root.join("annotations").join(WHO), root.join("links")] {
        for entry in std::fs::read_dir(&dir).into_iter().flatten() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "ron") {
                out.push(path.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// The same annotator on another machine: edits a copy of the project there and saves; the
/// files that changed come back over ours, written in place (as `cp` or many sync tools
/// write; a `git pull` replaces them, which the watcher test does).
fn colleague(root: &Path, edit: impl FnOnce(&mut Workspace)) {
    let other = tempfile::tempdir().unwrap();
    copy_tree(root, other.path());
    let mut ws = open(other.path());
    edit(&mut ws);
    save(&mut ws);
    drop(ws);
    for rel in annotator_files(other.path()) {
        let theirs = std::fs::read(other.path().join(&rel)).unwrap();
        if std::fs::read(root.join(&rel)).ok().as_ref() != Some(&theirs) {
            std::fs::create_dir_all(root.join(&rel).parent().unwrap()).unwrap();
            std::fs::write(root.join(&rel), theirs).unwrap();
        }
    }
}

fn validate_clean(root: &Path) {
    let report = accord::validate::validate(root).unwrap();
    let mine: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.file.contains(WHO))
        .map(ToString::to_string)
        .collect();
    assert!(mine.is_empty(), "{mine:#?}");
}

/// Labels `needle` in the Arabic document as a country and links it to the Chinese
/// annotation `zh_id` (of [`saved_project`]); returns the Arabic annotation's id.
fn add_linked_to_chinese(ws: &mut Workspace, needle: &str, zh_id: u64) -> AnnotationId {
    let ar_id = add(ws, AR, needle, "COUNTRY");
    let (zh, ar) = (doc(ws, ZH), doc(ws, AR));
    let link = ws
        .link_step((zh, AnnotationId(zh_id)), (ar, ar_id), "same_entity")
        .unwrap();
    ws.apply(link).unwrap();
    ar_id
}

/// A project where alice has saved two annotations on the Chinese document.
fn saved_project() -> (tempfile::TempDir, Workspace) {
    let dir = sample_project();
    let mut ws = open(dir.path());
    add(&mut ws, ZH, "哈萨克斯坦", "COUNTRY");
    add(&mut ws, ZH, "塔吉克斯坦", "COUNTRY");
    save(&mut ws);
    assert!(ws.check_disk().is_empty());
    (dir, ws)
}

#[test]
fn a_colleagues_file_reloads_when_nothing_is_unsaved_here() {
    let (dir, mut ws) = saved_project();
    let zh = doc(&ws, ZH);
    colleague(dir.path(), |ws| {
        add(ws, ZH, "托卡耶夫", "PERSON");
    });
    assert_eq!(
        ws.check_disk(),
        vec![DiskEvent::Reloaded {
            file: WorkspaceFile::Doc(zh)
        }]
    );
    let now = annotations(&ws, ZH);
    assert_eq!(now.len(), 3);
    assert!(now.contains(&(3, "PERSON".into(), "托卡耶夫".into())));
    assert!(!ws.is_dirty());
    // The adds before the reload cannot be undone into the colleague's file.
    assert!(!ws.can_undo());
    // Checked once, it is quiet.
    assert!(ws.check_disk().is_empty());
    // A new annotation takes the next id after the colleague's.
    assert_eq!(add(&mut ws, ZH, "杜尚别", "LOCATION"), AnnotationId(4));
}

/// A window checks a few files a frame: a change is found within one round of every file,
/// wherever the round stands when it is made, and a round ends after every document and the
/// group file, then starts again from the first.
#[test]
fn a_colleagues_file_is_found_by_a_round_of_checks_a_file_at_a_time() {
    let (dir, mut ws) = saved_project();
    let zh = doc(&ws, ZH);
    // Every document, then the group file.
    let files = ws.len() + 1;
    for start in [0, zh.0, zh.0 + 1, files - 1] {
        for _ in 0..start {
            assert_eq!(ws.check_disk_some(1), (Vec::new(), false));
        }
        colleague(dir.path(), |ws| {
            add(ws, ZH, "杜尚别", "LOCATION");
        });
        let mut found = Vec::new();
        let mut calls = 0;
        loop {
            let (events, round_done) = ws.check_disk_some(1);
            found.extend(events);
            calls += 1;
            if round_done {
                break;
            }
        }
        assert_eq!(
            calls,
            files - start,
            "the round ends after every file (from {start})"
        );
        if found.is_empty() {
            // Changed behind where this round stood: the next round finds it.
            assert!(start > zh.0);
            loop {
                let (events, round_done) = ws.check_disk_some(1);
                found.extend(events);
                if round_done {
                    break;
                }
            }
        }
        assert_eq!(
            found,
            vec![DiskEvent::Reloaded {
                file: WorkspaceFile::Doc(zh)
            }]
        );
        // Undo the colleague's add for the next start, through a save of ours.
        let last = ws.store(zh).annotations().map(|a| a.id).max().unwrap();
        ws.apply(vec![(zh, Edit::Remove { id: last })]).unwrap();
        save(&mut ws);
        // A part bigger than what is left ends the round, quietly.
        assert_eq!(ws.check_disk_some(files * 2), (Vec::new(), true));
    }
}

#[test]
fn a_reload_forgets_only_the_undo_steps_it_makes_stale() {
    let (dir, mut ws) = saved_project();
    add(&mut ws, AR, "كازاخستان", "COUNTRY");
    save(&mut ws);
    colleague(dir.path(), |ws| {
        add(ws, ZH, "托卡耶夫", "PERSON");
    });
    assert_eq!(ws.check_disk().len(), 1);
    // The Arabic add came after the last step on the Chinese file: still undoable.
    assert!(ws.undo().unwrap());
    assert!(annotations(&ws, AR).is_empty());
    assert!(!ws.undo().unwrap(), "nothing older survives the reload");
    assert_eq!(annotations(&ws, ZH).len(), 3);
}

#[test]
fn our_own_saves_never_count_as_changes() {
    let dir = sample_project();
    let mut ws = open(dir.path());
    let mut watch = ws.watch().unwrap();
    let words = ["哈萨克斯坦", "塔吉克斯坦", "托卡耶夫", "杜尚别"];
    for (i, word) in words.iter().enumerate() {
        add(&mut ws, ZH, word, "COUNTRY");
        if i % 2 == 0 {
            // Another label each time: the same label twice on one text is refused.
            add(&mut ws, AR, "كازاخستان", ["COUNTRY", "LOCATION"][i / 2]);
        }
        save(&mut ws);
        assert!(ws.check_disk().is_empty(), "save {i}");
        // The watcher sees our writes; they are no change.
        let seen = watch.poll_timeout(Duration::from_secs(10));
        assert!(!seen.is_empty(), "the watcher reports the save");
        assert!(ws.disk_changes(&seen).is_empty(), "{seen:?}");
    }
    // Undo back to an older state and save: still ours.
    ws.undo().unwrap();
    save(&mut ws);
    assert!(ws.check_disk().is_empty());
    // Same bytes written again by someone else (a touch, a checkout of the same version).
    let path = ws.file_path(WorkspaceFile::Doc(doc(&ws, ZH)));
    let bytes = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    std::fs::write(&path, &bytes).unwrap();
    assert!(ws.check_disk().is_empty());
    assert!(ws.disk_changes(&[path]).is_empty());
}

/// What the watcher reports (the changed file, or a folder above it, among thousands of other
/// paths, as after a big pull) leads to exactly the files changed under it.
#[test]
fn the_files_under_the_paths_reported_are_checked_and_no_others() {
    let (dir, mut ws) = saved_project();
    let zh = doc(&ws, ZH);
    let file = ws.file_path(WorkspaceFile::Doc(zh));
    let folder = file.parent().unwrap().to_path_buf();
    let elsewhere: Vec<PathBuf> = (0..5_000)
        .map(|i| dir.path().join(format!("elsewhere/{i}.ron")))
        .collect();
    for reported in [file.clone(), folder, dir.path().to_path_buf()] {
        colleague(dir.path(), |ws| {
            add(ws, ZH, "杜尚别", "LOCATION");
        });
        assert!(
            ws.disk_changes(&elsewhere).is_empty(),
            "nothing under those"
        );
        let mut paths = elsewhere.clone();
        paths.push(reported.clone());
        assert_eq!(
            ws.disk_changes(&paths),
            vec![DiskEvent::Reloaded {
                file: WorkspaceFile::Doc(zh)
            }],
            "{reported:?}"
        );
        let last = ws.store(zh).annotations().map(|a| a.id).max().unwrap();
        ws.apply(vec![(zh, Edit::Remove { id: last })]).unwrap();
        save(&mut ws);
    }
}

/// The annotator's folder swapped for a link out of the project while open, with a file
/// there changed: that file is unreadable (outside), its annotations stay as they were, and
/// nothing is written out there.
#[cfg(unix)]
#[test]
fn a_folder_swapped_for_a_link_out_is_never_read_or_written() {
    let (dir, mut ws) = saved_project();
    let zh = doc(&ws, ZH);
    let before = annotations(&ws, ZH);
    // An hour old, then checked once: fingerprints that the next checks trust by their stat.
    let folder = dir.path().join("annotations").join(WHO);
    let hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
    for entry in std::fs::read_dir(&folder).unwrap() {
        let file = std::fs::File::options()
            .append(true)
            .open(entry.unwrap().path())
            .unwrap();
        file.set_modified(hour_ago).unwrap();
    }
    assert!(ws.check_disk().is_empty());
    let outside = tempfile::tempdir().unwrap();
    let moved = outside.path().join(WHO);
    std::fs::rename(&folder, &moved).unwrap();
    std::os::unix::fs::symlink(&moved, &folder).unwrap();
    let changed = moved.join(format!("{ZH}.ron"));
    let text = std::fs::read_to_string(&changed).unwrap();
    std::fs::write(&changed, text.replace("COUNTRY", "LOCATION")).unwrap();
    let events = ws.check_disk();
    let outside_files: Vec<WorkspaceFile> = events
        .iter()
        .filter_map(|e| match e {
            DiskEvent::Unreadable { file, reason } if reason.contains("outside the project") => {
                Some(*file)
            }
            _ => None,
        })
        .collect();
    assert_eq!(outside_files.len(), events.len(), "{events:?}");
    assert!(
        outside_files.contains(&WorkspaceFile::Doc(zh)),
        "{events:?}"
    );
    assert_eq!(annotations(&ws, ZH), before, "nothing taken from outside");
    // Editing there is refused, and saving writes nothing out there.
    let ar = doc(&ws, AR);
    let edit = Edit::Add {
        label: "COUNTRY".into(),
        ranges: vec![CharRange::new(0, 3)],
        attributes: BTreeMap::new(),
        source: None,
    };
    assert!(ws.apply(vec![(ar, edit)]).is_err());
    let _ = ws.save_all();
    assert!(
        !std::fs::read_to_string(&changed)
            .unwrap()
            .contains("COUNTRY")
    );
    let names: Vec<_> = std::fs::read_dir(&moved)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, [std::ffi::OsString::from(format!("{ZH}.ron"))]);
}

/// Saved: #1, #2. Unsaved here: #3 PERSON 托卡耶夫. On disk: #3 LOCATION 杜尚别 (the same id).
fn conflict() -> (tempfile::TempDir, Workspace, WorkspaceFile, Vec<u8>) {
    let (dir, mut ws) = saved_project();
    let zh = WorkspaceFile::Doc(doc(&ws, ZH));
    assert_eq!(add(&mut ws, ZH, "托卡耶夫", "PERSON"), AnnotationId(3));
    colleague(dir.path(), |ws| {
        assert_eq!(add(ws, ZH, "杜尚别", "LOCATION"), AnnotationId(3));
    });
    let events = ws.check_disk();
    let [
        DiskEvent::Conflict {
            file,
            deleted: false,
            differences,
        },
    ] = events.as_slice()
    else {
        panic!("{events:?}")
    };
    assert_eq!(*file, zh);
    assert_eq!(ws.conflict(zh), Some(differences));
    assert_eq!(ws.conflicts(), vec![zh]);
    assert_eq!(
        differences.taken,
        vec![(Item::Annotation(AnnotationId(3)), ItemChange::Added)]
    );
    assert_eq!(
        differences.kept,
        vec![(Item::Annotation(AnnotationId(4)), ItemChange::Added)],
        "mine is numbered after theirs"
    );
    assert!(ws.is_dirty(), "nothing changed here");
    assert_eq!(annotations(&ws, ZH)[2].1, "PERSON");
    let on_disk = std::fs::read(ws.file_path(zh)).unwrap();
    (dir, ws, zh, on_disk)
}

#[test]
fn with_unsaved_changes_it_is_a_conflict_and_saving_is_refused() {
    let (_dir, mut ws, zh, on_disk) = conflict();
    let WorkspaceFile::Doc(d) = zh else { panic!() };
    let err = ws.save(d).unwrap_err();
    assert!(matches!(err, StoreError::ChangedOnDisk { .. }), "{err}");
    assert!(err.to_string().contains("Merge"), "{err}");
    let results = ws.save_all();
    assert!(
        results
            .iter()
            .any(|(f, r)| *f == zh && matches!(r, Err(StoreError::ChangedOnDisk { .. })))
    );
    assert_eq!(std::fs::read(ws.file_path(zh)).unwrap(), on_disk);
    // Editing goes on meanwhile; checking again reports nothing new.
    add(&mut ws, ZH, "哈通社", "ORG");
    assert!(ws.check_disk().is_empty());
    assert!(ws.conflict(zh).is_some());
    // Resolving a file without a conflict is an error.
    assert!(
        ws.resolve(WorkspaceFile::Groups, Resolution::Merge)
            .is_err()
    );
}

#[test]
fn reload_drops_the_changes_here() {
    let (_dir, mut ws, zh, _) = conflict();
    assert!(ws.resolve(zh, Resolution::Reload).unwrap().is_empty());
    let now = annotations(&ws, ZH);
    assert_eq!(now.len(), 3);
    assert_eq!(now[2], (3, "LOCATION".into(), "杜尚别".into()));
    assert!(!ws.is_dirty() && ws.conflicts().is_empty());
    assert!(
        !ws.undo().unwrap(),
        "the dropped add cannot come back by undo"
    );
    assert_eq!(annotations(&ws, ZH).len(), 3);
    assert!(ws.check_disk().is_empty());
}

#[test]
fn keep_mine_overwrites_on_the_next_save_only() {
    let (dir, mut ws, zh, on_disk) = conflict();
    assert!(ws.resolve(zh, Resolution::KeepMine).unwrap().is_empty());
    assert_eq!(std::fs::read(ws.file_path(zh)).unwrap(), on_disk, "not yet");
    assert!(ws.is_dirty());
    save(&mut ws);
    assert!(ws.check_disk().is_empty());
    let again = open_again(dir.path(), ws);
    let now = annotations(&again, ZH);
    assert_eq!(now.len(), 3);
    assert_eq!(now[2], (3, "PERSON".into(), "托卡耶夫".into()));
}

/// Drops `ws` (its lock) and opens the project again.
fn open_again(root: &Path, ws: Workspace) -> Workspace {
    drop(ws);
    open(root)
}

#[test]
fn merge_keeps_both_sides_new_annotations_with_distinct_ids() {
    let (dir, mut ws, zh, _) = conflict();
    let report = ws.resolve(zh, Resolution::Merge).unwrap();
    assert_eq!(
        report.renumbered,
        vec![(Item::Annotation(AnnotationId(3)), 4)]
    );
    assert!(report.both.is_empty(), "{report}");
    let now = annotations(&ws, ZH);
    assert_eq!(
        now.iter().map(|a| a.0).collect::<Vec<_>>(),
        vec![1, 2, 3, 4]
    );
    assert_eq!(now[2].1, "LOCATION");
    assert_eq!(now[3].1, "PERSON");
    assert!(ws.is_dirty() && ws.conflicts().is_empty());
    assert_eq!(add(&mut ws, ZH, "哈通社", "ORG"), AnnotationId(5));
    save(&mut ws);
    assert!(ws.check_disk().is_empty());
    validate_clean(dir.path());
    let again = open_again(dir.path(), ws);
    assert_eq!(annotations(&again, ZH).len(), 5);
}

#[test]
fn merge_by_id_takes_theirs_keeps_mine_and_keeps_both_versions_where_both_changed() {
    let (dir, mut ws) = saved_project();
    add(&mut ws, ZH, "托卡耶夫", "PERSON"); // #3
    add(&mut ws, ZH, "杜尚别", "LOCATION"); // #4
    save(&mut ws);
    let d = doc(&ws, ZH);
    // Here: relabel #1, remove #4.
    let relabel = |id: u64, label: &str| {
        vec![(
            d,
            Edit::Relabel {
                id: AnnotationId(id),
                label: label.into(),
            },
        )]
    };
    ws.apply(relabel(1, "ORG")).unwrap();
    ws.apply(vec![(
        d,
        Edit::Remove {
            id: AnnotationId(4),
        },
    )])
    .unwrap();
    // There: relabel #1 otherwise, relabel #2, remove #3.
    colleague(dir.path(), |ws| {
        ws.apply(relabel(1, "LOCATION")).unwrap();
        ws.apply(relabel(2, "ORG")).unwrap();
        let d = doc(ws, ZH);
        ws.apply(vec![(
            d,
            Edit::Remove {
                id: AnnotationId(3),
            },
        )])
        .unwrap();
    });
    let events = ws.check_disk();
    assert!(
        matches!(events[..], [DiskEvent::Conflict { .. }]),
        "{events:?}"
    );
    let report = ws
        .resolve(WorkspaceFile::Doc(d), Resolution::Merge)
        .unwrap();
    assert_eq!(report.both, vec![Item::Annotation(AnnotationId(1))]);
    assert!(report.to_string().contains("both sides"), "{report}");
    let labels: Vec<(u64, String)> = annotations(&ws, ZH)
        .into_iter()
        .map(|(id, label, _)| (id, label))
        .collect();
    assert_eq!(labels, vec![(1, "ORG".into()), (2, "ORG".into())]);
    // #1 keeps the version here and carries the other until someone decides.
    let d = doc(&ws, ZH);
    let conflict = ws.store(d).get(AnnotationId(1)).unwrap().conflict.clone();
    assert_eq!(
        conflict.and_then(|c| c.other).map(|o| o.label),
        Some("LOCATION".to_owned())
    );
    save(&mut ws);
    let report = accord::validate::validate(dir.path()).unwrap();
    let mine: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.file.contains(WHO))
        .map(|f| f.kind)
        .collect();
    assert_eq!(mine, vec![accord::validate::FindingKind::MergeConflict]);
}

#[test]
fn a_file_that_no_longer_reads_locks_the_document_and_is_never_written() {
    let (dir, mut ws) = saved_project();
    let zh = WorkspaceFile::Doc(doc(&ws, ZH));
    let path = ws.file_path(zh);
    let good = std::fs::read(&path).unwrap();
    add(&mut ws, ZH, "托卡耶夫", "PERSON");
    std::fs::write(&path, "(format: 1, broken").unwrap();
    let events = ws.check_disk();
    let [DiskEvent::Unreadable { file, reason }] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert_eq!(*file, zh);
    assert!(reason.contains("Nothing will be written"), "{reason}");
    assert!(matches!(
        ws.doc_state(doc(&ws, ZH)).status,
        StoreStatus::Locked(_)
    ));
    assert_eq!(annotations(&ws, ZH).len(), 3, "what is here stays, unsaved");
    assert!(ws.check_disk().is_empty(), "reported once");
    save(&mut ws);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "(format: 1, broken"
    );
    assert!(ws.is_dirty());
    // Restored as it was loaded: editable again, the change here still unsaved.
    std::fs::write(&path, &good).unwrap();
    assert_eq!(ws.check_disk(), vec![DiskEvent::Reverted { file: zh }]);
    assert!(ws.is_editable(doc(&ws, ZH)));
    save(&mut ws);
    assert_eq!(annotations(&open_again(dir.path(), ws), ZH).len(), 3);
    validate_clean(dir.path());
}

#[test]
fn a_deleted_file_reloads_empty_or_is_a_conflict() {
    let (_dir, mut ws) = saved_project();
    let zh = WorkspaceFile::Doc(doc(&ws, ZH));
    let path = ws.file_path(zh);
    let saved = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(ws.check_disk(), vec![DiskEvent::Reloaded { file: zh }]);
    assert!(annotations(&ws, ZH).is_empty());

    // With changes here: a conflict; keeping mine writes the file back.
    std::fs::write(&path, &saved).unwrap();
    assert_eq!(ws.check_disk(), vec![DiskEvent::Reloaded { file: zh }]);
    add(&mut ws, ZH, "托卡耶夫", "PERSON");
    std::fs::remove_file(&path).unwrap();
    let events = ws.check_disk();
    assert!(
        matches!(events[..], [DiskEvent::Conflict { deleted: true, .. }]),
        "{events:?}"
    );
    ws.resolve(zh, Resolution::KeepMine).unwrap();
    save(&mut ws);
    assert!(path.exists());
    assert_eq!(annotations(&ws, ZH).len(), 3);
}

#[test]
fn a_save_finds_a_change_no_check_reported() {
    let (dir, mut ws) = saved_project();
    let d = doc(&ws, ZH);
    add(&mut ws, ZH, "托卡耶夫", "PERSON");
    colleague(dir.path(), |ws| {
        add(ws, ZH, "杜尚别", "LOCATION");
    });
    let on_disk = std::fs::read(ws.file_path(WorkspaceFile::Doc(d))).unwrap();
    assert!(matches!(ws.save(d), Err(StoreError::ChangedOnDisk { .. })));
    assert_eq!(
        std::fs::read(ws.file_path(WorkspaceFile::Doc(d))).unwrap(),
        on_disk
    );
    // The conflict the save found is reported by the next check.
    let events = ws.check_disk();
    assert!(
        matches!(events[..], [DiskEvent::Conflict { .. }]),
        "{events:?}"
    );
}

#[test]
fn a_watcher_sees_a_write_from_another_process() {
    let (dir, mut ws) = saved_project();
    let mut watch = DiskWatch::new(&ws.project.root, WHO).unwrap();
    let early = watch.poll();
    assert!(ws.disk_changes(&early).is_empty());
    // The colleague's version is made elsewhere, then another process puts it in place by
    // a rename, as `git pull` does.
    let elsewhere = tempfile::tempdir().unwrap();
    copy_tree(dir.path(), elsewhere.path());
    {
        let mut other = open(elsewhere.path());
        add(&mut other, ZH, "托卡耶夫", "PERSON");
        save(&mut other);
    }
    let zh = WorkspaceFile::Doc(doc(&ws, ZH));
    let rel = ws
        .file_path(zh)
        .strip_prefix(dir.path())
        .unwrap()
        .to_path_buf();
    let staged = dir.path().join("staged.tmp");
    std::fs::copy(elsewhere.path().join(&rel), &staged).unwrap();
    let status = std::process::Command::new("mv")
        .arg(&staged)
        .arg(dir.path().join(&rel))
        .status()
        .unwrap();
    assert!(status.success());
    // Bounded wait: events arrive within milliseconds; ten seconds is only a ceiling.
    let mut events = Vec::new();
    for _ in 0..20 {
        let paths = watch.poll_timeout(Duration::from_secs(10));
        events.extend(ws.disk_changes(&paths));
        if !events.is_empty() {
            break;
        }
    }
    assert_eq!(events, vec![DiskEvent::Reloaded { file: zh }]);
    assert_eq!(annotations(&ws, ZH).len(), 3);
}

#[test]
fn a_watcher_reports_nothing_for_files_only_read() {
    // Reading a team's files (their progress, the suggestions) opens every annotation file:
    // each open was reported and checked, 100,000 checks after opening a big project.
    let (dir, ws) = saved_project();
    let mut watch = DiskWatch::new(&ws.project.root, WHO).unwrap();
    assert!(watch.poll().is_empty());
    let zh = ws.file_path(WorkspaceFile::Doc(doc(&ws, ZH)));
    for _ in 0..3 {
        assert!(!std::fs::read(&zh).unwrap().is_empty());
    }
    assert_eq!(
        watch.poll_timeout(Duration::from_millis(500)),
        Vec::<std::path::PathBuf>::new()
    );
    // A write is still seen.
    let mut bytes = std::fs::read(&zh).unwrap();
    bytes.extend_from_slice(b"\n");
    std::fs::write(&zh, bytes).unwrap();
    assert_eq!(watch.poll_timeout(Duration::from_secs(10)), vec![zh]);
    drop(dir);
}

#[test]
fn a_watcher_started_before_the_folders_exist_sees_them_come() {
    let dir = sample_project();
    let mut ws = open(dir.path());
    let mut watch = ws.watch().unwrap();
    colleague(dir.path(), |ws| {
        add(ws, AR, "كازاخستان", "COUNTRY");
    });
    let mut events = Vec::new();
    for _ in 0..20 {
        let paths = watch.poll_timeout(Duration::from_secs(10));
        events.extend(ws.disk_changes(&paths));
        if !events.is_empty() {
            break;
        }
    }
    let ar = WorkspaceFile::Doc(doc(&ws, AR));
    assert_eq!(events, vec![DiskEvent::Reloaded { file: ar }]);
}

#[test]
fn a_link_file_changed_on_disk_is_a_conflict_and_merges_by_group() {
    let (dir, mut ws) = saved_project();
    // Saved: #1 哈萨克斯坦 in Chinese and Arabic, linked.
    add_linked_to_chinese(&mut ws, "كازاخستان", 1);
    let (zh, ar) = (doc(&ws, ZH), doc(&ws, AR));
    save(&mut ws);
    assert!(ws.check_disk().is_empty());
    // Here, unsaved: 塔吉克斯坦 (#2) with the Arabic طاجيكستان.
    add_linked_to_chinese(&mut ws, "طاجيكستان", 2);
    // There: a person in both documents, linked (group #2, the id used here too).
    colleague(dir.path(), |ws| {
        let p_zh = add(ws, ZH, "托卡耶夫", "PERSON");
        let p_ar = add(ws, AR, "توكاييف", "PERSON");
        let (zh, ar) = (doc(ws, ZH), doc(ws, AR));
        let link = ws.link_step((zh, p_zh), (ar, p_ar), "same_entity").unwrap();
        ws.apply(link).unwrap();
    });
    // Nothing unsaved on the Chinese file: reloaded. The Arabic file and the links: conflicts.
    let events = ws.check_disk();
    assert_eq!(events.len(), 3, "{events:?}");
    assert!(events.contains(&DiskEvent::Reloaded {
        file: WorkspaceFile::Doc(zh)
    }));
    assert!(matches!(
        ws.save_groups(),
        Err(StoreError::ChangedOnDisk { .. })
    ));
    for file in [WorkspaceFile::Doc(ar), WorkspaceFile::Groups] {
        assert!(ws.conflict(file).is_some(), "{file:?}");
        ws.resolve(file, Resolution::Merge).unwrap();
    }
    let groups: Vec<(u64, usize)> = ws
        .groups()
        .store
        .groups()
        .map(|g| (g.id.0, g.members.len()))
        .collect();
    assert_eq!(groups, vec![(1, 2), (2, 2), (3, 2)]);
    // Each group's members exist, with the ids the merges gave them.
    for g in ws.groups().store.groups() {
        for m in &g.members {
            assert!(ws.locate(m).is_some(), "{m:?}");
        }
    }
    save(&mut ws);
    assert!(ws.check_disk().is_empty());
    validate_clean(dir.path());
}

/// Saved: the Chinese 哈萨克斯坦 (#1) linked to the Arabic كازاخستان. Unsaved: the Arabic
/// deleted (its group goes with it), طاجيكستان added and linked to 塔吉克斯坦 (#2). Then the
/// link file changes on disk, so the next save writes the documents but is refused the links,
/// as a crash between the two writes would stop it. Returns the Arabic document.
fn save_stopped_before_the_link_file() -> (tempfile::TempDir, Workspace, DocId) {
    let (dir, mut ws) = saved_project();
    let ar = doc(&ws, AR);
    let k_ar = add_linked_to_chinese(&mut ws, "كازاخستان", 1);
    save(&mut ws);
    ws.apply(vec![(ar, Edit::Remove { id: k_ar })]).unwrap();
    add_linked_to_chinese(&mut ws, "طاجيكستان", 2);
    let links = ws.file_path(WorkspaceFile::Groups);
    let mut text = std::fs::read_to_string(&links).unwrap();
    text.push('\n');
    std::fs::write(&links, text).unwrap();

    let results = ws.save_all();
    let refused: Vec<WorkspaceFile> = results
        .iter()
        .filter(|(_, r)| r.is_err())
        .map(|(f, _)| *f)
        .collect();
    assert_eq!(refused, vec![WorkspaceFile::Groups], "{results:?}");
    (dir, ws, ar)
}

/// (kind, members) of every group.
fn groups(ws: &Workspace) -> Vec<(String, Vec<(String, u64)>)> {
    ws.groups()
        .store
        .groups()
        .map(|g| {
            let members = g
                .members
                .iter()
                .map(|m| (m.document.clone(), m.annotation.0));
            (g.kind.clone(), members.collect())
        })
        .collect()
}

/// A save stopped between the documents and the link file leaves files that agree: the Arabic
/// span deleted here stays in its file while the link file on disk names it, and goes once the
/// links are saved.
#[test]
fn a_save_stopped_before_the_link_file_leaves_files_that_agree() {
    let (dir, mut ws, ar) = save_stopped_before_the_link_file();
    validate_clean(dir.path());
    let ar_file = std::fs::read_to_string(ws.file_path(WorkspaceFile::Doc(ar))).unwrap();
    assert!(ar_file.contains("كازاخستان") && ar_file.contains("طاجيكستان"));
    assert!(ws.is_dirty(), "the Arabic file is not as it is here yet");

    ws.resolve(WorkspaceFile::Groups, Resolution::KeepMine)
        .unwrap();
    save(&mut ws);
    assert!(!ws.is_dirty());
    validate_clean(dir.path());
    let ar_file = std::fs::read_to_string(ws.file_path(WorkspaceFile::Doc(ar))).unwrap();
    assert!(!ar_file.contains("كازاخستان") && ar_file.contains("طاجيكستان"));
    let here = (annotations(&ws, AR), groups(&ws));
    let mut ws = open_again(dir.path(), ws);
    assert_eq!((annotations(&ws, AR), groups(&ws)), here);
    assert!(ws.check_disk().is_empty());
}

/// Closed right after such a save (as a crash would), the workspace opens again with every
/// step: the journal replays over the Arabic file that still has the deleted span.
#[test]
fn a_save_stopped_before_the_link_file_loses_nothing_on_reopening() {
    let (dir, ws, _) = save_stopped_before_the_link_file();
    let here = (annotations(&ws, AR), groups(&ws));
    assert_eq!(here.0.len(), 1, "{here:?}");
    let mut ws = open_again(dir.path(), ws);
    assert_eq!((annotations(&ws, AR), groups(&ws)), here);
    save(&mut ws);
    validate_clean(dir.path());
}

/// The link file is not saved while a document whose annotations it newly links cannot be:
/// on disk it would name an annotation that file does not have — or, as here, another one
/// with the same id, the colleague's.
#[test]
fn the_link_file_waits_for_a_document_that_could_not_be_saved() {
    let (dir, mut ws) = saved_project();
    let ar = doc(&ws, AR);
    let t_ar = add_linked_to_chinese(&mut ws, "طاجيكستان", 2);
    // There: another span of the Arabic document, with the same id as طاجيكستان here.
    colleague(dir.path(), |ws| {
        assert_eq!(add(ws, AR, "كازاخستان", "COUNTRY"), t_ar);
    });
    let links = ws.file_path(WorkspaceFile::Groups);
    let links_before = std::fs::read(&links).ok();

    let results = ws.save_all();
    let ar_path = ws.file_path(WorkspaceFile::Doc(ar));
    let refused: Vec<(WorkspaceFile, String)> = results
        .iter()
        .filter_map(|(f, r)| r.as_ref().err().map(|e| (*f, e.to_string())))
        .collect();
    assert_eq!(refused.len(), 2, "{results:?}");
    assert_eq!(refused[0].0, WorkspaceFile::Doc(ar));
    assert_eq!(refused[1].0, WorkspaceFile::Groups);
    assert!(
        refused[1].1.contains(&ar_path.display().to_string()),
        "the message names the Arabic file: {}",
        refused[1].1
    );
    assert_eq!(std::fs::read(&links).ok(), links_before, "not written");
    validate_clean(dir.path());

    ws.resolve(WorkspaceFile::Doc(ar), Resolution::Merge)
        .unwrap();
    save(&mut ws);
    validate_clean(dir.path());
    // The link is to the Arabic طاجيكستان, under the id the merge gave it.
    let ws = open_again(dir.path(), ws);
    let group = ws.groups().store.groups().next().unwrap().clone();
    let texts: Vec<String> = group
        .members
        .iter()
        .map(|m| {
            let (d, id) = ws.locate(m).unwrap();
            ws.store(d).get(id).unwrap().text()
        })
        .collect();
    assert_eq!(texts.len(), 2);
    assert!(texts.contains(&"塔吉克斯坦".to_owned()), "{texts:?}");
    assert!(texts.contains(&"طاجيكستان".to_owned()), "{texts:?}");
}
