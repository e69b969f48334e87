//! `accord assign` and `accord progress` on temporary projects: the assignments drawn and
//! written, the refusal to overwrite them, and the figures per annotator with the last commit
//! read from a real git repository.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::accord;
use crate::common::{ZH, golden_project, sample_project};

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

fn progress_json(root: &Path) -> Value {
    let out = accord(&["progress", "--json", &root.to_string_lossy()], root);
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&out.stdout)))
}

/// Runs git in `dir` as a fixed person at a fixed time, away from the machine's settings.
fn git(dir: &Path, home: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", home.join("gitconfig"))
        .env("HOME", home)
        .env("GIT_AUTHOR_NAME", "Alice")
        .env("GIT_AUTHOR_EMAIL", "alice@example.org")
        .env("GIT_COMMITTER_NAME", "Alice")
        .env("GIT_COMMITTER_EMAIL", "alice@example.org")
        .env("GIT_AUTHOR_DATE", "2026-12-01T10:00:00+01:00")
        .env("GIT_COMMITTER_DATE", "2026-12-01T10:00:00+01:00")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
}

fn annotator<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["annotators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["annotator"] == name)
        .unwrap_or_else(|| panic!("{name} not in {report:#}"))
}

#[test]
fn assign_writes_balanced_assignments_prints_them_and_keeps_them_unless_forced() {
    let dir = sample_project();
    let root = dir.path();
    let args = [
        "assign",
        ".",
        "--annotators",
        "alice,bob,chen",
        "--overlap",
        "2",
        "--seed",
        "5",
    ];
    let out = accord(&args, root);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    assert!(
        printed.contains("5 documents, 2 annotators per document, seed 5"),
        "{printed}"
    );
    let written = std::fs::read_to_string(root.join("assignments.ron")).unwrap();
    // Ten places over three annotators: 4, 3 and 3.
    let report = progress_json(root);
    let mut assigned: Vec<u64> = ["alice", "bob", "chen"]
        .iter()
        .map(|n| annotator(&report, n)["assigned"].as_u64().unwrap())
        .collect();
    assigned.sort_unstable();
    assert_eq!(assigned, [3, 3, 4], "{written}");

    // Again: refused, the file unchanged, and the way out named.
    let out = accord(&args, root);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--force"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(root.join("assignments.ron")).unwrap(),
        written
    );

    // Forced with the same seed: the same file; an overlap too large: refused with advice.
    let forced: Vec<&str> = args.iter().copied().chain(["--force"]).collect();
    assert!(accord(&forced, root).status.success());
    assert_eq!(
        std::fs::read_to_string(root.join("assignments.ron")).unwrap(),
        written
    );
    let out = accord(
        &[
            "assign",
            ".",
            "--annotators",
            "a,b",
            "--overlap",
            "3",
            "--force",
        ],
        root,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("lower the overlap"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn progress_counts_each_annotator_and_names_their_last_commit() {
    let dir = golden_project();
    let root = dir.path();
    let home = tempfile::tempdir().unwrap();
    let out = accord(
        &["assign", ".", "--annotators", "alice,bob", "--overlap", "2"],
        root,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    std::fs::create_dir_all(root.join("status")).unwrap();
    std::fs::write(
        root.join("status/alice.ron"),
        format!("(format: 1, annotator: \"alice\", finished: [\"{ZH}\"])"),
    )
    .unwrap();

    // Not a git work tree: no last commit, and no error.
    let report = progress_json(root);
    assert_eq!(report["documents"], 5);
    assert_eq!(report["overlap"], 2);
    let alice = annotator(&report, "alice");
    assert_eq!(alice["assigned"], 5);
    assert_eq!(alice["started"], 2, "the two golden files");
    assert_eq!(alice["finished"], 1);
    assert!(alice["annotations"].as_u64().unwrap() > 0);
    assert!(alice["last_commit"].is_null());
    let bob = annotator(&report, "bob");
    assert_eq!(
        (bob["started"].as_u64(), bob["annotations"].as_u64()),
        (Some(0), Some(0))
    );

    git(root, home.path(), &["init", "-q"]);
    git(root, home.path(), &["add", "."]);
    git(root, home.path(), &["commit", "-q", "-m", "alice's work"]);
    let report = progress_json(root);
    let commit = &annotator(&report, "alice")["last_commit"];
    assert_eq!(commit["date"], "2026-12-01T10:00:00+01:00", "{report:#}");
    assert!(commit["hash"].as_str().unwrap().len() >= 7, "{commit}");
    assert!(
        annotator(&report, "bob")["last_commit"].is_null(),
        "bob committed nothing"
    );

    // The table names the same figures.
    let out = accord(&["progress", "."], root);
    let table = text(&out.stdout);
    let row = table.lines().find(|l| l.starts_with("alice")).unwrap();
    assert!(row.contains("2026-12-01T10:00:00+01:00"), "{table}");
}

#[test]
fn progress_help_documents_the_json_fields() {
    let dir = sample_project();
    let out = accord(&["progress", "--help"], dir.path());
    let help = text(&out.stdout);
    for field in [
        "assigned",
        "started",
        "finished",
        "annotations",
        "last_commit",
    ] {
        assert!(help.contains(field), "{field} not in\n{help}");
    }
}
