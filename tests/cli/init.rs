//! `accord init`: a project from the command line, from a label set of another tool and a
//! folder of documents; never over an existing project.

use std::path::Path;

use accord::project::{Project, SchemaSource};

use crate::accord;

fn samples() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_docs")
}

#[test]
fn init_makes_a_project_from_a_brat_label_set_and_a_folder_and_lists_what_it_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let texts = tmp.path().join("texts");
    std::fs::create_dir(&texts).unwrap();
    for file in [
        "kz-tj-joint-statement.zh.txt",
        "kz-tj-foreign-ministers.kk.txt",
    ] {
        std::fs::copy(samples().join(file), texts.join(file)).unwrap();
    }
    std::fs::write(texts.join("cover.jpg"), b"\xff\xd8\xff\xe0\0\x10JFIF\0").unwrap();
    let conf = tmp.path().join("annotation.conf");
    std::fs::write(
        &conf,
        "[entities]\nPerson\nCountry\nTreaty\n\n[relations]\nSigned  Arg1:Person, Arg2:Treaty\n\n[events]\n\n[attributes]\n",
    )
    .unwrap();
    let out = accord(
        &[
            "init",
            "project",
            "texts",
            "--schema",
            "annotation.conf",
            "--name",
            "Treaties",
        ],
        tmp.path(),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Created, with a file refused: exit 1, the file named with the reason.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("(3 labels)"), "{stdout}");
    assert!(
        stdout.contains("added kz-tj-joint-statement.zh.txt (zh)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("added kz-tj-foreign-ministers.kk.txt (kk)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("cover.jpg: it is not a text file"),
        "{stdout}"
    );
    assert!(stdout.contains("2 documents added, 1 refused"), "{stdout}");

    let project = Project::open(&tmp.path().join("project")).unwrap();
    assert_eq!(project.name(), "Treaties");
    assert_eq!(project.file.schema, SchemaSource::File("schema.ron".into()));
    let labels: Vec<&str> = project
        .schema
        .labels
        .iter()
        .map(|l| l.name.as_str())
        .collect();
    assert_eq!(labels, ["Person", "Country", "Treaty"]);
    let signed = project.schema.relation("Signed").unwrap();
    assert_eq!(signed.from_labels, ["Person"]);
    assert_eq!(signed.to_labels, ["Treaty"]);
    assert_eq!(project.documents.len(), 2);
    assert!(project.documents.iter().all(|d| d.doc().is_some()));
    // The project it made is clean.
    let validate = accord(&["validate", "project"], tmp.path());
    assert_eq!(validate.status.code(), Some(0));

    // Again: refused, exit 2, nothing changed.
    let before = std::fs::read(tmp.path().join("project/accord.ron")).unwrap();
    let again = accord(&["init", "project", "texts"], tmp.path());
    assert_eq!(again.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already holds a project"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(
        std::fs::read(tmp.path().join("project/accord.ron")).unwrap(),
        before
    );
}

#[test]
fn init_refuses_a_label_set_it_cannot_read_and_says_where() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("config.xml"),
        "<View>\n  <Labels name=\"label\" toName=\"text\">\n    <Label background=\"red\"/>\n  </Labels>\n</View>\n",
    )
    .unwrap();
    let out = accord(&["init", "p", "--schema", "config.xml"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("config.xml"), "{stderr}");
    assert!(stderr.contains("line 3, column 5"), "{stderr}");
    assert!(!tmp.path().join("p").exists());
}

#[test]
fn validate_locates_a_newcomers_schema_mistakes_and_the_project_still_opens() {
    let project = crate::common::project_with_newcomers_schema();
    let out = accord(&["validate", "."], project.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    for expected in [
        "schema.ron:4:40: `colour` is not a field of a label: write `color`",
        "schema.ron:5:9: hotkey 'p' of label \"ORG\" is already taken; the label is kept without a key: write `hotkey: Some('o')` (free)",
        "write `Enum` instead of `Enumm`",
        "schema.ron:9:9: relation \"works_for\" refers to unknown label \"ORGG\"; the relation is left out: write \"ORG\" instead of \"ORGG\"",
    ] {
        assert!(stdout.contains(expected), "{expected}\n{stdout}");
    }
    // The rest of the project works: its documents, with the labels that were read.
    let stats = accord(&["stats", "."], project.path());
    assert_eq!(stats.status.code(), Some(0));
    let opened = Project::open(project.path()).unwrap();
    let labels: Vec<&str> = opened
        .schema
        .labels
        .iter()
        .map(|l| l.name.as_str())
        .collect();
    assert_eq!(labels, ["PERSON", "ORG"]);
    assert_eq!(opened.documents.len(), 5);
}
