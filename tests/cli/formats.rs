//! `accord export` and `accord import` as a user runs them: every format exports the sample
//! project, an import makes a project that validates clean and exports the same again, an
//! import never replaces annotations without `--force` (and says so), unknown labels are
//! refused or added as asked, and a document that exists with another text is refused.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::accord;
use crate::common::{folder_bytes, sample_dir, sample_project};
use accord::edit::Edit;
use accord::model::ReviewState;
use accord::project::{Project, Workspace};

/// The sample annotator these tests export (the sample project has two, and no default).
const SAMPLE_ANNOTATOR: &str = "aigerim";

/// How many annotations the sample annotator made.
fn sample_annotations() -> usize {
    let ws = Workspace::open(Project::open(&sample_dir()).unwrap(), SAMPLE_ANNOTATOR);
    ws.doc_ids().map(|d| ws.store(d).len()).sum()
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited normally")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
/// Fails with the whole output unless the command's output contains `expected`.
#[track_caller]
fn assert_says(out: &Output, expected: &str) {
    let text = text(out);
    assert!(text.contains(expected), "expected {expected:?} in:\n{text}");
}

/// `accord export` of the sample annotator's annotations as `format` to `out`, run in `dir`.
fn export_sample(format: &str, out: &str, dir: &Path) -> Output {
    accord(
        &[
            "export",
            &sample(),
            "--format",
            format,
            "--out",
            out,
            "--annotator",
            SAMPLE_ANNOTATOR,
        ],
        dir,
    )
}

fn sample() -> String {
    sample_dir().to_string_lossy().into_owned()
}

#[test]
fn every_format_exports_the_sample_project() {
    let out = tempfile::tempdir().unwrap();
    for format in [
        "jsonl",
        "spacy",
        "conll",
        "brat",
        "webanno-tsv",
        "label-studio",
        "html",
    ] {
        let target = out.path().join(format!("out.{format}"));
        let result = export_sample(format, &target.to_string_lossy(), out.path());
        assert_eq!(code(&result), 0, "{format}: {}", text(&result));
        assert!(
            String::from_utf8_lossy(&result.stdout).starts_with(&format!(
                "exported 5 documents, {} annotations by {SAMPLE_ANNOTATOR}",
                sample_annotations()
            )),
            "{format}: {}",
            text(&result)
        );
        // Piped: no progress bar on standard error.
        assert!(result.stderr.is_empty(), "{format}: {}", text(&result));
        assert!(target.exists(), "{format}");
    }
    let conll = export_sample("conll", "x.conll", out.path());
    assert_says(&conll, " overlapping spans dropped:");
    let bad = accord(
        &["export", &sample(), "--format", "xml", "--out", "x"],
        out.path(),
    );
    assert_eq!(code(&bad), 2);
    assert_says(&bad, "label-studio");
    let nobody = accord(
        &[
            "export",
            &sample(),
            "--format",
            "jsonl",
            "--out",
            "x",
            "--annotator",
            "nobody",
        ],
        out.path(),
    );
    assert_eq!(code(&nobody), 2);
    assert_says(&nobody, "annotators found: aigerim, dilnoza");
}

/// JSON lines without the annotator (which the import changes on purpose).
fn lines_without_annotator(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).unwrap();
            v["meta"]["annotator"] = Value::Null;
            v
        })
        .collect()
}

#[test]
fn a_jsonl_import_makes_a_project_that_validates_and_exports_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let first = export_sample("jsonl", "a.jsonl", d);
    assert_eq!(code(&first), 0, "{}", text(&first));
    let import = accord(
        &[
            "import",
            "--format",
            "jsonl",
            "a.jsonl",
            "--into",
            "proj",
            "--annotator",
            "bob",
        ],
        d,
    );
    assert_eq!(code(&import), 0, "{}", text(&import));
    let said = text(&import);
    assert!(
        said.contains(&format!(
            "imported 5 documents (5 new, 0 already in the project), {} annotations",
            sample_annotations()
        )),
        "{said}"
    );
    assert!(said.contains("4 cross-document groups"), "{said}");
    let validate = accord(&["validate", "proj"], d);
    assert_eq!(code(&validate), 0, "{}", text(&validate));
    let again = accord(
        &[
            "export",
            "proj",
            "--format",
            "jsonl",
            "--out",
            "b.jsonl",
            "--annotator",
            "bob",
        ],
        d,
    );
    assert_eq!(code(&again), 0, "{}", text(&again));
    assert_eq!(
        lines_without_annotator(&d.join("b.jsonl")),
        lines_without_annotator(&d.join("a.jsonl"))
    );

    // A second import would replace bob's files: refused, nothing touched, --force named.
    let before = folder_bytes(&d.join("proj"));
    let refused = accord(
        &[
            "import",
            "--format",
            "jsonl",
            "a.jsonl",
            "--into",
            "proj",
            "--annotator",
            "bob",
        ],
        d,
    );
    assert_eq!(code(&refused), 2, "{}", text(&refused));
    assert_says(&refused, "--force");
    assert_says(&refused, "annotations/bob/kz-tj-joint-statement.zh.txt.ron");
    assert_eq!(folder_bytes(&d.join("proj")), before, "nothing was written");
    let forced = accord(
        &[
            "import",
            "--format",
            "jsonl",
            "a.jsonl",
            "--into",
            "proj",
            "--annotator",
            "bob",
            "--force",
        ],
        d,
    );
    assert_eq!(code(&forced), 0, "{}", text(&forced));
    assert_says(&forced, "replaced (--force):");
    assert_says(&forced, "(0 new, 5 already in the project)");
}

#[test]
fn brat_and_label_studio_import_into_the_project_they_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let project = sample_project();
    for (format, source, annotator) in [("brat", "brat", "carol"), ("label-studio", "ls", "dave")] {
        let export = export_sample(format, source, d);
        assert_eq!(code(&export), 0, "{}", text(&export));
        let import = accord(
            &[
                "import",
                "--format",
                format,
                source,
                "--into",
                &project.path().to_string_lossy(),
                "--annotator",
                annotator,
            ],
            d,
        );
        assert_eq!(code(&import), 0, "{format}: {}", text(&import));
        assert_says(
            &import,
            &format!(
                "(0 new, 5 already in the project), {} annotations",
                sample_annotations()
            ),
        );
    }
    let validate = accord(&["validate", &project.path().to_string_lossy()], d);
    assert_eq!(code(&validate), 0, "{}", text(&validate));
    // The same annotations, as the CoNLL export of each shows them.
    let conll = |annotator: &str| {
        let out = d.join(format!("{annotator}.conll"));
        let r = accord(
            &[
                "export",
                &project.path().to_string_lossy(),
                "--format",
                "conll",
                "--out",
                &out.to_string_lossy(),
                "--annotator",
                annotator,
            ],
            d,
        );
        assert_eq!(code(&r), 0, "{}", text(&r));
        std::fs::read_to_string(out).unwrap()
    };
    let reference = {
        let r = export_sample("conll", "ref.conll", d);
        assert_eq!(code(&r), 0);
        std::fs::read_to_string(d.join("ref.conll")).unwrap()
    };
    assert_eq!(conll("carol"), reference);
    assert_eq!(conll("dave"), reference);
}

#[test]
fn unknown_labels_are_refused_or_added_and_other_texts_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("treaty.jsonl"),
        "{\"text\": \"The Treaty of Astana 😊 was signed.\", \"label\": [[4, 20, \"TREATY\"], [13, 19, \"LOCATION\"]]}\n",
    )
    .unwrap();
    let refused = accord(
        &[
            "import",
            "--format",
            "jsonl",
            "treaty.jsonl",
            "--into",
            "p",
            "--annotator",
            "eve",
        ],
        d,
    );
    assert_eq!(code(&refused), 2, "{}", text(&refused));
    assert_says(&refused, "label \"TREATY\"");
    assert_says(&refused, "--unknown-labels add");
    assert!(!d.join("p/annotations").exists(), "nothing written");

    let added = accord(
        &[
            "import",
            "--format",
            "jsonl",
            "treaty.jsonl",
            "--into",
            "p",
            "--annotator",
            "eve",
            "--unknown-labels",
            "add",
        ],
        d,
    );
    assert_eq!(code(&added), 0, "{}", text(&added));
    assert_says(&added, "added to the schema: label \"TREATY\"");
    let project = std::fs::read_to_string(d.join("p/accord.ron")).unwrap();
    assert!(project.contains("\"TREATY\""), "{project}");
    assert!(project.contains("treaty-0001.txt"), "{project}");
    let validate = accord(&["validate", "p"], d);
    assert_eq!(code(&validate), 0, "{}", text(&validate));
    let brat = accord(&["export", "p", "--format", "brat", "--out", "b"], d);
    assert_eq!(code(&brat), 0, "{}", text(&brat));
    let ann = std::fs::read_to_string(d.join("b/treaty-0001.ann")).unwrap();
    assert!(ann.contains("T1\tTREATY 4 20\tTreaty of Astana"), "{ann}");

    // Another text under a name the project has: refused.
    std::fs::write(
        d.join("other.jsonl"),
        "{\"text\": \"Another text.\", \"spans\": [], \"meta\": {\"file\": \"treaty-0001.txt\"}}\n",
    )
    .unwrap();
    let differs = accord(
        &[
            "import",
            "--format",
            "jsonl",
            "other.jsonl",
            "--into",
            "p",
            "--annotator",
            "frank",
        ],
        d,
    );
    assert_eq!(code(&differs), 2, "{}", text(&differs));
    assert_says(&differs, "different text");

    // What cannot be mapped is reported, and the exit code says so.
    std::fs::write(
        d.join("bad.jsonl"),
        "{\"text\": \"short\", \"label\": [[0, 5, \"LOCATION\"], [3, 99, \"LOCATION\"]]}\n",
    )
    .unwrap();
    let partial = accord(
        &[
            "import",
            "--format",
            "jsonl",
            "bad.jsonl",
            "--into",
            "q",
            "--annotator",
            "gus",
        ],
        d,
    );
    assert_eq!(code(&partial), 1, "{}", text(&partial));
    assert_says(&partial, "runs past the end of the text");
}

#[test]
fn a_conll_import_rebuilds_text_and_spans() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("x.conll"),
        "-DOCSTART- -X- -X- O\n\nТокаев _ _ B-PERSON\nв _ _ O\nАстане _ _ B-LOCATION\n\n20 _ _ B-MONEY\n亿 _ _ I-MONEY\n\n-DOCSTART- -X- -X- O\n\nDushanbe _ _ B-LOCATION\n",
    )
    .unwrap();
    let r = accord(
        &[
            "import",
            "--format",
            "conll",
            "x.conll",
            "--into",
            "p",
            "--annotator",
            "h",
        ],
        d,
    );
    assert_eq!(code(&r), 0, "{}", text(&r));
    assert_eq!(
        std::fs::read_to_string(d.join("p/x-0001.txt")).unwrap(),
        "Токаев в Астане\n20 亿"
    );
    let j = accord(&["export", "p", "--format", "jsonl", "--out", "p.jsonl"], d);
    assert_eq!(code(&j), 0, "{}", text(&j));
    let first: Value = serde_json::from_str(
        std::fs::read_to_string(d.join("p.jsonl"))
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        first["spans"],
        serde_json::json!([[0, 6, "PERSON"], [9, 15, "LOCATION"], [16, 20, "MONEY"]])
    );
}

#[test]
fn curated_exports_the_gold_set_and_excludes_an_annotator() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let export = export_sample("jsonl", "a.jsonl", d);
    assert_eq!(code(&export), 0, "{}", text(&export));
    // The reviewers' gold set is stored as the annotator `curated`.
    for annotator in ["curated", "alice"] {
        let r = accord(
            &[
                "import",
                "--format",
                "jsonl",
                "a.jsonl",
                "--into",
                "p",
                "--annotator",
                annotator,
                "--force",
            ],
            d,
        );
        assert_eq!(code(&r), 0, "{}", text(&r));
    }
    assert!(
        d.join("p/annotations/curated/kz-tj-joint-statement.zh.txt.ron")
            .exists()
    );
    // The gold set holds what the reviewer accepted: all but one imported span, rejected.
    {
        let mut ws = Workspace::open_as(Project::open(&d.join("p")).unwrap(), "curated", "rev");
        let mut step = Vec::new();
        let mut first = true;
        for doc in ws.doc_ids().collect::<Vec<_>>() {
            for a in ws.store(doc).annotations() {
                let state = if first {
                    ReviewState::Rejected
                } else {
                    ReviewState::Accepted
                };
                first = false;
                step.push((doc, Edit::SetReview { id: a.id, state }));
            }
        }
        ws.apply(step).unwrap();
        for (_, saved) in ws.save_all() {
            saved.unwrap();
        }
    }
    // Two annotators and no default: say whose.
    let which = accord(&["export", "p", "--format", "conll", "--out", "x.conll"], d);
    assert_eq!(code(&which), 2, "{}", text(&which));
    assert_says(&which, "--annotator NAME or --curated");
    let gold = accord(
        &[
            "export",
            "p",
            "--format",
            "conll",
            "--out",
            "gold.conll",
            "--curated",
        ],
        d,
    );
    assert_eq!(code(&gold), 0, "{}", text(&gold));
    assert_says(
        &gold,
        &format!("{} annotations by curated", sample_annotations() - 1),
    );
    let both = accord(
        &[
            "export",
            "p",
            "--format",
            "conll",
            "--out",
            "x.conll",
            "--curated",
            "--annotator",
            "alice",
        ],
        d,
    );
    assert_eq!(code(&both), 2, "{}", text(&both));
    assert_says(&both, "cannot be used with");
}

/// The curated set after two documents were reviewed: only those two are exported, the other
/// three are counted and named as left out (exported empty, they would teach "no entities");
/// `--include-undecided` exports all five.
#[test]
fn a_curated_export_leaves_out_the_documents_nobody_decided() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let root = d.join("p");
    crate::common::copy_dir(&crate::common::sample_dir(), &root);
    {
        let mut ws = Workspace::open_as(Project::open(&root).unwrap(), "curated", "rev");
        let mut layers = accord::review::Layers::default();
        for doc in ws.doc_ids().take(2).collect::<Vec<_>>() {
            for a in ["aigerim", "dilnoza"] {
                layers.load(&ws.project, a, doc).unwrap();
            }
            let stores: Vec<_> = ["aigerim", "dilnoza"]
                .iter()
                .map(|a| (*a, layers.get(a, doc).unwrap()))
                .collect();
            let items = accord::review::review_items(&ws.project.schema, &stores, ws.store(doc));
            let step = accord::review::accept_agreed_step(&ws, doc, &items, &stores).unwrap();
            ws.apply(step).unwrap();
        }
        for (_, saved) in ws.save_all() {
            saved.unwrap();
        }
    }
    let lines = |out: &str| {
        std::fs::read_to_string(d.join(out))
            .unwrap()
            .lines()
            .count()
    };
    let gold = accord(
        &[
            "export",
            "p",
            "--format",
            "jsonl",
            "--out",
            "gold.jsonl",
            "--curated",
        ],
        d,
    );
    assert_eq!(code(&gold), 0, "{}", text(&gold));
    assert_says(&gold, "exported 2 documents");
    assert_says(
        &gold,
        "3 documents left out: no decision in the curated set yet",
    );
    assert_says(&gold, "kz-tj-alliance-treaty.ru.txt");
    assert_eq!(lines("gold.jsonl"), 2);
    let all = accord(
        &[
            "export",
            "p",
            "--format",
            "jsonl",
            "--out",
            "all.jsonl",
            "--curated",
            "--include-undecided",
        ],
        d,
    );
    assert_eq!(code(&all), 0, "{}", text(&all));
    assert_says(&all, "exported 5 documents");
    assert_eq!(lines("all.jsonl"), 5);
}

/// An import that cannot write one of its files stops with an error naming that file and
/// leaves no temporary files behind; once the obstacle is gone, running it again completes
/// the project. (Root ignores permissions, so a non-empty folder where the file should go
/// blocks the write.)
#[test]
fn a_failed_import_names_the_file_and_a_retry_completes_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let export = export_sample("brat", "brat", d);
    assert_eq!(code(&export), 0, "{}", text(&export));
    let blocked = d.join("fresh/annotations/erin/tj-cn-talks-xian.ar.txt.ron");
    std::fs::create_dir_all(&blocked).unwrap();
    std::fs::write(blocked.join("x"), b"").unwrap();
    let import = || {
        accord(
            &[
                "import",
                "--format",
                "brat",
                "brat",
                "--into",
                "fresh",
                "--annotator",
                "erin",
                "--force",
            ],
            d,
        )
    };
    let failed = import();
    assert_eq!(code(&failed), 2, "{}", text(&failed));
    // Refused before anything is written: every place is checked first.
    assert_says(
        &failed,
        "fresh/annotations/erin/tj-cn-talks-xian.ar.txt.ron is a folder, not a file",
    );
    assert!(!d.join("fresh/kz-tj-joint-statement.zh.txt").exists());
    let leftovers: Vec<_> = folder_bytes(&d.join("fresh"))
        .into_keys()
        .filter(|p| p.to_string_lossy().contains(".accord-save-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    std::fs::remove_dir_all(&blocked).unwrap();
    let retried = import();
    assert_eq!(code(&retried), 0, "{}", text(&retried));
    let validate = accord(&["validate", "fresh"], d);
    assert_eq!(code(&validate), 0, "{}", text(&validate));
    assert_says(
        &validate,
        &format!("5 documents, 5 files, {} annotations", sample_annotations()),
    );
}

/// `accord import --force` into a project whose annotator has a window open (here: this test
/// process holding the workspace) refuses, naming the holder, and writes nothing.
#[test]
fn an_import_does_not_write_under_an_open_window() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let export = export_sample("jsonl", "a.jsonl", d);
    assert_eq!(code(&export), 0, "{}", text(&export));
    let import = |force: bool| {
        let mut args = vec![
            "import",
            "--format",
            "jsonl",
            "a.jsonl",
            "--into",
            "p",
            "--annotator",
            "erin",
        ];
        if force {
            args.push("--force");
        }
        accord(&args, d)
    };
    assert_eq!(code(&import(false)), 0);
    let ws = Workspace::open(Project::open(&d.join("p")).unwrap(), "erin");
    assert!(ws.lock().is_ok());
    let before = crate::common::folder_bytes(&d.join("p"));
    let refused = import(true);
    assert_eq!(code(&refused), 2, "{}", text(&refused));
    assert_says(&refused, "nothing was imported");
    assert_says(&refused, &format!("process {}", std::process::id()));
    let after = crate::common::folder_bytes(&d.join("p"));
    assert_eq!(before, after, "nothing written");
    drop(ws);
    assert_eq!(code(&import(true)), 0, "once the window is closed");
}
