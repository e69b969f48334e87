//! The `accord` binary on temporary projects: exit codes, findings of every kind with the file
//! named and advice given, `--json` output, stats, check-layout, and recovering unsaved edits.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use accord::edit::Edit;
use accord::model::CharRange;
use accord::project::{CURATED, DocId, Project, Workspace};

use crate::accord;
use crate::common::{AR, ZH, golden_project, sample_project};

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited normally")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("UTF-8 output")
}

fn validate_json(root: &Path) -> (i32, Value) {
    let out = accord(&["validate", "--json", &root.to_string_lossy()], root);
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("--json output is not JSON ({e}): {}", stdout(&out)));
    (code(&out), json)
}

/// Replaces the first `from` with `to` in a file of the project, checking it was there.
fn edit_file(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from:?} not in {rel}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

fn zh_file() -> String {
    format!("annotations/alice/{ZH}.ron")
}

#[test]
fn validate_exits_0_on_a_clean_project() {
    let dir = golden_project();
    let out = accord(&["validate"], dir.path());
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("5 documents, 3 files, 19 annotations checked: no problems"),
        "{text}"
    );

    let (exit, json) = validate_json(dir.path());
    assert_eq!(exit, 0);
    assert_eq!(json["documents"], 5);
    assert_eq!(json["files_checked"], 3);
    assert_eq!(json["annotations_checked"], 19);
    assert_eq!(json["findings"], Value::Array(vec![]));

    // A bare folder of text files is a project too.
    let plain = tempfile::tempdir().unwrap();
    std::fs::write(plain.path().join("a.txt"), "Astana\n").unwrap();
    assert_eq!(code(&accord(&["validate", "."], plain.path())), 0);
}

/// One broken project per finding kind: what to break, the kind, the file the finding must
/// name, and words of the advice it must give.
struct Case {
    name: &'static str,
    breaks: fn(&Path),
    kind: &'static str,
    file: fn() -> String,
    advice: &'static [&'static str],
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "unreadable annotation file",
            breaks: |root| {
                let path = root.join(zh_file());
                let mut bytes = std::fs::read(&path).unwrap();
                bytes.extend_from_slice(b"// caf\xe9\n");
                std::fs::write(path, bytes).unwrap();
            },
            kind: "unreadable",
            file: zh_file,
            advice: &["UTF-8", "restore it from version control"],
        },
        Case {
            name: "unreadable document",
            breaks: |root| std::fs::remove_file(root.join(AR)).unwrap(),
            kind: "unreadable",
            file: || AR.to_owned(),
            advice: &["cannot read", "accord.ron"],
        },
        Case {
            name: "bad RON",
            breaks: |root| edit_file(root, &zh_file(), "label: \"MONEY\",", "label: \"MONEY\""),
            kind: "bad_ron",
            file: zh_file,
            advice: &["fix the file by hand or restore it from version control"],
        },
        Case {
            name: "offsets out of range",
            breaks: |root| {
                edit_file(
                    root,
                    &zh_file(),
                    "end: 618, text: \"20亿美元\"",
                    "end: 9618, text: \"20亿美元\"",
                )
            },
            kind: "bad_range",
            file: zh_file,
            advice: &[
                "runs past the end",
                "restore the document or fix the offsets",
            ],
        },
        Case {
            name: "fragment text differs from the document",
            breaks: |root| edit_file(root, &zh_file(), "text: \"20亿美元\"", "text: \"30亿美元\""),
            kind: "text_mismatch",
            file: zh_file,
            advice: &["30亿美元", "20亿美元", "restore the document"],
        },
        Case {
            name: "document changed",
            breaks: |root| {
                let path = root.join(ZH);
                let text = std::fs::read_to_string(&path).unwrap();
                std::fs::write(path, format!("新的标题\n{text}")).unwrap();
            },
            kind: "document_changed",
            file: zh_file,
            advice: &[
                ZH,
                "changed since it was annotated",
                "restore the original text or re-annotate",
                "accord reanchor",
            ],
        },
        Case {
            name: "unknown label",
            breaks: |root| edit_file(root, &zh_file(), "label: \"DATE\",", "label: \"TIME\","),
            kind: "unknown_label",
            file: zh_file,
            advice: &["\"TIME\"", "add the label to the schema or relabel"],
        },
        Case {
            name: "unknown attribute",
            breaks: |root| {
                edit_file(
                    root,
                    &zh_file(),
                    "\"status\": Enum(\"new\")",
                    "\"mood\": Enum(\"new\")",
                )
            },
            kind: "bad_attribute",
            file: zh_file,
            advice: &["\"mood\"", "remove it or add it to the label in the schema"],
        },
        Case {
            name: "missing required attribute",
            breaks: |root| edit_file(root, &zh_file(), "\"actors\": Refs([1, 3]), ", ""),
            kind: "missing_required",
            file: zh_file,
            advice: &["\"actors\"", "fill it in"],
        },
        Case {
            name: "duplicate id",
            breaks: |root| edit_file(root, &zh_file(), "id: 5,", "id: 4,"),
            kind: "duplicate_id",
            file: zh_file,
            advice: &["id 4", "give one of them"],
        },
        Case {
            name: "dangling link",
            breaks: |root| {
                edit_file(
                    root,
                    &zh_file(),
                    "from: 4,\n            to: 3,",
                    "from: 4,\n            to: 99,",
                )
            },
            kind: "dangling",
            file: zh_file,
            advice: &["#99", "restore the annotation"],
        },
        Case {
            name: "dangling cross-document member",
            breaks: |root| edit_file(root, "links/alice.ron", "annotation: 6)", "annotation: 66)"),
            kind: "dangling",
            file: || "links/alice.ron".to_owned(),
            advice: &["#66", AR, "remove the member or restore"],
        },
        Case {
            name: "path outside the project",
            breaks: |root| {
                edit_file(
                    root,
                    "accord.ron",
                    "documents: [",
                    "documents: [\n        (file: \"../x.txt\"),",
                )
            },
            kind: "outside_project",
            file: || "../x.txt".to_owned(),
            advice: &["outside the project", "move the file into the project"],
        },
        Case {
            name: "newer format",
            breaks: |root| edit_file(root, &zh_file(), "format: 1,", "format: 7,"),
            kind: "newer_format",
            file: zh_file,
            advice: &["format 7", "update Accord"],
        },
        Case {
            name: "unknown relation",
            breaks: |root| {
                edit_file(
                    root,
                    &zh_file(),
                    "kind: \"located_in\"",
                    "kind: \"borders\"",
                )
            },
            kind: "unknown_relation",
            file: zh_file,
            advice: &["\"borders\"", "add it to the schema"],
        },
        Case {
            name: "annotation file of no document",
            breaks: |root| {
                std::fs::copy(
                    root.join(zh_file()),
                    root.join("annotations/alice/gone.txt.ron"),
                )
                .unwrap();
            },
            kind: "orphan_file",
            file: || "annotations/alice/gone.txt.ron".to_owned(),
            advice: &["add it to accord.ron or delete this file"],
        },
    ]
}

#[test]
fn validate_exits_1_with_a_finding_that_names_the_file_and_says_what_to_do() {
    for case in cases() {
        let dir = golden_project();
        (case.breaks)(dir.path());
        let file = (case.file)();

        let (exit, json) = validate_json(dir.path());
        assert_eq!(exit, 1, "{}: {json:#}", case.name);
        let findings = json["findings"].as_array().expect("findings array");
        let finding = findings
            .iter()
            .find(|f| f["kind"] == case.kind && f["file"] == file.as_str())
            .unwrap_or_else(|| {
                panic!(
                    "{}: no {} finding for {file}: {json:#}",
                    case.name, case.kind
                )
            });
        let message = finding["message"].as_str().expect("message");
        for words in case.advice {
            assert!(
                message.contains(words),
                "{}: {words:?} not in {message:?}",
                case.name
            );
        }
        for f in findings {
            for field in ["file", "kind", "message"] {
                assert!(
                    f[field].is_string(),
                    "{}: finding without {field}: {f}",
                    case.name
                );
            }
        }

        // The text output prints `file[:line[:column]]: message` and a summary.
        let out = accord(&["validate", &dir.path().to_string_lossy()], dir.path());
        assert_eq!(code(&out), 1, "{}", case.name);
        let text = stdout(&out);
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("{file}:")) && l.contains(message)),
            "{}: no line for {file}: {text}",
            case.name
        );
        assert!(
            text.trim_end().ends_with("problem") || text.trim_end().ends_with("problems"),
            "{text}"
        );
    }
}

#[test]
fn bad_ron_findings_carry_line_and_column() {
    let dir = golden_project();
    let line = 1 + std::fs::read_to_string(dir.path().join(zh_file()))
        .unwrap()
        .lines()
        .position(|l| l.contains("label: \"MONEY\","))
        .unwrap();
    edit_file(
        dir.path(),
        &zh_file(),
        "label: \"MONEY\",",
        "label: \"MONEY\"",
    );
    let (_, json) = validate_json(dir.path());
    let finding = &json["findings"][0];
    assert_eq!(finding["kind"], "bad_ron");
    // The parser notices the missing comma at the next field, one line down.
    let (l, c) = (
        finding["line"].as_u64().unwrap() as usize,
        finding["column"].as_u64().unwrap(),
    );
    assert!(
        l == line || l == line + 1,
        "line {l}, the comma is missing on {line}: {finding}"
    );
    assert!(c >= 1);
    let message = finding["message"].as_str().unwrap();
    assert!(
        message.starts_with("not a valid annotation file: "),
        "{message}"
    );
    assert!(message.contains("fix the file by hand"), "{message}");

    let out = accord(&["validate"], dir.path());
    let text = stdout(&out);
    let line = text.lines().next().unwrap();
    assert!(
        line.starts_with(&format!(
            "{}:{l}:{c}: not a valid annotation file",
            zh_file()
        )),
        "{text}"
    );
    assert_eq!(
        line.matches(ZH).count(),
        1,
        "the location is printed once: {line}"
    );
}

#[test]
fn members_of_an_unreadable_file_are_not_called_dangling() {
    let dir = golden_project();
    edit_file(
        dir.path(),
        &zh_file(),
        "label: \"MONEY\",",
        "label: \"MONEY\"",
    );
    let (_, json) = validate_json(dir.path());
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(
        findings.len(),
        1,
        "only the broken file is reported: {json:#}"
    );
    // A member that is really missing is still reported.
    edit_file(
        dir.path(),
        "links/alice.ron",
        "annotation: 6)",
        "annotation: 66)",
    );
    let (_, json) = validate_json(dir.path());
    let dangling: Vec<&Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "dangling")
        .collect();
    assert_eq!(dangling.len(), 1, "{json:#}");
    assert!(dangling[0]["message"].as_str().unwrap().contains("#66"));
}

#[test]
fn findings_in_annotation_files_point_at_the_annotation_line() {
    let dir = golden_project();
    edit_file(
        dir.path(),
        &zh_file(),
        "text: \"20亿美元\"",
        "text: \"30亿美元\"",
    );
    let want = 1 + std::fs::read_to_string(dir.path().join(zh_file()))
        .unwrap()
        .lines()
        .position(|l| l.trim() == "id: 7,")
        .unwrap();
    let (_, json) = validate_json(dir.path());
    let finding = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "text_mismatch")
        .unwrap();
    assert_eq!(finding["line"].as_u64(), Some(want as u64), "{finding}");
}

/// Documents may live in sub-folders (`news/a.txt`); their annotation files are
/// `annotations/<annotator>/news/a.txt.ron` and must be validated too.
#[test]
fn annotation_files_of_documents_in_sub_folders_are_validated() {
    let dir = sample_project();
    std::fs::create_dir(dir.path().join("news")).unwrap();
    std::fs::write(
        dir.path().join("news/astana.txt"),
        "Talks in Astana on 25 August.\n",
    )
    .unwrap();
    edit_file(
        dir.path(),
        "accord.ron",
        "documents: [",
        "documents: [\n        (file: \"news/astana.txt\"),",
    );
    let mut ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
    let news = ws.project.document_index("news/astana.txt").unwrap();
    let add = Edit::Add {
        label: "LOCATION".into(),
        ranges: vec![CharRange::new(9, 15)],
        attributes: BTreeMap::new(),
        source: None,
    };
    ws.apply(vec![(news, add)]).unwrap();
    for (_, r) in ws.save_all() {
        r.unwrap();
    }
    let (exit, json) = validate_json(dir.path());
    assert_eq!(exit, 0, "{json:#}");
    assert_eq!(json["files_checked"], 1);
    assert_eq!(json["annotations_checked"], 1);

    let rel = "annotations/alice/news/astana.txt.ron";
    edit_file(dir.path(), rel, "text: \"Astana\"", "text: \"Almaty\"");
    let (exit, json) = validate_json(dir.path());
    assert_eq!(exit, 1);
    assert_eq!(json["findings"][0]["file"], rel, "{json:#}");
    assert_eq!(json["findings"][0]["kind"], "text_mismatch");
}

#[test]
fn validate_exits_2_when_the_project_cannot_be_read() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-project");
    let out = accord(&["validate", &missing.to_string_lossy()], dir.path());
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("cannot open project folder") && err.contains("no-such-project"),
        "{err}"
    );
    assert!(
        err.contains("pass the folder that holds"),
        "what to do: {err}"
    );
    assert_eq!(
        err.matches("No such file").count(),
        1,
        "the cause is printed once: {err}"
    );
    assert!(stdout(&out).is_empty());

    let file = dir.path().join("file.txt");
    std::fs::write(&file, "x").unwrap();
    let out = accord(&["validate", &file.to_string_lossy()], dir.path());
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("not a folder"), "{}", stderr(&out));

    let project = sample_project();
    edit_file(
        project.path(),
        "accord.ron",
        "name: \"Kazakhstan",
        "name: Kazakhstan",
    );
    let out = accord(
        &["validate", "--json", &project.path().to_string_lossy()],
        project.path(),
    );
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("accord.ron:") && err.contains("not a valid project file"),
        "{err}"
    );
    assert!(
        err.contains("fix it by hand or restore it from version control"),
        "{err}"
    );
    assert!(stdout(&out).is_empty(), "no half JSON on stdout");

    let out = accord(
        &["stats", &project.path().to_string_lossy()],
        project.path(),
    );
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("accord.ron"));
}

#[test]
fn validate_reports_every_finding_of_a_badly_broken_project() {
    let dir = golden_project();
    for case in cases() {
        if ["bad RON", "newer format", "unreadable annotation file"].contains(&case.name) {
            continue; // these hide the rest of the file
        }
        (case.breaks)(dir.path());
    }
    let (exit, json) = validate_json(dir.path());
    assert_eq!(exit, 1);
    let kinds: std::collections::BTreeSet<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    for kind in [
        "unreadable",
        "bad_range",
        "text_mismatch",
        "document_changed",
        "unknown_label",
        "bad_attribute",
        "missing_required",
        "duplicate_id",
        "dangling",
        "outside_project",
        "unknown_relation",
        "orphan_file",
    ] {
        assert!(kinds.contains(kind), "{kind} missing from {kinds:?}");
    }
}

/// alice: the golden files (zh 9, ar 10); bob: two annotations on the Chinese statement.
fn stats_project() -> tempfile::TempDir {
    let dir = golden_project();
    let mut ws = Workspace::open(Project::open(dir.path()).unwrap(), "bob");
    let zh = ws.project.document_index(ZH).unwrap();
    let add = |label: &str, start, end| Edit::Add {
        label: label.into(),
        ranges: vec![CharRange::new(start, end)],
        attributes: BTreeMap::new(),
        source: None,
    };
    ws.apply(vec![(zh, add("MONEY", 613, 618)), (zh, add("ORG", 0, 7))])
        .unwrap();
    for (_, r) in ws.save_all() {
        r.unwrap();
    }
    dir
}

#[test]
fn stats_counts_per_label_layer_annotator_and_document() {
    let dir = stats_project();
    let out = accord(
        &["stats", "--json", &dir.path().to_string_lossy()],
        dir.path(),
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["documents"], 5);
    assert_eq!(json["annotations"], 21);
    let chars: u64 = crate::common::sample_documents()
        .iter()
        .map(|d| d.len_chars() as u64)
        .sum();
    assert_eq!(json["chars"], chars);
    let expect = |key: &str, pairs: &[(&str, u64)]| {
        let want: serde_json::Map<String, Value> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Value::from(*v)))
            .collect();
        assert_eq!(json[key], Value::Object(want), "{key}");
    };
    expect(
        "per_label",
        &[
            ("COMMITMENT", 2),
            ("COUNTRY", 4),
            ("DATE", 4),
            ("EVENT", 1),
            ("LOCATION", 2),
            ("MONEY", 3),
            ("ORG", 1),
            ("PERSON", 4),
        ],
    );
    expect("per_layer", &[("commitment", 2), ("entity", 19)]);
    expect("per_annotator", &[("alice", 19), ("bob", 2)]);
    let per_doc: BTreeMap<&str, u64> = json["per_document"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap(),
                d["annotations"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(per_doc[ZH], 11);
    assert_eq!(per_doc[AR], 10);
    assert_eq!(per_doc.values().sum::<u64>(), 21);
    let zh = json["per_document"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == ZH)
        .unwrap();
    assert_eq!(zh["language"], "zh");
    assert_eq!(zh["chars"], 2048);

    let out = accord(&["stats", &dir.path().to_string_lossy()], dir.path());
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    assert!(
        text.contains("5 documents") && text.contains("21 annotations"),
        "{text}"
    );
    let line = |prefix: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(prefix))
            .unwrap_or_else(|| panic!("{prefix} not in {text}"))
            .to_owned()
    };
    assert!(line("MONEY").trim_end().ends_with(" 3"), "{text}");
    assert!(line("bob").trim_end().ends_with(" 2"), "{text}");
    assert!(line("commitment").trim_end().ends_with(" 2"), "{text}");
    assert!(
        line(ZH).contains("2048 chars") && line(ZH).trim_end().ends_with("11 annotations"),
        "{text}"
    );
}

#[test]
fn stats_lists_files_it_could_not_count() {
    let dir = stats_project();
    edit_file(
        dir.path(),
        &format!("annotations/bob/{ZH}.ron"),
        "format: 2,",
        "format: 9,",
    );
    let out = accord(
        &["stats", "--json", &dir.path().to_string_lossy()],
        dir.path(),
    );
    assert_eq!(code(&out), 0);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["annotations"], 19);
    let unreadable = json["unreadable_files"].as_array().unwrap();
    assert_eq!(unreadable.len(), 1);
    assert!(
        unreadable[0].as_str().unwrap().contains("update Accord"),
        "{unreadable:?}"
    );
}

#[test]
fn check_layout_round_trips_every_sample_char_at_three_widths() {
    let paths = crate::common::sample_paths();
    let args: Vec<String> = paths
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    for width in ["300", "500", "900"] {
        let mut all = vec!["check-layout", "--width", width];
        all.extend(args.iter().map(String::as_str));
        let out = accord(&all, Path::new(env!("CARGO_MANIFEST_DIR")));
        let text = stdout(&out);
        assert_eq!(code(&out), 0, "width {width}:\n{text}{}", stderr(&out));
        for path in &args {
            let line = text
                .lines()
                .find(|l| l.starts_with(path.as_str()))
                .unwrap_or_else(|| panic!("{path} not in {text}"));
            let counts = line
                .split(": ")
                .nth(1)
                .and_then(|r| r.split(" chars round-trip").next())
                .unwrap_or_else(|| panic!("{line}"));
            let (passed, checked) = counts.split_once('/').unwrap_or_else(|| panic!("{line}"));
            assert_eq!(passed, checked, "width {width}: {line}");
            assert!(checked.parse::<usize>().unwrap() > 500, "{line}");
        }
    }
}

/// Changed behaviour: a Latin-1 file (`caf\xe9`) used to be refused as not UTF-8; its encoding
/// is now detected. Damaged UTF-8 is still refused, saying where and what to do.
#[test]
fn check_layout_says_why_a_file_cannot_be_checked() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = "Қазақстан".as_bytes().to_vec();
    bytes.push(0xe9);
    std::fs::write(dir.path().join("bad.txt"), bytes).unwrap();
    let out = accord(&["check-layout", "bad.txt"], dir.path());
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    assert!(
        text.contains("bad.txt")
            && text.contains("not valid UTF-8 (first bad byte at byte 18)")
            && text.contains("repair the file"),
        "{text}"
    );
    std::fs::write(dir.path().join("latin.txt"), b"caf\xe9").unwrap();
    let out = accord(&["check-layout", "latin.txt"], dir.path());
    assert!(!stdout(&out).contains("cannot check"), "{}", stdout(&out));
}

#[test]
fn output_into_a_pipe_closed_early_exits_0_as_head_expects() {
    // `accord stats --json | head -n 1`: the reader leaves after one line. 3000 documents make
    // the output far larger than a pipe's buffer, so the writer is still writing when it goes.
    let dir = tempfile::tempdir().unwrap();
    for i in 0..3000 {
        std::fs::write(dir.path().join(format!("doc-{i:04}.txt")), "text").unwrap();
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(["stats", "--json"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut first,
    )
    .unwrap();
    assert_eq!(first, "{\n");
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 0, "stderr: {}", stderr(&out));
    assert_eq!(stderr(&out), "", "nothing to complain about");
}

/// Output that cannot be written (a full disk: `/dev/full`) is an error and a failing exit,
/// not a report that seems to have been written. Short output is the case to catch: it all
/// sits in the buffer until the end.
#[test]
fn output_that_cannot_be_written_fails_and_says_so() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // not Linux
    };
    let out = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(["stats"])
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/sample_docs"))
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "stderr: {}", stderr(&out));
    assert!(
        stderr(&out).contains("writing the output") && stderr(&out).contains("No space left"),
        "{}",
        stderr(&out)
    );
}

/// `accord commitments` on the sample project lists exactly the COMMITMENT annotations of
/// every annotator's files, each with the texts its attributes point at and the thread its
/// links file puts it in, by document date; the CSV says the same.
#[test]
fn commitments_ledger_matches_the_sample_annotation_files() {
    use accord::model::AttributeValue;
    use accord::project::CrossLinkFile;
    use accord::store::AnnotationFile;

    let root = crate::common::sample_dir();
    let project = Project::open(&root).unwrap();
    // What the files say, read without the ledger's code.
    let mut expected = Vec::new();
    for annotator in project.annotators() {
        let links = CrossLinkFile::load(&project.links_path(&annotator)).ok();
        for slot in &project.documents {
            let path = project.annotation_path(&annotator, slot.file());
            let Ok(file) = AnnotationFile::load(&path) else {
                continue;
            };
            let text_of = |id| {
                let a = file.annotations.iter().find(|a| a.id == id).unwrap();
                a.fragments
                    .iter()
                    .map(|f| f.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" … ")
            };
            for a in file.annotations.iter().filter(|a| a.label == "COMMITMENT") {
                let refs = |name: &str| match a.attributes.get(name) {
                    Some(AttributeValue::Refs(ids)) => ids.iter().map(|i| text_of(*i)).collect(),
                    Some(AttributeValue::Text(t) | AttributeValue::Enum(t)) => vec![t.clone()],
                    _ => Vec::<String>::new(),
                };
                let thread = links.as_ref().and_then(|l| {
                    l.groups.iter().find(|g| {
                        g.members
                            .iter()
                            .any(|m| m.document == slot.file() && m.annotation == a.id)
                    })
                });
                expected.push(serde_json::json!({
                    "annotator": annotator,
                    "document": slot.file(),
                    "date": slot.entry.date,
                    "annotation": a.id.0,
                    "actors": refs("actors"),
                    "target": refs("target").first(),
                    "deadline": refs("deadline").first(),
                    "kind": refs("kind").first(),
                    "thread": thread.map(|g| g.id.0),
                }));
            }
        }
    }
    assert!(expected.len() >= 4, "the sample has commitments");

    let out = accord(&["commitments", "--json", &root.to_string_lossy()], &root);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let keys = [
        "annotator",
        "document",
        "date",
        "annotation",
        "actors",
        "target",
        "deadline",
        "kind",
        "thread",
    ];
    let mut got: Vec<Value> = rows
        .iter()
        .map(|r| {
            Value::Object(
                keys.iter()
                    .map(|k| (k.to_string(), r[*k].clone()))
                    .collect(),
            )
        })
        .collect();
    // By document date: each row's date is not before the previous row's (undated last).
    let dates: Vec<Option<String>> = rows
        .iter()
        .map(|r| r["date"].as_str().map(str::to_owned))
        .collect();
    let placed = |d: &Option<String>| {
        d.as_deref()
            .filter(|d| !d.starts_with("--"))
            .map(str::to_owned)
    };
    for pair in dates.windows(2) {
        match (placed(&pair[0]), placed(&pair[1])) {
            (Some(a), Some(b)) => assert!(a <= b, "{a} before {b}"),
            (None, Some(b)) => panic!("an undated row before {b}"),
            _ => {}
        }
    }
    let sort = |v: &mut Vec<Value>| v.sort_by_key(|r| r.to_string());
    sort(&mut got);
    sort(&mut expected);
    assert_eq!(got, expected);

    let csv = accord(&["commitments", "--csv", &root.to_string_lossy()], &root);
    assert_eq!(code(&csv), 0);
    let mut reader = csv::Reader::from_reader(csv.stdout.as_slice());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "document");
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), rows.len());
    for (record, row) in records.iter().zip(&rows) {
        let get = |name: &str| &record[headers.iter().position(|h| h == name).unwrap()];
        assert_eq!(get("document"), row["document"].as_str().unwrap());
        assert_eq!(get("text"), row["text"].as_str().unwrap());
        let actors: Vec<&str> = row["actors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert_eq!(get("actors"), actors.join("; "));
    }

    let unknown = accord(
        &[
            "commitments",
            "--annotator",
            "nobody",
            &root.to_string_lossy(),
        ],
        &root,
    );
    assert_eq!(code(&unknown), 2);
    assert!(stderr(&unknown).contains("nobody"), "{}", stderr(&unknown));
}

/// A commitment without its required actors says so; an unreadable annotation file stops the
/// ledger with its name rather than leaving its commitments out.
#[test]
fn commitments_ledger_names_what_is_missing_and_what_cannot_be_read() {
    let dir = sample_project();
    let root = dir.path();
    let project = Project::open(root).unwrap();
    let mut ws = Workspace::open(project, "alice");
    let zh = ws.project.document_index(ZH).unwrap();
    ws.apply(vec![(
        zh,
        Edit::Add {
            label: "COMMITMENT".into(),
            ranges: vec![CharRange::new(0, 5)],
            attributes: BTreeMap::new(),
            source: None,
        },
    )])
    .unwrap();
    for (_, r) in ws.save_all() {
        r.unwrap();
    }
    let out = accord(&["commitments", "--annotator", "alice"], root);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains(&format!("{ZH} (")), "{text}");
    assert!(
        text.contains("missing:  kind, actors") || text.contains("missing:  actors, kind"),
        "{text}"
    );
    assert!(text.contains("no thread"), "{text}");

    edit_file(root, &zh_file(), "(", "((");
    let out = accord(&["commitments"], root);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains(&zh_file()) || stderr(&out).contains(ZH),
        "{}",
        stderr(&out)
    );
}
/// Inserts a title above the Chinese sample document, so every annotation of it moves by the
/// title's length.
fn insert_title(root: &Path, title: &str) {
    let path = root.join(ZH);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(path, format!("{title}{text}")).unwrap();
}

#[test]
fn reanchor_moves_the_annotations_of_a_changed_document_and_saves() {
    let dir = golden_project();
    insert_title(dir.path(), "新的标题\n");
    assert_eq!(code(&accord(&["validate"], dir.path())), 1);
    let before = crate::common::folder_bytes(dir.path());

    let out = accord(&["reanchor", "--dry-run"], dir.path());
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}{}", stderr(&out));
    assert!(
        text.contains(&format!("{}: 9 moved, 0 not placed", zh_file())),
        "{text}"
    );
    assert!(
        text.contains("moved #7 MONEY \"20亿美元\": 613..618 -> 618..623 (exact)"),
        "{text}"
    );
    assert!(text.contains("(dry run: nothing written)"), "{text}");
    assert_eq!(
        crate::common::folder_bytes(dir.path()),
        before,
        "a dry run writes nothing"
    );

    let out = accord(&["reanchor", "--annotator", "alice"], dir.path());
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}{}", stderr(&out));
    assert!(text.contains("  saved"), "{text}");
    assert!(
        text.contains("alice: 1 file(s) changed, 9 annotation(s) moved, 0 not placed"),
        "{text}"
    );
    assert_eq!(code(&accord(&["validate"], dir.path())), 0);
    // Nothing left to do.
    let out = accord(&["reanchor"], dir.path());
    assert_eq!(code(&out), 0);
    assert!(
        stdout(&out).contains("0 file(s) changed"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn reanchor_lists_what_it_cannot_place_and_exits_1() {
    let dir = golden_project();
    insert_title(dir.path(), "标题\n");
    edit_file(dir.path(), ZH, "20亿美元", "30亿美元");
    let out = accord(&["reanchor"], dir.path());
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}{}", stderr(&out));
    assert!(
        text.contains("not placed #7 MONEY \"20亿美元\" at 613..618")
            && text.contains("left as it was"),
        "{text}"
    );
    let saved = std::fs::read_to_string(dir.path().join(zh_file())).unwrap();
    assert!(
        saved.contains("(start: 613, end: 618, text: \"20亿美元\")"),
        "the unplaced annotation keeps its offsets and text"
    );
    let (exit, json) = validate_json(dir.path());
    assert_eq!(exit, 1);
    let kinds: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"text_mismatch"), "{json:#}");
    assert!(
        !kinds.contains(&"document_changed"),
        "the stamp is the new document's: {json:#}"
    );
}

#[test]
fn reanchor_never_touches_files_it_cannot_read_or_that_another_accord_holds() {
    let dir = golden_project();
    insert_title(dir.path(), "标题\n");
    // An unreadable file of another document, and a lock held by a running process.
    edit_file(
        dir.path(),
        &format!("annotations/alice/{AR}.ron"),
        "format: 1,",
        "format: 1",
    );
    let before = crate::common::folder_bytes(dir.path());
    let out = accord(&["reanchor"], dir.path());
    let text = stdout(&out);
    assert_eq!(code(&out), 2, "{text}");
    assert!(
        text.contains(&format!("annotations/alice/{AR}.ron: not re-anchored")),
        "{text}"
    );
    let after = crate::common::folder_bytes(dir.path());
    let ar = Path::new("annotations/alice").join(format!("{AR}.ron"));
    assert_eq!(after.get(&ar), before.get(&ar));

    let dir = golden_project();
    insert_title(dir.path(), "标题\n");
    let lock = accord::project::lock::AnnotatorLock::path_for(dir.path(), "alice");
    std::fs::write(
        &lock,
        format!(
            "(pid: {}, host: {:?}, since: \"2026-11-23T15:10:00Z\")",
            std::process::id(),
            accord::project::lock::host_name()
        ),
    )
    .unwrap();
    let before = crate::common::folder_bytes(dir.path());
    let out = accord(&["reanchor"], dir.path());
    let text = stdout(&out);
    assert_eq!(code(&out), 2, "{text}");
    assert!(
        text.contains("alice: not re-anchored")
            && text.contains(&format!("process {}", std::process::id())),
        "{text}"
    );
    assert_eq!(crate::common::folder_bytes(dir.path()), before);
}

/// A span of `needle` (its first occurrence) in document `file` of the sample project.
fn add_span(ws: &Workspace, file: &str, needle: &str, label: &str) -> (DocId, Edit) {
    let doc = ws.project.document_index(file).unwrap();
    let start = crate::common::char_offset_of(ws.document(doc).unwrap(), needle);
    let edit = Edit::Add {
        label: label.into(),
        ranges: vec![CharRange::new(start, start + needle.chars().count())],
        attributes: BTreeMap::new(),
        source: None,
    };
    (doc, edit)
}

#[test]
fn recover_puts_back_what_a_crash_left_unsaved_and_says_what_per_annotator_and_document() {
    let dir = sample_project();
    let root = dir.path();
    let out = accord(&["recover"], root);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("nothing to recover"),
        "{}",
        stdout(&out)
    );

    // Alice edits two documents and the reviewer the curated set; neither saves (a crash:
    // dropping a workspace saves nothing).
    let mut ws = Workspace::open(Project::open(root).unwrap(), "alice");
    let step = vec![
        add_span(&ws, ZH, "哈萨克斯坦", "COUNTRY"),
        add_span(&ws, AR, "كازاخستان", "COUNTRY"),
    ];
    ws.apply(step).unwrap();
    ws.apply(vec![add_span(&ws, ZH, "塔吉克斯坦", "COUNTRY")])
        .unwrap();
    drop(ws);
    let mut ws = Workspace::open_as(Project::open(root).unwrap(), CURATED, "rustam");
    ws.apply(vec![add_span(&ws, ZH, "塔吉克斯坦", "COUNTRY")])
        .unwrap();
    drop(ws);

    // A dry run says what it would put back and writes nothing.
    let before = crate::common::folder_bytes(root);
    let out = accord(&["recover", "--dry-run"], root);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}{}", stderr(&out));
    for line in [
        "alice: recovered 2 edit(s) from annotations/.alice.journal, 0 already saved, 0 not applied",
        &format!("  {ZH}: 2 edit(s): 2 added, 0 changed, 0 removed"),
        &format!("  {AR}: 1 edit(s): 1 added, 0 changed, 0 removed"),
        "curated: recovered 1 edit(s) from annotations/.curated.journal",
        "dry run: nothing written",
    ] {
        assert!(text.contains(line), "{line:?} in {text}");
    }
    assert_eq!(crate::common::folder_bytes(root), before);

    // One annotator: theirs is saved and their journal emptied; the other's is left.
    let out = accord(&["recover", "--annotator", "alice"], root);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}{}", stderr(&out));
    assert!(text.contains(&format!("  saved {}", zh_file())), "{text}");
    assert!(!text.contains("curated"), "{text}");
    let journal = |who: &str| accord::project::journal::journal_path(root, who);
    assert_eq!(std::fs::metadata(journal("alice")).unwrap().len(), 0);
    assert!(std::fs::metadata(journal(CURATED)).unwrap().len() > 0);
    let ws = Workspace::open(Project::open(root).unwrap(), "alice");
    assert!(ws.recovery().is_none() && !ws.is_dirty());
    let zh = ws.project.document_index(ZH).unwrap();
    assert_eq!(ws.store(zh).len(), 2);
    drop(ws);
    let (exit, json) = validate_json(root);
    assert_eq!(exit, 0, "{json:#}");

    // Every annotator with a journal: the curated set now; then nothing is left.
    let out = accord(&["recover"], root);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}");
    assert!(
        text.contains(&format!("  saved annotations/{CURATED}/{ZH}.ron")),
        "{text}"
    );
    let out = accord(&["recover"], root);
    assert!(
        stdout(&out).contains("nothing to recover"),
        "{}",
        stdout(&out)
    );

    // An edit of a document whose text changed since: exit 1, listed, the journal kept aside.
    let mut ws = Workspace::open(Project::open(root).unwrap(), "alice");
    ws.apply(vec![add_span(&ws, AR, "كازاخستان", "ORG")])
        .unwrap();
    drop(ws);
    let ar_text = std::fs::read(root.join(AR)).unwrap();
    std::fs::write(root.join(AR), "نص آخر").unwrap();
    let out = accord(&["recover"], root);
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}{}", stderr(&out));
    assert!(
        text.contains("not applied: line 1 (edit at ")
            && text.contains(&format!("{AR} changed since the edit was made")),
        "{text}"
    );
    assert!(
        text.contains("kept as annotations/.alice.journal."),
        "{text}"
    );
    std::fs::write(root.join(AR), ar_text).unwrap();

    // The lock held by another Accord (this process): exit 2, nothing touched.
    let mut ws = Workspace::open(Project::open(root).unwrap(), "alice");
    ws.apply(vec![add_span(&ws, AR, "كازاخستان", "ORG")])
        .unwrap();
    let before = crate::common::folder_bytes(root);
    let out = accord(&["recover", "--annotator", "alice"], root);
    let text = stdout(&out);
    assert_eq!(code(&out), 2, "{text}");
    assert!(
        text.contains("alice: not recovered") && text.contains("another Accord"),
        "{text}"
    );
    assert_eq!(crate::common::folder_bytes(root), before);
    drop(ws);
}

/// Every command that writes an annotator's files takes their lock first, as the window does:
/// while another process holds it (this test process, through the library, as an open window
/// would), import (`--force` too), recover (a journal kept aside too) and reanchor refuse with
/// exit 2, name the holder, and write nothing; once it is let go they work.
#[test]
fn commands_that_write_an_annotators_files_refuse_while_another_holds_their_lock() {
    let dir = golden_project();
    let root = dir.path();
    insert_title(root, "标题\n");
    let kept = root.join("annotations/.alice.journal.1.unapplied");
    std::fs::write(&kept, b"").unwrap();
    let kept = kept.to_string_lossy();
    let source = tempfile::tempdir().unwrap();
    let jsonl = source.path().join("alice.jsonl");
    let jsonl = jsonl.to_string_lossy();
    let export = accord(
        &[
            "export",
            "--format",
            "jsonl",
            "--annotator",
            "alice",
            "--out",
            &jsonl,
        ],
        root,
    );
    assert_eq!(code(&export), 0, "{}", stderr(&export));
    let commands: [&[&str]; 4] = [
        &[
            "import",
            "--format",
            "jsonl",
            &jsonl,
            "--into",
            ".",
            "--annotator",
            "alice",
            "--force",
        ],
        &["recover", "--annotator", "alice"],
        &["recover", "--annotator", "alice", "--journal", &kept],
        &["reanchor", "--annotator", "alice"],
    ];

    let held = accord::project::lock::Writers::acquire(root, ["alice"]).unwrap();
    let before = crate::common::folder_bytes(root);
    for args in commands {
        let out = accord(args, root);
        let said = format!("{}{}", stdout(&out), stderr(&out));
        assert_eq!(code(&out), 2, "{args:?}: {said}");
        assert!(
            said.contains("the annotations of alice are open in another Accord")
                && said.contains(&format!("process {}", std::process::id())),
            "{args:?} names the holder: {said}"
        );
        assert_eq!(
            crate::common::folder_bytes(root),
            before,
            "{args:?} wrote nothing"
        );
    }
    drop(held);
    for args in [commands[3], commands[0]] {
        let out = accord(args, root);
        assert_eq!(code(&out), 0, "{args:?}: {}{}", stdout(&out), stderr(&out));
    }
    assert_ne!(crate::common::folder_bytes(root), before);
}

/// The temporary files an interrupted save or import left (`.accord-save-*.tmp`) are removed by
/// the next command that writes, which says so, once they are old enough that no running write
/// can own them; a younger one is left alone. They are never documents.
#[test]
fn the_next_run_removes_the_temporary_files_an_interrupted_run_left() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("a.txt"), "Astana\n").unwrap();
    std::fs::create_dir_all(root.join("annotations/alice")).unwrap();
    let left = |rel: &str, age_secs: u64| {
        let file = std::fs::File::create(root.join(rel)).unwrap();
        std::io::Write::write_all(&mut &file, b"half a file").unwrap();
        file.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(age_secs))
            .unwrap();
    };
    left(".accord-save-Ab12Cd.tmp", 3600);
    left("annotations/alice/.accord-save-Ef34Gh.tmp", 3600);
    // Written a moment ago: perhaps another process's save under way.
    left("annotations/alice/.accord-save-Ij56Kl.tmp", 0);

    let stats = accord(&["stats", "--json"], root);
    let json: Value = serde_json::from_slice(&stats.stdout).unwrap();
    assert_eq!(
        json["documents"], 1,
        "a temporary file is no document: {json}"
    );

    let out = accord(&["reanchor"], root);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}{}", stderr(&out));
    assert!(
        text.contains("removed 2 unfinished save files left by an interrupted run")
            && text.contains(".accord-save-Ab12Cd.tmp")
            && text.contains(".accord-save-Ef34Gh.tmp"),
        "{text}"
    );
    assert!(!root.join(".accord-save-Ab12Cd.tmp").exists());
    assert!(
        !root
            .join("annotations/alice/.accord-save-Ef34Gh.tmp")
            .exists()
    );
    assert!(
        root.join("annotations/alice/.accord-save-Ij56Kl.tmp")
            .exists(),
        "a young one may be a write under way"
    );
    let again = stdout(&accord(&["reanchor"], root));
    assert!(!again.contains("unfinished"), "said once: {again}");
}
