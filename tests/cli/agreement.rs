//! `accord agree` on generated projects: exact against overlap F1 on a boundary conflict, a
//! label conflict, nested spans under the unit policy, Han text, a missing annotator, the
//! curated folder, commitment attributes, the JSON shape, the TSV dump, and exit codes.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::accord;
use accord::model::{Annotation, AnnotationId, AttributeValue, Document, Fragment, Timestamp};
use accord::store::{AnnotationFile, DocumentStamp, file::CURRENT_FORMAT};

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("UTF-8 output")
}

/// `accord agree --json [extra]` in `root`, which must exit 0.
fn agree_json(root: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["agree", "--json", "--per-document", "."];
    args.extend_from_slice(extra);
    let out = accord(&args, root);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(&out)))
}

/// The JSON is the summary unless each document's figures are asked for.
#[test]
fn agree_json_gives_the_summary_and_each_document_on_request() {
    let texts = [
        ("a.txt", "Tokayev met Rahmon."),
        ("b.txt", "Rahmon met Tokayev."),
    ];
    let dir = project(&texts);
    for (annotator, label) in [("alice", "PERSON"), ("bob", "ORG")] {
        for (file, text) in texts {
            annotate(
                dir.path(),
                annotator,
                file,
                vec![span(1, label, text, "Rahmon")],
            );
        }
    }
    let out = accord(&["agree", "--json", "."], dir.path());
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(summary.get("overall").is_some() && summary.get("matrix").is_some());
    assert!(summary.get("documents").is_none(), "{summary}");
    let detailed = agree_json(dir.path(), &[]);
    assert_eq!(
        detailed["documents"].as_array().map(Vec::len),
        Some(2),
        "{detailed}"
    );
    let help = stdout(&accord(&["agree", "--help"], dir.path()));
    assert!(help.contains("--per-document"), "{help}");
}

/// `accord agree` as text in `root`, which must exit 0.
fn agree_text(root: &Path, extra: &[&str]) -> String {
    let mut args = vec!["agree", "."];
    args.extend_from_slice(extra);
    let out = accord(&args, root);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

/// The unit table written by `--dump-units`: its header and rows, split at tabs.
fn dump_units(root: &Path, extra: &[&str]) -> (Vec<String>, Vec<Vec<String>>) {
    let path = root.join("units.tsv");
    let mut args = vec!["agree", ".", "--dump-units", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = accord(&args, root);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text
        .lines()
        .map(|l| l.split('\t').map(str::to_owned).collect::<Vec<_>>());
    let header = lines.next().expect("a header line");
    (header, lines.collect())
}

/// A project folder of plain text documents (default schema, no accord.ron).
fn project(documents: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (file, text) in documents {
        std::fs::write(dir.path().join(file), text).unwrap();
    }
    dir
}

/// An annotation of the chars of `needle` (its first occurrence) in `text`.
fn span(id: u64, label: &str, text: &str, needle: &str) -> Annotation {
    let byte = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {text:?}"));
    let start = text[..byte].chars().count();
    fragments(id, label, &[(start, start + needle.chars().count())])
}

/// An annotation of char ranges (texts are filled in when written).
fn fragments(id: u64, label: &str, ranges: &[(usize, usize)]) -> Annotation {
    Annotation {
        id: AnnotationId(id),
        label: label.to_owned(),
        fragments: ranges
            .iter()
            .map(|&(start, end)| Fragment {
                start,
                end,
                text: String::new(),
            })
            .collect(),
        attributes: Default::default(),
        note: String::new(),
        review: Default::default(),
        author: "test".into(),
        created: Timestamp("2026-11-23T15:10:00Z".into()),
        modified: Timestamp("2026-11-23T15:10:00Z".into()),
        source: None,
        conflict: None,
    }
}

fn with(mut annotation: Annotation, name: &str, value: AttributeValue) -> Annotation {
    annotation.attributes.insert(name.to_owned(), value);
    annotation
}

fn refs(ids: &[u64]) -> AttributeValue {
    AttributeValue::Refs(ids.iter().map(|&i| AnnotationId(i)).collect())
}

/// Writes `annotations/<annotator>/<file>.ron` as Accord would.
fn annotate(root: &Path, annotator: &str, file: &str, mut annotations: Vec<Annotation>) {
    let doc = Document::open(&root.join(file)).unwrap();
    for a in &mut annotations {
        for f in &mut a.fragments {
            f.text = doc.slice(f.range()).unwrap().to_owned();
        }
    }
    annotations.sort_by_key(|a| (a.extent().start, a.id));
    let next_id = annotations.iter().map(|a| a.id.0 + 1).max().unwrap_or(1);
    let folder = root.join("annotations").join(annotator);
    std::fs::create_dir_all(&folder).unwrap();
    AnnotationFile {
        format: CURRENT_FORMAT,
        document: DocumentStamp::of(&doc),
        annotator: annotator.to_owned(),
        next_id,
        annotations,
        links: Vec::new(),
    }
    .save(&folder.join(format!("{file}.ron")))
    .unwrap();
}

fn f64_at(json: &Value, pointer: &str) -> f64 {
    json.pointer(pointer)
        .and_then(Value::as_f64)
        .unwrap_or_else(|| panic!("no number at {pointer}: {json:#}"))
}

fn assert_close(json: &Value, pointer: &str, want: f64) {
    let got = f64_at(json, pointer);
    assert!((got - want).abs() < 1e-12, "{pointer}: {got}, want {want}");
}

const TALKS: &str = "President Tokayev met President Rahmon in Dushanbe.";

#[test]
fn a_boundary_conflict_is_an_overlap_match_but_not_an_exact_one() {
    let dir = project(&[("talks.txt", TALKS)]);
    let root = dir.path();
    annotate(
        root,
        "alice",
        "talks.txt",
        vec![
            span(1, "PERSON", TALKS, "President Tokayev"),
            span(2, "LOCATION", TALKS, "Dushanbe"),
        ],
    );
    annotate(
        root,
        "bob",
        "talks.txt",
        vec![
            span(1, "PERSON", TALKS, "Tokayev"),
            span(2, "LOCATION", TALKS, "Dushanbe"),
        ],
    );
    let json = agree_json(root, &[]);
    let pair = "/overall/pairs/0/spans";
    assert_close(&json, &format!("{pair}/exact/f1"), 0.5);
    assert_close(&json, &format!("{pair}/overlap/f1"), 1.0);
    assert_close(&json, &format!("{pair}/boundary/f1"), 0.5);
    assert_close(&json, &format!("{pair}/labels/PERSON/exact/f1"), 0.0);
    assert_close(&json, &format!("{pair}/labels/PERSON/overlap/f1"), 1.0);
    // Units: "President" before Tokayev is PERSON for alice, O for bob; the other 7 agree.
    // p_o = 7/8; labels LOCATION, O, PERSON: alice 1, 5, 2; bob 1, 6, 1.
    // p_e = (1·1 + 5·6 + 2·1) / 64 = 33/64; κ = (56/64 − 33/64) / (31/64) = 23/31.
    assert_eq!(json["overall"]["pairs"][0]["units"], 8);
    assert_close(&json, "/overall/pairs/0/cohen_kappa", 23.0 / 31.0);

    let text = agree_text(root, &[]);
    let row = text
        .lines()
        .find(|l| l.trim_start().starts_with("alice"))
        .unwrap();
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(
        cells,
        [
            "alice", "bob", "1", "8", "0.8750", "0.7419", "0.5000", "1.0000", "0.5000", "2", "2"
        ],
        "{text}"
    );
}

#[test]
fn a_label_conflict_matches_boundaries_only_and_lowers_kappa_and_alpha() {
    let text = "Astana hosted the talks.";
    let dir = project(&[("a.txt", text)]);
    let root = dir.path();
    annotate(
        root,
        "alice",
        "a.txt",
        vec![span(1, "PERSON", text, "Astana")],
    );
    annotate(
        root,
        "bob",
        "a.txt",
        vec![span(1, "LOCATION", text, "Astana")],
    );
    let json = agree_json(root, &[]);
    let spans = &json["overall"]["pairs"][0]["spans"];
    assert_eq!(spans["exact"]["matched"], 0);
    assert_eq!(spans["overlap"]["matched"], 0, "labels differ");
    assert_eq!(spans["boundary"]["matched"], 1);
    // 5 units, 4 agree (O); alice PERSON 1, O 4; bob LOCATION 1, O 4:
    // p_e = 16/25, κ = (4/5 − 16/25) / (9/25) = 4/9.
    assert_close(&json, "/overall/pairs/0/cohen_kappa", 4.0 / 9.0);
    // Coincidences: o(O,O) = 8, o(P,L) = o(L,P) = 1; n = 10, n_O = 8, n_P = n_L = 1:
    // α = 1 − 9 · 2 / (2 · (8 + 8 + 1)) = 8/17.
    assert_close(&json, "/overall/krippendorff_alpha/value", 8.0 / 17.0);
    assert_eq!(json["overall"]["krippendorff_alpha"]["pairable_units"], 5);
    assert_eq!(json["overall"]["krippendorff_alpha"]["pairable_values"], 10);
}

const PLEDGE: &str = "They pledged to raise trade to 2 billion dollars.";

#[test]
fn nested_spans_give_their_tokens_to_the_innermost_span() {
    let dir = project(&[("pledge.txt", PLEDGE)]);
    let root = dir.path();
    // alice: a commitment with the money inside it; bob: the money alone. The ids are in the
    // opposite order for bob, which must not matter.
    annotate(
        root,
        "alice",
        "pledge.txt",
        vec![
            span(1, "COMMITMENT", PLEDGE, "raise trade to 2 billion dollars"),
            span(2, "MONEY", PLEDGE, "2 billion dollars"),
        ],
    );
    annotate(
        root,
        "bob",
        "pledge.txt",
        vec![span(9, "MONEY", PLEDGE, "2 billion dollars")],
    );
    let (header, rows) = dump_units(root, &[]);
    assert_eq!(header, ["document", "start", "end", "text", "alice", "bob"]);
    let labels: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (r[3].as_str(), r[4].as_str(), r[5].as_str()))
        .collect();
    assert_eq!(
        labels,
        [
            ("They", "O", "O"),
            ("pledged", "O", "O"),
            ("to", "O", "O"),
            ("raise", "COMMITMENT", "O"),
            ("trade", "COMMITMENT", "O"),
            ("to", "COMMITMENT", "O"),
            ("2", "MONEY", "MONEY"),
            ("billion", "MONEY", "MONEY"),
            ("dollars", "MONEY", "MONEY"),
            (".", "O", "O"),
        ]
    );
    // Offsets are chars, end exclusive: "raise" is 16..21.
    assert_eq!(rows[3][1..3], ["16".to_owned(), "21".to_owned()]);

    // Spans: MONEY agrees, COMMITMENT is alice's alone, so it is listed first (worst).
    let text = agree_text(root, &[]);
    let position = |label: &str| {
        text.lines()
            .position(|l| l.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("{label} not in {text}"))
    };
    assert!(position("COMMITMENT") < position("MONEY"), "{text}");

    // Restricted to MONEY, the commitment is as if it were not there.
    let (_, rows) = dump_units(root, &["--labels", "MONEY"]);
    assert!(rows.iter().all(|r| r[4] == r[5]), "{rows:?}");
    let json = agree_json(root, &["--labels", "MONEY"]);
    assert_close(&json, "/overall/pairs/0/cohen_kappa", 1.0);
    assert_eq!(json["labels"], serde_json::json!(["MONEY"]));
}

#[test]
fn han_text_is_one_unit_per_character() {
    let text = "哈萨克斯坦总统托卡耶夫。";
    let dir = project(&[("zh.txt", text)]);
    let root = dir.path();
    for annotator in ["alice", "bob"] {
        annotate(
            root,
            annotator,
            "zh.txt",
            vec![
                span(1, "COUNTRY", text, "哈萨克斯坦"),
                span(2, "PERSON", text, "托卡耶夫"),
            ],
        );
    }
    let (_, rows) = dump_units(root, &[]);
    let units: Vec<&str> = rows.iter().map(|r| r[3].as_str()).collect();
    assert_eq!(
        units,
        [
            "哈", "萨", "克", "斯", "坦", "总", "统", "托", "卡", "耶", "夫", "。"
        ]
    );
    assert_eq!(rows[7][4], "PERSON");
    assert_eq!(rows[5][4], "O");
    let json = agree_json(root, &[]);
    assert_eq!(json["overall"]["units"], 12);
    assert_close(&json, "/overall/pairs/0/cohen_kappa", 1.0);
    assert_close(&json, "/overall/krippendorff_alpha/value", 1.0);
}

#[test]
fn an_annotator_without_a_file_is_missing_not_o_and_an_empty_file_is_o() {
    let a = "Astana hosted the talks.";
    let b = "Dushanbe replied.";
    let dir = project(&[("a.txt", a), ("b.txt", b)]);
    let root = dir.path();
    for annotator in ["alice", "bob", "carol"] {
        annotate(
            root,
            annotator,
            "a.txt",
            vec![span(1, "LOCATION", a, "Astana")],
        );
    }
    annotate(
        root,
        "alice",
        "b.txt",
        vec![span(1, "LOCATION", b, "Dushanbe")],
    );
    annotate(root, "bob", "b.txt", vec![]);
    // carol has no file for b.txt.

    let (header, rows) = dump_units(root, &[]);
    assert_eq!(header[4..], ["alice", "bob", "carol"]);
    let b_rows: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == "b.txt").collect();
    assert_eq!(b_rows.len(), 3);
    for row in &b_rows {
        assert_eq!(
            row.len(),
            7,
            "a missing value is an empty last cell: {row:?}"
        );
        assert_eq!(row[5], "O", "bob's empty file: O");
        assert_eq!(row[6], "", "carol has no file: missing");
    }

    let json = agree_json(root, &[]);
    let pair = |a: &str, b: &str| {
        json["overall"]["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["a"] == a && p["b"] == b)
            .unwrap()
            .clone()
    };
    assert_eq!(pair("alice", "bob")["documents"], 2);
    assert_eq!(pair("alice", "bob")["units"], 8);
    assert_eq!(pair("alice", "carol")["documents"], 1);
    assert_eq!(pair("alice", "carol")["units"], 5);
    // carol's missing document does not count against her spans.
    assert_close(&json, "/overall/pairs/1/spans/exact/recall", 1.0);
    assert_eq!(json["overall"]["pairs"][1]["b"], "carol");
    // Fleiss' κ only on units all three labelled; α on every unit with two values or more.
    assert_eq!(json["overall"]["fleiss_kappa"]["units"], 5);
    assert_eq!(json["overall"]["krippendorff_alpha"]["pairable_units"], 8);
    assert_eq!(
        json["overall"]["krippendorff_alpha"]["pairable_values"],
        5 * 3 + 3 * 2
    );
    let b_doc = &json["documents"][1];
    assert_eq!(b_doc["file"], "b.txt");
    assert_eq!(
        b_doc["annotators_with_file"],
        serde_json::json!(["alice", "bob"])
    );
    assert!(
        b_doc["fleiss_kappa"]["value"].is_null(),
        "no unit has three values"
    );
    // alice LOCATION on Dushanbe, bob O: disagreement.
    assert_close(&json, "/documents/1/pairs/0/observed_agreement", 2.0 / 3.0);
}

#[test]
fn the_curated_gold_set_takes_part_only_when_named() {
    let dir = project(&[("talks.txt", TALKS)]);
    let root = dir.path();
    for annotator in ["alice", "bob", "curated"] {
        annotate(
            root,
            annotator,
            "talks.txt",
            vec![span(1, "PERSON", TALKS, "Tokayev")],
        );
    }
    let json = agree_json(root, &[]);
    assert_eq!(json["annotators"], serde_json::json!(["alice", "bob"]));
    let json = agree_json(root, &["--annotators", "curated,alice,curated"]);
    assert_eq!(json["annotators"], serde_json::json!(["curated", "alice"]));
    assert_eq!(json["overall"]["pairs"][0]["a"], "curated");
}

#[test]
fn commitment_attributes_compare_references_by_the_spans_they_point_at() {
    let dir = project(&[("pledge.txt", PLEDGE)]);
    let root = dir.path();
    let commitment = "raise trade to 2 billion dollars";
    annotate(
        root,
        "alice",
        "pledge.txt",
        vec![
            span(1, "COUNTRY", PLEDGE, "They"),
            span(2, "MONEY", PLEDGE, "2 billion dollars"),
            with(
                with(
                    with(
                        span(3, "COMMITMENT", PLEDGE, commitment),
                        "actors",
                        refs(&[1]),
                    ),
                    "target",
                    refs(&[2]),
                ),
                "kind",
                AttributeValue::Enum("pledge".into()),
            ),
        ],
    );
    // bob: other ids, the same actor and target spans, another kind, a shorter commitment.
    annotate(
        root,
        "bob",
        "pledge.txt",
        vec![
            span(7, "MONEY", PLEDGE, "2 billion dollars"),
            span(8, "COUNTRY", PLEDGE, "They"),
            with(
                with(
                    with(
                        span(4, "COMMITMENT", PLEDGE, "trade to 2 billion dollars"),
                        "actors",
                        refs(&[8]),
                    ),
                    "target",
                    refs(&[7]),
                ),
                "kind",
                AttributeValue::Enum("agreement".into()),
            ),
        ],
    );
    let json = agree_json(root, &[]);
    let c = &json["overall"]["pairs"][0]["commitments"];
    assert_eq!(c["matched"], 1, "{c:#}");
    assert_eq!(c["attributes"]["actors"]["equal"], 1);
    assert_eq!(c["attributes"]["target"]["equal"], 1);
    assert_eq!(c["attributes"]["kind"]["compared"], 1);
    assert_eq!(c["attributes"]["kind"]["equal"], 0);
    assert_eq!(
        c["attributes"]["deadline"]["compared"], 0,
        "listed from the schema"
    );
    assert!(c["attributes"]["deadline"]["agreement"].is_null());
    let text = agree_text(root, &[]);
    let kind = text
        .lines()
        .find(|l| l.trim_start().starts_with("kind"))
        .unwrap_or_else(|| panic!("{text}"));
    assert_eq!(
        kind.split_whitespace().collect::<Vec<_>>(),
        ["kind", "1", "0", "0.0000", "0.0000"]
    );
}

#[test]
fn json_has_every_figure_with_its_counts_and_null_where_undefined() {
    let dir = project(&[("talks.txt", TALKS), ("empty.txt", "Nothing here.")]);
    let root = dir.path();
    annotate(
        root,
        "alice",
        "talks.txt",
        vec![span(1, "PERSON", TALKS, "Tokayev")],
    );
    annotate(
        root,
        "bob",
        "talks.txt",
        vec![span(1, "ORG", TALKS, "Rahmon")],
    );
    let json = agree_json(root, &[]);
    for key in [
        "project",
        "annotators",
        "labels",
        "overall",
        "matrix",
        "documents",
        "warnings",
    ] {
        assert!(json.get(key).is_some(), "{key} missing: {json:#}");
    }
    let overall = &json["overall"];
    for key in [
        "documents",
        "units",
        "krippendorff_alpha",
        "fleiss_kappa",
        "spans",
        "commitments",
        "pairs",
    ] {
        assert!(overall.get(key).is_some(), "overall.{key} missing");
    }
    assert_eq!(overall["documents"], 2);
    // Fleiss' κ needs three annotators: null, with its counts.
    assert!(overall["fleiss_kappa"]["value"].is_null());
    assert_eq!(overall["fleiss_kappa"]["annotators"], 2);
    let pair = &overall["pairs"][0];
    for key in [
        "a",
        "b",
        "documents",
        "units",
        "observed_agreement",
        "cohen_kappa",
        "spans",
        "commitments",
    ] {
        assert!(pair.get(key).is_some(), "pair.{key} missing");
    }
    // ORG is bob's alone: precision over bob's ORG spans 0, recall undefined (alice has none).
    let org = &pair["spans"]["labels"]["ORG"]["exact"];
    assert_eq!(org["spans_a"], 0);
    assert_eq!(org["spans_b"], 1);
    assert!(org["recall"].is_null());
    assert_eq!(org["precision"], 0.0);
    assert_eq!(org["f1"], 0.0);
    // The second document: nobody has a file, every figure undefined.
    let empty = json["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == "empty.txt")
        .unwrap();
    assert_eq!(empty["annotators_with_file"], serde_json::json!([]));
    assert!(empty["krippendorff_alpha"]["value"].is_null());
    assert!(empty["pairs"][0]["cohen_kappa"].is_null());
    assert!(empty["pairs"][0]["spans"]["exact"]["f1"].is_null());
    assert_eq!(empty["units"], 3);
    // Matrices: annotator × annotator, null on the diagonal, symmetric, full precision.
    let kappa = &json["matrix"]["cohen_kappa"];
    assert!(kappa[0][0].is_null() && kappa[1][1].is_null());
    assert_eq!(kappa[0][1], kappa[1][0]);
    assert_eq!(kappa[0][1], pair["cohen_kappa"]);
    // 8 units; alice PERSON on Tokayev, bob ORG on Rahmon: p_o = 6/8, p_e = (7·7)/64, so
    // κ = (48 − 49) / (64 − 49) = −1/15: worse than chance.
    let want = -1.0 / 15.0;
    assert!(
        (kappa[0][1].as_f64().unwrap() - want).abs() < 1e-15,
        "{kappa}"
    );
    assert_eq!(json["matrix"]["exact_f1"][0][1], 0.0);
}

#[test]
fn the_unit_dump_has_a_column_per_annotator_and_one_line_per_unit() {
    let text = "Токаев и Рахмон\tвстретились.\n";
    let dir = project(&[("ru.txt", text), ("talks.txt", TALKS)]);
    let root = dir.path();
    annotate(
        root,
        "alice",
        "ru.txt",
        vec![span(1, "PERSON", text, "Токаев")],
    );
    annotate(
        root,
        "bob",
        "ru.txt",
        vec![span(1, "PERSON", text, "Рахмон")],
    );
    annotate(root, "bob", "talks.txt", vec![]);
    let (header, rows) = dump_units(root, &[]);
    assert_eq!(header, ["document", "start", "end", "text", "alice", "bob"]);
    let json = agree_json(root, &[]);
    assert_eq!(
        rows.len() as u64,
        json["overall"]["units"].as_u64().unwrap()
    );
    assert!(rows.iter().all(|r| r.len() == 6), "{rows:?}");
    assert_eq!(
        rows[0],
        ["ru.txt", "0", "6", "Токаев", "PERSON", "O"].map(str::to_owned)
    );
    assert_eq!(rows[2][1..5], ["9", "15", "Рахмон", "O"].map(str::to_owned));
    assert!(
        rows.iter()
            .filter(|r| r[0] == "talks.txt")
            .all(|r| r[4].is_empty() && r[5] == "O"),
        "alice has no file for talks.txt"
    );
}

#[test]
fn unreadable_input_exits_2_naming_the_file_and_saying_what_to_do() {
    let dir = project(&[("talks.txt", TALKS)]);
    let root = dir.path();
    annotate(
        root,
        "alice",
        "talks.txt",
        vec![span(1, "PERSON", TALKS, "Tokayev")],
    );
    annotate(
        root,
        "bob",
        "talks.txt",
        vec![span(1, "PERSON", TALKS, "Tokayev")],
    );

    let out = accord(&["agree", ".", "--annotators", "alice,zed"], root);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("\"zed\"") && err.contains("annotations/zed") && err.contains("alice, bob"),
        "{err}"
    );

    let out = accord(&["agree", ".", "--documents", "nope.txt"], root);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("nope.txt") && stderr(&out).contains("talks.txt"),
        "{}",
        stderr(&out)
    );

    let file = root.join("annotations/bob/talks.txt.ron");
    let broken = std::fs::read_to_string(&file)
        .unwrap()
        .replace("label: \"PERSON\",", "label: \"PERSON\"");
    std::fs::write(&file, broken).unwrap();
    let out = accord(&["agree", "--json", "."], root);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("annotations/bob/talks.txt.ron"), "{err}");
    assert!(
        err.contains("restore it from version control") && err.contains("accord validate"),
        "{err}"
    );
    assert!(stdout(&out).is_empty(), "no half JSON");

    let out = accord(&["agree", "no-such-folder"], root);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot open project folder"),
        "{}",
        stderr(&out)
    );

    // A document someone annotated that no longer opens stops the comparison too.
    std::fs::remove_file(&file).unwrap();
    std::fs::write(root.join("talks.txt"), b"").unwrap();
    let out = accord(&["agree", "."], root);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("talks.txt") && err.contains("is empty"),
        "{err}"
    );
}

#[test]
fn the_sample_project_agrees_with_itself_and_reports_fewer_than_two_annotators() {
    // Whatever annotators sample_docs/ has, a copy of one of them under another name agrees
    // perfectly with it.
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_docs");
    let dir = tempfile::tempdir().unwrap();
    copy_folder(&sample, dir.path());
    let root = dir.path();
    let first = std::fs::read_dir(root.join("annotations"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "curated")
        .min()
        .expect("the sample project has an annotator");
    let json = agree_json(root, &["--annotators", &first]);
    assert_eq!(json["overall"]["pairs"], serde_json::json!([]));
    assert!(json["overall"]["krippendorff_alpha"]["value"].is_null());
    assert!(agree_text(root, &["--annotators", &first]).contains("Fewer than two annotators"));

    copy_folder(
        &root.join("annotations").join(&first),
        &root.join("annotations/zz-copy"),
    );
    let json = agree_json(root, &["--annotators", &format!("{first},zz-copy")]);
    let pair = &json["overall"]["pairs"][0];
    assert_eq!(pair["cohen_kappa"], 1.0, "{pair:#}");
    assert_eq!(pair["spans"]["exact"]["f1"], 1.0);
    assert_eq!(
        pair["spans"]["exact"]["matched"],
        pair["spans"]["exact"]["spans_a"]
    );
    assert!(pair["spans"]["exact"]["matched"].as_u64().unwrap() > 0);
    assert_eq!(json["overall"]["krippendorff_alpha"]["value"], 1.0);
    assert_eq!(json["warnings"], serde_json::json!([]));
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_folder(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}
