//! Projects from someone else, at the level of the core: ids a file may claim, what a file in
//! place of another may be. (The same corpus against every subcommand is `tests/cli/hostile.rs`,
//! against the window `tests/ui/hostile.rs`.)

use std::collections::BTreeMap;

use accord::edit::Edit;
use accord::model::{AnnotationId, CharRange};
use accord::project::{Project, Workspace};

use crate::common::sample_project;

const ZH: &str = "kz-tj-joint-statement.zh.txt";

/// Annotation #1 (a COUNTRY) and #2 (a PERSON) related by #3, and `next_id` as given.
fn file_with_next_id(next_id: u64, doc: &accord::model::Document) -> String {
    let span = |id: u64, label: &str, start: usize, end: usize| {
        let text: String = doc.text().chars().skip(start).take(end - start).collect();
        format!(
            "(id: {id}, label: \"{label}\", fragments: [(start: {start}, end: {end}, text: \"{text}\")], author: \"alice\", created: \"2026-01-01T00:00:00Z\", modified: \"2026-01-01T00:00:00Z\")"
        )
    };
    format!(
        "(format: 1, document: (file: \"{ZH}\", sha256: \"{}\", chars: {}), annotator: \"alice\", next_id: {next_id}, annotations: [{}, {}], links: [(id: 3, kind: \"represents\", from: 2, to: 1)])\n",
        doc.sha256(),
        doc.len_chars(),
        span(1, "COUNTRY", 0, 2),
        span(2, "PERSON", 5, 7),
    )
}

#[test]
fn an_id_counter_at_its_limit_never_hands_out_an_id_in_use() {
    let dir = sample_project();
    let root = dir.path();
    let project = Project::open(root).unwrap();
    let zh = project.document_index(ZH).unwrap();
    let doc = project.slot(zh).unwrap().doc().unwrap().clone();
    let path = project.annotation_path("alice", ZH);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, file_with_next_id(u64::MAX, &doc)).unwrap();

    // validate refuses the counter and says what number works.
    let report = accord::validate::validate(root).unwrap();
    let messages: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
    assert!(
        messages.iter().any(
            |m| m.contains("next_id is 18446744073709551615") && m.contains("set next_id to 4")
        ),
        "{messages:#?}"
    );

    let mut ws = Workspace::open(Project::open(root).unwrap(), "alice");
    let before = ws.store(zh).get(AnnotationId(1)).cloned().unwrap();
    for start in [20, 30, 40] {
        let added = ws.apply(vec![(
            zh,
            Edit::Add {
                label: "DATE".into(),
                ranges: vec![CharRange::new(start, start + 2)],
                attributes: BTreeMap::new(),
            },
        )]);
        let err = added.unwrap_err().to_string();
        assert!(err.contains("used up"), "{err}");
    }
    // Nothing was replaced: #1 is as it was, still the end of its relation.
    assert_eq!(ws.store(zh).get(AnnotationId(1)), Some(&before));
    assert_eq!(ws.store(zh).len(), 2);
    assert_eq!(ws.store(zh).links().count(), 1);
}

#[test]
fn an_id_at_the_limit_is_reported_and_new_ids_are_refused() {
    let dir = sample_project();
    let root = dir.path();
    let project = Project::open(root).unwrap();
    let zh = project.document_index(ZH).unwrap();
    let doc = project.slot(zh).unwrap().doc().unwrap().clone();
    let path = project.annotation_path("alice", ZH);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let text = file_with_next_id(4, &doc)
        .replace("(id: 2,", "(id: 18446744073709551615,")
        .replace("from: 2,", "from: 18446744073709551615,");
    std::fs::write(&path, text).unwrap();
    let report = accord::validate::validate(root).unwrap();
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.message.contains("the largest there is")),
        "{:#?}",
        report.findings
    );
    let mut ws = Workspace::open(Project::open(root).unwrap(), "alice");
    let added = ws.apply(vec![(
        zh,
        Edit::Add {
            label: "DATE".into(),
            ranges: vec![CharRange::new(20, 22)],
            attributes: BTreeMap::new(),
        },
    )]);
    assert!(added.is_err());
    assert_eq!(ws.store(zh).len(), 2);
}

/// Opens the sample copy at `root` as alice within a few seconds, and returns whether it is
/// editable and what it says when it is not.
fn open_timed(root: &std::path::Path) -> (bool, String) {
    let started = std::time::Instant::now();
    let ws = Workspace::open(Project::open(root).unwrap(), "alice");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "opened in {:?}",
        started.elapsed()
    );
    match &ws.doc_state(accord::project::DocId(0)).status {
        accord::project::StoreStatus::Editable => (true, String::new()),
        accord::project::StoreStatus::Locked(why)
        | accord::project::StoreStatus::NoDocument(why) => (false, why.clone()),
    }
}

#[cfg(unix)]
#[test]
fn a_lock_that_is_a_link_to_dev_zero_or_a_fifo_is_named_never_read() {
    for what in ["/dev/zero", "fifo"] {
        let dir = sample_project();
        let root = dir.path();
        std::fs::create_dir_all(root.join("annotations")).unwrap();
        let lock = root.join("annotations/.alice.lock");
        if what == "fifo" {
            assert!(
                std::process::Command::new("mkfifo")
                    .arg(&lock)
                    .status()
                    .unwrap()
                    .success()
            );
        } else {
            std::os::unix::fs::symlink(what, &lock).unwrap();
        }
        let (editable, why) = open_timed(root);
        assert!(!editable, "{what}: read-only");
        assert!(why.contains(".alice.lock"), "{what}: {why}");
        assert!(
            why.contains("outside the project") || why.contains("FIFO"),
            "{what}: {why}"
        );
    }
}

#[test]
fn a_huge_lock_file_is_not_read_and_is_taken_over() {
    for stale in [true, false] {
        let dir = sample_project();
        let root = dir.path();
        std::fs::create_dir_all(root.join("annotations")).unwrap();
        let lock = root.join("annotations/.alice.lock");
        // 300 MB of nothing (sparse: it takes no disk), written hours ago or just now.
        let file = std::fs::File::create(&lock).unwrap();
        file.set_len(300 * 1024 * 1024).unwrap();
        if stale {
            file.set_modified(
                std::time::SystemTime::now() - std::time::Duration::from_secs(3 * 3600),
            )
            .unwrap();
        }
        drop(file);
        let (editable, why) = open_timed(root);
        assert!(editable, "stale: {stale}: {why}");
        // Replaced by this Accord's lock, which went when it closed.
        assert!(!lock.exists(), "stale: {stale}");
    }
}
