//! `accord suggest`: what one hand-made label teaches, in every script of the samples; applied
//! as pre-annotation marked with its source; each suggester measured; an external Label Studio
//! ML backend (the test server of the suite) and one that is down.

use std::path::Path;

use accord::edit::Edit;
use accord::model::CharRange;
use accord::project::{Project, Workspace};
use serde_json::Value;

use crate::accord;
use crate::common::{copy_dir, sample_dir, sample_project};

#[path = "../../src/suggest/test_server.rs"]
mod test_server;

const AR: &str = "tj-kz-talks-astana.ar.txt";
const KK: &str = "kz-tj-foreign-ministers.kk.txt";
const RU: &str = "kz-tj-alliance-treaty.ru.txt";
const ZH: &str = "kz-tj-joint-statement.zh.txt";

/// Labels `ranges` (document, start, end, label) by hand as `annotator`, and saves.
fn label_by_hand(root: &Path, annotator: &str, ranges: &[(&str, usize, usize, &str)]) {
    let project = Project::open(root).unwrap();
    let mut ws = Workspace::open(project, annotator);
    for (file, start, end, label) in ranges {
        let doc = ws.project.document_index(file).unwrap();
        ws.apply(vec![(
            doc,
            Edit::Add {
                label: (*label).into(),
                ranges: vec![CharRange::new(*start, *end)],
                attributes: Default::default(),
                source: None,
            },
        )])
        .unwrap();
    }
    for (_, result) in ws.save_all() {
        result.unwrap();
    }
}

/// `accord suggest ARGS --json` in `root`: the rows, and the exit code.
fn suggest_json(root: &Path, args: &[&str]) -> (Vec<Value>, Option<i32>, String) {
    let mut all = vec!["suggest"];
    all.extend_from_slice(args);
    all.push("--json");
    let out = accord(&all, root);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let rows: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    (
        rows.as_array().cloned().unwrap_or_default(),
        out.status.code(),
        stderr,
    )
}

fn has(rows: &[Value], document: &str, start: usize, end: usize, label: &str) -> bool {
    rows.iter().any(|r| {
        r["document"] == document && r["start"] == start && r["end"] == end && r["label"] == label
    })
}

#[test]
fn one_hand_label_is_proposed_with_arabic_clitics_kazakh_and_russian_endings_and_in_chinese_without_spaces()
 {
    let dir = sample_project();
    label_by_hand(
        dir.path(),
        "tester",
        &[
            (AR, 164, 173, "COUNTRY"), // كازاخستان
            (KK, 14, 23, "COUNTRY"),   // Тәжікстан
            (RU, 435, 446, "COUNTRY"), // Таджикистан
            (ZH, 0, 5, "COUNTRY"),     // 哈萨克斯坦
        ],
    );
    let (rows, code, stderr) = suggest_json(
        dir.path(),
        &["--annotator", "tester", "--suggesters", "project"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    // وكازاخستان at 46: the stem, as the annotator labelled it, without the conjunction.
    assert!(has(&rows, AR, 47, 56, "COUNTRY"), "{rows:#?}");
    assert!(!rows.iter().any(|r| r["document"] == AR && r["start"] == 46));
    assert!(has(&rows, AR, 346, 355, "COUNTRY"));
    // Kazakh case endings: the whole word, as the annotator labelled a whole word.
    assert!(has(&rows, KK, 1134, 1146, "COUNTRY"), "Тәжікстанмен");
    assert!(has(&rows, KK, 1849, 1861, "COUNTRY"), "Тәжікстанның");
    // Russian genitive.
    assert!(has(&rows, RU, 2582, 2594, "COUNTRY"), "Таджикистана");
    // Chinese inside runs of characters without spaces.
    assert!(has(&rows, ZH, 51, 56, "COUNTRY"));
    assert!(has(&rows, ZH, 265, 270, "COUNTRY"));
    // Never over the spans labelled by hand.
    assert!(!has(&rows, AR, 164, 173, "COUNTRY"));
    for r in &rows {
        assert_eq!(r["source"], "project");
        let text = r["text"].as_str().unwrap();
        let chars = r["end"].as_u64().unwrap() - r["start"].as_u64().unwrap();
        assert_eq!(text.chars().count() as u64, chars, "{r}");
    }
}

#[test]
fn applied_suggestions_are_saved_with_their_source_and_not_proposed_again() {
    let dir = sample_project();
    label_by_hand(dir.path(), "tester", &[(ZH, 0, 5, "COUNTRY")]);
    let out = accord(
        &[
            "suggest",
            "--annotator",
            "tester",
            "--suggesters",
            "project",
            "--documents",
            ZH,
            "--apply",
            "--min-score",
            "0",
        ],
        dir.path(),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("added 14 suggested annotations"),
        "{stdout}"
    );
    let file = std::fs::read_to_string(
        dir.path()
            .join("annotations/tester")
            .join(format!("{ZH}.ron")),
    )
    .unwrap();
    assert!(file.contains("    format: 2,"), "{file}");
    assert_eq!(
        file.matches("source: Some((suggester: Project, score: ")
            .count(),
        14
    );
    let (rows, _, _) = suggest_json(
        dir.path(),
        &[
            "--annotator",
            "tester",
            "--suggesters",
            "project",
            "--documents",
            ZH,
        ],
    );
    assert!(rows.is_empty(), "{rows:#?}");
}

#[test]
fn each_suggester_is_measured_on_documents_it_did_not_learn_from() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&sample_dir(), dir.path());
    let out = accord(
        &["suggest", "--annotator", "aigerim", "--evaluate", "--json"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["method"],
        "leave-one-document-out over 5 labelled documents"
    );
    let suggesters = report["suggesters"].as_object().unwrap();
    let names: Vec<&String> = suggesters.keys().collect();
    assert_eq!(names, ["gazetteer:central-asia", "project", "tagger"]);
    // The gazetteer names every sample country in every language.
    let country = &suggesters["gazetteer:central-asia"]["by_label"]["COUNTRY"];
    let (right, wrong, missed) = (
        country["right"].as_u64().unwrap(),
        country["wrong"].as_u64().unwrap(),
        country["missed"].as_u64().unwrap(),
    );
    assert!(right > 80 && missed < 10 && wrong < right / 5, "{country}");
    // The forms of the one other Arabic document are found in the held-out one.
    let arabic = &suggesters["project"]["by_language"]["ar"];
    assert!(arabic["right"].as_u64().unwrap() > 10, "{arabic}");
    let text = accord(
        &["suggest", "--annotator", "aigerim", "--evaluate"],
        dir.path(),
    );
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("F1"), "{text}");
}

#[test]
fn an_external_label_studio_backend_proposes_spans_in_char_offsets() {
    let dir = sample_project();
    let server = test_server::TestServer::start(test_server::Behaviour::Echo {
        label: "COUNTRY".into(),
        needle: "Қазақстан".into(),
    })
    .unwrap();
    let (rows, code, stderr) = suggest_json(
        dir.path(),
        &[
            "--annotator",
            "tester",
            "--suggesters",
            &server.url,
            "--documents",
            KK,
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(rows.len(), 10, "{rows:#?}");
    for r in &rows {
        assert_eq!(r["text"], "Қазақстан");
        assert_eq!(r["source"], server.url.as_str());
        assert_eq!(r["label"], "COUNTRY");
    }
    assert!(has(&rows, KK, 0, 9, "COUNTRY"));
}

#[test]
fn a_dead_or_garbled_backend_is_named_and_the_rest_still_runs() {
    let dir = sample_project();
    label_by_hand(dir.path(), "tester", &[(ZH, 0, 5, "COUNTRY")]);
    let dead = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let started = std::time::Instant::now();
    let (rows, code, stderr) = suggest_json(
        dir.path(),
        &[
            "--annotator",
            "tester",
            "--suggesters",
            &format!("project,{dead}"),
            "--documents",
            ZH,
        ],
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(&dead) && stderr.contains("cannot reach"),
        "{stderr}"
    );
    assert!(
        has(&rows, ZH, 51, 56, "COUNTRY"),
        "the project's forms still"
    );

    let garbage = test_server::TestServer::start(test_server::Behaviour::Garbage).unwrap();
    let (_, code, stderr) = suggest_json(
        dir.path(),
        &["--annotator", "tester", "--suggesters", &garbage.url],
    );
    assert_eq!(code, Some(1));
    assert!(stderr.contains(&garbage.url), "{stderr}");
}

#[test]
fn import_with_suggest_pre_annotates_what_it_imports() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        r#"{"text": "Президент Казахстана встретился с президентом Таджикистана.", "label": [[10, 20, "COUNTRY"], [46, 58, "COUNTRY"]]}"#,
        r#"{"text": "Таджикистан и Казахстан подписали договор."}"#,
    ];
    std::fs::write(dir.path().join("news.jsonl"), lines.join("\n")).unwrap();
    let out = accord(
        &[
            "import",
            "--format",
            "jsonl",
            "news.jsonl",
            "--into",
            "proj",
            "--annotator",
            "bob",
            "--suggest",
        ],
        dir.path(),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("added 2 suggested annotations"), "{stdout}");
    let project = Project::open(&dir.path().join("proj")).unwrap();
    let ws = Workspace::open(project, "bob");
    let second = accord::project::DocId(1);
    let texts: Vec<(String, bool)> = ws
        .store(second)
        .annotations()
        .map(|a| {
            (
                ws.document(second)
                    .unwrap()
                    .slice(a.extent())
                    .unwrap()
                    .to_owned(),
                a.source.is_some(),
            )
        })
        .collect();
    assert_eq!(
        texts,
        [
            ("Таджикистан".to_owned(), true),
            ("Казахстан".to_owned(), true)
        ]
    );
}
