//! Working as a team in the window: an annotation a merge left with two versions is counted in
//! the status bar, reached with Review → Next merge conflict, shown with both versions in the
//! details, and decided with one click (undoable, saved without the conflict).

use std::collections::BTreeMap;

use crate::common::git;
use crate::ui_support::*;
use accord::edit::{Edit, EditContext, apply};
use accord::model::{CharRange, Document, MergeConflict, Timestamp};
use accord::schema::Schema;
use accord::store::{AnnotationFile, AnnotationStore, DocumentStamp};
use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable as _;

/// Writes `tester`'s file for the Chinese sample with one PERSON over the first 5 chars of
/// "哈萨克斯坦" whose other version (from the merge) is a COUNTRY.
fn conflicted_project() -> (tempfile::TempDir, accord::model::AnnotationId) {
    let project = sample_project();
    let doc = Document::open(&project.path().join(ZH)).unwrap();
    let start = doc
        .text()
        .chars()
        .collect::<String>()
        .find("哈萨克斯坦")
        .unwrap();
    let start = doc.text()[..start].chars().count();
    let schema = Schema::default_schema();
    let now = Timestamp("2026-12-06T00:00:00Z".into());
    let ctx = EditContext {
        schema: &schema,
        document: &doc,
        author: "tester",
        now: &now,
    };
    let mut store = AnnotationStore::new();
    apply(
        &mut store,
        &ctx,
        &Edit::Add {
            label: "PERSON".into(),
            ranges: vec![CharRange::new(start, start + 5)],
            attributes: BTreeMap::new(),
            source: None,
        },
    )
    .unwrap();
    let mut mine = store.annotations().next().unwrap().clone();
    let mut other = mine.clone();
    other.label = "COUNTRY".into();
    other.author = "tester on the laptop".into();
    mine.conflict = Some(Box::new(MergeConflict { other: Some(other) }));
    let id = mine.id;
    apply(&mut store, &ctx, &Edit::Put(Box::new(mine))).unwrap();
    let path = project
        .path()
        .join("annotations/tester")
        .join(format!("{ZH}.ron"));
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    AnnotationFile::save_store(&store, &DocumentStamp::of(&doc), "tester", &path).unwrap();
    (project, id)
}

#[test]
fn a_merge_conflict_is_counted_reached_shown_with_both_versions_and_decided_in_one_click() {
    let (project, id) = conflicted_project();
    let mut h = harness(project.path());
    h.run_steps(3);
    let zh = doc_index(&h, ZH);
    h.get_by_label("1 merge conflict(s) to decide").click();
    h.run_steps(3);
    assert_eq!(app_state(&h).details_target(), Some((zh, id)));
    h.get_by_label_contains("Merge conflict: two people changed");
    // The other version's label, in the details panel (the palette names it too).
    assert!(
        h.get_all_by_label_contains("COUNTRY")
            .any(|n| n.rect().left() > 1000.0)
    );
    h.get_by_label("Take the other version").click();
    h.run_steps(3);
    let ann = ws(&h).store(zh).get(id).unwrap().clone();
    assert_eq!(ann.label, "COUNTRY");
    assert!(ann.conflict.is_none());
    assert!(h.query_by_label("1 merge conflict(s) to decide").is_none());
    // Undo brings the conflict back; keeping this version decides it the other way.
    press(&mut h, Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert!(ws(&h).store(zh).get(id).unwrap().conflict.is_some());
    h.get_by_label("Keep this version").click();
    h.run_steps(2);
    let ann = ws(&h).store(zh).get(id).unwrap().clone();
    assert_eq!(
        (ann.label.as_str(), ann.conflict.is_none()),
        ("PERSON", true)
    );
    press(&mut h, Modifiers::COMMAND, Key::S);
    h.run_steps(2);
    let saved = std::fs::read_to_string(
        project
            .path()
            .join("annotations/tester")
            .join(format!("{ZH}.ron")),
    )
    .unwrap();
    assert!(!saved.contains("conflict"), "{saved}");
}

fn clone_of(remote: &std::path::Path, into: &std::path::Path) {
    git(
        into.parent().unwrap(),
        &[
            "clone",
            "-q",
            &remote.to_string_lossy(),
            &into.to_string_lossy(),
        ],
    );
    for (k, v) in [
        ("user.name", "tester"),
        ("user.email", "tester@example.invalid"),
        ("merge.accord.name", "Accord"),
    ] {
        git(into, &["config", k, v]);
    }
    let driver = format!("'{}' merge-file %O %A %B %P", env!("CARGO_BIN_EXE_accord"));
    git(into, &["config", "merge.accord.driver", &driver]);
}

#[test]
fn sync_commits_what_was_labelled_merges_what_the_team_pushed_and_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let remote = dir.path().join("remote.git");
    std::fs::create_dir(&remote).unwrap();
    git(&remote, &["init", "-q", "--bare", "--initial-branch=main"]);
    let (here, there) = (dir.path().join("here"), dir.path().join("there"));
    clone_of(&remote, &here);
    let sample = sample_project();
    for entry in std::fs::read_dir(sample.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, here.join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::write(
        here.join(".gitattributes"),
        "annotations/** merge=accord\nlinks/*.ron merge=accord\n",
    )
    .unwrap();
    git(&here, &["add", "-A"]);
    git(&here, &["commit", "-q", "-m", "the project"]);
    git(&here, &["push", "-q", "-u", "origin", "main"]);
    clone_of(&remote, &there);
    // A machine where git was never told who the user is: Sync commits and merges as the
    // annotator.
    git(&here, &["config", "--unset", "user.name"]);
    git(&here, &["config", "--unset", "user.email"]);

    let mut h = harness(&here);
    h.run_steps(3);
    let zh = doc_index(&h, ZH);
    let mine = label(&mut h, 0, zh, "哈萨克斯坦", 0, Key::C);
    // Meanwhile the same annotator on another machine labelled something else and pushed.
    let (theirs_project, _) = conflicted_project();
    let theirs_file = theirs_project
        .path()
        .join("annotations/tester")
        .join(format!("{ZH}.ron"));
    let mut theirs = AnnotationFile::load(&theirs_file).unwrap();
    theirs.annotations[0].conflict = None;
    theirs.annotations[0].label = "ORG".into();
    let target = there.join("annotations/tester").join(format!("{ZH}.ron"));
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    theirs.save(&target).unwrap();
    git(&there, &["add", "-A"]);
    git(&there, &["commit", "-q", "-m", "from the laptop"]);
    git(&there, &["push", "-q"]);

    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    for _ in 0..600 {
        h.run_steps(1);
        if app_state(&h).sync.job.is_none() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    h.run_steps(3);
    let message = app_state(&h).status.message.clone().unwrap();
    assert!(message.text.starts_with("Synced"), "{}", message.text);
    // Both labels are in the window (this machine's, not yet shared, given a new id) …
    let labels: Vec<String> = ws(&h)
        .store(zh)
        .annotations()
        .map(|a| a.label.clone())
        .collect();
    assert_eq!(labels.len(), 2, "{labels:?}");
    assert!(labels.contains(&"ORG".to_owned()), "{labels:?}");
    assert!(labels.contains(&"COUNTRY".to_owned()), "{labels:?}");
    assert_eq!(
        ws(&h).store(zh).get(mine).unwrap().label,
        "ORG",
        "theirs keeps its id"
    );
    // … and on the remote, with a message that says what was done.
    let log = git(&remote, &["log", "--format=%s", "main"]);
    assert!(
        log.contains(
            "tester: 1 document (kz-tj-joint-statement.zh.txt): 1 added, 0 changed, 0 removed"
        ),
        "{log}"
    );
    // Made as git's user (as the window's git sees it: this machine may have a global one),
    // else as the annotator.
    let users_own = |key: &str| {
        let out = std::process::Command::new("git")
            .args(["config", "--get", key])
            .current_dir(&here)
            .output()
            .unwrap();
        Some(String::from_utf8_lossy(&out.stdout).trim().to_owned()).filter(|v| !v.is_empty())
    };
    let expected = format!(
        "{} <{}>",
        users_own("user.name").unwrap_or_else(|| "tester".into()),
        users_own("user.email").unwrap_or_else(|| "tester@accord.invalid".into())
    );
    let made_by = git(&remote, &["log", "--format=%an <%ae>", "-2", "main"]);
    assert_eq!(
        made_by.lines().collect::<Vec<_>>(),
        [expected.as_str(); 2],
        "the merge and the commit are git's user's, or the annotator's where git has none"
    );
    h.get_by_label_contains("git main ✓");
    let tracked = git(&remote, &["ls-tree", "-r", "--name-only", "main"]);
    assert!(
        !tracked.contains(".lock") && !tracked.contains(".journal"),
        "the window's lock and journal are never committed: {tracked}"
    );
}
