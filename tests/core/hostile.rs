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
                source: None,
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
            source: None,
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

// ---------------------------------------------------------------------------------------------
// Journals
// ---------------------------------------------------------------------------------------------

fn journal(root: &std::path::Path) -> std::path::PathBuf {
    accord::project::journal::journal_path(root, "alice")
}

/// Makes `n` unsaved edits as alice in the project at `root` and stops without saving: the
/// journal holds them.
fn unsaved_edits(root: &std::path::Path, n: usize) {
    let mut ws = Workspace::open(Project::open(root).unwrap(), "alice");
    let doc = ws.project.document_index(ZH).unwrap();
    for i in 0..n {
        ws.apply(vec![(
            doc,
            Edit::Add {
                label: "COUNTRY".into(),
                ranges: vec![CharRange::new(10 * i, 10 * i + 2)],
                attributes: BTreeMap::new(),
                source: None,
            },
        )])
        .unwrap();
    }
    // Dropped without saving: as a crash leaves it.
    drop(ws);
    assert!(std::fs::metadata(journal(root)).unwrap().len() > 0);
}

fn annotations_of(ws: &Workspace) -> usize {
    let doc = ws.project.document_index(ZH).unwrap();
    ws.store(doc).len()
}

#[test]
fn someone_elses_journal_is_set_aside_not_replayed_until_accepted() {
    let theirs = sample_project();
    unsaved_edits(theirs.path(), 2);
    // Committed by mistake and pulled into another folder (another clone).
    let mine = sample_project();
    std::fs::create_dir_all(mine.path().join("annotations")).unwrap();
    std::fs::copy(journal(theirs.path()), journal(mine.path())).unwrap();
    let before = crate::common::folder_bytes(mine.path());
    let ws = Workspace::open(Project::open(mine.path()).unwrap(), "alice");
    assert_eq!(annotations_of(&ws), 0, "nothing replayed");
    let recovery = ws.recovery().unwrap();
    assert!(recovery.foreign);
    assert_eq!((recovery.recovered, recovery.not_applied.len()), (0, 2));
    let why = &recovery.not_applied[0].reason;
    assert!(
        why.contains("--accept-foreign") && why.contains("for the project at"),
        "{why}"
    );
    let kept = recovery.kept_as.clone().unwrap();
    drop(ws);
    // Nothing of it was written into the files; the journal is still there.
    assert_eq!(crate::common::folder_bytes(mine.path()), before);

    // Accepted: put back, each value checked.
    let ws = Workspace::open_trusting(
        Project::open(mine.path()).unwrap(),
        "alice",
        "alice",
        accord::project::journal::Trust::AcceptForeign,
    );
    assert_eq!(annotations_of(&ws), 2);
    assert_eq!(ws.recovery().unwrap().recovered, 2);
    let _ = kept;
}

#[test]
fn a_journal_with_crlf_line_endings_is_replayed_whole() {
    let dir = sample_project();
    unsaved_edits(dir.path(), 3);
    let lf = std::fs::read(journal(dir.path())).unwrap();
    let crlf: Vec<u8> = lf
        .iter()
        .flat_map(|&b| {
            if b == b'\n' {
                vec![b'\r', b'\n']
            } else {
                vec![b]
            }
        })
        .collect();
    std::fs::write(journal(dir.path()), crlf).unwrap();
    let ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
    let recovery = ws.recovery().unwrap();
    assert!(!recovery.torn_tail && recovery.is_complete(), "{recovery}");
    assert_eq!(recovery.recovered, 3);
    assert_eq!(annotations_of(&ws), 3);
}

/// The journal's records as JSON values.
fn records(root: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(journal(root))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l.splitn(3, ' ').nth(2).unwrap()).unwrap())
        .collect()
}

/// Writes records back as journal lines, with their lengths and checksums made to fit.
fn write_records(root: &std::path::Path, records: &[serde_json::Value]) {
    let mut out = String::new();
    for r in records {
        let json = serde_json::to_string(r).unwrap();
        out.push_str(&format!(
            "{} {} {json}\n",
            json.len(),
            accord::model::sha256_hex(json.as_bytes())
        ));
    }
    std::fs::write(journal(root), out).unwrap();
}

#[test]
fn records_that_would_put_bad_values_are_refused_with_the_reason() {
    let dir = sample_project();
    unsaved_edits(dir.path(), 3);
    let mut recs = records(dir.path());
    let chars = Project::open(dir.path())
        .unwrap()
        .slot(accord::project::DocId(0))
        .unwrap()
        .doc()
        .unwrap()
        .len_chars();
    // 1: a fragment past the end of the text.
    recs[0]["docs"][0]["annotations"][0]["after"]["fragments"][0]["end"] = (chars + 50).into();
    // 2: a label the schema does not have, with markup in it.
    recs[1]["docs"][0]["annotations"][0]["after"]["label"] = "<b>EVIL</b>".into();
    // 3: an id counter that cannot grow.
    recs[2]["docs"][0]["next_id"] = u64::MAX.into();
    write_records(dir.path(), &recs);
    let ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
    let recovery = ws.recovery().unwrap();
    assert_eq!(recovery.not_applied.len(), 3, "{recovery}");
    let reasons: Vec<&str> = recovery
        .not_applied
        .iter()
        .map(|n| n.reason.as_str())
        .collect();
    assert!(
        reasons[0].contains("past the end") || reasons[0].contains("outside"),
        "{reasons:?}"
    );
    assert!(reasons[1].contains("EVIL"), "{reasons:?}");
    assert!(reasons[2].contains("the largest there is"), "{reasons:?}");
    assert_eq!(annotations_of(&ws), 0);
    assert!(recovery.kept_as.is_some(), "kept aside, never emptied");
}
